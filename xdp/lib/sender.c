// SPDX-License-Identifier: GPL-2.0
/* The per-queue transmit loop: batch reserve/patch/submit, reclaim, kick. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>

#include "sender.h"

#define DRAIN_TIMEOUT_NS	2000000000ull
#define SPIN_LIMIT_NS		50000ull
#define MAX_SLEEP_NS		10000000ull

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Frames per size in proportion to the weights, at least one each. */
static int partition(struct sender *s, const struct size_mix *m, uint32_t nframes)
{
	uint32_t k, sum = 0, big = 0, cap[MIX_MAX_SIZES] = { 0 };

	if (nframes < m->n)
		return -EINVAL;
	for (k = 0; k < m->n; k++) {
		cap[k] = (uint32_t)((uint64_t)nframes * m->weight[k] / m->period);
		if (!cap[k])
			cap[k] = 1;
		sum += cap[k];
		if (cap[k] > cap[big])
			big = k;
	}
	/* Rounding: the largest part takes the difference (it has room: it
	 * holds at least nframes / n). */
	cap[big] = cap[big] + nframes - sum;
	for (k = 0, sum = 0; k < m->n; k++) {
		s->part_start[k] = sum;
		sum += cap[k];
		s->part_end[k] = sum;
	}
	return 0;
}

/*
 * Frames start at different cache-line offsets of their UMEM chunks: at
 * offset 0 of chunks 2048 or 4096 bytes apart, every frame's headers map
 * to the same cache set (4096 / 64 = 64 sets of a 32-48 KiB L1), so that a
 * batch of frames written by the loop and read by the kernel's copy or the
 * NIC evicts itself. Up to 64 offsets, as far as the frame leaves room.
 */
#define FRAME_STAGGER	64u

static uint32_t stagger_steps(uint32_t frame_size, uint32_t len)
{
	uint32_t steps = len < frame_size ? (frame_size - len) / FRAME_STAGGER + 1 : 1;

	return steps > 64 ? 64 : steps;
}

int sender_init(struct sender *s, const struct sender_cfg *cfg)
{
	struct xsock_umem *um = cfg->xs->um;
	const struct size_mix *m = cfg->mix;
	uint32_t i, k;
	int ret;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	if (cfg->frame_base + cfg->nframes > um->nframes || !cfg->nframes ||
	    cfg->stream >= PKTGEN_STREAMS)
		return -EINVAL;
	s->nsizes = 1;
	s->part_end[0] = cfg->nframes;
	s->one_slot = 0;
	s->slot = &s->one_slot;
	s->period = 1;
	if (cfg->replay) {
		if (!cfg->replay->n || !cfg->replay_stride ||
		    cfg->replay_first >= cfg->replay->n)
			return -EINVAL;
		s->replay_pos = cfg->replay_first;
		s->mean_len = (uint32_t)(cfg->replay->bytes / cfg->replay->n);
	} else if (m) {
		if (!m->n || m->n > MIX_MAX_SIZES)
			return -EINVAL;
		ret = partition(s, m, cfg->nframes);
		if (ret)
			return ret;
		s->nsizes = m->n;
		s->slot = m->slot;
		s->period = m->period;
		for (k = 0; k < m->n; k++) {
			s->frames[k] = cfg->frames[k];
			s->tmpls[k] = cfg->tmpls[k];
		}
		s->mean_len = mix_mean_len(m);
	} else {
		s->frames[0] = cfg->frame;
		s->tmpls[0] = cfg->tmpl;
		s->mean_len = cfg->tmpl->lay.len;
	}
	s->free_addr = calloc(cfg->nframes, sizeof(*s->free_addr));
	if (!s->free_addr)
		return -ENOMEM;
	/* Every frame starts as a full copy of its size's template; the hot
	 * loop only rewrites the fields that change (replay: the whole frame,
	 * at send time). Push in reverse so that frames are handed out in
	 * ascending address order. */
	for (k = 0; k < s->nsizes; k++) {
		uint32_t n = s->part_end[k] - s->part_start[k];
		uint32_t steps = cfg->replay ? 1 : stagger_steps(um->frame_size,
								 s->tmpls[k]->lay.len);

		for (i = 0; i < n; i++) {
			uint64_t addr = (uint64_t)(cfg->frame_base + s->part_start[k] + i) *
					um->frame_size + (uint64_t)(i % steps) * FRAME_STAGGER;

			if (!cfg->replay)
				memcpy((uint8_t *)um->area + addr, s->frames[k],
				       s->tmpls[k]->lay.len);
			s->free_addr[s->part_start[k] + n - 1 - i] = addr;
		}
		s->nfree_k[k] = n;
	}
	s->nfree = cfg->nframes;
	return 0;
}

