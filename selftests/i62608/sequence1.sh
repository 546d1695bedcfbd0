#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IEC 62608 Sequence 1, end to end: a device joins the home network, gets
# a temporary address by DHCP, its agent discovers the configurator and
# reports; i62608d registers it at the service server (i62608-cloudd, the
# test CA's mutual TLS), which answers with the override and the template
# of its type the operator set before; the device is configured by the
# policy, the template over it and the override over both, field by field,
# the gateway follows (the DHCP reservation in dnsmasq, which the device
# then leases; the port forward and the QoS marking in nftables; the IGMP
# proxy). Then the diagnosis server's requests, a quality report, and the
# template changed: the device and the gateway follow.
# Then the failures while the servers are away: a configuration not
# answered, then refused, and a device that stops answering, the daemon
# killed meanwhile; once the servers are back every failure arrives,
# exactly once.
#
#   +---- ns "s1gw" ------------------------------------+    +--- ns "s1dev" (+UTS) ---+
#   | i62608.ko on v0 (key, the agent paired)           |    | i62608-agent on a0      |
#   | i62608d: policy, dhcp-hosts, nft, cloud_* ------+ |    |   dhcp hook: udhcpc     |
#   | dnsmasq on v0 192.168.9.1/24 (range .50-.99)    | |    |   iptv refuses "off"    |
#   |   v0 <----------------- veth -------------------+-+----+-> a0 02:62:60:00:09:01  |
#   | i62608-cloudd 127.0.0.1:8443 <-- mTLS ----------+ |    +-------------------------+
#   |   <-- curl, the operator's certificate            |
#   | wan0 198.51.100.1/24 (veth to wan1): forwards,    |
#   |   igmpproxy's upstream                            |
#   +---------------------------------------------------+
#
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

agent=$I62608_BIN/i62608-agent
daemon=$I62608_BIN/i62608d
cloudd=$I62608_BIN/i62608-cloudd
py=/usr/bin/python3
for b in "$agent" "$daemon" "$cloudd" "$I62608_BIN/i62608ctl"; do
	[ -x "$b" ] || { echo "Bail out! missing $b (make userspace)"; exit 1; }
done
for c in sqlite3 nft dnsmasq igmpproxy curl openssl setsid nsenter unshare; do
	command -v $c >/dev/null || { echo "Bail out! $c is missing"; exit 1; }
done
busybox udhcpc --help >/dev/null 2>&1 || { echo "Bail out! busybox with udhcpc is missing"; exit 1; }
module_loaded || { echo "Bail out! the module is not loaded"; exit 1; }

tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
export I62608_STATE_DIR=$tmp/gwstate
export I62608D_SOCKET=$tmp/i62608d.sock
db=$tmp/i62608d.db
gw=s1gw
dev=s1dev
mac=02:62:60:00:09:01
gwid="gw-test-1"
url=https://127.0.0.1:8443
if ! ns_new $gw || ! ns_new $dev; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
ip link add v0 netns $gw type veth peer name a0 netns $dev
ip -n $dev link set a0 address $mac
ip -n $gw addr add 192.168.9.1/24 dev v0
# The device's end first: the gateway's port never sends to a peer that
# is down (a drop the quality report would count).
ip -n $dev link set a0 up
ip -n $gw link set v0 up
ip -n $gw link add wan0 type veth peer name wan1
ip -n $gw addr add 198.51.100.1/24 dev wan0
ip -n $gw link set wan0 up
ip -n $gw link set wan1 up
ctl() { in_ns $gw i62608ctl "$@"; }
ctl iface add v0 || { echo "Bail out! cannot enable v0"; exit 1; }
# Short lifetimes: an agent that stops answering is lost after 7 s.
ctl params set heartbeat_interval 2 aging_interval 200ms ||
	{ echo "Bail out! params set failed"; exit 1; }
