/* Images: importing local sources into the store, and the image config. */
#ifndef VOLT_IMAGE_IMAGE_H
#define VOLT_IMAGE_IMAGE_H

#include <jansson.h>
#include <stdbool.h>

#include "cas/store.h"
#include "cas/tree.h"
#include "userns/idmap.h"
#include "state/context.h"
#include "util/err.h"

/* volt_image_parse_name - split "repo[:tag]" (a registry port is not a tag);
 * validates characters as docker does. Caller frees *repo and *tag. */
int volt_image_parse_name(const char *name, char **repo, char **tag, struct volt_err *err);

struct volt_import_opts {
	bool quiet;
};

/* volt_image_import - SOURCE is oci:DIR[:TAG], oci-archive:FILE[:TAG],
 * docker-archive:FILE, or a plain rootfs tarball (.tar, .tar.gz, .tar.zst ...).
 * On success id_out (>= 65 bytes) holds the image id. */
int volt_image_import(struct volt_ctx *ctx, const struct volt_idmap *map, const char *source, const char *name,
		      const struct volt_import_opts *opts, char *id_out, struct volt_err *err);

/* volt_image_commit - record an image whose layers are applied to tree: the
 * id is the sha256 of config_json; the tree is saved as the ref, checked out
 * (unless a checkout of that id exists) and the image row added to the state
 * database, tagged name (NULL: untagged). layer_digests is a JSON array of
 * "sha256:..." strings, source is what the user named (shown by inspect).
 * Must run inside the user namespace of the store's id mapping (see
 * volt_userns_run), because the checkout sets the image's owners.
 * Return: 0 with id_out = 64 hex digits, or -1 with err. */
int volt_image_commit(struct volt_ctx *ctx, struct volt_cas *cas, struct volt_tree *tree, const char *config_json,
		      json_t *layer_digests, const char *name, const char *source, char id_out[65],
		      struct volt_err *err);

/* volt_image_checkout_path - the lower directory of an image's containers. */
char *volt_image_checkout_path(struct volt_ctx *ctx, const char *image_id);

/* volt_image_remove - untag / delete an image and its checkout and ref
 * (objects stay for `volt cas gc`). */
int volt_image_remove(struct volt_ctx *ctx, const struct volt_idmap *map, const char *ref, bool force, char *removed_id,
		      struct volt_err *err);

#endif
