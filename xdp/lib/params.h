/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_PARAMS_H
#define TXGEN_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Declarative command line options. Each entry names a field (by offset) in
 * a caller-owned configuration struct and its type; params_parse() converts
 * and validates every value in one place and params_usage() renders --help
 * from the same table.
 */
enum param_type {
	PARAM_FLAG,	/* bool, no argument */
	PARAM_COUNT,	/* uint32_t, incremented per occurrence (-v -v) */
	PARAM_U32,	/* uint32_t within [min, max] */
	PARAM_U64,	/* uint64_t within [min, max] */
	PARAM_STRING,	/* const char *, non-empty */
	PARAM_ENUM,	/* int, one of enum_vals */
	PARAM_MAC,	/* struct range over 48-bit MACs: "MAC" or "MAC-MAC" */
	PARAM_IP,	/* struct ip_range: "ADDR" or "ADDR-ADDR", v4 or v6 */
	PARAM_PORT,	/* struct range: "PORT" or "LO-HI" */
	PARAM_RATE,	/* struct rate_spec: pps or bit/s */
	PARAM_U32_LIST,	/* struct param_list: "N[,N...]", each within [min, max];
			 * or a name from enum_vals: n = 0, v[0] = its value */
};

#define PARAM_LIST_MAX 16

struct param_list {
	uint32_t n;			/* values given; 0: a name was given */
	uint32_t v[PARAM_LIST_MAX];
};

struct param_enum {
	const char *name;
	int value;
};

struct param_def {
	const char *name;		/* long name without "--" */
	char short_name;		/* 0 if none */
	enum param_type type;
	size_t offset;			/* offsetof(config, field) */
	uint64_t min, max;		/* numeric bounds (U32/U64) */
	const struct param_enum *enum_vals; /* NULL-name terminated */
	const char *metavar;		/* shown in --help */
	const char *help;
};

#define PARAM_ERR_LEN 256

enum params_result {
	PARAMS_OK = 0,
	PARAMS_HELP = 1,	/* --help seen: caller prints usage, exits 0 */
	PARAMS_ERROR = -1,	/* err holds one line describing the problem */
};

/*
 * Parse argv[1..argc-1] into cfg. seen (may be NULL) receives, per table
 * entry, whether the option was given. Positional arguments are rejected.
 */
enum params_result params_parse(const struct param_def *defs, size_t ndefs,
				int argc, char *const argv[], void *cfg,
				bool *seen, char *err, size_t errlen);

void params_usage(const struct param_def *defs, size_t ndefs, FILE *out,
		  const char *prog, const char *summary);

const char *params_enum_name(const struct param_enum *vals, int value);

/*
 * s as an error message shows it: control characters as \xNN, so that the
 * message stays one line and cannot drive the terminal. Cut to fit buf;
 * returns buf.
 */
const char *params_shown(const char *s, char *buf, size_t len);

#endif
