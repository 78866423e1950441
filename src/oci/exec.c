/* `volt-runtime exec`: another process in a created or running container.
 *
 * Theory of operation: a first child joins the container's namespaces
 * (container/spawn.c's volt_container_join: the user namespace first, the
 * mount namespace last, which also moves it into the container's root); a PID
 * namespace applies only to children, so it forks the process itself, which
 * runs the same last steps as the container's process (child.c's
 * volt_oci_process_apply: rlimits, bounding set, user, capabilities,
 * no_new_privs, the bundle's seccomp program) and execs. The first child tells
 * us the process's pid (for --pid-file, written here: the path is the
 * caller's, not the container's) and, without --detach, waits for it and
 * exits with its status. A failure before exec comes back over a CLOEXEC
 * pipe; EOF means exec succeeded. */
#include "oci/runtime.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/close_range.h>
#include <unistd.h>

#include "container/spawn.h"
#include "container/spec.h"
#include "oci/child.h"
#include "oci/config.h"
#include "oci/state.h"
#include "oci/vm.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/syscalls.h"

/* take_process - src's process fields into dst (--process replaces the
 * bundle's process; the rest of the bundle, seccomp above all, stays) */
static void take_process(struct volt_oci_config *dst, struct volt_oci_config *src)
{
#define SWAP(f)                                \
	do {                                   \
		__typeof__(dst->f) t = dst->f; \
		dst->f = src->f;               \
		src->f = t;                    \
	} while (0)
	SWAP(terminal);
	SWAP(console_rows);
	SWAP(console_cols);
	SWAP(uid);
	SWAP(gid);
	SWAP(add_gids);
	SWAP(n_add_gids);
	SWAP(has_umask);
	SWAP(umask);
	SWAP(args);
	SWAP(env);
	SWAP(cwd);
	SWAP(has_caps);
	SWAP(cap_bounding);
	SWAP(cap_effective);
	SWAP(cap_permitted);
	SWAP(cap_inheritable);
	SWAP(cap_ambient);
	SWAP(rlimits);
	SWAP(n_rlimits);
	SWAP(no_new_privs);
#undef SWAP
}

/* argv_form - the command line's process: the bundle's, with the command,
 * -e, --cwd, --user and -t of the caller */
static int argv_form(const struct volt_oci_exec_opts *o, struct volt_oci_config *c, struct volt_err *err)
{
	if (!o->args || !o->args[0])
		return volt_err_set(err, EINVAL, "exec needs a command (or --process)");
	volt_strv_free(c->args);
	c->args = volt_strv_dup(o->args);
	for (size_t i = 0; o->env && o->env[i]; i++)
		if (!strchr(o->env[i], '=') || volt_env_set(&c->env, o->env[i]) < 0)
			return volt_err_set(err, EINVAL, "--env %s: KEY=VALUE", o->env[i]);
	if (o->cwd) {
		if (o->cwd[0] != '/')
			return volt_err_set(err, EINVAL, "--cwd %s: an absolute path", o->cwd);
		free(c->cwd);
		c->cwd = strdup(o->cwd);
	}
	if (o->user) {
		char *end, *gend;
		unsigned long uid = strtoul(o->user, &end, 10), gid = uid;
		if (end == o->user || (*end && *end != ':') || uid > UINT32_MAX)
			return volt_err_set(err, EINVAL, "--user %s: UID[:GID] (numbers)", o->user);
		if (*end == ':') {
			gid = strtoul(end + 1, &gend, 10);
			if (gend == end + 1 || *gend || gid > UINT32_MAX)
				return volt_err_set(err, EINVAL, "--user %s: UID[:GID] (numbers)", o->user);
		}
		c->uid = (uint32_t)uid;
		c->gid = (uint32_t)gid;
		c->n_add_gids = 0;
	}
	c->terminal = o->tty;
	return 0;
}

/* process_main - the exec'd process's steps, after the join (never returns) */
static void process_main(const struct volt_oci_exec_opts *o, const struct volt_oci_child *ch, int console, int rep)
{
	const struct volt_oci_config *c = ch->cfg;
	struct volt_err e = {0};
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	setsid();
	if (c->terminal) {
		/* a pty of the container's own devpts (its /dev/ptmx) */
		char name[64];
		int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
		int sl = -1;
		if (m >= 0 && unlockpt(m) == 0 && ptsname_r(m, name, sizeof(name)) == 0)
			sl = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC); /* dup2'd to 0-2 below */
		if (sl < 0) {
			volt_err_sys(&e, "allocate a terminal in the container");
			goto fail;
		}
		if (c->console_rows && c->console_cols) {
			struct winsize ws = {.ws_row = c->console_rows, .ws_col = c->console_cols};
			ioctl(m, TIOCSWINSZ, &ws);
		}
		if (volt_oci_console_send(console, m, &e) < 0)
			goto fail;
		close(m);
		close(console);
		for (int i = 0; i < 3; i++) {
			dup2(sl, i);	      /* the terminal is the process's stdio: kept across exec */
			fcntl(i, F_SETFD, 0); /* also when sl itself is one of 0-2 */
		}
		if (sl > 2)
			close(sl);
		if (ioctl(0, TIOCSCTTY, 0) < 0) {
			volt_err_sys(&e, "set the controlling terminal");
			goto fail;
		}
	}
	if (chdir(c->cwd) < 0) {
		volt_err_sys(&e, "chdir to %s", c->cwd);
		goto fail;
	}
	if (volt_oci_find_exec(c->args[0], c->env, &e) < 0 || volt_oci_process_apply(ch, &e) < 0)
		goto fail;
	volt_close_range(3 + o->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
	environ = c->env;
	execvp(c->args[0], c->args);
	volt_err_set(&e, errno, "exec \"%s\"", c->args[0]);
	e.exit_code = errno == ENOENT ? VOLT_EXIT_NOT_FOUND : VOLT_EXIT_CANNOT_EXEC;
fail:
	if (!e.exit_code)
		e.exit_code = VOLT_EXIT_INTERNAL;
	if (write(rep, &e, sizeof(e)) < 0) {
	}
	_exit(e.exit_code);
}

