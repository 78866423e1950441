/* Unit tests for the Landlock profile parser and planner
 * (security/landlock_profile.c, security/landlock.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "security/landlock.h"
#include "security/landlock_profile.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* the shipped profiles, relative to where `make unit` runs them (the top) */
#ifndef SRCDIR
#define SRCDIR "."
#endif

static int parse(struct volt_ll_profile *p, const char *text, struct volt_err *err)
{
	memset(err, 0, sizeof(*err));
	return volt_ll_profile_parse(p, "prof", text, strlen(text), err);
}

static void test_parse(void **state)
{
	struct volt_ll_profile p;
	struct volt_err err;
	(void)state;
	assert_int_equal(parse(&p,
			       "# comment\n\nread / /etc # trailing\nwrite /tmp\nexec /bin\nread /tmp\n"
			       "bind 80 443\nconnect none\nscope abstract-unix-socket signal\n",
			       &err),
			 0);
	assert_int_equal(p.n_paths, 4);
	assert_string_equal(p.paths[2].path, "/tmp");
	assert_int_equal(p.paths[2].rights, VOLT_LL_WRITE | VOLT_LL_READ); /* merged */
	assert_true(p.bind_set);
	assert_int_equal(p.n_bind, 2);
	assert_int_equal(p.bind[1], 443);
	assert_true(p.connect_set);
	assert_int_equal(p.n_connect, 0);
	assert_true(p.scope_abstract && p.scope_signal);
	/* format parses back to the same profile */
	cleanup_free char *text = volt_ll_profile_format(&p);
	struct volt_ll_profile q;
	assert_int_equal(parse(&q, text, &err), 0);
	cleanup_free char *again = volt_ll_profile_format(&q);
	assert_string_equal(text, again);
	volt_ll_profile_free(&q);
	volt_ll_profile_free(&p);
	assert_int_equal(parse(&p, "", &err), 0);
	assert_int_equal(p.n_paths, 0);
	volt_ll_profile_free(&p);
}

static void test_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"read /\nfly /tmp\n", "prof:2: unknown keyword \"fly\""},
		{"read tmp\n", "prof:1: \"tmp\" is not an absolute path"},
		{"write /a/../etc\n", "not an absolute path without \"..\""},
		{"bind 70000\n", "prof:1: \"70000\" is not a port"},
		{"connect http\n", "\"http\" is not a port"},
		{"scope everything\n", "unknown scope \"everything\""},
		{"read\n", "prof:1: \"read\" needs at least one argument"},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct volt_ll_profile p;
		struct volt_err err;
		assert_int_equal(parse(&p, cases[i].text, &err), -1);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: \"%s\" does not contain \"%s\"", i, err.msg, cases[i].want);
	}
	struct volt_ll_profile p;
	struct volt_err err;
	assert_int_equal(volt_ll_profile_parse(&p, "prof", "read /\0x", 8, &err), -1);
	assert_non_null(strstr(err.msg, "NUL"));
}

static void test_plan(void **state)
{
	struct volt_ll_profile p;
	struct volt_ll_plan plan;
	struct volt_err err;
	(void)state;
	assert_int_equal(parse(&p, "read /\nwrite /tmp\nbind 80\nscope abstract-unix-socket signal\n", &err), 0);
	volt_landlock_plan(&p, 1, false, &plan);
	assert_int_equal(plan.fs_handled, (1ULL << 13) - 1);
	assert_int_equal(plan.net_handled, 0);
	assert_int_equal(plan.scoped, 0);
	assert_non_null(strstr(plan.left_out, "TCP bind/connect (ABI 4)"));
	assert_non_null(strstr(plan.left_out, "scoping (ABI 6)"));
	volt_landlock_plan(&p, 6, false, &plan);
	assert_int_equal(plan.fs_handled, (1ULL << 16) - 1);
	assert_int_equal(plan.net_handled, 1);
	assert_int_equal(plan.scoped, 3);
	assert_string_equal(plan.left_out, "nothing");
	volt_landlock_plan(&p, 6, true, &plan); /* volt exec: no signal scoping */
	assert_int_equal(plan.scoped, 1);
	volt_landlock_plan(&p, 0, false, &plan);
	assert_int_equal(plan.fs_handled, 0);
	assert_non_null(strstr(plan.left_out, "not available"));
	volt_ll_profile_free(&p);
}

static void test_shipped(void **state)
{
	static const char *names[] = {"default", "webserver", "readonly"};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		cleanup_free char *path = volt_path("%s/profiles/landlock/%s", SRCDIR, names[i]);
		cleanup_free char *text = NULL;
		size_t len;
		struct volt_ll_profile p;
		struct volt_err err;
		assert_int_equal(volt_read_file(path, 1 << 20, &text, &len, &err), 0);
		if (volt_ll_profile_parse(&p, path, text, len, &err) < 0)
			fail_msg("%s", err.msg);
		assert_true(p.n_paths > 0 && p.scope_abstract);
		volt_ll_profile_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_shipped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
