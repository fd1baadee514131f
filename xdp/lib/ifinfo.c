// SPDX-License-Identifier: GPL-2.0
/* Interface facts needed before opening sockets: state, MTU, queues, MAC. */
#include <dirent.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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

int ifinfo_get(const char *name, struct ifinfo *info, char *err, size_t errlen)
{
	char path[128];
	struct ifreq ifr;
	int fd, n, ret = 0;

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
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ret = -errno;
		snprintf(err, errlen, "cannot read flags of '%s': %s", name,
			 strerror(errno));
		goto out;
	}
	info->up = ifr.ifr_flags & IFF_UP;
	info->running = ifr.ifr_flags & IFF_RUNNING;
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
