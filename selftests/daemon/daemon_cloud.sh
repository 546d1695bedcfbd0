#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# i62608d's cloud client natively, without the kernel module: the daemon
# (ASan/UBSan) with a policy naming the four roles of i62608-cloudd, in a
# network namespace. The gateway registers once, and again when its
# identity changes; a gateway rule that fails is reported once, also when
# the server is away and the daemon killed meanwhile; a quality report of
# a device behind a bridge (its port found in the bridge's forwarding
# database; a device on a port without a speed left out); the diagnosis
# requests a daemon without the module can and cannot run; the service
# server's template of a device type under a device's override, field by
# field, and a template changed; the worker's messages in the daemon's log
# with their level; `cloud status`; settings removed on SIGHUP stop the
# client.
#
#   +--- ns "dcgw" ------------------------------------------+   +- ns "dccl" -----------+
#   | i62608d (no module): devices seeded in its database    |   | c0 02:62:60:00:0a:01  |
#   |   br0 192.168.10.1/24, port p0 <------- veth ----------+---+-> 192.168.10.50/24    |
#   |   down0 (a veth down: no speed), wan0 (veth, 10 Gbit/s) |   +-----------------------+
#   |   dhcp-hosts without a dnsmasq: the reservations fail  |
#   | i62608-cloudd 127.0.0.1:8443 (mTLS, the test CA)       |
#   +--------------------------------------------------------+
#
# shellcheck source=../i62608/lib.sh
. "$(dirname "$0")/../i62608/lib.sh"
tap_begin

daemon=${DAEMON_ASAN:-$top/build/selftests/daemon/i62608d}
ctlbin=$I62608_BIN/i62608ctl
cloudd=$I62608_BIN/i62608-cloudd
py=/usr/bin/python3
for b in "$daemon" "$ctlbin" "$cloudd"; do
	[ -x "$b" ] || { echo "Bail out! missing $b (make daemon-tests builds it)"; exit 1; }
done
for c in sqlite3 curl openssl nft; do
	command -v $c >/dev/null || { echo "Bail out! $c is missing"; exit 1; }
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}

tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
export I62608D_SOCKET=$tmp/i62608d.sock
db=$tmp/i62608d.db
gw=dcgw-$$
cl=dccl-$$
gwid="gw-test-1"
url=https://127.0.0.1:8443
d1=02:62:60:00:0a:01
d2=02:62:60:00:0a:02
d3=02:62:60:00:0a:03
# Two NAS no rule matches: the template of their type manages them.
n4=02:62:60:00:0b:04
n5=02:62:60:00:0b:05
if ! ns_new "$gw" || ! ns_new "$cl"; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
ip -n "$gw" link add br0 type bridge
ip -n "$gw" link add p0 type veth peer name c0 netns "$cl"
ip -n "$gw" link set p0 master br0
ip -n "$cl" link set c0 address $d1
ip -n "$gw" addr add 192.168.10.1/24 dev br0
ip -n "$cl" addr add 192.168.10.50/24 dev c0
# A port that is down has no speed.
ip -n "$gw" link add down0 type veth peer name down1
ip -n "$gw" link add wan0 type veth peer name wan1
for i in br0 p0 wan0 wan1; do ip -n "$gw" link set $i up; done
ip -n "$cl" link set c0 up

ctl() { ip netns exec "$gw" "$ctlbin" "$@"; }
sql() { sqlite3 -batch -noheader "file:$db?mode=ro" "$1" 2>&1; }

# ---- the servers ------------------------------------------------------------------

certs=$tmp/certs
"$top/scripts/cloud-certs.sh" --gateway $gwid "$certs" >/dev/null ||
	{ echo "Bail out! scripts/cloud-certs.sh failed"; exit 1; }
cpid=
start_cloudd() {
	ip netns exec "$gw" "$cloudd" --foreground --listen 127.0.0.1:8443 \
		--db "$tmp/cloudd.db" --cert "$certs/server.crt" --key "$certs/server.key" \
		--client-ca "$certs/ca.crt" >>"$tmp/cloudd.log" 2>&1 &
	cpid=$!
	wait_for 10 grep -q "pid $cpid listening on port 8443" "$tmp/cloudd.log"
}
# shellcheck disable=SC2016 # $cpid as it is at exit
at_exit 'kill $cpid'
start_cloudd || { echo "Bail out! i62608-cloudd does not start"; exit 1; }

