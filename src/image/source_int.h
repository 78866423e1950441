/* Internal to the image sources: blob access inside a layout directory and
 * archive unpacking. Not part of libvolt's interface. */
#ifndef VOLT_IMAGE_SOURCE_INT_H
#define VOLT_IMAGE_SOURCE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "image/manifest.h"
#include "image/source.h"

/* Largest config blob read into memory (docker caps image configs far lower). */
#define VOLT_CONFIG_MAX_BYTES (8u << 20)

/* src_open_file - open relpath under rootfd (RESOLVE_IN_ROOT) as a regular
 * file; *size gets its size. */
int src_open_file(struct volt_image_source *src, const char *relpath, int64_t *size, struct volt_err *err);

/* src_read_verified - read relpath (at most max bytes), check its size when
 * want_size >= 0 and its sha256 against want_digest ("sha256:..."); what names
 * the object in errors ("manifest", "config"). *out is NUL-terminated. */
int src_read_verified(struct volt_image_source *src, const char *relpath, const char *want_digest, int64_t want_size,
		      size_t max, const char *what, char **out, size_t *len, struct volt_err *err);

/* src_apply_layer - apply the layer file relpath to tree as layer number
 * index; the file must be size bytes (unless -1) and hash to digest, checked
 * while libarchive streams it (src/image/layer.c). */
int src_apply_layer(struct volt_image_source *src, struct volt_cas *cas, struct volt_tree *tree, const char *relpath,
		    const char *digest, int64_t size, int index, struct volt_err *err);

/* src_unpack_archive - unpack src->path into a fresh src->workdir under
 * cas_dir/tmp and open it as src->rootfd. */
int src_unpack_archive(struct volt_image_source *src, const char *cas_dir, struct volt_err *err);

/* src_oci_apply, src_docker_apply - the per-format readers. */
int src_oci_apply(struct volt_image_source *src, struct volt_cas *cas, struct volt_tree *tree, char **config,
		  json_t **layers, struct volt_err *err);
int src_docker_apply(struct volt_image_source *src, struct volt_cas *cas, struct volt_tree *tree, char **config,
		     json_t **layers, struct volt_err *err);

/* src_check_config - the config blob is a JSON object whose rootfs.diff_ids
 * (when present) count n_layers entries. */
int src_check_config(const char *config, size_t len, size_t n_layers, json_t **diff_ids, struct volt_err *err);

#endif
