/* SPDX-License-Identifier: GPL-2.0-only */
/* host: plain system RAM. Migration is unsupported; every workload still
 * runs and verifies, which makes this the smoke target (like fio's null). */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cvram/cvram.h"
#include "cvram/target.h"

static enum cvram_open_status host_open(struct cvram_target *t)
{
	long pages = sysconf(_SC_PHYS_PAGES);

	if (t->cfg.device) {
		snprintf(t->reason, sizeof(t->reason),
			 "--device '%s': the host target has no devices", t->cfg.device);
		return CVRAM_OPEN_BAD_DEVICE;
	}
	t->kind = CVRAM_KIND_NONE;
	t->caps = CVRAM_CAP_PAGE_LOCATION;
	snprintf(t->device, sizeof(t->device), "system");
	t->mem_bytes = pages > 0 ? (uint64_t)pages * CVRAM_PAGE_SIZE : 0;
	snprintf(t->mem_source, sizeof(t->mem_source), "sysconf(_SC_PHYS_PAGES)");
	snprintf(t->location_source, sizeof(t->location_source),
		 "mincore(2): resident or not; resident pages are in system RAM");
	snprintf(t->migrate_note, sizeof(t->migrate_note), "no migration: system RAM only");
	return CVRAM_OPEN_OK;
}

static int host_migrate(struct cvram_target *t, void *addr, size_t npages,
			enum cvram_dir dir, struct cvram_migration *m)
{
	(void)t; (void)addr; (void)npages; (void)dir; (void)m;
	return -EOPNOTSUPP;
}

static int host_locate(struct cvram_target *t, const void *addr, size_t npages, uint8_t *loc)
{
	unsigned char vec[256];

	(void)t;
	for (size_t done = 0; done < npages;) {
		size_t n = npages - done < sizeof(vec) ? npages - done : sizeof(vec);

		if (mincore((char *)addr + done * CVRAM_PAGE_SIZE, n * CVRAM_PAGE_SIZE, vec))
			return -errno;
		for (size_t i = 0; i < n; i++)
			loc[done + i] = (vec[i] & 1) ? CVRAM_LOC_SYSTEM : CVRAM_LOC_NONE;
		done += n;
	}
	return 0;
}

const struct cvram_target_ops cvram_target_host = {
	.name = "host",
	.description = "plain system RAM; no migration (runs anywhere)",
	.validation = "runs everywhere; in make check",
	.open = host_open,
	.migrate = host_migrate,
	.locate = host_locate,
};
