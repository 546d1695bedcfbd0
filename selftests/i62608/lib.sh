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
