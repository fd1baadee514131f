// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for txgen's library. Prints "ok N - name" / "not ok N - name"
 * per test and a final "N passed, N failed" line; exit status 1 on failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "../config.h"
#include "../lib/neigh.h"
#include "../lib/mix.h"
#include "../lib/params.h"
#include "../lib/pcap.h"
#include "../lib/pkt.h"
#include "../lib/range.h"
#include "../lib/rate.h"
#include "../lib/rxstats.h"
#include "../lib/sender.h"
#include "../lib/stats.h"
#include "../lib/xsock.h"

struct tctx {
	int n, passed, failed;
	int cur_fail;
	const char *cur;
};

#define CHECK(t, cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "  %s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		(t)->cur_fail = 1;					\
	}								\
} while (0)

static void run(struct tctx *t, const char *name, void (*fn)(struct tctx *))
{
	t->cur = name;
	t->cur_fail = 0;
	fn(t);
	t->n++;
	if (t->cur_fail) {
		t->failed++;
		printf("not ok %d - %s\n", t->n, name);
	} else {
		t->passed++;
		printf("ok %d - %s\n", t->n, name);
	}
	fflush(stdout);
}

/* ---- independent reference checksum (deliberately naive) ---- */

static uint16_t ref_csum(const uint8_t *p, size_t len)
{
	unsigned long long s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += ((unsigned)p[i] << 8) + p[i + 1];
	if (len & 1)
		s += (unsigned)p[len - 1] << 8;
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)(~s & 0xffff);
}

/* Verify a frame's UDP checksum by summing pseudo header + UDP segment,
 * checksum field included: a correct segment sums to 0 (after ~). */
static int ref_udp_ok(const uint8_t *f, const struct pkt_layout *lay)
{
	uint8_t buf[128 + 9000];
	const uint8_t *ip = f + lay->l3_off;
	const uint8_t *udp = f + lay->l4_off;
	unsigned ulen = (unsigned)(udp[4] << 8 | udp[5]);
	size_t n = 0;

	if (lay->family == AF_INET) {
		memcpy(buf, ip + 12, 8);
		buf[8] = 0;
		buf[9] = 17;
		buf[10] = (uint8_t)(ulen >> 8);
		buf[11] = (uint8_t)ulen;
		n = 12;
	} else {
		memcpy(buf, ip + 8, 32);
		buf[32] = 0;
		buf[33] = 0;
		buf[34] = (uint8_t)(ulen >> 8);
		buf[35] = (uint8_t)ulen;
		buf[36] = buf[37] = buf[38] = 0;
		buf[39] = 17;
		n = 40;
	}
	memcpy(buf + n, udp, ulen);
	n += ulen;
	if (udp[6] == 0 && udp[7] == 0)
		return 0;	/* 0 means "no checksum": never acceptable here */
	return ref_csum(buf, n) == 0;
}

static void default_spec(struct pkt_spec *s, int family, bool vlan, uint32_t len)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->src_mac, "\x02\x00\x00\x00\x00\x01", 6);
	memset(s->dst_mac, 0xff, 6);
	s->family = family;
	s->vlan = vlan;
	s->vlan_id = 42;
	if (family == AF_INET) {
		inet_pton(AF_INET, "198.18.0.1", s->src_ip);
		inet_pton(AF_INET, "198.18.0.2", s->dst_ip);
	} else {
		inet_pton(AF_INET6, "2001:2::1", s->src_ip);
		inet_pton(AF_INET6, "2001:2::2", s->dst_ip);
	}
	s->src_port = 9;
	s->dst_port = 9;
	s->frame_len = len;
}

/* ---- tests ---- */

static void t_ip4_csum_vector(struct tctx *t)
{
	/* Well-known example header, checksum 0xb861. */
	static const uint8_t h[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};

	CHECK(t, ip4_hdr_csum(h) == 0xb861);
	CHECK(t, ref_csum(h, 20) == 0);
}

static void t_frame_ip4(struct tctx *t)
{
	uint8_t f[2048];
	struct pkt_layout lay;
	struct pkt_spec s;
	uint32_t magic;

	default_spec(&s, AF_INET, false, 60);
	CHECK(t, pkt_build(&s, f, sizeof(f), &lay) == 0);
	CHECK(t, lay.l3_off == 14 && lay.l4_off == 34 && lay.payload_off == 42);
	CHECK(t, lay.len == 60);
	CHECK(t, f[12] == 0x08 && f[13] == 0x00);
	CHECK(t, f[14] == 0x45 && f[23] == 17);
	CHECK(t, (f[16] << 8 | f[17]) == 46);		/* IPv4 total length */
	CHECK(t, (f[38] << 8 | f[39]) == 26);		/* UDP length */
	CHECK(t, ref_csum(f + 14, 20) == 0);		/* header checksum */
	memcpy(&magic, f + 42, 4);
	CHECK(t, ntohl(magic) == PKTGEN_MAGIC);
	CHECK(t, !memcmp(f, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01", 12));
}

static void t_frame_vlan_ip6(struct tctx *t)
{
	uint8_t f[2048];
	struct pkt_layout lay;
	struct pkt_spec s;

	default_spec(&s, AF_INET6, true, 128);
	CHECK(t, pkt_build(&s, f, sizeof(f), &lay) == 0);
	CHECK(t, f[12] == 0x81 && f[13] == 0x00);	/* 802.1Q */
	CHECK(t, (f[14] << 8 | f[15]) == 42);		/* VLAN id */
	CHECK(t, f[16] == 0x86 && f[17] == 0xdd);
	CHECK(t, lay.l3_off == 18 && lay.l4_off == 58 && lay.payload_off == 66);
	CHECK(t, (f[18] >> 4) == 6 && f[24] == 17);
	CHECK(t, (f[22] << 8 | f[23]) == 128 - 58);	/* payload length */
	/* Too small for IPv6+VLAN+pktgen header, and VLAN id out of range. */
	CHECK(t, pkt_min_len(AF_INET6, true) == 82);
	s.frame_len = 81;
	CHECK(t, pkt_build(&s, f, sizeof(f), &lay) == -EINVAL);
	s.frame_len = 128;
	s.vlan_id = 4096;
	CHECK(t, pkt_build(&s, f, sizeof(f), &lay) == -EINVAL);
	CHECK(t, pkt_min_len(AF_INET, true) == 62 && pkt_min_len(AF_INET, false) == 60);
	default_spec(&s, AF_INET, true, 64);
	CHECK(t, pkt_build(&s, f, sizeof(f), &lay) == 0);
	CHECK(t, lay.l3_off == 18 && lay.payload_off == 46);
}

static void t_udp_csum_ip4(struct tctx *t)
{
	uint8_t f[2048];
	struct pkt_layout lay;
	struct pkt_spec s;
	uint32_t len;

	for (len = 60; len <= 1514; len += 97) {
		default_spec(&s, AF_INET, false, len);
		CHECK(t, pkt_build(&s, f, sizeof(f), &lay) == 0);
		CHECK(t, ref_udp_ok(f, &lay));
		CHECK(t, udp_csum(f, &lay) == (f[lay.l4_off + 6] << 8 | f[lay.l4_off + 7]));
	}
}

static void t_udp_csum_ip6(struct tctx *t)
{
	uint8_t f[2048];
	struct pkt_layout lay;
	struct pkt_spec s;
	uint32_t len;

	for (len = 78; len <= 1514; len += 101) {
		default_spec(&s, AF_INET6, len & 1, len);
		CHECK(t, pkt_build(&s, f, sizeof(f), &lay) == 0);
		CHECK(t, ref_udp_ok(f, &lay));
	}
}

/* The hot-path patch must produce exactly what a full rebuild produces. */
static void t_patch_matches_rebuild(struct tctx *t)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	uint8_t f[2048], g[2048];
	struct pkt_layout lay, lay2;
	struct pkt_tmpl tm;
	struct pkt_spec s;
	struct pkt_vars v;
	int fi, i;

	for (fi = 0; fi < 2; fi++) {
		default_spec(&s, fams[fi], fi == 1, fi ? 100 : 61);
		CHECK(t, pkt_build(&s, f, sizeof(f), &lay) == 0);
		pkt_tmpl_init(&tm, f, &lay);
		for (i = 0; i < 200; i++) {
			memset(&v, 0, sizeof(v));
			v.seq = (uint32_t)i * 2654435761u;
			v.tv_sec = 1700000000u + (uint32_t)i;
			v.tv_usec = (uint32_t)i * 4999u % 1000000u;
			memcpy(v.src_mac, s.src_mac, 6);
			memcpy(v.dst_mac, "\x02\x11\x22\x33\x44\x55", 6);
			memcpy(v.src_ip, s.src_ip, 16);
			memcpy(v.dst_ip, s.dst_ip, 16);
			v.src_ip[fi ? 15 : 3] = (uint8_t)i;
			v.dst_ip[fi ? 14 : 2] = (uint8_t)(255 - i);
			v.src_port = (uint16_t)(i * 313);
			v.dst_port = (uint16_t)(65535 - i);
			pkt_patch(f, &tm, &v, PKT_VARY_MAC | PKT_VARY_IP | PKT_VARY_PORT);
			CHECK(t, ref_udp_ok(f, &lay));
			if (fams[fi] == AF_INET)
				CHECK(t, ref_csum(f + lay.l3_off, 20) == 0);

			/* Independent rebuild from scratch with the same values. */
			memcpy(s.dst_mac, v.dst_mac, 6);
			memcpy(s.src_ip, v.src_ip, 16);
			memcpy(s.dst_ip, v.dst_ip, 16);
			s.src_port = v.src_port;
			s.dst_port = v.dst_port;
			CHECK(t, pkt_build(&s, g, sizeof(g), &lay2) == 0);
			{
				uint32_t be[3] = { htonl(v.seq), htonl(v.tv_sec), htonl(v.tv_usec) };

				memcpy(g + lay2.payload_off + 4, be, 12);
				g[lay2.l4_off + 6] = 0;
				g[lay2.l4_off + 7] = 0;
				{
					uint16_t c = udp_csum(g, &lay2);

					g[lay2.l4_off + 6] = (uint8_t)(c >> 8);
					g[lay2.l4_off + 7] = (uint8_t)c;
				}
			}
			CHECK(t, !memcmp(f, g, lay.len));
		}
		/* Without ranges only seq/time change and checksums stay right. */
		v.seq = 7;
		pkt_patch(f, &tm, &v, 0);
		CHECK(t, ref_udp_ok(f, &lay));
		/* The loop's fast path (sums fixed per batch, seq per frame)
		 * writes what pkt_patch() writes: a fresh template frame for
		 * the sums, the patched frame's addresses and ports left as
		 * the last ranged patch made them. */
		CHECK(t, pkt_build(&s, g, sizeof(g), &lay2) == 0);
		memcpy(f, g, lay.len);
		for (i = 0; i < 300; i++) {
			uint32_t fixed;

			v.seq = 0xffff0000u + (uint32_t)i * 977u;
			v.tv_sec = 0xfffffff0u + (uint32_t)i;
			v.tv_usec = ((uint32_t)i * 3511u % 1000000u) | (uint32_t)(i % 5) << 28;
			fixed = pkt_fixed_sum(&tm, g, &v);
			pkt_patch(f, &tm, &v, 0);
			pkt_patch_seq(g, &lay, fixed, &v);
			CHECK(t, !memcmp(f, g, lay.len) && ref_udp_ok(g, &lay));
		}
	}
}

static void t_range_sequential(struct tctx *t)
{
	struct range r = { 10, 12 };
	struct range_iter it;
	uint64_t got[7];
	int i;

	range_iter_init(&it, &r, false, 1);
	for (i = 0; i < 7; i++)
		got[i] = range_next(&it);
	CHECK(t, got[0] == 10 && got[1] == 11 && got[2] == 12 && got[3] == 10 &&
		 got[4] == 11 && got[5] == 12 && got[6] == 10);
	r.lo = r.hi = 5;
	range_iter_init(&it, &r, false, 1);
	CHECK(t, range_next(&it) == 5 && range_next(&it) == 5);
	/* Wrap at the top of the type's range. */
	r.lo = 65534;
	r.hi = 65535;
	range_iter_init(&it, &r, false, 1);
	CHECK(t, range_next(&it) == 65534 && range_next(&it) == 65535 &&
		 range_next(&it) == 65534);
}

static void t_range_random(struct tctx *t)
{
	struct range r = { 1000, 1009 };
	struct range_iter it;
	int seen[10] = { 0 }, i, all = 1;
	uint64_t v;

	range_iter_init(&it, &r, true, 12345);
	for (i = 0; i < 10000; i++) {
		v = range_next(&it);
		CHECK(t, v >= 1000 && v <= 1009);
		if (v >= 1000 && v <= 1009)
			seen[v - 1000]++;
	}
	for (i = 0; i < 10; i++)
		all &= seen[i] > 500;	/* roughly uniform */
	CHECK(t, all);
}

static void t_range_parse(struct tctx *t)
{
	struct ip_range ip;
	struct range r;
	uint8_t a[16];

	CHECK(t, range_parse_u16("9", &r) == 0 && r.lo == 9 && r.hi == 9);
	CHECK(t, range_parse_u16("1000-2000", &r) == 0 && r.lo == 1000 && r.hi == 2000);
	CHECK(t, range_parse_u16("2000-1000", &r) == -EINVAL);
	CHECK(t, range_parse_u16("65536", &r) == -EINVAL);
	CHECK(t, range_parse_u16("1-", &r) == -EINVAL);
	CHECK(t, range_parse_u16("-1", &r) == -EINVAL);
	CHECK(t, range_parse_u16("x", &r) == -EINVAL);
	CHECK(t, range_parse_mac("02:00:00:00:00:01-02:00:00:00:01:00", &r) == 0 &&
		 r.lo == 0x020000000001ULL && r.hi == 0x020000000100ULL);
	CHECK(t, range_parse_mac("02:00:00:00:00", &r) == -EINVAL);
	CHECK(t, range_parse_mac("02:00:00:00:00:0g", &r) == -EINVAL);
	CHECK(t, range_parse_mac("02-00-00-00-00-01", &r) == -EINVAL);
	CHECK(t, range_parse_ip("198.18.0.1-198.18.1.0", &ip) == 0 &&
		 ip.family == AF_INET && ip.r.hi - ip.r.lo == 255);
	ip_range_addr(&ip, ip.r.lo + 3, a);
	CHECK(t, !memcmp(a, "\xc6\x12\x00\x04", 4));
	CHECK(t, range_parse_ip("198.18.0.9-198.18.0.1", &ip) == -EINVAL);
	CHECK(t, range_parse_ip("198.18.0.1-2001:2::1", &ip) == -EINVAL);
	CHECK(t, range_parse_ip("198.18.0", &ip) == -EINVAL);
	CHECK(t, range_parse_ip("2001:2::1-2001:2::ff", &ip) == 0 &&
		 ip.family == AF_INET6 && ip.r.lo == 1 && ip.r.hi == 255);
	ip_range_addr(&ip, 0x10, a);
	CHECK(t, a[0] == 0x20 && a[1] == 0x01 && a[3] == 0x02 && a[15] == 0x10);
	CHECK(t, range_parse_ip("2001:2::1-2001:3::1", &ip) == -EINVAL);
}

static void t_rate_parse(struct tctx *t)
{
	struct rate_spec r;

	CHECK(t, rate_parse("100kpps", &r) == 0 && r.unit == RATE_PPS && r.value == 1e5);
	CHECK(t, rate_parse("1Mpps", &r) == 0 && r.unit == RATE_PPS && r.value == 1e6);
	CHECK(t, rate_parse("1.5Mpps", &r) == 0 && r.value == 1.5e6);
	CHECK(t, rate_parse("2500", &r) == 0 && r.unit == RATE_PPS && r.value == 2500);
	CHECK(t, rate_parse("100k", &r) == 0 && r.unit == RATE_PPS && r.value == 1e5);
	CHECK(t, rate_parse("1Mbit", &r) == 0 && r.unit == RATE_BPS && r.value == 1e6);
	CHECK(t, rate_parse("100Mbit", &r) == 0 && r.unit == RATE_BPS && r.value == 1e8);
	CHECK(t, rate_parse("10Gbit", &r) == 0 && r.unit == RATE_BPS && r.value == 1e10);
	CHECK(t, rate_parse("64kbit/s", &r) == 0 && r.value == 64e3);
	CHECK(t, rate_parse("0", &r) == -EINVAL);
	CHECK(t, rate_parse("0pps", &r) == -EINVAL);
	CHECK(t, rate_parse("-5kpps", &r) == -EINVAL);
	CHECK(t, rate_parse("0.5", &r) == -EINVAL);
	CHECK(t, rate_parse("fast", &r) == -EINVAL);
	CHECK(t, rate_parse("10 kpps", &r) == -EINVAL);
	CHECK(t, rate_parse("10furlongs", &r) == -EINVAL);
	CHECK(t, rate_parse("", &r) == -EINVAL);
	CHECK(t, rate_parse("nan", &r) == -EINVAL);
	CHECK(t, rate_parse("inf", &r) == -EINVAL);
}

static void t_rate_bucket(struct tctx *t)
{
	struct rate_spec r = { RATE_PPS, 100000 };
	struct rate_bucket b;
	uint64_t now = 1000000000ull, total = 0;
	int i;

	/* Ask for 64 every 10 us over one simulated second: 100k granted. */
	rate_bucket_init(&b, &r, 60, 64, now);
	for (i = 0; i < 100000; i++) {
		now += 10000;
		total += rate_take(&b, now, 64);
	}
	CHECK(t, total >= 99000 && total <= 101000);
	/* Bit rate: 60-byte frames at 48 Mbit/s = 100k pps. */
	r.unit = RATE_BPS;
	r.value = 48e6;
	rate_bucket_init(&b, &r, 60, 64, now);
	total = 0;
	for (i = 0; i < 100000; i++) {
		now += 10000;
		total += rate_take(&b, now, 64);
	}
	CHECK(t, total >= 99000 && total <= 101000);
	/* An idle second saves up only the catch-up window (20 ms = 2000
	 * packets here) or the burst, whichever is larger. */
	now += 1000000000ull;
	CHECK(t, b.burst == 64);
	CHECK(t, rate_take(&b, now, 5000) == 2000);
	CHECK(t, rate_wait_ns(&b, 1) > 0);
	r.unit = RATE_PPS;
	r.value = 1000;
	rate_bucket_init(&b, &r, 60, 500, now);
	now += 1000000000ull;
	CHECK(t, rate_take(&b, now, 5000) == 500);
	/* Chunks: half the burst, at most 1 ms worth, at least one. */
	CHECK(t, rate_chunk(&b, 1000000) == 1);		/* 1 kpps: 1 per ms */
	r.value = 50000;
	rate_bucket_init(&b, &r, 60, 64, now);
	CHECK(t, rate_chunk(&b, 1000000) == 32);
	r.value = 10000;
	rate_bucket_init(&b, &r, 60, 64, now);
	CHECK(t, rate_chunk(&b, 1000000) == 10);
	r.value = 1;
	rate_bucket_init(&b, &r, 60, 64, now);
	CHECK(t, rate_chunk(&b, 1000000) == 1);
	rate_bucket_init(&b, NULL, 60, 64, now);
	CHECK(t, rate_take(&b, now, 4096) == 4096 && rate_wait_ns(&b, 100) == 0);
}

/* ---- rtnetlink replies of the next-hop lookup ---- */

struct nlbuf {
	char b[1024] __attribute__((aligned(8)));
	size_t len;
	struct nlmsghdr *cur;
};

static void *nl_msg(struct nlbuf *n, uint16_t type, size_t hdrlen)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(n->b + n->len);

	memset(nh, 0, NLMSG_SPACE(hdrlen));
	nh->nlmsg_type = type;
	nh->nlmsg_len = NLMSG_LENGTH(hdrlen);
	n->cur = nh;
	return NLMSG_DATA(nh);
}

