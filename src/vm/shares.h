/* Volumes of a microVM: host directories (a bind's source, a named volume's
 * _data) shared into the guest and mounted there by the guest agent before
 * the workload runs. How is chosen per kernel: virtiofs (a virtiofsd per
 * directory, vm/virtiofs.c) where the kernel has it, else virtio-9p (QEMU
 * serves it). The monitor calls volt_vm_shares_start with the spec's
 * volumes, gives s->q to QEMU's config and s->param to the kernel command
 * line, and calls volt_vm_shares_stop when QEMU has exited. */
#ifndef VOLT_VM_SHARES_H
#define VOLT_VM_SHARES_H

#include <stdbool.h>
#include <stddef.h>

#include "userns/idmap.h"
#include "util/err.h"
#include "vm/kernel.h"
#include "vm/qemu_argv.h"
#include "vm/virtiofs.h"

/* one volume: a host directory and where the guest mounts it */
struct volt_vm_volume {
	const char *source; /* absolute host path */
	const char *dest;   /* absolute path in the guest */
	bool ro;
};

struct volt_vm_shares {
	enum volt_share_kind kind;
	struct volt_qemu_share *q; /* n of them, for volt_qemu_config.shares */
	size_t n;
	char *param;			/* "volt_vol=..." for the kernel command line; NULL when n is 0 */
	struct volt_virtiofsd *daemons; /* n, virtiofs only */
	char **tags, **sources;		/* what q points to */
};

/* volt_share_kind_name - "virtiofs" | "9p" (as `volt inspect` says it) */
const char *volt_share_kind_name(enum volt_share_kind k);

/* volt_vm_share_kind - how kernel k can mount shares, and why (into why):
 * virtiofs where the kernel has it and virtiofsd is installed, else 9p over
 * virtio where the kernel has that. A store kernel is read by the modules
 * it has, a host kernel by its config-<version> beside it (built in: =y),
 * a kernel given by path is taken to have virtiofs built in (volt's own
 * kernel config does). Neither is an error that says so. */
int volt_vm_share_kind(const struct volt_kernel *k, enum volt_share_kind *kind, char *why, size_t len,
		       struct volt_err *err);

/* volt_vm_volume_parse - "-v SRC:DST[:ro|rw]": *src is SRC as given (a path
 * when it starts with / or ., else a named volume's name: *named), *dst the
 * guest path (absolute). The strings point into buf, a copy of arg the
 * caller frees. */
int volt_vm_volume_parse(const char *arg, char **buf, const char **src, const char **dst, bool *ro, bool *named,
			 struct volt_err *err);

/* volt_vm_shares_start - share v[0..n) with the guest as kind: check that
 * each source is a directory, start a virtiofsd for each (virtiofs: its
 * socket and log in dir, a private directory of the caller's; in a user
 * namespace with map m; each waited for at most timeout_ms), and build the
 * kernel parameter. On error nothing is left running. */
int volt_vm_shares_start(const struct volt_vm_volume *v, size_t n, enum volt_share_kind kind,
			 const struct volt_idmap *m, const char *dir, int timeout_ms, struct volt_vm_shares *s,
			 struct volt_err *err);

/* volt_vm_shares_stop - stop the daemons, free s (safe on a zeroed s). */
void volt_vm_shares_stop(struct volt_vm_shares *s);

#endif
