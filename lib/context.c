/* SPDX-License-Identifier: GPL-2.0-only */
/* Provenance of a run: everything needed to know what a number means. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_HWLOC
#include <hwloc.h>
#endif
#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "cvram/cvram.h"
#include "cvram/results.h"
#include "git-describe.h"

/* Kernel options that decide which targets and workloads can run. */
static const char *const config_options[] = {
	"CONFIG_ZONE_DEVICE", "CONFIG_DEVICE_PRIVATE", "CONFIG_HMM_MIRROR",
	"CONFIG_TEST_HMM", "CONFIG_HSA_AMD_SVM", "CONFIG_NUMA",
	"CONFIG_MIGRATION", "CONFIG_TRANSPARENT_HUGEPAGE", NULL,
};

/* Look for "OPTION=value" or "# OPTION is not set" in one config file. */
static const char *scan_config_line(const char *line, const char *option)
{
	size_t len = strlen(option);

	if (strncmp(line, option, len) == 0 && line[len] == '=') {
		if (line[len + 1] == 'y')
			return "y";
		if (line[len + 1] == 'm')
			return "m";
		return "n";
	}
	if (strncmp(line, "# ", 2) == 0 && strncmp(line + 2, option, len) == 0 &&
	    strncmp(line + 2 + len, " is not set", 11) == 0)
		return "n";
	return NULL;
}

#ifdef HAVE_ZLIB
static const char *scan_config_gz(const char *path, const char *option, int *found_file)
{
	gzFile f = gzopen(path, "rb");
	char line[512];
	const char *v = NULL;

	if (!f)
		return NULL;
	*found_file = 1;
	while (!v && gzgets(f, line, sizeof(line)))
		v = scan_config_line(line, option);
	gzclose(f);
	return v ? v : "n";
}
#endif

static const char *scan_config_plain(const char *path, const char *option, int *found_file)
{
	FILE *f = fopen(path, "re");
	char line[512];
	const char *v = NULL;

	if (!f)
		return NULL;
	*found_file = 1;
	while (!v && fgets(line, sizeof(line), f))
		v = scan_config_line(line, option);
	fclose(f);
	return v ? v : "n";
}

const char *cvram_kernel_config(const char *option, const char **source)
{
	static char boot_path[300];
	struct utsname u;
	int found = 0;
	const char *v;

#ifdef HAVE_ZLIB
	v = scan_config_gz("/proc/config.gz", option, &found);
	if (found) {
		*source = "/proc/config.gz";
		return v;
	}
#endif
	uname(&u);
	snprintf(boot_path, sizeof(boot_path), "/boot/config-%s", u.release);
	v = scan_config_plain(boot_path, option, &found);
	if (found) {
		*source = boot_path;
		return v;
	}
	*source = "none (no /proc/config.gz or /boot/config-<release>)";
	return "unknown";
}

static json_object *string_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static json_object *file_line(const char *path)
{
	char buf[1024];

	return cvram_read_line(path, buf, sizeof(buf)) == 0 ? string_or_null(buf) : NULL;
}

static json_object *kernel_json(void)
{
	json_object *k = json_object_new_object(), *cfg = json_object_new_object();
	const char *source = NULL;
	struct utsname u;

	uname(&u);
	json_object_object_add(k, "release", json_object_new_string(u.release));
	json_object_object_add(k, "version", json_object_new_string(u.version));
	json_object_object_add(k, "machine", json_object_new_string(u.machine));
	json_object_object_add(k, "cmdline", file_line("/proc/cmdline"));
	for (size_t i = 0; config_options[i]; i++)
		json_object_object_add(cfg, config_options[i],
				       json_object_new_string(cvram_kernel_config(config_options[i], &source)));
	json_object_object_add(k, "config", cfg);
	json_object_object_add(k, "config_source", string_or_null(source));
	json_object_object_add(k, "tainted", file_line("/proc/sys/kernel/tainted"));
	return k;
}

static json_object *cpu_model(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[512];
	json_object *v = NULL;

	if (!f)
		return NULL;
	while (!v && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			colon += 2;
			colon[strcspn(colon, "\n")] = '\0';
			v = json_object_new_string(colon);
		}
	}
	fclose(f);
	return v;
}

