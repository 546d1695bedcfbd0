#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# i62608-cloudd (ASan/UBSan build) with curl over mutual TLS, on loopback:
# each role's paths, client certificates refused at the handshake, strict
# bodies (4xx with a JSON error, the server serving on), idempotent POSTs,
# a disabled role, the store across a restart, detaching.
#
#   curl (gateway.crt | operator.crt | wrong-gateway.crt | none)
#     --- https://127.0.0.1:PORT --->  i62608-cloudd  --->  $tmp/srv.db
#
# shellcheck source=../i62608/lib.sh
. "$(dirname "$0")/../i62608/lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

port=$(free_port)
url=https://127.0.0.1:$port
if start_server srv "$port"; then
	ok "i62608-cloudd listens on 127.0.0.1:$port"
else
	diag "$(cat "$tmp/srv.log")"
	fail "i62608-cloudd listens on 127.0.0.1:$port"
	tap_end
	exit 1
fi
pid=$srv_pid
mac=02:62:60:00:00:a1

# ---- authentication ---------------------------------------------------------

req gateway GET /v1/health
expect_status "health, as a gateway" 200
expect_eq "the server knows the gateway by its certificate's CN" \
	"$(jq 'd["client"]["kind"] + " " + d["client"]["name"]')" "gateway $gw"
req operator GET /v1/health
expect_eq "and the operator by its OU" "$(jq 'd["client"]["kind"]')" operator
refused "no client certificate: refused in the TLS handshake" none
refused "a client certificate of another CA: refused in the TLS handshake" wrong-gateway
expect_match "the log says why the certificate was refused" "$(cat "$tmp/srv.log")" \
	"tls: refused a client certificate \\(CN=$gw\\): .*issuer is unknown"
req gateway GET /v1/health
expect_status "the server answers after the refusals" 200

# ---- service ------------------------------------------------------------------

reg='{"gateway":{"vendor":"Example","model":"HG-1","serial":"S1","firmware":"1.0"},
 "devices":[{"mac":"02:62:60:00:00:A1","type":"stb","vendor":"Example","model":"STB-100",
 "serial":"X1","firmware":"4.2"}]}'
req gateway POST "/v1/service/gateways/$gw/registration" "$reg"
expect_status "registration of a gateway and its device" 200
expect_eq "the answer counts the device and carries the configuration snapshot" \
	"$(jq '[d["devices"], d["overrides"], d["templates"]]')" "[1, [], []]"
req operator PUT "/v1/service/gateways/$gw/overrides/$mac" \
	'{"config":{"ipv4":"192.168.1.57/24","gw":"192.168.1.1","hostname":"tv-livingroom"}}'
expect_status "the operator sets an override" 201
req operator PUT "/v1/service/gateways/$gw/overrides/$mac" '{"config":{"ipv4":"192.168.1.57/33"}}'
expect_status "an override config send would refuse is refused" 422 invalid_body
expect_match "... with config send's own reason" "$(jq 'd["error"]["message"]')" \
	"config: not a device configuration: ipv4: '192.168.1.57/33'"
req operator PUT /v1/service/templates/stb '{"config":{"qos":"video","services":{"iptv":true}}}'
expect_status "the operator sets a template for set-top boxes" 201
req gateway POST "/v1/service/gateways/$gw/registration" "$reg"
expect_eq "registering again returns the override and the template" \
	"$(jq '[d["overrides"][0]["mac"], d["overrides"][0]["config"]["hostname"], d["templates"][0]["device_type"], d["revision"]]')" \
	"[\"$mac\", \"tv-livingroom\", \"stb\", 2]"
req gateway GET "/v1/service/gateways/$gw/overrides"
expect_eq "GET overrides: the same snapshot" "$(jq 'len(d["overrides"])')" 1
req operator GET "/v1/service/gateways/$gw"
expect_eq "the operator sees the gateway and its device, MAC in lower case" \
	"$(jq '[d["registrations"], d["device_list"][0]["mac"], d["device_list"][0]["firmware"]]')" \
	"[2, \"$mac\", \"4.2\"]"
req gateway GET "/v1/service/gateways/$gw-2/overrides"
expect_status "a gateway cannot read another gateway's data" 403 forbidden
req gateway GET /v1/service/gateways
expect_status "nor use the operator's paths" 403 forbidden
req gateway PUT "/v1/service/gateways/$gw/overrides/$mac" '{"config":{"hostname":"x"}}'
expect_status "nor set its own overrides" 403 forbidden

