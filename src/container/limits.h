/* docker's --ulimit, --sysctl and --group-add (issue 17): parsed and checked
 * at create time, recorded in the spec, applied in the container's setup
 * (container/limits.c). */
#ifndef VOLT_CONTAINER_LIMITS_H
#define VOLT_CONTAINER_LIMITS_H

#include <stdbool.h>
#include <sys/resource.h>

#include "container/user.h"
#include "util/err.h"

struct volt_ulimit {
	const char *name; /* docker's name: "nofile" */
	int resource;	  /* RLIMIT_NOFILE */
	rlim_t soft, hard;
};

/* volt_ulimit_parse - NAME=SOFT[:HARD] (-1: unlimited); HARD defaults to
 * SOFT, as docker's */
int volt_ulimit_parse(const char *arg, struct volt_ulimit *out, struct volt_err *err);

/* volt_ulimit_check - a hard limit no higher than the caller's own (raising
 * it needs CAP_SYS_RESOURCE in the host's user namespace) */
int volt_ulimit_check(const struct volt_ulimit *u, struct volt_err *err);

/* volt_sysctl_check - KEY=VALUE, one of the namespaced keys docker allows;
 * net.* only with the container's own network namespace (network is the
 * spec's: "host" and "container:..." share another's) */
int volt_sysctl_check(const char *kv, const char *network, struct volt_err *err);

/* volt_limits_apply_ulimits - setrlimit for each NAME=SOFT:HARD recorded */
int volt_limits_apply_ulimits(char **ulimits, struct volt_err *err);

/* volt_limits_apply_sysctls - write each KEY=VALUE under /proc/sys, in the
 * container's namespaces */
int volt_limits_apply_sysctls(char **sysctls, struct volt_err *err);

/* volt_limits_group_add - each GROUP|GID resolved in the container's
 * /etc/group text (may be NULL) and appended to u's groups */
int volt_limits_group_add(char **groups, const char *group_text, struct volt_user *u, struct volt_err *err);

#endif
