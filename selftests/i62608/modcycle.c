// SPDX-License-Identifier: GPL-2.0
/*
 * modcycle: load the module, enable an interface of the caller's network
 * namespace, unload the module; CYCLES times, from one process.
 *
 *   modcycle -k MODULE.ko -i IFNAME -n CYCLES [-w EVERY]
 *
 * endurance.sh runs it with frames arriving on IFNAME. A cycle in shell
 * (insmod, ip netns exec ... i62608ctl, rmmod) costs three to five program
 * starts, which under TCG, and worse on the KASAN kernel, is what the
 * cycle's time is made of; here a cycle is finit_module(), two generic
 * netlink round trips and delete_module(), so the debug lane's 1000 cycles
 * fit in minutes. Every EVERY-th cycle waits 200 ms with the interface
 * enabled, so that frames reach the agent table before the unload.
 *
 * Prints the time taken; exits 1 naming the cycle and the step that failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "testlib.h"

#define MODNAME		"i62608"
#define UNLOAD_TRIES	500	/* x 10 ms: a busy module gets 5 s */

static int load(int fd)
{
	return syscall(SYS_finit_module, fd, "", 0);
}

/*
 * As rmmod does (O_NONBLOCK): refuse rather than wait while the module is
 * in use. A netlink call of ours that just returned may still hold it for
 * an instant: retry for a bounded time.
 */
static int unload(void)
{
	int i;

	for (i = 0; i < UNLOAD_TRIES; i++) {
		if (!syscall(SYS_delete_module, MODNAME, O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EBUSY)
			return -1;
		usleep(10 * 1000);
	}
	return -1;
}

static int enable(const char *ifname)
{
	struct i62608_nl nl;
	int err;

	/* The family's id is new after every load: resolve it each time. */
	err = i62608_nl_open(&nl);
	if (err)
		return err;
	err = nl_req(&nl, msg_ifname(&nl, I62608_CMD_IFACE_ADD, ifname));
	if (err)
		fprintf(stderr, "modcycle: iface add %s: %s %s\n", ifname,
			strerror(-err), nl.errmsg);
	i62608_nl_close(&nl);
	return err;
}

static void usage(void)
{
	fprintf(stderr, "usage: modcycle -k MODULE.ko -i IFNAME -n CYCLES [-w EVERY]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ko = NULL, *ifname = NULL;
	unsigned long cycles = 0, every = 10, i;
	uint64_t start;
	int opt, fd;

	while ((opt = getopt(argc, argv, "k:i:n:w:")) != -1) {
		switch (opt) {
		case 'k':
			ko = optarg;
			break;
		case 'i':
			ifname = optarg;
			break;
		case 'n':
			cycles = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			every = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (!ko || !ifname || !cycles || cycles > 1000000 || !every)
		usage();

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "modcycle: %s: %s\n", ko, strerror(errno));
		return 1;
	}
	start = now_ms();
	for (i = 1; i <= cycles; i++) {
		if (load(fd)) {
			fprintf(stderr, "modcycle: cycle %lu: load: %s\n", i,
				strerror(errno));
			return 1;
		}
		if (enable(ifname)) {
			fprintf(stderr, "modcycle: cycle %lu: enabling %s failed\n",
				i, ifname);
			unload();
			return 1;
		}
		if (i % every == 0)
			usleep(200 * 1000);
		if (unload()) {
			fprintf(stderr, "modcycle: cycle %lu: unload: %s\n", i,
				strerror(errno));
			return 1;
		}
	}
	printf("%lu cycles in %llu ms\n", cycles,
	       (unsigned long long)(now_ms() - start));
	close(fd);
	return 0;
}
