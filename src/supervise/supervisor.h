/* Supervision: who keeps a detached container running, restarts it, and holds
 * its resource limits.
 *
 * Two supervisors stand behind one interface:
 *   systemd  - the user's systemd manager, over sd-bus. A detached container is
 *              a transient unit volt-<name>.service whose main process is
 *              volt-shim in the foreground; Restart=, limits (MemoryMax ...),
 *              stop and kill are the manager's.
 *   builtin  - the detached volt-shim itself (double fork + setsid). Restart
 *              policies are volt's: after the container exits the shim asks
 *              volt_sup_shim_next() and, if told, sleeps the back-off and
 *              re-executes itself. Limits go to a delegated cgroup v2 subtree.
 * Which one runs is decided at start: --supervisor, then $VOLT_SUPERVISOR,
 * then `supervisor=` in $VOLT_ROOT/volt.conf, then auto (systemd when a
 * manager answers on the bus, builtin otherwise).
 *
 * What volt asked for lives in a table of its own in the state database
 * (`supervise`, keyed by container id): the requested and chosen supervisor,
 * the unit name, the restart policy, the limits, the command line that created
 * the container (for `volt generate systemd --new`), and a start counter the
 * shim bumps on each start, so restarts are counted the same way under both
 * supervisors. */
#ifndef VOLT_SUPERVISE_SUPERVISOR_H
#define VOLT_SUPERVISE_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>

#include "state/context.h"
#include "state/db.h"
#include "util/err.h"
#include "util/size.h" /* volt_size_parse, for the limits */

enum volt_sup_kind {
	VOLT_SUP_AUTO,
	VOLT_SUP_BUILTIN,
	VOLT_SUP_SYSTEMD,
};

enum volt_restart_mode {
	VOLT_RESTART_NO,
	VOLT_RESTART_ON_FAILURE,
	VOLT_RESTART_ALWAYS,
	VOLT_RESTART_UNLESS_STOPPED,
};

struct volt_restart {
	enum volt_restart_mode mode;
	int max; /* on-failure:N; 0 = unlimited */
};

/* Resource limits; -1 = not set. */
struct volt_limits {
	int64_t memory;	     /* bytes: MemoryMax / memory.max */
	int64_t memory_swap; /* bytes, docker meaning: memory + swap; MemorySwapMax = swap - memory */
	int64_t cpu_quota;   /* microseconds of CPU per second: CPUQuota / cpu.max */
	int64_t cpu_weight;  /* 1..10000: CPUWeight / cpu.weight */
	int64_t pids;	     /* TasksMax / pids.max */
	int64_t io_weight;   /* 1..10000: IOWeight / io.weight */
	bool pids_default;   /* pids is the default 2048, not asked for */
};

/* What the user asked for at create time (command line, config). */
struct volt_sup_opts {
	enum volt_sup_kind kind;
	bool kind_set;
	struct volt_restart restart;
	struct volt_limits limits;
	bool ignore_limits;
	bool ignore_limits_set;
	/* run without -d: the start that follows is in the foreground (builtin),
	 * so volt_sup_create records it so and volt_sup_start has nothing to
	 * write (one write transaction less per run) */
	bool foreground;
};

/* The record kept per container. */
struct volt_sup_rec {
	char id[72];
	enum volt_sup_kind requested, active; /* active: what the last start used */
	char *unit;			      /* volt-<name>.service, or NULL */
	char *why;			      /* why `active` was chosen */
	struct volt_restart restart;
	struct volt_limits limits;
	bool ignore_limits;
	int starts;	     /* shim starts since the last `volt start` */
	bool stop_requested; /* `volt stop` was asked: do not restart */
	char *argv;	     /* JSON array: the create/run arguments */
};

/* ---- parsing (supervise/parse.c) ---- */
int volt_restart_parse(const char *s, struct volt_restart *out, struct volt_err *err);
void volt_restart_format(const struct volt_restart *r, char *buf, size_t len);
int volt_sup_kind_parse(const char *s, enum volt_sup_kind *out, struct volt_err *err);
const char *volt_sup_kind_name(enum volt_sup_kind k);
/* volt_cpus_parse - "1.5" CPUs -> 1500000 microseconds of CPU per second. */
int volt_cpus_parse(const char *s, int64_t *out, struct volt_err *err);
void volt_limits_init(struct volt_limits *l);
bool volt_limits_any(const struct volt_limits *l);
/* volt_backoff_ms - restart back-off for the n-th restart (1-based):
 * 100 ms doubling, capped at 30 s (what docker does, faster at first). */
long volt_backoff_ms(int n);
/* volt_restart_wanted - whether policy says to restart after exit code `code`,
 * with `restarts` restarts done and stop_requested as recorded. */
