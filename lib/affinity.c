/* SPDX-License-Identifier: GPL-2.0-only */
/* Placement of OpenMP threads: hwloc_distrib for scatter, PU order for
 * compact; sched_setaffinity when built without hwloc. */
#include "config.h"

#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef HAVE_HWLOC
#include <hwloc.h>
#endif

#include "cvram/affinity.h"

const char *cvram_bind_name(enum cvram_bind b)
{
	switch (b) {
	case CVRAM_BIND_NONE: return "none";
	case CVRAM_BIND_COMPACT: return "compact";
	case CVRAM_BIND_SCATTER: return "scatter";
	}
	return "unknown";
}

int cvram_pu_count(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return CPU_COUNT(&set);
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

/* The largest cache level of cpu0 in sysfs, in bytes (0 if none). */
static unsigned long long sysfs_llc_of_cpu0(void)
{
	unsigned long long best = 0;
	int best_level = 0;

	for (int i = 0; i < 16; i++) {
		char path[96], buf[32], type[32];
		unsigned long long kib = 0;
		int level = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
		if (!(f = fopen(path, "r")))
			break;
		level = fscanf(f, "%d", &level) == 1 ? level : 0;
		fclose(f);
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
		f = fopen(path, "r");
		type[0] = '\0';
		if (f && fscanf(f, "%31s", type) != 1)
			type[0] = '\0';
		if (f)
			fclose(f);
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		f = fopen(path, "r");
		if (f && fscanf(f, "%llu%31s", &kib, buf) < 1)
			kib = 0;
		if (f)
			fclose(f);
		if (strcmp(type, "Instruction") && level > best_level) {
			best_level = level;
			best = kib * 1024;
		}
	}
	return best;
}

#ifdef HAVE_HWLOC
unsigned long long cvram_llc_bytes(const char **source)
{
	hwloc_topology_t topo;
	unsigned long long total = 0;

	if (hwloc_topology_init(&topo) == 0 && hwloc_topology_load(topo) == 0) {
		for (int t = HWLOC_OBJ_L5CACHE; t >= (int)HWLOC_OBJ_L1CACHE && !total; t--) {
			int n = hwloc_get_nbobjs_by_type(topo, (hwloc_obj_type_t)t);

			for (int i = 0; i < n; i++)
				total += hwloc_get_obj_by_type(topo, (hwloc_obj_type_t)t, (unsigned)i)->attr->cache.size;
		}
		hwloc_topology_destroy(topo);
	}
	*source = "hwloc: every instance of the last cache level";
	if (total)
		return total;
	*source = "sysfs: last cache level of cpu0";
	return sysfs_llc_of_cpu0();
}

/* One cpuset per thread, chosen by mode; NULL entries mean "unbound". */
static hwloc_bitmap_t *placement(hwloc_topology_t topo, enum cvram_bind mode, int n)
{
	hwloc_bitmap_t *sets = calloc((size_t)n, sizeof(*sets));
	int npus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);

	if (!sets || npus <= 0)
		return sets;
	if (mode == CVRAM_BIND_SCATTER) {
		hwloc_obj_t root = hwloc_get_root_obj(topo);

		for (int i = 0; i < n; i++)
			sets[i] = hwloc_bitmap_alloc();
		hwloc_distrib(topo, &root, 1, sets, (unsigned)n, INT_MAX, 0);
		for (int i = 0; i < n; i++)
			hwloc_bitmap_singlify(sets[i]);
	} else if (mode == CVRAM_BIND_COMPACT) {
		for (int i = 0; i < n; i++)
			sets[i] = hwloc_bitmap_dup(hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned)(i % npus))->cpuset);
	}
	return sets;
}

json_object *cvram_bind_threads(enum cvram_bind mode, int nthreads)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t *sets;
	json_object *pus = json_object_new_array();
	int *where = calloc((size_t)nthreads, sizeof(*where));

	if (!where || hwloc_topology_init(&topo) || hwloc_topology_load(topo)) {
		free(where);
		return pus;
	}
	sets = placement(topo, mode, nthreads);
#pragma omp parallel num_threads(nthreads)
	{
		int i = omp_get_thread_num();

		if (sets && sets[i])
			hwloc_set_cpubind(topo, sets[i], HWLOC_CPUBIND_THREAD);
		where[i] = sched_getcpu();
	}
	for (int i = 0; i < nthreads; i++) {
		json_object_array_add(pus, json_object_new_int(where[i]));
		if (sets && sets[i])
			hwloc_bitmap_free(sets[i]);
	}
	free(sets);
	free(where);
	hwloc_topology_destroy(topo);
	return pus;
}
#else
unsigned long long cvram_llc_bytes(const char **source)
{
	*source = "sysfs: last cache level of cpu0";
	return sysfs_llc_of_cpu0();
}

json_object *cvram_bind_threads(enum cvram_bind mode, int nthreads)
{
	json_object *pus = json_object_new_array();
	int npus = cvram_pu_count();

#pragma omp parallel num_threads(nthreads)
	{
		int i = omp_get_thread_num(), cpu = -1;
		cpu_set_t set;

		if (mode == CVRAM_BIND_COMPACT)
			cpu = i % npus;
		else if (mode == CVRAM_BIND_SCATTER)
			cpu = (int)((long)i * npus / nthreads) % npus;
		if (cpu >= 0) {
			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
	}
	for (int i = 0; i < nthreads; i++)
		json_object_array_add(pus, json_object_new_int(-1));
	return pus;
}
#endif
