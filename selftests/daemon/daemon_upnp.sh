#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# i62608d's port forwards on a separate router through UPnP IGD
# (gateway-backend upnp), natively, without the kernel module: the daemon
# (ASan/UBSan) plans two devices seeded in its database, and a real
# miniupnpd (Debian's nftables build, set up as selftests/gateway/
# gw_upnp.sh does) gets exactly their forwards as mappings; a port another
# UPnP client holds is reported failed and left alone; a changed policy
# moves a mapping; back to nftables, ours leave the IGD.
#
#   +-- ns "duigd" --------------------------------+      +-- ns "dugw" -----------------+
#   | miniupnpd: ext e0 11.79.0.1/24 (nothing else) |      | i62608d (no module)          |
#   |            l0 192.168.80.1/24, HTTP port 5555 |-veth-| c0 192.168.80.2/24           |
#   +-----------------------------------------------+      | gateway-backend upnp URL     |
#                                                          +------------------------------+
#
# shellcheck source=../i62608/lib.sh
. "$(dirname "$0")/../i62608/lib.sh"
tap_begin

daemon=${DAEMON_ASAN:-$top/build/selftests/daemon/i62608d}
ctlbin=$I62608_BIN/i62608ctl
gwtool=${GWTOOL:-$top/build/selftests/gateway/gwtool}
gwnet=$top/selftests/gateway/gw_net.py
py=/usr/bin/python3
for b in "$daemon" "$ctlbin" "$gwtool"; do
	[ -x "$b" ] || { echo "Bail out! missing $b (make daemon-tests builds it)"; exit 1; }
done
[ -x /usr/sbin/miniupnpd ] || { echo "Bail out! miniupnpd is not installed"; exit 1; }
command -v sqlite3 >/dev/null || { echo "Bail out! sqlite3 is missing"; exit 1; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}

tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
export I62608D_SOCKET=$tmp/i62608d.sock
db=$tmp/i62608d.db
igd=duigd-$$
gw=dugw-$$
d1=02:62:60:00:0c:01
d2=02:62:60:00:0c:02
if ! ns_new "$igd" || ! ns_new "$gw"; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
ip -n "$igd" link add e0 type veth peer name e0p
ip link add l0 netns "$igd" type veth peer name c0 netns "$gw"
ip -n "$igd" addr add 11.79.0.1/24 dev e0
ip -n "$igd" addr add 192.168.80.1/24 dev l0
ip -n "$gw" addr add 192.168.80.2/24 dev c0
for l in "$igd e0" "$igd e0p" "$igd l0" "$gw c0"; do
	read -r n d <<<"$l"
	ip -n "$n" link set "$d" up
done

miniupnpd_prepare "$igd" "$tmp" || { echo "Bail out! cannot prepare miniupnpd's chains"; exit 1; }
ip netns exec "$igd" /usr/sbin/miniupnpd -f "$tmp/miniupnpd.conf" -d \
	-P "$tmp/miniupnpd.pid" >"$tmp/miniupnpd.log" 2>&1 &
mpid=$!
at_exit "kill $mpid"
url=http://192.168.80.1:5555/rootDesc.xml
if ! wait_for 5 in_ns "$gw" "$gwtool" upnp list --url "$url"; then
	echo "Bail out! miniupnpd did not start: $(cat "$tmp/miniupnpd.log")"
	exit 1
fi
# mappings - the IGD's, one a line, sorted: "tcp 8080 ADDR 80 ours|theirs DESC".
mappings() {
	in_ns "$gw" "$gwtool" upnp list --url "$url" |
		sed -n 's/^mapping \(.*\) lease [0-9]* desc \(.*\)$/\1 \2/p' | sort
}
check "someone else maps tcp 2222 (another UPnP client)" \
	in_ns "$gw" $py "$gwnet" upnp-add "$url" 2222 TCP 192.168.80.3 22 "someone else"
theirs="tcp 2222 192.168.80.3 22 theirs someone else"

ctl() { ip netns exec "$gw" "$ctlbin" "$@"; }
sql() { sqlite3 -batch -noheader "file:$db?mode=ro" "$1" 2>&1; }

policy=$tmp/policy.conf
# write_policy BACKEND PORT - d1 forwards tcp PORT; d2 tcp 2222 (taken).
write_policy() {
	cat >"$policy" <<EOP
lan 192.168.80.0/24
gateway 192.168.80.2
gateway-backend $1
pool media 192.168.80.100 192.168.80.149
rule one
	match mac $d1
	address static media
	forward tcp $2 to 80
	forward udp 5004
rule two
	match mac $d2
	address static media
	forward tcp 2222 to 22
EOP
}
write_policy "upnp $url lease 3600" 8080
check "i62608d --check takes gateway-backend upnp" "$daemon" --check --policy "$policy"

