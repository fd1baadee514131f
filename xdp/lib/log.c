// SPDX-License-Identifier: GPL-2.0-only
/* Minimal leveled logging to a caller-provided stream. */
#include <stdarg.h>

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
