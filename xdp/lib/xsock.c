// SPDX-License-Identifier: GPL-2.0
/* UMEM and transmit-only AF_XDP socket setup (libxdp; an XDP program only
 * where a zero-copy driver needs one for wakeups). */
#include <errno.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/xdp_diag.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "xsock.h"

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

bool xsock_ring_prod_zeroed(const struct xsk_ring_prod *r)
{
	return !r->cached_prod && !r->cached_cons && !r->mask && !r->size &&
	       !r->producer && !r->consumer && !r->ring && !r->flags;
}

bool xsock_ring_cons_zeroed(const struct xsk_ring_cons *r)
{
	return !r->cached_prod && !r->cached_cons && !r->mask && !r->size &&
	       !r->producer && !r->consumer && !r->ring && !r->flags;
}

static void umem_unregister(struct xsock_umem *um);

static int umem_register(struct xsock_umem *um)
{
	struct xsk_umem_config cfg = {
		.fill_size = um->fill_size,
		.comp_size = um->comp_size,
		.frame_size = um->frame_size,
		.frame_headroom = 0,
		.flags = 0,
	};

	/* Fresh, zeroed ring structs for every registration (see header). */
	memset(&um->fill, 0, sizeof(um->fill));
	memset(&um->comp, 0, sizeof(um->comp));
	int err = xsk_umem__create(&um->umem, um->area, um->size, &um->fill,
				   &um->comp, &cfg);

	if (!err && !xsock_cq_sane(&um->comp)) {
		umem_unregister(um);
		return -EPROTO;
	}
	return err;
}

/* Unregister, also unmapping the rings libxdp leaves behind on failure. */
static void umem_unregister(struct xsock_umem *um)
{
	struct xdp_mmap_offsets off;
	socklen_t optlen = sizeof(off);
	int fd;

	if (!um->umem)
		return;
	fd = xsk_umem__fd(um->umem);
	if (!getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen)) {
		if (um->fill.ring)
			munmap((char *)um->fill.ring - off.fr.desc,
			       off.fr.desc + um->fill_size * sizeof(__u64));
		if (um->comp.ring)
			munmap((char *)um->comp.ring - off.cr.desc,
			       off.cr.desc + um->comp_size * sizeof(__u64));
	}
	xsk_umem__delete(um->umem);
	um->umem = NULL;
	memset(&um->fill, 0, sizeof(um->fill));
	memset(&um->comp, 0, sizeof(um->comp));
}

