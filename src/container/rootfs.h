/* Root filesystem assembly inside the container's mount namespace: overlay,
 * /proc, /dev, /sys, masked paths, generated /etc files, user mounts. Every
 * path inside the image is resolved with openat2(RESOLVE_IN_ROOT), so an
 * image's symlinks can never point a mount outside its root. */
#ifndef VOLT_CONTAINER_ROOTFS_H
#define VOLT_CONTAINER_ROOTFS_H

#include "container/spec.h"
#include "util/err.h"
#include "util/rootpath.h"

struct volt_rootfs_args {
	const struct volt_spec *spec;
	const char *ctr_dir;   /* upper/, work/, merged/, hosts, hostname, resolv.conf */
	const char *init_path; /* volt-init on the host, bound in with --init */
	int notice_fd;	       /* where a fallback is said once */
};

/* volt_rootfs_setup - build the root under ctr_dir/merged and pivot into it.
 * Runs in the container child, as root of its user namespace. */
int volt_rootfs_setup(const struct volt_rootfs_args *a, struct volt_err *err);

/* volt_etc_files_write - generate hosts, hostname and resolv.conf in ctr_dir. */
int volt_etc_files_write(const struct volt_spec *spec, const char *ctr_dir, struct volt_err *err);

#endif
