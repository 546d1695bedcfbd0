#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IEC 62608 Scenario 2: the gateway renumbers its LAN (a firmware upgrade
# moving 192.168.20.0/24 to 10.20.0.0/24). A NAS and a media player, each
# with a static address of its pool and a port forward, are configured;
# then the policy's lan, gateway, DNS and pools change and i62608d gets
# SIGHUP. The devices' addresses no longer fit: the daemon plans them
# again, moves the port forwards in nftables and configures the devices,
# and everything is consistent again within the bound of docs/i62608d.md
# (CONVERGENCE), measured here. Nothing is lost: the database holds both
# plans (decisions, attempts, the renumbering), and a restart after it
# sends nothing. (A device with a DHCP reservation would move only at its
# DHCP client's next renewal, a bound of its lease: not measured here.)
#
#   +---- ns "rngw" -------------------------------+     +--- ns "rnnas" --------------+
#   | i62608.ko on br0 (key, both agents paired)   |     | i62608-agent: nas           |
#   | i62608d --policy policy.conf                 |  +--+-> a0 02:62:60:00:20:01      |
#   | br0 192.168.20.1/24, then 10.20.0.1/24       |  |  +-----------------------------+
#   |   ports v0 <---------------------- veth -----+--+  +--- ns "rnmp" ---------------+
#   |         v1 <---------------------- veth -----+-----+-> b0 02:62:60:00:20:02      |
#   | wan0 198.51.100.1/24 (veth): the forwards    |     | i62608-agent: media_player  |
#   +----------------------------------------------+     +-----------------------------+
#
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin

gw=rngw
daemon_env $gw nft unshare

# The bound of docs/i62608d.md (CONVERGENCE) for N devices that answer:
# 1 s + 1 s per 64 devices, times I62608_SLOW under emulation.
n_dev=2
batches=$(((n_dev + 63) / 64))
bound_ms=$(((1000 + batches * 1000) * ${I62608_SLOW:-1}))

nas=02:62:60:00:20:01
mp=02:62:60:00:20:02
if ! ns_new rnnas || ! ns_new rnmp; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
ip -n $gw link add br0 type bridge
ip link add v0 netns $gw type veth peer name a0 netns rnnas address $nas
ip link add v1 netns $gw type veth peer name b0 netns rnmp address $mp
ip -n rnnas link set a0 up
ip -n rnmp link set b0 up
for i in v0 v1; do
	ip -n $gw link set $i master br0 up
done
ip -n $gw addr add 192.168.20.1/24 dev br0
ip -n $gw link set br0 up
veth $gw wan0 $gw wan1
ip -n $gw addr add 198.51.100.1/24 dev wan0
ctl iface add br0 || { echo "Bail out! cannot enable br0"; exit 1; }
daemon_key

# ---- the policy: NET is the LAN's first three octets -------------------------------

policy=$tmp/policy.conf
write_policy() {
	local net=$1
	cat >"$policy" <<EOP
# renumber.sh: the LAN $net.0/24
lan $net.0/24
gateway $net.1
dns $net.1
wan wan0
pool media $net.100 $net.149
pool storage $net.150 $net.159

rule nas
	match type nas
	address static storage
	forward tcp 8443 to 443
	forward tcp 2222 to 22

rule player
	match type media_player
	address static media
	forward tcp 8080 to 80
EOP
}
write_policy 192.168.20

daemon_start || { echo "Bail out! i62608d does not start: $(tail -n 5 "$daemon_log")"; exit 1; }

# ---- the devices -------------------------------------------------------------------

# agent_conf NAME TYPE MODEL IFNAME
agent_conf() {
	mkdir -p "$tmp/$1/run"
	echo "nameserver 192.168.20.1" >"$tmp/$1/resolv.conf"
	cat >"$tmp/$1/agent.conf" <<EOC
device_type = $2
vendor = Example
model = $3
name = $1
interfaces = $4
resolv_conf = $tmp/$1/resolv.conf
state_dir = $tmp/$1/state
dns_file = $tmp/$1/run/resolv.conf
qos_hook = /bin/true
configurator_key = $cfgpub
discover_backoff_max = 2s
EOC
	agent_key "$tmp/$1/agent.conf"
}
pids=()
for d in "nas nas NAS-4 a0 rnnas" "player media_player Player-2 b0 rnmp"; do
	read -r name type model ifname ns <<<"$d"
	key=$(agent_conf "$name" "$type" "$model" "$ifname")
	ctl pair add "$key" name "$name" >/dev/null || { echo "Bail out! pair add failed"; exit 1; }
	ip netns exec "$ns" unshare -u "$agent" -c "$tmp/$name/agent.conf" -v \
		>"$tmp/$name/agent.out" 2>"$tmp/$name/agent.log" &
	pids+=($!)
	at_exit "kill -9 $!"
