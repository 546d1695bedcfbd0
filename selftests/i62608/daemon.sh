#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# i62608d end to end: the policy daemon on the gateway side decides a
# device's configuration from its policy and the device's REPORT, applies
# it through the module to the real i62608-agent and to the gateway (the
# real nftables and igmpproxy), and records it; its control socket shows
# it (i62608ctl device, daemon). IEC 62608 Scenario 1, the IPTV set-top
# box: its static address, the IGMP proxy forwarding a multicast stream
# from the WAN to it once it joins the group (and not before, nor once the
# proxy stopped), its traffic marked DSCP 34 (AF41) both ways. A restart
# (SIGTERM, then SIGKILL) configures nothing again and loses nothing; a
# refused configuration is recorded and not retried; a bad policy on
# SIGHUP keeps the one in force; a device that expires while the daemon
# is down is found lost at its start and reported to the failure
# information server (queued: no server runs). Then a burst of 50 devices
# (one agent, --instances 50, dry-run), the daemon killed with SIGKILL in
# the middle of it: after its restart every device is configured, each
# decision made once; they all vanish from the module's table while the
# daemon is down, and its next start records them lost.
#
#   +---- ns "gw" ---------------------------------+     +---- ns "agt" (+ UTS ns) ----+
#   | i62608.ko: ifaces v0, v1 enabled, key, pairs |     | i62608-agent -c agent.conf  |
#   | i62608d --db $tmp/d.db --policy policy.conf  |     |  type stb, service iptv,    |
#   |   v0 192.168.7.1/24 <------- veth -----------+-----+-> a0 (configured here)      |
#   |   nft table inet i62608, igmpproxy           |     |  hooks log to $tmp/calls    |
#   | i62608ctl device|daemon (I62608D_SOCKET)     |     | iptv.py stb: joins the group|
#   |   v1 <------------------------ veth ---------+--+  +-----------------------------+
#   |   wan0 198.51.100.1/24 <------ veth ------+  |  |  +---- ns "burst" -------------+
#   +-------------------------------------------+--+  +--+-> b0: i62608-agent          |
#   +---- ns "isp" -----------------------------+--+     |     --instances 50, dry-run |
#   | wan1 198.51.100.2/24 <--------------------+  |     +-----------------------------+
#   | iptv.py isp: 239.1.2.3 (TTL 8) and unicast   |
#   |   to the set-top box, which echoes it back   |
#   +----------------------------------------------+
#
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

daemon_env gw unshare nsenter nft igmpproxy
# i62608d's bound on requests in flight (userspace/daemon/daemon.h).
DAEMON_MAX_INFLIGHT=64
if ! ns_new agt || ! ns_new isp; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
veth gw v0 agt a0
ip -n gw addr add 192.168.7.1/24 dev v0
veth gw wan0 isp wan1
ip -n gw addr add 198.51.100.1/24 dev wan0
ip -n isp addr add 198.51.100.2/24 dev wan1
ip -n isp route add 192.168.7.0/24 via 198.51.100.1
in_ns gw sysctl -qw net.ipv4.ip_forward=1
amac=$(ip -n agt -br link show a0 | awk '{print $3}')
ctl iface add v0 || { echo "Bail out! cannot enable v0"; exit 1; }
daemon_key
# Heartbeats every 2 s (TTL 7 s): a device that goes away expires soon.
ctl params set heartbeat_interval 2s || { echo "Bail out! params set failed"; exit 1; }

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
apub=$(agent_key "$tmp/agent.conf")
ctl pair add "$apub" name stb >/dev/null || { echo "Bail out! pair add failed"; exit 1; }

# ---- the policy and the daemon -------------------------------------------------

