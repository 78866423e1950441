/* Manifest and index parsing.
 *
 * Theory of operation: the bytes are parsed by jansson (duplicate keys
 * refused, no NUL in strings), the kind (index or image manifest) is decided
 * from the registry's Content-Type, then the "mediaType" field, then the shape,
 * and each descriptor is copied out of the JSON tree after checking every
 * field it has. Nothing outside the documented fields is kept; unknown fields
 * are ignored, as the OCI spec asks. The caller never sees a half-valid
 * manifest: on any error the output is released again. */
#include "image/manifest.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"

int volt_digest_valid(const char *digest)
{
	if (!digest || strncmp(digest, "sha256:", 7))
		return 0;
	const char *h = digest + 7;
	size_t i;
	for (i = 0; h[i]; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return i == 64;
}

void volt_descriptor_free(struct volt_descriptor *d)
{
	if (!d)
		return;
	free(d->media_type);
	free(d->os);
	free(d->arch);
	free(d->variant);
	free(d->ref_name);
	memset(d, 0, sizeof(*d));
}

void volt_manifest_free(struct volt_manifest *m)
{
	if (!m)
		return;
	free(m->media_type);
	volt_descriptor_free(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		volt_descriptor_free(&m->layers[i]);
	free(m->layers);
	for (size_t i = 0; i < m->n_manifests; i++)
		volt_descriptor_free(&m->manifests[i]);
	free(m->manifests);
	memset(m, 0, sizeof(*m));
}

enum kind { K_UNKNOWN, K_INDEX, K_MANIFEST, K_SCHEMA1 };

/* kind_of - classify a media type; generic types give K_UNKNOWN. */
static enum kind kind_of(const char *mt, size_t len)
{
	static const struct {
		const char *mt;
		enum kind k;
	} known[] = {
		{VOLT_MT_OCI_INDEX, K_INDEX},
		{VOLT_MT_DOCKER_LIST, K_INDEX},
		{VOLT_MT_OCI_MANIFEST, K_MANIFEST},
		{VOLT_MT_DOCKER_MANIFEST, K_MANIFEST},
		{"application/vnd.docker.distribution.manifest.v1+json", K_SCHEMA1},
		{"application/vnd.docker.distribution.manifest.v1+prettyjws", K_SCHEMA1},
	};
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (strlen(known[i].mt) == len && !strncasecmp(known[i].mt, mt, len))
			return known[i].k;
	return K_UNKNOWN;
}

/* canonical - the spelling of a known index/manifest media type, or NULL. */
static const char *canonical(const char *mt)
{
	static const char *const c[] = {VOLT_MT_OCI_INDEX, VOLT_MT_DOCKER_LIST, VOLT_MT_OCI_MANIFEST,
					VOLT_MT_DOCKER_MANIFEST};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		if (!strcasecmp(c[i], mt))
			return c[i];
	return NULL;
}

/* opt_string - an optional string member: NULL if absent, -1 if of another type. */
static int opt_string(json_t *obj, const char *key, const char **out, const char *where, struct volt_err *err)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return volt_err_set(err, EINVAL, "%s: \"%s\" is not a string", where, key);
	*out = json_string_value(v);
	return 0;
}

/* dup_field - strdup a validated field, refusing empty and overlong values. */
static int dup_field(const char *s, char **out, const char *what, const char *where, struct volt_err *err)
{
	size_t n = strlen(s);
	if (n == 0 || n > 255)
		return volt_err_set(err, EINVAL, "%s: %s is %s", where, what, n ? "too long" : "empty");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return volt_err_set(err, EINVAL, "%s: %s contains control characters", where, what);
	*out = strdup(s);
	return *out ? 0 : volt_err_set(err, ENOMEM, "%s", where);
}

/* parse_descriptor - validate and copy one descriptor object.
 * @where: "layers[3]" and the like, for messages. */
static int parse_descriptor(json_t *o, struct volt_descriptor *d, const char *where, struct volt_err *err)
{
	const char *mt, *dg, *s;
	json_t *size, *plat, *ann;

	memset(d, 0, sizeof(*d));
	if (!json_is_object(o))
		return volt_err_set(err, EINVAL, "%s: descriptor is not an object", where);
	if (opt_string(o, "mediaType", &mt, where, err) < 0 || opt_string(o, "digest", &dg, where, err) < 0)
		return -1;
	if (!mt)
		return volt_err_set(err, EINVAL, "%s: mediaType missing", where);
	if (dup_field(mt, &d->media_type, "mediaType", where, err) < 0)
		return -1;
	if (!dg)
		return volt_err_set(err, EINVAL, "%s: digest missing", where);
	if (!volt_digest_valid(dg))
		return volt_err_set(err, EINVAL, "%s: digest \"%.80s\" is not sha256:<64 lowercase hex>", where, dg);
	snprintf(d->digest, sizeof(d->digest), "%s", dg);
	size = json_object_get(o, "size");
	if (!size)
		return volt_err_set(err, EINVAL, "%s: size missing", where);
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return volt_err_set(err, EINVAL, "%s: size is not an integer >= 0", where);
	d->size = (int64_t)json_integer_value(size);

	plat = json_object_get(o, "platform");
	if (plat && !json_is_null(plat)) {
		if (!json_is_object(plat))
			return volt_err_set(err, EINVAL, "%s: platform is not an object", where);
		const char *os, *arch, *var;
		if (opt_string(plat, "os", &os, where, err) < 0 ||
		    opt_string(plat, "architecture", &arch, where, err) < 0 ||
		    opt_string(plat, "variant", &var, where, err) < 0)
			return -1;
		if (!os || !arch)
			return volt_err_set(err, EINVAL, "%s: platform needs os and architecture", where);
		if (dup_field(os, &d->os, "platform.os", where, err) < 0 ||
		    dup_field(arch, &d->arch, "platform.architecture", where, err) < 0)
			return -1;
		if (var && var[0] && dup_field(var, &d->variant, "platform.variant", where, err) < 0)
			return -1;
	}
	ann = json_object_get(o, "annotations");
	if (ann && !json_is_null(ann)) {
		if (!json_is_object(ann))
			return volt_err_set(err, EINVAL, "%s: annotations is not an object", where);
		if (opt_string(ann, "org.opencontainers.image.ref.name", &s, where, err) < 0)
			return -1;
		if (s && dup_field(s, &d->ref_name, "ref.name annotation", where, err) < 0)
			return -1;
	}
	return 0;
}

/* parse_array - the descriptors of a "layers" or "manifests" array. */
static int parse_array(json_t *root, const char *key, size_t max, struct volt_descriptor **out, size_t *n,
		       struct volt_err *err)
{
	json_t *arr = json_object_get(root, key);
	char where[64];

	if (!arr)
		return volt_err_set(err, EINVAL, "\"%s\" missing", key);
	if (!json_is_array(arr))
		return volt_err_set(err, EINVAL, "\"%s\" is not an array", key);
	if (json_array_size(arr) > max)
		return volt_err_set(err, E2BIG, "\"%s\" has %zu entries (at most %zu)", key, json_array_size(arr), max);
	*out = calloc(json_array_size(arr) + 1, sizeof(**out));
	if (!*out)
		return volt_err_set(err, ENOMEM, "%s", key);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		snprintf(where, sizeof(where), "%s[%zu]", key, i);
		/* counted first, so that free() sees a partly filled descriptor */
		(*n)++;
		if (parse_descriptor(json_array_get(arr, i), &(*out)[i], where, err) < 0)
			return -1;
	}
	return 0;
}

