/* Stellarium, the content-addressed store.
 *
 *   $VOLT_ROOT/cas/objects/ab/<sha256>                 file content, once per content
 *   $VOLT_ROOT/cas/objects/ab/<sha256>.<mode>.<uid>.<gid>  metadata variant (copy)
 *   $VOLT_ROOT/cas/refs/<image-id>.tree                tree manifest of one image
 *   $VOLT_ROOT/cas/checkouts/<image-id>/               hardlinked root filesystem
 *   $VOLT_ROOT/cas/tmp/                                objects being written
 *
 * A hardlink shares owner and mode with every other link, so a checkout links
 * a file to the canonical object when the object's metadata is what the image
 * asks for (0644 or 0755 root:root, the common case), and otherwise to a
 * variant that carries the other owner/mode. See docs/ARCHITECTURE.md. */
#ifndef VOLT_CAS_STORE_H
#define VOLT_CAS_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "cas/sha256.h"
#include "cas/tree.h"
#include "util/err.h"

struct volt_cas {
	char *dir;	/* $VOLT_ROOT/cas */
	int objects_fd; /* cas/objects */
	int tmp_fd;	/* cas/tmp */
	int lock_fd;	/* cas/gc.lock while held (lock.c), else -1 */
};

/* An object being written: content streams in, the digest is computed on the
 * way, and commit renames it into place (or drops it when the store already
 * holds the same content). */
struct volt_cas_writer {
	struct volt_cas *cas;
	int fd;
	char tmpname[64];
	struct volt_sha256 sha;
	int64_t size;
};

int volt_cas_open(struct volt_cas *cas, const char *volt_root, struct volt_err *err);
void volt_cas_close(struct volt_cas *cas);

int volt_cas_writer_begin(struct volt_cas *cas, struct volt_cas_writer *w, struct volt_err *err);
int volt_cas_writer_write(struct volt_cas_writer *w, const void *buf, size_t len, struct volt_err *err);
/* volt_cas_writer_commit - finish; digest_out gets the hex digest. exec selects
 * the canonical object's mode (0755 vs 0644) when the object is new. */
int volt_cas_writer_commit(struct volt_cas_writer *w, int exec, char digest_out[VOLT_SHA256_HEX], struct volt_err *err);
void volt_cas_writer_abort(struct volt_cas_writer *w);

/* volt_cas_object_path - "ab/<digest>" relative to objects_fd into buf. */
void volt_cas_object_rel(const char *digest, char *buf, size_t len);

/* volt_cas_has_object - 1 when the canonical object exists. */
int volt_cas_has_object(struct volt_cas *cas, const char *digest);

/* volt_cas_checkout - materialise tree under dest (which must not exist):
 * directories are created, files hardlinked to objects, symlinks made.
 * Must run inside the user namespace of the store's id mapping, so that the
 * image's owners can be set; ids that are not mapped become 0 (single-uid
 * mode), which the tree manifest still records. The checkout is built under
 * a temporary name and renamed into place. */
int volt_cas_checkout(struct volt_cas *cas, struct volt_tree *tree, const char *dest, struct volt_err *err);

/* volt_cas_lock - take $VOLT_ROOT/cas/gc.lock: shared for writers (an import,
 * pull or bundle import holds it from its first object until its ref is
 * saved), exclusive for `volt cas gc`. Blocks until granted. Held until
 * volt_cas_unlock or volt_cas_close. See lock.c. */
int volt_cas_lock(struct volt_cas *cas, bool exclusive, struct volt_err *err);
void volt_cas_unlock(struct volt_cas *cas);
/* volt_cas_trylock_exclusive - the same, exclusive, without waiting: 0 held,
 * 1 busy (a writer or a gc holds it), -1 error. */
int volt_cas_trylock_exclusive(struct volt_cas *cas, struct volt_err *err);

#endif
