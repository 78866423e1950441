/* volt-runtime's verbs (see runtime.h).
 *
 * Theory of operation (runc's model, so that conmon, containerd-shim and
 * Slurm can drive volt as they drive runc): `create` clones the container's
 * process with spawn.c (the bundle's own steps through struct
 * volt_spawn_hooks, src/oci/child.c), which sets everything up and then
 * blocks on ROOT/ID/exec.fifo; `create` records the pid and exits, and the
 * process is re-parented to the caller's subreaper (conmon, the shim), which
 * reaps it and so learns its exit status. No volt process stays behind: a
 * monitor between the caller and the container would be what the caller
 * reaps. `start` opens the fifo, which releases the process; a container
 * whose pid is gone (or a zombie) is "stopped". */
#include "oci/runtime.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "container/spawn.h"
#include "oci/cgroup.h"
#include "oci/child.h"
#include "oci/config.h"
#include "oci/hooks.h"
#include "oci/namespaces.h"
#include "oci/state.h"
#include "oci/vm.h"
#include "security/security.h"
#include "security/seccomp.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/syscalls.h"

char *volt_oci_default_root(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (geteuid() == 0 && !xdg)
		return strdup("/run/volt-runtime");
	if (xdg && xdg[0] == '/')
		return volt_path("%s/volt-runtime", xdg);
	return volt_path("/tmp/volt-runtime-%u", (unsigned)geteuid());
}

/* read_config - BUNDLE/config.json */
int volt_oci_read_config(const char *bundle, struct volt_oci_config *c, struct volt_err *err)
{
	cleanup_free char *path = volt_path("%s/config.json", bundle), *text = NULL;
	size_t len;
	if (volt_read_file(path, 16 << 20, &text, &len, err) < 0)
		return volt_err_prefix(err, "bundle %s", bundle);
	return volt_oci_config_parse(c, text, len, err);
}

/* compile_seccomp - linux.seccomp into a BPF program (volt's compiler, so
 * volt's always-blocked calls stay blocked unless the profile names them) */
int volt_oci_seccomp_compile(const struct volt_oci_config *c, struct sock_filter **prog, size_t *n,
			     struct volt_err *err)
{
	struct volt_scmp_profile p;
	cleanup_close int fd = memfd_create("volt-oci-seccomp", MFD_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return volt_err_sys(err, "memfd_create");
	if (volt_scmp_profile_parse(&p, "config.json: linux.seccomp", c->seccomp_json, strlen(c->seccomp_json), err) <
	    0)
		return -1;
	int r = volt_seccomp_compile(&p, c->cap_effective, VOLT_SECCOMP_ENFORCE, fd, err);
	volt_scmp_profile_free(&p);
	if (r < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter))
		return volt_err_set(err, EINVAL, "linux.seccomp: the compiled program is empty");
	*prog = malloc((size_t)st.st_size);
	if (!*prog || pread(fd, *prog, (size_t)st.st_size, 0) != st.st_size)
		return volt_err_sys(err, "read the seccomp program");
	*n = (size_t)st.st_size / sizeof(struct sock_filter);
	return 0;
}

/* build_idmap - linux.uidMappings/gidMappings as volt's mapping: the caller
 * alone (one id each, the caller's own) is written directly, anything else
 * goes through newuidmap/newgidmap (the caller's /etc/subuid range) */
