#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Entry point of the VM suite: runs inside a virtme-ng guest booted by
# scripts/vm-run, as root. Loads the module, runs every test of the
# kselftest Makefile (TEST_GEN_PROGS, then TEST_PROGS) with the kernel log
# checked after each, then checks for leaks (kmemleak, if the kernel has it)
# and that the module unloads.
#
#   run_vm.sh [--kernel NAME] [TEST...]
#
# TEST names a test program (e.g. netns.sh, iface_nl) to run only those.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export I62608_KERNEL=6.12
only=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) I62608_KERNEL=$2; shift 2 ;;
	-*) echo "run_vm.sh: unknown option $1" >&2; exit 2 ;;
	*) only+=("$1"); shift ;;
	esac
done
export I62608_KO=$top/build/k/$I62608_KERNEL/i62608.ko
export I62608_BIN=$top/build/bin
export I62608_SELFTESTS=$top/build/selftests
export PATH="$I62608_BIN:$PATH"

echo "# kernel $(uname -r), $(nproc) CPUs, module $I62608_KO"
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug

# shellcheck source=lib.sh
. "$here/lib.sh"
trap - EXIT
if ! module_fresh ""; then
	echo "Bail out! cannot load $I62608_KO"
	exit 1
fi

mapfile -t tests < <(make -s -C "$here" OUTPUT="$I62608_SELFTESTS" print-tests)
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
"$top/scripts/run-tests" --kernel-log "${tests[@]}"
