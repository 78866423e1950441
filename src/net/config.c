/* Networking at `volt create` time: the --network value and published ports
 * resolved into the container spec. */
#include <errno.h>
#include <jansson.h>
#include <libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state/liveness.h"
#include <libslirp-version.h>

#include "net/net.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"

/* resolve_container - container:NAME -> container:ID of an existing one */
static int resolve_container(struct volt_ctx *ctx, char **network, const char *ref, struct volt_err *err)
{
	struct volt_ctr_row row;
	int r = volt_ctr_load(ctx, ref, &row, err);
	if (r != 0)
		return r > 0 ? volt_err_said(err, ENOENT, "--network container:%s: no such container", ref) : -1;
	free(*network);
	*network = volt_path("container:%s", row.id);
	volt_ctr_row_free(&row);
	return 0;
}

int volt_net_spec_setup(struct volt_ctx *ctx, char **network, char **exposed_ports, char ***out_ports, char **publish,
			bool publish_all, struct volt_err *err)
{
	struct volt_net_opts o;
	cleanup_free struct volt_port *ports = NULL;
	size_t n = 0;

	if (!*network)
		*network = strdup(VOLT_NET_DEFAULT);
	if (volt_net_parse(*network, &o, err) < 0)
		return -1;
	if (o.mode == VOLT_NET_CONTAINER && resolve_container(ctx, network, o.container, err) < 0)
		return -1;
	for (size_t i = 0; publish && publish[i]; i++)
		if (volt_ports_parse(publish[i], &ports, &n, err) < 0)
			return -1;
	if (publish_all) {
		for (size_t i = 0; exposed_ports && exposed_ports[i]; i++) {
			/* ExposedPorts keys are "80/tcp", "53/udp", "8000-8002/tcp" */
			if (volt_ports_parse(exposed_ports[i], &ports, &n, err) < 0)
				return volt_err_prefix(err, "-P: the image's ExposedPorts");
		}
	}
	if (n && o.mode != VOLT_NET_SLIRP)
		return volt_err_set(err, EINVAL, "published ports need --network slirp (the default), not --network %s",
				    *network);
	/* the splice relay (net/portproxy.c) listens on IPv6 too; libslirp
	 * (UDP, port_handler=slirp) forwards v6 host sockets only to a v6 guest */
	for (size_t i = 0; i < n; i++)
		if (strchr(ports[i].host_ip, ':') && (ports[i].udp || o.port_slirp)) {
			char what[96];
			return volt_err_set(err, EAFNOSUPPORT,
					    "publish %s: IPv6 host addresses are not supported yet for UDP or "
					    "port_handler=slirp",
					    volt_port_display(&ports[i], what, sizeof(what)));
		}
	if (volt_ports_reserve(ports, n, err) < 0)
		return -1;
	volt_strv_free(*out_ports);
	*out_ports = calloc(1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		char buf[96];
		volt_strv_push(out_ports, volt_port_format(&ports[i], buf, sizeof(buf)));
	}
	return 0;
}

const char *volt_net_resolver(const char *network)
{
	enum volt_net_mode m = volt_net_mode_of(network);
	/* container:NAME shares the other's namespace, which is slirp's by default */
	return m == VOLT_NET_SLIRP || m == VOLT_NET_CONTAINER ? VOLT_SLIRP_DNS : NULL;
}

json_t *volt_net_info_json(void)
{
	return json_pack("{s:s,s:s,s:s,s:i}", "default", VOLT_NET_DEFAULT, "libslirp",
			 SLIRP_VERSION_STRING /* build-time: keeps libslirp out of the CLI */, "tun",
			 access("/dev/net/tun", R_OK | W_OK) == 0 ? "yes" : "no", "default_mtu",
			 VOLT_SLIRP_MTU_DEFAULT);
}
