/* Local image sources: OCI image layout directories, oci-archive and
 * docker-archive tarballs, plain rootfs tarballs. A source yields an image
 * config and its layers in order; import.c applies them to a tree. */
#ifndef VOLT_IMAGE_SOURCE_H
#define VOLT_IMAGE_SOURCE_H

#include <jansson.h>

#include "cas/store.h"
#include "cas/tree.h"
#include "util/err.h"

enum volt_source_kind {
	VOLT_SRC_ROOTFS,        /* a plain tarball of a root filesystem */
	VOLT_SRC_OCI_LAYOUT,    /* oci:DIR[:TAG] */
	VOLT_SRC_OCI_ARCHIVE,   /* oci-archive:FILE[:TAG] */
	VOLT_SRC_DOCKER_ARCHIVE /* docker-archive:FILE */
};

struct volt_image_source {
	enum volt_source_kind kind;
	char *path;     /* file or directory named by the user */
	char *tag;      /* oci tag selector (org.opencontainers.image.ref.name), or NULL */
	char *workdir;  /* an archive unpacked under the store's tmp/, removed on close */
};

/* volt_image_source_open - parse the SOURCE syntax; archives are unpacked
 * (regular files only, never outside workdir) under cas_dir/tmp. */
int volt_image_source_open(struct volt_image_source *src, const char *cas_dir, const char *spec,
			   struct volt_err *err);

/* volt_image_source_apply - for layout/archive kinds: read the manifest,
 * apply every layer (digest-checked) to tree; *config gets the image config
 * JSON (malloc'd) and *layers a JSON array of the layer digests. */
int volt_image_source_apply(struct volt_image_source *src, struct volt_cas *cas, struct volt_tree *tree,
			    char **config, json_t **layers, struct volt_err *err);

void volt_image_source_close(struct volt_image_source *src);

#endif
