// SPDX-License-Identifier: GPL-2.0
/* txgen: txtap AF_XDP sender. */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>

#include "config.h"
#include "lib/ifinfo.h"
#include "lib/log.h"
#include "lib/mix.h"
#include "lib/neigh.h"
#include "lib/pcap.h"
#include "lib/pkt.h"
#include "lib/sender.h"
#include "lib/stats.h"
#include "lib/xsock.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define MAX_QUEUES	64
#define ERRLEN		512

/* The only process-wide state: what the signal handler may touch. */
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct run {
	struct txgen_config cfg;
	struct logger lg;
	struct ifinfo ifi;
	struct size_mix mix;	/* one size: n = 1 */
	uint8_t frame[MIX_MAX_SIZES][4096];	/* template per size */
	struct pkt_tmpl tmpl[MIX_MAX_SIZES];
	struct pcap_frames replay;	/* --replay */
	struct replay_info replay_info;
	struct size_count sizes[MIX_MAX_SIZES];
	struct xsock_umem *umem[MAX_QUEUES];
	unsigned int numem;
	struct xsock *xs[MAX_QUEUES];
	struct sender snd[MAX_QUEUES];
	uint32_t qids[MAX_QUEUES];
	struct pcap_writer pcap;
	bool pcap_open;
	struct frame_info frame_info;
	char err[ERRLEN];
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Can this process create AF_XDP sockets at all? */
static int check_privileges(char *err, size_t errlen)
{
	int fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno == EPERM || errno == EACCES)
		snprintf(err, errlen,
			 "permission denied creating an AF_XDP socket (run as root or with CAP_NET_RAW)");
	else
		snprintf(err, errlen, "cannot create an AF_XDP socket: %s",
			 strerror(errno));
	return -1;
}

/*
 * Without --dst-mac, send to the next hop of the first --dst-ip address as
 * the kernel knows it (route via --dev, then its neighbour entry), so that
 * the receiver takes its unicast path. Unresolved: broadcast, with one
 * warning line that says so and what to do.
 */
static void resolve_dst_mac(struct run *r)
{
	struct txgen_config *c = &r->cfg;
	char why[160], a[INET6_ADDRSTRLEN];
	struct neigh_hop hop;
	uint8_t dst[16];

	r->frame_info.dst_mac_from = "option";
	if (c->has_dst_mac)
		return;
	ip_range_addr(&c->dst_ip, c->dst_ip.r.lo, dst);
	inet_ntop(c->dst_ip.family, dst, a, sizeof(a));
	if (neigh_resolve(r->ifi.ifindex, c->dst_ip.family, dst, &hop, why,
			  sizeof(why))) {
		r->frame_info.dst_mac_from = "broadcast";
		log_warn(&r->lg,
			 "no next-hop MAC for %s on %s (%s): sending to ff:ff:ff:ff:ff:ff, "
			 "which measures the receiver's broadcast path; give --dst-mac",
			 a, c->dev, why);
		return;
	}
	c->dst_mac.lo = c->dst_mac.hi = mac_to_u64(hop.mac);
	r->frame_info.dst_mac_from = "neighbour";
	inet_ntop(hop.family, hop.addr, r->frame_info.next_hop,
		  sizeof(r->frame_info.next_hop));
	log_debug(&r->lg, "next hop of %s on %s: %s%s", a, c->dev,
		  r->frame_info.next_hop, hop.via_gateway ? " (gateway)" :
		  hop.no_route ? " (no route via the device: assumed on link)" : "");
}

static void fmt_mac_range(const struct range *m, char *buf, size_t len)
{
	uint8_t a[6], b[6];
	int n;

	mac_from_u64(m->lo, a);
	n = snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		     a[0], a[1], a[2], a[3], a[4], a[5]);
	if (range_is_single(m) || n < 0 || (size_t)n >= len)
		return;
	mac_from_u64(m->hi, b);
	snprintf(buf + n, len - (size_t)n, "-%02x:%02x:%02x:%02x:%02x:%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5]);
}

