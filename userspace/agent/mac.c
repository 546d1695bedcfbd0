// SPDX-License-Identifier: GPL-2.0
/*
 * Source addresses of the virtual agents of --instances. Instance 0 uses
 * the interface's address; instance i > 0 uses
 *
 *   byte 0:    the interface's, locally administered bit set, group bit clear
 *   bytes 1-3: the interface's
 *   bytes 4-5: the interface's XOR i (big endian)
 *
 * so the addresses are unicast and locally administered, distinct from
 * each other and from the interface's own (a globally administered address
 * differs in byte 0, a local one in bytes 4-5), the same at every start,
 * and a destination address maps back to its instance in O(1).
 */

#include "agent.h"

static void prefix(const u8 *base, u8 *mac)
{
	mac[0] = (u8)((base[0] & ~0x01) | 0x02);
	mac[1] = base[1];
	mac[2] = base[2];
	mac[3] = base[3];
}

void agent_inst_mac(const u8 *base, u32 index, u8 *mac)
{
	if (!index) {
		memcpy(mac, base, 6);
		return;
	}
	prefix(base, mac);
	mac[4] = base[4] ^ (u8)(index >> 8);
	mac[5] = base[5] ^ (u8)index;
}

int agent_inst_of_mac(const u8 *base, u32 n, const u8 *mac)
{
	u8 p[4];
	u32 index;

	if (!memcmp(mac, base, 6))
		return 0;
	prefix(base, p);
	if (memcmp(mac, p, 4))
		return -1;
	index = (u32)((mac[4] ^ base[4]) << 8 | (mac[5] ^ base[5]));
	return index && index < n ? (int)index : -1;
}
