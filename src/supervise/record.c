/* The supervision record of each container: a table of its own in the state
 * database, so that the containers table (state/db.c) stays as it is. Limits
 * are kept as one JSON object; everything else has a column. */
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "supervise/supervisor.h"
#include "util/cleanup.h"

static const char schema[] = "CREATE TABLE IF NOT EXISTS supervise ("
			     " id TEXT PRIMARY KEY, requested TEXT, active TEXT, unit TEXT, why TEXT,"
			     " restart TEXT, limits TEXT, ignore_limits INTEGER DEFAULT 0,"
			     " starts INTEGER DEFAULT 0, stop_requested INTEGER DEFAULT 0, argv TEXT);";

static int sup_fail(struct volt_db *db, struct volt_err *err, const char *what)
{
	int e = volt_db_errnum(db);
	if (e)
		return volt_err_set(err, e, "state database: supervise %s", what);
	return volt_err_set(err, 0, "state database: supervise %s: %s", what, sqlite3_errmsg(db->h));
}

/* ensure_table - create the table on first use (IF NOT EXISTS), once per
 * connection: parsing the CREATE statement was the largest of the ~25 SQL
 * compilations of a `volt run` (five of them). Remembered only outside a
 * transaction, where the CREATE cannot be rolled back any more. */
static int ensure_table(struct volt_db *db, struct volt_err *err)
{
	if (db->sup_table)
		return 0;
	if (sqlite3_exec(db->h, schema, NULL, NULL, NULL) != SQLITE_OK)
		return sup_fail(db, err, "create table");
	db->sup_table = sqlite3_get_autocommit(db->h) != 0;
	return 0;
}

/* limits_json - the limits as the JSON object stored in the limits column. */
static json_t *limits_json(const struct volt_limits *l)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:b}", "memory", (json_int_t)l->memory, "memory_swap",
			 (json_int_t)l->memory_swap, "cpu_quota", (json_int_t)l->cpu_quota, "cpu_weight",
			 (json_int_t)l->cpu_weight, "pids", (json_int_t)l->pids, "io_weight", (json_int_t)l->io_weight,
			 "pids_default", l->pids_default);
}

/* limits_from_json - the inverse; missing keys are "not set". */
static void limits_from_json(const char *text, struct volt_limits *l)
{
	json_error_t jerr;
	json_t *o = text ? json_loads(text, 0, &jerr) : NULL;
	volt_limits_init(l);
	if (!o)
		return;
#define GET(k) (json_is_integer(json_object_get(o, #k)) ? (int64_t)json_integer_value(json_object_get(o, #k)) : -1)
	l->memory = GET(memory);
	l->memory_swap = GET(memory_swap);
	l->cpu_quota = GET(cpu_quota);
	l->cpu_weight = GET(cpu_weight);
	l->pids = GET(pids);
	l->io_weight = GET(io_weight);
#undef GET
	l->pids_default = json_is_true(json_object_get(o, "pids_default"));
	json_decref(o);
}

/* volt_sup_rec_defaults - the record of a container volt has none for (made
 * before supervision existed): auto, no restart, default limits. */
void volt_sup_rec_defaults(struct volt_sup_rec *r, const char *id)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	r->requested = r->active = VOLT_SUP_AUTO;
	r->restart.mode = VOLT_RESTART_NO;
	volt_limits_init(&r->limits);
}

void volt_sup_rec_free(struct volt_sup_rec *r)
{
	free(r->unit);
	free(r->why);
	free(r->argv);
	r->unit = r->why = r->argv = NULL;
}

