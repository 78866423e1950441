/* User-mode networking for microVMs, served by the monitor's libslirp.
 *
 * Theory of operation: the guest's NIC is QEMU's virtio-net device on a
 * `-netdev dgram` backend whose socket is one end of a
 * socketpair(AF_UNIX, SOCK_DGRAM): one datagram is one Ethernet frame, no
 * length prefix, so the monitor's end is a frame fd exactly like a
 * container's tap, and net/slirp.c serves it unchanged (the host-loopback
 * policy and ACK coalescing included). No QEMU `-netdev user`: the VM's
 * network is volt's own, with the options and the behaviour containers have.
 *
 * Published ports: a container's TCP ports are relayed by net/portproxy.c,
 * which connects to the container's address from a socket made inside the
 * container's network namespace. A microVM's network lives inside QEMU's
 * virtio-net device; no host socket can reach 10.0.2.100 but through slirp.
 * So every published port of a VM, TCP and UDP, is a slirp host forward
 * (port_handler=slirp), bound here before QEMU starts so that a taken port
 * fails the start.
 *
 * The MTU is 1500 unless mtu= says otherwise (containers: 65520). A frame
 * slirp writes while the socket is full is dropped, and a datagram counts
 * against the sender's buffer until QEMU reads it, which it does only when
 * the guest's receive ring has room; a virtio-net ring holds about 13
 * 64 KiB frames against 256 of 1500 bytes, and net.core.wmem_max (212992
 * by default) caps the socket at three 64 KiB frames. Big frames thus
 * are dropped first on a default host, and a drop is a TCP retransmission
 * stall (30 MB fetched by a guest under TCG on this loaded host: 0.6 to
 * 11.7 s at 65520, 1.2 to 5.0 s at 1500: no faster, stalls longer). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net.h"
#include "util/cleanup.h"

/* bytes in flight a direction: a datagram is charged to its sender's
 * buffer until it is read, and a full buffer drops slirp's frame (TCP
 * retransmits). The default (212992) is a few 64 KiB frames; the kernel
 * caps this at net.core.wmem_max without an error. */
#define VM_SNDBUF (4 << 20)

int volt_net_vm_prepare(const char *network, char **stored_ports, struct volt_net *net, int *qemu_fd,
			struct volt_err *err)
{
	cleanup_free struct volt_port *ports = NULL;
	size_t n = 0;
	int sp[2], size = VM_SNDBUF;

	memset(net, 0, sizeof(*net));
	*qemu_fd = -1;
	if (volt_net_parse(network, &net->opts, err) < 0)
		return -1;
	switch (net->opts.mode) {
	case VOLT_NET_NONE:
		if (stored_ports && stored_ports[0])
			return volt_err_set(err, EINVAL,
					    "--network none: a microVM without a network publishes no ports");
		return 0;
	case VOLT_NET_SLIRP: break;
	default: return volt_err_set(err, EINVAL, "--network %s: a microVM's network is slirp or none", network);
	}
	net->opts.port_slirp = true; /* see above: no relay can reach the guest */
	if (!net->opts.mtu_given)
		net->opts.mtu = VOLT_VM_MTU_DEFAULT;
	if (volt_spec_ports(stored_ports, &ports, &n, err) < 0 || volt_ports_reserve(ports, n, err) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp) < 0)
		return volt_err_sys(err, "socketpair for the VM's network");
	for (int i = 0; i < 2; i++)
		setsockopt(sp[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (fcntl(sp[0], F_SETFL, O_NONBLOCK) < 0) {
		volt_err_sys(err, "the VM's network socket: O_NONBLOCK");
		goto fail;
	}
	net->slirp = volt_slirp_new(&net->opts, ports, n, err);
	if (!net->slirp)
		goto fail;
	volt_slirp_set_frame_fd(net->slirp, sp[0]);
	net->source = (struct volt_poll_source){
		.opaque = net->slirp, .prepare = volt_slirp_prepare, .dispatch = volt_slirp_dispatch};
	*qemu_fd = sp[1];
	return 0;
fail:
	close(sp[0]);
	close(sp[1]);
	return -1;
}