static int build_idmap(const struct volt_oci_config *c, struct volt_idmap *m, struct volt_err *err)
{
	memset(m, 0, sizeof(*m));
	m->uid = geteuid();
	m->gid = getegid();
	if (c->n_uids == 0)
		return volt_err_set(err, EINVAL, "config.json: linux.uidMappings: a new user namespace needs mappings");
	if (geteuid() == 0) {
		/* root here (rootless podman runs us in its user namespace):
		 * every range is written directly (volt_oci_map_ids) */
		m->full = true;
		memcpy(m->uids, c->uids, sizeof(m->uids));
		memcpy(m->gids, c->gids, sizeof(m->gids));
		m->n_uids = c->n_uids;
		m->n_gids = c->n_gids;
		return 0;
	}
	if (c->n_uids == 1 && c->n_gids == 1 && c->uids[0].count == 1 && c->gids[0].count == 1 &&
	    c->uids[0].outside == m->uid && c->gids[0].outside == m->gid) {
		m->uids[0] = c->uids[0];
		m->gids[0] = c->gids[0];
		m->n_uids = m->n_gids = 1;
		return 0;
	}
	m->full = true;
	memcpy(m->uids, c->uids, sizeof(m->uids));
	memcpy(m->gids, c->gids, sizeof(m->gids));
	m->n_uids = c->n_uids;
	m->n_gids = c->n_gids;
	return 0;
}

int volt_oci_landlock_prepare(const struct volt_oci_config *c, bool exec, struct volt_oci_child *ch,
			      struct volt_err *err)
{
	json_t *ann = json_loads(c->annotations_json ? c->annotations_json : "{}", 0, NULL);
	const char *v = json_string_value(json_object_get(ann, "run.oci.volt.landlock"));
	cleanup_free char *name = v ? strdup(v) : NULL;
	json_decref(ann);
	if (!name || !strcmp(name, "none"))
		return 0;
	/* a name is looked up where `volt run --landlock` looks (shipped
	 * profiles; a path as it is) */
	cleanup_free char *path = volt_profile_find(NULL, "landlock", name, err);
	cleanup_free char *text = NULL;
	size_t len;
	if (!path || volt_read_file(path, 1 << 20, &text, &len, err) < 0 ||
	    volt_ll_profile_parse(&ch->ll, path, text, len, err) < 0)
		return volt_err_prefix(err, "annotation run.oci.volt.landlock");
	volt_landlock_plan(&ch->ll, volt_landlock_abi(), exec, &ch->plan);
	ch->landlock = true;
	return 0;
}

