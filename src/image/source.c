/* Local image sources: the SOURCE syntax, opening, blob access with digest
 * checks, and the dispatch to the per-format readers (source_oci.c,
 * source_docker.c, source_archive.c).
 *
 * Theory of operation: every source becomes a directory fd (rootfd) holding
 * the image's files: the layout directory itself for oci:, or a private copy
 * unpacked under $VOLT_ROOT/cas/tmp for the archive kinds. Every path the
 * image's own metadata names (blobs, docker-archive layer paths) is opened
 * below that fd with openat2(RESOLVE_IN_ROOT), so a hostile manifest cannot
 * make volt read outside it. Nothing read is trusted before its digest is
 * checked; index.json (oci) and manifest.json (docker) are the roots of trust
 * the user pointed at. */
#include "image/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/sha256.h"
#include "image/layer.h"
#include "image/source_int.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/rootpath.h"

void volt_source_split(const char *rest, char **path, char **suffix)
{
	const char *colon = strchr(rest, ':');
	struct stat st;

	*suffix = NULL;
	if (!colon || stat(rest, &st) == 0) {
		*path = strdup(rest);
		return;
	}
	*path = strndup(rest, (size_t)(colon - rest));
	*suffix = colon[1] ? strdup(colon + 1) : NULL;
}

int volt_image_source_open(struct volt_image_source *src, const char *cas_dir, const char *spec, struct volt_err *err)
{
	static const struct {
		const char *prefix;
		enum volt_source_kind kind;
	} kinds[] = {
		{"oci:", VOLT_SRC_OCI_LAYOUT},
		{"oci-archive:", VOLT_SRC_OCI_ARCHIVE},
		{"docker-archive:", VOLT_SRC_DOCKER_ARCHIVE},
	};
	const char *rest = NULL;

	memset(src, 0, sizeof(*src));
	src->rootfd = -1;
	src->spec = strdup(spec);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		size_t n = strlen(kinds[i].prefix);
		if (!strncmp(spec, kinds[i].prefix, n)) {
			src->kind = kinds[i].kind;
			rest = spec + n;
		}
	}
	if (!rest) {
		src->kind = VOLT_SRC_ROOTFS;
		src->path = strdup(spec);
		return 0;
	}
	volt_source_split(rest, &src->path, &src->tag);
	if (!src->path[0]) {
		volt_err_set(err, EINVAL, "source \"%s\": no path", spec);
		goto fail;
	}
	if (src->kind == VOLT_SRC_OCI_LAYOUT) {
		src->rootfd = open(src->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (src->rootfd < 0) {
			volt_err_sys(err, "open %s", src->path);
			goto fail;
		}
		return 0;
	}
	if (src_unpack_archive(src, cas_dir, err) < 0)
		goto fail;
	return 0;
fail:
	/* removes a half-unpacked work directory */
	volt_image_source_close(src);
	return -1;
}

int volt_image_source_apply(struct volt_image_source *src, struct volt_cas *cas, struct volt_tree *tree, char **config,
			    json_t **layers, struct volt_err *err)
{
	int r;

	*config = NULL;
	*layers = NULL;
	switch (src->kind) {
	case VOLT_SRC_OCI_LAYOUT:
	case VOLT_SRC_OCI_ARCHIVE: r = src_oci_apply(src, cas, tree, config, layers, err); break;
	case VOLT_SRC_DOCKER_ARCHIVE: r = src_docker_apply(src, cas, tree, config, layers, err); break;
	default: return volt_err_set(err, EINVAL, "%s: not an image layout or archive", src->spec);
	}
	if (r < 0) {
		/* the caller names the source ("import oci:DIR:TAG: ...") */
		free(*config);
		*config = NULL;
		json_decref(*layers);
		*layers = NULL;
		return -1;
	}
	return 0;
}

void volt_image_source_close(struct volt_image_source *src)
{
	struct volt_err ignored;
	if (src->rootfd >= 0)
		close(src->rootfd);
	if (src->workdir)
		volt_rm_rf(src->workdir, &ignored);
	free(src->spec);
	free(src->path);
	free(src->tag);
	free(src->workdir);
	free(src->default_name);
	memset(src, 0, sizeof(*src));
	src->rootfd = -1;
}