void sender_fini(struct sender *s)
{
	free(s->free_addr);
	s->free_addr = NULL;
}

bool sender_done(const struct sender *s)
{
	return __atomic_load_n(&s->done, __ATOMIC_ACQUIRE);
}

static int fail(struct sender *s, int err, const char *what)
{
	s->err = err;
	snprintf(s->errmsg, sizeof(s->errmsg), "%s queue %u: %s: %s",
		 s->cfg.xs->ifname, s->cfg.xs->queue_id, what, strerror(-err));
	return err;
}

static void fail_run(struct sender *s, int err)
{
	const struct xsock *xs = s->cfg.xs;

	s->err = err;
	if (err == -ENETDOWN)
		snprintf(s->errmsg, sizeof(s->errmsg),
			 "%s went down during the run (queue %u: transmit wakeup: %s)",
			 xs->ifname, xs->queue_id, strerror(-err));
	else if (err == -ENXIO)
		snprintf(s->errmsg, sizeof(s->errmsg),
			 "%s queue %u: the socket is no longer bound to the device "
			 "(transmit wakeup: %s); was %s removed?", xs->ifname,
			 xs->queue_id, strerror(-err), xs->ifname);
	else
		fail(s, err, err == -EPROTO ?
		     "completion ring reported more completions than frames in flight" :
		     "transmit wakeup (sendto) failed");
}

/* Reap completions; returns number reaped or -EPROTO on impossible counts. */
static int reclaim(struct sender *s)
{
	struct xsk_ring_cons *cq = s->cfg.xs->cq;
	uint32_t idx = 0, n, i, outstanding;

	outstanding = s->cfg.nframes - s->nfree;
	n = xsk_ring_cons__peek(cq, cq->size, &idx);
	if (!n)
		return 0;
	if (n > outstanding)
		return -EPROTO;	/* phantom completions: ring state is corrupt */
	for (i = 0; i < n; i++) {
		uint64_t addr = *xsk_ring_cons__comp_addr(cq, idx + i);
		uint32_t k = 0;

		if (s->nsizes > 1) {
			uint64_t f = addr / s->cfg.xs->um->frame_size - s->cfg.frame_base;

			while (k + 1 < s->nsizes && f >= s->part_end[k])
				k++;
		}
		s->free_addr[s->part_start[k] + s->nfree_k[k]++] = addr;
	}
	s->nfree += n;
	xsk_ring_cons__release(cq, n);
	tx_counters_add(&s->ctr.completed, n);
	return (int)n;
}

