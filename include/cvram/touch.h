/* SPDX-License-Identifier: GPL-2.0-only */
/* CPU access kernels (STREAM-like), shared by touch-bw and the harness
 * self-benchmark so that both measure exactly the same code. */
#ifndef CVRAM_TOUCH_H
#define CVRAM_TOUCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cvram_touch_kind { CVRAM_TOUCH_READ, CVRAM_TOUCH_WRITE, CVRAM_TOUCH_COPY, CVRAM_TOUCH_TRIAD, CVRAM_TOUCH_KINDS };

const char *cvram_touch_name(enum cvram_touch_kind k);
/* Whether streaming (non-temporal) stores are compiled in. */
bool cvram_touch_nt_supported(void);
/* Initialise buf as doubles so that the arithmetic never meets NaNs or
 * denormals (which would measure the FPU, not memory). */
void cvram_touch_init(void *buf, size_t bytes, int nthreads);
/* Run kernel k once over buf with nthreads OpenMP threads; returns the
 * bytes read plus written, for bandwidth. copy uses two halves of buf,
 * triad three thirds (a = b + s * c), each part skewed by a few cache
 * lines so that the parts never share cache sets (lib/touch.c). */
uint64_t cvram_touch(enum cvram_touch_kind k, void *buf, size_t bytes, int nthreads, bool nt);

#endif