# op METHOD PATH [BODY] - as the operator; $code, and the answer in $tmp/op.json.
op() {
	local args=(-sS --max-time 10 --cacert "$certs/ca.crt" --cert "$certs/operator.crt"
		--key "$certs/operator.key" -X "$1" -o "$tmp/op.json" -w '%{http_code}')
	[ -n "${3-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	[ "$1" = POST ] && args+=(-H "Idempotency-Key: dc-$RANDOM$RANDOM$RANDOM")
	code=$(ip netns exec "$gw" curl "${args[@]}" "$url$2" 2>/dev/null) || code=000
}

# ---- the daemon ---------------------------------------------------------------------

policy=$tmp/policy.conf
# write_policy FIRMWARE [nocloud]
write_policy() {
	cat >"$policy" <<EOP
lan 192.168.10.0/24
wan wan0
lan-interface br0
dhcp-hosts $tmp/dhcp-hosts pid $tmp/no-dnsmasq.pid
pool media 192.168.10.100 192.168.10.149
identity vendor Example model HG-1 firmware $1
EOP
	[ "${2-}" = nocloud ] || cat >>"$policy" <<EOP
cloud_gateway_id $gwid
cloud_service_url $url
cloud_quality_url $url
cloud_failure_url $url
cloud_diagnosis_url $url
cloud_cert $certs/gateway.crt
cloud_key $certs/gateway.key
cloud_ca $certs/ca.crt
cloud_poll_period 300ms
cloud_quality_period 2s
cloud_backoff_min 100ms
cloud_backoff_max 500ms
EOP
	cat >>"$policy" <<EOP
rule boxes
	match mac 02:62:60:00:0a:00/40
	address reserve media
	qos video
EOP
}
write_policy 1.0

dpid=
start_daemon() {
	ip netns exec "$gw" "$daemon" --foreground --db "$db" --policy "$policy" \
		--socket "$I62608D_SOCKET" --log-level debug 2>>"$tmp/daemon.log" &
	dpid=$!
	wait_for 10 ctl daemon status
}
# shellcheck disable=SC2016 # $dpid as it is at exit
at_exit 'kill -9 $dpid'

# seed MAC IFNAME [TYPE] - a device as a daemon that heard it would have
# it (with TYPE, as the module says it reported: without the REPORT).
seed() {
	local rid=NULL type=NULL
	[ -n "${3-}" ] && rid=1 type=$3
	sqlite3 -cmd ".timeout 5000" "$db" "INSERT INTO devices (mac, present, ifindex,
		ifname, trust, epoch, report_id, device_type, caps, vendor, model, name,
		first_seen, last_seen) VALUES ('$1', 1, 0, '$2', 3, 1, $rid, $type, 0,
		'Example', 'STB-100', '', 1, 1)"
}
# The database first (the daemon creates it), then the devices.
start_daemon || { echo "Bail out! i62608d does not start: $(tail -n 5 "$tmp/daemon.log")"; exit 1; }
kill -TERM "$dpid"
wait "$dpid"
seed $d1 br0
seed $d2 down0
seed $n4 down0 4
seed $n5 down0 4
start_daemon || { echo "Bail out! i62608d does not start again"; exit 1; }

gateway() {
	op GET "/v1/service/gateways/$gwid"
	[ "$code" = 200 ]
}
if wait_for 10 gateway; then
	ok "the gateway registers at the service server"
else
	diag "HTTP $code" "$(tail -n 20 "$tmp/daemon.log")"
	fail "the gateway registers at the service server"
fi
pycheck "... once, with its identity; devices without a REPORT are not registered" "$tmp/op.json" "
assert d['registrations'] == 1 and d['vendor'] == 'Example' and d['firmware'] == '1.0', d
assert d['device_list'] == [], d"
if wait_for 10 grep -qE '^<7>debug: cloud: service: register message [0-9]+ delivered \(HTTP 200\)$' \
	"$tmp/daemon.log"; then
	ok "the worker's messages reach the daemon's log with their level (debug: delivered)"
else
	diag "$(grep -i cloud "$tmp/daemon.log" | tail -n 10)"
	fail "the worker's messages reach the daemon's log with their level (debug: delivered)"
fi

# ---- gateway rules that fail ------------------------------------------------------------

