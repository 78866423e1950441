#include "container/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/size.h"

int volt_log_open(struct volt_log *log, const char *path, long long max_size, int max_files, struct volt_err *err)
{
	memset(log, 0, sizeof(*log));
	log->fd = -1;
	log->out.name = "stdout";
	log->err.name = "stderr";
	log->max_size = max_size > 0 ? max_size : 0;
	log->max_files = max_files > 0 ? max_files : 1;
	log->path = strdup(path);
	if (!log->path)
		return volt_err_set(err, ENOMEM, "open log %s", path);
	return 0;
}

/* log_file - the log's fd, the file opened (and created) on the first record.
 * A container that prints nothing (`volt run --rm IMAGE true`) then never
 * creates its log: a new inode is the dearest file system operation of a
 * short run, and `volt logs` reads a missing log as an empty one.
 * Returns the fd, or -1 (the record is lost, as on a full disk). */
static int log_file(struct volt_log *log)
{
	struct stat st;

	if (log->fd >= 0 || !log->path)
		return log->fd;
	log->fd = open(log->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log->fd >= 0 && fstat(log->fd, &st) == 0)
		log->size = st.st_size;
	return log->fd;
}

/* rotate - path.(n-2) -> path.(n-1), ..., path -> path.1, and a new path.
 * With one file, the current one starts over. A reader following the log
 * (volt logs -f) notices the new inode and goes on with it. */
static void rotate(struct volt_log *log)
{
	if (log->max_files <= 1) {
		if (ftruncate(log->fd, 0) == 0)
			log->size = 0;
		return;
	}
	for (int i = log->max_files - 1; i >= 1; i--) {
		cleanup_free char *from = i == 1 ? strdup(log->path) : volt_path("%s.%d", log->path, i - 1);
		cleanup_free char *to = volt_path("%s.%d", log->path, i);
		if (rename(from, to) < 0 && errno != ENOENT)
			return; /* keep writing where we are */
	}
	int fd = open(log->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	close(log->fd);
	log->fd = fd;
	log->size = 0;
}

static void emit(struct volt_log *log, struct volt_log_stream *s, const char *data, size_t len, char kind)
{
	char head[80];
	volt_format_time(volt_now_ns(), head, 48);
	size_t hl = strlen(head);
	hl += (size_t)snprintf(head + hl, sizeof(head) - hl, " %s %c ", s->name, kind);
	struct iovec iov[3] = {{head, hl}, {(void *)data, len}, {"\n", 1}};
	int fd = log_file(log);
	ssize_t n = fd >= 0 ? writev(fd, iov, 3) : -1;
	if (n < 0) {
		/* a full disk must not stop the container: the log loses lines */
		return;
	}
	log->size += n;
	if (log->max_size && log->size >= log->max_size)
		rotate(log);
}

void volt_log_write(struct volt_log *log, struct volt_log_stream *s, const char *data, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t take = nl ? (size_t)(nl - data) : len;
		if (s->len + take >= sizeof(s->buf)) {
			/* longer than a line may be: emit what fits as a partial line */
			size_t room = sizeof(s->buf) - s->len;
			memcpy(s->buf + s->len, data, room);
			emit(log, s, s->buf, sizeof(s->buf), 'P');
			s->len = 0;
			data += room;
			len -= room;
			continue;
		}
		memcpy(s->buf + s->len, data, take);
		s->len += take;
		if (!nl)
			return;
		emit(log, s, s->buf, s->len, 'F');
		s->len = 0;
		data += take + 1;
		len -= take + 1;
	}
}

void volt_log_flush(struct volt_log *log)
{
	if (log->out.len)
		emit(log, &log->out, log->out.buf, log->out.len, 'P');
	if (log->err.len)
		emit(log, &log->err, log->err.buf, log->err.len, 'P');
	log->out.len = log->err.len = 0;
}

void volt_log_close(struct volt_log *log)
{
	volt_log_flush(log);
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
	free(log->path);
	log->path = NULL;
}