static int wakeup(struct sender *s)
{
	if (s->cfg.wakeup)
		return s->cfg.wakeup(s->cfg.wakeup_ctx);
	if (sendto(xsock_fd(s->cfg.xs), NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return 0;
	return -errno;
}

static uint32_t tx_consumer(const struct xsock *xs)
{
	return __atomic_load_n(xs->tx.consumer, __ATOMIC_ACQUIRE);
}

int sender_kick(struct sender *s)
{
	struct xsock *xs = s->cfg.xs;
	uint32_t tries, before;
	int ret;

	if (xs->zerocopy && xs->need_wakeup && !s->cfg.busy_poll &&
	    !xsk_ring_prod__needs_wakeup(&xs->tx))
		return 0;
	for (tries = 0; tries <= xs->tx.size; tries++) {
		before = tx_consumer(xs);
		tx_counters_add(&s->ctr.kicks, 1);
		ret = wakeup(s);
		if (!ret)
			return 0;
		switch (ret) {
		case -EBUSY:
			if (xs->zerocopy)
				return 0;	/* driver busy: descriptors stay queued */
			/* NET_XMIT_DROP: the frame's descriptor was consumed
			 * and completed, but the frame was not sent. */
			tx_counters_add(&s->ctr.dropped, 1);
			tx_counters_add(&s->ctr.sent, (uint64_t)-1);
			/* Which frame it was is not known: a mix or a
			 * replay subtracts the mean length. */
			tx_counters_add(&s->ctr.bytes, -(uint64_t)s->mean_len);
			/* fall through */
		case -EAGAIN:
			/* Copy mode: budget used up (the consumer moved: more
			 * to send now), or the driver queue or the completion
			 * ring is full (it did not: reclaim first). */
			if (xs->zerocopy || tx_consumer(xs) == before)
				return 0;
			continue;
		case -ENOBUFS:
		case -EINTR:
			return 0;	/* transient: descriptors stay queued */
		default:
			tx_counters_add(&s->ctr.kick_errors, 1);
			return ret;
		}
	}
	return 0;
}

struct gen {
	struct range_iter smac, dmac, sport, dport;
	struct range_iter sip, dip;
	struct pkt_vars v;
};

static void gen_init(struct gen *g, const struct sender_cfg *c)
{
	memset(g, 0, sizeof(*g));
	range_iter_init(&g->smac, &c->src_mac, c->random, c->seed * 6 + 1);
	range_iter_init(&g->dmac, &c->dst_mac, c->random, c->seed * 6 + 2);
	range_iter_init(&g->sip, &c->src_ip.r, c->random, c->seed * 6 + 3);
	range_iter_init(&g->dip, &c->dst_ip.r, c->random, c->seed * 6 + 4);
	range_iter_init(&g->sport, &c->src_port, c->random, c->seed * 6 + 5);
	range_iter_init(&g->dport, &c->dst_port, c->random, c->seed * 6 + 6);
	g->v.src_port = (uint16_t)c->src_port.lo;
	g->v.dst_port = (uint16_t)c->dst_port.lo;
	ip_range_addr(&c->src_ip, c->src_ip.r.lo, g->v.src_ip);
	ip_range_addr(&c->dst_ip, c->dst_ip.r.lo, g->v.dst_ip);
	mac_from_u64(c->src_mac.lo, g->v.src_mac);
	mac_from_u64(c->dst_mac.lo, g->v.dst_mac);
}

static inline void gen_next(struct gen *g, const struct sender_cfg *c)
{
	if (c->vary & PKT_VARY_MAC) {
		mac_from_u64(range_next(&g->smac), g->v.src_mac);
		mac_from_u64(range_next(&g->dmac), g->v.dst_mac);
	}
	if (c->vary & PKT_VARY_IP) {
		ip_range_addr(&c->src_ip, range_next(&g->sip), g->v.src_ip);
		ip_range_addr(&c->dst_ip, range_next(&g->dip), g->v.dst_ip);
	}
	if (c->vary & PKT_VARY_PORT) {
		g->v.src_port = (uint16_t)range_next(&g->sport);
		g->v.dst_port = (uint16_t)range_next(&g->dport);
	}
}

/*
 * How many of the next want slots of the schedule have a free frame of
 * their size: the batch stops at the first that does not, so that the
 * order (and the exact ratio) holds.
 */
static uint32_t servable(const struct sender *s, uint32_t want)
{
	uint32_t left[MIX_MAX_SIZES], i, pos = s->pos;

	if (want > s->nfree)
		want = s->nfree;
	if (s->nsizes == 1)
		return want;
	memcpy(left, s->nfree_k, sizeof(left));
	for (i = 0; i < want; i++) {
		if (!left[s->slot[pos]]--)
			break;
		if (++pos == s->period)
			pos = 0;
	}
	return i;
}

static void pace(struct rate_bucket *rb, uint32_t n)
{
	uint64_t wait = rate_wait_ns(rb, n);
	struct timespec ts;

	if (wait > SPIN_LIMIT_NS) {
		/* Sleep in slices so a stop request is noticed promptly. */
		if (wait > MAX_SLEEP_NS)
			wait = MAX_SLEEP_NS;
		ts.tv_sec = (time_t)(wait / 1000000000ull);
		ts.tv_nsec = (long)(wait % 1000000000ull);
		nanosleep(&ts, NULL);
	}
}

static int pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void drain(struct sender *s)
{
	uint64_t deadline = now_ns() + DRAIN_TIMEOUT_NS;

	while (s->nfree < s->cfg.nframes && now_ns() < deadline) {
		if (sender_kick(s))
			break;
		if (reclaim(s) < 0)
			break;
	}
}

void *sender_run(void *arg)
{
	struct sender *s = arg;
	const struct sender_cfg *c = &s->cfg;
	struct xsock *xs = c->xs;
	uint8_t *area = xs->um->area;
	uint64_t sent = 0, pcap_ctr = 0, bytes;
	struct rate_bucket rb;
	struct timespec rt;
	struct gen g;
	uint32_t want, got, idx, i, k, min_chunk, fixed[MIX_MAX_SIZES] = { 0 };
	int err, perr = 0;

	/* Precise sleeps for pacing: default timer slack is 50 us. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	err = pin(c->cpu);
	if (err) {
		fail(s, err, "pinning thread to CPU");
		goto out;
	}
	gen_init(&g, c);
	rate_bucket_init(&rb, &c->rate, s->mean_len, c->burst, now_ns());
	min_chunk = rate_chunk(&rb, 1000000);	/* at most 1 ms of packets */
	s->start_ns = now_ns();

	while (!*c->stop) {
		if (c->count && sent >= c->count)
			break;
		err = reclaim(s);
		if (err < 0)
			break;
		want = c->batch;
		if (c->count && c->count - sent < want)
			want = (uint32_t)(c->count - sent);
		want = servable(s, want);
		if (!want) {
			/* Every frame is in flight: let the kernel make progress. */
			err = sender_kick(s);
			if (err)
				break;
			continue;
		}
		if (!rb.unlimited) {
			/* Wait for a useful chunk (half the burst, at most
			 * 1 ms worth) rather than trickling single packets;
			 * sleeping instead of spinning keeps wakeups prompt
			 * on a busy machine. */
			uint32_t avail = rate_avail(&rb, now_ns());
			uint32_t chunk = want < min_chunk ? want : min_chunk;

			if (avail < chunk) {
				pace(&rb, chunk);
				continue;
			}
			if (want > avail)
				want = avail;
			if (want > rb.burst)
				want = rb.burst;
		}
		got = xsk_ring_prod__reserve(&xs->tx, want, &idx);
		rate_consume(&rb, got);
		if (got < want) {
			tx_counters_add(&s->ctr.ring_full, 1);
			if (!got) {
				err = sender_kick(s);
				if (err)
					break;
				continue;
			}
		}
		clock_gettime(CLOCK_REALTIME, &rt);
		g.v.tv_sec = (uint32_t)rt.tv_sec;
		g.v.tv_usec = (uint32_t)(rt.tv_nsec / 1000) |
			      c->stream << PKTGEN_USEC_BITS;
		if (!c->vary && !c->replay)	/* per frame only seq changes */
			for (k = 0; k < s->nsizes; k++)
				fixed[k] = pkt_fixed_sum(s->tmpls[k], s->frames[k], &g.v);
		bytes = 0;
		for (i = 0; i < got; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&xs->tx, idx + i);
			uint64_t addr;
			uint8_t *frame;
			uint32_t len;

			k = s->slot[s->pos];
			addr = s->free_addr[s->part_start[k] + --s->nfree_k[k]];
			frame = area + addr;

			if (++s->pos == s->period)
				s->pos = 0;
			if (c->replay) {
				len = c->replay->len[s->replay_pos];
				memcpy(frame, c->replay->base + c->replay->off[s->replay_pos], len);
				s->replay_pos += c->replay_stride;
				if (s->replay_pos >= c->replay->n)
					s->replay_pos = c->replay_first;
			} else if (!c->vary) {
				g.v.seq = (uint32_t)(sent + i);
				pkt_patch_seq(frame, &s->tmpls[k]->lay, fixed[k], &g.v);
				len = s->tmpls[k]->lay.len;
			} else {
				gen_next(&g, c);
				g.v.seq = (uint32_t)(sent + i);
				pkt_patch(frame, s->tmpls[k], &g.v, c->vary);
				len = s->tmpls[k]->lay.len;
			}
			s->size_submitted[k]++;
			bytes += len;
			d->addr = addr;
			d->len = len;
			d->options = 0;
			if (c->pcap && !perr && ++pcap_ctr >= c->pcap_sample) {
				pcap_ctr = 0;
				perr = pcap_write(c->pcap, frame, len, g.v.tv_sec,
						  g.v.tv_usec & PKTGEN_USEC_MASK);
			}
		}
		s->nfree -= got;
		xsk_ring_prod__submit(&xs->tx, got);
		sent += got;
		tx_counters_add(&s->ctr.submitted, got);
		tx_counters_add(&s->ctr.sent, got);
		tx_counters_add(&s->ctr.bytes, bytes);
		if (perr) {
			fail(s, perr, "writing pcap file");
			break;
		}
		err = sender_kick(s);
		if (err)
			break;
	}
	if (err < 0 && !s->err)
		fail_run(s, err);
	drain(s);
	s->end_ns = now_ns();
out:
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int sender_start(struct sender *s)
{
	int ret = pthread_create(&s->thread, NULL, sender_run, s);

	if (ret)
		return -ret;
	s->started = true;
	return 0;
}

int sender_join(struct sender *s)
{
	if (s->started) {
		pthread_join(s->thread, NULL);
		s->started = false;
	}
	return s->err;
}
