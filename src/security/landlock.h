/* Landlock: best effort across ABI 1..6+. */
#ifndef VOLT_SECURITY_LANDLOCK_H
#define VOLT_SECURITY_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "security/landlock_profile.h"
#include "util/err.h"

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

#endif
