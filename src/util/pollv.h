/* A growable pollfd vector and "poll sources": the monitor's poll loop asks
 * each source to add its descriptors (prepare), polls once, then lets each
 * source handle what became ready (dispatch). Slirp and other per-workload
 * services plug into volt-shim's loop this way, without touching it. */
#ifndef VOLT_UTIL_POLLV_H
#define VOLT_UTIL_POLLV_H

#include <poll.h>
#include <stdlib.h>

struct volt_pollv {
	struct pollfd *fds;
	size_t n, cap;
};

/* volt_pollv_add - append fd with events.
 * Return: its index in pv->fds (stable until the next reset), -1 on ENOMEM. */
static inline int volt_pollv_add(struct volt_pollv *pv, int fd, short events)
{
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 16;
		struct pollfd *f = realloc(pv->fds, cap * sizeof(*f));
		if (!f)
			return -1;
		pv->fds = f;
		pv->cap = cap;
	}
	pv->fds[pv->n] = (struct pollfd){.fd = fd, .events = events};
	return (int)pv->n++;
}

struct volt_poll_source {
	void *opaque;
	/* prepare - add descriptors to pv; lower *timeout_ms (-1 = none) when
	 * a timer is due sooner */
	void (*prepare)(void *opaque, struct volt_pollv *pv, int *timeout_ms);
	/* dispatch - after poll returned (also on timeout): handle ready fds
	 * by the indexes prepare got, and due timers */
	void (*dispatch)(void *opaque, struct volt_pollv *pv);
};

#endif
