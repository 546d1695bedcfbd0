/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The byte-exact examples of docs/protocol.md, built with the encoder.
 * wire_doc_test.c checks the document against them (and prints them with
 * I62608_PRINT_EXAMPLES=1 when the document is written).
 */
#ifndef I62608_WIRE_EXAMPLES_H
#define I62608_WIRE_EXAMPLES_H

#include <stdio.h>

#include "wire.h"

#define AGENT_EPOCH 0x5eed0001u
#define CONF_EPOCH 0xc0f1c0f1u

static const u8 ex_agent_mac[6] = { 0x02, 0, 0, 0, 0, 0xa1 };

static int ex_discover(u8 *buf)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_DISCOVER, .msg_id = 1,
		.epoch = AGENT_EPOCH, .counter = 1,
	};
	struct i62608_w w;

	i62608_w_init(&w, buf, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	i62608_w_u32(&w, I62608_TLV_CAPABILITIES,
		     I62608_CAP_IPV4 | I62608_CAP_DHCP4 | I62608_CAP_STATIC |
		     I62608_CAP_SERVICES | I62608_CAP_MULTICAST | I62608_CAP_CONFIG);
	i62608_w_u8(&w, I62608_TLV_DEVICE_TYPE, I62608_DEV_STB);
	i62608_w_str(&w, I62608_TLV_AGENT_VERSION, "0.1.0");
	return i62608_w_finish(&w);
}

static int ex_advertise(u8 *buf, u16 flags, u32 msg_id, u64 counter)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_ADVERTISE, .flags = flags, .msg_id = msg_id,
		.epoch = CONF_EPOCH, .counter = counter,
	};
	struct i62608_w w;

	i62608_w_init(&w, buf, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	i62608_w_u16(&w, I62608_TLV_TTL, 90);
	i62608_w_u16(&w, I62608_TLV_HEARTBEAT_INTERVAL, 10);
	return i62608_w_finish(&w);
}

static int ex_advertise_reply(u8 *buf)
{
	return ex_advertise(buf, 0, 1, 1);
}

static int ex_report(u8 *buf)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_REPORT, .msg_id = 2,
		.epoch = AGENT_EPOCH, .counter = 2,
	};
	struct i62608_tlv_addr4 a4 = { { 192, 168, 1, 57 }, 24, I62608_ORIGIN_DHCP };
	static const u8 gw[4] = { 192, 168, 1, 1 };
	struct i62608_tlv_port iptv = { 17, { 0x13, 0x8c } };	/* 5004 */
	struct i62608_tlv_port ssdp = { 17, { 0x07, 0x6c } };	/* 1900 */
	struct i62608_w w;

	i62608_w_init(&w, buf, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	i62608_w_u16(&w, I62608_TLV_TTL, 31);
	i62608_w_u32(&w, I62608_TLV_CAPABILITIES,
		     I62608_CAP_IPV4 | I62608_CAP_DHCP4 | I62608_CAP_STATIC |
		     I62608_CAP_SERVICES | I62608_CAP_MULTICAST | I62608_CAP_CONFIG);
	i62608_w_u8(&w, I62608_TLV_DEVICE_TYPE, I62608_DEV_STB);
	i62608_w_str(&w, I62608_TLV_VENDOR, "Example");
	i62608_w_str(&w, I62608_TLV_MODEL, "STB-100");
	i62608_w_str(&w, I62608_TLV_SERIAL, "SN0001");
	i62608_w_str(&w, I62608_TLV_FIRMWARE, "1.2.3");
	i62608_w_str(&w, I62608_TLV_NAME, "livingroom-stb");
	i62608_w_nest_begin(&w, I62608_TLV_INTERFACE);
	i62608_w_str(&w, I62608_IF_NAME, "eth0");
	i62608_w_tlv(&w, I62608_IF_MAC, ex_agent_mac, 6);
	i62608_w_tlv(&w, I62608_IF_ADDR4, &a4, sizeof(a4));
	i62608_w_tlv(&w, I62608_IF_GW4, gw, 4);
	i62608_w_tlv(&w, I62608_IF_DNS4, gw, 4);
	i62608_w_u8(&w, I62608_IF_FLAGS,
		    I62608_IFF_UP | I62608_IFF_CARRIER | I62608_IFF_DHCP4);
	i62608_w_nest_end(&w);
	i62608_w_nest_begin(&w, I62608_TLV_SERVICE);
	i62608_w_str(&w, I62608_SVC_NAME, "iptv");
	i62608_w_u8(&w, I62608_SVC_STATE, I62608_SVC_ENABLED);
	i62608_w_tlv(&w, I62608_SVC_PORT, &iptv, sizeof(iptv));
	i62608_w_nest_end(&w);
	i62608_w_nest_begin(&w, I62608_TLV_SERVICE);
	i62608_w_str(&w, I62608_SVC_NAME, "upnp");
	i62608_w_u8(&w, I62608_SVC_STATE, I62608_SVC_DISABLED);
	i62608_w_tlv(&w, I62608_SVC_PORT, &ssdp, sizeof(ssdp));
	i62608_w_nest_end(&w);
	return i62608_w_finish(&w);
}

static int ex_heartbeat(u8 *buf)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_HEARTBEAT, .msg_id = 3,
		.epoch = AGENT_EPOCH, .counter = 3,
	};
	struct i62608_w w;

	i62608_w_init(&w, buf, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	i62608_w_u16(&w, I62608_TLV_TTL, 31);
	i62608_w_u32(&w, I62608_TLV_REPORT_ID, 2);
	return i62608_w_finish(&w);
}

static int ex_advertise_report_request(u8 *buf)
{
	return ex_advertise(buf, I62608_F_REPORT_REQUEST, 3, 2);
}

static int ex_advertise_unsolicited(u8 *buf)
{
	return ex_advertise(buf, 0, 0x80000007u, 3);
}

static int ex_bye(u8 *buf)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_BYE, .msg_id = 4,
		.epoch = AGENT_EPOCH, .counter = 4,
	};
	struct i62608_w w;

	i62608_w_init(&w, buf, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	i62608_w_u8(&w, I62608_TLV_REASON, I62608_BYE_SHUTDOWN);
	return i62608_w_finish(&w);
}

struct example {
	const char *name;
	const char *title;
	int (*build)(u8 *buf);
};

static const struct example examples[] = {
	{ "discover", "DISCOVER from a set-top box's agent, to 03:62:60:80:00:01", ex_discover },
	{ "advertise", "ADVERTISE answering it, unicast to the agent (message id echoed)", ex_advertise_reply },
	{ "report", "REPORT: a set-top box with one interface (DHCP) and two services", ex_report },
	{ "heartbeat", "HEARTBEAT naming REPORT 2", ex_heartbeat },
	{ "advertise-report-request", "ADVERTISE with REPORT_REQUEST, answering a HEARTBEAT whose REPORT the configurator lacks", ex_advertise_report_request },
	{ "advertise-unsolicited", "unsolicited ADVERTISE to the group address", ex_advertise_unsolicited },
	{ "bye", "BYE at shutdown", ex_bye },
};

#define N_EXAMPLES (sizeof(examples) / sizeof(examples[0]))

/* The document's layout: 16 bytes per line, offset first. */
static void ex_hex(FILE *f, const u8 *p, int len)
{
	int i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			fprintf(f, "%s%04x ", i ? "\n" : "", i);
		fprintf(f, "%s%02x", i % 16 == 8 ? "  " : " ", p[i]);
	}
	fputc('\n', f);
}

#endif /* I62608_WIRE_EXAMPLES_H */
