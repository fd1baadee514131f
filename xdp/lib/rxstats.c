// SPDX-License-Identifier: GPL-2.0
/* Receive accounting of pktgen-format frames: header lookup, sequence
 * accounting, latency histogram (see rxstats.h). */
#include <stddef.h>
#include <string.h>

#include "pkt.h"
#include "rxstats.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

long pktgen_hdr_offset(const uint8_t *p, size_t len)
{
	size_t off = 12, l4;
	uint16_t type;

	if (len < PKT_ETH_LEN)
		return -1;
	type = get16(p + off);
	if (type == 0x8100 || type == 0x88a8) {
		off += PKT_VLAN_LEN;
		if (len < off + 2)
			return -1;
		type = get16(p + off);
	}
	off += 2;
	if (type == 0x0800) {
		if (len < off + PKT_IP4_LEN || p[off + 9] != 17 ||
		    (p[off] & 0x0f) < 5)
			return -1;
		l4 = off + (size_t)(p[off] & 0x0f) * 4;
	} else if (type == 0x86dd) {
		if (len < off + PKT_IP6_LEN || p[off + 6] != 17)
			return -1;
		l4 = off + PKT_IP6_LEN;
	} else {
		return -1;
	}
	if (len < l4 + PKT_UDP_LEN + PKTGEN_HDR_LEN)
		return -1;
	l4 += PKT_UDP_LEN;
	if (((uint32_t)p[l4] << 24 | (uint32_t)p[l4 + 1] << 16 |
	     (uint32_t)p[l4 + 2] << 8 | p[l4 + 3]) != PKTGEN_MAGIC)
		return -1;
	return (long)l4;
}

static void win_set(struct rx_seq *s, uint32_t seq)
{
	uint32_t b = seq % RX_SEQ_WINDOW;

	s->window[b / 64] |= 1ull << (b % 64);
}

/* Forget n < RX_SEQ_WINDOW numbers from 'from' on, a word at a time. */
static void win_clear(struct rx_seq *s, uint32_t from, uint32_t n)
{
	while (n) {
		uint32_t b = from % RX_SEQ_WINDOW, k = 64 - b % 64;

		if (k > n)
			k = n;
		s->window[b / 64] &= ~((k == 64 ? ~0ull : (1ull << k) - 1) << (b % 64));
		from += k;
		n -= k;
	}
}

static int win_test(const struct rx_seq *s, uint32_t seq)
{
	uint32_t b = seq % RX_SEQ_WINDOW;

	return (int)(s->window[b / 64] >> (b % 64) & 1);
}

static void stream_start(struct rx_seq *s, uint32_t seq, uint64_t tx_us)
{
	memset(s->window, 0, sizeof(s->window));
	s->stream_first = seq;
	s->highest = seq;
	s->highest_tx_us = tx_us;
	win_set(s, seq);
}

void rx_seq_init(struct rx_seq *s)
{
	memset(s, 0, sizeof(*s));
}

