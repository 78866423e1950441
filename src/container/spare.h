/* spare.h - emptied container directories kept for the next container (see
 * spare.c). */
#ifndef VOLT_CONTAINER_SPARE_H
#define VOLT_CONTAINER_SPARE_H

#include <stdbool.h>

/* spares kept at most: $VOLT_ROOT/spare/0 .. VOLT_SPARE_SLOTS-1 */
#define VOLT_SPARE_SLOTS 4

/* volt_spare_take - move a spare directory (with its empty upper/ and work/)
 * to dir, which must not exist. true when one was taken; false when there
 * was none (or it could not be moved): the caller makes dir itself. */
bool volt_spare_take(const char *root, const char *dir);

/* volt_spare_give - empty dir, a removed container's directory (its mounts
 * gone), down to upper/ and work/, and keep it as a spare when both are as
 * new (owner, mode, no extended attributes) and a slot is free. true when
 * kept; false when not, leaving dir for the caller to remove. Run where the
 * container's files can be removed (its user namespace). */
bool volt_spare_give(const char *root, const char *dir);

/* volt_spare_check - whether the directory open on dfd is as the monitor
 * makes upper/ and work/: a directory of mode mode owned by uid:gid, with no
 * extended attribute (overlayfs keeps its marks there, and a container that
 * changed its root's owner, mode or ACL changed upper/). Pure but for
 * fstat/flistxattr, for unit tests. */
bool volt_spare_check(int dfd, unsigned mode, unsigned uid, unsigned gid);

#endif
