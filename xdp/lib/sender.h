/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_SENDER_H
#define TXGEN_SENDER_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "mix.h"
#include "pcap.h"
#include "pkt.h"
#include "range.h"
#include "rate.h"
#include "stats.h"
#include "xsock.h"

/* What one sender thread transmits and how. */
struct sender_cfg {
	struct xsock *xs;
	uint32_t frame_base;	/* first UMEM frame index owned by this sender */
	uint32_t nframes;	/* frames owned */
	const uint8_t *frame;	/* template frame (pkt_build output) */
	const struct pkt_tmpl *tmpl;
	/* A size mix instead (mix->n >= 1): one template per size, sent in
	 * the mix's schedule; frame and tmpl are then unused. May be NULL. */
	const struct size_mix *mix;
	const uint8_t *frames[MIX_MAX_SIZES];
	const struct pkt_tmpl *tmpls[MIX_MAX_SIZES];
	/* Replay instead: records first, first + stride, ... of the capture,
	 * copied unchanged, over and over (count ends the run). May be NULL. */
	const struct pcap_frames *replay;
	uint32_t replay_first, replay_stride;
	unsigned int vary;	/* PKT_VARY_* */
	struct range src_mac, dst_mac;
	struct ip_range src_ip, dst_ip;
	struct range src_port, dst_port;
	bool random;
	uint64_t seed;
	/* Written into each frame's pktgen header (tv_usec's high bits, see
	 * pkt.h), so that a receiver accounts each queue's numbers apart. */
	uint32_t stream;	/* < PKTGEN_STREAMS */
	uint64_t count;		/* 0 = until stopped */
	uint32_t batch;
	struct rate_spec rate;
	uint32_t burst;
	struct pcap_writer *pcap;	/* may be NULL */
	uint32_t pcap_sample;
	int cpu;		/* -1: don't pin */
	bool busy_poll;		/* sendto() every iteration: it drives NAPI */
	volatile sig_atomic_t *stop;
	/* The wakeup syscall, sendto(fd, NULL, 0, MSG_DONTWAIT) when NULL;
	 * tests put a simulated kernel here. Returns 0 or -errno. */
	int (*wakeup)(void *ctx);
	void *wakeup_ctx;
};

struct sender {
	struct sender_cfg cfg;
	struct tx_counters ctr;
	/*
	 * Free UMEM frames: one stack per size, stack k in
	 * free_addr[part_start[k] .. part_start[k] + nfree_k[k]); frames with
	 * index below part_end[k] (and above the previous part) hold size k.
	 */
	uint64_t *free_addr;
	uint32_t nfree;		/* free frames, all sizes */
	uint32_t nsizes;	/* 1 without a mix and for replay */
	uint32_t part_start[MIX_MAX_SIZES], part_end[MIX_MAX_SIZES];
	uint32_t nfree_k[MIX_MAX_SIZES];
	const uint8_t *frames[MIX_MAX_SIZES];
	const struct pkt_tmpl *tmpls[MIX_MAX_SIZES];
	const uint8_t *slot;	/* schedule: size index per slot */
	uint32_t period, pos;
	uint8_t one_slot;
	uint32_t mean_len;	/* for bit rates and the bytes of drops */
	uint32_t replay_pos;
	/* Frames submitted per size (written by the thread, read after join). */
	uint64_t size_submitted[MIX_MAX_SIZES];
	int done;		/* set (atomically) when the thread finished */
	uint64_t start_ns;	/* CLOCK_MONOTONIC: first send attempt */
	uint64_t end_ns;	/* CLOCK_MONOTONIC: last completion reaped */
	int err;		/* 0 or -errno */
	char errmsg[192];
	pthread_t thread;
	bool started;
};

/* Prebuild every owned UMEM frame from its size's template (a mix shares
 * the frames out in proportion to the weights). Returns 0 or -errno. */
int sender_init(struct sender *s, const struct sender_cfg *cfg);
int sender_start(struct sender *s);
/* Waits for the thread; returns its error (0 on success). */
int sender_join(struct sender *s);
void sender_fini(struct sender *s);
bool sender_done(const struct sender *s);

/* Single-threaded body, exposed for tests. */
void *sender_run(void *arg);

/*
 * Wake the kernel for transmission, as the loop does. Zero-copy: only when
 * the TX ring's need_wakeup flag asks (always without XDP_USE_NEED_WAKEUP or
 * with busy polling). Copy mode, where sendto() is what transmits: always,
 * calling again while the kernel's TX consumer index moves (EAGAIN: budget
 * used up; EBUSY: one frame dropped, counted in ctr.dropped), at most a ring
 * size of times. Returns 0 or a fatal -errno (ENETDOWN, ENXIO, ...).
 */
int sender_kick(struct sender *s);

#endif
