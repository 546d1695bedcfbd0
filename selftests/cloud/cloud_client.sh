#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The cloud client (userspace/cloud, ASan/UBSan) against i62608-cloudd on
# loopback, through cloud_driver playing the daemon: an outage with every
# report delivered exactly once, lost answers replayed, certificates of the
# wrong CA refused both ways, an override and a template from the
# registration applied, changed and deleted by polling, a diagnosis
# request fetched, run and answered, a quality verdict, a message the
# server refuses for good, answers with a key twice not used (a stand-in
# server in python).
#
#   cloud_driver ($tmp/gw.db: outbox, overrides, diagnosis, verdict)
#     --- mTLS ---> i62608-cloudd ($tmp/srv.db) <--- curl (operator)
#
# shellcheck source=../i62608/lib.sh
. "$(dirname "$0")/../i62608/lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

port=$(free_port)
url=https://127.0.0.1:$port
db=$tmp/gw.db
mac=02:62:60:00:00:b1

# settings [CERT] - the driver's cloud settings (the gateway's certificate
# by default).
settings() {
	local who=${1:-gateway} r
	echo --set gateway_id=$gw
	for r in service quality failure diagnosis; do
		echo --set "${r}_url=$url"
	done
	echo --set "cert=$certs/$who.crt" --set "key=$certs/$who.key"
	echo --set "ca=$certs/ca.crt" --set backoff_min=100ms --set backoff_max=400ms
	echo --set poll_period=300ms --set connect_timeout=2s --set timeout=5s
}

# drive [CERT] ARGS... - cloud_driver run; its JSON in $out (whose "met"
# says whether the condition came true).
drive() {
	local who=gateway
	if [ -f "$certs/${1:-}.crt" ]; then
		who=$1
		shift
	fi
	# shellcheck disable=SC2046
	out=$("$DRIVER" "$db" run $(settings "$who") "$@" 2>>"$tmp/driver.log") || true
}

# failures_on_server - the details of the failures the server holds, sorted.
failures_on_server() {
	req operator GET "/v1/failure/failures?gateway=$gw&kind=device_lost&limit=1000"
	jq '"\n".join(sorted(f["report"]["detail"] for f in d["failures"]))'
}

check "the driver creates the cloud tables" "$DRIVER" "$db" init

# ---- outage: nothing lost, nothing twice -----------------------------------------

fail_tmpl="{\"kind\":\"device_lost\",\"occurred_at_ms\":1700000000000,\"mac\":\"$mac\",\"detail\":\"outage-@N@\"}"
check "10 failures enqueued in one transaction while no server runs" \
	"$DRIVER" "$db" enqueue failure "$fail_tmpl" 10
drive --until error --timeout 10
expect_eq "the server is down: link down, 10 waiting" \
	"$(jq '[d["status"]["link"], d["status"]["pending"], d["status"]["delivered"]]' "$out")" \
	'["down", 10, 0]'
expect_match "the last error says why" "$(jq 'd["status"]["last_error"]' "$out")" \
	"cannot connect"
start_server srv "$port"
pid=$srv_pid
drive --until delivered --timeout 20
expect_eq "the server is back: all 10 delivered, link up" \
	"$(jq '[d["met"], d["status"]["link"], d["status"]["pending"], d["status"]["delivered"]]' "$out")" \
	'[true, "up", 0, 10]'
expect_eq "the server holds each report exactly once" "$(failures_on_server)" \
	"$(printf 'outage-%s\n' 1 10 2 3 4 5 6 7 8 9)"

# The server recorded a message whose answer the gateway never got: the
# row goes back to pending (as after a crash before the commit) and is
# sent again with the same message id.
/usr/bin/python3 - "$db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE cloud_outbox SET state = 'pending', delivered_ms = NULL"
          " WHERE id IN (SELECT id FROM cloud_outbox WHERE kind = 'failure' ORDER BY id LIMIT 3)")
