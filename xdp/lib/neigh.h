/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_NEIGH_H
#define TXGEN_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Next-hop MAC resolution from the kernel's tables over rtnetlink: a route
 * lookup for the destination constrained to the output device gives the
 * next hop (its gateway, or the destination itself when on link), then the
 * neighbour table gives that hop's link-layer address. Nothing is probed:
 * an address the kernel has not resolved yet is reported as unresolved.
 */
struct neigh_hop {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* the next hop */
	bool via_gateway;	/* addr is the route's gateway */
	bool no_route;		/* no route via the device: addr = destination */
	uint8_t mac[6];
	uint16_t state;		/* NUD_* of the neighbour entry */
};

/*
 * Resolve the next hop towards dst (4 or 16 bytes of family) on ifindex.
 * Returns 0 with hop filled, or -errno with why set to one phrase saying
 * what was missing (for a warning line).
 */
int neigh_resolve(unsigned int ifindex, int family, const uint8_t *dst,
		  struct neigh_hop *hop, char *why, size_t whylen);

/*
 * Parsers of the kernel's replies, exposed for tests. neigh_parse_route()
 * reads an RTM_NEWROUTE reply (or an error) into hop->addr/via_gateway;
 * returns 0, -ENETUNREACH for a non-unicast route or -errno from the kernel.
 * neigh_parse_neigh() scans one buffer of an RTM_NEWNEIGH dump for a usable
 * entry of hop->addr on ifindex (sets *found, hop->mac and hop->state) and
 * returns 1 when the dump is done, 0 when more follows, or -errno;
 * *seen_state gets the state of a matching unusable entry.
 */
int neigh_parse_route(const void *buf, size_t len, unsigned int ifindex,
		      struct neigh_hop *hop);
int neigh_parse_neigh(const void *buf, size_t len, unsigned int ifindex,
		      struct neigh_hop *hop, bool *found, int *seen_state);

#endif
