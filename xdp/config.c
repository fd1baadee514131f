// SPDX-License-Identifier: GPL-2.0
/* txgen's option table, defaults and cross-option validation. */
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "lib/mix.h"
#include "lib/pcap.h"
#include "lib/pkt.h"

#define OFF(f) offsetof(struct txgen_config, f)

static const struct param_enum mode_vals[] = {
	{ "auto", MODE_AUTO }, { "zc", MODE_ZC }, { "copy", MODE_COPY }, { NULL, 0 },
};

static const struct param_enum attach_vals[] = {
	{ "native", ATTACH_NATIVE }, { "generic", ATTACH_GENERIC },
	{ "none", ATTACH_NONE }, { NULL, 0 },
};

static const struct param_enum size_names[] = {
	{ "imix", SIZE_IMIX }, { NULL, 0 },
};

enum {
	OPT_DEV, OPT_QUEUE, OPT_QUEUES, OPT_MODE, OPT_ATTACH, OPT_COUNT,
	OPT_DURATION, OPT_RATE, OPT_BURST, OPT_SIZE, OPT_WEIGHTS, OPT_REPLAY, OPT_LOOP, OPT_IPV6, OPT_VLAN,
	OPT_SRC_MAC, OPT_DST_MAC, OPT_SRC_IP, OPT_DST_IP, OPT_SRC_PORT,
	OPT_DST_PORT, OPT_RANDOM, OPT_BATCH, OPT_RING_SIZE, OPT_FRAME_SIZE,
	OPT_NO_NEED_WAKEUP, OPT_BUSY_POLL, OPT_SHARED_UMEM, OPT_JSON, OPT_PCAP,
	OPT_PCAP_SAMPLE, OPT_CPU, OPT_LINK_WAIT, OPT_VERBOSE, OPT_NUM
};

