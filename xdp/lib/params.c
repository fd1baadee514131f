// SPDX-License-Identifier: GPL-2.0
/* Table-driven option parsing, validation and --help generation. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "range.h"
#include "rate.h"

static const struct param_def *find_long(const struct param_def *defs,
					 size_t n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(defs[i].name) == len && !strncmp(defs[i].name, name, len))
			return &defs[i];
	return NULL;
}

static const struct param_def *find_short(const struct param_def *defs,
					  size_t n, char c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (defs[i].short_name && defs[i].short_name == c)
			return &defs[i];
	return NULL;
}

static bool takes_arg(const struct param_def *d)
{
	return d->type != PARAM_FLAG && d->type != PARAM_COUNT;
}

const char *params_enum_name(const struct param_enum *vals, int value)
{
	for (; vals && vals->name; vals++)
		if (vals->value == value)
			return vals->name;
	return "?";
}

static int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull() would skip white space and take a sign. */
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

const char *params_shown(const char *s, char *buf, size_t len)
{
	size_t used = 0;

	for (; *s && used + 5 <= len; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			used += (size_t)snprintf(buf + used, len - used, "\\x%02x",
						 (unsigned char)*s);
		else
			buf[used++] = *s;
	}
	buf[used] = '\0';
	return buf;
}

static void enum_list(const struct param_enum *vals, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; vals && vals->name && used < len; vals++) {
		int n = snprintf(buf + used, len - used, "%s%s",
				 used ? "|" : "", vals->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static int convert_list(const struct param_def *d, const char *val,
			struct param_list *l, char *err, size_t errlen)
{
	const struct param_enum *e;
	char sv[PARAM_ERR_LEN], num[24];
	const char *p = val, *comma;
	uint64_t v;
	size_t len;
	int ret;

	for (e = d->enum_vals; e && e->name; e++) {
		if (!strcmp(e->name, val)) {
			l->n = 0;
			l->v[0] = (uint32_t)e->value;
			return 0;
		}
	}
	l->n = 0;
	for (;;) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (l->n == PARAM_LIST_MAX) {
			snprintf(err, errlen, "--%s %s: more than %u values",
				 d->name, params_shown(val, sv, sizeof(sv)), PARAM_LIST_MAX);
			return -1;
		}
		ret = -EINVAL;
		if (len && len < sizeof(num)) {
			memcpy(num, p, len);
			num[len] = '\0';
			ret = parse_uint(num, d->min, d->max, &v);
		}
		if (ret == -ERANGE) {
			snprintf(err, errlen,
				 "--%s %s: %s is out of range (allowed %llu..%llu)",
				 d->name, params_shown(val, sv, sizeof(sv)), num,
				 (unsigned long long)d->min, (unsigned long long)d->max);
			return -1;
		}
		if (ret) {
			snprintf(err, errlen, "--%s: '%s' is not a number%s",
				 d->name, params_shown(val, sv, sizeof(sv)),
				 d->enum_vals ? ", a comma-separated list of numbers or a name" :
				 " or a comma-separated list of numbers");
			return -1;
		}
		l->v[l->n++] = (uint32_t)v;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static int convert(const struct param_def *d, const char *val, void *cfg,
		   char *err, size_t errlen)
{
	char *field = (char *)cfg + d->offset;
	const struct param_enum *e;
	char names[128], sv[PARAM_ERR_LEN];
	uint64_t v;
	int ret;

	if (!val)
		val = "";	/* only flags come without a value */
	switch (d->type) {
	case PARAM_FLAG:
		*(bool *)field = true;
		return 0;
	case PARAM_COUNT:
		(*(uint32_t *)field)++;
		return 0;
	case PARAM_U32:
	case PARAM_U64:
		ret = parse_uint(val, d->min, d->max, &v);
		if (ret == -ERANGE) {
			snprintf(err, errlen,
				 "--%s %s is out of range (allowed %llu..%llu)",
				 d->name, params_shown(val, sv, sizeof(sv)),
				 (unsigned long long)d->min,
				 (unsigned long long)d->max);
			return -1;
		}
		if (ret) {
			snprintf(err, errlen, "--%s: '%s' is not a number",
				 d->name, params_shown(val, sv, sizeof(sv)));
			return -1;
		}
		if (d->type == PARAM_U32)
			*(uint32_t *)field = (uint32_t)v;
		else
			*(uint64_t *)field = v;
		return 0;
	case PARAM_STRING:
		if (!*val) {
			snprintf(err, errlen, "--%s: empty value", d->name);
			return -1;
		}
		*(const char **)field = val;
		return 0;
	case PARAM_ENUM:
		for (e = d->enum_vals; e && e->name; e++) {
			if (!strcmp(e->name, val)) {
				*(int *)field = e->value;
				return 0;
			}
		}
		enum_list(d->enum_vals, names, sizeof(names));
		snprintf(err, errlen, "--%s: '%s' is not one of %s", d->name,
			 params_shown(val, sv, sizeof(sv)), names);
		return -1;
	case PARAM_MAC:
		if (range_parse_mac(val, (struct range *)field)) {
			snprintf(err, errlen,
				 "--%s: malformed MAC address or range '%s' "
				 "(expected xx:xx:xx:xx:xx:xx[-xx:xx:xx:xx:xx:xx])",
				 d->name, params_shown(val, sv, sizeof(sv)));
			return -1;
		}
		return 0;
	case PARAM_IP:
		if (range_parse_ip(val, (struct ip_range *)field)) {
			snprintf(err, errlen,
				 "--%s: malformed IP address or range '%s' "
				 "(expected ADDR or LOW-HIGH, same family, LOW <= HIGH)",
				 d->name, params_shown(val, sv, sizeof(sv)));
			return -1;
		}
		return 0;
	case PARAM_PORT:
		if (range_parse_u16(val, (struct range *)field)) {
			snprintf(err, errlen,
				 "--%s: malformed port or range '%s' "
				 "(expected 0..65535 or LOW-HIGH)", d->name,
				 params_shown(val, sv, sizeof(sv)));
			return -1;
		}
		return 0;
	case PARAM_RATE:
		if (rate_parse(val, (struct rate_spec *)field)) {
			snprintf(err, errlen,
				 "--%s: invalid rate '%s' (expected a positive "
				 "rate such as 100kpps, 1Mpps or 100Mbit)",
				 d->name, params_shown(val, sv, sizeof(sv)));
			return -1;
		}
		return 0;
	case PARAM_U32_LIST:
		return convert_list(d, val, (struct param_list *)field, err, errlen);
	}
	snprintf(err, errlen, "--%s: internal error: unknown type", d->name);
	return -1;
}

enum params_result params_parse(const struct param_def *defs, size_t ndefs,
				int argc, char *const argv[], void *cfg,
				bool *seen, char *err, size_t errlen)
{
	const struct param_def *d;
	const char *arg, *val, *eq;
	char sv[PARAM_ERR_LEN];
	int i;

	if (seen)
		memset(seen, 0, ndefs * sizeof(*seen));
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		val = NULL;
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return PARAMS_HELP;
		if (!strncmp(arg, "--", 2) && arg[2]) {
			eq = strchr(arg + 2, '=');
			d = find_long(defs, ndefs, arg + 2,
				      eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
			if (eq)
				val = eq + 1;
		} else if (arg[0] == '-' && arg[1] && !arg[2]) {
			d = find_short(defs, ndefs, arg[1]);
		} else if (arg[0] == '-' && arg[1] && arg[1] != '-') {
			/* Bundled short flags like -vv */
			const char *c;

			for (c = arg + 1; *c; c++) {
				d = find_short(defs, ndefs, *c);
				if (!d || takes_arg(d)) {
					snprintf(err, errlen, "unknown option '%s'",
						 params_shown(arg, sv, sizeof(sv)));
					return PARAMS_ERROR;
				}
				if (convert(d, NULL, cfg, err, errlen))
					return PARAMS_ERROR;
				if (seen)
					seen[d - defs] = true;
			}
			continue;
		} else {
			snprintf(err, errlen, "unexpected argument '%s'",
				 params_shown(arg, sv, sizeof(sv)));
			return PARAMS_ERROR;
		}
		if (!d) {
			snprintf(err, errlen, "unknown option '%s' (see --help)",
				 params_shown(arg, sv, sizeof(sv)));
			return PARAMS_ERROR;
		}
		if (takes_arg(d) && !val) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "option --%s needs a value (%s)",
					 d->name, d->metavar ? d->metavar : "VALUE");
				return PARAMS_ERROR;
			}
			val = argv[++i];
		} else if (!takes_arg(d) && val) {
			snprintf(err, errlen, "option --%s takes no value", d->name);
			return PARAMS_ERROR;
		}
		if (convert(d, val, cfg, err, errlen))
			return PARAMS_ERROR;
		if (seen)
			seen[d - defs] = true;
	}
	return PARAMS_OK;
}

