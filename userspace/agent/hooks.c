// SPDX-License-Identifier: GPL-2.0
/*
 * Hooks: the device integrator's programs that do what only the device
 * knows how to do (start its DHCP client, switch a service). They run
 * without a shell, with the arguments as given, an environment of PATH
 * only, standard input from /dev/null and no descriptor of the agent but
 * the pipe their output goes to, which is logged line by line. One that
 * does not finish in time is killed (its process group): a stuck hook
 * must not stop the agent for longer than that.
 *
 * The agent waits for the hook: configuration requests are applied one
 * at a time, in order. The configurator retransmits meanwhile and gets
 * the cached answer.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cfgreq.h"
#include "log.h"

#define DEFAULT_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* Output logged per hook run, at most. */
#define OUTPUT_MAX	(16 * 1024)

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void __attribute__((noreturn)) child(char *const argv[], int out)
{
	const char *path = getenv("PATH");
	char env_path[4096];
	char *envp[] = { env_path, NULL };
	sigset_t none;
	int fd;

	snprintf(env_path, sizeof(env_path), "PATH=%s", path ? path : DEFAULT_PATH);
	/* The agent blocks its signals and ignores SIGPIPE: not the hook. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* Its own group: a timeout kills what it started too. */
	setpgid(0, 0);
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	/* Everything else the agent holds stays with it. */
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	execve(argv[0], argv, envp);
	dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

/* Log complete lines of @buf; keep an unfinished one. Returns what is kept. */
static size_t log_lines(const char *name, char *buf, size_t len, bool flush)
{
	size_t start = 0, i;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		buf[i] = 0;
		log_info("hook %s: %s", name, buf + start);
		start = i + 1;
	}
	if (flush && start < len) {
		buf[len] = 0;
		log_info("hook %s: %s", name, buf + start);
		start = len;
	}
	memmove(buf, buf + start, len - start);
	return len - start;
}

/* Read what the pipe holds now; false at its end. */
static bool drain(int fd, const char *name, char *buf, size_t size,
		  size_t *held, size_t *logged)
{
	for (;;) {
		ssize_t n = read(fd, buf + *held, size - 1 - *held);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 && errno == EAGAIN;
		if (*logged < OUTPUT_MAX)
			*held = log_lines(name, buf, *held + (size_t)n,
					  *held + (size_t)n == size - 1);
		else
			*held = 0;
		*logged += (size_t)n;
	}
}

int agent_hook_run(char *const argv[], u32 timeout_ms)
{
	const char *name = base(argv[0]);
	u64 deadline = now_ms() + timeout_ms;
	char buf[1024 + 1];
	size_t held = 0, logged = 0;
	bool open_pipe = true;
	int pipefd[2], status = 0;
	pid_t pid, done = 0;

	if (access(argv[0], X_OK))
		return -ENOENT;
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (!pid)
		child(argv, pipefd[1]);
	close(pipefd[1]);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);

	/*
	 * Until it exits, not until the pipe ends: a daemon the hook starts
	 * (a DHCP client) may keep the pipe open for its whole life.
	 */
	while (!done) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		u64 now = now_ms();

		if (now >= deadline)
			break;
		if (open_pipe) {
			if (poll(&pfd, 1, deadline - now > 50 ? 50 : (int)(deadline - now)) > 0)
				open_pipe = drain(pipefd[0], name, buf, sizeof(buf),
						  &held, &logged);
		} else {
			usleep(10000);
		}
		done = waitpid(pid, &status, WNOHANG);
		if (done < 0 && errno != EINTR) {
			done = -1;
			break;
		}
		if (done < 0)
			done = 0;
	}
	if (open_pipe)
		drain(pipefd[0], name, buf, sizeof(buf), &held, &logged);
	if (held)
		log_lines(name, buf, held, true);
	close(pipefd[0]);
	if (!done) {
		/* Its group: whatever it started goes with it. */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		log_warn("hook %s: killed after %u ms", name, timeout_ms);
		return -ETIMEDOUT;
	}
	if (done < 0)
		return -ECHILD;
	if (WIFSIGNALED(status)) {
		log_warn("hook %s: killed by signal %d", name, WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	status = WEXITSTATUS(status);
	if (status)
		log_warn("hook %s: exit status %d", name, status);
	return status;
}