static void fmt_ip_range(const struct ip_range *ipr, char *buf, size_t len)
{
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];
	uint8_t a[16];

	ip_range_addr(ipr, ipr->r.lo, a);
	inet_ntop(ipr->family, a, lo, sizeof(lo));
	if (range_is_single(&ipr->r)) {
		snprintf(buf, len, "%s", lo);
		return;
	}
	ip_range_addr(ipr, ipr->r.hi, a);
	inet_ntop(ipr->family, a, hi, sizeof(hi));
	snprintf(buf, len, "%s-%s", lo, hi);
}

static void fmt_port_range(const struct range *p, char *buf, size_t len)
{
	if (range_is_single(p))
		snprintf(buf, len, "%u", (unsigned int)p->lo);
	else
		snprintf(buf, len, "%u-%u", (unsigned int)p->lo, (unsigned int)p->hi);
}

static void describe_frame(struct run *r)
{
	const struct txgen_config *c = &r->cfg;
	struct frame_info *f = &r->frame_info;
	unsigned int i;
	int n = 0;

	f->proto = c->ipv6 ? "IPv6/UDP" : "IPv4/UDP";
	f->size = c->nsizes == 1 ? c->size : 0;
	for (i = 0; i < c->nsizes && n >= 0 && (size_t)n < sizeof(f->sizes); i++)
		n += snprintf(f->sizes + n, sizeof(f->sizes) - (size_t)n, "%s%u",
			      i ? "," : "", c->sizes.v[i]);
	f->vlan = c->has_vlan ? (int)c->vlan : -1;
	fmt_mac_range(&c->src_mac, f->src_mac, sizeof(f->src_mac));
	fmt_mac_range(&c->dst_mac, f->dst_mac, sizeof(f->dst_mac));
	fmt_ip_range(&c->src_ip, f->src_ip, sizeof(f->src_ip));
	fmt_ip_range(&c->dst_ip, f->dst_ip, sizeof(f->dst_ip));
	fmt_port_range(&c->src_port, f->src_port, sizeof(f->src_port));
	fmt_port_range(&c->dst_port, f->dst_port, sizeof(f->dst_port));
}

/* One template frame per size of the mix. */
static int build_templates(struct run *r)
{
	const struct txgen_config *c = &r->cfg;
	struct pkt_layout lay;
	struct pkt_spec spec;
	uint32_t k;

	if (mix_init(&r->mix, c->sizes.v, c->weights.n ? c->weights.v : NULL,
		     c->nsizes)) {
		snprintf(r->err, sizeof(r->err), "invalid size mix");
		return -1;
	}

	memset(&spec, 0, sizeof(spec));
	mac_from_u64(c->src_mac.lo, spec.src_mac);
	mac_from_u64(c->dst_mac.lo, spec.dst_mac);
	spec.vlan = c->has_vlan;
	spec.vlan_id = (uint16_t)c->vlan;
	spec.family = c->src_ip.family;
	ip_range_addr(&c->src_ip, c->src_ip.r.lo, spec.src_ip);
	ip_range_addr(&c->dst_ip, c->dst_ip.r.lo, spec.dst_ip);
	spec.src_port = (uint16_t)c->src_port.lo;
	spec.dst_port = (uint16_t)c->dst_port.lo;
	for (k = 0; k < r->mix.n; k++) {
		spec.frame_len = r->mix.size[k];
		if (pkt_build(&spec, r->frame[k], sizeof(r->frame[k]), &lay)) {
			snprintf(r->err, sizeof(r->err), "cannot build a %u-byte frame",
				 r->mix.size[k]);
			return -1;
		}
		pkt_tmpl_init(&r->tmpl[k], r->frame[k], &lay);
	}
	return 0;
}

static unsigned int vary_flags(const struct txgen_config *c)
{
	unsigned int v = 0;

	if (!range_is_single(&c->src_mac) || !range_is_single(&c->dst_mac))
		v |= PKT_VARY_MAC;
	if (!range_is_single(&c->src_ip.r) || !range_is_single(&c->dst_ip.r))
		v |= PKT_VARY_IP;
	if (!range_is_single(&c->src_port) || !range_is_single(&c->dst_port))
		v |= PKT_VARY_PORT;
	return v;
}

