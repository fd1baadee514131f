// SPDX-License-Identifier: GPL-2.0
/*
 * pktsend: baseline sender for benchmarks, a plain AF_PACKET socket and a
 * sendmmsg() loop sending the same frames txgen sends by default.
 *
 *   pktsend --dev IF [--count N] [--duration S] [--size B] [--batch N]
 *           [--seq LIST] [--stream ID]
 *
 * --seq sends the listed sequence numbers in that order ("0-49,52-99,50,
 * 60"), for receiver tests that need loss, duplicates or reordering; every
 * frame of the list carries the same send time, taken at the start, as if
 * the list were a reordered stream (a late or duplicated frame keeps its
 * original's time). --stream writes a stream id as txgen's queues do (the
 * high bits of tv_usec, see lib/pkt.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../lib/ifinfo.h"
#include "../lib/params.h"
#include "../lib/pkt.h"
#include "../lib/range.h"

#define MAX_BATCH 1024
#define MAX_SEQ_RANGES 64

struct seq_list {
	unsigned int n;
	uint32_t lo[MAX_SEQ_RANGES], hi[MAX_SEQ_RANGES];
	uint64_t total;
};

struct send_opts {
	const char *dev;
	uint64_t count;
	uint32_t duration;
	uint32_t size;
	uint32_t batch;
	bool qdisc_bypass;
	struct range dst_mac;
	const char *seq;
	uint32_t stream;
};

static const struct param_def defs[] = {
	{ "dev", 'd', PARAM_STRING, offsetof(struct send_opts, dev), 0, 0, NULL,
	  "IFACE", "interface to send on (required)" },
	{ "count", 'n', PARAM_U64, offsetof(struct send_opts, count), 1, UINT64_MAX / 2,
	  NULL, "N", "frames to send (default: until --duration or signal)" },
	{ "duration", 't', PARAM_U32, offsetof(struct send_opts, duration), 1, 86400,
	  NULL, "S", "stop after S seconds" },
	{ "size", 's', PARAM_U32, offsetof(struct send_opts, size), 60, 9000, NULL,
	  "BYTES", "frame size without FCS (default 60)" },
	{ "batch", 'b', PARAM_U32, offsetof(struct send_opts, batch), 1, MAX_BATCH,
	  NULL, "N", "messages per sendmmsg() (default 64)" },
	{ "qdisc-bypass", 0, PARAM_FLAG, offsetof(struct send_opts, qdisc_bypass), 0, 0,
	  NULL, NULL, "set PACKET_QDISC_BYPASS" },
	{ "dst-mac", 0, PARAM_MAC, offsetof(struct send_opts, dst_mac), 0, 0, NULL,
	  "MAC", "destination MAC (default ff:ff:ff:ff:ff:ff)" },
	{ "seq", 0, PARAM_STRING, offsetof(struct send_opts, seq), 0, 0, NULL,
	  "LIST", "send these sequence numbers in order: N or N-M, comma-separated" },
	{ "stream", 0, PARAM_U32, offsetof(struct send_opts, stream), 0,
	  PKTGEN_STREAMS - 1, NULL, "ID", "stream id in the pktgen header (default 0)" },
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* "N[-M][,...]" into l; returns 0 or -1 with err set. */
static int seq_list_parse(const char *str, struct seq_list *l, char *err, size_t errlen)
{
	const char *p = str;
	unsigned long long lo, hi;
	char *end;

	memset(l, 0, sizeof(*l));
	for (;;) {
		if (l->n == MAX_SEQ_RANGES || *p < '0' || *p > '9')
			goto bad;
		errno = 0;
		lo = strtoull(p, &end, 10);
		hi = lo;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				goto bad;
			hi = strtoull(end + 1, &end, 10);
		}
		if (errno || hi > UINT32_MAX || lo > hi)
			goto bad;
		l->lo[l->n] = (uint32_t)lo;
		l->hi[l->n++] = (uint32_t)hi;
		l->total += hi - lo + 1;
		if (!*end)
			return 0;
		if (*end != ',')
			goto bad;
		p = end + 1;
	}
bad:
	snprintf(err, errlen, "--seq: '%s' is not a list of at most %d N or N-M "
		 "(N <= M < 2^32)", str, MAX_SEQ_RANGES);
	return -1;
}