int xsock_umem_create(struct xsock_umem **out, uint32_t frame_size,
		      uint32_t nframes, uint32_t comp_size)
{
	struct xsock_umem *um = calloc(1, sizeof(*um));
	int err;

	if (!um)
		return -ENOMEM;
	um->frame_size = frame_size;
	um->nframes = nframes;
	um->fill_size = 64;	/* transmit only: the fill ring stays empty */
	um->comp_size = comp_size;
	um->size = (size_t)frame_size * nframes;
	um->area = mmap(NULL, um->size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (um->area == MAP_FAILED) {
		err = -errno;
		free(um);
		return err;
	}
	err = umem_register(um);
	if (err) {
		munmap(um->area, um->size);
		free(um);
		return err;
	}
	*out = um;
	return 0;
}

int xsock_umem_destroy(struct xsock_umem *um)
{
	if (!um)
		return 0;
	if (um->users)
		return -EBUSY;
	if (um->umem && xsk_umem__delete(um->umem))
		return -EBUSY;
	munmap(um->area, um->size);
	free(um);
	return 0;
}

/* True if the device has an XDP program attached (in any mode). */
static bool xdp_prog_attached(const char *ifname)
{
	unsigned int ifindex = if_nametoindex(ifname);
	__u32 id = 0;

	return ifindex && !bpf_xdp_query_id((int)ifindex, 0, &id) && id;
}

static int try_create(struct xsock *xs, struct xsock_umem *um,
		      const struct xsock_opts *o, uint16_t bind_flags)
{
	/* Transmit-only: no program is needed, except by the drivers that
	 * refuse zero-copy wakeups without one. */
	bool prog = o->load_prog && (bind_flags & XDP_ZEROCOPY) &&
		    !xdp_prog_attached(o->ifname);
	struct xsk_socket_config cfg = {
		.rx_size = 0,
		.tx_size = o->tx_size,
		.libxdp_flags = prog ? 0 : XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = o->xdp_flags,
		.bind_flags = bind_flags,
	};

	memset(&xs->tx, 0, sizeof(xs->tx));
	if (um->users == 0) {
		xs->cq = &um->comp;
		return xsk_socket__create(&xs->xsk, o->ifname, o->queue_id,
					  um->umem, NULL, &xs->tx, &cfg);
	}
	memset(&xs->fill, 0, sizeof(xs->fill));
	memset(&xs->comp, 0, sizeof(xs->comp));
	xs->cq = &xs->comp;
	return xsk_socket__create_shared(&xs->xsk, o->ifname, o->queue_id,
					 um->umem, NULL, &xs->tx, &xs->fill,
					 &xs->comp, &cfg);
}

/*
 * A socket closed just before on the same queue (the previous run) gives the
 * queue back in a deferred kernel work; until that has run, bind() fails
 * with EBUSY. Retry for up to a second, with the UMEM registered afresh
 * each time (a failed bind leaves it half set up). Not for a shared UMEM.
 */
static int create_retry(struct xsock *xs, struct xsock_umem *um,
			const struct xsock_opts *o, uint16_t bind_flags)
{
	const struct timespec pause = { .tv_nsec = 10 * 1000 * 1000 };
	int ret, tries;

	for (tries = 0;; tries++) {
		ret = try_create(xs, um, o, bind_flags);
		if (ret != -EBUSY || tries >= 100)
			return ret;
		umem_unregister(um);
		ret = umem_register(um);
		if (ret)
			return ret;
		nanosleep(&pause, NULL);
	}
}

#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9
#endif

/* Copy mode sends at most a budget of frames per sendto() (32 by default).
 * Kernels since 6.17 let a socket raise it up to its TX ring size. */
static bool raise_tx_budget(int fd, uint32_t budget)
{
	unsigned int b = budget;

	return !setsockopt(fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &b, sizeof(b));
}

/*
 * Copy mode allocates an skb per frame against the socket's send buffer
 * (sock_alloc_send_skb(): -EAGAIN past sk_sndbuf, 212992 bytes by default,
 * a few hundred small frames' skbs by their truesize), and a frame's skb is
 * charged until the driver frees it after transmission: the default caps
 * the frames in flight below the ring. Room for a ring of frames, each charged at most its chunk
 * (linear data, or the UMEM page on IFF_TX_SKB_NO_LINEAR devices) plus the
 * skb: SO_SNDBUFFORCE (CAP_NET_ADMIN), else SO_SNDBUF up to wmem_max.
 * Returns what the kernel then reports.
 */
static int raise_sndbuf(int fd, uint32_t ring, uint32_t frame_size)
{
	uint64_t want = (uint64_t)ring * (frame_size + 1024);
	int v = want > INT32_MAX / 2 ? INT32_MAX / 2 : (int)want;
	socklen_t l = sizeof(v);

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &l))
		return -1;
	return v;
}

static int set_busy_poll(int fd, uint32_t budget)
{
	int one = 1, usec = 20, b = (int)budget;

	if (setsockopt(fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &usec, sizeof(usec)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &b, sizeof(b)))
		return -errno;
	return 0;
}

/*
 * One transmit wakeup on the empty ring of a zero-copy socket: it sends
 * nothing, but it is where i40e, ice, ixgbe, igc, igb and mlx5 say that
 * they transmit only with an XDP program attached.
 */