static const struct param_def defs[OPT_NUM] = {
	[OPT_DEV] = { "dev", 'd', PARAM_STRING, OFF(dev), 0, 0, NULL, "IFACE",
		      "interface to transmit on (required)" },
	[OPT_QUEUE] = { "queue", 'q', PARAM_U32, OFF(queue), 0, 1023, NULL, "N",
			"first TX queue id (default 0)" },
	[OPT_QUEUES] = { "queues", 0, PARAM_U32, OFF(queues), 1, 64, NULL, "N",
			 "number of queues, one socket and pinned thread each (default 1)" },
	[OPT_MODE] = { "mode", 'm', PARAM_ENUM, OFF(mode), 0, 0, mode_vals, NULL,
		       "auto tries zero-copy then copy (default auto)" },
	[OPT_ATTACH] = { "attach", 0, PARAM_ENUM, OFF(attach), 0, 0, attach_vals, NULL,
			 "zero-copy on a device without an XDP program: libxdp attaches its own for the run in native or generic mode; none: never (default native)" },
	[OPT_COUNT] = { "count", 'n', PARAM_U64, OFF(count), 1, UINT64_MAX / 2, NULL, "N",
			"packets to send in total (default unlimited)" },
	[OPT_DURATION] = { "duration", 't', PARAM_U32, OFF(duration), 1, 31536000, NULL, "S",
			   "stop after S seconds (default unlimited)" },
	[OPT_RATE] = { "rate", 'r', PARAM_RATE, OFF(rate), 0, 0, NULL, "RATE",
		       "limit to RATE: pps (100k, 100kpps, 1Mpps) or bit/s of L2 frame bytes (100Mbit)" },
	[OPT_BURST] = { "burst", 0, PARAM_U32, OFF(burst), 1, 65536, NULL, "N",
			"with --rate, most packets sent back to back (default = batch)" },
	[OPT_SIZE] = { "size", 's', PARAM_U32_LIST, OFF(sizes), 0, 65535, size_names,
		       "BYTES[,BYTES...]|imix",
		       "frame size without FCS, 60..MTU+14 (default 60, or minimum for IPv6/VLAN); a list sends a mix (see --weights); imix = 64,576,1500 weighted 7,4,1" },
	[OPT_WEIGHTS] = { "weights", 0, PARAM_U32_LIST, OFF(weights), 1, MIX_MAX_WEIGHT, NULL,
			  "W[,W...]",
			  "with a --size list, one weight per size: exactly these ratios, in a fixed interleaved order (default all 1)" },
	[OPT_REPLAY] = { "replay", 0, PARAM_STRING, OFF(replay), 0, 0, NULL, "FILE",
			 "send the frames of a classic pcap file (Ethernet, whole frames) as they are, in file order" },
	[OPT_LOOP] = { "loop", 0, PARAM_U32, OFF(loop), 0, UINT32_MAX, NULL, "N",
		       "with --replay, send the file N times; 0 = until stopped (default 1)" },
	[OPT_IPV6] = { "ipv6", '6', PARAM_FLAG, OFF(ipv6), 0, 0, NULL, NULL,
		       "send IPv6/UDP instead of IPv4/UDP" },
	[OPT_VLAN] = { "vlan", 0, PARAM_U32, OFF(vlan), 0, 4095, NULL, "ID",
		       "add an 802.1Q tag with this VLAN id" },
	[OPT_SRC_MAC] = { "src-mac", 0, PARAM_MAC, OFF(src_mac), 0, 0, NULL, "MAC[-MAC]",
			  "source MAC or range (default: the interface's)" },
	[OPT_DST_MAC] = { "dst-mac", 0, PARAM_MAC, OFF(dst_mac), 0, 0, NULL, "MAC[-MAC]",
			  "destination MAC or range (default: the next hop's for --dst-ip from the neighbour table, else ff:ff:ff:ff:ff:ff with a warning)" },
	[OPT_SRC_IP] = { "src-ip", 0, PARAM_IP, OFF(src_ip), 0, 0, NULL, "IP[-IP]",
			 "source address or range (default 198.18.0.1 / 2001:2::1)" },
	[OPT_DST_IP] = { "dst-ip", 0, PARAM_IP, OFF(dst_ip), 0, 0, NULL, "IP[-IP]",
			 "destination address or range (default 198.18.0.2 / 2001:2::2)" },
	[OPT_SRC_PORT] = { "src-port", 0, PARAM_PORT, OFF(src_port), 0, 0, NULL, "P[-P]",
			   "UDP source port or range (default 9)" },
	[OPT_DST_PORT] = { "dst-port", 0, PARAM_PORT, OFF(dst_port), 0, 0, NULL, "P[-P]",
			   "UDP destination port or range (default 9)" },
	[OPT_RANDOM] = { "random", 0, PARAM_FLAG, OFF(random), 0, 0, NULL, NULL,
			 "pick ranged fields at random instead of sequentially" },
	[OPT_BATCH] = { "batch", 'b', PARAM_U32, OFF(batch), 1, 4096, NULL, "N",
			"descriptors reserved/submitted per batch (default 64)" },
	[OPT_RING_SIZE] = { "ring-size", 0, PARAM_U32, OFF(ring_size), 64, 16384, NULL, "N",
			    "TX ring entries, power of two (default 2048)" },
	[OPT_FRAME_SIZE] = { "frame-size", 0, PARAM_U32, OFF(frame_size), 2048, 4096, NULL, "N",
			     "UMEM frame size, 2048 or 4096 (default 4096)" },
	[OPT_NO_NEED_WAKEUP] = { "no-need-wakeup", 0, PARAM_FLAG, OFF(no_need_wakeup), 0, 0, NULL, NULL,
				 "don't use XDP_USE_NEED_WAKEUP; kick after every batch" },
	[OPT_BUSY_POLL] = { "busy-poll", 0, PARAM_FLAG, OFF(busy_poll), 0, 0, NULL, NULL,
			    "set SO_PREFER_BUSY_POLL/SO_BUSY_POLL and kick every iteration (needs napi_defer_hard_irqs, see txgen.8)" },
	[OPT_SHARED_UMEM] = { "shared-umem", 0, PARAM_FLAG, OFF(shared_umem), 0, 0, NULL, NULL,
			      "with --queues, all sockets share one UMEM" },
	[OPT_JSON] = { "json", 'j', PARAM_FLAG, OFF(json), 0, 0, NULL, NULL,
		       "print one JSON summary object on stdout" },
	[OPT_PCAP] = { "pcap", 'w', PARAM_STRING, OFF(pcap), 0, 0, NULL, "FILE",
		       "also write transmitted frames to a pcap file" },
	[OPT_PCAP_SAMPLE] = { "pcap-sample", 0, PARAM_U32, OFF(pcap_sample), 1, UINT32_MAX, NULL, "N",
			      "write only 1 in N frames to the pcap file (default 1)" },
	[OPT_CPU] = { "cpu", 0, PARAM_U32, OFF(cpu), 0, 4095, NULL, "N",
		      "pin sender threads to allowed CPUs from N on (default 0)" },
	[OPT_LINK_WAIT] = { "link-wait", 0, PARAM_U32, OFF(link_wait), 0, 3600, NULL, "S",
			    "wait up to S seconds for a carrier before sending, e.g. after an XDP attach reset the device; 0 = don't (default 15)" },
	[OPT_VERBOSE] = { "verbose", 'v', PARAM_COUNT, OFF(verbose), 0, 0, NULL, NULL,
			  "more output (repeat for debug)" },
};

