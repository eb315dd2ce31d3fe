/* SPDX-License-Identifier: GPL-2.0-only */
/* pressure: device-resident working sets under memory pressure.
 * 1. cgroup: a worker in a cgroup v2 whose memory.max is below its working
 *    set (the harness creates and removes the group) migrates and verifies
 *    until the duration ends. It may be OOM-killed: that is reported as
 *    such (memory.events oom_kill), never as a harness crash.
 * 2. hog: a second process eats system memory while a worker keeps its
 *    pages moving to the device and back, verifying every round.
 * Every survivor verifies all its pages; a killed worker is reported. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cvram/child.h"
#include "cvram/cvram.h"
#include "cvram/pattern.h"
#include "cvram/workload.h"
#include "workloads.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define HOG_STEP (16ull << 20)
#define CHILD_SETUP_EXIT 3
#define CHILD_BAD_BASE 10	/* exit 10 + n: n (at most 100) bad pages found */
#define CHILD_BAD_MAX 100
#define MOVER_GRACE_NS (60ull * 1000000000ull) /* past its end, a mover is hung */
#define FILL_CHUNK_PAGES 256

struct mover_args {
	struct cvram_target *parent;
	uint64_t bytes, end_ns;
	uint32_t seed;
	const char *cgroup;	/* cgroup.procs to join first, or NULL */
};

static int bad_exit(size_t bad)
{
	return CHILD_BAD_BASE + (int)(bad > CHILD_BAD_MAX ? CHILD_BAD_MAX : bad);
}

/* A child that keeps its working set moving and checks it every round.
 * Exit 0: all verified; 10 + n: n bad pages; 3: could not start. */
static int mover_main(void *arg)
{
	struct mover_args *a = arg;
	struct cvram_target *parent = a->parent, t;
	uint64_t bytes = a->bytes, end_ns = a->end_ns;
	uint32_t seed = a->seed;
	size_t bad;
	char me[32];
	size_t npages = (size_t)(bytes / CVRAM_PAGE_SIZE);
	struct cvram_mismatch m[1];
	char *buf;

	snprintf(me, sizeof(me), "%d", (int)getpid());
	if (a->cgroup && cvram_write_file(a->cgroup, me))
		return CHILD_SETUP_EXIT;
	if (cvram_target_open(&t, parent->ops, &parent->cfg) != CVRAM_OPEN_OK)
		return CHILD_SETUP_EXIT;
	buf = cvram_map(bytes);
	if (!buf)
		return CHILD_SETUP_EXIT;
	/* Fill and send to the device a chunk at a time, so the working set can
	 * exceed what the memory limit allows in system RAM. */
	for (size_t done = 0; done < npages; done += FILL_CHUNK_PAGES) {
		size_t n = npages - done < FILL_CHUNK_PAGES ? npages - done : FILL_CHUNK_PAGES;
		struct cvram_migration mg = { 0 };

		for (size_t i = done; i < done + n; i++) {
			struct cvram_stamp s = { i, seed, (uint32_t)getpid() };

			cvram_pattern_fill(buf + i * CVRAM_PAGE_SIZE, &s);
		}
		cvram_migrate(&t, buf + done * CVRAM_PAGE_SIZE, n, CVRAM_TO_DEVICE, &mg);
	}
	while (cvram_now_ns() < end_ns) {
		struct cvram_migration mg = { 0 };

		cvram_migrate(&t, buf, npages, CVRAM_TO_DEVICE, &mg);
		if ((bad = cvram_pattern_check_range(buf, npages, seed, NULL, (uint32_t)getpid(), m, 1)))
			return bad_exit(bad);
		cvram_migrate(&t, buf, npages, CVRAM_TO_SYSTEM, &mg);
		if ((bad = cvram_pattern_check_range(buf, npages, seed, NULL, (uint32_t)getpid(), m, 1)))
			return bad_exit(bad);
	}
	return 0;
}

static long long read_key(const char *path, const char *key)
{
	char line[128];
	long long v = -1;
	FILE *f = fopen(path, "re");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ' ')
			v = atoll(line + strlen(key) + 1);
	if (f)
		fclose(f);
	return v;
}

