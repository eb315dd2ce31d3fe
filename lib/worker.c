/* SPDX-License-Identifier: GPL-2.0-only */
/* The run: the parent runs the workload in a child process (the worker)
 * with a deadline, through the child supervisor (lib/child.c). The worker
 * opens the target, runs, and sends its JSON document back through a pipe;
 * the parent adds the kernel log, restores settings and writes the
 * document. A worker that crashes, hangs or is interrupted never takes the
 * parent with it, and its device memory is returned when it exits. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cvram/child.h"
#include "cvram/cli.h"
#include "cvram/cvram.h"
#include "cvram/kmsg.h"
#include "cvram/results.h"
#include "cvram/settings.h"

#define EXIT_INTERRUPTED 130
#define DEFAULT_DEADLINE_MS (10ull * 60 * 1000)
#define INTERRUPT_GRACE_MS 10000
#define PROGRESS_AFTER_NS 2000000000ull

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t parent_interrupted;
static volatile pid_t worker_pid;
/* The settings the parent changed, as the worker inherited them. */
static const struct cvram_settings *inherited_settings;
static pid_t parent_pid;

static void on_worker_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* The parent died (SIGKILL, or it crashed): put the settings back and go
 * now; the kernel SIGKILLs this worker's own children after it. */
static void on_parent_death(int sig)
{
	(void)sig;
	if (inherited_settings)
		cvram_settings_restore_now(inherited_settings);
	_exit(CVRAM_EXIT_ERROR);
}

static void on_parent_signal(int sig)
{
	parent_interrupted = 1;
	if (worker_pid > 0)
		kill(worker_pid, sig);
}