#ifdef HAVE_HWLOC
static json_object *numa_nodes_json(hwloc_topology_t topo)
{
	json_object *arr = json_object_new_array();
	int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);

	for (int i = 0; i < n; i++) {
		hwloc_obj_t node = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)i);
		json_object *o = json_object_new_object();
		char cpus[256];

		hwloc_bitmap_list_snprintf(cpus, sizeof(cpus), node->cpuset);
		json_object_object_add(o, "os_index", json_object_new_int((int)node->os_index));
		json_object_object_add(o, "memory_bytes",
				       json_object_new_int64((int64_t)node->attr->numanode.local_memory));
		json_object_object_add(o, "cpus", json_object_new_string(cpus));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *topology_json(void)
{
	json_object *t = json_object_new_object();
	hwloc_topology_t topo;

	if (hwloc_topology_init(&topo) || hwloc_topology_load(topo)) {
		json_object_object_add(t, "source", json_object_new_string("hwloc (failed to load)"));
		return t;
	}
	json_object_object_add(t, "source", json_object_new_string("hwloc " HWLOC_VERSION));
	json_object_object_add(t, "packages", json_object_new_int(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE)));
	json_object_object_add(t, "cores", json_object_new_int(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE)));
	json_object_object_add(t, "pus", json_object_new_int(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU)));
	json_object_object_add(t, "numa_nodes", numa_nodes_json(topo));
	hwloc_topology_destroy(topo);
	return t;
}
#else
static json_object *topology_json(void)
{
	json_object *t = json_object_new_object();

	json_object_object_add(t, "source", json_object_new_string("sysconf (built without hwloc)"));
	json_object_object_add(t, "pus", json_object_new_int((int)sysconf(_SC_NPROCESSORS_ONLN)));
	return t;
}
#endif

/* THP "[always] madvise never" -> "always". */
static json_object *bracketed_choice(const char *path)
{
	char buf[256], *open, *close;

	if (cvram_read_line(path, buf, sizeof(buf)))
		return NULL;
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!open || !close)
		return json_object_new_string(buf);
	*close = '\0';
	return json_object_new_string(open + 1);
}

static json_object *settings_json(void)
{
	json_object *s = json_object_new_object();

	json_object_object_add(s, "thp_enabled", bracketed_choice("/sys/kernel/mm/transparent_hugepage/enabled"));
	json_object_object_add(s, "thp_defrag", bracketed_choice("/sys/kernel/mm/transparent_hugepage/defrag"));
	json_object_object_add(s, "thp_khugepaged_defrag",
			       file_line("/sys/kernel/mm/transparent_hugepage/khugepaged/defrag"));
	json_object_object_add(s, "numa_balancing", file_line("/proc/sys/kernel/numa_balancing"));
	return s;
}

/* "key=value key=value" as an object of strings. */
static json_object *probes_json(const char *text)
{
	json_object *o = json_object_new_object();
	char copy[256], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", text);
	for (char *kv = strtok_r(copy, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(kv, '=');

		if (eq && eq != kv) {
			*eq = '\0';
			json_object_object_add(o, kv, json_object_new_string(eq + 1));
		}
	}
	return o;
}

static json_object *target_json(const struct cvram_target *t)
{
	json_object *o = json_object_new_object();
	char caps[160];

	cvram_caps_format(t->caps, caps, sizeof(caps));
	json_object_object_add(o, "name", json_object_new_string(t->ops->name));
	json_object_object_add(o, "device", json_object_new_string(t->device));
	json_object_object_add(o, "kind", json_object_new_string(cvram_kind_name(t->kind)));
	json_object_object_add(o, "memory_bytes", json_object_new_int64((int64_t)t->mem_bytes));
	json_object_object_add(o, "memory_source", string_or_null(t->mem_source));
	json_object_object_add(o, "location_source", string_or_null(t->location_source));
	json_object_object_add(o, "migrate_note", string_or_null(t->migrate_note));
	json_object_object_add(o, "validation", string_or_null(t->ops->validation));
	json_object_object_add(o, "capabilities", json_object_new_string(caps));
	json_object_object_add(o, "probes", probes_json(t->probes));
	return o;
}

static json_object *utc_now(void)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}

json_object *cvram_context_new(int argc, char **argv, const struct cvram_target *t)
{
	json_object *c = json_object_new_object(), *cmd = json_object_new_array();
	char host[256] = "";

	for (int i = 0; i < argc; i++)
		json_object_array_add(cmd, json_object_new_string(argv[i]));
	gethostname(host, sizeof(host) - 1);
	json_object_object_add(c, "cvram_version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(c, "git_describe", json_object_new_string(CVRAM_GIT_DESCRIBE));
	json_object_object_add(c, "command_line", cmd);
	json_object_object_add(c, "time_utc", utc_now());
	json_object_object_add(c, "hostname", json_object_new_string(host));
	json_object_object_add(c, "in_vm", json_object_new_boolean(getenv("CVRAM_IN_VM") != NULL));
	json_object_object_add(c, "kernel", kernel_json());
	json_object_object_add(c, "cpu_model", cpu_model());
	json_object_object_add(c, "cpus_online", json_object_new_int((int)sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_object_add(c, "topology", topology_json());
	json_object_object_add(c, "settings", settings_json());
	json_object_object_add(c, "clock", json_object_new_string("CLOCK_MONOTONIC_RAW"));
	json_object_object_add(c, "target", t ? target_json(t) : NULL);
	return c;
}
