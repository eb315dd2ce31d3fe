/* SPDX-License-Identifier: GPL-2.0-only */
/* Command line of cvram-bench and cvram-stress: the shared option table and
 * the workloads' own tables, checked against what each workload uses, then
 * help, --list, --preflight, or a run (lib/worker.c). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvram/cli.h"
#include "cvram/cvram.h"
#include "cvram/options.h"
#include "cvram/results.h"
#include "cvram/settings.h"

#define MAX_LONG_OPTIONS 128
#define OWN_BASE 500	/* getopt values of workload options start here */

enum { OPT_LIST = 1000, OPT_HELP, OPT_VERSION, OPT_PREFLIGHT, OPT_RESTORE };

/* A workload option by name, over every workload (names may repeat). */
struct own_row {
	const struct cvram_workload *wl;
	const struct cvram_option *opt;
};

static size_t own_rows(const struct cvram_program *prog, struct own_row *rows, size_t max)
{
	size_t n = 0;

	for (size_t w = 0; prog->workloads[w]; w++)
		for (const struct cvram_option *o = prog->workloads[w]->options; o && o->name && n < max; o++)
			rows[n++] = (struct own_row){ prog->workloads[w], o };
	return n;
}

static size_t build_long_options(const struct cvram_program *prog, struct option *lo)
{
	struct own_row rows[MAX_LONG_OPTIONS / 2];
	size_t n = 0, nrows = own_rows(prog, rows, MAX_LONG_OPTIONS / 2);

	for (; cvram_shared_options[n].name; n++)
		lo[n] = (struct option){ cvram_shared_options[n].name,
					 cvram_shared_options[n].metavar ? required_argument : no_argument, NULL, (int)n };
	for (size_t i = 0; i < nrows; i++) {
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen |= !strcmp(rows[j].opt->name, rows[i].opt->name);
		if (!seen)
			lo[n++] = (struct option){ rows[i].opt->name, rows[i].opt->metavar ? required_argument : no_argument,
						   NULL, OWN_BASE + (int)i };
	}
	lo[n++] = (struct option){ "list", no_argument, NULL, OPT_LIST };
	lo[n++] = (struct option){ "preflight", no_argument, NULL, OPT_PREFLIGHT };
	lo[n++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	lo[n++] = (struct option){ "version", no_argument, NULL, OPT_VERSION };
	lo[n++] = (struct option){ "restore", no_argument, NULL, OPT_RESTORE };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	return nrows;
}

static void print_workloads(const struct cvram_program *prog)
{
	for (size_t i = 0; prog->workloads[i]; i++)
		printf("  %-12s %s\n", prog->workloads[i]->name, prog->workloads[i]->summary);
	printf("  %-12s %s\n", "all", "every workload above that the target supports, quick sizes");
}

static void print_help(const struct cvram_program *prog)
{
	printf("Usage: %s [OPTION...] WORKLOAD [OPTION...]\n%s\n\nWorkloads:\n", prog->name, prog->summary);
	print_workloads(prog);
	printf("\nOptions (a workload refuses those it does not use; see --help WORKLOAD):\n");
	cvram_options_help(cvram_shared_options);
	printf("  %-26s %s\n", "--preflight", "checks of --target before a run (exit 0 all met, 1 some not, 77 absent)");
	printf("  %-26s %s\n", "--restore", "put back settings a killed --noise-off run left changed (its journal)");
	printf("  %-26s %s\n  %-26s %s\n  %-26s %s\n", "--list", "targets (with availability) and workloads",
	       "--help [WORKLOAD]", "this text, or what WORKLOAD takes", "--version", "version and exit");
	printf("\nExit status: 0 pass, 1 failure found, 2 bad usage, 77 skipped (target\n"
	       "unavailable), 99 harness error, 130 interrupted. See cvram(1).\n");
}

static void print_workload_help(const struct cvram_workload *wl)
{
	char caps[160];

	printf("%s: %s\n", wl->name, wl->summary);
	cvram_caps_format(wl->needs, caps, sizeof(caps));
	printf("Needs target capabilities: %s\n\nShared options it uses:\n", wl->needs ? caps : "none");
	for (size_t i = 0; cvram_shared_options[i].name; i++) {
		const struct cvram_option *o = &cvram_shared_options[i];
		unsigned lists = o->uses & (CVRAM_USES_SIZE_LIST | CVRAM_USES_THREAD_LIST);

		if (o->uses && !(o->uses & wl->uses))
			continue;
		printf("  --%-24s %s%s\n", o->name, o->help,
		       lists && (wl->uses & o->uses) && !(wl->uses & lists) ? " (one value only)" : "");
	}
	if (wl->options && wl->options->name) {
		printf("\nIts own options:\n");
		cvram_options_help(wl->options);
	}
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
		} else {
			printf("           unavailable: %s\n", t.reason);
		}
		cvram_target_close(&t);
	}
	printf("Workloads:\n");
	print_workloads(prog);
}

