/* SPDX-License-Identifier: GPL-2.0-only */
/* Child processes: spawn, deadline, SIGKILL, reap; stuck ones reported. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cvram/child.h"
#include "cvram/cvram.h"

/* How long a SIGKILLed child may take to go before it counts as stuck. */
#define REAP_GRACE_NS (10ull * 1000000000ull)

/* Test-only: CVRAM_TEST_FAIL_SPAWN=N makes the Nth spawn of this process
 * tree fail as fork(2) does at the pid limit (the count is inherited, so
 * the worker is 1 and its first child 2). How callers handle a child that
 * never started is tested with it (tests/spawn-fail.sh). */
static int injected_spawn_failure(void)
{
	static unsigned spawns;
	const char *knob = getenv("CVRAM_TEST_FAIL_SPAWN");

	return knob && ++spawns == strtoul(knob, NULL, 10);
}

pid_t cvram_child_spawn(int (*fn)(void *arg), void *arg, unsigned flags)
{
	bool stdio = !(flags & CVRAM_CHILD_THREADED);
	pid_t parent = getpid(), pid;

	if (injected_spawn_failure()) {
		errno = EAGAIN;
		return -1;
	}
	if (stdio)
		fflush(NULL);	/* or the child would flush the parent's buffers again */
	pid = fork();
	if (pid == 0) {
		int rc;

		/* No child outlives cvram: the kernel signals it when its parent
		 * dies, and a parent that died before this line is seen here. */
		prctl(PR_SET_PDEATHSIG, flags & CVRAM_CHILD_NOTIFY_DEATH ? CVRAM_CHILD_DEATH_SIGNAL : SIGKILL);
		if (getppid() != parent)
			_exit(CVRAM_EXIT_ERROR);
		rc = fn(arg);

		if (stdio)
			fflush(NULL);	/* _exit does not flush stdio */
		_exit(rc);
	}
	return pid;
}

void cvram_child_wchan(pid_t pid, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	if (cvram_read_line(path, buf, len) || !buf[0])
		snprintf(buf, len, "unknown");
}

enum cvram_child_end cvram_child_wait(pid_t pid, uint64_t deadline_ns, volatile sig_atomic_t *stop, int *status,
				      char *why, size_t len)
{
	uint64_t start = cvram_now_ns(), give_up = 0;
	char wchan[64];

	if (pid <= 0) {
		snprintf(why, len, "refused to wait for pid %d", (int)pid);
		return CVRAM_CHILD_BAD_PID;
	}
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		uint64_t now = cvram_now_ns();

		/* One that exited by itself between our check and the SIGKILL
		 * still counts as exited: its status says so. */
		if (r == pid)
			return give_up && WIFSIGNALED(*status) ? CVRAM_CHILD_KILLED : CVRAM_CHILD_EXITED;
		if (r < 0 && errno != EINTR)
			return give_up ? CVRAM_CHILD_KILLED : CVRAM_CHILD_EXITED;
		if (!give_up && ((deadline_ns && now > deadline_ns) || (stop && *stop))) {
			kill(pid, SIGKILL);
			give_up = now + REAP_GRACE_NS;
		}
		if (give_up && now > give_up)
			break;
		/* Short children are common (fork/COW checks): poll fast at first. */
		poll(NULL, 0, now - start < 100000000ull ? 1 : 20);
	}
	cvram_child_wchan(pid, wchan, sizeof(wchan));
	snprintf(why, len, "child %d survived SIGKILL: stuck in the kernel (wchan %s); left behind", (int)pid, wchan);
	return CVRAM_CHILD_STUCK;
}

enum cvram_child_end cvram_child_kill(pid_t pid, int *status, char *why, size_t len)
{
	if (pid <= 0) {
		snprintf(why, len, "refused to kill pid %d", (int)pid);
		return CVRAM_CHILD_BAD_PID;
	}
	kill(pid, SIGKILL);
	return cvram_child_wait(pid, cvram_now_ns() + 1, NULL, status, why, len);
}
