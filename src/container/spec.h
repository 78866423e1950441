/* The container spec: everything the monitor needs to start a container,
 * resolved at `volt create` time (image config merged with the command line)
 * and stored as JSON in the state database. */
#ifndef VOLT_CONTAINER_SPEC_H
#define VOLT_CONTAINER_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "userns/idmap.h"
#include "util/err.h"
#include "util/strv.h" /* the spec's users work on its vectors */

enum volt_mount_kind {
	VOLT_MOUNT_BIND,   /* host path */
	VOLT_MOUNT_VOLUME, /* named volume under $VOLT_ROOT/volumes */
	VOLT_MOUNT_TMPFS,
};

struct volt_mount {
	enum volt_mount_kind kind;
	char *source;  /* host path (bind, volume), NULL for tmpfs */
	char *dest;    /* absolute path in the container */
	char *name;    /* volume name */
	char *options; /* tmpfs options ("size=64m,mode=1777") */
	bool ro;
};

/* a health check (docker's Healthcheck, workload/health.c runs it). 0 in a
 * duration or retries: docker's default (30s, 30s, 0, 5s, 3) */
struct volt_health {
	char **test; /* {"CMD-SHELL", CMD} | {"CMD", ARGV...}; NULL: no check */
	int64_t interval, timeout, start_period, start_interval; /* ns */
	int retries;
};

struct volt_spec {
	char *id, *name;
	char *image_id, *image_name;
	char *lower; /* the image checkout (overlay lower dir) */
	char **args; /* entrypoint + cmd, resolved */
	char **env;  /* KEY=VALUE, resolved */
	char *cwd;
	char *user; /* USER[:GROUP] as given, resolved in the container */
	char *hostname;
	char *network; /* "slirp[:opts]" | "none" | "host" | "container:ID" (net/net.h) */
	char **dns, **add_hosts;
	bool tty, interactive, rm, init, read_only;
	char *userns; /* "" | "keep-id" */
	int stop_signal;
	int stop_timeout;	/* seconds */
	long long log_max_size; /* rotate ctr.log at this size; 0: never (--log-opt) */
	int log_max_files;	/* log files kept, the current one included */
	struct volt_mount *mounts;
	size_t n_mounts;
	char **labels;	      /* KEY=VALUE */
	char **exposed_ports; /* "80/tcp" as recorded from the image */
	char **ports;	      /* published: "IP:HOST:CTR/proto" (net/ports.h) */
	struct volt_idmap idmap;
	/* security (src/security/): NULL means the default */
	char *seccomp;	/* profile name, path or "unconfined" */
	char *landlock; /* profile name, path or "none" */
	char **cap_add, **cap_drop;
	bool seccomp_audit; /* allow and record what the profile would block */
	struct volt_health health;
	/* --ulimit NAME=SOFT:HARD, --sysctl KEY=VALUE, --group-add GROUP|GID
	 * (container/limits.c), as given and checked */
	char **ulimits, **sysctls, **group_add;
	/* a microVM's (a record of kind vm, src/vm/): unset for a container */
	struct {
		char *kernel;	    /* PATH or VERSION as given, or NULL: the default */
		char *accel;	    /* auto | kvm | tcg, or NULL: auto */
		unsigned cpus;	    /* 0: 1 */
		unsigned mem_mib;   /* 0: the default */
		char *strategy;	    /* initramfs | disk, resolved at create (--vm-strategy) */
		char *strategy_why; /* why that one: shown in inspect's VM section */
		bool keep;	    /* --ephemeral=false: a disk VM's writes kept until rm */
		char *appliance;    /* run --vm NAME of a file-list appliance: its key; NULL: the image's */
	} vm;
};

void volt_spec_free(struct volt_spec *s);
/* volt_spec_to_json - the spec as a JSON string (malloc'd). */
char *volt_spec_to_json(const struct volt_spec *s);
int volt_spec_from_json(struct volt_spec *s, const char *json, struct volt_err *err);

struct volt_sec_spec;
/* volt_spec_security - the spec's security settings as security/ takes them;
 * out borrows the spec's strings. */
void volt_spec_security(const struct volt_spec *s, struct volt_sec_spec *out);

/* volt_name_valid - a container or volume name: [a-zA-Z0-9][a-zA-Z0-9_.-]*,
 * at most 128 bytes */
bool volt_name_valid(const char *name);

#endif
