#include "vm/qmp.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/unixsock.h"

struct qmp {
	int fd;
	char buf[8192];
	size_t len;
	long long deadline;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* next_reply - the next message that is not an event: QEMU sends events
 * ({"event": ...}) between replies whenever it likes */
static json_t *next_reply(struct qmp *q, struct volt_err *err)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);
		if (nl) {
			*nl = '\0';
			json_error_t je;
			json_t *m = json_loads(q->buf, 0, &je);
			size_t used = (size_t)(nl - q->buf) + 1;
			memmove(q->buf, q->buf + used, q->len - used);
			q->len -= used;
			if (!m) {
				volt_err_set(err, EPROTO, "QMP: not JSON (%s)", je.text);
				return NULL;
			}
			if (json_object_get(m, "event")) {
				json_decref(m);
				continue;
			}
			return m;
		}
		if (q->len == sizeof(q->buf)) {
			volt_err_set(err, EPROTO, "QMP: a message longer than %zu bytes", sizeof(q->buf));
			return NULL;
		}
		long long left = q->deadline - now_ms();
		struct pollfd p = {.fd = q->fd, .events = POLLIN};
		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			volt_err_set(err, ETIMEDOUT, "QMP: no answer");
			return NULL;
		}
		ssize_t n = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			volt_err_sys(err, "QMP: read");
			if (n == 0)
				volt_err_set(err, ECONNRESET, "QMP: QEMU closed the connection");
			return NULL;
		}
		q->len += (size_t)n;
	}
}

static int execute(struct qmp *q, const char *command, struct volt_err *err)
{
	cleanup_free char *line = volt_path("{\"execute\":\"%s\"}\n", command);
	if (!volt_write_all(q->fd, line, strlen(line)))
		return volt_err_sys(err, "QMP: send %s", command);
	json_auto_t *r = next_reply(q, err);
	if (!r)
		return -1;
	json_t *e = json_object_get(r, "error");
	if (e)
		return volt_err_set(err, 0, "QMP: %s: %s", command,
				    json_string_value(json_object_get(e, "desc")) ?: "refused");
	if (!json_object_get(r, "return"))
		return volt_err_set(err, EPROTO, "QMP: %s: an answer without a return", command);
	return 0;
}

int volt_qmp_execute(const char *path, const char *command, int timeout_ms, struct volt_err *err)
{
	struct qmp q = {.deadline = now_ms() + timeout_ms};
	q.fd = volt_unix_connect(path, err);
	if (q.fd < 0)
		return volt_err_prefix(err, "QMP");
	int r = -1;
	json_t *greeting = next_reply(&q, err); /* {"QMP": {...}} */
	if (greeting && !json_object_get(greeting, "QMP"))
		volt_err_set(err, EPROTO, "QMP: no greeting");
	else if (greeting)
		r = execute(&q, "qmp_capabilities", err) < 0 || execute(&q, command, err) < 0 ? -1 : 0;
	json_decref(greeting);
	close(q.fd);
	return r;
}
