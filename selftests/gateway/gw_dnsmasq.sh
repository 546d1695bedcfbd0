#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The dnsmasq backend (userspace/gateway/dnsmasq.c) through gwtool, with a
# real dnsmasq serving DHCP from its --dhcp-hostsfile and a real DHCP
# client (busybox udhcpc) on the reserved MAC: the client gets exactly the
# reserved address, and after a change and its reload, on renewal, the
# new one. Also: no signal when nothing changed, refused input leaving the
# file alone, a missing or stale pidfile, a foreign line in the file.
#
#   +-- ns gw ---------------------------+      +-- ns cl ---------------------+
#   | dnsmasq on g0 192.168.78.1/24      |-veth-| c0 02:00:00:00:78:20         |
#   |  range .100-.150, hosts file ours  |      |  udhcpc                      |
#   +------------------------------------+      +------------------------------+
#
# Needs root, dnsmasq and busybox (udhcpc); traffic stays in the namespaces.
# shellcheck source=../i62608/lib.sh
. "$(dirname "$0")/../i62608/lib.sh"
tap_begin

gwtool=${GWTOOL:-$top/build/selftests/gateway/gwtool}
[ -x "$gwtool" ] || { echo "Bail out! missing $gwtool (make gateway-tests)"; exit 1; }
dnsmasq=$(command -v dnsmasq) || { echo "Bail out! dnsmasq is not installed"; exit 1; }
busybox udhcpc --help >/dev/null 2>&1 || { echo "Bail out! busybox with udhcpc is not installed"; exit 1; }

gw=gwdgw-$$
cl=gwdcl-$$
tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
if ! ns_new "$gw" || ! ns_new "$cl"; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
ip link add g0 netns "$gw" type veth peer name c0 netns "$cl"
ip -n "$gw" addr add 192.168.78.1/24 dev g0
ip -n "$gw" link set g0 up
ip -n "$cl" link set c0 address 02:00:00:00:78:20
ip -n "$cl" link set c0 up

hosts=$tmp/etc/hosts.i62608
pidfile=$tmp/run/dnsmasq.pid
mkdir -p "$tmp/etc" "$tmp/run"

pids=()
stop_all() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}
at_exit stop_all

dm() {
	"$gwtool" dnsmasq "$1" --hostsfile "$hosts" --pidfile "$pidfile" "${@:2}"
}

same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		diag "want:" "$2" "got:" "$3"
		fail "$1"
	fi
}

# ---- before dnsmasq runs: the file is written, the missing pid reported ----

check_err "sync without a dnsmasq: the pidfile is missing" 1 \
	"is written, but dnsmasq was not told: dnsmasq's pidfile $pidfile does not exist" \
	dm sync <<<"host 02:00:00:00:78:20 192.168.78.20 tv"
same "... and the file holds the reservation" \
	"host 02:00:00:00:78:20 192.168.78.20 tv" "$(dm read 2>&1)"
perm=$(stat -c %a "$hosts")
same "the hosts file is 0644, and no temporary file is left" "644 hosts.i62608" \
	"$perm $(ls "$tmp/etc")"

# ---- dnsmasq serves it -----------------------------------------------------

# dnsmasq runs as root here (--user=root) to write its files in $tmp; ip
# netns exec execs, so $! is dnsmasq.
ip netns exec "$gw" "$dnsmasq" --keep-in-foreground --conf-file=/dev/null --port=0 \
	--user=root --interface=g0 --bind-interfaces \
	--dhcp-range=192.168.78.100,192.168.78.150,255.255.255.0,2m \
	--dhcp-hostsfile="$hosts" --dhcp-leasefile="$tmp/leases" \
	--pid-file="$pidfile" --log-dhcp --log-facility="$tmp/dnsmasq.log" &
dnsmasq_pid=$!
pids+=("$dnsmasq_pid")
if ! wait_for 5 test -s "$pidfile"; then
	echo "Bail out! dnsmasq did not start: $(cat "$tmp/dnsmasq.log" 2>&1)"
	exit 1
fi
same "pid reads dnsmasq's pidfile" "$dnsmasq_pid" "$(dm pid 2>&1)"

reads() {
	grep -c "read $hosts" "$tmp/dnsmasq.log"
}

