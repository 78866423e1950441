/* docker-archive reader: the `docker save` format, once unpacked.
 *
 * manifest.json is a list of {"Config": PATH, "RepoTags": [...], "Layers":
 * [PATH...]}. The config's file name carries its digest ("<hex>.json" in the
 * classic layout, "blobs/sha256/<hex>" since Docker 25), which is checked;
 * the verified config's rootfs.diff_ids then vouch for the layers, which
 * docker (and skopeo) write uncompressed, so each layer file must hash to
 * its diff_id. The image is the only entry, or the one whose RepoTags hold
 * the REF given after the file name; its first RepoTag is the default name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/source_int.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define MAX_ENTRIES 1024

/* config_digest - "sha256:<hex>" from a config path whose last component
 * is "<hex>" or "<hex>.json"; -1 when the name does not carry a digest. */
static int config_digest(const char *path, char out[80])
{
	const char *base = strrchr(path, '/');
	size_t n;
	base = base ? base + 1 : path;
	n = strlen(base);
	if (n == 69 && !strcmp(base + 64, ".json"))
		n = 64;
	if (n != 64)
		return -1;
	snprintf(out, 80, "sha256:%.64s", base);
	return volt_digest_valid(out) ? 0 : -1;
}

/* has_tag - entry e's RepoTags hold ref ("name" means "name:latest"). */
static bool has_tag(json_t *e, const char *ref)
{
	json_t *tags = json_object_get(e, "RepoTags"), *t;
	size_t i;
	const char *slash = strrchr(ref, '/'), *colon = strrchr(ref, ':');
	bool tagged = colon && (!slash || colon > slash);

	json_array_foreach(tags, i, t) {
		const char *s = json_string_value(t);
		size_t rl = strlen(ref);
		if (!s)
			continue;
		if (!strcmp(s, ref))
			return true;
		if (!tagged && !strncmp(s, ref, rl) && !strcmp(s + rl, ":latest"))
			return true;
	}
	return false;
}

/* check_entry - the shape of one manifest.json entry. */
static int check_entry(json_t *e, size_t i, struct volt_err *err)
{
	json_t *tags = json_object_get(e, "RepoTags"), *layers = json_object_get(e, "Layers"), *v;
	size_t k;

	if (!json_is_object(e))
		return volt_err_set(err, EINVAL, "manifest.json[%zu] is not an object", i);
	if (!json_is_string(json_object_get(e, "Config")))
		return volt_err_set(err, EINVAL, "manifest.json[%zu]: Config is not a string", i);
	if (!json_is_array(layers) || json_array_size(layers) > VOLT_MANIFEST_MAX_LAYERS)
		return volt_err_set(err, EINVAL, "manifest.json[%zu]: Layers is not an array (of at most %d)", i,
				    VOLT_MANIFEST_MAX_LAYERS);
	json_array_foreach(layers, k, v) {
		if (!json_is_string(v))
			return volt_err_set(err, EINVAL, "manifest.json[%zu]: Layers[%zu] is not a string", i, k);
	}
	if (tags && !json_is_null(tags)) {
		if (!json_is_array(tags))
			return volt_err_set(err, EINVAL, "manifest.json[%zu]: RepoTags is not an array", i);
		json_array_foreach(tags, k, v) {
			if (!json_is_string(v))
				return volt_err_set(err, EINVAL, "manifest.json[%zu]: RepoTags[%zu] is not a string", i,
						    k);
		}
	}
	return 0;
}

/* pick_entry - the entry for src->tag, or the only one. */
static json_t *pick_entry(struct volt_image_source *src, json_t *list, struct volt_err *err)
{
	json_t *e, *found = NULL;
	size_t i, n = json_array_size(list);

	if (!json_is_array(list) || n == 0 || n > MAX_ENTRIES)
		return volt_err_set(err, EINVAL, "manifest.json is not a list of images"), NULL;
	json_array_foreach(list, i, e) {
		if (check_entry(e, i, err) < 0)
			return NULL;
	}
	if (!src->tag) {
		if (n == 1)
			return json_array_get(list, 0);
		volt_err_set(err, EINVAL, "the archive holds %zu images; name one as docker-archive:FILE:REPO:TAG", n);
		return NULL;
	}
	json_array_foreach(list, i, e) {
		if (has_tag(e, src->tag)) {
			found = e;
			break;
		}
	}
	if (!found)
		volt_err_set(err, ENOENT, "no image tagged \"%s\" in the archive", src->tag);
	return found;
}

int src_docker_apply(struct volt_image_source *src, struct volt_cas *cas, struct volt_tree *tree, char **config,
		     json_t **layers, struct volt_err *err)
{
	cleanup_free char *buf = NULL, *cfg = NULL;
	json_t *list, *e, *paths, *diff_ids = NULL;
	json_error_t jerr;
	char digest[80];
	size_t len, clen;
	int ret = -1;

	if (src_read_verified(src, "manifest.json", NULL, -1, VOLT_MANIFEST_MAX_BYTES, "manifest", &buf, &len, err) < 0)
		return volt_err_prefix(err, "not a docker-archive");
	list = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!list)
		return volt_err_set(err, EINVAL, "manifest.json is not valid JSON: %s", jerr.text);
	if (!(e = pick_entry(src, list, err)))
		goto out;
	const char *cpath = json_string_value(json_object_get(e, "Config"));
	if (config_digest(cpath, digest) < 0) {
		volt_err_set(err, EINVAL, "config \"%.200s\": the name carries no sha256 digest, cannot verify it",
			     cpath);
		goto out;
	}
	paths = json_object_get(e, "Layers");
	if (src_read_verified(src, cpath, digest, -1, VOLT_CONFIG_MAX_BYTES, "config", &cfg, &clen, err) < 0)
		goto out;
	if (src_check_config(cfg, clen, json_array_size(paths), &diff_ids, err) < 0) {
		volt_err_prefix(err, "config %s", digest);
		goto out;
	}
	if (!diff_ids && json_array_size(paths)) {
		volt_err_set(err, EINVAL, "config %s: no rootfs.diff_ids to verify the layers with", digest);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(paths); i++) {
		const char *lp = json_string_value(json_array_get(paths, i));
		const char *want = json_string_value(json_array_get(diff_ids, i));
		if (src_apply_layer(src, cas, tree, lp, want, -1, (int)i, err) < 0)
			goto out;
	}
	free(src->default_name);
	if (src->tag) {
		const char *slash = strrchr(src->tag, '/'), *colon = strrchr(src->tag, ':');
		bool tagged = colon && (!slash || colon > slash);
		src->default_name = tagged ? strdup(src->tag) : volt_path("%s:latest", src->tag);
	} else {
		const char *first = json_string_value(json_array_get(json_object_get(e, "RepoTags"), 0));
		src->default_name = first ? strdup(first) : NULL;
	}
	*layers = diff_ids ? json_deep_copy(diff_ids) : json_array();
	*config = steal_ptr(cfg);
	ret = 0;
out:
	json_decref(diff_ids);
	json_decref(list);
	return ret;
}
