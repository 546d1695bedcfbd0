// SPDX-License-Identifier: GPL-2.0
/*
 * docs/protocol.md's byte-exact examples are what the encoder produces, and
 * what the parser accepts. With I62608_PRINT_EXAMPLES=1 the examples are
 * printed in the document's format instead.
 */

#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wire_examples.h"

#ifndef DOC_PATH
#define DOC_PATH "docs/protocol.md"
#endif

/* The bytes of the hex block after "<!-- example: NAME -->". */
static int doc_example(const char *name, u8 *out, int cap)
{
	char marker[128], line[256];
	bool in_block = false, found = false;
	int n = 0;
	FILE *f = fopen(DOC_PATH, "r");

	if (!f)
		return -1;
	snprintf(marker, sizeof(marker), "<!-- example: %s -->", name);
	while (fgets(line, sizeof(line), f)) {
		if (!found) {
			found = !strncmp(line, marker, strlen(marker));
			continue;
		}
		if (!in_block) {
			if (!strncmp(line, "```", 3))
				in_block = true;
			continue;
		}
		if (!strncmp(line, "```", 3))
			break;
		/* "0010  aa bb ...": skip the offset, read hex pairs. */
		{
			char *p = line + 4, *end;

			for (;;) {
				unsigned long v = strtoul(p, &end, 16);

				if (end == p)
					break;
				if (n >= cap || v > 0xff) {
					fclose(f);
					return -1;
				}
				out[n++] = (u8)v;
				p = end;
			}
		}
	}
	fclose(f);
	return found ? n : -1;
}

TEST(document_matches_encoder)
{
	u8 want[I62608_MAX_MSG], got[I62608_MAX_MSG];
	size_t i;

	if (getenv("I62608_PRINT_EXAMPLES")) {
		for (i = 0; i < N_EXAMPLES; i++) {
			int len = examples[i].build(got);

			printf("%s (%d bytes):\n\n<!-- example: %s -->\n```\n",
			       examples[i].title, len, examples[i].name);
			ex_hex(stdout, got, len);
			printf("```\n\n");
		}
		return;
	}
	for (i = 0; i < N_EXAMPLES; i++) {
		int len = examples[i].build(got);
		int doc = doc_example(examples[i].name, want, sizeof(want));

		ASSERT_GT(len, 0);
		EXPECT_EQ(len, doc) {
			TH_LOG("example %s: encoder %d bytes, document %d",
			       examples[i].name, len, doc);
		}
		if (len == doc)
			EXPECT_EQ(0, memcmp(want, got, len)) {
				TH_LOG("example %s differs", examples[i].name);
			}
	}
}

TEST(examples_parse_and_validate)
{
	u8 buf[I62608_MAX_MSG];
	size_t i;

	for (i = 0; i < N_EXAMPLES; i++) {
		struct i62608_frame m;
		int len = examples[i].build(buf);

		ASSERT_EQ(0, i62608_wire_hdr(buf, len, &m));
		EXPECT_EQ(len, m.length);
		EXPECT_EQ(0, i62608_wire_validate(&m)) {
			TH_LOG("example %s does not validate", examples[i].name);
		}
	}
}

TEST_HARNESS_MAIN
