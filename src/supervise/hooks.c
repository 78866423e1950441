/* The supervisor side of the container lifecycle: workload/lifecycle.c calls
 * these hooks first and carries on with its own (builtin) path when they
 * return 1. See supervisor.h for the theory of operation. */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "container/spec.h"
#include "state/liveness.h"
#include "supervise/cgroup.h"
#include "supervise/observe.h"
#include "supervise/supervisor.h"
#include "supervise/systemd.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* why a foreground start is builtin (volt_sup_create and volt_sup_start) */
static const char foreground_why[] = "foreground: volt itself is the monitor";

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int volt_sup_create(struct volt_ctx *ctx, const char *id, const struct volt_sup_opts *o, int argc, char **argv,
		    struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct volt_sup_rec r;
	if (!db)
		return -1;
	volt_sup_rec_defaults(&r, id);
	r.requested = o->kind_set ? o->kind : VOLT_SUP_AUTO;
	r.restart = o->restart;
	r.limits = o->limits;
	r.ignore_limits = o->ignore_limits;
	if (!o->ignore_limits_set) { /* $VOLT_IGNORE_LIMITS, volt.conf */
		struct volt_sup_opts c = *o;
		const char *why;
		if (volt_sup_config(ctx, &c, &why, err) < 0)
			return -1;
		r.ignore_limits = c.ignore_limits;
	}
	json_t *a = json_array();
	for (int i = 0; i < argc; i++)
		json_array_append_new(a, json_string(argv[i]));
	r.argv = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (o->foreground) { /* what volt_sup_start(attach) will find and keep */
		r.active = VOLT_SUP_BUILTIN;
		r.why = strdup(foreground_why);
	}
	int ret = volt_sup_rec_save(db, &r, err);
	volt_sup_rec_free(&r);
	return ret;
}

/* builtin_check - limits in builtin mode need the shim's own cgroup (volt's,
 * which it inherits) to be delegated: writable, with the controllers. */
static int builtin_check(const struct volt_limits *l, bool ignore, struct volt_err *err)
{
	/* only an explicit limit can fail for want of a controller (the
	 * default pids limit is applied where it can be): no cgroup probe
	 * (/proc/self/cgroup, /proc/self/mounts) otherwise */
	if (!volt_limits_any(l))
		return 0;
	cleanup_free char *cg = volt_cg_of(getpid());
	cleanup_free char *dir = volt_cg_dir(cg);
	bool delegated = dir && access(dir, W_OK) == 0;
	return volt_cg_check(delegated ? dir : NULL, l, ignore,
			     "volt-shim (builtin supervisor: its cgroup is not delegated to you)", err);
}

int volt_sup_check(struct volt_ctx *ctx, const struct volt_sup_opts *o, struct volt_err *err)
{
	struct volt_sup_opts c = *o;
	const char *why;
	if (!volt_limits_any(&o->limits))
		return 0; /* the common case: no config read, no manager asked */
	if (volt_sup_config(ctx, &c, &why, err) < 0)
		return -1;
	if (c.ignore_limits)
		return 0; /* the start warns, once */
	if (o->foreground || c.kind == VOLT_SUP_BUILTIN)
		return builtin_check(&c.limits, false, err);
	/* what volt_sup_start will pick: the manager when one answers */
	struct volt_sd *sd = NULL;
	struct volt_err cerr = {0};
	if (volt_sd_connect(&sd, NULL, &cerr) < 0)
		return c.kind == VOLT_SUP_SYSTEMD ? 0 : builtin_check(&c.limits, false, err); /* start says why */
	cleanup_free char *mcg = volt_sd_manager_cgroup(sd);
	cleanup_free char *mdir = volt_cg_dir(mcg);
	int ret = volt_cg_check(mdir, &c.limits, false, "the systemd user manager", err);
	volt_sd_close(sd);
	return ret;
}

/* wait_started - poll the state until the shim in the unit records the
 * container running (or exited), or the unit is gone. */
