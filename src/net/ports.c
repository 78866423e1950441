/* Published ports: -p parsing, formatting and the pre-start checks.
 *
 * One -p argument may name a range; it is expanded here into one entry a
 * port, so everything after the parser (the spec, slirp's host forwards,
 * `volt port`) deals with single ports only. The canonical text form
 * "IP:HOST:CTR/proto" is what the spec stores. */
#include "net/ports.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/cleanup.h"

/* parse_range - "80" or "8000-8010" into lo..hi (1..65535, lo <= hi).
 * Return: 0, or -1 when s is no port or range. */
static int parse_range(const char *s, unsigned *lo, unsigned *hi)
{
	char *end;
	unsigned long a, b;

	if (*s < '0' || *s > '9')
		return -1;
	a = strtoul(s, &end, 10);
	b = a;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return -1;
		b = strtoul(end + 1, &end, 10);
	}
	if (*end || a < 1 || a > 65535 || b < a || b > 65535)
		return -1;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
}

int volt_ports_parse(const char *arg, struct volt_port **v, size_t *n, struct volt_err *err)
{
	char buf[256];
	char *ip = NULL, *host = NULL, *ctr, *slash;
	unsigned clo, chi, hlo = 0, hhi = 0;
	bool udp = false;

	if (strlen(arg) >= sizeof(buf) || !*arg)
		return volt_err_set(err, EINVAL, "-p %.64s: invalid port specification", arg);
	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strrchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		if (!strcmp(slash, "udp"))
			udp = true;
		else if (strcmp(slash, "tcp") != 0)
			return volt_err_set(err, EINVAL, "-p %s: unknown protocol \"%s\" (tcp or udp)", arg, slash);
	}
	if (buf[0] == '[') {
		char *close_br = strchr(buf, ']');
		if (!close_br || close_br[1] != ':')
			return volt_err_set(err, EINVAL, "-p %s: expected [IPv6]:HOSTPORT:CTRPORT", arg);
		*close_br = '\0';
		ip = buf + 1;
		host = close_br + 2;
		ctr = strchr(host, ':');
		if (!ctr)
			return volt_err_set(err, EINVAL, "-p %s: expected [IPv6]:HOSTPORT:CTRPORT", arg);
		*ctr++ = '\0';
	} else {
		char *c1 = strchr(buf, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 && strchr(c2 + 1, ':'))
			return volt_err_set(err, EINVAL, "-p %s: too many colons (write an IPv6 address as [::1])",
					    arg);
		if (c2) {
			*c1 = *c2 = '\0';
			ip = buf;
			host = c1 + 1;
			ctr = c2 + 1;
		} else if (c1) {
			*c1 = '\0';
			host = buf;
			ctr = c1 + 1;
		} else {
			ctr = buf;
		}
	}
	if (ip && *ip) {
		unsigned char a[16];
		if (inet_pton(strchr(ip, ':') ? AF_INET6 : AF_INET, ip, a) != 1)
			return volt_err_set(err, EINVAL, "-p %s: \"%s\" is not an IP address", arg, ip);
		if (strlen(ip) >= sizeof((*v)->host_ip))
			return volt_err_set(err, EINVAL, "-p %s: address too long", arg);
	}
	if (parse_range(ctr, &clo, &chi) < 0)
		return volt_err_set(err, EINVAL, "-p %s: \"%s\" is not a port or range (1-65535)", arg, ctr);
	if (host && *host) {
		if (parse_range(host, &hlo, &hhi) < 0)
			return volt_err_set(err, EINVAL, "-p %s: \"%s\" is not a port or range (1-65535)", arg, host);
		if (hhi - hlo != chi - clo)
			return volt_err_set(err, EINVAL, "-p %s: host and container ranges differ in size", arg);
	}
	size_t count = chi - clo + 1;
	if (*n + count > VOLT_PORTS_MAX)
		return volt_err_set(err, E2BIG, "-p %s: more than %d published ports", arg, VOLT_PORTS_MAX);
	struct volt_port *nv = realloc(*v, (*n + count) * sizeof(**v));
	if (!nv)
		return volt_err_set(err, ENOMEM, "-p %s", arg);
	*v = nv;
	for (size_t i = 0; i < count; i++) {
		struct volt_port *p = &nv[(*n)++];
		memset(p, 0, sizeof(*p));
		if (ip)
			snprintf(p->host_ip, sizeof(p->host_ip), "%s", ip);
		p->host_port = (uint16_t)(hlo ? hlo + i : 0);
		p->ctr_port = (uint16_t)(clo + i);
		p->udp = udp;
	}
	return 0;
}

