// SPDX-License-Identifier: GPL-2.0
/* The classic pcap capture file format: writer (host byte order) and reader. */
#include <errno.h>
#include <stdlib.h>
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

static uint32_t rd32(const uint8_t *p, bool swapped)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const uint8_t *p, bool swapped)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return swapped ? __builtin_bswap16(v) : v;
}

static int parse_file_hdr(const uint8_t *d, size_t size, struct pcap_frames *f,
			  char *err, size_t errlen)
{
	uint32_t magic, link;
	uint16_t major;

	if (size < PCAP_FILE_HDR_LEN) {
		snprintf(err, errlen, "truncated file header (%zu of %u bytes)",
			 size, PCAP_FILE_HDR_LEN);
		return -EINVAL;
	}
	memcpy(&magic, d, 4);
	if (magic == PCAP_MAGIC || magic == PCAP_MAGIC_NS) {
		f->swapped = false;
	} else if (magic == __builtin_bswap32(PCAP_MAGIC) ||
		   magic == __builtin_bswap32(PCAP_MAGIC_NS)) {
		f->swapped = true;
		magic = __builtin_bswap32(magic);
	} else {
		snprintf(err, errlen,
			 "not a classic pcap file (magic 0x%08x; pcapng is not supported)",
			 magic);
		return -EINVAL;
	}
	f->nsec = magic == PCAP_MAGIC_NS;
	major = rd16(d + 4, f->swapped);
	if (major != PCAP_VERSION_MAJOR) {
		snprintf(err, errlen, "unsupported pcap version %u.%u (expected 2.x)",
			 major, rd16(d + 6, f->swapped));
		return -EINVAL;
	}
	link = rd32(d + 20, f->swapped);
	if (link != PCAP_LINKTYPE_ETHERNET) {
		snprintf(err, errlen,
			 "link type %u is not Ethernet (LINKTYPE_ETHERNET, 1): only Ethernet frames can be replayed",
			 link);
		return -EINVAL;
	}
	return 0;
}

/* Walks the records; with f->off NULL it only counts them. */
static int walk_records(const uint8_t *d, size_t size, uint32_t max_len,
			struct pcap_frames *f, char *err, size_t errlen)
{
	size_t pos = PCAP_FILE_HDR_LEN;
	uint32_t i = 0, incl, orig;

	while (pos < size) {
		if (size - pos < PCAP_REC_HDR_LEN) {
			snprintf(err, errlen,
				 "record %u: truncated record header at byte %zu (%zu of %u bytes)",
				 i + 1, pos, size - pos, PCAP_REC_HDR_LEN);
			return -EINVAL;
		}
		incl = rd32(d + pos + 8, f->swapped);
		orig = rd32(d + pos + 12, f->swapped);
		pos += PCAP_REC_HDR_LEN;
		if (incl != orig) {
			snprintf(err, errlen,
				 "record %u: %u of %u bytes captured (caplen != len): only whole frames can be replayed",
				 i + 1, incl, orig);
			return -EINVAL;
		}
		if (incl > size - pos) {
			snprintf(err, errlen,
				 "record %u: truncated (%u bytes, %zu left in the file)",
				 i + 1, incl, size - pos);
			return -EINVAL;
		}
		if (incl < PCAP_MIN_FRAME) {
			snprintf(err, errlen,
				 "record %u: %u bytes is shorter than an Ethernet header (%u)",
				 i + 1, incl, PCAP_MIN_FRAME);
			return -EINVAL;
		}
		if (incl > max_len) {
			snprintf(err, errlen,
				 "record %u: %u-byte frame is longer than %u bytes",
				 i + 1, incl, max_len);
			return -EINVAL;
		}
		if (f->off) {
			f->off[i] = (uint32_t)pos;
			f->len[i] = incl;
			f->bytes += incl;
			if (incl < f->min_len)
				f->min_len = incl;
			if (incl > f->max_len)
				f->max_len = incl;
		}
		pos += incl;
		i++;
	}
	if (!i) {
		snprintf(err, errlen, "no frames in the file");
		return -EINVAL;
	}
	f->n = i;
	return 0;
}

int pcap_parse(const uint8_t *data, size_t size, uint32_t max_len,
	       struct pcap_frames *f, char *err, size_t errlen)
{
	int ret;

	memset(f, 0, sizeof(*f));
	if (size > PCAP_MAX_FILE) {
		snprintf(err, errlen, "file larger than %llu bytes",
			 (unsigned long long)PCAP_MAX_FILE);
		return -EINVAL;
	}
	ret = parse_file_hdr(data, size, f, err, errlen);
	if (!ret)
		ret = walk_records(data, size, max_len, f, err, errlen);
	if (ret)
		return ret;
	/* Second pass with room for the index. */
	f->off = calloc(f->n, sizeof(*f->off));
	f->len = calloc(f->n, sizeof(*f->len));
	if (!f->off || !f->len) {
		pcap_frames_free(f);
		snprintf(err, errlen, "out of memory for %u frames", f->n);
		return -ENOMEM;
	}
	f->base = data;
	f->min_len = UINT32_MAX;
	ret = walk_records(data, size, max_len, f, err, errlen);
	if (ret)
		pcap_frames_free(f);
	return ret;
}

int pcap_load(const char *path, const char *name, uint32_t max_len,
	      struct pcap_frames *f, char *err, size_t errlen)
{
	char why[256];
	uint8_t *buf;
	size_t size;
	long end;
	FILE *in;
	int ret;

	memset(f, 0, sizeof(*f));
	if (!name)
		name = path;
	in = fopen(path, "rb");
	if (!in) {
		snprintf(err, errlen, "cannot read pcap file %s: %s", name, strerror(errno));
		return -EINVAL;
	}
	if (fseek(in, 0, SEEK_END) || (end = ftell(in)) < 0 || fseek(in, 0, SEEK_SET)) {
		snprintf(err, errlen, "cannot read pcap file %s: %s", name, strerror(errno));
		fclose(in);
		return -EINVAL;
	}
	if ((unsigned long long)end > PCAP_MAX_FILE) {
		snprintf(err, errlen, "pcap file %s: larger than %llu bytes", name,
			 (unsigned long long)PCAP_MAX_FILE);
		fclose(in);
		return -EINVAL;
	}
	size = (size_t)end;
	buf = malloc(size ? size : 1);
	if (!buf) {
		snprintf(err, errlen, "pcap file %s: out of memory for %zu bytes", name, size);
		fclose(in);
		return -ENOMEM;
	}
	if (fread(buf, 1, size, in) != size) {
		snprintf(err, errlen, "cannot read pcap file %s: %s", name,
			 ferror(in) ? strerror(errno) : "file shrank while reading");
		free(buf);
		fclose(in);
		return -EINVAL;
	}
	fclose(in);
	ret = pcap_parse(buf, size, max_len, f, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "pcap file %s: %s", name, why);
		free(buf);
		return ret;
	}
	f->buf = buf;
	return 0;
}

void pcap_frames_free(struct pcap_frames *f)
{
	free(f->buf);
	free(f->off);
	free(f->len);
	memset(f, 0, sizeof(*f));
}
