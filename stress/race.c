/* SPDX-License-Identifier: GPL-2.0-only */
/* race: for --duration, CPU threads read, write and atomically update pages
 * while other threads migrate random subranges to the device and back, a
 * disruptor thread runs madvise(MADV_DONTNEED), mprotect, mremap and fork
 * with copy-on-write over the same ranges, and another process disturbs
 * the device (test_hmm: opens and closes it, which evicts every page).
 * Every page is checked against the book after every operation that
 * could move or change it, and all of them at the end. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "book.h"
#include "cvram/child.h"
#include "cvram/cvram.h"
#include "cvram/rng.h"
#include "cvram/verify.h"
#include "cvram/workload.h"
#include "workloads.h"

#define RANGE_MAX 64		/* pages per migrate/disruptor operation */
#define ATOMIC_PAGES 8
#define ATOMIC_SLOTS (CVRAM_PAGE_SIZE / sizeof(uint64_t))
#define MAX_THREADS 64
#define FORK_CHILD_DEADLINE_NS (20ull * 1000000000ull)

enum race_op {
	OP_READ, OP_WRITE, OP_ATOMIC, OP_TO_DEVICE, OP_TO_SYSTEM, OP_DONTNEED,
	OP_MPROTECT, OP_MREMAP, OP_FORK, OP_DISTURB, NOPS,
};

static const char *const op_names[NOPS] = {
	"read", "write", "atomic", "to_device", "to_system", "madv_dontneed",
	"mprotect", "mremap", "fork_cow", "disturb",
};

struct race {
	struct cvram_run *run;
	struct cvram_target *t;
	struct book b;
	pthread_rwlock_t layout;	/* mremap takes it for writing */
	atomic_bool stop;
	atomic_uint_fast64_t ops[NOPS];
	atomic_uint_fast64_t errors[NOPS];
	atomic_int last_errno[NOPS];
	uint64_t *atom;			/* ATOMIC_PAGES pages of counters */
	uint64_t (*atom_expected)[ATOMIC_PAGES];	/* per atomic thread */
	int natomic;
	atomic_uint_fast64_t *disturbs;	/* shared with the disturbing process */
	char *scratch;			/* PROT_NONE reservation that mremap moves ranges into */
	uint64_t seed;
};

/* race's own options. */
struct race_opts {
	bool no_disturb;	/* no other process disturbs the device */
};

static const struct cvram_option race_options[] = {
	{ "no-disturb", NULL, CVRAM_OPT_FLAG, offsetof(struct race_opts, no_disturb), 0, 0, 0, 0,
	  "no other process closes or migrates the device under the run" },
	{ NULL, NULL, CVRAM_OPT_FLAG, 0, 0, 0, 0, 0, NULL },
};

struct worker {
	struct race *r;
	int id;
	uint64_t rng;
};

static void random_range(struct worker *w, size_t *first, size_t *count)
{
	size_t n = w->r->b.npages;

	*first = (size_t)(cvram_rng_next(&w->rng) % n);
	*count = 1 + (size_t)(cvram_rng_next(&w->rng) % RANGE_MAX);
	if (*first + *count > n)
		*count = n - *first;
}

static void count_error(struct race *r, enum race_op op, int err)
{
	atomic_fetch_add(&r->errors[op], 1);
	atomic_store(&r->last_errno[op], err);
}

static void *cpu_thread(void *p)
{
	struct worker *w = p;
	struct race *r = w->r;
	enum race_op op = w->id % 2 ? OP_WRITE : OP_READ;

	while (!atomic_load(&r->stop)) {
		size_t i = (size_t)(cvram_rng_next(&w->rng) % r->b.npages);

		pthread_rwlock_rdlock(&r->layout);
		book_lock(&r->b, i);
		if (op == OP_WRITE)
			book_write(&r->b, i);
		else
			book_check(&r->b, i, "CPU read");
		book_unlock(&r->b, i);
		pthread_rwlock_unlock(&r->layout);
		atomic_fetch_add(&r->ops[op], 1);
	}
	return NULL;
}

