/* Command-line driver for cvram-bench and cvram-stress.
 *
 * The parent parses options, then runs the workload in a child process
 * (the worker) with a deadline. The worker opens the target, runs, and
 * sends its JSON document back through a pipe; the parent writes it. A
 * worker that crashes, hangs or is interrupted never takes the parent with
 * it, and its device memory is returned when it exits. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cvram/cli.h"
#include "cvram/cvram.h"
#include "cvram/kmsg.h"
#include "cvram/results.h"
#include "cvram/settings.h"

#define EXIT_INTERRUPTED 130
#define DEFAULT_DEADLINE_MS (10ull * 60 * 1000)
#define INTERRUPT_GRACE_MS 10000
#define REAP_GRACE_NS (10ull * 1000000000ull)

/* ------------------------------------------------------------ options --- */

typedef int (*opt_setter)(struct cvram_opts *o, const char *arg, const char **why);

struct opt_def {
	const char *name;
	const char *metavar;	/* NULL: no argument */
	opt_setter set;		/* NULL for a flag: sets the bool at flag */
	size_t flag;		/* offsetof(struct cvram_opts, ...) of a flag */
	const char *help;
};

#define FLAG(field) NULL, offsetof(struct cvram_opts, field)

static int set_target(struct cvram_opts *o, const char *a, const char **why)
{
	(void)why;
	o->target = a;
	return 0;
}

static int set_device(struct cvram_opts *o, const char *a, const char **why)
{
	if (!*a) {
		*why = "empty value";
		return -1;
	}
	o->device = a;
	return 0;
}

static int set_node(struct cvram_opts *o, const char *a, const char **why)
{
	uint64_t v;

	if (cvram_parse_uint(a, 0, 1023, &v, why))
		return -1;
	o->node = (int)v;
	return 0;
}

static int set_threads(struct cvram_opts *o, const char *a, const char **why)
{
	return cvram_parse_uint_list(a, 1, 4096, o->threads, &o->nthreads, why);
}

static int set_size(struct cvram_opts *o, const char *a, const char **why)
{
	o->size_given = true;
	if (cvram_parse_size_list(a, o->sizes, &o->nsizes, why))
		return -1;
	for (size_t i = 0; i < o->nsizes; i++) {
		if (o->sizes[i] % CVRAM_PAGE_SIZE) {
			*why = "not a multiple of the page size (4096)";
			return -1;
		}
	}
	return 0;
}

static int set_reps(struct cvram_opts *o, const char *a, const char **why)
{
	o->reps_given = true;
	return cvram_parse_uint(a, 1, 1000000, &o->reps, why);
}

static int set_duration(struct cvram_opts *o, const char *a, const char **why)
{
	o->duration_given = true;
	return cvram_parse_duration_ms(a, &o->duration_ms, why);
}

static int set_timeout(struct cvram_opts *o, const char *a, const char **why)
{
	return cvram_parse_duration_ms(a, &o->timeout_ms, why);
}

static int set_seed(struct cvram_opts *o, const char *a, const char **why)
{
	return cvram_parse_uint(a, 0, UINT64_MAX, &o->seed, why);
}

static int set_bind(struct cvram_opts *o, const char *a, const char **why)
{
	for (enum cvram_bind b = CVRAM_BIND_NONE; b <= CVRAM_BIND_SCATTER; b++) {
		if (strcmp(a, cvram_bind_name(b)) == 0) {
			o->bind = b;
			return 0;
		}
	}
	*why = "not one of compact, scatter, none";
	return -1;
}

static int set_json(struct cvram_opts *o, const char *a, const char **why)
{
	if (!*a) {
		*why = "empty file name";
		return -1;
	}
	o->json = a;
	return 0;
}

