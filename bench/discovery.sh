#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The discovery benchmark, in one VM boot (make bench-discovery): numbers,
# no verdict. docs/benchmarks.md explains each number and the method.
#
#   bench/discovery.sh [--kernel NAME] [--windows K] [--window MS] [-j]
#
# 1. Discovery latency: from starting i62608-agent to its AGENT_NEW_NTF
#    and to its first AGENT_CHANGE_NTF (reported) in userspace (disclat),
#    1 agent 30 times, 100 agents at once (--instances 100) 5 times.
#
#   +--- ns "lgw" -----------------+        +--- ns "ldev" -------------+
#   | br0 (enabled) -- p1 <--------+- veth -+-> eth0   i62608-agent     |
#   | disclat (events group)       |        |                           |
#   +------------------------------+        +---------------------------+
#
# 2. Receive throughput and CPU cost per frame: HEARTBEATs from 256
#    sources (4 unpaced l2gen, 64 sources each, pinned to CPU 0) into a
#    veth whose receive processing RPS steers to CPU 1; K windows of MS
#    (default 5 x 3000 ms) per case, l2rate sampling the case's frame
#    counter and CPU 1's time in /proc/stat:
#      a  the stack dropping the frames: r0 not enabled, no handler (the
#         ceiling of any receiver);
#      b  the module: r0 enabled, rate 0, the 256 agents reported so
#         every HEARTBEAT takes the fast path;
#      c  l2recv, the same bookkeeping in userspace (TPACKET_V3 ring),
#         pinned to CPU 1, the module not enabled on r0.
#
#   +--- ns "src" -----------------+        +--- ns "dst" --------------+
#   | 4 x l2gen on CPU 0 --> s0 <--+- veth -+-> r0 (RPS: CPU 1)         |
#   +------------------------------+        | module / l2recv, l2rate   |
#                                           +---------------------------+
#
# Every output is also kept in build/vm/bench/ (.txt, or .json with -j).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
kernel=6.12
windows=5
window_ms=3000
json=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--windows) windows=$2; shift 2 ;;
	--window) window_ms=$2; shift 2 ;;
	-j | --json) json=1; shift ;;
	-h | --help) sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "discovery.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
export I62608_KERNEL=$kernel
# shellcheck source=../selftests/i62608/lib.sh
. "$top/selftests/i62608/lib.sh"

# The programs may come from a copy (I62608_BIN, I62608_BENCH,
# I62608_SELFTESTS), so that a rebuild on the host cannot change them
# while the VM runs.
bench=${I62608_BENCH:-$top/build/bench}
l2gen=${I62608_SELFTESTS:-$top/build/selftests}/l2gen
agent=$I62608_BIN/i62608-agent
out=$top/build/vm/bench
for b in "$bench/disclat" "$bench/l2rate" "$bench/l2recv" "$l2gen" "$agent" \
	"$I62608_BIN/i62608ctl"; do
	[ -x "$b" ] || { echo "discovery.sh: missing $b (make bench-discovery builds it)" >&2; exit 1; }
