// SPDX-License-Identifier: GPL-2.0
/* Rate parsing and token-bucket pacing. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rate.h"

struct suffix {
	const char *name;
	double mult;
	enum rate_unit unit;
};

static const struct suffix suffixes[] = {
	{ "", 1, RATE_PPS },
	{ "pps", 1, RATE_PPS },
	{ "kpps", 1e3, RATE_PPS },
	{ "mpps", 1e6, RATE_PPS },
	{ "gpps", 1e9, RATE_PPS },
	{ "k", 1e3, RATE_PPS },
	{ "m", 1e6, RATE_PPS },
	{ "bit", 1, RATE_BPS },
	{ "bps", 1, RATE_BPS },
	{ "bit/s", 1, RATE_BPS },
	{ "kbit", 1e3, RATE_BPS },
	{ "kbps", 1e3, RATE_BPS },
	{ "kbit/s", 1e3, RATE_BPS },
	{ "mbit", 1e6, RATE_BPS },
	{ "mbps", 1e6, RATE_BPS },
	{ "mbit/s", 1e6, RATE_BPS },
	{ "gbit", 1e9, RATE_BPS },
	{ "gbps", 1e9, RATE_BPS },
	{ "gbit/s", 1e9, RATE_BPS },
};

int rate_parse(const char *s, struct rate_spec *out)
{
	char *end;
	double v;
	size_t i;

	/* strtod() would skip white space and take a sign. */
	if (!s || (!isdigit((unsigned char)*s) && *s != '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v <= 0)
		return -EINVAL;
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (strcasecmp(end, suffixes[i].name))
			continue;
		v *= suffixes[i].mult;
		/* Below one packet (or one bit) per second is not a rate. */
		if (v < 1 || v > 1e13)
			return -EINVAL;
		out->unit = suffixes[i].unit;
		out->value = v;
		return 0;
	}
	return -EINVAL;
}

void rate_bucket_init(struct rate_bucket *b, const struct rate_spec *spec,
		      uint32_t frame_len, uint32_t burst, uint64_t now_ns)
{
	memset(b, 0, sizeof(*b));
	b->last_ns = now_ns;
	if (!spec || spec->unit == RATE_UNLIMITED) {
		b->unlimited = 1;
		return;
	}
	b->rate = spec->value;
	b->cost = spec->unit == RATE_BPS ? (double)frame_len * 8.0 : 1.0;
	/* The bucket holds at least burst packets and at least the credit of
	 * RATE_CATCHUP_NS, so that a thread delayed by the scheduler makes up
	 * the lost time instead of silently running slow. How much is sent
	 * back to back at once is limited by the caller (see rate_chunk). */
	b->burst = burst ? burst : 1;
	b->cap = b->burst * b->cost;
	if (b->cap < b->rate * (RATE_CATCHUP_NS * 1e-9))
		b->cap = b->rate * (RATE_CATCHUP_NS * 1e-9);
	b->tokens = b->cost;	/* allow the first packet at once */
}

uint32_t rate_avail(struct rate_bucket *b, uint64_t now_ns)
{
	double avail;

	if (b->unlimited)
		return UINT32_MAX;
	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * b->rate * 1e-9;
		if (b->tokens > b->cap)
			b->tokens = b->cap;
		b->last_ns = now_ns;
	}
	avail = b->tokens / b->cost;
	return avail >= UINT32_MAX ? UINT32_MAX : (uint32_t)avail;
}

void rate_consume(struct rate_bucket *b, uint32_t n)
{
	if (!b->unlimited)
		b->tokens -= n * b->cost;
}

uint32_t rate_take(struct rate_bucket *b, uint64_t now_ns, uint32_t want)
{
	uint32_t avail = rate_avail(b, now_ns);
	uint32_t n = avail >= want ? want : avail;

	rate_consume(b, n);
	return n;
}

uint64_t rate_wait_ns(const struct rate_bucket *b, uint32_t n)
{
	double need, ns;

	if (b->unlimited)
		return 0;
	need = n * b->cost - b->tokens;
	if (need <= 0)
		return 0;
	ns = need / b->rate * 1e9;
	/* Beyond 2^64 ns (585 years) the conversion would be undefined. */
	return ns >= 0x1p64 ? UINT64_MAX : (uint64_t)ns + 1;
}

uint32_t rate_chunk(const struct rate_bucket *b, uint64_t window_ns)
{
	double per_window;
	uint32_t half;

	if (b->unlimited)
		return UINT32_MAX;
	half = b->burst / 2 ? b->burst / 2 : 1;
	per_window = b->rate / b->cost * (double)window_ns * 1e-9;
	if (per_window < 1)
		return 1;
	return per_window < half ? (uint32_t)per_window : half;
}
