// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: the kernel module's generic netlink family (see knl.h).
 * Everything the kernel sends is decoded by the shared, policy-checked
 * decoders of userspace/lib (proto_nl.c, cfgntf.c): a malformed message
 * is logged and skipped, never trusted.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/genl/genl.h>

#include "knl.h"
#include "log.h"

/* Big enough for thousands of agents arriving at once (a power cut ends). */
#define KNL_RCVBUF (4 << 20)

static void set_rcvbuf(int fd)
{
	int size = KNL_RCVBUF;

	/* Beyond net.core.rmem_max needs CAP_NET_ADMIN, which we have. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

struct version_reply {
	uint32_t epoch;
	char module[64];
	bool got;
};

static int version_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct version_reply *v = arg;

	if (i62608_nl_parse(msg, tb) || !tb[I62608_A_EPOCH])
		return NL_SKIP;
	v->epoch = nla_get_u32(tb[I62608_A_EPOCH]);
	if (tb[I62608_A_MODULE_VERSION])
		nla_strlcpy(v->module, tb[I62608_A_MODULE_VERSION], sizeof(v->module));
	v->got = true;
	return NL_OK;
}

static int version(struct knl *k, struct version_reply *v)
{
	int err;

	memset(v, 0, sizeof(*v));
	err = i62608_nl_transact(&k->req,
				 i62608_nl_msg(&k->req, I62608_CMD_VERSION_GET, 0),
				 version_cb, v);
	if (!err && !v->got)
		err = -EBADMSG;
	return err;
}

int knl_epoch(struct knl *k, uint32_t *epoch)
{
	struct version_reply v;
	int err = version(k, &v);

	if (!err)
		*epoch = v.epoch;
	return err;
}

int knl_open(struct knl *k)
{
	struct version_reply v;
	int err;

	memset(k, 0, sizeof(*k));
	err = i62608_nl_open(&k->ev);
	if (err)
		return err;
	err = i62608_nl_subscribe(&k->ev);
	if (err) {
		i62608_nl_close(&k->ev);
		return err;
	}
	set_rcvbuf(i62608_nl_fd(&k->ev));
	err = i62608_nl_open(&k->req);
	if (err) {
		i62608_nl_close(&k->ev);
		return err;
	}
	err = version(k, &v);
	if (err) {
		knl_close(k);
		return err;
	}
	k->epoch = v.epoch;
	memcpy(k->module_version, v.module, sizeof(k->module_version));
	k->up = true;
	return 0;
}

void knl_close(struct knl *k)
{
	i62608_nl_close(&k->ev);
	i62608_nl_close(&k->req);
	k->up = false;
}

int knl_event_fd(const struct knl *k)
{
	return i62608_nl_fd(&k->ev);
}

/* ----------------------------------------------------------- dumps -- */

struct agent_dump {
	void (*fn)(void *arg, const struct i62608_agent_info *a);
	void *arg;
	unsigned int bad;
};

static int agent_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct agent_dump *ad = arg;
	struct i62608_agent_info a;

	if (i62608_nl_parse(msg, tb) || i62608_parse_agent(tb[I62608_A_AGENT], &a)) {
		ad->bad++;
		return NL_SKIP;
	}
	ad->fn(ad->arg, &a);
	return NL_OK;
}

int knl_dump_agents(struct knl *k,
		    void (*fn)(void *arg, const struct i62608_agent_info *a),
		    void *arg)
{
	struct agent_dump ad = { .fn = fn, .arg = arg };
	int err;

	/*
	 * An interrupted dump is restarted from the beginning: agents seen
	 * twice are recorded twice, which changes nothing.
	 */
	err = i62608_nl_dump(&k->req, I62608_CMD_AGENT_GET, NULL, agent_cb, NULL,
			     &ad);
	if (ad.bad)
		log_warn("kernel: %u malformed agents in the dump, skipped", ad.bad);
	return err;
}

struct ids {
	uint32_t *v;
	size_t n, cap;
	int err;
};

static int pending_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1], *p[I62608_PENDING_A_MAX + 1];
	struct ids *ids = arg;

	if (i62608_nl_parse(msg, tb) || !tb[I62608_A_PENDING] ||
	    nla_parse_nested(p, I62608_PENDING_A_MAX, tb[I62608_A_PENDING], NULL) ||
	    !p[I62608_PENDING_A_REQUEST_ID] ||
	    nla_len(p[I62608_PENDING_A_REQUEST_ID]) != 4)
		return NL_SKIP;
	if (ids->n == ids->cap) {
		void *v = realloc(ids->v, (ids->cap ? ids->cap * 2 : 64) * sizeof(*ids->v));

		if (!v) {
			ids->err = -ENOMEM;
			return NL_STOP;
		}
		ids->v = v;
		ids->cap = ids->cap ? ids->cap * 2 : 64;
	}
	ids->v[ids->n++] = nla_get_u32(p[I62608_PENDING_A_REQUEST_ID]);
	return NL_OK;
}

