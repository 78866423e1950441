/* .vbundle files: one image (tree manifest, config, objects) in a zip. */
#ifndef VOLT_CAS_BUNDLE_H
#define VOLT_CAS_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "cas/store.h"
#include "state/context.h"
#include "util/err.h"

struct volt_bundle_info {
	char id[VOLT_SHA256_HEX]; /* the image id (sha256 of config) */
	char *name;		  /* repo:tag, or NULL */
	char *config;		  /* image config JSON */
	char *layers;		  /* JSON array of layer digests */
	size_t entries, files;	  /* tree entries, regular files */
	size_t objects;		  /* object entries in the bundle */
	int64_t object_bytes;
};

void volt_bundle_info_free(struct volt_bundle_info *info);

/* volt_bundle_create - write image id (with its config, layers JSON and
 * name) and every object its tree uses to file (atomically, via file.tmp). */
int volt_bundle_create(struct volt_cas *cas, const char *id, const char *name, const char *config, const char *layers,
		       const char *file, struct volt_err *err);

/* volt_bundle_problem_cb - one problem of a bundle: object is the digest
 * (or the entry name), problem a phrase. */
typedef void (*volt_bundle_problem_cb)(const char *object, const char *problem, void *arg);

/* volt_bundle_verify - read file, hash every object, check the config
 * against the id and the tree against the objects. *problems counts what was
 * wrong (each also passed to cb). Return: 0 when read to the end, -1 when the
 * file is not a readable bundle. */
int volt_bundle_verify(const char *file, volt_bundle_problem_cb cb, void *arg, struct volt_bundle_info *info,
		       size_t *problems, struct volt_err *err);

/* volt_bundle_verify_mem - the same over a buffer (fuzzing). */
int volt_bundle_verify_mem(const void *buf, size_t len, volt_bundle_problem_cb cb, void *arg,
			   struct volt_bundle_info *info, size_t *problems, struct volt_err *err);

/* volt_bundle_import - verify while staging the objects under cas/tmp, and
 * only when everything checks out move them into the store and record the
 * image (volt_image_commit). A bad bundle is refused with the object named
 * and leaves nothing behind. Must run inside the store's user namespace.
 * id_out (>= 65 bytes) gets the image id. */
int volt_bundle_import(struct volt_ctx *ctx, const char *file, char *id_out, struct volt_err *err);

#endif
