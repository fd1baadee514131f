// SPDX-License-Identifier: GPL-2.0
/*
 * Send marker frames through the transmit paths that bypass the qdisc layer.
 *
 * Sends N IPv4/UDP frames 198.18.0.1 -> 198.18.0.2 to a given UDP port
 * with a pktgen style payload (magic 0xbe9be955, sequence number), using
 *   packet:        AF_PACKET SOCK_RAW, i.e. dev_queue_xmit()
 *   packet-bypass: AF_PACKET SOCK_RAW with PACKET_QDISC_BYPASS,
 *                  i.e. __dev_direct_xmit()
 *   xsk-copy:      AF_XDP socket in XDP_COPY mode on queue 0,
 *                  i.e. __dev_direct_xmit() from xsk_generic_xmit()
 *
 * The AF_XDP path uses the uapi only (no libbpf/libxdp); transmit needs no
 * XDP program. The program fails unless all N frames were sent (for AF_XDP:
 * all N completions were reaped) before the timeout; it exits with 4
 * (KSFT_SKIP) if the kernel lacks AF_XDP support.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
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
/* 14 + 20 + 8 + 18: same 60 byte frame as pktgen's "pkt_size 60" */
#define PAYLOAD_LEN	18
#define FRAME_LEN	(ETH_HLEN + sizeof(struct iphdr) + \
			 sizeof(struct udphdr) + PAYLOAD_LEN)

/* exit status when AF_XDP is not available, as in kselftest.h */
#define KSFT_SKIP	4

#define XSK_FRAMES	64
#define XSK_FRAME_SIZE	4096
#define XSK_RING_SIZE	64

enum tx_mode {
	MODE_PACKET,
	MODE_PACKET_BYPASS,
	MODE_XSK_COPY,
};

struct cfg {
	const char *ifname;
	int ifindex;
	enum tx_mode mode;
	unsigned long count;
	unsigned int port;
	unsigned int timeout_ms;
	unsigned char dst_mac[ETH_ALEN];
	unsigned char src_mac[ETH_ALEN];
};

/* producer/consumer view of one mmap()ed AF_XDP ring */
struct xsk_ring {
	__u32 *producer;
	__u32 *consumer;
	void *desc;
	__u32 size;
	void *map;
	size_t map_len;
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
		"Usage: %s -i IFACE -m packet|packet-bypass|xsk-copy -n N -p PORT\n"
		"\t[-D DST_MAC] [-t TIMEOUT_MS]\n",
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

static void parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[ETH_ALEN];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != ETH_ALEN) {
		fprintf(stderr, "invalid MAC address: %s\n", s);
		exit(2);
	}
	for (i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff) {
			fprintf(stderr, "invalid MAC address: %s\n", s);
			exit(2);
		}
		mac[i] = b[i];
	}
}

