#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The UPnP IGD backend (userspace/gateway/upnp.c) through gwtool, against
# a real miniupnpd (Debian's nftables build) in its own namespace: sync
# adds, changes and deletes our mappings and never someone else's (one
# made by another client: SOAP by hand, gw_net.py), a port someone else
# holds is reported, the IGD's
# refusal is reported, leases are renewed, discovery by SSDP, the
# uninstall path, and IGDs that are not there.
#
#   +-- ns igd ------------------------------------+      +-- ns gw ---------------+
#   | miniupnpd: ext e0 (veth to e0p, nothing else) |      | c0 192.168.80.2/24     |
#   |            l0 192.168.80.1/24, HTTP port 5555 |-veth-| gwtool upnp, gw_net.py |
#   +-----------------------------------------------+      +------------------------+
#
# miniupnpd refuses to map anything unless its external interface has a
# public address: e0 gets 11.79.0.1/24, inside the namespace only. Nothing
# is ever sent to it; all traffic of this test is SSDP and HTTP on the
# 192.168.80.0/24 link between the two namespaces.
#
# Needs root, miniupnpd (its nftables build) and python3.
# shellcheck source=../i62608/lib.sh
. "$(dirname "$0")/../i62608/lib.sh"
tap_begin

gwtool=${GWTOOL:-$top/build/selftests/gateway/gwtool}
[ -x "$gwtool" ] || { echo "Bail out! missing $gwtool (make gateway-tests)"; exit 1; }
[ -x /usr/sbin/miniupnpd ] || { echo "Bail out! miniupnpd is not installed"; exit 1; }
gwnet=$top/selftests/gateway/gw_net.py

igd=gwuigd-$$
gw=gwugw-$$
lone=gwulone-$$
tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
if ! ns_new "$igd" || ! ns_new "$gw" || ! ns_new "$lone"; then
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
ip -n "$gw" route add 239.255.255.250/32 dev c0
# A namespace with a link and no IGD, for a discovery that finds nothing.
ip -n "$lone" link add x0 type veth peer name x0p
ip -n "$lone" addr add 192.168.81.2/24 dev x0
ip -n "$lone" link set x0 up
ip -n "$lone" link set x0p up
ip -n "$lone" route add 239.255.255.250/32 dev x0

miniupnpd_prepare "$igd" "$tmp" || { echo "Bail out! cannot prepare miniupnpd's chains"; exit 1; }

pids=()
stop_all() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}
at_exit stop_all

# ip netns exec execs: $! is miniupnpd.
ip netns exec "$igd" /usr/sbin/miniupnpd -f "$tmp/miniupnpd.conf" -d \
	-P "$tmp/miniupnpd.pid" >"$tmp/miniupnpd.log" 2>&1 &
pids+=("$!")
url=http://192.168.80.1:5555/rootDesc.xml
if ! wait_for 5 in_ns "$gw" "$gwtool" upnp list --url "$url"; then
	echo "Bail out! miniupnpd did not start: $(cat "$tmp/miniupnpd.log")"
	exit 1
fi

up() {
	in_ns "$gw" "$gwtool" upnp "$1" --url "$url" "${@:2}"
}

# mappings - gwtool's list without the lease column, sorted.
mappings() {
	up list | sed -n 's/^mapping \(.*\) lease [0-9]* desc \(.*\)$/\1 \2/p' | sort
}

same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		diag "want:" "$2" "got:" "$3"
		fail "$1"
	fi
}

# ---- someone else's mapping, then ours --------------------------------------

check "someone else maps tcp 2222 (another UPnP client)" \
	in_ns "$gw" /usr/bin/python3 "$gwnet" upnp-add "$url" 2222 TCP 192.168.80.3 22 "someone else"
theirs="tcp 2222 192.168.80.3 22 theirs someone else"

cat >"$tmp/st1" <<'EOF'
forward tcp 8080 192.168.80.20 80 02:00:00:00:80:20
forward udp 5000 192.168.80.21 5001 02:00:00:00:80:21
EOF
same "sync adds our two mappings" "changes 2" "$(up sync <"$tmp/st1" 2>&1)"
same "the IGD lists them, and the other one" \
	"$theirs
tcp 8080 192.168.80.20 80 ours i62608 02:00:00:00:80:20
udp 5000 192.168.80.21 5001 ours i62608 02:00:00:00:80:21" "$(mappings)"
out=$(in_ns "$igd" nft list chain inet filter prerouting_miniupnpd)
if grep -q 'th dport 8080 dnat ip to 192.168.80.20:80' <<<"$out" &&
	grep -q 'th dport 5000 dnat ip to 192.168.80.21:5001' <<<"$out"; then
	ok "miniupnpd put them in force (its DNAT rules)"
else
	diag "$out"
	fail "miniupnpd put them in force (its DNAT rules)"
fi
same "the same sync again changes nothing" "changes 0" "$(up sync <"$tmp/st1" 2>&1)"

cat >"$tmp/st2" <<'EOF'
forward tcp 8080 192.168.80.21 8080 02:00:00:00:80:21
forward tcp 9000 192.168.80.20 9000 02:00:00:00:80:20
EOF
# tcp 8080 changes (delete, add), udp 5000 goes, tcp 9000 comes.
same "sync of a changed set" "changes 4" "$(up sync <"$tmp/st2" 2>&1)"
same "exactly the new set, the other one untouched" \
	"$theirs
tcp 8080 192.168.80.21 8080 ours i62608 02:00:00:00:80:21
tcp 9000 192.168.80.20 9000 ours i62608 02:00:00:00:80:20" "$(mappings)"

