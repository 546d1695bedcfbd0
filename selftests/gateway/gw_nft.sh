#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The nftables backend (userspace/gateway/nft.c) through gwtool, in a
# gateway namespace between a WAN and a LAN namespace: the table's content
# (read with nft, not with our parser), real forwarded TCP and UDP and
# DSCP-marked traffic, a user's own tables left alone, a changed set, one
# transaction per sync, refused input and a refused batch changing
# nothing, drift, the ip family, and the uninstall path.
#
#   +-- ns wan -------+      +-- ns gw -------------------------+      +-- ns lan -----------+
#   | w0 192.0.2.2/24 |-veth-| wan0 192.0.2.1    lan0 .77.1/24 |-veth-| l0 192.168.77.20/24 |
#   +-----------------+      |  table inet i62608 (ours)        |      |    192.168.77.21/24 |
#                            |  table inet user, ip nat (user's)|      +---------------------+
#                            +----------------------------------+
#
# Needs root; traffic stays inside the three namespaces.
# shellcheck source=../i62608/lib.sh
. "$(dirname "$0")/../i62608/lib.sh"
tap_begin

gwtool=${GWTOOL:-$top/build/selftests/gateway/gwtool}
gwnet=$top/selftests/gateway/gw_net.py
[ -x "$gwtool" ] || { echo "Bail out! missing $gwtool (make gateway-tests)"; exit 1; }
command -v nft >/dev/null || { echo "Bail out! nft is not installed (nftables)"; exit 1; }

wan=gwwan-$$
gw=gwgw-$$
lan=gwlan-$$
tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
if ! ns_new "$wan" || ! ns_new "$gw" || ! ns_new "$lan"; then
	echo "Bail out! cannot create namespaces"
	exit 1
fi
ip link add w0 netns "$wan" type veth peer name wan0 netns "$gw"
ip link add lan0 netns "$gw" type veth peer name l0 netns "$lan"
ip -n "$wan" addr add 192.0.2.2/24 dev w0
ip -n "$gw" addr add 192.0.2.1/24 dev wan0
ip -n "$gw" addr add 192.168.77.1/24 dev lan0
ip -n "$lan" addr add 192.168.77.20/24 dev l0
ip -n "$lan" addr add 192.168.77.21/24 dev l0
for l in "$wan w0" "$gw wan0" "$gw lan0" "$lan l0"; do
	read -r n d <<<"$l"
	ip -n "$n" link set "$d" up
done
ip -n "$lan" route add default via 192.168.77.1
ip -n "$wan" route add 192.168.77.0/24 via 192.0.2.1
in_ns "$gw" sysctl -qw net.ipv4.ip_forward=1

pids=()
stop_all() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}
at_exit stop_all

gwt() {
	in_ns "$gw" "$gwtool" "$@"
}

net() {
	local ns=$1
	shift
	in_ns "$ns" /usr/bin/python3 "$gwnet" "$@"
}

# summary FAMILY - our table as nft itself lists it, one line a rule.
summary() {
	in_ns "$gw" nft -n -j list table "$1" i62608 | /usr/bin/python3 "$gwnet" nft-summary
}

# same DESC WANT GOT - one test case: the texts are equal.
same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		diag "want:" "$2" "got:" "$3" "diff:" "$(diff <(echo "$2") <(echo "$3"))"
		fail "$1"
	fi
}

user_tables() {
	in_ns "$gw" nft list table inet user
	in_ns "$gw" nft list table ip nat
}

# serve NS KIND PORT NAME - a one-shot server; its output in $tmp/NAME.
serve() {
	rm -f "$tmp/$4" "$tmp/$4.ready"
	# ip netns exec execs: $! is the server itself.
	ip netns exec "$1" /usr/bin/python3 "$gwnet" "$2" "$3" "$tmp/$4" &
	pids+=("$!")
	wait_for 5 test -f "$tmp/$4.ready"
}

# ---- a user's own tables, there before us ---------------------------------

in_ns "$gw" nft -f - <<'EOF'
table inet user {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport 22 counter accept comment "the user's own"
	}
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		tcp dport 2222 dnat to 192.168.77.20:22
	}
}
EOF
user_before=$(user_tables)