int volt_oci_console_connect(const char *path, struct volt_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return volt_err_set(err, ENAMETOOLONG, "--console-socket %s", path);
	strcpy(sa.sun_path, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		volt_err_sys(err, "connect to --console-socket %s", path);
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

int volt_oci_console_send(int sock, int master, struct volt_err *err)
{
	/* the pty's name as the message: what runc sends and conmon reads */
	char name[64] = "/dev/ptmx";
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct iovec iov = {.iov_base = name, .iov_len = strlen(name)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return volt_err_sys(err, "send the terminal to --console-socket");
	return 0;
}

static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

/* setup_cgroup - the container's own cgroup at cgroupsPath, pid moved in
 * and linux.resources written; where the caller has no delegated cgroup
 * there, none (as rootless runc and crun do), with a note */
static int setup_cgroup(const struct volt_oci_config *c, pid_t pid, char **dir_out, char ***notes, struct volt_err *err)
{
	char *why = NULL;
	char *dir = volt_oci_cgroup_dir(c->cgroups_path, &why);
	int r = dir ? volt_oci_cgroup_create(dir, pid, &why, err) : 1;
	if (r == 0 && c->resources_json && volt_oci_cgroup_apply(dir, c->resources_json, false, notes, err) < 0) {
		volt_oci_cgroup_remove(dir);
		r = -1;
	}
	if (r == 0) {
		*dir_out = dir;
		return 0;
	}
	free(dir);
	if (why) {
		volt_strv_push(notes, why);
		free(why);
	}
	return r < 0 ? -1 : 0;
}

/* write_pid_file - --pid-file: the container's pid as the caller sees it */
static int write_pid_file(const char *path, pid_t pid, struct volt_err *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (volt_write_file_atomic(path, buf, (size_t)n, 0644, err) < 0)
		return volt_err_prefix(err, "--pid-file");
	return 0;
}

/* vm_create - run.oci.volt.vm (vm.c): the monitor's process waits on the
 * fifo as a container's would, in the bundle's cgroup (QEMU is forked into
 * it at start) */
static int vm_create(struct volt_oci_create_opts *o, const struct volt_oci_config *c, const struct volt_oci_vm *vm,
		     const char *bundle, const char *rootfs, const char *dir, pid_t *pid, char **cgroup,
		     struct volt_err *err)
{
	char created[64];
	now_rfc3339(created, sizeof(created));
	struct volt_oci_state st = {.id = (char *)o->id,
				    .bundle = (char *)bundle,
				    .rootfs = (char *)rootfs,
				    .created = created,
				    .annotations_json = c->annotations_json,
				    .owner = geteuid()};
	if (volt_oci_vm_create(o, c, vm, rootfs, dir, pid, err) < 0)
		return -1;
	st.pid = *pid;
	if (!volt_oci_proc_alive(*pid, 0, &st.start))
		return volt_err_set(err, ESRCH, "the container's process exited during create");
	if (c->cgroups_path && setup_cgroup(c, *pid, &st.cgroup, &o->notes, err) < 0)
		return -1;
	*cgroup = st.cgroup;
	if (volt_oci_state_write(dir, &st, err) < 0 || (o->pid_file && write_pid_file(o->pid_file, *pid, err) < 0))
		return -1;
	return 0;
}

int volt_oci_create(struct volt_oci_create_opts *o, pid_t *pid, int *pty_fd, struct volt_err *err)
{
	struct volt_oci_config c;
	char bundle[4096], rootfs[4096], created[64];
	struct volt_spec spec = {0};
	struct volt_oci_child ch = {.fifo_fd = -1};
	struct volt_spawn_hooks hooks = {0};
	struct volt_spawn sp = {0};
	struct volt_oci_joins j;
	struct volt_oci_vm vm = {0};
	cleanup_free char *dir = NULL, *fifo = NULL, *cgroup = NULL;
	int r = -1;

	volt_oci_joins_init(&j);
	*pid = -1;
	*pty_fd = -1;
	if (!volt_oci_id_valid(o->id))
		return volt_err_set(err, EINVAL, "invalid container id \"%s\"", o->id);
	if (!realpath(o->bundle ? o->bundle : ".", bundle))
		return volt_err_sys(err, "bundle %s", o->bundle ? o->bundle : ".");
	if (volt_oci_read_config(bundle, &c, err) < 0)
		return -1;
	o->notes = volt_strv_dup(c.ignored);
	cleanup_free char *rp = c.root_path[0] == '/' ? strdup(c.root_path) : volt_path("%s/%s", bundle, c.root_path);
	if (!realpath(rp, rootfs)) {
		volt_err_sys(err, "root.path %s", rp);
		goto out;
	}
	if (volt_oci_vm_parse(c.annotations_json, &vm, err) < 0 ||
	    (vm.on && volt_oci_vm_refuse(&c, &o->notes, err) < 0))
		goto out;
	if (c.terminal && !o->console_socket && !o->keep_pty) {
		volt_err_set(err, EINVAL, "process.terminal is set: --console-socket is required");
		goto out;
	}
	if (volt_oci_namespaces(&c, &hooks.ns_flags, &j, err) < 0)
		goto out;
	memcpy(ch.join_fds, j.child, sizeof(ch.join_fds));
	if ((hooks.ns_flags & CLONE_NEWUSER) && build_idmap(&c, &spec.idmap, err) < 0)
		goto out;
	if (c.seccomp_json && volt_oci_seccomp_compile(&c, &ch.bpf, &ch.bpf_len, err) < 0)
		goto out;
	if (volt_oci_landlock_prepare(&c, false, &ch, err) < 0)
		goto out;
	if (volt_mkdir_p(o->root, 0700, err) < 0)
		goto out;
	dir = volt_path("%s/%s", o->root, o->id);
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			volt_err_set(err, EEXIST, "container with id %s already exists", o->id);
		else
			volt_err_sys(err, "create %s", dir);
		free(dir);
		dir = NULL;
		goto out;
	}
	if (vm.on) {
		r = vm_create(o, &c, &vm, bundle, rootfs, dir, pid, &cgroup, err);
		goto out;
	}
	fifo = volt_path("%s/exec.fifo", dir);
	if (mkfifo(fifo, 0600) < 0 || (ch.fifo_fd = open(fifo, O_PATH | O_CLOEXEC)) < 0) {
		volt_err_sys(err, "create %s", fifo);
		goto out;
	}

	/* the spawn spec: what spawn.c's own steps read */
	spec.id = (char *)o->id;
	spec.args = c.args;
	spec.env = c.env;
	spec.cwd = c.cwd;
	spec.hostname = c.hostname;
	spec.network = (hooks.ns_flags & CLONE_NEWNET) ? "none" : j.net >= 0 ? "joined" : "host";
	ch.cfg = &c;
	ch.rootfs = rootfs;
	ch.setgroups_denied = (hooks.ns_flags & CLONE_NEWUSER) && !spec.idmap.full;
	ch.idmap = &spec.idmap;
	ch.map_direct = geteuid() == 0;
	hooks.map = volt_oci_map_ids;
	hooks.rootfs = volt_oci_child_rootfs;
	hooks.before_exec = volt_oci_child_before_exec;
	hooks.keep_fds = o->preserve_fds;
	hooks.keep_fd = ch.fifo_fd; /* the child waits on it for start */
	hooks.keep_fd2 = -1;	    /* the child's rootfs step may set it (seccomp_listener.c) */
	ch.spawn_hooks = &hooks;
	hooks.arg = &ch;
	/* what hooks read during create; the pid is filled in as they run */
	now_rfc3339(created, sizeof(created));
	struct volt_oci_state hst = {.id = (char *)o->id,
				     .bundle = bundle,
				     .rootfs = rootfs,
				     .created = created,
				     .annotations_json = c.annotations_json,
				     .owner = geteuid()};
	ch.state = &hst;
	sp.spec = &spec;
	sp.ctr_dir = dir;
	sp.stdio[0] = 0;
	sp.stdio[1] = 1;
	sp.stdio[2] = 2;
	sp.want_pty = c.terminal;
	sp.winsize.ws_row = c.console_rows;
	sp.winsize.ws_col = c.console_cols;
	sp.netns_fd = j.net;
	sp.hooks = &hooks;
	if (volt_oci_join_parent(&j, err) < 0 || volt_container_spawn(&sp, err) < 0)
		goto out;
	if (sp.userns_fd >= 0)
		close(sp.userns_fd);
	*pid = sp.pid;

	struct volt_oci_state st = {.id = (char *)o->id,
				    .bundle = bundle,
				    .rootfs = rootfs,
				    .created = created,
				    .annotations_json = c.annotations_json,
				    .pid = sp.pid,
				    .owner = geteuid()};
	if (!volt_oci_proc_alive(sp.pid, 0, &st.start)) {
		volt_err_set(err, ESRCH, "the container's process exited during create");
		goto out;
	}
	if (c.cgroups_path && setup_cgroup(&c, sp.pid, &st.cgroup, &o->notes, err) < 0)
		goto out;
	cgroup = st.cgroup;
	st.hooks_json = c.hooks_json;
	if (c.hooks_json && !ch.runtime_hooks_done) {
		/* no new user namespace, so no .map step: prestart and
		 * createRuntime now (after createContainer, unlike runc) */
		cleanup_free char *sj = volt_oci_state_json(&st, VOLT_OCI_CREATING);
		if (!sj || volt_oci_hooks_run(c.hooks_json, "prestart", sj, 0, err) < 0 ||
		    volt_oci_hooks_run(c.hooks_json, "createRuntime", sj, 0, err) < 0) {
			if (!sj)
				volt_err_set(err, ENOMEM, "hooks");
			goto out;
		}
	}
	if (sp.pty_fd >= 0 && o->console_socket) {
		int cs = volt_oci_console_connect(o->console_socket, err);
		int sr = cs < 0 ? -1 : volt_oci_console_send(cs, sp.pty_fd, err);
		if (cs >= 0)
			close(cs);
		if (sr < 0)
			goto out;
	}
	if (volt_oci_state_write(dir, &st, err) < 0)
		goto out;
	if (o->pid_file && write_pid_file(o->pid_file, sp.pid, err) < 0)
		goto out;
	if (o->keep_pty)
		*pty_fd = volt_steal_fd(&sp.pty_fd);
	r = 0;
out:
	if (sp.pty_fd > 0)
		close(sp.pty_fd);
	if (ch.fifo_fd >= 0)
		close(ch.fifo_fd);
	free(ch.bpf);
	if (ch.landlock)
		volt_ll_profile_free(&ch.ll);
	volt_oci_joins_close(&j);
	if (r < 0 && *pid > 0) {
		kill(*pid, SIGKILL);
		*pid = -1;
	}
	if (r < 0 && cgroup)
		volt_oci_cgroup_remove(cgroup);
	if (r < 0 && dir) {
		struct volt_err ignored;
		if (vm.on) /* an appliance of its own, made before the failure */
			volt_oci_vm_cleanup(dir);
		volt_rm_rf(dir, &ignored);
	}
	volt_oci_config_free(&c);
	volt_oci_vm_free(&vm);
	return r;
}

/* load - the state of id and its status */
static int load(const char *root, const char *id, struct volt_oci_state *s, enum volt_oci_status *st,
		struct volt_err *err)
{
	if (volt_oci_state_read(root, id, s, err) < 0)
		return -1;
	*st = volt_oci_status_of(root, s);
	return 0;
}

/* warn - a hook failure that does not fail the verb (poststart, poststop) */
static void warn(char ***warnings, const struct volt_err *e)
{
	char m[VOLT_ERR_MSG_MAX + 64];
	volt_err_format(e, m, sizeof(m));
	volt_strv_push(warnings, m);
}

int volt_oci_start(const char *root, const char *id, char ***warnings, struct volt_err *err)
{
	struct volt_oci_state s;
	enum volt_oci_status st;
	char c;

	if (load(root, id, &s, &st, err) < 0)
		return -1;
	if (st != VOLT_OCI_CREATED) {
		volt_err_set(err, 0, "cannot start a container that is %s", volt_oci_status_name(st));
		volt_oci_state_free(&s);
		return -1;
	}
	cleanup_free char *fifo = volt_path("%s/%s/exec.fifo", root, id);
	cleanup_close int fd = -1;
	int r = -1;
	if (s.hooks_json) {
		/* startContainer: in the container, before its process runs
		 * (so before the fifo is opened: that releases it); a failure
		 * stops the container (runtime-spec) */
		cleanup_free char *sj = volt_oci_state_json(&s, VOLT_OCI_CREATED);
		if (volt_oci_hooks_run(s.hooks_json, "startContainer", sj ? sj : "{}", s.pid, err) < 0) {
			kill(s.pid, SIGKILL);
			goto out;
		}
	}
	/* non-blocking: a process that died before it opened the fifo would
	 * leave a blocking open waiting for ever */
	fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		volt_err_sys(err, "open %s", fifo);
		goto out;
	}
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int n = poll(&p, 1, 100);
		if (n > 0 && read(fd, &c, 1) == 1)
			break;
		if ((n > 0 && (p.revents & POLLHUP)) || !volt_oci_proc_alive(s.pid, s.start, NULL)) {
			volt_err_set(err, 0, "container %s exited before it started", id);
			goto out;
		}
	}
	unlink(fifo);
	r = 0;
	if (s.hooks_json) {
		struct volt_err e = {0};
		cleanup_free char *sj = volt_oci_state_json(&s, VOLT_OCI_RUNNING);
		if (volt_oci_hooks_run(s.hooks_json, "poststart", sj ? sj : "{}", 0, &e) < 0)
			warn(warnings, &e);
	}
out:
	volt_oci_state_free(&s);
	return r;
}

