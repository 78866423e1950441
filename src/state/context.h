/* The paths and handles one volt invocation works with. */
#ifndef VOLT_STATE_CONTEXT_H
#define VOLT_STATE_CONTEXT_H

#include "state/db.h"
#include "util/err.h"

struct volt_early_userns;

struct volt_ctx {
	char *root;    /* $VOLT_ROOT: store, state, containers */
	char *runroot; /* runtime files: locks, sockets */
	char *libexec; /* where volt-shim and volt-init live */
	struct volt_db db;
	int db_open;
	/* a foreground run's user namespace, mapped while the container is
	 * created (userns/early_userns.c); NULL otherwise */
	struct volt_early_userns *early_userns;
	/* volt run --preserve-fds N: the caller's fds 3..3+N-1 reach the
	 * container (the in-process monitor passes them on) */
	unsigned preserve_fds;
};

/* volt_ctx_init - resolve root (--root, $VOLT_ROOT, ${XDG_DATA_HOME:-~/.local/share}/volt)
 * and runroot (--runroot, $VOLT_RUNROOT, ${XDG_RUNTIME_DIR:-/tmp/volt-$UID}/volt). */
int volt_ctx_init(struct volt_ctx *ctx, const char *root, const char *runroot, struct volt_err *err);
/* volt_ctx_db - open the state database on first use. */
struct volt_db *volt_ctx_db(struct volt_ctx *ctx, struct volt_err *err);
void volt_ctx_free(struct volt_ctx *ctx);

/* volt_ctx_helper - full path of a helper binary (volt-shim, volt-init):
 * $VOLT_LIBEXEC, the directory of the running volt, ../libexec/volt from it. */
char *volt_ctx_helper(struct volt_ctx *ctx, const char *name);

/* Per-container directories. */
char *volt_ctx_ctr_dir(struct volt_ctx *ctx, const char *id); /* root/containers/<id> */
char *volt_ctx_ctr_run(struct volt_ctx *ctx, const char *id); /* runroot/<id> */

#endif