static int probe_wakeup(const struct xsock *xs)
{
	if (sendto(xsk_socket__fd(xs->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return 0;
	switch (errno) {
	case EAGAIN:
	case EBUSY:
	case ENOBUFS:
	case EINTR:
		return 0;
	default:
		return -errno;
	}
}

static void zero_copy_wakeup_refused(char *err, size_t errlen,
				     const struct xsock_opts *o, int ret)
{
	snprintf(err, errlen,
		 "zero-copy refused by driver on %s queue %u: the bind succeeded but "
		 "the first transmit wakeup failed: %s (%s)", o->ifname, o->queue_id,
		 strerror(-ret), !o->load_prog ?
		 "the driver needs an XDP program for zero-copy transmit and "
		 "--attach none attaches none" :
		 o->xdp_flags & XDP_FLAGS_SKB_MODE ?
		 "a generic-mode XDP program does not count for the driver: "
		 "try --attach native" : "with an XDP program attached");
}

int xsock_open(struct xsock **out, struct xsock_umem *um,
	       const struct xsock_opts *o, char *err, size_t errlen)
{
	uint16_t wake = o->need_wakeup ? XDP_USE_NEED_WAKEUP : 0;
	struct xsock *xs = calloc(1, sizeof(*xs));
	int ret, zc_err = 0;

	if (!xs) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	xs->um = um;
	snprintf(xs->ifname, sizeof(xs->ifname), "%s", o->ifname);
	xs->queue_id = o->queue_id;
	xs->need_wakeup = o->need_wakeup;

	if (um->users > 0) {
		/* Shared UMEM: the mode is the one the first socket got. */
		ret = try_create(xs, um, o, wake);
		if (ret)
			goto fail;
		xs->zerocopy = um->zerocopy;
		snprintf(xs->mode_reason, sizeof(xs->mode_reason),
			 "shares the UMEM of the first socket");
		goto bound;
	}

	if (o->mode != XSOCK_COPY) {
		ret = create_retry(xs, um, o, XDP_ZEROCOPY | wake);
		if (!ret && (ret = probe_wakeup(xs)) != 0) {
			zero_copy_wakeup_refused(err, errlen, o, ret);
			xsk_socket__delete(xs->xsk);
			free(xs);
			return XSOCK_WAKEUP_REFUSED;
		}
		if (!ret) {
			xs->zerocopy = true;
			snprintf(xs->mode_reason, sizeof(xs->mode_reason),
				 o->mode == XSOCK_AUTO ?
				 "zero-copy accepted by driver" : "zero-copy requested");
			goto bound;
		}
		if (o->mode == XSOCK_ZEROCOPY)
			goto fail;
		zc_err = ret;
		/* A failed bind leaves the UMEM's rings set up on its fd:
		 * register it again from scratch before the copy attempt. */
		umem_unregister(um);
		ret = umem_register(um);
		if (ret) {
			snprintf(err, errlen, "re-registering UMEM after zero-copy refusal: %s",
				 strerror(-ret));
			free(xs);
			return ret;
		}
	}
	ret = create_retry(xs, um, o, XDP_COPY | wake);
	if (ret)
		goto fail;
	if (o->mode == XSOCK_COPY)
		snprintf(xs->mode_reason, sizeof(xs->mode_reason),
			 "copy mode requested");
	else
		snprintf(xs->mode_reason, sizeof(xs->mode_reason),
			 "zero-copy refused by driver: %s", strerror(-zc_err));

bound:
	if (um->users == 0)
		um->zerocopy = xs->zerocopy;
	um->users++;
	if (!xsock_rings_sane(xs)) {
		xsock_close(xs);
		snprintf(err, errlen,
			 "ring state corrupted after socket creation on %s queue %u "
			 "(uninitialised cached ring indices)", o->ifname, o->queue_id);
		return -EPROTO;
	}
	if (!xs->zerocopy) {
		xs->tx_budget_raised = raise_tx_budget(xsk_socket__fd(xs->xsk),
						       o->tx_size);
		xs->sndbuf = raise_sndbuf(xsk_socket__fd(xs->xsk), o->tx_size,
					  um->frame_size);
	}
	if (o->busy_poll) {
		ret = set_busy_poll(xsk_socket__fd(xs->xsk), o->busy_poll_budget);
		if (ret) {
			xsock_close(xs);
			snprintf(err, errlen, "busy poll socket options: %s",
				 strerror(-ret));
			return ret;
		}
	}
	*out = xs;
	return 0;

fail:
	if (o->mode == XSOCK_ZEROCOPY && um->users == 0)
		snprintf(err, errlen,
			 "zero-copy refused by driver on %s queue %u: %s",
			 o->ifname, o->queue_id, strerror(-ret));
	else
		snprintf(err, errlen, "cannot create AF_XDP socket on %s queue %u: %s",
			 o->ifname, o->queue_id, strerror(-ret));
	free(xs);
	return ret;
}

void xsock_close(struct xsock *xs)
{
	if (!xs)
		return;
	if (xs->xsk) {
		xsk_socket__delete(xs->xsk);
		xs->um->users--;
	}
	free(xs);
}

int xsock_fd(const struct xsock *xs)
{
	return xsk_socket__fd(xs->xsk);
}

int xsock_kstats(const struct xsock *xs, struct tx_kstats *k)
{
	struct xdp_statistics st;
	socklen_t len = sizeof(st);

	memset(&st, 0, sizeof(st));
	if (getsockopt(xsock_fd(xs), SOL_XDP, XDP_STATISTICS, &st, &len))
		return -errno;
	k->tx_invalid_descs = st.tx_invalid_descs;
	k->tx_ring_empty_descs = st.tx_ring_empty_descs;
	return 0;
}

bool xsock_cq_sane(const struct xsk_ring_cons *cq)
{
	if (!cq || !cq->producer || !cq->consumer)
		return false;
	/* Nothing was sent yet: a garbage cached_prod on the completion ring
	 * would make xsk_ring_cons__peek() report phantom completions. */
	return cq->cached_prod == *cq->producer && cq->cached_cons == *cq->consumer;
}

bool xsock_rings_sane(const struct xsock *xs)
{
	const struct xsk_ring_prod *tx = &xs->tx;

	if (!xsock_cq_sane(xs->cq) || !tx->producer || !tx->consumer)
		return false;
	if (tx->cached_prod != *tx->producer ||
	    tx->cached_cons != *tx->consumer + tx->size)
		return false;
	return true;
}

/* AF_XDP sockets bound to ifindex in this network namespace, or -errno. */
static int xsk_bound_count(unsigned int ifindex)
{
	static char buf[16384] __attribute__((aligned(8)));
	struct {
		struct nlmsghdr nh;
		struct xdp_diag_req req;
	} msg;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 1 };
	int fd, count = 0, ret = 0;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&msg, 0, sizeof(msg));
	msg.nh.nlmsg_len = sizeof(msg);
	msg.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.req.sdiag_family = AF_XDP;
	msg.req.xdiag_show = XDP_SHOW_INFO;
	if (sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *nh;
		int left;

		if (n < 0) {
			ret = -errno;
			goto out;
		}
		left = (int)n;
		for (nh = (void *)buf; NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left)) {
			const struct xdp_diag_msg *dm = NLMSG_DATA(nh);
			const struct rtattr *a;
			int alen;

			if (nh->nlmsg_type == NLMSG_DONE)
				goto out;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				ret = e->error ? e->error : -EPROTO;
				goto out;
			}
			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*dm)))
				continue;
			alen = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*dm)));
			for (a = (const void *)((const char *)dm + NLMSG_ALIGN(sizeof(*dm)));
			     RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
				const struct xdp_diag_info *in = RTA_DATA(a);

				if (a->rta_type == XDP_DIAG_INFO &&
				    RTA_PAYLOAD(a) >= sizeof(*in) && in->ifindex == ifindex)
					count++;
			}
		}
	}
