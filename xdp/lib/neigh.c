// SPDX-License-Identifier: GPL-2.0
/* Next-hop MAC from the kernel's route and neighbour tables (rtnetlink). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "neigh.h"

#define NL_BUFLEN	32768
#define NUD_USABLE	(NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | \
			 NUD_PERMANENT | NUD_NOARP)

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static void add_attr(struct nlmsghdr *nh, unsigned short type, const void *data,
		     size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* A netlink route socket whose receives give up after a second. */
static int nl_open(void)
{
	struct timeval tv = { .tv_sec = 1 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int nl_send(int fd, const struct nlmsghdr *nh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(fd, nh, nh->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* NLMSG_OK() without its signed/unsigned comparison (clang -Wsign-compare) */
static bool nlmsg_ok(const struct nlmsghdr *nh, int left)
{
	return left >= (int)sizeof(*nh) && nh->nlmsg_len >= sizeof(*nh) &&
	       nh->nlmsg_len <= (unsigned int)left;
}

int neigh_parse_route(const void *buf, size_t len, unsigned int ifindex,
		      struct neigh_hop *hop)
{
	const struct nlmsghdr *nh;
	int left = (int)len;

	for (nh = buf; nlmsg_ok(nh, left); nh = NLMSG_NEXT(nh, left)) {
		const struct nlmsgerr *e;
		const struct rtmsg *rt;
		const struct rtattr *a;
		unsigned int oif = 0;
		int alen;

		if (nh->nlmsg_type == NLMSG_ERROR) {
			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EPROTO;
			e = NLMSG_DATA(nh);
			return e->error ? e->error : -ENOENT;
		}
		if (nh->nlmsg_type != RTM_NEWROUTE ||
		    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)))
			continue;
		rt = NLMSG_DATA(nh);
		if (rt->rtm_type != RTN_UNICAST)
			return -ENETUNREACH;
		hop->via_gateway = false;
		alen = (int)RTM_PAYLOAD(nh);
		for (a = RTM_RTA(rt); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
			if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) == 4)
				memcpy(&oif, RTA_DATA(a), 4);
			else if (a->rta_type == RTA_GATEWAY &&
				 RTA_PAYLOAD(a) == addr_len(hop->family)) {
				memcpy(hop->addr, RTA_DATA(a), RTA_PAYLOAD(a));
				hop->via_gateway = true;
			} else if (a->rta_type == RTA_VIA) {
				return -ENETUNREACH;	/* IPv4 via IPv6: not here */
			}
		}
		if (oif && oif != ifindex)
			return -ENETUNREACH;
		return 0;
	}
	return -EPROTO;
}

int neigh_parse_neigh(const void *buf, size_t len, unsigned int ifindex,
		      struct neigh_hop *hop, bool *found, int *seen_state)
{
	size_t alen_want = addr_len(hop->family);
	const struct nlmsghdr *nh;
	int left = (int)len;

	for (nh = buf; nlmsg_ok(nh, left); nh = NLMSG_NEXT(nh, left)) {
		const struct rtattr *a, *dst = NULL, *lladdr = NULL;
		const struct ndmsg *nd;
		int alen;

		if (nh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EPROTO;
			return e->error ? e->error : 1;
		}
		if (nh->nlmsg_type != RTM_NEWNEIGH ||
		    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*nd)))
			continue;
		nd = NLMSG_DATA(nh);
		if (nd->ndm_family != hop->family || (unsigned int)nd->ndm_ifindex != ifindex)
			continue;
		alen = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*nd)));
		for (a = (const struct rtattr *)((const char *)nd + NLMSG_ALIGN(sizeof(*nd)));
		     RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
			if (a->rta_type == NDA_DST)
				dst = a;
			else if (a->rta_type == NDA_LLADDR)
				lladdr = a;
		}
		if (*found || !dst || RTA_PAYLOAD(dst) != alen_want ||
		    memcmp(RTA_DATA(dst), hop->addr, alen_want))
			continue;
		if (!(nd->ndm_state & NUD_USABLE) || !lladdr || RTA_PAYLOAD(lladdr) != 6) {
			*seen_state = nd->ndm_state;
			continue;
		}
		memcpy(hop->mac, RTA_DATA(lladdr), 6);
		hop->state = nd->ndm_state;
		*found = true;
	}
	return 0;
}

