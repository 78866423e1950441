/* The guest's network, set up by the agent before the workload runs.
 *
 * Theory of operation: the host's monitor serves the VM's virtio-net NIC
 * with its own libslirp (src/net/vmnet.c) and puts volt_net=1 on the kernel
 * command line, which the kernel hands to PID 1 as an environment variable.
 * The network is the one containers have (src/net/net.h): eth0 is
 * 10.0.2.100/24, the default route goes through 10.0.2.2 (the host), DNS is
 * 10.0.2.3 (slirp's forwarder to the host's resolvers). Static addresses
 * with the same plain ioctls a container's tap gets (src/net/tap.c): no
 * DHCP client, no netlink, nothing beyond libc in this static program.
 * The MTU is the device's own (QEMU's host_mtu), which virtio_net takes. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/net.h"
#include "vm_net.h"

static void say(const char *what, int e)
{
	dprintf(2, "volt-init: network: %s%s%s\n", what, e ? ": " : "", e ? strerror(e) : "");
}

static void set_addr(struct sockaddr *sa, const char *ip)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sin->sin_addr);
}

/* link_up - set IFF_UP on name. Return: 0, or -1 (errno). */
static int link_up(int s, const char *name)
{
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

/* wait_eth0 - virtio_net was loaded with the other modules and probes its
 * device as it loads; wait a little in case the device comes later */
static int wait_eth0(int s)
{
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", VOLT_SLIRP_IFNAME);
	for (int tries = 0; tries < 500; tries++) {
		if (ioctl(s, SIOCGIFINDEX, &ifr) == 0)
			return 0;
		usleep(10000);
	}
	errno = ENODEV;
	return -1;
}

static int eth0_configure(int s)
{
	struct ifreq ifr = {0};
	struct rtentry rt = {0};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", VOLT_SLIRP_IFNAME);
	set_addr(&ifr.ifr_addr, VOLT_SLIRP_GUEST);
	if (ioctl(s, SIOCSIFADDR, &ifr) < 0) {
		say("set the address of " VOLT_SLIRP_IFNAME, errno);
		return -1;
	}
	set_addr(&ifr.ifr_netmask, VOLT_SLIRP_NETMASK);
	if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0) {
		say("set the netmask of " VOLT_SLIRP_IFNAME, errno);
		return -1;
	}
	if (link_up(s, VOLT_SLIRP_IFNAME) < 0) {
		say("bring " VOLT_SLIRP_IFNAME " up", errno);
		return -1;
	}
	set_addr(&rt.rt_dst, "0.0.0.0");
	set_addr(&rt.rt_genmask, "0.0.0.0");
	set_addr(&rt.rt_gateway, VOLT_SLIRP_GATEWAY);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = ifr.ifr_name;
	if (ioctl(s, SIOCADDRT, &rt) < 0 && errno != EEXIST) {
		say("add the default route via " VOLT_SLIRP_GATEWAY, errno);
		return -1;
	}
	return 0;
}

/* write_resolv_conf - slirp's DNS forwarder; a symlink the image had there
 * (to systemd-resolved's file, say) is replaced, as nothing serves it here */
static void write_resolv_conf(void)
{
	static const char text[] = "nameserver " VOLT_SLIRP_DNS "\n";
	mkdir("/etc", 0755);
	unlink("/etc/resolv.conf");
	int fd = open("/etc/resolv.conf", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1))
		say("write /etc/resolv.conf", errno);
	if (fd >= 0)
		close(fd);
}

void vm_net_setup(void)
{
	const char *on = getenv("volt_net");
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0) {
		say("socket", errno);
		return;
	}
	if (link_up(s, "lo") < 0)
		say("bring lo up", errno);
	if (on && !strcmp(on, "1")) {
		if (wait_eth0(s) < 0)
			say("no " VOLT_SLIRP_IFNAME " (is virtio_net in the appliance's modules?)", errno);
		else if (eth0_configure(s) == 0)
			write_resolv_conf();
	}
	close(s);
}
