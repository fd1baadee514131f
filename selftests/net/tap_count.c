// SPDX-License-Identifier: GPL-2.0
/*
 * Count marker frames seen by a network tap.
 *
 * Opens an AF_PACKET SOCK_RAW ETH_P_ALL socket bound to one interface and
 * counts IPv4/UDP frames whose UDP destination port is the given port and
 * whose UDP payload starts with the pktgen magic 0xbe9be955, filtered by
 * sll_pkttype: "out" counts PACKET_OUTGOING only, "in" counts everything
 * else (host, broadcast, multicast, otherhost).
 *
 * Readiness is signalled after the socket is bound, by creating the file
 * given with -r or else by printing "ready" on stdout.
 *
 * Counting stops 'settle' ms after the expected number of frames (-n) was
 * seen, so that duplicates are caught, on SIGTERM/SIGINT (after draining
 * the socket; signals are taken from a signalfd) or when the timeout
 * expires. The count is printed on stdout
 * as a plain number. Drops reported by PACKET_STATISTICS make the program
 * fail, as the count is then unreliable.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PKTGEN_MAGIC	0xbe9be955
#define RCVBUF_SIZE	(8 << 20)

struct cfg {
	const char *ifname;
	const char *ready_file;
	bool outgoing;
	unsigned long expected;
	unsigned int port;
	unsigned int timeout_ms;
	unsigned int settle_ms;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"Usage: %s -i IFACE -p PORT [-d out|in] [-n EXPECTED]\n"
		"\t[-t TIMEOUT_MS] [-s SETTLE_MS] [-r READY_FILE]\n"
		"  -n 0 (default): count until signal or timeout\n",
		prog);
	exit(2);
}

static unsigned long parse_num(const char *s, unsigned long max,
			       const char *what)
{
	unsigned long val;
	char *end;

	errno = 0;
	val = strtoul(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || *s == '-' || val > max) {
		fprintf(stderr, "invalid %s: %s\n", what, s);
		exit(2);
	}
	return val;
}

static void parse_opts(int argc, char **argv, struct cfg *cfg)
{
	int c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->outgoing = true;
	cfg->timeout_ms = 10000;
	cfg->settle_ms = 200;

	while ((c = getopt(argc, argv, "i:p:d:n:t:s:r:")) != -1) {
		switch (c) {
		case 'i':
			cfg->ifname = optarg;
			break;
		case 'p':
			cfg->port = parse_num(optarg, USHRT_MAX, "port");
			break;
		case 'd':
			if (!strcmp(optarg, "out"))
				cfg->outgoing = true;
			else if (!strcmp(optarg, "in"))
				cfg->outgoing = false;
			else
				usage(argv[0]);
			break;
		case 'n':
			cfg->expected = parse_num(optarg, ULONG_MAX, "count");
			break;
		case 't':
			cfg->timeout_ms = parse_num(optarg, INT_MAX, "timeout");
			break;
		case 's':
			cfg->settle_ms = parse_num(optarg, INT_MAX, "settle");
			break;
		case 'r':
			cfg->ready_file = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!cfg->ifname || !cfg->port || optind != argc)
		usage(argv[0]);
}

/* Return true if the frame is one of our IPv4/UDP marker frames. */
static bool is_marker(const unsigned char *buf, size_t len, unsigned int port)
{
	const struct ethhdr *eth = (const void *)buf;
	const struct iphdr *iph;
	const struct udphdr *udph;
	unsigned int ihl;
	__u32 magic;

	if (len < sizeof(*eth) + sizeof(*iph))
		return false;
	if (eth->h_proto != htons(ETH_P_IP))
		return false;

	iph = (const void *)(buf + sizeof(*eth));
	ihl = iph->ihl * 4;
	if (iph->version != 4 || ihl < sizeof(*iph) ||
	    iph->protocol != IPPROTO_UDP)
		return false;
	/* only the first fragment carries the UDP header */
	if (iph->frag_off & htons(0x1fff))
		return false;
	if (len < sizeof(*eth) + ihl + sizeof(*udph) + sizeof(magic))
		return false;

	udph = (const void *)(buf + sizeof(*eth) + ihl);
	if (udph->dest != htons(port))
		return false;

	memcpy(&magic, udph + 1, sizeof(magic));
	return magic == htonl(PKTGEN_MAGIC);
}

