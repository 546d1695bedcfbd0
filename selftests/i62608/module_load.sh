#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads and unloads cleanly, over and over, also with
# interfaces enabled in several namespaces at unload time.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin
at_exit 'module_loaded || module_load'

# Each cycle here is three program starts (insmod, i62608ctl, rmmod),
# seconds under TCG; the many cycles under traffic are endurance.sh's
# (one process, selftests/i62608/modcycle.c).
cycles=${I62608_LOAD_CYCLES:-20}
failed=0
module_loaded && module_unload
for i in $(seq 1 "$cycles"); do
	if ! module_load; then failed=$i; break; fi
	if ! i62608ctl version >/dev/null; then failed=$i; break; fi
	if ! module_unload; then failed=$i; break; fi
done
if [ "$failed" = 0 ]; then
	ok "$cycles load/unload cycles"
else
	fail "$cycles load/unload cycles (cycle $failed failed)"
fi
check "the family is gone after unload" bash -c "! genl-ctrl-list 2>/dev/null | grep -q i62608"

ns_new m1
ns_new m2
for ns in m1 m2; do
	in_ns $ns ip link add name u0 type veth peer name u1
	in_ns $ns ip link set u0 up
done
failed=0
for i in $(seq 1 10); do
	module_load || { failed=$i; break; }
	in_ns m1 i62608ctl iface add u0 && in_ns m2 i62608ctl iface add u0 &&
		i62608ctl iface add lo 2>/dev/null
	module_unload || { failed=$i; break; }
done
if [ "$failed" = 0 ]; then
	ok "10 unloads with interfaces enabled in two namespaces"
else
	fail "10 unloads with interfaces enabled in two namespaces (cycle $failed)"
fi

check "ethertype parameter below 0x0600 is refused" bash -c \
	". $(dirname "$0")/lib.sh; ! module_load ethertype=0x0500"
check "ethertype parameter 0x88b6 is used" bash -c \
	". $(dirname "$0")/lib.sh; module_load ethertype=0x88b6 && i62608ctl version | grep -q 0x88b6 && module_unload"

tap_end
