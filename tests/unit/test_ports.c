/* Unit tests for net/ports.c (-p parsing, formats, reservation), the
 * --network parser (net/monitor.c) and the host-loopback filter (net/filter.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "container/spec.h"
#include "net/filter.h"
#include "net/net.h"
#include "net/ports.h"

static struct volt_port *parse(const char *arg, size_t *n)
{
	struct volt_port *v = NULL;
	struct volt_err err;
	*n = 0;
	if (volt_ports_parse(arg, &v, n, &err) < 0) {
		free(v);
		return NULL;
	}
	return v;
}

static void test_forms(void **state)
{
	size_t n;
	struct volt_port *v;
	(void)state;

	v = parse("80", &n);
	assert_non_null(v);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].host_ip, "");
	assert_int_equal(v[0].host_port, 0);
	assert_int_equal(v[0].ctr_port, 80);
	assert_false(v[0].udp);
	free(v);

	v = parse("8080:80/udp", &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].host_port, 8080);
	assert_int_equal(v[0].ctr_port, 80);
	assert_true(v[0].udp);
	free(v);

	v = parse("127.0.0.1:8080:80/tcp", &n);
	assert_string_equal(v[0].host_ip, "127.0.0.1");
	assert_int_equal(v[0].host_port, 8080);
	free(v);

	v = parse("127.0.0.1::80", &n);
	assert_string_equal(v[0].host_ip, "127.0.0.1");
	assert_int_equal(v[0].host_port, 0);
	free(v);

	v = parse("[::1]:8080:80", &n);
	assert_string_equal(v[0].host_ip, "::1");
	assert_int_equal(v[0].host_port, 8080);
	free(v);

	v = parse("8000-8002:80-82", &n);
	assert_int_equal(n, 3);
	assert_int_equal(v[2].host_port, 8002);
	assert_int_equal(v[2].ctr_port, 82);
	free(v);

	v = parse("7000-7001/udp", &n);
	assert_int_equal(n, 2);
	assert_int_equal(v[1].ctr_port, 7001);
	assert_int_equal(v[1].host_port, 0);
	assert_true(v[1].udp);
	free(v);
}

static void test_errors(void **state)
{
	size_t n;
	(void)state;
	static const char *bad[] = {"",
				    "0",
				    "65536",
				    "abc",
				    "80/sctp",
				    "1:2:3:4",
				    "::1:80:80",
				    "8000-8001:80",
				    "82-80",
				    "1.2.3:80:80",
				    "[::1:80:80",
				    "[::1]80:80",
				    "-1",
				    "80-",
				    "a.b.c.d::80",
				    "80:",
				    "1:2:",
				    "[zz]:1:2",
				    "99999999999999999999:80"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct volt_port *v = parse(bad[i], &n);
		if (v)
			fail_msg("\"%s\" parsed", bad[i]);
	}
}

static void test_format_roundtrip(void **state)
{
	static const char *in[] = {"127.0.0.1:8080:80/tcp", "::53/udp", "[::1]:9:10/tcp"};
	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		size_t n;
		char buf[96];
		struct volt_port *v = parse(in[i], &n);
		assert_non_null(v);
		assert_string_equal(volt_port_format(v, buf, sizeof(buf)), in[i]);
		free(v);
	}
	size_t n;
	char buf[96];
	struct volt_port *v = parse("8080:80/udp", &n);
	assert_string_equal(volt_port_display(v, buf, sizeof(buf)), "0.0.0.0:8080->80/udp");
	free(v);
}

static void test_reserve(void **state)
{
	struct volt_err err;
	size_t n;
	(void)state;
	/* a chosen port becomes a real one; the same fixed port twice is refused */
	struct volt_port *v = parse("127.0.0.1::80", &n);
	assert_int_equal(volt_ports_reserve(v, n, &err), 0);
	assert_true(v[0].host_port > 0);
	char arg[64];
	snprintf(arg, sizeof(arg), "127.0.0.1:%u:80", v[0].host_port);
	assert_int_equal(volt_ports_parse(arg, &v, &n, &err), 0);
	assert_int_equal(volt_ports_parse(arg, &v, &n, &err), 0);
	assert_int_equal(volt_ports_reserve(v + 1, 2, &err), -1);
	assert_non_null(strstr(err.msg, "twice"));
	/* a port someone listens on is refused with "already in use" */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(v[1].host_port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(volt_ports_reserve(v + 1, 1, &err), -1);
	assert_non_null(strstr(err.msg, "already in use"));
	close(fd);
	free(v);
}

