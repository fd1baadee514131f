// SPDX-License-Identifier: GPL-2.0

/*
 * XDP_TX the IPv4/UDP marker frames (to MARKER_PORT, txtap_lib.py's PORT)
 * back out of the device they arrived on, with the MAC and IP addresses
 * swapped so that the sender's NIC accepts them; everything else passes.
 * (net/lib's xdp_native.bpf.o does the same in its XDP_TX mode, but needs
 * kernel BTF for a kfunc, which the txtap kernel is built without.)
 */

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define MARKER_PORT	47474

SEC("xdp")
int xdp_bounce(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	__u8 mac[ETH_ALEN];
	struct udphdr *udp;
	struct iphdr *iph;
	__be32 addr;

	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end ||
	    eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5 ||
	    iph->protocol != IPPROTO_UDP)
		return XDP_PASS;
	udp = (void *)(iph + 1);
	if ((void *)(udp + 1) > data_end ||
	    udp->dest != bpf_htons(MARKER_PORT))
		return XDP_PASS;

	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	/* a swap leaves the IP and UDP checksums as they are */
	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
