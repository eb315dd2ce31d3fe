/* SPDX-License-Identifier: GPL-2.0-only */
/* teardown: processes that exit, or are SIGKILLed, while their pages sit on
 * the device or while a migration is under way. Afterwards the device's
 * memory must all be usable again (allocated in full, where its size is
 * known, and verified) and the kernel log must stay clean (the harness
 * watches it for every run). */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cvram/child.h"
#include "cvram/cvram.h"
#include "cvram/pattern.h"
#include "cvram/verify.h"
#include "cvram/workload.h"
#include "workloads.h"

#define CHILD_PAGES 1024
#define CHILD_DEADLINE_NS (30ull * 1000000000ull)
#define PROBE_BYTES_UNBOUNDED (64ull << 20)

enum ending { END_EXIT, END_KILL_RESIDENT, END_KILL_MIGRATING, END_RELEASE, NENDINGS };

static const char *const ending_names[NENDINGS] = {
	"exit_with_pages_on_device", "sigkill_with_pages_on_device", "sigkill_during_migration",
	"release_with_pages_on_device",
};

/* teardown's own options. */
struct teardown_opts {
	bool release;	/* also: the device gives all its memory back under the child */
};

static const struct cvram_option teardown_options[] = {
	{ "release", NULL, CVRAM_OPT_FLAG, offsetof(struct teardown_opts, release), 0, 0, 0, 0,
	  "also release the whole device (HMM_DMIRROR_RELEASE) while a child's pages sit on it; it evicts them "
	  "like a device close, so it runs in tests/evict-on-close.sh's own boot" },
	{ NULL, NULL, CVRAM_OPT_FLAG, 0, 0, 0, 0, 0, NULL },
};

/* The device gives everything back; the child's pages must come home whole. */
static int release_and_verify(struct cvram_target *t, char *buf)
{
	json_object *failures = json_object_new_array();
	size_t bad;

	if (cvram_release_device(t)) {
		json_object_put(failures);
		return 7;
	}
	bad = cvram_verify_data("after the device released its memory", buf, CHILD_PAGES, 1, NULL,
				(uint32_t)getpid(), failures);
	bad += cvram_verify_location(t, "after the device released its memory", buf, CHILD_PAGES, CVRAM_LOC_SYSTEM,
				     failures);
	json_object_put(failures);
	return bad ? 8 : 0;
}

struct child_args {
	struct cvram_target *parent;
	enum ending how;
	int ready_fd;
};

/* The child: its own fd (one per process), its pages on the device. */
static int child_main(void *arg)
{
	struct child_args *a = arg;
	struct cvram_target *parent = a->parent, t;
	enum ending how = a->how;
	int ready_fd = a->ready_fd;
	struct cvram_migration m = { 0 };
	char *buf;

	if (cvram_target_open(&t, parent->ops, &parent->cfg) != CVRAM_OPEN_OK)
		return 3;
	buf = cvram_map(CHILD_PAGES * CVRAM_PAGE_SIZE);
	if (!buf)
		return 4;
	cvram_pattern_fill_range(buf, CHILD_PAGES, 1, (uint32_t)getpid());
	if (cvram_migrate(&t, buf, CHILD_PAGES, CVRAM_TO_DEVICE, &m))
		return 5;
	if (write(ready_fd, "r", 1) != 1)
		return 6;
	if (how == END_EXIT)
		return 0;	/* exit with the pages still on the device */
	if (how == END_RELEASE)
		return release_and_verify(&t, buf);
	for (;;) {		/* until killed */
		if (how == END_KILL_MIGRATING) {
			cvram_migrate(&t, buf, CHILD_PAGES, CVRAM_TO_SYSTEM, &m);
			cvram_migrate(&t, buf, CHILD_PAGES, CVRAM_TO_DEVICE, &m);
		} else {
			pause();
		}
	}
}

