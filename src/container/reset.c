/* Removing a whole store, as `volt system reset` does, and container
 * directories that no record describes any more.
 *
 * A plain `rm -rf ~/.local/share/volt` fails: containers' upper layers,
 * image checkouts and volumes hold files owned by the user's subordinate ids.
 * Once it has half-run, the state database may be gone while a container's
 * directory is left, and with it the monitor that still runs the container.
 * So the reset does not trust the records alone: after removing every
 * container it knows, it kills every process of the user that is volt's and
 * names this store in its arguments (monitors, user namespace keepers, FUSE
 * servers), unmounts the FUSE views, and removes both directories from inside
 * a user namespace with the store's map, where every owner is someone. */
#include "container/reset.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cas/fuse.h"
#include "userns/userns_keeper.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* a root holding none of these (and something else) is not a store */
static const char *const store_entries[] = {"state.db", "cas",	 "containers", "volumes",
					    "cache",	"spare", "trash",      NULL};

/* top_or_home - "/", a top-level directory or $HOME (after realpath) */
static int top_or_home(const char *path)
{
	char real[PATH_MAX], home[PATH_MAX];
	const char *h = getenv("HOME");

	if (!realpath(path, real))
		return 0; /* gone: nothing to guard */
	if (!strcmp(real, "/") || !strchr(real + 1, '/'))
		return 1;
	return h && *h && realpath(h, home) && !strcmp(real, home);
}

int volt_store_check_paths(const char *root, const char *runroot, struct volt_err *err)
{
	if (top_or_home(root))
		return volt_err_set(err, EINVAL, "refusing to remove %s: a store is a directory of its own", root);
	if (top_or_home(runroot))
		return volt_err_set(err, EINVAL, "refusing to remove %s: a runtime directory is a directory of its own",
				    runroot);
	cleanup_dir DIR *d = opendir(root);
	struct dirent *e;
	bool other = false;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		for (size_t i = 0; store_entries[i]; i++)
			if (!strncmp(e->d_name, store_entries[i], strlen(store_entries[i])))
				return 0;
		other = true;
	}
	if (other)
		return volt_err_set(err, EINVAL, "refusing to remove %s: it does not look like a volt store", root);
	return 0;
}

/* below - arg is the absolute path dir or a path below it */
static int below(const char *arg, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return arg[0] == '/' && !strncmp(arg, dir, n) && (arg[n] == '\0' || arg[n] == '/');
}

int volt_store_cmdline_class(const char *cmdline, size_t len, const char *root, const char *runroot, const char *id)
{
	const char *end = cmdline + len, *base = strrchr(cmdline, '/');
	base = base ? base + 1 : cmdline;
	if (!len || cmdline[len - 1] != '\0' || strncmp(base, "volt", 4))
		return VOLT_PROC_OTHER;
	bool root_arg = false, run_arg = false, keeper = false, has_id = !id;
	for (const char *a = cmdline + strlen(cmdline) + 1; a < end; a += strlen(a) + 1) {
		root_arg |= below(a, root);
		run_arg |= below(a, runroot);
		keeper |= a == cmdline + strlen(cmdline) + 1 && !strcmp(a, VOLT_USERNS_KEEPER_CMD);
		has_id |= id && !strcmp(a, id);
	}
	/* a keeper names the runtime directory and the store that started it,
	 * but serves every store of that runtime directory: it is a cache */
	if ((root_arg || (keeper && run_arg)) && has_id)
		return VOLT_PROC_STORE;
	return run_arg && !keeper ? VOLT_PROC_SHARED : VOLT_PROC_OTHER;
}

void volt_store_umount_views(const char *runroot)
{
	cleanup_free char *base = volt_path("%s/fuse", runroot);
	cleanup_dir DIR *d = opendir(base);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		cleanup_free char *dir = volt_path("%s/%s", base, e->d_name);
		struct volt_err ignored;
		if (volt_cas_fuse_is_mounted(dir) != 0)
			volt_cas_fuse_umount(dir, &ignored);
	}
}

/* proc_state - the state letter of /proc/PID/stat, 0 when gone */
static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	char *s = strrchr(buf, ')');
	return (char)(s && s[1] == ' ' ? s[2] : 0);
}

/* proc_class - volt_store_cmdline_class of process pid */
static int proc_class(pid_t pid, const char *root, const char *runroot, const char *id)
{
	char path[64], buf[8192];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return VOLT_PROC_OTHER;
	buf[n] = '\0'; /* a cut line still ends in NUL */
	return volt_store_cmdline_class(buf, (size_t)n + (buf[n - 1] != '\0'), root, runroot, id);
}

/* for_each_proc - fn(pid, class) for every live process of this user but
 * this one; stops when fn returns nonzero, with that value */
