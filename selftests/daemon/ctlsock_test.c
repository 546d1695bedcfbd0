// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d's control socket against hostile clients: garbage, wrong types,
 * unknown members, a request too large, two requests on one connection,
 * nesting bombs, clients that say nothing and hold every slot, a client
 * that is not root; and the commands' answers. The server (ctlsock.c and
 * view.c over a real database, without the kernel module) runs in a child
 * process; the test is its client.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ctlsock.h"
#include "daemon.h"
#include "log.h"

static const char policy_text[] =
	"lan 192.168.1.0/24\npool media 192.168.1.100 192.168.1.149\n"
	"rule all\n\taddress static media\n";

/* The child: a daemon without the kernel, serving until killed. */
static void serve(const char *dir, const char *sock)
{
	struct daemon d = { .sock_path = sock };
	struct pollfd pfd[1 + CTLSOCK_MAX_CLIENTS];
	struct db_device dev = { .present = true, .trust = 3, .last_seen = 1 };
	char path[128], err[1024];
	int n;

	dlog_set_level(LOG_CRIT);
	snprintf(path, sizeof(path), "%s/d.db", dir);
	d.db_path = path;
	d.policy_path = "policy.conf";
	d.policy = policy_parse(policy_text, strlen(policy_text), "policy.conf",
				err, sizeof(err));
	d.db = d.policy ? db_open(path, err, sizeof(err)) : NULL;
	if (!d.db)
		_exit(10);
	strcpy(dev.mac, "02:00:00:00:00:a1");
	if (db_device_put(d.db, &dev) != 1)
		_exit(11);
	gwsync_init(&d);
	d.started = now_ms();
	d.ctl = ctlsrv_open(sock, err, sizeof(err));
	if (!d.ctl)
		_exit(12);
	for (;;) {
		int64_t next = ctlsrv_expire(d.ctl, mono_ms());

		n = ctlsrv_pollfds(d.ctl, pfd, 1 + CTLSOCK_MAX_CLIENTS);
		if (poll(pfd, (nfds_t)n, next < 0 ? 1000 : 100) > 0)
			ctlsrv_handle(d.ctl, pfd, n, &d);
	}
}

FIXTURE(srv) {
	char dir[64];
	char sock[96];
	pid_t pid;
};

void srv_setup(struct __test_metadata *_metadata, FIXTURE_DATA(srv) *self,
	       const FIXTURE_VARIANT(srv) *variant);
void srv_teardown(struct __test_metadata *_metadata, FIXTURE_DATA(srv) *self,
		  const FIXTURE_VARIANT(srv) *variant);