/* Options shared by every program and workload: a table, not code. */
static const struct opt_def opt_table[] = {
	{ "target", "NAME", set_target, 0, "where device memory comes from (see --list); default host" },
	{ "device", "DEV", set_device, 0, "device of the target, e.g. /dev/hmm_dmirror2 or 2" },
	{ "node", "N", set_node, 0, "NUMA node for the numa target (default: first CPU-less node)" },
	{ "threads", "N[,N...]", set_threads, 0, "worker threads, or a list to sweep" },
	{ "size", "SIZE[,SIZE...]", set_size, 0, "working-set size with K/M/G suffix, or a list" },
	{ "reps", "N", set_reps, 0, "measured repetitions" },
	{ "duration", "TIME", set_duration, 0, "how long time-based workloads run (30s, 2m)" },
	{ "timeout", "TIME", set_timeout, 0, "deadline for the worker (default 10m + 2 x duration)" },
	{ "seed", "N", set_seed, 0, "random seed (recorded in the results)" },
	{ "bind", "MODE", set_bind, 0, "thread placement: compact, scatter or none (default compact)" },
	{ "nt", NULL, FLAG(nt_stores), "streaming (non-temporal) stores in the touch kernels" },
	{ "noise-off", NULL, FLAG(noise_off), "turn NUMA balancing and THP off for the run, restore after" },
	{ "no-disturb", NULL, FLAG(no_disturb), "race: no other process closes/migrates the device under it" },
	{ "json", "FILE", set_json, 0, "write the results document to FILE (atomically)" },
	{ "quiet", NULL, FLAG(quiet), "no progress or informational messages" },
	{ NULL, NULL, NULL, 0, NULL },
};

enum { OPT_LIST = 1000, OPT_HELP, OPT_VERSION, OPT_PREFLIGHT };

static void build_long_options(struct option *lo)
{
	size_t i = 0;

	for (; opt_table[i].name; i++) {
		lo[i].name = opt_table[i].name;
		lo[i].has_arg = opt_table[i].metavar ? required_argument : no_argument;
		lo[i].flag = NULL;
		lo[i].val = (int)i;
	}
	lo[i++] = (struct option){ "list", no_argument, NULL, OPT_LIST };
	lo[i++] = (struct option){ "preflight", no_argument, NULL, OPT_PREFLIGHT };
	lo[i++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	lo[i++] = (struct option){ "version", no_argument, NULL, OPT_VERSION };
	lo[i] = (struct option){ NULL, 0, NULL, 0 };
}

static void print_help(const struct cvram_program *prog)
{
	printf("Usage: %s [OPTION...] WORKLOAD [OPTION...]\n%s\n\nWorkloads:\n", prog->name, prog->summary);
	for (size_t i = 0; prog->workloads[i]; i++)
		printf("  %-12s %s\n", prog->workloads[i]->name, prog->workloads[i]->summary);
	printf("  %-12s %s\n", "all", "every workload above that the target supports, quick sizes");
	printf("\nOptions:\n");
	for (size_t i = 0; opt_table[i].name; i++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", opt_table[i].name,
			 opt_table[i].metavar ? " " : "", opt_table[i].metavar ? opt_table[i].metavar : "");
		printf("  %-26s %s\n", left, opt_table[i].help);
	}
	printf("  %-26s %s\n", "--preflight", "checks of --target before a run (exit 0 all met, 1 some not, 77 absent)");
	printf("  %-26s %s\n  %-26s %s\n  %-26s %s\n", "--list", "targets (with availability) and workloads",
	       "--help", "this text", "--version", "version and exit");
	printf("\nExit status: 0 pass, 1 failure found, 2 bad usage, 77 skipped (target\n"
	       "unavailable), 99 harness error, 130 interrupted. See cvram(1).\n");
}

static void print_list(const struct cvram_program *prog)
{
	printf("Targets:\n");
	for (size_t i = 0; cvram_targets[i]; i++) {
		struct cvram_target t;
		struct cvram_target_config cfg = { NULL, -1 };
		enum cvram_open_status st = cvram_target_open(&t, cvram_targets[i], &cfg);

		printf("  %-8s %s\n", cvram_targets[i]->name, cvram_targets[i]->description);
		if (st == CVRAM_OPEN_OK) {
			char caps[160];

			cvram_caps_format(t.caps, caps, sizeof(caps));
			printf("           available: %s (%s); %s\n", t.device, cvram_kind_name(t.kind), caps);
			cvram_target_close(&t);
		} else {
			printf("           unavailable: %s\n", t.reason);
			cvram_target_close(&t);
		}
	}
	printf("Workloads:\n");
	for (size_t i = 0; prog->workloads[i]; i++)
		printf("  %-12s %s\n", prog->workloads[i]->name, prog->workloads[i]->summary);
	printf("  %-12s %s\n", "all", "every workload above that the target supports, quick sizes");
}

