// SPDX-License-Identifier: GPL-2.0
/* Per-second and final transmit statistics, as text and JSON. */
#include <string.h>

#include "stats.h"

void tx_counters_snapshot(const struct tx_counters *src, struct tx_counters *dst)
{
	dst->submitted = __atomic_load_n(&src->submitted, __ATOMIC_RELAXED);
	dst->sent = __atomic_load_n(&src->sent, __ATOMIC_RELAXED);
	dst->dropped = __atomic_load_n(&src->dropped, __ATOMIC_RELAXED);
	dst->completed = __atomic_load_n(&src->completed, __ATOMIC_RELAXED);
	dst->bytes = __atomic_load_n(&src->bytes, __ATOMIC_RELAXED);
	dst->ring_full = __atomic_load_n(&src->ring_full, __ATOMIC_RELAXED);
	dst->kicks = __atomic_load_n(&src->kicks, __ATOMIC_RELAXED);
	dst->kick_errors = __atomic_load_n(&src->kick_errors, __ATOMIC_RELAXED);
}

void tx_counters_sum(struct tx_counters *acc, const struct tx_counters *c)
{
	acc->submitted += c->submitted;
	acc->sent += c->sent;
	acc->dropped += c->dropped;
	acc->completed += c->completed;
	acc->bytes += c->bytes;
	acc->ring_full += c->ring_full;
	acc->kicks += c->kicks;
	acc->kick_errors += c->kick_errors;
}

static double per_sec(uint64_t v, double secs)
{
	return secs > 0 ? (double)v / secs : 0.0;
}

/* Completions of frames that went out: dropped frames complete too. */
static uint64_t completed_sent(const struct tx_counters *c)
{
	return c->completed > c->dropped ? c->completed - c->dropped : 0;
}

void stats_print_interval(FILE *out, double secs, const struct tx_counters *d,
			  const struct tx_counters *t, const struct tx_kstats *k)
{
	fprintf(out,
		"%10.0f pps %12.0f bit/s  compl %10.0f/s  total sent %llu compl %llu  "
		"ring_full %llu tx_empty %llu invalid %llu\n",
		per_sec(d->sent, secs), per_sec(d->bytes * 8, secs),
		per_sec(d->completed, secs), (unsigned long long)t->sent,
		(unsigned long long)t->completed,
		(unsigned long long)t->ring_full,
		(unsigned long long)k->tx_ring_empty_descs,
		(unsigned long long)k->tx_invalid_descs);
	fflush(out);
}

void frame_info_format(char *buf, size_t len, const struct frame_info *f)
{
	char via[80], size[128];

	if (!strcmp(f->dst_mac_from, "neighbour"))
		snprintf(via, sizeof(via), "neighbour %s", f->next_hop);
	else if (!strcmp(f->dst_mac_from, "broadcast"))
		snprintf(via, sizeof(via), "broadcast: next hop unresolved");
	else
		snprintf(via, sizeof(via), "--dst-mac");
	if (f->size)
		snprintf(size, sizeof(size), "%u", f->size);
	else
		snprintf(size, sizeof(size), "%s", f->sizes);
	snprintf(buf, len, "%s bytes %s, %s > %s (%s), %s:%s > %s:%s, %s%.0d",
		 size, f->proto, f->src_mac, f->dst_mac, via, f->src_ip,
		 f->src_port, f->dst_ip, f->dst_port,
		 f->vlan >= 0 ? "VLAN " : "no VLAN", f->vlan >= 0 ? f->vlan : 0);
}

