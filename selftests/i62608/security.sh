#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# docs/security.md end to end: the module as configurator, real
# i62608-agent processes, a rogue configurator and an attacker on the same
# bridge. Proves: configuration travels encrypted (a capture holds
# none of the configured values); a replayed and a bit-flipped protected
# frame are dropped and counted; an unpaired agent is refused, stays
# untrusted and cannot be configured; the pairing window admits exactly the
# agents that shake hands during it; a rogue configurator cannot configure
# a paired agent; a forged plaintext frame with a new epoch from a paired
# agent's address ends nothing, while a real restart of the agent shakes
# hands again and gets the configuration that was in flight; a paired agent
# without a session cannot be deleted or re-reported by plaintext frames
# with its address, and comes back on a new session of its own; revocation
# cuts an agent off at once, its session parked beside another key's one
# included, and the agent hears HS_REJECT at its first try; rekeying under
# configuration traffic loses nothing; callers without CAP_NET_ADMIN get
# EPERM on every write, and no netlink answer carries a private key.
#
#   +--- ns gw: the module, key G ------------------------------------+
#   |  br0 (i62608 enabled), heartbeat 1 s                            |
#   |   |-- p1 ------- a1  ns ag1: agent 1, paired, pinned to G       |
#   |   |-- p2 ------- a2  ns ag2: agent 2, never paired              |
#   |   |-- p3 ------- a3  ns ag3: agent 3, paired by the window,     |
#   |   |                  rekey_after 10 s                            |
#   |   |-- p4 ------- a4  ns ag4: agent 4, after the window           |
#   |   |-- p5 ------- x0  ns att: a hostile device, nothing else      |
#   |   `-- pr ------- r0  ns rog: the module again, its own key R,   |
#   |                      agent 1's key paired there too              |
#   +-----------------------------------------------------------------+
#   Agents run in their own UTS namespace too (unshare -u), so that the
#   host names they are given touch nothing else. An attacker that needs
#   the answers to its frames (replays, handshakes) sends from the agents'
#   namespaces, with their source address; one that only sends, from att.
#
# Needs the module loaded (run_vm.sh does it), i62608ctl with key, pair
# and config, i62608-agent, l2gen (make selftests), dumpcap (Wireshark),
# jq, and /usr/bin/python3 with python3-cryptography (for a Noise
# initiator of its own, written from the spec, which plays a second key).
# Keep logs: SECURITY_KEEP=DIR.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tap_begin
pids=()

agent=$I62608_BIN/i62608-agent
l2gen=${I62608_SELFTESTS:-$top/build/selftests}/l2gen
py=/usr/bin/python3
for b in "$agent" "$I62608_BIN/i62608ctl" "$l2gen"; do
	[ -x "$b" ] || { echo "Bail out! missing $b (make userspace selftests)"; exit 1; }
done
for t in dumpcap jq setpriv unshare nsenter "$py"; do
	command -v "$t" >/dev/null || { echo "Bail out! $t is not installed"; exit 1; }
done
if ! "$py" -c "import cryptography.hazmat.primitives.asymmetric.x25519" 2>/dev/null; then
	echo "Bail out! python3-cryptography is not installed"
	exit 1
fi
module_loaded || { echo "Bail out! the module is not loaded"; exit 1; }
for v in "key init" "pair open" "config send"; do
	if ! i62608ctl --help 2>&1 | grep -q "^  $v "; then
		echo "Bail out! i62608ctl has no '$v'"
		exit 1
	fi
done

tmp=$(mktemp -d)
chmod 755 "$tmp"
at_exit "rm -rf '$tmp'"
keep_logs() {
	if [ -n "${SECURITY_KEEP:-}" ]; then
		mkdir -p "$SECURITY_KEEP" && cp -r "$tmp"/. "$SECURITY_KEEP"/
	fi
}
at_exit keep_logs

gw=sec-gw-$$
rog=sec-rog-$$
att=sec-att-$$
for ns in "$gw" "$rog" "$att" ag1-$$ ag2-$$ ag3-$$ ag4-$$; do
	ns_new "$ns" || { echo "Bail out! cannot create namespace $ns"; exit 1; }
done
ip -n "$gw" link add br0 type bridge
ip -n "$gw" link set br0 up
for i in 1 2 3 4; do
	ip link add "p$i" netns "$gw" type veth peer name "a$i" netns "ag$i-$$"
	ip -n "$gw" link set "p$i" master br0 up
	ip -n "ag$i-$$" link set "a$i" up
done
ip link add pr netns "$gw" type veth peer name r0 netns "$rog"
ip -n "$gw" link set pr master br0 up
ip -n "$rog" link set r0 up
ip link add p5 netns "$gw" type veth peer name x0 netns "$att"
ip -n "$gw" link set p5 master br0 up
ip -n "$att" link set x0 up

# The capture: dumpcap, the capture engine of Wireshark that tshark -w
# runs itself; tshark's dissectors take minutes to load under TCG, and a
# capture to a file needs none of them. It starts now and records the
# whole exchange, handshake included, until the first configuration was
# applied; the frames are read back below.
cap=$tmp/capture.pcap
ip netns exec "$gw" dumpcap -n -i br0 -P -w "$cap" -f "ether proto 0x88b5" \
	>"$tmp/dumpcap.log" 2>&1 &
cap_pid=$!
pids+=("$cap_pid")

mac_of() {
	ip -n "$1" -br link show "$2" | awk '{print $3}'
}
mac1=$(mac_of ag1-$$ a1)
mac2=$(mac_of ag2-$$ a2)
mac3=$(mac_of ag3-$$ a3)
mac4=$(mac_of ag4-$$ a4)

# ctl NS ARGS... - i62608ctl in a namespace, with that configurator's
# state directory (key file, pairs).
ctl() {
	local ns=$1
	shift
	I62608_STATE_DIR=$tmp/state-$ns ip netns exec "$ns" i62608ctl "$@"
}
mkdir -p "$tmp/state-$gw" "$tmp/state-$rog"

# trust NS MAC - the configurator's trust in that agent (or "absent").
trust() {
	ctl "$1" -j agent show "$2" 2>/dev/null |
		jq -r 'if type == "array" then .[0] else . end | .trust // "absent"' 2>/dev/null ||
		echo absent
}

is_trust() {
	[ "$(trust "$1" "$2")" = "$3" ]
}

# drops NS REASON - a drop reason's count, summed over the interfaces.
drops() {
	ctl "$1" -j stats | jq "[.. | objects | .drops? | objects | .$2 // 0] | add // 0"
}

# nsstat NS NAME - a namespace counter of 'stats'.
nsstat() {
	ctl "$1" -j stats | jq ".$2 // 0"
}

# above VALUE CMD... - CMD prints a number greater than VALUE (for
# wait_for, which runs CMD again each time).
above() {
	local want=$1 got
	shift
	got=$("$@") && [ "$got" -gt "$want" ]
}

