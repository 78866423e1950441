#include "state/context.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/events.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char *abs_path(const char *p)
{
	char cwd[PATH_MAX];
	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return strdup(p);
	return volt_path("%s/%s", cwd, p);
}

int volt_ctx_init(struct volt_ctx *ctx, const char *root, const char *runroot, struct volt_err *err)
{
	const char *env;

	memset(ctx, 0, sizeof(*ctx));
	if (root)
		ctx->root = abs_path(root);
	else if ((env = getenv("VOLT_ROOT")) && *env)
		ctx->root = abs_path(env);
	else if ((env = getenv("XDG_DATA_HOME")) && *env)
		ctx->root = volt_path("%s/volt", env);
	else if ((env = getenv("HOME")) && *env)
		ctx->root = volt_path("%s/.local/share/volt", env);
	else
		return volt_err_set(err, 0, "cannot find a store: set VOLT_ROOT or HOME");

	if (runroot)
		ctx->runroot = abs_path(runroot);
	else if ((env = getenv("VOLT_RUNROOT")) && *env)
		ctx->runroot = abs_path(env);
	else if ((env = getenv("XDG_RUNTIME_DIR")) && *env && access(env, W_OK) == 0)
		ctx->runroot = volt_path("%s/volt", env);
	else
		ctx->runroot = volt_path("/tmp/volt-%u", (unsigned)getuid());

	volt_err_where_dirs(ctx->root, ctx->runroot);
	/* events of what does not touch the database (volumes) go there too */
	volt_events_root(ctx->root);
	if (volt_mkdir_p(ctx->root, 0700, err) < 0 || volt_mkdir_p(ctx->runroot, 0700, err) < 0)
		return -1;
	/* /tmp/volt-$UID must be ours: refuse one another user planted */
	struct stat st;
	if (stat(ctx->runroot, &st) < 0)
		return volt_err_sys(err, "stat %s", ctx->runroot);
	if (st.st_uid != getuid())
		return volt_err_set(err, EPERM, "runtime directory %s belongs to uid %u, not to you", ctx->runroot,
				    (unsigned)st.st_uid);
	return 0;
}

struct volt_db *volt_ctx_db(struct volt_ctx *ctx, struct volt_err *err)
{
	if (!ctx->db_open) {
		if (volt_db_open(&ctx->db, ctx->root, err) < 0)
			return NULL;
		ctx->db_open = 1;
	}
	return &ctx->db;
}

void volt_ctx_free(struct volt_ctx *ctx)
{
	if (ctx->db_open)
		volt_db_close(&ctx->db);
	free(ctx->root);
	free(ctx->runroot);
	free(ctx->libexec);
	memset(ctx, 0, sizeof(*ctx));
}

char *volt_ctx_helper(struct volt_ctx *ctx, const char *name)
{
	const char *env = getenv("VOLT_LIBEXEC");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return volt_path("%s/%s", env, name);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			char *p = volt_path("%s/%s", self, name);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
			p = volt_path("%s/../libexec/volt/%s", self, name);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	(void)ctx;
	return volt_path("/usr/local/libexec/volt/%s", name);
}

char *volt_ctx_ctr_dir(struct volt_ctx *ctx, const char *id)
{
	return volt_path("%s/containers/%s", ctx->root, id);
}

char *volt_ctx_ctr_run(struct volt_ctx *ctx, const char *id)
{
	return volt_path("%s/%s", ctx->runroot, id);
}
