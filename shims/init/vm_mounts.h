/* volt-init in a microVM: the shared volumes (vm_mounts.c). */
#ifndef VOLT_INIT_VM_MOUNTS_H
#define VOLT_INIT_VM_MOUNTS_H

/* vm_mounts_setup - mount what the kernel command line's volt_vol= lists
 * (virtiofs or 9p, read-only when asked), each at its path; call after the
 * modules are loaded. Return 0, or -1 after saying on the console which
 * one failed and why (the VM should not run its workload without it). */
int vm_mounts_setup(void);

/* vm_mounts_error - after a failed setup, what failed and why (for the host) */
const char *vm_mounts_error(void);

#endif
