/* Unit tests for the registry side's pure parts: image references,
 * WWW-Authenticate parameters, registries.conf, platforms, auth files and
 * stacking per-layer trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cas/tree.h"
#include "image/auth.h"
#include "image/layercache.h"
#include "image/pull.h"
#include "image/reference.h"
#include "image/registry.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void expect_ref(const char *in, const char *domain, const char *path, const char *tag, const char *digest)
{
	struct volt_ref r;
	struct volt_err err;
	int rc = volt_ref_parse(in, &r, &err);
	if (rc != 0)
		fail_msg("%s: %s", in, err.msg);
	assert_string_equal(r.domain, domain);
	assert_string_equal(r.path, path);
	if (tag)
		assert_string_equal(r.tag, tag);
	else
		assert_null(r.tag);
	if (digest)
		assert_string_equal(r.digest, digest);
	else
		assert_null(r.digest);
	volt_ref_free(&r);
}

static void test_normalise(void **state)
{
	(void)state;
	expect_ref("busybox", "docker.io", "library/busybox", "latest", NULL);
	expect_ref("busybox:1.36", "docker.io", "library/busybox", "1.36", NULL);
	expect_ref("me/app", "docker.io", "me/app", "latest", NULL);
	expect_ref("docker.io/busybox", "docker.io", "library/busybox", "latest", NULL);
	expect_ref("index.docker.io/library/busybox", "docker.io", "library/busybox", "latest", NULL);
	expect_ref("localhost/app", "localhost", "app", "latest", NULL);
	expect_ref("localhost:5000/a/b:v1", "localhost:5000", "a/b", "v1", NULL);
	expect_ref("127.0.0.1:5000/test/bb:1", "127.0.0.1:5000", "test/bb", "1", NULL);
	expect_ref("quay.io/a/b-c_d.e__f", "quay.io", "a/b-c_d.e__f", "latest", NULL);
	expect_ref("quay.io/a/b@sha256:" H64, "quay.io", "a/b", NULL, "sha256:" H64);
	expect_ref("quay.io/a/b:t@sha256:" H64, "quay.io", "a/b", "t", "sha256:" H64);
	expect_ref("[::1]:5000/x", "[::1]:5000", "x", "latest", NULL);
	/* "a" is not a domain (no dot, colon, or localhost) */
	expect_ref("a/b/c", "docker.io", "a/b/c", "latest", NULL);
	expect_ref("Host.example:443/a:Tag_1", "Host.example:443", "a", "Tag_1", NULL);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"UPPER",
		"a//b",
		"/a",
		"a/",
		"a:",
		"a:-tag",
		"a@sha256:abc",
		"a@sha512:" H64,
		"a@sha256:" H64 "0",
		"a@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
		"a..b",
		"-a",
		"a-",
		"a/.b",
		"host:99999999/a",
		"ex ample",
		"a:"
		"012345678901234567890123456789"
		"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
		"a_",
		"a___b",
		"exa$mple.com/a",
		"[zz]/a",
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct volt_ref r;
		struct volt_err err;
		if (volt_ref_parse(bad[i], &r, &err) == 0) {
			volt_ref_free(&r);
			fail_msg("accepted \"%s\"", bad[i]);
		}
	}
}

static void test_string(void **state)
{
	struct volt_ref r;
	struct volt_err err;
	(void)state;
	assert_int_equal(volt_ref_parse("busybox", &r, &err), 0);
	cleanup_free char *s = volt_ref_string(&r);
	cleanup_free char *repo = volt_ref_repo(&r);
	assert_string_equal(s, "docker.io/library/busybox:latest");
	assert_string_equal(repo, "docker.io/library/busybox");
	assert_string_equal(volt_ref_api_host(r.domain), "registry-1.docker.io");
	volt_ref_free(&r);
	assert_true(volt_ref_is_loopback("127.0.0.1:5000"));
	assert_true(volt_ref_is_loopback("localhost"));
	assert_true(volt_ref_is_loopback("[::1]:80"));
	assert_false(volt_ref_is_loopback("localhost.example.com"));
	assert_false(volt_ref_is_loopback("quay.io"));
}

