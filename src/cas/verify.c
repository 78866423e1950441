/* `volt cas verify`: re-hash what the store holds and find what it lacks.
 *
 * Every canonical object must hash to its name; every variant
 * ("<digest>.<mode>.<uid>.<gid>", a copy with other metadata) must hash to its
 * content digest. Every file digest a ref names must exist as a canonical
 * object. Problems are collected first and reported at the end with the refs
 * that use each object, so one walk over the refs suffices. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/admin.h"
#include "util/cleanup.h"
#include "util/fs.h"

struct problem {
	char object[300];
	char digest[VOLT_SHA256_HEX];
	const char *what;
	char *refs; /* comma-separated ids (12 digits) */
};

struct vstate {
	struct problem *p;
	size_t n, cap;
};

/* add_problem - append one problem. Return: 0, -1 on ENOMEM. */
static int add_problem(struct vstate *v, const char *object, const char *digest, const char *what)
{
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 16;
		struct problem *np = realloc(v->p, nc * sizeof(*np));
		if (!np)
			return -1;
		v->p = np;
		v->cap = nc;
	}
	struct problem *p = &v->p[v->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->object, sizeof(p->object), "%s", object);
	memcpy(p->digest, digest, VOLT_SHA256_HEX);
	p->what = what;
	return 0;
}

/* hash_fd - SHA-256 of the whole file at fd into hex. Return 0 or -errno. */
static int hash_fd(int fd, char hex[VOLT_SHA256_HEX])
{
	struct volt_sha256 h;
	static __thread char buf[1 << 17];
	ssize_t n;

	if (volt_sha256_init(&h) < 0)
		return -ENOMEM;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			volt_sha256_abort(&h);
			return -e;
		}
		volt_sha256_update(&h, buf, (size_t)n);
	}
	volt_sha256_final(&h, hex);
	return 0;
}

/* collect - the digests refs name: all refs, or one. */
static int collect(struct volt_cas *cas, const char *only, struct volt_digest_set *need, char ***ids_out,
		   struct volt_err *err)
{
	char **ids = NULL;
	if (only) {
		ids = calloc(2, sizeof(char *));
		if (!ids || !(ids[0] = strdup(only))) {
			free(ids);
			return volt_err_set(err, ENOMEM, "verify");
		}
	} else if (volt_cas_ref_ids(cas, &ids, err) < 0) {
		return -1;
	}
	*ids_out = ids;
	for (size_t i = 0; ids[i]; i++) {
		struct volt_tree t;
		if (volt_cas_ref_load(cas, ids[i], &t, err) < 0)
			return -1;
		for (size_t k = 0; k < t.n; k++)
			if (!t.e[k].deleted && t.e[k].type == VOLT_T_FILE &&
			    volt_digest_set_add(need, t.e[k].digest) < 0) {
				volt_tree_free(&t);
				return volt_err_set(err, ENOMEM, "verify");
			}
		volt_tree_free(&t);
	}
	return 0;
}

/* scan_objects - hash every object (of the needed digests when only_needed);
 * mark needed digests seen through the value slot. */
struct scan {
	struct volt_digest_set *need;
	bool only_needed;
	struct vstate *v;
	size_t *checked;
};

static int scan_one(const struct volt_cas_object *o, void *arg)
{
	struct scan *sc = arg;
	char got[VOLT_SHA256_HEX], obj[300];
	uint32_t *slot = volt_digest_set_slot(sc->need, o->digest);

	if (sc->only_needed && !slot)
		return 0;
	snprintf(obj, sizeof(obj), "%s/%s", o->sub, o->name);
	cleanup_close int ofd = openat(o->dirfd, o->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int r = ofd < 0 ? -errno : hash_fd(ofd, got);
	(*sc->checked)++;
	if (r < 0)
		return add_problem(sc->v, obj, o->digest, "cannot be read") < 0 ? -1 : 0;
	if (strcmp(got, o->digest))
		return add_problem(sc->v, obj, o->digest,
				   o->kind ? "variant content does not match its digest" :
					     "content does not match its digest") < 0 ?
			       -1 :
			       0;
	if (slot && o->kind == 0)
		*slot = 1;
	return 0;
}

static int scan_objects(struct volt_cas *cas, struct volt_digest_set *need, bool only_needed, struct vstate *v,
			size_t *checked)
{
	struct scan sc = {need, only_needed, v, checked};
	return volt_cas_foreach_object(cas, scan_one, &sc);
}

/* users_of - fill each problem's refs list (one pass over the refs). */
static void users_of(struct volt_cas *cas, char **ids, struct vstate *v)
{
	struct volt_digest_set bad;
	volt_digest_set_init(&bad);
	for (size_t i = 0; i < v->n; i++)
		volt_digest_set_add(&bad, v->p[i].digest);
	for (size_t r = 0; ids[r]; r++) {
		struct volt_tree t;
		struct volt_err ignored;
		if (volt_cas_ref_load(cas, ids[r], &t, &ignored) < 0)
			continue;
		for (size_t i = 0; i < v->n; i++) {
			bool uses = false;
			for (size_t k = 0; k < t.n && !uses; k++)
				uses = !t.e[k].deleted && t.e[k].type == VOLT_T_FILE &&
				       !strcmp(t.e[k].digest, v->p[i].digest);
			if (!uses)
				continue;
			char *nr =
				v->p[i].refs ? volt_path("%s,%.12s", v->p[i].refs, ids[r]) : volt_path("%.12s", ids[r]);
			free(v->p[i].refs);
			v->p[i].refs = nr;
		}
		volt_tree_free(&t);
	}
	volt_digest_set_free(&bad);
}

/* volt_cas_verify - see admin.h. Collect needed digests, hash objects, list
 * the needed ones not present, then name each problem's users. */
int volt_cas_verify(struct volt_cas *cas, const struct volt_cas_verify_opts *o, size_t *checked, size_t *problems,
		    struct volt_err *err)
{
	struct volt_digest_set need;
	struct vstate v = {0};
	cleanup_strv char **ids = NULL;
	int ret = -1;

	*checked = *problems = 0;
	volt_digest_set_init(&need);
	if (collect(cas, o->ref_id, &need, &ids, err) < 0)
		goto out;
	if (scan_objects(cas, &need, o->ref_id != NULL, &v, checked) < 0) {
		volt_err_set(err, ENOMEM, "verify");
		goto out;
	}
	for (size_t i = 0; i < need.cap; i++) {
		if (!need.keys[i][0] || need.vals[i])
			continue;
		char obj[300];
		snprintf(obj, sizeof(obj), "%.2s/%s", need.keys[i], need.keys[i]);
		/* present but corrupt is already reported; only the absent ones here */
		if (faccessat(cas->objects_fd, obj, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (add_problem(&v, obj, need.keys[i], "is missing") < 0) {
			volt_err_set(err, ENOMEM, "verify");
			goto out;
		}
	}
	users_of(cas, ids, &v);
	for (size_t i = 0; i < v.n; i++)
		if (o->cb)
			o->cb(v.p[i].object, v.p[i].what, v.p[i].refs ? v.p[i].refs : "", o->arg);
	*problems = v.n;
	ret = 0;
out:
	for (size_t i = 0; i < v.n; i++)
		free(v.p[i].refs);
	free(v.p);
	volt_digest_set_free(&need);
	return ret;
}
