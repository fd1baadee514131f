/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_MIX_H
#define TXGEN_MIX_H

#include <stdint.h>

#include "params.h"

/*
 * A frame size mix: sizes with integer weights, sent in a fixed,
 * precomputed order. One period of the schedule holds every size exactly
 * weight / gcd(weights) times, spread out (smooth weighted round-robin), so
 * any whole number of periods sends exactly the weights' ratio and no size
 * comes in long runs. No random draws.
 */
#define MIX_MAX_SIZES	PARAM_LIST_MAX
#define MIX_MAX_WEIGHT	1000
#define MIX_MAX_PERIOD	(MIX_MAX_SIZES * MIX_MAX_WEIGHT)

/* The classic simple IMIX: 7 x 64, 4 x 576, 1 x 1500 bytes. */
#define MIX_IMIX_N	3
extern const uint32_t mix_imix_sizes[MIX_IMIX_N];
extern const uint32_t mix_imix_weights[MIX_IMIX_N];

struct size_mix {
	uint32_t n;				/* sizes, 1..MIX_MAX_SIZES */
	uint32_t size[MIX_MAX_SIZES];		/* frame bytes without FCS */
	uint32_t weight[MIX_MAX_SIZES];		/* reduced by their gcd */
	uint32_t period;			/* sum of reduced weights */
	uint8_t slot[MIX_MAX_PERIOD];		/* size index of each slot */
};

/*
 * Build the schedule. weights may be NULL (all 1). Returns 0, or -EINVAL
 * for no sizes, more than MIX_MAX_SIZES, or a weight of 0 or above
 * MIX_MAX_WEIGHT.
 */
int mix_init(struct size_mix *m, const uint32_t *sizes, const uint32_t *weights,
	     uint32_t n);

/* Mean frame length over one period, rounded to the nearest byte. */
uint32_t mix_mean_len(const struct size_mix *m);

/* Largest and smallest size. */
uint32_t mix_max_len(const struct size_mix *m);
uint32_t mix_min_len(const struct size_mix *m);

/* Index of size len in the mix, or -1. */
int mix_index(const struct size_mix *m, uint32_t len);

#endif
