/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer targets: the entry point's prototype, the check
 * that turns a broken invariant into a finding, and readers that take typed
 * values from the fuzzer's bytes.
 */
#ifndef TXGEN_FUZZ_H
#define TXGEN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant aborts, so that libFuzzer keeps the input as a crash. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

/* Up to 8 bytes, little endian; zero once the input is used up. */
static inline uint64_t fuzz_uint(struct fuzz_in *in, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->left; i++, in->p++, in->left--)
		v |= (uint64_t)in->p[0] << (8 * i);
	return v;
}

static inline void fuzz_bytes(struct fuzz_in *in, void *dst, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	memcpy(dst, in->p, k);
	memset((uint8_t *)dst + k, 0, n - k);
	in->p += k;
	in->left -= k;
}

/*
 * The bytes as a C string, in a heap block of exactly the right size so
 * that AddressSanitizer sees a read past the terminator. Stops at the first
 * NUL. Never NULL (aborts when out of memory).
 */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* One line of text without control characters (UTF-8 bytes are fine). */
static inline int fuzz_one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

#endif
