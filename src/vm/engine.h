/* The VM engine: QEMU's microvm machine run as the user, and the choice of
 * accelerator (KVM where it really runs a guest, TCG otherwise). */
#ifndef VOLT_VM_ENGINE_H
#define VOLT_VM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

enum volt_accel { VOLT_ACCEL_AUTO, VOLT_ACCEL_KVM, VOLT_ACCEL_TCG };

struct volt_engine {
	char *qemu;    /* full path of qemu-system-<arch> */
	char *version; /* "7.2.22" */
};

void volt_engine_free(struct volt_engine *e);

/* volt_engine_find - $VOLT_QEMU, else qemu-system-x86_64 (aarch64 hosts:
 * qemu-system-aarch64) on $PATH, and its version. Not the separate
 * qemu-system-x86_64-microvm build: it is KVM-only. With cache_dir, the
 * version is kept there per binary (vm-engine): a VM start runs no
 * `qemu -version`. */
int volt_engine_find(struct volt_engine *e, const char *cache_dir, struct volt_err *err);

/* volt_accel_parse - "auto", "kvm" or "tcg" */
int volt_accel_parse(const char *s, enum volt_accel *out, struct volt_err *err);
const char *volt_accel_name(enum volt_accel a);

/* volt_kvm_check - can this user create a KVM virtual machine? /dev/kvm
 * opens read-write, speaks API 12 and creates a VM. why gets the reason
 * when it cannot ("/dev/kvm: Permission denied"). */
bool volt_kvm_check(char *why, size_t len);

/* volt_accel_choose - the accelerator a VM gets: want (kvm fails when KVM
 * is not usable; tcg is taken as asked); auto takes KVM when
 * volt_kvm_check passes and QEMU starts a KVM machine with the host's CPU
 * (some hosts expose a KVM that creates VMs but cannot run Linux: QEMU then
 * fails to set the guest's MSRs), TCG otherwise. why says which and why in
 * one phrase. The answer for auto is kept in cache_dir (the runtime
 * directory; NULL: not kept), keyed by the boot and QEMU's version. */
int volt_accel_choose(const struct volt_engine *e, enum volt_accel want, const char *cache_dir, enum volt_accel *out,
		      char *why, size_t len, struct volt_err *err);

/* volt_tsc_khz - the host TSC's frequency in kHz (0 when unknown). Under
 * TCG the microvm machine has no HPET or PM timer for the guest to
 * calibrate against: without tsc_early_khz= about a third of boots hang. */
long volt_tsc_khz(void);

#endif