static const struct cvram_workload *find_workload(const struct cvram_program *prog, const char *name)
{
	for (size_t i = 0; prog->workloads[i]; i++)
		if (strcmp(prog->workloads[i]->name, name) == 0)
			return prog->workloads[i];
	return NULL;
}

/* The directory of a --json file must exist: refuse before running. */
static int check_json_path(const char *path)
{
	char *copy = strdup(path), *slash;
	struct stat st;
	int ok;

	if (!copy)
		return -1;
	slash = strrchr(copy, '/');
	if (slash == copy)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(copy, ".");
	ok = stat(copy, &st) == 0 && S_ISDIR(st.st_mode) && access(copy, W_OK) == 0;
	if (!ok)
		cvram_err("--json '%s': directory '%s' does not exist or is not writable", path, copy);
	free(copy);
	return ok ? 0 : -1;
}

/* --preflight: the target's own checks, or whether it opens at all. */
static int preflight(const struct cvram_opts *o, int argc, char **argv)
{
	const struct cvram_target_ops *ops = cvram_target_find(o->target);
	struct cvram_target_config cfg = { o->device, o->node };
	struct cvram_preflight pf = { json_object_new_array(), 0, 0, 0 };
	json_object *doc;
	int rc;

	printf("preflight: target %s\n", ops->name);
	if (ops->preflight) {
		ops->preflight(&cfg, &pf);
	} else {
		struct cvram_target t;
		enum cvram_open_status st = cvram_target_open(&t, ops, &cfg);
		char caps[160] = "";

		if (st == CVRAM_OPEN_OK)
			cvram_caps_format(t.caps, caps, sizeof(caps));
		cvram_preflight_add(&pf, "open", st == CVRAM_OPEN_OK ? "pass" : "fail", "%s",
				    st == CVRAM_OPEN_OK ? t.device : t.reason);
		if (st == CVRAM_OPEN_OK)
			cvram_preflight_add(&pf, "capabilities", "info", "%s (%s)", caps, cvram_kind_name(t.kind));
		pf.absent = st == CVRAM_OPEN_UNAVAILABLE;
		cvram_target_close(&t);
	}
	rc = pf.failed == 0 ? CVRAM_EXIT_OK : pf.absent ? CVRAM_EXIT_SKIP : CVRAM_EXIT_FAIL;
	printf("preflight: %u passed, %u failed%s\n", pf.passed, pf.failed, pf.absent ? " (device absent)" : "");
	doc = cvram_document_new(cvram_context_new(argc, argv, NULL), NULL);
	json_object_object_add(doc, "preflight", pf.checks);
	json_object_object_add(doc, "exit_status", json_object_new_int(rc));
	if (o->json && cvram_write_json_atomic(o->json, doc)) {
		cvram_err("--json '%s': cannot write", o->json);
		rc = CVRAM_EXIT_ERROR;
	}
	json_object_put(doc);
	return rc;
}

/* Returns -1 to continue, or an exit status. */
static int parse_args(const struct cvram_program *prog, int argc, char **argv,
		      struct cvram_opts *o, const struct cvram_workload **wl)
{
	struct option lo[sizeof(opt_table) / sizeof(opt_table[0]) + 4];
	int c, list = 0, pre = 0;

	build_long_options(lo);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		const char *why = NULL;