data=$(head -c 3000 /dev/urandom | base64 -w0)
sum=$(base64 -d <<<"$data" | sha256sum | cut -d' ' -f1)
req gateway POST "/v1/service/gateways/$gw/backups" \
	"{\"taken_at_ms\":1700000000000,\"format\":\"sqlite3\",\"size\":3000,\"sha256\":\"$sum\",\"data\":\"$data\"}"
expect_status "a backup of the configuration database is stored" 201
req gateway POST "/v1/service/gateways/$gw/backups" \
	"{\"taken_at_ms\":1,\"format\":\"sqlite3\",\"size\":3000,\"sha256\":\"${sum//[0-9]/0}\",\"data\":\"$data\"}"
expect_status "a backup whose SHA-256 does not match is refused" 422 invalid_body
req gateway GET "/v1/service/gateways/$gw/backups/latest"
expect_eq "the latest backup comes back whole" "$(jq '[d["data"], d["sha256"]]')" \
	"[\"$data\", \"$sum\"]"

# ---- quality --------------------------------------------------------------------

req gateway POST "/v1/quality/gateways/$gw/reports" \
	"{\"measured_at_ms\":1700000000000,\"devices\":[{\"mac\":\"$mac\",\"link_rate_kbps\":10000,\"loss_percent\":2.5,\"qos\":\"video\"}],\"gateway\":{\"qos_enabled\":false,\"igmp_proxy\":true}}"
expect_status "quality report: a verdict" 201
expect_eq "loss, a slow link for video and QoS off: degraded, with the reasons" \
	"$(jq '[d["verdict"], d["score"], sorted(r["code"] for r in d["recommendations"])]')" \
	'["degraded", 55, ["enable_gateway_qos", "link_rate_low", "loss_elevated"]]'
req gateway POST "/v1/quality/gateways/$gw/reports" \
	"{\"measured_at_ms\":1700000000000,\"devices\":[{\"mac\":\"$mac\",\"link_rate_kbps\":100000,\"loss_percent\":0,\"qos\":\"video\"}]}"
expect_eq "a healthy network: good, 100" "$(jq '[d["verdict"], d["score"]]')" '["good", 100]'
req operator GET "/v1/quality/gateways/$gw/reports?limit=1"
expect_eq "the operator pages through the reports" \
	"$(jq '[len(d["reports"]), d["next_after_id"]]')" "[1, 1]"

# ---- failures ---------------------------------------------------------------------

req gateway POST "/v1/failure/gateways/$gw/failures" \
	"{\"kind\":\"config_refused\",\"occurred_at_ms\":1700000000000,\"mac\":\"$mac\",\"request_id\":7,\"items\":[{\"item\":\"ipv4 224.0.0.1/24\",\"reason\":\"invalid\"}]}" \
	-H 'Idempotency-Key: failure-one'
expect_status "a failure report is recorded" 201
fid=$(jq 'd["id"]')
req gateway POST "/v1/failure/gateways/$gw/failures" \
	"{\"kind\":\"gateway_rule\",\"occurred_at_ms\":1700000000001,\"rule\":\"nat tcp/8080\"}"
expect_status "a gateway rule failure is recorded" 201
req operator GET "/v1/failure/failures?gateway=$gw&kind=config_refused"
expect_eq "the operator lists failures by gateway and kind" \
	"$(jq '[[f["kind"], f["message_id"], f["report"]["items"][0]["reason"]] for f in d["failures"]]')" \
	'[["config_refused", "failure-one", "invalid"]]'
req operator GET "/v1/failure/failures/$fid"
expect_eq "and reads one" "$(jq 'd["mac"]')" "$mac"
req gateway GET "/v1/failure/gateways/$gw/failures/$fid"
expect_status "a gateway reads its own" 200

# ---- idempotency -------------------------------------------------------------------

f1="{\"kind\":\"device_lost\",\"occurred_at_ms\":1700000000002,\"mac\":\"$mac\",\"detail\":\"retried\"}"
req gateway POST "/v1/failure/gateways/$gw/failures" "$f1" -H 'Idempotency-Key: retry-1'
first=$(jq 'd["id"]')
req gateway POST "/v1/failure/gateways/$gw/failures" "$f1" -H 'Idempotency-Key: retry-1'
expect_eq "a retried POST gets the first answer again" "$(jq 'd["id"]')" "$first"
expect_match "... marked Idempotent-Replayed" "$hdrs" "^Idempotent-Replayed: true"
req operator GET "/v1/failure/failures?kind=device_lost"
expect_eq "... and is recorded once" "$(jq 'len([f for f in d["failures"] if f["report"].get("detail") == "retried"])')" 1
req gateway POST "/v1/failure/gateways/$gw/failures" "${f1/retried/other}" -H 'Idempotency-Key: retry-1'
expect_status "the same key with another body: 409" 409 idempotency_key_reused
req gateway POST "/v1/failure/gateways/$gw/failures" "$f1" -H 'Idempotency-Key: '
expect_status "a gateway's POST without Idempotency-Key: 400" 400 idempotency_key_required
req gateway POST "/v1/failure/gateways/$gw/failures" "$f1" -H 'Idempotency-Key: a b'
expect_status "an Idempotency-Key with a space: 400" 400 idempotency_key_invalid

