/* Unit tests for vm/fledge.c: Volant's fledge.toml and manifest.toml as
 * `volt appliance build --from-files` reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vm/fledge.h"

static const char fledge[] = "version = \"1\"\n"
			     "strategy = \"oci_rootfs\"\n"
			     "[agent]\nsource_strategy = \"release\"\nversion = \"latest\"\n"
			     "[source]\nbusybox_url = \"https://example.invalid/busybox\"\n"
			     "[filesystem]\ntype = \"ext4\"\n"
			     "[mappings]\n\"./myapp\" = \"/usr/bin/myapp\"\n\"conf\" = \"/etc/myapp/\"\n";
static const char manifest[] = "schema_version = \"v1\"\nname = \"myapp\"\nversion = \"1.0.0\"\n"
			       "[resources]\ncpu_cores = 1\n"
			       "[workload]\ntype = \"exec\"\nentrypoint = [\"/usr/bin/myapp\", \"--port\", \"8080\"]\n"
			       "[[network.expose]]\nport = 8080\n"
			       "[env]\nLOG_LEVEL = \"info\"\n";

static int parse(const char *text, struct volt_fledge *f, struct volt_err *err)
{
	return volt_fledge_parse(text, strlen(text), "t.toml", f, err);
}

static void test_both_files(void **state)
{
	(void)state;
	struct volt_fledge f = {0};
	struct volt_err err = {0};
	assert_int_equal(parse(fledge, &f, &err), 0);
	assert_int_equal(volt_fledge_check(&f, &err), -1); /* no name yet */
	assert_int_equal(parse(manifest, &f, &err), 0);
	assert_int_equal(volt_fledge_check(&f, &err), 0);
	assert_string_equal(f.name, "myapp");
	assert_string_equal(f.strategy, "disk");
	assert_int_equal(f.n_maps, 2);
	assert_string_equal(f.maps[0].source, "./myapp");
	assert_string_equal(f.maps[0].dest, "/usr/bin/myapp");
	assert_string_equal(f.entrypoint[0], "/usr/bin/myapp");
	assert_string_equal(f.entrypoint[2], "8080");
	assert_null(f.entrypoint[3]);
	assert_string_equal(f.env[0], "LOG_LEVEL=info");
	/* a field two files give is refused */
	assert_int_equal(parse(manifest, &f, &err), -1);
	assert_non_null(strstr(err.msg, "given twice"));
	volt_fledge_free(&f);
}

static void refused(const char *text, const char *want)
{
	struct volt_fledge f = {0};
	struct volt_err err = {0};
	int r = parse(text, &f, &err);
	if (r == 0)
		r = volt_fledge_check(&f, &err);
	volt_fledge_free(&f);
	assert_int_equal(r, -1);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\" does not say \"%s\"", err.msg, want);
}

static void test_refused(void **state)
{
	(void)state;
	refused("strategy = \"oci_rootfs\"\nversion = \"2\"\n", "version must be \"1\"");
	refused("strategy = \"squash\"\n", "strategy must be");
	refused("[init]\nnone = true\n", "volt-init) is always PID 1");
	refused("[init]\npath = \"/x\"\n", "always PID 1");
	refused("[source]\nimage = \"nginx:alpine\"\n", "volt appliance build IMAGE");
	refused("[mappings]\n\"a\" = \"rel/path\"\n", "absolute path");
	refused("[mappings]\n\"a\" = \"/usr/../etc/x\"\n", "absolute path");
	refused("[mappings]\n\"a\" = \"/\"\n", "absolute path");
	refused("[mappings]\n\"a\" = \"/init\"\n", "guest agent");
	refused("[mappings]\n\"a\" = 1\n", "must be a string");
	refused("mappings = 1\n", "must be a table");
	refused("name = \"bad/name\"\n[mappings]\n\"a\" = \"/a\"\n", "appliance name bad/name");
	refused("name = \"x\"\n", "no files");
	refused("[workload]\nentrypoint = \"/bin/x\"\n", "a list of strings");
	refused("[workload]\nentrypoint = []\n", "a list of strings");
	refused("[workload]\nentrypoint = [1]\n", "a list of strings");
	refused("[env]\nA = 1\n", "a string");
	refused("name = [\n", "t.toml: line 2: an array without its closing ]");
}

static void test_modes(void **state)
{
	(void)state;
	/* fledge's rules: executables keep running, FHS bin dirs and
	 * libraries become 0755, the rest 0644 */
	assert_int_equal(volt_fledge_mode("/usr/bin/app", 0644, false), 0755);
	assert_int_equal(volt_fledge_mode("/etc/app.conf", 0600, false), 0644);
	assert_int_equal(volt_fledge_mode("/srv/run.sh", 0700, false), 0700);
	assert_int_equal(volt_fledge_mode("/srv/run.sh", 0744, false), 0755);
	assert_int_equal(volt_fledge_mode("/usr/lib/libx.so.1", 0644, false), 0755);
	assert_int_equal(volt_fledge_mode("/usr/lib/x.txt", 0644, false), 0644);
	assert_int_equal(volt_fledge_mode("/anything", 0700, true), 0755);
	assert_true(volt_fledge_name_ok("nginx-1.2_x"));
	assert_false(volt_fledge_name_ok(".hidden"));
	assert_false(volt_fledge_name_ok(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_files),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_modes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
