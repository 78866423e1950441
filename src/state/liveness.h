/* The liveness of a workload record (liveness.c): read from the lock its
 * monitor holds, not trusted from the database. */
#ifndef VOLT_STATE_LIVENESS_H
#define VOLT_STATE_LIVENESS_H

#include "state/context.h"
#include "state/db.h"
#include "util/err.h"

/* volt_ctr_load - find a container and bring its state up to date: a
 * "running" container whose monitor is gone becomes "exited". 1 = not found. */
int volt_ctr_load(struct volt_ctx *ctx, const char *ref, struct volt_ctr_row *row, struct volt_err *err);
/* volt_ctr_refresh - the liveness fix-up of volt_ctr_load for a row in hand. */
void volt_ctr_refresh(struct volt_ctx *ctx, struct volt_ctr_row *row);
/* volt_ctr_lock_open - an fd of what the record's monitor flocks (its
 * directory, or an older volt's lock file), or -1 when there is neither. */
int volt_ctr_lock_open(struct volt_ctx *ctx, const char *id);
/* volt_ctr_monitor_alive - 1 when a shim holds the container's lock. */
int volt_ctr_monitor_alive(struct volt_ctx *ctx, const char *id);

#endif