static void test_network_modes(void **state)
{
	struct volt_net_opts o;
	struct volt_err err;
	(void)state;
	assert_int_equal(volt_net_parse(NULL, &o, &err), 0);
	assert_int_equal(o.mode, VOLT_NET_SLIRP);
	assert_int_equal(o.mtu, 65520);
	assert_false(o.mtu_given);
	assert_false(o.allow_host_loopback);
	assert_int_equal(volt_net_parse("slirp:mtu=1500,allow_host_loopback=true", &o, &err), 0);
	assert_int_equal(o.mtu, 1500);
	assert_true(o.mtu_given);
	assert_true(o.allow_host_loopback);
	assert_int_equal(volt_net_parse("container:web", &o, &err), 0);
	assert_int_equal(o.mode, VOLT_NET_CONTAINER);
	assert_string_equal(o.container, "web");
	assert_int_equal(volt_net_parse("none", &o, &err), 0);
	assert_int_equal(o.mode, VOLT_NET_NONE);
	assert_int_equal(volt_net_parse("host", &o, &err), 0);
	assert_int_equal(o.mode, VOLT_NET_HOST);
	assert_int_equal(volt_net_parse("slirp:mtu=100", &o, &err), -1);
	assert_int_equal(volt_net_parse("slirp:mtu=70000", &o, &err), -1);
	assert_int_equal(volt_net_parse("slirp:mtu", &o, &err), -1);
	assert_int_equal(volt_net_parse("slirp:allow_host_loopback=yes", &o, &err), -1);
	assert_int_equal(volt_net_parse("container:", &o, &err), -1);
	assert_int_equal(volt_net_parse("bridge", &o, &err), -1);
	assert_int_equal(volt_net_mode_of(NULL), VOLT_NET_NONE);
}

static void test_network_port_handler(void **state)
{
	struct volt_net_opts o;
	struct volt_err err;
	(void)state;
	assert_int_equal(volt_net_parse("slirp", &o, &err), 0);
	assert_false(o.port_slirp); /* builtin is the default */
	assert_int_equal(volt_net_parse("slirp:port_handler=slirp", &o, &err), 0);
	assert_true(o.port_slirp);
	assert_int_equal(volt_net_parse("slirp4netns:port_handler=slirp4netns,mtu=1500", &o, &err), 0);
	assert_true(o.port_slirp);
	assert_int_equal(o.mtu, 1500);
	assert_int_equal(volt_net_parse("slirp:port_handler=slirp,port_handler=builtin", &o, &err), 0);
	assert_false(o.port_slirp);
	assert_int_equal(volt_net_parse("slirp:port_handler=rootlesskit", &o, &err), 0);
	assert_false(o.port_slirp);
	assert_int_equal(volt_net_parse("slirp:port_handler=", &o, &err), -1);
	assert_int_equal(volt_net_parse("slirp:port_handler=Slirp", &o, &err), -1);
	assert_non_null(strstr(err.msg, "builtin or slirp"));
	assert_int_equal(volt_net_parse("slirp:port_handler", &o, &err), -1);
}

