// SPDX-License-Identifier: GPL-2.0

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* bypass_xmit_tap.sh creates the target device with this ifindex */
#define REDIRECT_IFINDEX 4242

/* Send every frame out of the target device, through the devmap bulk
 * queue and its ndo_xdp_xmit().
 */
SEC("xdp")
int xdp_redirect_prog(struct xdp_md *ctx)
{
	return bpf_redirect(REDIRECT_IFINDEX, 0);
}

char _license[] SEC("license") = "GPL";