# ---- sync -----------------------------------------------------------------

cat >"$tmp/st1" <<'EOF'
wan wan0
lan lan0
forward tcp 8080 192.168.77.20 80 02:00:00:00:00:20
forward udp 5000 192.168.77.21 5001 02:00:00:00:00:21
qos 192.168.77.20 46 1:6 02:00:00:00:00:20
qos 192.168.77.21 10 none 02:00:00:00:00:21
EOF
sum1='chain inet prerouting nat prerouting -100 accept
chain inet forward filter forward -150 accept
rule prerouting: iifname == wan0, tcp dport == 8080, counter, dnat 192.168.77.20:80 # 02:00:00:00:00:20
rule prerouting: iifname == wan0, udp dport == 5000, counter, dnat 192.168.77.21:5001 # 02:00:00:00:00:21
rule forward: iifname == lan0, ip saddr == 192.168.77.20, counter, set ip dscp 46, set priority 1:6 # 02:00:00:00:00:20
rule forward: oifname == lan0, ip daddr == 192.168.77.20, counter, set ip dscp 46, set priority 1:6 # 02:00:00:00:00:20
rule forward: iifname == lan0, ip saddr == 192.168.77.21, counter, set ip dscp 10 # 02:00:00:00:00:21
rule forward: oifname == lan0, ip daddr == 192.168.77.21, counter, set ip dscp 10 # 02:00:00:00:00:21'

out=$(gwt nft sync <"$tmp/st1" 2>&1)
if [ "$out" = "family inet" ]; then
	ok "sync of 2 forwards and 2 QoS entries: table inet i62608"
else
	diag "$out"
	fail "sync of 2 forwards and 2 QoS entries: table inet i62608"
fi
same "nft lists exactly the rules of the state" "$sum1" "$(summary inet)"

dump_want="present yes
family inet
$(cat "$tmp/st1")"
same "dump reads the state back" "$dump_want" "$(gwt nft dump 2>&1)"
check "check: in sync" gwt nft check <"$tmp/st1"

# ---- traffic --------------------------------------------------------------

serve "$lan" tcp-serve 80 tcp80
out=$(net "$wan" tcp-get 192.0.2.1 8080 2>&1)
wait "${pids[-1]}"
if [ "$out" = "hello 192.0.2.2" ] && [ "$(cat "$tmp/tcp80")" = 192.0.2.2 ]; then
	ok "TCP 8080 on the WAN reaches 192.168.77.20:80, which sees the client"
else
	diag "client: $out" "server: $(cat "$tmp/tcp80" 2>&1)"
	fail "TCP 8080 on the WAN reaches 192.168.77.20:80, which sees the client"
fi

serve "$lan" udp-serve 5001 udp5001
out=$(net "$wan" udp-get 192.0.2.1 5000 2>&1)
wait "${pids[-1]}"
read -r peer tos <"$tmp/udp5001"
if [ "$out" = "hello 192.0.2.2" ] && [ "$peer" = 192.0.2.2 ]; then
	ok "UDP 5000 on the WAN reaches 192.168.77.21:5001 and back"
else
	diag "client: $out" "server: $(cat "$tmp/udp5001" 2>&1)"
	fail "UDP 5000 on the WAN reaches 192.168.77.21:5001 and back"
fi
# DSCP 10 (AF11) is TOS 40.
if [ "$tos" = 40 ]; then
	ok "QoS: forwarded traffic to 192.168.77.21 arrives with DSCP 10"
else
	diag "TOS $tos"
	fail "QoS: forwarded traffic to 192.168.77.21 arrives with DSCP 10"
fi

# DSCP 46 (EF) is TOS 184, both ways.
serve "$wan" udp-tos 7000 up
net "$lan" udp-send 192.0.2.2 7000
wait "${pids[-1]}"
same "QoS: traffic from 192.168.77.20 leaves with DSCP 46" \
	"192.168.77.20 184" "$(cat "$tmp/up" 2>&1)"
serve "$lan" udp-tos 7001 down
net "$wan" udp-send 192.168.77.20 7001
wait "${pids[-1]}"
same "QoS: traffic to 192.168.77.20 arrives with DSCP 46" \
	"192.0.2.2 184" "$(cat "$tmp/down" 2>&1)"

