/* `volt commit`: a container's upper layer as one more layer of its image. */
#ifndef VOLT_IMAGE_CTR_COMMIT_H
#define VOLT_IMAGE_CTR_COMMIT_H

#include <jansson.h>

#include "state/context.h"
#include "util/err.h"

struct volt_ctr_commit {
	const char *image_id; /* the container's image */
	const char *layers;   /* that image's layer digests (its row, JSON) */
	const char *upper;    /* the container's overlay upper directory */
	json_t *config;	      /* the new config, changes applied; rootfs and history get the new layer here */
	const char *created_by, *comment, *author;
	const char *name;   /* NULL: untagged */
	const char *source; /* shown by inspect */
};

/* volt_image_commit_upper - store the upper layer's files, apply it (its
 * whiteouts, opaque directories, entries) to the image's tree, record it as
 * a layer (cas/layers/, so push and save write it as a layer of its own) and
 * commit the image (volt_image_commit). Runs in the store's user namespace.
 * Return: 0 with id_out, or -1 with err. */
int volt_image_commit_upper(struct volt_ctx *ctx, const struct volt_ctr_commit *c, char id_out[65],
			    struct volt_err *err);

#endif
