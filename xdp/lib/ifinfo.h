/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_IFINFO_H
#define TXGEN_IFINFO_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

struct ifinfo {
	char name[IF_NAMESIZE];
	unsigned int ifindex;
	bool up;		/* IFF_UP */
	bool running;		/* IFF_RUNNING (carrier) */
	uint32_t mtu;
	uint32_t tx_queues;	/* real number of TX queues */
	uint8_t mac[6];
};

/*
 * Look the interface up. Returns 0, or -ENODEV if it doesn't exist,
 * -ENAMETOOLONG for a bad name, or another -errno; err gets one line.
 */
int ifinfo_get(const char *name, struct ifinfo *info, char *err, size_t errlen);

/* Count tx-N entries in a sysfs queues directory; -errno on failure. */
int ifinfo_count_tx_queues(const char *queues_dir);

#endif
