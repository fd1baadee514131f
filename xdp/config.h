/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_CONFIG_H
#define TXGEN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/ifinfo.h"
#include "lib/params.h"
#include "lib/range.h"
#include "lib/rate.h"

enum txgen_mode { MODE_AUTO, MODE_ZC, MODE_COPY };
enum txgen_attach { ATTACH_NATIVE, ATTACH_GENERIC, ATTACH_NONE };

struct txgen_config {
	const char *dev;
	uint32_t queue;
	uint32_t queues;
	int mode;
	int attach;
	uint64_t count;		/* 0 = unlimited */
	uint32_t duration;	/* seconds, 0 = unlimited */
	struct rate_spec rate;
	uint32_t burst;
	uint32_t size;		/* the only size, or the first of a mix */
	struct param_list sizes;	/* --size as given (n = 0: a name) */
	uint32_t nsizes;	/* after parsing: sizes.v[0..nsizes-1] */
	struct param_list weights;	/* --weights, one per size (n = 0: all 1) */
	const char *replay;	/* --replay FILE: send its frames instead */
	uint32_t loop;		/* --loop: times through the file, 0 = until stopped */
	bool ipv6;
	uint32_t vlan;
	struct range src_mac;
	struct range dst_mac;
	struct ip_range src_ip;
	struct ip_range dst_ip;
	struct range src_port;
	struct range dst_port;
	bool random;
	uint32_t batch;
	uint32_t ring_size;
	uint32_t frame_size;
	bool no_need_wakeup;
	bool busy_poll;
	bool shared_umem;
	bool json;
	const char *pcap;
	uint32_t pcap_sample;
	uint32_t cpu;
	uint32_t link_wait;	/* seconds to wait for a carrier, 0 = none */
	uint32_t verbose;
	/* Which optional values were given on the command line. */
	bool has_vlan;
	bool has_size;
	bool has_src_mac;
	bool has_dst_mac;
	bool has_burst;
};

enum txgen_size_name { SIZE_IMIX = 1 };

/*
 * Parse and validate argv (everything that can be checked without the
 * interface). Returns PARAMS_OK, PARAMS_HELP, or PARAMS_ERROR with err set.
 */
enum params_result config_parse(struct txgen_config *cfg, int argc,
				char *const argv[], char *err, size_t errlen);

/* Checks against the interface: state, queues, MTU. Fills defaults that
 * come from it (source MAC). Returns 0 or -1 with err set. */
int config_check_iface(struct txgen_config *cfg, const struct ifinfo *ifi,
		       char *err, size_t errlen);

/* Replay: every frame of the file fits the interface (MTU + Ethernet
 * header, + 4 for a VLAN-tagged frame). Returns 0 or -1 with err set. */
struct pcap_frames;
int config_check_replay(const struct txgen_config *cfg, const struct ifinfo *ifi,
			const struct pcap_frames *f, char *err, size_t errlen);

void config_usage(FILE *out);
const char *config_mode_name(int mode);

#endif
