#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configuration end to end: the real module on the gateway side, the real
# i62608-agent on the device side, paired and configured with i62608ctl.
# Static IPv4/IPv6 applied on the device, DHCP and back (hook), a service
# hook, a refused item beside applied ones, a duplicate, a pending request,
# 30% frame loss, an agent killed (timeout within the computed bound), an
# unknown MAC, the key file and the pairings file across a module reload,
# requests racing with the module's unload.
#
#   +---- ns "gw" -------------------------+        +---- ns "agt" (+ UTS ns) ----+
#   | i62608.ko: iface v0 enabled          |        | i62608-agent -c agent.conf  |
#   | i62608ctl key|pair|config|monitor    |        |  hooks in $tmp/hooks log    |
#   |   v0 192.168.7.1/24 <----- veth -----+--------+-> a0 (configured here)      |
#   |   (netem loss 30% for one part)      |        |   (netem loss 30% too)      |
#   +--------------------------------------+        +-----------------------------+
#
# The configurator's files go to $I62608_STATE_DIR (a temporary directory).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

agent=$I62608_BIN/i62608-agent
py=/usr/bin/python3
for b in "$agent" "$I62608_BIN/i62608ctl"; do
	[ -x "$b" ] || { echo "Bail out! missing $b (make userspace)"; exit 1; }
done
for c in tc unshare nsenter; do
	command -v $c >/dev/null || { echo "Bail out! $c is missing"; exit 1; }
done
module_loaded || { echo "Bail out! the module is not loaded"; exit 1; }

tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
export I62608_STATE_DIR=$tmp/gwstate
if ! ns_new gw || ! ns_new agt; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
ip link add v0 netns gw type veth peer name a0 netns agt
ip -n gw link set v0 up
ip -n agt link set a0 up
ip -n gw addr add 192.168.7.1/24 dev v0
ip -n gw addr add 2001:db8:7::1/64 dev v0 nodad
amac=$(ip -n agt -br link show a0 | awk '{print $3}')
ctl() { in_ns gw i62608ctl "$@"; }
ctl iface add v0 || { echo "Bail out! cannot enable v0"; exit 1; }

# send NAME ARGS... - config send -j; JSON in $tmp/NAME.json, stderr in
# $tmp/NAME.err, the exit status in $rc.
send() {
	local name=$1
	shift
	ctl -j config send "$amac" "$@" >"$tmp/$name.json" 2>"$tmp/$name.err" && rc=0 || rc=$?
}

# sent DESC NAME WANT_RC SCRIPT - the exit status was WANT_RC and SCRIPT
# holds for the JSON.
sent() {
	local desc=$1 name=$2 want=$3 script=$4
	if [ "$rc" != "$want" ]; then
		diag "exit status $rc, want $want" "$(cat "$tmp/$name.err" "$tmp/$name.json")"
		fail "$desc"
		return
	fi
	pycheck "$desc" "$tmp/$name.json" "$script"
}

# The statuses of a result's items, "applied,unchanged,refused:invalid".
statuses='",".join(r["status"] + (":" + r["reason"] if "reason" in r else "") for r in d["results"])'

# ---- the configurator's key -------------------------------------------------

ctl -j key init >"$tmp/key.json" 2>"$tmp/key.err" && rc=0 || rc=$?
if [ "$rc" = 0 ] && [ "$(stat -c %a "$I62608_STATE_DIR/configurator.key")" = 600 ] &&
	[ "$(stat -c %a "$I62608_STATE_DIR")" = 700 ]; then
	ok "key init creates the key file (0600 in a 0700 directory) and loads it"
else
	diag "$(cat "$tmp/key.err")"
	fail "key init creates the key file and loads it"