char *volt_port_format(const struct volt_port *p, char *buf, size_t len)
{
	bool v6 = strchr(p->host_ip, ':') != NULL;
	char hp[8] = "";
	if (p->host_port) /* 0 (not chosen yet) is written as nothing: "IP::CTR" */
		snprintf(hp, sizeof(hp), "%u", p->host_port);
	snprintf(buf, len, "%s%s%s:%s:%u/%s", v6 ? "[" : "", p->host_ip, v6 ? "]" : "", hp, p->ctr_port,
		 p->udp ? "udp" : "tcp");
	return buf;
}

char *volt_port_display(const struct volt_port *p, char *buf, size_t len)
{
	bool v6 = strchr(p->host_ip, ':') != NULL;
	snprintf(buf, len, "%s%s%s:%u->%u/%s", v6 ? "[" : "", p->host_ip[0] ? p->host_ip : "0.0.0.0", v6 ? "]" : "",
		 p->host_port, p->ctr_port, p->udp ? "udp" : "tcp");
	return buf;
}

unsigned volt_port_sockaddr(const struct volt_port *p, void *sa, size_t salen)
{
	memset(sa, 0, salen);
	if (strchr(p->host_ip, ':')) {
		struct sockaddr_in6 *s6 = sa;
		if (salen < sizeof(*s6) || inet_pton(AF_INET6, p->host_ip, &s6->sin6_addr) != 1)
			return 0;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(p->host_port);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = sa;
	if (salen < sizeof(*s4))
		return 0;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(p->host_port);
	if (p->host_ip[0] && inet_pton(AF_INET, p->host_ip, &s4->sin_addr) != 1)
		return 0;
	return sizeof(*s4);
}

/* unprivileged_port_start - net.ipv4.ip_unprivileged_port_start (1024 when
 * it cannot be read). */
static unsigned unprivileged_port_start(void)
{
	cleanup_fclose FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
	unsigned v = 1024;
	if (!f || fscanf(f, "%u", &v) != 1)
		return 1024;
	return v;
}

/* bind_port - bind a socket like the one slirp will listen on.
 * Return: the bound socket, or -1 with err naming the port and the reason. */
static int bind_port(struct volt_port *p, struct volt_err *err)
{
	struct sockaddr_storage ss;
	socklen_t len = volt_port_sockaddr(p, &ss, sizeof(ss));
	char what[96];
	int one = 1;

	volt_port_display(p, what, sizeof(what));
	if (!len)
		return volt_err_set(err, EINVAL, "publish %s: invalid host address", what);
	int fd = socket(ss.ss_family, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return volt_err_sys(err, "publish %s: socket", what);
	/* slirp sets SO_REUSEADDR on its listeners: do the same, so a port in
	 * TIME_WAIT is no conflict while a listening one still is */
	if (!p->udp)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) == 0) {
		if (!p->host_port) {
			getsockname(fd, (struct sockaddr *)&ss, &len);
			p->host_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
									((struct sockaddr_in *)&ss)->sin_port);
		}
		return fd;
	}
	int e = errno;
	close(fd);
	unsigned start = unprivileged_port_start();
	if ((e == EACCES || e == EPERM) && p->host_port < start)
		return volt_err_said(err, e,
				     "publish %s: host port %u is below net.ipv4.ip_unprivileged_port_start (%u), "
				     "so an unprivileged user cannot bind it; use a port >= %u, or lower the limit "
				     "as root: sysctl -w net.ipv4.ip_unprivileged_port_start=%u",
				     what, p->host_port, start, start, p->host_port);
	if (e == EADDRINUSE)
		return volt_err_said(err, e, "publish %s: host port %u/%s is already in use", what, p->host_port,
				     p->udp ? "udp" : "tcp");
	return volt_err_set(err, e, "publish %s: bind", what);
}

int volt_ports_reserve(struct volt_port *v, size_t n, struct volt_err *err)
{
	cleanup_free int *fds = calloc(n ? n : 1, sizeof(int));
	int ret = 0;
	size_t i;

	if (!fds)
		return volt_err_set(err, ENOMEM, "publish ports");
	for (i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (v[j].host_port && v[j].host_port == v[i].host_port && v[j].udp == v[i].udp &&
			    !strcmp(v[j].host_ip, v[i].host_ip)) {
				char what[96];
				ret = volt_err_set(err, EINVAL, "publish %s: host port given twice",
						   volt_port_display(&v[i], what, sizeof(what)));
				goto out;
			}
		/* every socket stays bound until all are checked, so that two
		 * chosen ports never coincide */
		fds[i] = bind_port(&v[i], err);
		if (fds[i] < 0) {
			ret = -1;
			goto out;
		}
	}
out:
	while (i-- > 0)
		close(fds[i]);
	return ret;
}
