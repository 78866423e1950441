/* Published ports: the -p/-P parser, their canonical text form, and the
 * checks made before a container starts (net/ports.c). */
#ifndef VOLT_NET_PORTS_H
#define VOLT_NET_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define VOLT_PORTS_MAX 4096 /* published ports per container (after ranges) */

struct volt_port {
	char host_ip[46];   /* "" = all addresses (0.0.0.0) */
	uint16_t host_port; /* 0 = choose a free port */
	uint16_t ctr_port;
	bool udp;
};

/* volt_ports_parse - parse one -p argument and append its ports (a range
 * gives one entry a port) to *v (*n entries, realloc'd). Forms:
 *   CTR[-CTR2][/tcp|/udp]                     host port chosen
 *   HOST[-HOST2]:CTR[-CTR2][/proto]
 *   IP:[HOST[-HOST2]]:CTR[-CTR2][/proto]      IPv6 as [::1]
 * Return: 0, or -1 with err naming the argument. */
int volt_ports_parse(const char *arg, struct volt_port **v, size_t *n, struct volt_err *err);

/* volt_port_format - canonical "IP:HOST:CTR/proto" (IPv6 IP in brackets),
 * the form stored in the spec. Return: buf. */
char *volt_port_format(const struct volt_port *p, char *buf, size_t len);

/* volt_port_display - docker's "0.0.0.0:8080->80/tcp". Return: buf. */
char *volt_port_display(const struct volt_port *p, char *buf, size_t len);

/* volt_ports_reserve - before a container starts: choose a free host port
 * for each entry with host_port 0, and check every other one can be bound
 * now. A port below net.ipv4.ip_unprivileged_port_start that the user may
 * not bind gets an error saying so and how to change the limit.
 * Return: 0, or -1 with err. */
int volt_ports_reserve(struct volt_port *v, size_t n, struct volt_err *err);

/* volt_port_sockaddr - the host address of p as a sockaddr (v4 or v6).
 * Return: its length, or 0 when host_ip is no address. */
unsigned volt_port_sockaddr(const struct volt_port *p, void *sa, size_t salen);

#endif