FIXTURE_SETUP(srv)
{
	struct stat st;
	int i;

	strcpy(self->dir, "/tmp/ctlsock_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->sock, sizeof(self->sock), "%s/s.sock", self->dir);
	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (!self->pid)
		serve(self->dir, self->sock);
	for (i = 0; i < 100 && stat(self->sock, &st); i++)
		usleep(50 * 1000);
	ASSERT_EQ(0, stat(self->sock, &st));
	/* Created 0600: nobody but root can even connect. */
	EXPECT_EQ(0600, st.st_mode & 0777);
}

FIXTURE_TEARDOWN(srv)
{
	char cmd[128];
	int status;

	kill(self->pid, SIGKILL);
	waitpid(self->pid, &status, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sa.sun_path, path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send @len bytes, read the whole answer into @ans (NUL-ended). */
static ssize_t ask_on(int fd, const char *req, size_t len, char *ans, size_t cap)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	if (len && write(fd, req, len) != (ssize_t)len)
		return -1;
	shutdown(fd, SHUT_WR);
	while (got + 1 < cap && poll(&pfd, 1, 15000) > 0) {
		n = read(fd, ans + got, cap - got - 1);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	ans[got] = 0;
	close(fd);
	return (ssize_t)got;
}

static const char *ask(FIXTURE_DATA(srv) *self, const char *req)
{
	static char ans[65536];
	int fd = connect_to(self->sock);

	if (fd < 0)
		return "(connect failed)";
	ask_on(fd, req, strlen(req), ans, sizeof(ans));
	return ans;
}

TEST_F(srv, commands)
{
	const char *a;

	a = ask(self, "{\"command\":\"status\"}\n");
	EXPECT_NE(NULL, strstr(a, "{\"ok\":true,\"version\":")) TH_LOG("%s", a);
	EXPECT_NE(NULL, strstr(a, "\"kernel\":{\"connected\":false}")) TH_LOG("%s", a);
	EXPECT_NE(NULL, strstr(a, "\"devices\":{\"total\":1,")) TH_LOG("%s", a);
	EXPECT_EQ('\n', a[strlen(a) - 1]);

	a = ask(self, "{\"command\":\"device_list\"}\n");
	EXPECT_NE(NULL, strstr(a, "\"mac\":\"02:00:00:00:00:a1\"")) TH_LOG("%s", a);
	EXPECT_NE(NULL, strstr(a, "\"status\":\"unmanaged\"")) TH_LOG("%s", a);

	/* Any case in, lower case out; without its newline too. */
	a = ask(self, "{\"command\":\"device_pin\",\"mac\":\"02:00:00:00:00:A1\"}");
	EXPECT_STREQ("{\"ok\":true}\n", a);
	a = ask(self, "{\"command\":\"device_show\",\"mac\":\"02:00:00:00:00:a1\"}\n");
	EXPECT_NE(NULL, strstr(a, "\"pinned\":true")) TH_LOG("%s", a);
	EXPECT_NE(NULL, strstr(a, "\"kind\":\"pinned\"")) TH_LOG("%s", a);
	a = ask(self, "{\"command\":\"device_unpin\",\"mac\":\"02:00:00:00:00:a1\"}\n");
	EXPECT_STREQ("{\"ok\":true}\n", a);
	a = ask(self, "{\"command\":\"device_forget\",\"mac\":\"02:00:00:00:00:a1\"}\n");
	EXPECT_STREQ("{\"ok\":true}\n", a);
	a = ask(self, "{\"command\":\"device_show\",\"mac\":\"02:00:00:00:00:a1\"}\n");
	EXPECT_STREQ("{\"ok\":false,\"error\":\"no such device: 02:00:00:00:00:a1\"}\n", a);
	a = ask(self, "{\"command\":\"device_pin\",\"mac\":\"02:00:00:00:00:a1\"}\n");
	EXPECT_STREQ("{\"ok\":false,\"error\":\"no such device: 02:00:00:00:00:a1\"}\n", a);
}

static const struct {
	const char *req;
	const char *error;
} hostile[] = {
	{ "\n", "the request is not one JSON object" },
	{ "garbage\n", "the request is not one JSON object" },
	{ "[]\n", "the request is not one JSON object" },
	{ "\"status\"\n", "the request is not one JSON object" },
	{ "{\"command\":\"status\"} {}\n", "the request is not one JSON object" },
	{ "{\"command\":\"status\",}\n", "the request is not one JSON object" },
	{ "{'command':'status'}\n", "the request is not one JSON object" },
	{ "{}\n", "\\\"command\\\" is required" },
	{ "{\"command\":5}\n", "\\\"command\\\" is required" },
	{ "{\"command\":null}\n", "\\\"command\\\" is required" },
	{ "{\"command\":\"reboot\"}\n", "unknown command \\\"reboot\\\"" },
	{ "{\"command\":\"status\",\"mac\":\"02:00:00:00:00:a1\"}\n", "unknown member \\\"mac\\\"" },
	{ "{\"command\":\"device_list\",\"x\":[1,2]}\n", "unknown member \\\"x\\\"" },
	{ "{\"command\":\"device_show\"}\n", "\\\"mac\\\" must be a MAC address" },
	{ "{\"command\":\"device_show\",\"mac\":42}\n", "\\\"mac\\\" must be a MAC address" },
	{ "{\"command\":\"device_show\",\"mac\":\"02:00:00:00:00:0g\"}\n", "\\\"mac\\\" must be a MAC address" },
	{ "{\"command\":\"device_show\",\"mac\":\"02:00:00:00:00:a1:ff\"}\n", "\\\"mac\\\" must be a MAC address" },
	{ "{\"command\":\"device_forget\",\"mac\":\"02-00-00-00-00-a1\"}\n", "\\\"mac\\\" must be a MAC address" },
	{ "{\"command\":\"device_show\",\"mac\":\"\\u0000\"}\n", "\\\"mac\\\" must be a MAC address" },
	{ "{\"command\":\"st\\u0000atus\"}\n", "unknown command" },
	{ "{\"command\":\"status\xff\"}\n", "" },
	{ "{\"command\":\"status\"}\n{\"command\":\"status\"}\n", "one request per connection" },
};

TEST_F(srv, hostile_requests)
{
	char want[160];
	size_t i;

	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const char *a = ask(self, hostile[i].req);

		snprintf(want, sizeof(want), "{\"ok\":false,\"error\":\"%s", hostile[i].error);
		EXPECT_EQ(0, strncmp(a, want, strlen(want)))
			TH_LOG("case %zu: got %s", i, a);
	}
	/* Closed without a word: closed without an answer. */
	EXPECT_STREQ("", ask(self, ""));
	/* Still serving. */
	EXPECT_EQ(0, strncmp(ask(self, "{\"command\":\"status\"}\n"), "{\"ok\":true", 10));
}

TEST_F(srv, nesting_and_size)
{
	static char req[CTLSOCK_MAX_REQUEST + 2], ans[256];
	int fd;

	/* Nested deeper than the parser takes, within the size. */
	memset(req, '[', 4000);
	strcpy(req + 4000, "\n");
	EXPECT_STREQ("{\"ok\":false,\"error\":\"the request is not one JSON object\"}\n",
		     ask(self, req));

	/* One byte over the bound, no newline: refused, the connection closed. */
	memset(req, ' ', CTLSOCK_MAX_REQUEST + 1);
	fd = connect_to(self->sock);
	ASSERT_LE(0, fd);
	ask_on(fd, req, CTLSOCK_MAX_REQUEST + 1, ans, sizeof(ans));
	EXPECT_STREQ("{\"ok\":false,\"error\":\"request too large\"}\n", ans);

	/* At the bound, blanks around the object: fine. */
	memset(req, ' ', CTLSOCK_MAX_REQUEST);
	memcpy(req + 100, "{\"command\":\"status\"}", 20);
	req[CTLSOCK_MAX_REQUEST - 1] = '\n';
	fd = connect_to(self->sock);
	ASSERT_LE(0, fd);
	ask_on(fd, req, CTLSOCK_MAX_REQUEST, ans, sizeof(ans));
	EXPECT_EQ(0, strncmp(ans, "{\"ok\":true", 10)) TH_LOG("%s", ans);
}

TEST_F(srv, idle_clients_time_out)
{
	int idle[CTLSOCK_MAX_CLIENTS + 4], i;
	struct timespec t0, t1;
	const char *a;

	/* More silent clients than slots: the slots fill, the rest wait. */
	for (i = 0; i < CTLSOCK_MAX_CLIENTS + 4; i++) {
		idle[i] = connect_to(self->sock);
		ASSERT_LE(0, idle[i]);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	a = ask(self, "{\"command\":\"status\"}\n");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Served once the silent ones were dropped, after their time. */
	EXPECT_EQ(0, strncmp(a, "{\"ok\":true", 10)) TH_LOG("%s", a);
	EXPECT_GE(t1.tv_sec - t0.tv_sec, CTLSOCK_TIMEOUT_MS / 1000 - 1);
	EXPECT_LE(t1.tv_sec - t0.tv_sec, 3 * CTLSOCK_TIMEOUT_MS / 1000);
	for (i = 0; i < CTLSOCK_MAX_CLIENTS + 4; i++)
		close(idle[i]);
}

TEST_F(srv, not_root)
{
	pid_t pid;
	int status;

	/* The daemon's tests run as root (make daemon-tests). */
	ASSERT_EQ(0, getuid());
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		fd = connect_to(self->sock);
		/* The socket's mode keeps others out. */
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