		if (c == '?') {
			cvram_err("unknown option '%s' (see --help)", argv[optind - 1]);
			return CVRAM_EXIT_USAGE;
		}
		if (c == ':') {
			cvram_err("option '%s' needs a value", argv[optind - 1]);
			return CVRAM_EXIT_USAGE;
		}
		if (c == OPT_HELP) {
			print_help(prog);
			return CVRAM_EXIT_OK;
		}
		if (c == OPT_VERSION) {
			printf("%s (cvram) %s\n", prog->name, PACKAGE_VERSION);
			return CVRAM_EXIT_OK;
		}
		if (c == OPT_LIST || c == OPT_PREFLIGHT) {
			list |= c == OPT_LIST;
			pre |= c == OPT_PREFLIGHT;
			continue;
		}
		if (!opt_table[c].set) {
			*(bool *)((char *)o + opt_table[c].flag) = true;
			continue;
		}
		if (opt_table[c].set(o, optarg, &why)) {
			cvram_err("--%s '%s': %s", opt_table[c].name, optarg, why);
			return CVRAM_EXIT_USAGE;
		}
	}
	if (list) {
		print_list(prog);
		return CVRAM_EXIT_OK;
	}
	if (pre) {
		if (!cvram_target_find(o->target)) {
			cvram_err("--target '%s': unknown target (see --list)", o->target);
			return CVRAM_EXIT_USAGE;
		}
		if (o->json && check_json_path(o->json))
			return CVRAM_EXIT_USAGE;
		return preflight(o, argc, argv);
	}
	if (optind >= argc) {
		cvram_err("no workload given (see --list)");
		return CVRAM_EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		cvram_err("unexpected argument '%s' after workload '%s'", argv[optind + 1], argv[optind]);
		return CVRAM_EXIT_USAGE;
	}
	*wl = find_workload(prog, argv[optind]);
	if (!*wl && strcmp(argv[optind], "all") != 0) {
		cvram_err("unknown workload '%s' (see --list)", argv[optind]);
		return CVRAM_EXIT_USAGE;
	}
	if (!cvram_target_find(o->target)) {
		cvram_err("--target '%s': unknown target (see --list)", o->target);
		return CVRAM_EXIT_USAGE;
	}
	if (o->json && check_json_path(o->json))
		return CVRAM_EXIT_USAGE;
	return -1;
}

/* ------------------------------------------------------------- worker --- */

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t parent_interrupted;
static volatile pid_t worker_pid;

static void on_worker_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
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

#define PROGRESS_AFTER_NS 2000000000ull

static uint64_t progress_start;
static bool progress_shown;

