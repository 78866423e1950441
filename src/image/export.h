/* Images out of the store (push, save): see export.c. */
#ifndef VOLT_IMAGE_EXPORT_H
#define VOLT_IMAGE_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cas/store.h"
#include "cas/tree.h"
#include "state/context.h"
#include "util/err.h"

struct volt_export_layer {
	int fd; /* the layer tar (unlinked temporary file) */
	char digest[80];
	int64_t size;
};

struct volt_export {
	char *config; /* JSON */
	char config_digest[80];
	char *manifest; /* OCI image manifest JSON */
	char manifest_digest[80];
	struct volt_export_layer *layers;
	int n_layers;
	bool flattened; /* one layer from the image tree (no layer records) */
};

/* volt_export_layer - write tree (and whiteouts: a JSON array of
 * {"path","opaque"}, or NULL) as an uncompressed tar to fd; digest and size
 * of what was written. */
int volt_export_layer(struct volt_cas *cas, struct volt_tree *tree, json_t *whiteouts, int fd, char digest[80],
		      int64_t *size, struct volt_err *err);

/* volt_export_image - the image called name as config + manifest + layers:
 * one tar per original layer when the store has a record of every layer
 * (pulled images), else one layer flattened from the image tree. */
int volt_export_image(struct volt_ctx *ctx, struct volt_cas *cas, const char *name, struct volt_export *x,
		      struct volt_err *err);
void volt_export_free(struct volt_export *x);

#endif