void params_usage(const struct param_def *defs, size_t ndefs, FILE *out,
		  const char *prog, const char *summary)
{
	char names[128];
	size_t i;
	int w;

	fprintf(out, "Usage: %s [OPTIONS]\n%s\n\nOptions:\n", prog, summary);
	for (i = 0; i < ndefs; i++) {
		const struct param_def *d = &defs[i];
		const char *mv = d->metavar;

		if (d->type == PARAM_ENUM && !mv) {
			enum_list(d->enum_vals, names, sizeof(names));
			mv = names;
		}
		if (d->short_name)
			w = fprintf(out, "  -%c, --%s", d->short_name, d->name);
		else
			w = fprintf(out, "      --%s", d->name);
		if (takes_arg(d))
			w += fprintf(out, " %s", mv ? mv : "VALUE");
		fprintf(out, "%*s %s", w < 36 ? 36 - w : 1, "", d->help);
		if (d->type == PARAM_U32 || d->type == PARAM_U64)
			fprintf(out, " [%llu..%llu]", (unsigned long long)d->min,
				(unsigned long long)d->max);
		if (d->type == PARAM_U32_LIST)
			fprintf(out, " [each %llu..%llu, at most %u]",
				(unsigned long long)d->min,
				(unsigned long long)d->max, PARAM_LIST_MAX);
		fputc('\n', out);
	}
	fprintf(out, "  %-34s %s\n", "-h, --help", "show this help and exit");
}
