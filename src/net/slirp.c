/* libslirp inside volt-shim.
 *
 * Theory of operation: one Slirp instance per workload, driven from the
 * monitor's own poll loop (no thread, no helper process). Slirp exchanges
 * Ethernet frames over one "frame fd", where each read(2) and write(2) is
 * one whole frame: a container's tap device, or a microVM's SOCK_DGRAM
 * socket pair with QEMU (net/vmnet.c). Each loop turn, volt_slirp_prepare
 * adds the frame fd and every socket slirp wants polled to the shared
 * pollfd vector and lowers the timeout to the next slirp timer;
 * volt_slirp_dispatch then reads a batch of frames into slirp_input, lets
 * slirp serve its sockets (slirp_pollfds_poll), and fires due timers.
 * Frames from slirp go straight to the frame fd with write(2); if it is full
 * the frame is dropped and TCP retransmits, as libslirp allows.
 *
 * Published UDP ports (and TCP ones with port_handler=slirp) are slirp host
 * forwards: slirp listens on the host and connects to 10.0.2.100 inside.
 * TCP ports by default go through net/portproxy.c instead (splice). With allow_host_loopback=false (the
 * default) new flows from the container to 10.0.2.2, the host's loopback,
 * are refused by net/filter.c on the frames from the workload. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libslirp.h>

#include "net/ackq.h"
#include "net/filter.h"
#include "net/net.h"
#include "util/cleanup.h"

#define FRAME_BATCH 64 /* frames read from the frame fd per loop turn */
#define FRAME_MAX (65536 + 64)

struct slirp_timer {
	struct slirp_timer *next;
	SlirpTimerCb cb;
	void *cb_opaque;
	SlirpTimerId id;
	bool by_id;
	int64_t expire_ms; /* -1: not armed */
};