static void parse_opts(int argc, char **argv, struct cfg *cfg)
{
	bool have_mode = false;
	int c;

	memset(cfg, 0, sizeof(*cfg));
	memset(cfg->dst_mac, 0xff, ETH_ALEN);
	cfg->timeout_ms = 10000;

	while ((c = getopt(argc, argv, "i:m:n:p:D:t:")) != -1) {
		switch (c) {
		case 'i':
			cfg->ifname = optarg;
			break;
		case 'm':
			have_mode = true;
			if (!strcmp(optarg, "packet"))
				cfg->mode = MODE_PACKET;
			else if (!strcmp(optarg, "packet-bypass"))
				cfg->mode = MODE_PACKET_BYPASS;
			else if (!strcmp(optarg, "xsk-copy"))
				cfg->mode = MODE_XSK_COPY;
			else
				usage(argv[0]);
			break;
		case 'n':
			cfg->count = parse_num(optarg, UINT_MAX, "count");
			break;
		case 'p':
			cfg->port = parse_num(optarg, USHRT_MAX, "port");
			break;
		case 'D':
			parse_mac(optarg, cfg->dst_mac);
			break;
		case 't':
			cfg->timeout_ms = parse_num(optarg, INT_MAX, "timeout");
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!cfg->ifname || !have_mode || !cfg->count || !cfg->port ||
	    optind != argc)
		usage(argv[0]);
}

static int get_if_info(struct cfg *cfg)
{
	struct ifreq ifr = {};
	int fd, ret = 0;

	cfg->ifindex = if_nametoindex(cfg->ifname);
	if (!cfg->ifindex) {
		fprintf(stderr, "if_nametoindex(%s): %s\n", cfg->ifname,
			strerror(errno));
		return -1;
	}

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("socket(AF_INET)");
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", cfg->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		perror("ioctl(SIOCGIFHWADDR)");
		ret = -1;
	} else {
		memcpy(cfg->src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	}
	close(fd);
	return ret;
}

static __u16 ip_csum(const void *data, size_t len)
{
	const __u16 *p = data;
	__u32 sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	if (len)
		sum += *(const __u8 *)p;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Write marker frame number @seq into @buf, which holds FRAME_LEN bytes. */
static void build_frame(const struct cfg *cfg, unsigned char *buf, __u32 seq)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *iph = (void *)(eth + 1);
	struct udphdr *udph = (void *)(iph + 1);
	__u32 *payload = (void *)(udph + 1);

	memset(buf, 0, FRAME_LEN);

	memcpy(eth->h_dest, cfg->dst_mac, ETH_ALEN);
	memcpy(eth->h_source, cfg->src_mac, ETH_ALEN);
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
	udph->dest = htons(cfg->port);
	udph->len = htons(sizeof(*udph) + PAYLOAD_LEN);
	udph->check = 0;	/* no UDP checksum, valid for IPv4 */

	/* struct pktgen_hdr layout: magic, seq_num, tv_sec, tv_usec */
	payload[0] = htonl(PKTGEN_MAGIC);
	payload[1] = htonl(seq);
}

static int send_packet(const struct cfg *cfg)
{
	unsigned char frame[FRAME_LEN];
	struct sockaddr_ll sll = {};
	long long deadline;
	unsigned long sent = 0;
	int fd, one = 1, ret = 1;
	struct pollfd pfd;

	/* protocol 0: transmit only, no receive hook */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("socket(AF_PACKET)");
		return 1;
	}

	if (cfg->mode == MODE_PACKET_BYPASS &&
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
		       sizeof(one))) {
		perror("setsockopt(PACKET_QDISC_BYPASS)");
		goto out;
	}

	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = cfg->ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("bind(AF_PACKET)");
		goto out;
	}

	pfd.fd = fd;
	pfd.events = POLLOUT;
	deadline = now_ms() + cfg->timeout_ms;

	while (sent < cfg->count) {
		long long left = deadline - now_ms();

		if (left <= 0) {
			fprintf(stderr, "timeout after %lu of %lu frames\n",
				sent, cfg->count);
			goto out;
		}

		build_frame(cfg, frame, sent);
		if (send(fd, frame, FRAME_LEN, MSG_DONTWAIT) == FRAME_LEN) {
			sent++;
			continue;
		}
		if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR) {
			perror("send");
			goto out;
		}
		/* back-pressure: wait for room, bounded by the deadline */
		if (poll(&pfd, 1, left) < 0 && errno != EINTR) {
			perror("poll");
			goto out;
		}
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

static int xsk_map_ring(int fd, const struct xdp_ring_offset *off,
			__u32 size, size_t desc_size, off_t pgoff,
			struct xsk_ring *ring)
{
	ring->map_len = off->desc + size * desc_size;
	ring->map = mmap(NULL, ring->map_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, fd, pgoff);
	if (ring->map == MAP_FAILED) {
		perror("mmap(xsk ring)");
		ring->map = NULL;
		return -1;
	}
	ring->producer = (void *)((char *)ring->map + off->producer);
	ring->consumer = (void *)((char *)ring->map + off->consumer);
	ring->desc = (char *)ring->map + off->desc;
	ring->size = size;
	return 0;
}

/* Reap completions; returns the number of frames handed back. */
static __u32 xsk_reap(struct xsk_ring *cq, __u64 *free_addrs, __u32 *nfree)
{
	__u32 cons = *cq->consumer;
	__u32 prod = __atomic_load_n(cq->producer, __ATOMIC_ACQUIRE);
	__u64 *addrs = cq->desc;
	__u32 n = prod - cons;

	for (; cons != prod; cons++)
		free_addrs[(*nfree)++] = addrs[cons & (cq->size - 1)];
	__atomic_store_n(cq->consumer, cons, __ATOMIC_RELEASE);
	return n;
}