/* volt_sup_rec_save - insert or replace the whole record. */
int volt_sup_rec_save(struct volt_db *db, const struct volt_sup_rec *r, struct volt_err *err)
{
	sqlite3_stmt *st = NULL;
	char restart[48];
	int rc;

	if (ensure_table(db, err) < 0)
		return -1;
	json_t *lj = limits_json(&r->limits);
	cleanup_free char *limits = json_dumps(lj, JSON_COMPACT);
	json_decref(lj);
	volt_restart_format(&r->restart, restart, sizeof(restart));
	if (sqlite3_prepare_v2(db->h,
			       "INSERT OR REPLACE INTO supervise (id, requested, active, unit, why, restart, limits,"
			       " ignore_limits, starts, stop_requested, argv) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return sup_fail(db, err, "save");
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, volt_sup_kind_name(r->requested), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, volt_sup_kind_name(r->active), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->why, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, restart, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, limits, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, r->ignore_limits);
	sqlite3_bind_int(st, 9, r->starts);
	sqlite3_bind_int(st, 10, r->stop_requested);
	sqlite3_bind_text(st, 11, r->argv, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sup_fail(db, err, "save");
	return 0;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? strdup((const char *)t) : NULL;
}

/* volt_sup_rec_load - see supervisor.h; r gets defaults when there is none. */
int volt_sup_rec_load(struct volt_db *db, const char *id, struct volt_sup_rec *r, struct volt_err *err)
{
	sqlite3_stmt *st = NULL;
	struct volt_err ignored;
	int rc;

	volt_sup_rec_defaults(r, id);
	if (ensure_table(db, err) < 0)
		return -1;
	if (sqlite3_prepare_v2(db->h,
			       "SELECT requested, active, unit, why, restart, limits, ignore_limits, starts,"
			       " stop_requested, argv FROM supervise WHERE id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return sup_fail(db, err, "load");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *t;
		if ((t = (const char *)sqlite3_column_text(st, 0)))
			volt_sup_kind_parse(t, &r->requested, &ignored);
		if ((t = (const char *)sqlite3_column_text(st, 1)))
			volt_sup_kind_parse(t, &r->active, &ignored);
		r->unit = col_dup(st, 2);
		r->why = col_dup(st, 3);
		if ((t = (const char *)sqlite3_column_text(st, 4)))
			volt_restart_parse(t, &r->restart, &ignored);
		limits_from_json((const char *)sqlite3_column_text(st, 5), &r->limits);
		r->ignore_limits = sqlite3_column_int(st, 6) != 0;
		r->starts = sqlite3_column_int(st, 7);
		r->stop_requested = sqlite3_column_int(st, 8) != 0;
		r->argv = col_dup(st, 9);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return sup_fail(db, err, "load");
}

/* exec1 - run one statement with the id bound as ?1 and an int as ?2. */
static int exec1(struct volt_db *db, const char *sql, const char *id, int v, struct volt_err *err)
{
	sqlite3_stmt *st = NULL;
	if (ensure_table(db, err) < 0)
		return -1;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return sup_fail(db, err, "update");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, v);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sup_fail(db, err, "update");
}

int volt_sup_rec_delete(struct volt_db *db, const char *id, struct volt_err *err)
{
	return exec1(db, "DELETE FROM supervise WHERE id = ?1 AND ?2 = ?2", id, 0, err);
}

int volt_sup_rec_set_stop(struct volt_db *db, const char *id, bool stop, struct volt_err *err)
{
	return exec1(db, "UPDATE supervise SET stop_requested = ?2 WHERE id = ?1", id, stop, err);
}

/* volt_sup_rec_bump_starts - one statement, so concurrent volt processes never
 * lose a count. No record: 1 (first start, nothing to count against). */
int volt_sup_rec_bump_starts(struct volt_db *db, const char *id, struct volt_err *err)
{
	sqlite3_stmt *st = NULL;
	int n = 1;
	if (exec1(db, "UPDATE supervise SET starts = starts + 1 WHERE id = ?1 AND ?2 = ?2", id, 0, err) < 0)
		return -1;
	if (sqlite3_prepare_v2(db->h, "SELECT starts FROM supervise WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return sup_fail(db, err, "read starts");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* volt_sup_json - the record for `volt inspect` ("Supervisor"). */
json_t *volt_sup_json(struct volt_ctx *ctx, const char *id)
{
	struct volt_err err;
	struct volt_db *db = volt_ctx_db(ctx, &err);
	struct volt_sup_rec r;
	char restart[48];
	if (!db || volt_sup_rec_load(db, id, &r, &err) < 0)
		return json_null();
	volt_restart_format(&r.restart, restart, sizeof(restart));
	json_t *o = json_pack("{s:s,s:s,s:s?,s:s?,s:s,s:i,s:o,s:b}", "Requested", volt_sup_kind_name(r.requested),
			      "Active", volt_sup_kind_name(r.active), "Unit", r.unit, "Why", r.why, "RestartPolicy",
			      restart, "RestartCount", r.starts > 0 ? r.starts - 1 : 0, "Limits",
			      limits_json(&r.limits), "IgnoreLimits", r.ignore_limits);
	volt_sup_rec_free(&r);
	return o;
}