# ---- conflicts and refusals ---------------------------------------------------

cat >"$tmp/st3" <<'EOF'
forward tcp 8080 192.168.80.21 8080 02:00:00:00:80:21
forward tcp 9000 192.168.80.20 9000 02:00:00:00:80:20
forward tcp 2222 192.168.80.20 22 02:00:00:00:80:20
forward udp 6000 192.168.80.20 6000 02:00:00:00:80:20
EOF
check_err "a port someone else maps is reported, not taken" 1 \
	"tcp port 2222 is mapped by someone else \(\"someone else\", to 192.168.80.3:22\)" \
	up sync <"$tmp/st3"
same "... the rest of the set is in force, the other mapping untouched" \
	"$theirs
tcp 8080 192.168.80.21 8080 ours i62608 02:00:00:00:80:21
tcp 9000 192.168.80.20 9000 ours i62608 02:00:00:00:80:20
udp 6000 192.168.80.20 6000 ours i62608 02:00:00:00:80:20" "$(mappings)"

check_err "a mapping the IGD refuses (its permissions: no ports below 1024)" 1 \
	"cannot map tcp port 80: .*\((606|718)\)" \
	up sync <<<"forward tcp 80 192.168.80.20 80 02:00:00:00:80:20"
same "... and the mappings not wanted any more are gone" \
	"$theirs" "$(mappings)"

before=$(mappings)
check_err "refused before any request: a duplicate port" 1 \
	"port forwards 0 and 1 both forward udp port 7000" \
	up sync <<<"forward udp 7000 192.168.80.20 1 a
forward udp 7000 192.168.80.21 1 b"
check_err "refused before any request: a 48-character tag" 1 \
	"owner tag is longer than 47 characters" \
	up sync <<<"forward udp 7000 192.168.80.20 1 $(printf 'x%.0s' {1..48})"
check_err "refused before any request: port 0" 1 "external port 0 is not a port" \
	up sync <<<"forward udp 0 192.168.80.20 1 a"
same "... nothing changed" "$before" "$(mappings)"

# ---- leases ---------------------------------------------------------------------

# leases_in LO HI - every lease of ours is within LO..HI seconds.
leases_in() {
	local l n=0
	for l in $(up list | sed -n 's/^mapping .* ours lease \([0-9]*\) desc .*/\1/p'); do
		[ "$l" -ge "$1" ] && [ "$l" -le "$2" ] || return 1
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
same "sync with a lease of 3600 s" "changes 2" \
	"$(up sync --lease 3600 <"$tmp/st1" 2>&1)"
if leases_in 3500 3600; then
	ok "... the IGD counts it down from 3600 s"
else
	diag "$(up list)"
	fail "... the IGD counts it down from 3600 s"
fi
same "with the same lease: no renewal yet" "changes 0" \
	"$(up sync --lease 3600 <"$tmp/st1" 2>&1)"
same "a lease of 10000 s: less than half left, both renewed" "changes 4" \
	"$(up sync --lease 10000 <"$tmp/st1" 2>&1)"
if leases_in 9000 10000; then
	ok "... now counting down from 10000 s"
else
	diag "$(up list)"
	fail "... now counting down from 10000 s"
fi

# ---- discovery -------------------------------------------------------------------

out=$(in_ns "$gw" "$gwtool" upnp list --discover --if c0 --wait 1000 2>&1)
if grep -q '^lanaddr 192.168.80.2$' <<<"$out" &&
	grep -q '^mapping tcp 8080 192.168.80.20 80 ours' <<<"$out"; then
	ok "SSDP discovery on c0 finds the IGD"
else
	diag "$out"
	fail "SSDP discovery on c0 finds the IGD"
fi

# ---- uninstall -----------------------------------------------------------------------

same "remove deletes our mappings" "changes 2" "$(up remove 2>&1)"
same "... only ours" "$theirs" "$(mappings)"
out=$(in_ns "$igd" nft list chain inet filter prerouting_miniupnpd)
if ! grep -qE 'dport (8080|5000) ' <<<"$out" && grep -q 'dport 2222 ' <<<"$out"; then
	ok "... and miniupnpd dropped their rules"
else
	diag "$out"
	fail "... and miniupnpd dropped their rules"
fi
same "remove again: nothing to do" "changes 0" "$(up remove 2>&1)"

# ---- IGDs that are not there ------------------------------------------------------------

check_err "an IGD URL where nothing listens" 1 \
	"no UPnP IGD at http://192.168.80.1:1/rootDesc.xml \(it cannot be fetched or describes no IGD\)" \
	in_ns "$gw" "$gwtool" upnp list --url http://192.168.80.1:1/rootDesc.xml
check_err "an IGD URL of an unreachable host" 1 \
	"no UPnP IGD at http://192.168.80.9:5555/rootDesc.xml" \
	in_ns "$gw" "$gwtool" upnp list --url http://192.168.80.9:5555/rootDesc.xml
check_err "a URL that describes no IGD" 1 \
	"no UPnP IGD at http://192.168.80.1:5555/nosuch.xml" \
	in_ns "$gw" "$gwtool" upnp list --url http://192.168.80.1:5555/nosuch.xml
check_err "a URL that is not http://" 1 \
	"\"ftp://192.168.80.1/x\" is not an http:// URL" \
	in_ns "$gw" "$gwtool" upnp list --url ftp://192.168.80.1/x
check_err "a discovery where there is no IGD" 1 \
	"no UPnP device answered the discovery on x0" \
	in_ns "$lone" "$gwtool" upnp list --discover --if x0 --wait 500

tap_end
