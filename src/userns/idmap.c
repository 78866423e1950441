#include "userns/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userns/userns_keeper.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/trace.h"

int volt_idmap_parse_subid(const char *text, const char *name, uint32_t id, uint32_t *start, uint32_t *count)
{
	char idstr[16];
	const char *line = text;

	snprintf(idstr, sizeof(idstr), "%u", id);
	while (line && *line) {
		const char *nl = strchrnul(line, '\n');
		const char *c1 = memchr(line, ':', (size_t)(nl - line));
		if (c1 && line[0] != '#') {
			size_t klen = (size_t)(c1 - line);
			if ((name && strlen(name) == klen && !strncmp(line, name, klen)) ||
			    (strlen(idstr) == klen && !strncmp(line, idstr, klen))) {
				unsigned long s, c;
				char *end;
				s = strtoul(c1 + 1, &end, 10);
				if (*end == ':') {
					c = strtoul(end + 1, &end, 10);
					if ((end == nl || *end == '\r' || *end == ' ') && c > 0 && s <= UINT32_MAX &&
					    c <= UINT32_MAX) {
						*start = (uint32_t)s;
						*count = (uint32_t)c;
						return 0;
					}
				}
			}
		}
		line = *nl ? nl + 1 : NULL;
	}
	return 1;
}

static int lookup_range(const char *file, const char *name, uint32_t id, uint32_t *start, uint32_t *count)
{
	cleanup_free char *text = NULL;
	struct volt_err ignored;
	if (volt_read_file(file, 1 << 22, &text, NULL, &ignored) < 0)
		return 1;
	return volt_idmap_parse_subid(text, name, id, start, count);
}

static void add(struct volt_idrange *r, int *n, uint32_t in, uint32_t out, uint32_t cnt)
{
	if (cnt == 0 || *n >= VOLT_IDMAP_MAX)
		return;
	r[*n] = (struct volt_idrange){in, out, cnt};
	(*n)++;
}

/* keep-id in full mode: ids below the user's come from the range, the user's
 * own id is itself, the rest continue the range. */
static void build(struct volt_idrange *r, int *n, uint32_t self, bool keep_id, bool full, uint32_t sub, uint32_t cnt)
{
	*n = 0;
	if (!keep_id) {
		add(r, n, 0, self, 1);
		if (full)
			add(r, n, 1, sub, cnt);
		return;
	}
	if (!full) {
		add(r, n, self, self, 1);
		return;
	}
	uint32_t below = self < cnt ? self : cnt;
	add(r, n, 0, sub, below);
	add(r, n, self, self, 1);
	if (cnt > below)
		add(r, n, self + 1, sub + below, cnt - below);
}

/* volt_idmap_user_name - see idmap.h: the passwd file, then NSS */
int volt_idmap_user_name(uid_t uid, const char *passwd, char *buf, size_t len)
{
	char tmp[1024];
	struct passwd pwb, *pw = NULL;
	FILE *f = fopen(passwd, "re");

	if (f) {
		while (fgetpwent_r(f, &pwb, tmp, sizeof(tmp), &pw) == 0 && pw->pw_uid != uid)
			pw = NULL;
		fclose(f);
	}
	if (!pw && (getpwuid_r(uid, &pwb, tmp, sizeof(tmp), &pw) != 0 || !pw))
		return -1;
	if (strlen(pw->pw_name) >= len)
		return -1;
	snprintf(buf, len, "%s", pw->pw_name);
	return 0;
}

