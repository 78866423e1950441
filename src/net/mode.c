/* Parsing of --network modes and of the ports recorded in a spec: pure
 * functions, kept apart from the monitor so that the volt CLI does not link
 * libslirp. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "net/net.h"
#include "util/cleanup.h"

/* parse_slirp_opts - "mtu=N,allow_host_loopback=true,port_handler=slirp" */
static int parse_slirp_opts(const char *s, const char *opts, struct volt_net_opts *o, struct volt_err *err)
{
	char buf[256];
	char *save = NULL;

	if (strlen(opts) >= sizeof(buf))
		return volt_err_set(err, EINVAL, "--network %.32s...: options too long", s);
	snprintf(buf, sizeof(buf), "%s", opts);
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *v = strchr(kv, '=');
		if (!v)
			return volt_err_set(err, EINVAL, "--network %s: option \"%s\" needs a value", s, kv);
		*v++ = '\0';
		if (!strcmp(kv, "mtu")) {
			char *end;
			unsigned long m = strtoul(v, &end, 10);
			if (*end || !*v || m < VOLT_SLIRP_MTU_MIN || m > VOLT_SLIRP_MTU_MAX)
				return volt_err_set(err, EINVAL, "--network %s: mtu must be %d to %d", s,
						    VOLT_SLIRP_MTU_MIN, VOLT_SLIRP_MTU_MAX);
			o->mtu = (unsigned)m;
			o->mtu_given = true;
		} else if (!strcmp(kv, "allow_host_loopback")) {
			if (!strcmp(v, "true"))
				o->allow_host_loopback = true;
			else if (!strcmp(v, "false"))
				o->allow_host_loopback = false;
			else
				return volt_err_set(err, EINVAL, "--network %s: allow_host_loopback is true or false",
						    s);
		} else if (!strcmp(kv, "port_handler")) {
			/* podman's spellings (rootlesskit, slirp4netns) too */
			if (!strcmp(v, "builtin") || !strcmp(v, "rootlesskit"))
				o->port_slirp = false;
			else if (!strcmp(v, "slirp") || !strcmp(v, "slirp4netns"))
				o->port_slirp = true;
			else
				return volt_err_set(err, EINVAL, "--network %s: port_handler is builtin or slirp", s);
		} else {
			return volt_err_set(err, EINVAL,
					    "--network %s: unknown slirp option \"%s\" (mtu, allow_host_loopback, "
					    "port_handler)",
					    s, kv);
		}
	}
	return 0;
}

int volt_net_parse(const char *s, struct volt_net_opts *o, struct volt_err *err)
{
	memset(o, 0, sizeof(*o));
	o->mtu = VOLT_SLIRP_MTU_DEFAULT;
	if (!s || !*s)
		s = VOLT_NET_DEFAULT;
	if (!strcmp(s, "none")) {
		o->mode = VOLT_NET_NONE;
	} else if (!strcmp(s, "host")) {
		o->mode = VOLT_NET_HOST;
	} else if (!strncmp(s, "container:", 10)) {
		o->mode = VOLT_NET_CONTAINER;
		if (!s[10] || strlen(s + 10) >= sizeof(o->container))
			return volt_err_set(err, EINVAL, "--network %s: expected container:NAME", s);
		snprintf(o->container, sizeof(o->container), "%s", s + 10);
	} else if (!strcmp(s, "slirp") || !strcmp(s, "slirp4netns")) {
		o->mode = VOLT_NET_SLIRP;
	} else if (!strncmp(s, "slirp:", 6) || !strncmp(s, "slirp4netns:", 12)) {
		o->mode = VOLT_NET_SLIRP;
		return parse_slirp_opts(s, strchr(s, ':') + 1, o, err);
	} else {
		return volt_err_set(err, EINVAL,
				    "--network %s: supported modes are slirp (default), none, host and container:NAME",
				    s);
	}
	return 0;
}

enum volt_net_mode volt_net_mode_of(const char *s)
{
	struct volt_net_opts o;
	struct volt_err ignored;
	if (!s) /* specs written before slirp existed had none as default */
		return VOLT_NET_NONE;
	if (volt_net_parse(s, &o, &ignored) < 0)
		return VOLT_NET_NONE;
	return o.mode;
}

int volt_spec_ports(char **stored, struct volt_port **v, size_t *n, struct volt_err *err)
{
	*v = NULL;
	*n = 0;
	for (size_t i = 0; stored && stored[i]; i++)
		if (volt_ports_parse(stored[i], v, n, err) < 0)
			return -1;
	return 0;
}
