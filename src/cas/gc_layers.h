/* gc of layer records (cas/layers/, written by image/layercache.c). */
#ifndef VOLT_CAS_GC_LAYERS_H
#define VOLT_CAS_GC_LAYERS_H

#include "cas/admin.h"

/* volt_cas_gc_layers - remove (dry: report) the layer records in cas/layers/
 * that would replay objects the store no longer holds after this gc: a
 * record is kept only when its .json and .tree are both there, the tree
 * loads, and every file digest in it is in live (what the refs reach) and
 * exists. Also removes half-written record files (*.tmp-*). Runs under the
 * exclusive gc lock (no pull is writing records then). *count gets the
 * records removed. Return: 0 or -1. */
int volt_cas_gc_layers(struct volt_cas *cas, const struct volt_digest_set *live, bool dry, volt_cas_gc_cb cb, void *arg,
		       size_t *count, struct volt_err *err);

/* volt_cas_layers_live - add to live every file digest a complete layer
 * record names (records as roots: what an interrupted pull keeps). */
int volt_cas_layers_live(struct volt_cas *cas, struct volt_digest_set *live, struct volt_err *err);

#endif
