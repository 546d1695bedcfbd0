#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The security benchmark, in one VM boot (make bench-security): numbers, no
# verdict. docs/benchmarks.md explains each number and the method.
#
#   bench/security.sh [--kernel NAME] [--windows K] [--window MS] [--agents N]
#
# 1. Handshakes the configurator sustains: secload keeps 32 handshakes in
#    flight from N agents (own MACs, one static key, admitted by the
#    pairing window), K windows of MS each:
#      a  HS_INIT -> HS_RESP only (--init-only, one precomputed HS_INIT):
#         the kernel's ephemeral key and two X25519 per message, nothing
#         to compute on the sending side;
#      b  complete handshakes (HS_INIT, HS_RESP, HS_FINISH, SESSION_CONFIRM
#         opened): the sending side does as much X25519 as the kernel.
# 2. The cost of authentication on the receive path: N agents with a
#    session and N without, each with its REPORT held, so that every
#    HEARTBEAT takes the fast path; windows alternate plaintext and
#    protected HEARTBEATs, sent unpaced from CPU 0 (protected ones sealed
#    beforehand), frames per second and CPU 0's time per frame (veth
#    delivers in the sender's softirq). Checked afterwards: no frame was
#    dropped (stats), so every frame sent was a frame accepted.
#
#   +--- ns "sgw" -----------------+        +--- ns "sdev" -----------+
#   | g0 (enabled), rate 0         | <veth> | d0   secload             |
#   +------------------------------+        +--------------------------+
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
kernel=6.12
windows=5
window_ms=2000
agents=64
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--windows) windows=$2; shift 2 ;;
	--window) window_ms=$2; shift 2 ;;
	--agents) agents=$2; shift 2 ;;
	-h | --help) sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "security.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
export I62608_KERNEL=$kernel
# shellcheck source=../selftests/i62608/lib.sh
. "$top/selftests/i62608/lib.sh"

secload=${I62608_BENCH:-$top/build/bench}/secload
for b in "$secload" "$I62608_BIN/i62608ctl"; do
	[ -x "$b" ] || { echo "security.sh: missing $b (make bench-security builds it)" >&2; exit 1; }
done
if ! module_loaded; then
	module_load || { echo "security.sh: cannot load $I62608_KO" >&2; exit 1; }
	at_exit module_unload
fi

gw=sgw-$$
dev=sdev-$$
tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
if ! ns_new "$gw" || ! ns_new "$dev"; then
	echo "security.sh: no namespaces" >&2
	exit 1
fi
ip link add g0 netns "$gw" type veth peer name d0 netns "$dev"
ip -n "$gw" link set g0 up
ip -n "$dev" link set d0 up
gmac=$(ip -n "$gw" -br link show g0 | awk '{print $3}')

ctl() {
	I62608_STATE_DIR=$tmp ip netns exec "$gw" i62608ctl "$@"
}
if ! ctl key init --file "$tmp/configurator.key" >/dev/null ||
	! ctl iface add g0 ||
	! ctl params set rate 0 max_agents 65536 max_agents_per_iface 65536 \
		heartbeat_interval 3600 max_ttl 86400 >/dev/null ||
	! ctl pair open 3600; then
	echo "security.sh: cannot set up the configurator" >&2
	exit 1
fi

load() {
	ip netns exec "$dev" "$secload" "$@" -i d0 --dst "$gmac" --agents "$agents" \
		--windows "$windows" --window "$window_ms"
}

echo "# kernel $(uname -r), $(nproc) CPUs; $windows windows of $window_ms ms, $agents agents"
printf '\n== 1a. HS_INIT -> HS_RESP (the configurator'"'"'s share of a handshake)\n'
load hs --init-only
printf '\n== 1b. complete handshakes (secload computes as much as the kernel)\n'
hs0=$(ctl -j stats | jq '.handshakes // 0')
load hs
hs1=$(ctl -j stats | jq '.handshakes // 0')
echo "kernel: $((hs1 - hs0)) sessions established; hs_failed $(ctl -j stats | jq '.hs_failed // 0'), hs_busy drops $(ctl -j stats | jq '[.. | objects | .drops? | objects | .hs_busy // 0] | add')"

printf '\n== 2. plaintext vs protected HEARTBEATs, fast path, sender on CPU 0\n'
d0=$(ctl -j stats | jq -c '[.. | objects | .drops? | objects] | add')
rx0=$(ctl -j stats | jq '[.. | objects | .rx_frames? | numbers] | add')
load rate --cpu 0
d1=$(ctl -j stats | jq -c '[.. | objects | .drops? | objects] | add')
rx1=$(ctl -j stats | jq '[.. | objects | .rx_frames? | numbers] | add')
echo "kernel: $((rx1 - rx0)) frames received during the run"
echo "drops before: $d0"
echo "drops after:  $d1"
