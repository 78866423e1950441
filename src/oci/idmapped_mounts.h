/* Idmapped bind mounts of a bundle (mounts[].uidMappings/gidMappings,
 * options idmap/ridmap; src/oci/idmapped_mounts.c). */
#ifndef VOLT_OCI_IDMAPPED_MOUNTS_H
#define VOLT_OCI_IDMAPPED_MOUNTS_H

#include <stddef.h>

#include "oci/config.h"
#include "util/err.h"

/* volt_oci_idmapped_bind - mounts[i] (m->idmap) on its destination under
 * rootfd, in the container's child before pivot_root. A kernel or file
 * system that refuses is one error naming the mount and why. */
int volt_oci_idmapped_bind(int rootfd, const struct volt_oci_mount *m, size_t i, struct volt_err *err);

#endif