/* decide_kind - from hint, then mediaType field, then shape. *mt gets the
 * canonical spelling of the media type. */
static int decide_kind(json_t *root, const char *hint, enum kind *k, const char **mt, struct volt_err *err)
{
	enum kind hk = K_UNKNOWN, fk = K_UNKNOWN;
	const char *field, *hmt = NULL, *fmt = NULL;
	json_t *sv = json_object_get(root, "schemaVersion");
	char hbuf[128] = "";

	if (opt_string(root, "mediaType", &field, "manifest", err) < 0)
		return -1;
	if (hint) {
		size_t hlen = strcspn(hint, ";");
		while (hlen && (hint[hlen - 1] == ' ' || hint[hlen - 1] == '\t'))
			hlen--;
		if (hlen < sizeof(hbuf)) {
			memcpy(hbuf, hint, hlen);
			hbuf[hlen] = '\0';
			hk = kind_of(hbuf, hlen);
			hmt = canonical(hbuf);
		}
	}
	if (field) {
		fk = kind_of(field, strlen(field));
		if (fk == K_UNKNOWN)
			return volt_err_set(err, ENOTSUP, "unsupported manifest mediaType \"%.100s\"", field);
		fmt = canonical(field);
	}
	if (hk == K_SCHEMA1 || fk == K_SCHEMA1 || (json_is_integer(sv) && json_integer_value(sv) == 1))
		return volt_err_set(err, ENOTSUP, "Docker schema 1 manifests are not supported");
	if (hmt && fmt && strcmp(hmt, fmt))
		return volt_err_set(err, EINVAL, "manifest mediaType \"%s\" contradicts Content-Type \"%s\"", fmt, hmt);
	if (fmt) {
		*k = fk;
		*mt = fmt;
	} else if (hmt) {
		*k = hk;
		*mt = hmt;
	} else {
		bool has_m = json_object_get(root, "manifests") != NULL;
		bool has_l = json_object_get(root, "layers") != NULL || json_object_get(root, "config") != NULL;
		if (has_m == has_l)
			return volt_err_set(err, EINVAL, "cannot tell an index from an image manifest (no mediaType)");
		*k = has_m ? K_INDEX : K_MANIFEST;
		*mt = has_m ? VOLT_MT_OCI_INDEX : VOLT_MT_OCI_MANIFEST;
	}
	return 0;
}