policy=$tmp/policy.conf
# write_policy on|off [cloud] - the policy, service iptv on or off; with
# cloud, failures are queued for a failure information server (none runs).
write_policy() {
	local cloud=
	[ "${2:-}" = cloud ] && cloud="cloud_gateway_id gw-daemon-sh
cloud_failure_url https://127.0.0.1:1
cloud_cert $tmp/none.pem
cloud_key $tmp/none.pem
cloud_ca $tmp/none.pem"
	cat >"$policy" <<EOP
# daemon.sh: set-top boxes get a static address of the media pool
lan 192.168.7.0/24
gateway 192.168.7.1
dns 192.168.7.1
wan wan0
lan-interface v0
igmp-proxy wan0
pool media 192.168.7.100 192.168.7.149
$cloud

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

# The IGMP proxy the daemon starts, detached, beside its socket.
at_exit "kill \$(cat '$tmp/igmpproxy.pid')"

if daemon_start; then
	ok "i62608d starts and answers on its control socket"
else
	diag "$(tail -n 20 "$daemon_log")"
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
	diag "$(ctl device show "$amac" 2>&1)" "$(tail -n 30 "$daemon_log")" \
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

# ---- Scenario 1: the IPTV stream through the IGMP proxy, the QoS marking -------

# iptv.py isp: the head end on the WAN side sends, every 0.2 s, a numbered
# datagram to the multicast group (TTL 8) and one to the set-top box
# (unicast, TOS 0), and logs the TOS of what the box sends back.
# iptv.py stb: the box receives both, logging the TTL of the multicast
# (7: routed once, by the gateway's multicast routing) and the TOS of the
# unicast, which it echoes to the head end; it joins the group on SIGUSR1.
group=239.1.2.3
cat >"$tmp/iptv.py" <<'EOF'
import select, signal, socket, sys, time
role, group, stb, isp, out = sys.argv[1:6]
IP_TTL, IP_RECVTTL = 2, 12
log = open(out, 'a', buffering=1)
def recv(s):
    data, anc, _, _ = s.recvmsg(64, 64)
    return data.decode(), [c[2][0] for c in anc if c[1] in (socket.IP_TOS, IP_TTL)] or [-1]
if role == 'isp':
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
    tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(isp))
    tx.bind((isp, 0))
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
    rx.bind((isp, 5006))
    seq = 0
    while True:
        seq += 1
        tx.sendto(b'm %d' % seq, (group, 5004))
        tx.sendto(b'u %d' % seq, (stb, 5005))
        end = time.monotonic() + 0.2
        while (left := end - time.monotonic()) > 0:
            if select.select([rx], [], [], left)[0]:
                data, opt = recv(rx)
                log.write('up %s tos=%d\n' % (data, opt[0]))
m = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
m.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
m.bind(('', 5004))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
u.bind((stb, 5005))
def join(sig, frame):
    m.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 socket.inet_aton(group) + socket.inet_aton(stb))
    log.write('joined\n')
signal.signal(signal.SIGUSR1, join)
log.write('ready\n')
while True:
    for s in select.select([m, u], [], [])[0]:
        data, opt = recv(s)
        log.write('%s %s=%d\n' % (data, 'ttl' if s is m else 'tos', opt[0]))
        if s is u:
            u.sendto(data.encode(), (isp, 5006))
EOF
: >"$tmp/stb.log"
: >"$tmp/isp.log"
ip netns exec agt $py "$tmp/iptv.py" stb $group "$ip4" 198.51.100.2 "$tmp/stb.log" &
stbpid=$!
at_exit "kill $stbpid"
ip netns exec isp $py "$tmp/iptv.py" isp $group "$ip4" 198.51.100.2 "$tmp/isp.log" &
at_exit "kill $!"
# count WORD FILE - lines of FILE that start with WORD.
count() {
	grep -c "^$1 " "$2"
}
# at_least N WORD FILE
at_least() {
	[ "$(count "$2" "$3")" -ge "$1" ]
}
if wait_for 20 at_least 5 u "$tmp/stb.log" && at_least 5 up "$tmp/isp.log" &&
	[ "$(count m "$tmp/stb.log")" = 0 ]; then
	ok "unicast from the WAN reaches the set-top box and back; no multicast before it joins the group"
else
	diag "$(tail -n 5 "$tmp/stb.log")" "$(tail -n 5 "$tmp/isp.log")"
	fail "unicast from the WAN reaches the set-top box and back; no multicast before it joins the group"
fi
kill -USR1 $stbpid
if wait_for 20 at_least 3 m "$tmp/stb.log" &&
	! grep '^m ' "$tmp/stb.log" | grep -qv ' ttl=7$'; then
	ok "joined: the multicast stream arrives through the IGMP proxy ($(count m "$tmp/stb.log") datagrams, TTL 8 -> 7)"
