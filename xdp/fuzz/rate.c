// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: rates (rate_parse) and the token bucket that paces with them
 * (rate_bucket_init, rate_avail, rate_take, rate_chunk, rate_wait_ns).
 *
 * Input (see make-seeds): a --rate argument, a NUL, then the bucket's
 * frame length and burst and up to 64 (clock step, packets wanted) pairs. An accepted rate is
 * a positive finite value between 1 and 1e13 per second that does not start
 * with a sign or white space. The bucket never grants more than asked, nor
 * more than its first packet plus what the rate accrued over the elapsed
 * time; rate_chunk stays within [1, burst/2]; waiting rate_wait_ns(n) makes
 * n packets available whenever the bucket can hold them.
 */
#include <ctype.h>
#include <math.h>

#include "../lib/rate.h"
#include "fuzz.h"

static const char *unit_suffix(enum rate_unit u)
{
	return u == RATE_BPS ? "bit" : "pps";
}

static void check_parse(const char *s, struct rate_spec *spec)
{
	struct rate_spec again;
	char back[64];

	FUZZ_CHECK(!isspace((unsigned char)s[0]) && s[0] != '-' && s[0] != '+');
	FUZZ_CHECK(spec->unit == RATE_PPS || spec->unit == RATE_BPS);
	FUZZ_CHECK(isfinite(spec->value) && spec->value >= 1 &&
		   spec->value <= 1e13);
	snprintf(back, sizeof(back), "%.17g%s", spec->value,
		 unit_suffix(spec->unit));
	FUZZ_CHECK(rate_parse(back, &again) == 0);
	FUZZ_CHECK(again.unit == spec->unit && again.value == spec->value);
}

static void check_bucket(const struct rate_spec *spec, struct fuzz_in *in)
{
	uint32_t len = 60 + (uint32_t)(fuzz_uint(in, 2) % (65535 - 60 + 1));
	uint32_t burst = 1 + (uint32_t)(fuzz_uint(in, 3) % 65536);
	uint64_t now = 1000000000ull, start = now, step, wait;
	double cost, granted = 0, accrued;
	struct rate_bucket b;
	uint32_t want, got, chunk, half;
	unsigned int steps;

	rate_bucket_init(&b, spec, len, burst, now);
	cost = spec->unit == RATE_BPS ? len * 8.0 : 1.0;
	half = burst / 2 ? burst / 2 : 1;
	chunk = rate_chunk(&b, 1000000);
	FUZZ_CHECK(chunk >= 1 && chunk <= half);
	for (steps = 0; steps < 64 && in->left; steps++) {
		step = fuzz_uint(in, 4);		/* ns, or us if odd: */
		if (fuzz_uint(in, 1) & 1)
			step *= 1000;
		/* A monotonic clock in ns does not wrap (for 584 years). */
		if (step > UINT64_MAX - now)
			break;
		now += step;
		want = 1 + (uint32_t)(fuzz_uint(in, 3) % burst);
		got = rate_take(&b, now, want);
		FUZZ_CHECK(got <= want);
		granted += got;
		accrued = 1 + (double)(now - start) * 1e-9 * spec->value / cost;
		FUZZ_CHECK(granted <= accrued * (1 + 1e-9) + 1e-6);
		FUZZ_CHECK(b.tokens <= b.cap * (1 + 1e-12));

		wait = rate_wait_ns(&b, want);
		if (want * cost > b.cap)
			continue;	/* never holds that many at once */
		if (wait > UINT64_MAX - now)
			continue;
		rate_avail(&b, now + wait);
		FUZZ_CHECK(b.tokens >= want * cost * (1 - 1e-9));
		now += wait;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	size_t used = strlen(s) + 1;
	struct fuzz_in in = { data + used, used < size ? size - used : 0 };
	struct rate_spec spec = { RATE_UNLIMITED, 0 };

	if (!rate_parse(s, &spec)) {
		check_parse(s, &spec);
		check_bucket(&spec, &in);
	}
	free(s);
	return 0;
}
