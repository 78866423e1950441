/* `volt attach`'s server: a detached monitor listens on attach.sock in the
 * container's run directory and fans the container's output out to every
 * client connected, from the moment it connects (the old output is the
 * log's, `volt logs`), and feeds their input to the container's stdin.
 *
 * The socket is made before the monitor confines itself (confine.c allows
 * accept4 and the socket's reads and writes, not socket()). The monitor
 * never waits for a client: output goes out non-blocking, what a client has
 * not read yet is buffered up to ATTACH_BUF_MAX, and a client further behind
 * is dropped, so a stopped or killed client costs the log and the container
 * nothing. Frames are attach.h's: an 8-byte header, then the payload. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "workload/attach.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/unixsock.h"

#define ATTACH_BUF_MAX (1u << 20) /* per client: what it may fall behind */

void volt_attach_init(struct volt_attach *a)
{
	memset(a, 0, sizeof(*a));
	a->listen = a->listen_idx = a->stdin_fd = a->pty = -1;
	for (int i = 0; i < VOLT_ATTACH_CLIENTS; i++)
		a->cl[i].fd = a->cl[i].idx = -1;
}

/* sock_path - in the container's own directory, which every container
 * has: a run directory per start would cost every start a mkdir and a
 * removal (startfs.bats: a running container has none) */
static char *sock_path(struct volt_ctx *ctx, const char *id, char **run)
{
	*run = volt_ctx_ctr_dir(ctx, id);
	return *run ? volt_path("%s/attach.sock", *run) : NULL;
}

int volt_attach_listen(struct volt_attach *a, struct volt_ctx *ctx, const char *id, struct volt_err *err)
{
	a->path = sock_path(ctx, id, &a->run);
	if (!a->path)
		return volt_err_set(err, ENOMEM, "attach socket");
	unlink(a->path); /* one a killed monitor left */
	a->listen = volt_unix_listen(a->path, 8, err);
	return a->listen < 0 ? volt_err_prefix(err, "attach socket") : 0;
}

int volt_attach_connect(struct volt_ctx *ctx, const char *id, struct volt_err *err)
{
	cleanup_free char *run = NULL;
	cleanup_free char *path = sock_path(ctx, id, &run);
	if (!path)
		return volt_err_set(err, ENOMEM, "attach socket");
	return volt_unix_connect(path, err);
}

size_t volt_attach_frame(unsigned char *buf, int type, const void *payload, size_t n)
{
	buf[0] = (unsigned char)type;
	buf[1] = buf[2] = buf[3] = 0;
	buf[4] = (unsigned char)(n >> 24);
	buf[5] = (unsigned char)(n >> 16);
	buf[6] = (unsigned char)(n >> 8);
	buf[7] = (unsigned char)n;
	if (n)
		memcpy(buf + VOLT_ATTACH_HDR, payload, n);
	return VOLT_ATTACH_HDR + n;
}

void volt_attach_parse(const unsigned char *buf, int *type, uint32_t *len)
{
	*type = buf[0];
	*len = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 | (uint32_t)buf[6] << 8 | buf[7];
}

static void drop(struct volt_attach_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	free(c->in);
	*c = (struct volt_attach_client){.fd = -1, .idx = -1};
}

/* flush - write what the client has pending; false when it is gone */
static bool flush(struct volt_attach_client *c)
{
	size_t off = 0;
	while (off < c->out_len) {
		ssize_t w = write(c->fd, c->out + off, c->out_len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w <= 0)
			return false;
		off += (size_t)w;
	}
	memmove(c->out, c->out + off, c->out_len - off);
	c->out_len -= off;
	return true;
}

/* queue - a frame for c: written at once if it can be, else buffered */
static bool queue(struct volt_attach_client *c, int type, const void *buf, size_t n)
{
	if (c->out_len + VOLT_ATTACH_HDR + n > ATTACH_BUF_MAX)
		return false; /* too far behind: the caller drops it */
	if (!c->out && !(c->out = malloc(ATTACH_BUF_MAX)))
		return false;
	c->out_len += volt_attach_frame(c->out + c->out_len, type, buf, n);
	return flush(c);
}

void volt_attach_send(struct volt_attach *a, int stream, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	for (int i = 0; i < VOLT_ATTACH_CLIENTS; i++) {
		struct volt_attach_client *c = &a->cl[i];
		if (c->fd < 0)
			continue;
		for (size_t off = 0; off < n;) {
			size_t k = n - off < VOLT_ATTACH_MAX_PAYLOAD ? n - off : VOLT_ATTACH_MAX_PAYLOAD;
			if (!queue(c, stream, p + off, k)) {
				drop(c);
				break;
			}
			off += k;
		}
	}
}

/* to_stdin - a client's input for the container. The stdin is
 * non-blocking: a container that reads none of it for a second loses it
 * rather than stop the monitor (and every other client's output). */
static void to_stdin(struct volt_attach *a, const unsigned char *p, size_t n)
{
	int waited = 0;
	while (n && a->stdin_fd >= 0) {
		ssize_t w = write(a->stdin_fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN && waited++ < 10) {
			struct pollfd pf = {.fd = a->stdin_fd, .events = POLLOUT};
			poll(&pf, 1, 100);
			continue;
		}
		return;
	}
}

