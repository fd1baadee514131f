// SPDX-License-Identifier: GPL-2.0
/* Ethernet/VLAN/IPv4|IPv6/UDP frame construction and checksums. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt.h"

#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_IPV6	0x86dd
#define ETHERTYPE_VLAN	0x8100
#define IPPROTO_UDP_NUM	17

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint32_t pkt_min_len(int family, bool vlan)
{
	uint32_t l = PKT_ETH_LEN + (vlan ? PKT_VLAN_LEN : 0) +
		     (family == AF_INET6 ? PKT_IP6_LEN : PKT_IP4_LEN) +
		     PKT_UDP_LEN + PKTGEN_HDR_LEN;

	return l < PKT_MIN_FRAME ? PKT_MIN_FRAME : l;
}

/* Sum 16-bit big-endian words; an odd trailing byte is padded with zero. */
uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t s = sum;

	while (len > 1) {
		s += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)(p[0] << 8);
	/* Fold to 16 bits so callers can keep adding words without overflow. */
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

uint16_t csum_fold(uint32_t sum)
{
	return pkt_fold(sum);
}

uint16_t ip4_hdr_csum(const uint8_t *iph)
{
	uint8_t tmp[PKT_IP4_LEN];

	memcpy(tmp, iph, sizeof(tmp));
	tmp[10] = 0;
	tmp[11] = 0;
	return csum_fold(csum_add(0, tmp, sizeof(tmp)));
}

static uint32_t pseudo_sum(const uint8_t *frame, const struct pkt_layout *lay,
			   uint32_t udp_len)
{
	const uint8_t *l3 = frame + lay->l3_off;
	uint32_t s;

	if (lay->family == AF_INET6) {
		s = csum_add(0, l3 + 8, 32);
		s += udp_len >> 16;
		s += udp_len & 0xffff;
	} else {
		s = csum_add(0, l3 + 12, 8);
		s += udp_len;
	}
	s += IPPROTO_UDP_NUM;
	return s;
}

uint16_t udp_csum(const uint8_t *frame, const struct pkt_layout *lay)
{
	const uint8_t *udp = frame + lay->l4_off;
	uint32_t udp_len = (uint32_t)(udp[4] << 8 | udp[5]);
	uint32_t s = pseudo_sum(frame, lay, udp_len);
	uint16_t c;

	s = csum_add(s, udp, 6);		/* ports + length */
	s = csum_add(s, udp + 8, udp_len - 8);	/* payload, skip csum */
	c = csum_fold(s);
	return c ? c : 0xffff;
}

int pkt_build(const struct pkt_spec *spec, uint8_t *buf, size_t buflen,
	      struct pkt_layout *lay)
{
	uint32_t len = spec->frame_len;
	uint32_t l3_len, udp_len;
	uint8_t *p, *ip, *udp;
	uint16_t off = PKT_ETH_LEN;
	struct pktgen_hdr ph;

	if (spec->family != AF_INET && spec->family != AF_INET6)
		return -EINVAL;
	if (len < pkt_min_len(spec->family, spec->vlan) || len > buflen ||
	    len > 65535)
		return -EINVAL;
	if (spec->vlan && spec->vlan_id > 4095)
		return -EINVAL;

	memset(buf, 0, len);
	memcpy(buf, spec->dst_mac, 6);
	memcpy(buf + 6, spec->src_mac, 6);
	if (spec->vlan) {
		put16(buf + 12, ETHERTYPE_VLAN);
		put16(buf + 14, spec->vlan_id);
		off += PKT_VLAN_LEN;
	}
	put16(buf + off - 2,
	      spec->family == AF_INET6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);

	lay->family = spec->family;
	lay->len = (uint16_t)len;
	lay->l3_off = off;
	ip = buf + off;
	l3_len = len - off;
	if (spec->family == AF_INET) {
		lay->l4_off = off + PKT_IP4_LEN;
		udp_len = l3_len - PKT_IP4_LEN;
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)l3_len);
		put16(ip + 6, 0x4000);		/* DF */
		ip[8] = 64;			/* TTL */
		ip[9] = IPPROTO_UDP_NUM;
		memcpy(ip + 12, spec->src_ip, 4);
		memcpy(ip + 16, spec->dst_ip, 4);
		put16(ip + 10, ip4_hdr_csum(ip));
	} else {
		lay->l4_off = off + PKT_IP6_LEN;
		udp_len = l3_len - PKT_IP6_LEN;
		put32(ip, 0x60000000u);
		put16(ip + 4, (uint16_t)udp_len);
		ip[6] = IPPROTO_UDP_NUM;
		ip[7] = 64;			/* hop limit */
		memcpy(ip + 8, spec->src_ip, 16);
		memcpy(ip + 24, spec->dst_ip, 16);
	}
	lay->payload_off = lay->l4_off + PKT_UDP_LEN;

	udp = buf + lay->l4_off;
	put16(udp, spec->src_port);
	put16(udp + 2, spec->dst_port);
	put16(udp + 4, (uint16_t)udp_len);

	ph.magic = htonl(PKTGEN_MAGIC);
	ph.seq = 0;
	ph.tv_sec = 0;
	ph.tv_usec = 0;
	memcpy(buf + lay->payload_off, &ph, sizeof(ph));
	/* Fill the rest of the payload with a recognisable byte pattern. */
	for (p = buf + lay->payload_off + PKTGEN_HDR_LEN; p < buf + len; p++)
		*p = (uint8_t)(p - buf);

	put16(udp + 6, udp_csum(buf, lay));
	return 0;
}

void pkt_tmpl_init(struct pkt_tmpl *t, const uint8_t *frame,
		   const struct pkt_layout *lay)
{
	const uint8_t *ip = frame + lay->l3_off;
	const uint8_t *udp = frame + lay->l4_off;
	const uint8_t *pl = frame + lay->payload_off;
	uint32_t udp_len = (uint32_t)(udp[4] << 8 | udp[5]);
	uint32_t s;

	memset(t, 0, sizeof(*t));
	t->lay = *lay;
	if (lay->family == AF_INET) {
		s = csum_add(0, ip, 10);	/* up to the checksum */
		t->ip_base = s;			/* addresses added per packet */
	}
	/* Pseudo header minus addresses. */
	if (lay->family == AF_INET6)
		s = (udp_len >> 16) + (udp_len & 0xffff);
	else
		s = udp_len;
	s += IPPROTO_UDP_NUM;
	s = csum_add(s, udp + 4, 2);		/* UDP length (ports per packet) */
	s = csum_add(s, pl, 4);			/* pktgen magic */
	s = csum_add(s, pl + PKTGEN_HDR_LEN,
		     udp_len - PKT_UDP_LEN - PKTGEN_HDR_LEN);
	t->udp_base = s;
}
