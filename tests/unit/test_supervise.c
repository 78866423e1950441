/* Unit tests for supervise/parse.c, supervise/unitfile.c and
 * supervise/record.c: restart policies, sizes, CPU counts, back-off, the
 * restart decision, the .volt parser, the unit writer, and the record in a
 * state database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "container/spec.h"
#include "state/db.h"
#include "supervise/supervisor.h"
#include "supervise/unitfile.h"
#include "util/cleanup.h"
#include "util/fs.h"

static void test_restart_parse(void **state)
{
	struct volt_err err;
	struct volt_restart r;
	char buf[48];
	(void)state;
	assert_int_equal(volt_restart_parse("no", &r, &err), 0);
	assert_int_equal(r.mode, VOLT_RESTART_NO);
	assert_int_equal(volt_restart_parse("on-failure", &r, &err), 0);
	assert_int_equal(r.mode, VOLT_RESTART_ON_FAILURE);
	assert_int_equal(r.max, 0);
	assert_int_equal(volt_restart_parse("on-failure:5", &r, &err), 0);
	assert_int_equal(r.max, 5);
	volt_restart_format(&r, buf, sizeof(buf));
	assert_string_equal(buf, "on-failure:5");
	assert_int_equal(volt_restart_parse("always", &r, &err), 0);
	assert_int_equal(r.mode, VOLT_RESTART_ALWAYS);
	assert_int_equal(volt_restart_parse("unless-stopped", &r, &err), 0);
	volt_restart_format(&r, buf, sizeof(buf));
	assert_string_equal(buf, "unless-stopped");
	assert_int_equal(volt_restart_parse("on-failure:", &r, &err), -1);
	assert_int_equal(volt_restart_parse("on-failure:x", &r, &err), -1);
	assert_int_equal(volt_restart_parse("on-failure:-1", &r, &err), -1);
	assert_int_equal(volt_restart_parse("on-failurex", &r, &err), -1);
	assert_int_equal(volt_restart_parse("sometimes", &r, &err), -1);
	assert_non_null(strstr(err.msg, "on-failure[:N]"));
}

static void test_sizes(void **state)
{
	struct volt_err err;
	int64_t v;
	(void)state;
	assert_int_equal(volt_size_parse("1024", &v, &err), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(volt_size_parse("64m", &v, &err), 0);
	assert_int_equal(v, 64LL << 20);
	assert_int_equal(volt_size_parse("1.5g", &v, &err), 0);
	assert_int_equal(v, 3LL << 29);
	assert_int_equal(volt_size_parse("2KB", &v, &err), 0);
	assert_int_equal(v, 2048);
	assert_int_equal(volt_size_parse("max", &v, &err), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(volt_size_parse("-1", &v, &err), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(volt_size_parse("", &v, &err), -1);
	assert_int_equal(volt_size_parse("12x", &v, &err), -1);
	assert_int_equal(volt_size_parse("-5m", &v, &err), -1);
	assert_int_equal(volt_size_parse("99999999t", &v, &err), -1);
}

static void test_cpus_kind(void **state)
{
	struct volt_err err;
	int64_t v;
	enum volt_sup_kind k;
	(void)state;
	assert_int_equal(volt_cpus_parse("0.5", &v, &err), 0);
	assert_int_equal(v, 500000);
	assert_int_equal(volt_cpus_parse("2", &v, &err), 0);
	assert_int_equal(v, 2000000);
	assert_int_equal(volt_cpus_parse("0", &v, &err), -1);
	assert_int_equal(volt_cpus_parse("-1", &v, &err), -1);
	assert_int_equal(volt_cpus_parse("abc", &v, &err), -1);
	assert_int_equal(volt_cpus_parse("0.0001", &v, &err), -1);
	assert_int_equal(volt_sup_kind_parse("systemd", &k, &err), 0);
	assert_int_equal(k, VOLT_SUP_SYSTEMD);
	assert_int_equal(volt_sup_kind_parse("builtin", &k, &err), 0);
	assert_int_equal(volt_sup_kind_parse("auto", &k, &err), 0);
	assert_int_equal(k, VOLT_SUP_AUTO);
	assert_int_equal(volt_sup_kind_parse("upstart", &k, &err), -1);
}

static void test_restart_decision(void **state)
{
	struct volt_restart no = {VOLT_RESTART_NO, 0}, of2 = {VOLT_RESTART_ON_FAILURE, 2},
			    of = {VOLT_RESTART_ON_FAILURE, 0}, al = {VOLT_RESTART_ALWAYS, 0};
	struct volt_limits l;
	(void)state;
	assert_false(volt_restart_wanted(&no, 1, 0, false));
	assert_true(volt_restart_wanted(&of2, 1, 0, false));
	assert_true(volt_restart_wanted(&of2, 1, 1, false));
	assert_false(volt_restart_wanted(&of2, 1, 2, false));
	assert_false(volt_restart_wanted(&of2, 0, 0, false));
	assert_true(volt_restart_wanted(&of, 137, 1000, false));
	assert_true(volt_restart_wanted(&al, 0, 5, false));
	assert_false(volt_restart_wanted(&al, 0, 5, true));
	assert_int_equal(volt_backoff_ms(1), 100);
	assert_int_equal(volt_backoff_ms(2), 200);
	assert_int_equal(volt_backoff_ms(4), 800);
	assert_int_equal(volt_backoff_ms(100), 30000);
	volt_limits_init(&l);
	assert_false(volt_limits_any(&l)); /* the default pids limit alone */
	assert_int_equal(l.pids, 2048);
	l.memory = 1;
	assert_true(volt_limits_any(&l));
}

