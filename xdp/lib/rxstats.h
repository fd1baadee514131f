/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_RXSTATS_H
#define TXGEN_RXSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

/*
 * Receive-side accounting of pktgen-format frames (txgen, pktsend and the
 * kernel's pktgen write the same header): where the header is, sequence
 * accounting (loss, duplicates, reordering) and a fixed latency histogram.
 * Nothing here allocates; every structure is a plain value.
 */

/* Offset of the pktgen header (magic checked) in an Ethernet frame carrying
 * IPv4 or IPv6 UDP, with at most one VLAN tag; -1 if there is none. */
long pktgen_hdr_offset(const uint8_t *frame, size_t len);

/*
 * Sequence numbers are compared in serial-number arithmetic (RFC 1982), so
 * that 0xffffffff -> 0 is one step forward. The last RX_SEQ_WINDOW numbers
 * behind the highest seen are remembered in a bitmap, which tells a
 * duplicate from a late (reordered) frame. A stream restarts (the sender
 * started again) when a frame is behind the highest by RX_SEQ_WINDOW or
 * more, or behind it with a later send timestamp than the highest's (a late
 * frame was sent earlier; a duplicate keeps its original's timestamp).
 * Loss is counted over each stream's range [first, highest] seen: frames a
 * stream lost after its highest received one cannot be told.
 */
#define RX_SEQ_WINDOW	65536u

struct rx_seq {
	uint64_t received;	/* every frame passed to rx_seq_add() */
	uint64_t lost;		/* numbers missing in the streams' ranges */
	uint64_t duplicates;	/* numbers seen before (in the window) */
	uint64_t reordered;	/* new numbers below the highest seen */
	uint32_t max_displacement; /* largest highest - seq of those */
	uint64_t restarts;	/* new streams after the first */
	uint32_t first_seq;	/* the first frame's */
	uint32_t last_seq;	/* the last frame's */
	uint32_t stream_first;	/* the current stream's lowest number */
	uint32_t highest;	/* the current stream's highest number */
	uint64_t highest_tx_us;	/* send time of the highest, 0: none */
	uint64_t window[RX_SEQ_WINDOW / 64];
};

void rx_seq_init(struct rx_seq *s);
/* tx_us: the frame's send time in microseconds, 0 if it carries none. */
void rx_seq_add(struct rx_seq *s, uint32_t seq, uint64_t tx_us);

/* The fields of a pktgen header (at hdr, PKTGEN_HDR_LEN bytes, magic
 * checked by pktgen_hdr_offset()): stream from tv_usec's high bits (see
 * pkt.h), tv_usec without them, tx_us 0 when the frame has no send time. */
struct pktgen_fields {
	uint32_t seq;
	uint32_t stream;
	uint32_t tv_sec, tv_usec;
	uint64_t tx_us;
};
void pktgen_hdr_read(const uint8_t *hdr, struct pktgen_fields *f);

/*
 * Sequence accounting per stream (one struct rx_seq each): txgen on N
 * queues sends N streams, each numbered from 0. The first RX_MAX_STREAMS
 * streams seen get a table entry (txgen has at most 64 queues); frames of
 * later streams are counted in 'untracked' only. Allocation-free: a stream
 * id indexes 'slot' directly.
 */
#define RX_MAX_STREAMS	64u

struct rx_streams {
	uint64_t received;	/* every frame, tracked or not */
	uint64_t untracked;	/* frames of streams without an entry */
	uint32_t untracked_streams; /* how many such streams */
	uint32_t n;		/* entries in use */
	uint32_t first_seq, last_seq;	/* the first and last frame's */
	uint8_t slot[PKTGEN_STREAMS];	/* stream id -> entry + 1, 0: none */
	uint64_t untracked_seen[PKTGEN_STREAMS / 64];
	uint16_t id[RX_MAX_STREAMS];	/* entry -> stream id */
	struct rx_seq s[RX_MAX_STREAMS];	/* entries 0 .. n - 1, in order seen */
};

/* The totals over the entries; max_displacement is the largest. */
struct rx_seq_sum {
	uint64_t received, lost, duplicates, reordered, restarts;
	uint32_t max_displacement;
};

void rx_streams_init(struct rx_streams *t);
/* Account one frame of a stream (ids >= PKTGEN_STREAMS are untracked). */
void rx_streams_add(struct rx_streams *t, uint32_t stream, uint32_t seq,
		    uint64_t tx_us);
void rx_streams_sum(const struct rx_streams *t, struct rx_seq_sum *sum);

/*
 * Latency histogram, in microseconds (the senders' timestamp resolution):
 * 1 us buckets below 128 us, then each power-of-two range [2^k, 2^(k+1))
 * in 64 buckets (at most 1/64 = 1.6% wide) up to 2^40 us (12.7 days);
 * later values go to the last bucket, whose percentile is the maximum. Negative latencies (the clocks
 * disagree) are counted in bucket 0 and in 'negative'. min, max and the
 * sum are exact (ns).
 */
#define LAT_LINEAR	128u
#define LAT_SUB		64u
#define LAT_MAX_LOG2	40u
/* the finite buckets, then one open bucket for 2^40 us and later */
#define LAT_BUCKETS	(LAT_LINEAR + (LAT_MAX_LOG2 - 7) * LAT_SUB + 1)

struct lat_hist {
	uint64_t n;
	uint64_t negative;
	int64_t min_ns, max_ns;
	double sum_ns;
	uint64_t bucket[LAT_BUCKETS];
};

void lat_hist_init(struct lat_hist *h);
void lat_hist_add(struct lat_hist *h, int64_t ns);
/*
 * The p-th percentile (0 < p <= 100, nearest rank) in ns: the upper edge of
 * the bucket holding that rank, clamped to [min, max]. At or above the exact
 * value by less than one bucket (1 us below 128 us, else 1.6%). 0 if empty.
 */
int64_t lat_hist_percentile(const struct lat_hist *h, double p);
/* Bucket of a latency in ns, and a bucket's edges in us (upper exclusive). */
unsigned int lat_bucket(int64_t ns);
void lat_bucket_edges(unsigned int b, uint64_t *lo_us, uint64_t *hi_us);

#endif
