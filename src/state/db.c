#include "state/db.h"
#include "state/events.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* 1: the first schema; 2: containers.kind (what the lifecycle dispatches on).
 * An older volt opens a version-2 database as it is: its inserts leave kind to
 * the column's default. */
#define SCHEMA_VERSION 2
/* WAL frames before a checkpoint, and the size the WAL file is cut back to */
#define VOLT_DB_WAL_PAGES "128"
#define VOLT_DB_WAL_BYTES "1048576"

static const char schema[] = "CREATE TABLE IF NOT EXISTS images ("
			     " id TEXT PRIMARY KEY, config TEXT NOT NULL, layers TEXT NOT NULL,"
			     " source TEXT, created INTEGER NOT NULL, size INTEGER NOT NULL);"
			     "CREATE TABLE IF NOT EXISTS image_names ("
			     " repo TEXT NOT NULL, tag TEXT NOT NULL, image_id TEXT NOT NULL REFERENCES images(id),"
			     " PRIMARY KEY (repo, tag));"
			     "CREATE TABLE IF NOT EXISTS containers ("
			     " id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, image_id TEXT NOT NULL,"
			     " image_name TEXT, spec TEXT NOT NULL, state INTEGER NOT NULL, pid INTEGER DEFAULT 0,"
			     " shim_pid INTEGER DEFAULT 0, exit_code INTEGER DEFAULT 0, created INTEGER NOT NULL,"
			     " started INTEGER DEFAULT 0, finished INTEGER DEFAULT 0, error TEXT,"
			     " kind TEXT NOT NULL DEFAULT 'container');"
			     "PRAGMA user_version = 2;";

/* migrate[v] - from version v to v + 1 */
static const char *const migrate[] = {
	[1] = "ALTER TABLE containers ADD COLUMN kind TEXT NOT NULL DEFAULT 'container';"
	      "PRAGMA user_version = 2;",
};

int volt_db_errnum(const struct volt_db *db)
{
	if (!db->h)
		return 0;
	int ec = sqlite3_extended_errcode(db->h) & 0xff, sys = sqlite3_system_errno(db->h);
	if (ec == SQLITE_FULL)
		return ENOSPC;
	if (ec != SQLITE_READONLY && ec != SQLITE_CANTOPEN && ec != SQLITE_IOERR)
		return 0;
	/* the last system error is not always the cause (a WAL that is not
	 * there is tried first: ENOENT); a read-only mount always is */
	const char *f = sqlite3_db_filename(db->h, "main");
	struct statvfs sv;
	if (f && *f && statvfs(f, &sv) == 0 && (sv.f_flag & ST_RDONLY))
		return EROFS;
	if (sys == ENOSPC || sys == EDQUOT || sys == EROFS || sys == EACCES || sys == EPERM || sys == EIO)
		return sys;
	return 0;
}

static int db_fail(struct volt_db *db, struct volt_err *err, const char *what)
{
	/* the system's reason ("No space left on device", "Read-only file
	 * system") where SQLite's words would hide it ("database or disk is
	 * full", "unable to open database file") */
	int e = volt_db_errnum(db);
	if (e)
		return volt_err_set(err, e, "state database: %s", what);
	return volt_err_set(err, 0, "state database: %s: %s", what, sqlite3_errmsg(db->h));
}

/* sqlite_setup - before SQLite initializes: no page cache allocated ahead.
 * By default SQLite's first page fetch allocates room for 20 pages and
 * touches each (~20 page faults); a volt command reads a handful of pages of
 * a small database, so pages are allocated as they are needed. */
