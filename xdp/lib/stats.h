/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_STATS_H
#define TXGEN_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Counters of one transmit queue; written by its sender thread only. */
struct tx_counters {
	uint64_t submitted;	/* descriptors submitted to the TX ring */
	uint64_t sent;		/* submitted and not dropped by the kernel */
	uint64_t dropped;	/* copy mode: sendto() EBUSY, NET_XMIT_DROP */
	uint64_t completed;	/* completions reaped (dropped frames too) */
	uint64_t bytes;		/* frame bytes sent */
	uint64_t ring_full;	/* reserve calls that got fewer slots than asked */
	uint64_t kicks;		/* sendto() wakeups */
	uint64_t kick_errors;	/* wakeups that failed with a real error */
};

/* Kernel-side XDP_STATISTICS of interest. */
struct tx_kstats {
	uint64_t tx_invalid_descs;
	uint64_t tx_ring_empty_descs;
};

/* Thread-safe snapshot/update helpers (relaxed atomics, no locks). */
static inline void tx_counters_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v,
			 __ATOMIC_RELAXED);
}

void tx_counters_snapshot(const struct tx_counters *src, struct tx_counters *dst);
void tx_counters_sum(struct tx_counters *acc, const struct tx_counters *c);

/* The frame being sent, as text: single values or "LO-HI" ranges. */
struct frame_info {
	const char *proto;		/* "IPv4/UDP" or "IPv6/UDP" */
	unsigned int size;		/* bytes without FCS; 0: a mix */
	char sizes[112];		/* a mix: "64,576,1500" */
	int vlan;			/* VLAN id, -1 without a tag */
	char src_mac[40];
	char dst_mac[40];
	const char *dst_mac_from;	/* "option", "neighbour" or "broadcast" */
	char next_hop[48];		/* neighbour: the hop's address */
	char src_ip[96];
	char dst_ip[96];
	char src_port[12];
	char dst_port[12];
};

/* "60 bytes IPv4/UDP, 02:..:01 > 02:..:02 (neighbour 198.18.0.2), ..." */
void frame_info_format(char *buf, size_t len, const struct frame_info *f);

struct size_count {
	uint32_t size;
	uint32_t weight;		/* reduced by the weights' gcd */
	uint64_t submitted;
};

struct replay_info {
	const char *file;
	uint32_t frames;		/* records in the file */
	uint32_t min_len, max_len;
	uint32_t loop;			/* 0 = until stopped */
};

struct stats_summary {
	const char *dev;
	const uint32_t *queues;
	unsigned int nqueues;
	const char *mode;		/* "zerocopy" or "copy" */
	const char *mode_reason;
	struct tx_counters c;
	struct tx_kstats k;
	double seconds;
	const struct frame_info *frame;	/* may be NULL */
	/* Frames submitted per size (one entry without a mix; none for a
	 * replay). */
	const struct size_count *sizes;
	unsigned int nsizes;
	const struct replay_info *replay;	/* may be NULL */
};

/* One live line: interval deltas and totals. */
void stats_print_interval(FILE *out, double secs, const struct tx_counters *delta,
			  const struct tx_counters *total,
			  const struct tx_kstats *k);
void stats_print_summary(FILE *out, const struct stats_summary *s);
void stats_print_json(FILE *out, const struct stats_summary *s);
/* Write s as a JSON string literal (with quotes and escapes). */
void json_print_string(FILE *out, const char *s);

#endif
