/* Unit tests for a record's liveness: "running" is believed while someone
 * holds the lock on the record's directory; once it is free the record
 * becomes "exited" with 137 (the monitor died). Also: the schema upgrade
 * keeps a record of schema 1, which becomes a container. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "state/liveness.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char root[] = "/tmp/volt-liveness-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static void insert(struct volt_ctx *ctx, const char *id, enum volt_ctr_state st)
{
	struct volt_err err = {0};
	struct volt_db *db = volt_ctx_db(ctx, &err);
	struct volt_ctr_row row = {.name = (char *)id, .image_id = "img", .spec = "{}", .state = VOLT_CTR_CREATED};
	snprintf(row.id, sizeof(row.id), "%s", id);
	assert_non_null(db);
	assert_int_equal(volt_db_ctr_insert(db, &row, &err), 0);
	if (st == VOLT_CTR_RUNNING)
		assert_int_equal(volt_db_ctr_set_running(db, id, 1, 1, 1, &err), 0);
}

static void test_refresh(void **state)
{
	struct volt_ctx ctx = {0};
	struct volt_err err = {0};
	struct volt_ctr_row row;
	(void)state;
	assert_int_equal(volt_ctx_init(&ctx, root, NULL, &err), 0);
	insert(&ctx, "held", VOLT_CTR_RUNNING);
	insert(&ctx, "free", VOLT_CTR_RUNNING);
	cleanup_free char *held = volt_ctx_ctr_dir(&ctx, "held");
	cleanup_free char *freed = volt_ctx_ctr_dir(&ctx, "free");
	assert_int_equal(volt_mkdir_p(held, 0700, &err), 0);
	assert_int_equal(volt_mkdir_p(freed, 0700, &err), 0);
	/* the monitor's lock: flock conflicts between open file descriptions,
	 * so an fd of our own stands for the monitor's */
	cleanup_close int lock = open(held, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(flock(lock, LOCK_EX), 0);
	assert_int_equal(volt_ctr_monitor_alive(&ctx, "held"), 1);
	assert_int_equal(volt_ctr_monitor_alive(&ctx, "free"), 0);
	assert_int_equal(volt_ctr_load(&ctx, "held", &row, &err), 0);
	assert_int_equal(row.state, VOLT_CTR_RUNNING);
	assert_int_equal(row.kind, VOLT_KIND_CONTAINER);
	volt_ctr_row_free(&row);
	assert_int_equal(volt_ctr_load(&ctx, "free", &row, &err), 0);
	assert_int_equal(row.state, VOLT_CTR_EXITED);
	assert_int_equal(row.exit_code, 137);
	volt_ctr_row_free(&row);
	assert_int_equal(volt_ctr_load(&ctx, "nosuch", &row, &err), 1);
	volt_ctx_free(&ctx);
}

/* a database of schema 1 (no kind): opened, it gains the column */
static void test_upgrade(void **state)
{
	char dir[128], path[160];
	sqlite3 *h;
	struct volt_ctx ctx = {0};
	struct volt_err err = {0};
	struct volt_ctr_row row;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/old", root);
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/state.db", dir);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(h,
			     "CREATE TABLE containers (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
			     " image_id TEXT NOT NULL, image_name TEXT, spec TEXT NOT NULL,"
			     " state INTEGER NOT NULL, pid INTEGER DEFAULT 0, shim_pid INTEGER DEFAULT 0,"
			     " exit_code INTEGER DEFAULT 0, created INTEGER NOT NULL, started INTEGER DEFAULT 0,"
			     " finished INTEGER DEFAULT 0, error TEXT);"
			     "INSERT INTO containers (id, name, image_id, spec, state, created)"
			     " VALUES ('c1', 'old', 'img', '{}', 3, 1);"
			     "PRAGMA user_version = 1;",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(volt_ctx_init(&ctx, dir, NULL, &err), 0);
	assert_int_equal(volt_ctr_load(&ctx, "old", &row, &err), 0);
	assert_int_equal(row.kind, VOLT_KIND_CONTAINER);
	assert_int_equal(row.state, VOLT_CTR_EXITED);
	volt_ctr_row_free(&row);
	volt_ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_upgrade),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