# read_more N - dnsmasq has read the file more than N times (for wait_for).
read_more() {
	[ "$(reads)" -gt "$1" ]
}
base=$(reads)
same "sync --reload signals dnsmasq though the file is unchanged" reloaded \
	"$(dm sync --reload <<<"host 02:00:00:00:78:20 192.168.78.20 tv" 2>&1)"
wait_for 5 read_more "$base"
same "... which reads the file again" $((base + 1)) "$(reads)"
same "the same sync again: unchanged" unchanged \
	"$(dm sync <<<"host 02:00:00:00:78:20 192.168.78.20 tv" 2>&1)"
sleep 0.3
same "... and dnsmasq was not signalled" $((base + 1)) "$(reads)"

cat >"$tmp/script" <<'EOF'
#!/bin/sh
# udhcpc's hook: apply the address, then log the event.
case $1 in
bound|renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/$mask" dev "$interface"
	;;
deconfig)
	ip addr flush dev "$interface"
	;;
esac
echo "$1 $ip" >>"$UDHCPC_LOG"
EOF
chmod +x "$tmp/script"
UDHCPC_LOG=$tmp/udhcpc.log ip netns exec "$cl" busybox udhcpc -f -i c0 -s "$tmp/script" \
	-t 5 -T 1 >"$tmp/udhcpc.out" 2>&1 &
udhcpc=$!
pids+=("$udhcpc")

addr() {
	ip -n "$cl" -4 -o addr show dev c0 | awk '{print $4}'
}

addr_is() {
	[ "$(addr)" = "$1" ]
}
if wait_for 10 grep -q '^bound ' "$tmp/udhcpc.log" &&
	[ "$(grep '^bound ' "$tmp/udhcpc.log")" = "bound 192.168.78.20" ] &&
	wait_for 2 addr_is 192.168.78.20/24; then
	ok "the client with the reserved MAC gets exactly 192.168.78.20"
else
	diag "udhcpc:" "$(cat "$tmp/udhcpc.log" "$tmp/udhcpc.out")" "address: $(addr)"
	fail "the client with the reserved MAC gets exactly 192.168.78.20"
fi

# ---- a changed reservation, on renewal ---------------------------------------

base=$(reads)
cat >"$tmp/st2" <<'EOF'
host 02:00:00:00:78:99 192.168.78.99
host 02:00:00:00:78:20 192.168.78.30 livingroom-tv
EOF
same "sync of a changed set: dnsmasq reloaded" reloaded "$(dm sync <"$tmp/st2" 2>&1)"
same "read: exactly the new set, in MAC order" \
	"host 02:00:00:00:78:20 192.168.78.30 livingroom-tv
host 02:00:00:00:78:99 192.168.78.99" "$(dm read 2>&1)"
wait_for 5 read_more "$base"
kill -USR1 "$udhcpc"
if wait_for 15 grep -q '^bound 192.168.78.30$' "$tmp/udhcpc.log" &&
	wait_for 2 addr_is 192.168.78.30/24; then
	ok "on renewal the client is refused the old address and gets 192.168.78.30"
else
	diag "udhcpc:" "$(cat "$tmp/udhcpc.log")" "address: $(addr)" \
		"dnsmasq:" "$(tail -n 20 "$tmp/dnsmasq.log")"
	fail "on renewal the client is refused the old address and gets 192.168.78.30"
fi
if grep -q 'DHCPACK(g0) 192.168.78.30 02:00:00:00:78:20 livingroom-tv' "$tmp/dnsmasq.log"; then
	ok "dnsmasq acknowledged it with the reserved host name"
else
	diag "$(grep DHCPACK "$tmp/dnsmasq.log")"
	fail "dnsmasq acknowledged it with the reserved host name"
fi

# ---- refused input leaves the file alone --------------------------------------

cp "$hosts" "$tmp/hosts.before"
refuse() {
	local desc=$1 pat=$2 err rc
	err=$(dm sync <<<"$3" 2>&1 >/dev/null) && rc=0 || rc=$?
	if [ "$rc" = 1 ] && grep -qE -- "$pat" <<<"$err" &&
		cmp -s "$hosts" "$tmp/hosts.before"; then
		ok "refused, file unchanged: $desc"
	else
		diag "exit $rc, stderr: $err" "(want a match for: $pat)"
		fail "refused, file unchanged: $desc"
	fi
}
refuse "a multicast MAC" "01:00:5e:00:00:01 is a multicast MAC address" \
	"host 01:00:5e:00:00:01 192.168.78.40"