static void nl_attr(struct nlbuf *n, uint16_t type, const void *data, size_t len)
{
	struct nlmsghdr *nh = n->cur;
	struct rtattr *a = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void nl_end(struct nlbuf *n)
{
	n->len += NLMSG_ALIGN(n->cur->nlmsg_len);
}

static void t_neigh_parse(struct tctx *t)
{
	static const uint8_t gw[4] = { 198, 18, 0, 254 }, hopa[4] = { 198, 18, 0, 2 };
	static const uint8_t mac[6] = { 2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	struct neigh_hop hop;
	struct nlmsgerr *e;
	struct ndmsg *nd;
	struct rtmsg *rt;
	struct nlbuf n;
	uint32_t oif = 7;
	uint16_t st;
	bool found;
	int seen;

	/* A unicast route via a gateway on the device. */
	memset(&n, 0, sizeof(n));
	memset(&hop, 0, sizeof(hop));
	hop.family = AF_INET;
	rt = nl_msg(&n, RTM_NEWROUTE, sizeof(*rt));
	rt->rtm_family = AF_INET;
	rt->rtm_type = RTN_UNICAST;
	nl_attr(&n, RTA_OIF, &oif, 4);
	nl_attr(&n, RTA_GATEWAY, gw, 4);
	nl_end(&n);
	CHECK(t, neigh_parse_route(n.b, n.len, 7, &hop) == 0);
	CHECK(t, hop.via_gateway && !memcmp(hop.addr, gw, 4));
	/* The same route leaves through another device: not usable here. */
	CHECK(t, neigh_parse_route(n.b, n.len, 8, &hop) == -ENETUNREACH);
	/* A local address is no next hop. */
	rt->rtm_type = RTN_LOCAL;
	CHECK(t, neigh_parse_route(n.b, n.len, 7, &hop) == -ENETUNREACH);
	/* The kernel's error is passed on. */
	memset(&n, 0, sizeof(n));
	e = nl_msg(&n, NLMSG_ERROR, sizeof(*e));
	e->error = -ENETUNREACH;
	nl_end(&n);
	CHECK(t, neigh_parse_route(n.b, n.len, 7, &hop) == -ENETUNREACH);

	/* Neighbour dump: an entry on another device, an incomplete one, a
	 * usable one, then the end of the dump. */
	memset(&n, 0, sizeof(n));
	memset(&hop, 0, sizeof(hop));
	hop.family = AF_INET;
	memcpy(hop.addr, hopa, 4);
	nd = nl_msg(&n, RTM_NEWNEIGH, sizeof(*nd));
	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = 3;
	nd->ndm_state = NUD_PERMANENT;
	nl_attr(&n, NDA_DST, hopa, 4);
	nl_attr(&n, NDA_LLADDR, "\x02\x01\x01\x01\x01\x01", 6);
	nl_end(&n);
	nd = nl_msg(&n, RTM_NEWNEIGH, sizeof(*nd));
	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = 7;
	nd->ndm_state = NUD_INCOMPLETE;
	nl_attr(&n, NDA_DST, hopa, 4);
	nl_end(&n);
	found = false;
	seen = 0;
	CHECK(t, neigh_parse_neigh(n.b, n.len, 7, &hop, &found, &seen) == 0);
	CHECK(t, !found && seen == NUD_INCOMPLETE);
	nd = nl_msg(&n, RTM_NEWNEIGH, sizeof(*nd));
	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = 7;
	nd->ndm_state = NUD_STALE;
	nl_attr(&n, NDA_DST, hopa, 4);
	nl_attr(&n, NDA_LLADDR, mac, 6);
	nl_end(&n);
	nl_msg(&n, NLMSG_DONE, 4);
	nl_end(&n);
	found = false;
	CHECK(t, neigh_parse_neigh(n.b, n.len, 7, &hop, &found, &seen) == 1);
	st = hop.state;
	CHECK(t, found && !memcmp(hop.mac, mac, 6) && st == NUD_STALE);
}

/* ---- the transmit loop against a simulated kernel ---- */

#define SIM_RING	64
#define SIM_FRAMES	(2 * SIM_RING)
#define SIM_FSIZE	2048

/* What one copy-mode sendto() does, as in net/xdp/xsk.c. */
struct simk {
	struct xsock xs;
	struct xsock_umem um;
	uint32_t tx_prod, tx_cons, tx_flags, cq_prod, cq_cons, cq_flags;
	struct xdp_desc tx[SIM_RING];
	uint64_t cq[SIM_RING];
	uint32_t budget;	/* descriptors per call, then -EAGAIN */
	uint32_t drop_every;	/* every n-th frame NET_XMIT_DROP: -EBUSY */
	uint32_t stuck;		/* calls that give -EAGAIN consuming nothing */
	int fail_err;		/* every call fails with this */
	uint32_t calls, frames, bad_options;
	/* Called with every frame the simulated kernel transmits. */
	void (*on_frame)(struct simk *k, const uint8_t *frame, uint32_t len);
	void *priv;
	uint8_t frame[128];
	struct pkt_tmpl tmpl;
	volatile sig_atomic_t stop;
};

static int sim_sendto(void *ctx)
{
	struct simk *k = ctx;
	uint32_t n = 0;

	k->calls++;
	if (k->fail_err)
		return k->fail_err;
	if (k->stuck) {
		k->stuck--;
		return -EAGAIN;		/* NETDEV_TX_BUSY: descriptor given back */
	}
	while (k->tx_cons != __atomic_load_n(&k->tx_prod, __ATOMIC_ACQUIRE)) {
		const struct xdp_desc *d = &k->tx[k->tx_cons % SIM_RING];

		if (n == k->budget ||
		    k->cq_prod - __atomic_load_n(&k->cq_cons, __ATOMIC_ACQUIRE) == SIM_RING)
			return -EAGAIN;
		if (d->options)
			k->bad_options++;
		if (k->on_frame)
			k->on_frame(k, (const uint8_t *)k->um.area + d->addr, d->len);
		k->cq[k->cq_prod % SIM_RING] = d->addr;
		__atomic_store_n(&k->cq_prod, k->cq_prod + 1, __ATOMIC_RELEASE);
		__atomic_store_n(&k->tx_cons, k->tx_cons + 1, __ATOMIC_RELEASE);
		n++;
		if (k->drop_every && ++k->frames % k->drop_every == 0)
			return -EBUSY;
	}
	return 0;
}

static struct simk *sim_new(bool zerocopy)
{
	struct simk *k = calloc(1, sizeof(*k));
	struct pkt_layout lay;
	struct pkt_spec sp;
	uint32_t i;

	if (!k)
		return NULL;
	k->um.area = calloc(SIM_FRAMES, SIM_FSIZE);
	if (!k->um.area) {
		free(k);
		return NULL;
	}
	k->um.frame_size = SIM_FSIZE;
	k->um.nframes = SIM_FRAMES;
	k->xs.um = &k->um;
	snprintf(k->xs.ifname, sizeof(k->xs.ifname), "sim0");
	k->xs.zerocopy = zerocopy;
	k->xs.need_wakeup = true;
	k->xs.tx.producer = &k->tx_prod;
	k->xs.tx.consumer = &k->tx_cons;
	k->xs.tx.flags = &k->tx_flags;
	k->xs.tx.ring = k->tx;
	k->xs.tx.size = SIM_RING;
	k->xs.tx.mask = SIM_RING - 1;
	k->xs.tx.cached_cons = SIM_RING;
	k->xs.comp.producer = &k->cq_prod;
	k->xs.comp.consumer = &k->cq_cons;
	k->xs.comp.flags = &k->cq_flags;
	k->xs.comp.ring = k->cq;
	k->xs.comp.size = SIM_RING;
	k->xs.comp.mask = SIM_RING - 1;
	k->xs.cq = &k->xs.comp;
	/* The kernel sets the TX flag at ring creation; copy mode keeps it. */
	k->tx_flags = XDP_RING_NEED_WAKEUP;
	k->budget = SIM_RING;
	for (i = 0; i < SIM_RING; i++)
		k->tx[i].options = 0xffffffffu;	/* stale ring content */
	default_spec(&sp, AF_INET, false, 60);
	if (pkt_build(&sp, k->frame, sizeof(k->frame), &lay)) {
		free(k->um.area);
		free(k);
		return NULL;
	}
	pkt_tmpl_init(&k->tmpl, k->frame, &lay);
	return k;
}

static void sim_free(struct simk *k)
{
	if (k) {
		free(k->um.area);
		free(k);
	}
}

static int sim_sender(struct sender *s, struct simk *k, uint64_t count)
{
	struct sender_cfg c;

	memset(&c, 0, sizeof(c));
	c.xs = &k->xs;
	c.nframes = SIM_FRAMES;
	c.frame = k->frame;
	c.tmpl = &k->tmpl;
	c.count = count;
	c.batch = 16;
	c.burst = 16;
	c.rate.unit = RATE_UNLIMITED;
	c.cpu = -1;
	c.stop = &k->stop;
	c.wakeup = sim_sendto;
	c.wakeup_ctx = k;
	return sender_init(s, &c);
}

/* Queue n descriptors as the loop would, without sending them. */
static void sim_queue(struct simk *k, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		k->tx[(k->tx_prod + i) % SIM_RING].options = 0;
		k->tx[(k->tx_prod + i) % SIM_RING].addr = (uint64_t)i * SIM_FSIZE;
	}
	k->tx_prod += n;
	k->xs.tx.cached_prod = k->tx_prod;
}

/* Copy mode: EBUSY frames are dropped, never counted as sent; every
 * descriptor gets options written. */
static void t_loop_drops(struct tctx *t)
{
	struct simk *k = sim_new(false);
	struct sender s;

	CHECK(t, k != NULL);
	if (!k)
		return;
	k->budget = 8;
	k->drop_every = 10;
	CHECK(t, sim_sender(&s, k, 1000) == 0);
	sender_run(&s);
	CHECK(t, s.err == 0);
	CHECK(t, s.ctr.submitted == 1000 && s.ctr.completed == 1000);
	CHECK(t, s.ctr.dropped == 100 && s.ctr.sent == 900);
	CHECK(t, s.ctr.bytes == 900 * 60);
	CHECK(t, k->bad_options == 0);
	sender_fini(&s);
	sim_free(k);
}

/* The queue's stream id goes into every frame's tv_usec high bits, the
 * microseconds below them, and the UDP checksum covers it. Frames start at
 * staggered cache lines of their chunks, inside them. */
struct stream_check {
	uint32_t frames, bad, next_seq, out_of_chunk;
	uint64_t offsets;	/* bit n: a frame at cache line n of its chunk */
};

static void check_stream(struct simk *k, const uint8_t *fr, uint32_t len)
{
	struct stream_check *c = k->priv;
	const struct pkt_layout *lay = &k->tmpl.lay;
	struct pktgen_fields f;
	size_t off = (size_t)(fr - (const uint8_t *)k->um.area) % SIM_FSIZE;

	c->frames++;
	c->offsets |= 1ull << (off / 64 % 64);
	if (off % 64 || off + len > SIM_FSIZE)
		c->out_of_chunk++;
	pktgen_hdr_read(fr + lay->payload_off, &f);
	if (len != lay->len || f.seq != c->next_seq++ ||
	    f.stream != PKTGEN_STREAMS - 1 || f.tv_usec >= 1000000 || !f.tx_us ||
	    udp_csum(fr, lay) != (uint16_t)(fr[lay->l4_off + 6] << 8 | fr[lay->l4_off + 7]))
		c->bad++;
}

static void t_loop_stream_id(struct tctx *t)
{
	struct simk *k = sim_new(false);
	struct stream_check c = { 0 };
	struct sender_cfg cfg;
	struct sender s;

	CHECK(t, k != NULL);
	if (!k)
		return;
	k->on_frame = check_stream;
	k->priv = &c;
	CHECK(t, sim_sender(&s, k, 1000) == 0);
	s.cfg.stream = PKTGEN_STREAMS - 1;
	sender_run(&s);
	CHECK(t, s.err == 0 && s.ctr.completed == 1000);
	CHECK(t, c.frames == 1000 && c.bad == 0);
	/* 60-byte frames in 2048-byte chunks: 32 offsets, all inside; the
	 * loop reuses the 16 frames of a batch (completed at once), at 16
	 * different lines. */
	CHECK(t, c.out_of_chunk == 0 && !(c.offsets >> 32) &&
	      __builtin_popcountll(c.offsets) >= 16);
	cfg = s.cfg;
	sender_fini(&s);
	/* Ids that do not fit the 12 bits are refused. */
	cfg.stream = PKTGEN_STREAMS;
	CHECK(t, sender_init(&s, &cfg) == -EINVAL);
	sim_free(k);
}

/* EAGAIN: retried only while the kernel's consumer index moves. */
static void t_kick_eagain(struct tctx *t)
{
	struct simk *k = sim_new(false);
	struct sender s;

	CHECK(t, k != NULL);
	if (!k)
		return;
	CHECK(t, sim_sender(&s, k, 0) == 0);
	/* Driver queue full: nothing moves, one call and back to the loop. */
	sim_queue(k, 20);
	k->stuck = 1000;
	CHECK(t, sender_kick(&s) == 0);
	CHECK(t, k->calls == 1 && k->tx_cons == 0);
	/* Budget of 4 per call: called again while it moves, 5 calls. */
	k->stuck = 0;
	k->budget = 4;
	k->calls = 0;
	CHECK(t, sender_kick(&s) == 0);
	CHECK(t, k->calls == 5 && k->tx_cons == 20);
	/* No carrier: every frame dropped, each call consumes one; the
	 * last finds the ring empty. */
	sim_queue(k, 20);
	k->drop_every = 1;
	k->calls = 0;
	CHECK(t, sender_kick(&s) == 0);
	CHECK(t, k->calls == 21 && k->tx_cons == 40 && s.ctr.dropped == 20);
	sender_fini(&s);
	sim_free(k);
}

/* Zero-copy kicks only when the ring asks, busy polling every time. */
static void t_kick_zerocopy(struct tctx *t)
{
	struct simk *k = sim_new(true);
	struct sender s;

	CHECK(t, k != NULL);
	if (!k)
		return;
	CHECK(t, sim_sender(&s, k, 0) == 0);
	k->tx_flags = 0;
	CHECK(t, sender_kick(&s) == 0 && k->calls == 0);
	k->tx_flags = XDP_RING_NEED_WAKEUP;
	CHECK(t, sender_kick(&s) == 0 && k->calls == 1);
	k->tx_flags = 0;
	s.cfg.busy_poll = true;
	CHECK(t, sender_kick(&s) == 0 && k->calls == 2);
	s.cfg.busy_poll = false;
	k->xs.need_wakeup = false;	/* --no-need-wakeup: always */
	CHECK(t, sender_kick(&s) == 0 && k->calls == 3);
	/* A zero-copy EAGAIN is the driver working: one call only. */
	k->stuck = 100;
	k->calls = 0;
	CHECK(t, sender_kick(&s) == 0 && k->calls == 1);
	sender_fini(&s);
	sim_free(k);
}

/* The device going down ends the run with one line naming it. */
static void t_loop_netdown(struct tctx *t)
{
	static const int errs[2] = { -ENETDOWN, -ENXIO };
	static const char *const want[2] = { "sim0 went down", "no longer bound" };
	struct sender s;
	int i;

	for (i = 0; i < 2; i++) {
		struct simk *k = sim_new(false);

		CHECK(t, k != NULL);
		if (!k)
			return;
		k->fail_err = errs[i];
		CHECK(t, sim_sender(&s, k, 100) == 0);
		sender_run(&s);
		CHECK(t, s.err == errs[i] && strstr(s.errmsg, want[i]) &&
			 !strchr(s.errmsg, '\n'));
		sender_fini(&s);
		sim_free(k);
	}
}

/* ---- option parsing ---- */

static enum params_result parse(struct txgen_config *c, char *err, const char *a0, ...)
{
	char *argv[40];
	int argc = 0;
	va_list ap;
	const char *s;

	argv[argc++] = (char *)"txgen";
	va_start(ap, a0);
	for (s = a0; s && argc < 39; s = va_arg(ap, const char *))
		argv[argc++] = (char *)s;
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	return config_parse(c, argc, argv, err, PARAM_ERR_LEN);
}

static void t_opts_good(struct tctx *t)
{
	struct txgen_config c;
	char err[PARAM_ERR_LEN];

	CHECK(t, parse(&c, err, "--dev", "eth0", NULL) == PARAMS_OK);
	CHECK(t, !strcmp(c.dev, "eth0") && c.queue == 0 && c.queues == 1);
	CHECK(t, c.mode == MODE_AUTO && c.size == 60 && c.batch == 64);
	CHECK(t, c.dst_mac.lo == 0xffffffffffffULL && c.src_port.lo == 9 && c.dst_port.hi == 9);
	CHECK(t, c.src_ip.family == AF_INET && c.src_ip.r.lo == 0xc6120001u &&
		 c.dst_ip.r.lo == 0xc6120002u);
	CHECK(t, c.rate.unit == RATE_UNLIMITED && c.count == 0);
	CHECK(t, parse(&c, err, "--dev=veth1", "--mode", "copy", "--count", "10000",
		       "--rate", "1Mbit", "--burst", "8", "--size", "1000", "--vlan", "7",
		       "--src-ip", "10.0.0.1-10.0.0.9", "--dst-port", "1000-2000",
		       "--random", "-vv", "--json", "--queues", "2", "--shared-umem",
		       NULL) == PARAMS_OK);
	CHECK(t, c.mode == MODE_COPY && c.count == 10000 && c.rate.unit == RATE_BPS);
	CHECK(t, c.has_vlan && c.vlan == 7 && c.size == 1000 && c.burst == 8);
	CHECK(t, c.verbose == 2 && c.json && c.random && c.queues == 2);
	CHECK(t, c.dst_port.lo == 1000 && c.dst_port.hi == 2000);
	CHECK(t, parse(&c, err, "--dev", "e", "--ipv6", NULL) == PARAMS_OK);
	CHECK(t, c.size == 78 && c.src_ip.family == AF_INET6);
	CHECK(t, parse(&c, err, "--dev", "e", "--ipv6", "--vlan", "1", NULL) == PARAMS_OK &&
		 c.size == 82);
	CHECK(t, parse(&c, err, "--dev", "e", "--help", NULL) == PARAMS_HELP);
	CHECK(t, parse(&c, err, "--dev", "e", NULL) == PARAMS_OK &&
		 c.attach == ATTACH_NATIVE && !c.has_dst_mac);
	CHECK(t, parse(&c, err, "--dev", "e", "--attach", "none", "--mode", "zc",
		       "--dst-mac", "02:00:00:00:00:02", NULL) == PARAMS_OK &&
		 c.attach == ATTACH_NONE && c.mode == MODE_ZC && c.has_dst_mac);
	CHECK(t, parse(&c, err, "--dev", "e", "--attach", "generic", NULL) == PARAMS_OK &&
		 c.attach == ATTACH_GENERIC);
}

struct bad_case {
	const char *args[8];
	const char *needle;	/* must appear in the error */
};

static void t_opts_bad(struct tctx *t)
{
	static const struct bad_case cases[] = {
		{ { "--mode", "copy" }, "--dev" },
		{ { "--dev", "e", "--bogus" }, "unknown option" },
		{ { "--dev" }, "needs a value" },
		{ { "--dev", "e", "stray" }, "unexpected argument" },
		{ { "--dev", "e", "--mode", "turbo" }, "not one of" },
		{ { "--dev", "e", "--attach", "hw" }, "not one of" },
		{ { "--dev", "e", "--attach" }, "needs a value" },
		{ { "--dev", "e", "--mode", "copy", "--attach", "generic" }, "--mode copy" },
		{ { "--dev", "e", "--mode", "copy", "--attach", "none" }, "only applies to zero-copy" },
		{ { "--dev", "e", "--size", "59" }, "below the minimum" },
		{ { "--dev", "e", "--size", "0" }, "below the minimum" },
		{ { "--dev", "e", "--size", "70", "--ipv6" }, "too small" },
		{ { "--dev", "e", "--size", "abc" }, "not a number" },
		{ { "--dev", "e", "--size", "70000" }, "out of range" },
		{ { "--dev", "e", "--size", "5000" }, "frame-size" },
		{ { "--dev", "e", "--src-mac", "00:11:22:33:44" }, "malformed MAC" },
		{ { "--dev", "e", "--dst-mac", "zz:11:22:33:44:55" }, "malformed MAC" },
		{ { "--dev", "e", "--dst-mac", "02:00:00:00:00:09-02:00:00:00:00:01" }, "malformed MAC" },
		{ { "--dev", "e", "--src-ip", "300.1.1.1" }, "malformed IP" },
		{ { "--dev", "e", "--dst-ip", "10.0.0.9-10.0.0.1" }, "malformed IP" },
		{ { "--dev", "e", "--dst-ip", "10.0.0.1-" }, "malformed IP" },
		{ { "--dev", "e", "--src-ip", "2001:2::1" }, "not an IPv4" },
		{ { "--dev", "e", "--ipv6", "--dst-ip", "10.0.0.1" }, "not an IPv6" },
		{ { "--dev", "e", "--src-port", "70000" }, "malformed port" },
		{ { "--dev", "e", "--dst-port", "20-10" }, "malformed port" },
		{ { "--dev", "e", "--rate", "0" }, "invalid rate" },
		{ { "--dev", "e", "--rate", "-100kpps" }, "invalid rate" },
		{ { "--dev", "e", "--rate", "lots" }, "invalid rate" },
		{ { "--dev", "e", "--count", "0" }, "out of range" },
		{ { "--dev", "e", "--count", "-1" }, "not a number" },
		{ { "--dev", "e", "--duration", "0" }, "out of range" },
		{ { "--dev", "e", "--vlan", "4096" }, "out of range" },
		{ { "--dev", "e", "--ring-size", "1000" }, "power of two" },
		{ { "--dev", "e", "--frame-size", "3000" }, "power of two" },
		{ { "--dev", "e", "--batch", "512", "--ring-size", "256" }, "larger than" },
		{ { "--dev", "e", "--burst", "10" }, "--rate" },
		{ { "--dev", "e", "--shared-umem" }, "--queues" },
		{ { "--dev", "e", "--pcap-sample", "10" }, "--pcap" },
		{ { "--dev", "e", "--queues", "0" }, "out of range" },
		{ { "--dev", "e", "--json=yes" }, "takes no value" },
		{ { "--dev", "e", "--size", "64,576", "--weights", "7,4,1" }, "3 weights for 2 sizes" },
		{ { "--dev", "e", "--size", "imix", "--weights", "7,4" }, "2 weights for 3 sizes" },
		{ { "--dev", "e", "--weights", "7,4,1" }, "needs a --size list" },
		{ { "--dev", "e", "--size", "64", "--weights", "1" }, "needs a --size list" },
		{ { "--dev", "e", "--size", "64,576", "--weights", "7,0" }, "0 is out of range" },
		{ { "--dev", "e", "--size", "64,576", "--weights", "7,1001" }, "out of range" },
		{ { "--dev", "e", "--size", "64,,576" }, "not a number" },
		{ { "--dev", "e", "--size", "64,576," }, "not a number" },
		{ { "--dev", "e", "--size", "IMIX" }, "not a number" },
		{ { "--dev", "e", "--size", "64,59" }, "59 is below the minimum" },
		{ { "--dev", "e", "--size", "64,64" }, "lists 64 twice" },
		{ { "--dev", "e", "--size", "64,5000" }, "5000 does not fit in --frame-size" },
		{ { "--dev", "e", "--size", "imix", "--ipv6" }, "64 is too small" },
		{ { "--dev", "e", "--size", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17" }, "more than 16" },
		{ { "--dev", "e", "--replay", "f", "--size", "64" }, "--size conflicts with --replay" },
		{ { "--dev", "e", "--replay", "f", "--weights", "1,2" }, "--weights conflicts with --replay" },
		{ { "--dev", "e", "--replay", "f", "--dst-mac", "02:00:00:00:00:02" }, "--dst-mac conflicts" },
		{ { "--dev", "e", "--replay", "f", "--vlan", "3" }, "--vlan conflicts" },
		{ { "--dev", "e", "--replay", "f", "--ipv6" }, "--ipv6 conflicts" },
		{ { "--dev", "e", "--loop", "2" }, "--loop needs --replay" },
		{ { "--dev", "e", "--replay", "" }, "empty value" },
		{ { "--dev", "e", "--replay", "f", "--loop", "-1" }, "not a number" },
	};
	struct txgen_config c;
	char err[PARAM_ERR_LEN];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].args;
		enum params_result r = parse(&c, err, a[0], a[1], a[2], a[3], a[4],
					     a[5], a[6], a[7], NULL);

		if (r != PARAMS_ERROR || !strstr(err, cases[i].needle) ||
		    strchr(err, '\n')) {
			fprintf(stderr, "  case %zu (%s %s %s %s): r=%d err='%s'\n",
				i, a[0], a[1] ? a[1] : "", a[2] ? a[2] : "",
				a[3] ? a[3] : "", r, err);
			t->cur_fail = 1;
		}
	}
}

/* Found by fuzz/config: a value echoed into an error message could break
 * the one-line error (a newline) or drive the terminal (ESC). */
static void t_opts_error_printable(struct tctx *t)
{
	static const struct bad_case cases[] = {
		{ { "--dev", "e", "-\x03" }, "'-\\x03'" },
		{ { "--dev", "e", "--count", "1\n2" }, "'1\\x0a2'" },
		{ { "--dev", "e", "--src-ip", "10.0.0.1\r" }, "'10.0.0.1\\x0d'" },
		{ { "--dev", "e", "\x1b[2J" }, "'\\x1b[2J'" },
		{ { "--dev", "e", "--mode", "zc\x7f" }, "'zc\\x7f'" },
		{ { "--dev", "e", "--bogus=\t" }, "'--bogus=\\x09'" },
	};
	struct txgen_config c;
	char err[PARAM_ERR_LEN];
	const char *p;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].args;
		enum params_result r = parse(&c, err, a[0], a[1], a[2], a[3], a[4],
					     NULL);
		int bad = r != PARAMS_ERROR || !strstr(err, cases[i].needle);

		for (p = err; *p; p++)
			bad |= (unsigned char)*p < 0x20 || *p == 0x7f;
		if (bad) {
			fprintf(stderr, "  case %zu: r=%d err='%s'\n", i, r, err);
			t->cur_fail = 1;
		}
	}
}

