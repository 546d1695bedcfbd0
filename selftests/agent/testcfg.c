// SPDX-License-Identifier: GPL-2.0
/*
 * testcfg: a minimal configurator for testing i62608-agent without the
 * kernel module. It answers DISCOVER with a unicast ADVERTISE (echoing the
 * id), answers a HEARTBEAT naming a REPORT it does not hold with
 * ADVERTISE(REPORT_REQUEST) and sends an unsolicited ADVERTISE to the
 * group every advertisement interval (a third of the TTL unless told), as
 * docs/protocol.md section 5 says the configurator does, and prints one
 * line per frame, received or sent:
 *
 *   T_US rx|tx TYPE key=value ...
 *
 * T_US is CLOCK_MONOTONIC in microseconds (for a received frame: when the
 * kernel received it). Every frame is parsed and validated by
 * kernel/wire.c; invalid ones print "rx INVALID reason=N".
 *
 *   testcfg -i IFNAME [--epoch HEX] [--ttl S] [--hb S] [--silent]
 *           [--adv-interval MS] [--ignore-reports N] [--ethertype N]
 *           [--key FILE [--pair PUBKEY]... [--pair-any]]
 *   testcfg -i IFNAME --inject HEX [--dst MAC]     send one frame, exit
 *
 * Signals: SIGUSR1 new epoch and an unsolicited ADVERTISE to the group
 * (a configurator restart); SIGUSR2 toggles silence (a configurator that
 * died); SIGTERM/SIGINT print "summary ..." and exit.
 *
 * With --key (a base64 X25519 private key, as i62608-agent keeps its own)
 * it is a secure configurator too, built on kernel/noise.c like the
 * module: the responder of the Noise XX handshake (HS_RESP echoing
 * HS_INIT's id; SESSION_CONFIRM sealed with the new keys or HS_REJECT for
 * an agent not paired by --pair/--pair-any), protected frames opened and
 * replay-checked (DECRYPT_FAIL for an unknown key id), and configuration
 * requests sent on the session. Commands on standard input, one a line:
 *
 *   config ITEM...        a CONFIG_REQUEST to the last agent with a session
 *   resend                the last CONFIG_REQUEST again, same message id
 *   plain-config ITEM...  the same, unprotected (an agent must drop it)
 *   drop-sessions         forget every session (the agent then gets
 *                         DECRYPT_FAIL)
 *
 * ITEMs: iface=NAME addr4=A/P addr6=A/P gw4=A gw6=A dns4=A dns6=A
 * dhcp4=0|1 dhcp6=0|1 hostname=NAME service=NAME:enabled|disabled qos=N
 * setting=KEY:VALUE raw=HEX (TLVs as they are).
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "noise.h"
#include "report.h"

#define MAX_AGENTS 8192

static const u8 group[6] = I62608_GROUP_ADDR;

struct session {
	bool on;
	u8 send[I62608_KEY_LEN], recv[I62608_KEY_LEN];
	u16 local_id, remote_id;
	u64 counter;
	struct i62608_replay replay;
};

struct peer {
	u8 mac[6];
	u32 report_id;		/* the REPORT held; 0: none */
	u32 epoch;
	unsigned int reports;
	/* Security. */
	struct i62608_hs *hs;
	u32 hs_msg_id;
	u16 hs_local_id, hs_remote_id;
	struct session cur, prev;	/* prev: until the agent uses cur */
	u8 pub[I62608_KEY_LEN];
};

static struct {
	int fd;
	int ifindex;
	u8 mac[6];
	u16 ethertype;
	u32 epoch;
	u32 next_id;
	u64 counter;
	u16 ttl, hb;
	long adv_ms;		/* unsolicited ADVERTISE; 0: never */
	bool silent;
	unsigned int ignore_reports;
	unsigned int n_peers;
	struct peer peers[MAX_AGENTS];
	unsigned long rx[I62608_MSG_MAX + 1], invalid;
	/* Security: our key, who is paired. */
	bool secure, pair_any;
	struct i62608_keypair key;
	unsigned int n_pairs;
	u8 pairs[16][I62608_KEY_LEN];
	struct peer *last_auth;		/* the last agent with a session */
	u32 cfg_id;
	u16 last_cfg_len;
	u8 last_cfg[I62608_MAX_MSG];
	unsigned long handshakes, rejected, authfail;
} c;

static volatile sig_atomic_t got_usr1, got_usr2, got_term;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGUSR2)
		got_usr2 = 1;
	else
		got_term = 1;
}

static unsigned long long ts_us(const struct timespec *ts)
{
	return (unsigned long long)ts->tv_sec * 1000000 +
		(unsigned long long)ts->tv_nsec / 1000;
}

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_us(&ts);
}

/*
 * When the kernel received the frame being printed: a loaded machine may
 * run us late, and the tests measure intervals. The kernel stamps with
 * CLOCK_REALTIME; lines use CLOCK_MONOTONIC.
 */