/* joiner_main - the first child: join, fork the process, pass its pid up,
 * wait for it unless detached (never returns) */
static void joiner_main(const struct volt_oci_exec_opts *o, const struct volt_oci_child *ch, pid_t target, int console,
			int pidw, int rep)
{
	struct volt_err e = {0};
	int status;
	if (volt_container_join(target,
				CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWPID |
					CLONE_NEWCGROUP | CLONE_NEWNS,
				&e) < 0) {
		e.exit_code = VOLT_EXIT_INTERNAL;
		if (write(rep, &e, sizeof(e)) < 0) {
		}
		_exit(VOLT_EXIT_INTERNAL);
	}
	pid_t p = fork();
	if (p == 0) {
		close(pidw);
		process_main(o, ch, console, rep);
	}
	if (write(pidw, &p, sizeof(p)) < 0 || p < 0)
		_exit(VOLT_EXIT_INTERNAL);
	close(rep);
	if (o->detach)
		_exit(0);
	while (waitpid(p, &status, 0) < 0 && errno == EINTR)
		;
	/* a signal's death is said as 128+N: the process's, not ours */
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

int volt_oci_exec(const struct volt_oci_exec_opts *o, int *status, struct volt_err *err)
{
	struct volt_oci_state s;
	struct volt_oci_config c = {0};
	struct volt_oci_child ch = {.fifo_fd = -1, .join_fds = {-1, -1, -1, -1, -1}};
	cleanup_close int console = -1;
	int rep[2] = {-1, -1}, pidp[2] = {-1, -1};
	int r = -1, st;

	*status = 0;
	if (volt_oci_state_read(o->root, o->id, &s, err) < 0)
		return -1;
	enum volt_oci_status cur = volt_oci_status_of(o->root, &s);
	/* runc's rule: a created container (its process waiting for `start`
	 * in its namespaces and root) takes an exec as a running one does */
	if (cur != VOLT_OCI_RUNNING && cur != VOLT_OCI_CREATED) {
		volt_err_set(err, 0, "cannot exec in a container that is %s", volt_oci_status_name(cur));
		goto out;
	}
	if (volt_oci_vm_of(s.annotations_json)) {
		volt_err_set(err, 0, "exec: not supported in a microVM (run.oci.volt.vm) yet");
		goto out;
	}
	if (volt_oci_read_config(s.bundle, &c, err) < 0)
		goto out;
	if (o->process_file) {
		struct volt_oci_config pc;
		cleanup_free char *text = NULL;
		size_t len;
		if (volt_read_file(o->process_file, 4 << 20, &text, &len, err) < 0 ||
		    volt_oci_process_parse(&pc, text, len, err) < 0)
			goto out;
		take_process(&c, &pc);
		volt_oci_config_free(&pc);
	} else if (argv_form(o, &c, err) < 0) {
		goto out;
	}
	if (c.terminal && !o->console_socket) {
		volt_err_set(err, EINVAL, "a terminal needs --console-socket");
		goto out;
	}
	if (c.terminal && (console = volt_oci_console_connect(o->console_socket, err)) < 0)
		goto out;
	if (c.seccomp_json && volt_oci_seccomp_compile(&c, &ch.bpf, &ch.bpf_len, err) < 0)
		goto out;
	if (volt_oci_landlock_prepare(&c, true, &ch, err) < 0)
		goto out;
	ch.cfg = &c;
	if (pipe2(rep, O_CLOEXEC) < 0 || pipe2(pidp, O_CLOEXEC) < 0) {
		volt_err_sys(err, "pipe");
		goto out;
	}
	fflush(NULL);
	pid_t a = fork();
	if (a < 0) {
		volt_err_sys(err, "fork");
		goto out;
	}
	if (a == 0) {
		close(rep[0]);
		close(pidp[0]);
		joiner_main(o, &ch, s.pid, console, pidp[1], rep[1]);
	}
	close(rep[1]);
	close(pidp[1]);
	rep[1] = pidp[1] = -1;
	pid_t p = -1;
	struct volt_err cerr;
	ssize_t n = read(pidp[0], &p, sizeof(p));
	ssize_t m = read(rep[0], &cerr, sizeof(cerr)); /* EOF: exec'd */
	if (m == (ssize_t)sizeof(cerr)) {
		*err = cerr;
		while (waitpid(a, &st, 0) < 0 && errno == EINTR)
			;
		goto out;
	}
	if (n != (ssize_t)sizeof(p) || p <= 0) {
		volt_err_set(err, 0, "exec: the process could not be started");
		while (waitpid(a, &st, 0) < 0 && errno == EINTR)
			;
		goto out;
	}
	if (o->pid_file) {
		char buf[32];
		int len = snprintf(buf, sizeof(buf), "%d", (int)p);
		if (volt_write_file_atomic(o->pid_file, buf, (size_t)len, 0644, err) < 0) {
			volt_err_prefix(err, "--pid-file");
			goto out;
		}
	}
	while (waitpid(a, &st, 0) < 0 && errno == EINTR)
		;
	*status = o->detach ? 0 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (rep[i] >= 0)
			close(rep[i]);
		if (pidp[i] >= 0)
			close(pidp[i]);
	}
	free(ch.bpf);
	if (ch.landlock)
		volt_ll_profile_free(&ch.ll);
	volt_oci_config_free(&c);
	volt_oci_state_free(&s);
	return r;
}
