#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# i62608-agent end to end, without the kernel module: the agent in one
# namespace, testcfg (a minimal configurator on kernel/wire.c) in the
# other. DISCOVER -> ADVERTISE -> REPORT -> HEARTBEAT -> BYE, REPORTs on
# host changes, on REPORT_REQUEST and on a configurator restart, loss of
# the configurator (TTL, link down), the DISCOVER backoff, invalid frames,
# SIGHUP, and --instances.
#
#   +--- ns "agt" ---------------+        +--- ns "cfg" ----------+
#   | i62608-agent               |        | testcfg               |
#   |  a0 192.168.7.2/24 gw .1 <-+- veth -+-> c0                  |
#   +----------------------------+        +-----------------------+
#
# Needs root (namespaces); runs natively or in the test VM. Exports
# AGENT_PROTO_KEEP=DIR to keep the logs.
# shellcheck source=../i62608/lib.sh
. "$(dirname "$0")/../i62608/lib.sh"
tap_begin

testcfg=${TESTCFG:-$top/build/selftests/agent/testcfg}
agent=${AGENT:-$I62608_BIN/i62608-agent}
for b in "$testcfg" "$agent"; do
	[ -x "$b" ] || { echo "Bail out! missing $b (make userspace)"; exit 1; }
done

agt=agt-$$
cfg=cfg-$$
tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
if ! ns_new "$agt" || ! ns_new "$cfg"; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
ip link add a0 netns "$agt" type veth peer name c0 netns "$cfg"
ip -n "$agt" link set a0 up
ip -n "$cfg" link set c0 up
ip -n "$agt" addr add 192.168.7.2/24 dev a0
ip -n "$agt" route add default via 192.168.7.1
amac=$(ip -n "$agt" -br link show a0 | awk '{print $3}')
cmac=$(ip -n "$cfg" -br link show c0 | awk '{print $3}')

echo "nameserver 192.168.7.1" >"$tmp/resolv.conf"
conf=$tmp/agent.conf
cat >"$conf" <<EOC
# i62608-agent configuration of the test
device_type = stb
vendor = Example
model = STB-100
name = e2e-agent
interfaces = a0
service = iptv enabled udp/5004
service = ssh disabled tcp/22
resolv_conf = $tmp/resolv.conf
state_dir = $tmp/state
EOC

pids=()
stop_all() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}
at_exit stop_all
keep_logs() {
	if [ -n "${AGENT_PROTO_KEEP:-}" ]; then
		mkdir -p "$AGENT_PROTO_KEEP" && cp -r "$tmp"/. "$AGENT_PROTO_KEEP"/
	fi
}
at_exit keep_logs

# start_cfg NAME ARGS... - testcfg on c0, its lines in $tmp/NAME.log.
start_cfg() {
	local name=$1
	shift
	# ip netns exec execs: $! is testcfg itself.
	ip netns exec "$cfg" "$testcfg" -i c0 "$@" >"$tmp/$name.log" 2>&1 &
	cfg_pid=$!
	pids+=("$cfg_pid")
	wait_for 5 grep -q ready "$tmp/$name.log"
}

# start_agent NAME ARGS... - the agent in agt, log in $tmp/NAME.log, status
# dumps (SIGUSR1) in $tmp/NAME.out.
start_agent() {
	local name=$1
	shift
	ip netns exec "$agt" "$agent" -c "$conf" "$@" >"$tmp/$name.out" \
		2>"$tmp/$name.log" &
	agent_pid=$!
	pids+=("$agent_pid")
}

# stop PID - SIGTERM, then its exit status.
stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}

# lines FILE PATTERN - lines matching the extended regex.
lines() {
	grep -E -- "$2" "$1"
}

# field LINE KEY - the value of key=value in a testcfg line.
field() {
	sed -n "s/.* $2=\\([^ ]*\\).*/\\1/p" <<<"$1"
}