static unsigned long long rx_us;

static ssize_t recv_stamped(u8 *buf, size_t size)
{
	char ctl[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cm;
	struct timespec real;
	ssize_t n;

	n = recvmsg(c.fd, &mh, 0);
	rx_us = now_us();
	if (n <= 0)
		return n;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			clock_gettime(CLOCK_REALTIME, &real);
			rx_us -= ts_us(&real) - ts_us(&ts);
		}
	}
	return n;
}

static const char *mac_s(const u8 *m, char *b)
{
	sprintf(b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		m[4], m[5]);
	return b;
}

#define MAC(m) mac_s((m), (char[18]){ 0 })

static const char *type_name(unsigned int t)
{
	static const char *const n[] = {
		"?", "DISCOVER", "ADVERTISE", "REPORT", "HEARTBEAT", "BYE",
		"CONFIG_REQUEST", "CONFIG_ACK", "CONFIG_NACK", "CONFIG_REPORT",
		"HS_INIT", "HS_RESP", "HS_FINISH", "SESSION_CONFIRM",
		"HS_REJECT", "DECRYPT_FAIL",
	};

	return t <= I62608_MSG_MAX ? n[t] : "?";
}

static struct peer *peer(const u8 *mac, bool create)
{
	unsigned int i;

	for (i = 0; i < c.n_peers; i++)
		if (!memcmp(c.peers[i].mac, mac, 6))
			return &c.peers[i];
	if (!create || c.n_peers == MAX_AGENTS)
		return NULL;
	memcpy(c.peers[c.n_peers].mac, mac, 6);
	return &c.peers[c.n_peers++];
}

static int send_frame(const u8 *dst, const u8 *msg, size_t len)
{
	u8 frame[14 + I62608_MAX_MSG];
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_ifindex = c.ifindex,
		.sll_halen = 6, .sll_protocol = htons(c.ethertype),
	};

	memcpy(sll.sll_addr, dst, 6);
	memcpy(frame, dst, 6);
	memcpy(frame + 6, c.mac, 6);
	put_unaligned_be16(c.ethertype, frame + 12);
	memcpy(frame + 14, msg, len);
	return sendto(c.fd, frame, 14 + len, 0, (void *)&sll, sizeof(sll)) < 0 ?
		-errno : 0;
}

static void advertise(const u8 *dst, u32 id, u16 flags)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_ADVERTISE, .flags = flags, .msg_id = id,
		.epoch = c.epoch, .counter = ++c.counter,
	};
	u8 buf[I62608_MAX_MSG];
	struct i62608_w w;
	int len;

	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &h);
	i62608_w_u16(&w, I62608_TLV_TTL, c.ttl);
	i62608_w_u16(&w, I62608_TLV_HEARTBEAT_INTERVAL, c.hb);
	len = i62608_w_finish(&w);
	if (send_frame(dst, buf, (size_t)len))
		perror("testcfg: send");
	printf("%llu tx ADVERTISE dst=%s id=%u epoch=0x%08x flags=0x%x ttl=%u hb=%u\n",
	       now_us(), MAC(dst), id, c.epoch, flags, c.ttl, c.hb);
}

static void print_report(const struct i62608_frame *m)
{
	struct i62608_report r;
	unsigned int i;

	if (i62608_report_decode(m->body, m->body_len, &r)) {
		printf(" decode=failed");
		return;
	}
	printf(" ttl=%u caps=0x%x dtype=%u name=%s vendor=%s model=%s partial=%d ifaces=%u services=%u",
	       r.ttl, r.caps, r.device_type, r.name[0] ? r.name : "-",
	       r.vendor[0] ? r.vendor : "-", r.model[0] ? r.model : "-",
	       !!(m->flags & I62608_F_PARTIAL), r.n_ifaces, r.n_services);
	for (i = 0; i < r.n_ifaces; i++) {
		const struct i62608_report_if *f = &r.ifaces[i];
		char a[INET6_ADDRSTRLEN];
		unsigned int j;

		printf(" if%u=%s,%s,flags=0x%x", i, f->name[0] ? f->name : "-",
		       MAC(f->mac), f->flags);
		for (j = 0; j < f->n_addr4; j++)
			printf(",%s/%u/%u", inet_ntop(AF_INET, f->addr4[j].addr, a, sizeof(a)),
			       f->addr4[j].plen, f->addr4[j].origin);
		for (j = 0; j < f->n_addr6; j++)
			printf(",%s/%u/%u", inet_ntop(AF_INET6, f->addr6[j].addr, a, sizeof(a)),
			       f->addr6[j].plen, f->addr6[j].origin);
		if (f->has_gw4)
			printf(",gw4=%s", inet_ntop(AF_INET, f->gw4, a, sizeof(a)));
		for (j = 0; j < f->n_dns4; j++)
			printf(",dns4=%s", inet_ntop(AF_INET, f->dns4[j], a, sizeof(a)));
	}
	for (i = 0; i < r.n_services; i++)
		printf(" svc%u=%s/%u/%u", i, r.services[i].name, r.services[i].state,
		       r.services[i].n_ports);
}

