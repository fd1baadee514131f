// SPDX-License-Identifier: GPL-2.0
/*
 * tbcount: a QEMU TCG plugin that counts the guest instructions executed per
 * translation block, for tools/cost-profile.
 *
 *   qemu-system-x86_64 ... -plugin tbcount.so,out=FILE,mark=ADDR
 *
 * Each time the vCPU enters the block at guest address ADDR (the entry of a
 * kernel function the guest calls on purpose, before and after the interval
 * to measure), the counts so far are appended to FILE as one snapshot:
 *
 *   snapshot K
 *   VADDR NINSNS COUNT       (one line per block executed so far, hex VADDR)
 *
 * The difference of two snapshots is what ran between the two calls: COUNT
 * entries of a block of NINSNS instructions at VADDR. Blocks are keyed by
 * address and length (icount can translate a shorter block at the same
 * address). Single-threaded: with -icount QEMU runs every vCPU in one
 * thread, and tools/cost-profile gives the guest one vCPU.
 *
 * QEMU installs no header for its plugin API in Debian, so the few stable
 * entry points used here (plugin API version 1 and later) are declared
 * below.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
		void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
		void (*cb)(unsigned int, void *),
		enum qemu_plugin_cb_flags flags, void *udata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
		void (*cb)(qemu_plugin_id_t, void *), void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_outs(const char *string);

/* QEMU 8.0-10.0 accept plugins of API version 2 (and up to their own). */
EXPORT int qemu_plugin_version = 2;

struct block {
	uint64_t vaddr;
	uint64_t count;
	uint32_t ninsns;
	bool used;
};

#define TABLE_BITS 20	/* 1 M blocks: a booted tinyconfig guest uses ~60 k */
#define TABLE_SIZE (1u << TABLE_BITS)

static struct block *table;
static size_t nused;
static uint64_t mark;
static FILE *out;
static unsigned int snapshots;
static bool full;

static struct block *lookup(uint64_t vaddr, uint32_t ninsns)
{
	uint64_t h = (vaddr ^ ((uint64_t)ninsns << 52)) * 0x9e3779b97f4a7c15ull;
	uint32_t i = (uint32_t)(h >> (64 - TABLE_BITS));

	for (;;) {
		struct block *b = &table[i];

		if (!b->used) {
			if (nused + 1 >= TABLE_SIZE / 2) {
				full = true;
				return NULL;
			}
			b->used = true;
			b->vaddr = vaddr;
			b->ninsns = ninsns;
			nused++;
			return b;
		}
		if (b->vaddr == vaddr && b->ninsns == ninsns)
			return b;
		i = (i + 1) & (TABLE_SIZE - 1);
	}
}

static void snapshot(void)
{
	fprintf(out, "snapshot %u%s\n", snapshots++, full ? " full" : "");
	for (size_t i = 0; i < TABLE_SIZE; i++) {
		const struct block *b = &table[i];

		if (b->used && b->count)
			fprintf(out, "%" PRIx64 " %" PRIu32 " %" PRIu64 "\n",
				b->vaddr, b->ninsns, b->count);
	}
	fflush(out);
}

static void exec_block(unsigned int vcpu, void *udata)
{
	struct block *b = udata;

	(void)vcpu;
	b->count++;
}

static void exec_mark(unsigned int vcpu, void *udata)
{
	exec_block(vcpu, udata);
	snapshot();
}

static void trans_block(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	struct block *b = lookup(vaddr, (uint32_t)qemu_plugin_tb_n_insns(tb));

	(void)id;
	if (!b)
		return;
	qemu_plugin_register_vcpu_tb_exec_cb(tb,
			vaddr == mark ? exec_mark : exec_block,
			QEMU_PLUGIN_CB_NO_REGS, b);
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	if (full)
		qemu_plugin_outs("tbcount: block table full, counts incomplete\n");
	fclose(out);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			       int argc, char **argv);

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			       int argc, char **argv)
{
	const char *path = NULL;
	char *end;

	(void)info;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			path = argv[i] + 4;
		} else if (!strncmp(argv[i], "mark=", 5)) {
			errno = 0;
			mark = strtoull(argv[i] + 5, &end, 0);
			if (errno || *end || !mark) {
				fprintf(stderr, "tbcount: bad mark: %s\n", argv[i] + 5);
				return -1;
			}
		} else {
			fprintf(stderr, "tbcount: unknown argument: %s\n", argv[i]);
			return -1;
		}
	}
	if (!path || !mark) {
		fprintf(stderr, "tbcount: out=FILE and mark=ADDR are needed\n");
		return -1;
	}
	table = calloc(TABLE_SIZE, sizeof(*table));
	if (!table) {
		fprintf(stderr, "tbcount: out of memory\n");
		return -1;
	}
	out = fopen(path, "w");
	if (!out) {
		fprintf(stderr, "tbcount: %s: %s\n", path, strerror(errno));
		free(table);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, trans_block);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