out:
	close(fd);
	return ret ? ret : count;
}

static bool is_xsk_prog(const struct xdp_program *p)
{
	const char *name = p ? xdp_program__name(p) : NULL;

	return name && !strcmp(name, "xsk_def_prog");
}

int xsock_stale_prog(const char *ifname, char *msg, size_t msglen)
{
	unsigned int ifindex = if_nametoindex(ifname);
	const struct xdp_program *p, *found = NULL;
	struct xdp_multiprog *mp;
	enum xdp_attach_mode mode;
	int bound;

	if (!ifindex)
		return 0;
	mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	if (libxdp_get_error(mp) || !mp)
		return 0;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (is_xsk_prog(p))
			found = p;
	} else {
		for (p = xdp_multiprog__next_prog(NULL, mp); p && !found;
		     p = xdp_multiprog__next_prog(p, mp))
			if (is_xsk_prog(p))
				found = p;
	}
	if (!found) {
		xdp_multiprog__close(mp);
		return 0;
	}
	mode = xdp_multiprog__attach_mode(mp);
	bound = xsk_bound_count(ifindex);
	if (bound > 0) {
		xdp_multiprog__close(mp);
		return 0;
	}
	snprintf(msg, msglen,
		 "%s has libxdp's AF_XDP program attached (xsk_def_prog, id %u, %s mode%s)%s "
		 "a run killed by SIGKILL left it; remove it with "
		 "'xdp-loader unload %s --all' or 'ip link set %s %s off'",
		 ifname, xdp_program__id(found),
		 mode == XDP_MODE_SKB ? "generic" : "native",
		 xdp_multiprog__is_legacy(mp) ? "" : ", in libxdp's dispatcher",
		 bound == 0 ? " and no AF_XDP socket is bound to it:" :
		 "; unless an AF_XDP program is using it (the kernel cannot list "
		 "AF_XDP sockets: no XDP_SOCKETS_DIAG),",
		 ifname, ifname, mode == XDP_MODE_SKB ? "xdpgeneric" : "xdp");
	xdp_multiprog__close(mp);
	return 1;
}
