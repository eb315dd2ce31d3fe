/* SPDX-License-Identifier: GPL-2.0-only */
/* Child processes: spawn, deadline, SIGKILL, reap; stuck ones reported. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cvram/child.h"
#include "cvram/cvram.h"

/* How long a SIGKILLed child may take to go before it counts as stuck. */
#define REAP_GRACE_NS (10ull * 1000000000ull)

pid_t cvram_child_spawn(int (*fn)(void *arg), void *arg, unsigned flags)
{
	bool stdio = !(flags & CVRAM_CHILD_THREADED);
	pid_t pid;

	if (stdio)
		fflush(NULL);	/* or the child would flush the parent's buffers again */
	pid = fork();
	if (pid == 0) {
		int rc = fn(arg);

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
