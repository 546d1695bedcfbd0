#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug lane's self-check: plant a leak, an inverted lock order and a
# use after free with a test-only module (faultmod/) and require kmemleak,
# lockdep and KASAN to report each. A lane whose detectors are silently
# broken cannot pass. Runs last in the debug kernel's VM: the use after
# free makes the kernel panic (panic_on_warn), which scripts/check-debug
# expects and checks on the console.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

fault_ko=${I62608_FAULT_KO:-$top/build/k/debug-fault/i62608_fault.ko}
kml=/sys/kernel/debug/kmemleak

[ -f "$fault_ko" ] || { fail "the fault module is built ($fault_ko)"; tap_end; exit 1; }
[ -w "$kml" ] || { fail "kmemleak is available"; tap_end; exit 1; }

echo clear >"$kml"
dmesg -C
insmod "$fault_ko" fault=leak && rmmod i62608_fault
# Objects younger than about 5 s are not reported: wait, then scan twice.
sleep 6
echo scan >"$kml"
sleep 1
echo scan >"$kml"
if grep -q 'i62608_fault_init' "$kml"; then
	ok "kmemleak reports the planted leak, naming its allocation site"
else
	diag "$(cat "$kml")"
	fail "kmemleak reports the planted leak, naming its allocation site"
fi
echo clear >"$kml"

dmesg -C
insmod "$fault_ko" fault=lockdep && rmmod i62608_fault
if dmesg | grep -q 'possible circular locking dependency detected'; then
	ok "lockdep reports the planted inverted lock order"
else
	diag "$(dmesg | tail -20)"
	fail "lockdep reports the planted inverted lock order"
fi
dmesg -C

echo "1..$((tap_n + 1))"
echo "# i62608-detectors: planting a use after free: KASAN must report it and the kernel panic"
sync
insmod "$fault_ko" fault=uaf
# Reached only if nothing caught it.
echo "not ok $((tap_n + 1)) KASAN reports the planted use after free (the kernel went on)"
exit 1