static void sqlite_setup(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

/* connect - a connection to path with flags (SQLite's return code); close
 * does not checkpoint (see volt_db_open) */
static int connect(struct volt_db *db, const char *path, int flags)
{
	db->h = NULL;
	db->sup_table = false;
	sqlite_setup();
	int r = sqlite3_open_v2(path, &db->h, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (r == SQLITE_OK)
		sqlite3_db_config(db->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	return r;
}

static int user_version(struct volt_db *db)
{
	sqlite3_stmt *st;
	int version = 0;
	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			version = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return version;
}

/* upgrade - create the schema, or bring an older one up to date, in one
 * transaction; the version is read again inside it, since another volt may
 * have upgraded the database while this one waited for the lock. */
static int upgrade(struct volt_db *db, struct volt_err *err)
{
	if (volt_db_begin(db, err) < 0)
		return -1;
	int version = user_version(db);
	if (version == 0 && sqlite3_exec(db->h, schema, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (; version > 0 && version < SCHEMA_VERSION; version++)
		if (sqlite3_exec(db->h, migrate[version], NULL, NULL, NULL) != SQLITE_OK)
			goto fail;
	return volt_db_commit(db, err);
fail:
	db_fail(db, err, version ? "upgrade schema" : "create schema");
	volt_db_rollback(db);
	return -1;
}

int volt_db_open(struct volt_db *db, const char *volt_root, struct volt_err *err)
{
	cleanup_free char *path = volt_path("%s/state.db", volt_root);

	db->h = NULL;
	volt_events_root(volt_root);
	if (volt_mkdir_p(volt_root, 0700, err) < 0)
		return -1;
	if (connect(db, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) != SQLITE_OK) {
		int e = volt_db_errnum(db);
		if (e)
			volt_err_set(err, e, "open state database %s", path);
		else
			volt_err_set(err, 0, "open state database %s: %s", path,
				     db->h ? sqlite3_errmsg(db->h) : "out of memory");
		volt_db_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db->h, 60000);
	/* WAL lets readers run beside a writer; NORMAL sync keeps commits cheap
	 * (a crash may lose the last transaction, never corrupt the file).
	 * volt processes are short: a checkpoint at every close would cost two
	 * fsyncs (~1 ms on a VM disk) per command, so close does not checkpoint.
	 * The price is that the first connection after them rebuilds the WAL
	 * index by reading the WAL (~2 us a frame): a 128-frame autocheckpoint
	 * keeps that read small and the checkpoint's fsyncs rare (every ~6 runs
	 * instead of every command; the default 1000 frames meant 4 MB re-read
	 * at every start). Measured with `volt ps -q`: 1.1 ms with no WAL, 1.6
	 * ms with 300 frames, 2.0 ms with 730. */
	if (sqlite3_exec(db->h,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 " PRAGMA wal_autocheckpoint=" VOLT_DB_WAL_PAGES ";"
			 " PRAGMA journal_size_limit=" VOLT_DB_WAL_BYTES ";",
			 NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(db, err, path);
		volt_db_close(db);
		return -1;
	}
	if (user_version(db) < SCHEMA_VERSION && upgrade(db, err) < 0) {
		volt_db_close(db);
		return -1;
	}
	return 0;
}

int volt_db_open_idle(struct volt_db *db, const char *volt_root)
{
	cleanup_free char *path = volt_path("%s/state.db", volt_root);
	sqlite3_stmt *st = NULL;

	/* one read maps the WAL index (and holds it from then on); the read
	 * transaction ends with the statement, so no checkpoint waits for us */
	bool ok = connect(db, path, SQLITE_OPEN_READWRITE) == SQLITE_OK &&
		  sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
		  sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!ok)
		volt_db_close(db);
	return ok ? 0 : -1;
}

void volt_db_close(struct volt_db *db)
{
	if (db->h)
		sqlite3_close_v2(db->h);
	db->h = NULL;
}

int volt_db_begin(struct volt_db *db, struct volt_err *err)
{
	if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, err, "begin transaction");
	return 0;
}

int volt_db_commit(struct volt_db *db, struct volt_err *err)
{
	if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(db, err, "commit");
		volt_db_rollback(db);
		return -1;
	}
	return 0;
}

void volt_db_rollback(struct volt_db *db)
{
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

const char *volt_ctr_state_name(enum volt_ctr_state s)
{
	switch (s) {
	case VOLT_CTR_CREATED: return "created";
	case VOLT_CTR_RUNNING: return "running";
	case VOLT_CTR_PAUSED: return "paused";
	case VOLT_CTR_EXITED: return "exited";
	case VOLT_CTR_REMOVING: return "removing";
	}
	return "unknown";
}

const char *volt_kind_name(enum volt_kind k)
{
	return k == VOLT_KIND_VM ? "vm" : k == VOLT_KIND_UNKNOWN ? "unknown" : "container";
}

int volt_kind_parse(const char *name)
{
	if (!name || !strcmp(name, "container"))
		return VOLT_KIND_CONTAINER;
	if (!strcmp(name, "vm"))
		return VOLT_KIND_VM;
	return -1;
}

/* prepare + bind text/int params from a format: 's' text, 'i' int, 'l' int64 */
void volt_db_finalizep(sqlite3_stmt **st)
{
	sqlite3_finalize(*st); /* a no-op on NULL */
}

static sqlite3_stmt *prep(struct volt_db *db, struct volt_err *err, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, err, "prepare");
		return NULL;
	}
	va_start(ap, fmt);
	for (int i = 0; fmt[i]; i++) {
		switch (fmt[i]) {
		case 's': sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT); break;
		case 'i': sqlite3_bind_int(st, i + 1, va_arg(ap, int)); break;
		case 'l': sqlite3_bind_int64(st, i + 1, va_arg(ap, long long)); break;
		}
	}
	va_end(ap);
	return st;
}

static int run(struct volt_db *db, sqlite3_stmt *st, struct volt_err *err, const char *what)
{
	int r;
	if (!st)
		return -1;
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		return db_fail(db, err, what);
	return 0;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? strdup((const char *)s) : NULL;
}

/* ---- images ------------------------------------------------------------- */

void volt_image_row_free(struct volt_image_row *img)
{
	free(img->repo);
	free(img->tag);
	free(img->config);
	free(img->layers);
	free(img->source);
	memset(img, 0, sizeof(*img));
}

int volt_db_image_add(struct volt_db *db, const struct volt_image_row *img, const char *repo, const char *tag,
		      struct volt_err *err)
{
	if (volt_db_begin(db, err) < 0)
		return -1;
	if (run(db,
		prep(db, err,
		     "INSERT OR IGNORE INTO images (id, config, layers, source, created, size)"
		     " VALUES (?,?,?,?,?,?)",
		     "ssssll", img->id, img->config, img->layers, img->source ? img->source : "", img->created,
		     img->size),
		err, "add image") < 0)
		goto fail;
	if (repo && run(db,
			prep(db, err, "INSERT OR REPLACE INTO image_names (repo, tag, image_id) VALUES (?,?,?)", "sss",
			     repo, tag ? tag : "latest", img->id),
			err, "tag image") < 0)
		goto fail;
	if (volt_db_commit(db, err) < 0)
		return -1;
	if (repo) {
		cleanup_free char *name = volt_path("%s:%s", repo, tag ? tag : "latest");
		volt_event("image", "tag", img->id, "name", name, (char *)NULL);
	}
	return 0;
fail:
	volt_db_rollback(db);
	return -1;
}

static void image_from_row(sqlite3_stmt *st, struct volt_image_row *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", (const char *)sqlite3_column_text(st, 0));
	o->config = col_dup(st, 1);
	o->layers = col_dup(st, 2);
	o->source = col_dup(st, 3);
	o->created = sqlite3_column_int64(st, 4);
	o->size = sqlite3_column_int64(st, 5);
	o->repo = col_dup(st, 6);
	o->tag = col_dup(st, 7);
}

#define IMAGE_COLS "i.id, i.config, i.layers, i.source, i.created, i.size"

int volt_db_image_find(struct volt_db *db, const char *ref, struct volt_image_row *out, struct volt_err *err)
{
	cleanup_free char *repo = strdup(ref);
	const char *tag = "latest";
	char *colon = strrchr(repo, ':');
	sqlite3_stmt *st;
	int r;

	if (colon && !strchr(colon, '/')) {
		*colon = '\0';
		tag = colon + 1;
	}
	st = prep(db, err,
		  "SELECT " IMAGE_COLS ", n.repo, n.tag FROM image_names n JOIN images i ON i.id = n.image_id"
		  " WHERE (n.repo = ?1 OR n.repo = 'localhost/' || ?1) AND n.tag = ?2",
		  "ss", repo, tag);
	if (!st)
		return -1;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		image_from_row(st, out);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	/* id or unique id prefix (with or without "sha256:") */
	const char *id = !strncmp(ref, "sha256:", 7) ? ref + 7 : ref;
	if (strlen(id) < 3 || strspn(id, "0123456789abcdef") != strlen(id))
		return 1;
	cleanup_free char *like = volt_path("%s%%", id);
	st = prep(db, err,
		  "SELECT " IMAGE_COLS ", (SELECT repo FROM image_names WHERE image_id = i.id LIMIT 1),"
		  " (SELECT tag FROM image_names WHERE image_id = i.id LIMIT 1)"
		  " FROM images i WHERE i.id LIKE ? LIMIT 2",
		  "s", like);
	if (!st)
		return -1;
	r = sqlite3_step(st);
	if (r != SQLITE_ROW) {
		sqlite3_finalize(st);
		return 1;
	}
	image_from_row(st, out);
	if (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_finalize(st);
		volt_image_row_free(out);
		return volt_err_set(err, 0, "image id prefix \"%s\" is ambiguous", id);
	}
	sqlite3_finalize(st);
	return 0;
}

int volt_db_image_list(struct volt_db *db, volt_image_cb cb, void *arg, struct volt_err *err)
{
	/* one row per name, plus one row for each image without a name */
	sqlite3_stmt *st = prep(db, err,
				"SELECT " IMAGE_COLS ", n.repo, n.tag FROM images i LEFT JOIN image_names n"
				" ON n.image_id = i.id ORDER BY i.created DESC, n.repo, n.tag",
				"");
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct volt_image_row row;
		image_from_row(st, &row);
		int r = cb(&row, arg);
		volt_image_row_free(&row);
		if (r)
			break;
	}
	sqlite3_finalize(st);
	return 0;
}