static int wait_started(struct volt_ctx *ctx, struct volt_sd *sd, struct volt_ctr_row *row, const char *unit,
			long long t0, struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	for (int i = 0; i < 6000; i++) {
		struct volt_ctr_row now;
		if (volt_db_ctr_find(db, row->id, &now, err) != 0)
			return -1;
		if (now.state == VOLT_CTR_RUNNING && now.started >= t0) {
			row->pid = now.pid;
			row->shim_pid = now.shim_pid;
			row->state = VOLT_CTR_RUNNING;
			volt_ctr_row_free(&now);
			return 0;
		}
		if (now.state == VOLT_CTR_EXITED && now.finished >= t0) {
			int ret = 0;
			if (now.error)
				ret = volt_err_set(err, 0, "%s", now.error);
			row->state = VOLT_CTR_EXITED;
			volt_ctr_row_free(&now);
			return ret;
		}
		volt_ctr_row_free(&now);
		if (i % 20 == 19) {
			cleanup_free char *active = NULL;
			int r = volt_sd_unit_info(sd, unit, &active, NULL, err);
			if (r < 0)
				return -1;
			if (r > 0 || !strcmp(active, "failed") || !strcmp(active, "inactive"))
				return volt_err_set(err, 0,
						    "start %s: the monitor in unit %s failed before the container ran "
						    "(see journalctl --user -u %s)",
						    row->name, unit, unit);
		}
		sleep_ms(5);
	}
	return volt_err_set(err, ETIMEDOUT, "start %s: unit %s did not start the container in 30 s", row->name, unit);
}

static int systemd_start(struct volt_ctx *ctx, struct volt_ctr_row *row, struct volt_sup_rec *r, struct volt_err *err)
{
	struct volt_sd *sd = NULL;
	struct volt_spec spec;
	int ret = -1;
	cleanup_free char *mcg = NULL, *mdir = NULL, *shim = NULL, *desc = NULL;
	if (volt_sd_connect(&sd, NULL, err) < 0)
		return -1;
	mcg = volt_sd_manager_cgroup(sd);
	mdir = volt_cg_dir(mcg);
	if (volt_cg_check(mdir, &r->limits, r->ignore_limits, "the systemd user manager", err) < 0)
		goto out;
	if (volt_spec_from_json(&spec, row->spec, err) < 0)
		goto out;
	int sig = spec.stop_signal > 0 ? spec.stop_signal : SIGTERM;
	int stop_timeout = spec.stop_timeout >= 0 ? spec.stop_timeout : 10;
	volt_spec_free(&spec);
	/* the shim forwards only these to the container */
	if (sig != SIGTERM && sig != SIGINT && sig != SIGHUP && sig != SIGQUIT && sig != SIGUSR1 && sig != SIGUSR2)
		sig = SIGTERM;
	shim = volt_ctx_helper(ctx, "volt-shim");
	desc = volt_path("volt container %s (%.12s)", row->name, row->id);
	char *argv[] = {shim, "--root", ctx->root, "--runroot", ctx->runroot, "--id", row->id, NULL};
	struct volt_sd_unit_spec u = {.unit = r->unit,
				      .description = desc,
				      .argv = argv,
				      .restart = &r->restart,
				      .limits = &r->limits,
				      .kill_signal = sig,
				      .stop_timeout = stop_timeout};
	long long t0 = volt_now_ns();
	struct volt_err ignored;
	volt_sd_reset_failed(sd, r->unit, &ignored);
	for (int i = 0;; i++) {
		if (volt_sd_start_transient(sd, &u, err) == 0)
			break;
		/* the previous run's unit may still be unloading */
		if (i >= 40 || !strstr(err->msg, "already exists"))
			goto out;
		volt_sd_reset_failed(sd, r->unit, &ignored);
		sleep_ms(50);
	}
	ret = wait_started(ctx, sd, row, r->unit, t0, err);
out:
	volt_sd_close(sd);
	return ret;
}

