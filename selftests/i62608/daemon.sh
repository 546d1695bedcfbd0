#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# i62608d end to end: the policy daemon on the gateway side decides a
# device's configuration from its policy and the device's REPORT, applies
# it through the module to the real i62608-agent and to the gateway (the
# real nftables and igmpproxy), and records it; its control socket shows
# it (i62608ctl device, daemon). A restart (SIGTERM, then SIGKILL)
# configures nothing again and loses nothing; a refused configuration is
# recorded and not retried; a bad policy on SIGHUP keeps the one in force.
# Then a burst of 50 devices (one agent, --instances 50, dry-run), the
# daemon killed with SIGKILL in the middle of it: after its restart every
# device is configured, each decision made once.
#
#   +---- ns "gw" ---------------------------------+      +---- ns "agt" (+ UTS ns) ---+
#   | i62608.ko: ifaces v0, v1 enabled, key, pairs |      | i62608-agent -c agent.conf  |
#   | i62608d --db $tmp/d.db --policy policy.conf  |      |  type stb, service iptv     |
#   |   v0 192.168.7.1/24 <------- veth -----------+------+-> a0 (configured here)      |
#   |   wan0 198.51.100.1/24 (veth to wan1)        |      |  hooks log to $tmp/calls    |
#   |   nft table inet i62608, igmpproxy           |      +-----------------------------+
#   | i62608ctl device|daemon (I62608D_SOCKET)     |      +---- ns "burst" -------------+
#   |   v1 <------------------------ veth ---------+------+-> b0: i62608-agent          |
#   +----------------------------------------------+      |     --instances 50, dry-run |
#                                                         +-----------------------------+
#
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

agent=$I62608_BIN/i62608-agent
daemon=$I62608_BIN/i62608d
py=/usr/bin/python3
for b in "$agent" "$daemon" "$I62608_BIN/i62608ctl"; do
	[ -x "$b" ] || { echo "Bail out! missing $b (make userspace)"; exit 1; }
done
for c in unshare nsenter sqlite3 nft igmpproxy; do
	command -v $c >/dev/null || { echo "Bail out! $c is missing"; exit 1; }
done
module_loaded || { echo "Bail out! the module is not loaded"; exit 1; }

