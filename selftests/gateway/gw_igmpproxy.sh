#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The igmpproxy backend (userspace/gateway/igmp.c) through gwtool, with the
# real igmpproxy: enable writes the configuration and starts it detached
# (its VIFs in the kernel), status reports it, a receiver behind the
# downstream joins a group and gets the stream a source behind the
# upstream sends, a changed configuration or a new interface restarts it,
# disable stops it and removes its files. Refused: bad configurations,
# missing interfaces and binary, another multicast router, a stale
# pidfile.
#
#   +-- ns src ------+      +-- ns gw ------------------------+      +-- ns rcv -----------+
#   | s0 10.79.1.2   |-veth-| up0 10.79.1.1    down0 .79.1/24 |-veth-| r0 192.168.79.2/24  |
#   | sends 239.1.2.3|      | igmpproxy (ours), other0 (veth) |      | joins 239.1.2.3     |
#   +----------------+      +---------------------------------+      +---------------------+
#
# Needs root and igmpproxy; traffic stays in the namespaces.
# shellcheck source=../i62608/lib.sh
. "$(dirname "$0")/../i62608/lib.sh"
tap_begin

gwtool=${GWTOOL:-$top/build/selftests/gateway/gwtool}
gwnet=$top/selftests/gateway/gw_net.py
[ -x "$gwtool" ] || { echo "Bail out! missing $gwtool (make gateway-tests)"; exit 1; }
[ -x /usr/sbin/igmpproxy ] || { echo "Bail out! igmpproxy is not installed"; exit 1; }

src=gwisrc-$$
gw=gwigw-$$
rcv=gwircv-$$
tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
if ! ns_new "$src" || ! ns_new "$gw" || ! ns_new "$rcv"; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
ip link add s0 netns "$src" type veth peer name up0 netns "$gw"
ip link add down0 netns "$gw" type veth peer name r0 netns "$rcv"
ip -n "$gw" link add other0 type veth peer name other0p
ip -n "$src" addr add 10.79.1.2/24 dev s0
ip -n "$gw" addr add 10.79.1.1/24 dev up0
ip -n "$gw" addr add 192.168.79.1/24 dev down0
ip -n "$gw" addr add 172.31.79.1/24 dev other0
ip -n "$rcv" addr add 192.168.79.2/24 dev r0
for l in "$src s0" "$gw up0" "$gw down0" "$gw other0" "$rcv r0"; do
	read -r n d <<<"$l"
	ip -n "$n" link set "$d" up
done
ip -n "$src" route add 224.0.0.0/4 dev s0
ip -n "$rcv" route add 224.0.0.0/4 dev r0
# igmpproxy 0.3 reads IGMPv2 reports best.
in_ns "$rcv" sysctl -qw net.ipv4.conf.r0.force_igmp_version=2
in_ns "$gw" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.up0.rp_filter=0

conf=$tmp/igmpproxy.conf
pidfile=$tmp/igmpproxy.pid
log=$tmp/igmpproxy.log

pids=()
stop_all() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}
at_exit stop_all
# Whatever igmpproxy the test leaves: ours by the pidfile, the foreign one.
kill_proxies() {
	local f
	for f in "$pidfile" "$tmp/foreign.pid"; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
}
at_exit kill_proxies

gi() {
	in_ns "$gw" "$gwtool" igmp "$1" --conf "$conf" --pidfile "$pidfile" \
		--log "$log" "${@:2}"
}
cfg=(--up up0 --down down0 --altnet 10.0.0.0/8 --quickleave)

same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		diag "want:" "$2" "got:" "$3"
		fail "$1"
	fi
}

# field NAME STATUS-OUTPUT
field() {
	sed -n "s/^$1 //p" <<<"$2"
}

vifs() {
	in_ns "$gw" cat /proc/net/ip_mr_vif | sed 1d | awk '{print $2}' | sort | tr '\n' ' '
}

has_vifs() {
	[ -n "$(vifs)" ]
}

no_vifs() {
	[ -z "$(vifs)" ]
}

