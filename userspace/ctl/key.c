// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl key init|show: the configurator's long-term X25519 key
 * (docs/security.md section 3).
 *
 * The private key lives in a file of the gateway (one line of base64, mode
 * 0600 in a 0700 directory: the agent's key file format, read and created
 * by the same code, userspace/agent/keys.c) and, once set, in the kernel,
 * which never gives it back. Every copy this program makes is wiped,
 * the netlink message that carried it included.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/genl/genl.h>

#include "ctl.h"
#include "cfgnl.h"
#include "cfgparse.h"
#include "../agent/keys.h"

static void print_key(struct ctl *ctl, const uint8_t pub[CTL_KEY_LEN],
		      const char *file, int created)
{
	char b64[AGENT_KEY_B64_LEN], code[AGENT_CODE_STR_LEN];

	agent_key_str(pub, b64);
	agent_code_str(pub, code);
	out_obj_open(ctl->out, NULL);
	out_str(ctl->out, "public_key", b64);
	out_str(ctl->out, "pairing_code", code);
	if (file) {
		out_str(ctl->out, "file", file);
		out_bool(ctl->out, "created", created);
	}
	out_obj_close(ctl->out);
}

/* KEY_SET; the message is wiped before it is freed. */
static int key_set(struct ctl *ctl, const struct i62608_keypair *kp)
{
	struct nl_msg *msg = i62608_nl_msg(&ctl->nl, I62608_CMD_KEY_SET, 0);
	int err;

	if (!msg)
		return -ENOMEM;
	if (nla_put(msg, I62608_A_PRIVATE_KEY, I62608_KEY_LEN, kp->priv)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	/* One more reference: the transaction frees its own. */
	nlmsg_get(msg);
	err = i62608_nl_transact(&ctl->nl, msg, NULL, NULL);
	i62608_cr_wipe(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	return err;
}

static int cmd_key_init(struct ctl *ctl, int argc, char **argv)
{
	char path[4096], *msg = NULL;
	const char *file = NULL;
	struct i62608_keypair kp;
	size_t msglen = 0;
	FILE *errf;
	int i, err, created;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (!ctl_take_json(ctl, &argc, argv))
		return ctl_err(ctl, "out of memory");
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--file") && i + 1 < argc && !file)
			file = argv[++i];
		else if (!strncmp(argv[i], "--file=", 7) && !file)
			file = argv[i] + 7;
		else if (!strcmp(argv[i], "--file"))
			return ctl_usage(ctl, "--file %s", file ? "given twice" :
					 "needs a path");
		else
			return ctl_usage(ctl, "unexpected argument '%s'", argv[i]);
	}
	if (file && !*file)
		return ctl_usage(ctl, "--file needs a path");
	if (!file) {
		if (ctl_state_path(path, sizeof(path), "configurator.key"))
			return ctl_usage(ctl, "$I62608_STATE_DIR is too long");
		file = path;
	}
	if (!ctl_nl(ctl))
		return CTL_FAIL;

	created = access(file, F_OK) && errno == ENOENT;
	/* keys.c reports as "PATH: message" lines: keep them for ours. */
	errf = open_memstream(&msg, &msglen);
	if (!errf)
		return ctl_err(ctl, "out of memory");
	err = agent_key_load(file, true, &kp, errf);
	fclose(errf);
	if (err) {
		if (msglen && msg[msglen - 1] == '\n')
			msg[msglen - 1] = 0;
		ctl_err(ctl, "%s", msglen ? msg : strerror(-err));
		free(msg);
		return CTL_FAIL;
	}
	free(msg);
	err = key_set(ctl, &kp);
	if (err) {
		i62608_cr_wipe(&kp, sizeof(kp));
		return ctl_nl_err(ctl, err, "key init");
	}
	print_key(ctl, kp.pub, file, created);
	i62608_cr_wipe(&kp, sizeof(kp));
	return CTL_OK;
}

struct key_reply {
	uint8_t pub[CTL_KEY_LEN];
	bool got;
};

static int key_get_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct key_reply *r = arg;

	if (i62608_nl_parse(msg, tb) || !tb[I62608_A_PUBLIC_KEY])
		return NL_SKIP;
	memcpy(r->pub, nla_data(tb[I62608_A_PUBLIC_KEY]), CTL_KEY_LEN);
	r->got = true;
	return NL_OK;
}

static int cmd_key_show(struct ctl *ctl, int argc, char **argv)
{
	struct key_reply r = {};
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (!ctl_take_json(ctl, &argc, argv))
		return ctl_err(ctl, "out of memory");
	if (argc > 0)
		return ctl_usage(ctl, "unexpected argument '%s'", argv[0]);
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	err = i62608_nl_transact(&ctl->nl,
				 i62608_nl_msg(&ctl->nl, I62608_CMD_KEY_GET, 0),
				 key_get_cb, &r);
	if (!err && !r.got)
		err = -EBADMSG;
	if (err)
		return ctl_nl_err(ctl, err, "key show");
	print_key(ctl, r.pub, NULL, 0);
	return CTL_OK;
}

const struct ctl_cmd ctl_key_cmds[] = {
	{
		.object = "key", .verb = "init", .fn = cmd_key_init,
		.args = "[--file PATH]",
		.summary = "load the configurator's key into the kernel",
		.help =
"Loads the configurator's long-term X25519 private key from PATH\n"
"(default $I62608_STATE_DIR/configurator.key, the directory defaulting\n"
"to /var/lib/i62608) into the kernel of the current network namespace,\n"
"and prints its public key (base64, 44 characters) and pairing code\n"
"(XXXX-XXXX-XXXX-XXXX). Agents pin the configurator by this key.\n"
"\n"
"A missing file is created first with a new random key: mode 0600, its\n"
"directory 0700. A file others can read or write, or that does not hold\n"
"exactly one key (one line of 44 base64 characters), is refused. The\n"
"kernel never gives the private key back; setting it again replaces it\n"
"(established sessions continue). Needs CAP_NET_ADMIN.\n",
	},
	{
		.object = "key", .verb = "show", .fn = cmd_key_show,
		.args = "[-j]",
		.summary = "show the configurator's public key and pairing code",
		.help =
"Prints the public key of the configurator key set in the kernel (base64)\n"
"and its pairing code. Fails when no key is set ('key init').\n",
	},
	{ 0 }
};
