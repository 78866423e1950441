/* The command line of a microVM: QEMU's microvm machine, virtio-mmio
 * devices only, the kernel and initramfs given directly (no firmware, no
 * disk to boot from), nothing QEMU would add by default. */
#ifndef VOLT_VM_QEMU_ARGV_H
#define VOLT_VM_QEMU_ARGV_H

#include <stdbool.h>
#include <stddef.h>

#include "vm/agent_proto.h"
#include "vm/engine.h"

/* TCG's translation buffer, MiB (QEMU's default is 1 GiB, of which an idle
 * VM's boot filled 43 MB): 16 kept boot time within this host's noise
 * (docs/benchmarks.md) */
#define VOLT_QEMU_TB_MIB 16

/* How a host directory is shared into the guest (vm/shares.c chooses per
 * kernel): virtiofs through a virtiofsd (vhost-user), or virtio-9p served by
 * QEMU itself (needs a kernel with 9p). */
enum volt_share_kind {
	VOLT_SHARE_VIRTIOFS,
	VOLT_SHARE_9P,
};

struct volt_qemu_share {
	enum volt_share_kind kind;
	const char *tag;    /* the guest mounts it by this tag */
	const char *socket; /* virtiofs: virtiofsd's vhost-user socket */
	const char *path;   /* 9p: the host directory */
	bool ro;	    /* 9p: QEMU refuses writes too */
};

struct volt_qemu_config {
	const char *qemu;
	enum volt_accel accel; /* kvm or tcg (auto is resolved before) */
	unsigned cpus;	       /* 0: 1 */
	unsigned mem_mib;      /* 0: 256 */
	const char *kernel;
	const char *initrd;   /* NULL: none */
	const char *disk;     /* the root of a disk appliance (raw ext4) as /dev/vda, writes discarded; or NULL */
	bool disk_keep;	      /* disk is the VM's own qcow2 overlay over it: writes kept (--ephemeral=false) */
	const char *append;   /* added to the kernel command line, or NULL */
	long tsc_khz;	      /* TCG: tsc_early_khz= (0: not set) */
	int console_fd;	      /* the serial console: a socket, or -1 for stdio */
	int agent_fd;	      /* the guest agent's virtio-serial port: a socket, or -1 */
	const char *qmp_path; /* a QMP socket QEMU listens on, or NULL */
	/* the NIC: QEMU's end of the SOCK_DGRAM socket pair the monitor's slirp
	 * serves (net/net.h: volt_net_vm_prepare), as numbered in QEMU; 0 or
	 * less: no NIC (fd 0 is QEMU's stdin, never this socket). The guest is
	 * told volt_net=1 on its command line. */
	int net_fd;
	const char *net_mac; /* NULL: VOLT_VM_MAC */
	unsigned net_mtu;    /* the guest's MTU (virtio-net's host_mtu); 0: QEMU's 1500 */
	/* shared directories; a virtiofs share puts guest RAM in a shared memfd
	 * (virtiofsd maps it) */
	const struct volt_qemu_share *shares;
	size_t n_shares;
};

/* volt_qemu_shared_memory - whether c's guest RAM is a shared memfd (a
 * virtiofs share needs it). */
bool volt_qemu_shared_memory(const struct volt_qemu_config *c);

/* volt_qemu_argv - the NULL-terminated argv for c (free with volt_strv_free). */
char **volt_qemu_argv(const struct volt_qemu_config *c);

#endif
