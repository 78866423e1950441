/* An appliance's key: the digest of its inputs (image, kernel, agent,
 * format). Kept apart from the builder (appliance.c, libarchive) so that a
 * monitor finds a built appliance without loading the archive library. */
#ifndef VOLT_VM_APPLIANCE_KEY_H
#define VOLT_VM_APPLIANCE_KEY_H

#include <stdbool.h>

#include "util/err.h"
#include "vm/kernel.h"

/* Raise when the same inputs would give another appliance. */
#define VOLT_APPLIANCE_FORMAT 1

/* volt_appliance_key - the key of the appliance of image_id for kernel k
 * and the agent at init, as an initramfs or (disk) an ext4 disk; agent_hex
 * (65 bytes, or NULL) gets the agent's digest, *inputs (or NULL) the text
 * the key is the digest of. */
int volt_appliance_key(const char *image_id, const struct volt_kernel *k, const char *init, bool disk, char key[65],
		       char *agent_hex, char **inputs, struct volt_err *err);

/* volt_appliance_key_cached - the key of an appliance, as
 * volt_appliance_key, the agent's digest kept in cache_dir/vm-agent per
 * (path, inode, size, mtime) of init: the VM monitor's path, on every start
 * (the runroot's vm-engine keeps QEMU's version the same way) */
int volt_appliance_key_cached(const char *cache_dir, const char *image_id, const struct volt_kernel *k,
			      const char *init, bool disk, char key[65], struct volt_err *err);

/* volt_appliance_file_arg - split "SRC:DEST" (a file added to a rootfs
 * directory's appliance, volt-runtime's file binds) at the last ":/":
 * *src and *dest are new strings; DEST is absolute, without "." or ".."
 * parts, not "/", its slashes made single and none trailing. */
int volt_appliance_file_arg(const char *arg, char **src, char **dest, struct volt_err *err);

/* volt_appliance_path - root/appliances/<key>.cpio.zst (the caller frees) */
char *volt_appliance_path(const char *root, const char *key);

#endif
