/* What appliance.c, appliance_files.c and appliance_disk.c share (not part
 * of vm/'s interface). */
#ifndef VOLT_VM_APPLIANCE_INT_H
#define VOLT_VM_APPLIANCE_INT_H

#include <jansson.h>

#include "cas/sha256.h"
#include "userns/idmap.h"
#include "vm/appliance.h"

#include "vm/appliance_key.h"

#define APPLIANCE_FORMAT VOLT_APPLIANCE_FORMAT

/* appliance_agent_digest - sha256 of volt-init's bytes (its identity in a key) */
int appliance_agent_digest(const char *init, char hex[VOLT_SHA256_HEX], struct volt_err *err);

/* appliance_on_disk - the bytes a file takes (a sparse disk's blocks), 0
 * when path is NULL or missing */
long long appliance_on_disk(const char *path);

/* appliance_newest_named - the index of the newest appliance of name in v */
bool appliance_newest_named(struct volt_appliance_info *v, size_t n, const char *name, size_t *at);

/* appliance_found - out is filled with the paths of key in dir; true when
 * the appliance is there whole (nothing to build) */
bool appliance_found(const char *dir, const char *key, bool disk, struct volt_appliance *out);

/* appliance_keep - write the record m (its Created and Strategy are added),
 * then rename the built files (tmp_initrd, and tmp_disk for a disk
 * appliance) into place as out's paths; on failure both are removed */
int appliance_keep(const char *dir, json_t *m, const char *tmp_initrd, const char *tmp_disk, struct volt_appliance *out,
		   struct volt_err *err);

/* appliance_tiny_initrd - the initramfs of a disk appliance: the agent and
 * the kernel's guest modules (zstd newc cpio) */
int appliance_tiny_initrd(const char *out, const char *init, const struct volt_kernel *k, struct volt_err *err);

/* appliance_mkfs - an ext4 image at out of the tree at tree, made with
 * mke2fs -d in the store's user namespace (map): owners are the tree's as
 * seen there. Sized from the tree, with room to write. */
int appliance_mkfs(const struct volt_idmap *map, const char *tree, const char *out, struct volt_err *err);

#endif
