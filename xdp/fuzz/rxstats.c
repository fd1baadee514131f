// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: txrecv's accounting (lib/rxstats.c), what it does with
 * frames from the wire and with any sequence of numbers.
 *
 * Input (see make-seeds): a frame length (2 bytes, little endian) and the
 * frame, for pktgen_hdr_offset(); then a base sequence number (4 bytes) and
 * records of an offset from it (2 bytes), a latency in microseconds (4
 * bytes, signed) and a scale (1 byte, latency times 2^(scale % 12)).
 * The header lookup must stay inside the frame and point at the magic. The
 * records go through rx_seq_add() without send times and all within 65536
 * numbers, so that no restart is possible and a plain reference over a
 * bitmap gives the exact loss, duplicates and reordering (the base makes
 * them wrap at 2^32). The latencies go through lat_hist_add(): min and max
 * exact, every percentile within one bucket above a sorted reference.
 */
#include "../lib/pkt.h"
#include "../lib/rxstats.h"
#include "fuzz.h"

#define MAX_RECS 8192

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void check_frame(struct fuzz_in *in)
{
	size_t len = (size_t)fuzz_uint(in, 2);
	uint8_t *f;
	long off;

	if (len > in->left)
		len = in->left;
	f = malloc(len ? len : 1);	/* exactly len: ASan sees any overread */
	if (!f)
		abort();
	fuzz_bytes(in, f, len);
	off = pktgen_hdr_offset(f, len);
	if (off >= 0) {
		FUZZ_CHECK(off >= 14 + 20 + 8 && off <= 14 + 4 + 60 + 8);
		FUZZ_CHECK((size_t)off + PKTGEN_HDR_LEN <= len);
		FUZZ_CHECK(((uint32_t)f[off] << 24 | (uint32_t)f[off + 1] << 16 |
			    (uint32_t)f[off + 2] << 8 | f[off + 3]) == PKTGEN_MAGIC);
	}
	free(f);
}

static void check_hist(const struct lat_hist *h, int64_t *lat, size_t n)
{
	static const double ps[] = { 1, 50, 90, 99, 99.9, 100 };
	int64_t prev = INT64_MIN;
	size_t i;

	FUZZ_CHECK(h->n == n);
	if (!n) {
		FUZZ_CHECK(lat_hist_percentile(h, 99) == 0);
		return;
	}
	qsort(lat, n, sizeof(lat[0]), cmp_i64);
	FUZZ_CHECK(h->min_ns == lat[0] && h->max_ns == lat[n - 1]);
	for (i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		int64_t got = lat_hist_percentile(h, ps[i]), exact, width;
		size_t rank = (size_t)((ps[i] * (double)n + 99.999) / 100.0);

		if (rank < 1)
			rank = 1;
		exact = lat[rank - 1];
		FUZZ_CHECK(got >= h->min_ns && got <= h->max_ns && got >= prev);
		prev = got;
		if (exact < 0)
			continue;	/* negatives share bucket 0 */
		if (exact / 1000 >= (int64_t)1 << LAT_MAX_LOG2) {
			FUZZ_CHECK(got == h->max_ns);	/* the open last bucket */
			continue;
		}
		width = exact / 1000 < 128 ? 1000 : exact / 64 + 1000;
		FUZZ_CHECK(got >= exact && got - exact <= width);
	}
	FUZZ_CHECK(lat_hist_percentile(h, 100) == h->max_ns);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rx_seq s;
	static struct lat_hist h;
	static uint64_t seen[65536 / 64];
	static int64_t lat[MAX_RECS];
	struct fuzz_in in = { data, size };
	uint64_t unique = 0, reordered = 0;
	uint32_t base, mino = 0, maxo = 0, first = 0, disp = 0;
	size_t n = 0;

	check_frame(&in);
	base = (uint32_t)fuzz_uint(&in, 4);
	rx_seq_init(&s);
	lat_hist_init(&h);
	memset(seen, 0, sizeof(seen));
	while (in.left && n < MAX_RECS) {
		uint32_t off = (uint32_t)fuzz_uint(&in, 2);
		int32_t us = (int32_t)(uint32_t)fuzz_uint(&in, 4);
		unsigned int scale = (unsigned int)fuzz_uint(&in, 1) % 12;

		if (!n)
			mino = maxo = first = off;
		if (!(seen[off / 64] >> (off % 64) & 1)) {
			seen[off / 64] |= 1ull << (off % 64);
			unique++;
			if (off < maxo) {
				reordered++;
				if (maxo - off > disp)
					disp = maxo - off;
			}
			if (off < mino)
				mino = off;
			if (off > maxo)
				maxo = off;
		}
		rx_seq_add(&s, base + off, 0);
		lat[n] = (int64_t)us * 1000 * ((int64_t)1 << scale);
		lat_hist_add(&h, lat[n]);
		n++;
	}
	FUZZ_CHECK(s.received == n && s.restarts == 0);
	if (n) {
		FUZZ_CHECK(s.duplicates == n - unique);
		FUZZ_CHECK(s.reordered == reordered && s.max_displacement == disp);
		FUZZ_CHECK(s.lost == (uint64_t)(maxo - mino) + 1 - unique);
		FUZZ_CHECK(s.first_seq == base + first && s.highest == base + maxo);
	}
	check_hist(&h, lat, n);
	return 0;
}
