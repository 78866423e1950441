/* `volt cas build`: a directory into an image (build.c). */
#ifndef VOLT_CAS_BUILD_H
#define VOLT_CAS_BUILD_H

#include "cas/store.h"
#include "state/context.h"
#include "util/err.h"

/* volt_cas_build - walk dir into the store, make a tree, synthesize a config
 * (Cmd /bin/sh), and record the image under name. Must run inside the store's
 * user namespace. id_out (>= 65 bytes) gets the image id. */
int volt_cas_build(struct volt_ctx *ctx, const char *dir, const char *name, char *id_out, struct volt_err *err);

#endif