/* same_str - both NULL, or equal strings */
static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int volt_sup_start(struct volt_ctx *ctx, struct volt_ctr_row *row, bool attach, struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct volt_sup_rec r;
	struct volt_sup_opts o = {0};
	const char *kind_why;
	int ret, found;

	if (!db)
		return -1;
	if ((found = volt_sup_rec_load(db, row->id, &r, err)) < 0)
		return -1;
	/* what the record says now: unchanged, it is not written again */
	enum volt_sup_kind was_active = r.active;
	bool was_clear = found == 0 && r.starts == 0 && !r.stop_requested;
	char *was_why = r.why, *was_unit = r.unit;
	r.why = NULL;
	r.unit = NULL;
	o.kind = r.requested;
	o.kind_set = r.requested != VOLT_SUP_AUTO;
	o.ignore_limits = r.ignore_limits;
	o.ignore_limits_set = true;
	if (volt_sup_config(ctx, &o, &kind_why, err) < 0)
		goto fail;
	if (attach) {
		r.active = VOLT_SUP_BUILTIN;
		r.why = strdup(foreground_why);
	} else if (volt_sup_resolve(o.kind, kind_why, &r.active, &r.why, err) < 0) {
		goto fail;
	}
	if (r.active == VOLT_SUP_SYSTEMD)
		r.unit = volt_path("volt-%s.service", row->name);
	r.starts = 0;
	r.stop_requested = false;
	if (r.active == VOLT_SUP_BUILTIN && builtin_check(&r.limits, r.ignore_limits, err) < 0)
		goto fail;
	/* a foreground run's record says this already (volt_sup_create) */
	bool same = was_clear && was_active == r.active && same_str(was_why, r.why) && same_str(was_unit, r.unit);
	if (!same && volt_sup_rec_save(db, &r, err) < 0)
		goto fail;
	free(was_why);
	free(was_unit);
	ret = r.active == VOLT_SUP_SYSTEMD ? systemd_start(ctx, row, &r, err) : 1;
	volt_sup_rec_free(&r);
	return ret;
fail:
	free(was_why);
	free(was_unit);
	volt_sup_rec_free(&r);
	return -1;
}

/* load_systemd - the record, and a manager connection when the container's
 * last start went through systemd. Return 1 when builtin handles it. */
static int load_systemd(struct volt_ctx *ctx, const char *id, struct volt_sup_rec *r, struct volt_sd **sd,
			struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	*sd = NULL;
	if (!db)
		return -1;
	int x = volt_sup_rec_load(db, id, r, err);
	if (x != 0)
		return x;
	if (r->active != VOLT_SUP_SYSTEMD || !r->unit)
		return 1;
	if (volt_sd_connect(sd, NULL, err) < 0)
		return volt_err_prefix(err, "container %.12s runs as unit %s", id, r->unit);
	return 0;
}

/* wait_monitor_gone - until no shim holds the container's lock. */
static bool wait_monitor_gone(struct volt_ctx *ctx, const char *id, long ms)
{
	for (long t = 0; t <= ms; t += 10) {
		if (!volt_ctr_monitor_alive(ctx, id))
			return true;
		sleep_ms(10);
	}
	return false;
}

/* not_loaded - a StopUnit/KillUnit on a unit that is already gone is fine. */
static bool not_loaded(const struct volt_err *e)
{
	return strstr(e->msg, "not loaded") || strstr(e->msg, "NoSuchUnit") || strstr(e->msg, "not found");
}

int volt_sup_stop(struct volt_ctx *ctx, struct volt_ctr_row *row, int timeout, struct volt_err *err)
{
	struct volt_sup_rec r;
	struct volt_sd *sd;
	struct volt_err ignored;
	struct volt_db *db = volt_ctx_db(ctx, err);
	if (!db)
		return -1;
	if (row->state == VOLT_CTR_PAUSED)
		volt_sup_pause(ctx, row, false, &ignored);
	int x = load_systemd(ctx, row->id, &r, &sd, err);
	if (x == 0 || x == 1)
		volt_sup_rec_set_stop(db, row->id, true, &ignored);
	if (x != 0) {
		volt_sup_rec_free(&r);
		return x;
	}
	int ret = 0;
	/* StopUnit sends the stop signal and SIGKILLs at the unit's timeout (the
	 * container's --stop-timeout); TimeoutStopUSec cannot change on a running
	 * unit, so `stop -t N` SIGKILLs the unit's cgroup itself after N s */
	if (volt_sd_stop_unit(sd, r.unit, err) < 0 && !not_loaded(err)) {
		ret = -1;
	} else {
		if (timeout >= 0 && !wait_monitor_gone(ctx, row->id, timeout * 1000L))
			volt_sd_kill_unit(sd, r.unit, "all", SIGKILL, &ignored);
		if (!wait_monitor_gone(ctx, row->id, 15000 + (timeout >= 0 ? 0 : 600000L)))
			ret = volt_err_set(err, ETIMEDOUT, "container %s (unit %s) did not stop", row->name, r.unit);
	}
	volt_sd_reset_failed(sd, r.unit, &ignored);
	if (ret == 0)
		volt_ctr_refresh(ctx, row);
	volt_sd_close(sd);
	volt_sup_rec_free(&r);
	return ret;
}