static int send_xsk(const struct cfg *cfg)
{
	struct xsk_ring tx = {}, cq = {};
	struct xdp_mmap_offsets off = {};
	struct xdp_umem_reg mr = {};
	struct sockaddr_xdp sxdp = {};
	__u64 free_addrs[XSK_FRAMES];
	unsigned long sent = 0, done = 0;
	__u32 ring_size = XSK_RING_SIZE;
	__u32 nfree = 0, tx_prod;
	socklen_t optlen;
	long long deadline;
	struct pollfd pfd;
	void *umem;
	int fd, i, ret = 1;

	umem = mmap(NULL, XSK_FRAMES * XSK_FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (umem == MAP_FAILED) {
		perror("mmap(umem)");
		return 1;
	}
	for (i = 0; i < XSK_FRAMES; i++)
		free_addrs[nfree++] = (__u64)i * XSK_FRAME_SIZE;

	fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("socket(AF_XDP)");
		/* tell the caller to skip, see KSFT_SKIP */
		if (errno == EAFNOSUPPORT)
			ret = KSFT_SKIP;
		goto out_umem;
	}

	mr.addr = (__u64)(unsigned long)umem;
	mr.len = XSK_FRAMES * XSK_FRAME_SIZE;
	mr.chunk_size = XSK_FRAME_SIZE;
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &mr, sizeof(mr))) {
		perror("setsockopt(XDP_UMEM_REG)");
		goto out;
	}
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_FILL_RING, &ring_size,
		       sizeof(ring_size)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &ring_size,
		       sizeof(ring_size)) ||
	    setsockopt(fd, SOL_XDP, XDP_TX_RING, &ring_size,
		       sizeof(ring_size))) {
		perror("setsockopt(XDP rings)");
		goto out;
	}

	optlen = sizeof(off);
	if (getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen)) {
		perror("getsockopt(XDP_MMAP_OFFSETS)");
		goto out;
	}
	if (xsk_map_ring(fd, &off.tx, ring_size, sizeof(struct xdp_desc),
			 XDP_PGOFF_TX_RING, &tx) ||
	    xsk_map_ring(fd, &off.cr, ring_size, sizeof(__u64),
			 XDP_UMEM_PGOFF_COMPLETION_RING, &cq))
		goto out;

	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_flags = XDP_COPY;
	sxdp.sxdp_ifindex = cfg->ifindex;
	sxdp.sxdp_queue_id = 0;
	if (bind(fd, (struct sockaddr *)&sxdp, sizeof(sxdp))) {
		perror("bind(AF_XDP, XDP_COPY)");
		goto out;
	}

	/* only used to wait for errors or a 1 ms back-off */
	pfd.fd = fd;
	pfd.events = 0;
	tx_prod = *tx.producer;
	deadline = now_ms() + cfg->timeout_ms;

	while (done < cfg->count) {
		struct xdp_desc *descs = tx.desc;
		long long left = deadline - now_ms();
		__u32 queued = 0;

		if (left <= 0) {
			fprintf(stderr,
				"timeout: %lu queued, %lu of %lu completed\n",
				sent, done, cfg->count);
			goto out;
		}

		/* the ring cannot overflow: it has as many slots as frames */
		while (sent < cfg->count && nfree) {
			struct xdp_desc *d = &descs[tx_prod & (tx.size - 1)];
			__u64 addr = free_addrs[--nfree];

			build_frame(cfg, (unsigned char *)umem + addr, sent);
			d->addr = addr;
			d->len = FRAME_LEN;
			d->options = 0;
			tx_prod++;
			sent++;
			queued++;
		}
		if (queued)
			__atomic_store_n(tx.producer, tx_prod,
					 __ATOMIC_RELEASE);

		/* copy mode transmits from the sendmsg() context */
		if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS &&
		    errno != EINTR) {
			perror("sendto(AF_XDP)");
			goto out;
		}

		done += xsk_reap(&cq, free_addrs, &nfree);

		/*
		 * Completions of copy mode frames arrive when the skb is freed,
		 * possibly later from softirq context: back off for a ms.
		 */
		if (done < cfg->count && !queued &&
		    poll(&pfd, 1, 1) < 0 && errno != EINTR) {
			perror("poll");
			goto out;
		}
	}
	ret = 0;
out:
	if (tx.map)
		munmap(tx.map, tx.map_len);
	if (cq.map)
		munmap(cq.map, cq.map_len);
	close(fd);
out_umem:
	munmap(umem, XSK_FRAMES * XSK_FRAME_SIZE);
	return ret;
}

int main(int argc, char **argv)
{
	struct cfg cfg;

	parse_opts(argc, argv, &cfg);
	if (get_if_info(&cfg))
		return 1;

	if (cfg.mode == MODE_XSK_COPY)
		return send_xsk(&cfg);
	return send_packet(&cfg);
}
