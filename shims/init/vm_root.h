/* volt-init in a microVM: a disk appliance's root (vm_root.c). */
#ifndef VOLT_INIT_VM_ROOT_H
#define VOLT_INIT_VM_ROOT_H

/* vm_guest_switch_root - when the kernel command line says volt_root=DEV,
 * mount DEV (ext4) and make it the root, with /dev, /proc, /sys and /run
 * moved into it; the workloads then run there. Without volt_root= it does
 * nothing. A root that cannot be mounted powers the VM off (the host sees
 * no READY and says what the console said). */
void vm_guest_switch_root(void);

#endif