/* Found by fuzz/range: strtoull()/strtod() skip leading white space, so
 * "\n065535" was port 65535; the explicit checks only refused a space. */
static void t_numbers_no_leading_space(struct tctx *t)
{
	struct txgen_config c;
	char err[PARAM_ERR_LEN];
	struct rate_spec rs;
	struct range r;

	CHECK(t, range_parse_u16("\n065535", &r) == -EINVAL);
	CHECK(t, range_parse_u16("\t9", &r) == -EINVAL);
	CHECK(t, range_parse_u16("1-\t2", &r) == -EINVAL);
	CHECK(t, range_parse_u16("1-+2", &r) == -EINVAL);
	CHECK(t, range_parse_u16("065535", &r) == 0 && r.lo == 65535);
	CHECK(t, rate_parse("\t5kpps", &rs) == -EINVAL);
	CHECK(t, rate_parse("\n1Mbit", &rs) == -EINVAL);
	CHECK(t, rate_parse(".5kpps", &rs) == 0 && rs.value == 500);
	CHECK(t, parse(&c, err, "--dev", "e", "--count", "\t5", NULL) == PARAMS_ERROR);
	CHECK(t, parse(&c, err, "--dev", "e", "--pcap-sample", "\v-1", "--pcap", "f",
		       NULL) == PARAMS_ERROR);
	CHECK(t, parse(&c, err, "--dev", "e", "--count", "0x10", NULL) == PARAMS_OK &&
		 c.count == 16);
}