# i62608d's bound on requests in flight (userspace/daemon/daemon.h).
DAEMON_MAX_INFLIGHT=64
tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
export I62608_STATE_DIR=$tmp/gwstate
export I62608D_SOCKET=$tmp/i62608d.sock
db=$tmp/i62608d.db
if ! ns_new gw || ! ns_new agt; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
ip link add v0 netns gw type veth peer name a0 netns agt
ip -n gw link set v0 up
ip -n agt link set a0 up
ip -n gw addr add 192.168.7.1/24 dev v0
ip -n gw link add wan0 type veth peer name wan1
ip -n gw link set wan0 up
ip -n gw link set wan1 up
ip -n gw addr add 198.51.100.1/24 dev wan0
amac=$(ip -n agt -br link show a0 | awk '{print $3}')
ctl() { in_ns gw i62608ctl "$@"; }
ctl iface add v0 || { echo "Bail out! cannot enable v0"; exit 1; }
ctl key init >/dev/null || { echo "Bail out! key init failed"; exit 1; }
cfgpub=$(ctl -j key show | $py -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')

# pycheck DESC FILE SCRIPT - run SCRIPT with the JSON in FILE as "d".
pycheck() {
	local desc=$1 file=$2 script=$3 out
	if out=$($py -c "import json, sys
d = json.load(open(sys.argv[1]))
$script" "$file" 2>&1); then
		ok "$desc"
	else
		diag "$out" "JSON was:" "$(head -c 3000 "$file")"
		fail "$desc"
	fi
}

# sql QUERY - one value from the daemon's database (WAL: read beside it).
sql() {
	sqlite3 -batch -noheader "file:$db?mode=ro" "$1" 2>&1
}

# ---- the device --------------------------------------------------------------

hooks=$tmp/hooks
calls=$tmp/calls.log
mkdir -p "$hooks/services.d" "$tmp/run"
: >"$calls"
printf '#!/bin/sh\necho "dhcp $*" >>%s\n' "$calls" >"$hooks/dhcp"
printf '#!/bin/sh\necho "qos $*" >>%s\n' "$calls" >"$hooks/qos"
# The iptv service refuses to be switched off (the refused case).
cat >"$hooks/services.d/iptv" <<EOH
#!/bin/sh
echo "iptv \$*" >>$calls
[ "\$1" != disable ]
EOH
chmod 755 "$hooks/dhcp" "$hooks/qos" "$hooks/services.d/iptv"
echo "nameserver 192.168.7.1" >"$tmp/resolv.conf"
cat >"$tmp/agent.conf" <<EOC
device_type = stb
vendor = Example
model = STB-100
name = livingroom-stb
interfaces = a0
service = iptv disabled udp/5004
resolv_conf = $tmp/resolv.conf
state_dir = $tmp/agentstate
dhcp_hook = $hooks/dhcp
qos_hook = $hooks/qos
dns_file = $tmp/run/resolv.conf
services_dir = $hooks/services.d
hook_timeout = 5s
configurator_key = $cfgpub
discover_backoff_max = 2s
EOC
apub=$("$agent" -c "$tmp/agent.conf" --show-key -j |
	$py -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')
ctl pair add "$apub" name stb >/dev/null || { echo "Bail out! pair add failed"; exit 1; }

# ---- the policy and the daemon -------------------------------------------------

policy=$tmp/policy.conf
write_policy() {
	cat >"$policy" <<EOP
# daemon.sh: set-top boxes get a static address of the media pool
lan 192.168.7.0/24
gateway 192.168.7.1
dns 192.168.7.1
wan wan0
lan-interface v0
igmp-proxy wan0
pool media 192.168.7.100 192.168.7.149

rule stb
	match type stb
	address static media
	qos video
	forward tcp 8080 to 80
	multicast yes
	service iptv $1
EOP
}
write_policy on

check "i62608d --check accepts the policy" "$daemon" --check --policy "$policy"

dpid=
start_daemon() {
	ip netns exec gw "$daemon" --foreground --db "$db" --policy "$policy" \
		--socket "$I62608D_SOCKET" --log-level debug 2>>"$tmp/daemon.log" &
	dpid=$!
	wait_for 10 ctl daemon status
}
# shellcheck disable=SC2016 # $dpid as it is at exit
at_exit 'kill -9 $dpid'
# The IGMP proxy the daemon starts, detached, beside its socket.
at_exit "kill \$(cat '$tmp/igmpproxy.pid')"

if start_daemon; then
	ok "i62608d starts and answers on its control socket"
else
	diag "$(tail -n 20 "$tmp/daemon.log")"
	fail "i62608d starts and answers on its control socket"
	echo "Bail out! no daemon"
	exit 1
fi
if [ "$(stat -c %a "$I62608D_SOCKET")" = 600 ] && [ "$(stat -c %a "$db")" = 600 ]; then
	ok "the control socket and the database are mode 0600"
else
	fail "the control socket and the database are mode 0600 ($(stat -c %a "$I62608D_SOCKET" "$db"))"
fi
ctl -j daemon status >"$tmp/status0.json"
pycheck "daemon status -j: connected to the module, the policy loaded" "$tmp/status0.json" "
assert d['kernel']['connected'] is True, d
assert d['policy']['rules'] == 1 and d['policy']['pools'] == 1, d
assert d['policy']['reload_error'] == '', d
assert d['pid'] == $dpid, d"

start=$SECONDS
ip netns exec agt unshare -u "$agent" -c "$tmp/agent.conf" -v \
	>"$tmp/agent.out" 2>"$tmp/agent.log" &
apid=$!
at_exit "kill -9 $apid"

# dev_field FIELD - a member of the device in `device show -j`.
dev_json() {
	ctl -j device show "$amac" 2>/dev/null
}
in_sync() {
	dev_json | grep -q '"status":"in_sync"'
}
if wait_for 60 in_sync; then
	ok "the new device is configured and in sync ($((SECONDS - start)) s from the agent's start)"
else
	diag "$(ctl device show "$amac" 2>&1)" "$(tail -n 30 "$tmp/daemon.log")" \
		"$(tail -n 10 "$tmp/agent.log")"
	fail "the new device is configured and in sync"
	echo "Bail out! nothing configured"
	exit 1
fi

dev_json >"$tmp/dev1.json"
pycheck "device show -j: rule stb, a static address of the pool, acked, no drift" "$tmp/dev1.json" "
import ipaddress
a = d['desired']['address']
ip = ipaddress.ip_interface(a)
assert ip.network == ipaddress.ip_network('192.168.7.0/24'), a
assert ipaddress.ip_address('192.168.7.100') <= ip.ip <= ipaddress.ip_address('192.168.7.149'), a
assert d['rule'] == 'stb' and d['addr_mode'] == 'static', d
assert d['device_type'] == 'stb' and d['vendor'] == 'Example', d
assert d['applied']['outcome'] == 'acked', d
assert d['applied']['generation'] == d['desired']['generation'], d
assert d['drift'] == '' and d['present'] is True and d['pinned'] is False, d
items = d['desired']['items']
assert 'ipv4 ' + a in items and 'gw 192.168.7.1' in items, items
assert 'qos video' in items and 'service iptv on' in items, items"
addr=$($py -c 'import json,sys; print(json.load(sys.stdin)["desired"]["address"])' <"$tmp/dev1.json")
gen1=$($py -c 'import json,sys; print(json.load(sys.stdin)["desired"]["generation"])' <"$tmp/dev1.json")

if ip -n agt -j addr show dev a0 | $py -c "
import json, sys
a = ['%s/%d' % (x['local'], x['prefixlen']) for x in json.load(sys.stdin)[0]['addr_info']]
sys.exit(0 if '$addr' in a else 1)"; then
	ok "ip addr in the device's namespace: the planned address $addr"
else
	diag "$(ip -n agt addr show dev a0)"
	fail "ip addr in the device's namespace: the planned address $addr"
fi
if ip -n agt route show default | grep -q "^default via 192.168.7.1 dev a0"; then
	ok "the device's default route goes via the policy's gateway"
else
	fail "the device's default route goes via the policy's gateway ($(ip -n agt route show default))"
fi
if grep -qx "iptv enable" "$calls" && grep -q "^qos a0 video" "$calls"; then
	ok "the device ran its hooks: iptv enable, qos video"
else
	diag "$(cat "$calls")"
	fail "the device ran its hooks: iptv enable, qos video"
fi

# The database itself: what was decided, applied, and the gateway's rules.
want="acked|1"
got=$(sql "SELECT a.outcome, a.generation = d.generation FROM applied a JOIN desired d USING (mac) WHERE mac = '$amac'")
if [ "$got" = "$want" ]; then
	ok "the database records the applied configuration and its outcome"
else
	diag "got '$got', want '$want'"
	fail "the database records the applied configuration and its outcome"
fi
got=$(sql "SELECT kind || ' ' || spec FROM gw_rules WHERE mac = '$amac' ORDER BY kind")
ip4=${addr%/*}
if grep -qx "forward forward tcp 8080 $ip4 80" <<<"$got" &&
	grep -qx "qos qos $amac $ip4 dscp 34 priority 5" <<<"$got" &&
	grep -qx "multicast multicast $amac $ip4" <<<"$got"; then
	ok "the gateway rules are recorded: forward, qos (DSCP 34, priority 5), multicast"
else
	diag "$got"
	fail "the gateway rules are recorded: forward, qos, multicast"
fi
nft_has() {
	ip netns exec gw nft list table inet i62608 2>/dev/null | grep -q "$1"
}
if nft_has "iifname \"wan0\" tcp dport 8080 .*dnat ip to $ip4:80 comment \"$amac\"" &&
	nft_has "iifname \"v0\" ip saddr $ip4 .*ip dscp set af41 meta priority set 0:5"; then
	ok "nft: the forward (DNAT to the device) and the QoS marking in table inet i62608"
else
	diag "$(ip netns exec gw nft list ruleset 2>&1)"
	fail "nft: the forward (DNAT to the device) and the QoS marking in table inet i62608"
fi
igmp_running() {
	[ -s "$tmp/igmpproxy.pid" ] && kill -0 "$(cat "$tmp/igmpproxy.pid")" 2>/dev/null &&
		grep -q "^phyint v0 downstream" "$tmp/igmpproxy.conf"
}
if igmp_running &&
	[ "$(sql "SELECT group_concat(state) FROM gw_rules WHERE mac = '$amac'")" = synced,synced,synced ]; then
	ok "the IGMP proxy runs for the device (upstream wan0, downstream v0); every rule synced"
else
	diag "$(cat "$tmp/igmpproxy.conf" 2>&1)" \
		"$(sql "SELECT kind, state, error FROM gw_rules WHERE mac = '$amac'")"
	fail "the IGMP proxy runs for the device; every rule synced"
fi
got=$(sql "SELECT addr FROM address_plan WHERE mac = '$amac'")
want=$($py -c "import ipaddress; print(int(ipaddress.ip_address('$ip4')))")
if [ "$got" = "$want" ]; then
	ok "the address plan holds the device's address"
else
	fail "the address plan holds the device's address ($got, want $want)"
fi

ctl -j device list >"$tmp/list1.json"
pycheck "device list -j: the device, in sync" "$tmp/list1.json" "
x = [e for e in d if e['mac'] == '$amac']
assert len(x) == 1, d
assert x[0]['status'] == 'in_sync' and x[0]['address'] == '$addr', x
assert isinstance(x[0]['last_seen_ms'], int), x"
if ctl device list | grep -q "^$amac  *in_sync  *stb  *Example STB-100  *stb  *static $addr  *acked"; then
	ok "device list: one aligned line for the device"
else
	diag "$(ctl device list)"
	fail "device list: one aligned line for the device"
fi

# ---- restarts: nothing sent again, nothing lost ----------------------------------

snapshot() {
	sql "SELECT d.generation, a.request_id, a.outcome, p.addr FROM desired d JOIN applied a USING (mac) JOIN address_plan p USING (mac) WHERE mac = '$amac'"
}
before=$(snapshot)
requests=$(sql "SELECT count(*) FROM attempts WHERE mac = '$amac'")
kill -TERM "$dpid"
if wait "$dpid" && [ ! -e "$I62608D_SOCKET" ]; then
	ok "SIGTERM: i62608d exits with status 0 and removes its socket"
else
	fail "SIGTERM: i62608d exits with status 0 and removes its socket"
fi
: >"$tmp/daemon.log"
start_daemon || fail "i62608d starts again"
sleep $((2 * ${I62608_SLOW:-1}))
ctl -j daemon status >"$tmp/status1.json"
pycheck "after a restart: reconciled with the kernel, no request sent" "$tmp/status1.json" "
c = d['counters']
assert d['kernel']['connected'] is True and c['resyncs'] == 1, d
assert c['sent'] == 0 and c['send_errors'] == 0, c
assert d['devices']['in_sync'] == 1 and d['devices']['queued'] == 0, d"
if [ "$(snapshot)" = "$before" ] && in_sync &&
	[ "$(sql "SELECT count(*) FROM attempts WHERE mac = '$amac'")" = "$requests" ]; then
	ok "after a restart: the same decision, address and outcome"
else
	diag "before: $before" "after: $(snapshot)"
	fail "after a restart: the same decision, address and outcome"
fi

kill -KILL "$dpid"
wait "$dpid" 2>/dev/null
if [ -e "$I62608D_SOCKET" ]; then
	ok "SIGKILL leaves its socket behind"
else
	fail "SIGKILL leaves its socket behind"
fi
start_daemon || fail "i62608d starts again after SIGKILL"
sleep $((2 * ${I62608_SLOW:-1}))
ctl -j daemon status >"$tmp/status2.json"
pycheck "after SIGKILL: the stale socket replaced, nothing sent again" "$tmp/status2.json" "
c = d['counters']
assert c['sent'] == 0 and d['devices']['in_sync'] == 1, d"
if [ "$(snapshot)" = "$before" ]; then
	ok "after SIGKILL: every decision still there"
else
	diag "before: $before" "after: $(snapshot)"
	fail "after SIGKILL: every decision still there"
fi

# ---- pin, unpin -----------------------------------------------------------------

check "device pin" ctl device pin "$amac"
if dev_json | grep -q '"pinned":true'; then
	ok "device show: pinned"
else
	fail "device show: pinned"
fi
check "device unpin" ctl device unpin "$amac"
check_err "device pin of an unknown device fails with the daemon's reason" 1 \
	"no such device: 02:62:60:00:99:99" ctl device pin 02:62:60:00:99:99
check_err "device show of a malformed MAC is a usage error" 2 \
	"is not a MAC address" ctl device show 02:62:60

# ---- an override from the service server ----------------------------------------------

# The cloud client's table in the daemon's database (userspace/cloud):
# the object of `config send -f`, a new generation.
sqlite3 -cmd ".timeout 5000" "$db" "INSERT INTO cloud_override
	(mac, config, received_ms, generation)
	VALUES ('$amac', '{\"hostname\": \"tv-override\"}', 0, 1)"
overridden() {
	[ "$(nsenter -t "$apid" -u hostname)" = tv-override ] && in_sync
}
if wait_for 30 overridden; then
	ok "an override of the service server is decided and applied (host name)"
else
	diag "$(ctl device show "$amac" 2>&1)" "$(tail -n 10 "$tmp/daemon.log")"
	fail "an override of the service server is decided and applied (host name)"
fi
dev_json >"$tmp/dev3.json"
pycheck "device show -j: overridden, the host name added to the rule's items" "$tmp/dev3.json" "
des = d['desired']
assert des['overridden'] is True and des['generation'] == $gen1 + 1, des
assert 'hostname tv-override' in des['items'] and 'service iptv on' in des['items'], des
assert d['applied']['generation'] == des['generation'] and d['address'] == '$addr', d"
if [ "$(sql "SELECT applied_generation FROM cloud_override WHERE mac = '$amac'")" = 1 ]; then
	ok "the override's generation is marked applied for the cloud client"
else
	fail "the override's generation is marked applied for the cloud client"
fi

# ---- a refused configuration ---------------------------------------------------------

sent_count() {
	ctl -j daemon status | $py -c 'import json,sys; print(json.load(sys.stdin)["counters"]["sent"])'
}
sent0=$(sent_count)
write_policy off
kill -HUP "$dpid"
refused() {
	dev_json | grep -q '"status":"refused"'
}
if wait_for 60 refused; then
	ok "SIGHUP: the new policy (iptv off) is applied, the device refuses it"
else
	diag "$(ctl device show "$amac" 2>&1)" "$(tail -n 20 "$tmp/daemon.log")"
	fail "SIGHUP: the new policy (iptv off) is applied, the device refuses it"
fi
dev_json >"$tmp/dev2.json"
pycheck "device show -j: nacked, the service refused (failed), the rest unchanged" "$tmp/dev2.json" "
a = d['applied']
assert a['outcome'] == 'nacked' and a['generation'] == d['desired']['generation'], a
assert 'refused:failed' in a['results'], a
assert 'service iptv off' in a['items'], a
assert any(e['kind'] == 'config_refused' for e in d['events']), d['events']"
if [ "$(sql "SELECT outcome FROM attempts WHERE mac = '$amac' ORDER BY id DESC LIMIT 1")" = nacked ]; then
	ok "the database records the refusal"
else
	fail "the database records the refusal"
fi
sent=$(sent_count)
sleep $((3 * ${I62608_SLOW:-1}))
sent2=$(sent_count)
if [ "$sent" = $((sent0 + 1)) ] && [ "$sent2" = "$sent" ]; then
	ok "a refused configuration is sent once, not again"
else
	fail "a refused configuration is sent once, not again (before $sent0, then $sent, then $sent2)"
fi

# ---- a bad policy on SIGHUP ----------------------------------------------------------

printf 'lan 192.168.7.0/24\nrule stb\n\taddress static nosuchpool\n' >"$policy"
kill -HUP "$dpid"
reload_refused() {
	ctl -j daemon status | grep -q 'policy.conf:3: address static: no pool named'
}
if wait_for 10 reload_refused; then
	ok "a bad policy on SIGHUP is refused with its line number"
else
	diag "$(ctl daemon status 2>&1)" "$(tail -n 5 "$tmp/daemon.log")"
	fail "a bad policy on SIGHUP is refused with its line number"
fi
if grep -q "policy.conf:3: address static: no pool named 'nosuchpool'" "$tmp/daemon.log" &&
	dev_json | grep -q '"rule":"stb"'; then
	ok "the daemon logs why, and the policy in force stays"
else
	fail "the daemon logs why, and the policy in force stays"
fi

# ---- forget -------------------------------------------------------------------------

check "device forget" ctl device forget "$amac"
if [ "$(sql "SELECT count(*) FROM gw_rules WHERE mac = '$amac'")" = 0 ] &&
	[ "$(sql "SELECT count(*) FROM address_plan WHERE mac = '$amac'")" = 0 ]; then
	ok "forget removes the device's gateway rules and address"
else
	fail "forget removes the device's gateway rules and address"
fi
gw_clean() {
	! nft_has "dnat" && ! igmp_running
}
if wait_for 5 gw_clean; then
	ok "the gateway follows: no forward left, the IGMP proxy stopped"
else
	diag "$(ip netns exec gw nft list ruleset 2>&1)"
	fail "the gateway follows: no forward left, the IGMP proxy stopped"
fi

# ---- a burst of 50 devices, the daemon killed in the middle ---------------------------

n_burst=50
kill "$apid"
cat >"$policy" <<EOP
lan 192.168.7.0/24
pool media 192.168.7.100 192.168.7.149
rule iot
	match type iot
	qos background
EOP
kill -HUP "$dpid"
if ! ns_new burst; then
	echo "Bail out! cannot create a namespace"
	exit 1
fi
ip link add v1 netns gw type veth peer name b0 netns burst
ip -n gw link set v1 up
ip -n burst link set b0 up
ctl iface add v1
cat >"$tmp/burst.conf" <<EOC
device_type = iot
vendor = Example
model = Sensor
interfaces = b0
state_dir = $tmp/burststate
config_mode = dry-run
qos_hook = /bin/true
configurator_key = $cfgpub
discover_backoff_max = 2s
EOC
# Each instance has its own key: the push-button window pairs them all.
ctl pair open 900
burst_sql="SELECT count(*) FROM applied a JOIN devices d USING (mac)
	WHERE d.device_type = 7 AND a.outcome = 'acked'"
start=$SECONDS
ip netns exec burst "$agent" -c "$tmp/burst.conf" --instances $n_burst \
	>"$tmp/burst.out" 2>"$tmp/burst.log" &
bpid=$!
at_exit "kill -9 $bpid"
# Decisions of managed devices: "MAC GENERATION" lines.
decided_sql="SELECT mac || ' ' || des.generation FROM desired des
	JOIN devices d USING (mac) WHERE d.device_type = 7
	AND des.items IS NOT NULL ORDER BY mac"
# Killed at the first decision of the burst, the rest still to come.
first_decided() {
	[ -n "$(sql "$decided_sql")" ]
}
wait_for 120 first_decided
kill -KILL "$dpid"
wait "$dpid" 2>/dev/null
done_at_kill=$(sql "$burst_sql")
sql "$decided_sql" >"$tmp/decided_at_kill"
decided_at_kill=$(wc -l <"$tmp/decided_at_kill")
diag "SIGKILL after $((SECONDS - start)) s: $decided_at_kill decided, $done_at_kill acked of $n_burst"
if [ "$decided_at_kill" -ge 1 ] && [ "$done_at_kill" -lt $n_burst ]; then
	ok "the daemon is killed in the middle of the burst ($decided_at_kill decided, $done_at_kill configured of $n_burst)"
else
	diag "$(ctl stats 2>&1 | head -n 20)" "$(tail -n 20 "$tmp/burst.log")" \
		"$(tail -n 20 "$tmp/daemon.log")"
	fail "the daemon is killed in the middle of the burst ($decided_at_kill decided, $done_at_kill configured of $n_burst)"
fi
start_daemon || fail "i62608d starts again after SIGKILL"
all_done() {
	[ "$(sql "$burst_sql")" = $n_burst ]
}
if wait_for 120 all_done; then
	ok "after the restart all $n_burst devices are configured ($((SECONDS - start)) s since the burst began)"
else
	diag "$(sql "$burst_sql") of $n_burst" "$(tail -n 20 "$tmp/daemon.log")"
	fail "after the restart all $n_burst devices are configured"
fi
ctl -j device list >"$tmp/burst.json"
pycheck "device list -j: $n_burst iot devices in sync, the decisions made before the kill kept" "$tmp/burst.json" "
b = [e for e in d if e['device_type'] == 'iot']
assert len(b) == $n_burst, len(b)
bad = [e for e in b if e['status'] != 'in_sync' or e['outcome'] != 'acked'
       or e['applied_generation'] != e['desired_generation']]
assert not bad, bad[:3]
gen = {e['mac']: e['desired_generation'] for e in b}
for line in open('$tmp/decided_at_kill'):
	mac, g = line.split()
	assert gen[mac] == int(g), (mac, g, gen[mac])"
# At most one request more than devices per device in flight at the kill.
sent=$(sql "SELECT count(*) FROM attempts a JOIN devices d USING (mac) WHERE d.device_type = 7")
if [ "$sent" -ge $n_burst ] && [ "$sent" -le $((n_burst + DAEMON_MAX_INFLIGHT)) ] &&
	[ "$(sql "SELECT count(*) FROM pending")" = 0 ]; then
	ok "$sent requests for $n_burst devices: the ones in flight at the kill sent again, no more; nothing pending"
else
	fail "requests for the burst: $sent for $n_burst devices, $(sql "SELECT count(*) FROM pending") pending"
fi

kill -TERM "$dpid"
wait "$dpid"
if ! grep -qE '^<[0-3]>' "$tmp/daemon.log"; then
	ok "no error in the daemon's log"
else
	diag "$(grep -E '^<[0-3]>' "$tmp/daemon.log")"
	fail "no error in the daemon's log"
fi
tap_end
