// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink interface of enabled interfaces: IFACE_ADD/DEL/GET, every
 * rejection with its errno and extack message, permissions, notifications,
 * the netdevice notifier, and the receive counters.
 *
 * Each test runs in its own network namespace:
 *
 *   +---------------- test netns ----------------+
 *   |  v0 (enabled) <--- veth ---> v1 (sender)   |
 *   +--------------------------------------------+
 */

#include <arpa/inet.h>
#include <grp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "testlib.h"

FIXTURE(iface)
{
	struct i62608_nl nl;	/* requests */
	struct i62608_nl ev;	/* notifications */
	unsigned int v0, v1;
};

FIXTURE_SETUP(iface)
{
	ASSERT_EQ(0, new_netns());
	ASSERT_EQ(0, sh("ip link add name v0 type veth peer name v1 && "
			"ip link set v0 up && ip link set v1 up"));
	self->v0 = if_nametoindex("v0");
	self->v1 = if_nametoindex("v1");
	ASSERT_NE(0, self->v0);
	ASSERT_EQ(0, i62608_nl_open(&self->nl)) {
		TH_LOG("%s", self->nl.errmsg);
	}
	ASSERT_EQ(0, i62608_nl_open(&self->ev));
	ASSERT_EQ(0, i62608_nl_subscribe(&self->ev));
}

FIXTURE_TEARDOWN(iface)
{
	i62608_nl_close(&self->nl);
	i62608_nl_close(&self->ev);
}

struct dump {
	unsigned int n;
	struct i62608_iface_info last;
};

static int dump_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct dump *d = arg;

	if (!i62608_nl_parse(msg, tb) &&
	    !i62608_parse_iface(tb[I62608_A_IFACE], &d->last))
		d->n++;
	return NL_OK;
}

static void dump_reset(void *arg)
{
	((struct dump *)arg)->n = 0;
}

static int count_ifaces(struct i62608_nl *nl)
{
	struct dump d = {};
	int err = i62608_nl_dump(nl, I62608_CMD_IFACE_GET, NULL, dump_cb,
				 dump_reset, &d);

	return err ? err : (int)d.n;
}

TEST_F(iface, add_show_del_by_name_and_index)
{
	struct dump d = {};

	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "v0")));
	ASSERT_EQ(1, count_ifaces(&self->nl));

	/* GET by index returns the interface with its identity. */
	ASSERT_EQ(0, i62608_nl_transact(&self->nl,
					msg_ifindex(&self->nl, I62608_CMD_IFACE_GET, self->v0),
					dump_cb, &d));
	ASSERT_EQ(1, d.n);
	EXPECT_EQ(self->v0, d.last.ifindex);
	EXPECT_STREQ("v0", d.last.ifname);
	EXPECT_TRUE(d.last.has_stats);

	/* Both selectors naming the same interface are accepted. */
	{
		struct nl_msg *m = msg_ifindex(&self->nl, I62608_CMD_IFACE_DEL, self->v0);

		nla_put_string(m, I62608_A_IFNAME, "v0");
		ASSERT_EQ(0, nl_req(&self->nl, m));
	}
	ASSERT_EQ(0, count_ifaces(&self->nl));
}

TEST_F(iface, double_add_is_eexist)
{
	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "v0")));
	ASSERT_EQ(-EEXIST, nl_req(&self->nl, msg_ifindex(&self->nl, I62608_CMD_IFACE_ADD, self->v0)));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "already enabled"));
	ASSERT_EQ(1, count_ifaces(&self->nl));
}

TEST_F(iface, unknown_interface_is_enodev)
{
	ASSERT_EQ(-ENODEV, nl_req(&self->nl, msg_ifindex(&self->nl, I62608_CMD_IFACE_ADD, 99999)));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "no interface with this index"));
	EXPECT_NE(0, self->nl.err_offset);
	ASSERT_EQ(-ENODEV, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "nosuch0")));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "no interface with this name"));
}

TEST_F(iface, index_and_name_disagree_is_einval)
{
	struct nl_msg *m = msg_ifindex(&self->nl, I62608_CMD_IFACE_ADD, self->v0);

	nla_put_string(m, I62608_A_IFNAME, "v1");
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, m));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "different interfaces"));
	ASSERT_EQ(0, count_ifaces(&self->nl));
}

TEST_F(iface, missing_selector_is_einval)
{
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, i62608_nl_msg(&self->nl, I62608_CMD_IFACE_ADD, 0)));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "interface required"));
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, i62608_nl_msg(&self->nl, I62608_CMD_IFACE_DEL, 0)));
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, i62608_nl_msg(&self->nl, I62608_CMD_IFACE_GET, 0)));
}