/* frame4 - an Ethernet + IPv4 + TCP/UDP frame src -> dst */
static size_t frame4(uint8_t *f, const char *src, const char *dst, int proto, uint16_t sport, uint16_t dport,
		     uint8_t tcpflags)
{
	memset(f, 0, 128);
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	ip[9] = (uint8_t)proto;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	uint8_t *l4 = ip + 20;
	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	l4[7] = 41; /* seq */
	l4[13] = tcpflags;
	return 14 + 20 + 20;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void test_lofilter(void **state)
{
	static struct volt_lofilter lf;
	uint8_t f[128], reply[128];
	bool drop;
	size_t n, r;
	(void)state;

	/* a SYN to the host's loopback: dropped and answered by a valid RST */
	n = frame4(f, "10.0.2.100", "10.0.2.2", 6, 40000, 8080, 0x02);
	r = volt_lofilter_in(&lf, f, n, reply, sizeof(reply), &drop);
	assert_true(drop);
	assert_int_equal(r, 54);
	assert_int_equal(reply[14 + 20 + 13], 0x14);
	assert_int_equal(reply[14 + 20 + 11], 42); /* ack = seq + 1 */
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(reply[14 + i] << 8 | reply[14 + i + 1]);
	assert_int_equal(fold(s), 0xffff); /* IPv4 header checksum holds */
	s = 6 + 20;
	for (int i = 0; i < 8; i += 2)
		s += (uint32_t)(reply[14 + 12 + i] << 8 | reply[14 + 12 + i + 1]);
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(reply[34 + i] << 8 | reply[34 + i + 1]);
	assert_int_equal(fold(s), 0xffff); /* TCP checksum holds */
	/* segments of existing connections and traffic elsewhere pass */
	n = frame4(f, "10.0.2.100", "10.0.2.2", 6, 80, 50000, 0x12);
	volt_lofilter_in(&lf, f, n, reply, sizeof(reply), &drop);
	assert_false(drop);
	n = frame4(f, "10.0.2.100", "192.0.2.1", 6, 40000, 80, 0x02);
	volt_lofilter_in(&lf, f, n, reply, sizeof(reply), &drop);
	assert_false(drop);
	/* UDP to the gateway: only as the reply of a flow the host started */
	n = frame4(f, "10.0.2.100", "10.0.2.2", 17, 9000, 55555, 0);
	volt_lofilter_in(&lf, f, n, reply, sizeof(reply), &drop);
	assert_true(drop);
	n = frame4(f, "10.0.2.2", "10.0.2.100", 17, 55555, 9000, 0);
	volt_lofilter_out(&lf, f, n);
	n = frame4(f, "10.0.2.100", "10.0.2.2", 17, 9000, 55555, 0);
	volt_lofilter_in(&lf, f, n, reply, sizeof(reply), &drop);
	assert_false(drop);
	n = frame4(f, "10.0.2.100", "10.0.2.2", 17, 9001, 55555, 0);
	volt_lofilter_in(&lf, f, n, reply, sizeof(reply), &drop);
	assert_true(drop);
	/* runts pass to slirp, which validates them itself */
	volt_lofilter_in(&lf, f, 20, reply, sizeof(reply), &drop);
	assert_false(drop);
}

/* -P: every ExposedPort of the image gets a free host port */
static void test_publish_all(void **state)
{
	struct volt_spec s = {0};
	struct volt_err err;
	char *pub[] = {"127.0.0.1::9000-9001/udp", NULL};
	(void)state;
	s.exposed_ports = calloc(1, sizeof(char *));
	volt_strv_push(&s.exposed_ports, "8080/tcp");
	volt_strv_push(&s.exposed_ports, "53/udp");
	assert_int_equal(volt_net_spec_setup(NULL, &s.network, s.exposed_ports, &s.ports, pub, true, &err), 0);
	assert_string_equal(s.network, "slirp");
	assert_int_equal(volt_strv_len(s.ports), 4);
	assert_non_null(strstr(s.ports[0], "127.0.0.1:"));
	assert_non_null(strstr(s.ports[2], ":8080/tcp"));
	assert_non_null(strstr(s.ports[3], ":53/udp"));
	assert_null(strstr(s.ports[2], "::")); /* a real host port was chosen */
	volt_spec_free(&s);
	s.network = strdup("none");
	assert_int_equal(volt_net_spec_setup(NULL, &s.network, s.exposed_ports, &s.ports, pub, false, &err), -1);
	assert_non_null(strstr(err.msg, "need --network slirp"));
	volt_spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_network_modes),
		cmocka_unit_test(test_network_port_handler),
		cmocka_unit_test(test_lofilter),
		cmocka_unit_test(test_publish_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