void cvram_progress(const struct cvram_run *run, const char *fmt, ...)
{
	va_list ap;

	if (run->opts->quiet || !isatty(STDERR_FILENO) || cvram_now_ns() - progress_start < PROGRESS_AFTER_NS)
		return;
	fprintf(stderr, "\r\033[K%s: ", cvram_progname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_shown = true;
}

/* Clear the progress line so that what follows starts on a clean line. */
static void progress_end(void)
{
	if (progress_shown)
		fprintf(stderr, "\r\033[K");
	progress_shown = false;
}

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

int cvram_workload_supported(const struct cvram_workload *wl, const struct cvram_target *t,
			     char *why, size_t len)
{
	char need[160];

	if ((t->caps & wl->needs) == wl->needs)
		return 0;
	cvram_caps_format(wl->needs & ~t->caps, need, sizeof(need));
	snprintf(why, len, "workload %s needs [%s], which %s %s (%s) does not have", wl->name, need,
		 t->ops->name, t->device, cvram_kind_name(t->kind));
	return -1;
}

/* Run one workload into a fresh result object. */
static json_object *run_one(const struct cvram_workload *wl, struct cvram_opts o, struct cvram_target *t,
			    bool quick, int *rc)
{
	struct cvram_run run = { &o, t, json_object_new_object(), &stop_requested };

	if (quick && !o.size_given && wl->quick_size)
		o.sizes[0] = wl->quick_size, o.nsizes = 1;
	if (quick && !o.duration_given && wl->quick_duration_ms)
		o.duration_ms = wl->quick_duration_ms;
	json_object_object_add(run.result, "workload", json_object_new_string(wl->name));
	progress_start = cvram_now_ns();
	*rc = wl->run(&run);
	progress_end();
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
static int run_all(const struct cvram_program *prog, const struct cvram_opts *o, struct cvram_target *t,
		   json_object *results)
{
	int status = CVRAM_EXIT_OK;

	for (size_t i = 0; prog->workloads[i] && !stop_requested; i++) {
		const struct cvram_workload *wl = prog->workloads[i];
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
		json_object_array_add(results, run_one(wl, *o, t, true, &rc));
		status = worse(status, rc);
	}
	return status;
}

static int worker_main(const struct cvram_program *prog, const struct cvram_workload *wl,
		       const struct cvram_opts *o, int argc, char **argv, int out_fd)
{
	struct cvram_target t;
	struct cvram_target_config cfg = { o->device, o->node };
	enum cvram_open_status st;
	json_object *results, *doc;
	char why[256];
	int rc;

	install(SIGINT, on_worker_signal);
	install(SIGTERM, on_worker_signal);
	st = cvram_target_open(&t, cvram_target_find(o->target), &cfg);
	if (st != CVRAM_OPEN_OK) {
		if (st == CVRAM_OPEN_UNAVAILABLE)
			printf("SKIP: target %s unavailable: %s\n", o->target, t.reason);
		cvram_err("target %s: %s", o->target, t.reason);
		return open_status_exit(st);
	}
	if (wl && cvram_workload_supported(wl, &t, why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		cvram_target_close(&t);
		return CVRAM_EXIT_SKIP;
	}
	results = json_object_new_array();
	if (wl)
		json_object_array_add(results, run_one(wl, *o, &t, false, &rc));
	else
		rc = run_all(prog, o, &t, results);
	doc = cvram_document_new(cvram_context_new(argc, argv, &t), results);
	json_object_object_add(doc, "seed", json_object_new_uint64(o->seed));
	json_object_object_add(doc, "interrupted", json_object_new_boolean(stop_requested != 0));
	cvram_target_close(&t);
	fflush(stdout);
	send_document(out_fd, doc);
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

/* Reap the worker. One that survives SIGKILL is stuck in the kernel (a
 * task in D state after an Oops, say): say where, leave it, and go on, so
 * that the harness itself never hangs. Returns 1 if it was left behind. */
static int reap_worker(pid_t pid, uint64_t deadline_ns, int *status, char *err, size_t len)
{
	uint64_t give_up = 0;
	char path[64], wchan[64] = "";

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		uint64_t now = cvram_now_ns();

		if (r == pid || (r < 0 && errno != EINTR))
			return 0;
		if (!give_up && (now > deadline_ns || parent_interrupted)) {
			kill(pid, SIGKILL);
			give_up = now + REAP_GRACE_NS;
		}
		if (give_up && now > give_up)
			break;
		poll(NULL, 0, 20);
	}
	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	cvram_read_line(path, wchan, sizeof(wchan));
	snprintf(err, len, "worker %d survived SIGKILL: stuck in the kernel (wchan %s); left behind",
		 (int)pid, wchan[0] ? wchan : "unknown");
	return 1;
}

/* A document for a worker that produced none of its own. */
static json_object *failure_document(int argc, char **argv, const char *error)
{
	json_object *doc = cvram_document_new(cvram_context_new(argc, argv, NULL), NULL);

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
		int w = cvram_write_json_atomic(o->json, doc);
		char dat[4096];

		/* r.json -> r.dat beside it, for gnuplot. */
		snprintf(dat, sizeof(dat), "%.*s.dat", (int)(strlen(o->json) -
			 (strlen(o->json) > 5 && !strcmp(o->json + strlen(o->json) - 5, ".json") ? 5 : 0)), o->json);
		if (!w)
			w = cvram_write_dat(dat, doc);
		if (w) {
			cvram_err("--json '%s': cannot write: %s", o->json, strerror(-w));
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

static int run_worker(const struct cvram_program *prog, const struct cvram_workload *wl,
		      const struct cvram_opts *o, int argc, char **argv, struct cvram_settings *st)
{
	int pipefd[2], status = 0, timed_out, stuck;
	struct cvram_kmsg kmsg;
	uint64_t deadline = cvram_now_ns() + deadline_ms(o) * 1000000ull;
	char *text, err[160];
	json_object *doc;
	pid_t pid;

	if (pipe(pipefd)) {
		cvram_err("pipe: %s", strerror(errno));
		return CVRAM_EXIT_ERROR;
	}
	cvram_kmsg_open(&kmsg);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		cvram_err("fork: %s", strerror(errno));
		return CVRAM_EXIT_ERROR;
	}
	if (pid == 0) {
		int rc;

		close(pipefd[0]);
		rc = worker_main(prog, wl, o, argc, argv, pipefd[1]);
		fflush(NULL);	/* _exit does not flush stdio */
		_exit(rc);
	}
	worker_pid = pid;
	install(SIGINT, on_parent_signal);
	install(SIGTERM, on_parent_signal);
	close(pipefd[1]);
	text = collect_output(pipefd[0], deadline, &timed_out);
	close(pipefd[0]);
	stuck = reap_worker(pid, deadline, &status, err, sizeof(err));
	worker_pid = 0;

	doc = NULL;
	if (stuck) {
		status = CVRAM_EXIT_ERROR;	/* err says where it is stuck */
	} else if (timed_out) {
		snprintf(err, sizeof(err), "worker passed its deadline of %llu ms and was killed",
			 (unsigned long long)deadline_ms(o));
		status = CVRAM_EXIT_ERROR;
	} else if (WIFSIGNALED(status)) {
		snprintf(err, sizeof(err), "worker killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		status = parent_interrupted ? EXIT_INTERRUPTED : CVRAM_EXIT_ERROR;
	} else {
		status = WEXITSTATUS(status);
		if (status == CVRAM_EXIT_USAGE || status == CVRAM_EXIT_SKIP ||
		    (status == CVRAM_EXIT_ERROR && text && !*text)) {
			free(text);
			cvram_kmsg_close(&kmsg);
			if (st)
				cvram_settings_restore(st);
			return status;	/* reason already printed; nothing to write */
		}
		doc = text ? json_tokener_parse(text) : NULL;
		snprintf(err, sizeof(err), "worker exited with status %d without a results document", status);
		if (!doc)
			status = CVRAM_EXIT_ERROR;
	}
	free(text);
	if (!doc) {
		cvram_err("%s", err);
		doc = failure_document(argc, argv, err);
	}
	status = attach_kernel_log(o, doc, &kmsg, status);
	cvram_kmsg_close(&kmsg);
	return finish(o, doc, status, st);
}

/* --noise-off: the parent changes the settings and restores them after
 * the worker, however it ended (finished, crashed, killed, interrupted). */
static int run_with_settings(const struct cvram_program *prog, const struct cvram_workload *wl,
			     const struct cvram_opts *o, int argc, char **argv)
{
	struct cvram_settings st;
	char err[256];
	int rc;

	if (!o->noise_off)
		return run_worker(prog, wl, o, argc, argv, NULL);
	if (cvram_settings_quiet(&st, err, sizeof(err))) {
		cvram_err("%s", err);
		return CVRAM_EXIT_USAGE;
	}
	rc = run_worker(prog, wl, o, argc, argv, &st);
	return rc;
}

int cvram_main(const struct cvram_program *prog, int argc, char **argv)
{
	struct cvram_opts o = {
		.target = "host",
		.node = -1,
		.threads = { 1 },
		.nthreads = 1,
		.sizes = { prog->default_size },
		.nsizes = 1,
		.reps = prog->default_reps,
		.duration_ms = prog->default_duration_ms,
		.bind = CVRAM_BIND_COMPACT,
	};
	const struct cvram_workload *wl = NULL;
	int rc;

	cvram_set_progname(prog->name);
	o.seed = (uint64_t)getpid() ^ cvram_now_ns();
	rc = parse_args(prog, argc, argv, &o, &wl);
	if (rc >= 0)
		return rc;
	return run_with_settings(prog, wl, &o, argc, argv);
}
