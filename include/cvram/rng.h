/* SPDX-License-Identifier: GPL-2.0-only */
/* The one pseudo-random generator: xorshift64*, reproducible from --seed.
 * The state must not be 0 (callers seed with seed | 1). */
#ifndef CVRAM_RNG_H
#define CVRAM_RNG_H

#include <stdint.h>

static inline uint64_t cvram_rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

#endif
