// SPDX-License-Identifier: GPL-2.0
/*
 * Count the marker frames a network tap sees: an AF_PACKET ETH_P_ALL socket
 * bound to one interface counts IPv4/UDP frames to a UDP port whose payload
 * starts with the pktgen magic 0xbe9be955; "-d out" counts PACKET_OUTGOING
 * frames, "-d in" all others. -S/-D: the IPv4 source/destination must match.
 *
 * -c: SOCK_DGRAM (cooked, as tcpdump -i any): a frame counts only if
 *     sll_protocol (skb->protocol) is ETH_P_IP and the IPv4 header starts
 *     the data (the network header is right).
 * -H: hold: read nothing until stopped, so that the kernel keeps all the
 *     clones queued meanwhile, as a busy non-mmap capture does.
 *
 * Ready once bound: creates the -r file, or prints "ready". Stops settle ms
 * after the -n expected frames were seen (to catch duplicates), on SIGTERM
 * or SIGINT, or at the timeout; then drains the socket and prints the count.
 * Fails if PACKET_STATISTICS reports drops: the count is then unreliable.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <error.h>
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

static const char *cfg_ifname, *cfg_ready_file;
static bool cfg_out = true, cfg_cooked, cfg_hold;
static unsigned long cfg_expected;
static unsigned int cfg_port;
static long long cfg_timeout_ms = 10000, cfg_settle_ms = 200;
static struct in_addr cfg_saddr, cfg_daddr;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static unsigned long num(const char *s, unsigned long max)
{
	unsigned long val;
	char *end;

	errno = 0;
	val = strtoul(s, &end, 0);
	if (errno || !*s || *end || *s == '-' || val > max)
		error(2, 0, "invalid number: %s", s);
	return val;
}

static void addr(const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1)
		error(2, 0, "invalid IPv4 address: %s", s);
}

static void bad_usage(const char *prog)
{
	error(2, 0, "usage: %s -i IFACE -p PORT [-d out|in] [-n EXPECTED]\n"
	      "\t[-c] [-H] [-S SRC_IP] [-D DST_IP] [-t TIMEOUT_MS]\n"
	      "\t[-s SETTLE_MS] [-r READY_FILE]", prog);
}

static void parse_opts(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "i:p:d:n:t:s:r:cHS:D:")) != -1) {
		switch (c) {
		case 'i':
			cfg_ifname = optarg;
			break;
		case 'p':
			cfg_port = num(optarg, USHRT_MAX);
			break;
		case 'd':
			if (strcmp(optarg, "out") && strcmp(optarg, "in"))
				bad_usage(argv[0]);
			cfg_out = !strcmp(optarg, "out");
			break;
		case 'n':
			cfg_expected = num(optarg, ULONG_MAX);
			break;
		case 't':
			cfg_timeout_ms = num(optarg, INT_MAX);
			break;
		case 's':
			cfg_settle_ms = num(optarg, INT_MAX);
			break;
		case 'r':
			cfg_ready_file = optarg;
			break;
		case 'c':
			cfg_cooked = true;
			break;
		case 'H':
			cfg_hold = true;
			break;
		case 'S':
			addr(optarg, &cfg_saddr);
			break;
		case 'D':
			addr(optarg, &cfg_daddr);
			break;
		default:
			bad_usage(argv[0]);
		}
	}
	if (!cfg_ifname || !cfg_port || optind != argc)
		bad_usage(argv[0]);
}

/* Is this one of our marker frames? buf starts at the link layer header,
 * or at the network header if cooked.
 */