int volt_oci_kill(const char *root, const char *id, int sig, struct volt_err *err)
{
	struct volt_oci_state s;
	enum volt_oci_status st;
	if (load(root, id, &s, &st, err) < 0)
		return -1;
	int r = 0;
	if (st == VOLT_OCI_STOPPED)
		r = volt_err_set(err, 0, "container %s is not running", id);
	else if (kill(s.pid, sig) < 0)
		r = volt_err_sys(err, "kill container %s", id);
	volt_oci_state_free(&s);
	return r;
}

/* wait_gone - up to ~5 s for pid to exit (it is not our child: poll a pidfd,
 * readable once it has exited, zombie or not) */
static void wait_gone(pid_t pid, unsigned long long start)
{
	int fd = volt_pidfd_open(pid, 0);
	if (fd >= 0) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		poll(&p, 1, 5000);
		close(fd);
		return;
	}
	for (int i = 0; i < 500 && volt_oci_proc_alive(pid, start, NULL); i++)
		usleep(10000);
}

int volt_oci_delete(const char *root, const char *id, bool force, char ***warnings, struct volt_err *err)
{
	struct volt_oci_state s;
	enum volt_oci_status st;
	if (load(root, id, &s, &st, err) < 0)
		return force && err->errnum == ENOENT ? 0 : -1;
	if ((st == VOLT_OCI_RUNNING || st == VOLT_OCI_PAUSED) && !force) {
		volt_err_set(err, 0, "cannot delete container %s that is not stopped: %s", id,
			     volt_oci_status_name(st));
		volt_oci_state_free(&s);
		return -1;
	}
	if (st != VOLT_OCI_STOPPED) {
		/* a created container is killed without --force, as runc does;
		 * SIGKILL ends a frozen or stopped process too */
		kill(s.pid, SIGKILL);
		wait_gone(s.pid, s.start);
	}
	if (s.cgroup)
		volt_oci_cgroup_remove(s.cgroup);
	cleanup_free char *dir = volt_path("%s/%s", root, id);
	if (volt_oci_vm_of(s.annotations_json))
		volt_oci_vm_cleanup(dir);
	int r = volt_rm_rf(dir, err);
	if (r == 0 && s.hooks_json) {
		struct volt_err e = {0};
		cleanup_free char *sj = volt_oci_state_json(&s, VOLT_OCI_STOPPED);
		if (volt_oci_hooks_run(s.hooks_json, "poststop", sj ? sj : "{}", 0, &e) < 0)
			warn(warnings, &e);
	}
	volt_oci_state_free(&s);
	return r;
}

