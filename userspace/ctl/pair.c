// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl pair add|del|open|show|load: the configurator's pairing list
 * (docs/security.md section 4).
 *
 * The kernel holds the list of the running configurator; the file
 * $I62608_STATE_DIR/pairs (default /var/lib/i62608/pairs) is what
 * survives a module reload or a reboot: `pair add` appends a line after
 * the kernel accepted the pairing, `pair del` removes it, `pair load` adds
 * every line again. The file is replaced atomically (a new file renamed
 * over it) under a lock, so concurrent commands never lose a line.
 *
 * File format, one pairing per line, '#' starts a comment line:
 *
 *	KEY [NAME]	a public key, 44 characters of base64
 *	CODE [NAME]	a pairing code, XXXX-XXXX-XXXX-XXXX
 *
 * NAME, when present, follows one space and runs to the end of the line.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <netlink/genl/genl.h>

#include "ctl.h"
#include "cfgnl.h"
#include "cfgparse.h"
#include "wire.h"
#include "../agent/keys.h"

/* A pairings file longer than this is not ours. */
#define PAIRS_MAX_BYTES (256 * 1024)

/* An agent as `pair add` and the file name it: a key or a code. */
struct pair_sel {
	bool has_key;
	uint8_t pub[CTL_KEY_LEN];
	uint8_t code[CTL_CODE_LEN];	/* given, or derived from the key */
	char name[I62608_STR_MAX + 1];
};

static int parse_agent_id(const char *s, struct pair_sel *p)
{
	memset(p, 0, sizeof(*p));
	if (!agent_key_parse(s, p->pub)) {
		p->has_key = true;
		i62608_pair_code(p->pub, p->code);
		return 0;
	}
	return ctl_parse_code(s, p->code);
}

static int check_name(const char *s)
{
	size_t n = strlen(s);

	return n && n <= I62608_STR_MAX &&
	       i62608_str_valid((const u8 *)s, n) ? 0 : -EINVAL;
}

static void sel_str(const struct pair_sel *p, char *buf, size_t size)
{
	char b[AGENT_KEY_B64_LEN];

	if (p->has_key) {
		agent_key_str(p->pub, b);
		snprintf(buf, size, "%s", b);
	} else {
		ctl_fmt_code(p->code, buf);
	}
}

static bool sel_match(const struct pair_sel *a, const struct pair_sel *b)
{
	if (a->has_key && b->has_key)
		return !memcmp(a->pub, b->pub, CTL_KEY_LEN);
	return !memcmp(a->code, b->code, CTL_CODE_LEN);
}

/* ------------------------------------------------------------ file -- */

struct pairs_file {
	char path[4096];
	char lock[4200];
	int lock_fd;
	char *text;		/* the whole file, NUL-terminated */
	size_t len;
};

/*
 * Read the file (a missing one is empty); with @lock, hold the lock
 * until pairs_close(), for a read-modify-write.
 */