same "the user's tables are untouched by the sync" "$user_before" "$(user_tables)"

# ---- a changed set, in one transaction --------------------------------------

ip netns exec "$gw" nft monitor >"$tmp/monitor" 2>&1 &
monitor=$!
pids+=("$monitor")
sleep 0.5

cat >"$tmp/st2" <<'EOF'
wan wan0
lan lan0
forward tcp 8081 192.168.77.21 80 02:00:00:00:00:21
qos 192.168.77.20 34 2:1 02:00:00:00:00:20
EOF
sum2='chain inet prerouting nat prerouting -100 accept
chain inet forward filter forward -150 accept
rule prerouting: iifname == wan0, tcp dport == 8081, counter, dnat 192.168.77.21:80 # 02:00:00:00:00:21
rule forward: iifname == lan0, ip saddr == 192.168.77.20, counter, set ip dscp 34, set priority 2:1 # 02:00:00:00:00:20
rule forward: oifname == lan0, ip daddr == 192.168.77.20, counter, set ip dscp 34, set priority 2:1 # 02:00:00:00:00:20'
check "sync of a changed set" gwt nft sync <"$tmp/st2"
same "nft lists exactly the new set" "$sum2" "$(summary inet)"
check "check: in sync with the new set" gwt nft check <"$tmp/st2"
check_fails "check: the old set is not in force" gwt nft check <"$tmp/st1"
check_fails "the removed forward (tcp 8080) no longer forwards" \
	net "$wan" tcp-get 192.0.2.1 8080

gens() {
	grep -c 'new generation' "$tmp/monitor"
}

gens_at_least() {
	[ "$(gens)" -ge "$1" ]
}
check "the same sync again" gwt nft sync <"$tmp/st2"
same "the same sync gives the same table" "$sum2" "$(summary inet)"
wait_for 2 gens_at_least 2
same "each sync was one transaction (one new ruleset generation each)" 2 "$(gens)"

# ---- refused input changes nothing ------------------------------------------

# refuse_raw DESC PATTERN STATE - sync exits 1 with an error matching
# PATTERN, and the table is what it was; refuse: with wan0 and lan0.
refuse_raw() {
	local desc=$1 pat=$2 err rc
	err=$(printf '%s\n' "$3" | gwt nft sync 2>&1 >/dev/null) && rc=0 || rc=$?
	if [ "$rc" = 1 ] && grep -qE -- "$pat" <<<"$err" &&
		[ "$(summary inet)" = "$sum2" ]; then
		ok "refused, nothing changed: $desc"
	else
		diag "exit $rc, stderr: $err" "(want a match for: $pat)" "table:" "$(summary inet)"
		fail "refused, nothing changed: $desc"
	fi
}
refuse() {
	refuse_raw "$1" "$2" "$(printf 'wan wan0\nlan lan0\n%s' "$3")"
}
long=$(printf 'x%.0s' {1..48})
refuse "a duplicate external port" "port forwards 0 and 1 both forward tcp port 81" \
	"forward tcp 81 192.168.77.20 80 a
forward tcp 81 192.168.77.21 80 b"
refuse "external port 0" "external port 0 is not a port" \
	"forward udp 0 192.168.77.20 80 a"
refuse "internal port 0" "internal port 0 is not a port" \
	"forward udp 53 192.168.77.20 0 a"
refuse "a multicast internal address" "224.0.0.5 is not the unicast address of a host" \
	"forward tcp 81 224.0.0.5 80 a"
refuse "internal address 0.0.0.0" "0.0.0.0 is not the unicast address of a host" \
	"forward tcp 81 0.0.0.0 80 a"
refuse "DSCP 64" "DSCP 64 is out of range \(0..63\)" \
	"qos 192.168.77.20 64 none a"
refuse "two QoS entries for one address" "QoS entries 0 and 1 are both for 192.168.77.20" \
	"qos 192.168.77.20 1 none a
qos 192.168.77.20 2 none b"
refuse "a 48-character owner tag" "owner tag is longer than 47 characters" \
	"forward tcp 81 192.168.77.20 80 $long"