int volt_oci_pause(const char *root, const char *id, bool pause, struct volt_err *err)
{
	struct volt_oci_state s;
	enum volt_oci_status st;
	pid_t *pids = NULL;
	size_t n = 0;
	int r = -1;
	if (load(root, id, &s, &st, err) < 0)
		return -1;
	cleanup_free char *mark = volt_path("%s/%s/paused", root, id);
	if (st != (pause ? VOLT_OCI_RUNNING : VOLT_OCI_PAUSED)) {
		volt_err_set(err, 0, "container %s is %s, not %s", id, volt_oci_status_name(st),
			     pause ? "running" : "paused");
		goto out;
	}
	if (s.cgroup) {
		/* the freezer: every process of the cgroup, atomically */
		if (volt_oci_cgroup_freeze(s.cgroup, pause, err) < 0)
			goto out;
	} else {
		/* no cgroup of its own: SIGSTOP/SIGCONT to each process of its
		 * PID namespace (a process may see SIGCONT from the container) */
		if (volt_oci_pids(root, id, &pids, &n, err) < 0)
			goto out;
		for (size_t i = 0; i < n; i++)
			kill(pids[i], pause ? SIGSTOP : SIGCONT);
	}
	if (pause) {
		cleanup_close int fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			volt_err_sys(err, "create %s", mark);
			goto out;
		}
	} else {
		unlink(mark);
	}
	r = 0;
