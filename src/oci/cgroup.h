/* volt-runtime's cgroups: a container's own cgroup v2 directory at
 * linux.cgroupsPath where the caller has a delegated one, its
 * linux.resources (and `update`'s) written there, and the freezer for
 * `pause`. Only cgroup v2 (on a hybrid host: its unified mount). */
#ifndef VOLT_OCI_CGROUP_H
#define VOLT_OCI_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/err.h"

/* volt_oci_cgroup_dir - where cgroupsPath puts the container: an absolute
 * path under the cgroup v2 mount, a relative one beside the caller's own
 * cgroup (under its parent). Return: malloc'd path, or NULL with *why
 * (malloc'd) when there is none: no cgroup v2, systemd's "slice:prefix:name"
 * form. */
char *volt_oci_cgroup_dir(const char *cgroups_path, char **why);

/* volt_oci_cgroup_create - make dir (and its parents), enable the parent's
 * controllers for it, and move pid into it. Return: 0; 1 when the caller
 * may not (not delegated: EACCES, EPERM, EROFS), with *why (malloc'd);
 * -1 with err for anything else. */
int volt_oci_cgroup_create(const char *dir, pid_t pid, char **why, struct volt_err *err);

/* volt_oci_cgroup_apply - a linux.resources object (JSON text) written to
 * dir's files. A limit whose controller dir lacks: strict (update): an
 * error; else a note pushed on *notes ("memory.max: no memory controller
 * in DIR"). */
int volt_oci_cgroup_apply(const char *dir, const char *resources_json, bool strict, char ***notes,
			  struct volt_err *err);

/* volt_oci_cgroup_freeze - cgroup.freeze 1 or 0, and wait (up to 5 s) until
 * cgroup.events says so */
int volt_oci_cgroup_freeze(const char *dir, bool frozen, struct volt_err *err);

/* volt_oci_cgroup_remove - kill what is left (cgroup.kill) and remove dir;
 * errors are ignored (delete must not fail on a cgroup gone) */
void volt_oci_cgroup_remove(const char *dir);

#endif