static void close_sockets(struct run *r)
{
	unsigned int q;

	for (q = 0; q < r->cfg.queues && q < MAX_QUEUES; q++) {
		xsock_close(r->xs[q]);
		r->xs[q] = NULL;
	}
	for (q = 0; q < r->numem; q++)
		xsock_umem_destroy(r->umem[q]);
	r->numem = 0;
}

static int open_sockets_mode(struct run *r, enum xsock_mode_req mode)
{
	const struct txgen_config *c = &r->cfg;
	uint32_t nframes = c->ring_size * 2;
	uint32_t per_q = c->shared_umem ? nframes * c->queues : nframes;
	struct xsock_opts o;
	unsigned int q;
	int ret;

	memset(&o, 0, sizeof(o));
	o.ifname = c->dev;
	o.mode = mode;
	o.tx_size = c->ring_size;
	o.need_wakeup = !c->no_need_wakeup;
	o.busy_poll = c->busy_poll;
	o.busy_poll_budget = c->batch;
	o.xdp_flags = c->attach == ATTACH_GENERIC ? XDP_FLAGS_SKB_MODE :
						    XDP_FLAGS_DRV_MODE;
	o.load_prog = c->attach != ATTACH_NONE;

	for (q = 0; q < c->queues; q++) {
		struct xsock_umem *um;

		if (!c->shared_umem || q == 0) {
			ret = xsock_umem_create(&r->umem[r->numem], c->frame_size,
						per_q, nframes);
			if (ret) {
				snprintf(r->err, sizeof(r->err),
					 "cannot create UMEM (%u frames of %u bytes): %s",
					 per_q, c->frame_size, strerror(-ret));
				return -1;
			}
			r->numem++;
		}
		um = r->umem[r->numem - 1];
		o.queue_id = c->queue + q;
		r->qids[q] = o.queue_id;
		ret = xsock_open(&r->xs[q], um, &o, r->err, sizeof(r->err));
		if (ret)
			return ret == XSOCK_WAKEUP_REFUSED ? ret : -1;
	}
	return 0;
}

static int open_sockets(struct run *r)
{
	const struct txgen_config *c = &r->cfg;
	char reason[ERRLEN];
	unsigned int q;
	int ret;

	ret = open_sockets_mode(r, c->mode == MODE_ZC ? XSOCK_ZEROCOPY :
				c->mode == MODE_COPY ? XSOCK_COPY : XSOCK_AUTO);
	if (ret == XSOCK_WAKEUP_REFUSED && c->mode == MODE_AUTO) {
		/* Bound in zero-copy, but the driver will not transmit:
		 * start over in copy mode, saying why. */
		snprintf(reason, sizeof(reason), "%s", r->err);
		r->err[0] = '\0';
		log_info(&r->lg, "%s; falling back to copy mode", reason);
		close_sockets(r);
		ret = open_sockets_mode(r, XSOCK_COPY);
		for (q = 0; !ret && q < c->queues; q++)
			snprintf(r->xs[q]->mode_reason, sizeof(r->xs[q]->mode_reason),
				 "zero-copy wakeup refused by driver");
	}
	if (ret)
		return -1;
	for (q = 0; q < c->queues; q++) {
		log_info(&r->lg, "%s queue %u: %s mode (%s)", c->dev, r->qids[q],
			 r->xs[q]->zerocopy ? "zero-copy" : "copy",
			 r->xs[q]->mode_reason);
		log_debug(&r->lg, "queue %u: copy-mode TX budget %s, SO_SNDBUF %d",
			  r->qids[q], r->xs[q]->tx_budget_raised ? "raised to the ring size" :
			  "left at the kernel default", r->xs[q]->sndbuf);
	}
	return 0;
}

/* The n-th CPU this process may run on, counting from CPU first. */
static int pick_cpu(uint32_t first, unsigned int n)
{
	cpu_set_t allowed;
	unsigned int i, seen = 0, count;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return -1;
	count = (unsigned int)CPU_COUNT(&allowed);
	if (!count)
		return -1;
	n %= count;
	for (i = 0; i < 2 * CPU_SETSIZE; i++) {
		unsigned int cpu = (first + i) % CPU_SETSIZE;

		if (CPU_ISSET(cpu, &allowed) && seen++ == n)
			return (int)cpu;
	}
	return -1;
}