static const struct cvram_workload *find_workload(const struct cvram_program *prog, const char *name)
{
	for (size_t i = 0; prog->workloads[i]; i++)
		if (strcmp(prog->workloads[i]->name, name) == 0)
			return prog->workloads[i];
	return NULL;
}

/* --json and its .dat: regular files or absent, in a writable directory;
 * refused before anything runs. */
static int check_json_path(const char *path)
{
	char why[4200];

	if (cvram_results_path_ok(path, why, sizeof(why)) == 0)
		return 0;
	cvram_err("--json '%s': %s", path, why);
	return -1;
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

/* Does any workload of this run (wl, or every one of 'all') use the bits? */
static bool run_uses(const struct cvram_driver *d, unsigned bits)
{
	if (d->wl)
		return (d->wl->uses & bits) != 0;
	for (size_t i = 0; d->prog->workloads[i]; i++)
		if (!d->prog->workloads[i]->not_in_all && (d->prog->workloads[i]->uses & bits))
			return true;
	return false;
}

/* A shared option the run would ignore, or a list where only one value is
 * used, is refused: exit 2 naming it. */
static int check_shared_given(const struct cvram_driver *d, const bool *given)
{
	const char *who = d->wl ? d->wl->name : "all";

	for (size_t i = 0; cvram_shared_options[i].name; i++) {
		const struct cvram_option *opt = &cvram_shared_options[i];
		unsigned lists = opt->uses & (CVRAM_USES_SIZE_LIST | CVRAM_USES_THREAD_LIST);

		if (!given[i] || !opt->uses)
			continue;
		if (!run_uses(d, opt->uses)) {
			cvram_err("--%s: workload %s does not use it (see --help %s)", opt->name, who, who);
			return CVRAM_EXIT_USAGE;
		}
		for (size_t w = 0; lists && cvram_option_list_len(opt, &d->o) > 1 && d->prog->workloads[w]; w++) {
			const struct cvram_workload *wl = d->prog->workloads[w];

			if ((d->wl && wl != d->wl) || (!d->wl && wl->not_in_all) || !(wl->uses & opt->uses) ||
			    (wl->uses & lists))
				continue;
			cvram_err("--%s: workload %s%s takes one value, not a list", opt->name, wl->name,
				  d->wl ? "" : " (in all)");
			return CVRAM_EXIT_USAGE;
		}
	}
	return -1;
}

/* Every workload option given belongs to a workload of the run. */
static int check_own_given(const struct cvram_driver *d)
{
	for (size_t i = 0; i < d->nown; i++) {
		bool found = false;

		for (size_t w = 0; d->prog->workloads[w]; w++) {
			const struct cvram_workload *wl = d->prog->workloads[w];

			if ((d->wl && wl != d->wl) || (!d->wl && wl->not_in_all))
				continue;
			for (const struct cvram_option *o = wl->options; o && o->name; o++)
				found |= !strcmp(o->name, d->own[i].name);
		}
		if (!found) {
			cvram_err("--%s: not an option of workload %s (see --help %s)", d->own[i].name,
				  d->wl ? d->wl->name : "all", d->wl ? d->wl->name : "WORKLOAD");
			return CVRAM_EXIT_USAGE;
		}
	}
	return -1;
}

void *cvram_own_options(const struct cvram_driver *d, const struct cvram_workload *wl)
{
	void *own;

	if (!wl->options_size)
		return NULL;
	own = calloc(1, wl->options_size);
	if (!own)
		return NULL;
	if (wl->options_default)
		memcpy(own, wl->options_default, wl->options_size);
	for (size_t i = 0; i < d->nown; i++) {
		for (const struct cvram_option *o = wl->options; o && o->name; o++) {
			const char *why = NULL;

			if (strcmp(o->name, d->own[i].name))
				continue;
			/* Each value was checked in parse_args (take_own). */
			(void)cvram_option_set(o, own, d->own[i].arg ? d->own[i].arg : "", &why);
		}
	}
	return own;
}

/* Workload options are parsed once here so that a bad value is a usage
 * error before anything runs; they are applied per workload later. */
static int take_own(struct cvram_driver *d, const struct own_row *row, const char *arg)
{
	void *scratch = calloc(1, row->wl->options_size);
	const char *why = NULL;
	int bad;

	if (!scratch)
		return CVRAM_EXIT_ERROR;
	bad = cvram_option_set(row->opt, scratch, arg ? arg : "", &why);
	free(scratch);
	if (bad) {
		cvram_err("--%s '%s': %s", row->opt->name, arg, why);
		return CVRAM_EXIT_USAGE;
	}
	if (d->nown == CVRAM_OWN_MAX) {
		cvram_err("too many workload options");
		return CVRAM_EXIT_USAGE;
	}
	d->own[d->nown].name = row->opt->name;
	d->own[d->nown++].arg = arg;
	return -1;
}

static int take_shared(struct cvram_driver *d, int c, const char *arg, bool *given)
{
	const struct cvram_option *opt = &cvram_shared_options[c];
	const char *why = NULL;

	if (cvram_option_set(opt, &d->o, arg ? arg : "", &why)) {
		cvram_err("--%s '%s': %s", opt->name, arg, why);
		return CVRAM_EXIT_USAGE;
	}
	given[c] = true;
	d->size_given |= !strcmp(opt->name, "size");
	d->duration_given |= !strcmp(opt->name, "duration");
	d->o.size_given = d->size_given;
	d->o.threads_given |= !strcmp(opt->name, "threads");
	return -1;
}

static int check_target(const struct cvram_opts *o)
{
	const struct cvram_target_ops *ops = cvram_target_find(o->target);

	if (!ops) {
		cvram_err("--target '%s': unknown target (see --list)", o->target);
		return CVRAM_EXIT_USAGE;
	}
	if (o->node >= 0 && !ops->takes_node) {
		cvram_err("--node %d: the %s target has no NUMA nodes to choose (only numa takes --node)", o->node,
			  ops->name);
		return CVRAM_EXIT_USAGE;
	}
	if (o->json && check_json_path(o->json))
		return CVRAM_EXIT_USAGE;
	return -1;
}

/* After the options: --list, --help, --preflight, or the workload. */
static int what_to_do(struct cvram_driver *d, int list, int help, int pre, const bool *given)
{
	int argc = d->argc, rc;
	char **argv = d->argv;

	if (list) {
		print_list(d->prog);
		return CVRAM_EXIT_OK;
	}
	if (help) {
		const struct cvram_workload *wl = optind < argc ? find_workload(d->prog, argv[optind]) : NULL;

		if (optind < argc && !wl) {
			cvram_err("--help '%s': unknown workload (see --list)", argv[optind]);
			return CVRAM_EXIT_USAGE;
		}
		wl ? print_workload_help(wl) : print_help(d->prog);
		return CVRAM_EXIT_OK;
	}
	if (pre)
		return (rc = check_target(&d->o)) >= 0 ? rc : preflight(&d->o, argc, argv);
	if (optind >= argc) {
		cvram_err("no workload given (see --list)");
		return CVRAM_EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		cvram_err("unexpected argument '%s' after workload '%s'", argv[optind + 1], argv[optind]);
		return CVRAM_EXIT_USAGE;
	}
	d->wl = find_workload(d->prog, argv[optind]);
	if (!d->wl && strcmp(argv[optind], "all") != 0) {
		cvram_err("unknown workload '%s' (see --list)", argv[optind]);
		return CVRAM_EXIT_USAGE;
	}
	if ((rc = check_shared_given(d, given)) >= 0 || (rc = check_own_given(d)) >= 0)
		return rc;
	return check_target(&d->o);
}

/* --restore: replay the journals of --noise-off runs that were killed. */
static int restore_settings(void)
{
	int live = 0, failed = cvram_settings_replay(&live);

	if (live)
		printf("settings: cvram pid %d is running with --noise-off; its settings are its own to restore\n", live);
	if (failed) {
		cvram_err("%d setting%s could not be restored (journals in %s kept)", failed, failed > 1 ? "s" : "",
			  cvram_settings_dir());
		return CVRAM_EXIT_ERROR;
	}
	printf("settings: nothing left to restore in %s\n", cvram_settings_dir());
	return CVRAM_EXIT_OK;
}

/* Returns -1 to continue with a run, or an exit status. */
static int parse_args(struct cvram_driver *d)
{
	struct option lo[MAX_LONG_OPTIONS];
	struct own_row rows[MAX_LONG_OPTIONS / 2];
	bool given[MAX_LONG_OPTIONS] = { false };
	int c, list = 0, help = 0, pre = 0, rc;

	build_long_options(d->prog, lo);
	own_rows(d->prog, rows, MAX_LONG_OPTIONS / 2);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(d->argc, d->argv, ":", lo, NULL)) != -1) {
		if (c == '?') {
			cvram_err("unknown option '%s' (see --help)", d->argv[optind - 1]);
			return CVRAM_EXIT_USAGE;
		}
		if (c == ':') {
			cvram_err("option '%s' needs a value", d->argv[optind - 1]);
			return CVRAM_EXIT_USAGE;
		}
		if (c == OPT_RESTORE)
			return restore_settings();
		if (c == OPT_VERSION) {
			printf("%s (cvram) %s\n", d->prog->name, PACKAGE_VERSION);
			return CVRAM_EXIT_OK;
		}
		list |= c == OPT_LIST;
		help |= c == OPT_HELP;
		pre |= c == OPT_PREFLIGHT;
		if (c >= OPT_LIST)
			continue;
		rc = c >= OWN_BASE ? take_own(d, &rows[c - OWN_BASE], optarg) : take_shared(d, c, optarg, given);
		if (rc >= 0)
			return rc;
	}
	return what_to_do(d, list, help, pre, given);
}

int cvram_main(const struct cvram_program *prog, int argc, char **argv)
{
	struct cvram_driver d = {
		.prog = prog,
		.o = {
			.target = "host",
			.node = -1,
			.threads = { 1 },
			.nthreads = 1,
			.sizes = { prog->default_size },
			.nsizes = 1,
			.reps = prog->default_reps,
			.duration_ms = prog->default_duration_ms,
			.bind = CVRAM_BIND_COMPACT,
		},
		.argc = argc,
		.argv = argv,
	};
	int rc;

	cvram_set_progname(prog->name);
	d.o.seed = (uint64_t)getpid() ^ cvram_now_ns();
	rc = parse_args(&d);
	return rc >= 0 ? rc : cvram_run(&d);
}