failures() {
	op GET "/v1/failure/failures?gateway=$gwid&kind=gateway_rule&limit=1000"
	$py -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["failures"]))' "$tmp/op.json"
}
two_failures() {
	[ "$(failures)" = 2 ]
}
if wait_for 10 two_failures; then
	ok "the reservations without a dnsmasq fail: two gateway_rule failures reported"
else
	diag "$(cat "$tmp/op.json")" "$(sql "SELECT mac, state, error FROM gw_rules")"
	fail "the reservations without a dnsmasq fail: two gateway_rule failures reported"
fi
pycheck "... each with its rule, device and the backend's reason" "$tmp/op.json" "
f = sorted(d['failures'], key=lambda x: x['mac'])
assert [x['mac'] for x in f] == ['$d1', '$d2'], f
r = f[0]['report']
assert r['rule'].startswith('reserve $d1 192.168.10.1'), r
assert 'no-dnsmasq.pid does not exist' in r['detail'], r"
kill -HUP "$dpid"
sleep 1
if [ "$(failures)" = 2 ] && [ "$(sql "SELECT count(*) FROM cloud_outbox WHERE kind = 'failure'")" = 2 ]; then
	ok "SIGHUP: the rules fail again, but are not reported again"
else
	fail "SIGHUP: the rules fail again, but are not reported again"
fi

# ---- quality --------------------------------------------------------------------------------

# The bridge learns the device's MAC on p0.
ip netns exec "$cl" ping -c 2 -W 1 192.168.10.1 >/dev/null 2>&1
quality() {
	op GET "/v1/quality/gateways/$gwid/reports"
	$py -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["reports"] else 1)' "$tmp/op.json"
}
if wait_for 10 quality; then
	ok "quality reports reach the quality check server (cloud_quality_period 2s)"
else
	diag "$(grep -i quality "$tmp/daemon.log" | tail -n 5)"
	fail "quality reports reach the quality check server"
fi
pycheck "the report: the device behind br0 on its port p0 (veth, 10 Gbit/s); the one on a port without speed left out" "$tmp/op.json" "
r = d['reports'][-1]['report']
assert [x['mac'] for x in r['devices']] == ['$d1'], r
x = r['devices'][0]
assert x['link_rate_kbps'] == 10000000 and x['qos'] == 'best-effort', x
assert 0 <= x['loss_percent'] < 1, x
assert r['gateway']['qos_enabled'] is True and r['gateway']['igmp_proxy'] is False, r
assert r['gateway']['wan_rate_kbps'] == 10000000, r
assert d['reports'][-1]['verdict'] == 'good', d"
two_reports() {
	op GET "/v1/quality/gateways/$gwid/reports"
	$py -c 'import json,sys; sys.exit(0 if len(json.load(open(sys.argv[1]))["reports"]) >= 2 else 1)' "$tmp/op.json"
}
wait_for 10 two_reports
pycheck "the next report measures since the previous one: rates" "$tmp/op.json" "
x = d['reports'][-1]['report']['devices'][0]
assert isinstance(x['rx_kbps'], int) and isinstance(x['tx_kbps'], int), x"

# ---- diagnosis ---------------------------------------------------------------------------------

ids=()
for b in "{\"kind\":\"reachability\",\"mac\":\"$d1\"}" "{\"kind\":\"last_report\",\"mac\":\"$d1\"}" \
	"{\"kind\":\"last_report\",\"mac\":\"02:62:60:00:0b:99\"}" '{"kind":"config_reread"}'; do
	op POST "/v1/diagnosis/gateways/$gwid/requests" "$b"
	ids+=("$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$tmp/op.json")")
done
answered() {
	op GET "/v1/diagnosis/gateways/$gwid/requests?state=done"
	[ "$($py -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["requests"]))' "$tmp/op.json")" = 4 ]
}
if wait_for 10 answered; then
	ok "four diagnosis requests fetched, run and answered"
else
	diag "$(cat "$tmp/op.json")"
	fail "four diagnosis requests fetched, run and answered"