int volt_sup_kill(struct volt_ctx *ctx, struct volt_ctr_row *row, int sig, struct volt_err *err)
{
	struct volt_sup_rec r;
	struct volt_sd *sd;
	struct volt_err ignored;
	struct volt_db *db = volt_ctx_db(ctx, err);
	if (!db)
		return -1;
	int x = load_systemd(ctx, row->id, &r, &sd, err);
	/* docker: a killed container is not restarted */
	if ((x == 0 || x == 1) && sig == SIGKILL)
		volt_sup_rec_set_stop(db, row->id, true, &ignored);
	if (x != 0) {
		volt_sup_rec_free(&r);
		return x;
	}
	int ret = 1;
	if (sig == SIGKILL) {
		/* the stop only once the kill went through (or found no unit) */
		bool failed = (volt_sd_kill_unit(sd, r.unit, "all", SIGKILL, err) < 0 && !not_loaded(err)) ||
			      (volt_sd_stop_unit(sd, r.unit, err) < 0 && !not_loaded(err));
		ret = failed ? -1 : 0;
		wait_monitor_gone(ctx, row->id, 10000);
		volt_sd_reset_failed(sd, r.unit, &ignored);
	} else if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT || sig == SIGUSR1 ||
		   sig == SIGUSR2) {
		/* the shim (the unit's main process) forwards these */
		ret = volt_sd_kill_unit(sd, r.unit, "main", sig, err) < 0 ? -1 : 0;
	}
	volt_sd_close(sd);
	volt_sup_rec_free(&r);
	return ret;
}

int volt_sup_remove(struct volt_ctx *ctx, struct volt_ctr_row *row, bool force, struct volt_err *err)
{
	struct volt_sup_rec r;
	struct volt_sd *sd;
	struct volt_err ignored;
	struct volt_db *db = volt_ctx_db(ctx, err);
	bool running = row->state == VOLT_CTR_RUNNING || row->state == VOLT_CTR_PAUSED;
	if (!db)
		return -1;
	if (running && !force)
		return 1;
	if (row->state == VOLT_CTR_PAUSED)
		volt_sup_pause(ctx, row, false, &ignored);
	int x = load_systemd(ctx, row->id, &r, &sd, err);
	if (x < 0) {
		volt_sup_rec_free(&r);
		return -1;
	}
	volt_sup_rec_set_stop(db, row->id, true, &ignored);
	if (x == 0) {
		volt_sd_kill_unit(sd, r.unit, "all", SIGKILL, &ignored);
		volt_sd_stop_unit(sd, r.unit, &ignored);
		if (!wait_monitor_gone(ctx, row->id, 10000)) {
			volt_sd_close(sd);
			volt_sup_rec_free(&r);
			return volt_err_set(err, ETIMEDOUT, "container %s (unit %s) did not die", row->name, r.unit);
		}
		volt_sd_reset_failed(sd, r.unit, &ignored);
		volt_sd_close(sd);
		volt_ctr_refresh(ctx, row);
	} else if (!running) {
		/* builtin: a shim in its restart back-off sees the stop and leaves */
		wait_monitor_gone(ctx, row->id, 2000);
	}
	volt_sup_rec_free(&r);
	volt_sup_rec_delete(db, row->id, &ignored);
	return 1;
}
