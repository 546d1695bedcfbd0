// SPDX-License-Identifier: GPL-2.0
/*
 * inotify on the directories that hold resolv.conf. Resolvers replace the
 * file (write a new one, rename it over the old) and many systems make it
 * a symbolic link into /run, so the directories are watched, not the
 * file; any change there asks for a (debounced, compared) refresh.
 */

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/inotify.h>

#include "log.h"
#include "watch.h"

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | \
		    IN_DELETE | IN_ONLYDIR)

struct agent_watch {
	struct agent_poll poll;
};

static void watch_ready(struct agent *a, struct agent_poll *p, u32 events)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	/* What changed does not matter: drain, then refresh. */
	while (read(p->fd, buf, sizeof(buf)) > 0)
		;
	agent_host_changed(a);
}

static void add_dir(int fd, const char *path)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	if (inotify_add_watch(fd, dirname(copy), WATCH_MASK) < 0)
		log_debug("inotify on the directory of %s: %s", path,
			  strerror(errno));
}

struct agent_watch *agent_watch_open(const char *path)
{
	struct agent_watch *w = calloc(1, sizeof(*w));
	char target[PATH_MAX];

	if (!w)
		return NULL;
	w->poll.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->poll.fd < 0) {
		free(w);
		return NULL;
	}
	w->poll.fn = watch_ready;
	add_dir(w->poll.fd, path);
	if (realpath(path, target) && strcmp(target, path))
		add_dir(w->poll.fd, target);
	return w;
}

struct agent_poll *agent_watch_poll(struct agent_watch *w)
{
	return &w->poll;
}

void agent_watch_close(struct agent_watch *w)
{
	if (!w)
		return;
	close(w->poll.fd);
	free(w);
}