# expect DESC FILE PATTERN [TIMEOUT] - a line matching shows up.
expect() {
	if wait_for "${4:-5}" grep -qE -- "$3" "$2"; then
		ok "$1"
	else
		diag "no line matching '$3' in $2:" "$(tail -n 30 "$2")"
		fail "$1"
	fi
}

# count FILE PATTERN
count() {
	grep -cE -- "$2" "$1"
}

# at_least N FILE PATTERN - for wait_for, which runs it again and again.
at_least() {
	[ "$(count "$2" "$3")" -ge "$1" ]
}

# srcs FILE PATTERN - distinct source addresses of matching testcfg lines.
srcs() {
	grep -E -- "$2" "$1" | sed 's/.* src=\([^ ]*\) .*/\1/' | sort -u
}

srcs_at_least() {
	[ "$(srcs "$2" "$3" | wc -l)" -ge "$1" ]
}

# ---- the configuration ----------------------------------------------------

out=$(in_ns "$agt" "$agent" -c "$conf" --check 2>&1)
if grep -q '^  - a0$' <<<"$out" && grep -q 'name: e2e-agent' <<<"$out" &&
	grep -q 'gateway4: 192.168.7.1' <<<"$out"; then
	ok "--check prints the REPORT of a0"
else
	diag "$out"
	fail "--check prints the REPORT of a0"
fi
pyjson='import json, sys
d = json.load(sys.stdin)
r = d["reports"][0]
assert r["interface"] == "a0", r
rep = r["report"]
assert rep["device_type"] == "stb" and rep["name"] == "e2e-agent", rep
i = rep["interfaces"][0]
assert i["name"] == "a0" and i["addr4"][0]["address"] == "192.168.7.2", i
assert i["addr4"][0]["origin"] == "static" and i["dns4"] == ["192.168.7.1"], i
assert i["addr4"][0]["plen"] == 24 and i["flags"] == ["up", "carrier"], i
assert [s["name"] for s in rep["services"]] == ["iptv", "ssh"], rep
assert rep["services"][0]["ports"] == [{"proto": "udp", "port": 5004}], rep
assert "services" in rep["capabilities"] and rep["partial"] is False, rep
assert rep["ttl_ms"] == 31000, rep'
check "--check -j is the same REPORT in JSON" bash -c \
	"ip netns exec $agt $agent -c $conf --check -j | /usr/bin/python3 -c '$pyjson'"
printf 'device_type = stb\nvendr = x\nservice = Bad enabled\n' >"$tmp/bad.conf"
check_err "a config error is FILE:LINE: message, exit 2" 2 \
	"^$tmp/bad.conf:2: unknown key 'vendr'\$" "$agent" -c "$tmp/bad.conf" --check
check_err "every error of the file is reported" 2 \
	"^$tmp/bad.conf:3: service: 'Bad' is not a valid service name" \
	"$agent" -c "$tmp/bad.conf" --check

# ---- discovery, REPORT, HEARTBEAT ------------------------------------------

start_cfg cfg1 --ttl 5 --hb 1
cfg1=$tmp/cfg1.log
start_agent a1 -v
a1=$tmp/a1.log
expect "the agent sends DISCOVER to the group" "$cfg1" \
	"rx DISCOVER src=$amac dst=03:62:60:80:00:01 .* caps=0x[0-9a-f]+ dtype=2"
expect "testcfg answers with a unicast ADVERTISE" "$cfg1" "tx ADVERTISE dst=$amac"
expect "the agent REPORTs at once" "$cfg1" "rx REPORT src=$amac dst=$cmac"
epoch1=$(sed -n 's/.*ready .*epoch=\(0x[0-9a-f]*\).*/\1/p' "$cfg1")
expect "the agent logs the configurator found, with its epoch" "$a1" \
	"info: a0: found configurator $cmac epoch $epoch1"
expect "the agent logs the REPORT sent, with its id" "$a1" "info: a0: report sent id [0-9]+ "

