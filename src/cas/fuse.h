/* A read-only FUSE view of one image's tree, served from the object store
 * (fuse.c), and the FUSE lower layer of containers (lower.c). */
#ifndef VOLT_CAS_FUSE_H
#define VOLT_CAS_FUSE_H

#include <stdbool.h>

#include "userns/idmap.h"
#include "state/context.h"
#include "util/err.h"

struct volt_cas_fuse_opts {
	const char *volt_root;
	const char *image_id; /* full id: refs/<id>.tree */
	const char *mountpoint;
	bool foreground; /* do not daemonize */
	/* NULL: present the manifest's owners as they are (`volt cas mount`).
	 * Set: translate them to the host ids this map gives them, so that the
	 * view serves as an overlay lower inside a container with that map. */
	const struct volt_idmap *host_ids;
};

/* volt_cas_fuse_serve - mount and serve until unmounted. Returns in the
 * daemon when the file system is unmounted; the caller's process exits 0
 * once the mount is in place (fuse_daemonize) unless foreground. */
int volt_cas_fuse_serve(const struct volt_cas_fuse_opts *o, struct volt_err *err);

/* volt_cas_fuse_umount - fusermount3 -u dir. */
int volt_cas_fuse_umount(const char *dir, struct volt_err *err);

/* volt_cas_fuse_is_mounted - 1 when dir is a live FUSE mount, 0 when not,
 * -1 when it is a dead one (the server is gone: ENOTCONN). */
int volt_cas_fuse_is_mounted(const char *dir);

/* volt_cas_lower - the lower directory of a container of image_id:
 * mode "checkout" (the hardlinked checkout) or "fuse" (a per-image FUSE view
 * under runroot/fuse/<id>, mounted on first use and shared by containers);
 * NULL selects $VOLT_ROOTFS_LOWER or the default. *lower is replaced. */
int volt_cas_lower(struct volt_ctx *ctx, const char *mode, const char *image_id, char **lower, struct volt_err *err);

/* volt_cas_lower_prune - unmount the per-image FUSE views (runroot/fuse/<id>)
 * whose image has no ref any more; run outside any user namespace
 * (fusermount3 is setuid). cb, if set, is told each id. Best effort. */
void volt_cas_lower_prune(struct volt_ctx *ctx, bool dry_run, void (*cb)(const char *id, void *arg), void *arg);

/* the default lower, chosen by measurement (docs/cas.md) */
#define VOLT_CAS_LOWER_DEFAULT "checkout"

#endif
