// SPDX-License-Identifier: GPL-2.0-only
/* Writer for the classic pcap capture file format (host byte order). */
#include <errno.h>
#include <string.h>

#include "pcap.h"

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t version_major;
	uint16_t version_minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct pcap_rec_hdr {
	uint32_t ts_sec;
	uint32_t ts_usec;
	uint32_t incl_len;
	uint32_t orig_len;
};

_Static_assert(sizeof(struct pcap_file_hdr) == PCAP_FILE_HDR_LEN, "pcap hdr");
_Static_assert(sizeof(struct pcap_rec_hdr) == PCAP_REC_HDR_LEN, "pcap rec");

int pcap_open(struct pcap_writer *w, const char *path, uint32_t snaplen)
{
	struct pcap_file_hdr h = {
		.magic = PCAP_MAGIC,
		.version_major = PCAP_VERSION_MAJOR,
		.version_minor = PCAP_VERSION_MINOR,
		.snaplen = snaplen,
		.linktype = PCAP_LINKTYPE_ETHERNET,
	};
	int err;

	memset(w, 0, sizeof(*w));
	w->snaplen = snaplen;
	w->f = fopen(path, "wb");
	if (!w->f)
		return -errno;
	if (fwrite(&h, sizeof(h), 1, w->f) != 1) {
		err = errno ? -errno : -EIO;
		fclose(w->f);
		w->f = NULL;
		return err;
	}
	pthread_mutex_init(&w->lock, NULL);
	return 0;
}

int pcap_write(struct pcap_writer *w, const void *frame, uint32_t len,
	       uint32_t tv_sec, uint32_t tv_usec)
{
	struct pcap_rec_hdr r = {
		.ts_sec = tv_sec,
		.ts_usec = tv_usec,
		.incl_len = len < w->snaplen ? len : w->snaplen,
		.orig_len = len,
	};
	int err = 0;

	pthread_mutex_lock(&w->lock);
	/* fwrite() of zero bytes returns 0 items: not an error. */
	if (fwrite(&r, sizeof(r), 1, w->f) != 1 ||
	    (r.incl_len && fwrite(frame, r.incl_len, 1, w->f) != 1))
		err = errno ? -errno : -EIO;
	else
		w->written++;
	pthread_mutex_unlock(&w->lock);
	return err;
}

int pcap_close(struct pcap_writer *w)
{
	int err = 0;

	if (!w->f)
		return 0;
	if (fflush(w->f))
		err = -errno;
	if (fclose(w->f) && !err)
		err = -errno;
	w->f = NULL;
	pthread_mutex_destroy(&w->lock);
	return err;
}
