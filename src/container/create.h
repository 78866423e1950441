/* Container creation: the command line's options resolved, with the image's
 * config, into a container spec recorded in state "created" (create.c). */
#ifndef VOLT_CONTAINER_CREATE_H
#define VOLT_CONTAINER_CREATE_H

#include <stdbool.h>

#include "state/context.h"
#include "util/err.h"

struct volt_idmap;

struct volt_create_opts {
	const char *image;
	char **command; /* after the image, may be NULL */
	const char *name;
	const char *entrypoint; /* NULL: image's; "": none */
	bool entrypoint_set;
	char **env; /* -e KEY=VALUE or KEY (from the host) */
	char **env_files;
	const char *workdir;
	const char *user;
	const char *hostname;
	const char *network; /* slirp[:opts] (default) | none | host | container:NAME */
	char **publish;	     /* -p [IP:][HOST:]CTR[/proto] */
	bool publish_all;    /* -P: every ExposedPort of the image */
	char **volumes;	     /* SRC:DST[:ro] */
	char **tmpfs;	     /* DST[:OPTS] */
	char **labels;
	char **dns, **add_hosts;
	const char *userns; /* NULL | keep-id */
	const char *stop_signal;
	int stop_timeout;		/* -1: default 10 */
	char **log_opts;		/* --log-opt max-size=SIZE|max-file=N */
	const struct volt_idmap *idmap; /* detected already (volt run), or NULL */
	const char *rootfs_lower;	/* checkout | fuse; NULL: $VOLT_ROOTFS_LOWER or the default */
	bool tty, interactive, rm, init, read_only;
	char **security_opts; /* --security-opt seccomp=..|landlock=..|no-new-privileges */
	char **cap_add, **cap_drop;
	const char *landlock; /* --landlock NAME|PATH|none */
	bool seccomp_audit;
	char **ulimits, **sysctls, **group_add; /* --ulimit, --sysctl, --group-add (limits.h) */
	/* --vm: a record of kind vm (a microVM, src/vm/) with these settings */
	bool vm;
	const char *vm_kernel, *vm_accel;
	unsigned vm_cpus, vm_mem_mib;
	/* more to write in the container row's transaction (the caller's
	 * supervision record): both or neither; NULL: nothing. A hook, so that
	 * container/ need not know supervise/, a layer above it. */
	int (*in_txn)(struct volt_ctx *ctx, const char *id, void *arg, struct volt_err *err);
	void *in_txn_arg;
};

/* volt_ctr_create - resolve the spec and record a container in state
 * "created"; id_out gets its id (65 bytes). On failure nothing is left: no
 * row, no record, no directory. */
int volt_ctr_create(struct volt_ctx *ctx, const struct volt_create_opts *o, char *id_out, struct volt_err *err);

#endif