static int pairs_open(struct ctl *ctl, struct pairs_file *f, bool lock)
{
	struct stat st;
	ssize_t n;
	int fd;

	memset(f, 0, sizeof(*f));
	f->lock_fd = -1;
	if (ctl_state_path(f->path, sizeof(f->path), "pairs"))
		return ctl_err(ctl, "$I62608_STATE_DIR is too long");
	snprintf(f->lock, sizeof(f->lock), "%s.lock", f->path);
	if (lock) {
		char dir[4096], *slash;

		snprintf(dir, sizeof(dir), "%s", f->path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = 0;
			if (mkdir(dir, 0700) && errno != EEXIST)
				return ctl_err(ctl, "%s: cannot create the directory: %s",
					       dir, strerror(errno));
		}
		f->lock_fd = open(f->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
				  0600);
		if (f->lock_fd < 0 || flock(f->lock_fd, LOCK_EX))
			return ctl_err(ctl, "%s: %s", f->lock, strerror(errno));
	}
	f->text = calloc(1, 1);
	if (!f->text)
		return ctl_err(ctl, "out of memory");
	fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 :
			ctl_err(ctl, "%s: %s", f->path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > PAIRS_MAX_BYTES) {
		close(fd);
		return ctl_err(ctl, "%s: not a regular file of at most %d bytes",
			       f->path, PAIRS_MAX_BYTES);
	}
	free(f->text);
	f->text = malloc((size_t)st.st_size + 1);
	if (!f->text) {
		close(fd);
		return ctl_err(ctl, "out of memory");
	}
	while (f->len < (size_t)st.st_size) {
		n = read(fd, f->text + f->len, (size_t)st.st_size - f->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		f->len += (size_t)n;
	}
	close(fd);
	f->text[f->len] = 0;
	if (strlen(f->text) != f->len)
		return ctl_err(ctl, "%s: a NUL byte: not a pairings file", f->path);
	return 0;
}

static void pairs_close(struct pairs_file *f)
{
	if (f->lock_fd >= 0)
		close(f->lock_fd);	/* drops the lock */
	free(f->text);
	f->text = NULL;
}

/*
 * Parse line @line (no newline) of the file. Returns 1 with @p filled, 0
 * for a comment or an empty line, -EINVAL when malformed.
 */
static int pairs_line(const char *line, struct pair_sel *p)
{
	char id[64];
	const char *sp;
	size_t n;

	if (!*line || *line == '#')
		return 0;
	sp = strchr(line, ' ');
	n = sp ? (size_t)(sp - line) : strlen(line);
	if (!n || n >= sizeof(id))
		return -EINVAL;
	memcpy(id, line, n);
	id[n] = 0;
	if (parse_agent_id(id, p))
		return -EINVAL;
	if (sp) {
		if (check_name(sp + 1))
			return -EINVAL;
		snprintf(p->name, sizeof(p->name), "%s", sp + 1);
	}
	return 1;
}

/* Calls @fn for every line; stops at the first non-zero return. */
static int pairs_each(struct pairs_file *f,
		      int (*fn)(void *arg, unsigned int lineno, const char *line,
				size_t len),
		      void *arg)
{
	const char *p = f->text, *end = f->text + f->len;
	unsigned int lineno = 0;
	int ret;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		ret = fn(arg, ++lineno, p, len);
		if (ret)
			return ret;
		p += len + (nl ? 1 : 0);
	}
	return 0;
}

/* Replace the file with @text (@len bytes), atomically. */
static int pairs_write(struct ctl *ctl, struct pairs_file *f, const char *text,
		       size_t len)
{
	char tmp[4200];
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.new", f->path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ctl_err(ctl, "%s: %s", tmp, strerror(errno));
	if (write(fd, text, len) != (ssize_t)len || fsync(fd))
		err = errno ? errno : EIO;
	if (close(fd) && !err)
		err = errno;
	if (!err && rename(tmp, f->path))
		err = errno;
	if (err) {
		unlink(tmp);
		return ctl_err(ctl, "%s: cannot write: %s", f->path, strerror(err));
	}
	return 0;
}

struct edit {
	const struct pair_sel *drop;	/* lines naming it go */
	char *out;
	size_t len;
	unsigned int dropped;
};

static int edit_line(void *arg, unsigned int lineno, const char *line,
		     size_t len)
{
	struct edit *e = arg;
	char buf[256];
	struct pair_sel p;

	if (len < sizeof(buf)) {
		memcpy(buf, line, len);
		buf[len] = 0;
		if (pairs_line(buf, &p) == 1 && sel_match(&p, e->drop)) {
			e->dropped++;
			return 0;
		}
	}
	/* Anything else, malformed lines too, is kept as it was. */
	memcpy(e->out + e->len, line, len);
	e->len += len;
	e->out[e->len++] = '\n';
	return 0;
}

/* Rewrite the file without @drop's lines and, if @add, with its line. */
static int pairs_update(struct ctl *ctl, const struct pair_sel *drop,
			const struct pair_sel *add, unsigned int *dropped)
{
	char id[AGENT_KEY_B64_LEN];
	struct pairs_file f;
	struct edit e = { .drop = drop };
	int ret;

	ret = pairs_open(ctl, &f, true);
	if (ret) {
		pairs_close(&f);
		return ret;
	}
	e.out = malloc(f.len + 2 + 128);
	if (!e.out) {
		pairs_close(&f);
		return ctl_err(ctl, "out of memory");
	}
	if (!f.len) {
		static const char head[] =
			"# i62608 pairings: i62608ctl pair add/del/load (docs/i62608ctl.md)\n"
			"# KEY|CODE [NAME], one per line\n";

		free(e.out);
		e.out = malloc(sizeof(head) + 128);
		if (!e.out) {
			pairs_close(&f);
			return ctl_err(ctl, "out of memory");
		}
		memcpy(e.out, head, sizeof(head) - 1);
		e.len = sizeof(head) - 1;
	} else {
		pairs_each(&f, edit_line, &e);
	}
	if (add) {
		sel_str(add, id, sizeof(id));
		e.len += (size_t)sprintf(e.out + e.len, "%s%s%s\n", id,
					 add->name[0] ? " " : "", add->name);
	}
	ret = 0;
	if (add || e.dropped)
		ret = pairs_write(ctl, &f, e.out, e.len);
	if (dropped)
		*dropped = e.dropped;
	free(e.out);
	pairs_close(&f);
	return ret;
}

