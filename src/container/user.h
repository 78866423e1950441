/* Resolving `-u USER[:GROUP]` against the container's own /etc/passwd and
 * /etc/group (never the host's: no NSS inside a container). */
#ifndef VOLT_CONTAINER_USER_H
#define VOLT_CONTAINER_USER_H

#include <sys/types.h>

#include "util/err.h"

#define VOLT_MAX_GROUPS 64

struct volt_user {
	uid_t uid;
	gid_t gid;
	gid_t groups[VOLT_MAX_GROUPS];
	int n_groups;
	char home[256];
};

/* volt_user_resolve - spec is "", "name", "uid", "name:group", "uid:gid";
 * passwd and group are the files' text (may be NULL when absent). */
int volt_user_resolve(const char *spec, const char *passwd, const char *group, struct volt_user *out,
		      struct volt_err *err);

#endif
