/* volume.h - named volumes (see volume.c). */
#ifndef VOLT_CONTAINER_VOLUME_H
#define VOLT_CONTAINER_VOLUME_H

#include <stdbool.h>

#include "state/context.h"
#include "util/err.h"

/* volt_volume_data_dir - $VOLT_ROOT/volumes/NAME/_data (malloc'd): what is mounted */
char *volt_volume_data_dir(struct volt_ctx *ctx, const char *name);
/* volt_volume_dir - $VOLT_ROOT/volumes/NAME (malloc'd); the data is in _data */
char *volt_volume_dir(struct volt_ctx *ctx, const char *name);
/* volt_volume_create - make the volume (an existing one is fine) */
int volt_volume_create(struct volt_ctx *ctx, const char *name, struct volt_err *err);
/* volt_volume_fill - in the container child, before the volume is mounted on
 * dest: copy what the image has at dest into an empty, never-filled volume
 * (data_dir is its _data), as docker does; then mark it filled. */
int volt_volume_fill(int rootfd, const char *dest, const char *data_dir, struct volt_err *err);
/* volt_volume_list - the volumes' names, sorted (a NULL-terminated strv) */
int volt_volume_list(struct volt_ctx *ctx, char ***names, struct volt_err *err);
/* volt_volume_users - names of the containers (any state) that mount it */
int volt_volume_users(struct volt_ctx *ctx, const char *name, char ***users, struct volt_err *err);
/* volt_volume_remove - delete it; refused while a container uses it unless force */
int volt_volume_remove(struct volt_ctx *ctx, const char *name, bool force, struct volt_err *err);

struct volt_spec;
/* volt_volume_is_anonymous - a name volt gave (64 hex), not the user */
bool volt_volume_is_anonymous(const char *name);
/* volt_volume_has_anonymous - the spec mounts an anonymous volume */
bool volt_volume_has_anonymous(const struct volt_spec *s);
/* volt_volume_remove_anonymous - the spec's anonymous volumes (64-hex names:
 * -v /DST and the image's VOLUME entries), each one no other container uses;
 * named volumes stay (docker's rm -v and run --rm). Best effort. userns_fd:
 * the container's user namespace, for a caller that cannot map a new one
 * (the monitor), or -1. */
void volt_volume_remove_anonymous(struct volt_ctx *ctx, const struct volt_spec *s, int userns_fd);
/* volt_volume_events - docker's volume mount (mount true) or unmount event
 * for each volume the spec mounts, as container ctr_id starts or stops */
void volt_volume_events(const struct volt_spec *s, const char *ctr_id, bool mount);

#endif
