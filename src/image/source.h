/* Local image sources: OCI image layout directories, oci-archive and
 * docker-archive tarballs, plain rootfs tarballs. A source yields an image
 * config and its layers in order; import.c applies them to a tree.
 *
 *   oci:DIR[:TAG]           DIR/oci-layout, DIR/index.json, DIR/blobs/sha256/...
 *   oci-archive:FILE[:TAG]  a tar of such a directory, unpacked under cas/tmp
 *   docker-archive:FILE[:REF]  `docker save` output (manifest.json), unpacked
 *   FILE                    a plain root file system tarball (.tar, .tar.gz, .tar.zst)
 *
 * Every blob is checked against its digest before its content is trusted:
 * manifests and configs are hashed as they are read, layers while libarchive
 * streams them (src/image/layer.c). See docs/images.md. */
#ifndef VOLT_IMAGE_SOURCE_H
#define VOLT_IMAGE_SOURCE_H

#include <jansson.h>

#include "cas/store.h"
#include "cas/tree.h"
#include "util/err.h"

enum volt_source_kind {
	VOLT_SRC_ROOTFS,	/* a plain tarball of a root filesystem */
	VOLT_SRC_OCI_LAYOUT,	/* oci:DIR[:TAG] */
	VOLT_SRC_OCI_ARCHIVE,	/* oci-archive:FILE[:TAG] */
	VOLT_SRC_DOCKER_ARCHIVE /* docker-archive:FILE[:REF] */
};

struct volt_image_source {
	enum volt_source_kind kind;
	char *spec;	    /* what the user wrote, for messages */
	char *path;	    /* file or directory named by the user */
	char *tag;	    /* oci: ref.name annotation; docker-archive: a RepoTag; or NULL */
	char *workdir;	    /* an archive unpacked under the store's tmp/, removed on close */
	int rootfd;	    /* the layout (DIR or workdir), -1 for rootfs tarballs */
	char *default_name; /* docker-archive: the first RepoTag, the name when none is given */
};

/* volt_image_source_open - parse the SOURCE syntax and open it; archives are
 * unpacked (directories, regular files and symlinks only, never outside
 * workdir) under cas_dir/tmp. */
int volt_image_source_open(struct volt_image_source *src, const char *cas_dir, const char *spec, struct volt_err *err);

/* volt_image_source_apply - for layout/archive kinds: read the manifest,
 * apply every layer (digest-checked) to tree; *config gets the image config
 * JSON (malloc'd, the bytes of the config blob) and *layers a JSON array of
 * the layer digests. */
int volt_image_source_apply(struct volt_image_source *src, struct volt_cas *cas, struct volt_tree *tree, char **config,
			    json_t **layers, struct volt_err *err);

void volt_image_source_close(struct volt_image_source *src);

/* volt_source_split - split "PATH[:SUFFIX]" at the first ':' unless PATH
 * with the colon exists as is (skopeo's rule, plus existing paths win).
 * Pure apart from the stat; for the unit tests. */
void volt_source_split(const char *rest, char **path, char **suffix);

#endif