fi
pycheck "without the module: reachability and config_reread fail saying why; last_report needs a REPORT" "$tmp/op.json" "
r = {x['id']: x for x in d['requests']}
a, b, c, e = (r[i] for i in (${ids[0]}, ${ids[1]}, ${ids[2]}, ${ids[3]}))
assert a['status'] == 'failed' and 'module does not answer' in a['message'], a
assert b['status'] == 'failed' and b['message'] == 'the device has sent no REPORT', b
assert c['status'] == 'failed' and 'never seen' in c['message'], c
assert e['status'] == 'failed' and e['result']['policy']['loaded'] is True, e
assert e['result']['kernel_connected'] is False, e"

# ---- a template under an override ----------------------------------------------------------------

# items MAC - the desired items of the device, one a line (none: unmanaged).
items() {
	local j
	j=$(ctl -j device show "$1") || return 1
	$py -c 'import json, sys
d = json.loads(sys.argv[1]).get("desired") or {}
print("\n".join(d.get("items") or []))' "$j"
}
has_items() {
	local mac=$1 i got
	shift
	got=$(items "$mac") || return 1
	for i; do grep -qx "$i" <<<"$got" || return 1; done
}
op PUT /v1/service/templates/nas '{"config":{"dhcp":true,"hostname":"nas-t","settings":{"mode":"eco"}}}'
op PUT "/v1/service/gateways/$gwid/overrides/$n4" '{"config":{"hostname":"nas-4"}}'
if wait_for 10 has_items $n4 "dhcp on" "hostname nas-4" "setting mode=eco" &&
	wait_for 5 has_items $n5 "dhcp on" "hostname nas-t" "setting mode=eco"; then
	ok "the template of type nas manages two NAS no rule matches; one's override wins where it speaks"
else
	diag "$(items $n4)" "--" "$(items $n5)" "$(grep -iE 'template|override' "$tmp/daemon.log" | tail -n 5)"
	fail "the template of type nas manages two NAS no rule matches; one's override wins where it speaks"
fi
gen4=$(ctl -j device show $n4 | $py -c 'import json,sys; print(json.load(sys.stdin)["desired"]["generation"])')
op PUT /v1/service/templates/nas '{"config":{"dhcp":true,"settings":{"mode":"max"}}}'
if wait_for 10 has_items $n4 "dhcp on" "hostname nas-4" "setting mode=max" &&
	wait_for 5 has_items $n5 "dhcp on" "setting mode=max" && ! items $n5 | grep -q '^hostname'; then
	ok "the template changed: both decided again, the override's host name kept"
else
	diag "$(items $n4)" "--" "$(items $n5)"
	fail "the template changed: both decided again, the override's host name kept"
fi
ctl -j device show $n4 >"$tmp/n4.json"
pycheck "... a new generation of the desired configuration, overridden" "$tmp/n4.json" "
des = d['desired']
assert des['generation'] == $gen4 + 1 and des['overridden'] is True, des"
if [ "$(sql "SELECT group_concat(device_type || ':' || (generation = applied_generation)) FROM cloud_template")" = nas:1 ] &&
	grep -qE '^<6>info: template nas changed \(generation [0-9]+\): 2 devices of the type decided again$' "$tmp/daemon.log"; then
	ok "the template's generation applied, and logged"
else
	diag "$(sql "SELECT * FROM cloud_template")" "$(grep template "$tmp/daemon.log")"
	fail "the template's generation applied, and logged"
fi
op DELETE /v1/service/templates/nas
unmanaged() {
	local got
	got=$(items $n5) && [ -z "$got" ] && got=$(items $n4) && [ "$got" = "hostname nas-4" ]
}
if wait_for 10 unmanaged; then
	ok "the template deleted: the NAS without an override is unmanaged again, the other keeps its override alone"
else
	diag "$(items $n4)" "--" "$(items $n5)"
	fail "the template deleted: the NAS without an override is unmanaged again, the other keeps its override alone"
fi

# ---- the servers away, the daemon killed: nothing lost, nothing twice -------------------------------

kill -TERM "$cpid"
wait "$cpid"
cpid=
kill -KILL "$dpid"
wait "$dpid" 2>/dev/null
seed $d3 down0
start_daemon || fail "i62608d starts again after SIGKILL"
waiting() {
	ctl -j cloud status >"$tmp/cloud.json" &&
		$py -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = {x["role"]: x for x in d["roles"]}
sys.exit(0 if r["failure"]["pending"] == 1 and r["failure"]["link"] == "down" else 1)' "$tmp/cloud.json"
}
if wait_for 10 waiting; then
	ok "a new device's failing rule while the servers are away: its failure waits, the link is down"
	if grep -qE "^<4>warning: cloud: failure: $url/v1/failure/.*|^<4>warning: cloud: failure: .*(connect|refused)" \
		"$tmp/daemon.log"; then
		ok "the worker's messages reach the daemon's log with their level (warning: the server away)"
	else
		diag "$(grep -i cloud "$tmp/daemon.log" | tail -n 10)"
		fail "the worker's messages reach the daemon's log with their level (warning: the server away)"
	fi
