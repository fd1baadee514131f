// SPDX-License-Identifier: GPL-2.0-only
/* Rate parsing and token-bucket pacing. */
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

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
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
	b->cap = (burst ? burst : 1) * b->cost;
	b->tokens = b->cost;	/* allow the first packet at once */
}

uint32_t rate_take(struct rate_bucket *b, uint64_t now_ns, uint32_t want)
{
	double avail;
	uint32_t n;

	if (b->unlimited)
		return want;
	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * b->rate * 1e-9;
		if (b->tokens > b->cap)
			b->tokens = b->cap;
		b->last_ns = now_ns;
	}
	avail = b->tokens / b->cost;
	n = avail >= want ? want : (uint32_t)avail;
	b->tokens -= n * b->cost;
	return n;
}

uint64_t rate_wait_ns(const struct rate_bucket *b, uint32_t n)
{
	double need;

	if (b->unlimited)
		return 0;
	need = n * b->cost - b->tokens;
	if (need <= 0)
		return 0;
	return (uint64_t)(need / b->rate * 1e9) + 1;
}
