# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers of the cloud tests: certificates, i62608-cloudd on a free
# loopback port, curl with a gateway's or the operator's certificate, and
# JSON through python3. Sourced after selftests/i62608/lib.sh.

CLOUDD=${CLOUDD:-$top/build/selftests/cloud/i62608-cloudd}
DRIVER=${DRIVER:-$top/build/selftests/cloud/cloud_driver}
for b in "$CLOUDD" "$DRIVER"; do
	[ -x "$b" ] || { echo "Bail out! missing $b (make cloud-tests builds it)"; exit 1; }
done
for t in curl openssl python3; do
	command -v "$t" >/dev/null || { echo "Bail out! $t is not installed"; exit 1; }
done
# ASan: the leak check at exit is part of the test.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}

tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
certs=$tmp/certs
"$top/scripts/cloud-certs.sh" "$certs" >/dev/null ||
	{ echo "Bail out! scripts/cloud-certs.sh failed"; exit 1; }
# Set here, used by the tests: the gateway's id (its certificate's CN), the
# server's URL (the test sets it), and what req() leaves.
# shellcheck disable=SC2034
gw="gw-test-1" url=${url-} code='' body='' hdrs='' crc=

srv_pids=()
stop_servers() {
	local p
	for p in "${srv_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${srv_pids[@]}"; do wait "$p" 2>/dev/null; done
	srv_pids=()
}
at_exit stop_servers

# free_port - a TCP port of 127.0.0.1 nobody listens on now.
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME PORT [ARGS...] - i62608-cloudd on 127.0.0.1:PORT with
# the test certificates and $tmp/NAME.db; its log is $tmp/NAME.log, its
# pid $srv_pid. Fails if it is not listening within 10 s.
start_server() {
	local name=$1 port=$2
	shift 2
	"$CLOUDD" --foreground --listen "127.0.0.1:$port" --db "$tmp/$name.db" \
		--cert "${SERVER_CERT:-$certs/server.crt}" \
		--key "${SERVER_KEY:-$certs/server.key}" \
		--client-ca "$certs/ca.crt" "$@" >>"$tmp/$name.log" 2>&1 &
	srv_pid=$!
	srv_pids+=("$srv_pid")
	wait_for 10 grep -q "pid $srv_pid listening on port $port" "$tmp/$name.log"
}

# stop_server PID - SIGTERM and its exit status.
stop_server() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}

# req WHO METHOD PATH [BODY [CURL ARGS...]] - a request to $url as WHO
# (gateway, gateway2, operator, wrong-gateway, none). Sets $code (000: no
# HTTP answer), $body, $hdrs and $crc (curl's exit status). A POST gets a
# fresh Idempotency-Key unless the args give one.
req() {
	local who=$1 method=$2 path=$3 data=${4-} auth=()
	shift 3
	[ $# -gt 0 ] && shift
	[ "$who" != none ] && auth=(--cert "$certs/$who.crt" --key "$certs/$who.key")
	local args=(-sS --max-time 10 --cacert "$certs/ca.crt" "${auth[@]}"
		-X "$method" -D "$tmp/hdrs" -o "$tmp/body" -w '%{http_code}')
	if [ -n "$data" ]; then
		grep -qi content-type <<<"$*" || args+=(-H 'Content-Type: application/json')
		args+=(--data-binary "$data")
	fi
	if [ "$method" = POST ] && ! grep -qi idempotency-key <<<"$*"; then
		args+=(-H "Idempotency-Key: t-$RANDOM$RANDOM$RANDOM")
	fi
	: >"$tmp/body"
	: >"$tmp/hdrs"
	code=$(curl "${args[@]}" "$@" "$url$path" 2>"$tmp/curl.err") && crc=0 || crc=$?
	body=$(cat "$tmp/body")
	# shellcheck disable=SC2034
	hdrs=$(cat "$tmp/hdrs")
}

# jq EXPR [JSON] - a Python expression over d, the JSON ($body by default).
jq() {
	/usr/bin/python3 -c 'import json, sys
d = json.loads(sys.argv[2])
v = eval(sys.argv[1])
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1" "${2-$body}"
}

# expect_status DESC CODE [ERROR_CODE] - the last req answered CODE with
# a JSON body (and that error code).
expect_status() {
	local desc=$1 want=$2 ecode=${3-} got_ecode=
	if [ "$want" -ge 400 ]; then
		got_ecode=$(jq 'd["error"]["code"] if isinstance(d["error"]["message"], str) else None' 2>/dev/null)
	fi
	if [ "$code" = "$want" ] && { [ -z "$ecode" ] || [ "$got_ecode" = "$ecode" ]; } &&
		jq 'd' >/dev/null 2>&1; then
		ok "$desc"
	else
		diag "HTTP $code (want $want${ecode:+ $ecode}), curl exit $crc" "$body" \
			"$(cat "$tmp/curl.err")"
		fail "$desc"
	fi
}

# expect_eq DESC GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		diag "got:  $2" "want: $3"
		fail "$1"
	fi
}

# expect_match DESC TEXT REGEX
expect_match() {
	if grep -qE -- "$3" <<<"$2"; then
		ok "$1"
	else
		diag "no match for: $3" "in: $2"
		fail "$1"
	fi
}

# refused DESC WHO - a TLS-level refusal: no HTTP answer at all.
refused() {
	req "$2" GET /v1/health
	if [ "$code" = 000 ] && [ "$crc" != 0 ] && [ -z "$body" ]; then
		ok "$1 (curl exit $crc)"
	else
		diag "HTTP $code, curl exit $crc: $body"
		fail "$1"
	fi
}