static int start_senders(struct run *r)
{
	const struct txgen_config *c = &r->cfg;
	uint32_t nframes = c->ring_size * 2;
	struct sender_cfg sc;
	unsigned int q, k;
	uint64_t share;
	int ret;

	for (q = 0; q < c->queues; q++) {
		memset(&sc, 0, sizeof(sc));
		sc.xs = r->xs[q];
		sc.frame_base = c->shared_umem ? q * nframes : 0;
		sc.nframes = nframes;
		if (c->replay) {
			sc.replay = &r->replay;
			sc.replay_first = q;	/* records q, q + queues, ... */
			sc.replay_stride = c->queues;
		} else {
			sc.mix = &r->mix;
			for (k = 0; k < r->mix.n; k++) {
				sc.frames[k] = r->frame[k];
				sc.tmpls[k] = &r->tmpl[k];
			}
		}
		sc.vary = vary_flags(c);
		sc.src_mac = c->src_mac;
		sc.dst_mac = c->dst_mac;
		sc.src_ip = c->src_ip;
		sc.dst_ip = c->dst_ip;
		sc.src_port = c->src_port;
		sc.dst_port = c->dst_port;
		sc.random = c->random;
		sc.seed = (uint64_t)mono_ns() ^ ((uint64_t)q << 32);
		sc.stream = q;	/* its own sequence numbers, from 0 */
		sc.count = c->count ? c->count / c->queues +
				      (q < c->count % c->queues ? 1 : 0) : 0;
		if (c->replay && c->loop) {
			/* this queue's records of the file, loop times */
			share = (uint64_t)c->loop *
				((r->replay.n - q + c->queues - 1) / c->queues);
			if (!sc.count || share < sc.count)
				sc.count = share;
		}
		sc.batch = c->batch;
		sc.rate = c->rate;
		if (c->rate.unit != RATE_UNLIMITED)
			sc.rate.value = c->rate.value / c->queues;
		sc.burst = c->burst;
		sc.pcap = r->pcap_open ? &r->pcap : NULL;
		sc.pcap_sample = c->pcap_sample;
		sc.cpu = pick_cpu(c->cpu, q);
		sc.busy_poll = c->busy_poll;
		sc.stop = &stop_flag;
		ret = sender_init(&r->snd[q], &sc);
		if (ret) {
			snprintf(r->err, sizeof(r->err), "queue %u: sender setup: %s",
				 r->qids[q], strerror(-ret));
			return -1;
		}
	}
	for (q = 0; q < c->queues; q++) {
		ret = sender_start(&r->snd[q]);
		if (ret) {
			stop_flag = 1;
			snprintf(r->err, sizeof(r->err), "cannot start thread: %s",
				 strerror(-ret));
			return -1;
		}
	}
	return 0;
}

static void collect(struct run *r, struct tx_counters *tot, struct tx_kstats *k)
{
	struct tx_counters one;
	struct tx_kstats ks;
	unsigned int q;

	memset(tot, 0, sizeof(*tot));
	memset(k, 0, sizeof(*k));
	for (q = 0; q < r->cfg.queues; q++) {
		tx_counters_snapshot(&r->snd[q].ctr, &one);
		tx_counters_sum(tot, &one);
		memset(&ks, 0, sizeof(ks));
		if (r->xs[q] && !xsock_kstats(r->xs[q], &ks)) {
			k->tx_invalid_descs += ks.tx_invalid_descs;
			k->tx_ring_empty_descs += ks.tx_ring_empty_descs;
		}
	}
}

static bool all_done(const struct run *r)
{
	unsigned int q;

	for (q = 0; q < r->cfg.queues; q++)
		if (r->snd[q].started && !sender_done(&r->snd[q]))
			return false;
	return true;
}

