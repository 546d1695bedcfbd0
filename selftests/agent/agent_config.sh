#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# i62608-agent's security and configuration, end to end, without the
# kernel module: the agent in one namespace (and its own UTS namespace, so
# that setting the host name touches nothing else), testcfg as a secure
# configurator (kernel/noise.c, the code the module runs) in the other.
# Key file, pairing refused then accepted, the pin learned on first use,
# protected REPORTs, configuration applied for real (addresses, default
# route, DNS fragment, DHCP, host name, services, QoS, settings through
# hook scripts written here), refusals, duplicates, a plaintext request
# dropped, CONFIG_REPORT, DECRYPT_FAIL, a rogue configurator, --unpair,
# dry-run with --instances.
#
#   +--- ns "agt" (and a UTS ns) ---+        +--- ns "cfg" ----------+
#   | i62608-agent                  |        | testcfg --key          |
#   |  a0 192.168.7.2/24          <-+- veth -+-> c0                   |
#   +-------------------------------+        +------------------------+
#
# Needs root; runs natively or in the test VM. AGENT_CONFIG_KEEP=DIR keeps
# the logs.
# shellcheck source=../i62608/lib.sh
. "$(dirname "$0")/../i62608/lib.sh"
tap_begin

testcfg=${TESTCFG:-$top/build/selftests/agent/testcfg}
agent=${AGENT:-$I62608_BIN/i62608-agent}
for b in "$testcfg" "$agent"; do
	[ -x "$b" ] || { echo "Bail out! missing $b (make userspace)"; exit 1; }
done
command -v unshare >/dev/null || { echo "Bail out! unshare is missing"; exit 1; }

agt=agtc-$$
cfg=cfgc-$$
tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
if ! ns_new "$agt" || ! ns_new "$cfg"; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
ip link add a0 netns "$agt" type veth peer name c0 netns "$cfg"
ip -n "$agt" link set lo up
ip -n "$agt" link set a0 up
ip -n "$cfg" link set c0 up
ip -n "$agt" addr add 192.168.7.2/24 dev a0
amac=$(ip -n "$agt" -br link show a0 | awk '{print $3}')

# ---- hooks: they log their argv, one line per run --------------------------

hooks=$tmp/hooks
mkdir -p "$hooks/services.d" "$tmp/run"
calls=$tmp/calls.log
: >"$calls"
mkhook() {
	printf '#!/bin/sh\necho "%s $*" >>%s\necho "hook %s ran"\n%s\n' \
		"$1" "$calls" "$1" "${3:-exit 0}" >"$2"
	chmod 755 "$2"
}
mkhook dhcp "$hooks/dhcp"
mkhook qos "$hooks/qos"
mkhook setting "$hooks/setting"
mkhook iptv "$hooks/services.d/iptv"
mkhook broken "$hooks/services.d/broken" "exit 3"
# The environment a hook gets: PATH only.
printf '#!/bin/sh\nenv | sort >%s\n' "$tmp/env.out" >"$hooks/services.d/envcheck"
chmod 755 "$hooks/services.d/envcheck"

echo "nameserver 192.168.7.1" >"$tmp/resolv.conf"
conf=$tmp/agent.conf
write_conf() {
	cat >"$conf" <<EOC
name = cfg-agent
interfaces = a0
service = iptv enabled udp/5004
service = broken enabled
resolv_conf = $tmp/resolv.conf
state_dir = $tmp/state
dhcp_hook = $hooks/dhcp
dns_file = $tmp/run/resolv.conf
qos_hook = $hooks/qos
setting_hook = $hooks/setting
services_dir = $hooks/services.d
hook_timeout = $((2 * ${I62608_SLOW:-1}))s
$*
EOC
}
write_conf

pids=()
stop_all() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}
at_exit stop_all
keep_logs() {
	if [ -n "${AGENT_CONFIG_KEEP:-}" ]; then
		mkdir -p "$AGENT_CONFIG_KEEP" && cp -r "$tmp"/. "$AGENT_CONFIG_KEEP"/
	fi
}
at_exit keep_logs

# start_cfg NAME ARGS... - testcfg on c0, its lines in $tmp/NAME.log, its
# commands written to the descriptor $cmd.
cmd=
start_cfg() {
	local name=$1
	shift
	[ -n "$cmd" ] && exec {cmd}>&-
	rm -f "$tmp/$name.fifo"
	mkfifo "$tmp/$name.fifo"
	ip netns exec "$cfg" "$testcfg" -i c0 --ttl 30 --hb 1 "$@" \
		<"$tmp/$name.fifo" >"$tmp/$name.log" 2>&1 &
	cfg_pid=$!
	pids+=("$cfg_pid")
	exec {cmd}>"$tmp/$name.fifo"
	wait_for 5 grep -q ready "$tmp/$name.log"
}