/* ---------------------------------------------------------- netlink -- */

static struct nl_msg *pair_msg(struct ctl *ctl, uint8_t cmd,
			       const struct pair_sel *p)
{
	struct nl_msg *msg = i62608_nl_msg(&ctl->nl, cmd, 0);

	if (!msg)
		return NULL;
	if ((p->has_key ? nla_put(msg, I62608_A_PUBLIC_KEY, CTL_KEY_LEN, p->pub) :
	     nla_put(msg, I62608_A_CODE, CTL_CODE_LEN, p->code)) ||
	    (cmd == I62608_CMD_PAIR_ADD && p->name[0] &&
	     nla_put_string(msg, I62608_A_NAME, p->name))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* KEY|CODE [name NAME] */
static int parse_sel(struct ctl *ctl, int argc, char **argv, bool with_name,
		     struct pair_sel *p)
{
	if (argc < 1)
		return ctl_usage(ctl, "missing the agent's public key or pairing code");
	if (parse_agent_id(argv[0], p))
		return ctl_usage(ctl,
				 "'%s' is neither a public key (44 characters of base64) nor a pairing code (XXXX-XXXX-XXXX-XXXX)",
				 argv[0]);
	if (argc == 1)
		return CTL_OK;
	if (!with_name || strcmp(argv[1], "name"))
		return ctl_usage(ctl, "unexpected argument '%s'", argv[1]);
	if (argc < 3)
		return ctl_usage(ctl, "'name' needs a value");
	if (argc > 3)
		return ctl_usage(ctl, "unexpected argument '%s'", argv[3]);
	if (check_name(argv[2]))
		return ctl_usage(ctl,
				 "'%s' is not a pairing name: 1 to %d bytes of text without control characters",
				 argv[2], I62608_STR_MAX);
	snprintf(p->name, sizeof(p->name), "%s", argv[2]);
	return CTL_OK;
}

static int cmd_pair_add(struct ctl *ctl, int argc, char **argv)
{
	struct pair_sel p;
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	err = parse_sel(ctl, argc, argv, true, &p);
	if (err)
		return err;
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	err = i62608_nl_transact(&ctl->nl, pair_msg(ctl, I62608_CMD_PAIR_ADD, &p),
				 NULL, NULL);
	if (err)
		return ctl_nl_err(ctl, err, "pair add");
	/* A line for it: not twice, should one be left from before. */
	return pairs_update(ctl, &p, &p, NULL);
}

static int cmd_pair_del(struct ctl *ctl, int argc, char **argv)
{
	unsigned int dropped = 0;
	struct pair_sel p;
	int err, ret;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	err = parse_sel(ctl, argc, argv, false, &p);
	if (err)
		return err;
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	err = i62608_nl_transact(&ctl->nl, pair_msg(ctl, I62608_CMD_PAIR_DEL, &p),
				 NULL, NULL);
	if (err && err != -ENOENT)
		return ctl_nl_err(ctl, err, "pair del");
	/* Not in the kernel (reloaded, not loaded again): still forget it. */
	ret = pairs_update(ctl, &p, NULL, &dropped);
	if (err && !dropped)
		return ctl_nl_err(ctl, err, "pair del");
	return ret;
}

static int cmd_pair_open(struct ctl *ctl, int argc, char **argv)
{
	char err_s[CTL_ERR_LEN];
	struct nl_msg *msg;
	uint64_t ms;
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (!argc)
		return ctl_usage(ctl, "missing the window's length in seconds");
	if (argc > 1)
		return ctl_usage(ctl, "unexpected argument '%s'", argv[1]);
	if (ctl_parse_duration(argv[0], 1000, 3600 * 1000, &ms, err_s, sizeof(err_s)))
		return ctl_usage(ctl, "%s", err_s);
	if (ms % 1000)
		return ctl_usage(ctl, "'%s' is not a whole number of seconds", argv[0]);
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	msg = i62608_nl_msg(&ctl->nl, I62608_CMD_PAIR_OPEN, 0);
	if (msg && nla_put_u32(msg, I62608_A_SECONDS, (uint32_t)(ms / 1000))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	err = i62608_nl_transact(&ctl->nl, msg, NULL, NULL);
	return err ? ctl_nl_err(ctl, err, "pair open") : CTL_OK;
}

/* ------------------------------------------------------------- show -- */

struct pair_list {
	struct ctl_pair_info *v;
	size_t n, cap;
	uint64_t window_ms;
	bool got_window;
	int err;
};

static int list_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct pair_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v) {
			l->err = -ENOMEM;
			return NL_STOP;
		}
		l->v = v;
		l->cap = cap;
	}
	if (i62608_nl_parse(msg, tb) || ctl_parse_pair(tb[I62608_A_PAIR], &l->v[l->n])) {
		l->err = -EBADMSG;
		return NL_SKIP;
	}
	l->n++;
	return NL_OK;
}