/* Print a live line per second until the senders finish or time is up. */
static void monitor(struct run *r, uint64_t t0)
{
	uint64_t next = t0 + 1000000000ull, last = t0, now;
	uint64_t end = r->cfg.duration ? t0 + r->cfg.duration * 1000000000ull : 0;
	struct tx_counters prev, cur, d;
	struct tx_kstats k;
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	memset(&prev, 0, sizeof(prev));
	while (!all_done(r)) {
		nanosleep(&ts, NULL);
		now = mono_ns();
		if (end && now >= end)
			stop_flag = 1;
		if (now < next)
			continue;
		collect(r, &cur, &k);
		d.sent = cur.sent - prev.sent;
		d.bytes = cur.bytes - prev.bytes;
		d.completed = cur.completed - prev.completed;
		stats_print_interval(stderr, (double)(now - last) / 1e9,
					     &d, &cur, &k);
		prev = cur;
		last = now;
		next += 1000000000ull;
	}
}

/* Closing the sockets also detaches the XDP program libxdp attached. */
static void cleanup(struct run *r)
{
	unsigned int q;
	int ret;

	for (q = 0; q < r->cfg.queues && q < MAX_QUEUES; q++)
		sender_fini(&r->snd[q]);
	close_sockets(r);
	if (r->pcap_open) {
		ret = pcap_close(&r->pcap);
		r->pcap_open = false;
		if (ret && !r->err[0])
			snprintf(r->err, sizeof(r->err), "closing pcap file: %s",
				 strerror(-ret));
	}
	pcap_frames_free(&r->replay);
}

static int run_traffic(struct run *r)
{
	const struct txgen_config *c = &r->cfg;
	struct stats_summary sum;
	uint64_t t0, t1;
	unsigned int q, k;
	int failed = 0;

	if (open_sockets(r))
		return EXIT_RUNTIME;
	/* Attaching an XDP program resets some devices (igb, ixgbe, i40e:
	 * the link goes down and renegotiates). Frames sent meanwhile are
	 * completed but never reach the wire: wait for the carrier. */
	if (c->link_wait && ifinfo_running(c->dev) == 0) {
		log_info(&r->lg, "%s has no carrier; waiting up to %u s for it (--link-wait)",
			 c->dev, c->link_wait);
		t0 = mono_ns();
		if (ifinfo_wait_running(c->dev, c->link_wait * 1000, r->err, sizeof(r->err))) {
			if (stop_flag)
				snprintf(r->err, sizeof(r->err),
					 "stopped while waiting for a carrier on %s", c->dev);
			return EXIT_RUNTIME;
		}
		log_info(&r->lg, "%s: carrier up after %.2f s", c->dev,
			 (double)(mono_ns() - t0) / 1e9);
	}
	t0 = mono_ns();
	if (start_senders(r))
		failed = 1;
	monitor(r, t0);
	for (q = 0; q < c->queues; q++) {
		if (sender_join(&r->snd[q]) && !failed) {
			snprintf(r->err, sizeof(r->err), "%s", r->snd[q].errmsg);
			failed = 1;
		}
	}
	t1 = mono_ns();
	/* Time on the wire: first send attempt to last completion. */
	{
		uint64_t s0 = UINT64_MAX, s1 = 0;

		for (q = 0; q < c->queues; q++) {
			if (r->snd[q].start_ns && r->snd[q].start_ns < s0)
				s0 = r->snd[q].start_ns;
			if (r->snd[q].end_ns > s1)
				s1 = r->snd[q].end_ns;
		}
		if (s0 != UINT64_MAX && s1 > s0) {
			t0 = s0;
			t1 = s1;
		}
	}

	memset(&sum, 0, sizeof(sum));
	sum.dev = c->dev;
	sum.queues = r->qids;
	sum.nqueues = c->queues;
	sum.mode = r->xs[0]->zerocopy ? "zerocopy" : "copy";
	sum.mode_reason = r->xs[0]->mode_reason;
	collect(r, &sum.c, &sum.k);
	sum.seconds = (double)(t1 - t0) / 1e9;
	if (c->replay) {
		sum.replay = &r->replay_info;
	} else {
		sum.frame = &r->frame_info;
		for (k = 0; k < r->mix.n; k++) {
			r->sizes[k].size = r->mix.size[k];
			r->sizes[k].weight = r->mix.weight[k];
			r->sizes[k].submitted = 0;
			for (q = 0; q < c->queues; q++)
				r->sizes[k].submitted += r->snd[q].size_submitted[k];
		}
		sum.sizes = r->sizes;
		sum.nsizes = r->mix.n;
	}
	stats_print_summary(stderr, &sum);
	if (c->json)
		stats_print_json(stdout, &sum);
	if (!failed && sum.c.completed != sum.c.submitted) {
		snprintf(r->err, sizeof(r->err),
			 "%llu of %llu frames were never completed by the kernel",
			 (unsigned long long)(sum.c.submitted - sum.c.completed),
			 (unsigned long long)sum.c.submitted);
		failed = 1;
	}
	if (sum.c.dropped)
		log_warn(&r->lg, "%llu of %llu frames dropped by the kernel "
			 "(sendto EBUSY: NET_XMIT_DROP, e.g. no carrier or a full queue "
			 "on %s); counted as dropped, not sent",
			 (unsigned long long)sum.c.dropped,
			 (unsigned long long)sum.c.submitted, c->dev);
	return failed ? EXIT_RUNTIME : 0;
}