else
	diag "$(tail -n 8 "$tmp/stb.log")" "$(cat "$tmp/igmpproxy.conf" 2>&1)" \
		"$(ip netns exec gw ip mroute show 2>&1)"
	fail "joined: the multicast stream arrives through the IGMP proxy"
fi
# DSCP 34 is TOS 136 (ECN 0): the gateway marks both directions.
if ! grep '^u ' "$tmp/stb.log" | grep -qv ' tos=136$' &&
	! grep '^up ' "$tmp/isp.log" | grep -qv ' tos=136$'; then
	ok "the QoS marking acts: the set-top box's unicast is DSCP 34 (AF41) both ways"
else
	diag "$(grep -m 3 '^u ' "$tmp/stb.log")" "$(grep -m 3 '^up ' "$tmp/isp.log")"
	fail "the QoS marking acts: the set-top box's unicast is DSCP 34 (AF41) both ways"
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

# The daemon answers once it has reconciled and sent what that called for:
# then nothing queued and nothing in flight means nothing more is sent.
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
: >"$daemon_log"
daemon_start || fail "i62608d starts again"
ctl -j daemon status >"$tmp/status1.json"
pycheck "after a restart: reconciled with the kernel, no request sent, none to send" "$tmp/status1.json" "
c, n = d['counters'], d['devices']
assert d['kernel']['connected'] is True and c['resyncs'] == 1, d
assert c['sent'] == 0 and c['send_errors'] == 0, c
assert n['in_sync'] == 1 and n['queued'] == 0 and n['configuring'] == 0, d"
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
daemon_start || fail "i62608d starts again after SIGKILL"
ctl -j daemon status >"$tmp/status2.json"
pycheck "after SIGKILL: the stale socket replaced, nothing sent again, none to send" "$tmp/status2.json" "
c, n = d['counters'], d['devices']
assert c['sent'] == 0 and n['in_sync'] == 1, d
assert n['queued'] == 0 and n['configuring'] == 0, d"
if [ "$(snapshot)" = "$before" ]; then
	ok "after SIGKILL: every decision still there"
else
	diag "before: $before" "after: $(snapshot)"
	fail "after SIGKILL: every decision still there"
fi
got=$(sql "SELECT group_concat(kind) FROM events WHERE mac = '$amac' AND kind IN ('device_lost', 'device_back')")
if [ -z "$got" ]; then
	ok "the restarts found the device present: neither lost nor back"
else
	fail "the restarts found the device present: neither lost nor back ($got)"
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
	diag "$(ctl device show "$amac" 2>&1)" "$(tail -n 10 "$daemon_log")"
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
	diag "$(ctl device show "$amac" 2>&1)" "$(tail -n 20 "$daemon_log")"
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
	diag "$(ctl daemon status 2>&1)" "$(tail -n 5 "$daemon_log")"
	fail "a bad policy on SIGHUP is refused with its line number"
fi
if grep -q "policy.conf:3: address static: no pool named 'nosuchpool'" "$daemon_log" &&
	dev_json | grep -q '"rule":"stb"'; then
	ok "the daemon logs why, and the policy in force stays"
else
	fail "the daemon logs why, and the policy in force stays"
fi

# ---- a device lost while the daemon is down ---------------------------------------------

# The daemon stops; the set-top box's agent dies without a BYE and expires
# from the module's table (TTL 7 s), which keeps it a while as lost. The
# daemon's next start finds it so, records it lost and queues its failure
# report, as if it had seen the expiry. The failure server is configured.
write_policy off cloud
: >"$tmp/none.pem"
kill -TERM "$dpid"
wait "$dpid"
t_kill=${EPOCHREALTIME/./}
kill -9 "$apid"
agent_lost() {
	ctl agent show "$amac" | grep -q '^ *state: lost'
}
if wait_for 20 agent_lost; then
	ok "the agent, killed while the daemon is down, expires from the module's table"
else
	diag "$(ctl agent show "$amac" 2>&1 | head -n 12)"
	fail "the agent, killed while the daemon is down, expires from the module's table"
