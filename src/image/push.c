/* volt push and volt image save: an image out of the store, to a registry
 * or to an oci-archive file (see export.c for what leaves the store). */
#include "image/push.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cas/store.h"
#include "image/export.h"
#include "image/reference.h"
#include "image/registry.h"
#include "util/archive_cleanup.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* push_blob - HEAD first: a blob the registry has is not sent again. */
static int push_blob(struct volt_registry *reg, const char *digest, int fd, int64_t size, const char *mem,
		     struct volt_err *err)
{
	int r = volt_registry_blob_exists(reg, digest, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (mem) {
		/* small blobs (config) through a temporary file as well */
		cleanup_close int tfd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		size_t len = strlen(mem);
		if (tfd < 0 || write(tfd, mem, len) != (ssize_t)len)
			return volt_err_sys(err, "temporary file for blob %s", digest);
		return volt_registry_upload_blob(reg, digest, tfd, (int64_t)len, err);
	}
	return volt_registry_upload_blob(reg, digest, fd, size, err);
}

int volt_image_push(struct volt_ctx *ctx, const char *name, const char *refstr, int tls_verify, char digest_out[80],
		    struct volt_err *err)
{
	struct volt_ref r;
	struct volt_registry reg;
	struct volt_registry_opts ro = {.tls_verify = tls_verify, .push = true};
	struct volt_export x = {0};
	struct volt_cas cas;
	int ret = -1;

	if (volt_ref_parse(refstr ? refstr : name, &r, err) < 0)
		return -1;
	if (volt_cas_open(&cas, ctx->root, err) < 0) {
		volt_ref_free(&r);
		return -1;
	}
	memset(&reg, 0, sizeof(reg));
	pthread_mutex_init(&reg.lock, NULL);
	if (volt_export_image(ctx, &cas, name, &x, err) < 0)
		goto out;
	volt_registry_close(&reg);
	if (volt_registry_open(&reg, r.domain, r.path, &ro, err) < 0)
		goto out;
	for (int i = 0; i < x.n_layers; i++)
		if (push_blob(&reg, x.layers[i].digest, x.layers[i].fd, x.layers[i].size, NULL, err) < 0)
			goto out;
	if (push_blob(&reg, x.config_digest, -1, 0, x.config, err) < 0 ||
	    volt_registry_put_manifest(&reg, r.digest ? r.digest : r.tag, x.manifest, strlen(x.manifest),
				       "application/vnd.oci.image.manifest.v1+json", err) < 0)
		goto out;
	snprintf(digest_out, 80, "%s", x.manifest_digest);
	ret = 0;
out:
	if (ret < 0)
		volt_err_prefix(err, "push %s", refstr ? refstr : name);
	volt_export_free(&x);
	volt_registry_close(&reg);
	volt_cas_close(&cas);
	volt_ref_free(&r);
	return ret;
}

/* add_mem - a regular file from memory into the archive. */
static int add_mem(struct archive *a, const char *path, const void *data, size_t len, struct volt_err *err)
{
	struct archive_entry *ae = archive_entry_new();
	int ok;
	archive_entry_set_pathname(ae, path);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_size(ae, (la_int64_t)len);
	ok = archive_write_header(a, ae) == ARCHIVE_OK &&
	     (len == 0 || archive_write_data(a, data, len) == (la_ssize_t)len);
	archive_entry_free(ae);
	return ok ? 0 : volt_err_set(err, EIO, "write %s: %s", path, archive_error_string(a));
}

/* add_dir - a directory entry into the archive. */
static int add_dir(struct archive *a, const char *path)
{
	struct archive_entry *ae = archive_entry_new();
	int r;
	archive_entry_set_pathname(ae, path);
	archive_entry_set_filetype(ae, AE_IFDIR);
	archive_entry_set_perm(ae, 0755);
	r = archive_write_header(a, ae);
	archive_entry_free(ae);
	return r == ARCHIVE_OK ? 0 : -1;
}

/* add_fd - a regular file from fd (read from offset 0) into the archive. */
static int add_fd(struct archive *a, const char *path, int fd, int64_t size, struct volt_err *err)
{
	struct archive_entry *ae = archive_entry_new();
	char buf[1 << 16];
	ssize_t n;
	off_t off = 0;
	archive_entry_set_pathname(ae, path);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_size(ae, size);
	if (archive_write_header(a, ae) != ARCHIVE_OK) {
		archive_entry_free(ae);
		return volt_err_set(err, EIO, "write %s: %s", path, archive_error_string(a));
	}
	archive_entry_free(ae);
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		if (archive_write_data(a, buf, (size_t)n) != n)
			return volt_err_set(err, EIO, "write %s: %s", path, archive_error_string(a));
		off += n;
	}
	return n < 0 ? volt_err_sys(err, "read layer") : 0;
}