# handshakes NS MAC - sessions established with that agent.
handshakes() {
	ctl "$1" -j agent show "$2" |
		jq 'if type == "array" then .[0] else . end | .counters.handshakes // 0'
}

# agent_get MAC FILTER - jq FILTER over gw's entry of that agent.
agent_get() {
	ctl "$gw" -j agent show "$1" |
		jq -r "if type == \"array\" then .[0] else . end | $2"
}

# is_agent MAC FILTER VALUE - agent_get prints VALUE.
is_agent() {
	[ "$(agent_get "$1" "$2")" = "$3" ]
}

# hexkey BASE64 - a public key as 'agent show' prints it.
hexkey() {
	printf '%s' "$1" | base64 -d | od -An -tx1 | tr -d ' \n'
}

# rawstat NS NAME - the namespace counter I62608_NSSTATS_A_<NAME> as the
# kernel answers STATS_GET, numbered from the uapi header: a counter newer
# than i62608ctl is read all the same.
cat >"$tmp/nsstat.py" <<'EOF'
import re, socket, struct, sys
hdr = open(sys.argv[1]).read()
def enum(name, prefix):
    body = re.search(r"enum %s \{(.*?)\};" % name, hdr, re.S).group(1)
    return {n: i + 1 for i, n in
            enumerate(re.findall(r"^\s*(%s\w+)" % prefix, body, re.M))}
cmd = enum("i62608_cmd", "I62608_CMD_")["I62608_CMD_STATS_GET"]
a_stats = enum("i62608_attr", "I62608_A_")["I62608_A_STATS"]
want = enum("i62608_nsstats_attr", "I62608_NSSTATS_A_")[
    "I62608_NSSTATS_A_" + sys.argv[2].upper()]
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.settimeout(10)
def attrs(b):
    o = 0
    while o + 4 <= len(b):
        n, t = struct.unpack("=HH", b[o:o + 4])
        yield t & 0x3fff, b[o + 4:o + n]
        o += (n + 3) & ~3
def talk(family, c, payload=b""):
    p = struct.pack("BBH", c, 1, 0) + payload
    s.send(struct.pack("=IHHII", 16 + len(p), family, 1, 1, 0) + p)
    d = s.recv(1 << 16)
    n, t = struct.unpack("=IH", d[:6])
    if t == 2:
        raise SystemExit("error %d" % struct.unpack("=i", d[16:20])[0])
    return d[20:n]
name = b"i62608\0"
fam = dict(attrs(talk(0x10, 3, struct.pack("=HH", 4 + len(name), 2) + name)))
fam = struct.unpack("=H", fam[1])[0]
v = dict(attrs(dict(attrs(talk(fam, cmd)))[a_stats]))[want]
print(struct.unpack("=Q" if len(v) == 8 else "=I", v)[0])
EOF
rawstat() {
	ip netns exec "$1" "$py" "$tmp/nsstat.py" "$top/include/uapi/linux/i62608.h" "$2"
}

# noisexx.py KEYFILE: a new X25519 key in KEYFILE; prints its public key.
# noisexx.py IFNAME AGENT_MAC CONF_MAC EPOCH KEYFILE [FIFO]: one handshake
# as an agent with that key, epoch and address; prints and exits with its
# outcome: "accepted" 0 (SESSION_CONFIRM opened), "rejected" 1, "timeout"
# 3. It sends nothing on the session. With FIFO, it prints "ready" once
# set up and starts when a line comes through FIFO. The Noise initiator
# is written here from the specification, not from kernel/noise.c.
cat >"$tmp/noisexx.py" <<'EOF'
import base64, hashlib, hmac, os, select, socket, struct, sys, time
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import (
    Encoding, NoEncryption, PrivateFormat, PublicFormat)

def pub(k):
    return k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

def blake(*parts):
    h = hashlib.blake2s()
    for p in parts:
        h.update(p)
    return h.digest()

def hkdf2(ck, ikm):
    prk = hmac.new(ck, ikm, hashlib.blake2s).digest()
    t1 = hmac.new(prk, b"\x01", hashlib.blake2s).digest()
    return t1, hmac.new(prk, t1 + b"\x02", hashlib.blake2s).digest()

def nonce(n):
    return bytes(4) + struct.pack("<Q", n)

class Noise:
    def __init__(self, prologue):
        self.h = blake(b"Noise_XX_25519_ChaChaPoly_BLAKE2s")
        self.ck, self.k, self.n = self.h, None, 0
        self.mix_hash(prologue)
    def mix_hash(self, data):
        self.h = blake(self.h, data)
    def mix_dh(self, priv, peer):
        dh = priv.exchange(X25519PublicKey.from_public_bytes(peer))
        self.ck, self.k = hkdf2(self.ck, dh)
        self.n = 0
    def encrypt(self, pt):
        ct = pt
        if self.k:
            ct = ChaCha20Poly1305(self.k).encrypt(nonce(self.n), pt, self.h)
            self.n += 1
        self.mix_hash(ct)
        return ct
    def decrypt(self, ct):
        pt = ChaCha20Poly1305(self.k).decrypt(nonce(self.n), ct, self.h)
        self.n += 1
        self.mix_hash(ct)
        return pt

if len(sys.argv) == 2:
    k = X25519PrivateKey.generate()
    raw = k.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    with open(sys.argv[1], "w") as f:
        f.write(base64.b64encode(raw).decode() + "\n")
    print(base64.b64encode(pub(k)).decode())
    sys.exit(0)

ifname = sys.argv[1]
amac = bytes.fromhex(sys.argv[2].replace(":", ""))
cmac = bytes.fromhex(sys.argv[3].replace(":", ""))
epoch = int(sys.argv[4], 0)
static = X25519PrivateKey.from_private_bytes(
    base64.b64decode(open(sys.argv[5]).read().split()[0]))
HS_INIT, HS_RESP, HS_FINISH, CONFIRM, REJECT = 10, 11, 12, 13, 14
TLV_HS_MSG, TLV_HS_KEY_ID = 16, 17
msg_id = 1 + int.from_bytes(os.urandom(4), "big") % 0x7fffffff
local_id = 1 + int.from_bytes(os.urandom(2), "big") % 0xfffe

def tlv(t, v):
    return struct.pack(">HH", t, len(v)) + v

def frame(mtype, body, counter):
    hdr = struct.pack(">BBHHHIIQ", 1, mtype, 0, 24 + len(body), 0, msg_id,
                      epoch, counter)
    return cmac + amac + b"\x88\xb5" + hdr + body

def tlvs(body):
    out, o = {}, 0
    while o + 4 <= len(body):
        t, n = struct.unpack(">HH", body[o:o + 4])
        out[t] = body[o + 4:o + 4 + n]
        o += 4 + n
    return out

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
s.bind((ifname, 0x88b5))
if len(sys.argv) > 6:
    print("ready", flush=True)
    with open(sys.argv[6]) as go:
        go.readline()