/* Found by fuzz/rate: at 1 bit/s, 65535-byte frames and n = 65536 the wait
 * (3.4e19 ns) overflowed the conversion to uint64_t (undefined behaviour;
 * txgen's sender asks for at most 1 ms of packets, so it never got there). */
static void t_rate_wait_saturates(struct tctx *t)
{
	struct rate_spec r = { RATE_BPS, 1 };
	struct rate_bucket b;

	rate_bucket_init(&b, &r, 65535, 65536, 0);
	CHECK(t, rate_wait_ns(&b, 1) == 0);
	CHECK(t, rate_wait_ns(&b, 65536) == UINT64_MAX);
	CHECK(t, rate_wait_ns(&b, 2) == 65535ull * 8 * 1000000000ull + 1);
}

static void t_opts_iface(struct tctx *t)
{
	struct txgen_config c;
	struct ifinfo ifi;
	char err[PARAM_ERR_LEN];

	memset(&ifi, 0, sizeof(ifi));
	snprintf(ifi.name, sizeof(ifi.name), "veth0");
	ifi.up = true;
	ifi.mtu = 1500;
	ifi.tx_queues = 2;
	memcpy(ifi.mac, "\x02\xaa\xbb\xcc\xdd\xee", 6);

	CHECK(t, parse(&c, err, "--dev", "veth0", NULL) == PARAMS_OK);
	CHECK(t, config_check_iface(&c, &ifi, err, sizeof(err)) == 0);
	CHECK(t, c.src_mac.lo == 0x02aabbccddeeULL);
	CHECK(t, parse(&c, err, "--dev", "veth0", "--queue", "2", NULL) == PARAMS_OK);
	CHECK(t, config_check_iface(&c, &ifi, err, sizeof(err)) == -1 &&
		 strstr(err, "out of range") && strstr(err, "2 TX queues"));
	CHECK(t, parse(&c, err, "--dev", "veth0", "--queue", "1", "--queues", "2",
		       NULL) == PARAMS_OK);
	CHECK(t, config_check_iface(&c, &ifi, err, sizeof(err)) == -1);
	CHECK(t, parse(&c, err, "--dev", "veth0", "--size", "1514", NULL) == PARAMS_OK);
	CHECK(t, config_check_iface(&c, &ifi, err, sizeof(err)) == 0);
	CHECK(t, parse(&c, err, "--dev", "veth0", "--size", "1515", NULL) == PARAMS_OK);
	CHECK(t, config_check_iface(&c, &ifi, err, sizeof(err)) == -1 &&
		 strstr(err, "exceeds MTU"));
	CHECK(t, parse(&c, err, "--dev", "veth0", "--size", "1518", "--vlan", "3",
		       NULL) == PARAMS_OK);
	CHECK(t, config_check_iface(&c, &ifi, err, sizeof(err)) == 0);
	ifi.up = false;
	CHECK(t, parse(&c, err, "--dev", "veth0", NULL) == PARAMS_OK);
	CHECK(t, config_check_iface(&c, &ifi, err, sizeof(err)) == -1 &&
		 strstr(err, "is down"));
	CHECK(t, ifinfo_get("no-such-if0", &ifi, err, sizeof(err)) == -ENODEV &&
		 strstr(err, "does not exist"));
	CHECK(t, ifinfo_get("this-name-is-way-too-long", &ifi, err, sizeof(err)) ==
		 -ENAMETOOLONG);
}

static void t_help_from_table(struct tctx *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(t, f != NULL);
	if (!f)
		return;
	config_usage(f);
	fclose(f);
	CHECK(t, strstr(buf, "--dev IFACE") && strstr(buf, "--mode auto|zc|copy") &&
		 strstr(buf, "--pcap-sample N") && strstr(buf, "--help"));
	free(buf);
}