/* Returns 0 when the child ended the way it was meant to. */
static int one_round(struct cvram_run *run, enum ending how, uint64_t *rng, char *why, size_t len)
{
	int pipefd[2], status = 0;
	uint64_t deadline = cvram_now_ns() + CHILD_DEADLINE_NS;
	struct child_args args = { run->target, how, -1 };
	char c;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	args.ready_fd = pipefd[1];
	pid = cvram_child_spawn(child_main, &args, 0);
	close(pipefd[1]);
	if (pid < 0 || read(pipefd[0], &c, 1) != 1) {
		close(pipefd[0]);
		cvram_child_wait(pid, deadline, NULL, &status, why, len);
		snprintf(why, len, "child did not get its pages onto the device (status 0x%x)", status);
		return -1;
	}
	close(pipefd[0]);
	if (how != END_EXIT && how != END_RELEASE) {
		/* A random moment: for the migrating child, usually mid-call. */
		*rng = *rng * 6364136223846793005ull + 1442695040888963407ull;
		nanosleep(&(struct timespec){ 0, (long)((*rng >> 33) % 20000000) }, NULL);
		kill(pid, SIGKILL);
	}
	switch (cvram_child_wait(pid, deadline, NULL, &status, why, len)) {
	case CVRAM_CHILD_EXITED:
		break;
	case CVRAM_CHILD_KILLED:
		snprintf(why, len, "child %d did not end within its deadline", (int)pid);
		return -1;
	default:
		return -1;	/* why says where it is stuck */
	}
	if (how == END_EXIT || how == END_RELEASE ? WIFEXITED(status) && WEXITSTATUS(status) == 0
			    : WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return 0;
	snprintf(why, len, "child ended with status 0x%x, not as %s", status, ending_names[how]);
	return -1;
}

/* Everything a device can hold, moved there and back, every page checked. */
static size_t use_whole_device(struct cvram_run *run, json_object *out)
{
	struct cvram_target *t = run->target;
	/* Small, fixed device memory: all of it. A NUMA node can be most of
	 * the machine, GPU VRAM tens of GiB, and a private device has no size. */
	bool whole = (t->caps & CVRAM_CAP_SMALL_FIXED) && t->mem_bytes;
	uint64_t bytes = whole ? t->mem_bytes : PROBE_BYTES_UNBOUNDED;
	size_t npages = (size_t)(bytes / CVRAM_PAGE_SIZE), bad = 0;
	struct cvram_migration m = { 0 };
	json_object *failures = json_object_new_array();
	char *buf = cvram_map(bytes);
	int rc;

	if (!buf) {
		json_object_put(failures);
		return 1;
	}
	cvram_pattern_fill_range(buf, npages, 2, (uint32_t)getpid());
	rc = cvram_migrate(t, buf, npages, CVRAM_TO_DEVICE, &m);
	if (rc || m.failed) {
		cvram_err("after teardown: only %zu of %zu pages fit on the device (%s)", m.migrated, npages,
			  rc ? strerror(-rc) : "device memory not returned?");
		bad += rc ? npages : m.failed;
	}
	bad += cvram_verify_data("on the device after teardown", buf, npages, 2, NULL, (uint32_t)getpid(), failures);
	cvram_migrate(t, buf, npages, CVRAM_TO_SYSTEM, &m);
	bad += cvram_verify_data("back from the device after teardown", buf, npages, 2, NULL, (uint32_t)getpid(),
				 failures);
	cvram_unmap(buf, bytes);
	json_object_object_add(out, "whole_device_bytes", json_object_new_int64((int64_t)bytes));
	json_object_object_add(out, "whole_device_scope", json_object_new_string(
		whole ? "the device's full size" : "64 MiB (no small fixed size)"));
	cvram_integrity(run, bad, failures);
	printf("  afterwards: %llu bytes on the device and back, %zu bad pages\n", (unsigned long long)bytes, bad);
	return bad;
}

static int teardown_run(struct cvram_run *run)
{
	uint64_t counts[NENDINGS] = { 0 }, failures[NENDINGS] = { 0 }, failed = 0, rng = run->opts->seed | 1;
	uint64_t end = cvram_now_ns() + run->opts->duration_ms * 1000000ull;
	const struct teardown_opts *own = run->own;
	unsigned endings = own->release ? NENDINGS : END_RELEASE;
	json_object *out = json_object_new_object();
	char why[160];
	size_t bad;

	printf("teardown: target %s %s (%s), children of %d pages for %.1f s\n", run->target->ops->name,
	       run->target->device, cvram_kind_name(run->target->kind), CHILD_PAGES,
	       (double)run->opts->duration_ms / 1000);
	for (unsigned n = 0; cvram_now_ns() < end && !cvram_stopped(run); n++) {
		enum ending how = (enum ending)(n % endings);

		if (one_round(run, how, &rng, why, sizeof(why))) {
			cvram_err("teardown: %s", why);
			failed++;
			failures[how]++;
		}
		counts[how]++;
		cvram_progress(run, "teardown: %u children", n + 1);
	}
	if (own->release && !(run->target->caps & CVRAM_CAP_RELEASE)) {
		printf("teardown: --release: target %s cannot release its device memory\n", run->target->ops->name);
		failed++;
	}
	for (unsigned i = 0; i < endings; i++) {
		cvram_operation(run, ending_names[i], counts[i], failures[i]);
		printf("  %-30s %8llu\n", ending_names[i], (unsigned long long)counts[i]);
	}
	json_object_object_add(out, "children_failed", json_object_new_uint64(failed));
	bad = use_whole_device(run, out);
	cvram_detail(run, "teardown", out);
	printf("teardown: %s\n", failed || bad ? "FAIL" : "PASS");
	return failed || bad ? CVRAM_EXIT_FAIL : CVRAM_EXIT_OK;
}

const struct cvram_workload cvram_stress_teardown = {
	.name = "teardown",
	.summary = "processes exit or are killed with pages on the device or mid-migration; device memory comes back",
	.needs = CVRAM_CAP_MIGRATE,
	.uses = CVRAM_USES_DURATION | CVRAM_USES_SEED,
	.options = teardown_options,
	.options_size = sizeof(struct teardown_opts),
	.quick_duration_ms = 5000,
	.run = teardown_run,
};
