/* Store administration: status, verify, gc, reading refs, and the small pure
 * helpers they share (object names, a digest set). */
#ifndef VOLT_CAS_ADMIN_H
#define VOLT_CAS_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cas/store.h"
#include "userns/idmap.h"
#include "util/err.h"

/* A set of SHA-256 digests (hex), open addressing; values optional. */
struct volt_digest_set {
	char (*keys)[VOLT_SHA256_HEX];
	uint32_t *vals; /* a small per-key value (a mode, a count), 0 by default */
	size_t n, cap;
};

void volt_digest_set_init(struct volt_digest_set *s);
void volt_digest_set_free(struct volt_digest_set *s);
/* volt_digest_set_add - insert hex (64 hex digits); Return: 1 new, 0 present, -1 ENOMEM. */
int volt_digest_set_add(struct volt_digest_set *s, const char *hex);
/* volt_digest_set_has - true when hex is in the set. */
bool volt_digest_set_has(const struct volt_digest_set *s, const char *hex);
/* volt_digest_set_slot - the value slot of hex, or NULL when absent. */
uint32_t *volt_digest_set_slot(const struct volt_digest_set *s, const char *hex);

/* The mtime in a variant's name; set is false for the names volt wrote
 * before image times were kept (no mtime: the checkout's file had the pull
 * time). */
struct volt_cas_vtime {
	bool set;
	int64_t sec;
	uint32_t nsec;
};

/* One entry of objects/: its directory fd and name ("ab"), its file name,
 * and what volt_cas_parse_object_name made of it. */
struct volt_cas_object {
	int dirfd;
	const char *sub, *name;
	char digest[VOLT_SHA256_HEX];
	int kind; /* 0 canonical object, 1 variant */
	uint32_t mode, uid, gid;
	struct volt_cas_vtime vt;
};

/* volt_cas_foreach_object - call fn for every object and variant under
 * objects/ (names that are neither are skipped). A negative return from fn
 * stops the walk and is returned; 0 when every entry was visited. */
int volt_cas_foreach_object(struct volt_cas *cas, int (*fn)(const struct volt_cas_object *o, void *arg), void *arg);

/* volt_cas_parse_object_name - classify a file name found under objects/ab/:
 * "<sha256>" (canonical), "<sha256>.<octal mode>.<uid>.<gid>.<mtime s>.<ns>"
 * (variant) or "<sha256>.<octal mode>.<uid>.<gid>" (variant of a store
 * before image times were kept). digest gets the content digest;
 * mode/uid/gid/vt (vt may be NULL) the variant's metadata.
 * Return: 0 canonical, 1 variant, -1 not an object name. Pure. */
int volt_cas_parse_object_name(const char *name, char digest[VOLT_SHA256_HEX], uint32_t *mode, uint32_t *uid,
			       uint32_t *gid, struct volt_cas_vtime *vt);

/* volt_cas_ratio_format - "3.21x" (logical / stored), "-" when nothing is stored. */
void volt_cas_ratio_format(int64_t logical, int64_t stored, char *buf, size_t len);

/* volt_cas_ref_ids - the image ids that have a tree manifest in refs/,
 * a NULL-terminated malloc'd vector. */
int volt_cas_ref_ids(struct volt_cas *cas, char ***ids, struct volt_err *err);

/* volt_cas_ref_load - load refs/<id>.tree into tree. */
int volt_cas_ref_load(struct volt_cas *cas, const char *id, struct volt_tree *tree, struct volt_err *err);

struct volt_cas_status {
	size_t objects, variants, refs, checkouts;
	int64_t stored_bytes;  /* canonical objects */
	int64_t variant_bytes; /* metadata variants (copies) */
	int64_t logical_bytes; /* sum over refs of their files' sizes */
	int64_t files;	       /* sum over refs of their regular files */
};

/* volt_cas_status - count objects and refs (no hashing). */
int volt_cas_status(struct volt_cas *cas, struct volt_cas_status *st, struct volt_err *err);

/* volt_cas_verify_cb - one problem: object is "ab/<name>", problem a phrase,
 * refs a comma-separated list of the image ids that use it ("" if none). */
typedef void (*volt_cas_verify_cb)(const char *object, const char *problem, const char *refs, void *arg);

struct volt_cas_verify_opts {
	const char *ref_id; /* only what this image uses, or NULL for the whole store */
	volt_cas_verify_cb cb;
	void *arg;
};

/* volt_cas_verify - re-hash every object (canonical and variants, variants
 * against their content digest) and look for objects the refs need but the
 * store lacks. *checked gets the number hashed, *problems the number found.
 * Must run where variants are readable (inside the store's user namespace).
 * Return: 0 when the walk finished (problems may be > 0), -1 on error. */
int volt_cas_verify(struct volt_cas *cas, const struct volt_cas_verify_opts *o, size_t *checked, size_t *problems,
		    struct volt_err *err);

struct volt_cas_gc_result {
	size_t objects, variants, checkouts, tmp;
	size_t layers;	/* layer records naming objects gone after this gc (gc_layers.c) */
	size_t partial; /* partial downloads of interrupted pulls (image/pull_partial.h) */
	int64_t bytes;
};

typedef void (*volt_cas_gc_cb)(const char *kind, const char *name, void *arg);

/* volt_cas_gc - with the gc lock held exclusively: remove objects no ref
 * reaches, variants whose content or metadata no ref uses, checkouts without
 * a ref, layer records whose objects are gone, what writers left in tmp/ and
 * the partial downloads of interrupted pulls. dry_run only reports (cb per item).
 * Must run inside the store's user namespace (checkouts hold mapped owners).
 * A ref that cannot be read stops gc before anything is removed. */
int volt_cas_gc(struct volt_cas *cas, bool dry_run, volt_cas_gc_cb cb, void *arg, struct volt_cas_gc_result *res,
		struct volt_err *err);

/* volt_cas_gc_unrecorded - after an interrupted pull: when no writer and no
 * gc holds the lock (it does not wait), remove the objects that neither a ref
 * nor a complete layer record names, and tmp/ (so finished layers stay for
 * the next pull). *removed gets the count. Return: 0 done, 1 busy (nothing
 * done), -1 error. */
int volt_cas_gc_unrecorded(struct volt_cas *cas, size_t *removed, struct volt_err *err);

#endif
