/* The last steps of the container child of volt-runtime, after spawn.c's
 * network, hostname, cwd and stdio steps (see child.h).
 *
 * Theory of operation: `create` must leave the container's process set up
 * and waiting, and `start` must release it (runc's model). The child checks
 * that its command exists (so that a typo fails `create` with 127, as with
 * runc), closes the report socket (the parent returns: the container is
 * "created"), and blocks opening the exec fifo for writing; `start` opens it
 * for reading and reads the byte written. Only then come the process's own
 * settings, in the order runc applies them: rlimits, the bounding set,
 * seccomp when no_new_privs is off (it needs CAP_SYS_ADMIN, which the user
 * switch drops), the user, the capability sets, no_new_privs, and seccomp
 * last when no_new_privs is on (then the filter need not allow the steps
 * before it). */
#include "oci/child.h"
#include "oci/hooks.h"
#include "oci/seccomp_listener.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/spec.h"
#include "security/caps.h"
#include "security/seccomp.h"
#include "util/cleanup.h"
#include "util/fs.h"

int volt_oci_find_exec(const char *argv0, char **env, struct volt_err *err)
{
	struct stat st;
	if (strchr(argv0, '/')) {
		if (stat(argv0, &st) == 0 && !S_ISDIR(st.st_mode))
			return 0;
	} else {
		const char *path = volt_env_get(env, "PATH");
		cleanup_free char *dirs = strdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
		char *save = NULL;
		for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			cleanup_free char *f = volt_path("%s/%s", d, argv0);
			if (stat(f, &st) == 0 && !S_ISDIR(st.st_mode))
				return 0;
		}
	}
	volt_err_set(err, ENOENT, "exec \"%s\": executable file not found in $PATH", argv0);
	err->exit_code = VOLT_EXIT_NOT_FOUND;
	return -1;
}

/* write_map - the ranges into /proc/PID/NAME */
static int write_map(pid_t pid, const char *name, const struct volt_idrange *r, int n, struct volt_err *err)
{
	char buf[256];
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", r[i].inside, r[i].outside,
					r[i].count);
	cleanup_free char *path = volt_path("/proc/%d/%s", (int)pid, name);
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return volt_err_sys(err, "write %s", path);
	return 0;
}

/* hook_state - the state JSON hooks read during create ("creating") */
static char *hook_state(const struct volt_oci_child *ch, pid_t pid)
{
	struct volt_oci_state s = *ch->state;
	s.pid = pid;
	return volt_oci_state_json(&s, VOLT_OCI_CREATING);
}

int volt_oci_map_ids(void *arg, pid_t pid, struct volt_err *err)
{
	struct volt_oci_child *ch = arg;
	if (!ch->map_direct) {
		if (volt_idmap_apply(ch->idmap, pid, err) < 0)
			return -1;
	} else if (write_map(pid, "uid_map", ch->idmap->uids, ch->idmap->n_uids, err) < 0 ||
		   write_map(pid, "gid_map", ch->idmap->gids, ch->idmap->n_gids, err) < 0) {
		return -1;
	}
	if (ch->cfg->hooks_json && ch->state) {
		cleanup_free char *sj = hook_state(ch, pid);
		if (!sj || volt_oci_hooks_run(ch->cfg->hooks_json, "prestart", sj, 0, err) < 0 ||
		    volt_oci_hooks_run(ch->cfg->hooks_json, "createRuntime", sj, 0, err) < 0)
			return sj ? -1 : volt_err_set(err, ENOMEM, "hooks");
		ch->runtime_hooks_done = true;
	}
	return 0;
}

int volt_oci_create_container_hooks(const struct volt_oci_child *ch, struct volt_err *err)
{
	char self[32];
	if (!ch->cfg->hooks_json || !ch->state)
		return 0;
	/* before pivot_root the host's /proc is still there: its "self" is
	 * this process's pid as the runtime sees it */
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);
	if (n <= 0)
		return volt_err_sys(err, "hooks.createContainer: read /proc/self");
	self[n] = 0;
	cleanup_free char *sj = hook_state(ch, (pid_t)atoi(self));
	if (!sj)
		return volt_err_set(err, ENOMEM, "hooks");
	return volt_oci_hooks_run(ch->cfg->hooks_json, "createContainer", sj, 0, err);
}

/* wait_for_start - block until `start` opens the exec fifo */
static int wait_for_start(int fifo_fd, struct volt_err *err)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fifo_fd);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return volt_err_sys(err, "open the exec fifo (is /proc mounted in the container?)");
	ssize_t n = write(fd, "0", 1);
	close(fd);
	close(fifo_fd);
	return n == 1 ? 0 : volt_err_sys(err, "write the exec fifo");
}

static int set_rlimits(const struct volt_oci_config *c, struct volt_err *err)
{
	for (size_t i = 0; i < c->n_rlimits; i++) {
		struct rlimit rl = {.rlim_cur = c->rlimits[i].soft, .rlim_max = c->rlimits[i].hard};
		if (setrlimit(c->rlimits[i].resource, &rl) < 0)
			return volt_err_sys(err, "process.rlimits[%zu]", i);
	}
	return 0;
}