report=$(lines "$cfg1" "rx REPORT" | head -n 1)
disc_t=$(lines "$cfg1" "rx DISCOVER" | head -n 1 | cut -d' ' -f1)
rep_t=$(cut -d' ' -f1 <<<"$report")
diag "DISCOVER -> REPORT at the configurator: $((rep_t - disc_t)) us"
# A second natively; emulated machines get I62608_SLOW seconds.
if [ $((rep_t - disc_t)) -lt $((1000000 * ${I62608_SLOW:-1})) ]; then
	ok "REPORT within a second of DISCOVER"
else
	fail "REPORT within a second of DISCOVER"
fi
want="ttl=4 caps=0x[0-9a-f]+ dtype=2 name=e2e-agent vendor=Example model=STB-100 partial=0 ifaces=1 services=2"
want+=" if0=a0,$amac,flags=0x3,192.168.7.2/24/0,fe80:[0-9a-f:]+/64/3,gw4=192.168.7.1,dns4=192.168.7.1"
want+=" svc0=iptv/1/1 svc1=ssh/0/1"
if grep -qE -- "$want" <<<"$report"; then
	ok "the REPORT describes the host: identity, a0, addresses, gateway, DNS, services"
else
	diag "$report" "(want: $want)"
	fail "the REPORT describes the host: identity, a0, addresses, gateway, DNS, services"
fi
report_id=$(field "$report" id)
expect "HEARTBEATs name the REPORT, TTL 3 x 1 s + 1" "$cfg1" \
	"rx HEARTBEAT src=$amac .* ttl=4 report_id=$report_id$" 3
