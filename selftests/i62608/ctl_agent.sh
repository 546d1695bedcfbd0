#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# i62608ctl agent list|show|del, monitor, stats and params end to end,
# against the kernel module: agents made by protocol frames (l2gen,
# l2report), every command's text, JSON and exit status, the events of the
# agent life cycle, the kernel's explanations on errors.
#
#   +----------------------------- ns "gw" ------------------------------+
#   |  v0 (enabled) <--- veth ---> v1   l2gen, l2report send from here   |
#   |  w0 (enabled) <--- veth ---> w1   (any source MAC)                 |
#   |  c0 <--- veth ---> c1             canary: enabled and disabled     |
#   |                                   until the monitor sees it        |
#   |  i62608ctl monitor -j (all along), i62608ctl ...                   |
#   +--------------------------------------------------------------------+
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

l2gen=${I62608_SELFTESTS:-$top/build/selftests}/l2gen
l2report=$top/build/selftests/tools/l2report
py=/usr/bin/python3
for b in "$l2gen" "$l2report" "$I62608_BIN/i62608ctl"; do
	[ -x "$b" ] || { echo "Bail out! missing $b (make selftests)"; exit 1; }
done

tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
ns_new gw || { echo "Bail out! cannot create a namespace"; exit 1; }
gw() { in_ns gw "$@"; }
ctl() { in_ns gw i62608ctl "$@"; }
for p in v w c; do
	gw ip link add name ${p}0 type veth peer name ${p}1
	gw ip link set ${p}0 up
	gw ip link set ${p}1 up
done
if ! gw i62608ctl iface add v0 || ! gw i62608ctl iface add w0; then
	echo "Bail out! cannot enable v0 and w0"
	exit 1
fi

# match DESC PATTERN CMD... - CMD succeeds and its output matches PATTERN.
match() {
	local desc=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" = 0 ] && grep -qE -- "$pat" <<<"$out"; then
		ok "$desc"
	else
		diag "command: $*" "exit status: $rc" "$out" "(want: $pat)"
		fail "$desc"
	fi
}

has_agent() {	# has_agent MAC [dev IFNAME]
	ctl agent show "$@" >/dev/null 2>&1
}

no_agent() {	# no_agent MAC [dev IFNAME]
	! has_agent "$@"
}

# agent_is MAC KEY VALUE - the agent's JSON has "KEY":"VALUE".
agent_is() {
	ctl -j agent show "$1" 2>/dev/null | grep -qF "\"$2\":\"$3\""
}

# count_at_least N - at least N agents are listed on v0 (a header, rows).
count_v0() {
	echo $(($(ctl agent list dev v0 | wc -l) - 1))
}
count_at_least() {
	[ "$(count_v0)" -ge "$1" ]
}

# ---- the monitor, running through the whole test -------------------------

# Background commands run without a shell function around them: $! must be
# i62608ctl itself (ip netns exec execs it), and a background subshell would
# ignore SIGINT.
mon=$tmp/monitor.json
ip netns exec gw i62608ctl -j monitor --timeout 1800 >"$mon" 2>"$tmp/monitor.err" &
mon_pid=$!
at_exit "kill $mon_pid"

# The monitor has joined the events group once it reports the canary.
canary_seen() {
	grep -q '"event":"iface_new","iface":{"ifname":"c0"' "$mon"
}
for _ in $(seq 60); do
	gw i62608ctl iface add c0
	wait_for 1 canary_seen && break
	gw i62608ctl iface del c0
done
if canary_seen; then
	ok "monitor -j reports iface_new"
else
	diag "$(cat "$mon" "$tmp/monitor.err")"
	fail "monitor -j reports iface_new"
fi
gw i62608ctl iface del c0

# ---- agents appear --------------------------------------------------------

# Under TCG a step of this test can take seconds: agents live long here,
# except where expiry is the point.
check "params set pending_ttl 10m" ctl params set pending_ttl 10m

A1=02:62:60:00:00:a1	# discovered, then reported, on v0 and w0
A2=02:62:60:00:00:a2	# a REPORT too big for a frame; leaves with BYE
A3=02:62:60:00:00:a3	# restarts
A4=02:62:60:00:00:a4	# expires
A5=02:62:60:00:00:a5	# shown last

gw "$l2gen" -i v1 -t discover -m $A1 -e 0x1111 >/dev/null
if wait_for 10 has_agent $A1 && agent_is $A1 state discovered; then
	ok "a DISCOVER makes a discovered agent"