static int open_tap(const struct cfg *cfg)
{
	struct sockaddr_ll sll = {};
	int size = RCVBUF_SIZE;
	int fd, ifindex;

	ifindex = if_nametoindex(cfg->ifname);
	if (!ifindex) {
		fprintf(stderr, "if_nametoindex(%s): %s\n", cfg->ifname,
			strerror(errno));
		return -1;
	}

	/* protocol 0: receive nothing until bound to the interface */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("socket(AF_PACKET)");
		return -1;
	}

	/* FORCE needs CAP_NET_ADMIN; fall back to the capped variant */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)))
		perror("setsockopt(SO_RCVBUF)");

	/* ETH_P_ALL taps see outgoing frames as well */
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("bind(AF_PACKET)");
		close(fd);
		return -1;
	}

	return fd;
}

static int signal_ready(const struct cfg *cfg)
{
	int fd;

	if (!cfg->ready_file) {
		printf("ready\n");
		return fflush(stdout) ? -1 : 0;
	}

	fd = open(cfg->ready_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		perror("open(ready file)");
		return -1;
	}
	close(fd);
	return 0;
}

/* Read all queued frames without blocking; returns -1 on error. */
static int drain(int fd, const struct cfg *cfg, unsigned long *count)
{
	unsigned char buf[2048];
	struct sockaddr_ll sll;
	socklen_t alen;
	ssize_t len;
	bool out;

	for (;;) {
		alen = sizeof(sll);
		len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			       (struct sockaddr *)&sll, &alen);
		if (len < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			perror("recvfrom");
			return -1;
		}

		out = sll.sll_pkttype == PACKET_OUTGOING;
		if (out == cfg->outgoing && is_marker(buf, len, cfg->port))
			(*count)++;
	}
}

int main(int argc, char **argv)
{
	long long deadline, settle_end = 0, now;
	struct tpacket_stats st = {};
	socklen_t slen = sizeof(st);
	unsigned long count = 0;
	struct pollfd pfd[2];
	struct cfg cfg;
	int fd, sfd, ret;
	sigset_t mask;

	parse_opts(argc, argv, &cfg);

	/* SIGTERM/SIGINT end the capture in an orderly way, see below */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL)) {
		perror("sigprocmask");
		return 1;
	}
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		perror("signalfd");
		return 1;
	}

	fd = open_tap(&cfg);
	if (fd < 0)
		return 1;

	/* reading the statistics resets them */
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &slen);

	if (signal_ready(&cfg))
		return 1;

	deadline = now_ms() + cfg.timeout_ms;
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;

	for (;;) {
		long long end = settle_end ? settle_end : deadline;

		now = now_ms();
		if (now >= end)
			break;

		ret = poll(pfd, 2, end - now);
		if (ret < 0 && errno != EINTR) {
			perror("poll");
			return 1;
		}
		if (ret > 0 && (pfd[0].revents & POLLIN) &&
		    drain(fd, &cfg, &count))
			return 1;
		if (ret > 0 && pfd[1].revents)
			break;

		if (cfg.expected && count >= cfg.expected && !settle_end)
			settle_end = now_ms() + cfg.settle_ms;
	}

	/* collect whatever was queued before the stop */
	if (drain(fd, &cfg, &count))
		return 1;

	slen = sizeof(st);
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &slen)) {
		perror("getsockopt(PACKET_STATISTICS)");
		return 1;
	}
	close(fd);
	close(sfd);

	printf("%lu\n", count);
	fflush(stdout);

	if (st.tp_drops) {
		fprintf(stderr,
			"%s: capture dropped %u frames, count unreliable\n",
			cfg.ifname, st.tp_drops);
		return 1;
	}
	return 0;
}