def expect(types):
    """The configurator's next answer to our handshake: type, message."""
    end = time.monotonic() + 5
    while select.select([s], [], [], max(0, end - time.monotonic()))[0]:
        f = s.recv(2048)
        if (len(f) < 38 or f[0:6] != amac or f[6:12] != cmac or
                f[12:14] != b"\x88\xb5"):
            continue
        t, length, mid = struct.unpack(">xBxxHxxI", f[14:26])
        if t in types and mid == msg_id:
            return t, f[14:14 + length]
    print("timeout")
    sys.exit(3)

hs = Noise(b"i62608 handshake v1" + amac + cmac)
e = X25519PrivateKey.generate()
hs.mix_hash(pub(e))
msg1 = pub(e) + hs.encrypt(b"")
s.send(frame(HS_INIT, tlv(TLV_HS_MSG, msg1) +
             tlv(TLV_HS_KEY_ID, struct.pack(">H", local_id)), 1))
t, m = expect((HS_RESP,))
msg2 = tlvs(m[24:])[TLV_HS_MSG]
hs.mix_hash(msg2[:32])
hs.mix_dh(e, msg2[:32])
hs.mix_dh(e, hs.decrypt(msg2[32:80]))
hs.decrypt(msg2[80:])
msg3 = hs.encrypt(pub(static))
hs.mix_dh(static, msg2[:32])
msg3 += hs.encrypt(b"")
k_send, k_recv = hkdf2(hs.ck, b"")
s.send(frame(HS_FINISH, tlv(TLV_HS_MSG, msg3), 2))
t, m = expect((CONFIRM, REJECT))
if t == REJECT:
    print("rejected")
    sys.exit(1)
# Sealed under the new keys: nonce its counter, associated data the
# configurator's MAC and the header (docs/security.md, section 6).
key_id, counter = struct.unpack(">6xH8xQ", m[:24])
ChaCha20Poly1305(k_recv).decrypt(nonce(counter), m[24:], cmac + m[:24])
print("accepted" if key_id == local_id else "wrong key id")
sys.exit(0 if key_id == local_id else 2)
EOF

# ---- the configurators ---------------------------------------------------------

check "gw: key init creates the configurator key and sets it" \
	ctl "$gw" key init --file "$tmp/state-$gw/configurator.key"
check "rogue: its own key" ctl "$rog" key init --file "$tmp/state-$rog/configurator.key"
check "gw: i62608 on br0" ctl "$gw" iface add br0
# Heartbeats every second: protected traffic to capture and replay.
check "gw: heartbeat every second" ctl "$gw" params set heartbeat_interval 1
gwpub=$(ctl "$gw" -j key show | jq -r .public_key)
rogpub=$(ctl "$rog" -j key show | jq -r .public_key)
if [[ "$gwpub" =~ ^[A-Za-z0-9+/]{43}=$ ]] && [ "$gwpub" != "$rogpub" ]; then
	ok "key show: each namespace has its own public key"
else
	fail "key show: each namespace has its own public key ($gwpub, $rogpub)"
fi

# ---- the agents ----------------------------------------------------------------

stop_all() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}
at_exit stop_all

# agent_conf N EXTRA... - agent N's configuration file.
agent_conf() {
	local n=$1 d=$tmp/agent$1
	shift
	mkdir -p "$d"
	: >"$d/resolv.conf"
	{
		echo "name = sec-agent$n"
		echo "interfaces = a$n"
		echo "state_dir = $d/state"
		echo "resolv_conf = $d/resolv.conf"
		echo "dns_file = $d/dns.conf"
		printf '%s\n' "$@"
	} >"$d/agent.conf"
}

# agent_pub N - agent N's public key (made on first use).
agent_pub() {
	"$agent" -c "$tmp/agent$1/agent.conf" --show-key -j | jq -r .public_key
}

# agent_start N - agent N in its namespaces; its pid in apid[N].
declare -A apid
agent_start() {
	ip netns exec "ag$1-$$" unshare -u "$agent" -c "$tmp/agent$1/agent.conf" -v \
		>>"$tmp/agent$1/out" 2>>"$tmp/agent$1/log" &
	apid[$1]=$!
	pids+=("$!")
}

agent_stop() {
	kill -TERM "${apid[$1]}" 2>/dev/null
	wait "${apid[$1]}" 2>/dev/null
}

agent_hostname() {
	nsenter -t "${apid[$1]}" -u hostname
}

agent_conf 1 "configurator_key = $gwpub"
agent_conf 2
agent_conf 3 "rekey_after = 10s"
agent_conf 4
pub1=$(agent_pub 1)
pub2=$(agent_pub 2)
pub3=$(agent_pub 3)
pub4=$(agent_pub 4)

check "gw: pair add agent 1's key" ctl "$gw" pair add "$pub1" name victim
agent_start 1
if wait_for 30 is_trust "$gw" "$mac1" authenticated; then
	ok "agent 1 (paired) shakes hands: authenticated"
else
	diag "$(tail -n 20 "$tmp/agent1/log")"
	fail "agent 1 (paired) shakes hands: authenticated ($(trust "$gw" "$mac1"))"
fi

# ---- configuration is encrypted on the wire --------------------------------------

if wait_for 60 grep -q "^File: " "$tmp/dumpcap.log"; then
	ok "dumpcap captures on br0"
else
	diag "$(cat "$tmp/dumpcap.log")"
	fail "dumpcap captures on br0"
fi
cfg1=(--ipv4 192.168.77.10/24 --gw 192.168.77.1 --dns 192.168.77.53
      --hostname sec-victim-one)
check "config send to agent 1: acked (exit 0)" ctl "$gw" config send "$mac1" dev br0 "${cfg1[@]}"
# Two more heartbeats under the capture.
sleep 2
# Not SIGINT: a script's background jobs ignore it.
kill -TERM "$cap_pid"
wait "$cap_pid" 2>/dev/null

if ip -n ag1-$$ -4 -o addr show dev a1 | grep -q "192.168.77.10/24" &&
	[ "$(agent_hostname 1)" = sec-victim-one ]; then
	ok "agent 1 applied the address and the host name for real"
else
	fail "agent 1 applied the address and the host name ($(ip -n ag1-$$ -4 -o addr show dev a1), $(agent_hostname 1))"
fi