static int switch_user(const struct volt_oci_child *ch, struct volt_err *err)
{
	const struct volt_oci_config *c = ch->cfg;
	/* keep the permitted set across setuid; the capability step sets it */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return volt_err_sys(err, "prctl(PR_SET_KEEPCAPS)");
	int r = -1;
	if (!ch->setgroups_denied) {
		gid_t *g = calloc(c->n_add_gids + 1, sizeof(gid_t));
		for (size_t i = 0; g && i < c->n_add_gids; i++)
			g[i] = c->add_gids[i];
		r = g ? setgroups(c->n_add_gids, g) : -1;
		free(g);
		/* EPERM: a user namespace joined by path whose setgroups is
		 * denied; that is an error only for groups beyond gid (below) */
		if (r < 0 && errno != EPERM)
			return volt_err_sys(err, "setgroups (process.user.additionalGids)");
	}
	for (size_t i = 0; r < 0 && i < c->n_add_gids; i++)
		if (c->add_gids[i] != c->gid)
			return volt_err_set(err, EPERM,
					    "process.user.additionalGids: %u is not mapped "
					    "(a single-id mapping cannot set groups)",
					    c->add_gids[i]);
	if (setresgid(c->gid, c->gid, c->gid) < 0)
		return volt_err_sys(err, "setgid %u (is it in linux.gidMappings?)", c->gid);
	if (setresuid(c->uid, c->uid, c->uid) < 0)
		return volt_err_sys(err, "setuid %u (is it in linux.uidMappings?)", c->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return volt_err_sys(err, "prctl(PR_SET_KEEPCAPS)");
	return 0;
}

/* set_caps - effective, permitted, inheritable, then ambient (which must be
 * in permitted and inheritable) */
static int set_caps(const struct volt_oci_config *c, struct volt_err *err)
{
	const struct {
		cap_flag_t flag;
		uint64_t set;
	} sets[] = {{CAP_EFFECTIVE, c->cap_effective},
		    {CAP_PERMITTED, c->cap_permitted},
		    {CAP_INHERITABLE, c->cap_inheritable}};
	cap_t caps = cap_init();
	int r = 0;
	if (!caps)
		return volt_err_sys(err, "cap_init");
	for (size_t s = 0; s < 3 && !r; s++)
		for (int v = 0; v <= CAP_LAST_CAP && v < 64 && !r; v++) {
			cap_value_t cv = v;
			if ((sets[s].set >> v) & 1 && cap_set_flag(caps, sets[s].flag, 1, &cv, CAP_SET) < 0)
				r = volt_err_sys(err, "cap_set_flag");
		}
	if (!r && cap_set_proc(caps) < 0)
		r = volt_err_sys(err, "set the capabilities of process.capabilities");
	cap_free(caps);
	/* the kernel raises an ambient capability only when it is permitted
	 * and inheritable; runc's template asks for ambient ones without
	 * inheritable, and runc goes on without them (it warns): so does volt */
	for (int v = 0; v <= CAP_LAST_CAP && v < 64 && !r; v++)
		if ((c->cap_ambient & c->cap_inheritable & c->cap_permitted) >> v & 1 &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
			r = volt_err_sys(err, "raise ambient capability %d", v);
	return r;
}

/* confine - the run.oci.volt.landlock profile, then the seccomp filter
 * (last: the filter need not allow landlock's calls) */
static int confine(const struct volt_oci_child *ch, struct volt_err *err)
{
	if (ch->landlock && volt_landlock_apply(&ch->ll, &ch->plan, err) < 0)
		return -1;
	if (ch->bpf && volt_oci_seccomp_load(ch, err) < 0)
		return -1;
	return 0;
}

int volt_oci_child_before_exec(void *arg, int sync, char ***env, struct volt_err *err)
{
	const struct volt_oci_child *ch = arg;
	const struct volt_oci_config *c = ch->cfg;

	/* 1. a command that is not there fails create, not start */
	if (volt_oci_find_exec(c->args[0], *env, err) < 0)
		return -1;
	if (c->has_oom_score_adj) {
		/* best effort: an unprivileged user may raise it, not lower it */
		char v[16];
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		snprintf(v, sizeof(v), "%d", c->oom_score_adj);
		if (fd >= 0) {
			if (write(fd, v, strlen(v)) < 0) {
			}
			close(fd);
		}
	}
	/* 2. set up: tell the parent (EOF on the report socket), wait for start */
	close(sync);
	if (wait_for_start(ch->fifo_fd, err) < 0)
		return -1;
	/* 3. the process's settings, in runc's order (see the top) */
	return volt_oci_process_apply(ch, err);
}

int volt_oci_process_apply(const struct volt_oci_child *ch, struct volt_err *err)
{
	const struct volt_oci_config *c = ch->cfg;
	if (c->has_umask)
		umask((mode_t)c->umask);
	if (set_rlimits(c, err) < 0 || volt_caps_drop_bounding(c->cap_bounding, err) < 0)
		return -1;
	/* Landlock and seccomp need no_new_privs or CAP_SYS_ADMIN: without
	 * the first, they go in while the second is still held */
	if (!c->no_new_privs && confine(ch, err) < 0)
		return -1;
	if (switch_user(ch, err) < 0 || set_caps(c, err) < 0)
		return -1;
	if (c->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return volt_err_sys(err, "prctl(PR_SET_NO_NEW_PRIVS)");
	if (c->no_new_privs && confine(ch, err) < 0)
		return -1;
	return 0;
}