done
[ "$(nproc)" -ge 2 ] || { echo "discovery.sh: needs 2 CPUs (vm-run --cpus 2)" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.save "$out"/*.json "$out"/*.txt

j=()
ext=txt
[ "$json" = 1 ] && j=(-j) && ext=json

# section TITLE - a heading in text mode (JSON mode prints documents only).
section() {
	[ "$json" = 1 ] || printf '\n== %s\n' "$*"
}

# keep NAME CMD... - run CMD, print its output and keep a copy as NAME.
keep() {
	local name=$1
	shift
	"$@" | tee "$out/$name"
	return "${PIPESTATUS[0]}"
}

module_fresh "" || { echo "discovery.sh: cannot load $I62608_KO" >&2; exit 1; }
section "$(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)," \
	"$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"

# ---- 1. latency ----------------------------------------------------------

tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
ns_new lgw && ns_new ldev || exit 1
ip link add p1 netns lgw type veth peer name eth0 netns ldev address 02:62:71:00:00:00
ip -n lgw -b - <<EOB || exit 1
link add br0 type bridge
link set p1 master br0
link set p1 up
link set br0 up
EOB
ip -n ldev link set eth0 up
ip -n ldev addr add 192.168.63.2/24 dev eth0
in_ns lgw i62608ctl iface add br0 || exit 1
cat >"$tmp/agent.conf" <<EOC
device_type = stb
vendor = Bench
model = B-1
name = bench
interfaces = eth0
resolv_conf = $tmp/resolv.conf
state_dir = $tmp/state
EOC
: >"$tmp/resolv.conf"

# The agent's messages go to a log: disclat's output stays the numbers.
agent_cmd="exec ip netns exec ldev '$agent' -c '$tmp/agent.conf' -q"
section "latency: 1 agent, 30 rounds"
keep "latency-1.$ext" ip netns exec lgw "$bench/disclat" "${j[@]}" --repeat 30 \
	--label "1 agent" -- sh -c "$agent_cmd 2>>'$tmp/agent.log'" ||
	{ tail "$tmp/agent.log"; exit 1; }
section "latency: 100 agents at once, 5 rounds"
keep "latency-100.$ext" ip netns exec lgw "$bench/disclat" "${j[@]}" --repeat 5 \
	--agents 100 --label "100 agents" -- \
	sh -c "$agent_cmd --instances 100 2>>'$tmp/agent.log'" ||
	{ tail "$tmp/agent.log"; exit 1; }

# ---- 2. throughput -------------------------------------------------------

ns_new src && ns_new dst || exit 1
ip link add s0 netns src type veth peer name r0 netns dst
ip -n src link set s0 up
ip -n dst link set r0 up
r0mac=$(ip -n dst -br link show r0 | awk '{ print $3 }')
# Receive processing of r0 (veth: netif_rx, then the backlog) on CPU 1.
in_ns dst sh -c 'echo 2 >/sys/class/net/r0/queues/rx-0/rps_cpus' || exit 1

EPOCH=0x62608
senders=()
start_senders() {
	local k
	for k in 0 1 2 3; do
		taskset -c 0 ip netns exec src "$l2gen" -i s0 -t heartbeat -n 64 \
			-m 02:62:72:0$k:00:00 -e $EPOCH -r 1 -T 600 -d "$r0mac" \
			-D 3600 >/dev/null 2>&1 &
		senders+=("$!")
	done
}
stop_senders() {
	local p
	for p in "${senders[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${senders[@]}"; do wait "$p" 2>/dev/null; done
	senders=()
}
at_exit stop_senders

# The same 256 agents REPORT first (message id 1, which the HEARTBEATs name).
send_reports() {
	local k
	for k in 0 1 2 3; do
		ip netns exec src "$l2gen" -i s0 -t report -n 64 -m 02:62:72:0$k:00:00 \
			-e $EPOCH -M 1 -T 600 -d "$r0mac" >/dev/null || return 1
	done
}

# rate LABEL COUNTER [OFFERED] - one case, while the senders run.
rate() {
	local label=$1 counter=$2 offered=()
	[ $# -gt 2 ] && offered=(--offered "$3")
	start_senders
	keep "rate-$label.$ext" ip netns exec dst taskset -c 0 "$bench/l2rate" "${j[@]}" \
		--counter "$counter" "${offered[@]}" --cpu 1 --windows "$windows" \
		--window "$window_ms" --warmup 2000 --label "$label" --save "$out/$label.save"
	local rc=$?
	stop_senders
	return $rc
}

rx_packets=sysfs:/sys/class/net/r0/statistics/rx_packets

# veth counts a frame in rx_packets once it is queued to the backlog that
# CPU 1 works off (frames the backlog has no room for are not counted):
# with no handler, each is freed there by __netif_receive_skb_core().
section "throughput a: no handler, the stack drops the frames (ceiling)"
rate a "$rx_packets" || exit 1

section "throughput b: the module, 256 reported agents, rate 0"
in_ns dst i62608ctl iface add r0 || exit 1
in_ns dst i62608ctl params set rate 0 || exit 1
send_reports || exit 1
all_reported() { in_ns dst i62608ctl -j stats | grep -q '"reported":256,'; }
wait_for 20 all_reported || { echo "discovery.sh: the module does not hold 256 REPORTs" >&2; exit 1; }
rate b iface:r0 "$rx_packets" || exit 1
# Fast path throughout: no drop, no answer, every agent still reported.
keep "module-stats.$ext" in_ns dst i62608ctl "${j[@]}" stats
in_ns dst i62608ctl iface del r0

section "throughput c: l2recv, the same bookkeeping in userspace (CPU 1)"
taskset -c 1 ip netns exec dst "$bench/l2recv" "${j[@]}" -i r0 --stats "$tmp/l2recv.stats" \
	>"$out/l2recv.$ext" &
recv=$!
at_exit "kill $recv 2>/dev/null"
# The file appears once l2recv's socket is bound.
wait_for 20 test -e "$tmp/l2recv.stats" || { echo "discovery.sh: l2recv did not start" >&2; exit 1; }
send_reports || exit 1
ip netns exec dst "$bench/l2rate" --counter "l2recv:$tmp/l2recv.stats:reported" \
	--until 256 || exit 1
rate c "l2recv:$tmp/l2recv.stats" "$rx_packets" || exit 1
kill "$recv"
wait "$recv"
cat "$out/l2recv.$ext"

section "summary: medians, and each case against the one before (%)"
keep "summary.$ext" "$bench/l2rate" "${j[@]}" --summary "$out/a.save" "$out/b.save" "$out/c.save"
