/* SPDX-License-Identifier: GPL-2.0-only */
/* STREAM-like kernels over one buffer, split statically between OpenMP
 * threads in 64-byte aligned chunks (so streaming stores stay aligned). */
#include <omp.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#define HAVE_NT_STORES 1
#endif

#include "cvram/touch.h"

#define ALIGN_ELEMS 8	/* 64 bytes of doubles */
/* The parts of copy and triad start this far apart beyond their length:
 * 67 cache lines, an odd number of lines just over a page. Parts exactly
 * a power of two apart (a 768 MiB buffer in thirds: 256 MiB) put a[i],
 * b[i] and c[i] at the same cache sets and 4 KiB offsets (the kernel
 * hands out physically consecutive pages), which cost triad a third of
 * its bandwidth: 2 threads, 2^25 doubles a part, medians of 30
 * interleaved reps, 18.3 GB/s without the skew, 31.0 GB/s with it. */
#define SKEW_ELEMS (67 * ALIGN_ELEMS)

static volatile double sink;	/* keeps the read kernel from being optimised away */

const char *cvram_touch_name(enum cvram_touch_kind k)
{
	static const char *const names[CVRAM_TOUCH_KINDS] = { "read", "write", "copy", "triad" };

	return k < CVRAM_TOUCH_KINDS ? names[k] : "unknown";
}

bool cvram_touch_nt_supported(void)
{
#ifdef HAVE_NT_STORES
	return true;
#else
	return false;
#endif
}

/* [*lo, *hi) of n elements for thread t of nt, aligned to ALIGN_ELEMS. */
static void chunk(size_t n, int t, int nt, size_t *lo, size_t *hi)
{
	size_t blocks = n / ALIGN_ELEMS, per = blocks / (size_t)nt, extra = blocks % (size_t)nt;
	size_t first = (size_t)t * per + ((size_t)t < extra ? (size_t)t : extra);

	*lo = first * ALIGN_ELEMS;
	*hi = *lo + (per + ((size_t)t < extra)) * ALIGN_ELEMS;
	if (t == nt - 1)
		*hi = n;
}

static void store(double *p, double v, bool nt)
{
#ifdef HAVE_NT_STORES
	if (nt) {
		_mm_stream_pd(p, _mm_set1_pd(v));
		return;
	}
#endif
	(void)nt;
	p[0] = v;
	p[1] = v;
}

static double read_range(const double *a, size_t lo, size_t hi)
{
	double sum = 0;

#pragma omp simd reduction(+ : sum)
	for (size_t i = lo; i < hi; i++)
		sum += a[i];
	return sum;
}

static void write_range(double *a, size_t lo, size_t hi, bool nt)
{
	if (!nt) {
#pragma omp simd
		for (size_t i = lo; i < hi; i++)
			a[i] = 1.0;
		return;
	}
	for (size_t i = lo; i + 1 < hi; i += 2)
		store(a + i, 1.0, true);
}

static void copy_range(double *dst, const double *src, size_t lo, size_t hi, bool nt)
{
#ifdef HAVE_NT_STORES
	if (nt) {
		for (size_t i = lo; i + 1 < hi; i += 2)
			_mm_stream_pd(dst + i, _mm_load_pd(src + i));
		return;
	}
#endif
	/* A loop, not memcpy: glibc's memcpy measured 0.88 to 0.96 of the
	 * plain loop at 128 MiB (cvram-bench self, 1 and 2 threads, three
	 * runs); this loop 1.00 to 1.13. */
#pragma omp simd
	for (size_t i = lo; i < hi; i++)
		dst[i] = src[i];
}

static void triad_range(double *a, const double *b, const double *c, size_t lo, size_t hi, bool nt)
{
	const double s = 3.0;

#ifdef HAVE_NT_STORES
	if (nt) {
		const __m128d vs = _mm_set1_pd(s);

		for (size_t i = lo; i + 1 < hi; i += 2)
			_mm_stream_pd(a + i, _mm_add_pd(_mm_load_pd(b + i), _mm_mul_pd(vs, _mm_load_pd(c + i))));
		return;
	}
#endif
	/* Vectorised on purpose: a scalar loop leaves the result at the mercy of
	 * where the loop lands in the instruction cache (measured: 0.6 to 1.0
	 * of the same scalar loop compiled elsewhere). */
#pragma omp simd
	for (size_t i = lo; i < hi; i++)
		a[i] = b[i] + s * c[i];
}

void cvram_touch_init(void *buf, size_t bytes, int nthreads)
{
	double *a = buf;
	size_t n = bytes / sizeof(double);

#pragma omp parallel num_threads(nthreads)
	{
		size_t lo, hi;

		chunk(n, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
#pragma omp simd
		for (size_t i = lo; i < hi; i++)
			a[i] = 1.0;
	}
}

uint64_t cvram_touch(enum cvram_touch_kind k, void *buf, size_t bytes, int nthreads, bool nt)
{
	double *d = buf, total = 0;
	size_t parts = k == CVRAM_TOUCH_COPY ? 2 : k == CVRAM_TOUCH_TRIAD ? 3 : 1;
	size_t elems = bytes / sizeof(double), skew = parts > 1 && elems > 64 * SKEW_ELEMS ? SKEW_ELEMS : 0;
	size_t n = (elems - (parts - 1) * skew) / parts / ALIGN_ELEMS * ALIGN_ELEMS, stride = n + skew;

#pragma omp parallel num_threads(nthreads) reduction(+ : total)
	{
		size_t lo, hi;

		chunk(n, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
		switch (k) {
		case CVRAM_TOUCH_READ: total += read_range(d, lo, hi); break;
		case CVRAM_TOUCH_WRITE: write_range(d, lo, hi, nt); break;
		case CVRAM_TOUCH_COPY: copy_range(d + stride, d, lo, hi, nt); break;
		case CVRAM_TOUCH_TRIAD: triad_range(d, d + stride, d + 2 * stride, lo, hi, nt); break;
		case CVRAM_TOUCH_KINDS: break;
		}
#ifdef HAVE_NT_STORES
		if (nt)
			_mm_sfence();
#endif
	}
	sink = total;
	return (uint64_t)(n * parts * sizeof(double));
}
