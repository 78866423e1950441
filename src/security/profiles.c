/* Where shipped and user profiles are found. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "security/security.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/fs.h"

char **volt_profile_dirs(struct volt_ctx *ctx, const char *kind)
{
	char **v = calloc(1, sizeof(char *));
	const char *env = getenv("VOLT_PROFILE_DIR");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		cleanup_free char *p = volt_path("%s/%s", env, kind);
		volt_strv_push(&v, p);
	}
	if (ctx && ctx->root) {
		cleanup_free char *p = volt_path("%s/profiles/%s", ctx->root, kind);
		volt_strv_push(&v, p);
	}
	env = getenv("VOLT_LIBEXEC");
	if (env && *env) {
		cleanup_free char *p = volt_path("%s/../share/volt/profiles/%s", env, kind);
		volt_strv_push(&v, p);
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			/* bin/volt and libexec/volt/volt-shim of an installed tree,
			 * build/ or $VOLT_TEST_DIR/bin of a source tree */
			cleanup_free char *a = volt_path("%s/../share/volt/profiles/%s", self, kind);
			cleanup_free char *b = volt_path("%s/../../share/volt/profiles/%s", self, kind);
			cleanup_free char *c = volt_path("%s/../profiles/%s", self, kind);
			volt_strv_push(&v, a);
			volt_strv_push(&v, b);
			volt_strv_push(&v, c);
		}
	}
	{
		cleanup_free char *p = volt_path("/usr/local/share/volt/profiles/%s", kind);
		volt_strv_push(&v, p);
	}
	return v;
}

char *volt_profile_find(struct volt_ctx *ctx, const char *kind, const char *name, struct volt_err *err)
{
	cleanup_strv char **dirs = NULL;
	bool json = !strcmp(kind, "seccomp");

	if (!name || !*name)
		return volt_err_set(err, EINVAL, "%s profile: empty name", kind), NULL;
	if (strchr(name, '/')) {
		if (access(name, R_OK) < 0)
			return volt_err_sys(err, "%s profile %s", kind, name), NULL;
		return strdup(name);
	}
	dirs = volt_profile_dirs(ctx, kind);
	for (size_t i = 0; dirs[i]; i++) {
		for (int j = 0; j < (json ? 2 : 1); j++) {
			cleanup_free char *p = volt_path("%s/%s%s", dirs[i], name, j ? ".json" : "");
			char real[PATH_MAX];
			if (access(p, R_OK) == 0)
				return strdup(realpath(p, real) ? real : p);
		}
	}
	volt_err_set(err, ENOENT, "%s profile \"%s\" not found (looked in %s%s)", kind, name, dirs[0] ? dirs[0] : "",
		     dirs[0] && dirs[1] ? " and the shipped profiles" : "");
	return NULL;
}
