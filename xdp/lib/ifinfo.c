// SPDX-License-Identifier: GPL-2.0
/* Interface facts needed before opening sockets: state, MTU, queues, MAC. */
#include <dirent.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ifinfo.h"

int ifinfo_count_tx_queues(const char *queues_dir)
{
	struct dirent *de;
	DIR *d = opendir(queues_dir);
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "tx-", 3))
			n++;
	closedir(d);
	return n;
}

static int ethtool_tx_queues(int fd, const char *name)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = (void *)&ch;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		return -errno;
	return (int)(ch.tx_count + ch.combined_count);
}

static int if_flags(int fd, const char *name, short *flags)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		return -errno;
	*flags = ifr.ifr_flags;
	return 0;
}

int ifinfo_get(const char *name, struct ifinfo *info, char *err, size_t errlen)
{
	char path[128];
	struct ifreq ifr;
	int fd, n, ret = 0;
	short flags = 0;

	memset(info, 0, sizeof(*info));
	if (!name || !*name || strlen(name) >= IF_NAMESIZE || strchr(name, '/')) {
		snprintf(err, errlen, "invalid interface name '%s'", name ? name : "");
		return -ENAMETOOLONG;
	}
	snprintf(info->name, sizeof(info->name), "%s", name);
	info->ifindex = if_nametoindex(name);
	if (!info->ifindex) {
		snprintf(err, errlen, "interface '%s' does not exist", name);
		return -ENODEV;
	}

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return ret;
	}
	ret = if_flags(fd, name, &flags);
	if (ret) {
		snprintf(err, errlen, "cannot read flags of '%s': %s", name,
			 strerror(-ret));
		goto out;
	}
	info->up = flags & IFF_UP;
	info->running = flags & IFF_RUNNING;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFMTU, &ifr)) {
		ret = -errno;
		snprintf(err, errlen, "cannot read MTU of '%s': %s", name,
			 strerror(errno));
		goto out;
	}
	info->mtu = (uint32_t)ifr.ifr_mtu;
	if (!ioctl(fd, SIOCGIFHWADDR, &ifr))
		memcpy(info->mac, ifr.ifr_hwaddr.sa_data, 6);

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", name);
	n = ifinfo_count_tx_queues(path);
	if (n <= 0)
		n = ethtool_tx_queues(fd, name);
	info->tx_queues = n > 0 ? (uint32_t)n : 1;
out:
	close(fd);
	return ret;
}

int ifinfo_running(const char *name)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;
	short flags = 0;

	if (fd < 0)
		return -errno;
	ret = if_flags(fd, name, &flags);
	close(fd);
	return ret ? ret : !!(flags & IFF_RUNNING);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ifinfo_wait_running(const char *name, uint32_t timeout_ms, char *err,
			size_t errlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int64_t end = mono_ms() + timeout_ms;
	int nl, fd, ret;
	char buf[8192];
	short flags;

	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (nl < 0) {
		ret = -errno;
		snprintf(err, errlen, "rtnetlink socket: %s", strerror(errno));
		return ret;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(nl, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		snprintf(err, errlen, "cannot watch link changes: %s", strerror(errno));
		goto out;
	}
	/* Subscribed before the first look: no change is missed between. */
	for (;;) {
		struct pollfd p = { .fd = nl, .events = POLLIN };
		int64_t left;

		ret = if_flags(fd, name, &flags);
		if (ret) {
			snprintf(err, errlen, "cannot read flags of '%s': %s", name,
				 strerror(-ret));
			break;
		}
		if (flags & IFF_RUNNING)
			break;
		left = end - mono_ms();
		if (left <= 0) {
			ret = -ETIMEDOUT;
			snprintf(err, errlen, "no carrier on %s after %u ms%s", name,
				 timeout_ms, flags & IFF_UP ? "" : " (the interface is down)");
			break;
		}
		if (poll(&p, 1, (int)left) < 0) {
			ret = -errno;
			snprintf(err, errlen, "waiting for a carrier on %s: %s", name,
				 strerror(errno));
			break;
		}
		/* What changed does not matter: the flags are read again. */
		while (recv(nl, buf, sizeof(buf), 0) > 0)
			;
	}
out:
	if (fd >= 0)
		close(fd);
	close(nl);
	return ret;
}
