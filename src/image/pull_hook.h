/* The pull that `volt run` and `volt create` start for a missing image. */
#ifndef VOLT_IMAGE_PULL_HOOK_H
#define VOLT_IMAGE_PULL_HOOK_H

#include "state/context.h"
#include "state/db.h"
#include "util/err.h"

/* the variable set for that volt-image: what its failure is part of, which
 * it prints before its error (cli/common.c), so that one failure is one line */
#define VOLT_ERR_CONTEXT_ENV "VOLT_ERR_CONTEXT"

/* volt_image_find_or_pull - the image row for name: by name as given, by its
 * normalised reference ("busybox" -> docker.io/library/busybox:latest), else
 * pulled by running `volt-image pull NAME` (its progress goes to our stderr).
 * libc-only on purpose: `volt` links this, and must not load libcurl.
 * Return: 0 with *img filled, or -1 with err. */
int volt_image_find_or_pull(struct volt_ctx *ctx, struct volt_db *db, const char *name, struct volt_image_row *img,
			    struct volt_err *err);

#endif