c.commit()
EOF
drive --until delivered --timeout 20
expect_eq "answers lost: sent again, still delivered" "$(jq 'd["status"]["pending"]' "$out")" 0
expect_eq "... and still recorded once (the server replays its answer)" \
	"$(failures_on_server | wc -l)" 10
expect_match "the server logs the replays" "$(cat "$tmp/srv.log")" "failures -> 201 replayed"

# The server killed while a burst is being delivered, then back.
check "30 more failures enqueued" "$DRIVER" "$db" enqueue failure "${fail_tmpl/outage-/burst-}" 30
drive --until delivered --timeout 0.3
kill -KILL "$pid"
wait "$pid" 2>/dev/null
drive --until error --timeout 5
start_server srv "$port"
pid=$srv_pid
drive --until delivered --timeout 20
n=$(failures_on_server | grep -c '^burst-')
dups=$(failures_on_server | sort | uniq -d)
if [ "$n" = 30 ] && [ -z "$dups" ] && [ "$(jq 'd["status"]["pending"]' "$out")" = 0 ]; then
	ok "server killed mid-burst and restarted: 30 of 30 once"
else
	diag "burst reports on the server: $n, duplicates: $dups" "$out"
	fail "server killed mid-burst and restarted: 30 of 30 once"
fi

# ---- certificates -------------------------------------------------------------------

check "a failure enqueued" "$DRIVER" "$db" enqueue failure "${fail_tmpl/outage-@N@/wrong-ca}"
stop_server "$pid" >/dev/null
SERVER_CERT=$certs/wrong-server.crt SERVER_KEY=$certs/wrong-server.key start_server wrong "$port"
wpid=$srv_pid
drive --until error --timeout 10
expect_eq "a server certificate of another CA: nothing delivered" \
	"$(jq '[d["status"]["pending"], d["status"]["link"]]' "$out")" '[1, "down"]'
expect_match "... the last error says the certificate is not trusted" \
	"$(jq 'd["status"]["last_error"]' "$out")" "not trusted"
stop_server "$wpid" >/dev/null
start_server srv "$port"
pid=$srv_pid
drive wrong-gateway --until error --timeout 10
expect_eq "our certificate of another CA: refused, nothing delivered" \
	"$(jq '[d["status"]["pending"], d["status"]["link"]]' "$out")" '[1, "down"]'
expect_match "... the last error says the connection was refused" \
	"$(jq 'd["status"]["last_error"]' "$out")" "certificate refused"
drive --until delivered --timeout 20
expect_eq "the right certificates: delivered" "$(failures_on_server | grep -c '^wrong-ca$')" 1

# ---- an override and a template at registration ----------------------------------------

req operator PUT "/v1/service/gateways/$gw/overrides/$mac" \
	'{"config":{"ipv4":"192.168.1.57/24","hostname":"tv-livingroom"}}'
req operator PUT /v1/service/templates/tv '{"config":{"qos":"video","hostname":"tv"}}'
check "a registration enqueued" "$DRIVER" "$db" enqueue register \
	"{\"gateway\":{\"vendor\":\"Example\",\"model\":\"HG-1\"},\"devices\":[{\"mac\":\"${mac^^}\",\"type\":\"tv\"}]}"
drive --until override --timeout 20
expect_eq "the registration's answer carries the override: event and table" \
	"$(jq '[d["met"], "override" in d["events"], [(o["mac"], json.loads(o["config"])["hostname"]) for o in d["overrides"]]]' "$out")" \
	"[true, true, [[\"$mac\", \"tv-livingroom\"]]]"
expect_eq "... and the template of its type, to apply" \
	"$(jq '[(t["device_type"], json.loads(t["config"])["qos"], t["generation"] > 0) for t in d["templates"]]' "$out")" \
	'[["tv", "video", true]]'
