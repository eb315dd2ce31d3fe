/* SPDX-License-Identifier: GPL-2.0-only */
/* numa: device memory seen as a CPU-less NUMA node (Grace Hopper in NUMA
 * mode, MI300A-style, CXL type-3). Pages move with move_pages(2), which
 * also reports where each page is. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/cvram.h"
#include "cvram/target.h"

#ifdef HAVE_NUMA
#include <numa.h>
#include <numaif.h>

/* move_pages() takes at most this many pages per call here: bounded
 * temporary arrays, and a chance for SIGINT between chunks. */
#define NUMA_CHUNK 4096

struct numa_priv {
	int device_node;
	int home_node;		/* where pages go back to: a node with CPUs */
};

/* Arguments of one move_pages() call. Per call, not per target, so that
 * threads can migrate disjoint ranges through one target at once. */
struct numa_call {
	void *pages[NUMA_CHUNK];
	int nodes[NUMA_CHUNK];
	int status[NUMA_CHUNK];
};

static int node_has_cpus(int node)
{
	struct bitmask *cpus = numa_allocate_cpumask();
	int has = numa_node_to_cpus(node, cpus) == 0 && numa_bitmask_weight(cpus) > 0;

	numa_free_cpumask(cpus);
	return has;
}

static int node_has_memory(int node)
{
	long long free_bytes;

	return numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned)node) &&
	       numa_node_size64(node, &free_bytes) > 0;
}

static int first_memory_only_node(void)
{
	for (int n = 0; n <= numa_max_node(); n++)
		if (node_has_memory(n) && !node_has_cpus(n))
			return n;
	return -1;
}

static int first_cpu_node_other_than(int device)
{
	for (int n = 0; n <= numa_max_node(); n++)
		if (n != device && node_has_memory(n) && node_has_cpus(n))
			return n;
	return -1;
}

/* One move_pages() call over a chunk; to < 0 only queries. */
static int move_chunk(struct numa_call *p, char *addr, size_t n, int to)
{
	for (size_t i = 0; i < n; i++) {
		p->pages[i] = addr + i * CVRAM_PAGE_SIZE;
		p->nodes[i] = to;
	}
	if (move_pages(0, (unsigned long)n, p->pages, to >= 0 ? p->nodes : NULL, p->status,
		       to >= 0 ? MPOL_MF_MOVE : 0) < 0)
		return -errno;
	return 0;
}

/* move_pages() on 6.1 can report -EBUSY for the first tail page of a THP
 * that it did migrate (the head's isolation took the whole THP), so a
 * per-page error is checked against where the page really is afterwards. */
static void recheck_failed(struct numa_call *p, size_t n, int to)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (p->status[i] != to)
			p->pages[k++] = p->pages[i];
	if (k == 0 || move_pages(0, (unsigned long)k, p->pages, NULL, p->nodes, 0) < 0)
		return;
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (p->status[i] != to && p->nodes[k++] == to)
			p->status[i] = to;
}

/* move_chunk over every chunk of a range, then fn on each chunk's result
 * (fn may be NULL). The one chunk loop of this target. */
typedef void (*chunk_fn)(struct numa_call *c, size_t first, size_t n, void *arg);

static int for_each_chunk(void *addr, size_t npages, int to, chunk_fn fn, void *arg)
{
	struct numa_call *c = malloc(sizeof(*c));
	int rc = 0;

	if (!c)
		return -ENOMEM;
	for (size_t done = 0; done < npages && rc == 0;) {
		size_t n = npages - done < NUMA_CHUNK ? npages - done : NUMA_CHUNK;

		rc = move_chunk(c, (char *)addr + done * CVRAM_PAGE_SIZE, n, to);
		if (rc == 0 && fn)
			fn(c, done, n, arg);
		done += n;
	}
	free(c);
	return rc;
}

static int numa_migrate_bare(struct cvram_target *t, void *addr, size_t npages, enum cvram_dir dir)
{
	struct numa_priv *p = t->priv;

	return for_each_chunk(addr, npages, dir == CVRAM_TO_DEVICE ? p->device_node : p->home_node, NULL, NULL);
}

