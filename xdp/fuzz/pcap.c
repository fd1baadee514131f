// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the pcap writer (pcap_open, pcap_write, pcap_close), read
 * back. txgen has no pcap reader; the file written is parsed here.
 *
 * Input (see make-seeds): the snap length (4 bytes), then up to 32 records
 * of frame length (2 bytes), seconds and microseconds (4 bytes each) and
 * the frame's bytes. Every write must succeed, and the file must be the
 * classic pcap header followed by each record in order, cut to the snap
 * length, with its original length and time stamp.
 */
#include <unistd.h>

#include "../lib/pcap.h"
#include "fuzz.h"

#define MAX_RECS 32

struct rec {
	uint32_t len, sec, usec;
	uint8_t *data;
};

static char path[64];

static void remove_file(void)
{
	unlink(path);
}

static const char *file_path(void)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	if (path[0])
		return path;
	snprintf(path, sizeof(path), "%s/txgen-fuzz-XXXXXX", dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	atexit(remove_file);
	return path;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);	/* the writer uses host byte order */
	return v;
}

static void check_file(uint32_t snaplen, const struct rec *r, unsigned int n)
{
	size_t size = PCAP_FILE_HDR_LEN, off, got;
	unsigned int i;
	uint16_t ver[2];
	uint32_t incl;
	uint8_t *buf;
	FILE *f;

	for (i = 0; i < n; i++)
		size += PCAP_REC_HDR_LEN + (r[i].len < snaplen ? r[i].len : snaplen);
	buf = malloc(size + 1);
	f = fopen(path, "rb");
	if (!buf || !f)
		abort();
	got = fread(buf, 1, size + 1, f);
	fclose(f);
	FUZZ_CHECK(got == size);
	FUZZ_CHECK(get32(buf) == PCAP_MAGIC);
	memcpy(ver, buf + 4, sizeof(ver));
	FUZZ_CHECK(ver[0] == PCAP_VERSION_MAJOR && ver[1] == PCAP_VERSION_MINOR);
	FUZZ_CHECK(get32(buf + 16) == snaplen);
	FUZZ_CHECK(get32(buf + 20) == PCAP_LINKTYPE_ETHERNET);
	off = PCAP_FILE_HDR_LEN;
	for (i = 0; i < n; i++) {
		incl = r[i].len < snaplen ? r[i].len : snaplen;
		FUZZ_CHECK(get32(buf + off) == r[i].sec);
		FUZZ_CHECK(get32(buf + off + 4) == r[i].usec);
		FUZZ_CHECK(get32(buf + off + 8) == incl);
		FUZZ_CHECK(get32(buf + off + 12) == r[i].len);
		off += PCAP_REC_HDR_LEN;
		FUZZ_CHECK(!memcmp(buf + off, r[i].data, incl));
		off += incl;
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct rec r[MAX_RECS];
	struct pcap_writer w;
	unsigned int n = 0, i;
	uint32_t snaplen;

	snaplen = (uint32_t)fuzz_uint(&in, 4);
	FUZZ_CHECK(pcap_open(&w, file_path(), snaplen) == 0);
	while (n < MAX_RECS && in.left) {
		r[n].len = (uint32_t)fuzz_uint(&in, 2);
		r[n].sec = (uint32_t)fuzz_uint(&in, 4);
		r[n].usec = (uint32_t)fuzz_uint(&in, 4);
		r[n].data = malloc(r[n].len ? r[n].len : 1);
		if (!r[n].data)
			abort();
		fuzz_bytes(&in, r[n].data, r[n].len);
		FUZZ_CHECK(pcap_write(&w, r[n].data, r[n].len, r[n].sec,
				      r[n].usec) == 0);
		n++;
	}
	FUZZ_CHECK(w.written == n);
	FUZZ_CHECK(pcap_close(&w) == 0);
	check_file(snaplen, r, n);
	for (i = 0; i < n; i++)
		free(r[i].data);
	return 0;
}