out:
	free(pids);
	volt_oci_state_free(&s);
	return r;
}

int volt_oci_update(const char *root, const char *id, const char *resources_json, struct volt_err *err)
{
	struct volt_oci_state s;
	enum volt_oci_status st;
	if (load(root, id, &s, &st, err) < 0)
		return -1;
	int r = -1;
	if (st == VOLT_OCI_STOPPED)
		volt_err_set(err, 0, "container %s is not running", id);
	else if (!s.cgroup)
		volt_err_set(err, ENOTSUP,
			     "container %s has no cgroup of its own (linux.cgroupsPath where the caller has a "
			     "delegated cgroup v2, docs/oci-runtime.md): its resources cannot be updated",
			     id);
	else
		r = volt_oci_cgroup_apply(s.cgroup, resources_json, true, NULL, err);
	volt_oci_state_free(&s);
	return r;
}

char *volt_oci_state_text(const char *root, const char *id, struct volt_err *err)
{
	struct volt_oci_state s;
	enum volt_oci_status st;
	if (load(root, id, &s, &st, err) < 0)
		return NULL;
	char *t = volt_oci_state_json(&s, st);
	volt_oci_state_free(&s);
	if (!t)
		volt_err_set(err, ENOMEM, "state of %s", id);
	return t;
}