fi
t_start=${EPOCHREALTIME/./}
daemon_start || fail "i62608d starts again"
dev_json >"$tmp/dev4.json"
pycheck "device show -j: absent, the loss recorded at the start" "$tmp/dev4.json" "
assert d['present'] is False, d
lost = [e for e in d['events'] if e['kind'] == 'device_lost']
assert [e['detail'] for e in lost] == ['ttl_expired, found at the reconciliation'], d['events']
assert lost[0]['time_ms'] >= $t_start // 1000, lost"
ctl -j device list >"$tmp/list4.json"
pycheck "device list -j: the device is not present" "$tmp/list4.json" "
assert [e['present'] for e in d if e['mac'] == '$amac'] == [False], d"
sql "SELECT body FROM cloud_outbox WHERE kind = 'failure' AND body LIKE '%device_lost%'" >"$tmp/lost.json"
pycheck "its failure report is queued: device_lost, when it expired, found at the reconciliation" "$tmp/lost.json" "
assert d['kind'] == 'device_lost' and d['mac'] == '$amac', d
assert $t_kill // 1000 <= d['occurred_at_ms'] <= $t_start // 1000, ($t_kill // 1000, $t_start // 1000, d)
assert d['detail'].startswith('Example STB-100 ('), d
assert d['detail'].endswith(') was not heard from for its TTL of 7 s on v0 (found lost when i62608d reconciled with the kernel)'), d"

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
# The stream stops with the proxy, while the unicast goes on (what was on
# its way first has arrived after two more).
u0=$(count u "$tmp/stb.log")
wait_for 5 at_least $((u0 + 2)) u "$tmp/stb.log"
m0=$(count m "$tmp/stb.log")
u0=$(count u "$tmp/stb.log")
if wait_for 10 at_least $((u0 + 5)) u "$tmp/stb.log" && [ "$(count m "$tmp/stb.log")" = "$m0" ]; then
	ok "no multicast reaches the set-top box once the IGMP proxy stopped"
else
	diag "$(tail -n 10 "$tmp/stb.log")"
	fail "no multicast reaches the set-top box once the IGMP proxy stopped"
fi

# ---- a burst of 50 devices, the daemon killed in the middle ---------------------------

n_burst=50
ctl params set heartbeat_interval 10s
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
veth gw v1 burst b0
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
		"$(tail -n 20 "$daemon_log")"
	fail "the daemon is killed in the middle of the burst ($decided_at_kill decided, $done_at_kill configured of $n_burst)"
fi
daemon_start || fail "i62608d starts again after SIGKILL"
all_done() {
	[ "$(sql "$burst_sql")" = $n_burst ]
}
if wait_for 120 all_done; then
	ok "after the restart all $n_burst devices are configured ($((SECONDS - start)) s since the burst began)"
else
	diag "$(sql "$burst_sql") of $n_burst" "$(tail -n 20 "$daemon_log")"
	fail "after the restart all $n_burst devices are configured"
fi
ctl -j device list >"$tmp/burst.json"
pycheck "device list -j: $n_burst iot devices in sync, the decisions made before the kill kept" "$tmp/burst.json" "
b = [e for e in d if e['device_type'] == 'iot']
assert len(b) == $n_burst, len(b)
assert not [e for e in d if e['mac'] == '$amac'], 'the forgotten set-top box is back'
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


# ---- devices gone from the module's table while the daemon is down -----------------------

# The burst's interface disabled: the module drops its agents at once (no
# lost entries). The daemon's next start finds them gone.
kill -TERM "$dpid"
wait "$dpid"
ctl iface del v1
daemon_start || fail "i62608d starts again"
got=$(sql "SELECT count(*), sum(d.present) FROM devices d WHERE device_type = 7 AND
	(SELECT count(*) FROM events e WHERE e.mac = d.mac AND kind = 'device_lost') = 1 AND
	(SELECT detail FROM events e WHERE e.mac = d.mac ORDER BY id DESC LIMIT 1) =
	'vanished, found at the reconciliation'")
if [ "$got" = "$n_burst|0" ]; then
	ok "the $n_burst devices gone while the daemon was down: absent, each lost once (vanished)"
else
	diag "got '$got', want '$n_burst|0'" \
		"$(sql "SELECT mac, present FROM devices WHERE device_type = 7 LIMIT 3")" \
		"$(sql "SELECT mac, kind, detail FROM events ORDER BY id DESC LIMIT 3")"
	fail "the $n_burst devices gone while the daemon was down: absent, each lost once (vanished)"
fi
daemon_stop_clean
tap_end
