/* `volt cas gc`: remove what no ref reaches.
 *
 * Roots are the tree manifests in refs/ (an image without a ref cannot run).
 * gc holds cas/gc.lock exclusively (lock.c), so no import or pull is between
 * its first object and its ref while gc decides: their objects are either
 * referenced already or not written yet. A ref that does not parse stops gc
 * before anything is removed: better to keep garbage than to lose an image.
 *
 * A variant "<digest>.<mode>.<uid>.<gid>.<mtime s>.<ns>" is kept when its
 * content is reachable and some ref has a file of that content with that
 * mode and mtime (the uid/gid in the name are the checkout's mapped ids,
 * which depend on the id map of whoever checked out; mode and mtime do not).
 * A variant of an older store, without the mtime, is kept when the mode
 * matches, as before.
 *
 * Partial downloads an interrupted pull kept (cas/partial/) go as well:
 * they save a download, but nothing refers to them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cas/admin.h"
#include "cas/gc_layers.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* mode_key - a digest-set key for (digest, mode) or, with vt set, (digest,
 * mode, mtime): the digest with its last hex digits replaced by the mode
 * (4 digits) or by an FNV hash of the three (16 digits), kept in a second
 * set. Collisions only keep a variant longer, never remove a used one. */
static void mode_key(const char *digest, uint32_t mode, const struct volt_cas_vtime *vt, char key[VOLT_SHA256_HEX])
{
	memcpy(key, digest, VOLT_SHA256_HEX);
	if (!vt || !vt->set) {
		snprintf(key + 60, 5, "%04x", mode & 07777);
		return;
	}
	uint64_t h = 1469598103934665603ULL, v[3] = {mode & 07777, (uint64_t)vt->sec, vt->nsec};
	for (int i = 0; i < 3; i++)
		for (int b = 0; b < 8; b++)
			h = (h ^ ((v[i] >> (8 * b)) & 0xff)) * 1099511628211ULL;
	snprintf(key + 48, 17, "%016llx", (unsigned long long)h);
}

/* reachable - load every ref: live gets each file digest, modes each
 * (digest, mode) key, refset each ref id. Return: 0, or -1 when a ref cannot
 * be read (gc then stops before removing anything). */
static int reachable(struct volt_cas *cas, struct volt_digest_set *live, struct volt_digest_set *modes,
		     struct volt_digest_set *refset, struct volt_err *err)
{
	cleanup_strv char **ids = NULL;
	if (volt_cas_ref_ids(cas, &ids, err) < 0)
		return -1;
	for (size_t i = 0; ids[i]; i++) {
		struct volt_tree t;
		if (volt_cas_ref_load(cas, ids[i], &t, err) < 0)
			return volt_err_prefix(err, "gc stopped, nothing removed");
		volt_digest_set_add(refset, ids[i]);
		for (size_t k = 0; k < t.n; k++) {
			struct volt_tree_entry *e = &t.e[k];
			char key[VOLT_SHA256_HEX], tkey[VOLT_SHA256_HEX];
			struct volt_cas_vtime vt = {true, e->mtime, e->mtime_nsec};
			if (e->deleted || e->type != VOLT_T_FILE)
				continue;
			mode_key(e->digest, e->mode, NULL, key);
			mode_key(e->digest, e->mode, &vt, tkey);
			if (volt_digest_set_add(live, e->digest) < 0 || volt_digest_set_add(modes, key) < 0 ||
			    volt_digest_set_add(modes, tkey) < 0) {
				volt_tree_free(&t);
				return volt_err_set(err, ENOMEM, "gc");
			}
		}
		volt_tree_free(&t);
	}
	return 0;
}

/* sweep_objects - remove (or, dry, report) canonical objects whose digest is
 * not live and variants whose digest or (digest, mode) is not. Return: 0 or -1. */
struct sweep {
	struct volt_digest_set *live, *modes;
	bool dry;
	volt_cas_gc_cb cb;
	void *arg;
	struct volt_cas_gc_result *res;
	struct volt_err *err;
};

