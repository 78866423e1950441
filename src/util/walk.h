/* A directory's entries in name order (util/walk.c): the walk `volt cas
 * build` and `volt commit` share. */
#ifndef VOLT_UTIL_WALK_H
#define VOLT_UTIL_WALK_H

#include "util/err.h"

/* volt_walk_fn - one entry named name in the directory dfd; path is its
 * path under the walk's top (no leading '/'). A directory to descend into
 * is the callback's to open and pass to volt_walk_sorted again. Return <0 to
 * stop the walk. */
typedef int (*volt_walk_fn)(void *arg, int dfd, const char *name, const char *path, struct volt_err *err);

/* volt_walk_sorted - every entry of dfd (consumed) but . and .., sorted by
 * name (alphasort) so that what depends on order (the first link of a
 * hardlinked inode, a tree's digest) is stable; prefix is dfd's path ("" for
 * the top). */
int volt_walk_sorted(int dfd, const char *prefix, volt_walk_fn fn, void *arg, struct volt_err *err);

#endif