/* Each atomic thread owns one slot in every atomic page and knows its count. */
static void *atomic_thread(void *p)
{
	struct worker *w = p;
	struct race *r = w->r;
	int k = w->id;

	while (!atomic_load(&r->stop)) {
		size_t pg = (size_t)(cvram_rng_next(&w->rng) % ATOMIC_PAGES);
		uint64_t *slot = &r->atom[pg * ATOMIC_SLOTS + (size_t)k];

		__atomic_fetch_add(slot, 1, __ATOMIC_SEQ_CST);
		r->atom_expected[k][pg]++;
		atomic_fetch_add(&r->ops[OP_ATOMIC], 1);
	}
	return NULL;
}

static void *migrate_thread(void *p)
{
	struct worker *w = p;
	struct race *r = w->r;

	while (!atomic_load(&r->stop)) {
		enum race_op op = cvram_rng_next(&w->rng) % 2 ? OP_TO_DEVICE : OP_TO_SYSTEM;
		enum cvram_dir dir = op == OP_TO_DEVICE ? CVRAM_TO_DEVICE : CVRAM_TO_SYSTEM;
		struct cvram_migration m = { 0 };
		size_t first, count;
		int rc;

		if (cvram_rng_next(&w->rng) % 8 == 0) {	/* the atomic pages move too */
			rc = cvram_migrate(r->t, r->atom, ATOMIC_PAGES, dir, &m);
		} else {
			random_range(w, &first, &count);
			pthread_rwlock_rdlock(&r->layout);
			rc = cvram_migrate(r->t, r->b.buf + first * CVRAM_PAGE_SIZE, count, dir, &m);
			book_check_range(&r->b, first, count, op == OP_TO_DEVICE ? "after migrating to the device" :
										   "after migrating to system memory");
			pthread_rwlock_unlock(&r->layout);
		}
		if (rc)
			count_error(r, op, -rc);
		atomic_fetch_add(&r->ops[op], 1);
	}
	return NULL;
}

static void op_dontneed(struct worker *w)
{
	struct race *r = w->r;
	size_t first, count;

	random_range(w, &first, &count);
	book_lock_range(&r->b, first, count);
	if (madvise(r->b.buf + first * CVRAM_PAGE_SIZE, count * CVRAM_PAGE_SIZE, MADV_DONTNEED) == 0) {
		for (size_t i = first; i < first + count; i++)
			atomic_store(&r->b.gens[i], BOOK_ZERO);
	} else {
		count_error(r, OP_DONTNEED, errno);
	}
	for (size_t i = first; i < first + count; i++)
		book_check(&r->b, i, "after MADV_DONTNEED");
	book_unlock_range(&r->b, first, count);
}

static void op_mprotect(struct worker *w)
{
	struct race *r = w->r;
	char *addr;
	size_t first, count;

	random_range(w, &first, &count);
	addr = r->b.buf + first * CVRAM_PAGE_SIZE;
	book_lock_range(&r->b, first, count);
	if (mprotect(addr, count * CVRAM_PAGE_SIZE, PROT_READ)) {
		count_error(r, OP_MPROTECT, errno);
	} else {
		for (size_t i = first; i < first + count; i++)
			book_check(&r->b, i, "while read-only (mprotect)");
		nanosleep(&(struct timespec){ 0, 200000 }, NULL);	/* migrations go on meanwhile */
		if (mprotect(addr, count * CVRAM_PAGE_SIZE, PROT_READ | PROT_WRITE))
			count_error(r, OP_MPROTECT, errno);
	}
	for (size_t i = first; i < first + count; i++)
		book_check(&r->b, i, "after mprotect back to read-write");
	book_unlock_range(&r->b, first, count);
}

/* Move a range away and back; its data must travel with it. (A same-size
 * mremap without MREMAP_FIXED would not move anything.) No other thread
 * maps memory while the layout lock is held, so the holes this leaves for
 * a moment cannot be taken. */