/* Attributes the policy rejects: the core explains and points at them. */
TEST_F(iface, malformed_attributes_are_einval)
{
	struct nl_msg *m;
	char longname[40];
	uint16_t small = 1;

	/* ifindex 0 is below the policy minimum: out of range. */
	ASSERT_EQ(-ERANGE, nl_req(&self->nl, msg_ifindex(&self->nl, I62608_CMD_IFACE_ADD, 0)));
	EXPECT_NE(0, self->nl.errmsg[0]);
	EXPECT_NE(0, self->nl.err_offset);

	/* A u32 attribute of two bytes. */
	m = i62608_nl_msg(&self->nl, I62608_CMD_IFACE_ADD, 0);
	nla_put(m, I62608_A_IFINDEX, sizeof(small), &small);
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, m));
	EXPECT_NE(0, self->nl.errmsg[0]);

	/* A name longer than IFNAMSIZ - 1. */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, longname)));

	/* A name without its terminating NUL. */
	m = i62608_nl_msg(&self->nl, I62608_CMD_IFACE_ADD, 0);
	nla_put(m, I62608_A_IFNAME, 2, "v0");
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, m));

	/* An attribute type beyond the family's. */
	m = msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "v0");
	nla_put_u32(m, I62608_A_MAX + 10, 1);
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, m));

	/* A known attribute that this operation does not take. */
	m = msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "v0");
	nla_put_u32(m, I62608_A_EPOCH, 1);
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, m));

	/* VERSION_GET takes no attribute at all. */
	m = i62608_nl_msg(&self->nl, I62608_CMD_VERSION_GET, 0);
	nla_put_u32(m, I62608_A_IFINDEX, self->v0);
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, m));

	/* None of this enabled anything. */
	ASSERT_EQ(0, count_ifaces(&self->nl));
}

TEST_F(iface, reserved_header_byte_is_einval)
{
	struct nl_msg *m = i62608_nl_msg(&self->nl, I62608_CMD_VERSION_GET, 0);
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(m));

	g->reserved = 1;
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, m));
}

TEST_F(iface, unknown_command_is_rejected)
{
	ASSERT_EQ(-EOPNOTSUPP, nl_req(&self->nl, i62608_nl_msg(&self->nl, 250, 0)));
}

TEST_F(iface, non_ethernet_is_eopnotsupp)
{
	ASSERT_EQ(-EOPNOTSUPP, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "lo")));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "not an Ethernet interface"));
}

TEST_F(iface, del_and_get_of_disabled_are_enoent)
{
	ASSERT_EQ(-ENOENT, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_DEL, "v0")));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "not enabled"));
	ASSERT_EQ(-ENOENT, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_GET, "v0")));
}

static int put_v0(struct nl_msg *msg, void *arg)
{
	return nla_put_string(msg, I62608_A_IFNAME, "v0");
}

TEST_F(iface, dump_with_selector_is_einval)
{
	struct dump d = {};

	ASSERT_EQ(-EINVAL, i62608_nl_dump(&self->nl, I62608_CMD_IFACE_GET, put_v0,
					  dump_cb, dump_reset, &d));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "without NLM_F_DUMP"));
}

/* 64 interfaces per namespace; the 65th is refused and nothing breaks. */
TEST_F_TIMEOUT(iface, limit_is_enospc, 300)
{
	char name[IFNAMSIZ];
	int i;

	ASSERT_EQ(0, sh("for i in $(seq 0 64); do echo link add name d$i type dummy; done | "
			"ip -batch -"));
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, name)));
	}
	ASSERT_EQ(-ENOSPC, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "d64")));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "too many"));
	/* The dump spans several messages and is complete. */
	ASSERT_EQ(64, count_ifaces(&self->nl));
	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_DEL, "d3")));
	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "d64")));
	ASSERT_EQ(64, count_ifaces(&self->nl));
}

/* Writes need CAP_NET_ADMIN; reads do not. */
TEST_F(iface, non_admin_writes_are_eperm)
{
	pid_t pid;
	int status;

	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "v1")));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct i62608_nl nl;
		int rc = 0;

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		if (i62608_nl_open(&nl))
			_exit(11);
		if (nl_req(&nl, msg_ifname(&nl, I62608_CMD_IFACE_ADD, "v0")) != -EPERM)
			rc |= 1;
		if (nl_req(&nl, msg_ifname(&nl, I62608_CMD_IFACE_DEL, "v1")) != -EPERM)
			rc |= 2;
		if (count_ifaces(&nl) != 1)
			rc |= 4;
		if (nl_req(&nl, i62608_nl_msg(&nl, I62608_CMD_VERSION_GET, 0)))
			rc |= 8;
		_exit(rc);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(1, count_ifaces(&self->nl));
}

