// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: txrecv's accounting (lib/rxstats.c), what it does with
 * frames from the wire and with any sequence of numbers.
 *
 * Input (see make-seeds): a frame length (2 bytes, little endian) and the
 * frame, for pktgen_hdr_offset() and pktgen_hdr_read(); then a base
 * sequence number (4 bytes) and records of an offset from it (2 bytes), a
 * latency in microseconds (4 bytes, signed), a scale (1 byte, latency times
 * 2^(scale % 12)) and a stream (1 byte, id 16 times it: 256 ids over the
 * 12 bits, more than the table's RX_MAX_STREAMS).
 * The header lookup must stay inside the frame and point at the magic, and
 * the fields read back must be in range. The records go through
 * rx_streams_add() without send times and all within 65536 numbers, so
 * that no restart is possible and a plain reference over a bitmap per
 * stream gives each stream's exact loss, duplicates and reordering (the
 * base makes them wrap at 2^32), and the frames of streams past the table
 * are counted as untracked. The latencies go through lat_hist_add(): min
 * and max exact, every percentile within one bucket above a sorted
 * reference.
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
		struct pktgen_fields pf;

		FUZZ_CHECK(off >= 14 + 20 + 8 && off <= 14 + 4 + 60 + 8);
		FUZZ_CHECK((size_t)off + PKTGEN_HDR_LEN <= len);
		FUZZ_CHECK(((uint32_t)f[off] << 24 | (uint32_t)f[off + 1] << 16 |
			    (uint32_t)f[off + 2] << 8 | f[off + 3]) == PKTGEN_MAGIC);
		pktgen_hdr_read(f + off, &pf);
		FUZZ_CHECK(pf.stream < PKTGEN_STREAMS && pf.tv_usec <= PKTGEN_USEC_MASK);
		FUZZ_CHECK(pf.tx_us == ((pf.tv_sec || pf.tv_usec) ?
			   (uint64_t)pf.tv_sec * 1000000u + pf.tv_usec : 0));
		FUZZ_CHECK(((uint32_t)f[off + 12] << 24 | (uint32_t)f[off + 13] << 16 |
			    (uint32_t)f[off + 14] << 8 | f[off + 15]) ==
			   (pf.stream << PKTGEN_USEC_BITS | pf.tv_usec));
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

/* The reference for one stream: a bitmap of the offsets seen. */
struct ref {
	uint64_t seen[65536 / 64];
	uint64_t n, unique, reordered;
	uint32_t mino, maxo, first, disp;
};

static void ref_add(struct ref *r, uint32_t off)
{
	if (!r->n++)
		r->mino = r->maxo = r->first = off;
	if (r->seen[off / 64] >> (off % 64) & 1)
		return;
	r->seen[off / 64] |= 1ull << (off % 64);
	r->unique++;
	if (off < r->maxo) {
		r->reordered++;
		if (r->maxo - off > r->disp)
			r->disp = r->maxo - off;
	}
	if (off < r->mino)
		r->mino = off;
	if (off > r->maxo)
		r->maxo = off;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rx_streams st;
	static struct lat_hist h;
	static struct ref ref[RX_MAX_STREAMS];
	static int16_t entry[256];	/* stream byte -> reference, -1: none */
	static int64_t lat[MAX_RECS];
	struct fuzz_in in = { data, size };
	uint64_t untracked = 0, first_off = 0, last_off = 0;
	uint32_t base, nref = 0, nover = 0, e;
	uint8_t over[256] = { 0 };
	struct rx_seq_sum m;
	size_t n = 0;

	check_frame(&in);
	base = (uint32_t)fuzz_uint(&in, 4);
	rx_streams_init(&st);
	lat_hist_init(&h);
	memset(entry, 0xff, sizeof(entry));
	while (in.left && n < MAX_RECS) {
		uint32_t off = (uint32_t)fuzz_uint(&in, 2);
		int32_t us = (int32_t)(uint32_t)fuzz_uint(&in, 4);
		unsigned int scale = (unsigned int)fuzz_uint(&in, 1) % 12;
		unsigned int sb = (unsigned int)fuzz_uint(&in, 1);

		if (entry[sb] < 0 && nref < RX_MAX_STREAMS) {
			memset(&ref[nref], 0, sizeof(ref[nref]));
			entry[sb] = (int16_t)nref++;
		}
		if (entry[sb] >= 0) {
			ref_add(&ref[entry[sb]], off);
		} else {
			untracked++;
			if (!over[sb]++)
				nover++;
		}
		if (!n)
			first_off = off;
		last_off = off;
		rx_streams_add(&st, sb * 16, base + off, 0);
		lat[n] = (int64_t)us * 1000 * ((int64_t)1 << scale);
		lat_hist_add(&h, lat[n]);
		n++;
	}
	FUZZ_CHECK(st.received == n && st.n == nref);
	FUZZ_CHECK(st.untracked == untracked && st.untracked_streams == nover);
	if (n)
		FUZZ_CHECK(st.first_seq == base + (uint32_t)first_off &&
			   st.last_seq == base + (uint32_t)last_off);
	for (e = 0; e < nref; e++) {
		const struct rx_seq *s = &st.s[e];
		const struct ref *r = &ref[e];

		FUZZ_CHECK(st.slot[st.id[e]] == e + 1 && st.id[e] % 16 == 0 &&
			   entry[st.id[e] / 16] == (int16_t)e);
		FUZZ_CHECK(s->received == r->n && s->restarts == 0);
		FUZZ_CHECK(s->duplicates == r->n - r->unique);
		FUZZ_CHECK(s->reordered == r->reordered && s->max_displacement == r->disp);
		FUZZ_CHECK(s->lost == (uint64_t)(r->maxo - r->mino) + 1 - r->unique);
		FUZZ_CHECK(s->first_seq == base + r->first && s->highest == base + r->maxo);
	}
	rx_streams_sum(&st, &m);
	FUZZ_CHECK(m.received + untracked == n);
	check_hist(&h, lat, n);
	return 0;
}