# ---- diagnosis ----------------------------------------------------------------------

req operator POST "/v1/diagnosis/gateways/$gw/requests" "{\"kind\":\"reachability\",\"mac\":\"$mac\"}"
expect_status "the operator queues a diagnosis request" 201
did=$(jq 'd["id"]')
req operator POST "/v1/diagnosis/gateways/$gw/requests" "{\"kind\":\"config_reread\",\"mac\":\"$mac\"}"
expect_status "a config re-read names no device" 422 invalid_body
req gateway GET "/v1/diagnosis/gateways/$gw/requests"
expect_eq "the gateway fetches it: fetched" \
	"$(jq '[[r["id"], r["kind"], r["state"]] for r in d["requests"]]')" "[[$did, \"reachability\", \"fetched\"]]"
req gateway POST "/v1/diagnosis/gateways/$gw/requests/$did/result" \
	'{"status":"ok","message":"answered","result":{"reachable":true,"rtt_ms":3}}'
expect_status "the gateway posts the result" 200
req operator GET "/v1/diagnosis/gateways/$gw/requests/$did"
expect_eq "the operator reads it: done, with the result" \
	"$(jq '[d["state"], d["status"], d["result"]["rtt_ms"]]')" '["done", "ok", 3]'
req gateway POST "/v1/diagnosis/gateways/$gw/requests/$did/result" '{"status":"failed"}'
expect_status "a second result: 409" 409 already_answered
req gateway POST "/v1/diagnosis/gateways/$gw/requests/99999/result" '{"status":"ok"}'
expect_status "a result for an unknown request: 404" 404 not_found
req gateway GET "/v1/diagnosis/gateways/$gw/requests"
expect_eq "nothing open any more" "$(jq 'len(d["requests"])')" 0

# ---- hostile requests -------------------------------------------------------------------

fpath=/v1/failure/gateways/$gw/failures
req gateway POST "$fpath" '{"kind":"device_lost",'
expect_status "malformed JSON: 400" 400 malformed_json
req gateway POST "$fpath" "{\"kind\":\"device_lost\",\"occurred_at_ms\":1,\"mac\":\"$mac\",\"kind\":\"config_refused\"}"
expect_status "a key given twice: 400" 400 malformed_json
expect_eq "... naming the key and where" "$(jq 'd["error"]["message"]')" \
	"malformed JSON at byte 67: the key 'kind' is given twice in one object"
req operator PUT "/v1/service/gateways/$gw/overrides/$mac" \
	'{"config":{"hostname":"a","\u0068ostname":"b"}}'
expect_status "... also inside a member, spelt another way" 400 malformed_json
expect_match "... named as decoded" "$(jq 'd["error"]["message"]')" "the key 'hostname' is given twice"
req gateway POST "$fpath" "{\"kind\":\"device_lost\",\"occurred_at_ms\":\"now\",\"mac\":\"$mac\"}"
expect_status "a wrong type: 422" 422 invalid_body
expect_eq "... saying which member and why" "$(jq 'd["error"]["message"]')" \
	"occurred_at_ms: an integer is expected, not a string"