# pcap_scan FILE - one line: frames, protected frames, protected
# CONFIG_REQUESTs, frames holding a configured value in clear.
pcap_scan() {
	"$py" - "$1" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
magic = struct.unpack("<I", data[:4])[0]
e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
secrets = [b"sec-victim-one", bytes([192, 168, 77, 10]), bytes([192, 168, 77, 53]),
           b"sec-victim-two"]
off, frames, prot, creq, leaks = 24, 0, 0, 0, 0
while off + 16 <= len(data):
    incl = struct.unpack(e + "IIII", data[off:off + 16])[2]
    f = data[off + 16:off + 16 + incl]
    off += 16 + incl
    if len(f) < 14 + 24 or f[12:14] != b"\x88\xb5":
        continue
    frames += 1
    flags = struct.unpack(">H", f[16:18])[0]
    if flags & 1:
        prot += 1
        if f[15] == 6:
            creq += 1
    if any(s in f for s in secrets):
        leaks += 1
print(frames, prot, creq, leaks)
EOF
}
read -r nframes nprot ncreq nleaks < <(pcap_scan "$cap")
diag "capture: ${nframes:-?} i62608 frames, ${nprot:-?} protected, ${ncreq:-?} protected CONFIG_REQUEST"
if [ "${ncreq:-0}" -ge 1 ] && [ "${nprot:-0}" -ge 3 ]; then
	ok "the capture holds the configuration exchange (protected CONFIG_REQUEST)"
else
	fail "the capture holds the configuration exchange"
fi
if [ "${ncreq:-0}" -ge 1 ] && [ "${nleaks:-1}" = 0 ]; then
	ok "no captured frame holds the address, DNS server or host name in clear"
else
	fail "no captured frame holds a configured value in clear ($nleaks do)"
fi

# ---- replay and tampering --------------------------------------------------------

# last_frame FILE SRC [TYPE] - hex of the last protected frame from SRC.
last_frame() {
	"$py" - "$@" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
src = bytes.fromhex(sys.argv[2].replace(":", ""))
want = int(sys.argv[3]) if len(sys.argv) > 3 else None
magic = struct.unpack("<I", data[:4])[0]
e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
off, last = 24, None
while off + 16 <= len(data):
    incl = struct.unpack(e + "IIII", data[off:off + 16])[2]
    f = data[off + 16:off + 16 + incl]
    off += 16 + incl
    if (len(f) >= 38 and f[12:14] == b"\x88\xb5" and f[6:12] == src and
            f[17] & 1 and (want is None or f[15] == want)):
        last = f
print(last.hex() if last else "")
EOF
}

# inject NS IFACE HEX [OFFSET] - send a raw frame, bit 0 of byte OFFSET
# (from the Ethernet header) flipped if given.
inject() {
	ip netns exec "$1" "$py" - "$2" "$3" "${4:-}" <<'EOF'
import socket, sys
frame = bytearray(bytes.fromhex(sys.argv[2]))
if sys.argv[3]:
    frame[int(sys.argv[3])] ^= 1
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
s.send(bytes(frame))
EOF
}

# The agent's CONFIG_ACK (type 7), else its last protected frame.
frame=$(last_frame "$cap" "$mac1" 7)
[ -n "$frame" ] || frame=$(last_frame "$cap" "$mac1")
if [ -z "$frame" ]; then
	fail "a protected frame of agent 1 in the capture"
else
	r0=$(drops "$gw" replay)
	a0=$(drops "$gw" auth)
	inject ag1-$$ a1 "$frame"
	if wait_for 5 above "$r0" drops "$gw" replay; then
		ok "a captured protected frame replayed is dropped, counted as replay ($r0 -> $(drops "$gw" replay))"
	else
		fail "a replayed protected frame is counted as replay (replay $r0 -> $(drops "$gw" replay), auth $(drops "$gw" auth))"
	fi
	# One bit of the ciphertext, then one of the (authenticated) header.
	inject ag1-$$ a1 "$frame" $((14 + 24 + 1))
	if wait_for 5 above "$a0" drops "$gw" auth; then
		ok "the frame with one ciphertext bit flipped is dropped, counted as auth"
	else
		fail "a ciphertext bit flipped is counted as auth ($a0 -> $(drops "$gw" auth))"
	fi
	inject ag1-$$ a1 "$frame" $((14 + 9))
	if wait_for 5 above $((a0 + 1)) drops "$gw" auth; then
		ok "the frame with one header bit (msg_id) flipped is dropped, counted as auth"
	else
		fail "a header bit flipped is counted as auth ($a0 -> $(drops "$gw" auth))"
	fi
	if is_trust "$gw" "$mac1" authenticated; then
		ok "agent 1 keeps its session through the forgeries"
	else
		fail "agent 1 keeps its session through the forgeries ($(trust "$gw" "$mac1"))"
	fi
fi

# ---- a forged restart -------------------------------------------------------------

# Plaintext frames with agent 1's address and a new epoch, from another
# port of the bridge: anyone can send them. Believed, they would end agent
# 1's session and cancel what is in flight to it (the kernel once did).
# The epoch of an agent with a session or a pairing changes with a
# handshake only; such frames are counted (epoch_ignored).
epoch0=$(agent_get "$mac1" .epoch)
hs0=$(handshakes "$gw" "$mac1")
rs0=$(agent_get "$mac1" .counters.restarts)
ign0=$(rawstat "$gw" epoch_ignored)
u0=$(drops "$gw" unprotected)
forged=0x0badc0de
[ "$epoch0" != "$forged" ] || forged=0x0badc0df
ip netns exec "$att" "$l2gen" -i x0 -t discover -m "$mac1" -e "$forged" >/dev/null
ip netns exec "$att" "$l2gen" -i x0 -t heartbeat -m "$mac1" -e "$forged" >/dev/null
if wait_for 5 above "$ign0" rawstat "$gw" epoch_ignored &&
	wait_for 5 above "$u0" drops "$gw" unprotected; then
	ok "a forged DISCOVER and HEARTBEAT with a new epoch from agent 1's address: counted, epoch_ignored and unprotected"
else
	fail "forged frames with a new epoch are counted (epoch_ignored $ign0 -> $(rawstat "$gw" epoch_ignored), unprotected $u0 -> $(drops "$gw" unprotected))"
fi
# Two of agent 1's heartbeats: without its session it would have shaken
# hands again by now.
sleep 3
hs1=$(handshakes "$gw" "$mac1")
rs1=$(agent_get "$mac1" .counters.restarts)
epoch1=$(agent_get "$mac1" .epoch)
if [ "$hs1" = "$hs0" ] && [ "$rs1" = "$rs0" ] && [ "$epoch1" = "$epoch0" ] &&
	is_trust "$gw" "$mac1" authenticated; then
	ok "agent 1 keeps its session, its epoch and its restart count: no new handshake"
else
	fail "agent 1 keeps its session (handshakes $hs0 -> $hs1, restarts $rs0 -> $rs1, epoch $epoch0 -> $epoch1, $(trust "$gw" "$mac1"))"
fi
out=$(ctl "$gw" config send "$mac1" dev br0 --hostname sec-after-forgery 2>&1)
rc=$?
if [ "$rc" = 0 ] && [ "$(agent_hostname 1)" = sec-after-forgery ]; then
	ok "config send to agent 1 after the forgery: acked and applied"
else
	diag "$out"
	fail "config send to agent 1 after the forgery: acked and applied (exit $rc)"
fi

# ---- a real restart ----------------------------------------------------------------