/* Another process moves the owner's pages off the node. */
static int numa_disturb(struct cvram_target *t, int owner_pid)
{
	struct numa_priv *p = t->priv;
	struct bitmask *from = numa_allocate_nodemask(), *to = numa_allocate_nodemask();
	int rc;

	numa_bitmask_setbit(from, (unsigned)p->device_node);
	numa_bitmask_setbit(to, (unsigned)p->home_node);
	rc = numa_migrate_pages(owner_pid, from, to) < 0 ? -errno : 0;
	numa_free_nodemask(from);
	numa_free_nodemask(to);
	return rc;
}

static enum cvram_loc loc_from_status(const struct numa_priv *p, int st)
{
	if (st == p->device_node)
		return CVRAM_LOC_DEVICE;
	if (st >= 0)
		return CVRAM_LOC_SYSTEM;
	/* -ENOENT: not present, or a ZONE_DEVICE page (move_pages cannot tell). */
	return st == -ENOENT ? CVRAM_LOC_NONE : CVRAM_LOC_UNKNOWN;
}

struct migrate_chunk {
	int to;
	enum cvram_dir dir;
	struct cvram_migration *m;
};

static void count_moved(struct numa_call *c, size_t first, size_t n, void *arg)
{
	struct migrate_chunk *mc = arg;

	recheck_failed(c, n, mc->to);
	for (size_t i = 0; i < n; i++) {
		/* A never-touched page has nothing to move: not a failure
		 * going back to system memory. */
		int ok = c->status[i] == mc->to || (mc->dir == CVRAM_TO_SYSTEM && c->status[i] == -ENOENT);

		mc->m->migrated += ok;
		if (mc->m->outcome)
			mc->m->outcome[first + i] = ok ? CVRAM_OUT_MOVED : CVRAM_OUT_STAYED;
	}
}

static int numa_migrate(struct cvram_target *t, void *addr, size_t npages,
			enum cvram_dir dir, struct cvram_migration *m)
{
	struct numa_priv *p = t->priv;
	struct migrate_chunk mc = { dir == CVRAM_TO_DEVICE ? p->device_node : p->home_node, dir, m };
	int rc;

	m->migrated = 0;
	rc = for_each_chunk(addr, npages, mc.to, count_moved, &mc);
	m->failed = npages - m->migrated;
	return rc;
}

struct locate_chunk {
	const struct numa_priv *p;
	uint8_t *loc;
};

static void fill_locations(struct numa_call *c, size_t first, size_t n, void *arg)
{
	struct locate_chunk *lc = arg;

	for (size_t i = 0; i < n; i++)
		lc->loc[first + i] = (uint8_t)loc_from_status(lc->p, c->status[i]);
}

static int numa_locate(struct cvram_target *t, const void *addr, size_t npages, uint8_t *loc)
{
	struct locate_chunk lc = { t->priv, loc };

	return for_each_chunk((void *)addr, npages, -1, fill_locations, &lc);
}

static void numa_close(struct cvram_target *t)
{
	free(t->priv);
	t->priv = NULL;
}

/* Automatic NUMA balancing moves pages off a CPU-less node towards the
 * CPUs that touch them, and its PROT_NONE hinting entries make move_pages
 * report -ENOENT for pages that are there: say so when locations surprise. */
static void explain_balancing(struct cvram_target *t, int node)
{
	char v[16];

	if (cvram_read_line("/proc/sys/kernel/numa_balancing", v, sizeof(v)) == 0 && strcmp(v, "0") != 0)
		snprintf(t->location_hint, sizeof(t->location_hint),
			 "automatic NUMA balancing is on (kernel.numa_balancing=%s): it moves pages off node %d "
			 "and hides some from move_pages; --noise-off turns it off for the run", v, node);
}