/* How a child ended, in words and as a failure flag; bad pages it found
 * are added to *bad. */
static bool describe_end(int status, bool oom_killed, json_object *o, const char *who, uint64_t *bad)
{
	const char *what = "completed and verified every page";
	bool failed = false;

	if (WIFSIGNALED(status)) {
		what = oom_killed && WTERMSIG(status) == SIGKILL ? "killed by the OOM killer" : "killed by a signal";
		failed = !(oom_killed && WTERMSIG(status) == SIGKILL);
		json_object_object_add(o, "signal", json_object_new_int(WTERMSIG(status)));
	} else if (WEXITSTATUS(status) > CHILD_BAD_BASE) {
		what = "found corrupted pages";
		failed = true;
		*bad += (uint64_t)(WEXITSTATUS(status) - CHILD_BAD_BASE);
	} else if (WEXITSTATUS(status)) {
		what = "could not start";
		failed = true;
	}
	json_object_object_add(o, "outcome", json_object_new_string(what));
	printf("  %-8s %s\n", who, what);
	return failed;
}

/* A case's outcome: what a child that never started (or could not be
 * reaped) gives is a harness error, never a verdict on the kernel. */
#define CASE_HARNESS_ERROR (-1)

/* Run a mover to its end (plus a grace period): 0 with its status, or
 * CASE_HARNESS_ERROR when it never started or is stuck. */
static int run_mover(struct cvram_run *run, uint64_t bytes, uint64_t end_ns, const char *cgroup, int *status)
{
	struct mover_args args = { run->target, bytes, end_ns, 5, cgroup };
	pid_t pid = cvram_child_spawn(mover_main, &args, 0);
	char why[160];

	if (pid < 0) {
		cvram_err("pressure: the mover could not start: fork: %s", strerror(errno));
		return CASE_HARNESS_ERROR;
	}
	if (cvram_child_wait(pid, end_ns + MOVER_GRACE_NS, NULL, status, why, sizeof(why)) >= CVRAM_CHILD_STUCK) {
		cvram_err("pressure: mover: %s", why);
		return CASE_HARNESS_ERROR;
	}
	return 0;
}

/* Returns 1 on a failure, 0 otherwise, CASE_HARNESS_ERROR; not-applicable
 * is recorded. */
static int cgroup_case(struct cvram_run *run, uint64_t bytes, json_object *out, uint64_t *bad)
{
	char dir[96], path[128], max[32];
	json_object *o = json_object_new_object();
	uint64_t end = cvram_now_ns() + run->opts->duration_ms * 1000000ull / 2;
	int status, failed;
	long long kills;

	json_object_object_add(out, "cgroup", o);
	snprintf(dir, sizeof(dir), CGROUP_ROOT "/cvram-%d", (int)getpid());
	cvram_write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory");
	if (mkdir(dir, 0755) && errno != EEXIST) {
		json_object_object_add(o, "not_applicable", json_object_new_string(strerror(errno)));
		printf("  cgroup   not applicable: cannot create %s: %s\n", dir, strerror(errno));
		return 0;
	}
	snprintf(path, sizeof(path), "%s/memory.max", dir);
	snprintf(max, sizeof(max), "%llu", (unsigned long long)(bytes / 2));
	if (cvram_write_file(path, max)) {
		json_object_object_add(o, "not_applicable", json_object_new_string("no memory controller"));
		printf("  cgroup   not applicable: cannot set %s (memory controller missing?)\n", path);
		rmdir(dir);
		return 0;
	}
	json_object_object_add(o, "memory_max", json_object_new_uint64(bytes / 2));
	json_object_object_add(o, "working_set", json_object_new_uint64(bytes));
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (run_mover(run, bytes, end, path, &status)) {
		rmdir(dir);
		return CASE_HARNESS_ERROR;
	}
	snprintf(path, sizeof(path), "%s/memory.events", dir);
	kills = read_key(path, "oom_kill");
	json_object_object_add(o, "oom_kills", json_object_new_int64(kills));
	failed = describe_end(status, kills > 0, o, "cgroup", bad);
	rmdir(dir);
	return failed;
}

