/* Published TCP ports relayed by volt-shim with splice (net/portproxy.c):
 * the default port handler of --network slirp (port_handler=builtin). */
#ifndef VOLT_NET_PORTPROXY_H
#define VOLT_NET_PORTPROXY_H

#include <stddef.h>
#include <sys/types.h>

#include "net/ports.h"
#include "util/err.h"
#include "util/pollv.h"

struct volt_portproxy;

/* volt_portproxy_new - listen on the host for every TCP entry of ports
 * (UDP ones are skipped: slirp forwards those). Before the spawn, so that
 * a port that cannot be bound fails the start. Return: NULL with err. */
struct volt_portproxy *volt_portproxy_new(const struct volt_port *ports, size_t n, struct volt_err *err);

/* volt_portproxy_attach - after the spawn: connections go into the network
 * namespace of the container's tap device tap_fd (or of its process pid).
 * Return: 0, or -1 with err. */
int volt_portproxy_attach(struct volt_portproxy *pp, int tap_fd, pid_t pid, struct volt_err *err);

/* the poll source (see util/pollv.h): one epoll fd for all sockets */
void volt_portproxy_prepare(void *opaque, struct volt_pollv *pv, int *timeout_ms);
void volt_portproxy_dispatch(void *opaque, struct volt_pollv *pv);

/* volt_portproxy_free - close listeners and connections, stop the helper. */
void volt_portproxy_free(struct volt_portproxy *pp);

#endif
