#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"

int volt_mkdir_p(const char *path, mode_t mode, struct volt_err *err)
{
	/* the common case is one call: the parent exists */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return volt_err_sys(err, "mkdir %s", path);
	cleanup_free char *p = strdup(path);
	if (!p)
		return volt_err_set(err, ENOMEM, "mkdir %s", path);
	char *slash = strrchr(p, '/');
	while (slash && slash > p && slash[-1] == '/')
		slash--;
	if (!slash || slash == p)
		return volt_err_sys(err, "mkdir %s", path);
	*slash = '\0';
	if (volt_mkdir_p(p, mode, err) < 0)
		return -1;
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return volt_err_sys(err, "mkdir %s", path);
	return 0;
}

int volt_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode, struct volt_err *err)
{
	cleanup_free char *tmp = volt_path("%s.tmp-XXXXXX", path);
	cleanup_close int fd = mkostemp(tmp, O_CLOEXEC);
	const char *p = data;

	if (fd < 0)
		return volt_err_sys(err, "create %s", tmp);
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			volt_err_sys(err, "write %s", tmp);
			unlink(tmp);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) < 0 || rename(tmp, path) < 0) {
		volt_err_sys(err, "write %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int volt_read_file(const char *path, size_t max, char **out, size_t *len, struct volt_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	cleanup_free char *buf = NULL;
	size_t size = 0, cap = 0;

	if (fd < 0)
		return volt_err_sys(err, "open %s", path);
	for (;;) {
		if (size + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb)
				return volt_err_set(err, ENOMEM, "read %s", path);
			buf = nb;
		}
		ssize_t n = read(fd, buf + size, cap - size - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return volt_err_sys(err, "read %s", path);
		}
		if (n == 0)
			break;
		size += (size_t)n;
		if (size > max)
			return volt_err_set(err, EFBIG, "read %s: larger than %zu bytes", path, max);
	}
	buf[size] = '\0';
	if (len)
		*len = size;
	*out = steal_ptr(buf);
	return 0;
}

static int rm_children(int dfd, struct volt_err *err)
{
	cleanup_dir DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return volt_err_sys(err, "opendir");
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (volt_rm_rf_at(dirfd(d), de->d_name, err) < 0)
			return -1;
	}
	return 0;
}

int volt_rm_rf_at(int dirfd, const char *name, struct volt_err *err)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : volt_err_sys(err, "stat %s", name);
	if (S_ISDIR(st.st_mode)) {
		if ((st.st_mode & 0700) != 0700)
			fchmodat(dirfd, name, 0700, 0);
		int dfd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0)
			return errno == ENOENT ? 0 : volt_err_sys(err, "open %s", name);
		if (rm_children(dfd, err) < 0)
			return volt_err_prefix(err, "remove %s", name);
		if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			return volt_err_sys(err, "remove %s", name);
		return 0;
	}
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return volt_err_sys(err, "remove %s", name);
	return 0;
}

int volt_empty_dir_fd(int dfd, struct volt_err *err)
{
	int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return volt_err_sys(err, "dup");
	if (lseek(fd, 0, SEEK_SET) < 0) { /* a shared offset: read it from the start */
		close(fd);
		return volt_err_sys(err, "seek");
	}
	return rm_children(fd, err);
}

int volt_rm_rf(const char *path, struct volt_err *err)
{
	return volt_rm_rf_at(AT_FDCWD, path, err);
}

void volt_random_hex(char *out, size_t nbytes)
{
	unsigned char buf[64];
	static const char hex[] = "0123456789abcdef";

	if (nbytes > sizeof(buf))
		nbytes = sizeof(buf);
	if (getrandom(buf, nbytes, 0) != (ssize_t)nbytes) {
		/* getrandom cannot fail for <= 256 bytes once the pool is ready;
		 * fall back to time and pid mixing rather than returning zeros. */
		unsigned long long x = (unsigned long long)volt_now_ns() ^ ((unsigned long long)getpid() << 32);
		for (size_t i = 0; i < nbytes; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			buf[i] = (unsigned char)(x >> 56);
		}
	}
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[buf[i] >> 4];
		out[2 * i + 1] = hex[buf[i] & 15];
	}
	out[2 * nbytes] = '\0';
}

char *volt_path(const char *fmt, ...)
{
	char *s;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

long long volt_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void volt_format_time(long long ns, char *buf, size_t len)
{
	time_t s = (time_t)(ns / 1000000000LL);
	struct tm tm;
	char base[32];

	gmtime_r(&s, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09lldZ", base, ns % 1000000000LL);
}

/* digits - n decimal digits at *p into *v; advances *p */
static int digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

int volt_parse_time(const char *s, long long *ns)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	long long frac = 0;
	const char *p = s;

	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' || digits(&p, 2, &d) < 0 ||
	    (*p != 'T' && *p != 't' && *p != ' ') || !*p++ || digits(&p, 2, &h) < 0 || *p++ != ':' ||
	    digits(&p, 2, &mi) < 0 || *p++ != ':' || digits(&p, 2, &sec) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (*p == '.') {
		int n = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 9)
				frac = frac * 10 + (*p - '0');
		if (!n)
			return -1;
		for (; n < 9; n++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) < 0 || *p++ != ':' || digits(&p, 2, &om) < 0 || oh > 23 || om > 59)
			return -1;
		oh *= sign;
		om *= sign;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	long long t = (long long)timegm(&tm) - oh * 3600LL - om * 60LL;
	*ns = t * 1000000000LL + frac;
	return 0;
}

void volt_human_size(long long bytes, char *buf, size_t len)
{
	const char *units[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)bytes;
	int u = 0;
	while (v >= 1000.0 && u < 4) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%lldB", bytes);
	else
		snprintf(buf, len, "%.3g%s", v, units[u]);
}

void volt_human_ago(long long ns, char *buf, size_t len)
{
	/* docker's units.HumanDuration, word for word: scripts and eyes
	 * compare it with docker's */
	long long d = (volt_now_ns() - ns) / 1000000000LL, h = (d + 1800) / 3600;
	if (d < 1)
		snprintf(buf, len, "Less than a second ago");
	else if (d == 1)
		snprintf(buf, len, "1 second ago");
	else if (d < 60)
		snprintf(buf, len, "%lld seconds ago", d);
	else if (d / 60 == 1)
		snprintf(buf, len, "About a minute ago");
	else if (d < 3600)
		snprintf(buf, len, "%lld minutes ago", d / 60);
	else if (h == 1)
		snprintf(buf, len, "About an hour ago");
	else if (h < 48)
		snprintf(buf, len, "%lld hours ago", h);
	else if (h < 24 * 7 * 2)
		snprintf(buf, len, "%lld days ago", h / 24);
	else if (h < 24 * 30 * 2)
		snprintf(buf, len, "%lld weeks ago", h / 24 / 7);
	else if (h < 24 * 365 * 2)
		snprintf(buf, len, "%lld months ago", h / 24 / 30);
	else
		snprintf(buf, len, "%lld years ago", h / 24 / 365);
}

bool volt_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}