/* The hog takes system memory in steps until it holds `limit` or dies. */
static int hog_main(void *arg)
{
	uint64_t limit = *(const uint64_t *)arg;

	for (uint64_t held = 0; held < limit; held += HOG_STEP) {
		char *p = cvram_map(HOG_STEP);

		if (!p)
			break;
		memset(p, 0xa5, HOG_STEP);
	}
	pause();
	return 0;
}

static int hog_case(struct cvram_run *run, uint64_t bytes, json_object *out, uint64_t *bad)
{
	json_object *o = json_object_new_object();
	long pages = sysconf(_SC_AVPHYS_PAGES);
	uint64_t hog_bytes = pages > 0 ? (uint64_t)pages * CVRAM_PAGE_SIZE / 10 * 8 : 0;
	uint64_t end = cvram_now_ns() + run->opts->duration_ms * 1000000ull / 2;
	int status, hog_status = 0, failed, mover;
	long long kills = read_key("/proc/vmstat", "oom_kill");
	char why[160];
	pid_t hog;

	json_object_object_add(out, "hog", o);
	json_object_object_add(o, "hog_bytes", json_object_new_uint64(hog_bytes));
	hog = cvram_child_spawn(hog_main, &hog_bytes, 0);
	if (hog < 0) {
		cvram_err("pressure: the memory hog could not start: fork: %s", strerror(errno));
		return CASE_HARNESS_ERROR;
	}
	mover = run_mover(run, bytes, end, NULL, &status);
	if (cvram_child_kill(hog, &hog_status, why, sizeof(why)) >= CVRAM_CHILD_STUCK) {
		cvram_err("pressure: memory hog: %s", why);
		return CASE_HARNESS_ERROR;
	}
	if (mover)
		return CASE_HARNESS_ERROR;
	kills = read_key("/proc/vmstat", "oom_kill") - kills;
	json_object_object_add(o, "oom_kills", json_object_new_int64(kills));
	failed = describe_end(status, kills > 0, o, "mover", bad);
	json_object_object_add(o, "hog_was_oom_killed",
			       json_object_new_boolean(WIFSIGNALED(hog_status) && WTERMSIG(hog_status) == SIGKILL &&
						       cvram_now_ns() < end));
	return failed;
}

static int pressure_run(struct cvram_run *run)
{
	uint64_t bytes = run->opts->sizes[0], bad = 0;
	json_object *out = json_object_new_object();
	int failed;

	printf("pressure: target %s %s (%s), working set %llu bytes, %.1f s\n", run->target->ops->name,
	       run->target->device, cvram_kind_name(run->target->kind), (unsigned long long)bytes,
	       (double)run->opts->duration_ms / 1000);
	failed = cgroup_case(run, bytes, out, &bad);
	if (failed != CASE_HARNESS_ERROR && !cvram_stopped(run)) {
		int hog = hog_case(run, bytes, out, &bad);

		failed = hog == CASE_HARNESS_ERROR ? hog : failed | hog;
	}
	if (failed == CASE_HARNESS_ERROR) {
		json_object_put(out);
		printf("pressure: harness error: a child process never started or could not be reaped\n");
		return CVRAM_EXIT_ERROR;
	}
	json_object_object_add(out, "oversubscription", json_object_new_string(
		"see partial/exhaustion: on 6.1 every page beyond a coherent test_hmm device costs a kernel WARNING"));
	cvram_detail(run, "pressure", out);
	cvram_integrity(run, bad, NULL);
	printf("pressure: %s\n", failed ? "FAIL" : "PASS");
	return failed ? CVRAM_EXIT_FAIL : CVRAM_EXIT_OK;
}

const struct cvram_workload cvram_stress_pressure = {
	.name = "pressure",
	.summary = "working sets on the device under a cgroup memory.max and a memory hog; OOM kills reported",
	.needs = CVRAM_CAP_MIGRATE,
	.uses = CVRAM_USES_SIZE | CVRAM_USES_DURATION | CVRAM_USES_DEVICE_SIZE,
	.quick_size = 32u << 20,
	.run = pressure_run,
};