bool volt_restart_wanted(const struct volt_restart *r, int code, int restarts, bool stop_requested);

/* ---- configuration (supervise/config.c) ---- */
/* volt_sup_config - defaults from $VOLT_SUPERVISOR, $VOLT_IGNORE_LIMITS and
 * $VOLT_ROOT/volt.conf into o (only fields not set already); *why gets where
 * the supervisor setting came from (static string). */
int volt_sup_config(struct volt_ctx *ctx, struct volt_sup_opts *o, const char **why, struct volt_err *err);
/* volt_sup_resolve - the supervisor to use now for a detached start; *why
 * (malloc'd) says why. Connects to the manager when kind is auto or systemd. */
int volt_sup_resolve(enum volt_sup_kind kind, const char *kind_why, enum volt_sup_kind *active, char **why,
		     struct volt_err *err);

/* ---- records (supervise/record.c) ---- */
int volt_sup_rec_save(struct volt_db *db, const struct volt_sup_rec *r, struct volt_err *err);
/* volt_sup_rec_load - 0 found, 1 none (r gets defaults), -1 error. */
int volt_sup_rec_load(struct volt_db *db, const char *id, struct volt_sup_rec *r, struct volt_err *err);
int volt_sup_rec_delete(struct volt_db *db, const char *id, struct volt_err *err);
/* volt_sup_rec_bump_starts - starts += 1 atomically; returns the new count or -1. */
int volt_sup_rec_bump_starts(struct volt_db *db, const char *id, struct volt_err *err);
int volt_sup_rec_set_stop(struct volt_db *db, const char *id, bool stop, struct volt_err *err);
void volt_sup_rec_free(struct volt_sup_rec *r);
void volt_sup_rec_defaults(struct volt_sup_rec *r, const char *id);
struct json_t;
/* volt_sup_json - the record as JSON for `volt inspect` (new reference). */
struct json_t *volt_sup_json(struct volt_ctx *ctx, const char *id);

/* ---- lifecycle hooks (supervise/hooks.c), called from workload/lifecycle.c ---- */
/* volt_sup_create - record o (and the command line) for a new container. */
int volt_sup_create(struct volt_ctx *ctx, const char *id, const struct volt_sup_opts *o, int argc, char **argv,
		    struct volt_err *err);
/* volt_sup_check - before anything is created: fail as the start would when
 * an explicit limit in o cannot be enforced by the supervisor the start will
 * use (o->foreground: builtin; else the user manager when one answers), so
 * that `create` and `run` refuse alike and leave nothing behind. */
int volt_sup_check(struct volt_ctx *ctx, const struct volt_sup_opts *o, struct volt_err *err);
/* volt_sup_start - choose the supervisor and check limits. Return 0 when the
 * manager started the container (row updated), 1 when the caller should start
 * the shim itself, -1 on error. */
int volt_sup_start(struct volt_ctx *ctx, struct volt_ctr_row *row, bool attach, struct volt_err *err);
/* volt_sup_stop - 0 when the manager stopped it, 1: go on (builtin), -1 error. */
int volt_sup_stop(struct volt_ctx *ctx, struct volt_ctr_row *row, int timeout, struct volt_err *err);
/* volt_sup_kill - same contract for a signal. */
int volt_sup_kill(struct volt_ctx *ctx, struct volt_ctr_row *row, int sig, struct volt_err *err);
/* volt_sup_remove - stop through the manager if forced, reset the unit, drop
 * the record. 1: go on with the removal. */
int volt_sup_remove(struct volt_ctx *ctx, struct volt_ctr_row *row, bool force, struct volt_err *err);

/* ---- the shim's side (supervise/shim.c) ---- */
/* volt_sup_shim_begin - count this start; in builtin mode put the shim into
 * its own delegated cgroup with the limits. Errors are fatal to the start. */
int volt_sup_shim_begin(struct volt_ctx *ctx, const char *id, bool restarted, struct volt_err *err);
/* volt_sup_shim_next - after the container exited with code: -1 no restart,
 * else the back-off in ms before starting again (builtin mode only). */
long volt_sup_shim_next(struct volt_ctx *ctx, const char *id, int code);
/* volt_sup_shim_wait - sleep ms, waking early when a stop was requested.
 * Returns true when the restart should go ahead. */
bool volt_sup_shim_wait(struct volt_ctx *ctx, const char *id, long ms);
/* volt_sup_shim_may_restart - whether some exit could make the builtin
 * policy restart the container (a confining monitor prepares for it). */
bool volt_sup_shim_may_restart(struct volt_ctx *ctx, const char *id);

#endif
