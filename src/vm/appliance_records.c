/* Appliances' records (<key>.json beside each appliance): listing and
 * lookup by name or key. Apart from the builders (libarchive) so that volt
 * itself finds a named appliance for `volt run --vm NAME` without loading
 * the archive library. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cas/sha256.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"
#include "vm/appliance_int.h"

long long appliance_on_disk(const char *path)
{
	struct stat st;
	if (!path || stat(path, &st) < 0)
		return 0;
	/* a disk image is sparse: what it takes, not its length */
	return S_ISREG(st.st_mode) && st.st_blocks * 512 < st.st_size ? st.st_blocks * 512 : st.st_size;
}

void volt_appliance_info_free(struct volt_appliance_info *a)
{
	free(a->image);
	free(a->name);
	free(a->kernel);
	free(a->strategy);
	free(a->path);
	free(a->disk);
	volt_strv_free(a->entrypoint);
	volt_strv_free(a->env);
	memset(a, 0, sizeof(*a));
}

void volt_appliances_free(struct volt_appliance_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		volt_appliance_info_free(&v[i]);
	free(v);
}

static char **strv_of(json_t *a)
{
	char **v = NULL;
	size_t i;
	json_t *s;
	json_array_foreach(a, i, s) {
		if (json_is_string(s) && volt_strv_push(&v, json_string_value(s)) < 0)
			break;
	}
	return v;
}

/* read_info - the appliance of key, from its .json; false when either
 * file is missing or the record is not one of ours */
static bool read_info(const char *dir, const char *key, struct volt_appliance_info *a)
{
	cleanup_free char *meta = volt_path("%s/%s.json", dir, key);
	cleanup_free char *path = volt_path("%s/%s.cpio.zst", dir, key);
	struct stat st;
	json_error_t je;
	if (stat(path, &st) < 0)
		return false;
	json_auto_t *m = json_load_file(meta, 0, &je);
	const char *img = json_string_value(json_object_get(m, "Image"));
	const char *name = json_string_value(json_object_get(m, "Name"));
	const char *ker = json_string_value(json_object_get(m, "Kernel"));
	const char *strategy = json_string_value(json_object_get(m, "Strategy"));
	if ((!img && !name) || !ker)
		return false;
	bool disk = strategy && !strcmp(strategy, "disk");
	cleanup_free char *ext4 = disk ? volt_path("%s/%s.ext4", dir, key) : NULL;
	if (disk && stat(ext4, &st) < 0)
		return false;
	memset(a, 0, sizeof(*a));
	snprintf(a->key, sizeof(a->key), "%s", key);
	a->image = img ? strdup(img) : NULL;
	a->name = name ? strdup(name) : NULL;
	a->kernel = strdup(ker);
	a->strategy = strdup(disk ? "disk" : "initramfs");
	a->size = appliance_on_disk(path) + appliance_on_disk(ext4);
	a->path = volt_steal_ptr(&path);
	a->disk = volt_steal_ptr(&ext4);
	a->entrypoint = strv_of(json_object_get(m, "Entrypoint"));
	a->env = strv_of(json_object_get(m, "Env"));
	a->created = json_integer_value(json_object_get(m, "Created"));
	return true;
}

int volt_appliance_list(struct volt_ctx *ctx, struct volt_appliance_info **out, size_t *n, struct volt_err *err)
{
	cleanup_free char *dir = volt_path("%s/appliances", ctx->root);
	cleanup_dir DIR *d = opendir(dir);
	struct volt_appliance_info *v = NULL;
	struct dirent *de;
	size_t nv = 0;
	if (!d && errno != ENOENT)
		return volt_err_sys(err, "open %s", dir);
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len != 64 + 9 || strcmp(de->d_name + 64, ".cpio.zst"))
			continue;
		char key[65];
		memcpy(key, de->d_name, 64);
		key[64] = '\0';
		struct volt_appliance_info a;
		if (!volt_sha256_is_hex(key) || !read_info(dir, key, &a))
			continue;
		struct volt_appliance_info *nvv = realloc(v, (nv + 1) * sizeof(*v));
		if (!nvv) {
			volt_appliances_free(v, nv);
			return volt_err_set(err, ENOMEM, "list appliances");
		}
		v = nvv;
		v[nv++] = a;
	}
	*out = v;
	*n = nv;
	return 0;
}

/* by_key - the one appliance of v whose key starts with prefix; -1 with
 * err set when none or several */
static int by_key(struct volt_appliance_info *v, size_t n, const char *prefix, size_t *at, struct volt_err *err)
{
	size_t hits = 0, plen = strlen(prefix);
	if (plen < 4 || plen > 64 || strspn(prefix, "0123456789abcdef") != plen)
		return volt_err_said(err, ENOENT,
				     "appliance %s: no appliance of that name (or give 4 hex digits of a key)", prefix);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(v[i].key, prefix, plen)) {
			hits++;
			*at = i;
		}
	if (hits != 1)
		return volt_err_said(
			err, hits ? EEXIST : ENOENT,
			hits ? "appliance %s: more than one key starts so" : "appliance %s: no such appliance", prefix);
	return 0;
}

/* newest_named - the index of the newest appliance of name in v */
bool appliance_newest_named(struct volt_appliance_info *v, size_t n, const char *name, size_t *at)
{
	bool found = false;
	for (size_t i = 0; i < n; i++)
		if (v[i].name && !strcmp(v[i].name, name) && (!found || v[i].created > v[*at].created)) {
			*at = i;
			found = true;
		}
	return found;
}

/* find_in - by name, else by key */
static int find_in(struct volt_ctx *ctx, const char *what, bool names_only, struct volt_appliance_info *out,
		   struct volt_err *err)
{
	struct volt_appliance_info *v;
	size_t n, at = 0;
	if (volt_appliance_list(ctx, &v, &n, err) < 0)
		return -1;
	int r = 0;
	if (!appliance_newest_named(v, n, what, &at))
		r = names_only ? volt_err_said(err, ENOENT, "appliance %s: no appliance of that name", what) :
				 by_key(v, n, what, &at, err);
	if (r == 0) {
		*out = v[at];
		memset(&v[at], 0, sizeof(v[at]));
	}
	volt_appliances_free(v, n);
	return r;
}

int volt_appliance_find_named(struct volt_ctx *ctx, const char *name, struct volt_appliance_info *out,
			      struct volt_err *err)
{
	return find_in(ctx, name, true, out, err);
}

int volt_appliance_find(struct volt_ctx *ctx, const char *what, struct volt_appliance_info *out, struct volt_err *err)
{
	return find_in(ctx, what, false, out, err);
}
