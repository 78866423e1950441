/* Published TCP ports served by volt-shim itself: accept on the host, connect
 * inside the container, splice between the two.
 *
 * Theory of operation: what rootlesskit's "builtin" port driver and docker's
 * userland proxy do, inside the monitor's own poll loop. At prepare time
 * (before the container exists) each published TCP port gets a listening
 * socket on the host, so a taken port still fails the start. After the spawn
 * net/nssock.c can make sockets inside the container's network namespace.
 * For each accepted client the relay takes such a socket, connects it
 * (non-blocking) to 10.0.2.100:CTRPORT, the container's own tap address (so
 * exactly what slirp's forward reached is reachable: a service bound to the
 * container's 127.0.0.1 only stays private), and moves bytes both ways with
 * splice(2) through one pipe a direction: socket -> pipe -> socket, no copy
 * through user space and no user-space TCP/IP stack. Inside, the connection
 * comes from 10.0.2.100 (the container's own address; docker's proxy shows
 * the bridge gateway): the client's address is not kept, as with slirp.
 *
 * All sockets of the relay sit in one epoll set, edge-triggered; the monitor
 * polls only that epoll fd (one pollfd, however many connections). On any
 * event of a connection, pump() moves what it can in both directions until
 * nothing moves: a read stops at EAGAIN or a full pipe, a write at EAGAIN or
 * an empty pipe; each of those is undone by a later edge on one of the
 * connection's two sockets, so no wakeup is lost. Backpressure is the pipe:
 * a side that is not read stops the other side's reads once the pipe is full,
 * and TCP's windows push back to the sender.
 *
 * Half-close: EOF from one side (its FIN) becomes shutdown(SHUT_WR) on the
 * other once that direction's pipe is empty; the other direction keeps
 * flowing. The connection closes when both directions are done. A reset of
 * one side (read error) ends the connection once what that side sent before
 * has been passed on; a write error ends it at once. Ending so closes both
 * sockets with SO_LINGER 0, so the survivor sees a RST, as it would end to
 * end. A client whose container port refuses the connection is reset the
 * same way.
 * Connections freed during one epoll batch are freed at its end, so an event
 * later in the batch never touches freed memory. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net.h"
#include "net/nssock.h"
#include "net/portproxy.h"
#include "util/cleanup.h"

/* bytes in flight a direction: the kernel's default pipe (16 pages). 256 KiB
 * and 1 MiB pipes (F_SETPIPE_SZ) measured no faster on loopback (iperf3,
 * 12-14 Gbit/s either way) and count against the user's pipe quota. */
#define PP_PIPE_SIZE (64 * 1024)
#define PP_EVENTS 64
#define PP_ACCEPT_BATCH 32

enum pp_kind { PP_LISTENER, PP_CLIENT, PP_CTR };

/* what an epoll event points to */
struct pp_ref {
	enum pp_kind kind;
	void *owner; /* struct pp_listener or struct pp_conn */
};

struct pp_listener {
	struct pp_ref ref;
	int fd;
	uint16_t ctr_port;
};

/* one direction of a connection: src -> pipe -> dst */
struct pp_dir {
	int pipe_r, pipe_w;
	size_t inpipe; /* bytes in the pipe */
	bool eof;      /* src sent FIN */
	bool src_dead; /* src was reset: once the pipe is flushed, reset dst */
	bool dst_dead; /* a write to dst failed (reset) */
	bool done;     /* nothing more moves: FIN passed on, or a side died */
};

struct pp_conn {
	struct pp_ref cli_ref, ctr_ref;
	int cli, ctr;
	bool connecting; /* ctr's connect has not completed */
	bool dead;
	struct pp_dir up, down; /* client -> container, container -> client */
	struct pp_conn *next;	/* live list, then the dead list */
};

struct volt_portproxy {
	int ep;
	struct pp_listener *ls;
	size_t n_ls;
	bool paused; /* out of fds: listeners off until a connection ends */
	struct volt_nssock ns;
	bool have_ns;
	struct pp_conn *conns, *dead;
	size_t pipe_size;
	struct in_addr target;
	int pv_idx;
};

/* ---- connections ---- */

/* dir_init - the pipe of one direction. Return: 0, or -1 (errno). */
static int dir_init(struct pp_dir *d)
{
	int p[2];
	memset(d, 0, sizeof(*d));
	d->pipe_r = d->pipe_w = -1;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	d->pipe_r = p[0];
	d->pipe_w = p[1];
	return 0;
}

