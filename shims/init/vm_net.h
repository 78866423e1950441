/* The guest's network (vm_net.c). */
#ifndef VOLT_INIT_VM_NET_H
#define VOLT_INIT_VM_NET_H

/* vm_net_setup - with volt_net=1 on the kernel command line: lo and eth0
 * up, eth0 on the host's slirp network, /etc/resolv.conf. Without it, lo
 * only. Failures are said on the console; the workload runs anyway. */
void vm_net_setup(void);

#endif