/*
 * Everything that can be wrong with the input, checked before any socket
 * is opened or program attached: the replay file (readable, Ethernet, whole
 * frames that fit a UMEM frame), the interface, the frames against its
 * MTU, the privileges.
 */
static int load_input(struct run *r)
{
	struct txgen_config *c = &r->cfg;
	struct replay_info *ri = &r->replay_info;

	char name[PARAM_ERR_LEN];

	if (c->replay) {
		if (pcap_load(c->replay, params_shown(c->replay, name, sizeof(name)),
			      c->frame_size, &r->replay, r->err, sizeof(r->err)))
			return -1;
		ri->file = c->replay;
		ri->frames = r->replay.n;
		ri->min_len = r->replay.min_len;
		ri->max_len = r->replay.max_len;
		ri->loop = c->loop;
	}
	if (ifinfo_get(c->dev, &r->ifi, r->err, sizeof(r->err)) ||
	    config_check_iface(c, &r->ifi, r->err, sizeof(r->err)) ||
	    (c->replay && config_check_replay(c, &r->ifi, &r->replay, r->err,
					      sizeof(r->err))) ||
	    check_privileges(r->err, sizeof(r->err)))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct run r;	/* large; zero-initialised */
	struct sigaction sa;
	int ret, code;

	r.lg.prog = "txgen";
	r.lg.level = LOG_INFO;
	switch (config_parse(&r.cfg, argc, argv, r.err, sizeof(r.err))) {
	case PARAMS_HELP:
		config_usage(stdout);
		return 0;
	case PARAMS_ERROR:
		log_err(&r.lg, "%s", r.err);
		return EXIT_USAGE;
	case PARAMS_OK:
		break;
	}
	r.lg.level = LOG_INFO + (int)r.cfg.verbose;
	log_route_libs(&r.lg);

	if (load_input(&r)) {
		log_err(&r.lg, "%s", r.err);
		pcap_frames_free(&r.replay);
		return EXIT_USAGE;
	}
	if (xsock_stale_prog(r.cfg.dev, r.err, sizeof(r.err)) > 0)
		log_warn(&r.lg, "%s", r.err);
	r.err[0] = '\0';
	if (!r.cfg.replay) {
		char fbuf[512];

		resolve_dst_mac(&r);
		describe_frame(&r);
		frame_info_format(fbuf, sizeof(fbuf), &r.frame_info);
		log_debug(&r.lg, "frame: %s", fbuf);
		if (build_templates(&r)) {
			log_err(&r.lg, "%s", r.err);
			return EXIT_USAGE;
		}
	}
	if (r.cfg.pcap) {
		ret = pcap_open(&r.pcap, r.cfg.pcap, 65535);
		if (ret) {
			log_err(&r.lg, "cannot open pcap file %s: %s", r.cfg.pcap,
				strerror(-ret));
			pcap_frames_free(&r.replay);
			return EXIT_USAGE;
		}
		r.pcap_open = true;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* Every signal that can be caught ends the run through cleanup(),
	 * which detaches what was attached; a closed stdout gives EPIPE. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	code = run_traffic(&r);
	cleanup(&r);
	if (code == 0 && r.err[0])
		code = EXIT_RUNTIME;
	if (code)
		log_err(&r.lg, "%s", r.err);
	return code;
}