ctl key init >/dev/null || { echo "Bail out! key init failed"; exit 1; }
cfgpub=$(ctl -j key show | $py -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')

# sql QUERY - from the daemon's database (WAL: read beside it).
sql() {
	sqlite3 -batch -noheader "file:$db?mode=ro" "$1" 2>&1
}

# ---- the cloud: certificates, the servers, the operator's override ----------------

certs=$tmp/certs
"$top/scripts/cloud-certs.sh" --gateway $gwid "$certs" >/dev/null ||
	{ echo "Bail out! scripts/cloud-certs.sh failed"; exit 1; }
cpid=
start_cloudd() {
	ip netns exec $gw "$cloudd" --foreground --listen 127.0.0.1:8443 \
		--db "$tmp/cloudd.db" --cert "$certs/server.crt" --key "$certs/server.key" \
		--client-ca "$certs/ca.crt" --roles service,quality,failure,diagnosis \
		>>"$tmp/cloudd.log" 2>&1 &
	cpid=$!
	wait_for 10 grep -q "pid $cpid listening on port 8443" "$tmp/cloudd.log"
}
# shellcheck disable=SC2016 # $cpid as it is at exit
at_exit 'kill $cpid'
start_cloudd || { echo "Bail out! i62608-cloudd does not start: $(tail -n 5 "$tmp/cloudd.log")"; exit 1; }

# op METHOD PATH [BODY] - the operator's request; sets $code and $body.
op() {
	local args=(-sS --max-time 10 --cacert "$certs/ca.crt" --cert "$certs/operator.crt"
		--key "$certs/operator.key" -X "$1" -o "$tmp/op.body" -w '%{http_code}')
	[ -n "${3-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	[ "$1" = POST ] && args+=(-H "Idempotency-Key: seq1-$RANDOM$RANDOM$RANDOM")
	code=$(ip netns exec $gw curl "${args[@]}" "$url$2" 2>"$tmp/op.err") || code=000
	body=$(cat "$tmp/op.body" 2>/dev/null)
}
# op_json FILE METHOD PATH [BODY] - the same, the answer into FILE.
op_json() {
	local f=$1
	shift
	op "$@"
	printf '%s' "$body" >"$f"
}

# The operator decides before the device exists: set-top boxes get video
# (the policy says background) and a host name, this one another name.
op PUT /v1/service/templates/stb '{"config":{"qos":"video","hostname":"stb-template"}}'
tcode=$code
op PUT "/v1/service/gateways/$gwid/overrides/$mac" '{"config":{"hostname":"tv-cloud"}}'
if [ "$tcode" = 201 ] && [ "$code" = 201 ]; then
	ok "the operator sets the set-top boxes' template and the device's override at the service server"
else
	diag "HTTP $tcode, $code: $body" "$(cat "$tmp/op.err")"
	fail "the operator sets the set-top boxes' template and the device's override at the service server"
fi

# ---- the gateway: dnsmasq, the policy, the daemon ----------------------------------

hosts=$tmp/dhcp-hosts
: >"$hosts"
ip netns exec $gw dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
	--user=root --interface=v0 --bind-interfaces \
	--dhcp-range=192.168.9.50,192.168.9.99,255.255.255.0,2m \
	--dhcp-hostsfile="$hosts" --dhcp-leasefile="$tmp/leases" \
	--pid-file="$tmp/dnsmasq.pid" --log-dhcp --log-facility="$tmp/dnsmasq.log" &
dmpid=$!
at_exit "kill $dmpid"
wait_for 5 test -s "$tmp/dnsmasq.pid" || { echo "Bail out! dnsmasq does not start"; exit 1; }

policy=$tmp/policy.conf
write_policy() {
	cat >"$policy" <<EOP
# sequence1.sh: set-top boxes get a reserved address of the media pool
lan 192.168.9.0/24
gateway 192.168.9.1
dns 192.168.9.1
wan wan0
lan-interface v0
dhcp-hosts $hosts pid $tmp/dnsmasq.pid
igmp-proxy wan0
pool media 192.168.9.100 192.168.9.149

identity vendor Example model HG-1 firmware 1.0
cloud_gateway_id $gwid
cloud_service_url $url
cloud_quality_url $url
cloud_failure_url $url
cloud_diagnosis_url $url
cloud_cert $certs/gateway.crt
cloud_key $certs/gateway.key
cloud_ca $certs/ca.crt
cloud_poll_period 1s
cloud_quality_period 15s
cloud_backoff_min 200ms
cloud_backoff_max 2s

rule stb
	match type stb
	address reserve media
	qos background
	forward tcp 8080 to 80
	multicast yes
	service iptv $1
EOP
}
write_policy on
check "i62608d --check accepts the policy with its cloud settings" \
	"$daemon" --check --policy "$policy"

dpid=
start_daemon() {
	ip netns exec $gw "$daemon" --foreground --db "$db" --policy "$policy" \
		--socket "$I62608D_SOCKET" --log-level debug 2>>"$tmp/daemon.log" &
	dpid=$!
	wait_for 10 ctl daemon status
}
# shellcheck disable=SC2016 # $dpid as it is at exit
at_exit 'kill -9 $dpid'
# The IGMP proxy the daemon starts, detached, beside its socket.
at_exit "kill \$(cat '$tmp/igmpproxy.pid')"
if ! start_daemon; then
	diag "$(tail -n 20 "$tmp/daemon.log")"
	echo "Bail out! i62608d does not start"
	exit 1
fi
cloud_json() {
	ctl -j cloud status >"$tmp/cloud.json" 2>&1
}
registered() {
	op GET "/v1/service/gateways/$gwid"
	[ "$code" = 200 ]
}
if wait_for 20 registered; then
	ok "the gateway registers at the service server at start"
else
	diag "HTTP $code: $body" "$(tail -n 20 "$tmp/daemon.log")"
	fail "the gateway registers at the service server at start"
fi

# ---- the device joins: a temporary address by DHCP ---------------------------------

hooks=$tmp/hooks
calls=$tmp/calls.log
mkdir -p "$hooks/services.d"
: >"$calls"
# udhcpc's script: a lease as DHCP clients install it (with its
# lifetime: the agent tells DHCP addresses by it).
cat >"$hooks/udhcpc.sh" <<'EOS'
#!/bin/sh
case $1 in
bound|renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/$mask" dev "$interface" valid_lft "$lease" preferred_lft "$lease"
	[ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
	;;
deconfig)
	ip addr flush dev "$interface"
	;;
esac
echo "$1 $ip" >>"$UDHCPC_LOG"
EOS
# The agent's DHCP hook: (re)start udhcpc, detached, or stop it.
cat >"$hooks/dhcp" <<EOS
#!/bin/sh
echo "dhcp \$*" >>$calls
pidf=$tmp/udhcpc.pid
case "\$2 \$3" in
"start ipv4")
	[ -s \$pidf ] && kill \$(cat \$pidf) 2>/dev/null
	sleep 0.2
	UDHCPC_LOG=$tmp/udhcpc.log setsid busybox udhcpc -f -i "\$1" -s $hooks/udhcpc.sh \\
		-p \$pidf -t 20 -T 1 </dev/null >>$tmp/udhcpc.out 2>&1 &
	;;
"stop ipv4")
	[ -s \$pidf ] && kill \$(cat \$pidf)
	;;