static void list_reset(void *arg)
{
	struct pair_list *l = arg;

	l->n = 0;
	l->err = 0;
}

static int window_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct pair_list *l = arg;

	if (i62608_nl_parse(msg, tb) || !tb[I62608_A_WINDOW_MS])
		return NL_SKIP;
	l->window_ms = nla_get_u64(tb[I62608_A_WINDOW_MS]);
	l->got_window = true;
	return NL_OK;
}

static int cmd_pair_show(struct ctl *ctl, int argc, char **argv)
{
	struct pair_list l = {};
	unsigned int prev;
	size_t i;
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
				 i62608_nl_msg(&ctl->nl, I62608_CMD_PAIR_GET, 0),
				 window_cb, &l);
	if (!err && !l.got_window)
		err = -EBADMSG;
	if (!err)
		err = i62608_nl_dump(&ctl->nl, I62608_CMD_PAIR_GET, NULL, list_cb,
				     list_reset, &l);
	if (!err)
		err = l.err;
	if (err) {
		free(l.v);
		return ctl_nl_err(ctl, err, "pair show");
	}
	out_obj_open(ctl->out, NULL);
	out_bool(ctl->out, "window_open", l.window_ms > 0);
	out_ms(ctl->out, "window_left", l.window_ms);
	/* Text: the table on its own, under the window's two lines. */
	prev = out_only(ctl->out, OUT_JSON);
	out_arr_open(ctl->out, "pairs");
	for (i = 0; i < l.n; i++)
		ctl_print_pair(ctl->out, NULL, &l.v[i]);
	out_arr_close(ctl->out);
	out_only_end(ctl->out, prev);
	out_obj_close(ctl->out);
	if (out_format(ctl->out) == OUT_TEXT) {
		fflush(stdout);
		out_free(ctl->out);
		ctl->out = out_new(stdout, OUT_TEXT, false);
		if (!ctl->out) {
			free(l.v);
			return ctl_err(ctl, "out of memory");
		}
		out_table_open(ctl->out, "pairs");
		for (i = 0; i < l.n; i++)
			ctl_print_pair(ctl->out, NULL, &l.v[i]);
		out_arr_close(ctl->out);
	}
	free(l.v);
	return CTL_OK;
}

/* ------------------------------------------------------------- load -- */

struct load {
	struct ctl *ctl;
	const char *path;
	bool check_only;
	unsigned int added, present, failed, bad;
};

static int load_line(void *arg, unsigned int lineno, const char *line,
		     size_t len)
{
	struct load *ld = arg;
	char buf[256];
	struct pair_sel p;
	int ret;

	if (len >= sizeof(buf)) {
		ld->bad++;
		ctl_err(ld->ctl, "%s:%u: line too long", ld->path, lineno);
		return 0;
	}
	memcpy(buf, line, len);
	buf[len] = 0;
	ret = pairs_line(buf, &p);
	if (ret < 0) {
		ld->bad++;
		ctl_err(ld->ctl,
			"%s:%u: not KEY [NAME] or CODE [NAME] (a key of 44 base64 characters, a code XXXX-XXXX-XXXX-XXXX, a name of 1 to %d bytes)",
			ld->path, lineno, I62608_STR_MAX);
		return 0;
	}
	if (!ret || ld->check_only)
		return 0;
	ret = i62608_nl_transact(&ld->ctl->nl,
				 pair_msg(ld->ctl, I62608_CMD_PAIR_ADD, &p), NULL, NULL);
	if (!ret) {
		ld->added++;
	} else if (ret == -EEXIST) {
		ld->present++;
	} else {
		char what[64];

		snprintf(what, sizeof(what), "pair load: %s:%u", ld->path, lineno);
		ctl_nl_err(ld->ctl, ret, what);
		ld->failed++;
	}
	return 0;
}

