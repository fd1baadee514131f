// SPDX-License-Identifier: GPL-2.0
/*
 * txrecv: the receiver for txgen and pktgen traffic. Reads every frame of an
 * interface through an AF_PACKET TPACKET_V3 ring (any device, any driver),
 * picks those with the pktgen header after UDP and reports received, loss,
 * duplicates, reordering per stream (the stream id in tv_usec's high bits:
 * txgen's queue; lib/rxstats.c) and one-way latency from the
 * header's send time (wall clock, microseconds) to the kernel's receive
 * timestamp (wall clock): meaningful on the sending host or with clocks
 * synchronised between the two.
 *
 * Ready once bound: prints "ready" on stderr (or writes it to the fd in
 * KSFT_READY_FD, as upstream's ksft_ready()) and creates --ready-file.
 * Stops at --count frames, after --duration seconds or on SIGINT/SIGTERM,
 * then prints the summary (stderr) and with --json one JSON line (stdout).
 * Exit 0; 1 when --count was given and not reached, or on a runtime error;
 * 2 on bad input or when the socket cannot be set up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/ifinfo.h"
#include "lib/log.h"
#include "lib/params.h"
#include "lib/rxstats.h"

#define PROG		"txrecv"
#define BLOCK_SIZE	(1u << 20)
#define BLOCK_NR	16u
#define FRAME_SIZE	2048u
#define RETIRE_MS	2u	/* a partly filled block reaches us after this */

struct rx_opts {
	const char *dev;
	uint64_t count;
	uint32_t duration;
	bool json;
	const char *ready_file;
};

static const struct param_def defs[] = {
	{ "dev", 'd', PARAM_STRING, offsetof(struct rx_opts, dev), 0, 0, NULL,
	  "IFACE", "interface to receive on (required)" },
	{ "count", 'n', PARAM_U64, offsetof(struct rx_opts, count), 1, UINT64_MAX / 2,
	  NULL, "N", "stop after N pktgen frames (exit 1 if the run ends first)" },
	{ "duration", 't', PARAM_U32, offsetof(struct rx_opts, duration), 1, 86400,
	  NULL, "S", "stop after S seconds (default: at --count or a signal)" },
	{ "json", 'j', PARAM_FLAG, offsetof(struct rx_opts, json), 0, 0, NULL,
	  NULL, "print the result as one JSON line on stdout" },
	{ "ready-file", 0, PARAM_STRING, offsetof(struct rx_opts, ready_file), 0, 0,
	  NULL, "PATH", "create PATH once the socket is bound" },
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

struct rx_run {
	struct rx_streams st;
	struct lat_hist lat;
	uint64_t other;		/* frames without the pktgen header */
	uint64_t host, broadcast, multicast, otherhost;	/* by sll_pkttype */
	uint64_t ring_drops;	/* PACKET_STATISTICS tp_drops */
};

struct rx_ring {
	int fd;
	uint8_t *map;
	size_t len;
	unsigned int cur;
};

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int ring_open(struct rx_ring *r, unsigned int ifindex, const char *dev,
		     char *err, size_t errlen)
{
	struct tpacket_req3 req;
	struct sockaddr_ll sll;
	int v = TPACKET_V3, one = 1;
	const char *what;

	r->map = MAP_FAILED;
	r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (r->fd < 0) {
		if (errno == EPERM)
			snprintf(err, errlen, "permission denied creating an AF_PACKET "
				 "socket (run as root or with CAP_NET_RAW)");
		else
			snprintf(err, errlen, "AF_PACKET socket: %s", strerror(errno));
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.tp_block_size = BLOCK_SIZE;
	req.tp_block_nr = BLOCK_NR;
	req.tp_frame_size = FRAME_SIZE;
	req.tp_frame_nr = BLOCK_SIZE / FRAME_SIZE * BLOCK_NR;
	req.tp_retire_blk_tov = RETIRE_MS;
	what = "PACKET_VERSION TPACKET_V3";
	if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)))
		goto fail;
	what = "PACKET_RX_RING";
	if (setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		goto fail;
	/* Frames this host sends on dev are not received: skip them in the
	 * kernel where it can (4.20+); the loop checks sll_pkttype anyway. */
	setsockopt(r->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	r->len = (size_t)BLOCK_SIZE * BLOCK_NR;
	what = "mmap of the ring";
	r->map = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		      r->fd, 0);
	if (r->map == MAP_FAILED)
		goto fail;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)ifindex;
	if (bind(r->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		snprintf(err, errlen, "bind to %s: %s", dev, strerror(errno));
		goto close;
	}
	r->cur = 0;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", what, strerror(errno));
close:
	if (r->map != MAP_FAILED)
		munmap(r->map, r->len);
	close(r->fd);
	return -1;
}

