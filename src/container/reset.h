/* reset.h - removing a whole store (`volt system reset`) and container
 * directories that no record describes any more (see reset.c). */
#ifndef VOLT_CONTAINER_RESET_H
#define VOLT_CONTAINER_RESET_H

#include <stddef.h>

#include "userns/idmap.h"
#include "state/context.h"
#include "util/err.h"

/* volt_store_check_paths - refuse to reset a root or runroot that cannot be a
 * volt store's: "/", a top-level directory (/tmp, /home), $HOME, or a root
 * directory that holds none of a store's entries but is not empty. */
int volt_store_check_paths(const char *root, const char *runroot, struct volt_err *err);

/* volt_store_cmdline_class - what a process is to a reset of root and
 * runroot, from its /proc/PID/cmdline (len bytes, NUL-terminated args):
 * VOLT_PROC_STORE when it is volt's (volt, volt-shim, volt-image) and an
 * argument names root or a path below it (monitors, FUSE servers), or it is
 * a user namespace keeper of runroot; VOLT_PROC_SHARED when it is volt's and
 * names runroot only (a store sharing the runtime directory); else
 * VOLT_PROC_OTHER. With id, STORE also needs an argument equal to id.
 * Pure, for unit tests. */
enum { VOLT_PROC_OTHER, VOLT_PROC_STORE, VOLT_PROC_SHARED };
int volt_store_cmdline_class(const char *cmdline, size_t len, const char *root, const char *runroot, const char *id);

/* volt_store_check_shared - refuse (EBUSY) when a live process of another
 * store uses runroot: removing it would pull it from under that store. */
int volt_store_check_shared(const char *root, const char *runroot, struct volt_err *err);

/* volt_store_umount_views - unmount the FUSE views under runroot/fuse (made
 * in the user's own mount namespace: they would stop the removal). */
void volt_store_umount_views(const char *runroot);

/* volt_store_kill - SIGKILL every process of this user that is the store's
 * (VOLT_PROC_STORE): monitors, user namespace keepers, FUSE servers, also
 * those no record names any more. Waits up to 2 s for them to be gone. The
 * count. */
int volt_store_kill(const char *root, const char *runroot);

/* volt_store_remove - remove root and runroot, from inside a user namespace
 * with map m, so that files of mapped owners go too. */
int volt_store_remove(const struct volt_idmap *m, const char *root, const char *runroot, struct volt_err *err);

/* volt_ctr_remove_orphan - remove root/containers/<id> where ref is the full
 * id or a unique prefix of it (at least 4 hex digits) and no record exists:
 * what an interrupted `rm -rf` of the store leaves. 0 removed (the id in
 * id_out), 1 no such directory, -1 error. */
int volt_ctr_remove_orphan(struct volt_ctx *ctx, const char *ref, char *id_out, size_t len, struct volt_err *err);

#endif
