/* SPDX-License-Identifier: GPL-2.0-only */
/* The explicit list of targets and what every target shares. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "cvram/target.h"

extern const struct cvram_target_ops cvram_target_host;
extern const struct cvram_target_ops cvram_target_dmirror;
extern const struct cvram_target_ops cvram_target_numa;
extern const struct cvram_target_ops cvram_target_kfd;

const struct cvram_target_ops *const cvram_targets[] = {
	&cvram_target_host,
	&cvram_target_dmirror,
	&cvram_target_numa,
	&cvram_target_kfd,
	NULL,
};

const struct cvram_target_ops *cvram_target_find(const char *name)
{
	for (size_t i = 0; cvram_targets[i]; i++)
		if (strcmp(cvram_targets[i]->name, name) == 0)
			return cvram_targets[i];
	return NULL;
}

enum cvram_open_status cvram_target_open(struct cvram_target *t, const struct cvram_target_ops *ops,
					 const struct cvram_target_config *cfg)
{
	memset(t, 0, sizeof(*t));
	t->ops = ops;
	t->cfg = *cfg;
	return ops->open(t);
}

void cvram_target_close(struct cvram_target *t)
{
	if (t->ops && t->ops->close)
		t->ops->close(t);
	t->ops = NULL;
}

void *cvram_map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void cvram_unmap(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

int cvram_migrate(struct cvram_target *t, void *addr, size_t npages, enum cvram_dir dir,
		  struct cvram_migration *m)
{
	m->requested = npages;
	m->migrated = 0;
	m->failed = npages;
	if (!(t->caps & CVRAM_CAP_MIGRATE))
		return -EOPNOTSUPP;
	return t->ops->migrate(t, addr, npages, dir, m);
}

int cvram_migrate_bare(struct cvram_target *t, void *addr, size_t npages, enum cvram_dir dir)
{
	if (!(t->caps & CVRAM_CAP_MIGRATE) || !t->ops->migrate_bare)
		return -EOPNOTSUPP;
	return t->ops->migrate_bare(t, addr, npages, dir);
}

bool cvram_has_bare_migration(const struct cvram_target *t)
{
	return (t->caps & CVRAM_CAP_MIGRATE) && t->ops->migrate_bare;
}

int cvram_release_device(struct cvram_target *t)
{
	if (!(t->caps & CVRAM_CAP_RELEASE) || !t->ops->release)
		return -EOPNOTSUPP;
	return t->ops->release(t);
}

void cvram_target_probe(struct cvram_target *t)
{
	if (t->ops->probe)
		t->ops->probe(t);
}

int cvram_fail_next_alloc(struct cvram_target *t)
{
	if (!(t->caps & CVRAM_CAP_FAIL_ALLOC) || !t->ops->fail_next_alloc)
		return -EOPNOTSUPP;
	return t->ops->fail_next_alloc(t);
}

int cvram_locate(struct cvram_target *t, const void *addr, size_t npages, uint8_t *loc)
{
	if (!(t->caps & CVRAM_CAP_PAGE_LOCATION) || !t->ops->locate)
		return -EOPNOTSUPP;
	return t->ops->locate(t, addr, npages, loc);
}

const char *cvram_kind_name(enum cvram_kind k)
{
	switch (k) {
	case CVRAM_KIND_NONE: return "system";
	case CVRAM_KIND_PRIVATE: return "device-private";
	case CVRAM_KIND_COHERENT: return "device-coherent";
	case CVRAM_KIND_NUMA: return "numa-node";
	}
	return "unknown";
}

const char *cvram_loc_name(enum cvram_loc l)
{
	switch (l) {
	case CVRAM_LOC_UNKNOWN: return "unknown";
	case CVRAM_LOC_NONE: return "not-present";
	case CVRAM_LOC_SYSTEM: return "system";
	case CVRAM_LOC_DEVICE: return "device";
	case CVRAM_LOC_OTHER_DEVICE: return "other-device";
	}
	return "invalid";
}

void cvram_caps_format(unsigned caps, char *buf, size_t len)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ CVRAM_CAP_MIGRATE, "migrate" },
		{ CVRAM_CAP_CPU_IN_PLACE, "cpu-in-place" },
		{ CVRAM_CAP_CPU_FAULTS_BACK, "cpu-faults-back" },
		{ CVRAM_CAP_PAGE_OUTCOME, "page-outcome" },
		{ CVRAM_CAP_PAGE_LOCATION, "page-location" },
		{ CVRAM_CAP_ANON_ONLY, "anon-only" },
		{ CVRAM_CAP_HOLE_STOPS, "hole-stops" },
		{ CVRAM_CAP_FILLS_EMPTY, "fills-empty" },
		{ CVRAM_CAP_SMALL_FIXED, "small-fixed" },
		{ CVRAM_CAP_FAIL_ALLOC, "fail-alloc" },
		{ CVRAM_CAP_RELEASE, "release" },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(caps & names[i].bit))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? " " : "", names[i].name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
}