/* The pos-th number of the list. */
static uint32_t seq_list_at(const struct seq_list *l, uint64_t pos)
{
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		uint64_t len = (uint64_t)l->hi[i] - l->lo[i] + 1;

		if (pos < len)
			return (uint32_t)(l->lo[i] + pos);
		pos -= len;
	}
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static uint8_t frames[MAX_BATCH][2048];
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iov[MAX_BATCH];
	struct send_opts o = { .size = 60, .batch = 64,
			       .dst_mac = { 0xffffffffffffULL, 0xffffffffffffULL } };
	char err[PARAM_ERR_LEN];
	struct sockaddr_ll sll;
	struct pkt_layout lay;
	struct pkt_tmpl tmpl;
	struct pkt_spec spec;
	struct pkt_vars v;
	struct ifinfo ifi;
	struct seq_list sl;
	struct timespec rt;
	uint64_t sent = 0, t0, end;
	enum params_result pr;
	unsigned int i, n;
	int fd, one = 1, ret;

	pr = params_parse(defs, sizeof(defs) / sizeof(defs[0]), argc, argv, &o,
			  NULL, err, sizeof(err));
	if (pr == PARAMS_HELP) {
		params_usage(defs, sizeof(defs) / sizeof(defs[0]), stdout, "pktsend",
			     "AF_PACKET sendmmsg() baseline sender");
		return 0;
	}
	if (pr == PARAMS_ERROR || !o.dev) {
		fprintf(stderr, "pktsend: error: %s\n",
			pr == PARAMS_ERROR ? err : "--dev IFACE is required");
		return 2;
	}
	if (o.seq && (o.count || o.duration)) {
		fprintf(stderr, "pktsend: error: --seq sends its list: no --count or --duration\n");
		return 2;
	}
	if (o.seq) {
		if (seq_list_parse(o.seq, &sl, err, sizeof(err))) {
			fprintf(stderr, "pktsend: error: %s\n", err);
			return 2;
		}
		o.count = sl.total;
	}
	if (ifinfo_get(o.dev, &ifi, err, sizeof(err))) {
		fprintf(stderr, "pktsend: error: %s\n", err);
		return 2;
	}

	memset(&spec, 0, sizeof(spec));
	memcpy(spec.src_mac, ifi.mac, 6);
	mac_from_u64(o.dst_mac.lo, spec.dst_mac);
	spec.family = AF_INET;
	inet_pton(AF_INET, "198.18.0.1", spec.src_ip);
	inet_pton(AF_INET, "198.18.0.2", spec.dst_ip);
	spec.src_port = 9;
	spec.dst_port = 9;
	spec.frame_len = o.size;
	if (pkt_build(&spec, frames[0], sizeof(frames[0]), &lay)) {
		fprintf(stderr, "pktsend: error: cannot build a %u-byte frame\n", o.size);
		return 2;
	}
	pkt_tmpl_init(&tmpl, frames[0], &lay);
	memset(&v, 0, sizeof(v));

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "pktsend: error: AF_PACKET socket: %s\n", strerror(errno));
		return 2;
	}
	if (o.qdisc_bypass)
		setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)ifi.ifindex;
	sll.sll_protocol = htons(ETH_P_IP);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "pktsend: error: bind: %s\n", strerror(errno));
		close(fd);
		return 2;
	}
	for (i = 0; i < o.batch; i++) {
		memcpy(frames[i], frames[0], o.size);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = o.size;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	t0 = mono_ns();
	end = o.duration ? t0 + (uint64_t)o.duration * 1000000000ull : 0;
	clock_gettime(CLOCK_REALTIME, &rt);
	while (!stop && (!o.count || sent < o.count)) {
		if (end && mono_ns() >= end)
			break;
		n = o.batch;
		if (o.count && o.count - sent < n)
			n = (unsigned int)(o.count - sent);
		if (!o.seq)
			clock_gettime(CLOCK_REALTIME, &rt);
		v.tv_sec = (uint32_t)rt.tv_sec;
		v.tv_usec = (uint32_t)(rt.tv_nsec / 1000) | o.stream << PKTGEN_USEC_BITS;
		for (i = 0; i < n; i++) {
			v.seq = o.seq ? seq_list_at(&sl, sent + i) : (uint32_t)(sent + i);
			pkt_patch(frames[i], &tmpl, &v, 0);
		}
		ret = sendmmsg(fd, msgs, n, 0);
		if (ret < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
				continue;
			fprintf(stderr, "pktsend: error: sendmmsg: %s\n", strerror(errno));
			close(fd);
			return 1;
		}
		sent += (unsigned int)ret;
	}
	close(fd);
	printf("{\"dev\":\"%s\",\"sent\":%llu,\"seconds\":%.3f}\n", o.dev,
	       (unsigned long long)sent, (double)(mono_ns() - t0) / 1e9);
	return 0;
}