struct volt_slirp {
	Slirp *slirp;
	int frame_fd; /* a tap, or a datagram socket to QEMU: one frame a read or write */
	int frame_idx;
	struct volt_pollv *pv; /* during prepare/dispatch */
	struct slirp_timer *timers;
	uint8_t *frame;
	struct volt_lofilter *lofilter; /* NULL: host loopback allowed */
	struct volt_ackq *ackq;		/* pure ACKs held during a dispatch */
	bool batching;			/* inside volt_slirp_dispatch */
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- callbacks ---- */

/* frame_write - one frame to the workload. Return: as send_packet. */
static ssize_t frame_write(struct volt_slirp *sl, const void *buf, size_t len)
{
	for (;;) {
		ssize_t w = write(sl->frame_fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		/* EAGAIN: the workload is not reading; dropping is allowed */
		return w < 0 && errno != EAGAIN ? -1 : (ssize_t)len;
	}
}

/* ackq_flush - write the held ACKs, in order (net/ackq.c). */
static void ackq_flush(struct volt_slirp *sl)
{
	struct volt_ackq *q = sl->ackq;
	for (size_t i = 0; q && i < q->n; i++)
		frame_write(sl, q->frame[i], q->len[i]);
	if (q)
		q->n = 0;
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct volt_slirp *sl = opaque;
	struct volt_ack a;
	if (sl->frame_fd < 0)
		return (ssize_t)len;
	if (sl->lofilter)
		volt_lofilter_out(sl->lofilter, buf, len);
	if (sl->batching && sl->ackq && volt_ack_parse(buf, len, &a)) {
		if (!volt_ackq_add(sl->ackq, &a, buf, len)) {
			ackq_flush(sl);
			volt_ackq_add(sl->ackq, &a, buf, len);
		}
		return (ssize_t)len;
	}
	ackq_flush(sl); /* what was held goes first: the frame fd keeps slirp's order */
	return frame_write(sl, buf, len);
}

static void cb_guest_error(const char *msg, void *opaque)
{
	/* guest misbehaviour is the guest's problem; the monitor carries on */
}

static int64_t cb_clock_get_ns(void *opaque)
{
	return now_ns();
}

static struct slirp_timer *timer_add(struct volt_slirp *sl)
{
	struct slirp_timer *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->expire_ms = -1;
	t->next = sl->timers;
	sl->timers = t;
	return t;
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct slirp_timer *t = timer_add(opaque);
	if (t) {
		t->cb = cb;
		t->cb_opaque = cb_opaque;
	}
	return t;
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct slirp_timer *t = timer_add(opaque);
	if (t) {
		t->id = id;
		t->by_id = true;
		t->cb_opaque = cb_opaque;
	}
	return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct volt_slirp *sl = opaque;
	for (struct slirp_timer **p = &sl->timers; *p; p = &(*p)->next)
		if (*p == timer) {
			*p = ((struct slirp_timer *)timer)->next;
			free(timer);
			return;
		}
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	((struct slirp_timer *)timer)->expire_ms = expire_ms;
}

static void cb_register_poll_fd(int fd, void *opaque)
{
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
}

static void cb_notify(void *opaque)
{
	/* single-threaded: the next loop turn polls again anyway */
}

static const SlirpCb callbacks = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_new = cb_timer_new,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
	.timer_new_opaque = cb_timer_new_opaque,
};

static int cb_add_poll(int fd, int events, void *opaque)
{
	struct volt_slirp *sl = opaque;
	short ev = 0;
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	return volt_pollv_add(sl->pv, fd, ev);
}

static int cb_get_revents(int idx, void *opaque)
{
	struct volt_slirp *sl = opaque;
	int r = 0;
	if (idx < 0 || (size_t)idx >= sl->pv->n)
		return 0;
	short ev = sl->pv->fds[idx].revents;
	if (ev & POLLIN)
		r |= SLIRP_POLL_IN;
	if (ev & POLLOUT)
		r |= SLIRP_POLL_OUT;
	if (ev & POLLPRI)
		r |= SLIRP_POLL_PRI;
	if (ev & (POLLERR | POLLNVAL))
		r |= SLIRP_POLL_ERR;
	if (ev & POLLHUP)
		r |= SLIRP_POLL_HUP;
	return r;
}

/* ---- the poll source ---- */

void volt_slirp_prepare(void *opaque, struct volt_pollv *pv, int *timeout_ms)
{
	struct volt_slirp *sl = opaque;
	uint32_t t = UINT32_MAX;
	int64_t now = now_ns() / 1000000;

	sl->pv = pv;
	sl->frame_idx = sl->frame_fd >= 0 ? volt_pollv_add(pv, sl->frame_fd, POLLIN) : -1;
	slirp_pollfds_fill(sl->slirp, &t, cb_add_poll, sl);
	for (struct slirp_timer *tm = sl->timers; tm; tm = tm->next) {
		if (tm->expire_ms < 0)
			continue;
		int64_t d = tm->expire_ms - now;
		if (d < 0)
			d = 0;
		if ((uint64_t)d < t)
			t = (uint32_t)d;
	}
	if (t != UINT32_MAX && (*timeout_ms < 0 || t < (uint32_t)*timeout_ms))
		*timeout_ms = t > INT_MAX ? INT_MAX : (int)t;
}

/* read_frames - a batch of frames from the workload into slirp. */
static void read_frames(struct volt_slirp *sl)
{
	for (int i = 0; i < FRAME_BATCH; i++) {
		ssize_t n = read(sl->frame_fd, sl->frame, FRAME_MAX);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* EAGAIN: drained */
		if (sl->lofilter) {
			uint8_t rst[128];
			bool drop;
			size_t r = volt_lofilter_in(sl->lofilter, sl->frame, (size_t)n, rst, sizeof(rst), &drop);
			if (r && write(sl->frame_fd, rst, r) < 0) {
				/* the workload sees a timeout instead of a refusal */
			}
			if (drop)
				continue;
		}
		slirp_input(sl->slirp, sl->frame, (int)n);
	}
}

/* run_timers - fire each due timer once (a callback may re-arm or free). */
static void run_timers(struct volt_slirp *sl)
{
	int64_t now = now_ns() / 1000000;
	bool again = true;
	while (again) {
		again = false;
		for (struct slirp_timer *tm = sl->timers; tm; tm = tm->next) {
			if (tm->expire_ms < 0 || tm->expire_ms > now)
				continue;
			tm->expire_ms = -1;
			if (tm->by_id)
				slirp_handle_timer(sl->slirp, tm->id, tm->cb_opaque);
			else
				tm->cb(tm->cb_opaque);
			again = true; /* the list may have changed: rescan */
			break;
		}
	}
}

void volt_slirp_dispatch(void *opaque, struct volt_pollv *pv)
{
	struct volt_slirp *sl = opaque;
	sl->pv = pv;
	sl->batching = true; /* pure ACKs are held until the end of the turn */
	if (sl->frame_idx >= 0 && (pv->fds[sl->frame_idx].revents & POLLIN))
		read_frames(sl);
	slirp_pollfds_poll(sl->slirp, 0, cb_get_revents, sl);
	run_timers(sl);
	ackq_flush(sl);
	sl->batching = false;
}

/* ---- setup ---- */

/* add_forward - one published port as a slirp host forward. */
static int add_forward(struct volt_slirp *sl, const struct volt_port *p, struct volt_err *err)
{
	struct sockaddr_storage h;
	struct sockaddr_in g = {.sin_family = AF_INET, .sin_port = htons(p->ctr_port)};
	char what[96];
	socklen_t hl = volt_port_sockaddr(p, &h, sizeof(h));

	volt_port_display(p, what, sizeof(what));
	inet_pton(AF_INET, VOLT_SLIRP_GUEST, &g.sin_addr);
	if (!hl)
		return volt_err_set(err, EINVAL, "publish %s: invalid host address", what);
	if (h.ss_family == AF_INET6)
		return volt_err_set(err, EAFNOSUPPORT, "publish %s: IPv6 host addresses are not supported yet", what);
	errno = 0;
	if (slirp_add_hostxfwd(sl->slirp, (struct sockaddr *)&h, hl, (struct sockaddr *)&g, sizeof(g),
			       p->udp ? SLIRP_HOSTFWD_UDP : 0) < 0)
		return volt_err_set(err, errno ? errno : EADDRINUSE, "publish %s: slirp could not listen", what);
	return 0;
}

/* ackq_off - VOLT_SLIRP_ACK_COALESCE=0 in the monitor's environment turns
 * the ACK coalescing off (for comparisons and diagnosis). */
static bool ackq_off(void)
{
	const char *e = getenv("VOLT_SLIRP_ACK_COALESCE");
	return e && !strcmp(e, "0");
}

struct volt_slirp *volt_slirp_new(const struct volt_net_opts *o, const struct volt_port *ports, size_t n_ports,
				  struct volt_err *err)
{
	SlirpConfig cfg = {
		.version = 4,
		.in_enabled = true,
		.in6_enabled = true,
		.vprefix_len = 64,
		.vhostname = NULL,
		.if_mtu = o->mtu,
		.if_mru = o->mtu,
		/* host loopback: see net/filter.c for why slirp's switch stays off */
		.disable_host_loopback = false,
	};
	struct volt_slirp *sl = calloc(1, sizeof(*sl));

