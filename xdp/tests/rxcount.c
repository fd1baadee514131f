// SPDX-License-Identifier: GPL-2.0-only
/*
 * rxcount: count frames carrying the pktgen magic at the UDP payload on an
 * interface, check their sequence numbers, report JSON (with how many were
 * addressed to this host, broadcast, multicast or another host). Test helper.
 *
 *   rxcount --dev IF [--count N] [--timeout S] [--ready-file PATH]
 *
 * Signals readiness (socket bound) by creating the ready file and printing
 * "ready" on stderr. Exits 0 once N frames were seen (or at the timeout when
 * no count is given), 1 when the timeout passes first, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../lib/params.h"
#include "../lib/pkt.h"

struct rx_opts {
	const char *dev;
	uint64_t count;
	uint32_t timeout;
	const char *ready_file;
};

static const struct param_def defs[] = {
	{ "dev", 'd', PARAM_STRING, offsetof(struct rx_opts, dev), 0, 0, NULL,
	  "IFACE", "interface to listen on (required)" },
	{ "count", 'n', PARAM_U64, offsetof(struct rx_opts, count), 1, UINT64_MAX / 2,
	  NULL, "N", "stop after N matching frames" },
	{ "timeout", 't', PARAM_U32, offsetof(struct rx_opts, timeout), 1, 86400,
	  NULL, "S", "give up after S seconds (default 10)" },
	{ "ready-file", 0, PARAM_STRING, offsetof(struct rx_opts, ready_file), 0, 0,
	  NULL, "PATH", "create PATH once listening" },
};

struct rx_state {
	uint64_t received, missing, reordered, other;
	uint64_t host, broadcast, multicast, otherhost;	/* by sll_pkttype */
	uint64_t expect;
	uint32_t first_seq, last_seq;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Returns the pktgen header of a frame, or NULL. */
static const uint8_t *find_pktgen(const uint8_t *p, size_t len)
{
	size_t off = 12, l4;
	uint16_t type;
	uint32_t magic;

	if (len < 14)
		return NULL;
	type = (uint16_t)(p[off] << 8 | p[off + 1]);
	if (type == 0x8100 || type == 0x88a8) {
		off += 4;
		if (len < off + 2)
			return NULL;
		type = (uint16_t)(p[off] << 8 | p[off + 1]);
	}
	off += 2;
	if (type == 0x0800) {
		if (len < off + 20 || p[off + 9] != 17)
			return NULL;
		l4 = off + (size_t)(p[off] & 0x0f) * 4;
	} else if (type == 0x86dd) {
		if (len < off + 40 || p[off + 6] != 17)
			return NULL;
		l4 = off + 40;
	} else {
		return NULL;
	}
	if (len < l4 + 8 + PKTGEN_HDR_LEN)
		return NULL;
	memcpy(&magic, p + l4 + 8, 4);
	return ntohl(magic) == PKTGEN_MAGIC ? p + l4 + 8 : NULL;
}

static void account(struct rx_state *st, uint32_t seq)
{
	if (!st->received)
		st->first_seq = seq;
	st->received++;
	st->last_seq = seq;
	if (seq == st->expect) {
		st->expect++;
	} else if (seq > st->expect) {
		st->missing += seq - st->expect;
		st->expect = (uint64_t)seq + 1;
	} else {
		st->reordered++;
	}
}

int main(int argc, char **argv)
{
	struct rx_opts o = { .timeout = 10 };
	struct rx_state st;
	struct sockaddr_ll sll;
	char err[PARAM_ERR_LEN];
	uint8_t buf[65536];
	uint64_t t0, deadline, now;
	struct pollfd pfd;
	unsigned int ifindex;
	int fd, rcvbuf = 64 << 20, rfd, code;
	enum params_result pr;

	memset(&st, 0, sizeof(st));
	pr = params_parse(defs, sizeof(defs) / sizeof(defs[0]), argc, argv, &o,
			  NULL, err, sizeof(err));
	if (pr == PARAMS_HELP) {
		params_usage(defs, sizeof(defs) / sizeof(defs[0]), stdout, "rxcount",
			     "count pktgen-format frames received on an interface");
		return 0;
	}
	if (pr == PARAMS_ERROR || !o.dev) {
		fprintf(stderr, "rxcount: error: %s\n", pr == PARAMS_ERROR ? err :
			"--dev IFACE is required");
		return 2;
	}
	ifindex = if_nametoindex(o.dev);
	if (!ifindex) {
		fprintf(stderr, "rxcount: error: interface '%s' does not exist\n", o.dev);
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0) {
		fprintf(stderr, "rxcount: error: AF_PACKET socket: %s\n", strerror(errno));
		return 2;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "rxcount: error: bind to %s: %s\n", o.dev, strerror(errno));
		close(fd);
		return 2;
	}
	if (o.ready_file) {
		rfd = open(o.ready_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (rfd < 0 || write(rfd, "ready\n", 6) != 6) {
			fprintf(stderr, "rxcount: error: ready file %s: %s\n",
				o.ready_file, strerror(errno));
			if (rfd >= 0)
				close(rfd);
			close(fd);
			return 2;
		}
		close(rfd);
	}
	fprintf(stderr, "ready\n");

	t0 = mono_ns();
	deadline = t0 + (uint64_t)o.timeout * 1000000000ull;
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		const uint8_t *ph;
		ssize_t n;
		uint32_t seq;

		if (o.count && st.received >= o.count)
			break;
		now = mono_ns();
		if (now >= deadline)
			break;
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR) {
				fprintf(stderr, "rxcount: error: recv: %s\n", strerror(errno));
				close(fd);
				return 1;
			}
			poll(&pfd, 1, (int)((deadline - now) / 1000000 + 1));
			continue;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		ph = find_pktgen(buf, (size_t)n);
		if (!ph) {
			st.other++;
			continue;
		}
		memcpy(&seq, ph + 4, 4);
		account(&st, ntohl(seq));
		if (from.sll_pkttype == PACKET_HOST)
			st.host++;
		else if (from.sll_pkttype == PACKET_BROADCAST)
			st.broadcast++;
		else if (from.sll_pkttype == PACKET_MULTICAST)
			st.multicast++;
		else
			st.otherhost++;
	}
	close(fd);
	code = (!o.count || st.received >= o.count) ? 0 : 1;
	printf("{\"dev\":\"%s\",\"received\":%llu,\"missing\":%llu,\"reordered\":%llu,"
	       "\"other\":%llu,\"first_seq\":%u,\"last_seq\":%u,\"seconds\":%.3f,"
	       "\"host\":%llu,\"broadcast\":%llu,\"multicast\":%llu,"
	       "\"otherhost\":%llu,\"complete\":%s}\n",
	       o.dev, (unsigned long long)st.received,
	       (unsigned long long)st.missing, (unsigned long long)st.reordered,
	       (unsigned long long)st.other, st.first_seq, st.last_seq,
	       (double)(mono_ns() - t0) / 1e9, (unsigned long long)st.host,
	       (unsigned long long)st.broadcast, (unsigned long long)st.multicast,
	       (unsigned long long)st.otherhost, code ? "false" : "true");
	return code;
}
