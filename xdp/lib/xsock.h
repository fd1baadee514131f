/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_XSOCK_H
#define TXGEN_XSOCK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xdp/xsk.h>

#include "stats.h"

/*
 * UMEM and transmit-only AF_XDP sockets on top of libxdp.
 *
 * libxdp 1.3.1's xsk_umem__create() does not initialise cached_prod and
 * cached_cons of the fill/completion rings it is handed. Every ring struct
 * here therefore lives in calloc()ed memory, and xsock_rings_sane() checks
 * the cached indices against the kernel's before any descriptor is used.
 */

enum xsock_mode_req { XSOCK_AUTO, XSOCK_ZEROCOPY, XSOCK_COPY };

struct xsock_umem {
	struct xsk_umem *umem;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	void *area;
	size_t size;
	uint32_t frame_size;
	uint32_t nframes;
	uint32_t fill_size;
	uint32_t comp_size;
	unsigned int users;	/* sockets bound to it */
	bool zerocopy;		/* mode the first socket got; others inherit it */
};

struct xsock_opts {
	const char *ifname;
	uint32_t queue_id;
	enum xsock_mode_req mode;
	uint32_t tx_size;
	bool need_wakeup;
	bool busy_poll;
	uint32_t busy_poll_budget;
	/* Zero-copy binds on drivers that refuse wakeups without an XDP
	 * program (i40e, ice, ixgbe, igc, igb, mlx5): when the device has
	 * none, libxdp attaches its socket program in this mode
	 * (XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE) and detaches it when the
	 * socket is deleted. load_prog false: never attach one. */
	uint32_t xdp_flags;
	bool load_prog;
};

struct xsock {
	struct xsk_socket *xsk;
	struct xsk_ring_prod tx;
	/* Own fill/completion rings, used when sharing another's UMEM. */
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons *cq;	/* completion ring to reap */
	struct xsock_umem *um;
	char ifname[IF_NAMESIZE];
	uint32_t queue_id;
	bool zerocopy;
	bool need_wakeup;
	bool tx_budget_raised;	/* XDP_MAX_TX_SKB_BUDGET accepted */
	int sndbuf;		/* copy mode: SO_SNDBUF the kernel reports */
	char mode_reason[160];
};

/* Allocate an (aligned, zeroed) UMEM area and register it. */
int xsock_umem_create(struct xsock_umem **out, uint32_t frame_size,
		      uint32_t nframes, uint32_t comp_size);
/* Returns 0 or -EBUSY while sockets still use it. */
int xsock_umem_destroy(struct xsock_umem *um);

/*
 * Create a transmit-only socket. For the first socket of a UMEM,
 * XSOCK_AUTO tries zero-copy and falls back to copy mode when the bind is
 * refused, recording why in mode_reason. Later sockets share the UMEM and
 * inherit its mode. A zero-copy bind is followed by one transmit wakeup on
 * the empty ring, where drivers that need an XDP program refuse (EINVAL,
 * ENETDOWN) although the bind succeeded: then the socket is closed and
 * XSOCK_WAKEUP_REFUSED returned with the reason in err, for the caller to
 * start over in copy mode (auto) or report it. Other failures: -errno and
 * one line in err.
 */
#define XSOCK_WAKEUP_REFUSED	1
int xsock_open(struct xsock **out, struct xsock_umem *um,
	       const struct xsock_opts *o, char *err, size_t errlen);
void xsock_close(struct xsock *xs);

/*
 * An XDP program that libxdp attached for AF_XDP sockets (xsk_def_prog,
 * alone or in libxdp's dispatcher) on the device while no AF_XDP socket is
 * bound to it: what a run killed by SIGKILL leaves behind. Returns 1 with a
 * warning line (what and how to remove it) in msg, 0 when there is none
 * (also for any other program: those are not ours to judge).
 */
int xsock_stale_prog(const char *ifname, char *msg, size_t msglen);

int xsock_fd(const struct xsock *xs);
int xsock_kstats(const struct xsock *xs, struct tx_kstats *k);

/* True when cached ring indices match the kernel's (nothing in flight). */
bool xsock_rings_sane(const struct xsock *xs);
bool xsock_cq_sane(const struct xsk_ring_cons *cq);
bool xsock_ring_prod_zeroed(const struct xsk_ring_prod *r);
bool xsock_ring_cons_zeroed(const struct xsk_ring_cons *r);

#endif
