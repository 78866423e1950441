/* Container lifecycle: create, start, signal, stop, wait, remove. The CLI
 * calls these; the state lives in the database and the shim's lock. */
#ifndef VOLT_WORKLOAD_LIFECYCLE_H
#define VOLT_WORKLOAD_LIFECYCLE_H

#include <stdbool.h>

#include "container/create.h"
#include "state/context.h"
#include "state/db.h"
#include "state/liveness.h"
#include "util/err.h"

/* volt_workload_runnable - whether this volt runs the record's kind: the
 * verbs below and the monitor dispatch on it. A container runs; a vm (issue
 * 14) has no engine yet. Return 0, or -1 with err set ("VERB NAME: ..."). */
int volt_workload_runnable(const struct volt_ctr_row *row, const char *verb, struct volt_err *err);

/* volt_ctr_start - start a created/exited container. attach: this process
 * becomes its monitor (workload/monitor.c) and returns after the container
 * exited, with *exit_code its exit code (monitor errors were printed);
 * otherwise a detached volt-shim monitors it, this returns once the container
 * runs (or failed to) and *exit_code is -1, as it is when a user manager runs
 * the container. Return 0, or -1 with err set. */
int volt_ctr_start(struct volt_ctx *ctx, struct volt_ctr_row *row, bool attach, int *exit_code, struct volt_err *err);

/* the exit code of a --rm container, kept where its waiters look after its
 * row is gone: an extended attribute of its directory, which they hold open
 * (workload/monitor.c writes it, volt_ctr_wait reads it) */
#define VOLT_EXIT_XATTR "user.volt.exit"

int volt_ctr_kill(struct volt_ctx *ctx, struct volt_ctr_row *row, int sig, struct volt_err *err);
/* volt_ctr_stop - the stop signal, then SIGKILL after timeout seconds (-1: the container's). */
int volt_ctr_stop(struct volt_ctx *ctx, struct volt_ctr_row *row, int timeout, struct volt_err *err);
/* volt_ctr_wait - block until the monitor is gone; returns the exit code. */
int volt_ctr_wait(struct volt_ctx *ctx, struct volt_ctr_row *row, struct volt_err *err);
/* volt_ctr_remove - remove a container (force: kill a running one first). */
int volt_ctr_remove(struct volt_ctx *ctx, struct volt_ctr_row *row, bool force, struct volt_err *err);

/* volt_workload_pause - pause (or resume) a running workload: a container's
 * processes are frozen (supervise/), a microVM's vCPUs stopped over QMP. */
int volt_workload_pause(struct volt_ctx *ctx, struct volt_ctr_row *row, bool pause, struct volt_err *err);

#endif
