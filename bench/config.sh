#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The configuration benchmark, in one VM boot (make bench-config): numbers,
# no verdict. docs/benchmarks.md explains each number and the method.
#
#   bench/config.sh [--kernel NAME] [--agents N] [--windows "W..."]
#                   [--rounds R] [--loss PCT] [-j]
#
# N (default 1000) virtual agents of one i62608-agent (--instances N,
# config_mode = dry-run: each instance checks and records its requests,
# the host is not touched), paired by the module's pairing window. cfgload
# sends each of them one configuration request per round, R rounds
# (default 5), at most W in flight (each of "64 256" by default), and
# times each from its CONFIG_SEND to its CONFIG_RESULT_NTF:
#   a  the link as it is;
#   b  PCT % (default 10) of the frames lost in each direction (tc netem
#      on both ends of the veth), the module's retransmissions at work.
# The module's parameters are its defaults (config_rto 500 ms, 6 tries),
# but for heartbeats and session lifetimes long enough that no agent
# expires or shakes hands again during the runs.
#
#   +--- ns "cgw" -----------------------+        +--- ns "cdev" -------------+
#   | i62608.ko: g0 enabled, pairing     |        | i62608-agent --instances N |
#   | window open; cfgload (events group)|        |   config_mode = dry-run    |
#   |   g0 [netem loss PCT % in b] <-----+- veth -+-> d0 [netem loss PCT % in b]|
#   +------------------------------------+        +----------------------------+
#
# Every output is also kept in build/vm/bench/config/ (.txt, or .json with -j).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
kernel=6.12
agents=1000
windows="64 256"
rounds=5
loss=10
json=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--agents) agents=$2; shift 2 ;;
	--windows) windows=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--loss) loss=$2; shift 2 ;;
	-j | --json) json=1; shift ;;
	-h | --help) sed -n '3,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "config.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
max_window=1024
# shellcheck disable=SC2086 # the list of windows is split on purpose
for v in "$agents" "$rounds" "$loss" $windows; do
	case $v in
	'' | *[!0-9]*) echo "config.sh: '$v' is not a whole number" >&2; exit 2 ;;
	esac
done
for w in $windows; do
	[ "$w" -ge 1 ] || { echo "config.sh: a window is at least 1" >&2; exit 2; }
	[ "$w" -le "$max_window" ] || max_window=$w
done
[ -n "$windows" ] || { echo "config.sh: --windows: no window" >&2; exit 2; }
[ "$loss" -le 100 ] || { echo "config.sh: --loss is a percentage" >&2; exit 2; }
export I62608_KERNEL=$kernel
# shellcheck source=../selftests/i62608/lib.sh
. "$top/selftests/i62608/lib.sh"

# The programs may come from a copy (I62608_BIN, I62608_BENCH), so that a
# rebuild on the host cannot change them while the VM runs.
cfgload=${I62608_BENCH:-$top/build/bench}/cfgload
agent=$I62608_BIN/i62608-agent
out=$top/build/vm/bench/config
for b in "$cfgload" "$agent" "$I62608_BIN/i62608ctl"; do
	[ -x "$b" ] || { echo "config.sh: missing $b (make bench-config builds it)" >&2; exit 1; }
