#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Network namespaces are isolated: each has its own enabled interfaces and
# epoch, the same interface name may be enabled in both, and a namespace
# that goes away with interfaces enabled takes them along cleanly.
#
#   +---- ns "a" ----+        +---- ns "b" ----+
#   | e0 (enabled)   |        | e0 (enabled)   |
#   |  `- veth e1    |        |  `- veth e1    |
#   +----------------+        +----------------+
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

for ns in a b; do
	ns_new $ns
	in_ns $ns ip link add name e0 type veth peer name e1
	in_ns $ns ip link set e0 up
	in_ns $ns ip link set e1 up
done

check "enable e0 in a" in_ns a i62608ctl iface add e0
check "b sees no interface of a" bash -c "[ \"\$(ip netns exec b i62608ctl -j iface show)\" = '[]' ]"
check "the same name can be enabled in b" in_ns b i62608ctl iface add e0
check "disabling in b leaves a alone" bash -c \
	"ip netns exec b i62608ctl iface del e0 && ip netns exec a i62608ctl iface show e0 >/dev/null"
check_err "b cannot disable a's interface" 1 'not enabled' in_ns b i62608ctl iface del e0

ea=$(in_ns a i62608ctl -j version | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["epoch"])')
eb=$(in_ns b i62608ctl -j version | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["epoch"])')
if [ -n "$ea" ] && [ "$ea" != "$eb" ]; then
	ok "each namespace has its own epoch"
else
	fail "each namespace has its own epoch ($ea, $eb)"
fi

# Namespaces with enabled interfaces go away, many times.
enabled=0
for i in $(seq 1 20); do
	ip netns add "tmp$i"
	ip -n "tmp$i" link add name x0 type veth peer name x1
	ip netns exec "tmp$i" i62608ctl iface add x0 && enabled=$((enabled + 1))
	ip netns exec "tmp$i" i62608ctl iface add x1 && enabled=$((enabled + 1))
done
if [ "$enabled" = 40 ]; then
	ok "40 interfaces enabled in 20 namespaces"
else
	fail "40 interfaces enabled in 20 namespaces (only $enabled)"
fi
for i in $(seq 1 20); do ip netns del "tmp$i"; done
check "a and b are unaffected by the deletions" bash -c \
	"ip netns exec a i62608ctl -j iface show | grep -q e0 && ip netns exec b i62608ctl version"

tap_end