static void test_unitfile(void **state)
{
	struct volt_err err;
	struct volt_unitfile u;
	const char *ok = "# c\n[Container]\nImage = busybox\nExec=sh -c \"echo 'a b'; exit 1\"\n"
			 "Environment=A=1\nRestart=on-failure:3\nMemory=64m\nOption=--read-only\n"
			 "[Service]\nNice=5\n[Install]\nWantedBy=default.target\n";
	(void)state;
	assert_int_equal(volt_unitfile_parse(ok, strlen(ok), "web", &u, &err), 0);
	assert_string_equal(u.name, "web");
	assert_string_equal(u.image, "busybox");
	assert_string_equal(u.restart, "on-failure:3");
	assert_int_equal(volt_strv_len(u.exec), 3);
	assert_string_equal(u.exec[2], "echo 'a b'; exit 1");
	assert_string_equal(u.run_args[0], "--env");
	assert_string_equal(u.run_args[1], "A=1");
	assert_string_equal(u.run_args[2], "--memory");
	assert_string_equal(u.run_args[4], "--read-only");
	assert_string_equal(u.service[0], "Nice=5");
	assert_string_equal(u.install[0], "WantedBy=default.target");
	char *start[] = {"/bin/volt", "run", "--name", "web", "busybox", "echo", "a b", "100%", "$HOME", NULL};
	char *pre[] = {"-/bin/volt", "rm", "-f", "web", NULL};
	struct volt_unit_render r = {.description = "d",
				     .exec_start = start,
				     .exec_start_pre = pre,
				     .restart = "on-failure",
				     .stop_timeout = 10,
				     .service = u.service,
				     .install = u.install};
	char *text = volt_unit_text(&r);
	assert_non_null(strstr(text, "ExecStart=/bin/volt run --name web busybox echo \"a b\" 100%% $$HOME\n"));
	assert_non_null(strstr(text, "ExecStartPre=-/bin/volt rm -f web\n"));
	assert_non_null(strstr(text, "Restart=on-failure\n"));
	assert_non_null(strstr(text, "Nice=5\n"));
	free(text);
	volt_unitfile_free(&u);

	const char *bad[] = {
		"[Container]\nExec=true\n",		      /* no image */
		"[Container]\nImage=b\nBogus=1\n",	      /* unknown key */
		"Image=b\n",				      /* outside a section */
		"[Nope]\n",				      /* unknown section */
		"[Container]\nImage=b\nExec=\"open\n",	      /* quote */
		"[Container]\nImage=b\nRestart=never\n",      /* policy */
		"[Container]\nImage=b\nName=a/b\n",	      /* name */
		"[Container]\nImage=b\nOption=-x\n",	      /* option form */
		"[Container]\nImage=b\n[Service]\nnovalue\n", /* KEY=VALUE */
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(volt_unitfile_parse(bad[i], strlen(bad[i]), "x", &u, &err), -1);
		assert_true(strlen(err.msg) > 0);
	}
	assert_int_equal(volt_unitfile_parse("[Container]\nImage=b\nBogus=1\n", 26, "x", &u, &err), -1);
	assert_non_null(strstr(err.msg, "line 3"));
	assert_int_equal(volt_unitfile_parse("[Container]\nImage=b\n", 20, NULL, &u, &err), -1);
}

/* the record's table is created on first use, once per connection; a
 * CREATE rolled back with its transaction is not taken for done */
static void test_record_db(void **state)
{
	char dir[] = "/tmp/volt-test-sup.XXXXXX";
	struct volt_db db;
	struct volt_err err;
	struct volt_sup_rec r, back;
	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(volt_db_open(&db, dir, &err), 0);
	assert_false(db.sup_table);

	/* inside a transaction that is rolled back: the table goes with it */
	assert_int_equal(volt_db_begin(&db, &err), 0);
	assert_int_equal(volt_sup_rec_load(&db, "abc", &back, &err), 1);
	volt_sup_rec_free(&back);
	assert_false(db.sup_table);
	volt_db_rollback(&db);

	volt_sup_rec_defaults(&r, "abc");
	r.requested = VOLT_SUP_BUILTIN;
	r.why = strdup("because");
	assert_int_equal(volt_sup_rec_save(&db, &r, &err), 0);
	assert_true(db.sup_table);
	assert_int_equal(volt_sup_rec_bump_starts(&db, "abc", &err), 1);
	assert_int_equal(volt_sup_rec_load(&db, "abc", &back, &err), 0);
	assert_int_equal(back.requested, VOLT_SUP_BUILTIN);
	assert_string_equal(back.why, "because");
	assert_int_equal(back.starts, 1);
	volt_sup_rec_free(&back);
	volt_sup_rec_free(&r);
	volt_db_close(&db);

	/* a new connection checks again (and finds it) */
	assert_int_equal(volt_db_open(&db, dir, &err), 0);
	assert_false(db.sup_table);
	assert_int_equal(volt_sup_rec_load(&db, "abc", &back, &err), 0);
	assert_true(db.sup_table);
	volt_sup_rec_free(&back);
	volt_db_close(&db);
	assert_int_equal(volt_rm_rf(dir, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restart_parse), cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_cpus_kind),     cmocka_unit_test(test_restart_decision),
		cmocka_unit_test(test_unitfile),      cmocka_unit_test(test_record_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