/* ------------------------------------------------------------------ */
/* Security                                                            */
/* ------------------------------------------------------------------ */

static const char *b64(const u8 *k, char *out)
{
	static const char t[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned int i, n = 0;

	for (i = 0; i < 30; i += 3) {
		u32 v = (u32)k[i] << 16 | (u32)k[i + 1] << 8 | k[i + 2];

		out[n++] = t[v >> 18];
		out[n++] = t[(v >> 12) & 63];
		out[n++] = t[(v >> 6) & 63];
		out[n++] = t[v & 63];
	}
	{
		u32 v = (u32)k[30] << 16 | (u32)k[31] << 8;

		out[n++] = t[v >> 18];
		out[n++] = t[(v >> 12) & 63];
		out[n++] = t[(v >> 6) & 63];
		out[n++] = '=';
	}
	out[n] = 0;
	return out;
}

#define B64(k) b64((k), (char[48]){ 0 })

static bool unb64(const char *s, u8 *key)
{
	static const char t[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	u8 out[33];
	unsigned int i, n = 0;

	if (strlen(s) != 44 || s[43] != '=')
		return false;
	for (i = 0; i < 43; i += 4) {
		u32 v = 0;
		unsigned int j;

		for (j = 0; j < 4; j++) {
			const char *p = i + j < 43 ? strchr(t, s[i + j]) : t;

			if (!p || !*p)
				return false;
			v = v << 6 | (u32)(p - t);
		}
		out[n++] = (u8)(v >> 16);
		out[n++] = (u8)(v >> 8);
		out[n++] = (u8)v;
	}
	memcpy(key, out, 32);
	return true;
}

/* An unprotected notice: HS_RESP, HS_REJECT, DECRYPT_FAIL. */
static void tx_plain(const u8 *dst, struct i62608_w *w, const char *what)
{
	int len = i62608_w_finish(w);

	if (len < 0 || send_frame(dst, w->buf, (size_t)len))
		perror("testcfg: send");
	printf("%llu tx %s dst=%s\n", now_us(), what, MAC(dst));
}

static void hdr(struct i62608_w *w, u8 *buf, u8 type, u32 id, u16 cap)
{
	struct i62608_w_hdr h = {
		.type = type, .msg_id = id, .epoch = c.epoch, .counter = ++c.counter,
	};

	i62608_w_init(w, buf, cap);
	i62608_w_hdr(w, &h);
}

/* Seal the message in @w on @p's session and send it. */
static int tx_sealed(struct peer *p, struct i62608_w *w)
{
	int len = i62608_w_finish(w);

	if (len < 0 || !p->cur.on)
		return -1;
	len = i62608_frame_seal(w->buf, (size_t)len, I62608_MAX_MSG,
				p->cur.remote_id, p->cur.counter++, c.mac,
				p->cur.send);
	if (len < 0 || send_frame(p->mac, w->buf, (size_t)len))
		return -1;
	return 0;
}

static bool paired(const u8 *pub)
{
	unsigned int i;

	if (c.pair_any)
		return true;
	for (i = 0; i < c.n_pairs; i++)
		if (!memcmp(c.pairs[i], pub, 32))
			return true;
	return false;
}

static void hs_init(struct peer *p, const u8 *src, const struct i62608_frame *m)
{
	u8 prologue[I62608_PROLOGUE_MAX], msg2[I62608_HS2_LEN], buf[256];
	struct i62608_elem hm, kid;
	struct i62608_w w;
	size_t plen;

	if (!c.secure)
		return;
	i62608_tlv_find(m->body, m->body_len, I62608_TLV_HS_MSG, &hm);
	i62608_tlv_find(m->body, m->body_len, I62608_TLV_HS_KEY_ID, &kid);
	free(p->hs);
	p->hs = calloc(1, sizeof(*p->hs));
	plen = i62608_hs_prologue(prologue, src, c.mac);
	i62608_hs_init(p->hs, false, &c.key, prologue, plen);
	if (i62608_hs_read1(p->hs, hm.val, hm.len) || i62608_hs_write2(p->hs, msg2)) {
		printf("%llu hs failed src=%s step=2\n", now_us(), MAC(src));
		return;
	}
	p->hs_msg_id = m->msg_id;
	p->hs_remote_id = get_unaligned_be16(kid.val);
	do {
		i62608_cr_random(&p->hs_local_id, sizeof(p->hs_local_id));
	} while (!p->hs_local_id || p->hs_local_id == p->cur.local_id);
	hdr(&w, buf, I62608_MSG_HS_RESP, m->msg_id, sizeof(buf));
	i62608_w_tlv(&w, I62608_TLV_HS_MSG, msg2, sizeof(msg2));
	i62608_w_u16(&w, I62608_TLV_HS_KEY_ID, p->hs_local_id);
	tx_plain(src, &w, "HS_RESP");
}

static void hs_finish(struct peer *p, const u8 *src, const struct i62608_frame *m)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_elem hm;
	struct session s = { .on = true };
	struct i62608_w w;

	if (!c.secure || !p->hs || m->msg_id != p->hs_msg_id)
		return;
	i62608_tlv_find(m->body, m->body_len, I62608_TLV_HS_MSG, &hm);
	if (i62608_hs_read3(p->hs, hm.val, hm.len)) {
		printf("%llu hs failed src=%s step=3\n", now_us(), MAC(src));
		free(p->hs);
		p->hs = NULL;
		return;
	}
	memcpy(p->pub, p->hs->rs, 32);
	if (!paired(p->pub)) {
		c.rejected++;
		printf("%llu hs rejected src=%s key=%s\n", now_us(), MAC(src),
		       B64(p->pub));
		hdr(&w, buf, I62608_MSG_HS_REJECT, m->msg_id, sizeof(buf));
		tx_plain(src, &w, "HS_REJECT");
		free(p->hs);
		p->hs = NULL;
		return;
	}
	i62608_hs_split(p->hs, s.send, s.recv);
	free(p->hs);
	p->hs = NULL;
	s.local_id = p->hs_local_id;
	s.remote_id = p->hs_remote_id;
	i62608_replay_init(&s.replay);
	p->prev = p->cur;
	p->cur = s;
	c.handshakes++;
	c.last_auth = p;
	printf("%llu session src=%s key=%s local=%u remote=%u\n", now_us(),
	       MAC(src), B64(p->pub), s.local_id, s.remote_id);
	i62608_w_init(&w, buf, I62608_MAX_MSG - I62608_TAG_LEN);
	i62608_w_hdr(&w, &(struct i62608_w_hdr){
		.type = I62608_MSG_SESSION_CONFIRM, .msg_id = m->msg_id,
		.epoch = c.epoch });
	if (tx_sealed(p, &w))
		perror("testcfg: SESSION_CONFIRM");
	printf("%llu tx SESSION_CONFIRM dst=%s id=%u\n", now_us(), MAC(src),
	       m->msg_id);
}

static void print_results(const struct i62608_frame *m)
{
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	const char *sep = " results=";

	i62608_tlv_iter_init(&it, m->body, m->body_len);
	while (i62608_tlv_next(&it, &t) > 0) {
		if (t.type != I62608_TLV_CFG_RESULT)
			continue;
		printf("%s%u:%u:%u", sep, t.val[0], t.val[1], t.val[2]);
		sep = ",";
	}
}

static void print_cfg_items(const u8 *body, size_t len)
{
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	char a[INET6_ADDRSTRLEN], s[80];

	i62608_tlv_iter_init(&it, body, len);
	while (i62608_tlv_next(&it, &t) > 0) {
		switch (t.type) {
		case I62608_TLV_CFG_IFACE:
			i62608_tlv_str(&t, s, sizeof(s));
			printf(" iface=%s", s);
			break;
		case I62608_TLV_CFG_ADDR4:
			printf(" addr4=%s/%u", inet_ntop(AF_INET, t.val, a, sizeof(a)), t.val[4]);
			break;
		case I62608_TLV_CFG_ADDR6:
			printf(" addr6=%s/%u", inet_ntop(AF_INET6, t.val, a, sizeof(a)), t.val[16]);
			break;
		case I62608_TLV_CFG_GW4:
			printf(" gw4=%s", inet_ntop(AF_INET, t.val, a, sizeof(a)));
			break;
		case I62608_TLV_CFG_GW6:
			printf(" gw6=%s", inet_ntop(AF_INET6, t.val, a, sizeof(a)));
			break;
		case I62608_TLV_CFG_DNS4:
			printf(" dns4=%s", inet_ntop(AF_INET, t.val, a, sizeof(a)));
			break;
		case I62608_TLV_CFG_DNS6:
			printf(" dns6=%s", inet_ntop(AF_INET6, t.val, a, sizeof(a)));
			break;
		case I62608_TLV_CFG_DHCP4:
			printf(" dhcp4=%u", t.val[0]);
			break;
		case I62608_TLV_CFG_HOSTNAME:
			i62608_tlv_str(&t, s, sizeof(s));
			printf(" hostname=%s", s);
			break;
		}
	}
}

/* Encode one ITEM of a "config" command; false if it is not one. */
static bool cfg_item(struct i62608_w *w, char *item)
{
	char *v = strchr(item, '='), *colon;
	u8 a[17];
	unsigned int plen;

	if (!v)
		return false;
	*v++ = 0;
	colon = strchr(v, ':');
	if (!strcmp(item, "iface") || !strcmp(item, "hostname")) {
		i62608_w_str(w, !strcmp(item, "iface") ? I62608_TLV_CFG_IFACE :
			     I62608_TLV_CFG_HOSTNAME, v);
	} else if (!strcmp(item, "addr4") || !strcmp(item, "addr6")) {
		bool v4 = item[4] == '4';
		char *slash = strchr(v, '/');

		if (!slash)
			return false;
		*slash = 0;
		plen = (unsigned int)atoi(slash + 1);
		if (inet_pton(v4 ? AF_INET : AF_INET6, v, a) != 1)
			return false;
		a[v4 ? 4 : 16] = (u8)plen;
		i62608_w_tlv(w, v4 ? I62608_TLV_CFG_ADDR4 : I62608_TLV_CFG_ADDR6,
			     a, v4 ? 5 : 17);
	} else if (!strcmp(item, "gw4") || !strcmp(item, "dns4")) {
		if (inet_pton(AF_INET, v, a) != 1)
			return false;
		i62608_w_tlv(w, item[0] == 'g' ? I62608_TLV_CFG_GW4 :
			     I62608_TLV_CFG_DNS4, a, 4);
	} else if (!strcmp(item, "gw6") || !strcmp(item, "dns6")) {
		if (inet_pton(AF_INET6, v, a) != 1)
			return false;
		i62608_w_tlv(w, item[0] == 'g' ? I62608_TLV_CFG_GW6 :
			     I62608_TLV_CFG_DNS6, a, 16);
	} else if (!strcmp(item, "dhcp4") || !strcmp(item, "dhcp6")) {
		i62608_w_u8(w, item[4] == '4' ? I62608_TLV_CFG_DHCP4 :
			    I62608_TLV_CFG_DHCP6, (u8)atoi(v));
	} else if (!strcmp(item, "qos")) {
		i62608_w_u8(w, I62608_TLV_CFG_QOS, (u8)atoi(v));
	} else if (!strcmp(item, "service") && colon) {
		*colon = 0;
		i62608_w_nest_begin(w, I62608_TLV_CFG_SERVICE);
		i62608_w_str(w, I62608_SVC_NAME, v);
		i62608_w_u8(w, I62608_SVC_STATE, !strcmp(colon + 1, "enabled"));
		i62608_w_nest_end(w);
	} else if (!strcmp(item, "setting") && colon) {
		*colon = 0;
		i62608_w_nest_begin(w, I62608_TLV_CFG_SETTING);
		i62608_w_str(w, I62608_KV_KEY, v);
		i62608_w_str(w, I62608_KV_VALUE, colon + 1);
		i62608_w_nest_end(w);
	} else if (!strcmp(item, "raw")) {
		while (v[0] && v[1]) {
			unsigned int b;

			if (sscanf(v, "%2x", &b) != 1)
				return false;
			a[0] = (u8)b;
			if (w->len < w->cap)
				w->buf[w->len++] = a[0];
			v += 2;
		}
	} else {
		return false;
	}
	return true;
}

static void send_config(const u8 *body, size_t len, u32 id, bool plain)
{
	struct peer *p = c.last_auth;
	u8 buf[I62608_MAX_MSG];
	struct i62608_w w;
	int n;

	if (!p) {
		printf("%llu config: no agent with a session\n", now_us());
		return;
	}
	hdr(&w, buf, I62608_MSG_CONFIG_REQUEST, id, I62608_MAX_MSG - I62608_TAG_LEN);
	memcpy(buf + w.len, body, len);
	w.len += (u16)len;
	if (plain) {
		n = i62608_w_finish(&w);
		if (n < 0 || send_frame(p->mac, buf, (size_t)n))
			perror("testcfg: send");
	} else if (tx_sealed(p, &w)) {
		printf("%llu config: cannot send\n", now_us());
		return;
	}
	printf("%llu tx CONFIG_REQUEST dst=%s id=%u%s", now_us(), MAC(p->mac), id,
	       plain ? " plain=1" : "");
	print_cfg_items(body, len);
	printf("\n");
}

static void command(char *line)
{
	char *cmd = strtok(line, " \t\n"), *item;
	u8 buf[I62608_MAX_MSG];
	struct i62608_w w;
	bool plain;

	if (!cmd)
		return;
	plain = !strcmp(cmd, "plain-config");
	if (!strcmp(cmd, "config") || plain) {
		i62608_w_init(&w, buf, I62608_MAX_MSG - I62608_TAG_LEN);
		while ((item = strtok(NULL, " \t\n"))) {
			if (!cfg_item(&w, item)) {
				printf("%llu config: bad item %s\n", now_us(), item);
				return;
			}
		}
		if (w.overflow) {
			printf("%llu config: too long\n", now_us());
			return;
		}
		memcpy(c.last_cfg, buf, w.len);
		c.last_cfg_len = w.len;
		send_config(buf, w.len, ++c.cfg_id, plain);
	} else if (!strcmp(cmd, "resend")) {
		send_config(c.last_cfg, c.last_cfg_len, c.cfg_id, false);
	} else if (!strcmp(cmd, "drop-sessions")) {
		unsigned int i;

		for (i = 0; i < c.n_peers; i++) {
			memset(&c.peers[i].cur, 0, sizeof(c.peers[i].cur));
			memset(&c.peers[i].prev, 0, sizeof(c.peers[i].prev));
		}
		c.last_auth = NULL;
		printf("%llu sessions dropped\n", now_us());
	} else {
		printf("%llu unknown command %s\n", now_us(), cmd);
	}
}

/*
 * Open a protected frame from @p in place (a copy). Returns false, with a
 * line printed, when it must be dropped.
 */
static bool open_frame(struct peer *p, const u8 *src, u8 *msg,
		       struct i62608_frame *m)
{
	struct session *sess = NULL;
	u8 buf[64];
	struct i62608_w w;

	if (p && p->cur.on && p->cur.local_id == m->key_id)
		sess = &p->cur;
	else if (p && p->prev.on && p->prev.local_id == m->key_id)
		sess = &p->prev;
	if (!sess) {
		printf("%llu rx NOSESSION src=%s key_id=%u\n", rx_us, MAC(src),
		       m->key_id);
		hdr(&w, buf, I62608_MSG_DECRYPT_FAIL, 0, sizeof(buf));
		i62608_w_u16(&w, I62608_TLV_FAIL_KEY_ID, m->key_id);
		tx_plain(src, &w, "DECRYPT_FAIL");
		return false;
	}
	if (!i62608_frame_open(m, msg, src, sess->recv)) {
		c.authfail++;
		printf("%llu rx AUTHFAIL src=%s\n", rx_us, MAC(src));
		return false;
	}
	if (!i62608_replay_accept(&sess->replay, m->counter)) {
		printf("%llu rx REPLAY src=%s counter=%llu\n", rx_us, MAC(src),
		       (unsigned long long)m->counter);
		return false;
	}
	/* The first frame on the new session retires the old one. */
	if (sess == &p->cur)
		memset(&p->prev, 0, sizeof(p->prev));
	return true;
}

static void rx(const u8 *frame, size_t len)
{
	const u8 *src = frame + 6;
	struct i62608_frame m;
	struct i62608_elem t;
	struct peer *p;
	int reason;

	if (len < 14 || !memcmp(src, c.mac, 6))
		return;
	reason = i62608_wire_hdr(frame + 14, len - 14, &m);
	if (!reason && (m.flags & I62608_F_PROTECTED)) {
		static u8 msg[I62608_MAX_MSG];

		memcpy(msg, frame + 14, m.length);
		i62608_wire_hdr(msg, m.length, &m);
		if (!open_frame(peer(src, false), src, msg, &m))
			return;
	}
	if (!reason)
		reason = i62608_wire_validate(&m);
	if (reason) {
		c.invalid++;
		printf("%llu rx INVALID src=%s reason=%d\n", rx_us, MAC(src), reason);
		return;
	}
	c.rx[m.type]++;
	printf("%llu rx %s src=%s dst=%s id=%u epoch=0x%08x counter=%llu len=%u%s",
	       rx_us, type_name(m.type), MAC(src), MAC(frame), m.msg_id,
	       m.epoch, (unsigned long long)m.counter, m.length,
	       m.flags & I62608_F_PROTECTED ? " prot=1" : "");
	p = peer(src, m.type != I62608_MSG_ADVERTISE);
	if (p && p->epoch && p->epoch != m.epoch) {
		printf(" restarted=1");
		p->report_id = 0;
		memset(&p->cur, 0, sizeof(p->cur));
		memset(&p->prev, 0, sizeof(p->prev));
	}
	if (!p && m.type != I62608_MSG_ADVERTISE) {
		printf(" table=full\n");
		return;
	}
	if (p)
		p->epoch = m.epoch;

	switch (m.type) {
	case I62608_MSG_DISCOVER:
		if (i62608_tlv_find(m.body, m.body_len, I62608_TLV_CAPABILITIES, &t))
			printf(" caps=0x%x", get_unaligned_be32(t.val));
		if (i62608_tlv_find(m.body, m.body_len, I62608_TLV_DEVICE_TYPE, &t))
			printf(" dtype=%u", t.val[0]);
		printf("\n");
		if (!c.silent)
			advertise(src, m.msg_id, 0);
		return;
	case I62608_MSG_REPORT:
		print_report(&m);
		printf("\n");
		if (c.ignore_reports) {
			c.ignore_reports--;
			printf("%llu ignored REPORT id=%u\n", now_us(), m.msg_id);
			return;
		}
		p->report_id = m.msg_id;
		p->reports++;
		return;
	case I62608_MSG_HEARTBEAT:
		i62608_tlv_find(m.body, m.body_len, I62608_TLV_TTL, &t);
		printf(" ttl=%u", get_unaligned_be16(t.val));
		i62608_tlv_find(m.body, m.body_len, I62608_TLV_REPORT_ID, &t);
		printf(" report_id=%u\n", get_unaligned_be32(t.val));
		if (!c.silent && get_unaligned_be32(t.val) != p->report_id)
			advertise(src, m.msg_id, I62608_F_REPORT_REQUEST);
		return;
	case I62608_MSG_BYE:
		if (i62608_tlv_find(m.body, m.body_len, I62608_TLV_REASON, &t))
			printf(" reason=%u", t.val[0]);
		printf("\n");
		return;
	case I62608_MSG_HS_INIT:
		printf("\n");
		hs_init(p, src, &m);
		return;
	case I62608_MSG_HS_FINISH:
		printf("\n");
		hs_finish(p, src, &m);
		return;
	case I62608_MSG_CONFIG_ACK:
	case I62608_MSG_CONFIG_NACK:
		print_results(&m);
		printf("\n");
		return;
	case I62608_MSG_CONFIG_REPORT:
		print_cfg_items(m.body, m.body_len);
		printf("\n");
		return;
	default:
		printf("\n");
	}
}

static bool parse_mac(const char *s, u8 *mac)
{
	unsigned int b[6], i;
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &end) != 6)
		return false;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return false;
		mac[i] = (u8)b[i];
	}
	return true;
}

