/* Unit tests for the container log: --log-opt parsing, rotation, and reading
 * a rotated log back in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "container/log.h"
#include "util/cleanup.h"
#include "util/fs.h"

static void test_log_opt(void **state)
{
	struct volt_err err;
	long long size = 1;
	int files = 1;
	(void)state;
	assert_int_equal(volt_log_opt("max-size=10m", &size, &files, &err), 0);
	assert_int_equal(size, 10LL << 20);
	assert_int_equal(volt_log_opt("max-size=-1", &size, &files, &err), 0);
	assert_int_equal(size, 0);
	assert_int_equal(volt_log_opt("max-file=5", &size, &files, &err), 0);
	assert_int_equal(files, 5);
	assert_int_equal(volt_log_opt("max-file=0", &size, &files, &err), -1);
	assert_int_equal(volt_log_opt("max-file=x", &size, &files, &err), -1);
	assert_int_equal(volt_log_opt("max-size=10", &size, &files, &err), -1); /* < 4k */
	assert_int_equal(volt_log_opt("max-size=lots", &size, &files, &err), -1);
	assert_int_equal(volt_log_opt("compress=true", &size, &files, &err), -1);
	assert_non_null(strstr(err.msg, "unknown"));
	assert_int_equal(volt_log_opt("max-size", &size, &files, &err), -1);
	assert_int_equal(volt_log_opt("=1", &size, &files, &err), -1);
}

static long long file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? st.st_size : -1;
}

/* many lines through a 4 KiB, 3-file log: at most three files, none much
 * over the bound, and reading it back gives the newest lines in order */
static void test_rotation(void **state)
{
	char dir[] = "/tmp/volt-test-log.XXXXXX";
	struct volt_err err;
	struct volt_log log;
	char line[64];
	(void)state;
	assert_non_null(mkdtemp(dir));
	cleanup_free char *p = volt_path("%s/ctr.log", dir);
	cleanup_free char *p1 = volt_path("%s.1", p), *p2 = volt_path("%s.2", p), *p3 = volt_path("%s.3", p);
	assert_int_equal(volt_log_open(&log, p, 4096, 3, &err), 0);
	for (int i = 0; i < 2000; i++) {
		int n = snprintf(line, sizeof(line), "line %d\n", i);
		volt_log_write(&log, &log.out, line, (size_t)n);
	}
	volt_log_close(&log);
	assert_true(file_size(p) >= 0 && file_size(p) < 4096 + 100);
	assert_true(file_size(p1) >= 4096 && file_size(p1) < 4096 + 100);
	assert_true(file_size(p2) >= 4096);
	assert_int_equal(file_size(p3), -1);

	/* volt logs --tail 3 prints to stdout: capture it through a pipe */
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(stdout);
	int saved = dup(1);
	dup2(fds[1], 1);
	struct volt_logs_opts o = {.tail = 3};
	assert_int_equal(volt_logs_print(p, &o, NULL, NULL, &err), 0);
	fflush(stdout);
	dup2(saved, 1);
	close(fds[1]);
	char out[256] = {0};
	ssize_t n = read(fds[0], out, sizeof(out) - 1);
	assert_true(n > 0);
	assert_string_equal(out, "line 1997\nline 1998\nline 1999\n");
	close(fds[0]);

	/* one file: the log starts over in place */
	cleanup_free char *q = volt_path("%s/one.log", dir), *q1 = volt_path("%s.1", q);
	assert_int_equal(volt_log_open(&log, q, 4096, 1, &err), 0);
	for (int i = 0; i < 2000; i++) {
		int k = snprintf(line, sizeof(line), "line %d\n", i);
		volt_log_write(&log, &log.err, line, (size_t)k);
	}
	volt_log_close(&log);
	assert_true(file_size(q) < 4096 + 100);
	assert_int_equal(file_size(q1), -1);
	volt_rm_rf(dir, &err);
}

/* a container that prints nothing leaves no log file; the first record
 * creates it, and a reopened log appends after what is there (a restart) */
static void test_created_on_first_record(void **state)
{
	char dir[] = "/tmp/volt-test-log.XXXXXX";
	struct volt_err err;
	struct volt_log log;
	(void)state;
	assert_non_null(mkdtemp(dir));
	cleanup_free char *p = volt_path("%s/ctr.log", dir);
	assert_int_equal(volt_log_open(&log, p, 0, 1, &err), 0);
	volt_log_write(&log, &log.out, "no newline yet", 14);
	assert_int_equal(file_size(p), -1);
	volt_log_close(&log); /* the partial line is flushed: now it exists */
	long long first = file_size(p);
	assert_true(first > 14);
	assert_int_equal(volt_log_open(&log, p, 0, 1, &err), 0);
	volt_log_close(&log);
	assert_int_equal(file_size(p), first);
	assert_int_equal(volt_log_open(&log, p, 0, 1, &err), 0);
	volt_log_write(&log, &log.err, "x\n", 2);
	volt_log_close(&log);
	assert_true(file_size(p) > first);

	cleanup_free char *q = volt_path("%s/silent.log", dir);
	assert_int_equal(volt_log_open(&log, q, 0, 1, &err), 0);
	volt_log_close(&log);
	assert_int_equal(file_size(q), -1);
	volt_rm_rf(dir, &err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_opt),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_created_on_first_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
