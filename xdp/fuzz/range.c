// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: port ranges (range_parse_u16) and the per-packet iterators
 * (range_iter_init, range_next).
 *
 * Input: first byte selects the case. Even: the rest is a port argument
 * ("P" or "LO-HI"); an accepted one is made of digits and one dash, is
 * ordered, within 0..65535 and survives printing and parsing again. Odd:
 * the rest gives lo, hi and a seed (8 bytes each) of an arbitrary 64-bit
 * range; sequential values must be lo, lo+1, ... wrapping after hi, random
 * ones must stay inside [lo, hi].
 */
#include <ctype.h>

#include "../lib/range.h"
#include "fuzz.h"

static void check_iter(const struct range *r, uint64_t seed)
{
	struct range_iter it;
	uint64_t expect, v;
	unsigned int i;

	range_iter_init(&it, r, false, seed);
	expect = r->lo;
	for (i = 0; i < 300; i++) {
		v = range_next(&it);
		FUZZ_CHECK(v == expect);
		expect = expect == r->hi ? r->lo : expect + 1;
	}
	range_iter_init(&it, r, true, seed);
	for (i = 0; i < 300; i++) {
		v = range_next(&it);
		FUZZ_CHECK(v >= r->lo && v <= r->hi);
	}
}

static void check_ports(const char *s)
{
	struct range r, again;
	char back[32];
	const char *c;
	int dashes = 0;

	if (range_parse_u16(s, &r))
		return;
	for (c = s; *c; c++) {
		FUZZ_CHECK(isdigit((unsigned char)*c) || *c == '-');
		dashes += *c == '-';
	}
	FUZZ_CHECK(dashes <= 1);
	FUZZ_CHECK(r.lo <= r.hi && r.hi <= 65535);
	snprintf(back, sizeof(back), "%llu-%llu", (unsigned long long)r.lo,
		 (unsigned long long)r.hi);
	FUZZ_CHECK(range_parse_u16(back, &again) == 0);
	FUZZ_CHECK(again.lo == r.lo && again.hi == r.hi);
	check_iter(&r, r.lo ^ r.hi << 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data + 1, size ? size - 1 : 0 };
	struct range r;
	uint64_t a, b, seed;
	char *s;

	if (!size)
		return 0;
	if (!(data[0] & 1)) {
		s = fuzz_cstr(data + 1, size - 1);
		check_ports(s);
		free(s);
		return 0;
	}
	a = fuzz_uint(&in, 8);
	b = fuzz_uint(&in, 8);
	seed = fuzz_uint(&in, 8);
	r.lo = a < b ? a : b;
	r.hi = a < b ? b : a;
	check_iter(&r, seed);
	return 0;
}