static void ring_close(struct rx_ring *r)
{
	munmap(r->map, r->len);
	close(r->fd);
}

static void rx_frame(struct rx_run *run, const struct tpacket3_hdr *h)
{
	const struct sockaddr_ll *sll = (const void *)((const uint8_t *)h +
				TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
	const uint8_t *p = (const uint8_t *)h + h->tp_mac;
	struct pktgen_fields f;
	long off;

	if (sll->sll_pkttype == PACKET_OUTGOING)
		return;
	off = pktgen_hdr_offset(p, h->tp_snaplen);
	if (off < 0) {
		run->other++;
		return;
	}
	pktgen_hdr_read(p + off, &f);
	rx_streams_add(&run->st, f.stream, f.seq, f.tx_us);
	if (f.tx_us) {
		/* tv_sec and tp_sec are both 32-bit: their difference wraps. */
		int64_t dsec = (int32_t)(h->tp_sec - f.tv_sec);

		lat_hist_add(&run->lat, dsec * 1000000000 + (int64_t)h->tp_nsec -
			     (int64_t)f.tv_usec * 1000);
	}
	if (sll->sll_pkttype == PACKET_HOST)
		run->host++;
	else if (sll->sll_pkttype == PACKET_BROADCAST)
		run->broadcast++;
	else if (sll->sll_pkttype == PACKET_MULTICAST)
		run->multicast++;
	else
		run->otherhost++;
}

/* Account the frames of every block the kernel has handed over, up to the
 * count; returns true once the count is reached. */
static bool ring_drain(struct rx_ring *r, struct rx_run *run, uint64_t count)
{
	for (;;) {
		struct tpacket_block_desc *bd = (void *)(r->map +
					(size_t)r->cur * BLOCK_SIZE);
		const uint8_t *f;
		uint32_t i, n;

		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER))
			return false;
		n = bd->hdr.bh1.num_pkts;
		f = (const uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
		for (i = 0; i < n; i++) {
			const struct tpacket3_hdr *h = (const void *)f;

			rx_frame(run, h);
			if (count && run->st.received >= count)
				return true;	/* the rest of the block is not ours */
			f += h->tp_next_offset;
		}
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		r->cur = (r->cur + 1) % BLOCK_NR;
	}
}

/* Receive until the count, the deadline or a signal; frames already in the
 * ring when the run stops are counted (one block retire period is waited).
 * Returns 0 or -errno. */
static int rx_loop(struct rx_ring *r, struct rx_run *run, const struct rx_opts *o,
		   const sigset_t *waitmask)
{
	uint64_t now, deadline = 0, drain_end = 0;
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	struct tpacket_stats_v3 st;
	socklen_t sl = sizeof(st);

	if (o->duration)
		deadline = mono_ns() + (uint64_t)o->duration * 1000000000ull;
	for (;;) {
		struct timespec ts, *tsp = NULL;
		uint64_t until;

		if (ring_drain(r, run, o->count))
			break;
		now = mono_ns();
		if (!drain_end && (stop_sig || (deadline && now >= deadline)))
			drain_end = now + 3ull * RETIRE_MS * 1000000;
		if (drain_end && now >= drain_end)
			break;
		until = drain_end ? drain_end : deadline;
		if (until) {
			ts.tv_sec = (time_t)((until - now) / 1000000000ull);
			ts.tv_nsec = (long)((until - now) % 1000000000ull);
			tsp = &ts;
		}
		if (ppoll(&pfd, 1, tsp, waitmask) < 0 && errno != EINTR)
			return -errno;
		if (pfd.revents & POLLERR)
			return -ENETDOWN;
	}
	memset(&st, 0, sizeof(st));
	if (!getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl))
		run->ring_drops = st.tp_drops;
	return 0;
}

static double us(int64_t ns)
{
	return (double)ns / 1000.0;
}

static void report_seq(FILE *out, const char *what, uint32_t first, uint32_t last,
		       const struct rx_seq_sum *m)
{
	fprintf(out, "summary: %sseq %u..%u: lost %llu, duplicates %llu, "
		"reordered %llu (max displacement %u), restarts %llu\n", what,
		first, last, (unsigned long long)m->lost,
		(unsigned long long)m->duplicates, (unsigned long long)m->reordered,
		m->max_displacement, (unsigned long long)m->restarts);
}

static void seq_sum_one(const struct rx_seq *s, struct rx_seq_sum *m)
{
	m->received = s->received;
	m->lost = s->lost;
	m->duplicates = s->duplicates;
	m->reordered = s->reordered;
	m->restarts = s->restarts;
	m->max_displacement = s->max_displacement;
}

