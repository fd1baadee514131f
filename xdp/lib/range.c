// SPDX-License-Identifier: GPL-2.0
/* Value-or-range parsing and per-packet iteration for MAC, IP and ports. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "range.h"

void range_iter_init(struct range_iter *it, const struct range *r, bool random,
		     uint64_t seed)
{
	it->r = *r;
	it->cur = r->lo;
	it->random = random;
	it->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
}

/* Split "a-b" at the range dash; returns pointer to b or NULL. */
static const char *split_dash(const char *s, char *lo, size_t lolen)
{
	const char *dash = strchr(s, '-');
	size_t n;

	if (!dash) {
		if (strlen(s) >= lolen)
			return NULL;
		strcpy(lo, s);
		return s + strlen(s);
	}
	n = (size_t)(dash - s);
	if (n == 0 || n >= lolen || dash[1] == '\0')
		return NULL;
	memcpy(lo, s, n);
	lo[n] = '\0';
	return dash + 1;
}

static int parse_u64_strict(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull() would skip white space and take a sign. */
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int range_parse_u16(const char *s, struct range *out)
{
	char lo[16];
	const char *hi = split_dash(s, lo, sizeof(lo));
	uint64_t a, b;

	if (!hi || parse_u64_strict(lo, 65535, &a))
		return -EINVAL;
	if (*hi == '\0')
		b = a;
	else if (parse_u64_strict(hi, 65535, &b))
		return -EINVAL;
	if (a > b)
		return -EINVAL;
	out->lo = a;
	out->hi = b;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(const char *s, uint8_t mac[6])
{
	int i, h, l;

	/* Exactly xx:xx:xx:xx:xx:xx */
	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		h = hexval(s[i * 3]);
		l = hexval(s[i * 3 + 1]);
		if (h < 0 || l < 0)
			return -EINVAL;
		if (i < 5 && s[i * 3 + 2] != ':')
			return -EINVAL;
		mac[i] = (uint8_t)(h << 4 | l);
	}
	return 0;
}

uint64_t mac_to_u64(const uint8_t mac[6])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	return v;
}

void mac_from_u64(uint64_t v, uint8_t mac[6])
{
	int i;

	for (i = 5; i >= 0; i--) {
		mac[i] = (uint8_t)v;
		v >>= 8;
	}
}

int range_parse_mac(const char *s, struct range *out)
{
	char lo[32];
	const char *hi = split_dash(s, lo, sizeof(lo));
	uint8_t a[6], b[6];

	if (!hi || mac_parse(lo, a))
		return -EINVAL;
	if (*hi == '\0')
		memcpy(b, a, 6);
	else if (mac_parse(hi, b))
		return -EINVAL;
	out->lo = mac_to_u64(a);
	out->hi = mac_to_u64(b);
	return out->lo <= out->hi ? 0 : -EINVAL;
}

static uint64_t be64_load(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int parse_one_ip(const char *s, int *family, uint8_t addr[16])
{
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int range_parse_ip(const char *s, struct ip_range *out)
{
	char lo[64];
	const char *hi = split_dash(s, lo, sizeof(lo));
	uint8_t a[16] = { 0 }, b[16] = { 0 };
	int fa, fb;

	if (!hi || parse_one_ip(lo, &fa, a))
		return -EINVAL;
	if (*hi == '\0') {
		memcpy(b, a, sizeof(b));
		fb = fa;
	} else if (parse_one_ip(hi, &fb, b)) {
		return -EINVAL;
	}
	if (fa != fb)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->family = fa;
	if (fa == AF_INET) {
		out->r.lo = (uint64_t)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
		out->r.hi = (uint64_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
	} else {
		if (memcmp(a, b, 8))
			return -EINVAL; /* ranges only over the low 64 bits */
		memcpy(out->prefix, a, 8);
		out->r.lo = be64_load(a + 8);
		out->r.hi = be64_load(b + 8);
	}
	return out->r.lo <= out->r.hi ? 0 : -EINVAL;
}

void ip_range_addr(const struct ip_range *ipr, uint64_t v, uint8_t *dst)
{
	int i;

	if (ipr->family == AF_INET) {
		dst[0] = (uint8_t)(v >> 24);
		dst[1] = (uint8_t)(v >> 16);
		dst[2] = (uint8_t)(v >> 8);
		dst[3] = (uint8_t)v;
		return;
	}
	memcpy(dst, ipr->prefix, 8);
	for (i = 15; i >= 8; i--) {
		dst[i] = (uint8_t)v;
		v >>= 8;
	}
}