fi
pycheck "key init prints the public key (base64) and the pairing code" "$tmp/key.json" '
import re
assert re.fullmatch(r"[A-Za-z0-9+/]{43}=", d["public_key"]), d
assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", d["pairing_code"]), d
assert d["created"] is True, d'
cfgpub=$($py -c 'import json,sys; print(json.load(sys.stdin)["public_key"])' <"$tmp/key.json")
if [ "$(ctl -j key show | $py -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')" = "$cfgpub" ]; then
	ok "key show: the kernel has that key"
else
	fail "key show: the kernel has that key"
fi
chmod 640 "$I62608_STATE_DIR/configurator.key"
check_err "key init refuses a key file others can read" 1 \
	"accessible to group or others \\(mode 0640\\)" ctl key init
chmod 600 "$I62608_STATE_DIR/configurator.key"
printf 'c2hvcnQ=\n' >"$tmp/short.key"
chmod 600 "$tmp/short.key"
check_err "key init refuses a key of the wrong size" 1 "not a private key" \
	ctl key init --file "$tmp/short.key"

# ---- the agent, paired through ctl -------------------------------------------

hooks=$tmp/hooks
calls=$tmp/calls.log
mkdir -p "$hooks/services.d" "$tmp/run"
: >"$calls"
mkhook() {
	printf '#!/bin/sh\necho "%s $*" >>%s\n' "$1" "$calls" >"$2"
	chmod 755 "$2"
}
mkhook dhcp "$hooks/dhcp"
mkhook iptv "$hooks/services.d/iptv"
echo "nameserver 192.168.7.1" >"$tmp/resolv.conf"
conf=$tmp/agent.conf
cat >"$conf" <<EOC
name = e2e-agent
interfaces = a0
service = iptv enabled udp/5004
resolv_conf = $tmp/resolv.conf
state_dir = $tmp/agentstate
dhcp_hook = $hooks/dhcp
dns_file = $tmp/run/resolv.conf
services_dir = $hooks/services.d
hook_timeout = 5s
configurator_key = $cfgpub
discover_backoff_max = 2s
EOC
apub=$("$agent" -c "$conf" --show-key -j | $py -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')
check "pair add KEY name tv" ctl pair add "$apub" name tv
if grep -qx "$apub tv" "$I62608_STATE_DIR/pairs"; then
	ok "pair add writes the pairing to the pairings file"
else
	diag "$(cat "$I62608_STATE_DIR/pairs" 2>&1)"
	fail "pair add writes the pairing to the pairings file"
fi
check_err "pair add of a paired agent: EEXIST with the kernel's reason" 1 \
	"File exists \\(i62608: this agent is paired already\\)" ctl pair add "$apub"
ctl pair show -j >"$tmp/pairs.json"
pycheck "pair show -j: the pairing, by key, and the window closed" "$tmp/pairs.json" "
assert d['window_open'] is False, d
p = d['pairs']
assert len(p) == 1 and p[0]['public_key'] == '$apub', p
assert p[0]['origin'] == 'key' and p[0]['name'] == 'tv', p"

mon=$tmp/monitor.json
ip netns exec gw i62608ctl -j monitor --timeout 1800 >"$mon" 2>"$tmp/monitor.err" &
mon_pid=$!
at_exit "kill $mon_pid"

ip netns exec agt unshare -u "$agent" -c "$conf" -v >"$tmp/agent.out" 2>"$tmp/agent.log" &
agent_pid=$!
at_exit "kill -9 $agent_pid"

authenticated() {
	ctl -j agent show "$amac" 2>/dev/null | grep -q '"trust":"authenticated"'
}
if wait_for 60 authenticated; then
	ok "the agent shakes hands with the module: authenticated"
else
	diag "$(ctl agent show "$amac" 2>&1)" "$(tail -n 20 "$tmp/agent.log")"
	fail "the agent shakes hands with the module: authenticated"
	echo "Bail out! no session, nothing to configure"
	exit 1
fi

# Retransmissions: 200 ms, doubling, 4 sends.
check "params set config_rto 200ms config_tries 4" \
	ctl params set config_rto 200ms config_tries 4

# ---- static addresses --------------------------------------------------------

a0_json() {
	ip -n agt -j addr show dev a0
}
send static --ipv4 192.168.7.10/24 --gw 192.168.7.1 --ipv6 2001:db8:7::10/64 --dns 192.168.7.1
sent "static IPv4, gateway, IPv6, DNS: acked, all applied" static 0 "
assert d['outcome'] == 'acked' and d['mac'] == '$amac', d
assert $statuses == 'applied,applied,applied,applied', d
w = [r['what'] for r in d['results']]
assert w == ['ipv4 192.168.7.10/24', 'ipv6 2001:db8:7::10/64', 'gw 192.168.7.1', 'dns 192.168.7.1'], w"
a0_json >"$tmp/addr1.json"
pycheck "ip -j addr in the agent's namespace: both addresses" "$tmp/addr1.json" '
a = [(x["local"], x["prefixlen"]) for x in d[0]["addr_info"] if x["scope"] == "global"]
assert ("192.168.7.10", 24) in a and ("2001:db8:7::10", 64) in a, a'
if ip -n agt route show default | grep -q "^default via 192.168.7.1 dev a0"; then
	ok "the default route goes via the requested gateway"
else
	fail "the default route goes via the requested gateway ($(ip -n agt route show default))"
fi

send dup --ipv4 192.168.7.10/24 --gw 192.168.7.1 --ipv6 2001:db8:7::10/64 --dns 192.168.7.1
sent "the same request again: acked, every item unchanged" dup 0 "
assert $statuses == 'unchanged,unchanged,unchanged,unchanged', d"
a0_json >"$tmp/addr2.json"
if $py -c '
import json, sys
def g(f):
	return sorted((x["local"], x["prefixlen"]) for x in json.load(open(f))[0]["addr_info"])
sys.exit(g(sys.argv[1]) != g(sys.argv[2]))' "$tmp/addr1.json" "$tmp/addr2.json"; then
	ok "a duplicate request changes nothing on the device"
else
	fail "a duplicate request changes nothing on the device"
fi

# ---- DHCP and back -----------------------------------------------------------

send dhcp --dhcp
sent "static to DHCP: acked" dhcp 0 "assert $statuses == 'applied', d"
if grep -qx "dhcp a0 start ipv4" "$calls"; then
	ok "the DHCP hook ran as: a0 start ipv4"
else
	diag "$(cat "$calls")"
	fail "the DHCP hook ran as: a0 start ipv4"
fi
send static2 --ipv4 192.168.7.11/24
sent "DHCP back to static: acked" static2 0 "assert $statuses == 'applied', d"
if grep -qx "dhcp a0 stop ipv4" "$calls" &&
	a0_json | grep -q '"local":"192.168.7.11","prefixlen":24'; then
	ok "the DHCP client is stopped and the static address is set"
else
	diag "$(cat "$calls")" "$(a0_json)"
	fail "the DHCP client is stopped and the static address is set"
fi

# ---- a service, a refused item -------------------------------------------------

send svc --service iptv=off
sent "a service switched off: acked" svc 0 "
assert $statuses == 'applied' and d['results'][0]['what'] == 'service iptv off', d"
if grep -qx "iptv disable" "$calls"; then
	ok "the service hook ran as: services.d/iptv disable"
else
	diag "$(cat "$calls")"
	fail "the service hook ran as: services.d/iptv disable"
fi

send nack --ipv4 224.0.0.1/24 --hostname tv-e2e
sent "an impossible address: nacked (exit 1), refused invalid, the other item applied" nack 1 "
assert d['outcome'] == 'nacked', d
assert $statuses == 'refused:invalid,applied', d"
if [ "$(nsenter -t "$agent_pid" -u hostname)" = tv-e2e ] &&
	! a0_json | grep -q '224.0.0.1'; then
	ok "the host name is set, the address is not"
else
	fail "the host name is set, the address is not"
fi
if grep -q '"event":"config_result".*"outcome":"nacked"' "$mon"; then
	ok "monitor decodes config_result events"
else
	diag "$(tail -n 5 "$mon")"
	fail "monitor decodes config_result events"
fi

check_err "an unknown MAC fails at once (exit 2) with the kernel's reason" 2 \
	"No such file or directory \\(i62608: no such agent\\)" \
	ctl config send 02:62:60:00:99:99 --dhcp
check_err "a bad item is a usage error (exit 2)" 2 "is not an IPv4 address" \
	ctl config send "$amac" --ipv4 192.168.7.300/24

# ---- pending ---------------------------------------------------------------------

check "params set config_rto 1s config_tries 8" ctl params set config_rto 1s config_tries 8
kill -STOP "$agent_pid"
send pend --hostname tv-pending --no-wait
id=$($py -c 'import json,sys; print(json.load(sys.stdin)["request_id"])' <"$tmp/pend.json" 2>/dev/null)
ctl -j config pending >"$tmp/pending.json"
pycheck "config pending lists the outstanding request" "$tmp/pending.json" "
p = [x for x in d if x['request_id'] == ${id:-0}]
assert len(p) == 1 and p[0]['mac'] == '$amac' and p[0]['ifname'] == 'v0', d
assert p[0]['tries'] >= 1 and 'age_ms' in p[0] and 'next_ms' in p[0], p"
sleep 2
kill -CONT "$agent_pid"
result_of() {
	grep -q "\"event\":\"config_result\",\"request_id\":$1,.*\"outcome\":\"acked\"" "$mon"
}
if [ -n "$id" ] && wait_for 30 result_of "$id"; then
	ok "the stopped agent answers a retransmission: acked"
else
	diag "$(grep config_result "$mon" | tail -n 3)"
	fail "the stopped agent answers a retransmission: acked"
fi

# ---- 30% frame loss ----------------------------------------------------------

check "params set config_rto 200ms config_tries 12" ctl params set config_rto 200ms config_tries 12
modprobe sch_netem 2>/dev/null
if ip netns exec gw tc qdisc add dev v0 root netem loss 30% &&
	ip netns exec agt tc qdisc add dev a0 root netem loss 30%; then
	good=0
	for i in 1 2 3 4 5 6 7 8; do
		send loss$i --hostname "loss-$i"
		[ "$rc" = 0 ] && good=$((good + 1))
	done
	if [ "$good" = 8 ]; then
		ok "30% frame loss both ways: 8 of 8 requests acked"
	else
		diag "$good of 8 acked"
		fail "30% frame loss both ways: every request acked"
	fi
	if [ "$(nsenter -t "$agent_pid" -u hostname)" = loss-8 ]; then
		ok "the last request under loss is applied"
	else
		fail "the last request under loss is applied"
	fi
	ip netns exec gw tc qdisc del dev v0 root
	ip netns exec agt tc qdisc del dev a0 root
else
	fail "tc netem loss 30% (sch_netem missing?)"
fi

# ---- the agent is gone: timeout within the bound ------------------------------------

# Sends at 0, 100, 300 ms; the third's RTO ends at 700 ms: the bound is
# the sum of the RTOs, each twice the one before (kernel/config.c).
check "params set config_rto 100ms config_tries 3" ctl params set config_rto 100ms config_tries 3
kill -9 "$agent_pid"
wait "$agent_pid" 2>/dev/null
send gone --hostname tv-gone
sent "a killed agent: timeout (exit 3) after 3 sends" gone 3 "
assert d['outcome'] == 'timeout' and d['tries'] == 3 and d['results'] == [], d"
# The kernel's timing, from the monitor's clock: t0 is taken before the
# request exists, t1 after the kernel had sent it; the result's time_ms
# must be at least the bound after t0 and within the bound (plus slack
# for the TCG guest's timers and the monitor's wakeup) after t1.
t0=$(date +%s%3N)
send gone2 --hostname tv-gone2 --no-wait
t1=$(date +%s%3N)
id=$($py -c 'import json,sys; print(json.load(sys.stdin)["request_id"])' <"$tmp/gone2.json" 2>/dev/null)
timed_out() {
	grep -q "\"event\":\"config_result\",\"request_id\":$1,.*\"outcome\":\"timeout\"" "$mon"
}
if [ -n "$id" ] && wait_for 30 timed_out "$id"; then
	at=$(grep "\"event\":\"config_result\",\"request_id\":$id," "$mon" |
		$py -c 'import json,sys; print(json.loads(sys.stdin.readline())["time_ms"])')
	if [ $((at - t0)) -ge 700 ] && [ $((at - t1)) -le 2700 ]; then
		ok "the timeout came $((at - t0))ms after the request: within the bound of 700ms (+2s slack)"
	else
		fail "the timeout came $((at - t0))ms after t0, $((at - t1))ms after t1: want >= 700ms, <= 2700ms"
	fi
else
	fail "the timeout of a --no-wait request is announced (config_result timeout)"
fi

# ---- requests racing with the module's unload -----------------------------------------

check "params set config_rto 5s config_tries 20" ctl params set config_rto 5s config_tries 20
send race0 --hostname race --no-wait
for i in $(seq 1 30); do
	ip netns exec gw i62608ctl config send "$amac" --hostname "race-$i" --no-wait \
		>/dev/null 2>&1 &
done
dmesg_before=$(dmesg | wc -l)
if module_unload; then
	ok "the module unloads with requests pending and more arriving"
else
	fail "the module unloads with requests pending and more arriving"
fi
wait_jobs() {
	local p
	for p in $(jobs -p); do
		[ "$p" = "$mon_pid" ] || wait "$p" 2>/dev/null
	done
}
wait_jobs
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak
fi
new=$(dmesg | tail -n +"$((dmesg_before + 1))")
if ! grep -qE "${I62608_KERNEL_REPORT_RE:-WARNING:|BUG:}|leak" <<<"$new"; then
	ok "no warning, bug or leak in the kernel log after the unload"
else
	diag "$new"
	fail "no warning, bug or leak in the kernel log after the unload"
fi
if ! module_load ""; then
	echo "Bail out! cannot load the module again"
	exit 1
fi

# ---- after the reload: the files bring the state back ---------------------------

check_err "after a reload the kernel has no key" 1 "no configurator key is set" ctl key show
ctl -j key init >"$tmp/key2.json"
pycheck "key init with the existing file: the same public key" "$tmp/key2.json" "
assert d['public_key'] == '$cfgpub' and d['created'] is False, d"
ctl -j pair load >"$tmp/load.json" 2>"$tmp/load.err"
pycheck "pair load adds the pairing from the file" "$tmp/load.json" "
assert d == {'added': 1, 'present': 0, 'failed': 0}, d"
ctl -j pair show >"$tmp/pairs2.json"
pycheck "pair show after pair load: the pairing is back" "$tmp/pairs2.json" "
assert [p['public_key'] for p in d['pairs']] == ['$apub'], d"
check "pair open 60" ctl pair open 60
ctl -j pair show >"$tmp/pairs3.json"
pycheck "pair show: the window is open" "$tmp/pairs3.json" "
assert d['window_open'] is True and 0 < d['window_left_ms'] <= 60000, d"
check "pair open 0 closes it" ctl pair open 0
check "pair del KEY" ctl pair del "$apub"
if ! grep -q "$apub" "$I62608_STATE_DIR/pairs" &&
	[ "$(ctl -j pair show | $py -c 'import json,sys; print(len(json.load(sys.stdin)["pairs"]))')" = 0 ]; then
	ok "pair del removes the pairing from the kernel and from the file"
else
	fail "pair del removes the pairing from the kernel and from the file"
fi
check_err "pair del of an unknown agent: ENOENT" 1 "no such pairing" ctl pair del "$apub"

tap_end