# Agent 1 is killed (no BYE) while a configuration request is in flight to
# it, and started again: a new epoch, its keys gone. Its DISCOVER's epoch
# is not believed (above); its handshake's is: the restart is counted
# once, and the request goes again on the new session instead of being
# cancelled (docs/security.md, section 7). Heartbeats every 5 s meanwhile,
# so that agent 1's entry outlives the restart (TTL 16 s), and more tries.
check "gw: heartbeat every 5 s, 10 tries per request" \
	ctl "$gw" params set heartbeat_interval 5 config_tries 10
wait_for 10 is_agent "$mac1" .ttl_ms 16000 ||
	diag "agent 1's TTL is $(agent_get "$mac1" .ttl_ms) ms, not 16 s"
epoch0=$(agent_get "$mac1" .epoch)
hs0=$(handshakes "$gw" "$mac1")
rs0=$(agent_get "$mac1" .counters.restarts)
kill -KILL "${apid[1]}"
wait "${apid[1]}" 2>/dev/null
ctl "$gw" config send "$mac1" dev br0 --hostname sec-restarted >"$tmp/restart.out" 2>&1 &
cfg_pid=$!
pending1() {
	ctl "$gw" -j config pending | jq -e --arg m "$mac1" 'any(.[]; .mac == $m)'
}
wait_for 10 pending1 || diag "no request in flight to agent 1 before its restart"
agent_start 1
wait "$cfg_pid"
rc=$?
if [ "$rc" = 0 ] && [ "$(agent_hostname 1)" = sec-restarted ]; then
	ok "a request in flight when agent 1 was killed is acked by it restarted (exit 0) and applied"
else
	diag "$(cat "$tmp/restart.out")" "$(tail -n 5 "$tmp/agent1/log")"
	fail "a request in flight across agent 1's restart is acked and applied (exit $rc, host name $(agent_hostname 1))"
fi
hs1=$(handshakes "$gw" "$mac1")
rs1=$(agent_get "$mac1" .counters.restarts)
epoch1=$(agent_get "$mac1" .epoch)
if [ "$rs1" = $((rs0 + 1)) ] && [ "$epoch1" != "$epoch0" ] && [ "$hs1" -gt "$hs0" ] &&
	is_trust "$gw" "$mac1" authenticated; then
	ok "agent 1's restart is learnt from its handshake: counted once, its new epoch, authenticated"
else
	fail "agent 1's restart is learnt from its handshake (restarts $rs0 -> $rs1, epoch $epoch0 -> $epoch1, handshakes $hs0 -> $hs1, $(trust "$gw" "$mac1"))"
fi
# ---- a paired agent without a session ---------------------------------------------

# Agent 1 is killed (no BYE) and its session ends on the configurator: the
# shortest session lifetime (10 s) ages it out at the next sweep. Its entry
# stays, paired, without a session - what a paired agent also looks like
# between a restart and its new handshake - until its TTL (16 s) and then
# the lost linger. Plaintext REPORT, HEARTBEAT and BYE with its address and
# epoch, from another port of the bridge, must be dropped as unprotected
# and change nothing: the kernel once took them from a paired agent without
# a session, so that anyone could delete its entry or replace its REPORT.
kill -KILL "${apid[1]}"
wait "${apid[1]}" 2>/dev/null
check "gw: sessions rejected after 10 s" ctl "$gw" params set reject_after 10s
if wait_for 20 is_trust "$gw" "$mac1" paired; then
	ok "agent 1 killed: its session ends, its entry stays paired without one ($(agent_get "$mac1" .state))"
else
	fail "agent 1 killed: its session ends, its entry stays paired ($(trust "$gw" "$mac1"))"
fi
# snap1 - what a forgery must not change in agent 1's entry.
snap1() {
	agent_get "$mac1" '[.report_id, .device_type, .counters.reports,
		.counters.rx_frames, .public_key, (.report | tostring)] | tostring'
}
ep1=$(agent_get "$mac1" .epoch)
s0=$(snap1)
u0=$(drops "$gw" unprotected)
b0=$(nsstat "$gw" byes)
ip netns exec "$att" "$l2gen" -i x0 -t report -m "$mac1" -e "$ep1" -M 4242 \
	-y 1 -N forged-%u >/dev/null
ip netns exec "$att" "$l2gen" -i x0 -t heartbeat -m "$mac1" -e "$ep1" -r 4242 >/dev/null
ip netns exec "$att" "$l2gen" -i x0 -t bye -m "$mac1" -e "$ep1" >/dev/null
if wait_for 5 above $((u0 + 2)) drops "$gw" unprotected; then
	ok "forged plaintext REPORT, HEARTBEAT and BYE from paired agent 1's address: dropped as unprotected ($u0 -> $(drops "$gw" unprotected))"
else
	fail "forged plaintext REPORT, HEARTBEAT and BYE of a paired agent without a session are dropped as unprotected ($u0 -> $(drops "$gw" unprotected))"
fi
s1=$(snap1)
b1=$(nsstat "$gw" byes)
if [ -n "$s0" ] && [ "$s1" = "$s0" ] && [ "$b1" = "$b0" ] &&
	is_trust "$gw" "$mac1" paired; then
	ok "agent 1's entry survives the forged BYE; its REPORT, key and counters are unchanged"
else
	diag "before: $s0" "after:  $s1"
	fail "agent 1's entry survives the forgeries unchanged (byes $b0 -> $b1, $(trust "$gw" "$mac1"))"
fi
# The real agent 1 again: it says nothing in plaintext (it is pinned),
# shakes hands on its DISCOVER's answer, then sends its REPORT on the
# session.
check "gw: sessions rejected after 15 min again" ctl "$gw" params set reject_after 15m
hs0=$(handshakes "$gw" "$mac1")
n0=$(agent_get "$mac1" .counters.reports)
agent_start 1
if wait_for 30 is_trust "$gw" "$mac1" authenticated &&
	wait_for 10 above "$n0" agent_get "$mac1" .counters.reports &&
	is_agent "$mac1" .state reported &&
	[ "$(handshakes "$gw" "$mac1")" -gt "$hs0" ] &&
	[ "$(agent_get "$mac1" .device_type)" != tv ]; then
	ok "agent 1 started again: a new session, and its own REPORT on it (reports $n0 -> $(agent_get "$mac1" .counters.reports))"
else
	diag "$(tail -n 10 "$tmp/agent1/log")"
	fail "agent 1 started again: a new session and its REPORT ($(trust "$gw" "$mac1"), state $(agent_get "$mac1" .state), reports $n0 -> $(agent_get "$mac1" .counters.reports), handshakes $hs0 -> $(handshakes "$gw" "$mac1"))"
fi
out=$(ctl "$gw" config send "$mac1" dev br0 --hostname sec-paired-back 2>&1)
rc=$?
if [ "$rc" = 0 ] && [ "$(agent_hostname 1)" = sec-paired-back ]; then
	ok "config send to agent 1 back on its session: acked and applied"
