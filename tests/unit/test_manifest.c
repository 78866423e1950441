/* Unit tests for src/image/manifest.c: OCI index and manifest, Docker
 * manifest list and schema 2, media type decisions, strict validation and
 * platform selection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/manifest.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static int parse(const char *json, const char *hint, struct volt_manifest *m, struct volt_err *err)
{
	return volt_manifest_parse(json, strlen(json), hint, m, err);
}

static void test_digest_valid(void **state)
{
	(void)state;
	assert_true(volt_digest_valid(D1));
	assert_true(volt_digest_valid(D3));
	assert_false(volt_digest_valid(NULL));
	assert_false(volt_digest_valid(""));
	assert_false(volt_digest_valid("sha256:"));
	assert_false(volt_digest_valid("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
	assert_false(volt_digest_valid("sha512:1111111111111111111111111111111111111111111111111111111111111111"));
	assert_false(volt_digest_valid(D1 "1"));
	assert_false(volt_digest_valid("sha256:111111111111111111111111111111111111111111111111111111111111111"));
	assert_false(volt_digest_valid("sha256:../../../../etc/passwd"));
	assert_false(volt_digest_valid("SHA256:1111111111111111111111111111111111111111111111111111111111111111"));
}

static const char oci_manifest[] =
	"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" D1 "\",\"size\":123},"
	"\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" D2
	"\",\"size\":456},"
	"{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"" D3
	"\",\"size\":0,\"annotations\":{\"x\":\"y\"}}],\"annotations\":{\"a\":\"b\"}}";

static void test_oci_manifest(void **state)
{
	struct volt_manifest m;
	struct volt_err err;
	(void)state;
	assert_int_equal(parse(oci_manifest, NULL, &m, &err), 0);
	assert_false(m.is_index);
	assert_string_equal(m.media_type, VOLT_MT_OCI_MANIFEST);
	assert_string_equal(m.config.digest, D1);
	assert_int_equal(m.config.size, 123);
	assert_string_equal(m.config.media_type, VOLT_MT_OCI_CONFIG);
	assert_int_equal(m.n_layers, 2);
	assert_string_equal(m.layers[0].digest, D2);
	assert_int_equal(m.layers[0].size, 456);
	assert_string_equal(m.layers[1].media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
	assert_int_equal(m.n_manifests, 0);
	volt_manifest_free(&m);
	/* the same bytes with a matching Content-Type (parameters ignored) */
	assert_int_equal(parse(oci_manifest, VOLT_MT_OCI_MANIFEST "; charset=utf-8", &m, &err), 0);
	volt_manifest_free(&m);
	/* a generic Content-Type is no hint */
	assert_int_equal(parse(oci_manifest, "application/json", &m, &err), 0);
	volt_manifest_free(&m);
	/* a contradicting one is refused */
	assert_int_equal(parse(oci_manifest, VOLT_MT_DOCKER_MANIFEST, &m, &err), -1);
	assert_non_null(strstr(err.msg, "contradicts"));
	assert_int_equal(parse(oci_manifest, VOLT_MT_OCI_INDEX, &m, &err), -1);
}

static void test_docker_manifest(void **state)
{
	struct volt_manifest m;
	struct volt_err err;
	const char *j = "{\"schemaVersion\":2,\"mediaType\":\"" VOLT_MT_DOCKER_MANIFEST "\","
			"\"config\":{\"mediaType\":\"" VOLT_MT_DOCKER_CONFIG "\",\"size\":7023,\"digest\":\"" D1
			"\"},\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
			"\"size\":32654,\"digest\":\"" D2 "\"}]}";
	(void)state;
	assert_int_equal(parse(j, VOLT_MT_DOCKER_MANIFEST, &m, &err), 0);
	assert_false(m.is_index);
	assert_string_equal(m.media_type, VOLT_MT_DOCKER_MANIFEST);
	assert_int_equal(m.n_layers, 1);
	assert_int_equal(m.layers[0].size, 32654);
	volt_manifest_free(&m);
}

