// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-agent's keys on disk: base64 keys (strict), the pairing code,
 * the key file created 0600 in a 0700 directory and refused when others
 * could read it or it is malformed, the pin file, and the keys of
 * --instances.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "../../userspace/agent/keys.h"

/* RFC 7748 section 6.1: Alice's private and public keys. */
static const char alice_priv[] = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=";
static const char alice_pub[] = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";

TEST(base64_keys)
{
	u8 k[32], again[32];
	char s[AGENT_KEY_B64_LEN];

	ASSERT_EQ(0, agent_key_parse(alice_pub, k));
	EXPECT_EQ(0x85, k[0]);
	EXPECT_EQ(0x6a, k[31]);
	agent_key_str(k, s);
	EXPECT_STREQ(alice_pub, s);
	ASSERT_EQ(0, agent_key_parse(s, again));
	EXPECT_EQ(0, memcmp(k, again, 32));

	/* Exactly 44 characters, the padding, the alphabet, canonical. */
	EXPECT_EQ(-EINVAL, agent_key_parse("", k));
	EXPECT_EQ(-EINVAL, agent_key_parse("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo", k));
	EXPECT_EQ(-EINVAL, agent_key_parse("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo==", k));
	EXPECT_EQ(-EINVAL, agent_key_parse("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTm-=", k));
	EXPECT_EQ(-EINVAL, agent_key_parse("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmp=", k));
	EXPECT_EQ(-EINVAL, agent_key_parse("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTm o", k));
	EXPECT_EQ(-EINVAL, agent_key_parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", k));

	agent_b64_encode((const u8 *)"foob", 4, s);
	EXPECT_STREQ("Zm9vYg==", s);
	agent_b64_encode((const u8 *)"fooba", 5, s);
	EXPECT_STREQ("Zm9vYmE=", s);
	agent_b64_encode((const u8 *)"foobar", 6, s);
	EXPECT_STREQ("Zm9vYmFy", s);
}

TEST(pairing_code)
{
	u8 pub[32], code[I62608_CODE_LEN];
	char s[AGENT_CODE_STR_LEN];
	unsigned int i, bit;

	ASSERT_EQ(0, agent_key_parse(alice_pub, pub));
	agent_code_str(pub, s);
	ASSERT_EQ(19, strlen(s));
	/* 16 Crockford digits, 5 bits each, most significant first. */
	i62608_pair_code(pub, code);
	for (i = 0, bit = 0; i < 19; i++) {
		static const char digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
		unsigned int v = 0, k;

		if (i % 5 == 4) {
			EXPECT_EQ('-', s[i]);
			continue;
		}
		for (k = 0; k < 5; k++, bit++)
			v = v << 1 | ((code[bit / 8] >> (7 - bit % 8)) & 1);
		EXPECT_EQ(digits[v], s[i]);
	}
	EXPECT_EQ(80, bit);
}

FIXTURE(dir) {
	char path[64];
	char key[128];
	FILE *err;
	char *msg;
	size_t len;
};

void dir_setup(struct __test_metadata *_metadata, FIXTURE_DATA(dir) *self,
	       const FIXTURE_VARIANT(dir) *variant);
void dir_teardown(struct __test_metadata *_metadata, FIXTURE_DATA(dir) *self,
		  const FIXTURE_VARIANT(dir) *variant);

FIXTURE_SETUP(dir)
{
	strcpy(self->path, "/tmp/agent_keys_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->path));
	snprintf(self->key, sizeof(self->key), "%s/state/agent.key", self->path);
	self->msg = NULL;
	self->err = open_memstream(&self->msg, &self->len);
	ASSERT_NE(NULL, self->err);
}

FIXTURE_TEARDOWN(dir)
{
	char cmd[128];

	fclose(self->err);
	free(self->msg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->path);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->path);
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	fchmod(fd, mode);
	close(fd);
}

static const char *errors(FIXTURE_DATA(dir) *self)
{
	fflush(self->err);
	return self->msg ? self->msg : "";
}

TEST_F(dir, created_on_first_start)
{
	struct i62608_keypair kp, again;
	struct stat st;
	char dir[128], text[64];
	int fd;
	ssize_t n;

	ASSERT_EQ(0, agent_key_load(self->key, true, &kp, self->err));
	ASSERT_EQ(0, stat(self->key, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	snprintf(dir, sizeof(dir), "%s/state", self->path);
	ASSERT_EQ(0, stat(dir, &st));
	EXPECT_EQ(0700, st.st_mode & 07777);
	/* One line of base64, the key's, and its public key matches. */
	fd = open(self->key, O_RDONLY);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	ASSERT_EQ(45, n);
	EXPECT_EQ('\n', text[44]);
	ASSERT_EQ(0, agent_key_load(self->key, false, &again, self->err));
	EXPECT_EQ(0, memcmp(&kp, &again, sizeof(kp)));
	EXPECT_STREQ("", errors(self));
	/* A clamped private key. */
	EXPECT_EQ(0, kp.priv[0] & 7);
	EXPECT_EQ(0x40, kp.priv[31] & 0xc0);
}

TEST_F(dir, known_key)
{
	struct i62608_keypair kp;
	char pub[AGENT_KEY_B64_LEN], line[128];

	snprintf(line, sizeof(line), "%s/k", self->path);
	put(line, alice_priv, 0600);
	ASSERT_EQ(0, agent_key_load(line, false, &kp, self->err));
	agent_key_str(kp.pub, pub);
	EXPECT_STREQ(alice_pub, pub);
}

TEST_F(dir, refused)
{
	struct i62608_keypair kp;
	char p[128], want[512];

	snprintf(p, sizeof(p), "%s/k", self->path);

	put(p, alice_priv, 0644);
	EXPECT_EQ(-EPERM, agent_key_load(p, true, &kp, self->err));
	snprintf(want, sizeof(want),
		 "%s: the private key is accessible to group or others (mode 0644): run 'chmod 600 %s', or remove the file for a new key\n",
		 p, p);
	EXPECT_STREQ(want, errors(self));
	/* It was not replaced by a new one either. */
	put(p, alice_priv, 0604);
	EXPECT_EQ(-EPERM, agent_key_load(p, true, &kp, self->err));
	put(p, alice_priv, 0620);
	EXPECT_EQ(-EPERM, agent_key_load(p, true, &kp, self->err));

	rewind(self->err);
	put(p, "not a key\n", 0600);
	EXPECT_EQ(-EINVAL, agent_key_load(p, true, &kp, self->err));
	put(p, "", 0600);
	EXPECT_EQ(-EINVAL, agent_key_load(p, true, &kp, self->err));
	put(p, "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=\nsecond line\n", 0600);
	EXPECT_EQ(-EINVAL, agent_key_load(p, true, &kp, self->err));
	put(p, "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=\n\n", 0600);
	EXPECT_EQ(-EINVAL, agent_key_load(p, true, &kp, self->err));
	fflush(self->err);
	snprintf(want, sizeof(want),
		 "%s: not a private key (one line of 44 base64 characters)\n", p);
	EXPECT_EQ(0, strncmp(want, self->msg, strlen(want)));

	/* Not a regular file; a symbolic link is not followed. */
	snprintf(p, sizeof(p), "%s", self->path);
	EXPECT_EQ(-EINVAL, agent_key_load(p, false, &kp, self->err));
	snprintf(p, sizeof(p), "%s/link", self->path);
	ASSERT_EQ(0, symlink("/etc/passwd", p));
	EXPECT_EQ(-ELOOP, agent_key_load(p, true, &kp, self->err));
	/* Missing, and not to be created. */
	snprintf(p, sizeof(p), "%s/none", self->path);
	EXPECT_EQ(-ENOENT, agent_key_load(p, false, &kp, self->err));
}

TEST_F(dir, pin)
{
	u8 pub[32], got[32];
	char p[128];
	struct stat st;

	snprintf(p, sizeof(p), "%s/configurator.pub", self->path);
	EXPECT_EQ(-ENOENT, agent_pin_load(p, got, self->err));
	EXPECT_STREQ("", errors(self));
	ASSERT_EQ(0, agent_key_parse(alice_pub, pub));
	ASSERT_EQ(0, agent_pin_store(p, pub));
	ASSERT_EQ(0, agent_pin_load(p, got, self->err));
	EXPECT_EQ(0, memcmp(pub, got, 32));
	ASSERT_EQ(0, stat(p, &st));
	EXPECT_EQ(0644, st.st_mode & 07777);
	/* Stored again over the old one, atomically: no ".new" left. */
	pub[0] ^= 1;
	ASSERT_EQ(0, agent_pin_store(p, pub));
	ASSERT_EQ(0, agent_pin_load(p, got, self->err));
	EXPECT_EQ(0, memcmp(pub, got, 32));
	strcat(p, ".new");
	EXPECT_EQ(-1, access(p, F_OK));
	p[strlen(p) - 4] = 0;
	put(p, "garbage\n", 0644);
	EXPECT_EQ(-EINVAL, agent_pin_load(p, got, self->err));
}

TEST(instance_keys)
{
	struct i62608_keypair base, k0, k1, k1b, k2;
	u8 dh1[32], dh2[32];

	ASSERT_EQ(0, agent_key_parse(alice_priv, base.priv));
	ASSERT_TRUE(i62608_cr_x25519_pub(base.pub, base.priv));
	agent_key_derive(&base, 0, &k0);
	EXPECT_EQ(0, memcmp(&base, &k0, sizeof(k0)));
	agent_key_derive(&base, 1, &k1);
	agent_key_derive(&base, 1, &k1b);
	agent_key_derive(&base, 2, &k2);
	/* Stable, distinct, and real key pairs. */
	EXPECT_EQ(0, memcmp(&k1, &k1b, sizeof(k1)));
	EXPECT_NE(0, memcmp(k1.pub, base.pub, 32));
	EXPECT_NE(0, memcmp(k1.pub, k2.pub, 32));
	ASSERT_TRUE(i62608_cr_x25519(dh1, k1.priv, k2.pub));
	ASSERT_TRUE(i62608_cr_x25519(dh2, k2.priv, k1.pub));
	EXPECT_EQ(0, memcmp(dh1, dh2, 32));
}

TEST_HARNESS_MAIN
