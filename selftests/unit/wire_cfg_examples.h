/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration examples of docs/protocol.md (section 12), built with
 * the encoder, and what each one says written down independently of it:
 * wire_doc_test.c checks the document's bytes against both. They are the
 * plaintext messages, as the encoder builds them before a session seals
 * them (flags 0, key id 0, length without the tag); the counter is the
 * one the sealed frame carries.
 *
 * One story: the configurator (epoch 0xc0f1c0f1) configures the set-top
 * box of wire_examples.h (epoch 0x5eed0001) on a session whose counters
 * are the configurator's 1 and 2 (0 was SESSION_CONFIRM) and the agent's
 * 3, 4 and 7. Request 1 sets everything statically; request 2 turns the
 * DHCP client on and asks for what the device cannot do; the lease the
 * client then gets is news, told by CONFIG_REPORT.
 */
#ifndef I62608_WIRE_CFG_EXAMPLES_H
#define I62608_WIRE_CFG_EXAMPLES_H

#include "wire_examples.h"

static const u8 ex_v6_addr[16] = {
	0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x57 };
static const u8 ex_v6_dns[16] = {
	0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 };
static const u8 ex_v6_router[16] = { 0xfe, 0x80, [15] = 0x01 };
static const u8 ex_v4_router[4] = { 192, 168, 1, 1 };

static void ex_cfg_hdr(struct i62608_w *w, u8 *buf, u8 type, u32 msg_id,
		       u32 epoch, u64 counter)
{
	struct i62608_w_hdr h = {
		.type = type, .msg_id = msg_id, .epoch = epoch,
		.counter = counter,
	};

	/* Room for the tag the session adds: what every sender leaves. */
	i62608_w_init(w, buf, I62608_MAX_MSG - I62608_TAG_LEN);
	i62608_w_hdr(w, &h);
}

static void ex_cfg_addr4(struct i62608_w *w, u8 a, u8 b, u8 c, u8 d, u8 plen)
{
	struct i62608_tlv_cfg_addr4 v = { { a, b, c, d }, plen };

	i62608_w_tlv(w, I62608_TLV_CFG_ADDR4, &v, sizeof(v));
}

static void ex_cfg_addr6(struct i62608_w *w, const u8 *addr, u8 plen)
{
	struct i62608_tlv_cfg_addr6 v = { .plen = plen };

	memcpy(v.addr, addr, 16);
	i62608_w_tlv(w, I62608_TLV_CFG_ADDR6, &v, sizeof(v));
}

static void ex_cfg_service(struct i62608_w *w, const char *name, u8 state)
{
	i62608_w_nest_begin(w, I62608_TLV_CFG_SERVICE);
	i62608_w_str(w, I62608_SVC_NAME, name);
	i62608_w_u8(w, I62608_SVC_STATE, state);
	i62608_w_nest_end(w);
}

static void ex_cfg_setting(struct i62608_w *w, const char *key, const char *value)
{
	i62608_w_nest_begin(w, I62608_TLV_CFG_SETTING);
	i62608_w_str(w, I62608_KV_KEY, key);
	/* Values reach 64 bytes, beyond i62608_w_str()'s cut at 32. */
	i62608_w_tlv(w, I62608_KV_VALUE, value, (u16)strlen(value));
	i62608_w_nest_end(w);
}

static int ex_cfg_results(u8 *buf, u8 type, u32 msg_id, u64 counter,
			  const struct i62608_tlv_cfg_result *r, unsigned int n)
{
	struct i62608_w w;
	unsigned int i;

	ex_cfg_hdr(&w, buf, type, msg_id, AGENT_EPOCH, counter);
	for (i = 0; i < n; i++)
		i62608_w_tlv(&w, I62608_TLV_CFG_RESULT, &r[i], sizeof(r[i]));
	return i62608_w_finish(&w);
}