*)	exit 1 ;;
esac
exit 0
EOS
printf '#!/bin/sh\necho "qos $*" >>%s\n' "$calls" >"$hooks/qos"
# The iptv service refuses to be switched off (the refused case).
cat >"$hooks/services.d/iptv" <<EOH
#!/bin/sh
echo "iptv \$*" >>$calls
[ "\$1" != disable ]
EOH
chmod 755 "$hooks/udhcpc.sh" "$hooks/dhcp" "$hooks/qos" "$hooks/services.d/iptv"
at_exit "kill \$(cat '$tmp/udhcpc.pid')"

UDHCPC_LOG=$tmp/udhcpc.log ip netns exec $dev setsid busybox udhcpc -f -i a0 \
	-s "$hooks/udhcpc.sh" -p "$tmp/udhcpc.pid" -t 20 -T 1 </dev/null \
	>>"$tmp/udhcpc.out" 2>&1 &
dev_addr() {
	ip -n $dev -4 -o addr show dev a0 | awk '{print $4; exit}'
}
# in_range ADDR FIRST LAST - ADDR (a.b.c.d/n) in FIRST..LAST.
in_range() {
	$py -c "import ipaddress as i, sys
a = i.ip_interface(sys.argv[1]).ip
sys.exit(0 if i.ip_address(sys.argv[2]) <= a <= i.ip_address(sys.argv[3]) else 1)" "$@"
}
temp_addr() {
	local a
	a=$(dev_addr)
	[ -n "$a" ] && in_range "$a" 192.168.9.50 192.168.9.99
}
if wait_for 20 temp_addr; then
	ok "the device leases a temporary address of dnsmasq's range: $(dev_addr)"
