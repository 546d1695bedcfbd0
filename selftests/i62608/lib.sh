# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers of the i62608 shell selftests: TAP output, the module,
# network namespaces, and cleanup. Tests source this file, call tap_begin,
# run check/ok/fail, and end with tap_end.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${I62608_KERNEL:=6.12}"
: "${I62608_KO:=$top/build/k/$I62608_KERNEL/i62608.ko}"
: "${I62608_BIN:=$top/build/bin}"
export PATH="$I62608_BIN:$PATH"

# ---- TAP -----------------------------------------------------------------

tap_n=0
tap_failed=0

tap_begin() {
	echo "TAP version 13"
}

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n $*"
}

fail() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n $*"
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# check DESC CMD... - one test case: CMD must succeed.
check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" = 0 ]; then
		ok "$desc"
	else
		diag "command: $*" "exit status: $rc" "$out"
		fail "$desc"
	fi
}

# check_fails DESC CMD... - CMD must fail.
check_fails() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" != 0 ]; then
		ok "$desc"
	else
		diag "command unexpectedly succeeded: $*" "$out"
		fail "$desc"
	fi
}

# check_err DESC STATUS PATTERN CMD... - CMD exits with STATUS and its
# stderr matches the extended regex PATTERN.
check_err() {
	local desc=$1 want=$2 pat=$3 out rc
	shift 3
	out=$("$@" 2>&1 >/dev/null) && rc=0 || rc=$?
	if [ "$rc" = "$want" ] && grep -qE -- "$pat" <<<"$out"; then
		ok "$desc"
	else
		diag "command: $*" "exit status $rc (want $want), stderr:" "$out" \
			"(want a match for: $pat)"
		fail "$desc"
	fi
}

tap_end() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}