else
	diag "$out"
	fail "config send to agent 1 back on its session: acked and applied (exit $rc, host name $(agent_hostname 1))"
fi

check "gw: heartbeat every second again, 6 tries" \
	ctl "$gw" params set heartbeat_interval 1 config_tries 6
wait_for 10 is_agent "$mac1" .ttl_ms 4000 ||
	diag "agent 1's TTL is $(agent_get "$mac1" .ttl_ms) ms, not 4 s"

# ---- an agent with a key the configurator does not know -----------------------

rej0=$(nsstat "$gw" hs_rejected)
agent_start 2
if wait_for 30 above "$rej0" nsstat "$gw" hs_rejected; then
	ok "agent 2 (not paired): its handshake is rejected (hs_rejected counted)"
else
	fail "agent 2 (not paired): its handshake is rejected"
fi
sleep 2
if is_trust "$gw" "$mac2" none; then
	ok "agent 2 stays untrusted"
else
	fail "agent 2 stays untrusted ($(trust "$gw" "$mac2"))"
fi
out=$(ctl "$gw" config send "$mac2" dev br0 --ipv4 192.168.77.20/24 --hostname sec-intruder 2>&1)
rc=$?
if [ "$rc" = 2 ] && ! ip -n ag2-$$ -4 -o addr show dev a2 | grep -q 192.168.77.20; then
	ok "config send to agent 2 is refused (exit $rc) and nothing reaches it"
else
	diag "$out"
	fail "config send to agent 2 is refused (exit $rc)"
fi
agent_stop 2

# ---- the pairing window ------------------------------------------------------------

check "pair open 60" ctl "$gw" pair open 60
agent_start 3
if wait_for 30 is_trust "$gw" "$mac3" authenticated; then
	ok "agent 3 asks during the window: paired and authenticated"
else
	fail "agent 3 asks during the window: paired and authenticated ($(trust "$gw" "$mac3"))"
fi
check "pair open 0 closes the window" ctl "$gw" pair open 0
pairs=$(ctl "$gw" -j pair show)
if jq -e --arg k "$pub3" '.window_open == false and
	([.pairs[] | select(.public_key == $k and .origin == "window")] | length == 1)' \
	<<<"$pairs" >/dev/null &&
	! jq -e --arg k "$pub2" '[.pairs[] | select(.public_key == $k)] | length > 0' \
	<<<"$pairs" >/dev/null; then
	ok "pair show: agent 3 added by the window, agent 2 (which asked before) not"
else
	diag "$pairs"
	fail "pair show: agent 3 added by the window, agent 2 not"
fi
rej0=$(nsstat "$gw" hs_rejected)
agent_start 4
if wait_for 30 above "$rej0" nsstat "$gw" hs_rejected &&
	sleep 1 && is_trust "$gw" "$mac4" none; then
	ok "agent 4 asks after the window closed: rejected, untrusted"
else
	fail "agent 4 asks after the window closed: rejected ($(trust "$gw" "$mac4"))"
fi
if ! ctl "$gw" -j pair show | jq -e --arg k "$pub4" \
	'[.pairs[] | select(.public_key == $k)] | length > 0' >/dev/null; then
	ok "agent 4 is not in the pairing list"
else
	fail "agent 4 is not in the pairing list"
fi
agent_stop 4

# ---- a rogue configurator on the same bridge ----------------------------------------

# Only now: an unpaired agent could otherwise pick the rogue's ADVERTISE
# and never ask the configurator the tests above watch.
check "rogue: i62608 on r0, on the same bridge" ctl "$rog" iface add r0
check "rogue: pairs agent 1's public key (it is public)" ctl "$rog" pair add "$pub1"
# Agent 1 starts again: its DISCOVER reaches both configurators, and it
# may try the rogue's ADVERTISE first.
agent_stop 1
agent_start 1
if wait_for 30 is_trust "$gw" "$mac1" authenticated &&
	wait_for 10 ctl "$rog" agent show "$mac1"; then
	ok "agent 1 restarted: a session with its configurator again; the rogue knows it too"
else
	fail "agent 1 restarted: gw $(trust "$gw" "$mac1"), rogue $(trust "$rog" "$mac1")"
fi
host1=$(agent_hostname 1)
out=$(ctl "$rog" config send "$mac1" dev r0 --ipv4 192.168.77.66/24 --hostname sec-rogue 2>&1)
rc=$?
sleep 2
if [ "$rc" = 2 ] && [ "$(agent_hostname 1)" = "$host1" ] &&
	! ip -n ag1-$$ -4 -o addr show dev a1 | grep -q 192.168.77.66; then
	ok "the rogue cannot configure agent 1 (refused, exit 2; address and host name unchanged)"
else
	diag "$out"
	fail "the rogue cannot configure agent 1 (exit $rc, host name $(agent_hostname 1))"
fi
if ! is_trust "$rog" "$mac1" authenticated && is_trust "$gw" "$mac1" authenticated; then
	ok "agent 1 has no session with the rogue and keeps the one with its configurator"
else
	fail "agent 1 has no session with the rogue ($(trust "$rog" "$mac1")), keeps gw's ($(trust "$gw" "$mac1"))"
fi
if grep -q "is not the pinned one" "$tmp/agent1/log"; then
	diag "agent 1 tried the rogue's handshake and refused it: not the pinned key"
else
	diag "agent 1 did not try a handshake with the rogue this time"
fi

# ---- rekeying under configuration traffic -------------------------------------------

hs0=$(handshakes "$gw" "$mac3")
sent=0 acked=0 last=
end=$((SECONDS + 22))
while [ $SECONDS -lt $end ]; do
	sent=$((sent + 1))
	last=sec-rekey-$sent
	ctl "$gw" config send "$mac3" dev br0 --ipv4 "192.168.77.$((100 + sent % 100))/24" \
		--hostname "$last" >/dev/null 2>>"$tmp/rekey.err" && acked=$((acked + 1))
done
hs1=$(handshakes "$gw" "$mac3")
diag "rekey: $sent requests, $acked acked, handshakes $hs0 -> $hs1"
if [ "$acked" = "$sent" ] && [ "$sent" -ge 5 ] && [ "$hs1" -ge $((hs0 + 2)) ]; then
	ok "rekey every 10 s under traffic: all $sent configurations acked across $((hs1 - hs0)) new sessions"
else
	diag "$(tail -n 5 "$tmp/rekey.err")"
	fail "rekey under traffic: $acked of $sent acked, $((hs1 - hs0)) new sessions"
fi
if [ "$(agent_hostname 3)" = "$last" ]; then
	ok "agent 3 holds the last configuration sent ($last)"
else
	fail "agent 3 holds the last configuration sent ($(agent_hostname 3), want $last)"
fi

# ---- a hostile device shakes hands as agent 1 -------------------------------------------