void stats_print_summary(FILE *out, const struct stats_summary *s)
{
	fprintf(out,
		"summary: dev %s mode %s (%s), sent %llu, completed %llu, dropped %llu "
		"in %.3f s: %.0f pps, %.0f bit/s, tx_invalid_descs %llu, "
		"tx_ring_empty_descs %llu\n",
		s->dev, s->mode, s->mode_reason, (unsigned long long)s->c.sent,
		(unsigned long long)completed_sent(&s->c),
		(unsigned long long)s->c.dropped, s->seconds,
		per_sec(completed_sent(&s->c), s->seconds),
		per_sec(s->c.bytes * 8, s->seconds),
		(unsigned long long)s->k.tx_invalid_descs,
		(unsigned long long)s->k.tx_ring_empty_descs);
	if (s->frame) {
		char buf[512];

		frame_info_format(buf, sizeof(buf), s->frame);
		fprintf(out, "summary: frame %s\n", buf);
	}
	if (s->nsizes > 1) {
		unsigned int i;

		fputs("summary: sizes", out);
		for (i = 0; i < s->nsizes; i++)
			fprintf(out, "%s %u bytes x %llu (weight %u)", i ? "," : "",
				s->sizes[i].size,
				(unsigned long long)s->sizes[i].submitted,
				s->sizes[i].weight);
		fputc('\n', out);
	}
	if (s->replay)
		fprintf(out, "summary: replay %s: %u frames of %u..%u bytes, loop %u%s\n",
			s->replay->file, s->replay->frames, s->replay->min_len,
			s->replay->max_len, s->replay->loop,
			s->replay->loop ? "" : " (until stopped)");
	fflush(out);
}

void json_print_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', out);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void json_field(FILE *out, const char *name, const char *val)
{
	fprintf(out, ",\"%s\":", name);
	json_print_string(out, val);
}

static void json_frame(FILE *out, const struct frame_info *f)
{
	if (f->size)
		fprintf(out, ",\"frame\":{\"size\":%u", f->size);
	else
		fputs(",\"frame\":{\"size\":null", out);
	json_field(out, "proto", f->proto);
	if (f->vlan >= 0)
		fprintf(out, ",\"vlan\":%d", f->vlan);
	else
		fputs(",\"vlan\":null", out);
	json_field(out, "src_mac", f->src_mac);
	json_field(out, "dst_mac", f->dst_mac);
	json_field(out, "dst_mac_from", f->dst_mac_from);
	json_field(out, "next_hop", f->next_hop);
	json_field(out, "src_ip", f->src_ip);
	json_field(out, "dst_ip", f->dst_ip);
	json_field(out, "src_port", f->src_port);
	json_field(out, "dst_port", f->dst_port);
	fputc('}', out);
}

void stats_print_json(FILE *out, const struct stats_summary *s)
{
	unsigned int i;

	fputs("{\"dev\":", out);
	json_print_string(out, s->dev);
	fprintf(out, ",\"queue\":%u,\"queues\":[", s->nqueues ? s->queues[0] : 0);
	for (i = 0; i < s->nqueues; i++)
		fprintf(out, "%s%u", i ? "," : "", s->queues[i]);
	fputs("],\"mode\":", out);
	json_print_string(out, s->mode);
	fputs(",\"mode_reason\":", out);
	json_print_string(out, s->mode_reason);
	fprintf(out,
		",\"sent\":%llu,\"completed\":%llu,\"dropped\":%llu,\"submitted\":%llu,"
		"\"seconds\":%.6f,\"pps\":%.1f,"
		"\"bps\":%.1f,\"tx_invalid_descs\":%llu,\"tx_ring_empty_descs\":%llu,"
		"\"ring_full\":%llu,\"kicks\":%llu",
		(unsigned long long)s->c.sent,
		(unsigned long long)completed_sent(&s->c),
		(unsigned long long)s->c.dropped, (unsigned long long)s->c.submitted,
		s->seconds, per_sec(completed_sent(&s->c), s->seconds),
		per_sec(s->c.bytes * 8, s->seconds),
		(unsigned long long)s->k.tx_invalid_descs,
		(unsigned long long)s->k.tx_ring_empty_descs,
		(unsigned long long)s->c.ring_full, (unsigned long long)s->c.kicks);
	if (s->frame)
		json_frame(out, s->frame);
	if (s->nsizes) {
		fputs(",\"sizes\":[", out);
		for (i = 0; i < s->nsizes; i++)
			fprintf(out, "%s{\"size\":%u,\"weight\":%u,\"submitted\":%llu}",
				i ? "," : "", s->sizes[i].size, s->sizes[i].weight,
				(unsigned long long)s->sizes[i].submitted);
		fputc(']', out);
	}
	if (s->replay) {
		fputs(",\"replay\":{\"file\":", out);
		json_print_string(out, s->replay->file);
		fprintf(out, ",\"frames\":%u,\"min_len\":%u,\"max_len\":%u,\"loop\":%u}",
			s->replay->frames, s->replay->min_len, s->replay->max_len,
			s->replay->loop);
	}
	fputs("}\n", out);
	fflush(out);
}