tgen=$(jq 'd["templates"][0]["generation"]' "$out")
req operator PUT "/v1/service/gateways/$gw/overrides/$mac" '{"config":{"hostname":"tv-2"}}'
drive --until override --timeout 20
expect_eq "an override changed later arrives by polling; the template, applied, does not come again" \
	"$(jq '[[json.loads(o["config"]) for o in d["overrides"]], d["templates"]]' "$out")" \
	'[[{"hostname": "tv-2"}], []]'
req operator PUT /v1/service/templates/tv '{"config":{"qos":"voice"}}'
drive --until override --timeout 20
expect_eq "a template changed later arrives by polling, a newer generation to apply" \
	"$(jq "[(json.loads(t['config']), t['generation'] > $tgen) for t in d['templates']] + d['overrides']" "$out")" \
	'[[{"qos": "voice"}, true]]'
req operator DELETE "/v1/service/gateways/$gw/overrides/$mac"
req operator DELETE /v1/service/templates/tv
drive --until override --timeout 20
expect_eq "a deleted override and template arrive as removals to apply" \
	"$(jq '[[(o["mac"], o["config"]) for o in d["overrides"]], [(t["device_type"], t["config"]) for t in d["templates"]]]' "$out")" \
	"[[[\"$mac\", null]], [[\"tv\", null]]]"
expect_eq "... applied, they are gone from the tables" \
	"$(/usr/bin/python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print([c.execute("SELECT count(*) FROM " + t).fetchone()[0] for t in ("cloud_override", "cloud_template")])' "$db")" \
	'[0, 0]'

# ---- diagnosis -------------------------------------------------------------------------

req operator POST "/v1/diagnosis/gateways/$gw/requests" "{\"kind\":\"reachability\",\"mac\":\"$mac\"}"
did=$(jq 'd["id"]')
drive --answer --until answered --timeout 20
expect_eq "a diagnosis request is fetched, run and answered" "$(jq '[d["met"], "diagnosis" in d["events"]]' "$out")" \
	'[true, true]'
req operator GET "/v1/diagnosis/gateways/$gw/requests/$did"
expect_eq "the server holds the result" \
	"$(jq '[d["state"], d["status"], d["result"]["by"], d["result"]["reachable"]]')" \
	'["done", "ok", "cloud_driver", true]'

# ---- quality ----------------------------------------------------------------------------

check "a quality report enqueued" "$DRIVER" "$db" enqueue quality \
	"{\"measured_at_ms\":1700000000000,\"devices\":[{\"mac\":\"$mac\",\"link_rate_kbps\":100000,\"loss_percent\":7,\"qos\":\"video\"}]}"
drive --until verdict --timeout 20
expect_eq "the verdict is stored for the daemon" "$(jq '[d["verdict"]["verdict"], d["verdict"]["score"]]' "$out")" \
	'["poor", 60]'
start=$SECONDS
drive --set quality_period=500ms --until quality_due --timeout 5
expect_eq "CLOUD_EV_QUALITY_DUE fires after quality_period" \
	"$(jq '[d["met"], "quality_due" in d["events"]]' "$out")" '[true, true]'
diag "quality_due after $((SECONDS - start)) s"

# ---- refused messages ----------------------------------------------------------------------

check_err "a body the server would refuse is refused at enqueue, with the reason" 1 \
	"failure message: mac: '02:62:60:00:00:zz' is not a MAC address" \
	"$DRIVER" "$db" enqueue failure "{\"kind\":\"device_lost\",\"occurred_at_ms\":1,\"mac\":\"02:62:60:00:00:zz\"}"
stop_server "$pid" >/dev/null
start_server srv "$port" --max-backup 1024
pid=$srv_pid
data=$(head -c 2000 /dev/urandom | base64 -w0)
sum=$(base64 -d <<<"$data" | sha256sum | cut -d' ' -f1)
check "a backup over the server's --max-backup enqueued" "$DRIVER" "$db" enqueue backup \
	"{\"taken_at_ms\":1,\"format\":\"sqlite3\",\"size\":2000,\"sha256\":\"$sum\",\"data\":\"$data\"}"
