// SPDX-License-Identifier: GPL-2.0
/*
 * One AF_PACKET socket per interface. The order of the setup matters: the
 * socket is opened with protocol 0, so it receives nothing; the filter is
 * attached; only then is it bound to the interface and our EtherType. No
 * frame that the filter would refuse is ever queued to it.
 */

#include <errno.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include "agent.h"
#include "log.h"
#include "sock.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/* Room for the burst of ADVERTISEs answering N instances' DISCOVERs. */
#define SCALE_RCVBUF	(8 << 20)
/* Frames read per wakeup: one busy interface cannot starve the rest. */
#define RX_BUDGET	256

static const u8 group_addr[6] = I62608_GROUP_ADDR;

unsigned int agent_sock_filter(u16 ethertype, struct sock_filter *f)
{
	unsigned int n = 0, i, drop, accept;

	if (7 + agent_n_rx_handlers + 2 > AGENT_FILTER_MAX)
		return 0;
	/* The jump targets: the last two instructions. */
	drop = 7 + agent_n_rx_handlers;
	accept = drop + 1;

	/* A VLAN tag the NIC took off: not our LAN's frame. */
	f[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					    SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT);
	n++;
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0,
					    (u8)(drop - n - 1));
	n++;
	f[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12);
	n++;
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ethertype,
					    0, (u8)(drop - n - 1));
	n++;
	f[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS,
					    AGENT_ETH_HLEN);
	n++;
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					    I62608_PROTO_V1, 0, (u8)(drop - n - 1));
	n++;
	f[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS,
					    AGENT_ETH_HLEN + 1);
	n++;
	for (i = 0; i < agent_n_rx_handlers; i++, n++)
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						    agent_rx_handlers[i].type,
						    (u8)(accept - n - 1), 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffff);
	return n;
}

static int membership(int fd, int ifindex, unsigned short type)
{
	struct packet_mreq mr = {
		.mr_ifindex = ifindex, .mr_type = type,
	};

	if (type == PACKET_MR_MULTICAST) {
		mr.mr_alen = 6;
		memcpy(mr.mr_address, group_addr, 6);
	}
	return setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
}

static void sock_ready(struct agent *a, struct agent_poll *p, u32 events)
{
	struct agent_if *aif = (struct agent_if *)((char *)p -
						   offsetof(struct agent_if, poll));
	u8 buf[AGENT_FRAME_MAX + 64];
	unsigned int budget = RX_BUDGET;

	while (budget--) {
		struct sockaddr_ll sll;
		socklen_t slen = sizeof(sll);
		ssize_t n;

		n = recvfrom(p->fd, buf, sizeof(buf), MSG_TRUNC, (void *)&sll,
			     &slen);
		if (n < 0) {
			/* ENETDOWN: the link went down, rtnetlink tells. */
			if (errno != EAGAIN && errno != EINTR && errno != ENETDOWN)
				log_warn("%s: receive: %s", aif->name,
					 strerror(errno));
			return;
		}
		/* Longer than any message: the header's length tells. */
		if ((size_t)n > sizeof(buf))
			n = sizeof(buf);
		agent_rx(a, aif, buf, (size_t)n,
			 sll.sll_pkttype == PACKET_OUTGOING);
	}
}

int agent_sock_open(struct agent *a, struct agent_if *aif)
{
	struct sock_filter f[AGENT_FILTER_MAX];
	struct sock_fprog prog = { .filter = f };
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(a->cfg.ethertype),
		.sll_ifindex = aif->ifindex,
	};
	int fd, one = 1, err;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	prog.len = (unsigned short)agent_sock_filter(a->cfg.ethertype, f);
	if (!prog.len) {
		close(fd);
		return -E2BIG;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    setsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof(one)))
		goto fail;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    membership(fd, aif->ifindex, PACKET_MR_MULTICAST))
		goto fail;
	/* Our own frames: not even queued (the receive path drops them too). */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (a->n_instances > 1) {
		int size = SCALE_RCVBUF;

		/* Instance addresses are not the NIC's: take every frame. */
		if (membership(fd, aif->ifindex, PACKET_MR_PROMISC))
			goto fail;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	aif->poll.fd = fd;
	aif->poll.fn = sock_ready;
	return 0;

fail:
	err = -errno;
	close(fd);
	return err;
}

void agent_sock_close(struct agent *a, struct agent_if *aif)
{
	if (aif->poll.fd >= 0)
		close(aif->poll.fd);
	aif->poll.fd = -1;
}

int agent_sock_tx(struct agent *a, struct agent_inst *in, const u8 *dst,
		  const u8 *msg, size_t len)
{
	struct agent_if *aif = in->aif;
	u8 frame[AGENT_FRAME_MAX];
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(a->cfg.ethertype),
		.sll_ifindex = aif->ifindex,
		.sll_halen = 6,
	};
	size_t flen = AGENT_ETH_HLEN + len;

	if (aif->poll.fd < 0)
		return -ENOTCONN;
	if (len > I62608_MAX_MSG)
		return -EMSGSIZE;
	memcpy(sll.sll_addr, dst, 6);
	memcpy(frame, dst, 6);
	memcpy(frame + 6, in->mac, 6);
	put_unaligned_be16(a->cfg.ethertype, frame + 12);
	memcpy(frame + AGENT_ETH_HLEN, msg, len);
	/* Not every driver pads short frames; receivers ignore padding. */
	if (flen < AGENT_FRAME_MIN) {
		memset(frame + flen, 0, AGENT_FRAME_MIN - flen);
		flen = AGENT_FRAME_MIN;
	}
	if (sendto(aif->poll.fd, frame, flen, 0, (struct sockaddr *)&sll,
		   sizeof(sll)) < 0)
		return -errno;
	return 0;
}

void agent_sock_stats(struct agent_if *aif)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	/* The kernel resets its counters when read: accumulate. */
	if (aif->poll.fd >= 0 &&
	    !getsockopt(aif->poll.fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		aif->st.kernel_drops += st.tp_drops;
}