wait_for 4 at_least 3 "$cfg1" 'rx HEARTBEAT'
mapfile -t hb_t < <(lines "$cfg1" "rx HEARTBEAT" | cut -d' ' -f1)
if [ ${#hb_t[@]} -ge 3 ] &&
	d1=$(((hb_t[1] - hb_t[0]) / 1000)) && d2=$(((hb_t[2] - hb_t[1]) / 1000)) &&
	[ "$d1" -ge 900 ] && [ "$d1" -le 1300 ] && [ "$d2" -ge 900 ] && [ "$d2" -le 1300 ]; then
	ok "a HEARTBEAT every interval (${d1} ms, ${d2} ms)"
else
	diag "heartbeat times: ${hb_t[*]}"
	fail "a HEARTBEAT every interval"
fi

# Counters +1 per frame, ids new per message, one epoch.
mapfile -t frames < <(lines "$cfg1" "rx [A-Z_]+ src=$amac")
prev_c=0 prev_id=0 bad=""
for f in "${frames[@]}"; do
	c=$(field "$f" counter) id=$(field "$f" id)
	[ "$c" = $((prev_c + 1)) ] || bad+=" counter $prev_c->$c"
	[ "$id" -gt "$prev_id" ] || bad+=" id $prev_id->$id"
	prev_c=$c prev_id=$id
done
if [ -z "$bad" ] && [ "$(printf '%s\n' "${frames[@]}" | sed 's/.*epoch=\(0x[0-9a-f]*\).*/\1/' | sort -u | wc -l)" = 1 ]; then
	ok "one epoch, counter +1 per frame, a new id per message (${#frames[@]} frames)"
else
	diag "$bad" "${frames[@]}"
	fail "one epoch, counter +1 per frame, a new id per message"
fi

# ---- REPORT on change ------------------------------------------------------

n=$(count "$cfg1" "rx REPORT")
ip -n "$agt" addr add 192.168.7.3/24 dev a0
expect "an address added: a new REPORT carrying it" "$cfg1" \
	"rx REPORT src=$amac .*192.168.7.2/24/0,192.168.7.3/24/0" 3
ip -n "$agt" addr add 10.9.9.9/24 dev a0 valid_lft 3600 preferred_lft 3600
expect "a lease-like (finite) IPv4 address is DHCP, and a0 is flagged dhcp4" "$cfg1" \
	"rx REPORT src=$amac .*if0=a0,$amac,flags=0x7,[^ ]*,10.9.9.9/24/1" 3
echo "nameserver 192.168.7.53" >"$tmp/resolv.conf.new"
mv "$tmp/resolv.conf.new" "$tmp/resolv.conf"
expect "resolv.conf replaced: a new REPORT with the new DNS server" "$cfg1" \
	"rx REPORT src=$amac .*dns4=192.168.7.53" 3
ids=$(lines "$cfg1" "rx REPORT" | sed 's/.* id=\([0-9]*\) .*/\1/' | sort -n | uniq -d)
if [ "$(count "$cfg1" "rx REPORT")" -ge $((n + 3)) ] && [ -z "$ids" ]; then
	ok "every REPORT has a new message id"
else
	fail "every REPORT has a new message id (duplicates: $ids)"
fi
n=$(count "$cfg1" "rx REPORT")
sleep 1.2
if [ "$(count "$cfg1" "rx REPORT")" = "$n" ]; then
	ok "no REPORT when nothing changed"
else
	diag "$(tail -n 5 "$cfg1")"
	fail "no REPORT when nothing changed"
fi

# ---- the configurator restarts ---------------------------------------------

n=$(count "$cfg1" "rx REPORT")
kill -USR1 "$cfg_pid"
# testcfg also ADVERTISEs to the group every TTL/3: wait for its "epoch"
# line first, then for a group ADVERTISE carrying that epoch.
wait_for 5 grep -qE '^[0-9]+ epoch 0x[0-9a-f]+$' "$cfg1"
epoch2=$(sed -n 's/^[0-9]* epoch \(0x[0-9a-f]*\)$/\1/p' "$cfg1" | tail -n 1)
expect "a new configurator epoch in a group ADVERTISE" "$cfg1" \
	"tx ADVERTISE dst=03:62:60:80:00:01 .*epoch=${epoch2:-none} "
expect "the agent logs the restart" "$a1" \
	"info: a0: configurator $cmac restarted \\(epoch $epoch1 -> $epoch2\\)"
if wait_for 3 at_least $((n + 1)) "$cfg1" "rx REPORT"; then
	ok "the agent REPORTs again to the restarted configurator"
else
	fail "the agent REPORTs again to the restarted configurator"
fi

# A configurator without the REPORT (same epoch: a lost REPORT) asks for it.
stop "$cfg_pid" >/dev/null
start_cfg cfg2 --ttl 5 --hb 1 --epoch "${epoch2#0x}"
cfg2=$tmp/cfg2.log
expect "a HEARTBEAT naming an unknown REPORT gets ADVERTISE(REPORT_REQUEST)" "$cfg2" \
	"tx ADVERTISE dst=$amac .*flags=0x2" 3
expect "REPORT_REQUEST: the agent REPORTs" "$cfg2" "rx REPORT src=$amac" 3
if [ "$(count "$a1" "configurator $cmac restarted")" = 1 ]; then
	ok "same epoch: not taken for a restart"
else
	fail "same epoch: not taken for a restart"
fi

# ---- losing the configurator -----------------------------------------------

kill -USR2 "$cfg_pid"
lost_t=$SECONDS
expect "a silent configurator is lost after its TTL" "$a1" \
	"info: a0: lost configurator $cmac \\(ttl expired\\)" 8
if [ $((SECONDS - lost_t)) -ge 4 ]; then
	ok "not before the TTL (5 s)"
else
	fail "not before the TTL (5 s): after $((SECONDS - lost_t)) s"
fi
n=$(count "$cfg2" "rx DISCOVER")
expect "then it searches again" "$cfg2" "rx DISCOVER src=$amac" 2
kill -USR2 "$cfg_pid"
expect "and finds the configurator again" "$a1" \
	"info: a0: found configurator $cmac epoch $epoch2" 4

n=$(count "$a1" "found configurator")
ip -n "$agt" link set a0 down
expect "link down: the configurator is lost" "$a1" \
	"info: a0: lost configurator $cmac \\(link down\\)" 3
ip -n "$agt" link set a0 up
if wait_for 5 at_least $((n + 1)) "$a1" "found configurator"; then
	ok "link up: DISCOVER and REPORT again"
else
	fail "link up: DISCOVER and REPORT again"
fi

# ---- SIGHUP ----------------------------------------------------------------

sed -i 's/^name = .*/name = renamed-agent/' "$conf"
kill -HUP "$agent_pid"
expect "SIGHUP: the new configuration is REPORTed" "$cfg2" "rx REPORT .*name=renamed-agent" 3
echo "bogus = 1" >>"$conf"
kill -HUP "$agent_pid"
expect "SIGHUP with an invalid file: its errors are logged" "$a1" \
	"error: $conf:[0-9]+: unknown key 'bogus'" 3
expect "... and the configuration in use is kept" "$a1" "keeping the configuration in use" 1
sed -i -e 's/^name = .*/name = e2e-agent/' -e '/^bogus/d' "$conf"

# ---- BYE -------------------------------------------------------------------

n=$(count "$cfg2" "rx HEARTBEAT")
if wait_for 3 at_least $((n + 1)) "$cfg2" "rx HEARTBEAT" &&
	kill -0 "$agent_pid" 2>/dev/null; then
	ok "the agent runs on after the rejected reload"
else
	fail "the agent runs on after the rejected reload"
fi
stop "$agent_pid"
rc=$?
expect "SIGTERM: BYE (reason shutdown) to the configurator" "$cfg2" \
	"rx BYE src=$amac dst=$cmac .* reason=0" 2
if [ "$rc" = 0 ]; then ok "SIGTERM: exit status 0"; else fail "SIGTERM: exit status $rc"; fi
stop "$cfg_pid" >/dev/null

# ---- DISCOVER backoff, invalid frames --------------------------------------

# Timers never fire early, so the lower bounds hold anywhere; a loaded or
# emulated machine only fires them late: the upper bounds grow by
# I62608_SLOW there (agent_backoff_test checks the exact schedule).
slow=${I62608_SLOW:-1}
start_cfg silent --silent
silent=$tmp/silent.log
start_agent a2 -v
wait_for 9 at_least 4 "$silent" "rx DISCOVER"
mapfile -t dt < <(lines "$silent" "rx DISCOVER" | cut -d' ' -f1)
bad=""
for i in 1 2 3; do
	base=$((1000 << (i - 1)))
	d=$(((dt[i] - dt[i - 1]) / 1000))
	diag "DISCOVER $i -> $((i + 1)): $d ms (${base} ms +-25 %)"
	if [ -z "${dt[$i]:-}" ] || [ "$d" -lt $((base * 3 / 4 - 20)) ] ||
		[ "$d" -gt $(((base * 5 / 4 + 100) * slow)) ]; then
		bad+=" $i:$d"
	fi
done
if [ ${#dt[@]} -ge 4 ] && [ -z "$bad" ]; then
	ok "DISCOVER backoff 1 s, 2 s, 4 s, each +-25 %"
else
	fail "DISCOVER backoff 1 s, 2 s, 4 s, each +-25 % ($bad)"
fi

# Invalid ADVERTISEs to the agent: it must not follow them, and it counts.
# ADVERTISE without HEARTBEAT_INTERVAL; one whose length runs past the
# frame; one PROTECTED (no session: dropped before its body is read).
noadv_hb=01020000001e00000000000100000007000000000000000100010002005a
trunc=01020000004000000000000100000007000000000000000100010002005a000c0002000a
prot=01020001003400010000000100000007000000000000000100010002005a000c0002000a
prot+=00000000000000000000000000000000
for hex in "$noadv_hb" "$trunc" "$prot"; do
	in_ns "$cfg" "$testcfg" -i c0 --inject "$hex" --dst "$amac"
done
sleep 0.5
kill -USR1 "$agent_pid"
wait_for 3 grep -q 'malformed' "$tmp/a2.out"
drops=$(sed -n '/drops:/,/^    agents:/p' "$tmp/a2.out")
if grep -q 'malformed: 1' <<<"$drops" && grep -q 'truncated: 1' <<<"$drops" &&
	grep -q 'protected: 1' <<<"$drops"; then
	ok "invalid frames are counted by reason (malformed, truncated, protected)"
else
	diag "$(cat "$tmp/a2.out")"
	fail "invalid frames are counted by reason (malformed, truncated, protected)"
fi
if [ "$(count "$tmp/a2.log" "found configurator")" = 0 ] &&
	grep -q "state: searching" "$tmp/a2.out"; then
	ok "an invalid ADVERTISE is not followed"
else
	fail "an invalid ADVERTISE is not followed"
fi
expect "dropped frames are logged at debug level" "$tmp/a2.log" \
	"debug: a0: dropped [0-9]+-byte frame from $cmac: malformed" 1
stop "$agent_pid"

# A short backoff, to see the cap.
printf 'discover_backoff_min = 200ms\ndiscover_backoff_max = 400ms\ninterfaces = a0\nstate_dir = %s\n' \
	"$tmp/state" >"$tmp/fast.conf"
n=$(count "$silent" "rx DISCOVER")
ip netns exec "$agt" "$agent" -c "$tmp/fast.conf" 2>"$tmp/a3.log" &
agent_pid=$!
pids+=("$agent_pid")
wait_for 5 at_least $((n + 6)) "$silent" "rx DISCOVER"
stop "$agent_pid"
mapfile -t dt < <(lines "$silent" "rx DISCOVER" | tail -n +$((n + 1)) | cut -d' ' -f1)
bad=""
for i in 1 2 3 4 5; do
	base=$((i == 1 ? 200 : 400))
	d=$(((dt[i] - dt[i - 1]) / 1000))
	if [ "$d" -lt $((base * 3 / 4 - 20)) ] ||
		[ "$d" -gt $(((base * 5 / 4 + 100) * slow)) ]; then
		bad+=" $i:$d"
	fi
done
if [ ${#dt[@]} -ge 6 ] && [ -z "$bad" ]; then
	ok "the backoff stops doubling at discover_backoff_max"
else
	diag "${dt[*]}"
	fail "the backoff stops doubling at discover_backoff_max ($bad)"
fi
stop "$cfg_pid" >/dev/null

# ---- --instances -----------------------------------------------------------

start_cfg scale --ttl 30 --hb 5
scale=$tmp/scale.log
start_agent a4 --instances 20
wait_for 10 srcs_at_least 20 "$scale" "rx REPORT"
macs=$(srcs "$scale" "rx REPORT")
names=$(lines "$scale" "rx REPORT" | sed 's/.* name=\([^ ]*\) .*/\1/' | sort -u)
local_ok=1
while read -r m; do
	[ "$m" = "$amac" ] && continue
	# Locally administered, unicast: second hex digit 2, 6, a or e.
	[[ $m =~ ^.[26ae]: ]] || local_ok=0
done <<<"$macs"
if [ "$(wc -l <<<"$macs")" = 20 ] && grep -qx "$amac" <<<"$macs" && [ $local_ok = 1 ]; then
	ok "--instances 20: 20 agents REPORT, instance 0 with a0's MAC, the others local unicast"
else
	diag "$macs"
	fail "--instances 20: 20 agents REPORT with distinct MACs"
fi
if [ "$(wc -l <<<"$names")" = 20 ] && grep -qx "e2e-agent-0" <<<"$names" &&
	grep -qx "e2e-agent-19" <<<"$names"; then
	ok "--instances: names get the suffix -N"
else
	diag "$names"
	fail "--instances: names get the suffix -N"
fi
stop "$agent_pid"
wait_for 3 at_least 20 "$scale" "rx BYE"
if [ "$(srcs "$scale" "rx BYE" | wc -l)" = 20 ]; then
	ok "--instances: every agent says BYE"
else
	fail "--instances: every agent says BYE ($(count "$scale" "rx BYE"))"
fi
stop "$cfg_pid" >/dev/null

tap_end