int volt_idmap_detect(struct volt_idmap *m, bool keep_id, struct volt_err *err)
{
	const char *force = getenv("VOLT_USERNS");
	uint32_t us = 0, uc = 0, gs = 0, gc = 0;
	char namebuf[256];
	const char *name = NULL;

	memset(m, 0, sizeof(*m));
	m->uid = getuid();
	m->gid = getgid();
	m->keep_id = keep_id;
	/* root and single mode need no name (nor the lookup's cost) */
	if (force && !strcmp(force, "single"))
		snprintf(m->why, sizeof(m->why), "VOLT_USERNS=single");
	else if (m->uid == 0)
		snprintf(m->why, sizeof(m->why), "running as root");
	else {
		if (volt_idmap_user_name(m->uid, "/etc/passwd", namebuf, sizeof(namebuf)) == 0)
			name = namebuf;
		if (lookup_range("/etc/subuid", name, m->uid, &us, &uc) != 0)
			snprintf(m->why, sizeof(m->why), "no /etc/subuid range for %.100s", name ? name : "this user");
		else if (lookup_range("/etc/subgid", name, m->uid, &gs, &gc) != 0)
			snprintf(m->why, sizeof(m->why), "no /etc/subgid range for %.100s", name ? name : "this user");
		else if (access("/usr/bin/newuidmap", X_OK) < 0 || access("/usr/bin/newgidmap", X_OK) < 0)
			snprintf(m->why, sizeof(m->why), "newuidmap/newgidmap not installed (package uidmap)");
		else
			m->full = true;
	}
	if (m->full) {
		if (uc > 65536)
			uc = 65536;
		if (gc > 65536)
			gc = 65536;
	}
	build(m->uids, &m->n_uids, m->uid, keep_id, m->full, us, uc);
	build(m->gids, &m->n_gids, m->gid, keep_id, m->full, gs, gc);
	(void)err;
	return 0;
}

long long volt_idmap_uid_to_host(const struct volt_idmap *m, uint32_t id)
{
	for (int i = 0; i < m->n_uids; i++)
		if (id >= m->uids[i].inside && id - m->uids[i].inside < m->uids[i].count)
			return (long long)m->uids[i].outside + (id - m->uids[i].inside);
	return -1;
}

int volt_idmap_parse_proc(const char *text, struct volt_idrange *r, int max)
{
	int n = 0;
	for (const char *p = text; *p;) {
		unsigned long long in, out, cnt;
		int used;
		p += strspn(p, " \t\n");
		if (!*p)
			break;
		if (n >= max || sscanf(p, "%llu %llu %llu%n", &in, &out, &cnt, &used) != 3 || in > UINT32_MAX ||
		    out > UINT32_MAX || cnt > UINT32_MAX)
			return -1;
		r[n++] = (struct volt_idrange){(uint32_t)in, (uint32_t)out, (uint32_t)cnt};
		p += used;
		if (*p && *p != '\n' && *p != ' ' && *p != '\t')
			return -1;
	}
	return n;
}

/* same_map - whether the /proc map file at path holds exactly the n ranges r */
static bool same_map(const char *path, const struct volt_idrange *r, int n)
{
	cleanup_free char *text = NULL;
	struct volt_idrange got[VOLT_IDMAP_MAX];
	struct volt_err ignored;

	if (volt_read_file(path, 4096, &text, NULL, &ignored) < 0 ||
	    volt_idmap_parse_proc(text, got, VOLT_IDMAP_MAX) != n)
		return false;
	for (int i = 0; i < n; i++)
		if (got[i].inside != r[i].inside || got[i].outside != r[i].outside || got[i].count != r[i].count)
			return false;
	return true;
}

bool volt_idmap_is_current(const struct volt_idmap *m)
{
	return m->n_uids > 0 && same_map("/proc/self/uid_map", m->uids, m->n_uids) &&
	       same_map("/proc/self/gid_map", m->gids, m->n_gids);
}

void volt_idmap_format(const struct volt_idrange *r, int n, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%u:%u:%u", i ? "," : "", r[i].inside, r[i].outside,
				      r[i].count);
}

static int write_proc(pid_t pid, const char *file, const char *data, struct volt_err *err)
{
	char path[64];
	cleanup_close int fd = -1;
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		return volt_err_sys(err, "write %s", path);
	return 0;
}

/* spawn_helper - start newuidmap/newgidmap for pid with ranges r; the pid of
 * the helper, or -1 with err. */
