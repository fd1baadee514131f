/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TXGEN_LOG_H
#define TXGEN_LOG_H

#include <stdio.h>

enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* A logger is a plain value owned by the caller: no hidden global state. */
struct logger {
	const char *prog;	/* prefix, e.g. "txgen" */
	FILE *out;		/* NULL means stderr */
	int level;		/* messages above this level are dropped */
};

void log_msg(const struct logger *lg, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Route libbpf's and libxdp's own messages through lg (which must outlive
 * their use): shown as "debug: libxdp: ..." with -v, their debug messages
 * with -vv, so that a failure stays one "error:" line, the caller's. The
 * libraries' callbacks take no context: this is the one place that keeps
 * a logger in a static.
 */
void log_route_libs(const struct logger *lg);

#define log_err(lg, ...)   log_msg((lg), LOG_ERR, __VA_ARGS__)
#define log_warn(lg, ...)  log_msg((lg), LOG_WARN, __VA_ARGS__)
#define log_info(lg, ...)  log_msg((lg), LOG_INFO, __VA_ARGS__)
#define log_debug(lg, ...) log_msg((lg), LOG_DEBUG, __VA_ARGS__)

#endif