/* dir_close - close the pipe of one direction (idempotent). */
static void dir_close(struct pp_dir *d)
{
	if (d->pipe_r >= 0)
		close(d->pipe_r);
	if (d->pipe_w >= 0)
		close(d->pipe_w);
	d->pipe_r = d->pipe_w = -1;
}

/* conn_kill - close both sockets (with reset: SO_LINGER 0 sends a RST
 * instead of a FIN) and move c to the dead list, freed after the batch. */
static void conn_kill(struct volt_portproxy *pp, struct pp_conn *c, bool reset)
{
	static const struct linger rst = {.l_onoff = 1, .l_linger = 0};
	if (c->dead)
		return;
	c->dead = true;
	for (struct pp_conn **p = &pp->conns; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	int fds[2] = {c->cli, c->ctr};
	for (int i = 0; i < 2; i++) {
		if (fds[i] < 0)
			continue;
		epoll_ctl(pp->ep, EPOLL_CTL_DEL, fds[i], NULL);
		if (reset)
			setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		close(fds[i]);
	}
	c->cli = c->ctr = -1;
	dir_close(&c->up);
	dir_close(&c->down);
	c->next = pp->dead;
	pp->dead = c;
	if (pp->paused) { /* an fd is free again: listen again */
		pp->paused = false;
		for (size_t i = 0; i < pp->n_ls; i++) {
			struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &pp->ls[i].ref};
			epoll_ctl(pp->ep, EPOLL_CTL_MOD, pp->ls[i].fd, &ev);
		}
	}
}

/* dir_step - one attempt to move bytes src -> pipe and pipe -> dst.
 * Return: 1 if something moved or changed, 0 if not. */
static int dir_step(struct pp_dir *d, int src, int dst, bool dst_ready, size_t cap)
{
	int moved = 0;
	ssize_t n;

	if (d->done)
		return 0;
	if (!d->eof && d->inpipe < cap) {
		n = splice(src, NULL, d->pipe_w, NULL, cap - d->inpipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			d->inpipe += (size_t)n;
			moved = 1;
		} else if (n == 0) {
			d->eof = true;
			moved = 1;
		} else if (errno != EAGAIN && errno != EINTR) {
			/* src was reset: what it sent before still goes to dst,
			 * then dst is reset too, as end to end */
			d->eof = d->src_dead = true;
			moved = 1;
		}
	}
	if (dst_ready && d->inpipe > 0) {
		n = splice(d->pipe_r, NULL, dst, NULL, d->inpipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			d->inpipe -= (size_t)n;
			moved = 1;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			/* dst is gone (reset): nothing more can reach it */
			d->done = d->dst_dead = true;
			return 1;
		}
	}
	if (dst_ready && d->eof && d->inpipe == 0) {
		/* the half-close travels on; ENOTCONN: the peer is gone too */
		if (!d->src_dead)
			shutdown(dst, SHUT_WR);
		d->done = true;
		moved = 1;
	}
	return moved;
}

/* conn_pump - move what can move both ways, until nothing does; end the
 * connection when its directions are done. */
static void conn_pump(struct volt_portproxy *pp, struct pp_conn *c)
{
	bool ready = !c->connecting;
	int a, b;

	do {
		/* until the container side is connected, only the client's
		 * bytes are read (into the pipe); that side is not touched */
		a = dir_step(&c->up, c->cli, c->ctr, ready, pp->pipe_size);
		b = ready ? dir_step(&c->down, c->ctr, c->cli, true, pp->pipe_size) : 0;
	} while (a > 0 || b > 0);
	/* a side that was reset, once its bytes are passed on: the other side
	 * gets a reset at once (the opposite direction writes to a dead
	 * socket). A side that vanished under our writes: wait until what it
	 * sent before has been passed on (its read reports the reset). */
	if ((c->up.done && c->up.src_dead) || (c->down.done && c->down.src_dead))
		conn_kill(pp, c, true);
	else if (c->up.done && c->down.done)
		conn_kill(pp, c, c->up.dst_dead || c->down.dst_dead); /* clean: both FINs passed on */
}