int src_open_file(struct volt_image_source *src, const char *relpath, int64_t *size, struct volt_err *err)
{
	struct stat st;
	/* O_NONBLOCK: a FIFO planted in a layout directory must not hang the
	 * import before fstat can refuse it */
	int fd = volt_rootfs_open(src->rootfd, relpath, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);

	if (fd < 0)
		return volt_err_sys(err, "open %s", relpath);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return volt_err_set(err, EINVAL, "%s is not a regular file", relpath);
	}
	*size = st.st_size;
	/* back to blocking reads: libarchive's reader does not expect EAGAIN */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int src_read_verified(struct volt_image_source *src, const char *relpath, const char *want_digest, int64_t want_size,
		      size_t max, const char *what, char **out, size_t *len, struct volt_err *err)
{
	char got[VOLT_SHA256_HEX];
	cleanup_free char *buf = NULL;
	int64_t size;
	size_t off = 0;
	cleanup_close int fd = src_open_file(src, relpath, &size, err);

	if (fd < 0)
		return volt_err_prefix(err, "%s %s", what, want_digest ? want_digest : relpath);
	if (want_size >= 0 && size != want_size)
		return volt_err_set(err, EINVAL, "%s %s: size mismatch: expected %lld bytes, found %lld", what,
				    want_digest ? want_digest : relpath, (long long)want_size, (long long)size);
	if ((uint64_t)size > max)
		return volt_err_set(err, E2BIG, "%s %s: %lld bytes is more than the %zu allowed", what,
				    want_digest ? want_digest : relpath, (long long)size, max);
	buf = malloc((size_t)size + 1);
	if (!buf)
		return volt_err_set(err, ENOMEM, "%s %s", what, relpath);
	while (off < (size_t)size) {
		ssize_t n = read(fd, buf + off, (size_t)size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return volt_err_sys(err, "%s %s: read", what, relpath);
		if (n == 0)
			return volt_err_set(err, EIO, "%s %s: file shrank while read", what, relpath);
		off += (size_t)n;
	}
	buf[off] = '\0';
	if (want_digest) {
		volt_sha256_buf(buf, off, got);
		if (strcmp(want_digest + 7, got))
			return volt_err_set(err, 0, "%s blob %s: digest mismatch (content hashes to sha256:%s)", what,
					    want_digest, got);
	}
	*out = steal_ptr(buf);
	if (len)
		*len = off;
	return 0;
}

int src_apply_layer(struct volt_image_source *src, struct volt_cas *cas, struct volt_tree *tree, const char *relpath,
		    const char *digest, int64_t size, int index, struct volt_err *err)
{
	struct volt_layer_opts lo = {.expect_digest = digest};
	struct volt_layer_stats st;
	char name[32];
	int64_t have;
	cleanup_close int fd = src_open_file(src, relpath, &have, err);

	if (fd < 0)
		return volt_err_prefix(err, "layer %s", digest);
	if (size >= 0 && have != size)
		return volt_err_set(err, EINVAL, "layer %s: size mismatch: expected %lld bytes, found %lld", digest,
				    (long long)size, (long long)have);
	/* layer.c names the layer in every message: the short digest */
	snprintf(name, sizeof(name), "%.19s", digest);
	return volt_layer_apply(cas, tree, fd, index, name, &lo, &st, err);
}

int src_check_config(const char *config, size_t len, size_t n_layers, json_t **diff_ids, struct volt_err *err)
{
	json_error_t jerr;
	json_t *ids;

	if (strlen(config) != len)
		return volt_err_set(err, EINVAL, "image config contains a NUL byte");
	json_auto_t *root = json_loadb(config, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return volt_err_set(err, EINVAL, "image config is not valid JSON: %s", jerr.text);
	if (!json_is_object(root))
		return volt_err_set(err, EINVAL, "image config is not a JSON object");
	json_t *c = json_object_get(root, "config");
	if (c && !json_is_object(c) && !json_is_null(c))
		return volt_err_set(err, EINVAL, "image config: \"config\" is not an object");
	ids = json_object_get(json_object_get(root, "rootfs"), "diff_ids");
	if (ids) {
		if (!json_is_array(ids) || json_array_size(ids) != n_layers)
			return volt_err_set(err, EINVAL,
					    "image config: rootfs.diff_ids lists %zu layers, the manifest %zu",
					    json_array_size(ids), n_layers);
		for (size_t i = 0; i < n_layers; i++)
			if (!volt_digest_valid(json_string_value(json_array_get(ids, i))))
				return volt_err_set(err, EINVAL,
						    "image config: rootfs.diff_ids[%zu] is not a sha256 digest", i);
	}
	if (diff_ids)
		*diff_ids = ids ? json_incref(ids) : NULL;
	return 0;
}