else
	diag "$(ctl agent list 2>&1)"
	fail "a DISCOVER makes a discovered agent"
fi
match "agent list: a header naming the columns" \
	"^MAC +IFNAME +STATE +TYPE +DEVICE +ADDRESS +LAST_SEEN +EXPIRES\$" ctl agent list
match "agent list: the discovered agent's row" \
	"^$A1  v0 +discovered +(stb|-) +- +- +[0-9.]+s +[0-9.ms]+\$" ctl agent list

gw "$l2report" -i v1 -m $A1 -e 0x1111 -M 2 -T 600 >/dev/null
wait_for 10 agent_is $A1 state reported
match "a REPORT makes it reported, with device and address in the list" \
	"^$A1  v0 +reported +stb +Example STB-100 +192\.168\.1\.57/24 " ctl agent list

out=$(ctl agent show $A1 2>&1)
want=("^state: reported\$" "^vendor: Example\$" "^capabilities: ipv4 ipv6 dhcp4 services multicast\$"
	"^addr4: 192\.168\.1\.57/24\$" "^partial: no\$" "^  agent_version: l2report\$"
	"^    eth0:\$" "^      flags: up carrier dhcp4\$" "^        - 192\.168\.1\.57/24 dhcp\$"
	"^        - fe80::1/64 link-local\$" "^      gateway4: 192\.168\.1\.1\$"
	"^    iptv:\$" "^      state: enabled\$" "^        - udp/5004\$" "^        - tcp/1901\$"
	"^  rx_frames: 2\$")
missing=()
for w in "${want[@]}"; do
	grep -qE -- "$w" <<<"$out" || missing+=("$w")