static int for_each_proc(const char *root, const char *runroot, const char *id, int (*fn)(pid_t, int, void *),
			 void *arg)
{
	cleanup_dir DIR *d = opendir("/proc");
	struct dirent *e;
	struct stat st;
	uid_t uid = getuid();

	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid == getpid() || fstatat(dirfd(d), e->d_name, &st, 0) < 0 || st.st_uid != uid)
			continue;
		char s = proc_state(pid);
		if (!s || s == 'Z')
			continue;
		int r = fn(pid, proc_class(pid, root, runroot, id), arg);
		if (r)
			return r;
	}
	return 0;
}

static int find_shared(pid_t pid, int cls, void *arg)
{
	if (cls != VOLT_PROC_SHARED)
		return 0;
	*(pid_t *)arg = pid;
	return 1;
}

int volt_store_check_shared(const char *root, const char *runroot, struct volt_err *err)
{
	pid_t pid = 0;
	if (for_each_proc(root, runroot, NULL, find_shared, &pid))
		return volt_err_set(err, EBUSY,
				    "the runtime directory %s is in use by another store (process %d): stop its "
				    "containers first, or give each store a runtime directory of its own (--runroot)",
				    runroot, (int)pid);
	return 0;
}

struct kill_list {
	pid_t pids[256];
	int n;
};

static int kill_store(pid_t pid, int cls, void *arg)
{
	struct kill_list *k = arg;
	if (cls == VOLT_PROC_STORE && k->n < (int)(sizeof(k->pids) / sizeof(k->pids[0])) && kill(pid, SIGKILL) == 0)
		k->pids[k->n++] = pid;
	return 0;
}

/* kill_matching - SIGKILL the store's processes (of container id, unless
 * NULL); wait up to 2 s for them to be gone. The count. */
static int kill_matching(const char *root, const char *runroot, const char *id)
{
	struct kill_list k = {.n = 0};
	for_each_proc(root, runroot, id, kill_store, &k);
	/* gone, or a zombie (PID 1 of a container host may never reap) */
	for (int tries = 0; tries < 200; tries++) {
		int left = 0;
		for (int i = 0; i < k.n; i++) {
			char s = proc_state(k.pids[i]);
			left += s && s != 'Z' && s != 'X';
		}
		if (!left)
			break;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return k.n;
}

int volt_store_kill(const char *root, const char *runroot)
{
	return kill_matching(root, runroot, NULL);
}

struct store_job {
	const char *root, *runroot;
};

static int remove_in_userns(void *arg, struct volt_err *err)
{
	struct store_job *j = arg;
	if (volt_rm_rf(j->root, err) < 0)
		return -1;
	return volt_rm_rf(j->runroot, err);
}

int volt_store_remove(const struct volt_idmap *m, const char *root, const char *runroot, struct volt_err *err)
{
	struct store_job j = {root, runroot};
	return volt_userns_run(m, remove_in_userns, &j, err);
}

static int rm_dir_in_userns(void *arg, struct volt_err *err)
{
	return volt_rm_rf(arg, err);
}

int volt_ctr_remove_orphan(struct volt_ctx *ctx, const char *ref, char *id_out, size_t len, struct volt_err *err)
{
	size_t rl = strlen(ref);
	cleanup_free char *base = volt_path("%s/containers", ctx->root);
	cleanup_free char *found = NULL;
	cleanup_dir DIR *d = NULL;
	struct dirent *e;
	struct volt_idmap map;

	if (rl < 4 || rl > 64 || strspn(ref, "0123456789abcdef") != rl || !(d = opendir(base)))
		return 1;
	while ((e = readdir(d))) {
		if (strlen(e->d_name) != 64 || strncmp(e->d_name, ref, rl))
			continue;
		if (found)
			return volt_err_set(err, EINVAL, "%s: more than one container directory begins so", ref);
		found = strdup(e->d_name);
	}
	if (!found)
		return 1;
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct volt_ctr_row row;
	if (!db)
		return -1;
	int r = volt_db_ctr_find(db, found, &row, err);
	if (r < 0)
		return -1;
	if (r == 0) {
		volt_ctr_row_free(&row);
		return 1; /* it has a record: not an orphan */
	}
	if (volt_idmap_detect(&map, false, err) < 0)
		return -1;
	/* its monitor may still run the container (the record went first) */
	kill_matching(ctx->root, ctx->runroot, found);
	cleanup_free char *dir = volt_path("%s/%s", base, found);
	if (volt_userns_run(&map, rm_dir_in_userns, dir, err) < 0)
		return volt_err_prefix(err, "remove %s", found);
	cleanup_free char *run = volt_ctx_ctr_run(ctx, found);
	struct volt_err ignored;
	volt_rm_rf(run, &ignored);
	snprintf(id_out, len, "%s", found);
	return 0;
}