/* conn_event - an epoll event on one of c's sockets. */
static void conn_event(struct volt_portproxy *pp, struct pp_conn *c, enum pp_kind side, uint32_t events)
{
	if (c->dead)
		return;
	if (side == PP_CTR && c->connecting) {
		int e = 0;
		socklen_t l = sizeof(e);
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		if (getsockopt(c->ctr, SOL_SOCKET, SO_ERROR, &e, &l) < 0 || e) {
			conn_kill(pp, c, true); /* refused inside: the client sees a reset */
			return;
		}
		c->connecting = false;
	}
	conn_pump(pp, c);
	/* an error (a reset) on a side we have read everything from: nothing
	 * can reach it any more, so the other side is reset now rather than
	 * when it next sends. Bytes it sent before are passed on first
	 * (dir_step), so a side still being flushed is left to finish. */
	if (!c->dead && (events & EPOLLERR)) {
		struct pp_dir *from = side == PP_CLIENT ? &c->up : &c->down;
		if (from->done)
			conn_kill(pp, c, true);
	}
}

/* sock_tune - the options both sides get: non-blocking, no Nagle delay (a
 * relay must not hold back a small segment its sender already pushed). */
static void sock_tune(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* conn_start - relay for an accepted client to ctr_port in the container. */
static void conn_start(struct volt_portproxy *pp, int cli, uint16_t ctr_port)
{
	struct volt_err err;
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(ctr_port), .sin_addr = pp->target};
	struct pp_conn *c = calloc(1, sizeof(*c));
	static const struct linger rst = {.l_onoff = 1, .l_linger = 0};
	int ctr = -1;

	if (!c || !pp->have_ns || (ctr = volt_nssock_socket(&pp->ns, AF_INET, &err)) < 0)
		goto fail;
	c->cli = cli;
	c->ctr = ctr;
	c->cli_ref = (struct pp_ref){.kind = PP_CLIENT, .owner = c};
	c->ctr_ref = (struct pp_ref){.kind = PP_CTR, .owner = c};
	c->up.pipe_r = c->up.pipe_w = c->down.pipe_r = c->down.pipe_w = -1;
	if (dir_init(&c->up) < 0 || dir_init(&c->down) < 0)
		goto fail_pipes;
	sock_tune(cli);
	sock_tune(ctr);
	if (connect(ctr, (struct sockaddr *)&to, sizeof(to)) < 0) {
		if (errno != EINPROGRESS)
			goto fail_pipes;
		c->connecting = true;
	}
	struct epoll_event ec = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = &c->cli_ref};
	struct epoll_event et = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = &c->ctr_ref};
	if (epoll_ctl(pp->ep, EPOLL_CTL_ADD, cli, &ec) < 0 || epoll_ctl(pp->ep, EPOLL_CTL_ADD, ctr, &et) < 0)
		goto fail_pipes;
	c->next = pp->conns;
	pp->conns = c;
	conn_pump(pp, c); /* data may be waiting already */
	return;

fail_pipes:
	dir_close(&c->up);
	dir_close(&c->down);
fail:
	/* the container cannot be reached: reset the client at once */
	setsockopt(cli, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	epoll_ctl(pp->ep, EPOLL_CTL_DEL, cli, NULL);
	close(cli);
	if (ctr >= 0) {
		epoll_ctl(pp->ep, EPOLL_CTL_DEL, ctr, NULL);
		close(ctr);
	}
	free(c);
}

/* listener_event - accept what is pending (a batch, then the next turn). */
static void listener_event(struct volt_portproxy *pp, struct pp_listener *l)
{
	for (int i = 0; i < PP_ACCEPT_BATCH; i++) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			conn_start(pp, fd, l->ctr_port);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* level-triggered listeners would spin: mute them until a
			 * connection ends (conn_kill), clients wait in the backlog */
			pp->paused = true;
			for (size_t k = 0; k < pp->n_ls; k++) {
				struct epoll_event ev = {.events = 0, .data.ptr = &pp->ls[k].ref};
				epoll_ctl(pp->ep, EPOLL_CTL_MOD, pp->ls[k].fd, &ev);
			}
		}
		return; /* EAGAIN, ECONNABORTED, ...: next turn */
	}
}

/* ---- the poll source ---- */

/* volt_portproxy_prepare - the poll source's prepare: only the epoll fd;
 * no timers. */
void volt_portproxy_prepare(void *opaque, struct volt_pollv *pv, int *timeout_ms)
{
	struct volt_portproxy *pp = opaque;
	(void)timeout_ms;
	pp->pv_idx = volt_pollv_add(pv, pp->ep, POLLIN);
}

/* volt_portproxy_dispatch - serve what epoll reports, then free the
 * connections that ended during the batch. */
