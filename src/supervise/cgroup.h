/* cgroup v2 helpers for supervision: where the hierarchy is, which cgroup a
 * process is in, whether a controller is there, writing limits, freezing. */
#ifndef VOLT_SUPERVISE_CGROUP_H
#define VOLT_SUPERVISE_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "supervise/supervisor.h"
#include "util/err.h"

/* volt_cg_mount - the cgroup2 mount point (/sys/fs/cgroup, or
 * /sys/fs/cgroup/unified on hybrid hosts), malloc'd; NULL if none. */
char *volt_cg_mount(void);
/* volt_cg_of - the v2 cgroup path of pid ("0::PATH"), malloc'd; NULL if none. */
char *volt_cg_of(pid_t pid);
/* volt_cg_dir - mount + path, malloc'd; NULL when there is no v2 hierarchy. */
char *volt_cg_dir(const char *path);
/* volt_cg_check - each controller the limits need must be listed in
 * dir/cgroup.controllers; whose names the cgroup in the message. Missing:
 * error naming the controller and the fix, or (ignore) one warning. */
int volt_cg_check(const char *dir, const struct volt_limits *l, bool ignore, const char *whose, struct volt_err *err);
/* volt_cg_apply - write the limits into dir (memory.max, cpu.max ...). */
int volt_cg_apply(const char *dir, const struct volt_limits *l, struct volt_err *err);
int volt_cg_freeze(const char *dir, bool freeze, struct volt_err *err);
/* volt_cg_read_ll - a number from dir/file ("max" = -1); -2 when absent. */
long long volt_cg_read_ll(const char *dir, const char *file);

#endif
