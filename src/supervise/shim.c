/* The shim's side of supervision: count starts, put the container into a
 * delegated cgroup with its limits (builtin mode), and decide on restarts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "supervise/cgroup.h"
#include "supervise/supervisor.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* builtin_cgroup - with limits and a delegated cgroup: a child cgroup
 * volt-<id12> beside... below the shim's, controllers enabled, the shim moved
 * in (the container inherits it), the limits written. */
static int builtin_cgroup(const struct volt_sup_rec *r, struct volt_err *err)
{
	cleanup_free char *cg = volt_cg_of(getpid());
	cleanup_free char *dir = volt_cg_dir(cg);
	if (!dir || access(dir, W_OK) != 0)
		return 0; /* not delegated: volt_sup_start said so already */
	cleanup_free char *child = volt_path("%s/volt-%.12s", dir, r->id);
	if (mkdir(child, 0755) < 0 && errno != EEXIST)
		return volt_err_sys(err, "create cgroup %s", child);
	{
		cleanup_free char *sc = volt_path("%s/cgroup.subtree_control", dir);
		FILE *f = fopen(sc, "we");
		if (f) {
			/* best effort: each controller the parent offers */
			fputs("+memory +pids +cpu +io", f);
			fclose(f);
		}
	}
	cleanup_free char *procs = volt_path("%s/cgroup.procs", child);
	FILE *f = fopen(procs, "we");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0)
		return volt_err_sys(err, "move volt-shim into %s", child);
	if (volt_cg_apply(child, &r->limits, err) < 0)
		return r->ignore_limits ? 0 : -1;
	return 0;
}

int volt_sup_shim_begin(struct volt_ctx *ctx, const char *id, bool restarted, struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct volt_sup_rec r;
	int ret = 0;
	if (!db)
		return -1;
	if (volt_sup_rec_bump_starts(db, id, err) < 0)
		return -1;
	if (volt_sup_rec_load(db, id, &r, err) != 0)
		return 0; /* no record: nothing to do */
	if (restarted && r.stop_requested)
		ret = volt_err_set(err, ECANCELED, "container %.12s was stopped during its restart back-off", id);
	else if (r.active == VOLT_SUP_BUILTIN && (volt_limits_any(&r.limits) || r.limits.pids >= 0))
		ret = builtin_cgroup(&r, err);
	volt_sup_rec_free(&r);
	return ret;
}

long volt_sup_shim_next(struct volt_ctx *ctx, const char *id, int code)
{
	struct volt_err err;
	struct volt_db *db = volt_ctx_db(ctx, &err);
	struct volt_sup_rec r;
	long ms = -1;
	if (!db || volt_sup_rec_load(db, id, &r, &err) != 0)
		return -1;
	if (r.active == VOLT_SUP_BUILTIN && volt_restart_wanted(&r.restart, code, r.starts - 1, r.stop_requested))
		ms = volt_backoff_ms(r.starts);
	volt_sup_rec_free(&r);
	return ms;
}

bool volt_sup_shim_may_restart(struct volt_ctx *ctx, const char *id)
{
	struct volt_err err;
	struct volt_db *db = volt_ctx_db(ctx, &err);
	struct volt_sup_rec r;
	if (!db || volt_sup_rec_load(db, id, &r, &err) != 0)
		return false;
	bool may = r.active == VOLT_SUP_BUILTIN && r.restart.mode != VOLT_RESTART_NO;
	volt_sup_rec_free(&r);
	return may;
}

bool volt_sup_shim_wait(struct volt_ctx *ctx, const char *id, long ms)
{
	struct volt_err err;
	struct volt_db *db = volt_ctx_db(ctx, &err);
	for (long t = 0;; t += 50) {
		struct volt_sup_rec r;
		if (!db || volt_sup_rec_load(db, id, &r, &err) != 0)
			return false;
		bool stop = r.stop_requested;
		volt_sup_rec_free(&r);
		if (stop)
			return false;
		if (t >= ms)
			return true;
		struct timespec ts = {0, 50 * 1000000L};
		nanosleep(&ts, NULL);
	}
}