void rx_seq_add(struct rx_seq *s, uint32_t seq, uint64_t tx_us)
{
	int32_t d = (int32_t)(seq - s->highest);
	int32_t below;
	uint32_t behind;

	s->last_seq = seq;
	if (!s->received++) {
		s->first_seq = seq;
		stream_start(s, seq, tx_us);
		return;
	}
	if (d > 0) {
		if ((uint32_t)d >= RX_SEQ_WINDOW)
			memset(s->window, 0, sizeof(s->window));
		else
			win_clear(s, s->highest + 1, (uint32_t)d);
		s->lost += (uint32_t)d - 1;
		s->highest = seq;
		s->highest_tx_us = tx_us;
		win_set(s, seq);
		return;
	}
	behind = (uint32_t)0 - (uint32_t)d;
	if (behind >= RX_SEQ_WINDOW ||
	    (tx_us && s->highest_tx_us && tx_us > s->highest_tx_us)) {
		s->restarts++;
		stream_start(s, seq, tx_us);
		return;
	}
	if (win_test(s, seq)) {
		s->duplicates++;
		return;
	}
	win_set(s, seq);
	s->reordered++;
	if (behind > s->max_displacement)
		s->max_displacement = behind;
	below = (int32_t)(seq - s->stream_first);
	if (below < 0) {
		/* Earlier than the stream's first frame: the range grows. */
		s->lost += (uint32_t)0 - (uint32_t)below - 1;
		s->stream_first = seq;
	} else {
		s->lost--;	/* a gap counted as lost is filled */
	}
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

void pktgen_hdr_read(const uint8_t *hdr, struct pktgen_fields *f)
{
	uint32_t usec = get32(hdr + 12);

	f->seq = get32(hdr + 4);
	f->tv_sec = get32(hdr + 8);
	f->tv_usec = usec & PKTGEN_USEC_MASK;
	f->stream = usec >> PKTGEN_USEC_BITS;
	/* pktgen's "no timestamp" and txgen's unstamped frames: both zero. */
	f->tx_us = (f->tv_sec || f->tv_usec) ?
		   (uint64_t)f->tv_sec * 1000000u + f->tv_usec : 0;
}

void rx_streams_init(struct rx_streams *t)
{
	/* The entries are initialised when first used. */
	memset(t, 0, offsetof(struct rx_streams, s));
}

void rx_streams_add(struct rx_streams *t, uint32_t stream, uint32_t seq,
		    uint64_t tx_us)
{
	unsigned int e;

	if (!t->received++)
		t->first_seq = seq;
	t->last_seq = seq;
	if (stream >= PKTGEN_STREAMS)
		goto untracked;
	e = t->slot[stream];
	if (!e) {
		if (t->n >= RX_MAX_STREAMS)
			goto untracked;
		e = ++t->n;
		t->slot[stream] = (uint8_t)e;
		t->id[e - 1] = (uint16_t)stream;
		/* rx_seq_init() but the window: the first frame clears it. */
		memset(&t->s[e - 1], 0, offsetof(struct rx_seq, window));
	}
	rx_seq_add(&t->s[e - 1], seq, tx_us);
	return;
untracked:
	t->untracked++;
	if (stream >= PKTGEN_STREAMS)
		stream = PKTGEN_STREAMS - 1;	/* counted with the last id */
	if (!(t->untracked_seen[stream / 64] >> (stream % 64) & 1)) {
		t->untracked_seen[stream / 64] |= 1ull << (stream % 64);
		t->untracked_streams++;
	}
}

void rx_streams_sum(const struct rx_streams *t, struct rx_seq_sum *sum)
{
	unsigned int e;

	memset(sum, 0, sizeof(*sum));
	for (e = 0; e < t->n; e++) {
		const struct rx_seq *s = &t->s[e];

		sum->received += s->received;
		sum->lost += s->lost;
		sum->duplicates += s->duplicates;
		sum->reordered += s->reordered;
		sum->restarts += s->restarts;
		if (s->max_displacement > sum->max_displacement)
			sum->max_displacement = s->max_displacement;
	}
}

void lat_hist_init(struct lat_hist *h)
{
	memset(h, 0, sizeof(*h));
}

unsigned int lat_bucket(int64_t ns)
{
	uint64_t us;
	unsigned int k;

	if (ns < 0)
		return 0;
	us = (uint64_t)ns / 1000;
	if (us < LAT_LINEAR)
		return (unsigned int)us;
	k = 63u - (unsigned int)__builtin_clzll(us);
	if (k >= LAT_MAX_LOG2)
		return LAT_BUCKETS - 1;
	return LAT_LINEAR + (k - 7) * LAT_SUB +
	       (unsigned int)((us >> (k - 6)) & (LAT_SUB - 1));
}

void lat_bucket_edges(unsigned int b, uint64_t *lo_us, uint64_t *hi_us)
{
	unsigned int j, k;

	if (b < LAT_LINEAR) {
		*lo_us = b;
		*hi_us = (uint64_t)b + 1;
		return;
	}
	j = b - LAT_LINEAR;
	k = j / LAT_SUB + 7;
	*lo_us = (uint64_t)(LAT_SUB + j % LAT_SUB) << (k - 6);
	*hi_us = *lo_us + (1ull << (k - 6));
}

void lat_hist_add(struct lat_hist *h, int64_t ns)
{
	if (!h->n || ns < h->min_ns)
		h->min_ns = ns;
	if (!h->n || ns > h->max_ns)
		h->max_ns = ns;
	h->n++;
	h->sum_ns += (double)ns;
	if (ns < 0)
		h->negative++;
	h->bucket[lat_bucket(ns)]++;
}

int64_t lat_hist_percentile(const struct lat_hist *h, double p)
{
	uint64_t rank, cum = 0, lo, hi;
	double x;
	int64_t v;
	unsigned int b;

	if (!h->n)
		return 0;
	/* Nearest rank: the smallest value with at least p% at or below it. */
	x = p * (double)h->n / 100.0;
	rank = (uint64_t)x;
	if ((double)rank < x - 1e-9)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > h->n)
		rank = h->n;
	for (b = 0; b < LAT_BUCKETS; b++) {
		cum += h->bucket[b];
		if (cum >= rank)
			break;
	}
	if (b >= LAT_BUCKETS - 1)
		return h->max_ns;	/* the last bucket has no upper edge */
	lat_bucket_edges(b, &lo, &hi);
	v = (int64_t)(hi * 1000);
	if (v > h->max_ns)
		v = h->max_ns;
	if (v < h->min_ns)
		v = h->min_ns;
	return v;
}