# From agent 1's link, with agent 1's MAC and a key of its own (not
# paired): refused, and it must not take the place of agent 1's key, by
# which revocation finds agent 1's session (the kernel once let it).
secload=${I62608_BENCH:-$top/build/bench}/secload
if [ -x "$secload" ]; then
	out=$(ip netns exec ag1-$$ "$secload" spoof -i a1 --dst "$(mac_of "$gw" br0)" \
		--mac "$mac1" 2>&1)
	rc=$?
	key=$(ctl "$gw" -j agent show "$mac1" |
		jq -r 'if type == "array" then .[0] else . end | .public_key')
	want=$(printf '%s' "$pub1" | base64 -d | od -An -tx1 | tr -d ' \n')
	if [ "$rc" = 0 ] && [ "$key" = "$want" ] && is_trust "$gw" "$mac1" authenticated; then
		ok "a handshake from agent 1's MAC with another key: rejected; agent 1's key and session stay"
	else
		diag "secload: $out (exit $rc)" "agent 1's key now $key, want $want"
		fail "a handshake from agent 1's MAC with another key: rejected; agent 1's key stays"
	fi
else
	fail "a handshake from agent 1's MAC with another key # missing $secload (bench/sec.mk)"
fi

# ---- revocation ------------------------------------------------------------------------

# A second key, paired, shakes hands from agent 1's address in agent 1's
# epoch (to the configurator, a rekeying): its session becomes the current
# one, and agent 1's, which agent 1 goes on using, waits beside it as the
# previous one. Revoking agent 1's key must end that one too, at once:
# the kernel once looked at the current session's key only. The sweep
# drops a previous session 10 s after the new one; it runs once a minute
# here, so that a slow machine has the time to look (t_set: the minute
# starts), and the handshake waits, set up, for it.
pub5=$("$py" "$tmp/noisexx.py" "$tmp/second.key")
check "gw: pair add a second key" ctl "$gw" pair add "$pub5" name second
# Held open read-write here: opening it never blocks either side.
mkfifo "$tmp/go"
exec 9<>"$tmp/go"
ip netns exec ag1-$$ "$py" "$tmp/noisexx.py" a1 "$mac1" "$(mac_of "$gw" br0)" \
	"$(agent_get "$mac1" .epoch)" "$tmp/second.key" "$tmp/go" >"$tmp/second.out" 2>&1 &
hs_pid=$!
wait_for 30 grep -q ready "$tmp/second.out"
p0=$(drops "$gw" protected)
lines0=$(wc -l <"$tmp/agent1/log")
check "gw: sweep once a minute" ctl "$gw" params set aging_interval 60s
t_set=$SECONDS
echo go >&9
wait "$hs_pid"
rc=$?
exec 9>&-
out=$(cat "$tmp/second.out")
rx0=$(agent_get "$mac1" .counters.rx_frames)
if [ "$rc" = 0 ] && wait_for 3 above "$rx0" agent_get "$mac1" .counters.rx_frames; then
	ok "a second paired key shakes hands from agent 1's address; agent 1's frames still open on its session, now the previous one"
else
	diag "noisexx: $out (exit $rc)"
	fail "a second paired key shakes hands from agent 1's address; agent 1's session is the previous one"
fi

# refusal_delay LINE - seconds from agent 1's first handshake for want of
# a session after line LINE of its log to the configurator's refusal.
refusal_delay() {
	tail -n +"$(($1 + 1))" "$tmp/agent1/log" | awk '
		{ ts = $0; sub(/^\[ */, "", ts); sub(/\].*/, "", ts) }
		!t1 && /has no session for our key: new handshake/ { t1 = ts; next }
		t1 && /refused the handshake/ { printf "%.3f\n", ts - t1; found = 1; exit }
		END { exit !found }'
}

check "pair del agent 1's key" ctl "$gw" pair del "$pub1"
rx1=$(agent_get "$mac1" .counters.rx_frames)
# Two of agent 1's heartbeats, on its session.
sleep 2.5
rx2=$(agent_get "$mac1" .counters.rx_frames)
p1=$(drops "$gw" protected)
t_seen=$((SECONDS - t_set))
if [ "$t_seen" -ge 55 ]; then
	# The sweep may have dropped the previous session itself: no proof.
	fail "revoked: agent 1's previous session ends at once (too slow to tell: $t_seen s)"
elif [ "$rx2" = "$rx1" ] && [ "$p1" -gt "$p0" ]; then
	ok "revoked: agent 1's session ends at once, the previous one as it was: its frames are refused (protected $p0 -> $p1, ${t_seen} s into the sweep's minute)"
else
	fail "revoked: agent 1's previous session ends at once (frames accepted $rx1 -> $rx2, protected drops $p0 -> $p1)"
fi
if is_trust "$gw" "$mac1" authenticated &&
	is_agent "$mac1" .public_key "$(hexkey "$pub5")"; then
	ok "the second key's session stays, the current one: that key is paired still"
else
	fail "the second key's session stays ($(trust "$gw" "$mac1"), key $(agent_get "$mac1" .public_key))"
fi
# The DECRYPT_FAIL that sends agent 1 to shake hands and the HS_REJECT
# that answers it come within a second: each kind of notice has a budget
# of its own, so the refusal is not held back until the agent's 5 s
# handshake timeout and its next attempt.
if wait_for 10 refusal_delay "$lines0" &&
	awk -v d="$(refusal_delay "$lines0")" 'BEGIN { exit !(d < 4) }'; then
	ok "agent 1 hears HS_REJECT at its first try after the revocation ($(refusal_delay "$lines0") s)"
else
	diag "$(tail -n +"$((lines0 + 1))" "$tmp/agent1/log" | head -n 20)"
	fail "agent 1 hears HS_REJECT at its first try after the revocation ($(refusal_delay "$lines0") s)"
fi
check "pair del the second key" ctl "$gw" pair del "$pub5"
t=$(trust "$gw" "$mac1")
if [ "$t" = none ]; then
	ok "both revoked: agent 1's address is untrusted at once"
else
	fail "both revoked: agent 1's address is untrusted at once ($t)"
fi
check "gw: sweep every second again" ctl "$gw" params set aging_interval 1s
out=$(ctl "$gw" config send "$mac1" dev br0 --hostname sec-after-revoke 2>&1)
rc=$?
if [ "$rc" = 2 ] && [ "$(agent_hostname 1)" = "$host1" ]; then
	ok "config send to the revoked agent is refused (exit 2)"
else
	diag "$out"
	fail "config send to the revoked agent is refused (exit $rc)"
fi
rej0=$(nsstat "$gw" hs_rejected)
if wait_for 20 above "$rej0" nsstat "$gw" hs_rejected; then
	ok "the revoked agent's next handshake is rejected"
else
	fail "the revoked agent's next handshake is rejected (protected drops $p0 -> $(drops "$gw" protected))"