static int inject(const char *hex, const u8 *dst)
{
	u8 msg[I62608_MAX_MSG];
	size_t n = 0;

	while (hex[0] && hex[1] && n < sizeof(msg)) {
		unsigned int v;

		if (sscanf(hex, "%2x", &v) != 1)
			return 2;
		msg[n++] = (u8)v;
		hex += 2;
	}
	if (*hex) {
		fprintf(stderr, "testcfg: --inject: odd or overlong hex\n");
		return 2;
	}
	if (send_frame(dst, msg, n)) {
		perror("testcfg: send");
		return 1;
	}
	return 0;
}

static void summary(void)
{
	unsigned int i, reported = 0;

	for (i = 0; i < c.n_peers; i++)
		if (c.peers[i].reports)
			reported++;
	printf("%llu summary agents=%u reported=%u discover=%lu report=%lu heartbeat=%lu bye=%lu invalid=%lu handshakes=%lu rejected=%lu authfail=%lu\n",
	       now_us(), c.n_peers, reported, c.rx[I62608_MSG_DISCOVER],
	       c.rx[I62608_MSG_REPORT], c.rx[I62608_MSG_HEARTBEAT],
	       c.rx[I62608_MSG_BYE], c.invalid, c.handshakes, c.rejected,
	       c.authfail);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "epoch", required_argument, NULL, 'e' },
		{ "ttl", required_argument, NULL, 't' },
		{ "hb", required_argument, NULL, 'b' },
		{ "silent", no_argument, NULL, 's' },
		{ "ignore-reports", required_argument, NULL, 'r' },
		{ "adv-interval", required_argument, NULL, 'a' },
		{ "ethertype", required_argument, NULL, 'E' },
		{ "inject", required_argument, NULL, 'I' },
		{ "dst", required_argument, NULL, 'd' },
		{ "key", required_argument, NULL, 'k' },
		{ "pair", required_argument, NULL, 'P' },
		{ "pair-any", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifname = NULL, *hex = NULL;
	struct packet_mreq mr = { .mr_type = PACKET_MR_MULTICAST, .mr_alen = 6 };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	u8 dst[6];
	socklen_t slen = sizeof(sll);
	unsigned long long next_adv;
	unsigned int i;
	int opt;

	memcpy(dst, group, 6);
	c.ethertype = I62608_ETHERTYPE;
	c.ttl = 90;
	c.hb = 10;
	c.adv_ms = -1;
	while ((opt = getopt_long(argc, argv, "i:", opts, NULL)) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 'e': c.epoch = (u32)strtoul(optarg, NULL, 16); break;
		case 't': c.ttl = (u16)atoi(optarg); break;
		case 'b': c.hb = (u16)atoi(optarg); break;
		case 's': c.silent = true; break;
		case 'r': c.ignore_reports = (unsigned int)atoi(optarg); break;
		case 'a': c.adv_ms = atol(optarg); break;
		case 'E': c.ethertype = (u16)strtoul(optarg, NULL, 0); break;
		case 'I': hex = optarg; break;
		case 'k': {
			char line[128] = "";
			FILE *f = fopen(optarg, "r");

			if (!f || !fgets(line, sizeof(line), f)) {
				perror(optarg);
				return 2;
			}
			fclose(f);
			line[strcspn(line, "\n")] = 0;
			if (!unb64(line, c.key.priv) ||
			    !i62608_cr_x25519_pub(c.key.pub, c.key.priv)) {
				fprintf(stderr, "testcfg: %s: not a key\n", optarg);
				return 2;
			}
			c.secure = true;
			break;
		}
		case 'P':
			if (c.n_pairs == 16 || !unb64(optarg, c.pairs[c.n_pairs])) {
				fprintf(stderr, "testcfg: bad --pair %s\n", optarg);
				return 2;
			}
			c.n_pairs++;
			break;
		case 'A':
			c.pair_any = true;
			break;
		case 'd':
			if (!parse_mac(optarg, dst)) {
				fprintf(stderr, "testcfg: bad MAC %s\n", optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (!ifname || !c.ttl || !c.hb) {
		fprintf(stderr, "usage: testcfg -i IFNAME [options] (see the source)\n");
		return 2;
	}
	while (!c.epoch)
		if (getrandom(&c.epoch, sizeof(c.epoch), 0) != sizeof(c.epoch))
			return 1;
	if (c.adv_ms < 0)
		c.adv_ms = c.ttl * 1000L / 3;
	setvbuf(stdout, NULL, _IOLBF, 0);

	c.ifindex = (int)if_nametoindex(ifname);
	c.fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (!c.ifindex || c.fd < 0) {
		perror("testcfg");
		return 1;
	}
	sll.sll_protocol = htons(c.ethertype);
	sll.sll_ifindex = c.ifindex;
	if (bind(c.fd, (void *)&sll, sizeof(sll)) ||
	    getsockname(c.fd, (void *)&sll, &slen)) {
		perror("testcfg: bind");
		return 1;
	}
	memcpy(c.mac, sll.sll_addr, 6);
	if (hex)
		return inject(hex, dst);
	mr.mr_ifindex = c.ifindex;
	memcpy(mr.mr_address, group, 6);
	/* Thousands of agents (--instances) answer a group ADVERTISE at once. */
	setsockopt(c.fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ 16 << 20 }, sizeof(int));
	if (setsockopt(c.fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) ||
	    setsockopt(c.fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){ 1 }, sizeof(int))) {
		perror("testcfg: membership");
		return 1;
	}
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("%llu ready mac=%s epoch=0x%08x ttl=%u hb=%u%s%s\n", now_us(),
	       MAC(c.mac), c.epoch, c.ttl, c.hb, c.secure ? " key=" : "",
	       c.secure ? B64(c.key.pub) : "");
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);

	next_adv = now_us() + (unsigned long long)c.adv_ms * 1000;
	while (!got_term) {
		struct pollfd pfd[2] = {
			{ .fd = c.fd, .events = POLLIN },
			{ .fd = 0, .events = POLLIN },
		};
		static char cmd[4096];
		static size_t cmd_len;
		u8 buf[2048];
		ssize_t n;

		if (c.adv_ms && !c.silent && now_us() >= next_adv) {
			advertise(group, 0x80000000u | ++c.next_id, 0);
			next_adv = now_us() + (unsigned long long)c.adv_ms * 1000;
		}
		if (got_usr1) {
			got_usr1 = 0;
			c.epoch = 0;
			while (!c.epoch)
				if (getrandom(&c.epoch, sizeof(c.epoch), 0) != sizeof(c.epoch))
					c.epoch = 0;
			c.counter = 0;
			/* A restarted configurator holds no REPORT. */
			for (i = 0; i < c.n_peers; i++)
				c.peers[i].report_id = 0;
			printf("%llu epoch 0x%08x\n", now_us(), c.epoch);
			advertise(group, 0x80000000u | ++c.next_id, 0);
		}
		if (got_usr2) {
			got_usr2 = 0;
			c.silent = !c.silent;
			printf("%llu silent=%d\n", now_us(), c.silent);
		}
		if (poll(pfd, 2, 20) <= 0)
			continue;
		if (pfd[1].revents & POLLIN) {
			char *nl;

			n = read(0, cmd + cmd_len, sizeof(cmd) - 1 - cmd_len);
			if (n > 0)
				cmd_len += (size_t)n;
			cmd[cmd_len] = 0;
			while ((nl = strchr(cmd, '\n'))) {
				*nl = 0;
				command(cmd);
				cmd_len -= (size_t)(nl + 1 - cmd);
				memmove(cmd, nl + 1, cmd_len + 1);
			}
			if (cmd_len == sizeof(cmd) - 1)
				cmd_len = 0;
		}
		if (pfd[1].revents & (POLLHUP | POLLERR | POLLNVAL))
			pfd[1].fd = -1;
		if (!(pfd[0].revents & POLLIN))
			continue;
		n = recv_stamped(buf, sizeof(buf));
		if (n > 0)
			rx(buf, (size_t)n);
	}
	summary();
	return 0;
}
