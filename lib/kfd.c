/* SPDX-License-Identifier: GPL-2.0-only */
/* KFD topology parser and SVM ioctl argument layout (no hardware needed). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cvram/cvram.h"
#include "cvram/kfd.h"

/* sizeof(struct kfd_ioctl_svm_args) without attributes, and its layout. */
#define SVM_ARGS_BYTES 24
#define SVM_ATTR_BYTES 8
#define AMDKFD_IOC_SVM_BASE _IOWR('K', 0x20, char[SVM_ARGS_BYTES])

/* Parse "key value" lines of one file; call fn for each. Any line that is
 * not "word number" is an error naming the file and line. */
typedef void (*kv_fn)(void *ctx, const char *key, uint64_t value);

static int parse_kv(const char *path, kv_fn fn, void *ctx, char *err, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[256];
	unsigned n = 0;

	if (!f) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char key[64], *end;
		unsigned long long v;
		int off = 0;

		n++;
		if (line[strspn(line, " \t\n")] == '\0')
			continue;
		if (sscanf(line, "%63s %n", key, &off) != 1 || off == 0) {
			snprintf(err, len, "%s:%u: expected 'key value'", path, n);
			fclose(f);
			return -1;
		}
		errno = 0;
		v = strtoull(line + off, &end, 10);
		if (errno || end == line + off || (*end && *end != '\n')) {
			snprintf(err, len, "%s:%u: '%s' is not a number", path, n, key);
			fclose(f);
			return -1;
		}
		fn(ctx, key, v);
	}
	fclose(f);
	return 0;
}

struct node_props {
	uint64_t simd_count, cpu_cores_count, gfx_target_version, drm_render_minor, capability, hive_id;
};

static void node_kv(void *ctx, const char *key, uint64_t v)
{
	struct node_props *p = ctx;

	if (!strcmp(key, "simd_count")) p->simd_count = v;
	else if (!strcmp(key, "cpu_cores_count")) p->cpu_cores_count = v;
	else if (!strcmp(key, "gfx_target_version")) p->gfx_target_version = v;
	else if (!strcmp(key, "drm_render_minor")) p->drm_render_minor = v;
	else if (!strcmp(key, "capability")) p->capability = v;
	else if (!strcmp(key, "hive_id")) p->hive_id = v;
}

struct bank { uint64_t heap_type, size_in_bytes; };

static void bank_kv(void *ctx, const char *key, uint64_t v)
{
	struct bank *b = ctx;

	if (!strcmp(key, "heap_type")) b->heap_type = v;
	else if (!strcmp(key, "size_in_bytes")) b->size_in_bytes = v;
}

struct link { uint64_t type, node_to; };

static void link_kv(void *ctx, const char *key, uint64_t v)
{
	struct link *l = ctx;

	if (!strcmp(key, "type")) l->type = v;
	else if (!strcmp(key, "node_to")) l->node_to = v;
}