static const char index_json[] =
	"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D1 "\",\"size\":10,"
	"\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D2 "\",\"size\":11,"
	"\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},"
	"\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D3 "\",\"size\":12,"
	"\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"},"
	"\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"}}]}";

static void test_index_select(void **state)
{
	struct volt_manifest m;
	struct volt_err err;
	const struct volt_descriptor *d;
	(void)state;
	assert_int_equal(parse(index_json, NULL, &m, &err), 0);
	assert_true(m.is_index);
	assert_string_equal(m.media_type, VOLT_MT_OCI_INDEX);
	assert_int_equal(m.n_manifests, 3);
	assert_string_equal(m.manifests[0].variant, "v8");
	assert_null(m.manifests[1].variant);
	assert_string_equal(m.manifests[1].ref_name, "v1");
	d = volt_manifest_select(&m, "linux", "amd64", NULL, &err);
	assert_non_null(d);
	assert_string_equal(d->digest, D2);
	d = volt_manifest_select(&m, "linux", "x86_64", NULL, &err);
	assert_non_null(d);
	assert_string_equal(d->digest, D2);
	d = volt_manifest_select(&m, "linux", "arm64", "v8", &err);
	assert_non_null(d);
	assert_string_equal(d->digest, D1);
	d = volt_manifest_select(&m, "linux", "aarch64", NULL, &err);
	assert_non_null(d);
	assert_string_equal(d->digest, D1);
	d = volt_manifest_select(&m, "linux", "s390x", NULL, &err);
	assert_null(d);
	assert_non_null(strstr(err.msg, "linux/s390x"));
	assert_non_null(strstr(err.msg, "linux/arm64/v8"));
	assert_non_null(strstr(err.msg, "linux/amd64"));
	d = volt_manifest_select(&m, "linux", "amd64", "v2", &err);
	assert_null(d);
	volt_manifest_free(&m);

	/* an image manifest has no platforms to select */
	assert_int_equal(parse(oci_manifest, NULL, &m, &err), 0);
	assert_null(volt_manifest_select(&m, "linux", "amd64", NULL, &err));
	volt_manifest_free(&m);
}

static void test_docker_list_and_shape(void **state)
{
	struct volt_manifest m;
	struct volt_err err;
	const char *list = "{\"schemaVersion\":2,\"mediaType\":\"" VOLT_MT_DOCKER_LIST "\",\"manifests\":["
			   "{\"mediaType\":\"" VOLT_MT_DOCKER_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":1,"
			   "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
	/* OCI layout index.json: no mediaType in older writers, no platform */
	const char *layout = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" VOLT_MT_OCI_MANIFEST
			     "\",\"digest\":\"" D2 "\",\"size\":2}]}";
	const char *shape_m =
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}";
	(void)state;
	assert_int_equal(parse(list, NULL, &m, &err), 0);
	assert_true(m.is_index);
	assert_string_equal(m.media_type, VOLT_MT_DOCKER_LIST);
	assert_non_null(volt_manifest_select(&m, "linux", "amd64", NULL, &err));
	volt_manifest_free(&m);
	assert_int_equal(parse(layout, NULL, &m, &err), 0);
	assert_true(m.is_index);
	assert_int_equal(m.n_manifests, 1);
	assert_null(m.manifests[0].os);
	assert_null(volt_manifest_select(&m, "linux", "amd64", NULL, &err));
	assert_non_null(strstr(err.msg, "available: none"));
	volt_manifest_free(&m);
	/* the hint decides when there is no field */
	assert_int_equal(parse(layout, VOLT_MT_OCI_INDEX, &m, &err), 0);
	volt_manifest_free(&m);
	assert_int_equal(parse(layout, VOLT_MT_OCI_MANIFEST, &m, &err), -1);
	assert_int_equal(parse(shape_m, NULL, &m, &err), 0);
	assert_false(m.is_index);
	assert_int_equal(m.n_layers, 0);
	volt_manifest_free(&m);
}