static void test_www_auth(void **state)
{
	const char *h = "Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
			"scope=\"repository:a/b:pull,push\"";
	(void)state;
	cleanup_free char *realm = volt_www_auth_param(h, "realm");
	cleanup_free char *service = volt_www_auth_param(h, "service");
	cleanup_free char *scope = volt_www_auth_param(h, "scope");
	cleanup_free char *none = volt_www_auth_param(h, "error");
	assert_string_equal(realm, "https://auth.example/token");
	assert_string_equal(service, "registry.example");
	assert_string_equal(scope, "repository:a/b:pull,push");
	assert_null(none);
	cleanup_free char *basic = volt_www_auth_param("Basic realm=volt", "realm");
	assert_string_equal(basic, "volt");
	assert_null(volt_www_auth_param(NULL, "realm"));
	assert_null(volt_www_auth_param("Bearer realm=\"unterminated", "service"));
}

static void test_conf(void **state)
{
	struct volt_registry_conf c;
	const char *text = "# local registries\n"
			   "127.0.0.1:5000 http\n"
			   "  reg.example tls-verify=false # self-signed\n"
			   "127.0.0.1:50001 tls-verify=false http\n";
	(void)state;
	volt_registry_conf_parse(text, "127.0.0.1:5000", &c);
	assert_true(c.plain_http);
	assert_false(c.no_tls_verify);
	volt_registry_conf_parse(text, "reg.example", &c);
	assert_false(c.plain_http);
	assert_true(c.no_tls_verify);
	volt_registry_conf_parse(text, "127.0.0.1:50001", &c);
	assert_true(c.plain_http && c.no_tls_verify);
	volt_registry_conf_parse(text, "127.0.0.1", &c);
	assert_false(c.plain_http || c.no_tls_verify);
}