else
	diag "$(cat "$tmp/cloud.json")"
	fail "a new device's failing rule while the servers are away: its failure waits, the link is down"
fi
if ctl cloud status >"$tmp/cloud.txt" && grep -qE '^link: down$' "$tmp/cloud.txt" &&
	grep -qE '^  failure +down +1 +0 +[1-9]' "$tmp/cloud.txt" &&
	grep -q '^failure_error: ' "$tmp/cloud.txt"; then
	ok "cloud status: the failure role down, one message waiting, its error"
else
	diag "$(cat "$tmp/cloud.txt")"
	fail "cloud status: the failure role down, one message waiting, its error"
fi
start_cloudd || fail "i62608-cloudd starts again"
three_failures() {
	[ "$(failures)" = 3 ]
}
if wait_for 10 three_failures; then
	ok "the servers are back: the third failure arrives"
else
	fail "the servers are back: the third failure arrives"
fi
if grep -qE '^<6>info: cloud: failure: the server answers again$' "$tmp/daemon.log" &&
	! grep -q '^i62608d: cloud: ' "$tmp/daemon.log"; then
	ok "... logged (info); no message of the worker bypasses the daemon's log"
else
	diag "$(grep -i cloud "$tmp/daemon.log" | tail -n 10)"
	fail "... logged (info); no message of the worker bypasses the daemon's log"
fi
sql "SELECT message_id FROM cloud_outbox WHERE kind = 'failure' ORDER BY message_id" >"$tmp/ids"
pycheck "the failure server holds each of the outbox's failures exactly once" "$tmp/op.json" "
ids = [l.strip() for l in open('$tmp/ids')]
assert sorted(x['message_id'] for x in d['failures']) == ids, (d, ids)
assert sorted(x['mac'] for x in d['failures']) == ['$d1', '$d2', '$d3'], d"
gateway
pycheck "after the restart: still one registration" "$tmp/op.json" "
assert d['registrations'] == 1, d"

# ---- settings changed and removed on SIGHUP ---------------------------------------------------------

write_policy 1.1
kill -HUP "$dpid"
reregistered() {
	gateway && $py -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["firmware"] == "1.1" else 1)' "$tmp/op.json"
}
if wait_for 10 reregistered; then
	ok "SIGHUP with a new identity: the gateway registers again"
else
	fail "SIGHUP with a new identity: the gateway registers again"
fi
pycheck "... a second registration" "$tmp/op.json" "
assert d['registrations'] == 2, d"
write_policy 1.1 nocloud
kill -HUP "$dpid"
stopped() {
	ctl -j cloud status >"$tmp/cloud.json" && grep -q '"running":false' "$tmp/cloud.json"
}
if wait_for 10 stopped && ctl cloud status | grep -q '^configured: no$'; then
	ok "SIGHUP without cloud settings: the client stops"
else
	diag "$(ctl cloud status 2>&1)"
	fail "SIGHUP without cloud settings: the client stops"
fi
write_policy 1.0
sed 's|^cloud_cert .*|cloud_cert /nonexistent|' "$policy" >"$tmp/bad.conf"
check_err "--check: a policy whose cloud_cert cannot be read is refused" 2 \
	"bad.conf: cloud_cert /nonexistent: No such file or directory" \
	"$daemon" --check --policy "$tmp/bad.conf"

kill -TERM "$dpid"
if wait "$dpid"; then
	ok "i62608d exits with status 0"
else
	fail "i62608d exits with status 0"
fi
sanitizer_clean "the daemon" "$tmp/daemon.log"
if ! grep -qE '^<[0-3]>' "$tmp/daemon.log"; then
	ok "no error in the daemon's log"
else
	diag "$(grep -E '^<[0-3]>' "$tmp/daemon.log")"
	fail "no error in the daemon's log"
fi
tap_end
