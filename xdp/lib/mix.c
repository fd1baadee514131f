// SPDX-License-Identifier: GPL-2.0
/* Frame size mixes: an exact, deterministic weighted schedule. */
#include <errno.h>
#include <string.h>

#include "mix.h"

const uint32_t mix_imix_sizes[MIX_IMIX_N] = { 64, 576, 1500 };
const uint32_t mix_imix_weights[MIX_IMIX_N] = { 7, 4, 1 };

static uint32_t gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

int mix_init(struct size_mix *m, const uint32_t *sizes, const uint32_t *weights,
	     uint32_t n)
{
	int64_t cur[MIX_MAX_SIZES];
	uint32_t i, j, g = 0, best;

	memset(m, 0, sizeof(*m));
	if (!n || n > MIX_MAX_SIZES)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		uint32_t w = weights ? weights[i] : 1;

		if (!w || w > MIX_MAX_WEIGHT)
			return -EINVAL;
		m->size[i] = sizes[i];
		m->weight[i] = w;
		g = gcd(g, w);
	}
	m->n = n;
	for (i = 0; i < n; i++) {
		m->weight[i] /= g;
		m->period += m->weight[i];
	}
	/* Smooth weighted round-robin: each slot, every size gains its
	 * weight and the one furthest ahead (first on ties) is sent and
	 * pays the period. After a period every credit is back at 0. */
	memset(cur, 0, sizeof(cur));
	for (j = 0; j < m->period; j++) {
		best = 0;
		for (i = 0; i < n; i++) {
			cur[i] += m->weight[i];
			if (cur[i] > cur[best])
				best = i;
		}
		cur[best] -= m->period;
		m->slot[j] = (uint8_t)best;
	}
	return 0;
}

uint32_t mix_mean_len(const struct size_mix *m)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < m->n; i++)
		sum += (uint64_t)m->size[i] * m->weight[i];
	return m->period ? (uint32_t)((sum + m->period / 2) / m->period) : 0;
}

uint32_t mix_max_len(const struct size_mix *m)
{
	uint32_t i, v = 0;

	for (i = 0; i < m->n; i++)
		if (m->size[i] > v)
			v = m->size[i];
	return v;
}

uint32_t mix_min_len(const struct size_mix *m)
{
	uint32_t i, v = UINT32_MAX;

	for (i = 0; i < m->n; i++)
		if (m->size[i] < v)
			v = m->size[i];
	return m->n ? v : 0;
}

int mix_index(const struct size_mix *m, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < m->n; i++)
		if (m->size[i] == len)
			return (int)i;
	return -1;
}