/* parse_root - the whole document: kind, schemaVersion, then the kind's fields. */
static int parse_root(json_t *root, const char *hint, struct volt_manifest *out, struct volt_err *err)
{
	json_t *sv;
	enum kind k = K_UNKNOWN;
	const char *mt = NULL;

	if (!json_is_object(root))
		return volt_err_set(err, EINVAL, "manifest is not a JSON object");
	if (decide_kind(root, hint, &k, &mt, err) < 0)
		return -1;
	sv = json_object_get(root, "schemaVersion");
	if (!sv || !json_is_integer(sv) || json_integer_value(sv) != 2)
		return volt_err_set(err, EINVAL, "manifest schemaVersion is not 2");
	out->media_type = strdup(mt);
	if (!out->media_type)
		return volt_err_set(err, ENOMEM, "manifest");
	if (k == K_INDEX) {
		out->is_index = true;
		if (json_object_get(root, "layers") || json_object_get(root, "config"))
			return volt_err_set(err, EINVAL, "index has \"layers\" or \"config\"");
		return parse_array(root, "manifests", VOLT_MANIFEST_MAX_ENTRIES, &out->manifests, &out->n_manifests,
				   err);
	}
	if (json_object_get(root, "manifests"))
		return volt_err_set(err, EINVAL, "image manifest has \"manifests\"");
	json_t *cfg = json_object_get(root, "config");
	if (!cfg)
		return volt_err_set(err, EINVAL, "\"config\" missing");
	if (parse_descriptor(cfg, &out->config, "config", err) < 0)
		return -1;
	return parse_array(root, "layers", VOLT_MANIFEST_MAX_LAYERS, &out->layers, &out->n_layers, err);
}

int volt_manifest_parse(const char *json, size_t len, const char *media_type_hint, struct volt_manifest *out,
			struct volt_err *err)
{
	json_error_t jerr;
	json_t *root;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len > VOLT_MANIFEST_MAX_BYTES)
		return volt_err_set(err, E2BIG, "manifest is %zu bytes (at most %u)", len, VOLT_MANIFEST_MAX_BYTES);
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return volt_err_set(err, EINVAL, "manifest is not valid JSON: %s (line %d)", jerr.text, jerr.line);
	ret = parse_root(root, media_type_hint, out, err);
	json_decref(root);
	if (ret < 0)
		volt_manifest_free(out);
	return ret;
}

/* norm_arch - Go's GOARCH spelling for the usual aliases. */
static const char *norm_arch(const char *a)
{
	if (!strcmp(a, "x86_64") || !strcmp(a, "x86-64"))
		return "amd64";
	if (!strcmp(a, "aarch64"))
		return "arm64";
	return a;
}

const struct volt_descriptor *volt_manifest_select(const struct volt_manifest *idx, const char *os, const char *arch,
						   const char *variant, struct volt_err *err)
{
	const struct volt_descriptor *best = NULL;
	char avail[512] = "";
	size_t used = 0;

	if (!idx->is_index)
		return volt_err_set(err, EINVAL, "not an index: no platforms to select from"), NULL;
	arch = norm_arch(arch);
	for (size_t i = 0; i < idx->n_manifests; i++) {
		const struct volt_descriptor *d = &idx->manifests[i];
		if (!d->os || !d->arch)
			continue;
		if (used < sizeof(avail) - 1) {
			int n = snprintf(avail + used, sizeof(avail) - used, "%s%s/%s%s%s", used ? ", " : "", d->os,
					 d->arch, d->variant ? "/" : "", d->variant ? d->variant : "");
			used = n > 0 ? used + (size_t)n : used;
			if (used >= sizeof(avail))
				used = sizeof(avail) - 1;
		}
		if (strcmp(d->os, os) || strcmp(norm_arch(d->arch), arch))
			continue;
		if (variant) {
			if (d->variant && !strcmp(d->variant, variant))
				return d;
			/* arm64 images usually say v8 or nothing */
			if (!d->variant && !strcmp(arch, "arm64") && !strcmp(variant, "v8") && !best)
				best = d;
			continue;
		}
		if (!d->variant)
			return d;
		if (!best)
			best = d;
	}
	if (best)
		return best;
	volt_err_set(err, ENOENT, "no image for %s/%s%s%s in the index (available: %s)", os, arch, variant ? "/" : "",
		     variant ? variant : "", used ? avail : "none");
	return NULL;
}
