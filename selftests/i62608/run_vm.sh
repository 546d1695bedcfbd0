#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Entry point of the VM suite: runs inside a virtme-ng guest booted by
# scripts/vm-run, as root. Loads the module, runs every test of the
# kselftest Makefile (TEST_GEN_PROGS, then TEST_PROGS) with the kernel log
# checked after each, then checks for leaks (kmemleak, if the kernel has it)
# and that the module unloads.
#
#   run_vm.sh [--kernel NAME] [--detectors] [--except "TEST..."] [TEST...]
#
# TEST names a test program (e.g. netns.sh, iface_nl) to run only those;
# --except runs every test but the ones it names (make test splits the
# default kernel's suite over two VMs this way, so a new test is never
# left out of both). teardown.sh ends every run, selected or not.
# --detectors (debug lane) ends with detectors.sh, which plants faults for
# kmemleak, lockdep and KASAN and finally makes the kernel panic.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export I62608_KERNEL=6.12
only=()
except=()
detectors=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) I62608_KERNEL=$2; shift 2 ;;
	--detectors) detectors=1; shift ;;
	--except) read -ra except <<<"$2"; shift 2 ;;
	-*) echo "run_vm.sh: unknown option $1" >&2; exit 2 ;;
	*) only+=("$1"); shift ;;
	esac
done
export I62608_KO=$top/build/k/$I62608_KERNEL/i62608.ko
export I62608_BIN=$top/build/bin
export I62608_SELFTESTS=$top/build/selftests
export PATH="$I62608_BIN:$PATH"
# The debug lane's endurance is the issue's: 1000 load/unload cycles.
[ "$I62608_KERNEL" = debug ] && export I62608_ENDURANCE_CYCLES=1000
# Under TCG everything runs about ten times slower than natively, and the
# KASAN kernel ten times slower again at starting programs: the tests'
# timeouts (wait_for, and run-tests' per program) scale by this factor.
if [ -z "${I62608_SLOW:-}" ]; then
	I62608_SLOW=4
	[ "$I62608_KERNEL" = debug ] && I62608_SLOW=16
fi
export I62608_SLOW

echo "# kernel $(uname -r), $(nproc) CPUs, module $I62608_KO"
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug

# Forget what kmemleak saw while the VM booted: only the suite counts.
kmemleak_clear() {
	[ -w /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak
	return 0
}

# shellcheck source=lib.sh
. "$here/lib.sh"
trap - EXIT
if ! module_fresh ""; then
	echo "Bail out! cannot load $I62608_KO"
	exit 1
fi

mapfile -t all < <(make -s -C "$here" OUTPUT="$I62608_SELFTESTS" print-tests)
tests=("${all[@]}")
kmemleak_clear
if [ ${#only[@]} -gt 0 ]; then
	selected=()
	for t in "${tests[@]}"; do
		for o in "${only[@]}"; do
			[ "${t##*/}" = "$o" ] && selected+=("$t")
		done
	done
	[ ${#selected[@]} -gt 0 ] || { echo "Bail out! no test named: ${only[*]}"; exit 1; }
	tests=("${selected[@]}")
fi
if [ ${#except[@]} -gt 0 ]; then
	selected=()
	for t in "${tests[@]}"; do
		skip=0
		for e in "${except[@]}"; do
			[ "${t##*/}" = "$e" ] && skip=1
		done
		[ "$skip" = 1 ] || selected+=("$t")
	done
	tests=("${selected[@]}")
fi
# Every boot ends with teardown.sh (the module unloads, kmemleak finds
# nothing), whatever was selected: each half of a split suite is checked.
last=
for t in "${all[@]}"; do
	[ "${t##*/}" = teardown.sh ] && last=$t
done
run=()
for t in "${tests[@]}"; do
	[ "$t" = "$last" ] || run+=("$t")
done
[ -n "$last" ] && run+=("$last")
"$top/scripts/run-tests" --kernel-log "${run[@]}"
rc=$?

if [ "$detectors" = 1 ]; then
	# Last: it disables lockdep and ends with a panic.
	echo "# selftests: i62608: detectors.sh"
	"$here/detectors.sh" 2>&1 | sed -u 's/^/# /'
	# Not reached when the kernel panicked, as it must.
	exit 1
fi
exit $rc
