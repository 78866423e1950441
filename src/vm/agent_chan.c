#include "vm/agent_chan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void volt_agent_chan_init(struct volt_agent_chan *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	if (fd >= 0)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void volt_agent_chan_close(struct volt_agent_chan *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	volt_agent_reader_free(&c->r);
}

size_t volt_agent_chan_pending(const struct volt_agent_chan *c)
{
	return c->out_len - c->out_off;
}

int volt_agent_chan_flush(struct volt_agent_chan *c, struct volt_err *err)
{
	while (c->fd >= 0 && c->out_off < c->out_len) {
		ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return volt_err_sys(err, "send");
		c->out_off += (size_t)n;
	}
	c->out_len = c->out_off = 0;
	return 0;
}

int volt_agent_chan_send(struct volt_agent_chan *c, const struct volt_agent_msg *m, struct volt_err *err)
{
	uint8_t *buf;
	size_t len;
	const char *why;
	if (c->fd < 0)
		return volt_err_set(err, EPIPE, "send %s: the channel is closed", volt_agent_type_name(m->type));
	if (volt_agent_encode(m, &buf, &len, &why) < 0)
		return volt_err_set(err, 0, "send %s: %s", volt_agent_type_name(m->type), why);
	if (c->out_off) { /* move what is left to the front before growing */
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	uint8_t *nb = realloc(c->out, c->out_len + len);
	if (!nb) {
		free(buf);
		return volt_err_set(err, ENOMEM, "send %s", volt_agent_type_name(m->type));
	}
	memcpy(nb + c->out_len, buf, len);
	free(buf);
	c->out = nb;
	c->out_len += len;
	return volt_agent_chan_flush(c, err);
}

int volt_agent_chan_read(struct volt_agent_chan *c, const char *peer,
			 int (*on_msg)(void *arg, const struct volt_agent_msg *m, struct volt_err *err), void *arg,
			 struct volt_err *err)
{
	uint8_t buf[65536];
	ssize_t n = c->fd >= 0 ? read(c->fd, buf, sizeof(buf)) : 0;
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0 && errno != ECONNRESET)
		return volt_err_sys(err, "read from %s", peer);
	if (n <= 0) {
		c->eof = true;
		return 0;
	}
	if (volt_agent_reader_feed(&c->r, buf, (size_t)n) < 0)
		return volt_err_set(err, ENOMEM, "read from %s", peer);
	const uint8_t *body;
	size_t len;
	const char *why;
	int k;
	while ((k = volt_agent_reader_next(&c->r, &body, &len, &why)) == 1) {
		struct volt_agent_msg m;
		if (volt_agent_decode(body, len, &m, &why) < 0)
			return volt_err_set(err, 0, "a bad frame from %s (%s)", peer, why);
		int r = on_msg(arg, &m, err);
		volt_agent_msg_free(&m);
		if (r < 0)
			return -1;
	}
	if (k < 0)
		return volt_err_set(err, 0, "a bad stream from %s (%s)", peer, why);
	return 0;
}
