/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_RATE_H
#define TXGEN_RATE_H

#include <stdint.h>

enum rate_unit {
	RATE_UNLIMITED = 0,
	RATE_PPS,
	RATE_BPS,	/* bits of L2 frame (without FCS) per second */
};

struct rate_spec {
	enum rate_unit unit;
	double value;	/* packets or bits per second, > 0 */
};

/*
 * Parse "100000", "100kpps", "1.5Mpps", "1Gpps", "64kbit", "100Mbit",
 * "10Gbit" (also "bps"/"bit/s"). Plain numbers are packets per second.
 * Returns 0 or -EINVAL (also for zero, negative or absurd values).
 */
int rate_parse(const char *s, struct rate_spec *out);

/* Token bucket. Tokens are counted in the rate's unit (packets or bits). */
struct rate_bucket {
	double rate;		/* units per second */
	double cost;		/* units per packet */
	double cap;		/* bucket depth in units */
	double tokens;
	uint32_t burst;		/* max packets sent back to back */
	uint64_t last_ns;
	int unlimited;
};

/* Credit kept across scheduling delays, at least burst packets' worth. */
#define RATE_CATCHUP_NS 20000000ull

/* burst is the most packets sent back to back at once (>= 1). */
void rate_bucket_init(struct rate_bucket *b, const struct rate_spec *spec,
		      uint32_t frame_len, uint32_t burst, uint64_t now_ns);

/* Refill from the clock; returns whole packets available now. */
uint32_t rate_avail(struct rate_bucket *b, uint64_t now_ns);
/* Spend n packets' worth of tokens. */
void rate_consume(struct rate_bucket *b, uint32_t n);
/* Refill from the clock and take up to want packets; returns packets granted. */
uint32_t rate_take(struct rate_bucket *b, uint64_t now_ns, uint32_t want);

/*
 * How many packets to wait for before sending: half the burst, but no more
 * than accrue within window_ns, and at least one. Batches sends at high
 * rates without delaying the first packet at low ones.
 */
uint32_t rate_chunk(const struct rate_bucket *b, uint64_t window_ns);

/* Nanoseconds until n packets' worth of tokens are available (0 if now). */
uint64_t rate_wait_ns(const struct rate_bucket *b, uint32_t n);

#endif