static int cmd_pair_load(struct ctl *ctl, int argc, char **argv)
{
	struct load ld = { .ctl = ctl, .check_only = true };
	struct pairs_file f;
	int ret;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (!ctl_take_json(ctl, &argc, argv))
		return ctl_err(ctl, "out of memory");
	if (argc > 0)
		return ctl_usage(ctl, "unexpected argument '%s'", argv[0]);
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	ret = pairs_open(ctl, &f, false);
	if (ret) {
		pairs_close(&f);
		return ret;
	}
	ld.path = f.path;
	/* A malformed file changes nothing: check every line first. */
	pairs_each(&f, load_line, &ld);
	if (ld.bad) {
		pairs_close(&f);
		return CTL_FAIL;
	}
	ld.check_only = false;
	pairs_each(&f, load_line, &ld);
	pairs_close(&f);
	out_obj_open(ctl->out, NULL);
	out_u64(ctl->out, "added", ld.added);
	out_u64(ctl->out, "present", ld.present);
	out_u64(ctl->out, "failed", ld.failed);
	out_obj_close(ctl->out);
	return ld.failed ? CTL_FAIL : CTL_OK;
}

const struct ctl_cmd ctl_pair_cmds[] = {
	{
		.object = "pair", .verb = "add", .fn = cmd_pair_add,
		.args = "KEY|CODE [name NAME]",
		.summary = "trust an agent",
		.help =
"Adds the agent with public key KEY (44 characters of base64, as\n"
"'i62608-agent --show-key' prints it) or pairing code CODE\n"
"(XXXX-XXXX-XXXX-XXXX, Crockford base32, hyphens optional, any case) to\n"
"the kernel's pairing list, labelled NAME (1 to 32 bytes of text), and\n"
"appends it to the pairings file ($I62608_STATE_DIR/pairs, by default\n"
"/var/lib/i62608/pairs) for 'pair load'. A pairing by code learns the\n"
"agent's key at its first handshake (event pair_new). Needs\n"
"CAP_NET_ADMIN.\n",
	},
	{
		.object = "pair", .verb = "del", .fn = cmd_pair_del,
		.args = "KEY|CODE",
		.summary = "revoke an agent",
		.help =
"Removes the pairing from the kernel, which ends the agent's session at\n"
"once (its pending configuration requests end 'cancelled'), and its line\n"
"from the pairings file. A pairing the kernel does not have (the module\n"
"was reloaded) but the file does is still removed from the file.\n",
	},
	{
		.object = "pair", .verb = "open", .fn = cmd_pair_open,
		.args = "SECONDS",
		.summary = "open the push-button pairing window",
		.help =
"For SECONDS (0 to 3600; a unit may follow: 90s, 2m; 0 closes the window)\n"
"every agent that completes a handshake is paired and announced\n"
"(event pair_new). Pairings made so are not written to the pairings file:\n"
"add them with 'pair add' to keep them. Needs CAP_NET_ADMIN.\n",
	},
	{
		.object = "pair", .verb = "show", .fn = cmd_pair_show,
		.args = "[-j]",
		.summary = "show the pairing list and the window",
		.help =
"Prints whether the pairing window is open and for how long, then the\n"
"pairings, one per line: CODE, PUBLIC_KEY ('-' for a pairing by code\n"
"whose agent has not shaken hands yet), NAME, ORIGIN (key, code or\n"
"window) and AGE. JSON: {\"window_open\", \"window_left_ms\", \"pairs\":\n"
"[{\"code\", \"public_key\", \"name\", \"origin\", \"age_ms\"}]}.\n",
	},
	{
		.object = "pair", .verb = "load", .fn = cmd_pair_load,
		.summary = "add every pairing of the pairings file",
		.help =
"Reads the pairings file and adds each pairing to the kernel, after a\n"
"module load or a boot. The whole file is checked first: a malformed line\n"
"(reported with its number) adds nothing. Pairings the kernel has already\n"
"count as present. Prints how many were added, present and failed; the\n"
"exit status is 1 when one failed.\n",
	},
	{ 0 }
};
