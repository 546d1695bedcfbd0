// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the whole receive path of kernel/wire.c and
 * userspace/lib/report.c on arbitrary bytes, as a frame's payload.
 *
 * The properties are those of selftests/unit/wire_check.h (shared with the
 * seeded random test of wire_test.c): header drop reasons as specified,
 * strings as the UTF-8 reference says, every message type validated, and
 * whatever validates walks, re-encodes byte for byte, and (REPORT) agrees
 * with its summary and round-trips through i62608_report_decode() and
 * i62608_report_encode(). A broken property aborts, so libFuzzer keeps the
 * input as a crash.
 *
 * Each input runs twice: as it is, and with the header's length set to the
 * input's size, so that mutations of the TLVs reach the rules instead of
 * dying at the length check.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "wire_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const u8 *buf, size_t len)
{
	const char *err = wire_check(buf, len, NULL);

	if (err) {
		fprintf(stderr, "wire_fuzz: %s\n", err);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *copy;

	check(data, size);
	if (size < 24 || size > I62608_MAX_MSG ||
	    get_unaligned_be16(data + 4) == size)
		return 0;
	/* An exact-size copy: ASan sees any read past the end. */
	copy = malloc(size);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	put_unaligned_be16((u16)size, copy + 4);
	check(copy, size);
	free(copy);
	return 0;
}