# pycheck DESC FILE SCRIPT - one test case: the Python SCRIPT, run with the
# JSON of FILE as "d" (json, re and sys imported), must succeed (assert ...).
pycheck() {
	local desc=$1 file=$2 script=$3 out
	if out=$(/usr/bin/python3 -c "import json, re, sys
d = json.load(open(sys.argv[1]))
$script" "$file" 2>&1); then
		ok "$desc"
	else
		diag "$out" "JSON was:" "$(head -c 3000 "$file")"
		fail "$desc"
	fi
}

# sanitizer_clean WHO LOG - one test case: no ASan/LSan/UBSan report in LOG
# (a program built with the sanitizers, natively).
sanitizer_clean() {
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$2"; then
		diag "$(grep -E -A20 'Sanitizer|runtime error' "$2" | head -60)"
		fail "no sanitizer report from $1"
	else
		ok "no sanitizer report from $1"
	fi
}

# ---- module --------------------------------------------------------------

module_loaded() {
	[ -d /sys/module/i62608 ]
}

# Load our module after the modules it depends on (resolved by modinfo, so
# dependencies such as crypto libraries come from the booted kernel).
module_load() {
	local dep
	[ -f "$I62608_KO" ] || { echo "missing $I62608_KO" >&2; return 1; }
	for dep in $(modinfo -F depends "$I62608_KO" | tr ',' ' '); do
		modprobe "$dep" || return 1
	done
	insmod "$I62608_KO" "$@"
}

module_unload() {
	rmmod i62608
}

# Make sure the module is loaded and unloaded-clean at the start of a test.
module_fresh() {
	if module_loaded; then
		module_unload || return 1
	fi
	module_load "$@"
}

# ---- namespaces ----------------------------------------------------------

ns_list=()

# ns_new NAME - a fresh network namespace with lo up, removed at exit.
ns_new() {
	ip netns del "$1" 2>/dev/null || true
	ip netns add "$1" && ip -n "$1" link set lo up && ns_list+=("$1")
}

# in_ns NAME CMD... - run CMD in the namespace.
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# veth NS1 IF1 NS2 IF2 - a veth pair from IF1 in NS1 to IF2 in NS2 (the
# same namespace or two), both up.
veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" &&
		ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

# wait_for TIMEOUT_S CMD... - poll until CMD succeeds. TIMEOUT_S is what
# a native run needs; it is multiplied by I62608_SLOW (run_vm.sh sets it for
# the emulated VMs), so a slow machine fails no test for its slowness.
wait_for() {
	local end=$((SECONDS + $1 * ${I62608_SLOW:-1}))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

cleanup_hooks=()

at_exit() {
	cleanup_hooks+=("$*")
}

# ---- i62608d ------------------------------------------------------------

# daemon_env NS [CMD...] - the frame of a test of i62608d, which runs in
# the namespace NS (made here) with the module: bails out without the
# programs (and the commands CMD), makes $tmp (removed at exit) with the
# daemon's database $db, control socket and gateway state there, and sets
# $agent, $daemon, $py. Defines ctl (i62608ctl in NS) and sql (one query
# of the daemon's database, read beside it: WAL). The daemon daemon_start
# starts is killed at exit.
daemon_env() {
	local b c
	daemon_ns=$1
	shift
	agent=$I62608_BIN/i62608-agent
	daemon=$I62608_BIN/i62608d
	py=/usr/bin/python3
	for b in "$agent" "$daemon" "$I62608_BIN/i62608ctl"; do
		[ -x "$b" ] || { echo "Bail out! missing $b (make userspace)"; exit 1; }
	done
	for c in sqlite3 "$@"; do
		command -v "$c" >/dev/null || { echo "Bail out! $c is missing"; exit 1; }
	done
	module_loaded || { echo "Bail out! the module is not loaded"; exit 1; }
	tmp=$(mktemp -d)
	at_exit "rm -rf '$tmp'"
	export I62608_STATE_DIR=$tmp/gwstate
	export I62608D_SOCKET=$tmp/i62608d.sock
	db=$tmp/i62608d.db
	daemon_log=$tmp/daemon.log
	dpid=
	# shellcheck disable=SC2016 # $dpid as it is at exit
	at_exit 'kill -9 $dpid'
	ns_new "$daemon_ns" || { echo "Bail out! cannot create namespace $daemon_ns"; exit 1; }
	ctl() { in_ns "$daemon_ns" i62608ctl "$@"; }
	sql() { sqlite3 -batch -noheader "file:$db?mode=ro" "$1" 2>&1; }
}

# daemon_start - i62608d on $db and $policy in the test's namespace, in the
# foreground, logging (debug) to $daemon_log; $dpid. Fails unless its
# control socket answers in time.
daemon_start() {
	ip netns exec "$daemon_ns" "$daemon" --foreground --db "$db" --policy "$policy" \
		--socket "$I62608D_SOCKET" --log-level debug 2>>"$daemon_log" &
	dpid=$!
	wait_for 10 ctl daemon status
}

# daemon_key - the configurator's key made in the kernel; its public key in
# $cfgpub, for the agents' configurator_key.
daemon_key() {
	ctl key init >/dev/null || { echo "Bail out! key init failed"; exit 1; }
	cfgpub=$(ctl -j key show | $py -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')
}

# agent_key CONF - the public key of the agent of CONF.
agent_key() {
	"$agent" -c "$1" --show-key -j |
		$py -c 'import json,sys; print(json.load(sys.stdin)["public_key"])'
}

# daemon_counter NAME - a counter of `daemon status`.
daemon_counter() {
	ctl -j daemon status |
		$py -c 'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]])' "$1"
}

# daemon_stop_clean - one test case: the daemon exits with status 0 on
# SIGTERM and logged no error (priorities 0 to 3) in the whole test.
daemon_stop_clean() {
	local rc=0
	kill -TERM "$dpid" && wait "$dpid" || rc=$?
	if [ "$rc" = 0 ] && ! grep -qE '^<[0-3]>' "$daemon_log"; then
		ok "i62608d exits with status 0, no error in its log"
	else
		diag "exit status $rc" "$(grep -E '^<[0-3]>' "$daemon_log")"
		fail "i62608d exits with status 0, no error in its log"
	fi
}
# ---- miniupnpd ------------------------------------------------------------

# miniupnpd_prepare NS DIR - for a real miniupnpd (Debian's nftables build)
# in NS: the chains it expects (its nft_init.sh makes the same; it only
# adds rules to them), and DIR/miniupnpd.conf for an IGD with its external
# side on e0, listening on l0 port 5555.
miniupnpd_prepare() {
	in_ns "$1" nft -f - <<'EOF' &&
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy accept;
		jump miniupnpd
	}
	chain miniupnpd {
	}
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		jump prerouting_miniupnpd
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		jump postrouting_miniupnpd
	}
	chain prerouting_miniupnpd {
	}
	chain postrouting_miniupnpd {
	}
}
EOF
	cat >"$2/miniupnpd.conf" <<'EOF'
ext_ifname=e0
listening_ip=l0
port=5555
enable_natpmp=no
enable_upnp=yes
secure_mode=no
system_uptime=yes
uuid=3ff1e4a6-62a0-4e0b-9c4e-62608000c0de
allow 1024-65535 0.0.0.0/0 1-65535
deny 0-65535 0.0.0.0/0 0-65535
EOF
}


lib_cleanup() {
	local i ns
	for ((i = ${#cleanup_hooks[@]} - 1; i >= 0; i--)); do
		eval "${cleanup_hooks[$i]}" >/dev/null 2>&1 || true
	done
	for ns in "${ns_list[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
}
trap lib_cleanup EXIT
