/* volt-runtime's cgroups (see cgroup.h). The mapping of linux.resources to
 * cgroup v2 files is runc's (libcontainer/cgroups/fs2), so a caller sees the
 * same values: memory.limit -> memory.max, reservation -> memory.low, swap
 * (memory+swap) -> memory.swap.max, cpu.shares -> cpu.weight, quota and
 * period -> cpu.max, cpus/mems -> cpuset.*, pids.limit -> pids.max,
 * hugepageLimits -> hugetlb.SIZE.max, unified as written. */
#include "oci/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"

/* v2_mount - the cgroup2 mount point (hybrid hosts: /sys/fs/cgroup/unified) */
static char *v2_mount(void)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char line[4096], *r = NULL;
	while (f && !r && fgets(line, sizeof(line), f)) {
		char dev[256], mnt[2048], type[64];
		if (sscanf(line, "%255s %2047s %63s", dev, mnt, type) == 3 && !strcmp(type, "cgroup2"))
			r = strdup(mnt);
	}
	if (f)
		fclose(f);
	return r;
}

/* own_cgroup - this process's cgroup v2 path ("0::/PATH") */
static char *own_cgroup(void)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096], *r = NULL;
	while (f && !r && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		r = strdup(line + 3);
	}
	if (f)
		fclose(f);
	return r;
}

char *volt_oci_cgroup_dir(const char *cgroups_path, char **why)
{
	*why = NULL;
	if (strchr(cgroups_path, ':')) {
		*why = volt_path("linux.cgroupsPath %s: systemd's slice:prefix:name form is not supported",
				 cgroups_path);
		return NULL;
	}
	if (strstr(cgroups_path, "..")) {
		*why = volt_path("linux.cgroupsPath %s: \"..\" is not allowed", cgroups_path);
		return NULL;
	}
	cleanup_free char *mnt = v2_mount();
	if (!mnt) {
		*why = strdup("linux.cgroupsPath: no cgroup v2 mount on this host");
		return NULL;
	}
	if (cgroups_path[0] == '/')
		return volt_path("%s%s", mnt, cgroups_path);
	cleanup_free char *own = own_cgroup();
	if (!own) {
		*why = strdup("linux.cgroupsPath: this process has no cgroup v2 path");
		return NULL;
	}
	/* beside the caller: its own cgroup holds processes, so (no internal
	 * processes) a child of it could not enable controllers */
	char *slash = strrchr(own, '/');
	if (slash)
		*slash = 0;
	return volt_path("%s%s/%s", mnt, own, cgroups_path);
}

static int write_str(const char *dir, const char *file, const char *val, struct volt_err *err)
{
	cleanup_free char *path = volt_path("%s/%s", dir, file);
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		return volt_err_sys(err, "write %s to %s", val, path);
	return 0;
}

/* enable - the controllers dir's parent has, in its subtree_control (those
 * a delegated parent may not give are skipped) */
static void enable(const char *dir)
{
	cleanup_free char *parent = strdup(dir), *ctl = NULL;
	char *slash = parent ? strrchr(parent, '/') : NULL;
	struct volt_err ignored;
	if (!slash)
		return;
	*slash = 0;
	cleanup_free char *path = volt_path("%s/cgroup.controllers", parent);
	if (volt_read_file(path, 4096, &ctl, NULL, &ignored) < 0)
		return;
	char *save = NULL;
	for (char *t = strtok_r(ctl, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		char v[80];
		snprintf(v, sizeof(v), "+%s", t);
		write_str(parent, "cgroup.subtree_control", v, &ignored);
	}
}

int volt_oci_cgroup_create(const char *dir, pid_t pid, char **why, struct volt_err *err)
{
	*why = NULL;
	/* mkdir -p, enabling controllers on the way down */
	cleanup_free char *p = strdup(dir);
	if (!p)
		return volt_err_set(err, ENOMEM, "cgroup");
	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = 0;
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			if (e == EACCES || e == EPERM || e == EROFS || e == ENOENT) {
				*why = volt_path(
					"linux.cgroupsPath: cannot create %s (%s): the caller has no delegated "
					"cgroup there",
					p, strerror(e));
				return 1;
			}
			return volt_err_sys(err, "create the cgroup %s", p);
		}
		if (!s)
			break;
		*s = '/';
	}
	enable(dir);
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (write_str(dir, "cgroup.procs", buf, err) < 0) {
		if (err->errnum == EACCES || err->errnum == EPERM) {
			*why = volt_path("linux.cgroupsPath: cannot move the container into %s: the caller has no "
					 "delegated cgroup there",
					 dir);
			rmdir(dir);
			return 1;
		}
		return -1;
	}
	return 0;
}

/* set - write val to dir/file; a file that is not there (its controller is
 * not enabled) is an error when strict, else a note */
static int set(const char *dir, const char *file, const char *val, bool strict, char ***notes, struct volt_err *err)
{
	cleanup_free char *path = volt_path("%s/%s", dir, file);
	if (access(path, F_OK) < 0) {
		char ctl[32];
		snprintf(ctl, sizeof(ctl), "%.*s", (int)strcspn(file, "."), file);
		if (strict)
			return volt_err_set(err, ENOTSUP, "%s: no %s controller in the cgroup %s", file, ctl, dir);
		cleanup_free char *n =
			volt_path("linux.resources: %s=%s not applied: no %s controller in %s", file, val, ctl, dir);
		volt_strv_push(notes, n);
		return 0;
	}
	return write_str(dir, file, val, err);
}

/* num - an integer member of o, if there */
static bool num(json_t *o, const char *key, int64_t *v)
{
	json_t *j = json_object_get(o, key);
	if (!json_is_integer(j))
		return false;
	*v = (int64_t)json_integer_value(j);
	return true;
}

