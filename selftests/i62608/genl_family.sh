#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family is registered with its operations and events
# group (seen by libnl's genl-ctrl-list), and i62608ctl's global behaviour:
# version, help, JSON, usage errors and exit statuses.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

family=$(genl-ctrl-list -d 2>&1 | sed -n '/^0x[0-9a-f]* i62608 /,/^0x/p')
if grep -q 'i62608 version 1' <<<"$family"; then
	ok "genl-ctrl-list shows the i62608 family, version 1"
else
	diag "$(genl-ctrl-list -d 2>&1 | head -50)"
	fail "genl-ctrl-list shows the i62608 family, version 1"
fi
if grep -q 'grp events' <<<"$family"; then
	ok "the family has the 'events' multicast group"
else
	diag "$family"
	fail "the family has the 'events' multicast group"
fi

out=$(i62608ctl version 2>&1)
if grep -q '^module: 0\.' <<<"$out" && grep -q '^ethertype: 0x88b5' <<<"$out" &&
	grep -qE '^epoch: 0x[0-9a-f]{8}$' <<<"$out"; then
	ok "i62608ctl version prints module, EtherType and epoch"
else
	diag "$out"
	fail "i62608ctl version prints module, EtherType and epoch"
fi

json=$(i62608ctl -j version)
if /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["protocol"] == 1 and d["ethertype"] == "0x88b5"' <<<"$json"; then
	ok "i62608ctl -j version is valid JSON"
else
	diag "$json"
	fail "i62608ctl -j version is valid JSON"
fi

# The epoch of a namespace stays while the module stays.
e1=$(i62608ctl -j version | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["epoch"])')
e2=$(i62608ctl -j version | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["epoch"])')
if [ -n "$e1" ] && [ "$e1" = "$e2" ]; then
	ok "the epoch is stable while the module is loaded"
else
	fail "the epoch is stable while the module is loaded ($e1 vs $e2)"
fi

check "i62608ctl --help lists the commands" bash -c "i62608ctl --help | grep -q 'iface add IFNAME'"
check "i62608ctl iface add --help explains the command" \
	bash -c "i62608ctl iface add --help | grep -q 'CAP_NET_ADMIN'"
check "i62608ctl help iface lists the iface commands" \
	bash -c "i62608ctl help iface | grep -q 'iface show'"
check_err "no command is a usage error (exit 2)" 2 'usage:' i62608ctl
check_err "an unknown command is a usage error" 2 "unknown command 'frobnicate'" i62608ctl frobnicate
check_err "an unknown verb is a usage error" 2 "unknown command 'frob'" i62608ctl iface frob
check_err "an unknown option is a usage error" 2 'usage:' i62608ctl --bogus version
check_err "an extra argument is a usage error" 2 "unexpected argument 'x'" i62608ctl version x

# Without the module the tool says what is wrong.
module_unload
check_err "without the module, i62608ctl says it is not loaded" 1 \
	'not found: is the i62608 module loaded' i62608ctl version
module_load

tap_end