/* vm_pids - pid and its children (/proc/PID/task/PID/children) */
static int vm_pids(pid_t pid, pid_t **pids, size_t *n, struct volt_err *err)
{
	char path[64];
	cleanup_free char *text = NULL;
	size_t len;
	struct volt_err ignored;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	volt_read_file(path, 1u << 16, &text, &len, &ignored);
	size_t max = 1 + (text ? len / 2 + 1 : 0);
	if (!(*pids = calloc(max, sizeof(pid_t))))
		return volt_err_set(err, ENOMEM, "ps");
	(*pids)[(*n)++] = pid;
	for (char *p = text, *end; p && *p && *n < max; p = end) {
		long c = strtol(p, &end, 10);
		if (end == p)
			break;
		if (c > 0)
			(*pids)[(*n)++] = (pid_t)c;
	}
	return 0;
}

int volt_oci_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct volt_err *err)
{
	struct volt_oci_state s;
	enum volt_oci_status st;
	struct stat want, got;
	char path[64];

	*pids = NULL;
	*n = 0;
	if (load(root, id, &s, &st, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)s.pid);
	int r = 0;
	if (st == VOLT_OCI_STOPPED || stat(path, &want) < 0) {
		volt_oci_state_free(&s);
		return 0; /* nothing runs: an empty list */
	}
	if (volt_oci_vm_of(s.annotations_json)) {
		/* a microVM's: its monitor and QEMU, the monitor's children */
		r = vm_pids(s.pid, pids, n, err);
		volt_oci_state_free(&s);
		return r;
	}
	/* the container's processes: those in its PID namespace (there are no
	 * cgroups of volt-runtime's own to read yet) */
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char *end;
		long p = strtol(e->d_name, &end, 10);
		if (*end || p <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", p);
		if (stat(path, &got) < 0 || got.st_ino != want.st_ino || got.st_dev != want.st_dev)
			continue;
		pid_t *np = realloc(*pids, (*n + 1) * sizeof(pid_t));
		if (!np) {
			r = volt_err_set(err, ENOMEM, "ps");
			break;
		}
		*pids = np;
		(*pids)[(*n)++] = (pid_t)p;
	}
	if (d)
		closedir(d);
	volt_oci_state_free(&s);
	return r;
}
