#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Endurance: the module's lifetime rules under traffic.
#   1. load/unload cycles while frames arrive on an enabled interface;
#   2. network namespaces with enabled interfaces created and destroyed in
#      a loop while frames arrive;
#   3. an enabled interface removed while frames arrive.
# The debug-kernel lane runs this with I62608_ENDURANCE_CYCLES=1000 (KASAN,
# kmemleak and lockdep watch every cycle); the other lanes run fewer. The
# namespace and interface rounds are 20 everywhere: each starts about
# nine programs, and a program start costs about 0.4 s on the debug kernel
# (docs/testing.md).
#
#   +------------------- ns "e" --------------------+
#   |  br0 (enabled)                                |
#   |   `- p0 <---- veth ----> p1 (l2gen floods)    |
#   +-----------------------------------------------+
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin
at_exit 'module_loaded || module_load'
# shellcheck disable=SC2016 # expanded at exit, when $flood is set
at_exit 'kill $flood 2>/dev/null; wait $flood 2>/dev/null'

cycles=${I62608_ENDURANCE_CYCLES:-50}
netns_rounds=20
L2GEN=${I62608_SELFTESTS:-$top/build/selftests}/l2gen
MODCYCLE=${I62608_SELFTESTS:-$top/build/selftests}/modcycle
flood=

ns_new e
in_ns e ip link add name br0 type bridge
in_ns e ip link add name p0 type veth peer name p1
in_ns e ip link set p0 master br0
for d in br0 p0 p1; do in_ns e ip link set "$d" up; done

# Heartbeats and DISCOVERs from 64 sources, until killed.
start_flood() {
	in_ns e "$L2GEN" -i p1 -t "$1" -n 64 -D 3600 -p 500 >/dev/null 2>&1 &
	flood=$!
}

# Every module dependency once, so that a cycle is insmod + rmmod only.
for dep in $(modinfo -F depends "$I62608_KO" | tr ',' ' '); do
	modprobe "$dep"
done
module_loaded && module_unload

start_flood discover
# One process loads, enables br0 and unloads: the cycle is the module's,
# not that of starting programs (selftests/i62608/modcycle.c).
if out=$(in_ns e "$MODCYCLE" -k "$I62608_KO" -i br0 -n "$cycles" 2>&1); then
	ok "$cycles load/unload cycles under traffic ($out)"
else
	printf '%s\n' "$out" | sed 's/^/# /'
	fail "$cycles load/unload cycles under traffic"
fi
kill "$flood"; wait "$flood" 2>/dev/null

module_load
failed=0
t0=$SECONDS
for i in $(seq 1 "$netns_rounds"); do
	n=end$i
	ip netns add "$n" || { failed=$i; break; }
	ip -n "$n" link add name q0 type veth peer name q1
	ip -n "$n" link set q0 up
	ip -n "$n" link set q1 up
	ip netns exec "$n" i62608ctl iface add q0 || { failed=$i; break; }
	ip netns exec "$n" "$L2GEN" -i q1 -t report -n 20 >/dev/null || { failed=$i; break; }
	ip netns exec "$n" "$L2GEN" -i q1 -t heartbeat -n 20 -D 3600 -p 200 >/dev/null 2>&1 &
	pid=$!
	sleep 0.1
	ip netns del "$n"
	# The sender keeps the namespace alive: it goes when the sender does.
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
if [ "$failed" = 0 ]; then
	ok "$netns_rounds namespaces with agents and traffic destroyed ($((SECONDS - t0)) s)"
else
	fail "$netns_rounds namespaces with agents and traffic destroyed (round $failed)"
fi

failed=0
t0=$SECONDS
for i in $(seq 1 20); do
	in_ns e ip link add name r0 type veth peer name r1
	in_ns e ip link set r0 up
	in_ns e ip link set r1 up
	in_ns e i62608ctl iface add r0 || { failed=$i; break; }
	in_ns e "$L2GEN" -i r1 -t discover -n 32 -D 3600 -p 500 >/dev/null 2>&1 &
	pid=$!
	sleep 0.2
	# The enabled end goes away under the flood (and takes r1 along).
	in_ns e ip link del r0 || { failed=$i; break; }
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
if [ "$failed" = 0 ]; then
	ok "20 enabled interfaces removed while frames arrive ($((SECONDS - t0)) s)"
else
	fail "20 enabled interfaces removed while frames arrive (round $failed)"
fi
check "nothing is left enabled" bash -c "[ \"\$(ip netns exec e i62608ctl -j iface show)\" = '[]' ]"

tap_end
