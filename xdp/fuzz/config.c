// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: txgen's whole command line (config_parse over the option
 * table, lib/params.c and every value parser) and the checks against an
 * interface (config_check_iface).
 *
 * Input (see make-seeds): the arguments after "txgen", separated by NUL
 * bytes. A rejected command line gives one non-empty line of error text
 * (txgen prints it as its single "txgen: error:" line); an accepted one
 * satisfies every cross-option rule, and its frame can be built; --help
 * renders the option table.
 */
#include <sys/socket.h>

#include "../config.h"
#include "../lib/mix.h"
#include "../lib/pkt.h"
#include "fuzz.h"

#define MAX_ARGS 64
#define MAC_MAX 0xffffffffffffULL

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static void check_error(const char *err)
{
	FUZZ_CHECK(err[0] != '\0');
	FUZZ_CHECK(fuzz_one_line(err));
}

/* --help: the text is generated from the table and names every option. */
static void check_usage(void)
{
	static const char *const names[] = { "--dev IFACE", "--size BYTES",
					     "--mode auto|zc|copy", "-h, --help" };
	size_t len = 0, i;
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	config_usage(f);
	FUZZ_CHECK(fclose(f) == 0 && len > 0 && text[len - 1] == '\n');
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		FUZZ_CHECK(strstr(text, names[i]));
	free(text);
}

static void check_ip(const struct ip_range *r, int family)
{
	FUZZ_CHECK(r->family == family && r->r.lo <= r->r.hi);
	if (family == AF_INET)
		FUZZ_CHECK(r->r.hi <= 0xffffffffULL);
}

static void check_config(const struct txgen_config *c)
{
	int fam = c->ipv6 ? AF_INET6 : AF_INET;
	static struct size_mix mix;
	struct pkt_layout lay;
	struct pkt_spec spec;
	uint8_t *frame;
	uint32_t i;

	FUZZ_CHECK(c->dev && c->dev[0]);
	FUZZ_CHECK(c->queues >= 1 && c->queues <= 64);
	FUZZ_CHECK(!c->count || c->count >= c->queues);
	FUZZ_CHECK(!c->shared_umem || c->queues >= 2);
	FUZZ_CHECK(pow2(c->ring_size) && pow2(c->frame_size));
	FUZZ_CHECK(c->frame_size >= 2048 && c->frame_size <= 4096);
	FUZZ_CHECK(c->batch >= 1 && c->batch <= c->ring_size);
	FUZZ_CHECK(c->burst >= 1);
	FUZZ_CHECK(!c->has_burst || c->rate.unit != RATE_UNLIMITED);
	FUZZ_CHECK(c->rate.unit == RATE_UNLIMITED ||
		   (c->rate.value >= 1 && c->rate.value <= 1e13));
	FUZZ_CHECK(!c->has_vlan || c->vlan <= 4095);
	FUZZ_CHECK(c->size >= pkt_min_len(fam, c->has_vlan));
	FUZZ_CHECK(c->size <= c->frame_size);
	/* Every size of a mix as valid as a single one, weights that match,
	 * and a schedule that can be built from them. */
	FUZZ_CHECK(c->nsizes >= 1 && c->nsizes <= MIX_MAX_SIZES && c->size == c->sizes.v[0]);
	for (i = 0; i < c->nsizes; i++)
		FUZZ_CHECK(c->sizes.v[i] >= pkt_min_len(fam, c->has_vlan) &&
			   c->sizes.v[i] <= c->frame_size);
	FUZZ_CHECK(!c->weights.n || c->weights.n == c->nsizes);
	FUZZ_CHECK(mix_init(&mix, c->sizes.v, c->weights.n ? c->weights.v : NULL,
			    c->nsizes) == 0);
	FUZZ_CHECK(!c->replay || (c->nsizes == 1 && !c->has_vlan && !c->ipv6));
	FUZZ_CHECK(c->replay || c->loop == 1);
	FUZZ_CHECK(c->pcap_sample >= 1);
	check_ip(&c->src_ip, fam);
	check_ip(&c->dst_ip, fam);
	FUZZ_CHECK(c->src_mac.lo <= c->src_mac.hi && c->src_mac.hi <= MAC_MAX);
	FUZZ_CHECK(c->dst_mac.lo <= c->dst_mac.hi && c->dst_mac.hi <= MAC_MAX);
	FUZZ_CHECK(c->src_port.lo <= c->src_port.hi && c->src_port.hi <= 65535);
	FUZZ_CHECK(c->dst_port.lo <= c->dst_port.hi && c->dst_port.hi <= 65535);

	/* What passed validation must build, into a buffer of exactly size. */
	memset(&spec, 0, sizeof(spec));
	spec.vlan = c->has_vlan;
	spec.vlan_id = (uint16_t)c->vlan;
	spec.family = fam;
	spec.frame_len = c->size;
	frame = malloc(c->size);
	if (!frame)
		abort();
	FUZZ_CHECK(pkt_build(&spec, frame, c->size, &lay) == 0);
	free(frame);
}

static void check_iface(const struct txgen_config *parsed,
			const struct ifinfo *ifi)
{
	struct txgen_config c = *parsed;
	char *err = calloc(1, PARAM_ERR_LEN);

	if (!err)
		abort();
	if (config_check_iface(&c, ifi, err, PARAM_ERR_LEN)) {
		check_error(err);
	} else {
		FUZZ_CHECK(ifi->up);
		FUZZ_CHECK(c.queue + c.queues <= ifi->tx_queues);
		FUZZ_CHECK(c.size <= ifi->mtu + PKT_ETH_LEN +
				     (c.has_vlan ? PKT_VLAN_LEN : 0));
		FUZZ_CHECK(c.has_src_mac ||
			   (c.src_mac.lo == c.src_mac.hi &&
			    c.src_mac.lo == mac_to_u64(ifi->mac)));
	}
	free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ifinfo ifaces[] = {
		{ "eth0", 2, true, true, 1500, 4, { 2, 0, 0, 0, 0, 1 } },
		{ "tiny0", 3, true, true, 68, 1, { 2, 0, 0, 0, 0, 2 } },
		{ "down0", 4, false, false, 9000, 64, { 2, 0, 0, 0, 0, 3 } },
	};
	char *argv[MAX_ARGS + 2];
	struct txgen_config cfg;
	enum params_result r;
	size_t off = 0, i;
	char *err;
	int argc = 1;

	argv[0] = fuzz_cstr((const uint8_t *)"txgen", 5);
	while (off < size && argc <= MAX_ARGS) {
		argv[argc] = fuzz_cstr(data + off, size - off);
		off += strlen(argv[argc]) + 1;
		argc++;
	}
	argv[argc] = NULL;
	err = calloc(1, PARAM_ERR_LEN);
	if (!err)
		abort();

	r = config_parse(&cfg, argc, argv, err, PARAM_ERR_LEN);
	FUZZ_CHECK(r == PARAMS_OK || r == PARAMS_HELP || r == PARAMS_ERROR);
	if (r == PARAMS_ERROR)
		check_error(err);
	if (r == PARAMS_HELP)
		check_usage();
	if (r == PARAMS_OK) {
		check_config(&cfg);
		for (i = 0; i < sizeof(ifaces) / sizeof(ifaces[0]); i++)
			check_iface(&cfg, &ifaces[i]);
	}
	free(err);
	for (i = 0; i < (size_t)argc; i++)
		free(argv[i]);
	return 0;
}
