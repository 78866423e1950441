/* The in-container sequence (see enter.h).
 *
 * Order matters: the inherited fds go before anything resolves a path the
 * caller chose (the working directory); the session precedes the user
 * switch (TIOCSCTTY needs privilege); the bounding set is trimmed while
 * CAP_SETPCAP is held; PR_SET_PDEATHSIG follows the user switch, which
 * clears it (dropping capabilities, Landlock and seccomp do not); the
 * security step comes last so that its filter need not allow volt's own
 * setup; the remaining fds are marked close-on-exec, so that report_fd
 * works until exec and is gone after it. */
#include "container/enter.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "container/limits.h"
#include "container/user.h"
#include "security/security.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/fs.h"
#include "util/syscalls.h"
#include "util/trace.h"

static int fail_code(struct volt_err *err, int code)
{
	err->exit_code = code;
	return -1;
}

static char *read_small(const char *path)
{
	char *s = NULL;
	struct volt_err ignored;
	if (volt_read_file(path, 4 << 20, &s, NULL, &ignored) < 0)
		return NULL;
	return s;
}

/* close_inherited - every fd but stdio, report_fd, the seccomp listener's
 * channel and the preserved ones: whatever the caller had open (a directory
 * of the host above all) must be gone before a path is resolved. The
 * preserved fds are the user's choice. */
static void close_inherited(const struct volt_enter *e)
{
	int keep[] = {e->stdio[0],
		      e->stdio[1],
		      e->stdio[2],
		      e->report_fd,
		      e->security ? e->security->notify_sock[1] : -1,
		      e->keep_fd > 0 ? e->keep_fd : -1,
		      e->keep_fd2 > 0 ? e->keep_fd2 : -1};
	volt_fds_close_except(3 + e->preserve_fds, keep, ARRAY_SIZE(keep), 0);
}

/* enter_cwd - the working directory; a path that leads outside the root
 * (through a preserved fd, say) is refused, as runc does since CVE-2024-21626:
 * getcwd() fails for a directory the root does not reach. */
static int enter_cwd(const struct volt_enter *e, struct volt_err *err)
{
	const struct volt_spec *s = e->spec;
	const char *cwd = e->cwd ? e->cwd : s->cwd ? s->cwd : "/";
	char buf[PATH_MAX];

	if (chdir(cwd) < 0) {
		if (!e->make_cwd || errno != ENOENT || volt_mkdir_p(cwd, 0755, err) < 0 || chdir(cwd) < 0)
			return volt_err_sys(err, "chdir to %s", cwd);
	}
	/* ENOENT: unreachable from the root (ERANGE, a path beyond PATH_MAX,
	 * may be either: refused too) */
	if (!getcwd(buf, sizeof(buf)))
		return volt_err_sys(err, "working directory %s is outside the container", cwd);
	return 0;
}

static int setup_stdio(const struct volt_enter *e, struct volt_err *err)
{
	for (int i = 0; i < 3; i++) {
		if (e->stdio[i] == i)
			continue;
		/* stdio is the one set of fds meant to cross exec */
		if (dup2(e->stdio[i], i) < 0)
			return volt_err_sys(err, "dup2");
	}
	for (int i = 0; i < 3; i++)
		fcntl(i, F_SETFD, 0);
	if ((e->new_session || e->ctty) && setsid() < 0)
		return volt_err_sys(err, "setsid");
	if (e->ctty && ioctl(0, TIOCSCTTY, 0) < 0)
		return volt_err_sys(err, "set controlling terminal");
	return 0;
}