const char *config_mode_name(int mode)
{
	return params_enum_name(mode_vals, mode);
}

void config_usage(FILE *out)
{
	params_usage(defs, OPT_NUM, out, "txgen", "txtap AF_XDP sender");
}

static void set_defaults(struct txgen_config *c)
{
	memset(c, 0, sizeof(*c));
	c->queues = 1;
	c->mode = MODE_AUTO;
	c->attach = ATTACH_NATIVE;
	c->batch = 64;
	c->ring_size = 2048;
	c->frame_size = 4096;
	c->pcap_sample = 1;
	c->link_wait = 15;
	c->loop = 1;
	c->dst_mac.lo = c->dst_mac.hi = 0xffffffffffffULL;
	c->src_port.lo = c->src_port.hi = 9;
	c->dst_port.lo = c->dst_port.hi = 9;
}

static void default_ip(struct ip_range *r, bool v6, uint8_t last)
{
	memset(r, 0, sizeof(*r));
	if (v6) {
		/* 2001:2::/48, the IPv6 benchmarking range (RFC 5180). */
		r->family = AF_INET6;
		r->prefix[0] = 0x20;
		r->prefix[1] = 0x01;
		r->prefix[3] = 0x02;
		r->r.lo = r->r.hi = last;
	} else {
		/* 198.18.0.0/15, the IPv4 benchmarking range (RFC 2544). */
		r->family = AF_INET;
		r->r.lo = r->r.hi = (198u << 24) | (18u << 16) | last;
	}
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* --replay sends the file's frames unchanged: nothing may shape them. */
static int check_replay_args(struct txgen_config *c, const bool *seen,
			     char *err, size_t errlen)
{
	static const int frame_opts[] = {
		OPT_SIZE, OPT_WEIGHTS, OPT_IPV6, OPT_VLAN, OPT_SRC_MAC, OPT_DST_MAC,
		OPT_SRC_IP, OPT_DST_IP, OPT_SRC_PORT, OPT_DST_PORT, OPT_RANDOM,
	};
	size_t i;

	if (!c->replay) {
		if (seen[OPT_LOOP]) {
			snprintf(err, errlen, "--loop needs --replay FILE");
			return -1;
		}
		return 0;
	}
	for (i = 0; i < sizeof(frame_opts) / sizeof(frame_opts[0]); i++) {
		if (seen[frame_opts[i]]) {
			snprintf(err, errlen,
				 "--%s conflicts with --replay, which sends the file's frames as they are",
				 defs[frame_opts[i]].name);
			return -1;
		}
	}
	return 0;
}

/* Fills nsizes and size (the first); checks every size and the weights. */
static int check_sizes(struct txgen_config *c, const bool *seen, char *err,
		       size_t errlen)
{
	int fam = c->ipv6 ? AF_INET6 : AF_INET;
	uint32_t i, j, min = pkt_min_len(fam, c->has_vlan), s;

	if (!seen[OPT_SIZE]) {
		c->sizes.n = 1;
		c->sizes.v[0] = min;
	} else if (c->sizes.n == 0) {	/* --size imix */
		c->sizes.n = MIX_IMIX_N;
		memcpy(c->sizes.v, mix_imix_sizes, sizeof(mix_imix_sizes));
		if (!seen[OPT_WEIGHTS]) {
			c->weights.n = MIX_IMIX_N;
			memcpy(c->weights.v, mix_imix_weights, sizeof(mix_imix_weights));
		}
	}
	c->nsizes = c->sizes.n;
	c->size = c->sizes.v[0];
	if (seen[OPT_WEIGHTS] && c->nsizes < 2) {
		snprintf(err, errlen, "--weights needs a --size list of two or more sizes");
		return -1;
	}
	if (seen[OPT_WEIGHTS] && c->weights.n != c->nsizes) {
		snprintf(err, errlen, "--weights gives %u weight%s for %u sizes",
			 c->weights.n, c->weights.n == 1 ? "" : "s", c->nsizes);
		return -1;
	}
	for (i = 0; i < c->nsizes; i++) {
		s = c->sizes.v[i];
		if (s < PKT_MIN_FRAME) {
			snprintf(err, errlen, "--size %u is below the minimum frame size of %u bytes",
				 s, PKT_MIN_FRAME);
			return -1;
		}
		if (s < min) {
			snprintf(err, errlen,
				 "--size %u is too small for %s%s/UDP plus the 16-byte pktgen header (minimum %u)",
				 s, c->ipv6 ? "IPv6" : "IPv4", c->has_vlan ? "+VLAN" : "", min);
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (c->sizes.v[j] == s) {
				snprintf(err, errlen, "--size lists %u twice (give it a larger --weights instead)", s);
				return -1;
			}
		}
	}
	return 0;
}

enum params_result config_parse(struct txgen_config *c, int argc,
				char *const argv[], char *err, size_t errlen)
{
	bool seen[OPT_NUM];
	enum params_result r;
	uint32_t i;
	int fam;

	set_defaults(c);
	r = params_parse(defs, OPT_NUM, argc, argv, c, seen, err, errlen);
	if (r != PARAMS_OK)
		return r;

	c->has_vlan = seen[OPT_VLAN];
	c->has_size = seen[OPT_SIZE];
	c->has_src_mac = seen[OPT_SRC_MAC];
	c->has_dst_mac = seen[OPT_DST_MAC];
	c->has_burst = seen[OPT_BURST];
	fam = c->ipv6 ? AF_INET6 : AF_INET;

	if (!c->dev) {
		snprintf(err, errlen, "--dev IFACE is required");
		return PARAMS_ERROR;
	}
	if (!seen[OPT_SRC_IP])
		default_ip(&c->src_ip, c->ipv6, 1);
	if (!seen[OPT_DST_IP])
		default_ip(&c->dst_ip, c->ipv6, 2);
	if (c->src_ip.family != fam || c->dst_ip.family != fam) {
		snprintf(err, errlen,
			 "--%s is not an %s address (use --ipv6 for IPv6)",
			 c->src_ip.family != fam ? "src-ip" : "dst-ip",
			 c->ipv6 ? "IPv6" : "IPv4");
		return PARAMS_ERROR;
	}
	if (check_replay_args(c, seen, err, errlen) || check_sizes(c, seen, err, errlen))
		return PARAMS_ERROR;
	if (!is_pow2(c->ring_size)) {
		snprintf(err, errlen, "--ring-size %u is not a power of two", c->ring_size);
		return PARAMS_ERROR;
	}
	if (!is_pow2(c->frame_size)) {
		snprintf(err, errlen, "--frame-size %u is not a power of two (2048 or 4096)",
			 c->frame_size);
		return PARAMS_ERROR;
	}
	for (i = 0; i < c->nsizes; i++) {
		if (c->sizes.v[i] > c->frame_size) {
			snprintf(err, errlen, "--size %u does not fit in --frame-size %u",
				 c->sizes.v[i], c->frame_size);
			return PARAMS_ERROR;
		}
	}
	if (c->batch > c->ring_size) {
		snprintf(err, errlen, "--batch %u is larger than --ring-size %u",
			 c->batch, c->ring_size);
		return PARAMS_ERROR;
	}
	if (c->count && c->count < c->queues) {
		snprintf(err, errlen, "--count %llu is smaller than --queues %u",
			 (unsigned long long)c->count, c->queues);
		return PARAMS_ERROR;
	}
	if (c->has_burst && c->rate.unit == RATE_UNLIMITED) {
		snprintf(err, errlen, "--burst only makes sense together with --rate");
		return PARAMS_ERROR;
	}
	if (!c->has_burst)
		c->burst = c->batch;
	if (c->shared_umem && c->queues < 2) {
		snprintf(err, errlen, "--shared-umem needs --queues 2 or more");
		return PARAMS_ERROR;
	}
	if (seen[OPT_ATTACH] && c->mode == MODE_COPY) {
		snprintf(err, errlen,
			 "--attach only applies to zero-copy: --mode copy attaches no XDP program");
		return PARAMS_ERROR;
	}
	if (seen[OPT_PCAP_SAMPLE] && !c->pcap) {
		snprintf(err, errlen, "--pcap-sample needs --pcap FILE");
		return PARAMS_ERROR;
	}
	return PARAMS_OK;
}

int config_check_iface(struct txgen_config *c, const struct ifinfo *ifi,
		       char *err, size_t errlen)
{
	uint32_t max = ifi->mtu + PKT_ETH_LEN + (c->has_vlan ? PKT_VLAN_LEN : 0);
	uint32_t i;

	if (!ifi->up) {
		snprintf(err, errlen, "interface %s is down", ifi->name);
		return -1;
	}
	if (c->queue >= ifi->tx_queues ||
	    c->queue + c->queues > ifi->tx_queues) {
		snprintf(err, errlen,
			 "queue id %u%s is out of range: %s has %u TX queue%s",
			 c->queue + c->queues - 1, c->queues > 1 ? " (last of --queues)" : "",
			 ifi->name, ifi->tx_queues, ifi->tx_queues == 1 ? "" : "s");
		return -1;
	}
	for (i = 0; !c->replay && i < c->nsizes; i++) {
		if (c->sizes.v[i] > max) {
			snprintf(err, errlen, "--size %u exceeds MTU %u + %u header bytes of %s",
				 c->sizes.v[i], ifi->mtu, max - ifi->mtu, ifi->name);
			return -1;
		}
	}
	if (!c->has_src_mac)
		c->src_mac.lo = c->src_mac.hi = mac_to_u64(ifi->mac);
	return 0;
}

static bool vlan_tagged(const uint8_t *frame)
{
	uint16_t type = (uint16_t)(frame[12] << 8 | frame[13]);

	return type == 0x8100 || type == 0x88a8;
}

int config_check_replay(const struct txgen_config *c, const struct ifinfo *ifi,
			const struct pcap_frames *f, char *err, size_t errlen)
{
	char name[PARAM_ERR_LEN];
	uint32_t i, max;

	params_shown(c->replay, name, sizeof(name));
	for (i = 0; i < f->n; i++) {
		const uint8_t *frame = f->base + f->off[i];

		max = ifi->mtu + PKT_ETH_LEN + (vlan_tagged(frame) ? PKT_VLAN_LEN : 0);
		if (f->len[i] > max) {
			snprintf(err, errlen,
				 "--replay %s: record %u: %u-byte frame exceeds MTU %u + %u header bytes of %s",
				 name, i + 1, f->len[i], ifi->mtu, max - ifi->mtu,
				 ifi->name);
			return -1;
		}
	}
	if (f->n < c->queues) {
		snprintf(err, errlen,
			 "--queues %u is more than the %u frame%s of --replay %s (each queue sends its share)",
			 c->queues, f->n, f->n == 1 ? "" : "s", name);
		return -1;
	}
	return 0;
}