/* blob_path - "blobs/sha256/<hex>" inside an OCI layout (malloc'd). */
static char *blob_path(const char *digest)
{
	return volt_path("blobs/sha256/%s", digest + 7);
}

int volt_image_save(struct volt_ctx *ctx, const char *name, const char *file, struct volt_err *err)
{
	struct volt_export x = {0};
	struct volt_cas cas;
	struct archive *a = NULL;
	cleanup_free char *tmp = volt_path("%s.tmp-volt", file);
	cleanup_free char *lp = NULL, *cp = NULL, *mp = NULL, *index = NULL, *refname = NULL;
	struct volt_ref r;
	int ret = -1;

	if (volt_cas_open(&cas, ctx->root, err) < 0)
		return -1;
	if (volt_export_image(ctx, &cas, name, &x, err) < 0)
		goto out;
	/* the name the archive carries: the normalised reference when name is one */
	if (volt_ref_parse(name, &r, err) == 0) {
		refname = r.tag ? volt_path("%s/%s:%s", r.domain, r.path, r.tag) : NULL;
		volt_ref_free(&r);
	}
	json_t *idx = json_pack("{s:i,s:[{s:s,s:s,s:I}]}", "schemaVersion", 2, "manifests", "mediaType",
				"application/vnd.oci.image.manifest.v1+json", "digest", x.manifest_digest, "size",
				(json_int_t)strlen(x.manifest));
	if (refname)
		json_object_set_new(json_array_get(json_object_get(idx, "manifests"), 0), "annotations",
				    json_pack("{s:s}", "org.opencontainers.image.ref.name", refname));
	index = json_dumps(idx, JSON_COMPACT);
	json_decref(idx);
	cp = blob_path(x.config_digest);
	mp = blob_path(x.manifest_digest);
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		volt_err_set(err, EIO, "save %s: %s", file, archive_error_string(a));
		goto out;
	}
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	if (add_mem(a, "oci-layout", layout, strlen(layout), err) < 0 ||
	    add_mem(a, "index.json", index, strlen(index), err) < 0 || add_dir(a, "blobs") < 0 ||
	    add_dir(a, "blobs/sha256") < 0 || add_mem(a, mp, x.manifest, strlen(x.manifest), err) < 0 ||
	    add_mem(a, cp, x.config, strlen(x.config), err) < 0)
		goto out;
	for (int i = 0; i < x.n_layers; i++) {
		/* two layers may have the same content (and digest): one blob */
		bool dup = false;
		for (int k = 0; k < i; k++)
			dup = dup || !strcmp(x.layers[k].digest, x.layers[i].digest);
		free(lp);
		lp = blob_path(x.layers[i].digest);
		if (!dup && add_fd(a, lp, x.layers[i].fd, x.layers[i].size, err) < 0)
			goto out;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		volt_err_set(err, EIO, "save %s: %s", file, archive_error_string(a));
		goto out;
	}
	if (rename(tmp, file) < 0) {
		volt_err_sys(err, "rename %s", file);
		goto out;
	}
	ret = 0;
out:
	if (ret < 0) {
		unlink(tmp);
		volt_err_prefix(err, "save %s", name);
	}
	archive_write_free(a);
	volt_export_free(&x);
	volt_cas_close(&cas);
	return ret;
}

int volt_archive_ref_name(const char *file, char **name, struct volt_err *err)
{
	cleanup_archive_read struct archive *a = archive_read_new();
	struct archive_entry *ae;

	*name = NULL;
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_filename(a, file, 1 << 16) != ARCHIVE_OK)
		return volt_err_set(err, EINVAL, "load %s: %s", file, archive_error_string(a));
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(ae);
		if (strcmp(p, "index.json") && strcmp(p, "./index.json"))
			continue;
		int64_t sz = archive_entry_size(ae);
		if (sz <= 0 || sz > (4 << 20))
			break;
		cleanup_free char *buf = malloc((size_t)sz + 1);
		if (!buf || archive_read_data(a, buf, (size_t)sz) != sz)
			break;
		json_auto_t *j = json_loadb(buf, (size_t)sz, 0, NULL);
		json_t *m = json_array_get(json_object_get(j, "manifests"), 0);
		const char *n = json_string_value(
			json_object_get(json_object_get(m, "annotations"), "org.opencontainers.image.ref.name"));
		if (n && strchr(n, '/'))
			*name = strdup(n);
		break;
	}
	return 0;
}
