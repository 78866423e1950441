/* The tree manifest of an image: every path of the flattened root filesystem
 * with its type, owner, mode and (for regular files) the SHA-256 of its content
 * in the object store. Layers are applied to a tree in order, with OCI
 * whiteout semantics; the tree never touches the file system itself, so a
 * hostile layer cannot make volt write outside the store. */
#ifndef VOLT_CAS_TREE_H
#define VOLT_CAS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cas/sha256.h"
#include "util/err.h"

enum volt_tree_type {
	VOLT_T_DIR = 1,
	VOLT_T_FILE,
	VOLT_T_SYMLINK,
	VOLT_T_FIFO,
};

struct volt_tree_entry {
	char *path;   /* normalised, relative, no leading "/" (root is not stored) */
	char *target; /* symlink target, or the path this file is hardlinked to */
	enum volt_tree_type type;
	uint32_t mode; /* permission bits incl. setuid/setgid/sticky */
	uint32_t uid, gid;
	int64_t size;
	int64_t mtime;	     /* seconds; the image's, kept in checkouts and views */
	uint32_t mtime_nsec; /* 0..999999999 (pax archives carry it) */
	int layer;	     /* index of the layer that wrote it */
	bool deleted;
	char digest[VOLT_SHA256_HEX]; /* regular files */
};

struct volt_tree {
	struct volt_tree_entry *e;
	size_t n, cap;
	size_t *index; /* open-addressing hash of live paths -> entry index + 1 */
	size_t index_cap;
	size_t live;
	int version; /* of the manifest it was loaded from (VOLT_TREE_VERSION when built) */
};

/* Manifest format: 1 = checkouts made from it have the pull time on their
 * files and symlinks (volt before image times were kept); 2 = checkouts keep
 * the image's mtimes, and entries may carry "mtime_nsec". Both load. */
#define VOLT_TREE_VERSION 2

void volt_tree_init(struct volt_tree *t);
void volt_tree_free(struct volt_tree *t);

/* volt_tree_normalize - make a tar entry name relative and canonical:
 * strips "./" and "/" prefixes, collapses "//" and trailing "/". Refuses ".."
 * components. Returns a new string ("" for the root) or NULL with err. */
char *volt_tree_normalize(const char *name, struct volt_err *err);

/* volt_tree_find - the live entry at path, or NULL. */
struct volt_tree_entry *volt_tree_find(struct volt_tree *t, const char *path);

/* volt_tree_put - add or replace the entry at e->path (already normalised),
 * taking ownership of e->path and e->target. Missing parents are created as
 * 0755 directories; a parent that exists and is not a directory is refused. */
int volt_tree_put(struct volt_tree *t, struct volt_tree_entry *e, struct volt_err *err);

/* volt_tree_whiteout - apply an OCI whiteout: remove path and everything under it. */
void volt_tree_remove(struct volt_tree *t, const char *path);

/* volt_tree_opaque - apply an opaque whiteout: remove what lower layers (layer
 * index < layer) placed under dir. */
void volt_tree_opaque(struct volt_tree *t, const char *dir, int layer);

/* volt_tree_sorted - live entries sorted by path (parents before children).
 * Returns a malloc'd array of pointers into t, count in *n. */
struct volt_tree_entry **volt_tree_sorted(struct volt_tree *t, size_t *n);

/* Serialisation: JSON {"version":2,"entries":[...]} */
int volt_tree_save(struct volt_tree *t, const char *path, struct volt_err *err);
int volt_tree_load(struct volt_tree *t, const char *path, struct volt_err *err);
int volt_tree_load_buf(struct volt_tree *t, const char *buf, size_t len, struct volt_err *err);

/* volt_tree_stats - logical bytes (sum of file sizes) and file count. */
void volt_tree_stats(struct volt_tree *t, int64_t *bytes, size_t *files);

#endif