static int sweep_one(const struct volt_cas_object *o, void *arg)
{
	struct sweep *w = arg;
	char key[VOLT_SHA256_HEX], rel[300];
	struct stat st;

	if (o->kind == 0 && volt_digest_set_has(w->live, o->digest))
		return 0;
	mode_key(o->digest, o->kind ? o->mode : 0, o->kind ? &o->vt : NULL, key);
	if (o->kind == 1 && volt_digest_set_has(w->live, o->digest) &&
	    (!w->modes || volt_digest_set_has(w->modes, key)))
		return 0;
	snprintf(rel, sizeof(rel), "%s/%s", o->sub, o->name);
	if (fstatat(o->dirfd, o->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		w->res->bytes += st.st_size;
	if (o->kind == 0)
		w->res->objects++;
	else
		w->res->variants++;
	if (w->cb)
		w->cb(o->kind ? "variant" : "object", rel, w->arg);
	if (!w->dry && unlinkat(o->dirfd, o->name, 0) < 0 && errno != ENOENT)
		return volt_err_sys(w->err, "gc: remove objects/%s", rel);
	return 0;
}

static int sweep_objects(struct volt_cas *cas, struct volt_digest_set *live, struct volt_digest_set *modes, bool dry,
			 volt_cas_gc_cb cb, void *arg, struct volt_cas_gc_result *res, struct volt_err *err)
{
	struct sweep w = {live, modes, dry, cb, arg, res, err};
	return volt_cas_foreach_object(cas, sweep_one, &w) < 0 ? -1 : 0;
}

/* sweep_dir - checkouts/ entries that are not a ref's id, and all of tmp/
 * (kept: tmp entries younger than a minute that are not objects, which a
 * writer that has not taken the lock yet may be filling). */
static int sweep_dir(struct volt_cas *cas, const char *name, struct volt_digest_set *refs, bool dry, volt_cas_gc_cb cb,
		     void *arg, size_t *count, struct volt_err *err)
{
	cleanup_free char *path = volt_path("%s/%s", cas->dir, name);
	cleanup_dir DIR *d = opendir(path);
	struct dirent *de;
	bool tmp = !strcmp(name, "tmp");
	time_t now = time(NULL);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!tmp && strlen(de->d_name) == 64 && volt_digest_set_has(refs, de->d_name))
			continue;
		if (tmp && strncmp(de->d_name, "obj-", 4) && strncmp(de->d_name, "var-", 4) &&
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && now - st.st_mtime < 60)
			continue;
		(*count)++;
		if (cb)
			cb(tmp ? "tmp" : "checkout", de->d_name, arg);
		if (!dry && volt_rm_rf_at(dirfd(d), de->d_name, err) < 0)
			return volt_err_prefix(err, "gc: remove %s/%s", name, de->d_name);
	}
	return 0;
}

/* sweep_partial - the partial downloads interrupted pulls kept (image
 * pull_partial.h): no ref names them, so gc removes them all but one a pull
 * has open (flock'ed; none can be, under the exclusive gc lock, but a pull
 * of an older volt does not take it). Their bytes count in res->bytes. */
static int sweep_partial(struct volt_cas *cas, bool dry, volt_cas_gc_cb cb, void *arg, struct volt_cas_gc_result *res,
			 struct volt_err *err)
{
	cleanup_free char *path = volt_path("%s/partial", cas->dir);
	cleanup_dir DIR *d = opendir(path);
	struct dirent *de;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		bool data = strlen(de->d_name) == 64;
		if (data) {
			int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			if (fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0) {
				close(fd);
				continue;
			}
			if (fd >= 0)
				close(fd);
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
				res->bytes += st.st_size;
			res->partial++;
			if (cb)
				cb("partial download", de->d_name, arg);
		}
		if (!dry && unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT)
			return volt_err_sys(err, "gc: remove partial/%s", de->d_name);
	}
	return 0;
}

int volt_cas_gc_unrecorded(struct volt_cas *cas, size_t *removed, struct volt_err *err)
{
	struct volt_digest_set live, modes, refs;
	struct volt_cas_gc_result res;
	int ret = -1;

	*removed = 0;
	memset(&res, 0, sizeof(res));
	volt_digest_set_init(&live);
	volt_digest_set_init(&modes);
	volt_digest_set_init(&refs);
	int l = volt_cas_trylock_exclusive(cas, err);
	if (l != 0) {
		ret = l;
		goto out;
	}
	if (reachable(cas, &live, &modes, &refs, err) < 0 || volt_cas_layers_live(cas, &live, err) < 0)
		goto out;
	/* variants: only those of objects going away (a layer record names
	 * contents, not metadata variants, which belong to checkouts) */
	if (sweep_objects(cas, &live, NULL, false, NULL, NULL, &res, err) < 0 ||
	    sweep_dir(cas, "tmp", &refs, false, NULL, NULL, &res.tmp, err) < 0)
		goto out;
	*removed = res.objects + res.variants + res.tmp;
	ret = 0;
out:
	volt_cas_unlock(cas);
	volt_digest_set_free(&live);
	volt_digest_set_free(&modes);
	volt_digest_set_free(&refs);
	return ret;
}

/* volt_cas_gc - see admin.h. Order: lock, decide from refs, sweep objects,
 * checkouts, tmp, layer records; the lock is held throughout. */
int volt_cas_gc(struct volt_cas *cas, bool dry_run, volt_cas_gc_cb cb, void *arg, struct volt_cas_gc_result *res,
		struct volt_err *err)
{
	struct volt_digest_set live, modes, refs;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	volt_digest_set_init(&live);
	volt_digest_set_init(&modes);
	volt_digest_set_init(&refs);
	if (volt_cas_lock(cas, true, err) < 0)
		goto out;
	if (reachable(cas, &live, &modes, &refs, err) < 0)
		goto out;
	if (sweep_objects(cas, &live, &modes, dry_run, cb, arg, res, err) < 0 ||
	    sweep_dir(cas, "checkouts", &refs, dry_run, cb, arg, &res->checkouts, err) < 0 ||
	    sweep_dir(cas, "tmp", &refs, dry_run, cb, arg, &res->tmp, err) < 0 ||
	    volt_cas_gc_layers(cas, &live, dry_run, cb, arg, &res->layers, err) < 0 ||
	    sweep_partial(cas, dry_run, cb, arg, res, err) < 0)
		goto out;
	ret = 0;
out:
	volt_cas_unlock(cas);
	volt_digest_set_free(&live);
	volt_digest_set_free(&modes);
	volt_digest_set_free(&refs);
	return ret;
}
