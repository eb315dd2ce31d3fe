/* SPDX-License-Identifier: GPL-2.0-only */
/* The one child supervisor: every process cvram forks (the worker, the
 * workloads' children) is started, waited for with a deadline, killed and
 * reaped here, and a child that survives SIGKILL (stuck in the kernel) is
 * reported with its wait channel and left behind, so that cvram itself
 * never hangs. */
#ifndef CVRAM_CHILD_H
#define CVRAM_CHILD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum cvram_child_end {
	CVRAM_CHILD_EXITED,	/* ended by itself; status as from waitpid */
	CVRAM_CHILD_KILLED,	/* killed at the deadline or on stop; reaped */
	CVRAM_CHILD_STUCK,	/* survived SIGKILL: left behind, why says where */
	CVRAM_CHILD_BAD_PID,	/* pid <= 0: refused (kill(0) or kill(-1) would hit others) */
};

/* Fork; the child runs fn(arg) and _exits with its return value. stdio is
 * flushed before the fork and in the child before it exits, except with
 * CVRAM_CHILD_THREADED: a process with other threads must not touch stdio
 * locks around fork (another thread may hold one). Returns the pid, or -1
 * with errno. */
#define CVRAM_CHILD_THREADED 1u
/* Every child is SIGKILLed by the kernel when its parent dies (prctl
 * PR_SET_PDEATHSIG); with CVRAM_CHILD_NOTIFY_DEATH it gets
 * CVRAM_CHILD_DEATH_SIGNAL instead, and its handler must _exit at once
 * (the worker restores the settings first: include/cvram/settings.h). */
#define CVRAM_CHILD_NOTIFY_DEATH 2u
#define CVRAM_CHILD_DEATH_SIGNAL SIGUSR2
pid_t cvram_child_spawn(int (*fn)(void *arg), void *arg, unsigned flags);
/* Wait for pid until deadline_ns (CLOCK_MONOTONIC_RAW, 0 = none) or until
 * *stop is set (stop may be NULL); then SIGKILL it and reap it. */
enum cvram_child_end cvram_child_wait(pid_t pid, uint64_t deadline_ns, volatile sig_atomic_t *stop, int *status,
				      char *why, size_t len);
/* SIGKILL pid now and reap it (a stuck child is left behind, as above). */
enum cvram_child_end cvram_child_kill(pid_t pid, int *status, char *why, size_t len);
/* The wait channel of pid ("unknown" if unreadable). */
void cvram_child_wchan(pid_t pid, char *buf, size_t len);

#endif
