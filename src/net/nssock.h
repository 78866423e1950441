/* Sockets created inside a container's network namespace (net/nssock.c),
 * for volt-shim's published-port relay (net/portproxy.c). */
#ifndef VOLT_NET_NSSOCK_H
#define VOLT_NET_NSSOCK_H

#include <sys/types.h>

#include "util/err.h"

struct volt_nssock {
	int netns; /* the container's network namespace */
	int sock;  /* our end of the helper's socket pair, -1: not started */
	pid_t pid; /* the helper, -1: not started */
};

/* volt_nssock_init - remember the container's network namespace: the one
 * of its tap device tap_fd, else of process pid (the container, just
 * spawned). The helper starts on the first request.
 * Return: 0, or -1 with err. */
int volt_nssock_init(struct volt_nssock *f, int tap_fd, pid_t pid, struct volt_err *err);

/* volt_nssock_socket - a new non-blocking, close-on-exec TCP socket of
 * family (AF_INET or AF_INET6) that lives in the container's network
 * namespace. Return: the fd, or -1 with err. */
int volt_nssock_socket(struct volt_nssock *f, int family, struct volt_err *err);

/* volt_nssock_free - stop the helper, close the namespace fd. */
void volt_nssock_free(struct volt_nssock *f);

#endif
