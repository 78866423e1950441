/* volt push, volt image save (and the name volt image load gives). */
#ifndef VOLT_IMAGE_PUSH_H
#define VOLT_IMAGE_PUSH_H

#include "state/context.h"
#include "util/err.h"

/* volt_image_push - push image name to ref (NULL: name itself); tls_verify
 * -1/0/1 as for pull. digest_out gets the pushed manifest's digest. */
int volt_image_push(struct volt_ctx *ctx, const char *name, const char *ref, int tls_verify, char digest_out[80],
		    struct volt_err *err);

/* volt_image_save - image name as an oci-archive at file (written atomically). */
int volt_image_save(struct volt_ctx *ctx, const char *name, const char *file, struct volt_err *err);

/* volt_archive_ref_name - the full image name an oci-archive's index.json
 * carries (org.opencontainers.image.ref.name, when it is a full reference),
 * or NULL in *name. */
int volt_archive_ref_name(const char *file, char **name, struct volt_err *err);

#endif