static int route_lookup(int fd, unsigned int ifindex, const uint8_t *dst,
			struct neigh_hop *hop, char *buf)
{
	/* One buffer for header, rtmsg and attributes: add_attr() appends. */
	union {
		struct nlmsghdr nh;
		char raw[NLMSG_SPACE(sizeof(struct rtmsg)) + 64];
	} req;
	struct rtmsg *rt = NLMSG_DATA(&req.nh);
	uint32_t oif = ifindex;
	ssize_t n;
	int ret;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(*rt));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	rt->rtm_family = (unsigned char)hop->family;
	rt->rtm_dst_len = (unsigned char)(addr_len(hop->family) * 8);
	add_attr(&req.nh, RTA_DST, dst, addr_len(hop->family));
	add_attr(&req.nh, RTA_OIF, &oif, sizeof(oif));
	ret = nl_send(fd, &req.nh);
	if (ret)
		return ret;
	n = recv(fd, buf, NL_BUFLEN, 0);
	if (n < 0)
		return -errno;
	return neigh_parse_route(buf, (size_t)n, ifindex, hop);
}

static int neigh_lookup(int fd, unsigned int ifindex, struct neigh_hop *hop,
			char *buf, int *seen_state)
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
	} req;
	bool found = false;
	ssize_t n;
	int ret;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.nd));
	req.nh.nlmsg_type = RTM_GETNEIGH;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 2;
	req.nd.ndm_family = (unsigned char)hop->family;
	req.nd.ndm_ifindex = (int)ifindex;
	ret = nl_send(fd, &req.nh);
	if (ret)
		return ret;
	/* Read the whole dump even after a match, so nothing stays queued. */
	for (;;) {
		n = recv(fd, buf, NL_BUFLEN, 0);
		if (n < 0)
			return -errno;
		ret = neigh_parse_neigh(buf, (size_t)n, ifindex, hop, &found,
					seen_state);
		if (ret < 0)
			return ret;
		if (ret == 1)
			return found ? 0 : -ENOENT;
	}
}

static const char *nud_name(int state)
{
	if (state & NUD_INCOMPLETE)
		return "incomplete (resolution in progress)";
	if (state & NUD_FAILED)
		return "failed (no answer)";
	return "unusable";
}

int neigh_resolve(unsigned int ifindex, int family, const uint8_t *dst,
		  struct neigh_hop *hop, char *why, size_t whylen)
{
	static char buf[NL_BUFLEN] __attribute__((aligned(8)));
	char a[INET6_ADDRSTRLEN];
	int fd, ret, seen = 0;

	memset(hop, 0, sizeof(*hop));
	hop->family = family;
	memcpy(hop->addr, dst, addr_len(family));
	fd = nl_open();
	if (fd < 0) {
		snprintf(why, whylen, "rtnetlink socket: %s", strerror(-fd));
		return fd;
	}
	ret = route_lookup(fd, ifindex, dst, hop, buf);
	if (ret) {
		/* No (unicast) route via the device: assume the destination
		 * is on link there, as the kernel does for a bound socket. */
		hop->no_route = true;
		hop->via_gateway = false;
		memcpy(hop->addr, dst, addr_len(family));
	}
	ret = neigh_lookup(fd, ifindex, hop, buf, &seen);
	close(fd);
	if (!ret)
		return 0;
	inet_ntop(family, hop->addr, a, sizeof(a));
	if (ret != -ENOENT)
		snprintf(why, whylen, "neighbour table dump failed: %s", strerror(-ret));
	else if (seen > 0)
		snprintf(why, whylen, "the neighbour entry of %s%s is %s", a,
			 hop->via_gateway ? " (gateway)" : "", nud_name(seen));
	else
		snprintf(why, whylen, "no neighbour entry for %s%s", a,
			 hop->via_gateway ? " (gateway)" : "");
	return ret;
}