static int ex_config_request(u8 *buf)
{
	struct i62608_w w;

	ex_cfg_hdr(&w, buf, I62608_MSG_CONFIG_REQUEST, 1, CONF_EPOCH, 1);
	i62608_w_str(&w, I62608_TLV_CFG_IFACE, "eth0");
	ex_cfg_addr4(&w, 192, 168, 1, 57, 24);
	ex_cfg_addr6(&w, ex_v6_addr, 64);
	i62608_w_tlv(&w, I62608_TLV_CFG_GW4, ex_v4_router, 4);
	i62608_w_tlv(&w, I62608_TLV_CFG_GW6, ex_v6_router, 16);
	i62608_w_tlv(&w, I62608_TLV_CFG_DNS4, ex_v4_router, 4);
	i62608_w_tlv(&w, I62608_TLV_CFG_DNS6, ex_v6_dns, 16);
	i62608_w_str(&w, I62608_TLV_CFG_HOSTNAME, "livingroom-stb");
	ex_cfg_service(&w, "iptv", I62608_SVC_ENABLED);
	ex_cfg_service(&w, "upnp", I62608_SVC_DISABLED);
	i62608_w_u8(&w, I62608_TLV_CFG_QOS, I62608_QOS_VIDEO);
	ex_cfg_setting(&w, "epg.region", "west");
	return i62608_w_finish(&w);
}

static int ex_config_ack(u8 *buf)
{
	static const struct i62608_tlv_cfg_result r[] = {
		{ 0, I62608_CFG_UNCHANGED, I62608_CFGR_NONE },
		{ 1, I62608_CFG_APPLIED, I62608_CFGR_NONE },
		{ 2, I62608_CFG_APPLIED, I62608_CFGR_NONE },
		{ 3, I62608_CFG_APPLIED, I62608_CFGR_NONE },
		{ 4, I62608_CFG_APPLIED, I62608_CFGR_NONE },
		{ 5, I62608_CFG_APPLIED, I62608_CFGR_NONE },
		{ 6, I62608_CFG_APPLIED, I62608_CFGR_NONE },
		{ 7, I62608_CFG_APPLIED, I62608_CFGR_NONE },
		{ 8, I62608_CFG_UNCHANGED, I62608_CFGR_NONE },
		{ 9, I62608_CFG_APPLIED, I62608_CFGR_NONE },
		{ 10, I62608_CFG_APPLIED, I62608_CFGR_NONE },
		{ 11, I62608_CFG_APPLIED, I62608_CFGR_NONE },
	};

	return ex_cfg_results(buf, I62608_MSG_CONFIG_ACK, 1, 3, r,
			      sizeof(r) / sizeof(r[0]));
}

static int ex_config_request_dhcp(u8 *buf)
{
	struct i62608_w w;

	ex_cfg_hdr(&w, buf, I62608_MSG_CONFIG_REQUEST, 2, CONF_EPOCH, 2);
	i62608_w_u8(&w, I62608_TLV_CFG_DHCP4, 1);
	ex_cfg_service(&w, "recorder", I62608_SVC_ENABLED);
	i62608_w_u8(&w, I62608_TLV_CFG_QOS, I62608_QOS_VOICE);
	return i62608_w_finish(&w);
}

static int ex_config_nack(u8 *buf)
{
	static const struct i62608_tlv_cfg_result r[] = {
		{ 0, I62608_CFG_APPLIED, I62608_CFGR_NONE },
		{ 1, I62608_CFG_REFUSED, I62608_CFGR_NO_SERVICE },
		{ 2, I62608_CFG_REFUSED, I62608_CFGR_NO_HOOK },
	};

	return ex_cfg_results(buf, I62608_MSG_CONFIG_NACK, 2, 4, r,
			      sizeof(r) / sizeof(r[0]));
}

