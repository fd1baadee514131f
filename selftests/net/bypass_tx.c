// SPDX-License-Identifier: GPL-2.0
/*
 * Send N IPv4/UDP marker frames 198.18.0.1 -> 198.18.0.2 to a UDP port,
 * with a pktgen style payload (magic 0xbe9be955, sequence number), using
 *   packet:        AF_PACKET SOCK_RAW, i.e. dev_queue_xmit()
 *   packet-bypass: the same with PACKET_QDISC_BYPASS, i.e. __dev_direct_xmit()
 *   xsk-copy:      AF_XDP in XDP_COPY mode on queue 0 (uapi only, no XDP
 *                  program needed), i.e. __dev_direct_xmit() as well
 *
 * Fails unless all N frames were sent (AF_XDP: completed) before the
 * timeout; exits with 4 (KSFT_SKIP) if the kernel lacks AF_XDP.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <error.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <netinet/ether.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_XDP
#define AF_XDP		44
#endif
#ifndef SOL_XDP
#define SOL_XDP		283
#endif

#define PKTGEN_MAGIC	0xbe9be955
/* 14 + 20 + 8 + 18: the 60 byte frame of pktgen's "pkt_size 60" */
#define PAYLOAD_LEN	18
#define FRAME_LEN	(ETH_HLEN + sizeof(struct iphdr) + \
			 sizeof(struct udphdr) + PAYLOAD_LEN)
#define KSFT_SKIP	4
#define XSK_FRAMES	64
#define XSK_FRAME_SIZE	4096

static const char *cfg_ifname;
static int cfg_mode = -1;	/* index into modes[] */
static unsigned long cfg_count;
static unsigned int cfg_port;
static long long cfg_timeout_ms = 10000;
static struct ether_addr cfg_dst = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static unsigned char src_mac[ETH_ALEN];
static int ifindex;
static const char * const modes[] = { "packet", "packet-bypass", "xsk-copy" };

struct ring {
	__u32 *producer, *consumer, size;
	void *desc;
};

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

static void bad_usage(const char *prog)
{
	error(2, 0, "usage: %s -i IFACE -m packet|packet-bypass|xsk-copy -n N\n"
	      "\t-p PORT [-D DST_MAC] [-t TIMEOUT_MS]", prog);
}

static void parse_opts(int argc, char **argv)
{
	struct ether_addr *mac;
	int c, i;

	while ((c = getopt(argc, argv, "i:m:n:p:D:t:")) != -1) {
		switch (c) {
		case 'i':
			cfg_ifname = optarg;
			break;
		case 'm':
			for (i = 0; i < 3; i++)
				if (!strcmp(optarg, modes[i]))
					cfg_mode = i;
			break;
		case 'n':
			cfg_count = num(optarg, UINT_MAX);
			break;
		case 'p':
			cfg_port = num(optarg, 65535);
			break;
		case 'D':
			mac = ether_aton(optarg);
			if (!mac)
				error(2, 0, "invalid MAC address: %s", optarg);
			cfg_dst = *mac;
			break;
		case 't':
			cfg_timeout_ms = num(optarg, INT_MAX);
			break;
		default:
			bad_usage(argv[0]);
		}
	}
	if (!cfg_ifname || cfg_mode < 0 || !cfg_count || !cfg_port ||
	    optind != argc)
		bad_usage(argv[0]);
}

static void get_if_info(void)
{
	struct ifreq ifr = {};
	int fd;

	ifindex = if_nametoindex(cfg_ifname);
	if (!ifindex)
		error(1, errno, "if_nametoindex(%s)", cfg_ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		error(1, errno, "socket(AF_INET)");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", cfg_ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		error(1, errno, "ioctl(SIOCGIFHWADDR)");
	memcpy(src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	close(fd);
}

static __u16 ip_csum(const void *data, size_t len)
{
	const __u16 *p = data;
	__u32 sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Write marker frame number seq into buf, FRAME_LEN bytes. */
static void build_frame(unsigned char *buf, __u32 seq)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *iph = (void *)(eth + 1);
	struct udphdr *udph = (void *)(iph + 1);
	__u32 *payload = (void *)(udph + 1);

	memset(buf, 0, FRAME_LEN);
	memcpy(eth->h_dest, &cfg_dst, ETH_ALEN);
	memcpy(eth->h_source, src_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);

	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tot_len = htons(FRAME_LEN - ETH_HLEN);
	iph->id = htons(seq & 0xffff);
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = htonl(0xc6120001);	/* 198.18.0.1 */
	iph->daddr = htonl(0xc6120002);	/* 198.18.0.2 */
	iph->check = ip_csum(iph, sizeof(*iph));

	udph->source = htons(9);
	udph->dest = htons(cfg_port);
	udph->len = htons(sizeof(*udph) + PAYLOAD_LEN);

	/* struct pktgen_hdr: magic, seq_num, tv_sec, tv_usec */
	payload[0] = htonl(PKTGEN_MAGIC);
	payload[1] = htonl(seq);
}

static void check_deadline(long long deadline, unsigned long done)
{
	if (now_ms() > deadline)
		error(1, 0, "timeout: %lu of %lu frames sent", done, cfg_count);
}

static void send_packet(void)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
	};
	long long deadline = now_ms() + cfg_timeout_ms;
	unsigned char frame[FRAME_LEN];
	unsigned long sent = 0;
	struct pollfd pfd;
	int fd, one = 1;

	/* protocol 0: transmit only */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		error(1, errno, "socket(AF_PACKET)");
	if (cfg_mode == 1 &&
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		error(1, errno, "setsockopt(PACKET_QDISC_BYPASS)");
	if (bind(fd, (void *)&sll, sizeof(sll)))
		error(1, errno, "bind(AF_PACKET)");

	pfd.fd = fd;
	pfd.events = POLLOUT;
	while (sent < cfg_count) {
		check_deadline(deadline, sent);
		build_frame(frame, sent);
		if (send(fd, frame, FRAME_LEN, MSG_DONTWAIT) == FRAME_LEN) {
			sent++;
			continue;
		}
		if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR)
			error(1, errno, "send");
		/* back-pressure: wait for room */
		poll(&pfd, 1, 1);
	}
	close(fd);
}

