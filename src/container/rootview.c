/* volt_rootview_run: see rootview.h. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/rootview.h"
#include "container/skel.h"
#include "container/spawn.h"
#include "container/spec.h"
#include "userns/idmap.h"
#include "util/cleanup.h"
#include "util/fs.h"

struct job {
	volt_rootview_fn fn;
	void *arg;
	const char *ctr_dir, *lower;
};

/* in_overlay - (in the user namespace) mount the container's layers in a
 * mount namespace of our own and run fn over them */
static int in_overlay(void *arg, struct volt_err *err)
{
	struct job *j = arg;
	cleanup_free char *opts =
		volt_path("lowerdir=%s,upperdir=%s/upper,workdir=%s/work,userxattr", j->lower, j->ctr_dir, j->ctr_dir);

	/* a container never started has no layer of its own yet */
	for (int i = 0; i < 2; i++) {
		cleanup_free char *d = volt_path("%s/%s", j->ctr_dir, i ? "work" : "upper");
		if (mkdir(d, 0755) < 0 && errno != EEXIST)
			return volt_err_sys(err, "mkdir %s", d);
	}
	if (unshare(CLONE_NEWNS) < 0)
		return volt_err_sys(err, "unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return volt_err_sys(err, "make mounts private");
	if (mount("overlay", j->ctr_dir, "overlay", 0, opts) < 0)
		return volt_err_sys(err, "mount the container's layers (overlay)");
	cleanup_close int root = open(j->ctr_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return volt_err_sys(err, "open the container's root");
	return j->fn(j->arg, root, err);
}

/* joined - fork a child that joins pid's user and mount namespaces and runs
 * fn over its "/"; the child's error comes back over a pipe */
static int joined(pid_t pid, struct job *j, struct volt_err *err)
{
	struct volt_err cerr;
	int p[2], status;

	if (pipe2(p, O_CLOEXEC) < 0)
		return volt_err_sys(err, "pipe");
	pid_t child = fork();
	if (child < 0) {
		close(p[0]);
		close(p[1]);
		return volt_err_sys(err, "fork");
	}
	if (child == 0) {
		close(p[0]);
		memset(&cerr, 0, sizeof(cerr));
		/* undumpable before the first namespace is joined: the container's
		 * root must not reach our fds (the host side) through /proc */
		if (prctl(PR_SET_DUMPABLE, 0) < 0) {
			volt_err_sys(&cerr, "prctl(PR_SET_DUMPABLE)");
		} else if (volt_container_join(pid, CLONE_NEWUSER | CLONE_NEWNS, &cerr) == 0) {
			int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (root < 0)
				volt_err_sys(&cerr, "open the container's root");
			else if (j->fn(j->arg, root, &cerr) == 0)
				_exit(0);
		}
		if (write(p[1], &cerr, sizeof(cerr)) < 0)
			_exit(2);
		_exit(1);
	}
	close(p[1]);
	ssize_t n = read(p[0], &cerr, sizeof(cerr));
	close(p[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (n == (ssize_t)sizeof(cerr))
		*err = cerr;
	else
		volt_err_set(err, 0, "the helper in the container died (status %d)", status);
	return -1;
}

int volt_rootview_run(struct volt_ctx *ctx, const struct volt_ctr_row *row, volt_rootview_fn fn, void *arg,
		      struct volt_err *err)
{
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, row->id);
	struct volt_spec spec;
	struct job j = {fn, arg, dir, NULL};
	int r;

	if (row->kind != VOLT_KIND_CONTAINER)
		return volt_err_said(err, ENOTSUP, "%s is a microVM: its files are not reachable from here", row->name);
	if ((row->state == VOLT_CTR_RUNNING || row->state == VOLT_CTR_PAUSED) && row->pid > 0)
		return joined(row->pid, &j, err);
	/* the monitor's lock, held while its layers are mounted here: a start
	 * meanwhile waits, then fails, rather than mount the same upper layer
	 * twice (overlayfs calls that undefined) */
	cleanup_close int lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0)
		return volt_err_sys(err, "open %s", dir);
	if (flock(lock, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ?
			       volt_err_said(err, EBUSY, "%s was started meanwhile: try again", row->name) :
			       volt_err_sys(err, "lock %s", dir);
	if (volt_spec_from_json(&spec, row->spec, err) < 0)
		return -1;
	volt_skel_apply(ctx->root, &spec); /* the mount points, as the container has them */
	j.lower = spec.lower;
	r = volt_userns_run(&spec.idmap, in_overlay, &j, err);
	volt_spec_free(&spec);
	return r;
}
