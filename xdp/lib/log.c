// SPDX-License-Identifier: GPL-2.0
/* Minimal leveled logging to a caller-provided stream. */
#include <stdarg.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "log.h"

static const char *const level_tag[] = {
	[LOG_ERR] = "error: ",
	[LOG_WARN] = "warning: ",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "debug: ",
};

void log_msg(const struct logger *lg, enum log_level lvl, const char *fmt, ...)
{
	FILE *out = (lg && lg->out) ? lg->out : stderr;
	int level = lg ? lg->level : LOG_WARN;
	va_list ap;

	if ((int)lvl > level)
		return;
	fprintf(out, "%s: %s", (lg && lg->prog) ? lg->prog : "txgen",
		level_tag[lvl]);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

static const struct logger *lib_logger;

static int lib_print(const char *lib, int need, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	if (!lib_logger || lib_logger->level < need)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_msg(lib_logger, LOG_DEBUG, "%s: %s", lib, buf);
	return 0;
}

static int libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	return lib_print("libbpf", lvl == LIBBPF_DEBUG ? LOG_DEBUG + 1 : LOG_DEBUG,
			 fmt, ap);
}

static int libxdp_print(enum libxdp_print_level lvl, const char *fmt, va_list ap)
{
	return lib_print("libxdp", lvl == LIBXDP_DEBUG ? LOG_DEBUG + 1 : LOG_DEBUG,
			 fmt, ap);
}

void log_route_libs(const struct logger *lg)
{
	lib_logger = lg;
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}
