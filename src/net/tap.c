/* The container's tap device, created by the container child.
 *
 * Theory of operation: the tap must live in the container's network
 * namespace, and only a process inside that namespace's owning user
 * namespace with CAP_NET_ADMIN may create one there. The container child is
 * exactly that, between unshare and pivot_root (while /dev/net/tun of the
 * host is still reachable). It creates eth0, configures it with plain
 * ioctls (no netlink library needed for one address and one route), and
 * passes the fd to volt-shim over the spawn's SOCK_SEQPACKET socket with
 * SCM_RIGHTS. The container thus execs with its network already configured;
 * only IPv6 (SLAAC from slirp's router advertisements) completes later. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net.h"
#include "util/cleanup.h"
#include "util/fdpass.h"

/* set_addr - fill a sockaddr_in inside an ifreq/rtentry */
static void set_addr(struct sockaddr *sa, const char *ip)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sin->sin_addr);
}

/* tap_configure - MTU, address, netmask, up, default route. */
static int tap_configure(unsigned mtu, struct volt_err *err)
{
	cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};
	struct rtentry rt = {0};

	if (s < 0)
		return volt_err_sys(err, "socket");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", VOLT_SLIRP_IFNAME);
	ifr.ifr_mtu = (int)mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
		return volt_err_sys(err, "set MTU %u on %s", mtu, VOLT_SLIRP_IFNAME);
	set_addr(&ifr.ifr_addr, VOLT_SLIRP_GUEST);
	if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
		return volt_err_sys(err, "set address %s on %s", VOLT_SLIRP_GUEST, VOLT_SLIRP_IFNAME);
	set_addr(&ifr.ifr_netmask, VOLT_SLIRP_NETMASK);
	if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
		return volt_err_sys(err, "set netmask on %s", VOLT_SLIRP_IFNAME);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return volt_err_sys(err, "get flags of %s", VOLT_SLIRP_IFNAME);
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return volt_err_sys(err, "bring %s up", VOLT_SLIRP_IFNAME);
	set_addr(&rt.rt_dst, "0.0.0.0");
	set_addr(&rt.rt_genmask, "0.0.0.0");
	set_addr(&rt.rt_gateway, VOLT_SLIRP_GATEWAY);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = ifr.ifr_name;
	if (ioctl(s, SIOCADDRT, &rt) < 0)
		return volt_err_sys(err, "add the default route via %s", VOLT_SLIRP_GATEWAY);
	return 0;
}

int volt_tap_child_setup(unsigned mtu, int sock, struct volt_err *err)
{
	cleanup_close int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	struct ifreq ifr = {0};

	if (fd < 0)
		return volt_err_sys(err, "open /dev/net/tun (slirp networking needs it; use --network none "
					 "or --network host without it)");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", VOLT_SLIRP_IFNAME);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return volt_err_sys(err, "create tap device %s", VOLT_SLIRP_IFNAME);
	if (tap_configure(mtu, err) < 0)
		return -1;
	if (volt_fd_send(sock, fd, VOLT_FD_TAG_TAP) < 0)
		return volt_err_sys(err, "pass the tap device to the monitor");
	return 0;
}