static void report(FILE *out, const struct rx_opts *o, const struct rx_run *run,
		   double secs, bool complete)
{
	const struct rx_streams *t = &run->st;
	const struct lat_hist *l = &run->lat;
	struct rx_seq_sum m;
	char what[40];
	unsigned int e;

	fprintf(out, "summary: %s: %llu pktgen frames in %.3f s (%llu other frames)%s\n",
		o->dev, (unsigned long long)t->received, secs,
		(unsigned long long)run->other,
		complete ? "" : ", fewer than --count");
	if (t->n == 1 && !t->untracked) {
		/* One stream: stream 0 is the plain pktgen format, unnamed. */
		what[0] = '\0';
		if (t->id[0])
			snprintf(what, sizeof(what), "stream %u: ", t->id[0]);
		seq_sum_one(&t->s[0], &m);
		report_seq(out, what, t->s[0].first_seq, t->s[0].last_seq, &m);
	} else if (t->n) {
		rx_streams_sum(t, &m);
		fprintf(out, "summary: %u stream%s: lost %llu, duplicates %llu, "
			"reordered %llu (max displacement %u), restarts %llu\n", t->n,
			t->n == 1 ? "" : "s",
			(unsigned long long)m.lost, (unsigned long long)m.duplicates,
			(unsigned long long)m.reordered, m.max_displacement,
			(unsigned long long)m.restarts);
		for (e = 0; e < t->n; e++) {
			seq_sum_one(&t->s[e], &m);
			snprintf(what, sizeof(what), "stream %u: %llu frames, ", t->id[e],
				 (unsigned long long)t->s[e].received);
			report_seq(out, what, t->s[e].first_seq, t->s[e].last_seq, &m);
		}
	}
	if (l->n)
		fprintf(out, "summary: one-way latency of %llu timestamped frames: "
			"min %.1f us, avg %.1f us, p99 %.1f us, max %.1f us\n",
			(unsigned long long)l->n, us(l->min_ns), l->sum_ns / l->n / 1000.0,
			us(lat_hist_percentile(l, 99)), us(l->max_ns));
	else if (t->received)
		fprintf(out, "summary: no latency: the frames carry no send time\n");
}

static void json_lat(FILE *out, const char *name, bool have, double v)
{
	if (have)
		fprintf(out, ",\"%s\":%.1f", name, v);
	else
		fprintf(out, ",\"%s\":null", name);
}

/*
 * The per-stream array comes first and the totals after it, so that a
 * line-oriented reader that takes a key's last occurrence (sed's greedy
 * match) gets the totals. highest_seq is the first stream's.
 */
static void report_json(FILE *out, const struct rx_opts *o, const struct rx_run *run,
			double secs, bool complete)
{
	const struct rx_streams *t = &run->st;
	const struct lat_hist *l = &run->lat;
	bool timed = l->n > 0;
	struct rx_seq_sum m;
	unsigned int e;

	fprintf(out, "{\"dev\":\"%s\",\"streams\":[", o->dev);
	for (e = 0; e < t->n; e++) {
		const struct rx_seq *s = &t->s[e];

		fprintf(out, "%s{\"stream\":%u,\"received\":%llu,\"lost\":%llu,"
			"\"duplicates\":%llu,\"reordered\":%llu,\"max_displacement\":%u,"
			"\"restarts\":%llu,\"first_seq\":%u,\"last_seq\":%u,"
			"\"highest_seq\":%u}", e ? "," : "", t->id[e],
			(unsigned long long)s->received, (unsigned long long)s->lost,
			(unsigned long long)s->duplicates, (unsigned long long)s->reordered,
			s->max_displacement, (unsigned long long)s->restarts, s->first_seq,
			s->last_seq, s->highest);
	}
	rx_streams_sum(t, &m);
	fprintf(out, "],\"received\":%llu,\"lost\":%llu,"
		"\"duplicates\":%llu,\"reordered\":%llu,\"max_displacement\":%u,"
		"\"restarts\":%llu,\"first_seq\":%u,\"last_seq\":%u,\"highest_seq\":%u,"
		"\"untracked\":%llu,\"untracked_streams\":%u,"
		"\"other\":%llu,\"ring_drops\":%llu,\"host\":%llu,\"broadcast\":%llu,"
		"\"multicast\":%llu,\"otherhost\":%llu,\"timed\":%llu,"
		"\"latency_negative\":%llu",
		(unsigned long long)t->received, (unsigned long long)m.lost,
		(unsigned long long)m.duplicates, (unsigned long long)m.reordered,
		m.max_displacement, (unsigned long long)m.restarts, t->first_seq,
		t->last_seq, t->n ? t->s[0].highest : 0,
		(unsigned long long)t->untracked, t->untracked_streams,
		(unsigned long long)run->other,
		(unsigned long long)run->ring_drops, (unsigned long long)run->host,
		(unsigned long long)run->broadcast, (unsigned long long)run->multicast,
		(unsigned long long)run->otherhost, (unsigned long long)l->n,
		(unsigned long long)l->negative);
	json_lat(out, "lat_min_us", timed, us(l->min_ns));
	json_lat(out, "lat_avg_us", timed, timed ? l->sum_ns / l->n / 1000.0 : 0);
	json_lat(out, "lat_p50_us", timed, us(lat_hist_percentile(l, 50)));
	json_lat(out, "lat_p99_us", timed, us(lat_hist_percentile(l, 99)));
	json_lat(out, "lat_max_us", timed, us(l->max_ns));
	fprintf(out, ",\"seconds\":%.3f,\"complete\":%s}\n", secs,
		complete ? "true" : "false");
	fflush(out);
}

