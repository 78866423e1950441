#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 0))) static void vset(struct volt_err *err, int errnum, const char *fmt, va_list ap)
{
	if (!err)
		return;
	err->errnum = errnum;
	err->errno_said = 0;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int volt_err_set(struct volt_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int volt_err_said(struct volt_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, errnum, fmt, ap);
	va_end(ap);
	if (err)
		err->errno_said = 1;
	return -1;
}

int volt_err_sys(struct volt_err *err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	vset(err, saved, fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

int volt_err_prefix(struct volt_err *err, const char *fmt, ...)
{
	char prefix[VOLT_ERR_MSG_MAX], old[VOLT_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	size_t pl = strnlen(prefix, sizeof(err->msg) - 1);
	memcpy(err->msg, prefix, pl);
	size_t o = pl;
	if (o + 2 < sizeof(err->msg)) {
		err->msg[o++] = ':';
		err->msg[o++] = ' ';
	}
	size_t ol = strnlen(old, sizeof(err->msg) - 1 - o);
	memcpy(err->msg + o, old, ol);
	err->msg[o + ol] = '\0';
	return -1;
}

void volt_err_format(const struct volt_err *err, char *buf, size_t len)
{
	if (err->errnum && !err->errno_said)
		snprintf(buf, len, "%s: %s", err->msg, strerror(err->errnum));
	else
		snprintf(buf, len, "%s", err->msg);
}

void volt_warn(const char *fmt, ...)
{
	va_list ap;
	fputs("volt: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
