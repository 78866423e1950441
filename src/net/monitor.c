/* --network parsing and volt-shim's part of container networking.
 *
 * Theory of operation: volt-shim calls volt_net_prepare before it spawns the
 * container and volt_net_attach after. For slirp, everything that can fail
 * for reasons outside the container — a host port taken or privileged — is
 * done in prepare, so such a container never starts. For container:NAME the
 * shim (workload/monitor.c) joins the other container's user namespace (it
 * owns that network namespace: only there may the child setns into it); the
 * child then joins the network namespace itself, before its own mounts.
 *
 * With slirp, two things serve the container from the monitor's loop, as
 * one poll source: libslirp (the tap, UDP ports) and, unless
 * port_handler=slirp, the splice relay of published TCP ports
 * (net/portproxy.c), which binds its host ports here in prepare too. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/net.h"
#include "net/portproxy.h"
#include "util/cleanup.h"

/* net_prepare, net_dispatch - the one poll source of slirp networking:
 * libslirp, then the port relay (when there is one). */
static void net_prepare(void *opaque, struct volt_pollv *pv, int *timeout_ms)
{
	struct volt_net *net = opaque;
	volt_slirp_prepare(net->slirp, pv, timeout_ms);
	if (net->proxy)
		volt_portproxy_prepare(net->proxy, pv, timeout_ms);
}

static void net_dispatch(void *opaque, struct volt_pollv *pv)
{
	struct volt_net *net = opaque;
	volt_slirp_dispatch(net->slirp, pv);
	if (net->proxy)
		volt_portproxy_dispatch(net->proxy, pv);
}

/* has_tcp - whether any port is TCP */
static bool has_tcp(const struct volt_port *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!v[i].udp)
			return true;
	return false;
}

int volt_net_prepare(struct volt_ctx *ctx, const char *network, char **stored_ports, struct volt_net *net,
		     struct volt_err *err)
{
	cleanup_free struct volt_port *ports = NULL;
	size_t n = 0;

	memset(net, 0, sizeof(*net));
	if (!network) {
		net->opts.mode = VOLT_NET_NONE;
		return 0;
	}
	if (volt_net_parse(network, &net->opts, err) < 0)
		return -1;
	switch (net->opts.mode) {
	case VOLT_NET_SLIRP:
		if (volt_spec_ports(stored_ports, &ports, &n, err) < 0 || volt_ports_reserve(ports, n, err) < 0)
			return -1;
		if (!net->opts.port_slirp && has_tcp(ports, n) && !(net->proxy = volt_portproxy_new(ports, n, err)))
			return -1;
		net->slirp = volt_slirp_new(&net->opts, ports, n, err);
		if (!net->slirp) {
			volt_portproxy_free(net->proxy);
			net->proxy = NULL;
			return -1;
		}
		net->source =
			(struct volt_poll_source){.opaque = net, .prepare = net_prepare, .dispatch = net_dispatch};
		return 0;
	default: return 0;
	}
}

int volt_net_attach(struct volt_net *net, pid_t pid, int tap_fd, struct volt_err *err)
{
	if (!net->slirp)
		return 0;
	if (tap_fd < 0)
		return volt_err_set(err, 0, "the container did not pass its tap device");
	if (fcntl(tap_fd, F_SETFL, O_NONBLOCK) < 0)
		return volt_err_sys(err, "tap: O_NONBLOCK");
	volt_slirp_set_frame_fd(net->slirp, tap_fd);
	if (net->proxy && volt_portproxy_attach(net->proxy, tap_fd, pid, err) < 0)
		return -1;
	return 0;
}

struct volt_poll_source *volt_net_source(struct volt_net *net)
{
	return net->slirp ? &net->source : NULL;
}

void volt_net_stop_ports(struct volt_net *net)
{
	volt_portproxy_free(net->proxy);
	net->proxy = NULL;
}

void volt_net_free(struct volt_net *net)
{
	volt_portproxy_free(net->proxy);
	net->proxy = NULL;
	volt_slirp_free(net->slirp);
	net->slirp = NULL;
}
