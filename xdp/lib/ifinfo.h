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

/*
 * Whether the interface has a carrier now (IFF_RUNNING): 1 or 0, -errno.
 */
int ifinfo_running(const char *name);

/*
 * Wait until the interface has a carrier, for at most timeout_ms: woken by
 * rtnetlink link messages (RTMGRP_LINK), not by polling. Returns 0 once it
 * is running, -ETIMEDOUT, -EINTR if a signal arrived, or another -errno;
 * err gets one line.
 */
int ifinfo_wait_running(const char *name, uint32_t timeout_ms, char *err,
			size_t errlen);

/* Count tx-N entries in a sysfs queues directory; -errno on failure. */
int ifinfo_count_tx_queues(const char *queues_dir);

#endif