req gateway POST "$fpath" "{\"kind\":\"device_lost\",\"mac\":\"$mac\"}"
expect_status "a missing member: 422" 422 invalid_body
req gateway POST "$fpath" "{\"kind\":\"device_lost\",\"occurred_at_ms\":1,\"mac\":\"$mac\",\"x\":1}"
expect_status "an unknown member: 422" 422 invalid_body
req gateway POST "$fpath" '[1,2,3]'
expect_status "an array: 400" 400 malformed_json
req gateway POST "$fpath" "$(printf '{"kind":"\xc0\xaf"}')"
expect_status "invalid UTF-8: 400" 400 malformed_json
req gateway POST "$fpath" '{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}'
expect_status "nesting too deep: 400" 400 malformed_json
req gateway POST "$fpath" "{\"kind\":\"device_lost\",\"occurred_at_ms\":1,\"mac\":\"$mac\",\"detail\":\"a\\u0000b\"}"
expect_status "a NUL inside a string: 422" 422 invalid_body
head -c 70000 /dev/urandom | base64 -w0 | sed 's/^/{"detail":"/; s/$/"}/' >"$tmp/big.json"
req gateway POST "$fpath" "@$tmp/big.json"
expect_status "a body over --max-body: 413" 413 payload_too_large
req gateway POST "$fpath" "@$tmp/big.json" -H 'Transfer-Encoding: chunked'
expect_status "the same, chunked (no Content-Length): 413" 413 payload_too_large
head -c 2000 /dev/urandom >"$tmp/garbage"
req gateway POST "$fpath" "@$tmp/garbage"
expect_status "binary garbage: 400" 400 malformed_json
req gateway POST "$fpath" "$f1" -H 'Content-Type: text/plain'
expect_status "a body that is not application/json: 415" 415 unsupported_media_type
req gateway GET "/v1/failure/gateways/$gw/failures?bogus=1"
expect_status "an unknown query parameter: 400" 400 bad_query
req gateway GET "/v1/service/gateways/$gw/nothing"
expect_status "an unknown path: 404" 404 not_found
req operator DELETE "/v1/service/gateways/$gw/overrides/02:62:60:00:00:zz"
expect_status "a malformed MAC in the path: 400" 400 invalid_path
req gateway DELETE "$fpath"
expect_status "a method the path does not take: 405" 405 method_not_allowed
expect_match "... with Allow" "$hdrs" "^Allow: POST, GET"
req gateway GET /v2/health
expect_status "another API version: 404" 404 not_found
if kill -0 "$pid" 2>/dev/null; then
	req gateway GET /v1/health
	expect_status "after all that, the server still serves" 200
else
	fail "after all that, the server still serves (it exited)"
fi

# ---- restart, roles --------------------------------------------------------------------

n_before=$(req operator GET /v1/failure/failures && jq 'len(d["failures"])')
stop_server "$pid"
rc=$?
expect_eq "SIGTERM: exit status 0 (ASan: no leak, no error)" "$rc" 0
start_server srv "$port" --roles service,failure
pid=$srv_pid
req operator GET /v1/failure/failures
expect_eq "the failures survive a restart" "$(jq 'len(d["failures"])')" "$n_before"
req gateway GET "/v1/service/gateways/$gw/overrides"
expect_eq "so do the overrides" "$(jq 'd["overrides"][0]["config"]["ipv4"]')" 192.168.1.57/24
req gateway POST "/v1/failure/gateways/$gw/failures" "$f1" -H 'Idempotency-Key: retry-1'
expect_eq "and the Idempotency-Keys" "$(jq 'd["id"]')" "$first"
req gateway POST "/v1/quality/gateways/$gw/reports" '{}'
expect_status "--roles service,failure: the quality role is 404" 404 role_disabled
req operator POST "/v1/diagnosis/gateways/$gw/requests" '{"kind":"config_reread"}'
expect_status "... and so is diagnosis" 404 role_disabled
req gateway GET /v1/health
expect_eq "health lists the roles served" "$(jq 'd["roles"]')" '["service", "failure"]'
stop_server "$pid" >/dev/null

check_err "--roles with an unknown role: exit 2" 2 "--roles 'service,bogus'" \
	"$CLOUDD" --roles service,bogus --cert x --key x --client-ca x
check_err "no --client-ca: exit 2" 2 "--client-ca are required" \
	"$CLOUDD" --cert x --key x
check_err "a --listen that is not ADDR:PORT: exit 1" 1 "is not ADDR:PORT" \
	"$CLOUDD" --foreground --listen localhost --cert "$certs/server.crt" \
	--key "$certs/server.key" --client-ca "$certs/ca.crt" --db "$tmp/x.db"

# Detached: the parent returns once the child listens.
"$CLOUDD" --listen "127.0.0.1:$port" --db "$tmp/srv.db" --cert "$certs/server.crt" \
	--key "$certs/server.key" --client-ca "$certs/ca.crt" 2>"$tmp/detached.log"
rc=$?
dpid=$(sed -n 's/.*: pid \([0-9]*\) listening.*/\1/p' "$tmp/detached.log")
if [ -n "$dpid" ]; then
	at_exit "kill $dpid"
fi
req gateway GET /v1/health
if [ "$rc" = 0 ] && [ -n "$dpid" ] && [ "$code" = 200 ]; then
	ok "without --foreground: exit 0 once listening, the child serves"
else
	diag "exit $rc, pid '$dpid', HTTP $code" "$(cat "$tmp/detached.log")"
	fail "without --foreground: exit 0 once listening, the child serves"
fi
[ -n "$dpid" ] && kill "$dpid"

tap_end