int volt_log_opt(const char *opt, long long *max_size, int *max_files, struct volt_err *err)
{
	const char *eq = strchr(opt, '=');
	char *end;

	if (!eq || eq == opt || !eq[1])
		return volt_err_set(err, EINVAL, "--log-opt %s: expected KEY=VALUE", opt);
	if (!strncmp(opt, "max-size=", 9)) {
		int64_t v;
		if (volt_size_parse(eq + 1, &v, err) < 0)
			return volt_err_prefix(err, "--log-opt %s", opt);
		*max_size = v == INT64_MAX ? 0 : v; /* -1 / max: no limit */
		if (*max_size && *max_size < 4096)
			return volt_err_set(err, EINVAL, "--log-opt %s: at least 4k", opt);
		return 0;
	}
	if (!strncmp(opt, "max-file=", 9)) {
		long v = strtol(eq + 1, &end, 10);
		if (*end || v < 1 || v > 100)
			return volt_err_set(err, EINVAL, "--log-opt %s: a number of files from 1 to 100", opt);
		*max_files = (int)v;
		return 0;
	}
	return volt_err_set(err, EINVAL, "--log-opt %s: unknown option (known: max-size, max-file)", opt);
}

int volt_log_parse_line(const char *line, size_t len, struct volt_log_record *r)
{
	const char *end = line + len;
	const char *sp1 = memchr(line, ' ', len), *sp2, *sp3;
	if (!sp1)
		return -1;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	if (!sp2)
		return -1;
	sp3 = memchr(sp2 + 1, ' ', (size_t)(end - sp2 - 1));
	if (!sp3 || sp3 != sp2 + 2)
		return -1;
	r->time = line;
	r->time_len = (size_t)(sp1 - line);
	if ((size_t)(sp2 - sp1 - 1) == 6 && !memcmp(sp1 + 1, "stdout", 6))
		r->is_stderr = false;
	else if ((size_t)(sp2 - sp1 - 1) == 6 && !memcmp(sp1 + 1, "stderr", 6))
		r->is_stderr = true;
	else
		return -1;
	if (sp2[1] != 'F' && sp2[1] != 'P')
		return -1;
	r->partial = sp2[1] == 'P';
	r->msg = sp3 + 1;
	r->msg_len = (size_t)(end - sp3 - 1);
	return 0;
}

static void print_record(const struct volt_log_record *r, bool timestamps)
{
	int fd = r->is_stderr ? STDERR_FILENO : STDOUT_FILENO;
	struct iovec iov[4];
	int n = 0;
	if (timestamps) {
		iov[n++] = (struct iovec){(void *)r->time, r->time_len};
		iov[n++] = (struct iovec){" ", 1};
	}
	iov[n++] = (struct iovec){(void *)r->msg, r->msg_len};
	if (!r->partial)
		iov[n++] = (struct iovec){"\n", 1};
	if (writev(fd, iov, n) < 0) {
		/* reader went away (a closed pipe): nothing more to do */
	}
}

/* in_range - the record's time within --since/--until */
static bool in_range(const struct volt_log_record *r, const struct volt_logs_opts *o)
{
	char t[64];
	long long ns;
	if (!o->since && !o->until)
		return true;
	if (r->time_len >= sizeof(t))
		return false;
	memcpy(t, r->time, r->time_len);
	t[r->time_len] = '\0';
	if (volt_parse_time(t, &ns) < 0)
		return false;
	return (!o->since || ns >= o->since) && (!o->until || ns <= o->until);
}

/* print complete lines of buf[0..len); returns bytes consumed */
static size_t print_lines(const char *buf, size_t len, const struct volt_logs_opts *o)
{
	size_t off = 0;
	for (;;) {
		const char *nl = memchr(buf + off, '\n', len - off);
		if (!nl)
			return off;
		struct volt_log_record r;
		if (volt_log_parse_line(buf + off, (size_t)(nl - buf - off), &r) == 0 && in_range(&r, o))
			print_record(&r, o->timestamps);
		off = (size_t)(nl - buf) + 1;
	}
}

/* read_rotated - the rotated files path.N .. path.1, oldest first, appended
 * to *all (they end in whole lines: rotation happens between records). */
