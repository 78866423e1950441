/* Container lifecycle: create, start, signal, stop, wait, remove. The CLI
 * calls these; the state lives in the database and the shim's lock. */
#ifndef VOLT_CONTAINER_LIFECYCLE_H
#define VOLT_CONTAINER_LIFECYCLE_H

#include <stdbool.h>

#include "state/context.h"
#include "state/db.h"
#include "util/err.h"

struct volt_sup_opts;

struct volt_create_opts {
	const char *image;
	char **command;        /* after the image, may be NULL */
	const char *name;
	const char *entrypoint; /* NULL: image's; "": none */
	bool entrypoint_set;
	char **env;            /* -e KEY=VALUE or KEY (from the host) */
	char **env_files;
	const char *workdir;
	const char *user;
	const char *hostname;
	const char *network;   /* slirp[:opts] (default) | none | host | container:NAME */
	char **publish;        /* -p [IP:][HOST:]CTR[/proto] */
	bool publish_all;      /* -P: every ExposedPort of the image */
	char **volumes;        /* SRC:DST[:ro] */
	char **tmpfs;          /* DST[:OPTS] */
	char **labels;
	char **dns, **add_hosts;
	const char *userns;    /* NULL | keep-id */
	const char *stop_signal;
	int stop_timeout;      /* -1: default 10 */
	char **log_opts;       /* --log-opt max-size=SIZE|max-file=N */
	const struct volt_idmap *idmap; /* detected already (volt run), or NULL */
	const char *rootfs_lower; /* checkout | fuse; NULL: $VOLT_ROOTFS_LOWER or the default */
	bool tty, interactive, rm, init, read_only;
	char **security_opts;  /* --security-opt seccomp=..|landlock=..|no-new-privileges */
	char **cap_add, **cap_drop;
	const char *landlock;  /* --landlock NAME|PATH|none */
	bool seccomp_audit;
	/* the supervision record (supervise/hooks.c volt_sup_create), written
	 * in the container row's transaction: both or neither; NULL: none */
	const struct volt_sup_opts *sup;
	int sup_argc;
	char **sup_argv;
};

/* volt_ctr_create - resolve the spec and record a container in state
 * "created"; id_out gets its id (65 bytes). On failure nothing is left: no
 * row, no record, no directory. */
int volt_ctr_create(struct volt_ctx *ctx, const struct volt_create_opts *o, char *id_out,
		    struct volt_err *err);

/* volt_ctr_load - find a container and bring its state up to date: a
 * "running" container whose monitor is gone becomes "exited". 1 = not found. */
int volt_ctr_load(struct volt_ctx *ctx, const char *ref, struct volt_ctr_row *row, struct volt_err *err);
/* volt_ctr_refresh - the liveness fix-up of volt_ctr_load for a row in hand. */
void volt_ctr_refresh(struct volt_ctx *ctx, struct volt_ctr_row *row);
/* volt_ctr_monitor_alive - 1 when a shim holds the container's lock. */
int volt_ctr_monitor_alive(struct volt_ctx *ctx, const char *id);

/* volt_ctr_start - start a created/exited container. attach: this process
 * becomes its monitor (container/monitor.c) and returns after the container
 * exited, with *exit_code its exit code (monitor errors were printed);
 * otherwise a detached volt-shim monitors it, this returns once the container
 * runs (or failed to) and *exit_code is -1, as it is when a user manager runs
 * the container. Return 0, or -1 with err set. */
int volt_ctr_start(struct volt_ctx *ctx, struct volt_ctr_row *row, bool attach, int *exit_code,
		   struct volt_err *err);

/* the exit code of a --rm container, kept where its waiters look after its
 * row is gone: an extended attribute of its directory, which they hold open
 * (container/monitor.c writes it, volt_ctr_wait reads it) */
#define VOLT_EXIT_XATTR "user.volt.exit"

int volt_ctr_kill(struct volt_ctx *ctx, struct volt_ctr_row *row, int sig, struct volt_err *err);
/* volt_ctr_stop - the stop signal, then SIGKILL after timeout seconds (-1: the container's). */
int volt_ctr_stop(struct volt_ctx *ctx, struct volt_ctr_row *row, int timeout, struct volt_err *err);
/* volt_ctr_wait - block until the monitor is gone; returns the exit code. */
int volt_ctr_wait(struct volt_ctx *ctx, struct volt_ctr_row *row, struct volt_err *err);
/* volt_ctr_remove - remove a container (force: kill a running one first). */
int volt_ctr_remove(struct volt_ctx *ctx, struct volt_ctr_row *row, bool force, struct volt_err *err);

#endif
