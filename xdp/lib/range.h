/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_RANGE_H
#define TXGEN_RANGE_H

#include <stdbool.h>
#include <stdint.h>

/* An inclusive numeric range; lo == hi means a single value. */
struct range {
	uint64_t lo;
	uint64_t hi;
};

/* Per-packet value generator over a range: sequential with wrap, or random. */
struct range_iter {
	struct range r;
	uint64_t cur;
	uint64_t rng;	/* xorshift64* state, never zero */
	bool random;
};

static inline bool range_is_single(const struct range *r)
{
	return r->lo == r->hi;
}

void range_iter_init(struct range_iter *it, const struct range *r, bool random,
		     uint64_t seed);

/* Return the next value: lo, lo+1, ..., hi, lo, ... or uniform in [lo, hi]. */
static inline uint64_t range_rand64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline uint64_t range_next(struct range_iter *it)
{
	uint64_t span, v;

	if (it->r.lo == it->r.hi)
		return it->r.lo;
	if (it->random) {
		span = it->r.hi - it->r.lo + 1;
		if (span == 0) /* full 64-bit range */
			return range_rand64(&it->rng);
		return it->r.lo + range_rand64(&it->rng) % span;
	}
	v = it->cur;
	it->cur = (v == it->r.hi) ? it->r.lo : v + 1;
	return v;
}

/* Parsers for "VALUE" or "LO-HI". Return 0 or -EINVAL; lo must be <= hi. */
int range_parse_u16(const char *s, struct range *out);
int mac_parse(const char *s, uint8_t mac[6]);
int range_parse_mac(const char *s, struct range *out);
void mac_from_u64(uint64_t v, uint8_t mac[6]);
uint64_t mac_to_u64(const uint8_t mac[6]);

/*
 * IP address or range. For IPv4 the range covers the whole 32-bit address
 * (host byte order). For IPv6 the range covers the low 64 bits; the upper
 * 64 bits (prefix) must be equal at both ends.
 */
struct ip_range {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t prefix[8];	/* IPv6 upper 64 bits */
	struct range r;
};

int range_parse_ip(const char *s, struct ip_range *out);
/* Write address value v of the range's family into dst (4 or 16 bytes). */
void ip_range_addr(const struct ip_range *ipr, uint64_t v, uint8_t *dst);

#endif