TEST_F(iface, notifies_add_and_del)
{
	struct event ev;

	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "v0")));
	ASSERT_TRUE(wait_event(&self->ev, I62608_CMD_IFACE_NEW_NTF, 5000, &ev));
	ASSERT_TRUE(ev.has_iface);
	EXPECT_EQ(self->v0, ev.iface.ifindex);

	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_DEL, "v0")));
	ASSERT_TRUE(wait_event(&self->ev, I62608_CMD_IFACE_DEL_NTF, 5000, &ev));
	EXPECT_EQ(I62608_REASON_USER, ev.reason);
	EXPECT_EQ(self->v0, ev.iface.ifindex);
}

/* An enabled interface deleted under the module is dropped and announced. */
TEST_F(iface, deleted_interface_is_dropped)
{
	struct event ev;

	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "v0")));
	ASSERT_TRUE(wait_event(&self->ev, I62608_CMD_IFACE_NEW_NTF, 5000, NULL));
	ASSERT_EQ(0, sh("ip link del v0"));
	ASSERT_TRUE(wait_event(&self->ev, I62608_CMD_IFACE_DEL_NTF, 5000, &ev));
	EXPECT_EQ(I62608_REASON_IFACE_GONE, ev.reason);
	EXPECT_EQ(self->v0, ev.iface.ifindex);
	ASSERT_EQ(0, count_ifaces(&self->nl));
}

/* Moving an enabled interface to another namespace disables it. */
TEST_F(iface, moved_interface_is_dropped)
{
	struct event ev;

	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "v1")));
	ASSERT_EQ(0, sh("ip netns del i62608-mv 2>/dev/null; ip netns add i62608-mv && "
			"ip link set v1 netns i62608-mv"));
	ASSERT_TRUE(wait_event(&self->ev, I62608_CMD_IFACE_DEL_NTF, 5000, &ev));
	EXPECT_EQ(I62608_REASON_IFACE_GONE, ev.reason);
	ASSERT_EQ(0, count_ifaces(&self->nl));
	sh("ip netns del i62608-mv");
}

static int send_frame(const char *ifname, const void *payload, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(I62608_ETHERTYPE),
		.sll_ifindex = (int)if_nametoindex(ifname),
		.sll_halen = ETH_ALEN,
	};
	unsigned char frame[1600];
	int fd, ret;

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		return -errno;
	/* Broadcast from a locally administered unicast source. */
	memset(frame, 0xff, 6);
	memcpy(frame + 6, "\x02\x00\x00\x62\x60\x08", 6);
	frame[12] = I62608_ETHERTYPE >> 8;
	frame[13] = I62608_ETHERTYPE & 0xff;
	memcpy(frame + 14, payload, len);
	memset(sll.sll_addr, 0xff, 6);
	ret = sendto(fd, frame, 14 + len, 0, (struct sockaddr *)&sll, sizeof(sll));
	close(fd);
	return ret < 0 ? -errno : 0;
}

static bool stats_of(struct i62608_nl *nl, const char *ifname,
		     struct i62608_stats_info *st)
{
	struct dump d = {};

	if (i62608_nl_transact(nl, msg_ifname(nl, I62608_CMD_IFACE_GET, ifname),
			       dump_cb, &d) || d.n != 1)
		return false;
	*st = d.last.stats;
	return true;
}

/* Frames reach the handler only on the enabled interface, and are counted. */
TEST_F(iface, frames_are_counted_on_enabled_interface_only)
{
	struct i62608_stats_info st;
	unsigned char hdr[24] = { 1 };	/* version 1, length field 0 */
	unsigned char badv[24] = { 9 };
	uint64_t end;

	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "v0")));
	/* v0 receives what v1 sends; v1 receives what v0 would send (none). */
	ASSERT_EQ(0, send_frame("v1", hdr, 10));	/* short: truncated */
	ASSERT_EQ(0, send_frame("v1", badv, sizeof(badv)));
	ASSERT_EQ(0, send_frame("v1", hdr, sizeof(hdr)));
	ASSERT_EQ(0, send_frame("v0", hdr, sizeof(hdr)));	/* to v1: not ours */

	end = now_ms() + 5000;
	do {
		ASSERT_TRUE(stats_of(&self->nl, "v0", &st));
		if (st.rx_frames >= 3)
			break;
		usleep(20000);
	} while (now_ms() < end);
	/* veth does not pad short frames to the Ethernet minimum. */
	EXPECT_EQ(3, st.rx_frames);
	EXPECT_EQ(1, st.drops[I62608_DROP_TRUNCATED]);
	EXPECT_EQ(1, st.drops[I62608_DROP_VERSION]);
	EXPECT_EQ(1, st.drops[I62608_DROP_LENGTH]);
}

I62608_HARNESS_MAIN