fi
if is_trust "$gw" "$mac1" none; then
	ok "and it stays untrusted"
else
	fail "and it stays untrusted ($(trust "$gw" "$mac1"))"
fi

# ---- callers without CAP_NET_ADMIN ------------------------------------------------------

pub_dir=$tmp/nobody
mkdir -p "$pub_dir"
chmod 1777 "$pub_dir"
# nobody NS ARGS... - i62608ctl as nobody, without capabilities.
nobody() {
	local ns=$1
	shift
	I62608_STATE_DIR=$pub_dir ip netns exec "$ns" setpriv --reuid=nobody \
		--regid=nogroup --clear-groups --inh-caps=-all i62608ctl "$@"
}
npairs=$(ctl "$gw" -j pair show | jq '.pairs | length')
eperm() {
	local desc=$1 out rc
	shift
	out=$(nobody "$gw" "$@" 2>&1 >/dev/null) && rc=0 || rc=$?
	if [ "$rc" != 0 ] && grep -qiE "not permitted|EPERM|permission" <<<"$out"; then
		ok "nobody: $desc: EPERM"
	else
		diag "exit $rc: $out"
		fail "nobody: $desc: EPERM"
	fi
}
eperm "key init (KEY_SET)" key init --file "$pub_dir/k"
eperm "pair add" pair add "$pub4"
eperm "pair del" pair del "$pub3"
eperm "pair open" pair open 60
eperm "config send" config send "$mac3" dev br0 --hostname sec-nobody
eperm "iface add" iface add p1
eperm "iface del" iface del br0
eperm "agent del" agent del "$mac3" dev br0
eperm "params set" params set require_auth yes
if [ "$(ctl "$gw" -j key show | jq -r .public_key)" = "$gwpub" ] &&
	[ "$(ctl "$gw" -j pair show | jq '.pairs | length')" = "$npairs" ] &&
	[ "$(ctl "$gw" -j pair show | jq .window_open)" = false ] &&
	is_trust "$gw" "$mac3" authenticated && [ "$(agent_hostname 3)" = "$last" ]; then
	ok "nothing changed: key, pairs, window, agent 3's session and configuration"
else
	fail "nothing changed after the refused writes"
fi
if nobody "$gw" -j key show | jq -e --arg k "$gwpub" '.public_key == $k' >/dev/null; then
	ok "nobody may read the public key (key show)"
else
	fail "nobody may read the public key (key show)"
fi

# ---- no private key in any answer -------------------------------------------------------

# Every read-only command of the family, raw: the configurator's private
# key (from its file) must be in none of the answers; its public key must
# be in KEY_GET's.
rawcheck=$(ip netns exec "$gw" "$py" - "$top/include/uapi/linux/i62608.h" \
	"$tmp/state-$gw/configurator.key" "$gwpub" <<'EOF'
import base64, os, re, socket, struct, sys
hdr = open(sys.argv[1]).read()
body = re.search(r"enum i62608_cmd \{(.*?)\};", hdr, re.S).group(1)
names = re.findall(r"^\s*(I62608_CMD_\w+)", body, re.M)
cmd = {n: i + 1 for i, n in enumerate(n for n in names if not n.startswith("__"))}
priv = base64.b64decode(open(sys.argv[2]).read().split()[0])
pub = base64.b64decode(sys.argv[3])
assert len(priv) == 32 and len(pub) == 32
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.settimeout(10)
s.bind((0, 0))
seq = 0
def attr(t, v):
    n = 4 + len(v)
    return struct.pack("=HH", n, t) + v + b"\0" * (-n % 4)
def talk(family, c, dump=False, attrs=b""):
    """The raw answer of one request: every message up to DONE or the ack."""
    global seq
    seq += 1
    p = struct.pack("BBH", c, 1, 0) + attrs
    flags = 1 | (0x300 if dump else 4)
    s.send(struct.pack("=IHHII", 16 + len(p), family, flags, seq, 0) + p)
    raw = b""
    while True:
        d = s.recv(1 << 16)
        o = 0
        while o + 16 <= len(d):
            n, t = struct.unpack("=IH", d[o:o + 6])
            if t == 2:
                err = struct.unpack("=i", d[o + 16:o + 20])[0]
                if err:
                    raise SystemExit("error %d on command %d" % (err, c))
                return raw
            if t == 3:
                return raw
            raw += d[o:o + n]
            o += (n + 3) & ~3
r = talk(0x10, 3, attrs=attr(2, b"i62608\0"))
fam = None
o = 20    # nlmsghdr, genlmsghdr
while o + 4 <= len(r):
    n, t = struct.unpack("=HH", r[o:o + 4])
    if t == 1:
        fam = struct.unpack("=H", r[o + 4:o + 6])[0]
    o += (n + 3) & ~3
answers = {
    "KEY_GET": talk(fam, cmd["I62608_CMD_KEY_GET"]),
    "AGENT_GET": talk(fam, cmd["I62608_CMD_AGENT_GET"], True),
    "PAIR_GET dump": talk(fam, cmd["I62608_CMD_PAIR_GET"], True),
    "PAIR_GET": talk(fam, cmd["I62608_CMD_PAIR_GET"]),
    "IFACE_GET": talk(fam, cmd["I62608_CMD_IFACE_GET"], True),
    "STATS_GET": talk(fam, cmd["I62608_CMD_STATS_GET"]),
    "PARAMS_GET": talk(fam, cmd["I62608_CMD_PARAMS_GET"]),
    "CONFIG_GET": talk(fam, cmd["I62608_CMD_CONFIG_GET"], True),
    "VERSION_GET": talk(fam, cmd["I62608_CMD_VERSION_GET"]),
}
leaks = [k for k, v in answers.items() if priv in v]
print("pub-in-key-get" if pub in answers["KEY_GET"] else "no-pub",
      "leaks:" + ",".join(leaks) if leaks else "no-leaks",
      sum(len(v) for v in answers.values()))
EOF
)
diag "raw netlink: $rawcheck"
if [[ "$rawcheck" == "pub-in-key-get no-leaks "* ]]; then
	ok "KEY_GET holds the public key; no answer of any read command holds the private key"
else
	fail "no netlink answer holds the private key ($rawcheck)"
fi
privb64=$(cut -d' ' -f1 "$tmp/state-$gw/configurator.key" | head -n 1)
privhex=$(printf '%s' "$privb64" | base64 -d | od -An -tx1 | tr -d ' \n')
dumps=$(ctl "$gw" -j key show; ctl "$gw" -j agent list; ctl "$gw" -j pair show;
	for m in "$mac1" "$mac3"; do ctl "$gw" -j agent show "$m" 2>/dev/null; done)
if [ -n "$privhex" ] && ! grep -qiF -e "$privb64" -e "$privhex" <<<"$dumps"; then
	ok "key show, agent list/show, pair show print no private key"
else
	fail "key show, agent list/show, pair show print no private key"
fi

stop_all
tap_end