static void pending_reset(void *arg)
{
	((struct ids *)arg)->n = 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int knl_pending_ids(struct knl *k, uint32_t **out, size_t *n)
{
	struct ids ids = {};
	int err;

	err = i62608_nl_dump(&k->req, I62608_CMD_CONFIG_GET, NULL, pending_cb,
			     pending_reset, &ids);
	if (!err)
		err = ids.err;
	if (err) {
		free(ids.v);
		return err;
	}
	if (ids.n)
		qsort(ids.v, ids.n, sizeof(*ids.v), cmp_u32);
	*out = ids.v;
	*n = ids.n;
	return 0;
}

/* ------------------------------------------------------------ send -- */

struct send_reply {
	uint32_t id;
	bool got;
};

static int send_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct send_reply *r = arg;

	if (i62608_nl_parse(msg, tb) || !tb[I62608_A_REQUEST_ID])
		return NL_SKIP;
	r->id = nla_get_u32(tb[I62608_A_REQUEST_ID]);
	r->got = r->id != 0;
	return NL_OK;
}

int knl_config_send(struct knl *k, const uint8_t mac[6], uint32_t ifindex,
		    const uint8_t *items, size_t len, uint32_t *id)
{
	struct nl_msg *msg = i62608_nl_msg(&k->req, I62608_CMD_CONFIG_SEND, 0);
	struct send_reply r = {};
	int err;

	if (!msg)
		return -ENOMEM;
	if (nla_put(msg, I62608_A_MAC, 6, mac) ||
	    (ifindex && nla_put_u32(msg, I62608_A_IFINDEX, ifindex)) ||
	    nla_put(msg, I62608_A_CONFIG, (int)len, items)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = i62608_nl_transact(&k->req, msg, send_cb, &r);
	if (!err && !r.got) {
		snprintf(k->req.errmsg, sizeof(k->req.errmsg),
			 "the kernel answered without a request id");
		err = -EBADMSG;
	}
	if (!err)
		*id = r.id;
	return err;
}

/* ---------------------------------------------------------- events -- */

struct ev_ctx {
	struct knl *k;
	const struct knl_handlers *h;
	void *arg;
};

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct ev_ctx *c = arg;
	struct i62608_cfg_report rep;
	struct i62608_cfg_result res;
	struct i62608_event *ev;
	uint8_t cmd;

	if (nlmsg_hdr(msg)->nlmsg_type != c->k->ev.family ||
	    nlmsg_hdr(msg)->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return NL_SKIP;
	cmd = i62608_nl_cmd(msg);
	switch (cmd) {
	case I62608_CMD_AGENT_NEW_NTF:
	case I62608_CMD_AGENT_CHANGE_NTF:
	case I62608_CMD_AGENT_LOST_NTF:
		/* Large (an agent with its REPORT): not on the stack. */
		ev = malloc(sizeof(*ev));
		if (!ev) {
			c->h->lost(c->arg);
			return NL_SKIP;
		}
		if (i62608_parse_event(msg, ev)) {
			log_warn("kernel: malformed %s notification, skipped",
				 i62608_cmd_name(cmd));
		} else if (cmd == I62608_CMD_AGENT_LOST_NTF) {
			c->h->agent_lost(c->arg, &ev->agent, ev->reason);
		} else {
			c->h->agent(c->arg, &ev->agent);
		}
		free(ev);
		break;
	case I62608_CMD_CONFIG_RESULT_NTF:
		if (i62608_nl_parse(msg, tb) || i62608_parse_cfg_result(tb, &res))
			log_warn("kernel: malformed config_result notification, skipped");
		else
			c->h->result(c->arg, &res);
		break;
	case I62608_CMD_CONFIG_REPORT_NTF:
		if (i62608_nl_parse(msg, tb) || i62608_parse_cfg_report(tb, &rep))
			log_warn("kernel: malformed config_report notification, skipped");
		else
			c->h->cfg_report(c->arg, &rep);
		break;
	case I62608_CMD_TABLE_FULL_NTF:
		log_warn("kernel: the agent table is full: new devices are not heard");
		break;
	default:
		/* Interfaces, pairings, newer notifications: not ours to act on. */
		break;
	}
	return NL_OK;
}

int knl_read_events(struct knl *k, const struct knl_handlers *h, void *arg,
		    unsigned int budget)
{
	struct ev_ctx c = { .k = k, .h = h, .arg = arg };
	int err;

	while (budget--) {
		err = i62608_nl_poll_events(&k->ev, event_cb, &c, 0);
		if (err == -ENOBUFS) {
			h->lost(arg);
			continue;
		}
		if (err < 0)
			return err;
		if (!err)
			return 0;
	}
	return 1;
}
