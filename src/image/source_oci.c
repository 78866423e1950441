/* OCI image layout reader (oci:DIR[:TAG], and oci-archive once unpacked).
 *
 * DIR/oci-layout must say imageLayoutVersion 1.x; DIR/index.json lists
 * images. The image is the entry whose org.opencontainers.image.ref.name
 * annotation is TAG, or the only entry when no TAG is given; several entries
 * (a multi-platform image) are narrowed by platform. A nested index is read
 * from its blob and narrowed by platform in turn (depth bounded). Every blob
 * (blobs/<alg>/<hex>) is checked against its digest and size. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/source_int.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define MAX_INDEX_DEPTH 4

#if defined(__x86_64__)
#define HOST_ARCH "amd64"
#elif defined(__aarch64__)
#define HOST_ARCH "arm64"
#elif defined(__i386__)
#define HOST_ARCH "386"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_ARCH "ppc64le"
#elif defined(__s390x__)
#define HOST_ARCH "s390x"
#elif defined(__riscv) && __riscv_xlen == 64
#define HOST_ARCH "riscv64"
#else
#define HOST_ARCH "unknown"
#endif

/* blob_path - "blobs/sha256/<hex>" for a validated digest. */
static void blob_path(const char *digest, char *buf, size_t len)
{
	snprintf(buf, len, "blobs/sha256/%.64s", digest + 7);
}

/* is_index_type, is_manifest_type - media types a descriptor may point to. */
static bool is_index_type(const char *mt)
{
	return mt && (!strcmp(mt, VOLT_MT_OCI_INDEX) || !strcmp(mt, VOLT_MT_DOCKER_LIST));
}

static bool is_manifest_type(const char *mt)
{
	return mt && (!strcmp(mt, VOLT_MT_OCI_MANIFEST) || !strcmp(mt, VOLT_MT_DOCKER_MANIFEST));
}

/* layer_type_ok - tar layers, plain or compressed (libarchive detects which);
 * encrypted layers and artifacts are not root file systems. */
static bool layer_type_ok(const char *mt)
{
	static const char *const ok[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
		"application/vnd.docker.image.rootfs.diff.tar",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.diff.tar.zstd",
		"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (!strcmp(mt, ok[i]))
			return true;
	return false;
}

/* check_layout - DIR/oci-layout exists and names a 1.x layout. */
static int check_layout(struct volt_image_source *src, struct volt_err *err)
{
	cleanup_free char *buf = NULL;
	json_error_t jerr;
	size_t len;

	if (src_read_verified(src, "oci-layout", NULL, -1, 4096, "layout file", &buf, &len, err) < 0)
		return volt_err_prefix(err, "not an OCI image layout");
	json_t *j = json_loadb(buf, len, 0, &jerr);
	const char *v = json_string_value(json_object_get(j, "imageLayoutVersion"));
	int ok = v && !strncmp(v, "1.", 2);
	json_decref(j);
	if (!ok)
		return volt_err_set(err, ENOTSUP, "oci-layout: imageLayoutVersion is not 1.x");
	return 0;
}

/* pick_from_index - the entry of the top-level index for tag (or the only
 * one), narrowed by platform when several match.
 * Return: a descriptor of idx, or NULL with err naming the tags found. */
static const struct volt_descriptor *pick_from_index(const struct volt_manifest *idx, const char *tag,
						     struct volt_err *err)
{
	struct volt_manifest sub = {.is_index = true};
	const struct volt_descriptor *d = NULL;
	cleanup_free size_t *pos = NULL;
	char names[512] = "";
	size_t used = 0, n = 0;

	if (idx->n_manifests == 0)
		return volt_err_set(err, ENOENT, "index.json lists no images"), NULL;
	sub.manifests = calloc(idx->n_manifests, sizeof(*sub.manifests));
	pos = calloc(idx->n_manifests, sizeof(*pos));
	if (!sub.manifests || !pos) {
		free(sub.manifests);
		return volt_err_set(err, ENOMEM, "index.json"), NULL;
	}
	for (size_t i = 0; i < idx->n_manifests; i++) {
		const struct volt_descriptor *e = &idx->manifests[i];
		if (e->ref_name && used < sizeof(names) - 1) {
			int k = snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "", e->ref_name);
			used = k > 0 && used + (size_t)k < sizeof(names) ? used + (size_t)k : sizeof(names) - 1;
		}
		if (!tag || (e->ref_name && !strcmp(e->ref_name, tag))) {
			pos[n] = i;
			sub.manifests[n++] = *e; /* shallow: sub does not own the strings */
		}
	}
	sub.n_manifests = n;
	if (n == 0) {
		volt_err_set(err, ENOENT, "no image tagged \"%s\" in index.json (tags: %s)", tag,
			     used ? names : "none");
	} else if (n == 1) {
		d = &idx->manifests[pos[0]];
	} else {
		/* several entries: a multi-platform set (with or without a tag) */
		const struct volt_descriptor *s = volt_manifest_select(&sub, "linux", HOST_ARCH, NULL, err);
		if (s)
			d = &idx->manifests[pos[s - sub.manifests]];
		else if (tag)
			volt_err_prefix(err, "tag \"%s\"", tag);
		else
			volt_err_set(err, ENOENT, "index.json lists %zu images (tags: %s): name one as oci:DIR:TAG", n,
				     used ? names : "none");
	}
	free(sub.manifests);
	return d;
}

