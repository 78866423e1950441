/* Landlock profiles: a small line format (docs/security.md). */
#ifndef VOLT_SECURITY_LANDLOCK_PROFILE_H
#define VOLT_SECURITY_LANDLOCK_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum { VOLT_LL_READ = 1, VOLT_LL_WRITE = 2, VOLT_LL_EXEC = 4 };

struct volt_ll_path {
	char *path;	 /* absolute, inside the container */
	unsigned rights; /* VOLT_LL_* */
};

struct volt_ll_profile {
	struct volt_ll_path *paths;
	size_t n_paths;
	bool bind_set, connect_set; /* a bind/connect line restricts TCP bind/connect */
	uint16_t *bind, *connect;   /* the ports allowed */
	size_t n_bind, n_connect;
	bool scope_abstract, scope_signal;
};

/* volt_ll_profile_parse - parse profile text. Lines:
 *   read|write|exec PATH...      rights beneath each absolute PATH
 *   bind|connect PORT...|none    allowed TCP ports (the line turns the check on)
 *   scope abstract-unix-socket|signal...
 * '#' starts a comment. name labels errors ("NAME:LINE: reason").
 * Return: 0, or -1 with err set and p empty. */
int volt_ll_profile_parse(struct volt_ll_profile *p, const char *name, const char *text, size_t len,
			  struct volt_err *err);
/* volt_ll_profile_format - the profile as canonical text (paths sorted) that
 * parses back to the same profile (malloc'd). */
char *volt_ll_profile_format(const struct volt_ll_profile *p);
/* volt_ll_profile_add_path - add rights beneath path (merged with an existing entry). */
int volt_ll_profile_add_path(struct volt_ll_profile *p, const char *path, unsigned rights);
int volt_ll_profile_add_port(struct volt_ll_profile *p, bool bind, long port);
void volt_ll_profile_free(struct volt_ll_profile *p);

#endif
