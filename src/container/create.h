/* Container creation: the command line's options resolved, with the image's
 * config, into a container spec recorded in state "created" (create.c). */
#ifndef VOLT_CONTAINER_CREATE_H
#define VOLT_CONTAINER_CREATE_H

#include <stdbool.h>

#include "state/context.h"
#include "util/err.h"

struct volt_idmap;

/* A file-list appliance as volt_ctr_create takes it (vm/ is not below
 * container/: the CLI copies these from its record). */
struct volt_vm_appliance_ref {
	const char *key;      /* the digest its files are kept under */
	const char *path;     /* its initramfs */
	const char *strategy; /* initramfs | disk, as built */
	const char *kernel;   /* the kernel version it was built for */
	char **entrypoint, **env;
};

/* The guest's memory when --memory is not given (vm/qemu_argv.c's default). */
#define VOLT_VM_MEM_MIB_DEFAULT 256

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
	/* --health-*: over the image's Healthcheck field by field (docker's
	 * merge); test NULL: the image's. no_healthcheck: none at all */
	const struct volt_health *health;
	bool no_healthcheck;
	char **ulimits, **sysctls, **group_add; /* --ulimit, --sysctl, --group-add (limits.h) */
	/* --vm: a record of kind vm (a microVM, src/vm/) with these settings */
	bool vm;
	const char *vm_kernel, *vm_accel;
	unsigned vm_cpus, vm_mem_mib;
	const char *vm_strategy; /* --vm-strategy initramfs|disk|auto; NULL: auto */
	int vm_ephemeral;	 /* --ephemeral[=BOOL]: 1 or 0; -1: not given (ephemeral) */
	/* run/create --vm NAME of an appliance built from a file list (the CLI
	 * found it, vm/appliance.h): no image; its entrypoint is the image's
	 * Cmd would be (replaced by a command given), its env the image's */
	const struct volt_vm_appliance_ref *vm_appliance;
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
