/* Booting a kernel to check that microVMs run here: an initramfs holding
 * volt-init as /init (the guest agent) and the kernel's guest modules; the
 * host waits for the agent's READY, runs `/init --version` in the guest
 * through the agent protocol, and shuts the VM down. */
#ifndef VOLT_VM_PROBE_H
#define VOLT_VM_PROBE_H

#include <stdbool.h>

#include "util/pollv.h"
#include "vm/engine.h"
#include "vm/kernel.h"
#include "vm/qemu_argv.h"

/* volt_vm_probe_initrd - write an uncompressed newc cpio to out: /init (a
 * copy of the static program at init), /dev/console (so that PID 1 has a
 * console), /proc, /sys, and k's guest modules with their load order as
 * /lib/modules/<version>/volt.load (store kernels; others have none).
 * Device nodes in a cpio are headers only: no root needed. */
int volt_vm_probe_initrd(const char *init, const struct volt_kernel *k, const char *out, struct volt_err *err);

struct volt_vm_probe {
	const char *qemu;
	enum volt_accel accel; /* kvm or tcg */
	const char *kernel;
	const char *initrd;	 /* from volt_vm_probe_initrd */
	const char *disk;	 /* a disk appliance's root (ext4), or NULL */
	const char *append;	 /* more for the kernel command line, or NULL */
	const char *const *args; /* the command to run; NULL: /init --version */
	const char *const *env;	 /* its environment (NULL: a default PATH) */
	bool relay;		 /* the command's output to our stdout/stderr as it comes */
	/* volumes (vm/shares.c; their kernel parameter goes in append) */
	const struct volt_qemu_share *shares;
	size_t n_shares;
	int timeout_ms;
	/* the VM's network (net/net.h: volt_net_vm_prepare), or NULL for no
	 * NIC: served in the boot's poll loop; net_fd is QEMU's end (the
	 * caller's, still open after the call), net_mtu the guest's MTU */
	struct volt_poll_source *net;
	int net_fd;
	unsigned net_mtu;
};

/* What a probe boot measured. */
struct volt_vm_probe_result {
	long ready_ms;	  /* QEMU's start to the agent's READY */
	long total_ms;	  /* QEMU's start to its exit */
	int code;	  /* the guest command's exit code */
	char output[256]; /* the first bytes it printed */
	char agent[64];	  /* the agent's version */
};

/* volt_vm_probe_boot - boot p's kernel and initramfs, talk to the agent,
 * power the VM off. A guest that does not come up in time, a bad frame
 * from the guest or a QEMU that fails is an error that says how far it got
 * (the console's last line). QEMU never outlives the call. */
int volt_vm_probe_boot(const struct volt_vm_probe *p, struct volt_vm_probe_result *res, struct volt_err *err);

#endif