void volt_portproxy_dispatch(void *opaque, struct volt_pollv *pv)
{
	struct volt_portproxy *pp = opaque;
	struct epoll_event evs[PP_EVENTS];
	int n;

	if (pp->pv_idx < 0 || !(pv->fds[pp->pv_idx].revents & POLLIN))
		return;
	/* a few batches at most, so that slirp and stdio get their turn */
	for (int round = 0; round < 4; round++) {
		n = epoll_wait(pp->ep, evs, PP_EVENTS, 0);
		for (int i = 0; i < n; i++) {
			struct pp_ref *r = evs[i].data.ptr;
			if (r->kind == PP_LISTENER)
				listener_event(pp, r->owner);
			else
				conn_event(pp, r->owner, r->kind, evs[i].events);
		}
		while (pp->dead) {
			struct pp_conn *c = pp->dead;
			pp->dead = c->next;
			free(c);
		}
		if (n < PP_EVENTS)
			break;
	}
}

/* ---- setup ---- */

/* listen_on - the host socket of one published TCP port. */
static int listen_on(struct volt_portproxy *pp, const struct volt_port *p, struct volt_err *err)
{
	struct sockaddr_storage h;
	char what[96];
	socklen_t hl = volt_port_sockaddr(p, &h, sizeof(h));
	int one = 1;
	struct pp_listener *l = &pp->ls[pp->n_ls];

	volt_port_display(p, what, sizeof(what));
	if (!hl)
		return volt_err_set(err, EINVAL, "publish %s: invalid host address", what);
	cleanup_close int fd = socket(h.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return volt_err_sys(err, "publish %s: socket", what);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (h.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&h, hl) < 0) {
		if (errno == EADDRINUSE)
			return volt_err_said(err, EADDRINUSE, "publish %s: host port %u/tcp is already in use", what,
					     p->host_port);
		return volt_err_sys(err, "publish %s: bind", what);
	}
	if (listen(fd, SOMAXCONN) < 0)
		return volt_err_sys(err, "publish %s: listen", what);
	l->ref = (struct pp_ref){.kind = PP_LISTENER, .owner = l};
	l->ctr_port = p->ctr_port;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &l->ref};
	if (epoll_ctl(pp->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return volt_err_sys(err, "publish %s: epoll", what);
	l->fd = volt_steal_fd(&fd);
	pp->n_ls++;
	return 0;
}

/* volt_portproxy_new - see net/portproxy.h. Listeners are SO_REUSEADDR as
 * libslirp's were, so a restart finds its port free at once. */
struct volt_portproxy *volt_portproxy_new(const struct volt_port *ports, size_t n, struct volt_err *err)
{
	struct volt_portproxy *pp = calloc(1, sizeof(*pp));

	if (!pp || !(pp->ls = calloc(n ? n : 1, sizeof(*pp->ls)))) {
		free(pp);
		volt_err_set(err, ENOMEM, "published ports");
		return NULL;
	}
	pp->ns.netns = pp->ns.sock = -1;
	pp->ns.pid = -1;
	pp->pv_idx = -1;
	pp->pipe_size = PP_PIPE_SIZE;
	inet_pton(AF_INET, VOLT_SLIRP_GUEST, &pp->target);
	pp->ep = epoll_create1(EPOLL_CLOEXEC);
	if (pp->ep < 0) {
		volt_err_sys(err, "published ports: epoll_create1");
		volt_portproxy_free(pp);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (!ports[i].udp && listen_on(pp, &ports[i], err) < 0) {
			volt_portproxy_free(pp);
			return NULL;
		}
	return pp;
}

/* volt_portproxy_attach - see net/portproxy.h. */
int volt_portproxy_attach(struct volt_portproxy *pp, int tap_fd, pid_t pid, struct volt_err *err)
{
	struct rlimit rl;

	if (volt_nssock_init(&pp->ns, tap_fd, pid, err) < 0)
		return -1;
	pp->have_ns = true;
	/* six fds a connection (two sockets, two pipes): lift the soft fd
	 * limit to the hard one, as Go-based proxies do; the container's own
	 * limits were set at spawn, before this */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	return 0;
}

/* volt_portproxy_free - see net/portproxy.h; open connections are closed
 * with a FIN (the container is gone or going). */
void volt_portproxy_free(struct volt_portproxy *pp)
{
	if (!pp)
		return;
	while (pp->conns)
		conn_kill(pp, pp->conns, false);
	while (pp->dead) {
		struct pp_conn *c = pp->dead;
		pp->dead = c->next;
		free(c);
	}
	for (size_t i = 0; i < pp->n_ls; i++)
		close(pp->ls[i].fd);
	volt_nssock_free(&pp->ns);
	if (pp->ep >= 0)
		close(pp->ep);
	free(pp->ls);
	free(pp);
}