static void on_frame(struct volt_attach *a, int type, const unsigned char *p, uint32_t len)
{
	switch (type) {
	case VOLT_ATTACH_STDIN: to_stdin(a, p, len); break;
	case VOLT_ATTACH_RESIZE:
		if (len == 4 && a->pty >= 0) {
			struct winsize ws = {.ws_row = (unsigned short)(p[0] << 8 | p[1]),
					     .ws_col = (unsigned short)(p[2] << 8 | p[3])};
			ioctl(a->pty, TIOCSWINSZ, &ws);
		}
		break;
	case VOLT_ATTACH_SIGNAL:
		if (len == 4 && a->pid > 0) {
			int sig = (int)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
			if (sig > 0 && sig < 65)
				kill(a->pid, sig);
		}
		break;
	default: break; /* unknown: ignored, a newer client's */
	}
}

/* on_readable - read what a client sent, act on each whole frame; false
 * when it closed or sent a frame too long */
static bool on_readable(struct volt_attach *a, struct volt_attach_client *c)
{
	const size_t cap = VOLT_ATTACH_HDR + VOLT_ATTACH_MAX_PAYLOAD;
	if (!c->in && !(c->in = malloc(cap)))
		return false;
	ssize_t n = read(c->fd, c->in + c->in_len, cap - c->in_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0)
		return false;
	c->in_len += (size_t)n;
	size_t off = 0;
	while (c->in_len - off >= VOLT_ATTACH_HDR) {
		int type;
		uint32_t len;
		volt_attach_parse(c->in + off, &type, &len);
		if (len > VOLT_ATTACH_MAX_PAYLOAD)
			return false;
		if (c->in_len - off < VOLT_ATTACH_HDR + len)
			break;
		on_frame(a, type, c->in + off + VOLT_ATTACH_HDR, len);
		off += VOLT_ATTACH_HDR + len;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	return true;
}

void volt_attach_prepare(struct volt_attach *a, struct volt_pollv *pv)
{
	a->listen_idx = a->listen >= 0 ? volt_pollv_add(pv, a->listen, POLLIN) : -1;
	for (int i = 0; i < VOLT_ATTACH_CLIENTS; i++) {
		struct volt_attach_client *c = &a->cl[i];
		c->idx = c->fd >= 0 ? volt_pollv_add(pv, c->fd, (short)(POLLIN | (c->out_len ? POLLOUT : 0))) : -1;
	}
}

static void accept_client(struct volt_attach *a)
{
	int fd = accept4(a->listen, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (int i = 0; i < VOLT_ATTACH_CLIENTS; i++) {
		if (a->cl[i].fd < 0) {
			a->cl[i] = (struct volt_attach_client){.fd = fd, .idx = -1};
			return;
		}
	}
	/* too many: a fresh socket takes the 8 bytes that say so */
	unsigned char f[VOLT_ATTACH_HDR];
	if (write(fd, f, volt_attach_frame(f, VOLT_ATTACH_FULL, NULL, 0)) < 0) {
		/* the client sees the end alone */
	}
	close(fd);
}

void volt_attach_dispatch(struct volt_attach *a, struct volt_pollv *pv)
{
	for (int i = 0; i < VOLT_ATTACH_CLIENTS; i++) {
		struct volt_attach_client *c = &a->cl[i];
		if (c->fd < 0 || c->idx < 0)
			continue;
		short re = pv->fds[c->idx].revents;
		if ((re & POLLOUT) && !flush(c))
			drop(c);
		else if ((re & (POLLIN | POLLHUP | POLLERR)) && !on_readable(a, c))
			drop(c);
	}
	if (a->listen_idx >= 0 && (pv->fds[a->listen_idx].revents & POLLIN))
		accept_client(a);
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void volt_attach_finish(struct volt_attach *a, int code)
{
	unsigned char c4[4] = {(unsigned char)(code >> 24), (unsigned char)(code >> 16), (unsigned char)(code >> 8),
			       (unsigned char)code};
	if (a->listen >= 0) {
		close(a->listen);
		a->listen = -1;
	}
	/* a client that comes now finds no socket */
	if (a->path)
		unlink(a->path);
	free(a->path);
	free(a->run);
	a->path = a->run = NULL;
	for (int i = 0; i < VOLT_ATTACH_CLIENTS; i++)
		if (a->cl[i].fd >= 0 && !queue(&a->cl[i], VOLT_ATTACH_EXIT, c4, sizeof(c4)))
			drop(&a->cl[i]);
	/* the clients that are behind get two seconds to read the end */
	long end = now_ms() + 2000;
	for (;;) {
		struct pollfd pf[VOLT_ATTACH_CLIENTS];
		int map[VOLT_ATTACH_CLIENTS];
		nfds_t n = 0;
		for (int i = 0; i < VOLT_ATTACH_CLIENTS; i++)
			if (a->cl[i].fd >= 0 && a->cl[i].out_len) {
				pf[n] = (struct pollfd){.fd = a->cl[i].fd, .events = POLLOUT};
				map[n++] = i;
			}
		long left = end - now_ms();
		if (!n || left <= 0 || poll(pf, n, (int)left) <= 0)
			break;
		for (nfds_t k = 0; k < n; k++)
			if (pf[k].revents && !flush(&a->cl[map[k]]))
				drop(&a->cl[map[k]]);
	}
	for (int i = 0; i < VOLT_ATTACH_CLIENTS; i++)
		drop(&a->cl[i]);
}