/* The node the user named, or the first memory-only node. */
static enum cvram_open_status pick_node(struct cvram_target *t, int *node)
{
	if (t->cfg.node >= 0) {
		if (t->cfg.node > numa_max_node() || !node_has_memory(t->cfg.node)) {
			snprintf(t->reason, sizeof(t->reason),
				 "--node %d: no such NUMA node with memory (nodes 0-%d)", t->cfg.node,
				 numa_max_node());
			return CVRAM_OPEN_BAD_DEVICE;
		}
		*node = t->cfg.node;
		return CVRAM_OPEN_OK;
	}
	*node = first_memory_only_node();
	if (*node < 0) {
		snprintf(t->reason, sizeof(t->reason),
			 "no CPU-less NUMA node with memory (%d node%s here); name one with --node or run inside the VM",
			 numa_max_node() + 1, numa_max_node() ? "s" : "");
		return CVRAM_OPEN_UNAVAILABLE;
	}
	return CVRAM_OPEN_OK;
}

static enum cvram_open_status numa_open(struct cvram_target *t)
{
	struct numa_priv *p;
	enum cvram_open_status st;
	int node, home;
	long long free_bytes;

	if (t->cfg.device) {
		snprintf(t->reason, sizeof(t->reason),
			 "--device '%s': the numa target takes --node N, not --device", t->cfg.device);
		return CVRAM_OPEN_BAD_DEVICE;
	}
	if (numa_available() < 0) {
		snprintf(t->reason, sizeof(t->reason), "NUMA is not available on this kernel (numa_available() < 0)");
		return CVRAM_OPEN_UNAVAILABLE;
	}
	st = pick_node(t, &node);
	if (st != CVRAM_OPEN_OK)
		return st;
	home = first_cpu_node_other_than(node);
	if (home < 0) {
		snprintf(t->reason, sizeof(t->reason), "node %d: no other node with CPUs and memory to migrate back to", node);
		return t->cfg.node >= 0 ? CVRAM_OPEN_BAD_DEVICE : CVRAM_OPEN_UNAVAILABLE;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return CVRAM_OPEN_ERROR;
	t->priv = p;
	p->device_node = node;
	p->home_node = home;
	t->kind = CVRAM_KIND_NUMA;
	t->caps = CVRAM_CAP_MIGRATE | CVRAM_CAP_CPU_IN_PLACE | CVRAM_CAP_PAGE_OUTCOME | CVRAM_CAP_PAGE_LOCATION;
	snprintf(t->device, sizeof(t->device), "node%d", node);
	t->mem_bytes = (uint64_t)numa_node_size64(node, &free_bytes);
	snprintf(t->mem_source, sizeof(t->mem_source), "numa_node_size64(%d)", node);
	snprintf(t->location_source, sizeof(t->location_source),
		 "move_pages(2) status: exact node per page; home node %d", home);
	snprintf(t->migrate_note, sizeof(t->migrate_note),
		 "move_pages(2) in chunks of %d pages, MPOL_MF_MOVE; failed pages re-queried", NUMA_CHUNK);
	explain_balancing(t, node);
	return CVRAM_OPEN_OK;
}

#else /* !HAVE_NUMA */

static enum cvram_open_status numa_open(struct cvram_target *t)
{
	snprintf(t->reason, sizeof(t->reason), "cvram was built without libnuma (configure --with-numa)");
	return CVRAM_OPEN_UNAVAILABLE;
}

#define numa_close NULL
#define numa_migrate NULL
#define numa_migrate_bare NULL
#define numa_disturb NULL
#define numa_locate NULL
#endif

const struct cvram_target_ops cvram_target_numa = {
	.name = "numa",
	.description = "CPU-less NUMA node (Grace Hopper NUMA mode, CXL, MI300A-style) via move_pages(2)",
	.validation = "run in the VM on an emulated CPU-less node (make check-vm); not yet on GH200/CXL",
	.takes_node = true,
	.open = numa_open,
	.close = numa_close,
	.migrate = numa_migrate,
	.migrate_bare = numa_migrate_bare,
	.disturb = numa_disturb,
	.locate = numa_locate,
};