/* load_manifest - read, verify and parse the blob d points to. */
static int load_manifest(struct volt_image_source *src, const struct volt_descriptor *d, struct volt_manifest *m,
			 struct volt_err *err)
{
	cleanup_free char *buf = NULL;
	char path[96];
	size_t len;

	if (!is_index_type(d->media_type) && !is_manifest_type(d->media_type))
		return volt_err_set(err, ENOTSUP, "manifest %s: unsupported media type \"%s\"", d->digest,
				    d->media_type);
	blob_path(d->digest, path, sizeof(path));
	if (src_read_verified(src, path, d->digest, d->size, VOLT_MANIFEST_MAX_BYTES, "manifest", &buf, &len, err) < 0)
		return -1;
	if (volt_manifest_parse(buf, len, d->media_type, m, err) < 0)
		return volt_err_prefix(err, "manifest %s", d->digest);
	return 0;
}

int src_oci_apply(struct volt_image_source *src, struct volt_cas *cas, struct volt_tree *tree, char **config,
		  json_t **layers, struct volt_err *err)
{
	struct volt_manifest idx = {0}, m = {0};
	cleanup_free char *buf = NULL, *cfg = NULL;
	const struct volt_descriptor *d;
	char path[96];
	size_t len;
	int ret = -1;

	if (check_layout(src, err) < 0)
		return -1;
	if (src_read_verified(src, "index.json", NULL, -1, VOLT_MANIFEST_MAX_BYTES, "index", &buf, &len, err) < 0)
		return -1;
	if (volt_manifest_parse(buf, len, NULL, &idx, err) < 0)
		return volt_err_prefix(err, "index.json");
	if (!idx.is_index) {
		volt_manifest_free(&idx);
		return volt_err_set(err, EINVAL, "index.json is not an image index");
	}
	d = pick_from_index(&idx, src->tag, err);
	for (int depth = 0; d; depth++) {
		struct volt_manifest next;
		if (depth == MAX_INDEX_DEPTH) {
			volt_err_set(err, ELOOP, "indexes nested deeper than %d", MAX_INDEX_DEPTH);
			d = NULL;
			break;
		}
		if (load_manifest(src, d, &next, err) < 0) {
			d = NULL;
			break;
		}
		volt_manifest_free(&m);
		m = next;
		if (!m.is_index)
			break;
		/* a nested (multi-platform) index: pick this host's platform */
		volt_manifest_free(&idx);
		idx = m;
		memset(&m, 0, sizeof(m));
		d = volt_manifest_select(&idx, "linux", HOST_ARCH, NULL, err);
	}
	if (!d)
		goto out;

	if (strcmp(m.config.media_type, VOLT_MT_OCI_CONFIG) && strcmp(m.config.media_type, VOLT_MT_DOCKER_CONFIG)) {
		volt_err_set(err, ENOTSUP, "config %s: media type \"%s\" is not an image config (an artifact?)",
			     m.config.digest, m.config.media_type);
		goto out;
	}
	blob_path(m.config.digest, path, sizeof(path));
	if (src_read_verified(src, path, m.config.digest, m.config.size, VOLT_CONFIG_MAX_BYTES, "config", &cfg, &len,
			      err) < 0)
		goto out;
	if (src_check_config(cfg, len, m.n_layers, NULL, err) < 0) {
		volt_err_prefix(err, "config %s", m.config.digest);
		goto out;
	}
	*layers = json_array();
	for (size_t i = 0; i < m.n_layers; i++) {
		const struct volt_descriptor *l = &m.layers[i];
		if (!layer_type_ok(l->media_type)) {
			volt_err_set(err, ENOTSUP, "layer %s: unsupported media type \"%s\"", l->digest, l->media_type);
			goto out;
		}
		blob_path(l->digest, path, sizeof(path));
		if (src_apply_layer(src, cas, tree, path, l->digest, l->size, (int)i, err) < 0)
			goto out;
		json_array_append_new(*layers, json_string(l->digest));
	}
	*config = steal_ptr(cfg);
	ret = 0;
out:
	volt_manifest_free(&m);
	volt_manifest_free(&idx);
	return ret;
}