int volt_db_image_untag(struct volt_db *db, const char *repo, const char *tag, struct volt_err *err)
{
	if (run(db, prep(db, err, "DELETE FROM image_names WHERE repo = ? AND tag = ?", "ss", repo, tag), err,
		"untag image") < 0)
		return -1;
	cleanup_free char *name = volt_path("%s:%s", repo, tag);
	volt_event("image", "untag", name, "name", name, (char *)NULL);
	return 0;
}

int volt_db_image_untag_all(struct volt_db *db, const char *id, struct volt_err *err)
{
	return run(db, prep(db, err, "DELETE FROM image_names WHERE image_id = ?", "s", id), err, "untag image");
}

int volt_db_image_delete(struct volt_db *db, const char *id, struct volt_err *err)
{
	if (run(db, prep(db, err, "DELETE FROM image_names WHERE image_id = ?", "s", id), err, "rmi") < 0)
		return -1;
	if (run(db, prep(db, err, "DELETE FROM images WHERE id = ?", "s", id), err, "rmi") < 0)
		return -1;
	volt_event("image", "delete", id, (char *)NULL);
	return 0;
}

static int count(struct volt_db *db, const char *sql, const char *id, struct volt_err *err)
{
	sqlite3_stmt *st = prep(db, err, sql, "s", id);
	int n = -1;
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int volt_db_image_name_count(struct volt_db *db, const char *id, struct volt_err *err)
{
	return count(db, "SELECT count(*) FROM image_names WHERE image_id = ?", id, err);
}

int volt_db_image_users(struct volt_db *db, const char *id, struct volt_err *err)
{
	return count(db, "SELECT count(*) FROM containers WHERE image_id = ?", id, err);
}

/* ---- containers --------------------------------------------------------- */

void volt_ctr_row_free(struct volt_ctr_row *c)
{
	free(c->name);
	free(c->image_id);
	free(c->image_name);
	free(c->spec);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

int volt_db_ctr_insert(struct volt_db *db, const struct volt_ctr_row *c, struct volt_err *err)
{
	sqlite3_stmt *st = prep(db, err,
				"INSERT INTO containers (id, name, image_id, image_name, spec, state, created, kind)"
				" VALUES (?,?,?,?,?,?,?,?)",
				"sssssils", c->id, c->name, c->image_id, c->image_name ? c->image_name : "", c->spec,
				(int)c->state, c->created, volt_kind_name(c->kind));
	int r;
	if (!st)
		return -1;
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r == SQLITE_CONSTRAINT)
		return volt_err_said(err, EEXIST, "the container name \"%s\" is already in use", c->name);
	if (r != SQLITE_DONE)
		return db_fail(db, err, "add container");
	volt_event("container", "create", c->id, "image",
		   c->image_name && c->image_name[0] ? c->image_name : c->image_id, "name", c->name, (char *)NULL);
	return 0;
}

#define CTR_COLS                                                                                   \
	"id, name, image_id, image_name, spec, state, pid, shim_pid, exit_code, created, started," \
	" finished, error, kind"

static void ctr_from_row(sqlite3_stmt *st, struct volt_ctr_row *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", (const char *)sqlite3_column_text(st, 0));
	o->name = col_dup(st, 1);
	o->image_id = col_dup(st, 2);
	o->image_name = col_dup(st, 3);
	o->spec = col_dup(st, 4);
	o->state = (enum volt_ctr_state)sqlite3_column_int(st, 5);
	o->pid = sqlite3_column_int(st, 6);
	o->shim_pid = sqlite3_column_int(st, 7);
	o->exit_code = sqlite3_column_int(st, 8);
	o->created = sqlite3_column_int64(st, 9);
	o->started = sqlite3_column_int64(st, 10);
	o->finished = sqlite3_column_int64(st, 11);
	o->error = col_dup(st, 12);
	/* a kind this volt does not know stays a kind it refuses to run */
	int k = volt_kind_parse((const char *)sqlite3_column_text(st, 13));
	o->kind = k < 0 ? VOLT_KIND_UNKNOWN : (enum volt_kind)k;
}

int volt_db_ctr_find(struct volt_db *db, const char *ref, struct volt_ctr_row *out, struct volt_err *err)
{
	{ /* by name or full id; finalized before the prefix query */
		cleanup_stmt sqlite3_stmt *st =
			prep(db, err, "SELECT " CTR_COLS " FROM containers WHERE name = ? OR id = ?", "ss", ref, ref);
		if (!st)
			return -1;
		if (sqlite3_step(st) == SQLITE_ROW) {
			ctr_from_row(st, out);
			return 0;
		}
	}
	if (strlen(ref) < 3 || strspn(ref, "0123456789abcdef") != strlen(ref))
		return 1;
	cleanup_free char *like = volt_path("%s%%", ref);
	cleanup_stmt sqlite3_stmt *st =
		prep(db, err, "SELECT " CTR_COLS " FROM containers WHERE id LIKE ? LIMIT 2", "s", like);
	if (!st)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW)
		return 1;
	ctr_from_row(st, out);
	if (sqlite3_step(st) == SQLITE_ROW) {
		volt_ctr_row_free(out);
		return volt_err_set(err, 0, "container id prefix \"%s\" is ambiguous", ref);
	}
	return 0;
}

