#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Traffic and listings for the gateway tests (selftests/gateway/*.sh).

Every socket has a timeout: nothing here waits for ever. Run inside the
test's namespaces (ip netns exec), with addresses of those namespaces only.

  gw_net.py tcp-serve PORT OUT        accept one connection, write the peer's
                                      address to OUT, answer "hello PEER"
  gw_net.py tcp-get ADDR PORT         connect, print the answer
  gw_net.py udp-serve PORT OUT        one datagram: write "PEER TOS" to OUT,
                                      answer "hello PEER"
  gw_net.py udp-get ADDR PORT         send one datagram, print the answer
  gw_net.py udp-tos PORT OUT          like udp-serve, without answering
  gw_net.py udp-send ADDR PORT        send one datagram
  gw_net.py mcast-recv IF GROUP PORT OUT   join GROUP on IF, write the payload
                                      of the first datagram to OUT
  gw_net.py mcast-send IF GROUP PORT N     send N datagrams, 100 ms apart
  gw_net.py nft-summary               nft -j listing on stdin -> one line a
                                      rule, the way the tests compare them
  gw_net.py upnp-add ROOTURL EXT PROTO CLIENT PORT DESC
                                      AddPortMapping by hand (SOAP over
                                      HTTP): another UPnP client than ours
"""

import json
import socket
import struct
import sys

TIMEOUT = 10


def tcp_serve(port, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(port)))
    s.listen(1)
    s.settimeout(TIMEOUT)
    # The file exists once we listen: the test waits for it.
    with open(out + ".ready", "w") as f:
        f.write("listening\n")
    c, peer = s.accept()
    c.settimeout(TIMEOUT)
    with open(out, "w") as f:
        f.write(peer[0] + "\n")
    c.sendall(("hello %s\n" % peer[0]).encode())
    c.close()


def tcp_get(addr, port):
    c = socket.create_connection((addr, int(port)), timeout=3)
    data = c.recv(256)
    print(data.decode().strip())


def recv_tos(s):
    data, anc, _, peer = s.recvmsg(2048, socket.CMSG_SPACE(4))
    tos = -1
    for level, kind, value in anc:
        if level == socket.IPPROTO_IP and kind == socket.IP_TOS:
            tos = value[0]
    return data, peer, tos


def udp_bind(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
    s.bind(("0.0.0.0", int(port)))
    s.settimeout(TIMEOUT)
    return s


def udp_serve(port, out, answer=True):
    s = udp_bind(port)
    with open(out + ".ready", "w") as f:
        f.write("listening\n")
    _, peer, tos = recv_tos(s)
    with open(out, "w") as f:
        f.write("%s %d\n" % (peer[0], tos))
    if answer:
        s.sendto(("hello %s" % peer[0]).encode(), peer)


def udp_get(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(b"ping", (addr, int(port)))
    data, _ = s.recvfrom(256)
    print(data.decode().strip())


def udp_send(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"ping", (addr, int(port)))


def if_addr(ifname):
    import fcntl
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    req = struct.pack("256s", ifname.encode()[:15])
    return socket.inet_ntoa(fcntl.ioctl(s.fileno(), 0x8915, req)[20:24])


def mcast_recv(ifname, group, port, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((group, int(port)))
    mreq = socket.inet_aton(group) + socket.inet_aton(if_addr(ifname))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    s.settimeout(TIMEOUT)
    with open(out + ".ready", "w") as f:
        f.write("joined\n")
    data, peer = s.recvfrom(2048)
    with open(out, "w") as f:
        f.write("%s %s\n" % (peer[0], data.decode()))


def mcast_send(ifname, group, port, count):
    import time
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                 socket.inet_aton(if_addr(ifname)))
    for i in range(int(count)):
        s.sendto(("stream %d" % i).encode(), (group, int(port)))
        time.sleep(0.1)


def expr_text(e):
    """One statement of nft's JSON as text, only the shapes we write."""
    if "match" in e:
        m = e["match"]
        left = m["left"]
        if "meta" in left:
            key = left["meta"]["key"]
        elif "payload" in left:
            key = "%s %s" % (left["payload"]["protocol"],
                             left["payload"]["field"])
        else:
            key = json.dumps(left, sort_keys=True)
        return "%s %s %s" % (key, m["op"], m["right"])
    if "counter" in e:
        return "counter"
    if "dnat" in e:
        d = e["dnat"]
        return "dnat %s:%s" % (d["addr"], d["port"])
    if "mangle" in e:
        k = e["mangle"]["key"]
        if "meta" in k:
            key = k["meta"]["key"]
        else:
            key = "%s %s" % (k["payload"]["protocol"], k["payload"]["field"])
        return "set %s %s" % (key, e["mangle"]["value"])
    return json.dumps(e, sort_keys=True)


def nft_summary():
    doc = json.load(sys.stdin)
    for item in doc["nftables"]:
        if "chain" in item:
            c = item["chain"]
            print("chain %s %s %s %s %s %s" % (
                c["family"], c["name"], c.get("type"), c.get("hook"),
                c.get("prio"), c.get("policy")))
        elif "rule" in item:
            r = item["rule"]
            print("rule %s: %s # %s" % (
                r["chain"], ", ".join(expr_text(e) for e in r["expr"]),
                r.get("comment", "")))


def upnp_add(rooturl, ext, proto, client, port, desc):
    """AddPortMapping on the WANIPConnection service of the IGD at ROOTURL."""
    import urllib.parse
    import urllib.request
    import xml.etree.ElementTree as ET
    from xml.sax.saxutils import escape

    ns = "{urn:schemas-upnp-org:device-1-0}"
    with urllib.request.urlopen(rooturl, timeout=5) as r:
        root = ET.fromstring(r.read())
    for svc in root.iter(ns + "service"):
        stype = svc.findtext(ns + "serviceType") or ""
        if ":service:WANIPConnection:" in stype:
            control = urllib.parse.urljoin(rooturl,
                                           svc.findtext(ns + "controlURL"))
            break
    else:
        raise ValueError("no WANIPConnection service at %s" % rooturl)
    args = [("NewRemoteHost", ""), ("NewExternalPort", ext),
            ("NewProtocol", proto), ("NewInternalPort", port),
            ("NewInternalClient", client), ("NewEnabled", "1"),
            ("NewPortMappingDescription", desc),
            ("NewLeaseDuration", "0")]
    body = ('<?xml version="1.0"?>'
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"'
            ' s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
            '<s:Body><u:AddPortMapping xmlns:u="%s">%s</u:AddPortMapping>'
            '</s:Body></s:Envelope>') % (
                stype, "".join("<%s>%s</%s>" % (k, escape(v), k)
                               for k, v in args))
    req = urllib.request.Request(control, data=body.encode(), headers={
        "Content-Type": 'text/xml; charset="utf-8"',
        "SOAPAction": '"%s#AddPortMapping"' % stype})
    with urllib.request.urlopen(req, timeout=5) as r:
        r.read()


def main(argv):
    cmds = {
        "tcp-serve": tcp_serve, "tcp-get": tcp_get,
        "udp-serve": udp_serve, "udp-get": udp_get,
        "udp-tos": lambda p, o: udp_serve(p, o, False),
        "udp-send": udp_send,
        "mcast-recv": mcast_recv, "mcast-send": mcast_send,
        "nft-summary": nft_summary, "upnp-add": upnp_add,
    }
    if len(argv) < 2 or argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    try:
        cmds[argv[1]](*argv[2:])
    except (OSError, ValueError, KeyError) as e:
        sys.stderr.write("gw_net.py %s: %s\n" % (argv[1], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
