/* Appliances: what a microVM boots, built from an image in the store or
 * from a list of files (Volant's fledge.toml, vm/fledge.h). An initramfs
 * appliance is one initramfs (newc cpio, zstd) holding the tree with its
 * owners and modes, volt-init as /init (the guest agent), and the kernel's
 * guest modules with their load order. A disk appliance is an ext4 image of
 * the tree (made without root: mke2fs -d in the store's user namespace)
 * and a small initramfs of the agent and the modules, which mounts it as
 * the root. Each is kept under $VOLT_ROOT/appliances/ by the digest of its
 * inputs (image or files, kernel, agent, strategy, format), so a second
 * start builds nothing; a record (<key>.json) beside it says what it was
 * built from. */
#ifndef VOLT_VM_APPLIANCE_H
#define VOLT_VM_APPLIANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "state/context.h"
#include "util/err.h"
#include "vm/kernel.h"

struct volt_appliance {
	char key[65];	/* the digest of the inputs */
	char *path;	/* $VOLT_ROOT/appliances/<key>.cpio.zst */
	char *disk;	/* disk strategy: $VOLT_ROOT/appliances/<key>.ext4 (the root), else NULL */
	bool cached;	/* there already: nothing was built */
	long long size; /* bytes on disk, both files */
};

void volt_appliance_free(struct volt_appliance *a);

/* strategy: "initramfs" (the default) or "disk" */
bool volt_appliance_strategy_ok(const char *strategy);

/* volt_appliance_build_image - the appliance of image_id for kernel k with
 * the given strategy (NULL: initramfs); as volt_appliance_build. */
int volt_appliance_build_image(struct volt_ctx *ctx, const char *image_id, const struct volt_kernel *k,
			       const char *init, const char *strategy, struct volt_appliance *out,
			       struct volt_err *err);

/* volt_appliance_build_files - the appliance a fledge.toml describes
 * (recipe), with its manifest (manifest: NULL means manifest.toml beside
 * the recipe, when there is one): only the listed files, volt-init and the
 * kernel's guest modules; kept under the name the recipe gives, its
 * entrypoint and env in the record. strategy NULL: the recipe's
 * (oci_rootfs is disk), else initramfs. *name_out gets the name. */
int volt_appliance_build_files(struct volt_ctx *ctx, const char *recipe, const char *manifest,
			       const struct volt_kernel *k, const char *init, const char *strategy,
			       struct volt_appliance *out, char **name_out, struct volt_err *err);

/* The name an appliance from a directory is kept under (its record's
 * Name): `volt cas gc` keeps the newest of a name, so older rootfs
 * appliances go with it. */
#define VOLT_APPLIANCE_DIR_NAME "volt-runtime-rootfs"

/* volt_appliance_build_dir - the initramfs appliance of a root file system
 * directory (an OCI bundle's root.path): every directory, file and link
 * under it with its mode, owned by root (device nodes, fifos and sockets
 * are left out: the guest's /dev is its own), then volt-init and the
 * kernel's guest modules. Kept by the digest of every entry's path, mode
 * and bytes, the kernel and the agent: the same tree again builds nothing
 * (but is read and hashed again). add (or NULL): "SRC:DEST" files put at
 * DEST in place of what the tree has there (volt_appliance_file_arg; they
 * are part of the key). As volt_appliance_build. */
int volt_appliance_build_dir(struct volt_ctx *ctx, const char *dir, char *const *add, const struct volt_kernel *k,
			     const char *init, struct volt_appliance *out, struct volt_err *err);

/* volt_appliance_build - the appliance of image_id for kernel k, with the
 * agent at init (volt-init): built in the store's user namespace (the
 * image's files belong to mapped ids and keep them), written under a
 * temporary name and renamed, or found. */
int volt_appliance_build(struct volt_ctx *ctx, const char *image_id, const struct volt_kernel *k, const char *init,
			 struct volt_appliance *out, struct volt_err *err);

/* An appliance in $VOLT_ROOT/appliances, from its record (<key>.json). */
struct volt_appliance_info {
	char key[65];
	char *image;	   /* the image id it was built from, or NULL (files) */
	char *name;	   /* the name a file list gave it, or NULL (image) */
	char *kernel;	   /* the kernel version its modules are for */
	char *strategy;	   /* "initramfs" or "disk" */
	char *path;	   /* the initramfs */
	char *disk;	   /* disk strategy: the root's ext4 image; else NULL */
	char **entrypoint; /* files: the workload's command, or NULL */
	char **env;	   /* files: its environment (KEY=VALUE), or NULL */
	long long size;
	long long created; /* ns */
};

void volt_appliance_info_free(struct volt_appliance_info *a);
void volt_appliances_free(struct volt_appliance_info *v, size_t n);

/* volt_appliance_find_named - the newest appliance built under name (from
 * a file list): what `volt run --vm NAME` boots. An error (ENOENT) when
 * there is none. */
int volt_appliance_find_named(struct volt_ctx *ctx, const char *name, struct volt_appliance_info *out,
			      struct volt_err *err);

/* volt_appliance_find - by name, else by key (4 hex digits at least). */
int volt_appliance_find(struct volt_ctx *ctx, const char *what, struct volt_appliance_info *out, struct volt_err *err);

/* volt_appliance_inspect - the record of the appliance what names (as
 * volt_appliance_find), with its key, files and size, as JSON text. */
int volt_appliance_inspect(struct volt_ctx *ctx, const char *what, char **json, struct volt_err *err);

/* volt_appliance_list - every complete appliance (*out of *n). */
int volt_appliance_list(struct volt_ctx *ctx, struct volt_appliance_info **out, size_t *n, struct volt_err *err);

/* volt_appliance_remove - the one appliance whose key starts with prefix
 * (4 hex digits at least); key_out gets its key. */
int volt_appliance_remove(struct volt_ctx *ctx, const char *prefix, char key_out[65], struct volt_err *err);

/* volt_appliance_prune - remove the appliances whose image is gone, those
 * of a name that a newer build of the name replaced (and what builds cut
 * short left, an hour old); removed() is told each key and why ("no
 * image", "replaced").
 * dry: only tell. `volt cas gc` calls it. */
int volt_appliance_prune(struct volt_ctx *ctx, bool dry, void (*removed)(const char *key, const char *why, void *arg),
			 void *arg, struct volt_err *err);

#endif
