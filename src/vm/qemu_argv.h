/* The command line of a microVM: QEMU's microvm machine, virtio-mmio
 * devices only, the kernel and initramfs given directly (no firmware, no
 * disk to boot from), nothing QEMU would add by default. */
#ifndef VOLT_VM_QEMU_ARGV_H
#define VOLT_VM_QEMU_ARGV_H

#include "vm/agent_proto.h"
#include "vm/engine.h"

struct volt_qemu_config {
	const char *qemu;
	enum volt_accel accel; /* kvm or tcg (auto is resolved before) */
	unsigned cpus;	       /* 0: 1 */
	unsigned mem_mib;      /* 0: 256 */
	const char *kernel;
	const char *initrd;   /* NULL: none */
	const char *disk;     /* the root of a disk appliance (raw ext4) as /dev/vda, writes discarded; or NULL */
	const char *append;   /* added to the kernel command line, or NULL */
	long tsc_khz;	      /* TCG: tsc_early_khz= (0: not set) */
	int console_fd;	      /* the serial console: a socket, or -1 for stdio */
	int agent_fd;	      /* the guest agent's virtio-serial port: a socket, or -1 */
	const char *qmp_path; /* a QMP socket QEMU listens on, or NULL */
};

/* volt_qemu_argv - the NULL-terminated argv for c (free with volt_strv_free). */
char **volt_qemu_argv(const struct volt_qemu_config *c);

#endif