	if (!sl || !(sl->frame = malloc(FRAME_MAX))) {
		free(sl);
		volt_err_set(err, ENOMEM, "slirp");
		return NULL;
	}
	sl->frame_fd = -1;
	sl->frame_idx = -1;
	if ((!ackq_off() && !(sl->ackq = calloc(1, sizeof(*sl->ackq)))) ||
	    (!o->allow_host_loopback && !(sl->lofilter = calloc(1, sizeof(*sl->lofilter))))) {
		volt_slirp_free(sl);
		volt_err_set(err, ENOMEM, "slirp");
		return NULL;
	}
	inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
	inet_pton(AF_INET, VOLT_SLIRP_NETMASK, &cfg.vnetmask);
	inet_pton(AF_INET, VOLT_SLIRP_GATEWAY, &cfg.vhost);
	inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
	inet_pton(AF_INET, VOLT_SLIRP_DNS, &cfg.vnameserver);
	inet_pton(AF_INET6, VOLT_SLIRP_PREFIX6, &cfg.vprefix_addr6);
	inet_pton(AF_INET6, VOLT_SLIRP_GATEWAY6, &cfg.vhost6);
	inet_pton(AF_INET6, VOLT_SLIRP_DNS6, &cfg.vnameserver6);
	sl->slirp = slirp_new(&cfg, &callbacks, sl);
	if (!sl->slirp) {
		volt_slirp_free(sl);
		if (volt_slirp_lazy_error())
			volt_err_set(err, 0, "libslirp: %s (install libslirp0, or use --network none|host)",
				     volt_slirp_lazy_error());
		else
			volt_err_set(err, 0, "libslirp: could not create the network stack");
		return NULL;
	}
	for (size_t i = 0; i < n_ports; i++)
		if ((ports[i].udp || o->port_slirp) && add_forward(sl, &ports[i], err) < 0) {
			volt_slirp_free(sl);
			return NULL;
		}
	return sl;
}

int volt_slirp_tap_fd(const struct volt_slirp *sl)
{
	return sl ? sl->frame_fd : -1;
}

void volt_slirp_set_frame_fd(struct volt_slirp *sl, int fd)
{
	sl->frame_fd = fd;
}

void volt_slirp_free(struct volt_slirp *sl)
{
	if (!sl)
		return;
	if (sl->slirp)
		slirp_cleanup(sl->slirp);
	while (sl->timers) {
		struct slirp_timer *t = sl->timers;
		sl->timers = t->next;
		free(t);
	}
	if (sl->frame_fd >= 0)
		close(sl->frame_fd);
	free(sl->frame);
	free(sl->lofilter);
	free(sl->ackq);
	free(sl);
}
