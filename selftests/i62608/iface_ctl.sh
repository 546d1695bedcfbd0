#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# i62608ctl iface add|del|show end to end: text and JSON output, the
# kernel's explanations on errors, exit statuses.
#
#   +------------- ns "gw" -------------+
#   | br0 (enabled)                     |
#   |  `- v0 <---- veth ----> v1        |
#   +-----------------------------------+
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

ns_new gw
gw() { in_ns gw "$@"; }
gw ip link add name br0 type bridge
gw ip link add name v0 type veth peer name v1
gw ip link set v0 master br0
for d in br0 v0 v1; do gw ip link set "$d" up; done

check "iface add br0" gw i62608ctl iface add br0
check_err "iface add br0 again: exists, with the kernel's reason" 1 \
	'iface add br0: File exists \(i62608: protocol already enabled on this interface\)' \
	gw i62608ctl iface add br0
check_err "iface add of a missing interface explains" 1 \
	'No such device \(i62608: no interface with this name in this namespace\)' \
	gw i62608ctl iface add nosuch0
check_err "iface add lo: not Ethernet" 1 'not an Ethernet interface' gw i62608ctl iface add lo
check_err "iface add of a 16-character name is a usage error" 2 \
	'not a valid interface name' gw i62608ctl iface add aaaaaaaaaaaaaaaa
check_err "iface add without a name is a usage error" 2 'missing interface name' \
	gw i62608ctl iface add
check_err "iface del of a disabled interface explains" 1 'not enabled on this interface' \
	gw i62608ctl iface del v1

out=$(gw i62608ctl iface show)
if grep -q '^br0:' <<<"$out" && grep -q '  ifindex: ' <<<"$out" &&
	grep -q '    drops:' <<<"$out"; then
	ok "iface show prints the interface with its counters"
else
	diag "$out"
	fail "iface show prints the interface with its counters"
fi

json=$(gw i62608ctl -j iface show)
pyjson='import json,sys
d = json.load(sys.stdin)
assert isinstance(d, list) and len(d) == 1, d
i = d[0]
assert i["ifname"] == "br0" and i["ifindex"] > 0, i
assert isinstance(i["age_ms"], int), i
assert set(i["stats"]["drops"]) >= {"truncated", "version", "type"}, i'
if /usr/bin/python3 -c "$pyjson" <<<"$json"; then
	ok "iface show -j is a JSON list with stats and drops by reason"
else
	diag "$json"
	fail "iface show -j is a JSON list with stats and drops by reason"
fi
check "iface show -j -p is valid JSON" bash -c \
	"ip netns exec gw i62608ctl -j -p iface show | /usr/bin/python3 -m json.tool >/dev/null"
check "iface show br0 shows one interface" bash -c \
	"ip netns exec gw i62608ctl -j iface show br0 | /usr/bin/python3 -c 'import json,sys; assert len(json.load(sys.stdin)) == 1'"
check_err "iface show of a disabled interface explains" 1 'not enabled' gw i62608ctl iface show v1
check "iface del br0" gw i62608ctl iface del br0
check "iface show lists nothing after del" bash -c \
	"[ \"\$(ip netns exec gw i62608ctl -j iface show)\" = '[]' ]"

tap_end
