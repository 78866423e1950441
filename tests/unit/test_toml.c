/* Unit tests for util/toml.c: the TOML subset fledge.toml and manifest.toml use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/toml.h"

static struct volt_toml *parse_ok(const char *text)
{
	struct volt_toml *t = NULL;
	struct volt_err err = {0};
	int r = volt_toml_parse(text, strlen(text), &t, &err);
	if (r < 0)
		fail_msg("%s", err.msg);
	return t;
}

/* parse_fails - the error names the line and says why */
static void parse_fails(const char *text, const char *want)
{
	struct volt_toml *t = NULL;
	struct volt_err err = {0};
	assert_int_equal(volt_toml_parse(text, strlen(text), &t, &err), -1);
	assert_null(t);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\" does not say \"%s\"", err.msg, want);
}

static void test_values(void **state)
{
	(void)state;
	struct volt_toml *t = parse_ok("# comment\n"
				       "a = \"x\\ty\\u00e9\\\"\" # after\n"
				       "b = 'C:\\path'\n"
				       "n = -1_000\n"
				       "yes = true\nno = false\n"
				       "\"quoted key\" = 1\n"
				       "arr = [\n  \"p\", # one\n  'q',\n]\n"
				       "inl = { k = 2, d.e = [1, [2]] }\n"
				       "x.y = \"dotted\"\n");
	assert_string_equal(volt_toml_get(t, "a")->str, "x\ty\xc3\xa9\"");
	assert_string_equal(volt_toml_get(t, "b")->str, "C:\\path");
	assert_int_equal(volt_toml_get(t, "n")->num, -1000);
	assert_int_equal(volt_toml_get(t, "yes")->num, 1);
	assert_int_equal(volt_toml_get(t, "no")->type, VOLT_TOML_BOOL);
	assert_int_equal(volt_toml_get(t, "no")->num, 0);
	assert_int_equal(volt_toml_get(t, "quoted key")->num, 1);
	const struct volt_toml *arr = volt_toml_get(t, "arr");
	assert_int_equal(arr->type, VOLT_TOML_ARRAY);
	assert_int_equal(arr->n, 2);
	assert_string_equal(arr->kids[1]->str, "q");
	assert_int_equal(volt_toml_get(t, "inl.k")->num, 2);
	assert_int_equal(volt_toml_get(t, "inl.d.e")->kids[1]->kids[0]->num, 2);
	assert_string_equal(volt_toml_get(t, "x.y")->str, "dotted");
	assert_null(volt_toml_get(t, "x.z"));
	assert_null(volt_toml_get(t, "a.b")); /* a string has no keys */
	volt_toml_free(t);
}

static void test_tables(void **state)
{
	(void)state;
	struct volt_toml *t = parse_ok("top = 1\n[mappings]\n\"./a b\" = \"/usr/bin/a\"\n"
				       "[workload]\nentrypoint = [\"/bin/x\", \"-v\"]\n"
				       "[[network.expose]]\nport = 80\n[[network.expose]]\nport = 443\n"
				       "[a.b.c]\nd = 1\n[a]\ne = 2\n");
	assert_string_equal(volt_toml_get(t, "mappings")->kids[0]->key, "./a b");
	assert_int_equal(volt_toml_get(t, "workload.entrypoint")->n, 2);
	const struct volt_toml *ex = volt_toml_get(t, "network.expose");
	assert_int_equal(ex->n, 2);
	assert_int_equal(volt_toml_get(ex->kids[1], "port")->num, 443);
	assert_int_equal(volt_toml_get(t, "a.b.c.d")->num, 1);
	assert_int_equal(volt_toml_get(t, "a.e")->num, 2);
	assert_int_equal(volt_toml_get(t, "top")->num, 1);
	volt_toml_free(t);
}

static void test_refused(void **state)
{
	(void)state;
	parse_fails("a = 1\na = 2\n", "line 2: a is defined twice");
	parse_fails("[t]\n[t]\n", "table t is defined twice");
	parse_fails("a = 1\n[a]\n", "both as a value and as a table");
	parse_fails("a = \"\"\"x\"\"\"\n", "multi-line strings are not supported");
	parse_fails("a = 1.5\n", "floats");
	parse_fails("a = 1979-05-27\n", "dates");
	parse_fails("a = \"open\n", "line 1: a string without its closing quote");
	parse_fails("a = \"\\q\"\n", "unknown escape");
	parse_fails("a = \"\\u0000\"\n", "NUL");
	parse_fails("a = [1, 2\n", "array without its closing ]");
	parse_fails("a = 1 b = 2\n", "unexpected text after the value");
	parse_fails("= 1\n", "a key expected");
	parse_fails("a\n", "= expected");
	parse_fails("a = 99999999999999999999\n", "too large");
	parse_fails("a = {b = 1\n", "inline table");
	parse_fails("[x\n", "] expected");
	/* nesting is bounded */
	char deep[200];
	memset(deep, '[', sizeof(deep));
	memcpy(deep, "a = ", 4);
	deep[sizeof(deep) - 1] = '\0';
	parse_fails(deep, "nested too deep");
	struct volt_toml *t;
	struct volt_err err;
	assert_int_equal(volt_toml_parse("a = 1\0b", 7, &t, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