static int ex_config_report(u8 *buf)
{
	struct i62608_w w;

	ex_cfg_hdr(&w, buf, I62608_MSG_CONFIG_REPORT, 10, AGENT_EPOCH, 7);
	i62608_w_str(&w, I62608_TLV_CFG_IFACE, "eth0");
	ex_cfg_addr4(&w, 192, 168, 1, 57, 24);
	ex_cfg_addr4(&w, 192, 168, 1, 80, 24);
	ex_cfg_addr6(&w, ex_v6_addr, 64);
	i62608_w_tlv(&w, I62608_TLV_CFG_GW4, ex_v4_router, 4);
	i62608_w_tlv(&w, I62608_TLV_CFG_GW6, ex_v6_router, 16);
	i62608_w_tlv(&w, I62608_TLV_CFG_DNS4, ex_v4_router, 4);
	i62608_w_tlv(&w, I62608_TLV_CFG_DNS6, ex_v6_dns, 16);
	i62608_w_u8(&w, I62608_TLV_CFG_DHCP4, 1);
	i62608_w_str(&w, I62608_TLV_CFG_HOSTNAME, "livingroom-stb");
	return i62608_w_finish(&w);
}

/*
 * What a reader of the document sees in each example: the header's
 * fields and every TLV as text (see cfg_elem_text() of wire_doc_test.c),
 * one string per TLV, in order.
 */
#define EX_CFG_MAX_TLVS 16

struct cfg_example {
	const char *name;
	const char *title;
	int (*build)(u8 *buf);
	u8 type;
	u32 msg_id;
	u32 epoch;
	u64 counter;
	const char *tlvs[EX_CFG_MAX_TLVS];	/* NULL-terminated */
};

static const struct cfg_example cfg_examples[] = {
	{
		"config-request",
		"CONFIG_REQUEST: a static configuration of the set-top box's eth0, plaintext",
		ex_config_request, I62608_MSG_CONFIG_REQUEST, 1, CONF_EPOCH, 1,
		{
			"iface eth0", "addr4 192.168.1.57/24",
			"addr6 2001:db8:1::57/64", "gw4 192.168.1.1",
			"gw6 fe80::1", "dns4 192.168.1.1", "dns6 2001:db8:1::1",
			"hostname livingroom-stb", "service iptv enabled",
			"service upnp disabled", "qos video",
			"setting epg.region=west", NULL,
		},
	},
	{
		"config-ack",
		"CONFIG_ACK answering it: everything applied or unchanged, plaintext",
		ex_config_ack, I62608_MSG_CONFIG_ACK, 1, AGENT_EPOCH, 3,
		{
			"result 0 unchanged", "result 1 applied", "result 2 applied",
			"result 3 applied", "result 4 applied", "result 5 applied",
			"result 6 applied", "result 7 applied", "result 8 unchanged",
			"result 9 applied", "result 10 applied", "result 11 applied",
			NULL,
		},
	},
	{
		"config-request-dhcp",
		"CONFIG_REQUEST: DHCP on, a service and a QoS class, plaintext",
		ex_config_request_dhcp, I62608_MSG_CONFIG_REQUEST, 2, CONF_EPOCH, 2,
		{ "dhcp4 1", "service recorder enabled", "qos voice", NULL },
	},
	{
		"config-nack",
		"CONFIG_NACK answering it: DHCP applied, no such service, no QoS hook, plaintext",
		ex_config_nack, I62608_MSG_CONFIG_NACK, 2, AGENT_EPOCH, 4,
		{
			"result 0 applied", "result 1 refused no_service",
			"result 2 refused no_hook", NULL,
		},
	},
	{
		"config-report",
		"CONFIG_REPORT: the DHCP lease arrived, plaintext",
		ex_config_report, I62608_MSG_CONFIG_REPORT, 10, AGENT_EPOCH, 7,
		{
			"iface eth0", "addr4 192.168.1.57/24", "addr4 192.168.1.80/24",
			"addr6 2001:db8:1::57/64", "gw4 192.168.1.1", "gw6 fe80::1",
			"dns4 192.168.1.1", "dns6 2001:db8:1::1", "dhcp4 1",
			"hostname livingroom-stb", NULL,
		},
	},
};

#define N_CFG_EXAMPLES (sizeof(cfg_examples) / sizeof(cfg_examples[0]))

#endif /* I62608_WIRE_CFG_EXAMPLES_H */
