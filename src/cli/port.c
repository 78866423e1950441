/* volt port: a container's published ports. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "workload/lifecycle.h"
#include "container/spec.h"
#include "net/net.h"
#include "util/cleanup.h"

const struct volt_cmd_spec cli_port_spec = {
	.usage = "Usage: volt port CONTAINER [PORT[/PROTO]]\n\nList a container's published ports.\n",
};

/* cmd_port - "volt port NAME [CTRPORT[/proto]]", output as docker's:
 * "80/tcp -> 0.0.0.0:8080" for all, or "0.0.0.0:8080" for one port. */
int cmd_port(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	struct volt_spec spec = {0};
	cleanup_free struct volt_port *ports = NULL;
	size_t n = 0;
	unsigned want = 0;
	const char *want_proto = NULL;
	int r, found = 0;

	if (argc < 2 || argc > 3)
		return cli_usage_error("port", "requires a container and at most one port");
	if (argc == 3) {
		char *end;
		want = (unsigned)strtoul(argv[2], &end, 10);
		if (*end == '/')
			want_proto = end + 1;
		else if (*end)
			return cli_usage_error("port", "%s: expected PORT[/tcp|/udp]", argv[2]);
		if (!want || want > 65535 || (want_proto && strcmp(want_proto, "tcp") && strcmp(want_proto, "udp")))
			return cli_usage_error("port", "%s: expected PORT[/tcp|/udp]", argv[2]);
	}
	if (!(ctx = cli_ctx(cli)))
		return 125;
	r = cli_ctr_load(ctx, argv[1], &row);
	if (r != 0)
		return r;
	r = volt_spec_from_json(&spec, row.spec, &err);
	if (r == 0)
		r = volt_spec_ports(spec.ports, &ports, &n, &err);
	volt_spec_free(&spec);
	if (r < 0) {
		volt_ctr_row_free(&row);
		return cli_fail(&err);
	}
	for (size_t i = 0; i < n; i++) {
		const struct volt_port *p = &ports[i];
		const char *proto = p->udp ? "udp" : "tcp";
		bool v6 = strchr(p->host_ip, ':') != NULL;
		char host[80];
		snprintf(host, sizeof(host), "%s%s%s:%u", v6 ? "[" : "", p->host_ip[0] ? p->host_ip : "0.0.0.0",
			 v6 ? "]" : "", p->host_port);
		if (want) {
			if (p->ctr_port != want || strcmp(proto, want_proto ? want_proto : "tcp"))
				continue;
			printf("%s\n", host);
		} else {
			printf("%u/%s -> %s\n", p->ctr_port, proto, host);
		}
		found++;
	}
	if (want && !found) {
		volt_err_set(&err, 0, "no public port '%u/%s' published for %s", want, want_proto ? want_proto : "tcp",
			     row.name);
		volt_ctr_row_free(&row);
		return cli_fail(&err);
	}
	volt_ctr_row_free(&row);
	return 0;
}
