/* Import of local image sources into the CAS. Every format ends in the same
 * place: layers applied to one tree, a config, an id, a ref, a checkout and a
 * row in the state database. */
#include "image/image.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/store.h"
#include "image/layer.h"
#include "image/source.h"
#include "util/cleanup.h"
#include "util/fs.h"

struct import_job {
	struct volt_ctx *ctx;
	const char *source;
	const char *name;
	const struct volt_import_opts *opts;
	char id[VOLT_SHA256_HEX];
};

/* build the image config for a plain rootfs tarball: docker import's shape */
static char *rootfs_config(const char *diff_id)
{
	json_t *cfg = json_pack("{s:s,s:s,s:{s:[s]},s:{s:s,s:[s]}}", "architecture", "amd64", "os", "linux", "config",
				"Env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "rootfs",
				"type", "layers", "diff_ids", diff_id);
	char ts[48];
	volt_format_time(volt_now_ns(), ts, sizeof(ts));
	json_object_set_new(cfg, "created", json_string(ts));
	char *s = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(cfg);
	return s;
}

int volt_image_commit(struct volt_ctx *ctx, struct volt_cas *cas, struct volt_tree *tree, const char *config_json,
		      json_t *layer_digests, const char *name, const char *source, char id_out[65],
		      struct volt_err *err)
{
	cleanup_free char *ref = NULL, *co = NULL, *layers_s = NULL;
	cleanup_free char *repo = NULL, *tag = NULL;
	struct volt_image_row row = {0};
	struct volt_db *db;
	int64_t bytes;
	struct stat st;

	volt_sha256_buf(config_json, strlen(config_json), id_out);
	ref = volt_path("%s/refs/%s.tree", cas->dir, id_out);
	if (volt_tree_save(tree, ref, err) < 0)
		return -1;
	co = volt_image_checkout_path(ctx, id_out);
	if (stat(co, &st) < 0 && volt_cas_checkout(cas, tree, co, err) < 0) {
		if (stat(co, &st) < 0) /* a concurrent import of the same image wins */
			return -1;
	}
	if (name && volt_image_parse_name(name, &repo, &tag, err) < 0)
		return -1;
	volt_tree_stats(tree, &bytes, NULL);
	layers_s = json_dumps(layer_digests, JSON_COMPACT);
	snprintf(row.id, sizeof(row.id), "%s", id_out);
	row.config = (char *)config_json;
	row.layers = layers_s;
	row.source = (char *)source;
	row.created = volt_now_ns();
	row.size = bytes;
	db = volt_ctx_db(ctx, err);
	if (!db || volt_db_image_add(db, &row, repo, tag, err) < 0)
		return -1;
	return 0;
}

/* finish_image - the import job's end: record the image under the job's name. */
static int finish_image(struct import_job *job, struct volt_cas *cas, struct volt_tree *tree, const char *config,
			json_t *layers, struct volt_err *err)
{
	return volt_image_commit(job->ctx, cas, tree, config, layers, job->name, job->source, job->id, err);
}

static int import_rootfs_tar(struct import_job *job, struct volt_cas *cas, struct volt_err *err)
{
	struct volt_tree tree;
	struct volt_layer_stats st;
	struct stat sst;
	cleanup_close int fd = open(job->source, O_RDONLY | O_CLOEXEC);
	cleanup_free char *config = NULL;
	char diff[80];
	int ret = -1;

	if (fd < 0)
		return volt_err_sys(err, "open %s", job->source);
	if (fstat(fd, &sst) < 0 || !S_ISREG(sst.st_mode))
		return volt_err_set(err, EINVAL, "%s is not a tarball (use oci:DIR for an image layout directory)",
				    job->source);
	volt_tree_init(&tree);
	if (volt_layer_apply(cas, &tree, fd, 0, job->source, NULL, &st, err) < 0)
		goto out;
	snprintf(diff, sizeof(diff), "sha256:%s", st.digest);
	config = rootfs_config(diff);
	json_t *layers = json_pack("[s]", diff);
	ret = finish_image(job, cas, &tree, config, layers, err);
	json_decref(layers);
out:
	volt_tree_free(&tree);
	return ret;
}

/* runs inside the user namespace: the checkout sets the image's owners */
static int import_in_userns(void *arg, char id_out[65], struct volt_err *err)
{
	struct import_job *job = arg;
	struct volt_cas cas;
	struct volt_image_source src;
	int ret;

	if (volt_cas_open(&cas, job->ctx->root, err) < 0)
		return -1;
	/* gc must not take our objects before the ref is saved (cas/lock.c) */
	if (volt_cas_lock(&cas, false, err) < 0) {
		volt_cas_close(&cas);
		return -1;
	}
	if (volt_image_source_open(&src, cas.dir, job->source, err) < 0) {
		volt_cas_close(&cas);
		return -1;
	}
	if (src.kind == VOLT_SRC_ROOTFS) {
		ret = import_rootfs_tar(job, &cas, err);
	} else {
		struct volt_tree tree;
		cleanup_free char *config = NULL;
		json_t *layers = NULL;
		volt_tree_init(&tree);
		ret = volt_image_source_apply(&src, &cas, &tree, &config, &layers, err);
		/* docker-archive: the archive's first RepoTag names the image when
		 * the user gave no name, as `docker load` does */
		if (ret == 0)
			ret = volt_image_commit(job->ctx, &cas, &tree, config, layers,
						job->name ? job->name : src.default_name, job->source, job->id, err);
		json_decref(layers);
		volt_tree_free(&tree);
	}
	volt_image_source_close(&src);
	volt_cas_close(&cas);
	if (ret == 0)
		memcpy(id_out, job->id, 65);
	return ret == 0 ? 0 : -1;
}

int volt_image_import(struct volt_ctx *ctx, const struct volt_idmap *map, const char *source, const char *name,
		      const struct volt_import_opts *opts, char *id_out, struct volt_err *err)
{
	struct import_job job = {.ctx = ctx, .source = source, .name = name, .opts = opts};
	cleanup_free char *repo = NULL, *tag = NULL;

	if (name && volt_image_parse_name(name, &repo, &tag, err) < 0)
		return -1;
	if (volt_userns_run_id(map, import_in_userns, &job, id_out, err) < 0)
		return volt_err_prefix(err, "import %s", source);
	return 0;
}
