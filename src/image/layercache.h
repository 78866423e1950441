/* Records of layers already in the store, so that a pull never downloads a
 * layer twice:
 *
 *   $VOLT_ROOT/cas/layers/<blob-hex>.tree  the layer's own entries (tree JSON)
 *   $VOLT_ROOT/cas/layers/<blob-hex>.json  {"version":1,"digest":..., "diff_id":...,
 *                                          "size":N, "whiteouts":[{"path":P,"opaque":B}]}
 *
 * The .json is written last and is the commit mark. A record is used only if
 * every object its tree names is still in the store (gc may have removed
 * them since); otherwise the layer is fetched again. */
#ifndef VOLT_IMAGE_LAYERCACHE_H
#define VOLT_IMAGE_LAYERCACHE_H

#include <jansson.h>

#include "cas/store.h"
#include "cas/tree.h"
#include "util/err.h"

/* volt_layercache_load - 1 and tree/whiteouts filled when blob digest is
 * recorded and complete, 0 when not, -1 on error. */
int volt_layercache_load(struct volt_cas *cas, const char *digest, struct volt_tree *tree, json_t **whiteouts,
			 struct volt_err *err);

/* volt_layercache_save - record a layer just unpacked. */
int volt_layercache_save(struct volt_cas *cas, const char *digest, const char *diff_id, int64_t size,
			 struct volt_tree *tree, json_t *whiteouts, struct volt_err *err);

/* volt_layercache_stack - apply layer number index (its whiteouts, then its
 * entries) onto the image tree. Directories that the layer only implied
 * (parents it did not list: 0755 root, mtime 0) keep the lower layer's
 * metadata. */
int volt_layercache_stack(struct volt_tree *image, struct volt_tree *layer, json_t *whiteouts, int index,
			  struct volt_err *err);

#endif