start_agent() {
	local name=$1
	shift
	ip netns exec "$agt" unshare -u "$agent" -c "$conf" -v "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.log" &
	agent_pid=$!
	pids+=("$agent_pid")
}

stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}

count() {
	grep -cE -- "$2" "$1"
}

at_least() {
	[ "$(count "$2" "$3")" -ge "$1" ]
}

expect() {
	if wait_for "${4:-5}" grep -qE -- "$3" "$2"; then
		ok "$1"
	else
		diag "no line matching '$3' in $2:" "$(tail -n 30 "$2")"
		fail "$1"
	fi
}

# config NAME ITEMS... - send a CONFIG_REQUEST; the answer's line is
# printed (empty after 5 s).
config() {
	local log=$tmp/$1.log n
	shift
	n=$(count "$log" "rx CONFIG_(N?ACK)")
	echo "config $*" >&"$cmd"
	wait_for 5 at_least $((n + 1)) "$log" "rx CONFIG_(N?ACK)"
	grep -E "rx CONFIG_(N?ACK)" "$log" | tail -n 1
}

# answer LINE TYPE RESULTS - the answer is TYPE with exactly RESULTS.
answer() {
	local desc=$1 line=$2 type=$3 results=$4
	if grep -qE "rx $type .* results=$results\$" <<<"$line"; then
		ok "$desc"
	else
		diag "answer: ${line:-none}" "want: $type results=$results"
		fail "$desc"
	fi
}

status() {
	: >"$tmp/$1.out"
	kill -USR1 "$agent_pid"
	wait_for 3 grep -q "config_reports" "$tmp/$1.out"
}

# ---- keys ------------------------------------------------------------------