static int read_u32_file(const char *path, uint32_t *out, char *err, size_t len)
{
	char buf[64], *end;
	unsigned long v;

	if (cvram_read_line(path, buf, sizeof(buf))) {
		snprintf(err, len, "%s: cannot read", path);
		return -1;
	}
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || *end || v > UINT32_MAX) {
		snprintf(err, len, "%s:1: '%s' is not a number", path, buf);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* mem_banks/M and io_links/L of one GPU node. */
static int read_gpu_extras(const char *dir, struct cvram_kfd_gpu *g, const uint64_t *cpu_node, unsigned ncpu,
			   char *err, size_t len)
{
	char path[512];

	g->vram_heap = -1;
	for (unsigned m = 0;; m++) {
		struct bank b = { 99, 0 };

		snprintf(path, sizeof(path), "%s/mem_banks/%u/properties", dir, m);
		if (access(path, F_OK))
			break;
		if (parse_kv(path, bank_kv, &b, err, len))
			return -1;
		if (b.heap_type == CVRAM_KFD_HEAP_FB_PUBLIC || b.heap_type == CVRAM_KFD_HEAP_FB_PRIVATE) {
			g->vram_bytes = b.size_in_bytes;
			g->vram_heap = (int)b.heap_type;
		}
	}
	for (unsigned l = 0;; l++) {
		struct link k = { 0, UINT64_MAX };

		snprintf(path, sizeof(path), "%s/io_links/%u/properties", dir, l);
		if (access(path, F_OK))
			break;
		if (parse_kv(path, link_kv, &k, err, len))
			return -1;
		for (unsigned c = 0; c < ncpu; c++)
			if (k.type == CVRAM_KFD_IOLINK_XGMI && k.node_to == cpu_node[c])
				g->xgmi_to_cpu = true;
	}
	return 0;
}

int cvram_kfd_topology_read(const char *root, struct cvram_kfd_topology *t)
{
	struct node_props props[64];
	uint64_t cpu_node[64], cpu_hive[64];
	unsigned nnodes = 0;
	char path[512];

	memset(t, 0, sizeof(*t));
	for (; nnodes < 64; nnodes++) {
		snprintf(path, sizeof(path), "%s/nodes/%u/properties", root, nnodes);
		if (access(path, F_OK))
			break;
		memset(&props[nnodes], 0, sizeof(props[nnodes]));
		if (parse_kv(path, node_kv, &props[nnodes], t->error, sizeof(t->error)))
			return -1;
	}
	if (nnodes == 0) {
		snprintf(t->error, sizeof(t->error), "%s: no nodes/N/properties", root);
		return -1;
	}
	for (unsigned n = 0; n < nnodes; n++)
		if (props[n].simd_count == 0) {
			cpu_hive[t->ncpu_nodes] = props[n].hive_id;
			cpu_node[t->ncpu_nodes++] = n;
		}
	for (unsigned n = 0; n < nnodes && t->ngpus < CVRAM_KFD_MAX_GPUS; n++) {
		struct cvram_kfd_gpu *g = &t->gpu[t->ngpus];
		char dir[480];

		if (props[n].simd_count == 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/nodes/%u", root, n);
		snprintf(path, sizeof(path), "%s/gpu_id", dir);
		if (read_u32_file(path, &g->gpu_id, t->error, sizeof(t->error)))
			return -1;
		snprintf(path, sizeof(path), "%s/name", dir);
		cvram_read_line(path, g->name, sizeof(g->name));
		g->node = n;
		g->gfx_target_version = (uint32_t)props[n].gfx_target_version;
		g->drm_render_minor = (uint32_t)props[n].drm_render_minor;
		g->capability = props[n].capability;
		g->hive_id = props[n].hive_id;
		g->svm = g->capability & CVRAM_KFD_CAP_SVMAPI;
		g->coherent_host_access = g->capability & CVRAM_KFD_CAP_COHERENTHOSTACCESS;
		g->xnack_possible = g->gfx_target_version < 100101;
		for (unsigned c = 0; c < t->ncpu_nodes; c++)
			g->cpu_in_hive |= g->hive_id && cpu_hive[c] == g->hive_id;
		if (read_gpu_extras(dir, g, cpu_node, t->ncpu_nodes, t->error, sizeof(t->error)))
			return -1;
		t->ngpus++;
	}
	return 0;
}

bool cvram_kfd_gpu_coherent(const struct cvram_kfd_gpu *g)
{
	if (!g->svm)
		return false;
	return g->coherent_host_access ||
	       (g->xgmi_to_cpu && g->cpu_in_hive && g->vram_heap == CVRAM_KFD_HEAP_FB_PUBLIC);
}

const struct cvram_kfd_gpu *cvram_kfd_find_gpu(const struct cvram_kfd_topology *t, const char *spec)
{
	char *end;
	unsigned long v = strtoul(spec, &end, 10);

	if (*spec == '\0' || *end)
		return NULL;
	for (size_t i = 0; i < t->ngpus; i++)
		if (t->gpu[i].gpu_id == v)
			return &t->gpu[i];
	return v < t->ngpus ? &t->gpu[v] : NULL;
}

unsigned long cvram_kfd_svm_cmd(uint32_t nattr)
{
	return (unsigned long)AMDKFD_IOC_SVM_BASE + (((unsigned long)nattr * SVM_ATTR_BYTES) << _IOC_SIZESHIFT);
}

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

size_t cvram_kfd_svm_args(void *buf, size_t len, uint64_t start, uint64_t size, uint32_t op,
			  const struct cvram_kfd_attr *attrs, uint32_t nattr)
{
	size_t need = SVM_ARGS_BYTES + (size_t)nattr * SVM_ATTR_BYTES;
	unsigned char *p = buf;

	if (len < need || size == 0 || start % CVRAM_PAGE_SIZE || size % CVRAM_PAGE_SIZE)
		return 0;
	/* Little-endian, as the kernel reads it on x86-64 and arm64. */
	put_u64(p, start);
	put_u64(p + 8, size);
	put_u32(p + 16, op);
	put_u32(p + 20, nattr);
	for (uint32_t i = 0; i < nattr; i++) {
		put_u32(p + SVM_ARGS_BYTES + i * SVM_ATTR_BYTES, attrs[i].type);
		put_u32(p + SVM_ARGS_BYTES + i * SVM_ATTR_BYTES + 4, attrs[i].value);
	}
	return need;
}