static bool is_marker(const unsigned char *buf, size_t len,
		      const struct sockaddr_ll *sll)
{
	size_t l3 = cfg_cooked ? 0 : ETH_HLEN;
	const struct ethhdr *eth = (const void *)buf;
	const struct iphdr *iph = (const void *)(buf + l3);
	const struct udphdr *udph;
	__u32 magic;

	if (len < l3 + sizeof(*iph))
		return false;
	if ((cfg_cooked ? sll->sll_protocol : eth->h_proto) != htons(ETH_P_IP))
		return false;
	if (iph->version != 4 || iph->ihl < 5 || iph->protocol != IPPROTO_UDP)
		return false;
	if ((cfg_saddr.s_addr && iph->saddr != cfg_saddr.s_addr) ||
	    (cfg_daddr.s_addr && iph->daddr != cfg_daddr.s_addr))
		return false;
	/* only the first fragment carries the UDP header */
	if (iph->frag_off & htons(0x1fff))
		return false;
	udph = (const void *)(buf + l3 + iph->ihl * 4);
	if (len < l3 + iph->ihl * 4 + sizeof(*udph) + sizeof(magic))
		return false;
	memcpy(&magic, udph + 1, sizeof(magic));
	return udph->dest == htons(cfg_port) && magic == htonl(PKTGEN_MAGIC);
}

static int open_tap(void)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	int fd, size = 8 << 20;

	sll.sll_ifindex = if_nametoindex(cfg_ifname);
	if (!sll.sll_ifindex)
		error(1, errno, "if_nametoindex(%s)", cfg_ifname);
	/* protocol 0: receive nothing until bound to the interface */
	fd = socket(AF_PACKET, (cfg_cooked ? SOCK_DGRAM : SOCK_RAW) |
		    SOCK_CLOEXEC, 0);
	if (fd < 0)
		error(1, errno, "socket(AF_PACKET)");
	/* FORCE needs CAP_NET_ADMIN; fall back to the capped variant */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)))
		error(1, errno, "setsockopt(SO_RCVBUF)");
	if (bind(fd, (void *)&sll, sizeof(sll)))
		error(1, errno, "bind(AF_PACKET)");
	return fd;
}

/* Count all queued frames, without blocking. */
static void drain(int fd, unsigned long *count)
{
	unsigned char buf[2048];
	struct sockaddr_ll sll;
	socklen_t alen;
	ssize_t len;
	bool out;

	for (;;) {
		alen = sizeof(sll);
		len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			       (void *)&sll, &alen);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (len < 0)
			error(1, errno, "recvfrom");
		out = sll.sll_pkttype == PACKET_OUTGOING;
		if (out == cfg_out && is_marker(buf, len, &sll))
			(*count)++;
	}
}

int main(int argc, char **argv)
{
	long long end, settle_end = 0;
	struct tpacket_stats st = {};
	socklen_t slen = sizeof(st);
	unsigned long count = 0;
	struct pollfd pfd[2];
	sigset_t mask;
	int fd;

	parse_opts(argc, argv);

	/* SIGTERM and SIGINT end the capture in order, through a signalfd */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		error(1, errno, "sigprocmask");
	pfd[1].fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (pfd[1].fd < 0)
		error(1, errno, "signalfd");
	pfd[1].events = POLLIN;

	fd = open_tap();
	/* reading the statistics resets them */
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &slen);

	if (cfg_ready_file) {
		int rfd = open(cfg_ready_file, O_WRONLY | O_CREAT | O_CLOEXEC,
			       0600);

		if (rfd < 0)
			error(1, errno, "%s", cfg_ready_file);
		close(rfd);
	} else if (printf("ready\n") < 0 || fflush(stdout)) {
		error(1, errno, "stdout");
	}

	/* a holding tap only waits for the end */
	pfd[0].fd = cfg_hold ? -1 : fd;
	pfd[0].events = POLLIN;
	end = now_ms() + cfg_timeout_ms;
	for (;;) {
		long long left = (settle_end ?: end) - now_ms();

		if (left <= 0)
			break;
		if (poll(pfd, 2, left) < 0) {
			if (errno == EINTR)
				continue;
			error(1, errno, "poll");
		}
		if (pfd[1].revents)
			break;
		if (pfd[0].revents & POLLIN)
			drain(fd, &count);
		if (cfg_expected && count >= cfg_expected && !settle_end)
			settle_end = now_ms() + cfg_settle_ms;
	}
	drain(fd, &count);

	slen = sizeof(st);
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &slen))
		error(1, errno, "getsockopt(PACKET_STATISTICS)");
	printf("%lu\n", count);
	fflush(stdout);
	if (st.tp_drops)
		error(1, 0, "%s: capture dropped %u frames, count unreliable",
		      cfg_ifname, st.tp_drops);
	return 0;
}