mkdir -p "$tmp/cfgkey"
printf 'state_dir = %s\n' "$tmp/cfgkey" >"$tmp/cfgkey.conf"
cfgpub=$("$agent" -c "$tmp/cfgkey.conf" --show-key -j |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')
cfgkey=$tmp/cfgkey/agent.key

start_cfg unpaired --key "$cfgkey"
start_agent a1
a1=$tmp/a1.log
expect "first start: the agent creates its key" "$a1" \
	"notice: public key [A-Za-z0-9+/]{43}=; no configurator pinned" 3
if [ "$(stat -c %a "$tmp/state/agent.key")" = 600 ] &&
	[ "$(stat -c %a "$tmp/state")" = 700 ]; then
	ok "the key file is mode 0600 in a 0700 state_dir"
else
	fail "the key file is mode 0600 in a 0700 state_dir ($(stat -c %a "$tmp/state/agent.key"))"
fi
apub=$(sed -n 's/.*public key \([^;]*\);.*/\1/p' "$a1" | head -n 1)
show=$("$agent" -c "$conf" --show-key)
if grep -qx "public_key: $apub" <<<"$show" &&
	grep -qE '^pairing_code: [0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$' <<<"$show"; then
	ok "--show-key prints the agent's public key and a Crockford pairing code"
else
	diag "$show" "(agent logged $apub)"
	fail "--show-key prints the agent's public key and a Crockford pairing code"
fi

# ---- not paired: refused, retried; plaintext REPORTs (day 0) ---------------

u=$tmp/unpaired.log
expect "unpaired: the configurator answers HS_REJECT" "$u" "tx HS_REJECT dst=$amac"
expect "the agent logs the refusal" "$a1" "a0: configurator [0-9a-f:]+ refused the handshake: not paired" 3
if wait_for 8 at_least 2 "$u" "rx HS_INIT"; then
	ok "the agent tries the handshake again (backoff)"
else
	fail "the agent tries the handshake again (backoff)"
fi
if grep -qE "rx REPORT src=$amac .*len=[0-9]+ ttl" "$u" && ! grep -q "prot=1" "$u"; then
	ok "day 0, not pinned: plaintext REPORTs, so the device can be listed and paired"
else
	fail "day 0, not pinned: plaintext REPORTs"
fi
stop "$cfg_pid" >/dev/null

# ---- paired: session, pin learned, everything protected --------------------

start_cfg paired --key "$cfgkey" --pair "$apub"
p=$tmp/paired.log
expect "paired: the handshake completes (SESSION_CONFIRM)" "$p" "tx SESSION_CONFIRM dst=$amac" 20
expect "the agent logs the session" "$a1" "info: a0: session with configurator" 3
if wait_for 3 test -f "$tmp/state/configurator.pub" &&
	[ "$(cat "$tmp/state/configurator.pub")" = "$cfgpub" ]; then
	ok "trust on first use: the configurator's key is pinned in state_dir/configurator.pub"
else
	fail "trust on first use: the configurator's key is pinned"
fi
expect "a protected REPORT right after the session" "$p" "rx REPORT src=$amac .* counter=0 .*prot=1" 3
expect "HEARTBEATs go protected" "$p" "rx HEARTBEAT src=$amac .*prot=1" 3
n=$(grep -n "tx SESSION_CONFIRM" "$p" | head -n 1 | cut -d: -f1)
if ! tail -n +"$n" "$p" | grep -E "rx (REPORT|HEARTBEAT) src=$amac" | grep -qv "prot=1"; then
	ok "nothing in plaintext once the session is up"
else
	fail "nothing in plaintext once the session is up"
fi

# ---- configuration ---------------------------------------------------------

line=$(config paired addr4=192.168.7.10/24 gw4=192.168.7.1 dns4=192.168.7.53 dns4=192.168.7.54)
answer "addresses, gateway, DNS: CONFIG_ACK, all applied" "$line" CONFIG_ACK "0:0:0,1:0:0,2:0:0,3:0:0"
addrs=$(ip -n "$agt" -4 -o addr show dev a0 | awk '{print $4}')
if [ "$addrs" = "192.168.7.10/24" ]; then
	ok "a0's static IPv4 addresses are exactly the requested one"
else
	fail "a0's static IPv4 addresses are exactly the requested one ($addrs)"
fi
if ip -n "$agt" route show default | grep -q "^default via 192.168.7.1 dev a0"; then
	ok "the default route goes via the requested gateway"
else
	fail "the default route goes via the requested gateway ($(ip -n "$agt" route show default))"
fi
if grep -qx "nameserver 192.168.7.53" "$tmp/run/resolv.conf" &&
	grep -qx "nameserver 192.168.7.54" "$tmp/run/resolv.conf"; then
	ok "no DNS hook: the servers are written to dns_file"
else
	fail "no DNS hook: the servers are written to dns_file"
fi
expect "the REPORT follows the new address" "$p" "rx REPORT src=$amac .*prot=1.*192.168.7.10/24/0.*gw4=192.168.7.1" 3

line=$(config paired addr4=192.168.7.10/24 gw4=192.168.7.1 dns4=192.168.7.53 dns4=192.168.7.54)
answer "the same request again: all unchanged" "$line" CONFIG_ACK "0:1:0,1:1:0,2:1:0,3:1:0"
n=$(count "$p" "rx CONFIG_ACK")
echo resend >&"$cmd"
wait_for 3 at_least $((n + 1)) "$p" "rx CONFIG_ACK"
id1=$(grep "tx CONFIG_REQUEST" "$p" | tail -n 1 | sed 's/.* id=\([0-9]*\).*/\1/')
if [ "$(grep -cE "rx CONFIG_ACK .* id=$id1 .*results=0:1:0,1:1:0,2:1:0,3:1:0" "$p")" = 2 ]; then
	ok "a retransmission (same id) gets the same answer"
else
	fail "a retransmission (same id) gets the same answer"
fi

line=$(config paired addr4=224.0.0.1/24 addr4=192.168.7.10/24 gw4=10.0.0.1)
answer "multicast address, gateway off the link: refused INVALID" "$line" CONFIG_NACK "0:2:2,1:1:0,2:2:2"
if [ "$(ip -n "$agt" -4 -o addr show dev a0 | awk '{print $4}')" = "192.168.7.10/24" ] &&
	ip -n "$agt" route show default | grep -q "via 192.168.7.1"; then
	ok "an invalid request touches nothing"
else
	fail "an invalid request touches nothing"
fi

ip netns exec "$agt" sysctl -qw net.ipv6.conf.a0.disable_ipv6=1
line=$(config paired addr6=2001:db8::10/64 dns4=192.168.7.55)
answer "the kernel refuses an address: FAILED; the other item is applied" "$line" \
	CONFIG_NACK "0:2:4,1:0:0"
ip netns exec "$agt" sysctl -qw net.ipv6.conf.a0.disable_ipv6=0

line=$(config paired dhcp4=1)
answer "DHCP: the hook starts the client" "$line" CONFIG_ACK "0:0:0"
if grep -qx "dhcp a0 start ipv4" "$calls"; then
	ok "the DHCP hook's argv: IFACE start ipv4"
else
	diag "$(cat "$calls")"
	fail "the DHCP hook's argv: IFACE start ipv4"
fi
expect "hook output is logged" "$a1" "info: hook dhcp: hook dhcp ran" 1
line=$(config paired dhcp4=1)
answer "DHCP again: unchanged, the hook not run" "$line" CONFIG_ACK "0:1:0"
line=$(config paired addr4=192.168.7.11/24)
answer "static addresses after DHCP" "$line" CONFIG_ACK "0:0:0"
if grep -qx "dhcp a0 stop ipv4" "$calls"; then
	ok "static addresses stop the DHCP client the hook started"
else
	fail "static addresses stop the DHCP client the hook started"
fi
if ip -n "$agt" route show default | grep -q "^default via 192.168.7.1 dev a0"; then
	ok "a new primary address: the default route the kernel flushed is put back"
else
	fail "a new primary address: the default route is put back"
fi

line=$(config paired hostname=tv-livingroom)
answer "host name: applied" "$line" CONFIG_ACK "0:0:0"
if [ "$(nsenter -t "$agent_pid" -u hostname)" = tv-livingroom ]; then
	ok "sethostname(2) in the agent's UTS namespace"
else
	fail "sethostname(2) in the agent's UTS namespace ($(nsenter -t "$agent_pid" -u hostname))"
fi

line=$(config paired service=iptv:disabled service=nosuch:enabled service=broken:disabled service=iptv:disabled)
answer "services: applied, no such service, script failed, unchanged" "$line" \
	CONFIG_NACK "0:0:0,1:2:6,2:2:4,3:1:0"
if grep -qx "iptv disable" "$calls" && grep -qx "broken disable" "$calls"; then
	ok "service scripts run as services_dir/NAME enable|disable"
else
	fail "service scripts run as services_dir/NAME enable|disable"
fi
expect "the REPORT follows: iptv disabled, broken failed" "$p" \
	"rx REPORT src=$amac .*svc0=iptv/0/1 svc1=broken/2/0" 3
line=$(config paired service=envcheck:enabled)
if grep -q '^PATH=' "$tmp/env.out" && [ "$(wc -l <"$tmp/env.out")" -le 3 ]; then
	ok "hooks run with PATH only (plus what sh sets)"
else
	diag "$(cat "$tmp/env.out")"
	fail "hooks run with PATH only"
fi

line=$(config paired qos=2 setting=volume:11)
answer "QoS and a setting through their hooks" "$line" CONFIG_ACK "0:0:0,1:0:0"
if grep -qx "qos a0 video" "$calls" && grep -qx "setting volume 11" "$calls"; then
	ok "qos_hook IFACE CLASS, setting_hook KEY VALUE"
else
	fail "qos_hook IFACE CLASS, setting_hook KEY VALUE"
fi
rm "$hooks/qos"
line=$(config paired qos=3)
answer "a missing hook: NO_HOOK" "$line" CONFIG_NACK "0:2:7"
line=$(config paired iface=eth9 dns4=192.168.7.1)
answer "no such interface: NO_IFACE for it and its items" "$line" CONFIG_NACK "0:2:5,1:2:5"

n=$(count "$p" "rx CONFIG_(N?ACK)")
echo "plain-config addr4=192.168.7.99/24" >&"$cmd"
sleep 1
status a1
if [ "$(count "$p" "rx CONFIG_(N?ACK)")" = "$n" ] &&
	grep -q "unprotected: 1" "$tmp/a1.out" &&
	! ip -n "$agt" addr show dev a0 | grep -q 192.168.7.99; then
	ok "a plaintext CONFIG_REQUEST is dropped and counted, never applied"
else
	diag "$(grep -E 'unprotected|config_' "$tmp/a1.out")"
	fail "a plaintext CONFIG_REQUEST is dropped and counted"
fi
if grep -q "config_duplicates: 1" "$tmp/a1.out"; then
	ok "duplicates are counted"
else
	fail "duplicates are counted"
fi

# ---- the device changes by itself: CONFIG_REPORT ---------------------------

ip -n "$agt" addr add 10.9.9.9/24 dev a0 valid_lft 3600 preferred_lft 3600
expect "an address the agent did not set: CONFIG_REPORT" "$p" \
	"rx CONFIG_REPORT src=$amac .*prot=1 iface=a0 .*addr4=10.9.9.9/24.* dhcp4=1" 5
if [ "$(count "$p" "rx CONFIG_REPORT")" = 1 ]; then
	ok "none for the agent's own changes"
else
	fail "none for the agent's own changes ($(count "$p" "rx CONFIG_REPORT"))"
fi

# ---- the configurator loses the session: DECRYPT_FAIL ----------------------

n=$(count "$p" "tx SESSION_CONFIRM")
echo drop-sessions >&"$cmd"
expect "a frame on a lost session gets DECRYPT_FAIL" "$p" "tx DECRYPT_FAIL dst=$amac" 4
if wait_for 5 at_least $((n + 1)) "$p" "tx SESSION_CONFIRM"; then
	ok "DECRYPT_FAIL: the agent shakes hands again"
else
	fail "DECRYPT_FAIL: the agent shakes hands again"
fi
stop "$cfg_pid" >/dev/null

# ---- a rogue configurator --------------------------------------------------

mkdir -p "$tmp/roguekey"
printf 'state_dir = %s\n' "$tmp/roguekey" >"$tmp/rogue.conf"
"$agent" -c "$tmp/rogue.conf" --show-key >/dev/null
start_cfg rogue --key "$tmp/roguekey/agent.key" --pair-any
r=$tmp/rogue.log
expect "pinned: a configurator with another key is refused" "$a1" \
	"warning: a0: configurator [0-9a-f:]+ is not the pinned one" 40
sleep 2
if ! grep -qE "rx (HS_FINISH|REPORT|HEARTBEAT|CONFIG)" "$r"; then
	ok "the rogue gets no HS_FINISH and no REPORT: nothing leaks"
else
	diag "$(grep -E 'rx ' "$r" | tail -n 5)"
	fail "the rogue gets no HS_FINISH and no REPORT"
fi
stop "$cfg_pid" >/dev/null
stop "$agent_pid"
rc=$?
if [ "$rc" = 0 ]; then ok "SIGTERM: exit 0"; else fail "SIGTERM: exit $rc"; fi

out=$("$agent" -c "$conf" --unpair)
if [ ! -e "$tmp/state/configurator.pub" ] && grep -q "forgot" <<<"$out"; then
	ok "--unpair forgets the pin"
else
	fail "--unpair forgets the pin"
fi

# ---- the key file is checked -----------------------------------------------

chmod 640 "$tmp/state/agent.key"
check_err "a key file others can read: refused" 1 \
	"agent.key: the private key is accessible to group or others \\(mode 0640\\)" \
	ip netns exec "$agt" "$agent" -c "$conf"
chmod 600 "$tmp/state/agent.key"
cp "$tmp/state/agent.key" "$tmp/key.saved"
echo "not a key" >"$tmp/state/agent.key"
check_err "a malformed key file: refused" 1 "agent.key: not a private key" \
	ip netns exec "$agt" "$agent" -c "$conf"
cp "$tmp/key.saved" "$tmp/state/agent.key"

# ---- dry run, --instances, rekeying ----------------------------------------

write_conf "config_mode = dry-run
rekey_after = 10s"
start_cfg dry --key "$cfgkey" --pair-any
d=$tmp/dry.log
start_agent a2 --instances 4
if wait_for 15 at_least 4 "$d" "tx SESSION_CONFIRM"; then
	ok "--instances 4: four sessions, one key each (derived)"
else
	fail "--instances 4: four sessions ($(count "$d" "tx SESSION_CONFIRM"))"
fi
if [ "$(grep "session src=" "$d" | sed 's/.* key=\([^ ]*\).*/\1/' | sort -u | wc -l)" = 4 ]; then
	ok "each instance is a distinct identity"
else
	fail "each instance is a distinct identity"
fi
line=$(config dry addr4=192.168.50.5/24 gw4=192.168.50.1 hostname=virtual)
answer "dry run: applied" "$line" CONFIG_ACK "0:0:0,1:0:0,2:0:0"
line=$(config dry addr4=192.168.50.5/24 gw4=192.168.50.1 hostname=virtual)
answer "dry run, the same again: unchanged" "$line" CONFIG_ACK "0:1:0,1:1:0,2:1:0"
if ! ip -n "$agt" addr show dev a0 | grep -q 192.168.50.5; then
	ok "dry run: the host is not touched"
else
	fail "dry run: the host is not touched"
fi
n=$(count "$d" "session src=")
if wait_for 14 at_least $((n + 4)) "$d" "session src="; then
	ok "rekey_after: new sessions, no frame lost in between"
else
	fail "rekey_after: new sessions ($(count "$d" "session src="))"
fi
if ! grep -qE "rx (NOSESSION|AUTHFAIL|REPLAY)" "$d"; then
	ok "no frame failed to open across the rekeying"
else
	fail "no frame failed to open across the rekeying"
fi
stop "$agent_pid"
stop "$cfg_pid" >/dev/null

tap_end