/* every one of these must be refused, and leave nothing allocated */
static void test_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"null",
		"[]",
		"{}",
		"{\"schemaVersion\":2}",
		"{\"schemaVersion\":1,\"fsLayers\":[]}",
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+json\"}",
		"{\"schemaVersion\":2,\"mediaType\":\"text/html\",\"manifests\":[]}",
		"{\"schemaVersion\":3,\"manifests\":[]}",
		"{\"schemaVersion\":\"2\",\"manifests\":[]}",
		"{\"manifests\":[]}",
		"{\"schemaVersion\":2,\"manifests\":{}}",
		"{\"schemaVersion\":2,\"manifests\":[1]}",
		"{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" D1 "\",\"size\":1}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"size\":1}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1 "\"}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1 "\",\"size\":-1}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1 "\",\"size\":1.5}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1 "\",\"size\":\"1\"}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"sha256:abc\",\"size\":1}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"\",\"digest\":\"" D1 "\",\"size\":1}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":7,\"digest\":\"" D1 "\",\"size\":1}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1
		"\",\"size\":1,\"platform\":{\"os\":\"linux\"}}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1
		"\",\"size\":1,\"platform\":[]}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1
		"\",\"size\":1,\"annotations\":{\"org.opencontainers.image.ref.name\":5}}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\\n\",\"digest\":\"" D1 "\",\"size\":1}]}",
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"digest\":\"" D1 "\",\"size\":1}}",
		"{\"schemaVersion\":2,\"layers\":[]}",
		"{\"schemaVersion\":2,\"mediaType\":\"" VOLT_MT_OCI_MANIFEST "\",\"manifests\":[]}",
		"{\"schemaVersion\":2,\"schemaVersion\":2,\"manifests\":[]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\\u0000x\",\"digest\":\"" D1 "\",\"size\":1}]}",
		"{\"schemaVersion\":2,\"manifests\":[]} trailing",
	};
	struct volt_manifest m;
	struct volt_err err;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		if (parse(bad[i], NULL, &m, &err) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_true(err.msg[0] != '\0');
		assert_null(m.layers);
		assert_null(m.manifests);
		assert_null(m.media_type);
		volt_manifest_free(&m); /* harmless after a failure */
	}
}

static void test_bounds(void **state)
{
	struct volt_manifest m;
	struct volt_err err;
	size_t n = VOLT_MANIFEST_MAX_LAYERS + 1;
	const char *one = "{\"mediaType\":\"m\",\"digest\":\"" D1 "\",\"size\":1},";
	size_t cap = 200 + n * strlen(one);
	char *buf = malloc(cap), *p = buf;
	(void)state;
	p += sprintf(p, "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"digest\":\"" D1
			"\",\"size\":1},\"layers\":[");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s", one);
	p[-1] = ']';
	sprintf(p, "}");
	assert_int_equal(parse(buf, NULL, &m, &err), -1);
	assert_non_null(strstr(err.msg, "at most"));
	/* a size beyond what a manifest may be, without reading it */
	assert_int_equal(volt_manifest_parse(buf, VOLT_MANIFEST_MAX_BYTES + 1, NULL, &m, &err), -1);
	free(buf);
	/* huge but valid size values are kept as they are */
	const char *big = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"digest\":\"" D1
			  "\",\"size\":9007199254740993},\"layers\":[]}";
	assert_int_equal(parse(big, NULL, &m, &err), 0);
	assert_int_equal(m.config.size, 9007199254740993LL);
	volt_manifest_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_valid),
		cmocka_unit_test(test_oci_manifest),
		cmocka_unit_test(test_docker_manifest),
		cmocka_unit_test(test_index_select),
		cmocka_unit_test(test_docker_list_and_shape),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
