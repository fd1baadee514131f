// SPDX-License-Identifier: GPL-2.0
/*
 * patchbench: the userspace cost per frame of what txgen's loop does to a
 * prebuilt frame, and of the kernel's copy-mode read of it, without the
 * kernel: batches of 64 frames are patched (pkt_patch(): seq, time, UDP
 * checksum) and then each frame's bytes copied out as xsk_build_skb() does.
 *
 *   patchbench [--rounds N] [--frames N]
 *
 * Variants, run alternately (rounds, default 5), CPU time of this thread
 * per frame, median and range, for a working set of 64 frames (one batch:
 * txgen's free list hands the same frames out again) and of 4096 (two
 * rings); frames at 64 cache-line offsets of their 4096-byte chunks unless
 * said:
 *   seq only            txgen now without ranges: sums fixed per batch
 *                       (pkt_fixed_sum()), seq, time and checksum written
 *                       per frame (pkt_patch_seq())
 *   seq only, offset 0  the same, every frame at the start of its chunk
 *   pkt_patch inline    the general patch (ranges), inline
 *   pkt_patch call      the general patch through a call, as txgen did
 *   no patch            the frame is sent as prebuilt: no seq, no time
 * A benchmark, not a test: it reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/pkt.h"

#define CHUNK	4096u
#define BATCH	64u
#define LEN	60u

enum variant { V_SEQ, V_OFFSET0, V_INLINE, V_CALL, V_NOPATCH, NVARIANTS };

static const char *const names[NVARIANTS] = {
	"seq only", "seq only, offset 0", "pkt_patch inline", "pkt_patch call",
	"no patch",
};

/* Out of line on purpose: the call the loop made before. */
__attribute__((noinline)) static void patch_call(uint8_t *f, const struct pkt_tmpl *t,
						 const struct pkt_vars *v)
{
	pkt_patch(f, t, v, 0);
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ns per frame of one round: total frames through a working set of n. */
static double round_ns(enum variant var, uint8_t *area, uint32_t n, uint64_t total,
		       const struct pkt_tmpl *t, const uint8_t *tmpl_frame)
{
	static uint8_t skb[BATCH][128];
	struct pkt_vars v;
	uint64_t sent = 0, sink = 0;
	uint32_t next = 0, i, fixed;
	double t0;

	memset(&v, 0, sizeof(v));
	t0 = cpu_ns();
	while (sent < total) {
		uint8_t *f[BATCH];

		v.tv_sec = (uint32_t)(sent >> 16);
		v.tv_usec = (uint32_t)(sent & 0xffff);
		fixed = pkt_fixed_sum(t, tmpl_frame, &v);
		for (i = 0; i < BATCH; i++) {
			uint32_t k = (next + i) % n;
			size_t off = var == V_OFFSET0 ? 0 : (size_t)(k % 64) * 64;

			f[i] = area + (size_t)k * CHUNK + off;
			v.seq = (uint32_t)(sent + i);
			if (var == V_SEQ || var == V_OFFSET0)
				pkt_patch_seq(f[i], &t->lay, fixed, &v);
			else if (var == V_INLINE)
				pkt_patch(f[i], t, &v, 0);
			else if (var == V_CALL)
				patch_call(f[i], t, &v);
		}
		for (i = 0; i < BATCH; i++) {	/* the kernel's copy */
			memcpy(skb[i], f[i], LEN);
			sink += skb[i][LEN - 1];
		}
		__asm__ volatile("" : : "r"(sink) : "memory");
		next = (next + BATCH) % n;
		sent += BATCH;
	}
	return (cpu_ns() - t0) / (double)total;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const uint32_t sets[2] = { BATCH, 4096 };
	unsigned int rounds = 5, r, s, var;
	uint64_t total = 1u << 21;
	double (*ns)[2][64];
	struct pkt_layout lay;
	struct pkt_tmpl tmpl;
	struct pkt_spec spec;
	uint8_t frame[LEN], *area;
	uint32_t i;

	for (i = 1; i + 1 < (uint32_t)argc; i += 2) {
		if (!strcmp(argv[i], "--rounds"))
			rounds = (unsigned int)strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--frames"))
			total = strtoull(argv[i + 1], NULL, 0);
	}
	if (rounds < 1 || rounds > 64 || total < BATCH || (uint32_t)argc % 2 != 1) {
		fprintf(stderr, "patchbench: error: usage: patchbench [--rounds 1..64] "
			"[--frames N >= %u]\n", BATCH);
		return 2;
	}
	memset(&spec, 0, sizeof(spec));
	spec.family = AF_INET;
	spec.src_port = spec.dst_port = 9;
	spec.frame_len = LEN;
	if (pkt_build(&spec, frame, sizeof(frame), &lay))
		return 1;
	pkt_tmpl_init(&tmpl, frame, &lay);
	area = aligned_alloc(CHUNK, (size_t)sets[1] * CHUNK);
	ns = calloc(NVARIANTS, sizeof(*ns));
	if (!area || !ns)
		return 1;
	for (i = 0; i < sets[1]; i++) {
		memcpy(area + (size_t)i * CHUNK, frame, LEN);
		memcpy(area + (size_t)i * CHUNK + (i % 64) * 64, frame, LEN);
	}
	for (r = 0; r < rounds; r++)
		for (s = 0; s < 2; s++)
			for (var = 0; var < NVARIANTS; var++)
				ns[var][s][r] = round_ns(var, area, sets[s], total, &tmpl,
							 frame);
	printf("| variant | ns/frame, %u frames | min-max | ns/frame, %u frames | min-max |\n",
	       sets[0], sets[1]);
	printf("|---------|------:|------:|------:|------:|\n");
	for (var = 0; var < NVARIANTS; var++) {
		printf("| %s", names[var]);
		for (s = 0; s < 2; s++) {
			qsort(ns[var][s], rounds, sizeof(double), cmp_d);
			printf(" | %.2f | %.2f-%.2f", ns[var][s][rounds / 2], ns[var][s][0],
			       ns[var][s][rounds - 1]);
		}
		printf(" |\n");
	}
	free(ns);
	free(area);
	return 0;
}
