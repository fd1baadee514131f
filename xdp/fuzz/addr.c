// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: MAC and IP addresses and ranges (mac_parse,
 * range_parse_mac, range_parse_ip, ip_range_addr, mac_to_u64/mac_from_u64).
 *
 * Input: an argument as given to --src-mac/--dst-mac or --src-ip/--dst-ip.
 * An accepted MAC is exactly xx:xx:xx:xx:xx:xx (per half of a range); an
 * accepted range is ordered, within its family's width, and printing it and
 * parsing it again gives the same range; an IP range's ends are what
 * inet_pton makes of the text on either side of the dash.
 */
#include <arpa/inet.h>
#include <strings.h>
#include <sys/socket.h>

#include "../lib/range.h"
#include "fuzz.h"

#define MAC_MAX 0xffffffffffffULL

static void check_mac_text(const char *s, size_t len, const uint8_t mac[6])
{
	char back[18];

	FUZZ_CHECK(len == 17);
	snprintf(back, sizeof(back), "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	FUZZ_CHECK(!strncasecmp(back, s, 17));
}

static void check_mac(const char *s)
{
	uint8_t mac[6], again[6];
	struct range r, r2;
	const char *dash;
	char back[40];

	if (!mac_parse(s, mac)) {
		check_mac_text(s, strlen(s), mac);
		mac_from_u64(mac_to_u64(mac), again);
		FUZZ_CHECK(!memcmp(mac, again, 6));
	}
	if (range_parse_mac(s, &r))
		return;
	FUZZ_CHECK(r.lo <= r.hi && r.hi <= MAC_MAX);
	dash = strchr(s, '-');
	mac_from_u64(r.lo, mac);
	check_mac_text(s, dash ? (size_t)(dash - s) : strlen(s), mac);
	mac_from_u64(r.hi, mac);
	check_mac_text(dash ? dash + 1 : s, strlen(dash ? dash + 1 : s), mac);
	mac_from_u64(r.lo, mac);
	mac_from_u64(r.hi, again);
	snprintf(back, sizeof(back),
		 "%02x:%02x:%02x:%02x:%02x:%02x-%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], again[0],
		 again[1], again[2], again[3], again[4], again[5]);
	FUZZ_CHECK(range_parse_mac(back, &r2) == 0);
	FUZZ_CHECK(r2.lo == r.lo && r2.hi == r.hi);
}

/* The address that inet_pton makes of s[0..len) must be addr. */
static void check_ip_text(const char *s, size_t len, int family,
			  const uint8_t *addr)
{
	uint8_t want[16];
	char buf[64];

	FUZZ_CHECK(len < sizeof(buf));
	memcpy(buf, s, len);
	buf[len] = '\0';
	FUZZ_CHECK(inet_pton(family, buf, want) == 1);
	FUZZ_CHECK(!memcmp(want, addr, family == AF_INET6 ? 16 : 4));
}

static void check_ip(const char *s)
{
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];
	char back[2 * INET6_ADDRSTRLEN + 2];
	uint8_t a[16], b[16];
	struct ip_range r, r2;
	const char *dash;

	if (range_parse_ip(s, &r))
		return;
	FUZZ_CHECK(r.family == AF_INET || r.family == AF_INET6);
	FUZZ_CHECK(r.r.lo <= r.r.hi);
	if (r.family == AF_INET)
		FUZZ_CHECK(r.r.hi <= 0xffffffffULL);
	ip_range_addr(&r, r.r.lo, a);
	ip_range_addr(&r, r.r.hi, b);
	dash = strchr(s, '-');
	check_ip_text(s, dash ? (size_t)(dash - s) : strlen(s), r.family, a);
	check_ip_text(dash ? dash + 1 : s, strlen(dash ? dash + 1 : s),
		      r.family, b);
	FUZZ_CHECK(inet_ntop(r.family, a, lo, sizeof(lo)));
	FUZZ_CHECK(inet_ntop(r.family, b, hi, sizeof(hi)));
	snprintf(back, sizeof(back), "%s-%s", lo, hi);
	FUZZ_CHECK(range_parse_ip(back, &r2) == 0);
	FUZZ_CHECK(r2.family == r.family && r2.r.lo == r.r.lo &&
		   r2.r.hi == r.r.hi && !memcmp(r2.prefix, r.prefix, 8));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	check_mac(s);
	check_ip(s);
	free(s);
	return 0;
}