done
if [ ${#missing[@]} = 0 ]; then
	ok "agent show: identity, counters and the decoded REPORT"
else
	diag "$out" "missing: ${missing[*]}"
	fail "agent show: identity, counters and the decoded REPORT"
fi

ctl -j agent show $A1 >"$tmp/show.json"
pycheck "agent show -j: every member, the REPORT decoded" "$tmp/show.json" '
assert d["mac"] == "02:62:60:00:00:a1" and d["ifname"] == "v0", d
assert d["state"] == "reported" and d["epoch"] == "0x00001111", d
for k in ("first_seen_ms", "last_seen_ms", "expires_ms", "ttl_ms"):
	assert isinstance(d[k], int), k
assert d["ttl_ms"] == 600000 and d["report_id"] == 2, d
assert d["device_type"] == "stb" and "multicast" in d["capabilities"], d
assert d["addr4"] == "192.168.1.57" and d["addr4_plen"] == 24, d
assert d["counters"]["reports"] == 1 and d["counters"]["rx_frames"] == 2, d
r = d["report"]
i = r["interfaces"][0]
assert i["name"] == "eth0" and i["mac"] == "02:62:60:00:00:a1", i
assert i["addr4"] == [{"address": "192.168.1.57", "plen": 24, "origin": "dhcp"}], i
assert i["gateway4"] == "192.168.1.1" and i["dns4"] == ["192.168.1.1"], i
assert i["flags"] == ["up", "carrier", "dhcp4"], i
s = {x["name"]: x for x in r["services"]}
assert s["iptv"]["state"] == "enabled", s
assert s["upnp"]["ports"] == [{"proto": "udp", "port": 1900},
                              {"proto": "tcp", "port": 1901}], s'

gw "$l2report" -i v1 -m $A2 -T 600 --big >/dev/null
wait_for 10 has_agent $A2
ctl -j agent show $A2 >"$tmp/big.json"
pycheck "a REPORT cut to one frame shows partial, with the elements it kept" \
	"$tmp/big.json" '
assert d["partial"] is True, d
assert 1 <= len(d["report"]["interfaces"]) < 4, d["report"]["interfaces"]
assert len(d["report"]["services"]) >= 2, d'
match "agent show text says partial: yes" "^partial: yes\$" ctl agent show $A2

# ---- selecting agents ------------------------------------------------------

gw "$l2gen" -i w1 -t discover -m $A1 >/dev/null
wait_for 10 has_agent $A1 dev w0
check_err "agent show of a MAC known on two interfaces needs dev, says the kernel" 1 \
	"agent show $A1: Invalid argument \(i62608: this MAC is known on several interfaces: name the interface\)" \
	ctl agent show $A1
match "agent show MAC dev w0 picks that one" "^ifname: w0\$" ctl agent show $A1 dev w0
match "dev may come first, MACs in upper case" "^ifname: v0\$" \
	ctl agent show dev v0 "${A1^^}"
match "agent list dev w0 lists w0's agents only" "^$A1  w0 " ctl agent list dev w0
if [ "$(ctl agent list dev w0 | wc -l)" = 2 ]; then
	ok "agent list dev w0: header and one row"
else
	diag "$(ctl agent list dev w0)"
	fail "agent list dev w0: header and one row"
fi
check_err "agent list dev of a missing interface explains" 1 \
	'No such device \(i62608: no interface with this name in this namespace\)' \
	ctl agent list dev nosuch0
check_err "agent show of an unknown agent: ENOENT and the kernel's reason" 1 \
	'agent show 02:62:60:00:00:99: No such file or directory \(i62608: no such agent\)' \
	ctl agent show 02:62:60:00:00:99

for bad in 02:62:60:00:00 02-62-60-00-00-01 02:62:60:00:00:0g 2:62:60:0:0:1 ""; do
	check_err "agent show '$bad': usage error" 2 "is not a MAC address|missing" \
		ctl agent show "$bad"
done
check_err "agent show without a MAC: usage error" 2 "missing the agent's MAC address" \
	ctl agent show
check_err "agent show with two MACs: usage error" 2 "unexpected argument" \
	ctl agent show $A1 $A2
check_err "agent list dev without a name: usage error" 2 "'dev' needs an interface name" \
	ctl agent list dev
check_err "agent list with a 16-character name: usage error" 2 "not a valid interface name" \
	ctl agent list dev aaaaaaaaaaaaaaaa
check_err "agent bogus: usage error" 2 "unknown command 'bogus'" ctl agent bogus

# ---- deleting, leaving, restarting, expiring ---------------------------------

check "agent del MAC dev w0" ctl agent del $A1 dev w0
if ! has_agent $A1 dev w0 && has_agent $A1 dev v0; then
	ok "agent del removed the w0 entry only"
else
	diag "$(ctl agent list)"
	fail "agent del removed the w0 entry only"
fi
check_err "agent del of a deleted agent: ENOENT" 1 'No such file or directory \(i62608: no such agent\)' \
	ctl agent del $A1 dev w0
check_err "agent del without CAP_NET_ADMIN: EPERM" 1 'Operation not permitted' \
	gw setpriv --bounding-set=-net_admin --inh-caps=-net_admin i62608ctl agent del $A1 dev v0
match "agent list without CAP_NET_ADMIN" "^$A1  v0 " \
	gw setpriv --bounding-set=-net_admin --inh-caps=-net_admin i62608ctl agent list

gw "$l2gen" -i v1 -t bye -m $A2 -e 0x5eed0001 >/dev/null
wait_for 10 no_agent $A2

gw "$l2gen" -i v1 -t discover -m $A3 -e 1 >/dev/null
wait_for 10 has_agent $A3
gw "$l2gen" -i v1 -t discover -m $A3 -e 2 >/dev/null
wait_for 10 agent_is $A3 epoch 0x00000002

check "params set pending_ttl 1s aging_interval 100ms lost_linger 0" \
	ctl params set pending_ttl 1s aging_interval 100ms lost_linger 0
gw "$l2gen" -i v1 -t discover -m $A4 >/dev/null
if wait_for 60 no_agent $A4; then
	ok "a discovered agent without a REPORT expires after pending_ttl"
else
	diag "$(ctl agent show $A4)"
	fail "a discovered agent without a REPORT expires after pending_ttl"
fi
check "params set pending_ttl 10m aging_interval 1000 lost_linger 1m" \
	ctl params set pending_ttl 10m aging_interval 1000 lost_linger 1m

# ---- many agents, a full table ------------------------------------------------

gw "$l2gen" -i v1 -t report -n 500 -T 600 -m 02:62:60:10:00:00 -N "agent-%u" >/dev/null
if wait_for 30 count_at_least 501; then
	ok "500 more agents are listed"
else
	diag "listed on v0: $(count_v0)"
	fail "500 more agents are listed"
fi
ctl -j agent list >"$tmp/list.json"
pycheck "agent list -j: sorted by interface then MAC, every field typed" "$tmp/list.json" '
keys = [(a["ifname"], a["mac"]) for a in d]
assert keys == sorted(keys), "not sorted"
assert len(set(keys)) == len(keys), "duplicates"
for a in d:
	assert re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", a["mac"]), a
	assert a["state"] in ("discovered", "reported", "lost"), a
	assert isinstance(a["last_seen_ms"], int) and isinstance(a["expires_ms"], int), a
	assert isinstance(a["counters"]["rx_frames"], int), a
g = [a for a in d if a["mac"] == "02:62:60:10:00:05"][0]
assert g["name"] == "agent-5" and g["vendor"] == "l2gen", g
assert g["addr4"] == "10.62.0.5" and g["addr4_plen"] == 16, g'
lines=$(ctl agent list | wc -l)
rows=$($py -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/list.json")
if [ "$lines" = $((rows + 1)) ]; then
	ok "agent list text: a header and one line per agent ($rows)"
else
	diag "text lines: $lines, JSON agents: $rows"
	fail "agent list text: a header and one line per agent ($rows)"
fi
if ctl agent list | awk 'NR > 1 && index($0, "  ") != 18 { bad = 1 } END { exit bad }'; then
	ok "agent list text: the MAC column is aligned"
else
	fail "agent list text: the MAC column is aligned"
fi

check "params set max_agents_per_iface 510" ctl params set max_agents_per_iface 510
gw "$l2gen" -i v1 -t discover -n 20 -m 02:62:60:20:00:00 >/dev/null
ctl -j stats >"$tmp/stats.json"
pycheck "stats -j: the table_full drops, per namespace and per interface" "$tmp/stats.json" '
assert d["table_full"] > 0, d
v0 = [i for i in d["interfaces"] if i["ifname"] == "v0"][0]
assert v0["drops"]["table_full"] == d["table_full"], v0
assert d["agents"] == d["discovered"] + d["reported"] + d["lost"], d
assert d["created"] >= 505 and d["byes"] >= 1 and d["restarts"] >= 1, d
assert d["expired"] >= 1, d
for k in ("ratelimit", "nomem", "protected", "truncated"):
	assert isinstance(v0["drops"][k], int), k'
match "stats text: namespace counters, then interfaces" "^table_full: [1-9]" ctl stats
match "stats text: per-interface drops by reason" "^      table_full: [1-9]" ctl stats
check "params set max_agents_per_iface 2048" ctl params set max_agents_per_iface 2048

# ---- the monitor's record of all this ----------------------------------------

check "agent del $A1 dev v0 (for the monitor)" ctl agent del $A1 dev v0
lost_user() { grep -q "\"event\":\"agent_lost\",\"agent\":{\"ifname\":\"v0\",\"ifindex\":[0-9]*,\"mac\":\"$A1\"" "$mon"; }
wait_for 10 lost_user
kill -INT $mon_pid
wait $mon_pid && rc=0 || rc=$?
if [ "$rc" = 0 ]; then
	ok "monitor exits with 0 on SIGINT"
else
	diag "exit status $rc" "$(cat "$tmp/monitor.err")"
	fail "monitor exits with 0 on SIGINT"
fi
$py - "$mon" "$A1" "$A2" "$A3" "$A4" >"$tmp/events.json" <<'EOF'
import json, sys
ev = [json.loads(line) for line in open(sys.argv[1])]
json.dump(ev, sys.stdout)
EOF
pycheck "monitor -j: one JSON object per line, with time and time_ms" "$tmp/events.json" '
for e in d:
	assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["time"]), e
	assert isinstance(e["time_ms"], int) and e["time_ms"] > 1600000000000, e
	assert e["event"] in ("iface_new", "iface_del", "agent_new", "agent_change",
	                      "agent_lost", "table_full", "events_lost"), e
assert [e["time_ms"] for e in d] == sorted(e["time_ms"] for e in d), "time goes back"'
pycheck "monitor: agent_new, then agent_change with the decoded REPORT" "$tmp/events.json" "
a1 = [e for e in d if e.get('agent', {}).get('mac') == '$A1' and e['agent']['ifname'] == 'v0']
assert a1[0]['event'] == 'agent_new' and a1[0]['agent']['state'] == 'discovered', a1[0]
assert a1[0]['restarted'] is False, a1[0]
ch = [e for e in a1 if e['event'] == 'agent_change']
assert ch and ch[0]['agent']['state'] == 'reported', a1
assert ch[0]['agent']['report']['services'][0]['name'] == 'iptv', ch[0]"
pycheck "monitor: agent_lost with reasons user, bye, ttl_expired" "$tmp/events.json" "
lost = {(e['agent']['mac'], e['agent']['ifname']): e['reason'] for e in d if e['event'] == 'agent_lost'}
assert lost[('$A1', 'w0')] == 'user', lost
assert lost[('$A1', 'v0')] == 'user', lost
assert lost[('$A2', 'v0')] == 'bye', lost
assert lost[('$A4', 'v0')] == 'ttl_expired', lost"
pycheck "monitor: agent_new restarted for a new epoch" "$tmp/events.json" "
r = [e for e in d if e['event'] == 'agent_new' and e['agent']['mac'] == '$A3']
assert [e['restarted'] for e in r] == [False, True], r
assert r[1]['agent']['epoch'] == '0x00000002', r[1]"
pycheck "monitor: table_full names the interface and the limit" "$tmp/events.json" '
t = [e for e in d if e["event"] == "table_full"]
assert t and t[0]["ifname"] == "v0" and t[0]["limit"] == "iface", t
assert isinstance(t[0]["dropped"], int) and isinstance(t[0]["ifindex"], int), t'
pycheck "monitor: iface_del of the canary, reason user" "$tmp/events.json" '
assert any(e["event"] == "iface_del" and e["iface"]["ifname"] == "c0" and
           e["reason"] == "user" for e in d), "no iface_del"'

# A clean slate for the monitors below: no agent left to expire meanwhile.
check "iface del v0 removes its agents" ctl iface del v0
check "iface add v0" ctl iface add v0

# --count: exits after that many events, whatever comes after.
n=0
ip netns exec gw i62608ctl monitor --count 2 --timeout 300 >"$tmp/count.txt" 2>&1 &
cnt_pid=$!
while kill -0 $cnt_pid 2>/dev/null && [ $n -lt 200 ]; do
	n=$((n + 1))
	gw "$l2gen" -i v1 -t discover -m "02:62:60:30:00:$(printf %02x $((n % 256)))" >/dev/null
	sleep 0.2
done
wait $cnt_pid && rc=0 || rc=$?
if [ "$rc" = 0 ] && [ "$(wc -l <"$tmp/count.txt")" = 2 ] &&
	grep -qE '^time=[0-9T:.-]+Z event=agent_new agent\.mac=02:62:60:30:00:[0-9a-f]{2} agent\.ifname=v0 agent\.state=discovered agent\.type=- .*restarted=no$' \
		"$tmp/count.txt"; then
	ok "monitor --count 2: two text lines, then exit 0"
else
	diag "exit status $rc, output:" "$(cat "$tmp/count.txt")"
	fail "monitor --count 2: two text lines, then exit 0"
fi

start=$SECONDS
out=$(ctl monitor --timeout 1500ms 2>&1) && rc=0 || rc=$?
if [ "$rc" = 0 ] && [ -z "$out" ] && [ $((SECONDS - start)) -lt 30 ]; then
	ok "monitor --timeout 1500ms: no event, exit 0"
else
	diag "exit status $rc after $((SECONDS - start)) s" "$out"
	fail "monitor --timeout 1500ms: no event, exit 0"
fi
check_err "monitor --count 5 --timeout 1: exit 1, says how many came" 1 \
	'timed out after 0 of 5 events' ctl monitor --count 5 --timeout 1
ip netns exec gw i62608ctl monitor >/dev/null 2>&1 &
term_pid=$!
sleep 2
kill -TERM $term_pid
wait $term_pid && rc=0 || rc=$?
if [ "$rc" = 0 ]; then
	ok "monitor exits with 0 on SIGTERM"
else
	diag "exit status $rc"
	fail "monitor exits with 0 on SIGTERM"
fi
check_err "monitor --count 0: usage error" 2 'must be at least 1' ctl monitor --count 0
check_err "monitor --timeout x: usage error" 2 'is not a duration' ctl monitor --timeout x
check_err "monitor --bogus: usage error" 2 "unexpected argument '--bogus'" ctl monitor --bogus

# ---- params ---------------------------------------------------------------------

ctl -j params >"$tmp/params.json"
pycheck "params -j: every parameter, durations in ms" "$tmp/params.json" '
want = {"max_agents", "max_agents_per_iface", "aging_interval_ms", "pending_ttl_ms",
        "lost_linger_ms", "rate", "burst", "adv_interval_ms",
        "heartbeat_interval_ms", "max_ttl_ms", "require_auth", "reject_after_ms"}
# The configuration parameters may come with the kernel too.
known = want | {"config_rto_ms", "config_tries", "max_pending"}
assert want <= set(d) <= known, set(d) ^ want
assert d["require_auth"] is False, d
assert d["pending_ttl_ms"] == 600000 and d["lost_linger_ms"] == 60000, d
assert d["aging_interval_ms"] == 1000, d'
match "params show text" "^heartbeat_interval: [0-9]+\.000s\$" ctl params show
check "params set rate 100 burst 200 heartbeat_interval 2000ms max_ttl 2h" \
	ctl params set rate 100 burst 200 heartbeat_interval 2000ms max_ttl 2h
ctl -j params >"$tmp/params.json"
pycheck "params set took every value, converted to the attribute's unit" "$tmp/params.json" '
assert d["rate"] == 100 and d["burst"] == 200, d
assert d["heartbeat_interval_ms"] == 2000 and d["max_ttl_ms"] == 7200000, d'
check "params set require_auth yes reject_after 10m" \
	ctl params set require_auth yes reject_after 10m
match "params: require_auth yes, reject_after 10m" \
	'"require_auth":true,"reject_after_ms":600000' ctl -j params
check "params set require_auth off" ctl params set require_auth off
check_err "params set require_auth maybe: usage error" 2 "'maybe' is not a yes/no value" \
	ctl params set require_auth maybe
check_err "params set of an out-of-range value: the kernel's reason" 1 \
	'params set: Numerical result out of range \(.*out of range' \
	ctl params set rate 7 max_agents 0
match "nothing was changed when one value was refused" '"rate":100,' ctl -j params
check_err "params set aging_interval 50ms: refused by the kernel" 1 'out of range' \
	ctl params set aging_interval 50ms
check_err "params set without CAP_NET_ADMIN: EPERM" 1 'Operation not permitted' \
	gw setpriv --bounding-set=-net_admin --inh-caps=-net_admin i62608ctl params set rate 1
check_err "params set heartbeat_interval 1500ms: usage error" 2 'not a whole number of seconds' \
	ctl params set heartbeat_interval 1500ms
check_err "params set rate 1.5: usage error" 2 "'1.5' is not a number" ctl params set rate 1.5
check_err "params set aging_interval 1x: usage error" 2 'the unit is ms, s, m or h' \
	ctl params set aging_interval 1x
check_err "params set bogus 1: usage error naming the parameters" 2 \
	"unknown parameter 'bogus' \(one of: max_agents, " ctl params set bogus 1
check_err "params set rate: usage error" 2 'rate: missing value' ctl params set rate
check_err "params set rate 1 rate 2: usage error" 2 'rate given twice' \
	ctl params set rate 1 rate 2
check_err "params set without pairs: usage error" 2 'nothing to set' ctl params set
check "params set rate 50 burst 100 heartbeat_interval 10 max_ttl 1h" \
	ctl params set rate 50 burst 100 heartbeat_interval 10 max_ttl 1h

# ---- every command's JSON is valid ------------------------------------------------

gw "$l2report" -i v1 -m $A5 -T 600 >/dev/null
wait_for 10 has_agent $A5
# Outputs first, then one Python to read them all: it starts slowly in a VM.
docs=() descs=() rcs=()
for cmd in "agent list" "agent list dev v0" "agent show $A5" "stats" "params" \
	"params show" "iface show" "version"; do
	for opt in -j "-j -p"; do
		f=$tmp/doc.${#docs[@]}
		# shellcheck disable=SC2086
		ctl $opt $cmd >"$f" 2>&1 && rc=0 || rc=$?
		docs+=("$f") descs+=("i62608ctl $opt $cmd is valid JSON") rcs+=("$rc")
	done
done
mapfile -t verdicts < <($py -c 'import json, sys
for f in sys.argv[1:]:
	try:
		json.load(open(f))
		print("ok")
	except ValueError as e:
		print("invalid: %s" % e)' "${docs[@]}")
for k in "${!docs[@]}"; do
	if [ "${rcs[$k]}" = 0 ] && [ "${verdicts[$k]}" = ok ]; then
		ok "${descs[$k]}"
	else
		diag "exit status ${rcs[$k]}, ${verdicts[$k]}" "$(head -c 2000 "${docs[$k]}")"
		fail "${descs[$k]}"
	fi
done
for cmd in "agent list" "agent show" "agent del" "monitor" "stats" "params set"; do
	# shellcheck disable=SC2086
	match "i62608ctl $cmd --help explains the command" '^usage: i62608ctl ' ctl $cmd --help
done

diag "ran for $SECONDS s"
tap_end