done

# consistent NET - both devices in sync at their addresses of NET, the
# forwards there (and none elsewhere), the devices holding exactly them.
consistent() {
	local net=$1
	ctl -j device list >"$tmp/list.json" 2>/dev/null || return 1
	ip netns exec $gw nft -j list table inet i62608 >"$tmp/nft.json" 2>/dev/null || return 1
	ip -n rnnas -j addr show dev a0 >"$tmp/nas.addr" &&
		ip -n rnmp -j addr show dev b0 >"$tmp/mp.addr" &&
		ip -n rnnas -j route show default >"$tmp/nas.route" &&
		ip -n rnmp -j route show default >"$tmp/mp.route" || return 1
	$py - "$net" "$tmp" <<'EOF'
import ipaddress, json, sys
net, tmp = ipaddress.ip_network(sys.argv[1] + '.0/24'), sys.argv[2]
devs = {d['mac']: d for d in json.load(open(tmp + '/list.json'))}
want = {}
for mac in ('02:62:60:00:20:01', '02:62:60:00:20:02'):
    d = devs.get(mac)
    assert d and d['status'] == 'in_sync', d
    a = ipaddress.ip_interface(d['address'])
    assert a.network == net, d
    want[mac] = str(a.ip)
# The forwards: DNAT to the new addresses only.
dnat = []
for o in json.load(open(tmp + '/nft.json'))['nftables']:
    r = o.get('rule')
    if not r or r['chain'] != 'prerouting':
        continue
    for e in r['expr']:
        if 'dnat' in e:
            dnat.append((r.get('comment'), e['dnat']['addr'], e['dnat']['port']))
assert sorted(dnat) == sorted([('02:62:60:00:20:01', want['02:62:60:00:20:01'], 443),
                               ('02:62:60:00:20:01', want['02:62:60:00:20:01'], 22),
                               ('02:62:60:00:20:02', want['02:62:60:00:20:02'], 80)]), dnat
# The devices: exactly their address, the default route via the gateway.
for f, r, mac in (('nas.addr', 'nas.route', '02:62:60:00:20:01'),
                  ('mp.addr', 'mp.route', '02:62:60:00:20:02')):
    a = [x['local'] for x in json.load(open(tmp + '/' + f))[0]['addr_info']
         if x['family'] == 'inet']
    assert a == [want[mac]], (mac, a)
    routes = json.load(open(tmp + '/' + r))
    assert [x['gateway'] for x in routes] == [str(net.network_address + 1)], routes
EOF
}
start=$SECONDS
if wait_for 60 consistent 192.168.20; then
	ok "the NAS and the media player are configured, their forwards in nft ($((SECONDS - start)) s)"
else
	diag "$(consistent 192.168.20 2>&1 | tail -n 3)" "$(ctl device list 2>&1)" \
		"$(tail -n 20 "$daemon_log")"
	fail "the NAS and the media player are configured, their forwards in nft"
	echo "Bail out! the devices were not configured"
	exit 1
fi
ctl -j device list >"$tmp/before.json"
sent_before=$(daemon_counter sent)

# ---- the renumbering ------------------------------------------------------------------

# The gateway's own address moves with its firmware's new LAN.
ip -n $gw addr add 10.20.0.1/24 dev br0
ip -n $gw addr del 192.168.20.1/24 dev br0
write_policy 10.20.0
kill -HUP "$dpid"
start=$SECONDS
# Each poll that is not consistent yet says why (the last line of the
# check's complaint), for the record below.
: >"$tmp/polls"
renumbered() {
	local why
	why=$(consistent 10.20.0 2>&1) && return 0
	echo "$((SECONDS - start)) s: $(tail -n 1 <<<"$why" | cut -c 1-200)" >>"$tmp/polls"
	return 1
}
if wait_for 60 renumbered; then
	ok "renumbered: the devices at their new addresses, the forwards moved ($((SECONDS - start)) s of polling)"
	[ -s "$tmp/polls" ] && diag "polls before it was so:" "$(cat "$tmp/polls")"
else
	diag "$(consistent 10.20.0 2>&1 | tail -n 3)" "$(ctl device list 2>&1)" \
		"$(tail -n 30 "$daemon_log")"
	fail "renumbered: the devices at their new addresses, the forwards moved"
