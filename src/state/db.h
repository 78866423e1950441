/* volt's state: one SQLite database in WAL mode under $VOLT_ROOT. Many volt
 * processes may run at once; every change is one transaction (BEGIN IMMEDIATE,
 * so writers queue on the busy timeout instead of failing mid-way). */
#ifndef VOLT_STATE_DB_H
#define VOLT_STATE_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct sqlite3;
struct sqlite3_stmt;

/* cleanup_stmt - a prepared statement finalized when it goes out of scope */
void volt_db_finalizep(struct sqlite3_stmt **st);
#define cleanup_stmt __attribute__((cleanup(volt_db_finalizep)))

struct volt_db {
	struct sqlite3 *h;
	bool sup_table; /* supervise/record.c: its table exists (no CREATE to parse again) */
};

struct volt_image_row {
	char id[72];	   /* hex sha256 of the config */
	char *repo, *tag;  /* the name it was looked up by (may be NULL) */
	char *config;	   /* OCI image config JSON */
	char *layers;	   /* JSON array of layer digests */
	char *source;	   /* where it came from */
	long long created; /* ns */
	long long size;	   /* logical bytes */
};

enum volt_ctr_state {
	VOLT_CTR_CREATED,
	VOLT_CTR_RUNNING,
	VOLT_CTR_PAUSED,
	VOLT_CTR_EXITED,
	VOLT_CTR_REMOVING,
};

/* What a workload record runs: the lifecycle (workload/) dispatches on it.
 * Stored as text ("container", "vm") in the containers table. */
enum volt_kind {
	VOLT_KIND_CONTAINER,
	VOLT_KIND_VM,
	VOLT_KIND_UNKNOWN, /* written by a newer volt: listed, never run */
};

struct volt_ctr_row {
	char id[72];
	enum volt_kind kind;
	char *name;
	char *image_id, *image_name;
	char *spec; /* container spec JSON (container/spec.h) */
	enum volt_ctr_state state;
	int pid, shim_pid;
	int exit_code;
	long long created, started, finished; /* ns; 0 = never */
	char *error;
};

int volt_db_open(struct volt_db *db, const char *volt_root, struct volt_err *err);
void volt_db_close(struct volt_db *db);
/* volt_db_open_idle - open the existing database under volt_root only to keep
 * it open (userns_keeper.c): no schema, no pragma that writes, no checkpoint
 * at close. While any connection is open, a new one maps the WAL index as it
 * is; the first one after none truncates it and rebuilds it from the whole
 * WAL (~0.45 ms of a container start here). -1 when there is none. */
int volt_db_open_idle(struct volt_db *db, const char *volt_root);
int volt_db_begin(struct volt_db *db, struct volt_err *err); /* BEGIN IMMEDIATE */
int volt_db_commit(struct volt_db *db, struct volt_err *err);
void volt_db_rollback(struct volt_db *db);

const char *volt_ctr_state_name(enum volt_ctr_state s);
/* volt_kind_name - "container" | "vm"; volt_kind_parse - the reverse,
 * -1 for an unknown name. */
const char *volt_kind_name(enum volt_kind k);
int volt_kind_parse(const char *name);

/* images */
int volt_db_image_add(struct volt_db *db, const struct volt_image_row *img, const char *repo, const char *tag,
		      struct volt_err *err);
/* volt_db_image_find - by repo:tag (tag defaults to latest), full id, or a
 * unique id prefix. Return 0 found, 1 not found, -1 error (ambiguous included). */
int volt_db_image_find(struct volt_db *db, const char *ref, struct volt_image_row *out, struct volt_err *err);
typedef int (*volt_image_cb)(const struct volt_image_row *img, void *arg);
int volt_db_image_list(struct volt_db *db, volt_image_cb cb, void *arg, struct volt_err *err);
/* volt_db_image_untag - drop repo:tag; *remaining gets the id's other names. */
int volt_db_image_untag(struct volt_db *db, const char *repo, const char *tag, struct volt_err *err);
/* volt_db_errnum - the errno behind the last SQLite error on db (ENOSPC for
 * a full disk, EROFS for a read-only store), or 0. */
int volt_db_errnum(const struct volt_db *db);
/* volt_db_image_untag_all - drop every name of image id (the image stays). */
int volt_db_image_untag_all(struct volt_db *db, const char *id, struct volt_err *err);
int volt_db_image_delete(struct volt_db *db, const char *id, struct volt_err *err);
int volt_db_image_name_count(struct volt_db *db, const char *id, struct volt_err *err);
int volt_db_image_users(struct volt_db *db, const char *id, struct volt_err *err);
void volt_image_row_free(struct volt_image_row *img);

/* containers */
int volt_db_ctr_insert(struct volt_db *db, const struct volt_ctr_row *c, struct volt_err *err);
/* volt_db_ctr_find - by name, full id or unique id prefix: 0 found, 1 not found, -1 error. */
int volt_db_ctr_find(struct volt_db *db, const char *ref, struct volt_ctr_row *out, struct volt_err *err);
typedef int (*volt_ctr_cb)(const struct volt_ctr_row *c, void *arg);
int volt_db_ctr_list(struct volt_db *db, volt_ctr_cb cb, void *arg, struct volt_err *err);
int volt_db_ctr_set_running(struct volt_db *db, const char *id, int pid, int shim_pid, long long started,
			    struct volt_err *err);
int volt_db_ctr_set_exited(struct volt_db *db, const char *id, int exit_code, long long finished, const char *error,
			   struct volt_err *err);
int volt_db_ctr_set_state(struct volt_db *db, const char *id, enum volt_ctr_state s, struct volt_err *err);
int volt_db_ctr_set_spec(struct volt_db *db, const char *id, const char *spec, struct volt_err *err);
/* volt_db_ctr_rename - a new name; EEXIST when another container has it */
int volt_db_ctr_rename(struct volt_db *db, const char *id, const char *name, struct volt_err *err);
int volt_db_ctr_delete(struct volt_db *db, const char *id, struct volt_err *err);
void volt_ctr_row_free(struct volt_ctr_row *c);

#endif