refuse "the zero MAC" "the MAC address is zero" \
	"host 00:00:00:00:00:00 192.168.78.40"
refuse "address 0.0.0.0" "0.0.0.0 is not the unicast address of a host" \
	"host 02:00:00:00:78:41 0.0.0.0"
refuse "a broadcast address" "255.255.255.255 is not the unicast address" \
	"host 02:00:00:00:78:41 255.255.255.255"
refuse "one MAC twice" "reservations 0 and 1 are both for 02:00:00:00:78:41" \
	"host 02:00:00:00:78:41 192.168.78.41
host 02:00:00:00:78:41 192.168.78.42"
refuse "one address twice" "reservations 0 and 1 both give 192.168.78.41" \
	"host 02:00:00:00:78:41 192.168.78.41
host 02:00:00:00:78:42 192.168.78.41"
refuse "one host name twice (any case)" "reservations 0 and 1 both name TV" \
	"host 02:00:00:00:78:41 192.168.78.41 tv
host 02:00:00:00:78:42 192.168.78.42 TV"
refuse "a host name dnsmasq reads as a lease time" "\"45m\" would be read as a lease time" \
	"host 02:00:00:00:78:41 192.168.78.41 45m"
refuse "a host name that is a dnsmasq keyword" "\"infinite\" is a dnsmasq keyword" \
	"host 02:00:00:00:78:41 192.168.78.41 infinite"
refuse "a host name with an underscore" "has a character other than letters, digits and '-'" \
	"host 02:00:00:00:78:41 192.168.78.41 living_room"
refuse "a host name beginning with '-'" "begins or ends with '-'" \
	"host 02:00:00:00:78:41 192.168.78.41 -tv"
refuse "a 64-character host name" "is longer than 63 characters" \
	"host 02:00:00:00:78:41 192.168.78.41 $(printf 'a%.0s' {1..64})"

# ---- stale and broken pidfiles -----------------------------------------------

sleep 60 &
stranger=$!
pids+=("$stranger")
echo "$stranger" >"$tmp/run/stale.pid"
check_err "a stale pidfile (another program's pid) is refused" 1 \
	"process $stranger of pidfile $tmp/run/stale.pid is not a running dnsmasq" \
	"$gwtool" dnsmasq sync --hostsfile "$hosts" --pidfile "$tmp/run/stale.pid" \
	<<<"host 02:00:00:00:78:20 192.168.78.31"
check "... and that process was not signalled" kill -0 "$stranger"
same "... but the file is written" "host 02:00:00:00:78:20 192.168.78.31" "$(dm read 2>&1)"
echo "garbage" >"$tmp/run/bad.pid"
check_err "a pidfile without a pid is refused" 1 \
	"pidfile $tmp/run/bad.pid does not hold a process id" \
	"$gwtool" dnsmasq pid --pidfile "$tmp/run/bad.pid"
echo "1 2" >"$tmp/run/bad.pid"
check_err "a pidfile with two numbers is refused" 1 "does not hold a process id" \
	"$gwtool" dnsmasq pid --pidfile "$tmp/run/bad.pid"

# ---- a file someone edited ------------------------------------------------------

echo "dhcp-host=02:00:00:00:78:50,192.168.78.50" >>"$hosts"
check_err "read refuses a line it did not write" 1 \
	"line 3 is not a reservation of ours: \"dhcp-host=02:00:00:00:78:50,192.168.78.50\"" \
	dm read
same "sync rewrites the file whole" reloaded "$(dm sync <"$tmp/st2" 2>&1)"
same "... back to exactly our set" \
	"host 02:00:00:00:78:20 192.168.78.30 livingroom-tv
host 02:00:00:00:78:99 192.168.78.99" "$(dm read 2>&1)"

# ---- uninstall: no reservations ---------------------------------------------------

same "sync of no reservations" reloaded "$(dm sync </dev/null 2>&1)"
same "... leaves only the header comment" \
	"# Static DHCP reservations of i62608d: rewritten whole on every change." \
	"$(cat "$hosts")"
same "read: none" "" "$(dm read 2>&1)"
if ! grep -qiE 'bad|error|failed' "$tmp/dnsmasq.log"; then
	ok "dnsmasq logged no complaint about the file"
else
	diag "$(grep -iE 'bad|error|failed' "$tmp/dnsmasq.log")"
	fail "dnsmasq logged no complaint about the file"
fi

tap_end
