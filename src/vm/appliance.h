/* Appliances: what a microVM boots, built from an image in the store. An
 * appliance is one initramfs (newc cpio, zstd) holding the image's tree
 * with its owners and modes, volt-init as /init (the guest agent), and the
 * kernel's guest modules with their load order. It is kept under
 * $VOLT_ROOT/appliances/ by the digest of its inputs (image, kernel, agent,
 * format), so a second start builds nothing. */
#ifndef VOLT_VM_APPLIANCE_H
#define VOLT_VM_APPLIANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "state/context.h"
#include "util/err.h"
#include "vm/kernel.h"

struct volt_appliance {
	char key[65]; /* the digest of the inputs */
	char *path;   /* $VOLT_ROOT/appliances/<key>.cpio.zst */
	bool cached;  /* there already: nothing was built */
	long long size;
};

void volt_appliance_free(struct volt_appliance *a);

/* volt_appliance_build - the appliance of image_id for kernel k, with the
 * agent at init (volt-init): built in the store's user namespace (the
 * image's files belong to mapped ids and keep them), written under a
 * temporary name and renamed, or found. */
int volt_appliance_build(struct volt_ctx *ctx, const char *image_id, const struct volt_kernel *k, const char *init,
			 struct volt_appliance *out, struct volt_err *err);

/* An appliance in $VOLT_ROOT/appliances, from its record (<key>.json). */
struct volt_appliance_info {
	char key[65];
	char *image;  /* the image id it was built from */
	char *kernel; /* the kernel version its modules are for */
	char *path;
	long long size;
	long long created; /* ns */
};

void volt_appliances_free(struct volt_appliance_info *v, size_t n);

/* volt_appliance_list - every complete appliance (*out of *n). */
int volt_appliance_list(struct volt_ctx *ctx, struct volt_appliance_info **out, size_t *n, struct volt_err *err);

/* volt_appliance_remove - the one appliance whose key starts with prefix
 * (4 hex digits at least); key_out gets its key. */
int volt_appliance_remove(struct volt_ctx *ctx, const char *prefix, char key_out[65], struct volt_err *err);

/* volt_appliance_prune - remove the appliances whose image is gone (and
 * what builds cut short left, an hour old); removed() is told each key.
 * dry: only tell. `volt cas gc` calls it. */
int volt_appliance_prune(struct volt_ctx *ctx, bool dry, void (*removed)(const char *key, void *arg), void *arg,
			 struct volt_err *err);

#endif