refuse "an owner tag with a quote" "has a character other than letters, digits" \
	"forward tcp 81 192.168.77.20 80 a\"b"
refuse "a WAN interface name with a quote" "WAN interface: .*has a blank" \
	"wan wan\"0
forward tcp 81 192.168.77.20 80 a"
refuse "a 16-character interface name" "LAN interface: .*longer than 15" \
	"lan abcdefghijklmnop
qos 192.168.77.20 1 none a"
refuse_raw "forwards without a WAN interface" "WAN interface: the interface name is empty" \
	"forward tcp 81 192.168.77.20 80 a"
same "refused input sent nothing to the kernel" 2 "$(gens)"

# A batch the kernel refuses at its very end (our name taken, in the other
# family, by a table another process owns) rolls back the rebuild of our
# table before it.
mkfifo "$tmp/owner.in"
ip netns exec "$gw" nft -i <"$tmp/owner.in" >"$tmp/owner.out" 2>&1 &
owner=$!
pids+=("$owner")
exec {owner_fd}>"$tmp/owner.in"
echo 'add table ip i62608 { flags owner; }' >&"$owner_fd"
wait_for 5 in_ns "$gw" nft list table ip i62608
check_err "a batch the kernel refuses: the sync fails with its reason" 1 \
	"nftables refused the transaction: Could not process rule: Operation not permitted" \
	gwt nft sync <"$tmp/st1"
same "... and our table is still the previous one" "$sum2" "$(summary inet)"
exec {owner_fd}>&-
wait "$owner" 2>/dev/null
check "the other table went with its owner" \
	bash -c "! ip netns exec '$gw' nft list table ip i62608 2>/dev/null"

# ---- drift ------------------------------------------------------------------

in_ns "$gw" nft add rule inet i62608 prerouting tcp dport 9 accept
check_err "check reports a rule someone added to our table" 3 "" \
	gwt nft check <"$tmp/st2"
out=$(gwt nft check <"$tmp/st2" 2>&1)
if grep -q "drift: our table has 1 thing a sync does not write: rule [0-9]* of chain prerouting is not a port forward" <<<"$out"; then
	ok "... naming it"
else
	diag "$out"
	fail "... naming it"
fi
check "sync repairs the drift" gwt nft sync <"$tmp/st2"
check "check: in sync again" gwt nft check <"$tmp/st2"
same "the user's tables are still untouched" "$user_before" "$(user_tables)"

# ---- the ip family ------------------------------------------------------------

out=$(gwt nft sync --family ip <"$tmp/st1" 2>&1)
same "sync in the ip family" "family ip" "$out"
check "... deletes our inet table" \
	bash -c "! ip netns exec '$gw' nft list table inet i62608 2>/dev/null"
same "... and table ip i62608 holds the state" "${sum1//chain inet/chain ip}" "$(summary ip)"
serve "$lan" tcp-serve 80 tcp80ip
out=$(net "$wan" tcp-get 192.0.2.1 8080 2>&1)
wait "${pids[-1]}"
same "TCP 8080 is forwarded by the ip table" "hello 192.0.2.2" "$out"
check "check finds the state in the ip table" gwt nft check <"$tmp/st1"
check "back to inet" gwt nft sync --family inet <"$tmp/st1"
check "... deletes our ip table" \
	bash -c "! ip netns exec '$gw' nft list table ip i62608 2>/dev/null"

# ---- an empty state, then the uninstall path ------------------------------------

check "sync of the empty state" gwt nft sync </dev/null
same "the empty state is our two chains, no rules" \
	"$(head -n 2 <<<"$sum1")" "$(summary inet)"
check "remove" gwt nft remove
check "... deletes our table" \
	bash -c "! ip netns exec '$gw' nft list table inet i62608 2>/dev/null"
same "... and nothing else" "$user_before" "$(user_tables)"
same "dump after remove: no table" "present no
family inet" "$(gwt nft dump 2>&1)"
check "remove again (nothing to remove) succeeds" gwt nft remove
same "the user's tables survive it all" "$user_before" "$(user_tables)"

tap_end
