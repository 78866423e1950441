/* lo in a new network namespace: it starts down. Brought up by the child
 * that makes a network namespace ahead (userns/early_userns.c), or by the
 * container child when it clones one itself (container/spawn.c). */
#include <net/if.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "net/net.h"
#include "util/cleanup.h"

int volt_net_loopback_up(struct volt_err *err)
{
	cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};
	if (s < 0)
		return volt_err_sys(err, "socket");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return volt_err_sys(err, "get lo flags");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return volt_err_sys(err, "bring lo up");
	return 0;
}
