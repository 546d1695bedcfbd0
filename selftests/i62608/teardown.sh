#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Last test of the suite: the module unloads after everything else ran,
# and the kernel holds no leak of ours (kmemleak, when the kernel has it).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

check "the module unloads at the end of the suite" module_unload
check "no i62608 reference is left" bash -c "! lsmod | grep -q '^i62608 '"

kml=/sys/kernel/debug/kmemleak
if [ -w "$kml" ]; then
	# Objects younger than about 5 s are not reported: wait, scan twice.
	sleep 6
	echo scan >"$kml"
	sleep 1
	echo scan >"$kml"
	leaks=$(cat "$kml")
	if [ -z "$leaks" ]; then
		ok "kmemleak reports no leak"
	else
		diag "$leaks"
		fail "kmemleak reports no leak"
	fi
fi

tap_end
