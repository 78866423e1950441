/* Unit tests for net/vmnet.c: a microVM's network, slirp over a datagram
 * socket pair with QEMU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net.h"

static void test_none_and_refused_modes(void **state)
{
	struct volt_net net;
	struct volt_err err = {0};
	int fd = 99;
	char *ports[] = {"127.0.0.1:8080:80/tcp", NULL};
	(void)state;

	/* none: no NIC, nothing to serve */
	assert_int_equal(volt_net_vm_prepare("none", NULL, &net, &fd, &err), 0);
	assert_int_equal(fd, -1);
	assert_null(volt_net_source(&net));
	volt_net_free(&net);
	/* a port needs a network */
	assert_int_equal(volt_net_vm_prepare("none", ports, &net, &fd, &err), -1);
	assert_non_null(strstr(err.msg, "publishes no ports"));
	/* a VM shares no namespace with the host or a container */
	assert_int_equal(volt_net_vm_prepare("host", NULL, &net, &fd, &err), -1);
	assert_non_null(strstr(err.msg, "slirp or none"));
	assert_int_equal(fd, -1);
	assert_int_equal(volt_net_vm_prepare("container:web", NULL, &net, &fd, &err), -1);
	assert_int_equal(volt_net_vm_prepare("bridge", NULL, &net, &fd, &err), -1);
}

/* turn - one turn of a monitor's loop over the network's poll source */
static void turn(struct volt_poll_source *src, int ms)
{
	struct volt_pollv pv = {0};
	int tmo = ms;
	src->prepare(src->opaque, &pv, &tmo);
	if (tmo < 0 || tmo > ms)
		tmo = ms;
	poll(pv.fds, pv.n, tmo);
	src->dispatch(src->opaque, &pv);
	free(pv.fds);
}

/* an ARP request from the guest for the gateway, 10.0.2.2 */
static size_t arp_request(uint8_t *f)
{
	static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	memset(f, 0, 42);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08, f[13] = 0x06;		    /* ARP */
	f[14] = 0, f[15] = 1, f[16] = 8, f[17] = 0; /* Ethernet, IPv4 */
	f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1; /* request */
	memcpy(f + 22, mac, 6);
	inet_pton(AF_INET, VOLT_SLIRP_GUEST, f + 28);
	inet_pton(AF_INET, VOLT_SLIRP_GATEWAY, f + 38);
	return 42;
}

static void test_slirp_answers_on_the_socket(void **state)
{
	struct volt_net net;
	struct volt_err err = {0};
	int fd = -1, type = 0;
	socklen_t tl = sizeof(type);
	uint8_t f[2048];
	(void)state;

	if (volt_net_vm_prepare(NULL, NULL, &net, &fd, &err) < 0) {
		/* no libslirp0 on this host: nothing more to test here */
		assert_non_null(volt_slirp_lazy_error());
		return;
	}
	/* the default is slirp, with a VM's MTU; QEMU's end is a datagram
	 * socket (one frame a datagram) that does not cross exec by itself */
	assert_true(fd > 2);
	assert_int_equal(net.opts.mode, VOLT_NET_SLIRP);
	assert_int_equal(net.opts.mtu, VOLT_VM_MTU_DEFAULT);
	assert_true(net.opts.port_slirp);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl), 0);
	assert_int_equal(type, SOCK_DGRAM);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	struct volt_poll_source *src = volt_net_source(&net);
	assert_non_null(src);

	/* what QEMU would pass on from the guest: slirp answers it as the gateway */
	size_t n = arp_request(f);
	assert_int_equal(write(fd, f, n), (ssize_t)n);
	ssize_t got = -1;
	for (int i = 0; i < 50 && got < 0; i++) {
		turn(src, 100);
		got = recv(fd, f, sizeof(f), MSG_DONTWAIT);
	}
	assert_true(got >= 42);
	assert_int_equal(f[12], 0x08);
	assert_int_equal(f[13], 0x06);
	assert_int_equal(f[21], 2); /* a reply */
	uint8_t gw[4];
	inet_pton(AF_INET, VOLT_SLIRP_GATEWAY, gw);
	assert_memory_equal(f + 28, gw, 4);
	close(fd);
	volt_net_free(&net);
	assert_null(net.slirp);
}

static void test_mtu_given(void **state)
{
	struct volt_net net;
	struct volt_err err = {0};
	int fd = -1;
	(void)state;
	if (volt_net_vm_prepare("slirp:mtu=9000", NULL, &net, &fd, &err) < 0) {
		assert_non_null(volt_slirp_lazy_error());
		return;
	}
	assert_int_equal(net.opts.mtu, 9000);
	close(fd);
	volt_net_free(&net);
}

static void test_port_taken(void **state)
{
	struct volt_net net;
	struct volt_err err = {0};
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int fd = 99, l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char spec[64];
	(void)state;

	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &al), 0);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u:80/tcp", ntohs(a.sin_port));
	char *ports[] = {spec, NULL};
	/* bound before QEMU starts: a taken port fails the start */
	assert_int_equal(volt_net_vm_prepare("slirp", ports, &net, &fd, &err), -1);
	assert_non_null(strstr(err.msg, "already in use"));
	assert_int_equal(fd, -1);
	assert_null(net.slirp);
	close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none_and_refused_modes),
		cmocka_unit_test(test_slirp_answers_on_the_socket),
		cmocka_unit_test(test_mtu_given),
		cmocka_unit_test(test_port_taken),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