dpid=
start_daemon() {
	ip netns exec "$gw" "$daemon" --foreground --db "$db" --policy "$policy" \
		--socket "$I62608D_SOCKET" --log-level debug 2>>"$tmp/daemon.log" &
	dpid=$!
	wait_for 10 ctl daemon status
}
# shellcheck disable=SC2016 # $dpid as it is at exit
at_exit 'kill -9 $dpid'
start_daemon || { echo "Bail out! i62608d does not start: $(tail -n 5 "$tmp/daemon.log")"; exit 1; }
kill -TERM "$dpid"
wait "$dpid"
for m in $d1 $d2; do
	sqlite3 -cmd ".timeout 5000" "$db" "INSERT INTO devices (mac, present, ifindex,
		ifname, trust, epoch, caps, first_seen, last_seen)
		VALUES ('$m', 1, 0, 'c0', 3, 1, 0, 1, 1)"
done
start_daemon || { echo "Bail out! i62608d does not start again"; exit 1; }

addr() {
	sql "SELECT address FROM desired WHERE mac = '$1'" | cut -d/ -f1
}
a1=$(addr $d1)
a2=$(addr $d2)
want="tcp 2222 192.168.80.3 22 theirs someone else
tcp 8080 $a1 80 ours i62608 $d1
udp 5004 $a1 5004 ours i62608 $d1"
in_force() {
	[ "$(mappings)" = "$1" ]
}
if [ -n "$a1" ] && [ -n "$a2" ] && wait_for 10 in_force "$want"; then
	ok "the IGD holds d1's forwards as our mappings, the other client's untouched"
else
	diag "want:" "$want" "got:" "$(mappings)" "$(tail -n 10 "$tmp/daemon.log")"
	fail "the IGD holds d1's forwards as our mappings, the other client's untouched"
fi
got=$(sql "SELECT mac || ' ' || spec || ' ' || state FROM gw_rules WHERE kind = 'forward' ORDER BY mac, spec")
if [ "$got" = "$d1 forward tcp 8080 $a1 80 synced
$d1 forward udp 5004 $a1 5004 synced
$d2 forward tcp 2222 $a2 22 failed" ]; then
	ok "the database: d1's forwards synced, d2's failed"
else
	diag "$got"
	fail "the database: d1's forwards synced, d2's failed"
fi
if [ "$(sql "SELECT error FROM gw_rules WHERE mac = '$d2'")" != "" ] &&
	sql "SELECT error FROM gw_rules WHERE mac = '$d2'" |
	grep -q 'tcp port 2222 is mapped by someone else ("someone else", to 192.168.80.3:22)'; then
	ok "... with the IGD's reason: the port is someone else's"
else
	diag "$(sql "SELECT error FROM gw_rules WHERE mac = '$d2'")"
	fail "... with the IGD's reason: the port is someone else's"
fi
if ctl -j daemon status | grep -q "\"gateway_backend\":\"UPnP IGD $url\""; then
	ok "daemon status names the UPnP IGD"
else
	diag "$(ctl daemon status 2>&1)"
	fail "daemon status names the UPnP IGD"
fi
if ! ip netns exec "$gw" nft list table inet i62608 >/dev/null 2>&1; then
	ok "no nftables table of ours on this gateway: the forwards are the IGD's"
else
	fail "no nftables table of ours on this gateway: the forwards are the IGD's"
fi

write_policy "upnp $url lease 3600" 8081
kill -HUP "$dpid"
want2="tcp 2222 192.168.80.3 22 theirs someone else
tcp 8081 $a1 80 ours i62608 $d1
udp 5004 $a1 5004 ours i62608 $d1"
if wait_for 10 in_force "$want2"; then
	ok "SIGHUP, d1's forward on 8081: the mapping moves"
else
	diag "want:" "$want2" "got:" "$(mappings)"
	fail "SIGHUP, d1's forward on 8081: the mapping moves"
fi
kill -TERM "$dpid"
wait "$dpid"
in_ns "$gw" "$gwtool" upnp remove --url "$url" >/dev/null 2>&1
start_daemon || fail "i62608d starts again"
if wait_for 10 in_force "$want2"; then
	ok "our mappings removed behind its back while it was stopped: the start puts them back"
else
	diag "got:" "$(mappings)"
	fail "our mappings removed behind its back while it was stopped: the start puts them back"
fi

write_policy nftables 8081
kill -HUP "$dpid"
if wait_for 10 in_force "$theirs"; then
	ok "SIGHUP, gateway-backend nftables: ours leave the IGD, the other client's stays"
else
	diag "got:" "$(mappings)"
	fail "SIGHUP, gateway-backend nftables: ours leave the IGD, the other client's stays"
fi
if [ "$(sql "SELECT group_concat(DISTINCT state) FROM gw_rules WHERE kind = 'forward'")" = desired ]; then
	ok "without 'wan' the forwards are recorded, not applied"
else
	fail "without 'wan' the forwards are recorded, not applied"
fi

kill -TERM "$dpid"
if wait "$dpid"; then
	ok "i62608d exits with status 0"
else
	fail "i62608d exits with status 0"
fi
sanitizer_clean "the daemon" "$tmp/daemon.log"
tap_end