static void op_mremap(struct worker *w)
{
	struct race *r = w->r;
	size_t first, count, len;
	char *addr, *away;

	random_range(w, &first, &count);
	addr = r->b.buf + first * CVRAM_PAGE_SIZE;
	len = count * CVRAM_PAGE_SIZE;
	pthread_rwlock_wrlock(&r->layout);
	away = mremap(addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, r->scratch);
	if (away == MAP_FAILED) {
		count_error(r, OP_MREMAP, errno);
	} else {
		for (size_t i = 0; i < count; i++) {
			if (book_page_ok(&r->b, away + i * CVRAM_PAGE_SIZE, first + i, atomic_load(&r->b.gens[first + i])))
				continue;
			atomic_fetch_add(&r->b.bad, 1);
			cvram_err("data mismatch at the remapped address: page %zu", first + i);
		}
		if (mremap(away, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, addr) == MAP_FAILED) {
			cvram_err("mremap back to the buffer failed: %s", strerror(errno));
			atomic_store(&r->stop, true);
			atomic_fetch_add(&r->b.bad, count);
		}
		mmap(r->scratch, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	}
	book_check_range(&r->b, first, count, "after mremap away and back");
	pthread_rwlock_unlock(&r->layout);
}

struct fork_args {
	struct race *r;
	size_t first, count;
	const uint32_t *gens;
};

/* The child sees the range as it was at fork time, then writes its own
 * copy (copy-on-write); the parent's pages must not change. */
static int fork_child(void *arg)
{
	struct fork_args *a = arg;
	struct race *r = a->r;
	size_t first = a->first, count = a->count;
	const uint32_t *gens = a->gens;
	int bad = 0;

	for (size_t i = 0; i < count; i++)
		bad += !book_page_ok(&r->b, r->b.buf + (first + i) * CVRAM_PAGE_SIZE, first + i, gens[i]);
	for (size_t i = 0; i < count; i++) {
		struct cvram_stamp s = { first + i, 7, (uint32_t)getpid() };
		struct cvram_mismatch m;

		cvram_pattern_fill(r->b.buf + (first + i) * CVRAM_PAGE_SIZE, &s);
		bad += cvram_pattern_check(r->b.buf + (first + i) * CVRAM_PAGE_SIZE, &s, &m) != 0;
	}
	return bad > 100 ? 100 : bad;
}

static void op_fork(struct worker *w)
{
	struct race *r = w->r;
	uint32_t gens[RANGE_MAX];
	size_t first, count;
	struct fork_args args;
	int status = 0;
	char why[160];
	pid_t pid;

	random_range(w, &first, &count);
	args = (struct fork_args){ r, first, count, gens };
	pthread_rwlock_rdlock(&r->layout);
	book_lock_range(&r->b, first, count);
	for (size_t i = 0; i < count; i++)
		gens[i] = atomic_load(&r->b.gens[first + i]);
	pid = cvram_child_spawn(fork_child, &args, CVRAM_CHILD_THREADED);
	book_unlock_range(&r->b, first, count);
	pthread_rwlock_unlock(&r->layout);
	if (pid < 0) {
		count_error(r, OP_FORK, errno);
		return;
	}
	switch (cvram_child_wait(pid, cvram_now_ns() + FORK_CHILD_DEADLINE_NS, NULL, &status, why, sizeof(why))) {
	case CVRAM_CHILD_EXITED:
		break;
	case CVRAM_CHILD_KILLED:
		cvram_err("fork child %d passed its deadline and was killed", (int)pid);
		break;
	default:
		cvram_err("fork child: %s", why);
		status = -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		cvram_err("fork child saw %d bad pages (status 0x%x) over pages %zu-%zu", WIFEXITED(status) ?
			  WEXITSTATUS(status) : -1, status, first, first + count - 1);
		atomic_fetch_add(&r->b.bad, 1);
	}
	book_check_range(&r->b, first, count, "in the parent after a fork child wrote its copy");
}

static void *disruptor_thread(void *p)
{
	static void (*const ops[])(struct worker *) = { op_dontneed, op_mprotect, op_mremap, op_fork };
	static const enum race_op kinds[] = { OP_DONTNEED, OP_MPROTECT, OP_MREMAP, OP_FORK };
	struct worker *w = p;
	struct race *r = w->r;

	for (unsigned n = 0; !atomic_load(&r->stop); n++) {
		unsigned k = n % 4;

		if (kinds[k] != OP_MREMAP && kinds[k] != OP_FORK)
			pthread_rwlock_rdlock(&r->layout);
		ops[k](w);
		if (kinds[k] != OP_MREMAP && kinds[k] != OP_FORK)
			pthread_rwlock_unlock(&r->layout);
		atomic_fetch_add(&r->ops[kinds[k]], 1);
		nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
	}
	return NULL;
}

static bool disturbing(const struct race *r)
{
	const struct race_opts *own = r->run->own;

	return r->t->ops->disturb && !own->no_disturb;
}

/* Another process disturbs the device until killed. */
static int disturber_main(void *arg)
{
	struct race *r = arg;
	pid_t owner = getppid();

	for (;;) {
		if (r->t->ops->disturb(r->t, owner) == 0)
			atomic_fetch_add(r->disturbs, 1);
		nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
	}
	return 0;
}

static pid_t start_disturber(struct race *r)
{
	return disturbing(r) ? cvram_child_spawn(disturber_main, r, 0) : 0;
}

static size_t check_atomics(struct race *r)
{
	size_t bad = 0;

	for (int k = 0; k < r->natomic; k++)
		for (size_t pg = 0; pg < ATOMIC_PAGES; pg++)
			if (__atomic_load_n(&r->atom[pg * ATOMIC_SLOTS + (size_t)k], __ATOMIC_SEQ_CST) !=
			    r->atom_expected[k][pg]) {
				cvram_err("atomic counter of thread %d in atomic page %zu: expected %llu, found %llu", k, pg,
					  (unsigned long long)r->atom_expected[k][pg],
					  (unsigned long long)r->atom[pg * ATOMIC_SLOTS + (size_t)k]);
				bad++;
			}
	return bad;
}

static void record(struct race *r, double secs, size_t atomic_bad)
{
	atomic_store(&r->ops[OP_DISTURB], atomic_load(r->disturbs));
	printf("  %-14s %12s %8s\n", "operation", "count", "errors");
	for (int i = 0; i < NOPS; i++) {
		uint64_t n = atomic_load(&r->ops[i]), e = atomic_load(&r->errors[i]);
		json_object *o = cvram_operation(r->run, op_names[i], n, e);

		if (e)
			json_object_object_add(o, "last_error", json_object_new_string(strerror(atomic_load(&r->last_errno[i]))));
		printf("  %-14s %12llu %8llu%s%s\n", op_names[i], (unsigned long long)n, (unsigned long long)e,
		       e ? "  last: " : "", e ? strerror(atomic_load(&r->last_errno[i])) : "");
	}
	json_object_object_add(cvram_integrity(r->run, atomic_load(&r->b.bad), r->b.failures), "bad_counters",
			       json_object_new_int64((int64_t)atomic_bad));
	cvram_detail(r->run, "seconds", json_object_new_double(secs));
}

static int start_threads(struct race *r, pthread_t *tid, struct worker *w, int *n)
{
	int cpu = (int)r->run->opts->threads[0] * 2;
	int nthreads = 0;

	cpu = cpu < 2 ? 2 : cpu > MAX_THREADS - 4 ? MAX_THREADS - 4 : cpu;
	for (int i = 0; i < cpu + r->natomic + 2; i++) {
		void *(*fn)(void *) = i < cpu ? cpu_thread : i < cpu + r->natomic ? atomic_thread :
				      i == cpu + r->natomic ? migrate_thread : disruptor_thread;

		if (fn == migrate_thread && !(r->t->caps & CVRAM_CAP_MIGRATE))
			continue;
		w[nthreads] = (struct worker){ r, i < cpu ? i : i - cpu, r->seed + (uint64_t)i * 0x9e3779b97f4a7c15ull };
		w[nthreads].rng |= 1;
		if (pthread_create(&tid[nthreads], NULL, fn, &w[nthreads]))
			return -1;
		nthreads++;
	}
	*n = nthreads;
	return 0;
}

static int race_setup(struct race *r)
{
	size_t npages = (size_t)(r->run->opts->sizes[0] / CVRAM_PAGE_SIZE);
	pthread_rwlockattr_t attr;

	if (book_init(&r->b, npages, (uint32_t)getpid()))
		return -1;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&r->layout, &attr);
	pthread_rwlockattr_destroy(&attr);
	r->natomic = 2;
	r->atom = cvram_map(ATOMIC_PAGES * CVRAM_PAGE_SIZE);
	r->atom_expected = calloc((size_t)r->natomic, sizeof(*r->atom_expected));
	r->disturbs = mmap(NULL, CVRAM_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	r->scratch = mmap(NULL, RANGE_MAX * CVRAM_PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return r->atom && r->atom_expected && r->disturbs != MAP_FAILED && r->scratch != MAP_FAILED ? 0 : -1;
}

static int race_run(struct cvram_run *run)
{
	struct race *r = calloc(1, sizeof(*r));
	struct worker w[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int nthreads = 0, status;
	uint64_t t0, end;
	size_t atomic_bad;
	pid_t disturber;

	if (!r)
		return CVRAM_EXIT_ERROR;
	r->run = run;
	r->t = run->target;
	r->seed = run->opts->seed;
	if (race_setup(r)) {
		cvram_err("race: cannot set up %llu bytes", (unsigned long long)run->opts->sizes[0]);
		return CVRAM_EXIT_ERROR;
	}
	cvram_param(run, "size_bytes", json_object_new_int64((int64_t)run->opts->sizes[0]));
	cvram_param(run, "duration_ms", json_object_new_int64((int64_t)run->opts->duration_ms));
	cvram_param(run, "seed", json_object_new_uint64(run->opts->seed));
	cvram_param(run, "disturbing_process", json_object_new_boolean(disturbing(r)));
	printf("race: target %s %s (%s), %zu pages, %.1f s, seed %llu\n", r->t->ops->name, r->t->device,
	       cvram_kind_name(r->t->kind), r->b.npages, (double)run->opts->duration_ms / 1000,
	       (unsigned long long)r->seed);
	disturber = start_disturber(r);
	if (disturber < 0) {	/* never started: no verdict, a harness error */
		cvram_err("race: the disturbing process could not start: fork: %s", strerror(errno));
		atomic_store(&r->stop, true);
	}
	t0 = cvram_now_ns();
	end = t0 + run->opts->duration_ms * 1000000ull;
	if (start_threads(r, tid, w, &nthreads))
		atomic_store(&r->stop, true);
	while (cvram_now_ns() < end && !cvram_stopped(run) && !atomic_load(&r->stop)) {
		nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
		cvram_progress(run, "race: %.0f s left, %zu bad", (double)(end - cvram_now_ns()) / 1e9,
			       atomic_load(&r->b.bad));
	}
	atomic_store(&r->stop, true);
	for (int i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	if (disturber > 0) {
		char why[160];
		int st;

		if (cvram_child_kill(disturber, &st, why, sizeof(why)) == CVRAM_CHILD_STUCK)
			cvram_err("disturbing process: %s", why);
	}
	if (r->t->caps & CVRAM_CAP_MIGRATE) {	/* bring everything home, then check it all */
		struct cvram_migration m = { 0 };

		cvram_migrate(r->t, r->b.buf, r->b.npages, CVRAM_TO_SYSTEM, &m);
		cvram_migrate(r->t, r->atom, ATOMIC_PAGES, CVRAM_TO_SYSTEM, &m);
	}
	cvram_test_corrupt_hook(r->b.buf, r->b.npages);
	book_check_range(&r->b, 0, r->b.npages, "at the end");
	atomic_bad = check_atomics(r);
	record(r, (double)(cvram_now_ns() - t0) / 1e9, atomic_bad);
	status = atomic_load(&r->b.bad) || atomic_bad ? CVRAM_EXIT_FAIL : CVRAM_EXIT_OK;
	if (disturber < 0)
		status = CVRAM_EXIT_ERROR;
	printf("race: %s: %zu bad pages, %zu bad atomic counters\n",
	       status == CVRAM_EXIT_ERROR ? "HARNESS ERROR" : status ? "FAIL" : "PASS", atomic_load(&r->b.bad),
	       atomic_bad);
	book_free(&r->b);
	cvram_unmap(r->atom, ATOMIC_PAGES * CVRAM_PAGE_SIZE);
	free(r->atom_expected);
	munmap((void *)r->disturbs, CVRAM_PAGE_SIZE);
	munmap(r->scratch, RANGE_MAX * CVRAM_PAGE_SIZE);
	pthread_rwlock_destroy(&r->layout);
	free(r);
	return status;
}

const struct cvram_workload cvram_stress_race = {
	.name = "race",
	.summary = "CPU reads/writes/atomics vs migrations, DONTNEED, mprotect, mremap, fork, device close",
	.needs = 0,
	.uses = CVRAM_USES_SIZE | CVRAM_USES_DURATION | CVRAM_USES_SEED | CVRAM_USES_THREADS,
	.options = race_options,
	.options_size = sizeof(struct race_opts),
	.quick_size = 4u << 20,
	.run = race_run,
};