fi
# The time the daemon took, by its own clock: from the policy's reload to
# the last device's acknowledgement (the gateway is synced before the
# requests go), not the polling above.
took=$(sql "SELECT max(a.finished) - (SELECT max(time) FROM events WHERE kind = 'policy_loaded')
	FROM applied a")
diag "renumbering of $n_dev devices: the last acknowledged $took ms after the reload (bound $bound_ms ms, I62608_SLOW=${I62608_SLOW:-1})"
if [ -n "$took" ] && [ "$took" -ge 0 ] && [ "$took" -le "$bound_ms" ]; then
	ok "renumbered within the bound: $took ms (bound $bound_ms ms)"
else
	diag "$(sql "SELECT time, mac, kind, detail FROM events ORDER BY id DESC LIMIT 12")"
	fail "renumbered within the bound: $took ms (bound $bound_ms ms)"
fi

ctl -j device list >"$tmp/after.json"
pycheck "each device: a new generation, its address in the new pool, acked" "$tmp/after.json" "
import ipaddress
before = {e['mac']: e for e in json.load(open('$tmp/before.json'))}
for e in d:
    b = before[e['mac']]
    assert e['desired_generation'] == b['desired_generation'] + 1, (b, e)
    assert e['applied_generation'] == e['desired_generation'] and e['outcome'] == 'acked', e
    assert e['reported_address'] == e['address'], e
pool = {'02:62:60:00:20:01': ('10.20.0.150', '10.20.0.159'),
        '02:62:60:00:20:02': ('10.20.0.100', '10.20.0.149')}
for e in d:
    lo, hi = pool[e['mac']]
    a = ipaddress.ip_interface(e['address']).ip
    assert ipaddress.ip_address(lo) <= a <= ipaddress.ip_address(hi), e"
sent=$(daemon_counter sent)
if [ "$sent" = $((sent_before + n_dev)) ]; then
	ok "one configuration request per device"
else
	fail "one configuration request per device (sent $sent, before $sent_before)"
fi

# ---- nothing lost: both plans in the database -------------------------------------------

for mac in $nas $mp; do
	g1=$($py -c "import json,sys; print([e for e in json.load(sys.stdin) if e['mac'] == '$mac'][0]['desired_generation'])" <"$tmp/before.json")
	g2=$((g1 + 1))
	plans=$(sql "SELECT group_concat(detail, ' | ') FROM (SELECT detail FROM events WHERE mac = '$mac' AND kind = 'decided' AND (detail LIKE 'configuration $g1:%' OR detail LIKE 'configuration $g2:%') ORDER BY id)")
	acked=$(sql "SELECT group_concat(generation) FROM (SELECT DISTINCT generation FROM attempts WHERE mac = '$mac' AND outcome = 'acked' AND generation IN ($g1, $g2) ORDER BY generation)")
	renum=$(sql "SELECT detail FROM events WHERE mac = '$mac' AND kind = 'renumbered'")
	if grep -qE "^configuration $g1: .* 192\.168\.20\.[0-9]+/24 \| configuration $g2: .* 10\.20\.0\.[0-9]+/24$" <<<"$plans" &&
		[ "$acked" = "$g1,$g2" ] &&
		grep -qE "^192\.168\.20\.[0-9]+/24 -> 10\.20\.0\.[0-9]+/24 \(configuration $g1 -> $g2\)$" <<<"$renum"; then
		ok "$mac: the database holds both plans ($g1, $g2), both applied, and the renumbering"
	else
		diag "decided: $plans" "acked generations: $acked" "renumbered: $renum"
		fail "$mac: the database holds both plans, both applied, and the renumbering"
	fi
done
if [ "$(sql "SELECT count(*) FROM address_plan WHERE addr >= $((10 << 24 | 20 << 16)) AND addr < $((10 << 24 | 20 << 16 | 256))")" = 2 ] &&
	[ "$(sql "SELECT count(*) FROM gw_rules WHERE spec LIKE '%192.168.20.%'")" = 0 ] &&
	[ "$(sql "SELECT count(*) FROM gw_rules WHERE state = 'synced'")" = 3 ]; then
	ok "the address plan and the gateway rules hold the new addresses only, synced"
else
	diag "$(sql "SELECT mac, addr, pool FROM address_plan")" "$(sql "SELECT mac, spec, state FROM gw_rules")"
	fail "the address plan and the gateway rules hold the new addresses only, synced"
fi

# ---- a restart after it: nothing to do --------------------------------------------------

# The daemon answers once it has reconciled and sent what that called for:
# then nothing queued and nothing in flight means nothing more is sent.
kill -TERM "$dpid"
wait "$dpid"
daemon_start || fail "i62608d starts again"
ctl -j daemon status >"$tmp/status.json"
pycheck "after a restart: nothing sent, none to send, both devices in sync" "$tmp/status.json" "
n = d['devices']
assert d['counters']['sent'] == 0 and n['in_sync'] == 2, d
assert n['queued'] == 0 and n['configuring'] == 0, d"
if consistent 10.20.0; then
	ok "still consistent"
else
	fail "still consistent"
fi
daemon_stop_clean
tap_end