check "a registration after it" "$DRIVER" "$db" enqueue register \
	'{"gateway":{"vendor":"Example","model":"HG-1"},"devices":[]}'
drive --until delivered --timeout 20
expect_eq "refused for good (413): rejected, and the next message still goes" \
	"$(jq '[d["status"]["rejected"], d["status"]["pending"], "rejected" in d["events"]]' "$out")" \
	'[1, 0, true]'
stop_server "$pid" >/dev/null
start_server srv "$port" --roles service
pid=$srv_pid
check "a failure for a server without the failure role" "$DRIVER" "$db" enqueue failure \
	"${fail_tmpl/outage-@N@/no-role}"
drive --until error --timeout 10
expect_eq "role_disabled is the link's failure: the message waits, not rejected" \
	"$(jq '[d["status"]["pending"], d["status"]["rejected"]]' "$out")" '[1, 1]'
stop_server "$pid" >/dev/null

# ---- answers that are not the API's JSON -----------------------------------------------------

# A stand-in server whose answers repeat a key: json-c would keep the last.
cat >"$tmp/dupsrv.py" <<'EOF'
import http.server, ssl, sys

class H(http.server.BaseHTTPRequestHandler):
    def reply(self, code, body):
        b = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def do_GET(self):
        if self.path.endswith("/overrides"):
            self.reply(200, '{"revision":90,"overrides":[],"templates":[],"revision":1}')
        else:
            self.reply(200, '{"requests":[]}')

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.reply(422, '{"error":{"code":"invalid_body","message":"no","code":"gone"}}')

    def log_message(self, *args):
        pass

port, certs = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(certs + "/server.crt", certs + "/server.key")
ctx.load_verify_locations(certs + "/ca.crt")
ctx.verify_mode = ssl.CERT_REQUIRED
srv = http.server.HTTPServer(("127.0.0.1", port), H)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("listening", flush=True)
srv.serve_forever()
EOF
/usr/bin/python3 "$tmp/dupsrv.py" "$port" "$certs" >"$tmp/dupsrv.log" 2>&1 &
dpid=$!
srv_pids+=("$dpid")
wait_for 10 grep -q listening "$tmp/dupsrv.log" || diag "the stand-in server: $(cat "$tmp/dupsrv.log")"
drive --until delivered --timeout 3
expect_eq "a 422 whose error gives a key twice is no API error: the link's failure, the message waits" \
	"$(jq '[d["status"]["pending"], d["status"]["rejected"], d["events"]]' "$out")" '[1, 1, []]'
expect_match "... the role's last error says why" \
	"$(jq '[r for r in d["status"]["roles"] if r["role"] == "failure"][0]["last_error"]' "$out")" \
	"HTTP 422 \(no API error in the answer: malformed JSON at byte [0-9]+: the key 'code' is given twice in one object\)"
expect_match "a snapshot that gives a key twice is not used, saying why" \
	"$(jq '[r for r in d["status"]["roles"] if r["role"] == "service"][0]["last_error"]' "$out")" \
	"overrides: the answer is not valid: malformed JSON at byte 45: the key 'revision' is given twice in one object"
expect_eq "bad answers are counted per role" \
	"$(jq '[[r["bad_answers"] > 0 for r in d["status"]["roles"]], d["status"]["bad_answers"] > 1]' "$out")" \
	'[[true, false, true, false], true]'
expect_match "the client's messages go to standard error by default (no log function set)" \
	"$(cat "$tmp/driver.log")" "^cloud_driver: cloud: service: https://.*the key 'revision' is given twice"
stop_server "$dpid" >/dev/null

if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/driver.log" "$tmp"/*.log; then
	diag "$(grep -hE -A20 'Sanitizer|runtime error' "$tmp/driver.log" "$tmp"/*.log | head -60)"
	fail "no sanitizer report from the driver or the server"
else
	ok "no sanitizer report from the driver or the server"
fi

tap_end
