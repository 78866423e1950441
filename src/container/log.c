#include "container/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

int volt_log_open(struct volt_log *log, const char *path, struct volt_err *err)
{
	memset(log, 0, sizeof(*log));
	log->out.name = "stdout";
	log->err.name = "stderr";
	log->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log->fd < 0)
		return volt_err_sys(err, "open log %s", path);
	return 0;
}

static void emit(struct volt_log *log, struct volt_log_stream *s, const char *data, size_t len, char kind)
{
	char head[80];
	volt_format_time(volt_now_ns(), head, 48);
	size_t hl = strlen(head);
	hl += (size_t)snprintf(head + hl, sizeof(head) - hl, " %s %c ", s->name, kind);
	struct iovec iov[3] = {{head, hl}, {(void *)data, len}, {"\n", 1}};
	if (writev(log->fd, iov, 3) < 0) {
		/* a full disk must not stop the container: the log loses lines */
	}
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

/* print complete lines of buf[0..len); returns bytes consumed */
static size_t print_lines(const char *buf, size_t len, bool timestamps)
{
	size_t off = 0;
	for (;;) {
		const char *nl = memchr(buf + off, '\n', len - off);
		if (!nl)
			return off;
		struct volt_log_record r;
		if (volt_log_parse_line(buf + off, (size_t)(nl - buf - off), &r) == 0)
			print_record(&r, timestamps);
		off = (size_t)(nl - buf) + 1;
	}
}

int volt_logs_print(const char *path, const struct volt_logs_opts *o, int (*still_running)(void *),
		    void *arg, struct volt_err *err)
{
	cleanup_free char *all = NULL;
	size_t len = 0, start = 0;
	cleanup_close int fd = -1;

	if (volt_read_file(path, 1UL << 34, &all, &len, err) < 0) {
		if (err->errnum != ENOENT)
			return -1;
		all = strdup("");
		len = 0;
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
	print_lines(all + start, complete - start, o->timestamps);
	if (!o->follow)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return volt_err_sys(err, "open %s", path);
	lseek(fd, (off_t)complete, SEEK_SET);
	char buf[65536];
	size_t have = 0;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		if (n > 0) {
			have += (size_t)n;
			size_t used = print_lines(buf, have, o->timestamps);
			memmove(buf, buf + used, have - used);
			have -= used;
			if (have == sizeof(buf))
				have = 0; /* a line longer than the buffer cannot be a log line */
			continue;
		}
		if (!still_running || !still_running(arg)) {
			/* one last read: the monitor may have written before leaving */
			n = read(fd, buf + have, sizeof(buf) - have);
			if (n > 0) {
				have += (size_t)n;
				print_lines(buf, have, o->timestamps);
			}
			return 0;
		}
		struct timespec ts = {0, 50 * 1000000};
		nanosleep(&ts, NULL);
	}
}