static void map_ring(int fd, const struct xdp_ring_offset *off,
		     size_t desc_size, off_t pgoff, struct ring *r)
{
	char *map;

	map = mmap(NULL, off->desc + XSK_FRAMES * desc_size,
		   PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		   fd, pgoff);
	if (map == MAP_FAILED)
		error(1, errno, "mmap(xsk ring)");
	r->producer = (void *)(map + off->producer);
	r->consumer = (void *)(map + off->consumer);
	r->desc = map + off->desc;
	r->size = XSK_FRAMES;
}

static void send_xsk(void)
{
	struct sockaddr_xdp sxdp = {
		.sxdp_family = AF_XDP,
		.sxdp_flags = XDP_COPY,
		.sxdp_ifindex = ifindex,
	};
	long long deadline = now_ms() + cfg_timeout_ms;
	unsigned long sent = 0, done = 0;
	__u32 size = XSK_FRAMES, nfree = 0;
	struct xdp_mmap_offsets off;
	__u64 free_addrs[XSK_FRAMES];
	struct xdp_umem_reg mr = {};
	struct ring tx, cq;
	socklen_t optlen;
	char *umem;
	int fd;

	umem = mmap(NULL, XSK_FRAMES * XSK_FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (umem == MAP_FAILED)
		error(1, errno, "mmap(umem)");
	for (nfree = 0; nfree < XSK_FRAMES; nfree++)
		free_addrs[nfree] = (__u64)nfree * XSK_FRAME_SIZE;

	fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		error(errno == EAFNOSUPPORT ? KSFT_SKIP : 1, errno,
		      "socket(AF_XDP)");
	mr.addr = (__u64)(unsigned long)umem;
	mr.len = XSK_FRAMES * XSK_FRAME_SIZE;
	mr.chunk_size = XSK_FRAME_SIZE;
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &mr, sizeof(mr)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_FILL_RING, &size, sizeof(size)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &size,
		       sizeof(size)) ||
	    setsockopt(fd, SOL_XDP, XDP_TX_RING, &size, sizeof(size)))
		error(1, errno, "setsockopt(SOL_XDP)");
	optlen = sizeof(off);
	if (getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen))
		error(1, errno, "getsockopt(XDP_MMAP_OFFSETS)");
	map_ring(fd, &off.tx, sizeof(struct xdp_desc), XDP_PGOFF_TX_RING, &tx);
	map_ring(fd, &off.cr, sizeof(__u64), XDP_UMEM_PGOFF_COMPLETION_RING,
		 &cq);
	if (bind(fd, (void *)&sxdp, sizeof(sxdp)))
		error(1, errno, "bind(AF_XDP, XDP_COPY)");

	while (done < cfg_count) {
		struct xdp_desc *descs = tx.desc;
		__u64 *addrs = cq.desc;
		__u32 prod = *tx.producer, cons;
		int queued = 0;

		check_deadline(deadline, done);
		/* the ring has as many slots as there are frames */
		for (; sent < cfg_count && nfree; sent++, queued++, prod++) {
			struct xdp_desc *d = &descs[prod & (tx.size - 1)];

			d->addr = free_addrs[--nfree];
			d->len = FRAME_LEN;
			d->options = 0;
			build_frame((unsigned char *)umem + d->addr, sent);
		}
		__atomic_store_n(tx.producer, prod, __ATOMIC_RELEASE);

		/* copy mode transmits from the sendmsg() context */
		if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS &&
		    errno != EINTR)
			error(1, errno, "sendto(AF_XDP)");

		/* completions may come later, when the skb is freed */
		cons = *cq.consumer;
		prod = __atomic_load_n(cq.producer, __ATOMIC_ACQUIRE);
		for (; cons != prod; cons++, done++)
			free_addrs[nfree++] = addrs[cons & (cq.size - 1)];
		__atomic_store_n(cq.consumer, cons, __ATOMIC_RELEASE);
		if (!queued && done < cfg_count)
			usleep(1000);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	parse_opts(argc, argv);
	get_if_info();
	if (cfg_mode == 2)
		send_xsk();
	else
		send_packet();
	return 0;
}