int volt_db_ctr_list(struct volt_db *db, volt_ctr_cb cb, void *arg, struct volt_err *err)
{
	sqlite3_stmt *st = prep(db, err, "SELECT " CTR_COLS " FROM containers ORDER BY created DESC", "");
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct volt_ctr_row row;
		ctr_from_row(st, &row);
		int r = cb(&row, arg);
		volt_ctr_row_free(&row);
		if (r)
			break;
	}
	sqlite3_finalize(st);
	return 0;
}

int volt_db_ctr_set_running(struct volt_db *db, const char *id, int pid, int shim_pid, long long started,
			    struct volt_err *err)
{
	volt_event("container", "start", id, (char *)NULL);
	return run(db,
		   prep(db, err,
			"UPDATE containers SET state = ?, pid = ?, shim_pid = ?, started = ?, finished = 0,"
			" exit_code = 0, error = NULL WHERE id = ?",
			"iiils", (int)VOLT_CTR_RUNNING, pid, shim_pid, started, id),
		   err, "update container");
}

int volt_db_ctr_set_exited(struct volt_db *db, const char *id, int exit_code, long long finished, const char *error,
			   struct volt_err *err)
{
	sqlite3_stmt *st = prep(db, err,
				"UPDATE containers SET state = ?, exit_code = ?, finished = ?, pid = 0, error = ?"
				" WHERE id = ?",
				"iilss", (int)VOLT_CTR_EXITED, exit_code, finished, error, id);
	if (st && !error)
		sqlite3_bind_null(st, 4);
	char code[16];
	snprintf(code, sizeof(code), "%d", exit_code);
	volt_event("container", "die", id, "exitCode", code, (char *)NULL);
	return run(db, st, err, "update container");
}