static void test_platform(void **state)
{
	char *os, *arch, *variant;
	struct volt_err err;
	(void)state;
	assert_int_equal(volt_platform_parse("linux/arm64/v8", &os, &arch, &variant, &err), 0);
	assert_string_equal(os, "linux");
	assert_string_equal(arch, "arm64");
	assert_string_equal(variant, "v8");
	free(os), free(arch), free(variant);
	assert_int_equal(volt_platform_parse("linux/amd64", &os, &arch, &variant, &err), 0);
	assert_null(variant);
	free(os), free(arch);
	assert_int_equal(volt_platform_parse(NULL, &os, &arch, &variant, &err), 0);
	assert_string_equal(os, "linux");
	free(os), free(arch), free(variant);
	static const char *const bad[] = {"linux", "/amd64", "linux/", "linux//v8", "linux/arm/v7/x", "linux/arm/"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(volt_platform_parse(bad[i], &os, &arch, &variant, &err), -1);
}

static void test_auth_files(void **state)
{
	char dir[] = "/tmp/volt-test-auth-XXXXXX";
	struct volt_err err;
	char *u, *p;
	(void)state;
	assert_non_null(mkdtemp(dir));
	cleanup_free char *f = volt_path("%s/auth.json", dir);
	setenv("REGISTRY_AUTH_FILE", f, 1);
	setenv("HOME", dir, 1);
	assert_int_equal(volt_auth_lookup("r.example", &u, &p, &err), 0);
	assert_int_equal(volt_auth_store("r.example", "me", "pa:ss", &err), 0);
	assert_int_equal(volt_auth_lookup("r.example", &u, &p, &err), 1);
	assert_string_equal(u, "me");
	assert_string_equal(p, "pa:ss");
	free(u), free(p);
	assert_int_equal(volt_auth_store("r.example", NULL, NULL, &err), 0);
	assert_int_equal(volt_auth_store("r.example", NULL, NULL, &err), 1);
	assert_int_equal(volt_auth_lookup("r.example", &u, &p, &err), 0);
	/* docker's file, docker.io under its legacy key */
	cleanup_free char *dd = volt_path("%s/.docker", dir);
	cleanup_free char *df = volt_path("%s/.docker/config.json", dir);
	const char *j = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"dTpw\"}}}"; /* u:p */
	assert_int_equal(volt_mkdir_p(dd, 0700, &err), 0);
	assert_int_equal(volt_write_file_atomic(df, j, strlen(j), 0600, &err), 0);
	assert_int_equal(volt_auth_lookup("docker.io", &u, &p, &err), 1);
	assert_string_equal(u, "u");
	assert_string_equal(p, "p");
	free(u), free(p);
	/* a malformed file is an error that names it */
	assert_int_equal(volt_write_file_atomic(df, "{", 1, 0600, &err), 0);
	assert_int_equal(volt_auth_lookup("docker.io", &u, &p, &err), -1);
	assert_non_null(strstr(err.msg, "config.json"));
	volt_rm_rf(dir, &err);
	unsetenv("REGISTRY_AUTH_FILE");
}

static void put(struct volt_tree *t, const char *path, enum volt_tree_type ty, uint32_t mode, int64_t mtime)
{
	struct volt_err err;
	struct volt_tree_entry e = {.path = strdup(path), .type = ty, .mode = mode, .mtime = mtime};
	if (ty == VOLT_T_FILE)
		memcpy(e.digest, H64, 65);
	assert_int_equal(volt_tree_put(t, &e, &err), 0);
}

static void test_stack(void **state)
{
	struct volt_tree img, l0, l1;
	struct volt_err err;
	json_t *wh0 = json_array(), *wh1 = json_array();
	(void)state;
	volt_tree_init(&img);
	volt_tree_init(&l0);
	volt_tree_init(&l1);
	put(&l0, "tmp", VOLT_T_DIR, 01777, 5);
	put(&l0, "etc/a", VOLT_T_FILE, 0644, 5);
	put(&l0, "etc/b", VOLT_T_FILE, 0644, 5);
	put(&l0, "opt/x/y", VOLT_T_FILE, 0644, 5);
	/* layer 1: a file under tmp (its parent only implied), a whiteout and an
	 * opaque directory */
	put(&l1, "tmp/f", VOLT_T_FILE, 0644, 6);
	put(&l1, "opt/x/z", VOLT_T_FILE, 0644, 6);
	json_array_append_new(wh1, json_pack("{s:s,s:b}", "path", "etc/a", "opaque", 0));
	json_array_append_new(wh1, json_pack("{s:s,s:b}", "path", "opt/x", "opaque", 1));
	assert_int_equal(volt_layercache_stack(&img, &l0, wh0, 0, &err), 0);
	assert_int_equal(volt_layercache_stack(&img, &l1, wh1, 1, &err), 0);
	assert_int_equal(volt_tree_find(&img, "tmp")->mode, 01777); /* kept: only implied by layer 1 */
	assert_null(volt_tree_find(&img, "etc/a"));
	assert_non_null(volt_tree_find(&img, "etc/b"));
	assert_null(volt_tree_find(&img, "opt/x/y"));
	assert_non_null(volt_tree_find(&img, "opt/x/z"));
	assert_non_null(volt_tree_find(&img, "tmp/f"));
	json_decref(wh0);
	json_decref(wh1);
	volt_tree_free(&img);
	volt_tree_free(&l0);
	volt_tree_free(&l1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),  cmocka_unit_test(test_refused), cmocka_unit_test(test_string),
		cmocka_unit_test(test_www_auth),   cmocka_unit_test(test_conf),	   cmocka_unit_test(test_platform),
		cmocka_unit_test(test_auth_files), cmocka_unit_test(test_stack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
