/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A REPORT as a C structure: decoded from (validated) TLVs for i62608ctl,
 * i62608d and the tests; encoded within one frame for i62608-agent. Both
 * directions go through kernel/wire.c, the one parser and encoder.
 */
#ifndef I62608_REPORT_H
#define I62608_REPORT_H

#include "wire.h"

struct i62608_report_if {
	char name[16];
	u8 mac[6];
	u8 flags;			/* I62608_IFF_* */
	u8 n_addr4, n_addr6, n_dns4, n_dns6;
	struct i62608_tlv_addr4 addr4[I62608_MAX_ADDRS];
	struct i62608_tlv_addr6 addr6[I62608_MAX_ADDRS];
	bool has_gw4, has_gw6;
	u8 gw4[4];
	u8 gw6[16];
	u8 dns4[I62608_MAX_DNS][4];
	u8 dns6[I62608_MAX_DNS][16];
};

struct i62608_report_port {
	u8 proto;			/* 6 TCP, 17 UDP */
	u16 port;
};

struct i62608_report_svc {
	char name[I62608_SVC_NAME_MAX + 1];
	u8 state;			/* enum i62608_svc_state */
	u8 n_ports;
	struct i62608_report_port ports[I62608_MAX_PORTS];
};

struct i62608_report {
	u16 ttl;
	u32 caps;
	u8 device_type;
	bool partial;			/* the frame had I62608_F_PARTIAL */
	char vendor[I62608_STR_MAX + 1];
	char model[I62608_STR_MAX + 1];
	char serial[I62608_STR_MAX + 1];
	char firmware[I62608_STR_MAX + 1];
	char name[I62608_STR_MAX + 1];
	char agent_version[I62608_STR_MAX + 1];
	u8 n_ifaces;
	struct i62608_report_if ifaces[I62608_MAX_IFACES_TLV];
	u8 n_services;
	struct i62608_report_svc services[I62608_MAX_SERVICES];
};

/*
 * Validate the TLVs of a REPORT (as the kernel does) and decode them.
 * Returns 0 or -EBADMSG.
 */
int i62608_report_decode(const u8 *body, size_t len, struct i62608_report *r);

/*
 * Append @r's TLVs to @w (after its header) within the frame: identity
 * first, then interface @facing (-1: none first), services, the other
 * interfaces; an element that does not fit whole is left out with all that
 * follows. Returns 0 when complete, 1 when elements were left out (set
 * I62608_F_PARTIAL), -1 when not even the identity fits.
 */
int i62608_report_encode(struct i62608_w *w, const struct i62608_report *r,
			 int facing);

/* Names of enum values, and back (NULL / -1 when unknown). */
const char *i62608_device_type_name(unsigned int type);
int i62608_device_type_parse(const char *name);
const char *i62608_svc_state_name(unsigned int state);
const char *i62608_origin_name(unsigned int origin);
const char *i62608_agent_state_name(unsigned int state);

#endif /* I62608_REPORT_H */