# alive PID - the process exists and is not a zombie (nothing may have
# reaped it yet: it is no child of ours).
alive() {
	local state
	state=$(sed -n 's/^[0-9]* (.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}

# ---- enable -------------------------------------------------------------------

st=$(gi status "${cfg[@]}" 2>&1)
if [ "$(field running "$st")" = no ] && grep -q "^why igmpproxy is not started" <<<"$st"; then
	ok "status before enable: not started"
else
	diag "$st"
	fail "status before enable: not started"
fi

same "enable starts igmpproxy" started "$(gi enable "${cfg[@]}" 2>&1)"
pid=$(cat "$pidfile" 2>/dev/null)
if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = igmpproxy ] &&
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-d $conf"; then
	ok "the pidfile names our igmpproxy, on our configuration"
else
	diag "pid '$pid': $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>&1)"
	fail "the pidfile names our igmpproxy, on our configuration"
fi
sid=$(ps -o sid= -p "$pid" | tr -d ' ')
if [ -n "$sid" ] && [ "$sid" != "$(ps -o sid= -p $$ | tr -d ' ')" ]; then
	ok "it runs detached, in a session of its own"
else
	diag "session '$sid', ours $(ps -o sid= -p $$)"
	fail "it runs detached, in a session of its own"
fi
same "the configuration file" "# igmpproxy configuration of i62608d: rewritten whole on every change.
quickleave
phyint up0 upstream ratelimit 0 threshold 1
	altnet 10.0.0.0/8
phyint down0 downstream ratelimit 0 threshold 1
phyint other0 disabled" "$(cat "$conf")"
same "the kernel has its VIFs: up0 and down0" "down0 up0 " "$(vifs)"
st=$(gi status "${cfg[@]}" 2>&1)
same "status: running, configuration and VIFs match" \
	"running yes
pid $pid
config_matches yes
vifs_match yes" "$st"
same "enable again: already running" running "$(gi enable "${cfg[@]}" 2>&1)"
same "... the same process" "$pid" "$(cat "$pidfile")"

# ---- a stream through it ------------------------------------------------------------

rm -f "$tmp/mc" "$tmp/mc.ready"
ip netns exec "$rcv" /usr/bin/python3 "$gwnet" mcast-recv r0 239.1.2.3 5004 "$tmp/mc" &
pids+=("$!")
wait_for 5 test -f "$tmp/mc.ready"
ip netns exec "$src" /usr/bin/python3 "$gwnet" mcast-send s0 239.1.2.3 5004 60 &
sender=$!
pids+=("$sender")
if wait_for 10 test -s "$tmp/mc" && grep -q '^10.79.1.2 stream [0-9]*$' "$tmp/mc"; then
	ok "a receiver behind down0 joins 239.1.2.3 and gets the stream from up0"
else
	diag "received: $(cat "$tmp/mc" 2>&1)" "igmpproxy log:" "$(tail -n 20 "$log")"
	fail "a receiver behind down0 joins 239.1.2.3 and gets the stream from up0"
fi
kill "$sender" 2>/dev/null

# ---- changes restart it ---------------------------------------------------------------

cfg2=(--up up0 --down down0)
st=$(gi status "${cfg2[@]}" 2>&1)
same "status against another configuration: it does not match" no \
	"$(field config_matches "$st")"
same "enable with it restarts igmpproxy" started "$(gi enable "${cfg2[@]}" 2>&1)"
pid2=$(cat "$pidfile")
if [ "$pid2" != "$pid" ] && ! alive "$pid"; then
	ok "... a new process, the old one gone"
else
	diag "old $pid new $pid2"
	fail "... a new process, the old one gone"
fi
if ! grep -qE 'quickleave|altnet' "$conf"; then
	ok "... on the new configuration"
else
	diag "$(cat "$conf")"
	fail "... on the new configuration"
fi

ip -n "$gw" link add other1 type veth peer name other1p
ip -n "$gw" addr add 172.31.80.1/24 dev other1
ip -n "$gw" link set other1 up
same "a new interface with an address: the configuration no longer matches" no \
	"$(field config_matches "$(gi status "${cfg2[@]}" 2>&1)")"
same "enable restarts igmpproxy" started "$(gi enable "${cfg2[@]}" 2>&1)"
check "... with the new interface disabled" grep -qx "phyint other1 disabled" "$conf"

# ---- disable ---------------------------------------------------------------------------

pid3=$(cat "$pidfile")
same "disable stops it" stopped "$(gi disable 2>&1)"
check_fails "... the process is gone" alive "$pid3"
same "... its VIFs are gone" "" "$(vifs)"
check "... and so are the pidfile and the configuration" \
	bash -c "! test -e '$pidfile' && ! test -e '$conf'"
same "status: not running" no "$(field running "$(gi status 2>&1)")"
same "disable again: nothing to stop" "not running" "$(gi disable 2>&1)"

# ---- refused -----------------------------------------------------------------------------

check_err "upstream as downstream too" 1 "up0 is both upstream and downstream" \
	gi enable --up up0 --down up0
check_err "a downstream given twice" 1 "downstream down0 is given twice" \
	gi enable --up up0 --down down0 --down down0
check_err "no downstream" 1 "0 downstream interfaces: 1 to 8 are needed" \
	gi enable --up up0
check_err "9 downstreams" 1 "9 downstream interfaces: 1 to 8 are needed" \
	gi enable --up up0 --down a1 --down a2 --down a3 --down a4 --down a5 \
	--down a6 --down a7 --down a8 --down a9
check_err "an altnet with host bits" 1 "alternate network 10.1.0.0/8 has host bits set" \
	gi enable --up up0 --down down0 --altnet 10.1.0.0/8
check_err "an altnet prefix of 33" 1 "the prefix is longer than 32" \
	gi enable --up up0 --down down0 --altnet 10.0.0.0/33
check_err "a missing interface" 1 "interface nosuch0 does not exist" \
	gi enable --up up0 --down nosuch0
ip -n "$gw" link add noaddr0 type veth peer name noaddr0p
check_err "an interface without an IPv4 address" 1 \
	"interface noaddr0 has no IPv4 address \(igmpproxy needs one\)" \
	gi enable --up up0 --down noaddr0
check_err "a missing igmpproxy binary" 1 \
	"cannot run /nonexistent/igmpproxy: No such file or directory" \
	gi enable "${cfg[@]}" --binary /nonexistent/igmpproxy
check "... leaves nothing running" bash -c "! test -e '$pidfile'"
check_err "a relative configuration path" 1 \
	"igmpproxy's configuration file \"igmpproxy.conf\" is not an absolute path" \
	in_ns "$gw" "$gwtool" igmp enable --conf igmpproxy.conf --pidfile "$pidfile" "${cfg[@]}"

# Another multicast router in the netns: one per netns, ours cannot start.
printf 'phyint up0 upstream\nphyint down0 downstream\nphyint other0 disabled\nphyint other1 disabled\n' \
	>"$tmp/foreign.conf"
ip netns exec "$gw" /usr/sbin/igmpproxy -d "$tmp/foreign.conf" >"$tmp/foreign.log" 2>&1 &
echo $! >"$tmp/foreign.pid"
pids+=("$(cat "$tmp/foreign.pid")")
wait_for 5 has_vifs
st=$(gi status "${cfg[@]}" 2>&1)
if [ "$(field running "$st")" = no ] &&
	grep -q "^why another multicast router runs here (interfaces \"" <<<"$st"; then
	ok "status sees another multicast router"
else
	diag "$st"
	fail "status sees another multicast router"
fi
check_err "enable refuses to fight it" 1 \
	"another multicast router runs in this network namespace \(its interfaces: " \
	gi enable "${cfg[@]}"
kill "$(cat "$tmp/foreign.pid")"
wait_for 5 no_vifs

# A stale pidfile: the process it names is not touched.
sleep 60 &
stranger=$!
pids+=("$stranger")
echo "$stranger" >"$pidfile"
st=$(gi status 2>&1)
if [ "$(field running "$st")" = no ] && grep -q "is gone or another program" <<<"$st"; then
	ok "status: a stale pidfile is not our igmpproxy"
else
	diag "$st"
	fail "status: a stale pidfile is not our igmpproxy"
fi
same "disable leaves that process alone" "not running" "$(gi disable 2>&1)"
check "... it still runs" kill -0 "$stranger"
same "enable after all that starts ours" started "$(gi enable "${cfg[@]}" 2>&1)"
same "disable" stopped "$(gi disable 2>&1)"

tap_end