static void install(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* ------------------------------------------------- workload helpers --- */

void cvram_say(const struct cvram_run *run, const char *fmt, ...)
{
	va_list ap;

	if (run->opts->quiet)
		return;
	fprintf(stderr, "%s: ", cvram_progname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool cvram_stopped(const struct cvram_run *run)
{
	return *run->stop != 0;
}

static uint64_t progress_since;
static bool progress_shown;

void cvram_progress_start(void)
{
	progress_since = cvram_now_ns();
}

void cvram_progress(const struct cvram_run *run, const char *fmt, ...)
{
	va_list ap;

	if (run->opts->quiet || !isatty(STDERR_FILENO) || cvram_now_ns() - progress_since < PROGRESS_AFTER_NS)
		return;
	fprintf(stderr, "\r\033[K%s: ", cvram_progname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_shown = true;
}

/* Clear the progress line so that what follows starts on a clean line. */
void cvram_progress_end(void)
{
	if (progress_shown)
		fprintf(stderr, "\r\033[K");
	progress_shown = false;
}

int cvram_workload_supported(const struct cvram_workload *wl, const struct cvram_target *t, char *why, size_t len)
{
	char need[160];

	if ((t->caps & wl->needs) == wl->needs)
		return 0;
	cvram_caps_format(wl->needs & ~t->caps, need, sizeof(need));
	snprintf(why, len, "workload %s needs [%s], which %s %s (%s) does not have", wl->name, need, t->ops->name,
		 t->device, cvram_kind_name(t->kind));
	return -1;
}

/* ------------------------------------------------------------ worker --- */

static int open_status_exit(enum cvram_open_status st)
{
	switch (st) {
	case CVRAM_OPEN_OK: return CVRAM_EXIT_OK;
	case CVRAM_OPEN_UNAVAILABLE: return CVRAM_EXIT_SKIP;
	case CVRAM_OPEN_BAD_DEVICE: return CVRAM_EXIT_USAGE;
	case CVRAM_OPEN_ERROR: break;
	}
	return CVRAM_EXIT_ERROR;
}

static void send_document(int fd, json_object *doc)
{
	const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(text);

	while (len) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		text += n;
		len -= (size_t)n;
	}
}

/* The driver checks sizes, not each workload: on the device, and in RAM
 * (every workload holds its working set in system memory at some point). */
static int check_sizes(const struct cvram_workload *wl, const struct cvram_opts *o, const struct cvram_target *t)
{
	uint64_t most = cvram_largest_size(o);

	if ((wl->uses & CVRAM_USES_DEVICE_SIZE) && cvram_check_fits(t, most))
		return -1;
	return (wl->uses & (CVRAM_USES_SIZE | CVRAM_USES_SIZE_LIST)) && cvram_check_fits_ram(most) ? -1 : 0;
}

/* Run one workload into a fresh result object. */
static json_object *run_one(const struct cvram_driver *d, const struct cvram_workload *wl, struct cvram_target *t,
			    bool quick, int *rc)
{
	struct cvram_opts o = d->o;
	void *own = cvram_own_options(d, wl);
	struct cvram_run run = { &o, own, t, json_object_new_object(), &stop_requested };

	if (quick && !d->size_given && wl->quick_size)
		o.sizes[0] = wl->quick_size, o.nsizes = 1;
	if (quick && !d->duration_given && wl->quick_duration_ms)
		o.duration_ms = wl->quick_duration_ms;
	json_object_object_add(run.result, "workload", json_object_new_string(wl->name));
	if (wl->options_size && !own) {
		*rc = CVRAM_EXIT_ERROR;
	} else if (quick && check_sizes(wl, &o, t)) {	/* one workload: checked before the run (worker_main) */
		*rc = CVRAM_EXIT_USAGE;
	} else {
		cvram_progress_start();
		*rc = wl->run(&run);
		cvram_progress_end();
	}
	free(own);
	json_object_object_add(run.result, "exit_status", json_object_new_int(*rc));
	return run.result;
}

/* The worst of two exit statuses: error > fail > usage > ok/skip. */
static int worse(int a, int b)
{
	static const int order[] = { CVRAM_EXIT_OK, CVRAM_EXIT_SKIP, CVRAM_EXIT_USAGE, CVRAM_EXIT_FAIL,
				     CVRAM_EXIT_ERROR };
	int ra = 0, rb = 0;

	for (int i = 0; i < 5; i++) {
		ra = order[i] == a ? i : ra;
		rb = order[i] == b ? i : rb;
	}
	return ra >= rb ? a : b;
}

/* 'all': every workload the target supports; the others are recorded as
 * skipped with their reason. */
static int run_all(const struct cvram_driver *d, struct cvram_target *t, json_object *results)
{
	int status = CVRAM_EXIT_OK;

	for (size_t i = 0; d->prog->workloads[i] && !stop_requested; i++) {
		const struct cvram_workload *wl = d->prog->workloads[i];
		char why[256];
		int rc;

		if (wl->not_in_all)
			continue;
		if (cvram_workload_supported(wl, t, why, sizeof(why))) {
			json_object *r = json_object_new_object();

			printf("== %s: skipped: %s\n", wl->name, why);
			json_object_object_add(r, "workload", json_object_new_string(wl->name));
			json_object_object_add(r, "skipped", json_object_new_string(why));
			json_object_array_add(results, r);
			continue;
		}
		printf("== %s\n", wl->name);
		fflush(stdout);
		json_object_array_add(results, run_one(d, wl, t, true, &rc));
		status = worse(status, rc);
	}
	return status;
}

struct worker_args {
	const struct cvram_driver *d;
	int out_fd;
};

static int worker_main(void *arg)
{
	struct worker_args *a = arg;
	const struct cvram_driver *d = a->d;
	const struct cvram_opts *o = &d->o;
	struct cvram_target t;
	struct cvram_target_config cfg = { o->device, o->node };
	enum cvram_open_status st;
	json_object *results, *doc;
	char why[256];
	int rc;

	install(SIGINT, on_worker_signal);
	install(SIGTERM, on_worker_signal);
	install(SIGHUP, on_worker_signal);
	install(CVRAM_CHILD_DEATH_SIGNAL, on_parent_death);
	if (getppid() != parent_pid)	/* it died before the handler was in */
		on_parent_death(0);
	st = cvram_target_open(&t, cvram_target_find(o->target), &cfg);
	if (st != CVRAM_OPEN_OK) {
		if (st == CVRAM_OPEN_UNAVAILABLE)
			printf("SKIP: target %s unavailable: %s\n", o->target, t.reason);
		cvram_err("target %s: %s", o->target, t.reason);
		return open_status_exit(st);
	}
	cvram_target_probe(&t);
	if (d->wl && cvram_workload_supported(d->wl, &t, why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		cvram_target_close(&t);
		return CVRAM_EXIT_SKIP;
	}
	if (d->wl && check_sizes(d->wl, o, &t)) {
		cvram_target_close(&t);
		return CVRAM_EXIT_USAGE;
	}
	results = json_object_new_array();
	if (d->wl)
		json_object_array_add(results, run_one(d, d->wl, &t, false, &rc));
	else
		rc = run_all(d, &t, results);
	doc = cvram_document_new(cvram_context_new(d->argc, d->argv, &t), results);
	json_object_object_add(doc, "seed", json_object_new_uint64(o->seed));
	json_object_object_add(doc, "interrupted", json_object_new_boolean(stop_requested != 0));
	cvram_target_close(&t);
	fflush(stdout);
	send_document(a->out_fd, doc);
	json_object_put(doc);
	return stop_requested ? EXIT_INTERRUPTED : rc;
}

/* Read the worker's document until EOF, the deadline, or an interrupt. */
static char *collect_output(int fd, uint64_t deadline_ns, int *timed_out)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	uint64_t interrupt_at = 0;

	*timed_out = 0;
	while (buf) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		uint64_t now = cvram_now_ns();
		ssize_t n;

		if (parent_interrupted && !interrupt_at)
			interrupt_at = now;
		if (now > deadline_ns || (interrupt_at && now - interrupt_at > INTERRUPT_GRACE_MS * 1000000ull)) {
			*timed_out = !interrupt_at;
			kill(worker_pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if (len + 4096 > cap) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* A document for a worker that produced none of its own. */
static json_object *failure_document(const struct cvram_driver *d, const char *error)
{
	json_object *doc = cvram_document_new(cvram_context_new(d->argc, d->argv, NULL), NULL);

	json_object_object_add(doc, "error", json_object_new_string(error));
	return doc;
}

/* Expected kernel-log patterns that the workloads declared. */
static json_object *expected_patterns(json_object *doc)
{
	json_object *all = json_object_new_array(), *results, *exp;
	size_t n;

	if (!json_object_object_get_ex(doc, "results", &results))
		return all;
	n = json_object_array_length(results);
	for (size_t i = 0; i < n; i++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(results, i), "expected_kernel_log", &exp))
			continue;
		for (size_t j = 0; j < json_object_array_length(exp); j++)
			json_object_array_add(all, json_object_get(json_object_array_get_idx(exp, j)));
	}
	return all;
}

/* The kernel log since the start of the run goes into the document; an
 * unexpected WARNING, BUG, Oops... fails a run that otherwise passed. */
static int attach_kernel_log(const struct cvram_opts *o, json_object *doc, struct cvram_kmsg *k, int rc)
{
	json_object *expected = expected_patterns(doc), *log, *bad;
	size_t problems;

	log = cvram_kmsg_collect(k, expected, &problems);
	json_object_put(expected);
	json_object_object_add(doc, "kernel_log", log);
	if (k->fd < 0 && !o->quiet)
		cvram_err("kernel log not watched: %s", k->why);
	json_object_object_get_ex(log, "problems", &bad);
	for (size_t i = 0; i < problems; i++)
		cvram_err("kernel: %s", json_object_get_string(json_object_array_get_idx(bad, i)));
	if (problems && (rc == CVRAM_EXIT_OK || rc == CVRAM_EXIT_SKIP)) {
		cvram_err("the kernel log shows %zu problem line%s during the run", problems, problems > 1 ? "s" : "");
		rc = CVRAM_EXIT_FAIL;
	}
	return rc;
}

static int finish(const struct cvram_opts *o, json_object *doc, int rc, struct cvram_settings *st)
{
	if (st) {
		int failed = cvram_settings_restore(st);

		json_object_object_add(doc, "noise_control", cvram_settings_json(st, failed == 0));
		if (failed)
			rc = CVRAM_EXIT_ERROR;
	}
	json_object_object_add(doc, "exit_status", json_object_new_int(rc));
	json_object_object_add(doc, "complete", json_object_new_boolean(rc == CVRAM_EXIT_OK || rc == CVRAM_EXIT_FAIL));
	if (o->json) {
		int w = cvram_write_results_pair(o->json, doc);

		if (w) {	/* neither file was written: none says "complete" */
			cvram_err("--json '%s': cannot write it and its .dat: %s", o->json, strerror(-w));
			rc = CVRAM_EXIT_ERROR;
		}
	}
	json_object_put(doc);
	return rc;
}

static uint64_t deadline_ms(const struct cvram_opts *o)
{
	return o->timeout_ms ? o->timeout_ms : DEFAULT_DEADLINE_MS + 2 * o->duration_ms;
}

/* How the worker ended, as an exit status; err says why when it failed. */
static int worker_status(enum cvram_child_end end, int status, int timed_out, uint64_t limit_ms, char *err,
			 size_t len)
{
	if (end == CVRAM_CHILD_STUCK || end == CVRAM_CHILD_BAD_PID)
		return CVRAM_EXIT_ERROR;	/* err says where it is stuck */
	if (timed_out) {
		snprintf(err, len, "worker passed its deadline of %llu ms and was killed", (unsigned long long)limit_ms);
		return CVRAM_EXIT_ERROR;
	}
	if (WIFSIGNALED(status)) {
		snprintf(err, len, "worker killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
		return parent_interrupted ? EXIT_INTERRUPTED : CVRAM_EXIT_ERROR;
	}
	snprintf(err, len, "worker exited with status %d without a results document", WEXITSTATUS(status));
	return WEXITSTATUS(status);
}

static int run_worker(const struct cvram_driver *d, struct cvram_settings *st)
{
	int pipefd[2], status = 0, timed_out, rc;
	struct cvram_kmsg kmsg;
	uint64_t deadline = cvram_now_ns() + deadline_ms(&d->o) * 1000000ull;
	struct worker_args args = { d, -1 };
	enum cvram_child_end end;
	char *text, err[160] = "";
	json_object *doc = NULL;
	pid_t pid;

	if (pipe(pipefd)) {
		cvram_err("pipe: %s", strerror(errno));
		return CVRAM_EXIT_ERROR;
	}
	cvram_kmsg_open(&kmsg);
	args.out_fd = pipefd[1];
	inherited_settings = st;
	parent_pid = getpid();
	pid = cvram_child_spawn(worker_main, &args, CVRAM_CHILD_NOTIFY_DEATH);
	if (pid < 0) {
		cvram_err("fork: %s", strerror(errno));
		return CVRAM_EXIT_ERROR;
	}
	worker_pid = pid;
	install(SIGINT, on_parent_signal);
	install(SIGTERM, on_parent_signal);
	install(SIGHUP, on_parent_signal);
	close(pipefd[1]);
	text = collect_output(pipefd[0], deadline, &timed_out);
	close(pipefd[0]);
	/* Its output has ended: the worker is on its way out. An interrupted
	 * one gets the grace period to finish exiting, not an instant kill. */
	if (parent_interrupted && cvram_now_ns() + INTERRUPT_GRACE_MS * 1000000ull < deadline)
		deadline = cvram_now_ns() + INTERRUPT_GRACE_MS * 1000000ull;
	end = cvram_child_wait(pid, deadline, NULL, &status, err, sizeof(err));
	worker_pid = 0;
	rc = worker_status(end, status, timed_out, deadline_ms(&d->o), err, sizeof(err));
	if (end == CVRAM_CHILD_EXITED && WIFEXITED(status) && !timed_out) {
		if (rc == CVRAM_EXIT_USAGE || rc == CVRAM_EXIT_SKIP || (rc == CVRAM_EXIT_ERROR && text && !*text)) {
			free(text);
			cvram_kmsg_close(&kmsg);
			if (st)
				cvram_settings_restore(st);
			return rc;	/* reason already printed; nothing to write */
		}
		doc = text ? json_tokener_parse(text) : NULL;
		if (!doc)
			rc = CVRAM_EXIT_ERROR;
	}
	free(text);
	if (!doc) {
		cvram_err("%s", err);
		doc = failure_document(d, err);
	}
	rc = attach_kernel_log(&d->o, doc, &kmsg, rc);
	cvram_kmsg_close(&kmsg);
	return finish(&d->o, doc, rc, st);
}

/* --noise-off: the parent changes the settings and restores them after
 * the worker, however it ended (finished, crashed, killed, interrupted). */
int cvram_run(const struct cvram_driver *d)
{
	struct cvram_settings st;
	char err[256];

	if (!d->o.noise_off)
		return run_worker(d, NULL);
	if (cvram_settings_quiet(&st, err, sizeof(err))) {
		cvram_err("%s", err);
		return CVRAM_EXIT_USAGE;
	}
	return run_worker(d, &st);
}