static void t_pcap_format(struct tctx *t)
{
	const char *tmp = getenv("TMPDIR");
	char path[512];
	struct pcap_writer w;
	uint8_t frame[60], buf[256];
	uint32_t u32;
	uint16_t u16;
	FILE *f;
	int fd, i;

	for (i = 0; i < 60; i++)
		frame[i] = (uint8_t)i;
	snprintf(path, sizeof(path), "%s/txgen-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	CHECK(t, fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	CHECK(t, pcap_open(&w, path, 32) == 0);
	CHECK(t, pcap_write(&w, frame, 60, 1700000000u, 123456u) == 0);
	CHECK(t, pcap_write(&w, frame, 20, 1700000001u, 7u) == 0);
	CHECK(t, w.written == 2);
	CHECK(t, pcap_close(&w) == 0);

	f = fopen(path, "rb");
	CHECK(t, f != NULL);
	if (f) {
		size_t n = fread(buf, 1, sizeof(buf), f);

		fclose(f);
		CHECK(t, n == 24 + 16 + 32 + 16 + 20);
		memcpy(&u32, buf, 4);
		CHECK(t, u32 == 0xa1b2c3d4u);
		memcpy(&u16, buf + 4, 2);
		CHECK(t, u16 == 2);
		memcpy(&u16, buf + 6, 2);
		CHECK(t, u16 == 4);
		memcpy(&u32, buf + 16, 4);
		CHECK(t, u32 == 32);		/* snaplen */
		memcpy(&u32, buf + 20, 4);
		CHECK(t, u32 == 1);		/* LINKTYPE_ETHERNET */
		memcpy(&u32, buf + 24, 4);
		CHECK(t, u32 == 1700000000u);
		memcpy(&u32, buf + 28, 4);
		CHECK(t, u32 == 123456u);
		memcpy(&u32, buf + 32, 4);
		CHECK(t, u32 == 32);		/* incl_len capped */
		memcpy(&u32, buf + 36, 4);
		CHECK(t, u32 == 60);		/* orig_len */
		CHECK(t, !memcmp(buf + 40, frame, 32));
		memcpy(&u32, buf + 72 + 8, 4);
		CHECK(t, u32 == 20);
		CHECK(t, !memcmp(buf + 72 + 16, frame, 20));
	}
	unlink(path);
	CHECK(t, pcap_open(&w, "/nonexistent-dir/x.pcap", 64) == -ENOENT);
}

/* Found by fuzz/pcap: a record with nothing to copy (an empty frame, or
 * snap length 0) failed, as fwrite() of zero bytes returns 0 items. */
static void t_pcap_empty_record(struct tctx *t)
{
	const char *tmp = getenv("TMPDIR");
	static const uint8_t frame[60];
	struct pcap_writer w;
	char path[512];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/txgen-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	CHECK(t, fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	CHECK(t, pcap_open(&w, path, 64) == 0);
	CHECK(t, pcap_write(&w, frame, 0, 1, 2) == 0);
	CHECK(t, pcap_write(&w, frame, 60, 3, 4) == 0);
	CHECK(t, w.written == 2 && pcap_close(&w) == 0);
	CHECK(t, stat(path, &st) == 0 && st.st_size == 24 + 16 + 16 + 60);
	CHECK(t, pcap_open(&w, path, 0) == 0);
	CHECK(t, pcap_write(&w, frame, 60, 5, 6) == 0);
	CHECK(t, w.written == 1 && pcap_close(&w) == 0);
	CHECK(t, stat(path, &st) == 0 && st.st_size == 24 + 16);
	unlink(path);
}

static void t_json(struct tctx *t)
{
	static const uint32_t q[2] = { 0, 1 };
	struct stats_summary s;
	struct frame_info fi;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(t, f != NULL);
	if (!f)
		return;
	memset(&s, 0, sizeof(s));
	s.dev = "ve\"th";
	s.queues = q;
	s.nqueues = 2;
	s.mode = "copy";
	s.mode_reason = "zero-copy refused by driver: Operation not supported";
	s.c.sent = s.c.completed = 1000;
	s.c.bytes = 60000;
	s.seconds = 2.0;
	memset(&fi, 0, sizeof(fi));
	fi.proto = "IPv4/UDP";
	fi.size = 60;
	fi.vlan = -1;
	snprintf(fi.dst_mac, sizeof(fi.dst_mac), "02:00:00:00:00:02");
	fi.dst_mac_from = "neighbour";
	snprintf(fi.next_hop, sizeof(fi.next_hop), "198.18.0.2");
	snprintf(fi.dst_port, sizeof(fi.dst_port), "1000-1999");
	s.frame = &fi;
	stats_print_json(f, &s);
	fclose(f);
	CHECK(t, strstr(buf, "\"dev\":\"ve\\\"th\"") != NULL);
	CHECK(t, strstr(buf, "\"queues\":[0,1]") && strstr(buf, "\"mode\":\"copy\""));
	CHECK(t, strstr(buf, "\"sent\":1000") && strstr(buf, "\"completed\":1000"));
	CHECK(t, strstr(buf, "\"pps\":500.0") && strstr(buf, "\"bps\":240000.0"));
	CHECK(t, strstr(buf, "\"tx_invalid_descs\":0") &&
		 strstr(buf, "\"tx_ring_empty_descs\":0") && strstr(buf, "\"mode_reason\""));
	CHECK(t, strstr(buf, ",\"frame\":{\"size\":60,\"proto\":\"IPv4/UDP\",\"vlan\":null,") &&
		 strstr(buf, "\"dst_mac\":\"02:00:00:00:00:02\",\"dst_mac_from\":\"neighbour\","
			"\"next_hop\":\"198.18.0.2\"") &&
		 strstr(buf, "\"dst_port\":\"1000-1999\"}}\n"));
	CHECK(t, buf[len - 1] == '\n' && strchr(buf, '\n') == buf + len - 1);
	free(buf);
}

/*
 * Regression: libxdp 1.3.1's xsk_umem__create() leaves cached_prod/cached_cons
 * of the rings it is handed untouched. A ring struct holding garbage then
 * makes xsk_ring_cons__peek() on the completion ring report completions that
 * never happened. Show the hazard, show that the sanity check catches it,
 * and check that our own UMEM's rings come out zero-initialised.
 */
static void t_ring_zero_init(struct tctx *t)
{
	uint32_t prod = 0, cons = 0, flags = 0, idx = 0;
	uint64_t descs[64];
	struct xsk_ring_cons r;
	struct xsock_umem *um = NULL;
	void *junk[16];
	int i, fd, ret;

	memset(descs, 0, sizeof(descs));
	memset(&r, 0xa5, sizeof(r));	/* what an uninitialised struct may hold */
	r.producer = &prod;
	r.consumer = &cons;
	r.flags = &flags;
	r.ring = descs;
	r.size = 64;
	r.mask = 63;
	r.cached_prod = 0xa5a5a5a5u + 17;	/* garbage beyond cached_cons */
	r.cached_cons = 0xa5a5a5a5u;
	CHECK(t, xsk_ring_cons__peek(&r, 64, &idx) == 17);	/* phantom */
	CHECK(t, !xsock_cq_sane(&r));
	memset(&r, 0, sizeof(r));
	r.producer = &prod;
	r.consumer = &cons;
	r.flags = &flags;
	r.ring = descs;
	r.size = 64;
	r.mask = 63;
	CHECK(t, xsock_cq_sane(&r));
	CHECK(t, xsk_ring_cons__peek(&r, 64, &idx) == 0);

	/* Poison the heap so an allocation that forgot to zero would show it. */
	for (i = 0; i < 16; i++) {
		junk[i] = malloc(sizeof(struct xsock_umem));
		if (junk[i])
			memset(junk[i], 0xa5, sizeof(struct xsock_umem));
	}
	for (i = 0; i < 16; i++)
		free(junk[i]);

	/* A real UMEM needs an AF_XDP socket (root); skip that part without. */
	fd = socket(AF_XDP, SOCK_RAW, 0);
	if (fd < 0) {
		fprintf(stderr, "  (AF_XDP unavailable: real UMEM part skipped)\n");
		return;
	}
	close(fd);
	ret = xsock_umem_create(&um, 4096, 64, 64);
	CHECK(t, ret == 0);
	if (ret)
		return;
	CHECK(t, xsock_cq_sane(&um->comp));
	CHECK(t, um->comp.cached_prod == 0 && um->comp.cached_cons == 0);
	CHECK(t, xsk_ring_cons__peek(&um->comp, 64, &idx) == 0);
	CHECK(t, xsock_umem_destroy(um) == 0);
}

static void t_ring_helpers_zeroed(struct tctx *t)
{
	struct xsk_ring_prod p;
	struct xsk_ring_cons c;

	memset(&p, 0, sizeof(p));
	memset(&c, 0, sizeof(c));
	CHECK(t, xsock_ring_prod_zeroed(&p) && xsock_ring_cons_zeroed(&c));
	p.cached_cons = 1;
	c.cached_prod = 1;
	CHECK(t, !xsock_ring_prod_zeroed(&p) && !xsock_ring_cons_zeroed(&c));
}

/* ---- size mixes ---- */

static void mix_counts(const struct size_mix *m, uint64_t slots, uint64_t *cnt)
{
	uint64_t i;

	memset(cnt, 0, MIX_MAX_SIZES * sizeof(*cnt));
	for (i = 0; i < slots; i++)
		cnt[m->slot[i % m->period]]++;
}

static void t_mix_schedule(struct tctx *t)
{
	static const uint32_t one[1] = { 60 };
	static const uint32_t sz4[4] = { 60, 100, 200, 300 };
	static const uint32_t w_gcd[3] = { 14, 8, 2 };
	static const uint32_t w_zero[3] = { 7, 0, 1 };
	static const uint32_t w_big[3] = { 7, MIX_MAX_WEIGHT + 1, 1 };
	static const uint32_t w4[4] = { 1000, 1, 999, 500 };
	static struct size_mix m;
	uint32_t many[MIX_MAX_SIZES + 1] = { 0 };
	uint64_t cnt[MIX_MAX_SIZES];
	uint32_t i, run, maxrun;

	/* imix: period 12, 7/4/1 in every period, the 64-byte frames never
	 * more than two in a row, the 1500-byte one alone. */
	CHECK(t, mix_init(&m, mix_imix_sizes, mix_imix_weights, MIX_IMIX_N) == 0);
	CHECK(t, m.n == 3 && m.period == 12);
	mix_counts(&m, 12, cnt);
	CHECK(t, cnt[0] == 7 && cnt[1] == 4 && cnt[2] == 1);
	mix_counts(&m, 12 * 1000, cnt);
	CHECK(t, cnt[0] == 7000 && cnt[1] == 4000 && cnt[2] == 1000);
	for (i = 0, run = 0, maxrun = 0; i < 24; i++) {
		run = m.slot[i % 12] == 0 ? run + 1 : 0;
		if (run > maxrun)
			maxrun = run;
	}
	CHECK(t, maxrun == 2);
	CHECK(t, mix_mean_len(&m) == (7 * 64 + 4 * 576 + 1500 + 6) / 12);
	CHECK(t, mix_max_len(&m) == 1500 && mix_min_len(&m) == 64);
	CHECK(t, mix_index(&m, 576) == 1 && mix_index(&m, 577) == -1);
	/* Weights with a gcd > 1: the same schedule as 7,4,1. */
	{
		static struct size_mix r;

		CHECK(t, mix_init(&r, mix_imix_sizes, w_gcd, 3) == 0);
		CHECK(t, r.period == 12 && r.weight[0] == 7 && r.weight[1] == 4 &&
			 r.weight[2] == 1 && !memcmp(r.slot, m.slot, 12));
	}
	/* One size, no weights: every slot is it. */
	CHECK(t, mix_init(&m, one, NULL, 1) == 0 && m.period == 1 && m.slot[0] == 0);
	CHECK(t, mix_mean_len(&m) == 60);
	/* Uneven weights: exact over one period and over many. */
	CHECK(t, mix_init(&m, sz4, w4, 4) == 0 && m.period == 2500);
	mix_counts(&m, 2500 * 7, cnt);
	CHECK(t, cnt[0] == 7000 && cnt[1] == 7 && cnt[2] == 6993 && cnt[3] == 3500);
	/* Rejected: a zero weight, a weight too large, no sizes, too many. */
	CHECK(t, mix_init(&m, mix_imix_sizes, w_zero, 3) == -EINVAL);
	CHECK(t, mix_init(&m, mix_imix_sizes, w_big, 3) == -EINVAL);
	CHECK(t, mix_init(&m, mix_imix_sizes, NULL, 0) == -EINVAL);
	CHECK(t, mix_init(&m, many, NULL, MIX_MAX_SIZES + 1) == -EINVAL);
	/* The largest schedule fits. */
	for (i = 0; i < MIX_MAX_SIZES; i++)
		many[i] = MIX_MAX_WEIGHT - i;	/* gcd 1 */
	CHECK(t, mix_init(&m, many, many, MIX_MAX_SIZES) == 0);
	mix_counts(&m, m.period, cnt);
	for (i = 0; i < MIX_MAX_SIZES; i++)
		CHECK(t, cnt[i] == MIX_MAX_WEIGHT - i);
}

struct len_hist {
	uint32_t by_len[SIM_FSIZE + 1];
	uint32_t bad;		/* frame content not of the descriptor's size */
};

static void count_len(struct simk *k, const uint8_t *frame, uint32_t len)
{
	struct len_hist *h = k->priv;
	uint32_t ip_len = (uint32_t)(frame[16] << 8 | frame[17]);

	if (len <= SIM_FSIZE)
		h->by_len[len]++;
	if (ip_len + PKT_ETH_LEN != len)
		h->bad++;
}

/* The loop sends a mix in the schedule's ratio, each frame built for the
 * size its descriptor says, and counts per size. */
static void t_loop_mix(struct tctx *t)
{
	static const uint32_t sizes[3] = { 64, 576, 1500 };
	static const uint32_t w[3] = { 7, 4, 1 };
	static struct size_mix m;
	static uint8_t frames[3][SIM_FSIZE];
	static struct pkt_tmpl tmpl[3];
	struct simk *k = sim_new(false);
	static struct len_hist h;
	struct pkt_layout lay;
	struct pkt_spec sp;
	struct sender s;
	uint32_t i;

	CHECK(t, k != NULL);
	if (!k)
		return;
	memset(&h, 0, sizeof(h));
	CHECK(t, mix_init(&m, sizes, w, 3) == 0);
	k->on_frame = count_len;
	k->priv = &h;
	k->budget = 5;
	CHECK(t, sim_sender(&s, k, 12 * 100) == 0);
	sender_fini(&s);
	s.cfg.mix = &m;
	for (i = 0; i < 3; i++) {
		default_spec(&sp, AF_INET, false, sizes[i]);
		CHECK(t, pkt_build(&sp, frames[i], sizeof(frames[i]), &lay) == 0);
		pkt_tmpl_init(&tmpl[i], frames[i], &lay);
		s.cfg.frames[i] = frames[i];
		s.cfg.tmpls[i] = &tmpl[i];
	}
	{
		struct sender_cfg c = s.cfg;

		CHECK(t, sender_init(&s, &c) == 0);
	}
	/* Frames shared in proportion: 128 * 7/12, * 4/12, * 1/12. */
	CHECK(t, s.part_end[0] == 76 && s.part_end[1] == 118 && s.part_end[2] == 128);
	sender_run(&s);
	CHECK(t, s.err == 0 && s.ctr.sent == 1200 && s.ctr.completed == 1200);
	CHECK(t, h.by_len[64] == 700 && h.by_len[576] == 400 && h.by_len[1500] == 100);
	CHECK(t, h.bad == 0 && k->bad_options == 0);
	CHECK(t, s.size_submitted[0] == 700 && s.size_submitted[1] == 400 &&
		 s.size_submitted[2] == 100);
	CHECK(t, s.ctr.bytes == 700 * 64 + 400 * 576 + 100 * 1500);
	sender_fini(&s);
	sim_free(k);
}

/* ---- pcap reader ---- */

struct pbuf {
	uint8_t b[4096];
	size_t len;
	bool swap;
};

static void put32(struct pbuf *p, uint32_t v)
{
	if (p->swap)
		v = __builtin_bswap32(v);
	memcpy(p->b + p->len, &v, 4);
	p->len += 4;
}

static void put16(struct pbuf *p, uint16_t v)
{
	if (p->swap)
		v = __builtin_bswap16(v);
	memcpy(p->b + p->len, &v, 2);
	p->len += 2;
}

static void pcap_hdr(struct pbuf *p, bool swap, uint32_t magic, uint32_t link)
{
	p->len = 0;
	p->swap = swap;
	put32(p, magic);
	put16(p, 2);
	put16(p, 4);
	put32(p, 0);
	put32(p, 0);
	put32(p, 65535);
	put32(p, link);
}

/* A record of len bytes valued first, first + 1, ... */
static void pcap_rec(struct pbuf *p, uint32_t incl, uint32_t orig, uint8_t first)
{
	uint32_t i;

	put32(p, 1);
	put32(p, 2);
	put32(p, incl);
	put32(p, orig);
	for (i = 0; i < incl; i++)
		p->b[p->len++] = (uint8_t)(first + i);
}

static bool rec_is(const struct pcap_frames *f, uint32_t i, uint32_t len, uint8_t first)
{
	uint32_t j;

	if (i >= f->n || f->len[i] != len)
		return false;
	for (j = 0; j < len; j++)
		if (f->base[f->off[i] + j] != (uint8_t)(first + j))
			return false;
	return true;
}

static void t_pcap_read(struct tctx *t)
{
	static const uint32_t magics[2] = { PCAP_MAGIC, PCAP_MAGIC_NS };
	static struct pbuf p;
	struct pcap_frames f;
	char err[256];
	int swap, m;

	/* Both byte orders, both magics: the same frames. */
	for (swap = 0; swap < 2; swap++) {
		for (m = 0; m < 2; m++) {
			pcap_hdr(&p, swap, magics[m], PCAP_LINKTYPE_ETHERNET);
			pcap_rec(&p, 60, 60, 0);
			pcap_rec(&p, 14, 14, 100);
			pcap_rec(&p, 1514, 1514, 7);
			CHECK(t, pcap_parse(p.b, p.len, 4096, &f, err, sizeof(err)) == 0);
			CHECK(t, f.n == 3 && f.swapped == (swap == 1) && f.nsec == (m == 1));
			CHECK(t, rec_is(&f, 0, 60, 0) && rec_is(&f, 1, 14, 100) &&
				 rec_is(&f, 2, 1514, 7));
			CHECK(t, f.min_len == 14 && f.max_len == 1514 &&
				 f.bytes == 60 + 14 + 1514 && f.buf == NULL);
			pcap_frames_free(&f);
		}
	}
	/* Each defect: -EINVAL and one line that names it. */
	pcap_hdr(&p, false, PCAP_MAGIC, 113);	/* LINKTYPE_LINUX_SLL */
	pcap_rec(&p, 60, 60, 0);
	CHECK(t, pcap_parse(p.b, p.len, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "link type 113 is not Ethernet"));
	pcap_hdr(&p, true, PCAP_MAGIC, 228);	/* LINKTYPE_IPV4, swapped */
	CHECK(t, pcap_parse(p.b, p.len, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "link type 228"));
	pcap_hdr(&p, false, 0x0a0d0d0a, 1);	/* pcapng */
	CHECK(t, pcap_parse(p.b, p.len, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "not a classic pcap file (magic 0x0a0d0d0a"));
	pcap_hdr(&p, false, PCAP_MAGIC, 1);
	p.b[4] = 3;
	CHECK(t, pcap_parse(p.b, p.len, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "version 3.4"));
	pcap_hdr(&p, false, PCAP_MAGIC, 1);
	CHECK(t, pcap_parse(p.b, 23, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "truncated file header (23 of 24"));
	CHECK(t, pcap_parse(p.b, p.len, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "no frames"));
	pcap_rec(&p, 60, 60, 0);
	CHECK(t, pcap_parse(p.b, p.len - 1, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "record 1: truncated (60 bytes, 59 left"));
	CHECK(t, pcap_parse(p.b, 24 + 15, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "record 1: truncated record header"));
	pcap_rec(&p, 60, 61, 0);
	CHECK(t, pcap_parse(p.b, p.len, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "record 2: 60 of 61 bytes captured (caplen != len)"));
	pcap_hdr(&p, false, PCAP_MAGIC, 1);
	pcap_rec(&p, 13, 13, 0);
	CHECK(t, pcap_parse(p.b, p.len, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "shorter than an Ethernet header"));
	pcap_hdr(&p, false, PCAP_MAGIC, 1);
	pcap_rec(&p, 60, 60, 0);
	pcap_rec(&p, 2049, 2049, 0);
	CHECK(t, pcap_parse(p.b, p.len, 2048, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "record 2: 2049-byte frame is longer than 2048"));
	CHECK(t, pcap_parse(p.b, p.len, 2049, &f, err, sizeof(err)) == 0 && f.n == 2);
	pcap_frames_free(&f);
	/* A record length near 2^32 must not wrap the bounds check. */
	pcap_hdr(&p, false, PCAP_MAGIC, 1);
	pcap_rec(&p, 0, 0, 0);
	memcpy(p.b + 24 + 8, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
	CHECK(t, pcap_parse(p.b, p.len, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "truncated"));
	CHECK(t, pcap_load("/nonexistent/txgen.pcap", NULL, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "cannot read pcap file /nonexistent/txgen.pcap: No such file"));
	CHECK(t, pcap_load("/nonexistent/a\nb", "/nonexistent/a\\x0ab", 4096, &f, err,
			   sizeof(err)) == -EINVAL &&
	      strstr(err, "cannot read pcap file /nonexistent/a\\x0ab: No such file"));
}

/* What the writer writes, the reader reads, frame for frame. */
static void t_pcap_roundtrip(struct tctx *t)
{
	const char *tmp = getenv("TMPDIR");
	struct pcap_writer w;
	struct pcap_frames f;
	uint8_t frame[1514];
	char path[512], err[256];
	int fd, i;

	for (i = 0; i < 1514; i++)
		frame[i] = (uint8_t)(i * 7);
	snprintf(path, sizeof(path), "%s/txgen-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	CHECK(t, fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	CHECK(t, pcap_open(&w, path, 65535) == 0);
	for (i = 0; i < 10; i++)
		CHECK(t, pcap_write(&w, frame + i, 60 + (uint32_t)i * 100, 1, 2) == 0);
	CHECK(t, pcap_close(&w) == 0);
	CHECK(t, pcap_load(path, NULL, 4096, &f, err, sizeof(err)) == 0);
	CHECK(t, f.n == 10 && f.buf != NULL && f.base == f.buf);
	for (i = 0; i < 10 && i < (int)f.n; i++)
		CHECK(t, f.len[i] == 60 + (uint32_t)i * 100 &&
			 !memcmp(f.base + f.off[i], frame + i, f.len[i]));
	pcap_frames_free(&f);
	/* A writer's snap length below the frame: caplen != len, refused. */
	CHECK(t, pcap_open(&w, path, 64) == 0);
	CHECK(t, pcap_write(&w, frame, 100, 1, 2) == 0);
	CHECK(t, pcap_close(&w) == 0);
	CHECK(t, pcap_load(path, NULL, 4096, &f, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "record 1: 64 of 100 bytes") && strstr(err, path));
	unlink(path);
}

struct replay_log {
	const struct pcap_frames *f;
	uint32_t next, stride, first, bad, n;
};

static void check_replayed(struct simk *k, const uint8_t *frame, uint32_t len)
{
	struct replay_log *l = k->priv;
	const struct pcap_frames *f = l->f;

	if (len != f->len[l->next] || memcmp(frame, f->base + f->off[l->next], len))
		l->bad++;
	l->n++;
	l->next += l->stride;
	if (l->next >= f->n)
		l->next = l->first;
}

/* Replay: the file's frames, byte for byte, in order, this queue's share
 * (records 1, 4, 7, ... of 3 queues), over and over. */
static void t_loop_replay(struct tctx *t)
{
	static struct pbuf p;
	struct replay_log l;
	struct pcap_frames f;
	struct simk *k = sim_new(false);
	struct sender s;
	char err[256];
	int i;

	CHECK(t, k != NULL);
	if (!k)
		return;
	pcap_hdr(&p, true, PCAP_MAGIC_NS, 1);
	for (i = 0; i < 10; i++)
		pcap_rec(&p, 60 + (uint32_t)i * 37, 60 + (uint32_t)i * 37, (uint8_t)(i * 11));
	CHECK(t, pcap_parse(p.b, p.len, SIM_FSIZE, &f, err, sizeof(err)) == 0);
	memset(&l, 0, sizeof(l));
	l.f = &f;
	l.first = l.next = 1;
	l.stride = 3;
	k->on_frame = check_replayed;
	k->priv = &l;
	k->budget = 7;
	CHECK(t, sim_sender(&s, k, 3 * 1000) == 0);
	sender_fini(&s);
	s.cfg.replay = &f;
	s.cfg.replay_first = 1;
	s.cfg.replay_stride = 3;
	{
		struct sender_cfg c = s.cfg;

		CHECK(t, sender_init(&s, &c) == 0);
	}
	sender_run(&s);
	CHECK(t, s.err == 0 && s.ctr.sent == 3000 && l.n == 3000 && l.bad == 0);
	/* records 1, 4, 7: 97 + 208 + 319 bytes, 1000 times */
	CHECK(t, s.ctr.bytes == 1000ull * (97 + 208 + 319));
	{
		struct sender_cfg c = s.cfg;

		sender_fini(&s);
		c.replay_first = 10;
		CHECK(t, sender_init(&s, &c) == -EINVAL);
	}
	pcap_frames_free(&f);
	sim_free(k);
}

static void t_opts_mix_replay(struct tctx *t)
{
	static struct pbuf p;
	struct txgen_config c;
	struct pcap_frames f;
	struct ifinfo ifi;
	char err[PARAM_ERR_LEN];

	CHECK(t, parse(&c, err, "--dev", "e", "--size", "imix", NULL) == PARAMS_OK);
	CHECK(t, c.nsizes == 3 && c.sizes.v[0] == 64 && c.sizes.v[1] == 576 &&
		 c.sizes.v[2] == 1500 && c.size == 64);
	CHECK(t, c.weights.n == 3 && c.weights.v[0] == 7 && c.weights.v[1] == 4 &&
		 c.weights.v[2] == 1);
	CHECK(t, parse(&c, err, "--dev", "e", "--size", "imix", "--weights", "1,1,1",
		       NULL) == PARAMS_OK && c.weights.v[0] == 1);
	CHECK(t, parse(&c, err, "--dev", "e", "-s", "60,1000", "--weights", "3,1",
		       NULL) == PARAMS_OK);
	CHECK(t, c.nsizes == 2 && c.sizes.v[1] == 1000 && c.weights.v[0] == 3);
	CHECK(t, parse(&c, err, "--dev", "e", "--size", "60,1000", NULL) == PARAMS_OK &&
		 c.nsizes == 2 && c.weights.n == 0);
	CHECK(t, parse(&c, err, "--dev", "e", "--size", "100", NULL) == PARAMS_OK &&
		 c.nsizes == 1 && c.size == 100);
	CHECK(t, parse(&c, err, "--dev", "e", NULL) == PARAMS_OK && c.nsizes == 1 &&
		 c.size == 60 && !c.replay && c.loop == 1);
	CHECK(t, parse(&c, err, "--dev", "e", "--replay", "x.pcap", "--loop", "0",
		       "--count", "5", "--rate", "1kpps", NULL) == PARAMS_OK);
	CHECK(t, !strcmp(c.replay, "x.pcap") && c.loop == 0 && c.count == 5);

	/* Against the interface: the largest size; replayed frames against
	 * MTU + 14 (+ 4 when tagged), and no more queues than frames. */
	memset(&ifi, 0, sizeof(ifi));
	snprintf(ifi.name, sizeof(ifi.name), "veth0");
	ifi.up = true;
	ifi.mtu = 1500;
	ifi.tx_queues = 4;
	CHECK(t, parse(&c, err, "--dev", "veth0", "--size", "64,1515", NULL) == PARAMS_OK);
	CHECK(t, config_check_iface(&c, &ifi, err, sizeof(err)) == -1 &&
		 strstr(err, "--size 1515 exceeds MTU 1500"));
	CHECK(t, parse(&c, err, "--dev", "veth0", "--size", "imix", NULL) == PARAMS_OK);
	CHECK(t, config_check_iface(&c, &ifi, err, sizeof(err)) == 0);
	CHECK(t, parse(&c, err, "--dev", "veth0", "--replay", "r.pcap", "--queues", "3",
		       NULL) == PARAMS_OK);
	CHECK(t, config_check_iface(&c, &ifi, err, sizeof(err)) == 0);
	pcap_hdr(&p, false, PCAP_MAGIC, 1);
	pcap_rec(&p, 1514, 1514, 0);
	pcap_rec(&p, 1518, 1518, 0);
	p.b[p.len - 1518 + 12] = 0x81;		/* 802.1Q tagged */
	p.b[p.len - 1518 + 13] = 0x00;
	pcap_rec(&p, 60, 60, 0);
	CHECK(t, pcap_parse(p.b, p.len, 4096, &f, err, sizeof(err)) == 0 && f.n == 3);
	CHECK(t, config_check_replay(&c, &ifi, &f, err, sizeof(err)) == 0);
	c.queues = 4;
	CHECK(t, config_check_replay(&c, &ifi, &f, err, sizeof(err)) == -1 &&
		 strstr(err, "--queues 4 is more than the 3 frames"));
	c.queues = 1;
	ifi.mtu = 1499;
	CHECK(t, config_check_replay(&c, &ifi, &f, err, sizeof(err)) == -1 &&
		 strstr(err, "record 1: 1514-byte frame exceeds MTU 1499 + 14"));
	pcap_frames_free(&f);
	pcap_hdr(&p, false, PCAP_MAGIC, 1);
	pcap_rec(&p, 1515, 1515, 0);
	CHECK(t, pcap_parse(p.b, p.len, 4096, &f, err, sizeof(err)) == 0);
	ifi.mtu = 1500;
	CHECK(t, config_check_replay(&c, &ifi, &f, err, sizeof(err)) == -1 &&
		 strstr(err, "1515-byte frame exceeds MTU 1500 + 14"));
	/* The file name in the error is escaped: one line (txgen passes the
	 * same escaped name to pcap_load()). */
	c.replay = "r\n.pcap";
	CHECK(t, config_check_replay(&c, &ifi, &f, err, sizeof(err)) == -1 &&
		 strstr(err, "--replay r\\x0a.pcap: record 1") && !strchr(err, '\n'));
	pcap_frames_free(&f);
}

static void t_json_sizes_replay(struct tctx *t)
{
	static const struct size_count sc[3] = {
		{ 64, 7, 700 }, { 576, 4, 400 }, { 1500, 1, 100 },
	};
	static const struct replay_info ri = { "a\"b.pcap", 10, 60, 1514, 0 };
	struct stats_summary s;
	struct frame_info fi;
	char *buf = NULL, *txt = NULL;
	size_t len = 0, tlen = 0;
	FILE *f, *tf;

	f = open_memstream(&buf, &len);
	CHECK(t, f != NULL);
	if (!f)
		return;
	tf = open_memstream(&txt, &tlen);
	CHECK(t, tf != NULL);
	if (!tf) {
		fclose(f);
		free(buf);
		return;
	}
	memset(&s, 0, sizeof(s));
	memset(&fi, 0, sizeof(fi));
	s.dev = "veth0";
	s.mode = s.mode_reason = "copy";
	fi.proto = "IPv4/UDP";
	fi.size = 0;
	snprintf(fi.sizes, sizeof(fi.sizes), "64,576,1500");
	fi.vlan = -1;
	fi.dst_mac_from = "option";
	s.frame = &fi;
	s.sizes = sc;
	s.nsizes = 3;
	stats_print_json(f, &s);
	stats_print_summary(tf, &s);
	s.frame = NULL;
	s.sizes = NULL;
	s.nsizes = 0;
	s.replay = &ri;
	stats_print_json(f, &s);
	stats_print_summary(tf, &s);
	fclose(f);
	fclose(tf);
	CHECK(t, strstr(buf, "\"frame\":{\"size\":null,") != NULL);
	CHECK(t, strstr(buf, ",\"sizes\":[{\"size\":64,\"weight\":7,\"submitted\":700},"
			"{\"size\":576,\"weight\":4,\"submitted\":400},"
			"{\"size\":1500,\"weight\":1,\"submitted\":100}]}\n") != NULL);
	CHECK(t, strstr(buf, ",\"replay\":{\"file\":\"a\\\"b.pcap\",\"frames\":10,"
			"\"min_len\":60,\"max_len\":1514,\"loop\":0}}\n") != NULL);
	CHECK(t, strstr(txt, "summary: frame 64,576,1500 bytes IPv4/UDP") != NULL);
	CHECK(t, strstr(txt, "summary: sizes 64 bytes x 700 (weight 7), 576 bytes x 400 "
			"(weight 4), 1500 bytes x 100 (weight 1)\n") != NULL);
	CHECK(t, strstr(txt, "summary: replay a\"b.pcap: 10 frames of 60..1514 bytes, "
			"loop 0 (until stopped)\n") != NULL);
	free(buf);
	free(txt);
}

/* ---- receiver accounting (lib/rxstats.c) ---- */

static void rx_feed(struct rx_seq *s, const uint32_t *seqs, size_t n, uint64_t tx_us)
{
	size_t i;

	for (i = 0; i < n; i++)
		rx_seq_add(s, seqs[i], tx_us);
}

static void t_rx_seq_loss_dup_reorder(struct tctx *t)
{
	static struct rx_seq s;
	static const uint32_t mixed[] = { 0, 1, 3, 2, 2, 5, 4, 1, 9, 6 };
	uint32_t i;

	/* In order with one gap of 3. */
	rx_seq_init(&s);
	for (i = 0; i <= 20; i++)
		if (i < 10 || i > 12)
			rx_seq_add(&s, i, 1000);
	CHECK(t, s.received == 18 && s.lost == 3 && s.duplicates == 0 &&
	      s.reordered == 0 && s.restarts == 0);
	CHECK(t, s.first_seq == 0 && s.last_seq == 20 && s.highest == 20);

	/* 3 before 2: late, fills its gap; second 2 and 1: duplicates; 6 after
	 * 9: late by 3; 7 and 8 never come. */
	rx_seq_init(&s);
	rx_feed(&s, mixed, sizeof(mixed) / sizeof(mixed[0]), 1000);
	CHECK(t, s.received == 10);
	CHECK(t, s.lost == 2);
	CHECK(t, s.duplicates == 2);
	CHECK(t, s.reordered == 3);
	CHECK(t, s.max_displacement == 3);
	CHECK(t, s.restarts == 0 && s.last_seq == 6 && s.highest == 9);

	/* The receiver starts late: a frame earlier than the first one seen
	 * extends the range (9 is lost, 8 is late by 3). */
	rx_seq_init(&s);
	rx_seq_add(&s, 10, 1000);
	rx_seq_add(&s, 11, 1000);
	rx_seq_add(&s, 8, 1000);
	CHECK(t, s.lost == 1 && s.reordered == 1 && s.max_displacement == 3 &&
	      s.stream_first == 8);
}

/* The header's fields: the stream from tv_usec's 12 high bits, the
 * microseconds below; a stream id alone is no send time. */
static void t_rx_hdr_read(struct tctx *t)
{
	uint8_t h[PKTGEN_HDR_LEN] = { 0xbe, 0x9b, 0xe9, 0x55, 0, 0, 1, 2,
				      0x69, 0, 0, 1, 0x00, 0x0f, 0x42, 0x3f };
	struct pktgen_fields f;

	pktgen_hdr_read(h, &f);
	CHECK(t, f.seq == 258 && f.stream == 0 && f.tv_sec == 0x69000001u &&
	      f.tv_usec == 999999 && f.tx_us == 0x69000001ull * 1000000 + 999999);
	h[12] = 0xff;
	h[13] = 0xff;	/* stream 4095, 0xf423f = 999999 us */
	pktgen_hdr_read(h, &f);
	CHECK(t, f.stream == 4095 && f.tv_usec == 999999);
	memset(h + 8, 0, 8);
	h[12] = 0x00;
	h[13] = 0x30;	/* stream 3, no time */
	pktgen_hdr_read(h, &f);
	CHECK(t, f.stream == 3 && f.tv_usec == 0 && f.tx_us == 0);
}

/*
 * Two queues' streams, both numbered from 0, interleaved as two CPUs
 * deliver them: exact per stream, where one struct rx_seq over both saw
 * restarts and losses (and where txrecv saw 418 restarts and 'lost 526449'
 * for two txgen queues on veth). A loss in one stream is that stream's.
 */
static void t_rx_streams(struct tctx *t)
{
	static struct rx_streams st;
	static struct rx_seq one;
	struct rx_seq_sum m;
	uint32_t i, q;

	rx_streams_init(&st);
	rx_seq_init(&one);
	for (i = 0; i < 5000; i++) {
		/* queue 1 runs ahead by 100 frames and sends later */
		rx_streams_add(&st, 0, i, 1000 + i);
		rx_seq_add(&one, i, 1000 + i);
		if (i + 100 < 5000) {
			rx_streams_add(&st, 1, i + 100, 1200 + i);
			rx_seq_add(&one, i + 100, 1200 + i);
		}
	}
	for (i = 0; i < 100; i++) {
		rx_streams_add(&st, 1, i, 0);	/* queue 1's first 100, late */
		rx_seq_add(&one, i, 0);
	}
	rx_streams_sum(&st, &m);
	CHECK(t, st.received == 10000 && st.n == 2 && st.untracked == 0);
	CHECK(t, st.id[0] == 0 && st.id[1] == 1);
	CHECK(t, m.received == 10000 && m.lost == 0 && m.duplicates == 0 &&
	      m.restarts == 0 && m.reordered == 100 && m.max_displacement == 4999);
	CHECK(t, st.s[0].received == 5000 && st.s[0].highest == 4999 &&
	      st.s[1].received == 5000 && st.s[1].highest == 4999);
	/* One sequence for both: what the accounting was before streams. */
	CHECK(t, one.restarts > 0 || one.duplicates > 0);

	/* One frame of stream 7 lost, stream 2 complete. */
	rx_streams_init(&st);
	for (i = 0; i < 1000; i++) {
		rx_streams_add(&st, 2, i, 5000);
		if (i != 500)
			rx_streams_add(&st, 7, i, 5000);
	}
	rx_streams_sum(&st, &m);
	CHECK(t, m.lost == 1 && m.duplicates == 0 && m.reordered == 0 && m.restarts == 0);
	CHECK(t, st.id[1] == 7 && st.s[1].lost == 1 && st.s[0].lost == 0);
	CHECK(t, st.first_seq == 0 && st.last_seq == 999);

	/* Past RX_MAX_STREAMS streams: counted, not accounted. */
	rx_streams_init(&st);
	for (q = 0; q < RX_MAX_STREAMS + 2; q++)
		for (i = 0; i < 10; i++)
			rx_streams_add(&st, q * 50, i, 0);
	rx_streams_add(&st, PKTGEN_STREAMS, 0, 0);	/* no such id */
	rx_streams_sum(&st, &m);
	CHECK(t, st.n == RX_MAX_STREAMS && st.received == (RX_MAX_STREAMS + 2) * 10 + 1);
	CHECK(t, st.untracked == 21 && st.untracked_streams == 3);
	CHECK(t, m.received == RX_MAX_STREAMS * 10 && m.lost == 0 && m.duplicates == 0);
}

static void t_rx_seq_wrap_restart(struct tctx *t)
{
	static struct rx_seq s;
	static const uint32_t wrap[] = { 0xfffffffdu, 0xfffffffeu, 0xffffffffu, 0, 1,
					 0xfffffffeu, 3, 2 };
	uint32_t i;

	/* 2^32 - 1 -> 0 is one step; a duplicate and a late frame across it. */
	rx_seq_init(&s);
	rx_feed(&s, wrap, sizeof(wrap) / sizeof(wrap[0]), 1000);
	CHECK(t, s.received == 8 && s.lost == 0 && s.duplicates == 1 &&
	      s.reordered == 1 && s.max_displacement == 1 && s.restarts == 0);

	/* The sender starts again at 0, later: a new stream, not 10 duplicates. */
	rx_seq_init(&s);
	for (i = 0; i < 100; i++)
		rx_seq_add(&s, i, 1000);
	for (i = 0; i < 10; i++)
		rx_seq_add(&s, i, 2000);
	CHECK(t, s.restarts == 1 && s.duplicates == 0 && s.lost == 0 &&
	      s.reordered == 0 && s.highest == 9);
	/* Frames without a send time cannot tell: duplicates. */
	rx_seq_init(&s);
	for (i = 0; i < 100; i++)
		rx_seq_add(&s, i, 0);
	for (i = 0; i < 10; i++)
		rx_seq_add(&s, i, 0);
	CHECK(t, s.restarts == 0 && s.duplicates == 10);
	/* A frame RX_SEQ_WINDOW or more behind starts a new stream too. */
	rx_seq_init(&s);
	rx_seq_add(&s, 5, 0);
	rx_seq_add(&s, 5 + RX_SEQ_WINDOW, 0);
	CHECK(t, s.lost == RX_SEQ_WINDOW - 1);
	rx_seq_add(&s, 5, 0);
	rx_seq_add(&s, 6, 0);
	CHECK(t, s.restarts == 1 && s.duplicates == 0 && s.highest == 6 &&
	      s.lost == RX_SEQ_WINDOW - 1);
	/* A jump past the window forgets the window: no false duplicate. */
	rx_seq_init(&s);
	rx_seq_add(&s, 0, 0);
	rx_seq_add(&s, 1, 0);
	rx_seq_add(&s, 1 + RX_SEQ_WINDOW, 0);
	rx_seq_add(&s, 2 + RX_SEQ_WINDOW, 0);
	CHECK(t, s.duplicates == 0 && s.lost == RX_SEQ_WINDOW - 1);
	rx_seq_add(&s, 3, 0);	/* late, inside the window: reordered */
	CHECK(t, s.reordered == 1 && s.duplicates == 0 && s.lost == RX_SEQ_WINDOW - 2);
	/* Steps below the window size forget what leaves it: 5 leaves when the
	 * highest passes 5 + RX_SEQ_WINDOW, and 5 + RX_SEQ_WINDOW, late, shares
	 * its bit but is new. */
	rx_seq_init(&s);
	rx_seq_add(&s, 5, 0);
	rx_seq_add(&s, 4 + RX_SEQ_WINDOW, 0);
	rx_seq_add(&s, 14 + RX_SEQ_WINDOW, 0);
	rx_seq_add(&s, 5 + RX_SEQ_WINDOW, 0);
	CHECK(t, s.duplicates == 0 && s.reordered == 1 && s.max_displacement == 9 &&
	      s.lost == RX_SEQ_WINDOW + 9 - 3);
}

static void t_rx_pktgen_offset(struct tctx *t)
{
	uint8_t f[2048];
	struct pkt_layout lay;
	struct pkt_spec s;

	default_spec(&s, AF_INET, false, 60);
	CHECK(t, pkt_build(&s, f, sizeof(f), &lay) == 0);
	CHECK(t, pktgen_hdr_offset(f, 60) == lay.payload_off);
	CHECK(t, pktgen_hdr_offset(f, lay.payload_off + PKTGEN_HDR_LEN - 1) == -1);
	f[lay.payload_off + 3] ^= 1;
	CHECK(t, pktgen_hdr_offset(f, 60) == -1);
	default_spec(&s, AF_INET6, true, 128);
	CHECK(t, pkt_build(&s, f, sizeof(f), &lay) == 0);
	CHECK(t, pktgen_hdr_offset(f, 128) == lay.payload_off);
	f[12] = 0x08;
	f[13] = 0x06;	/* ARP */
	CHECK(t, pktgen_hdr_offset(f, 128) == -1);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void t_lat_hist_percentiles(struct tctx *t)
{
	static const double ps[] = { 1, 50, 90, 99, 99.9, 100 };
	static struct lat_hist h;
	static int64_t v[20011];
	uint64_t x = 88172645463325252ull, lo, hi, plo, phi;
	double sum = 0;
	size_t n = sizeof(v) / sizeof(v[0]), i;
	unsigned int b;

	/* Bucket edges are contiguous and each bucket holds its own range. */
	plo = phi = 0;
	for (b = 0; b < LAT_BUCKETS - 1; b++) {
		lat_bucket_edges(b, &lo, &hi);
		if (b)
			CHECK(t, lo == phi && lo > plo);
		CHECK(t, lat_bucket((int64_t)lo * 1000) == b);
		CHECK(t, lat_bucket((int64_t)hi * 1000 - 1) == b);
		CHECK(t, hi - lo == 1 || (hi - lo) * 64 <= lo);
		plo = lo;
		phi = hi;
	}
	CHECK(t, lat_bucket(INT64_MAX) == LAT_BUCKETS - 1 && lat_bucket(-5) == 0);

	/* Log-uniform values from 100 ns to ~100 s against a sorted copy. */
	lat_hist_init(&h);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v[i] = (int64_t)(100ull << (x % 30)) + (int64_t)(x >> 40) % 1000;
		lat_hist_add(&h, v[i]);
		sum += (double)v[i];
	}
	qsort(v, n, sizeof(v[0]), cmp_i64);
	CHECK(t, h.n == n && h.min_ns == v[0] && h.max_ns == v[n - 1]);
	CHECK(t, h.sum_ns == sum && h.negative == 0);
	for (i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		size_t rank = (size_t)((ps[i] * (double)n + 99.999) / 100.0);
		int64_t exact, got, width;

		if (rank < 1)
			rank = 1;
		exact = v[rank - 1];
		got = lat_hist_percentile(&h, ps[i]);
		width = exact / 1000 < 128 ? 1000 : exact / 64 + 1000;
		if (got < exact || got - exact > width)
			fprintf(stderr, "  p%g: exact %lld, histogram %lld\n", ps[i],
				(long long)exact, (long long)got);
		CHECK(t, got >= exact && got - exact <= width);
	}
	CHECK(t, lat_hist_percentile(&h, 100) == v[n - 1]);

	/* Exact values in the 1 us range; negative ones counted apart. */
	lat_hist_init(&h);
	for (i = 1; i <= 100; i++)
		lat_hist_add(&h, (int64_t)i * 1000);
	CHECK(t, lat_hist_percentile(&h, 99) == 100000);
	CHECK(t, lat_hist_percentile(&h, 50) == 51000);	/* 50 us's bucket: [50, 51) */
	lat_hist_add(&h, -3000);
	CHECK(t, h.negative == 1 && h.min_ns == -3000);
	lat_hist_init(&h);
	CHECK(t, lat_hist_percentile(&h, 99) == 0);
	/* Past 2^40 us the last bucket is open: its percentile is the max
	 * (fuzz: rxstats). */
	lat_hist_add(&h, 5000);
	lat_hist_add(&h, 2000000000000000000);
	CHECK(t, lat_hist_percentile(&h, 50) == 6000);
	CHECK(t, lat_hist_percentile(&h, 99) == 2000000000000000000);
	/* The top finite bucket, just below 2^40 us, is not the open one:
	 * they shared an index (fuzz: rxstats, CI 2026-12-02).
	 */
	CHECK(t, lat_bucket(((int64_t)1 << LAT_MAX_LOG2) * 1000 - 1) != LAT_BUCKETS - 1);
	lat_hist_init(&h);
	lat_hist_add(&h, 1099505969152000);	/* 2^40 us - 5.66 s */
	lat_hist_add(&h, 2449108252672000);
	CHECK(t, lat_hist_percentile(&h, 50) < 2449108252672000);
	CHECK(t, lat_hist_percentile(&h, 50) - 1099505969152000 <=
		 1099505969152000 / 64 + 1000);
}

int main(void)
{
	struct tctx t = { 0 };

	run(&t, "ipv4 header checksum known vector", t_ip4_csum_vector);
	run(&t, "frame layout ipv4", t_frame_ip4);
	run(&t, "frame layout vlan + ipv6", t_frame_vlan_ip6);
	run(&t, "udp checksum ipv4 (independent recomputation)", t_udp_csum_ip4);
	run(&t, "udp checksum ipv6 (independent recomputation)", t_udp_csum_ip6);
	run(&t, "incremental patch equals full rebuild; seq-only patch equals it", t_patch_matches_rebuild);
	run(&t, "range sequential wrap", t_range_sequential);
	run(&t, "range random within bounds", t_range_random);
	run(&t, "range parsing mac/ip/port", t_range_parse);
	run(&t, "rate parsing", t_rate_parse);
	run(&t, "token bucket pacing", t_rate_bucket);
	run(&t, "rtnetlink route/neighbour reply parsing", t_neigh_parse);
	run(&t, "loop: EBUSY counted as dropped, options written", t_loop_drops);
	run(&t, "kick: EAGAIN retried only while the consumer moves", t_kick_eagain);
	run(&t, "kick: zero-copy only on need_wakeup, busy poll always", t_kick_zerocopy);
	run(&t, "loop: ENETDOWN/ENXIO end the run naming the device", t_loop_netdown);
	run(&t, "loop: the stream id in every frame, checksum valid, staggered", t_loop_stream_id);
	run(&t, "option parsing: defaults and valid input", t_opts_good);
	run(&t, "option parsing: every bad input rejected with one line", t_opts_bad);
	run(&t, "option errors escape control characters (fuzz: config)", t_opts_error_printable);
	run(&t, "numbers with leading white space rejected (fuzz: range)", t_numbers_no_leading_space);
	run(&t, "rate_wait_ns saturates, no overflow (fuzz: rate)", t_rate_wait_saturates);
	run(&t, "option checks against the interface", t_opts_iface);
	run(&t, "--help generated from the table", t_help_from_table);
	run(&t, "pcap file format", t_pcap_format);
	run(&t, "pcap record without bytes (fuzz: pcap)", t_pcap_empty_record);
	run(&t, "json summary", t_json);
	run(&t, "size mix schedule: exact ratios, gcd, one size, bad weights", t_mix_schedule);
	run(&t, "loop: a size mix in its ratio, frames of the right size", t_loop_mix);
	run(&t, "pcap reader: byte orders, ns magic, every defect refused", t_pcap_read);
	run(&t, "pcap reader reads what the writer wrote", t_pcap_roundtrip);
	run(&t, "loop: replay byte-identical, in order, the queue's share", t_loop_replay);
	run(&t, "option checks: sizes, weights, replay", t_opts_mix_replay);
	run(&t, "summary and json: per-size counts, replay", t_json_sizes_replay);
	run(&t, "rx seq: loss, duplicates, reordering, late start", t_rx_seq_loss_dup_reorder);
	run(&t, "rx seq: wrap at 2^32, sender restart, window", t_rx_seq_wrap_restart);
	run(&t, "rx: pktgen header found in ipv4, vlan + ipv6", t_rx_pktgen_offset);
	run(&t, "rx: header fields, stream id in tv_usec's high bits", t_rx_hdr_read);
	run(&t, "rx streams: two queues exact, a loss is its stream's, table full", t_rx_streams);
	run(&t, "latency histogram: edges, percentiles vs sorted reference", t_lat_hist_percentiles);
	run(&t, "ring struct zero-init regression (libxdp 1.3.1)", t_ring_zero_init);
	run(&t, "ring zero helpers", t_ring_helpers_zeroed);

	printf("%d passed, %d failed\n", t.passed, t.failed);
	return t.failed ? 1 : 0;
}