/* The readiness line: to KSFT_READY_FD when set (upstream's ksft_ready()),
 * else "ready" on stderr; and the --ready-file. */
static int signal_ready(const char *ready_file, char *err, size_t errlen)
{
	const char *env = getenv("KSFT_READY_FD");
	int fd;

	if (ready_file) {
		fd = open(ready_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, "ready\n", 6) != 6) {
			snprintf(err, errlen, "ready file %s: %s", ready_file,
				 strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	if (env) {
		fd = atoi(env);
		if (fd <= 0 || write(fd, "ready\n", 6) != 6) {
			snprintf(err, errlen, "KSFT_READY_FD=%s: cannot write", env);
			return -1;
		}
		close(fd);
		return 0;
	}
	fprintf(stderr, "ready\n");
	fflush(stderr);
	return 0;
}

int main(int argc, char **argv)
{
	static struct rx_run run;	/* 64 x 8 KiB windows + 18 KiB histogram */
	struct logger lg = { .prog = PROG, .level = LOG_WARN };
	struct rx_opts o = { 0 };
	struct rx_seq_sum sum;
	char err[PARAM_ERR_LEN];
	struct sigaction sa;
	sigset_t block, waitmask;
	enum params_result pr;
	struct ifinfo ifi;
	struct rx_ring r;
	uint64_t t0;
	double secs;
	bool complete;
	int ret;

	pr = params_parse(defs, NDEFS, argc, argv, &o, NULL, err, sizeof(err));
	if (pr == PARAMS_HELP) {
		params_usage(defs, NDEFS, stdout, PROG,
			     "receive txgen/pktgen traffic: loss, duplicates, "
			     "reordering, one-way latency");
		return 0;
	}
	if (pr == PARAMS_ERROR || !o.dev) {
		log_err(&lg, "%s", pr == PARAMS_ERROR ? err : "--dev IFACE is required");
		return 2;
	}
	if (ifinfo_get(o.dev, &ifi, err, sizeof(err))) {
		log_err(&lg, "%s", err);
		return 2;
	}
	rx_streams_init(&run.st);
	lat_hist_init(&run.lat);

	/* SIGINT/SIGTERM are blocked except inside ppoll(): no lost wakeup. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (ring_open(&r, ifi.ifindex, o.dev, err, sizeof(err))) {
		log_err(&lg, "%s", err);
		return 2;
	}
	if (signal_ready(o.ready_file, err, sizeof(err))) {
		log_err(&lg, "%s", err);
		ring_close(&r);
		return 2;
	}
	t0 = mono_ns();
	ret = rx_loop(&r, &run, &o, &waitmask);
	secs = (double)(mono_ns() - t0) / 1e9;
	ring_close(&r);
	if (ret) {
		log_err(&lg, "receiving on %s: %s", o.dev, strerror(-ret));
		return 1;
	}
	complete = !o.count || run.st.received >= o.count;
	report(stderr, &o, &run, secs, complete);
	if (run.ring_drops)
		log_warn(&lg, "the ring dropped %llu frames (the receiver fell "
			 "behind): they count as lost", (unsigned long long)run.ring_drops);
	rx_streams_sum(&run.st, &sum);
	if (sum.restarts)
		log_warn(&lg, "%llu sequence restarts: a sender that started again, or "
			 "several senders in one stream (kernel pktgen threads: "
			 "stream 0 each): loss, duplicates and reordering count each "
			 "restart as a new run", (unsigned long long)sum.restarts);
	if (run.st.untracked)
		log_warn(&lg, "%llu frames of %u streams beyond the first %u are "
			 "counted as received, not in loss, duplicates or reordering",
			 (unsigned long long)run.st.untracked, run.st.untracked_streams,
			 RX_MAX_STREAMS);
	if (run.lat.negative)
		log_warn(&lg, "%llu frames arrived before they were sent: the sender's "
			 "clock is ahead of this host's (latency needs the same host "
			 "or synchronised clocks)", (unsigned long long)run.lat.negative);
	if (o.json)
		report_json(stdout, &o, &run, secs, complete);
	return complete ? 0 : 1;
}