static pid_t spawn_helper(const char *prog, pid_t pid, const struct volt_idrange *r, int n, struct volt_err *err)
{
	char args[VOLT_IDMAP_MAX * 3 + 3][24];
	char *argv[VOLT_IDMAP_MAX * 3 + 4];
	int k = 0;
	pid_t h;

	snprintf(args[k], sizeof(args[k]), "%s", prog);
	argv[k] = args[k];
	k++;
	snprintf(args[k], sizeof(args[k]), "%d", (int)pid);
	argv[k] = args[k];
	k++;
	for (int i = 0; i < n; i++) {
		snprintf(args[k], sizeof(args[k]), "%u", r[i].inside);
		argv[k] = args[k];
		k++;
		snprintf(args[k], sizeof(args[k]), "%u", r[i].outside);
		argv[k] = args[k];
		k++;
		snprintf(args[k], sizeof(args[k]), "%u", r[i].count);
		argv[k] = args[k];
		k++;
	}
	argv[k] = NULL;
	h = vfork();
	if (h < 0)
		return volt_err_sys(err, "spawn %s", prog);
	if (h == 0) {
		execv(prog, argv);
		_exit(127);
	}
	return h;
}

static int reap_helper(const char *prog, pid_t h, pid_t pid, struct volt_err *err)
{
	int status;
	while (waitpid(h, &status, 0) < 0)
		if (errno != EINTR)
			return volt_err_sys(err, "wait for %s", prog);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return volt_err_set(err, 0, "%s %d failed (status %d): check /etc/subuid and /etc/subgid", prog,
				    (int)pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

int volt_idmap_apply_start(const struct volt_idmap *m, pid_t pid, pid_t helpers[2], struct volt_err *err)
{
	char buf[256];

	helpers[0] = helpers[1] = -1;
	if (m->full) {
		/* both setuid helpers run at once: each costs an exec */
		helpers[0] = spawn_helper("/usr/bin/newuidmap", pid, m->uids, m->n_uids, err);
		if (helpers[0] < 0)
			return -1;
		helpers[1] = spawn_helper("/usr/bin/newgidmap", pid, m->gids, m->n_gids, err);
		if (helpers[1] < 0) {
			struct volt_err ignored;
			reap_helper("/usr/bin/newuidmap", helpers[0], pid, &ignored);
			helpers[0] = -1;
			return -1;
		}
		return 0;
	}
	/* An unprivileged process may map only itself, and only after giving up
	 * setgroups(2) in the namespace. */
	snprintf(buf, sizeof(buf), "%u %u 1\n", m->uids[0].inside, m->uid);
	if (write_proc(pid, "uid_map", buf, err) < 0)
		return -1;
	if (write_proc(pid, "setgroups", "deny", err) < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%u %u 1\n", m->gids[0].inside, m->gid);
	return write_proc(pid, "gid_map", buf, err);
}

int volt_idmap_apply_finish(pid_t pid, pid_t helpers[2], struct volt_err *err)
{
	int ru = 0, rg = 0;
	if (helpers[0] > 0)
		ru = reap_helper("/usr/bin/newuidmap", helpers[0], pid, err);
	if (helpers[1] > 0) {
		struct volt_err ignored;
		rg = reap_helper("/usr/bin/newgidmap", helpers[1], pid, ru < 0 ? &ignored : err);
	}
	helpers[0] = helpers[1] = -1;
	return ru < 0 || rg < 0 ? -1 : 0;
}

int volt_idmap_apply(const struct volt_idmap *m, pid_t pid, struct volt_err *err)
{
	pid_t h[2];
	if (volt_idmap_apply_start(m, pid, h, err) < 0)
		return -1;
	return volt_idmap_apply_finish(pid, h, err);
}

static const char *keeper_dir;

void volt_userns_run_keeper_dir(const char *runroot)
{
	keeper_dir = runroot;
}

int volt_userns_kept(const struct volt_idmap *m)
{
	return keeper_dir ? volt_userns_keeper_find(keeper_dir, m, NULL) : -1;
}

/* child_result - reap the user namespace child pid; 0 when it succeeded,
 * else -1 with the error it wrote to fd (closed here), or how it died */
static int child_result(pid_t pid, int fd, struct volt_err *err)
{
	struct volt_err cerr;
	int status;
	ssize_t n = read(fd, &cerr, sizeof(cerr));

	close(fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (n == (ssize_t)sizeof(cerr))
		*err = cerr;
	else
		volt_err_set(err, 0, "user namespace helper died (status %d)", status);
	return -1;
}

/* run_in_kept - volt_userns_run in the keeper's namespace nsfd (closed) */
static int run_in_kept(int nsfd, volt_userns_fn fn, void *arg, struct volt_err *err)
{
	int p[2];
	struct volt_err cerr;

	if (pipe2(p, O_CLOEXEC) < 0) {
		close(nsfd);
		return volt_err_sys(err, "pipe");
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		memset(&cerr, 0, sizeof(cerr));
		if (setns(nsfd, CLONE_NEWUSER) < 0)
			volt_err_sys(&cerr, "join the kept user namespace");
		else if (fn(arg, &cerr) == 0)
			_exit(0);
		if (write(p[1], &cerr, sizeof(cerr)) < 0)
			_exit(2);
		_exit(1);
	}
	close(nsfd);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return volt_err_sys(err, "fork");
	}
	return child_result(pid, p[0], err);
}

int volt_userns_run(const struct volt_idmap *m, volt_userns_fn fn, void *arg, struct volt_err *err)
{
	int to_child[2], from_child[2];
	struct volt_err cerr;
	pid_t pid;
	char c = 0;

	/* a keeper's namespace saves newuidmap and newgidmap */
	int kept = volt_userns_keeper_find(keeper_dir, m, NULL);
	if (kept >= 0) {
		volt_trace("userns run: the keeper's namespace");
		return run_in_kept(kept, fn, arg, err);
	}
	if (pipe2(to_child, O_CLOEXEC) < 0)
		return volt_err_sys(err, "pipe");
	if (pipe2(from_child, O_CLOEXEC) < 0) {
		close(to_child[0]);
		close(to_child[1]);
		return volt_err_sys(err, "pipe");
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		volt_err_sys(err, "fork");
		goto close_all;
	}
	if (pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		memset(&cerr, 0, sizeof(cerr));
		if (unshare(CLONE_NEWUSER) < 0) {
			volt_err_sys(&cerr, "unshare(CLONE_NEWUSER)");
			c = 1;
		}
		if (write(from_child[1], &c, 1) != 1 || c)
			goto child_out;
		if (read(to_child[0], &c, 1) != 1 || c) {
			volt_err_set(&cerr, 0, "id mapping failed");
			goto child_out;
		}
		if (fn(arg, &cerr) == 0)
			_exit(0);
child_out:
		if (!cerr.msg[0])
			volt_err_set(&cerr, 0, "user namespace helper failed");
		if (write(from_child[1], &cerr, sizeof(cerr)) < 0)
			_exit(2);
		_exit(1);
	}
	close(to_child[0]);
	close(from_child[1]);
	if (read(from_child[0], &c, 1) != 1 || c) {
		volt_err_set(err, 0, "user namespace helper failed");
		c = 1;
	} else {
		c = (char)(volt_idmap_apply(m, pid, err) < 0);
		if (write(to_child[1], &c, 1) != 1)
			c = 1;
	}
	close(to_child[1]);
	int r = child_result(pid, from_child[0], c ? &cerr : err); /* c: err says why already */
	return c ? -1 : r;
close_all:
	close(to_child[0]);
	close(to_child[1]);
	close(from_child[0]);
	close(from_child[1]);
	return -1;
}

struct id_job {
	volt_userns_id_fn fn;
	void *arg;
	int fd;
};

static int run_and_report(void *arg, struct volt_err *err)
{
	struct id_job *j = arg;
	char id[65];
	if (j->fn(j->arg, id, err) < 0)
		return -1;
	if (write(j->fd, id, 64) != 64)
		return volt_err_sys(err, "report image id");
	return 0;
}

int volt_userns_run_id(const struct volt_idmap *m, volt_userns_id_fn fn, void *arg, char *id_out, struct volt_err *err)
{
	struct id_job j = {fn, arg, -1};
	int pfd[2], ret;
	ssize_t n;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return volt_err_sys(err, "pipe");
	j.fd = pfd[1];
	ret = volt_userns_run(m, run_and_report, &j, err);
	close(pfd[1]);
	n = read(pfd[0], id_out, 64);
	close(pfd[0]);
	if (ret < 0)
		return -1;
	if (n != 64)
		return volt_err_set(err, EIO, "no image id came back from the user namespace");
	id_out[64] = '\0';
	return 0;
}
