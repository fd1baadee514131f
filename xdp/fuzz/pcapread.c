// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the pcap reader (pcap_parse), what --replay trusts.
 *
 * Input (see make-seeds): the longest frame accepted (2 bytes), then the
 * file's bytes. A file that parses is indexed exactly: records back to
 * back from the end of the file header to the end of the file, each
 * inside the file, 14..max bytes, the totals right. A file that does not
 * gives one printable line and nothing allocated (the leak checker sees
 * the rest).
 */
#include <errno.h>

#include "../lib/pcap.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct pcap_frames f;
	uint32_t max_len, i, min = UINT32_MAX, max = 0;
	uint64_t bytes = 0, pos = PCAP_FILE_HDR_LEN;
	char err[256];
	uint8_t *file;
	int ret;

	max_len = (uint32_t)fuzz_uint(&in, 2);
	/* A copy of exactly the file's size, so that ASan sees any read
	 * past its end. */
	file = malloc(in.left ? in.left : 1);
	if (!file)
		abort();
	memcpy(file, in.p, in.left);
	err[0] = '\0';
	ret = pcap_parse(file, in.left, max_len, &f, err, sizeof(err));
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL || ret == -ENOMEM);
		FUZZ_CHECK(err[0] && fuzz_one_line(err));
		FUZZ_CHECK(!f.off && !f.len && !f.n);
		free(file);
		return 0;
	}
	FUZZ_CHECK(f.n >= 1 && f.base == file && !f.buf);
	for (i = 0; i < f.n; i++) {
		pos += PCAP_REC_HDR_LEN;
		FUZZ_CHECK(f.off[i] == pos);
		FUZZ_CHECK(f.len[i] >= PCAP_MIN_FRAME && f.len[i] <= max_len);
		pos += f.len[i];
		FUZZ_CHECK(pos <= in.left);
		bytes += f.len[i];
		min = f.len[i] < min ? f.len[i] : min;
		max = f.len[i] > max ? f.len[i] : max;
	}
	FUZZ_CHECK(pos == in.left);
	FUZZ_CHECK(bytes == f.bytes && min == f.min_len && max == f.max_len);
	pcap_frames_free(&f);
	free(file);
	return 0;
}