static void max_or(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRId64, v);
}

static int apply(const char *dir, json_t *r, bool strict, char ***notes, struct volt_err *err)
{
	char v[128];
	int64_t a = 0, b = 0;
	json_t *mem = json_object_get(r, "memory"), *cpu = json_object_get(r, "cpu");
	json_t *pids = json_object_get(r, "pids"), *huge = json_object_get(r, "hugepageLimits");
	json_t *uni = json_object_get(r, "unified");

	if (json_is_object(mem)) {
		bool lim = num(mem, "limit", &a);
		if (lim && (max_or(v, sizeof(v), a), set(dir, "memory.max", v, strict, notes, err) < 0))
			return -1;
		if (num(mem, "reservation", &b) &&
		    (max_or(v, sizeof(v), b), set(dir, "memory.low", v, strict, notes, err) < 0))
			return -1;
		/* runc's swap is memory+swap; v2's swap.max is swap alone */
		if (num(mem, "swap", &b)) {
			if (b >= 0 && lim && a >= 0)
				b = b > a ? b - a : 0;
			max_or(v, sizeof(v), b);
			if (set(dir, "memory.swap.max", v, strict, notes, err) < 0)
				return -1;
		}
	}
	if (json_is_object(cpu)) {
		if (num(cpu, "shares", &a) && a > 0) {
			snprintf(v, sizeof(v), "%" PRId64, 1 + ((a - 2) * 9999) / 262142);
			if (set(dir, "cpu.weight", v, strict, notes, err) < 0)
				return -1;
		}
		bool q = num(cpu, "quota", &a), per = num(cpu, "period", &b);
		if (q || per) {
			if (!per)
				b = 100000;
			if (q && a > 0)
				snprintf(v, sizeof(v), "%" PRId64 " %" PRId64, a, b);
			else
				snprintf(v, sizeof(v), "max %" PRId64, b);
			if (set(dir, "cpu.max", v, strict, notes, err) < 0)
				return -1;
		}
		const char *s;
		if ((s = json_string_value(json_object_get(cpu, "cpus"))) && *s &&
		    set(dir, "cpuset.cpus", s, strict, notes, err) < 0)
			return -1;
		if ((s = json_string_value(json_object_get(cpu, "mems"))) && *s &&
		    set(dir, "cpuset.mems", s, strict, notes, err) < 0)
			return -1;
	}
	if (json_is_object(pids) && num(pids, "limit", &a)) {
		max_or(v, sizeof(v), a > 0 ? a : -1);
		if (set(dir, "pids.max", v, strict, notes, err) < 0)
			return -1;
	}
	size_t i;
	json_t *e;
	json_array_foreach(huge, i, e) {
		const char *size = json_string_value(json_object_get(e, "pageSize"));
		char file[64];
		if (!size || strlen(size) > 16 || strchr(size, '/') || !num(e, "limit", &a))
			return volt_err_set(err, EINVAL, "linux.resources.hugepageLimits[%zu]: pageSize and limit", i);
		snprintf(file, sizeof(file), "hugetlb.%s.max", size);
		max_or(v, sizeof(v), a);
		if (set(dir, file, v, strict, notes, err) < 0)
			return -1;
	}
	const char *k;
	json_t *val;
	json_object_foreach(uni, k, val) {
		if (!json_is_string(val) || strchr(k, '/') || !strcmp(k, "..") || !strchr(k, '.'))
			return volt_err_set(err, EINVAL, "linux.resources.unified: %s: a cgroup file and a string", k);
		if (set(dir, k, json_string_value(val), strict, notes, err) < 0)
			return -1;
	}
	for (const char *const *x = (const char *const[]){"blockIO", "network", "rdma", "devices", NULL}; *x; x++)
		if (json_object_get(r, *x)) {
			cleanup_free char *n = volt_path("linux.resources.%s is accepted and ignored", *x);
			volt_strv_push(notes, n);
		}
	return 0;
}

int volt_oci_cgroup_apply(const char *dir, const char *resources_json, bool strict, char ***notes, struct volt_err *err)
{
	json_error_t je;
	json_t *r = json_loads(resources_json, 0, &je);
	if (!json_is_object(r)) {
		json_decref(r);
		return volt_err_set(err, EINVAL, "resources: not a JSON object (%s)", je.text);
	}
	int ret = apply(dir, r, strict, notes, err);
	json_decref(r);
	return ret;
}

int volt_oci_cgroup_freeze(const char *dir, bool frozen, struct volt_err *err)
{
	if (write_str(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return -1;
	cleanup_free char *path = volt_path("%s/cgroup.events", dir);
	const char *want = frozen ? "frozen 1" : "frozen 0";
	for (int i = 0; i < 500; i++) {
		cleanup_free char *ev = NULL;
		struct volt_err ignored;
		if (volt_read_file(path, 4096, &ev, NULL, &ignored) == 0 && strstr(ev, want))
			return 0;
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	return volt_err_set(err, ETIMEDOUT, "%s: the cgroup is not %s after 5 s", dir, frozen ? "frozen" : "thawed");
}

void volt_oci_cgroup_remove(const char *dir)
{
	struct volt_err ignored;
	cleanup_free char *kill_file = volt_path("%s/cgroup.kill", dir);
	if (access(kill_file, F_OK) == 0)
		write_str(dir, "cgroup.kill", "1", &ignored);
	/* the killed processes leave the cgroup asynchronously */
	for (int i = 0; i < 200 && rmdir(dir) < 0 && errno == EBUSY; i++)
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
}
