/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_PKT_H
#define TXGEN_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#define PKT_ETH_LEN	14
#define PKT_VLAN_LEN	4
#define PKT_IP4_LEN	20
#define PKT_IP6_LEN	40
#define PKT_UDP_LEN	8
#define PKT_MIN_FRAME	60	/* minimum Ethernet frame without FCS */

/* Payload header, same layout as the kernel's pktgen (struct pktgen_hdr). */
#define PKTGEN_MAGIC	0xbe9be955u
struct pktgen_hdr {
	uint32_t magic;		/* network byte order */
	uint32_t seq;		/* network byte order */
	uint32_t tv_sec;	/* network byte order */
	uint32_t tv_usec;	/* network byte order */
};
#define PKTGEN_HDR_LEN	16

/*
 * The stream a frame belongs to (txgen: its queue, 0 .. queues - 1) rides
 * in the 12 high bits of tv_usec, which microseconds (< 10^6 < 2^20) leave
 * free: the header has no stream field, and the flow's addresses and ports
 * cannot carry one (txgen's ranges vary them within a queue). Stream 0, the
 * only one of a single queue and of the kernel's pktgen, is the plain
 * pktgen format.
 */
#define PKTGEN_USEC_BITS	20
#define PKTGEN_USEC_MASK	((1u << PKTGEN_USEC_BITS) - 1)
#define PKTGEN_STREAMS		(1u << (32 - PKTGEN_USEC_BITS))

struct pkt_spec {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	bool vlan;
	uint16_t vlan_id;
	int family;		/* AF_INET or AF_INET6 */
	uint8_t src_ip[16];
	uint8_t dst_ip[16];
	uint16_t src_port;
	uint16_t dst_port;
	uint32_t frame_len;	/* L2 frame length without FCS */
};

/* Offsets of each header inside a built frame. */
struct pkt_layout {
	uint16_t l3_off;
	uint16_t l4_off;
	uint16_t payload_off;
	uint16_t len;
	int family;
};

/*
 * Per-template checksum state: partial one's complement sums of everything
 * that never changes, so that a frame can be finished from the few fields
 * that do (addresses, ports, pktgen seq/time) without touching the rest.
 */
struct pkt_tmpl {
	struct pkt_layout lay;
	uint32_t ip_base;	/* IPv4 header sum without addresses and csum */
	uint32_t udp_base;	/* pseudo hdr + UDP hdr + payload, minus variable fields */
};

/* Values that may change from packet to packet. */
struct pkt_vars {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint8_t src_ip[16];
	uint8_t dst_ip[16];
	uint16_t src_port;
	uint16_t dst_port;
	uint32_t seq;
	uint32_t tv_sec;
	uint32_t tv_usec;
};

enum pkt_vary {
	PKT_VARY_MAC = 1 << 0,
	PKT_VARY_IP = 1 << 1,
	PKT_VARY_PORT = 1 << 2,
};

/* Smallest frame able to carry the headers plus the pktgen header. */
uint32_t pkt_min_len(int family, bool vlan);

/* Build a complete frame into buf; returns 0 or -EINVAL if it doesn't fit. */
int pkt_build(const struct pkt_spec *spec, uint8_t *buf, size_t buflen,
	      struct pkt_layout *lay);

/* Checksum helpers (RFC 1071). */
uint32_t csum_add(uint32_t sum, const void *data, size_t len);
uint16_t csum_fold(uint32_t sum);
uint16_t ip4_hdr_csum(const uint8_t *iph);
/* Full UDP checksum recomputation over the frame (pseudo header included). */
uint16_t udp_csum(const uint8_t *frame, const struct pkt_layout *lay);

/* Prepare a template from a frame produced by pkt_build. */
void pkt_tmpl_init(struct pkt_tmpl *t, const uint8_t *frame,
		   const struct pkt_layout *lay);

/*
 * The per-packet part, inline: the transmit loop calls pkt_patch() for
 * every frame, and a call into another object file cannot be inlined
 * (no LTO here).
 */