done
command -v tc >/dev/null || { echo "config.sh: tc is missing" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.txt "$out"/*.json

j=()
ext=txt
[ "$json" = 1 ] && j=(-j) && ext=json

section() {
	[ "$json" = 1 ] || printf '\n== %s\n' "$*"
}

if ! module_loaded; then
	module_load || { echo "config.sh: cannot load $I62608_KO" >&2; exit 1; }
	at_exit module_unload
fi

gw=cgw-$$
dev=cdev-$$
tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
if ! ns_new "$gw" || ! ns_new "$dev"; then
	echo "config.sh: no namespaces" >&2
	exit 1
fi
ip link add g0 netns "$gw" type veth peer name d0 netns "$dev"
ip -n "$gw" link set g0 up
ip -n "$dev" link set d0 up

ctl() {
	I62608_STATE_DIR=$tmp/gwstate ip netns exec "$gw" i62608ctl "$@"
}
# Nothing but the requests may end a session or an agent during the runs:
# heartbeats hourly (TTLs of 3 h, so that no agent expires under loss), no
# session lifetime short of a day. Enough requests in flight for every W.
if ! ctl -j key init >"$tmp/key.json" ||
	! ctl iface add g0 ||
	! ctl params set heartbeat_interval 3600 max_ttl 86400 reject_after 86400 \
		max_pending "$max_window" ||
	! ctl pair open 3600; then
	echo "config.sh: cannot set up the configurator" >&2
	exit 1
fi
cfgpub=$(sed -n 's/.*"public_key":"\([^"]*\)".*/\1/p' "$tmp/key.json")
[ -n "$cfgpub" ] || { echo "config.sh: key init printed no key" >&2; exit 1; }

: >"$tmp/resolv.conf"
cat >"$tmp/agent.conf" <<EOC
device_type = stb
vendor = Bench
model = C-1
name = cfg
interfaces = d0
resolv_conf = $tmp/resolv.conf
state_dir = $tmp/agentstate
configurator_key = $cfgpub
config_mode = dry-run
rekey_after = 1440min
discover_backoff_max = 2s
EOC

t0=$SECONDS
ip netns exec "$dev" "$agent" -c "$tmp/agent.conf" --instances "$agents" -q \
	2>>"$tmp/agent.log" &
agent_pid=$!
at_exit "kill $agent_pid; wait $agent_pid"

sessions() {
	ctl -j stats | sed -n 's/.*"sessions":\([0-9]*\).*/\1/p'
}
# Handshakes that time out on a loaded machine are tried again after up to
# 60 s (i62608-agent.md, KEYS AND PAIRING): wait while sessions are still
# coming, give up after 180 s without a new one.
last=-1
since=$SECONDS
while n=$(sessions); [ "${n:-0}" -lt "$agents" ]; do
	if [ "${n:-0}" != "$last" ]; then
		last=${n:-0}
		since=$SECONDS
	elif [ $((SECONDS - since)) -ge 180 ]; then
		echo "config.sh: $last of $agents agents have a session after $((SECONDS - t0)) s," \
			"none new for 180 s" >&2
		tail -n 20 "$tmp/agent.log" >&2
		exit 1
	fi
	sleep 1
done

section "$(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)," \
	"$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
[ "$json" = 1 ] || echo "$agents agents paired with a session $((SECONDS - t0)) s after the agent started"
ctl "${j[@]}" params >"$out/params.$ext"
[ "$json" = 1 ] || grep -E '^(config_rto|config_tries|max_pending):' "$out/params.$ext"

# run CASE LABEL - the case with every window.
run() {
	local name=$1 label=$2 w
	for w in $windows; do
		section "$name. $agents agents, $w in flight, $rounds rounds, $label"
		ip netns exec "$gw" "$cfgload" "${j[@]}" --agents "$agents" --window "$w" \
			--rounds "$rounds" --label "$label, $w in flight" |
			tee "$out/$name-$w.$ext"
		[ "${PIPESTATUS[0]}" = 0 ] || { tail -n 20 "$tmp/agent.log" >&2; return 1; }
	done
}

run a "no loss" || exit 1

modprobe sch_netem 2>/dev/null
if ! ip netns exec "$gw" tc qdisc add dev g0 root netem loss "$loss%" ||
	! ip netns exec "$dev" tc qdisc add dev d0 root netem loss "$loss%"; then
	echo "config.sh: tc netem loss $loss% (sch_netem missing?)" >&2
	exit 1
fi
run b "$loss% loss each way" || exit 1
ip netns exec "$gw" tc qdisc del dev g0 root
ip netns exec "$dev" tc qdisc del dev d0 root

# Every agent kept its session throughout, or the numbers include handshakes.
section "after the runs"
[ "$json" = 1 ] || echo "sessions: $(sessions) of $agents"
ctl "${j[@]}" stats >"$out/stats.$ext"
