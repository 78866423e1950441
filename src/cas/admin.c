/* Store administration: the refs in the store and `volt cas status`. */
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
#include "util/strv.h"
#include "util/fs.h"

/* volt_cas_ref_ids - list refs/<id>.tree as ids (vector, NULL-terminated). */
int volt_cas_ref_ids(struct volt_cas *cas, char ***ids, struct volt_err *err)
{
	cleanup_free char *dir = volt_path("%s/refs", cas->dir);
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;
	char **v = calloc(1, sizeof(char *));

	if (!d || !v) {
		free(v);
		return volt_err_sys(err, "open %s", dir);
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l != 64 + 5 || strcmp(de->d_name + 64, ".tree"))
			continue;
		char id[VOLT_SHA256_HEX];
		memcpy(id, de->d_name, 64);
		id[64] = '\0';
		if (volt_sha256_is_hex(id) && volt_strv_push(&v, id) < 0) {
			volt_strv_free(v);
			return volt_err_set(err, ENOMEM, "list refs");
		}
	}
	*ids = v;
	return 0;
}

/* volt_cas_ref_load - refs/<id>.tree into tree (initialised here). */
int volt_cas_ref_load(struct volt_cas *cas, const char *id, struct volt_tree *tree, struct volt_err *err)
{
	cleanup_free char *p = volt_path("%s/refs/%s.tree", cas->dir, id);
	volt_tree_init(tree);
	if (volt_tree_load(tree, p, err) < 0) {
		volt_tree_free(tree);
		return volt_err_prefix(err, "ref %.12s", id);
	}
	return 0;
}

int volt_cas_foreach_object(struct volt_cas *cas, int (*fn)(const struct volt_cas_object *o, void *arg), void *arg)
{
	for (int i = 0; i < 256; i++) {
		char sub[3];
		snprintf(sub, sizeof(sub), "%02x", i);
		int fd = openat(cas->objects_fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		cleanup_dir DIR *d = fdopendir(fd);
		struct dirent *de;
		if (!d) {
			close(fd);
			continue;
		}
		while ((de = readdir(d))) {
			struct volt_cas_object o = {.dirfd = fd, .sub = sub, .name = de->d_name};
			o.kind = volt_cas_parse_object_name(de->d_name, o.digest, &o.mode, &o.uid, &o.gid, &o.vt);
			if (o.kind < 0)
				continue;
			int r = fn(&o, arg);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* count_object - volt_cas_status's visitor: sizes by kind */
static int count_object(const struct volt_cas_object *o, void *arg)
{
	struct volt_cas_status *st = arg;
	struct stat sb;
	if (fstatat(o->dirfd, o->name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (o->kind == 0) {
		st->objects++;
		st->stored_bytes += sb.st_size;
	} else {
		st->variants++;
		st->variant_bytes += sb.st_size;
	}
	return 0;
}

/* volt_cas_status - walk objects/ (stat only) and refs/. */
int volt_cas_status(struct volt_cas *cas, struct volt_cas_status *st, struct volt_err *err)
{
	cleanup_strv char **ids = NULL;
	cleanup_free char *co = volt_path("%s/checkouts", cas->dir);

	memset(st, 0, sizeof(*st));
	volt_cas_foreach_object(cas, count_object, st);
	if (volt_cas_ref_ids(cas, &ids, err) < 0)
		return -1;
	for (size_t i = 0; ids[i]; i++) {
		struct volt_tree t;
		int64_t bytes;
		size_t files;
		if (volt_cas_ref_load(cas, ids[i], &t, err) < 0)
			return -1;
		volt_tree_stats(&t, &bytes, &files);
		st->logical_bytes += bytes;
		st->files += (int64_t)files;
		st->refs++;
		volt_tree_free(&t);
	}
	cleanup_dir DIR *d = opendir(co);
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (strlen(de->d_name) == 64)
			st->checkouts++;
	return 0;
}
