/* The pull behind `volt run` / `volt create` of a missing image. `volt`
 * itself links only libc (and static sqlite/jansson) so that a container
 * starts in a few ms; pulling needs libcurl and libarchive, which live in
 * volt-image. So this runs `volt-image pull NAME` as a child: its progress
 * display goes to our stderr, the image id comes back on a pipe. */
#include "image/pull_hook.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/reference.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* run_pull - volt-image pull name; id (65 bytes) from its stdout. */
static int run_pull(struct volt_ctx *ctx, const char *name, char id[72], struct volt_err *err)
{
	cleanup_free char *helper = volt_ctx_helper(ctx, "volt-image");
	cleanup_free char *context = NULL;
	cleanup_free char **envp = NULL;
	size_t n_env = 0;
	char out[160];
	size_t got = 0;
	int p[2], status;
	pid_t pid;
	ssize_t n;

	if (!helper)
		return volt_err_said(err, ENOENT, "volt-image not found");
	/* built before fork: the child only execs */
	context = volt_path("%s=image %s: not in the store, and pulling it failed", VOLT_ERR_CONTEXT_ENV, name);
	while (environ[n_env])
		n_env++;
	envp = calloc(n_env + 2, sizeof(char *));
	if (!context || !envp)
		return volt_err_set(err, ENOMEM, "pull %s", name);
	n_env = 0;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, VOLT_ERR_CONTEXT_ENV "=", sizeof(VOLT_ERR_CONTEXT_ENV)))
			envp[n_env++] = *e;
	envp[n_env] = context;
	if (pipe2(p, O_CLOEXEC) < 0)
		return volt_err_sys(err, "pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return volt_err_sys(err, "fork");
	}
	if (pid == 0) {
		/* the helper's stdout is the pipe (the image id comes back on it) */
		dup2(p[1], 1);
		char *argv[] = {"volt", "--root", ctx->root, "--runroot", ctx->runroot, "pull", (char *)name, NULL};
		execve(helper, argv, envp);
		fprintf(stderr, "volt: exec %s: %s\n", helper, strerror(errno));
		_exit(125);
	}
	close(p[1]);
	while (got < sizeof(out) - 1 && (n = read(p[0], out + got, sizeof(out) - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	close(p[0]);
	out[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* a failing volt-image has printed its error, after our context: one line */
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		volt_err_set(err, 0, "%s", "");
		err->exit_code = WEXITSTATUS(status);
		return -1;
	}
	if (!WIFEXITED(status) || strncmp(out, "sha256:", 7) || got < 71) {
		volt_err_set(err, 0, "image %s: not in the store, and pulling it failed", name);
		err->exit_code = 125;
		return -1;
	}
	memcpy(id, out + 7, 64);
	id[64] = '\0';
	return 0;
}

int volt_image_find_or_pull(struct volt_ctx *ctx, struct volt_db *db, const char *name, struct volt_image_row *img,
			    struct volt_err *err)
{
	struct volt_ref r;
	char id[72];
	int f;

	if ((f = volt_db_image_find(db, name, img, err)) <= 0)
		return f;
	if (volt_ref_parse(name, &r, err) < 0) {
		char why[VOLT_ERR_MSG_MAX];
		snprintf(why, sizeof(why), "%s", err->msg);
		return volt_err_set(err, 0, "image %s: not in the store (and not a reference to pull: %s)", name, why);
	}
	if (r.tag && !r.digest) {
		cleanup_free char *full = volt_path("%s/%s:%s", r.domain, r.path, r.tag);
		if ((f = volt_db_image_find(db, full, img, err)) <= 0) {
			volt_ref_free(&r);
			return f;
		}
	}
	volt_ref_free(&r);
	if (run_pull(ctx, name, id, err) < 0)
		return -1;
	if ((f = volt_db_image_find(db, id, img, err)) > 0)
		return volt_err_said(err, ENOENT, "image %s: pulled as %s but not found", name, id);
	return f;
}
