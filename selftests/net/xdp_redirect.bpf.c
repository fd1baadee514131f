// SPDX-License-Identifier: GPL-2.0

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* entry 0: the device to send the frames out of (set with bpftool) */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} redirect_dev SEC(".maps");

/* Send every frame out of the device in redirect_dev, through the devmap
 * bulk queue and the device's ndo_xdp_xmit().
 */
SEC("xdp")
int xdp_redirect_prog(struct xdp_md *ctx)
{
	return bpf_redirect_map(&redirect_dev, 0, 0);
}

char _license[] SEC("license") = "GPL";