static int switch_user(const struct volt_enter *e, char ***env, struct volt_err *err)
{
	const struct volt_spec *s = e->spec;
	const char *user = e->user ? e->user : s->user;
	cleanup_free char *passwd = read_small("/etc/passwd");
	cleanup_free char *group = read_small("/etc/group");
	struct volt_user u;

	if (volt_user_resolve(user, passwd, group, &u, err) < 0)
		return -1;
	if (!volt_env_get(*env, "HOME")) {
		cleanup_free char *h = volt_path("HOME=%s", u.home);
		volt_env_set(env, h);
	}
	if (s->idmap.keep_id && (!user || !user[0])) {
		/* keep-id: the user is already themselves inside */
		return 0;
	}
	if (e->ctty && fchown(0, u.uid, (gid_t)-1) < 0) {
		/* stays root's: the command can still use the fds it has */
	}
	/* --group-add: more supplementary groups (create refused them in
	 * single-uid mode, where setgroups is denied) */
	if (volt_limits_group_add(s->group_add, group, &u, err) < 0)
		return -1;
	/* supplementary groups can be set only when setgroups is allowed (full map) */
	if (s->idmap.full && setgroups((size_t)u.n_groups, u.groups) < 0)
		return volt_err_sys(err, "setgroups");
	/* single-uid mode: only 0 exists inside; say the way out, not EINVAL */
	if (setresgid(u.gid, u.gid, u.gid) < 0)
		return s->idmap.full ? volt_err_sys(err, "setgid %u", u.gid) :
				       volt_err_said(err, errno,
						     "group %u is not mapped: single-uid mode maps "
						     "only root (0); run as root (-u 0), or get a subordinate "
						     "range in /etc/subgid",
						     u.gid);
	if (setresuid(u.uid, u.uid, u.uid) < 0)
		return s->idmap.full ? volt_err_sys(err, "setuid %u", u.uid) :
				       volt_err_said(err, errno,
						     "user %u is not mapped: single-uid mode maps "
						     "only root (0); run as root (-u 0), or get a subordinate "
						     "range in /etc/subuid",
						     u.uid);
	return 0;
}

/* die_with_parent - SIGKILL when the parent (the monitor) goes; a parent
 * gone already shows as a changed getppid() */
static int die_with_parent(const struct volt_enter *e, struct volt_err *err)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return volt_err_sys(err, "prctl(PR_SET_PDEATHSIG)");
	if (getppid() != e->ppid)
		_exit(VOLT_EXIT_INTERNAL); /* nobody is left to report to */
	return 0;
}

static int exec_command(const struct volt_enter *e, char **env, struct volt_err *err)
{
	const struct volt_spec *s = e->spec;
	char **argv = e->argv ? e->argv : s->args;
	cleanup_free char **with_init = NULL;

	if (!e->argv && s->init) {
		size_t n = volt_strv_len(s->args);
		with_init = calloc(n + 3, sizeof(char *));
		if (!with_init) {
			volt_err_set(err, ENOMEM, "exec");
			return fail_code(err, VOLT_EXIT_INTERNAL);
		}
		with_init[0] = "/dev/init";
		with_init[1] = "--";
		memcpy(with_init + 2, s->args, n * sizeof(char *));
		argv = with_init;
	}
	/* no descriptor of volt's may reach the command: the report channel
	 * and the stdio originals go at exec */
	volt_close_range(3 + e->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
	/* execvp searches the PATH of the environment it runs in */
	environ = env;
	execvp(argv[0], argv);
	int en = errno;
	if (en == ENOENT || en == ENOTDIR) {
		volt_err_set(err, en, "exec \"%s\": executable file not found in $PATH", argv[0]);
		return fail_code(err, VOLT_EXIT_NOT_FOUND);
	}
	volt_err_set(err, en, "exec \"%s\"", argv[0]);
	return fail_code(err, VOLT_EXIT_CANNOT_EXEC);
}

void volt_enter_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

int volt_enter_exec(const struct volt_enter *e, char ***env, struct volt_err *err)
{
	close_inherited(e);
	if (enter_cwd(e, err) < 0 || setup_stdio(e, err) < 0)
		return fail_code(err, VOLT_EXIT_INTERNAL);
	if (e->before_exec) {
		if (e->before_exec(e->before_exec_arg, e->report_fd, env, err) < 0)
			return fail_code(err, err->exit_code ? err->exit_code : VOLT_EXIT_INTERNAL);
		return exec_command(e, *env, err);
	}
	if (e->security && volt_security_bounding(e->security, err) < 0)
		return fail_code(err, VOLT_EXIT_INTERNAL);
	/* --ulimit: lowered while still root of the namespace (either order
	 * works: only raising a hard limit needs privilege, and create refused
	 * that) */
	if (volt_limits_apply_ulimits(e->spec->ulimits, err) < 0)
		return fail_code(err, VOLT_EXIT_INTERNAL);
	if (switch_user(e, env, err) < 0 || die_with_parent(e, err) < 0)
		return fail_code(err, VOLT_EXIT_INTERNAL);
	if (e->security && volt_security_apply(e->security, err) < 0)
		return fail_code(err, err->exit_code ? err->exit_code : VOLT_EXIT_INTERNAL);
	volt_trace("child: exec");
	return exec_command(e, *env, err);
}