int volt_db_ctr_set_state(struct volt_db *db, const char *id, enum volt_ctr_state s, struct volt_err *err)
{
	if (s == VOLT_CTR_PAUSED || s == VOLT_CTR_RUNNING)
		volt_event("container", s == VOLT_CTR_PAUSED ? "pause" : "unpause", id, (char *)NULL);
	return run(db, prep(db, err, "UPDATE containers SET state = ? WHERE id = ?", "is", (int)s, id), err,
		   "update container");
}

int volt_db_ctr_set_spec(struct volt_db *db, const char *id, const char *spec, struct volt_err *err)
{
	return run(db, prep(db, err, "UPDATE containers SET spec = ? WHERE id = ?", "ss", spec, id), err,
		   "update container");
}

int volt_db_ctr_rename(struct volt_db *db, const char *id, const char *name, struct volt_err *err)
{
	sqlite3_stmt *st = prep(db, err, "UPDATE containers SET name = ? WHERE id = ?", "ss", name, id);
	int r;
	if (!st)
		return -1;
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r == SQLITE_CONSTRAINT)
		return volt_err_said(err, EEXIST, "the container name \"%s\" is already in use", name);
	if (r != SQLITE_DONE)
		return db_fail(db, err, "rename container");
	volt_event("container", "rename", id, "name", name, (char *)NULL);
	return 0;
}

int volt_db_ctr_delete(struct volt_db *db, const char *id, struct volt_err *err)
{
	volt_event("container", "destroy", id, (char *)NULL);
	return run(db, prep(db, err, "DELETE FROM containers WHERE id = ?", "s", id), err, "remove container");
}