else
	diag "$(cat "$tmp/udhcpc.out")" "$(tail -n 10 "$tmp/dnsmasq.log")"
	fail "the device leases a temporary address of dnsmasq's range"
fi

echo "nameserver 192.168.9.1" >"$tmp/resolv.conf"
cat >"$tmp/agent.conf" <<EOC
device_type = stb
vendor = Example
model = STB-100
serial = SN-0901
firmware = 4.2
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
mkdir -p "$tmp/run"
apub=$("$agent" -c "$tmp/agent.conf" --show-key -j |
	$py -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')
ctl pair add "$apub" name stb >/dev/null || { echo "Bail out! pair add failed"; exit 1; }

start=$SECONDS
ip netns exec $dev unshare -u "$agent" -c "$tmp/agent.conf" -v \
	>"$tmp/agent.out" 2>"$tmp/agent.log" &
apid=$!
at_exit "kill -9 $apid"

dev_json() {
	ctl -j device show $mac 2>/dev/null
}
# Configured with the override: generation 2 or later, applied, in sync.
overridden() {
	dev_json >"$tmp/dev.json" &&
		$py -c "import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d['status'] == 'in_sync' and d['desired']['overridden'] else 1)" "$tmp/dev.json"
}
if wait_for 60 overridden; then
	ok "the device is registered, overridden by the service server and configured ($((SECONDS - start)) s from the agent's start)"
else
	diag "$(ctl device show $mac 2>&1)" "$(tail -n 30 "$tmp/daemon.log")" \
		"$(tail -n 10 "$tmp/agent.log")" "$(tail -n 5 "$tmp/cloudd.log")"
	fail "the device is registered, overridden by the service server and configured"
	echo "Bail out! the device was not configured"
	exit 1
fi
dev_json >"$tmp/dev1.json"
pycheck "device show -j: rule stb, a reserved address of the pool, the override's host name, the template's QoS, acked" "$tmp/dev1.json" "
import ipaddress
des = d['desired']
a = ipaddress.ip_interface(des['address'])
assert ipaddress.ip_address('192.168.9.100') <= a.ip <= ipaddress.ip_address('192.168.9.149'), des
assert d['rule'] == 'stb' and d['addr_mode'] == 'reserve' and des['overridden'] is True, d
assert 'dhcp on' in des['items'], des
assert 'hostname tv-cloud' in des['items'] and 'qos video' in des['items'], des
assert 'service iptv on' in des['items'], des
assert d['applied']['outcome'] == 'acked' and d['applied']['generation'] == des['generation'], d
assert d['vendor'] == 'Example' and d['device_type'] == 'stb', d"
addr=$($py -c 'import json,sys; print(json.load(sys.stdin)["desired"]["address"])' <"$tmp/dev1.json")
ip4=${addr%/*}

# The device itself: the reserved address, leased (after NAK of the old).
reserved_leased() {
	[ "$(dev_addr)" = "$addr" ] &&
		ip -n $dev -4 -o addr show dev a0 | grep -q "valid_lft [0-9]*sec"
}
if wait_for 30 reserved_leased; then
	ok "ip addr in the device's namespace: the reserved address $addr, by DHCP"
else
	diag "$(ip -n $dev addr show dev a0)" "$(cat "$tmp/udhcpc.log")" "$(cat "$calls")"
	fail "ip addr in the device's namespace: the reserved address $addr, by DHCP"
fi
if [ "$(nsenter -t "$apid" -u hostname)" = tv-cloud ] && grep -q "^qos a0 video" "$calls" &&
	grep -q "^dhcp a0 start ipv4" "$calls"; then
	ok "the device applied the override's host name tv-cloud and the template's QoS video; its DHCP hook ran"
else
	diag "$(nsenter -t "$apid" -u hostname)" "$(cat "$calls")"
	fail "the device applied the override's host name tv-cloud and the template's QoS video; its DHCP hook ran"
fi

# The gateway: dnsmasq's reservation and lease, nftables.
if grep -qx "$mac,$ip4" "$hosts" && wait_for 10 grep -q " $mac $ip4 " "$tmp/leases"; then
	ok "dnsmasq: the reservation $mac,$ip4 in the daemon's hosts file, and the device's lease"
else
	diag "$(cat "$hosts")" "$(cat "$tmp/leases")"
	fail "dnsmasq: the reservation $mac,$ip4 in the daemon's hosts file, and the device's lease"
fi
nft_has() {
	ip netns exec $gw nft list table inet i62608 2>/dev/null | grep -q "$1"
}
if nft_has "iifname \"wan0\" tcp dport 8080 .*dnat ip to $ip4:80 comment \"$mac\"" &&
	nft_has "iifname \"v0\" ip saddr $ip4 .*ip dscp set af41 meta priority set 0:5"; then
	ok "nft list table inet i62608: the forward to $ip4:80, the template's video marking (af41)"
else
	diag "$(ip netns exec $gw nft list table inet i62608 2>&1)"
	fail "nft list table inet i62608: the forward to $ip4:80, the template's video marking (af41)"
fi
got=$(sql "SELECT group_concat(kind || ':' || state, ' ') FROM (SELECT kind, state FROM gw_rules WHERE mac = '$mac' ORDER BY kind)")
if [ "$got" = "forward:synced multicast:synced qos:synced reserve:synced" ]; then
	ok "the database: the device's gateway rules, every one synced"
else
	diag "$got"
	fail "the database: the device's gateway rules, every one synced"
fi

# The service server: the gateway and the device, each registration once.
op_json "$tmp/gw.json" GET "/v1/service/gateways/$gwid"
pycheck "the service server holds the gateway and the device once (2 registrations: the gateway's, the device's)" "$tmp/gw.json" "
devs = [x for x in d['device_list'] if x['mac'] == '$mac']
assert len(devs) == 1 and len(d['device_list']) == 1, d
assert devs[0]['type'] == 'stb' and devs[0]['vendor'] == 'Example', devs
assert devs[0]['model'] == 'STB-100' and devs[0]['serial'] == 'SN-0901', devs
assert d['vendor'] == 'Example' and d['model'] == 'HG-1', d
assert d['registrations'] == 2, d"
got=$(sql "SELECT count(*), group_concat(state) FROM cloud_outbox WHERE kind = 'register' AND body LIKE '%\"$mac\"%'")
if [ "$got" = "1|delivered" ]; then
	ok "the daemon's outbox: one registration of the device, delivered"
else
	fail "the daemon's outbox: one registration of the device, delivered ($got)"
fi
if [ -n "$(sql "SELECT registered FROM devices WHERE mac = '$mac' AND registered LIKE '%STB-100%'")" ] &&
	[ "$(sql "SELECT applied_generation = generation FROM cloud_override WHERE mac = '$mac'")" = 1 ] &&
	[ "$(sql "SELECT applied_generation = generation FROM cloud_template WHERE device_type = 'stb'")" = 1 ]; then
	ok "the database: what was registered, the override's and the template's generations applied"
else
	fail "the database: what was registered, the override's and the template's generations applied"
fi
# The quality report (every 15 s) may just have been queued: nothing
# waiting means once the worker has sent what it had.
cloud_idle() {
	cloud_json && $py -c 'import json, sys; assert json.load(open(sys.argv[1]))["pending"] == 0' \
		"$tmp/cloud.json" 2>/dev/null
}
wait_for 10 cloud_idle
pycheck "cloud status -j: configured, running, every role up, nothing waiting" "$tmp/cloud.json" "
assert d['configured'] is True and d['running'] is True and d['gateway_id'] == '$gwid', d
assert d['pending'] == 0 and d['rejected'] == 0 and d['delivered'] >= 2, d
r = {x['role']: x for x in d['roles']}
assert r['service']['link'] == 'up' and r['diagnosis']['link'] == 'up', r
assert r['failure']['link'] in ('never', 'up') and r['failure']['url'] == '$url', r"
if ctl cloud status | grep -qE "^  service +up +0 +0 +0 "; then
	ok "cloud status: the roles as a table"
else
	diag "$(ctl cloud status 2>&1)"
	fail "cloud status: the roles as a table"
fi

# ---- the diagnosis server ----------------------------------------------------------

diag_req() {
	op POST "/v1/diagnosis/gateways/$gwid/requests" "$1"
	$py -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$body"
}
r1=$(diag_req "{\"kind\":\"reachability\",\"mac\":\"$mac\"}")
r2=$(diag_req "{\"kind\":\"last_report\",\"mac\":\"$mac\"}")
r3=$(diag_req '{"kind":"config_reread"}')
answered() {
	op GET "/v1/diagnosis/gateways/$gwid/requests?state=done"
	[ "$($py -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))' <<<"$body")" = 3 ]
}
if [ -n "$r1" ] && [ -n "$r3" ] && wait_for 30 answered; then
	ok "three diagnosis requests fetched, run and answered"
else
	diag "$body" "$(grep diagnosis "$tmp/daemon.log" | tail -n 5)"
	fail "three diagnosis requests fetched, run and answered"
fi
printf '%s' "$body" >"$tmp/diag.json"
pycheck "diagnosis results: reachable (in the agent table, authenticated), its last REPORT, the configuration read again" "$tmp/diag.json" "
r = {x['id']: x for x in d['requests']}
a, b, c = r[$r1], r[$r2], r[$r3]
assert a['status'] == 'ok' and a['result']['reachable'] is True, a
assert a['result']['in_agent_table'] is True and a['result']['trust'] == 'authenticated', a
assert a['result']['ifname'] == 'v0', a
assert b['status'] == 'ok' and b['result']['report']['model'] == 'STB-100', b
i = b['result']['report']['interfaces'][0]
assert i['mac'] == '$mac' and '$addr' in i['addresses'], i
assert any(s['name'] == 'iptv' and s['state'] == 'enabled' for s in b['result']['report']['services']), b
assert c['status'] == 'ok' and c['result']['policy']['loaded'] is True, c
assert c['result']['resent'] == 1, c"
if wait_for 10 overridden && [ "$(sql "SELECT outcome FROM attempts WHERE mac = '$mac' ORDER BY id DESC LIMIT 1")" = acked ]; then
	ok "config_reread: the configuration sent again is acked, the device still in sync"
else
	diag "$(ctl device show $mac 2>&1)"
	fail "config_reread: the configuration sent again is acked, the device still in sync"
fi

# ---- quality ---------------------------------------------------------------------------

quality_in() {
	op GET "/v1/quality/gateways/$gwid/reports"
	printf '%s' "$body" >"$tmp/quality.json"
	$py -c "import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if any(x['report']['devices'][0]['mac'] == '$mac' and
                  x['report']['devices'][0]['qos'] == 'video' for x in d['reports']) else 1)" "$tmp/quality.json"
}
if wait_for 30 quality_in; then
	ok "a quality report reaches the quality check server (cloud_quality_period 15s)"
else
	diag "$body" "$(grep -i quality "$tmp/daemon.log" | tail -n 5)"
	fail "a quality report reaches the quality check server"
fi
pycheck "the quality report: the device's port (veth, 10 Gbit/s), under 1 % lost, QoS video; the gateway's marking and IGMP proxy on; verdict good" "$tmp/quality.json" "
x = [x for x in d['reports'] if x['report']['devices'][0]['mac'] == '$mac' and
     x['report']['devices'][0]['qos'] == 'video'][-1]
dv = x['report']['devices'][0]
assert dv['link_rate_kbps'] == 10000000 and dv['qos'] == 'video', dv
assert 0 <= dv['loss_percent'] < 1, dv
assert x['report']['gateway']['qos_enabled'] is True, x
assert x['report']['gateway']['igmp_proxy'] is True, x
assert x['verdict'] == 'good' and x['score'] == 100, x"
if wait_for 10 grep -q "cloud: quality verdict of report [0-9]*: good (score 100)" "$tmp/daemon.log"; then
	ok "the daemon logs the verdict"
else
	fail "the daemon logs the verdict"
fi

# ---- the template changed ------------------------------------------------------------------

op PUT /v1/service/templates/stb '{"config":{"qos":"voice","hostname":"stb-template"}}'
voice() {
	overridden && grep -q "^qos a0 voice" "$calls" &&
		nft_has "iifname \"v0\" ip saddr $ip4 .*ip dscp set ef meta priority set 0:6"
}
start=$SECONDS
if [ "$code" = 200 ] && wait_for 20 voice; then
	ok "the template changed to voice: the device decided again, configured, marked EF ($((SECONDS - start)) s)"
else
	diag "HTTP $code" "$(ctl device show $mac 2>&1)" "$(tail -n 3 "$calls")" \
		"$(ip netns exec $gw nft list table inet i62608 2>&1 | grep dscp)"
	fail "the template changed to voice: the device decided again, configured, marked EF"
fi
dev_json >"$tmp/dev2.json"
pycheck "device show -j: a new generation, the template's voice and still the override's host name" "$tmp/dev2.json" "
des = d['desired']
assert des['generation'] > $($py -c 'import json,sys; print(json.load(sys.stdin)["desired"]["generation"])' <"$tmp/dev1.json"), des
assert 'qos voice' in des['items'] and 'hostname tv-cloud' in des['items'], des
assert d['applied']['outcome'] == 'acked' and d['applied']['generation'] == des['generation'], d"
if [ "$(nsenter -t "$apid" -u hostname)" = tv-cloud ] &&
	grep -qE "info: template stb changed \(generation [0-9]+\): 1 device of the type decided again" "$tmp/daemon.log"; then
	ok "the device's host name stays the override's; the daemon logs the template's change"
else
	diag "$(nsenter -t "$apid" -u hostname)" "$(grep template "$tmp/daemon.log")"
	fail "the device's host name stays the override's; the daemon logs the template's change"
fi

# ---- failures while the servers are away ---------------------------------------------------

kill -TERM "$cpid"
wait "$cpid"
cpid=
sent_failures() {
	sql "SELECT count(*) FROM cloud_outbox WHERE kind = 'failure'"
}
[ "$(sent_failures)" = 0 ] || diag "failures before: $(sql "SELECT body FROM cloud_outbox WHERE kind = 'failure'")"

# A configuration the device does not answer (its agent stopped, for
# less than its TTL: short retransmissions), then, answered when it
# goes on, refuses.
ctl params set config_rto 100ms config_tries 2 || fail "params set config_rto config_tries"
kill -STOP "$apid"
write_policy off
kill -HUP "$dpid"
timed_out() {
	[ "$(sql "SELECT count(*) FROM attempts WHERE mac = '$mac' AND outcome = 'timeout'")" = 1 ]
}
if wait_for 20 timed_out; then
	ok "SIGHUP, iptv off, the agent stopped: the configuration times out"
else
	diag "$(sql "SELECT outcome FROM attempts WHERE mac = '$mac'")" "$(tail -n 20 "$tmp/daemon.log")"
	fail "SIGHUP, iptv off, the agent stopped: the configuration times out"
fi
kill -CONT "$apid"
refused() {
	dev_json | grep -q '"status":"refused"'
}
if wait_for 60 refused; then
	ok "the agent goes on: the configuration is sent again, and refused"
else
	diag "$(ctl device show $mac 2>&1)" "$(tail -n 20 "$tmp/daemon.log")"
	fail "the agent goes on: the configuration is sent again, and refused"
fi
# A device that stops answering: no BYE, its TTL runs out.
kill -9 "$apid"
wait "$apid" 2>/dev/null
lost() {
	dev_json | grep -q '"present":false'
}
if wait_for 30 lost; then
	ok "the agent killed: the device is lost when its TTL runs out"
else
	diag "$(ctl agent list 2>&1)"
	fail "the agent killed: the device is lost when its TTL runs out"
fi
got=$(sql "SELECT group_concat(json_extract(body, '$.kind'), ' ') FROM (SELECT body FROM cloud_outbox WHERE kind = 'failure' AND state = 'pending' ORDER BY id)")
if [ "$got" = "config_timeout config_refused device_lost" ]; then
	ok "the failures wait in the outbox: config_timeout, config_refused, device_lost"
else
	diag "$(sql "SELECT id, state, body FROM cloud_outbox WHERE kind = 'failure'")"
	fail "the failures wait in the outbox: config_timeout, config_refused, device_lost (got '$got')"
fi
cloud_json
pycheck "cloud status -j: the failure role down, its messages waiting, the error said" "$tmp/cloud.json" "
r = {x['role']: x for x in d['roles']}
assert d['link'] == 'down' and d['pending'] >= 3, d
assert r['failure']['link'] == 'down' and r['failure']['pending'] == 3, r
assert r['failure']['last_error'] != '' and isinstance(r['failure']['last_error_ms'], int), r"

# The daemon dies meanwhile: the outbox is in its database.
kill -KILL "$dpid"
wait "$dpid" 2>/dev/null
start_daemon || fail "i62608d starts again after SIGKILL"
start_cloudd || fail "i62608-cloudd starts again"
delivered() {
	[ "$(sql "SELECT count(*) FROM cloud_outbox WHERE kind = 'failure' AND state = 'delivered'")" = 3 ]
}
start=$SECONDS
if wait_for 30 delivered; then
	ok "the servers are back: the failures are delivered ($((SECONDS - start)) s)"
else
	diag "$(ctl cloud status 2>&1)"
	fail "the servers are back: the failures are delivered"
fi
sql "SELECT message_id FROM cloud_outbox WHERE kind = 'failure' ORDER BY message_id" >"$tmp/ids"
op_json "$tmp/failures.json" GET "/v1/failure/failures?gateway=$gwid&limit=1000"
pycheck "the failure server holds each failure exactly once, with what happened" "$tmp/failures.json" "
f = d['failures']
ids = [l.strip() for l in open('$tmp/ids')]
assert sorted(x['message_id'] for x in f) == ids, (f, ids)
kinds = sorted(x['kind'] for x in f)
assert kinds == ['config_refused', 'config_timeout', 'device_lost'], kinds
r = [x['report'] for x in f if x['kind'] == 'config_refused'][0]
assert r['mac'] == '$mac' and {'item': 'service iptv off', 'reason': 'failed'} in r['items'], r
t = [x['report'] for x in f if x['kind'] == 'config_timeout'][0]
assert t['mac'] == '$mac' and {'item': 'service iptv off'} in t['items'], t
assert 'no answer after 2 tries' in t['detail'] and t['request_id'] != r['request_id'], (t, r)
l = [x['report'] for x in f if x['kind'] == 'device_lost'][0]
assert l['mac'] == '$mac' and 'TTL' in l['detail'] and 'v0' in l['detail'], l"
op_json "$tmp/gw2.json" GET "/v1/service/gateways/$gwid"
pycheck "after the restarts: still two registrations, the device once" "$tmp/gw2.json" "
assert d['registrations'] == 2 and len(d['device_list']) == 1, d"

kill -TERM "$dpid"
if wait "$dpid"; then
	ok "i62608d exits with status 0"
else
	fail "i62608d exits with status 0"
fi
if ! grep -qE '^<[0-3]>' "$tmp/daemon.log"; then
	ok "no error in the daemon's log"
else
	diag "$(grep -E '^<[0-3]>' "$tmp/daemon.log")"
	fail "no error in the daemon's log"
fi
tap_end