static int read_rotated(const char *path, char **all, size_t *len, struct volt_err *err)
{
	int last = 0;
	for (int i = 1; i <= 100; i++) {
		cleanup_free char *p = volt_path("%s.%d", path, i);
		if (access(p, F_OK) < 0)
			break;
		last = i;
	}
	for (int i = last; i >= 1; i--) {
		cleanup_free char *p = volt_path("%s.%d", path, i), *text = NULL;
		size_t n = 0;
		if (volt_read_file(p, 1UL << 34, &text, &n, err) < 0) {
			if (err->errnum == ENOENT) /* rotated away meanwhile */
				continue;
			return -1;
		}
		char *grown = realloc(*all, *len + n + 1);
		if (!grown)
			return volt_err_set(err, ENOMEM, "read %s", p);
		memcpy(grown + *len, text, n);
		*all = grown;
		*len += n;
		(*all)[*len] = '\0';
	}
	return 0;
}

int volt_logs_print(const char *path, const struct volt_logs_opts *o, int (*still_running)(void *), void *arg,
		    struct volt_err *err)
{
	cleanup_free char *all = strdup(""), *cur = NULL;
	size_t len = 0, cur_len = 0, start = 0;
	cleanup_close int fd = -1;
	struct stat st_path, st_fd;

	if (read_rotated(path, &all, &len, err) < 0)
		return -1;
	if (volt_read_file(path, 1UL << 34, &cur, &cur_len, err) < 0) {
		if (err->errnum != ENOENT)
			return -1;
		cur_len = 0;
	}
	if (cur_len) {
		char *grown = realloc(all, len + cur_len + 1);
		if (!grown)
			return volt_err_set(err, ENOMEM, "read %s", path);
		memcpy(grown + len, cur, cur_len);
		all = grown;
		len += cur_len;
		all[len] = '\0';
	}
	/* only complete lines are printed now; a torn last line waits for -f */
	size_t complete = len;
	while (complete > 0 && all[complete - 1] != '\n')
		complete--;
	if (o->tail >= 0) {
		/* walk back over `tail` complete lines */
		size_t i = complete;
		start = complete;
		for (long count = 0; count < o->tail && i > 0; count++) {
			size_t j = i - 1; /* the '\n' ending this line */
			while (j > 0 && all[j - 1] != '\n')
				j--;
			start = i = j;
		}
	}
	print_lines(all + start, complete - start, o);
	if (!o->follow)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		return volt_err_sys(err, "open %s", path);
	off_t pos = (off_t)(complete - (len - cur_len)); /* where we are in the current file */
	if (fd >= 0)
		lseek(fd, pos, SEEK_SET);
	char buf[65536];
	size_t have = 0;
	for (;;) {
		ssize_t n = fd >= 0 ? read(fd, buf + have, sizeof(buf) - have) : 0;
		if (n > 0) {
			pos += n;
			have += (size_t)n;
			size_t used = print_lines(buf, have, o);
			memmove(buf, buf + used, have - used);
			have -= used;
			if (have == sizeof(buf))
				have = 0; /* a line longer than the buffer cannot be a log line */
			continue;
		}
		/* rotated (a new file at path) or started over (shorter than pos):
		 * go on from the start of what is there now */
		if (stat(path, &st_path) == 0 &&
		    (fd < 0 || fstat(fd, &st_fd) < 0 || st_fd.st_ino != st_path.st_ino || st_path.st_size < pos)) {
			if (fd >= 0)
				close(fd);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			pos = 0;
			have = 0;
			if (fd >= 0)
				continue;
		}
		if (!still_running || !still_running(arg)) {
			/* one last read: the monitor may have written before leaving */
			n = fd >= 0 ? read(fd, buf + have, sizeof(buf) - have) : 0;
			if (n > 0) {
				have += (size_t)n;
				print_lines(buf, have, o);
			}
			return 0;
		}
		struct timespec ts = {0, 50 * 1000000};
		nanosleep(&ts, NULL);
	}
}
