#define VOLT_ERR_DEFINE /* the functions themselves: no analyzer macros (err.h) */
#include "util/err.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "util/fs.h"

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

/* the store and run directories (volt_err_where_dirs), for a full disk */
static const char *where_dirs[2];

void volt_err_where_dirs(const char *root, const char *runroot)
{
	where_dirs[0] = root;
	where_dirs[1] = runroot;
}

/* full_where - which of volt's directories has the least room left, as
 * " (the disk is full: DIR has N free)"; "" when none can be read. */
static void full_where(char *buf, size_t len)
{
	const char *best = NULL;
	unsigned long long least = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(where_dirs) / sizeof(where_dirs[0]); i++) {
		struct statvfs sv;
		if (!where_dirs[i] || statvfs(where_dirs[i], &sv) < 0)
			continue;
		unsigned long long avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
		if (!best || avail < least) {
			best = where_dirs[i];
			least = avail;
		}
	}
	if (best) {
		char h[32];
		volt_human_size((long long)least, h, sizeof(h));
		snprintf(buf, len, " (the disk is full: %s has %s free)", best, h);
	}
}

void volt_err_format(const struct volt_err *err, char *buf, size_t len)
{
	char where[PATH_MAX + 64] = "";
	/* a full disk says where, whoever prints it (CLI, monitor, shim) */
	if (err->errnum == ENOSPC || err->errnum == EDQUOT)
		full_where(where, sizeof(where));
	if (err->errnum && !err->errno_said)
		snprintf(buf, len, "%s: %s%s", err->msg, strerror(err->errnum), where);
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
