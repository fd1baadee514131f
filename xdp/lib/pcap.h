/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TXGEN_PCAP_H
#define TXGEN_PCAP_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

/* Classic libpcap file format, microsecond timestamps, LINKTYPE_ETHERNET. */
#define PCAP_MAGIC		0xa1b2c3d4u
#define PCAP_VERSION_MAJOR	2
#define PCAP_VERSION_MINOR	4
#define PCAP_LINKTYPE_ETHERNET	1
#define PCAP_FILE_HDR_LEN	24
#define PCAP_REC_HDR_LEN	16

struct pcap_writer {
	FILE *f;
	uint32_t snaplen;
	uint64_t written;
	pthread_mutex_t lock;	/* several sender threads may share a file */
};

/* Returns 0 or -errno. */
int pcap_open(struct pcap_writer *w, const char *path, uint32_t snaplen);
int pcap_write(struct pcap_writer *w, const void *frame, uint32_t len,
	       uint32_t tv_sec, uint32_t tv_usec);
/* Flushes and closes; returns 0 or -errno of the first write error. */
int pcap_close(struct pcap_writer *w);

#endif
