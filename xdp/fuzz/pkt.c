// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the frame builder (pkt_build, pkt_min_len) and the
 * per-packet patching from a template (pkt_tmpl_init, pkt_patch; with no
 * field varied also pkt_fixed_sum + pkt_patch_seq, the loop's fast path,
 * which must write the same bytes).
 *
 * Input (see make-seeds): a frame spec (family, VLAN, frame and buffer
 * length, addresses, ports), then up to four sets of per-packet values with
 * the fields to vary. pkt_build must refuse exactly the specs that cannot be built (bad
 * family, VLAN id over 4095, a frame shorter than pkt_min_len, longer than
 * the buffer or 65535) and write nothing past frame_len. Every built or
 * patched frame is checked field by field and its IPv4 header and UDP
 * checksums are recomputed here, independently of lib/pkt.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include "../lib/pkt.h"
#include "fuzz.h"

#define MAX_BUF 70000

/*
 * RFC 1071 sum over several pieces, folded at the end. Every piece but the
 * last has an even length here, so bytes pair up within each piece.
 */
struct sum {
	uint64_t s;
};

static void sum_add(struct sum *c, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		c->s += (uint64_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		c->s += (uint64_t)p[len - 1] << 8;
}

static uint16_t sum_fold(const struct sum *c)
{
	uint64_t s = c->s;

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The frame must be exactly what spec describes, with this pktgen header. */
static void check_frame(const uint8_t *f, const struct pkt_layout *lay,
			const struct pkt_spec *spec, uint32_t seq,
			uint32_t tv_sec, uint32_t tv_usec)
{
	bool v6 = spec->family == AF_INET6;
	uint32_t len = spec->frame_len, l3 = PKT_ETH_LEN, i;
	static uint8_t pattern[65536];	/* the payload fill: byte i is i */
	unsigned int alen = v6 ? 16 : 4;
	uint8_t pseudo[8] = { 0 };
	const uint8_t *ip, *udp, *pl;
	struct sum c = { 0 };
	uint32_t udp_len;

	if (!pattern[1])
		for (i = 0; i < sizeof(pattern); i++)
			pattern[i] = (uint8_t)i;
	if (spec->vlan)
		l3 += PKT_VLAN_LEN;
	FUZZ_CHECK(lay->family == spec->family && lay->len == len);
	FUZZ_CHECK(lay->l3_off == l3);
	FUZZ_CHECK(lay->l4_off == l3 + (v6 ? PKT_IP6_LEN : PKT_IP4_LEN));
	FUZZ_CHECK(lay->payload_off == lay->l4_off + PKT_UDP_LEN);
	FUZZ_CHECK(lay->payload_off + PKTGEN_HDR_LEN <= len);
	ip = f + l3;
	udp = f + lay->l4_off;
	pl = f + lay->payload_off;
	udp_len = len - lay->l4_off;

	FUZZ_CHECK(!memcmp(f, spec->dst_mac, 6) && !memcmp(f + 6, spec->src_mac, 6));
	if (spec->vlan) {
		FUZZ_CHECK(be16(f + 12) == 0x8100 && be16(f + 14) == spec->vlan_id);
	}
	FUZZ_CHECK(be16(f + l3 - 2) == (v6 ? 0x86dd : 0x0800));
	if (v6) {
		FUZZ_CHECK(be32(ip) == 0x60000000u);
		FUZZ_CHECK(be16(ip + 4) == udp_len && ip[6] == 17 && ip[7] == 64);
		FUZZ_CHECK(!memcmp(ip + 8, spec->src_ip, 16));
		FUZZ_CHECK(!memcmp(ip + 24, spec->dst_ip, 16));
	} else {
		FUZZ_CHECK(ip[0] == 0x45 && be16(ip + 2) == len - l3);
		FUZZ_CHECK(ip[8] == 64 && ip[9] == 17);
		FUZZ_CHECK(!memcmp(ip + 12, spec->src_ip, 4));
		FUZZ_CHECK(!memcmp(ip + 16, spec->dst_ip, 4));
		sum_add(&c, ip, PKT_IP4_LEN);
		FUZZ_CHECK(sum_fold(&c) == 0xffff);
	}
	FUZZ_CHECK(be16(udp) == spec->src_port && be16(udp + 2) == spec->dst_port);
	FUZZ_CHECK(be16(udp + 4) == udp_len);
	FUZZ_CHECK(be16(udp + 6) != 0);	/* 0 would mean "no checksum" */
	c.s = 0;
	sum_add(&c, ip + (v6 ? 8 : 12), 2 * alen);
	pseudo[1] = (uint8_t)(udp_len >> 16);	/* upper-layer length, 32 bits */
	pseudo[2] = (uint8_t)(udp_len >> 8);
	pseudo[3] = (uint8_t)udp_len;
	pseudo[7] = 17;
	sum_add(&c, pseudo, 8);
	sum_add(&c, udp, udp_len);
	FUZZ_CHECK(sum_fold(&c) == 0xffff);
	FUZZ_CHECK(udp_csum(f, lay) == be16(udp + 6));

	FUZZ_CHECK(be32(pl) == PKTGEN_MAGIC && be32(pl + 4) == seq);
	FUZZ_CHECK(be32(pl + 8) == tv_sec && be32(pl + 12) == tv_usec);
	i = lay->payload_off + PKTGEN_HDR_LEN;
	FUZZ_CHECK(!memcmp(f + i, pattern + i, len - i));
}

static bool buildable(const struct pkt_spec *s, size_t buflen)
{
	if (s->family != AF_INET && s->family != AF_INET6)
		return false;
	if (s->vlan && s->vlan_id > 4095)
		return false;
	return s->frame_len >= pkt_min_len(s->family, s->vlan) &&
	       s->frame_len <= buflen && s->frame_len <= 65535;
}

static void read_vars(struct fuzz_in *in, struct pkt_vars *v)
{
	fuzz_bytes(in, v->src_mac, 6);
	fuzz_bytes(in, v->dst_mac, 6);
	fuzz_bytes(in, v->src_ip, 16);
	fuzz_bytes(in, v->dst_ip, 16);
	v->src_port = (uint16_t)fuzz_uint(in, 2);
	v->dst_port = (uint16_t)fuzz_uint(in, 2);
	v->seq = (uint32_t)fuzz_uint(in, 4);
	v->tv_sec = (uint32_t)fuzz_uint(in, 4);
	v->tv_usec = (uint32_t)fuzz_uint(in, 4);
}

/* What the frame must hold after pkt_patch(v, vary). */
static void apply_vars(struct pkt_spec *s, const struct pkt_vars *v,
		       unsigned int vary)
{
	if (vary & PKT_VARY_MAC) {
		memcpy(s->src_mac, v->src_mac, 6);
		memcpy(s->dst_mac, v->dst_mac, 6);
	}
	if (vary & PKT_VARY_IP) {
		memcpy(s->src_ip, v->src_ip, 16);
		memcpy(s->dst_ip, v->dst_ip, 16);
	}
	if (vary & PKT_VARY_PORT) {
		s->src_port = v->src_port;
		s->dst_port = v->dst_port;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct pkt_spec spec;
	struct pkt_layout lay;
	struct pkt_tmpl tmpl;
	struct pkt_vars v;
	unsigned int flags, vary, round;
	size_t buflen;
	uint8_t *buf;
	int ret;

	memset(&spec, 0, sizeof(spec));
	flags = (unsigned int)fuzz_uint(&in, 1);
	spec.family = flags & 1 ? AF_INET6 : AF_INET;
	if (flags & 2)	/* now and then a family that is neither */
		spec.family = (int)fuzz_uint(&in, 1);
	spec.vlan = flags & 4;
	spec.vlan_id = (uint16_t)fuzz_uint(&in, 2);
	/* Frame length: 1 byte (the minimums), 2 bytes, 3 bytes (past
	 * 65535) or 2 bytes below 2048 (the sizes in use, and quick). */
	switch (flags >> 4 & 3) {
	case 0:
		spec.frame_len = (uint32_t)fuzz_uint(&in, 1);
		break;
	case 1:
		spec.frame_len = (uint32_t)fuzz_uint(&in, 2);
		break;
	case 2:
		spec.frame_len = (uint32_t)fuzz_uint(&in, 3);
		break;
	default:
		spec.frame_len = (uint32_t)fuzz_uint(&in, 2) & 2047;
		break;
	}
	/* The buffer: exactly frame_len (the common case) or any size. */
	buflen = flags & 8 ? fuzz_uint(&in, 3) : spec.frame_len;
	if (buflen > MAX_BUF)
		buflen = MAX_BUF;
	fuzz_bytes(&in, spec.src_mac, 6);
	fuzz_bytes(&in, spec.dst_mac, 6);
	fuzz_bytes(&in, spec.src_ip, 16);
	fuzz_bytes(&in, spec.dst_ip, 16);
	spec.src_port = (uint16_t)fuzz_uint(&in, 2);
	spec.dst_port = (uint16_t)fuzz_uint(&in, 2);

	buf = malloc(buflen ? buflen : 1);
	if (!buf)
		abort();
	ret = pkt_build(&spec, buf, buflen, &lay);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	FUZZ_CHECK((ret == 0) == buildable(&spec, buflen));
	if (ret) {
		free(buf);
		return 0;
	}
	if (spec.family == AF_INET) {	/* only 4 address bytes go out */
		memset(spec.src_ip + 4, 0, 12);
		memset(spec.dst_ip + 4, 0, 12);
	}
	check_frame(buf, &lay, &spec, 0, 0, 0);

	pkt_tmpl_init(&tmpl, buf, &lay);
	for (round = 0; round < 4 && in.left; round++) {
		vary = (unsigned int)fuzz_uint(&in, 1) & 7;
		read_vars(&in, &v);
		if (!vary) {
			/* The loop's seq-only patch, on a copy: the same bytes. */
			uint8_t *seq_buf = malloc(lay.len);
			uint32_t fixed = pkt_fixed_sum(&tmpl, buf, &v);

			if (!seq_buf)
				abort();
			memcpy(seq_buf, buf, lay.len);
			pkt_patch_seq(seq_buf, &lay, fixed, &v);
			pkt_patch(buf, &tmpl, &v, vary);
			FUZZ_CHECK(!memcmp(seq_buf, buf, lay.len));
			free(seq_buf);
		} else {
			pkt_patch(buf, &tmpl, &v, vary);
		}
		apply_vars(&spec, &v, vary);
		if (spec.family == AF_INET) {
			memset(spec.src_ip + 4, 0, 12);
			memset(spec.dst_ip + 4, 0, 12);
		}
		check_frame(buf, &lay, &spec, v.seq, v.tv_sec, v.tv_usec);
	}
	free(buf);
	return 0;
}
