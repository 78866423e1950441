/* A container's root file system, seen from outside it (`volt cp`, `volt
 * export`): running, through its own mount namespace; stopped, through an
 * overlay of its layers mounted in a private mount namespace. */
#ifndef VOLT_CONTAINER_ROOTVIEW_H
#define VOLT_CONTAINER_ROOTVIEW_H

#include "state/context.h"
#include "state/db.h"
#include "util/err.h"

/* rootfd is an fd of the container's "/": resolve every path under it with
 * util/rootpath.h (RESOLVE_IN_ROOT), so that no symlink leads out. fds the
 * caller opened before stay usable (the host side of a copy). */
typedef int (*volt_rootview_fn)(void *arg, int rootfd, struct volt_err *err);

/* volt_rootview_run - run fn in a child that is root of the container's user
 * namespace and sees its root. A running (or paused) container: the child
 * joins its user and mount namespaces (not its PID namespace: the
 * container's processes cannot see it) and is undumpable. A created or
 * exited one: a fresh user namespace with its map, a private mount
 * namespace, its image checkout and upper layer mounted as overlayfs on its
 * directory (the native overlay only; its volumes are not mounted), holding
 * the container's lock meanwhile (a `volt start` then waits a second, then
 * fails).
 * Return: fn's result (0), or -1 with err. */
int volt_rootview_run(struct volt_ctx *ctx, const struct volt_ctr_row *row, volt_rootview_fn fn, void *arg,
		      struct volt_err *err);

#endif
