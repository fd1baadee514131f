/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_PCAP_H
#define TXGEN_PCAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Classic libpcap file format. The writer: microsecond time stamps,
 * LINKTYPE_ETHERNET, host byte order. The reader: either byte order,
 * microsecond or nanosecond magic, LINKTYPE_ETHERNET only, whole frames.
 */
#define PCAP_MAGIC		0xa1b2c3d4u
#define PCAP_MAGIC_NS		0xa1b23c4du
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

/* The frames of a capture, in file order (what --replay sends). */
struct pcap_frames {
	uint8_t *buf;		/* the file's bytes (owned: pcap_load) or NULL */
	const uint8_t *base;	/* start of the file's bytes */
	uint32_t n;
	uint32_t *off;		/* frame i is base + off[i], len[i] bytes */
	uint32_t *len;
	uint32_t min_len, max_len;
	uint64_t bytes;		/* sum of len */
	bool swapped;		/* other byte order than this host */
	bool nsec;		/* nanosecond time stamps */
};

/* Files larger than this are refused (everything is held in memory). */
#define PCAP_MAX_FILE	(1ull << 30)
/* Shorter records are not Ethernet frames. */
#define PCAP_MIN_FRAME	14

/*
 * Index a capture held in memory (not copied: f->base = data). Rejects a
 * bad magic or version, a link type other than LINKTYPE_ETHERNET, a
 * truncated header or record, a record whose captured length differs from
 * its original length, a record shorter than an Ethernet header or longer
 * than max_len, and a file without records. Returns 0, or -EINVAL / -ENOMEM
 * with one line in err.
 */
int pcap_parse(const uint8_t *data, size_t size, uint32_t max_len,
	       struct pcap_frames *f, char *err, size_t errlen);
/* Read path and pcap_parse() it; the error names the file as name (path
 * when NULL; give an escaped one where err must stay one line). */
int pcap_load(const char *path, const char *name, uint32_t max_len,
	      struct pcap_frames *f, char *err, size_t errlen);
void pcap_frames_free(struct pcap_frames *f);

#endif
