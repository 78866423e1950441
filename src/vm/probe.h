/* Booting a kernel to check that microVMs run here: a one-file initramfs
 * whose /init is volt-init, which (as PID 1 with volt_probe=1 on the kernel
 * command line) says so on the console and powers the VM off. */
#ifndef VOLT_VM_PROBE_H
#define VOLT_VM_PROBE_H

#include "vm/engine.h"

/* What volt-init prints on the console when it runs as a probe's PID 1. */
#define VOLT_PROBE_MARK "volt-init: guest up"

/* volt_vm_probe_initrd - write an uncompressed newc cpio to out: /init
 * (a copy of the static program at init), /dev/console (so that PID 1
 * has a console), /proc and /sys. Device nodes in a cpio are headers
 * only: no root needed. */
int volt_vm_probe_initrd(const char *init, const char *out, struct volt_err *err);

struct volt_vm_probe {
	const char *qemu;
	enum volt_accel accel; /* kvm or tcg */
	const char *kernel;
	const char *initrd;    /* from volt_vm_probe_initrd */
	int timeout_ms;
};

/* volt_vm_probe_boot - boot p's kernel and initramfs and wait for the mark
 * on the console and QEMU's exit. *ms gets the wall time from QEMU's start
 * to its exit. A guest that does not come up in time is an error that says
 * how far it got (the console's last line). */
int volt_vm_probe_boot(const struct volt_vm_probe *p, long *ms, struct volt_err *err);

#endif