static inline void pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void pkt_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t pkt_sum16(uint32_t s, const uint8_t *p, unsigned int words)
{
	unsigned int i;

	for (i = 0; i < words; i++)
		s += (uint32_t)(p[2 * i] << 8 | p[2 * i + 1]);
	return s;
}

static inline uint16_t pkt_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Write the varying fields (those in vary, plus seq/time always) and fix
 * the checksums from the template's partial sums. Allocation-free. */
static inline void pkt_patch(uint8_t *frame, const struct pkt_tmpl *t,
			     const struct pkt_vars *v, unsigned int vary)
{
	const struct pkt_layout *lay = &t->lay;
	uint8_t *ip = frame + lay->l3_off;
	uint8_t *udp = frame + lay->l4_off;
	uint8_t *pl = frame + lay->payload_off;
	unsigned int alen = lay->family == AF_INET6 ? 16 : 4;
	uint8_t *saddr = ip + (lay->family == AF_INET6 ? 8 : 12);
	uint8_t *daddr = saddr + alen;
	uint32_t s, as;
	uint16_t c;

	if (vary & PKT_VARY_MAC) {
		memcpy(frame, v->dst_mac, 6);
		memcpy(frame + 6, v->src_mac, 6);
	}
	if (vary & PKT_VARY_IP) {
		memcpy(saddr, v->src_ip, alen);
		memcpy(daddr, v->dst_ip, alen);
	}
	if (vary & PKT_VARY_PORT) {
		pkt_put16(udp, v->src_port);
		pkt_put16(udp + 2, v->dst_port);
	}
	pkt_put32(pl + 4, v->seq);
	pkt_put32(pl + 8, v->tv_sec);
	pkt_put32(pl + 12, v->tv_usec);

	as = pkt_sum16(0, saddr, alen);		/* both addresses, contiguous */
	if (lay->family == AF_INET && (vary & PKT_VARY_IP)) {
		s = t->ip_base + as;
		pkt_put16(ip + 10, pkt_fold(s));
	}
	s = t->udp_base + as;
	s = pkt_sum16(s, udp, 2);		/* ports */
	s = pkt_sum16(s, pl + 4, 6);		/* seq, tv_sec, tv_usec */
	c = pkt_fold(s);
	pkt_put16(udp + 6, c ? c : 0xffff);
}

/*
 * The common case, nothing ranged (vary 0): only seq changes per frame and
 * the time per batch. pkt_fixed_sum() sums what is the same for every frame
 * of a batch (the template's fixed part, its frame's addresses and ports,
 * the time in v); pkt_patch_seq() then writes seq and time and folds one
 * sum: the frame equals pkt_patch(frame, t, v, 0).
 */
static inline uint32_t pkt_fixed_sum(const struct pkt_tmpl *t, const uint8_t *frame,
				     const struct pkt_vars *v)
{
	const struct pkt_layout *lay = &t->lay;
	unsigned int alen = lay->family == AF_INET6 ? 16 : 4;
	const uint8_t *saddr = frame + lay->l3_off + (lay->family == AF_INET6 ? 8 : 12);
	uint32_t s = t->udp_base;

	s = pkt_sum16(s, saddr, alen);		/* both addresses */
	s = pkt_sum16(s, frame + lay->l4_off, 2);	/* ports */
	s += (v->tv_sec >> 16) + (v->tv_sec & 0xffff);
	s += (v->tv_usec >> 16) + (v->tv_usec & 0xffff);
	return s;
}

static inline void pkt_patch_seq(uint8_t *frame, const struct pkt_layout *lay,
				 uint32_t fixed, const struct pkt_vars *v)
{
	uint8_t *pl = frame + lay->payload_off;
	uint16_t c;

	pkt_put32(pl + 4, v->seq);
	pkt_put32(pl + 8, v->tv_sec);
	pkt_put32(pl + 12, v->tv_usec);
	c = pkt_fold(fixed + (v->seq >> 16) + (v->seq & 0xffff));
	pkt_put16(frame + lay->l4_off + 6, c ? c : 0xffff);
}

#endif
