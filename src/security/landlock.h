/* Landlock: best effort across ABI 1..6+. */
#ifndef VOLT_SECURITY_LANDLOCK_H
#define VOLT_SECURITY_LANDLOCK_H

#include <linux/landlock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "security/landlock_profile.h"
#include "util/err.h"

/* rights newer than the build host's headers may know */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

/* volt_landlock_abi - the kernel's Landlock ABI (by the syscall), 0 if none. */
int volt_landlock_abi(void);

struct volt_ll_plan {
	int abi;	     /* the ABI used (the kernel's) */
	uint64_t fs_handled; /* LANDLOCK_ACCESS_FS_* handled */
	uint64_t net_handled;
	uint64_t scoped;
	char left_out[256]; /* what the profile asked for and this ABI cannot do */
};

/* volt_landlock_plan - what applying p at ABI abi will do (exec: a `volt
 * exec` process, which gets no signal scoping, so that it and the container
 * can still signal each other). */
void volt_landlock_plan(const struct volt_ll_profile *p, int abi, bool exec, struct volt_ll_plan *out);

/* volt_landlock_apply - build the ruleset from p (paths resolved in the
 * current root: call after pivot_root) and restrict the calling thread.
 * Paths that do not exist are skipped. Needs no_new_privs. */
int volt_landlock_apply(const struct volt_ll_profile *p, const struct volt_ll_plan *plan, struct volt_err *err);

/* A rule of a caller's own ruleset: LANDLOCK_ACCESS_FS_* rights beneath
 * path (a directory) or on it (a file: only the rights files have are kept). */
struct volt_ll_rule {
	const char *path;
	uint64_t access;
};

/* volt_landlock_fs_all - every filesystem right ABI abi handles */
uint64_t volt_landlock_fs_all(int abi);

/* volt_landlock_restrict - restrict the calling thread to the n rules,
 * handling every filesystem right of ABI abi (anything not granted is
 * denied). Rules whose path does not exist are skipped. Needs no_new_privs.
 * The workload monitor's own confinement (workload/confine.c). */
int volt_landlock_restrict(int abi, const struct volt_ll_rule *rules, size_t n, struct volt_err *err);

#endif
