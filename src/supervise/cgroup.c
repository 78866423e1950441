/* cgroup v2 helpers (see cgroup.h). The host layout is only read, never
 * changed: volt writes only inside a cgroup that was delegated to the user. */
#include "supervise/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

char *volt_cg_mount(void)
{
	/* the places systemd mounts it (unified, then hybrid) answer with one
	 * statfs each; /proc/self/mounts is read only when neither is it */
	static const char *const usual[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	for (size_t i = 0; i < ARRAY_SIZE(usual); i++) {
		struct statfs sf;
		if (statfs(usual[i], &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
			return strdup(usual[i]);
	}
	cleanup_fclose FILE *f = fopen("/proc/self/mounts", "re");
	char line[1024], dev[256], dir[512], type[64];
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %511s %63s", dev, dir, type) == 3 && !strcmp(type, "cgroup2"))
			return strdup(dir);
	return NULL;
}

char *volt_cg_of(pid_t pid)
{
	char p[64], line[1024];
	snprintf(p, sizeof(p), "/proc/%d/cgroup", (int)pid);
	cleanup_fclose FILE *f = fopen(p, "re");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		return strdup(line + 3);
	}
	return NULL;
}

char *volt_cg_dir(const char *path)
{
	cleanup_free char *m = volt_cg_mount();
	if (!m || !path)
		return NULL;
	return volt_path("%s%s", m, strcmp(path, "/") ? path : "");
}

/* has_word - whether the space-separated list holds w. */
static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = list; p && *p;) {
		p += strspn(p, " \n");
		if (!strncmp(p, w, n) && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
		p += strcspn(p, " \n");
	}
	return false;
}

int volt_cg_check(const char *dir, const struct volt_limits *l, bool ignore, const char *whose, struct volt_err *err)
{
	struct {
		const char *ctl, *opt;
		bool want, explicit;
	} need[] = {
		{"memory", "--memory/--memory-swap", l->memory >= 0 || l->memory_swap >= 0, true},
		{"cpu", "--cpus/--cpu-shares", l->cpu_quota >= 0 || l->cpu_weight >= 0, true},
		{"pids", "--pids-limit", l->pids >= 0, !l->pids_default},
		{"io", "--io-weight/--blkio-weight", l->io_weight >= 0, true},
	};
	cleanup_free char *ctls = NULL;
	cleanup_free char *p = dir ? volt_path("%s/cgroup.controllers", dir) : NULL;
	struct volt_err ignored;

	if (p)
		volt_read_file(p, 4096, &ctls, NULL, &ignored);
	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		if (!need[i].want || (ctls && has_word(ctls, need[i].ctl)))
			continue;
		if (!need[i].explicit)
			continue; /* the default pids limit: applied where it can be */
		if (ignore) {
			volt_warn("%s: cgroup v2 controller \"%s\" is not available to %s: limit not enforced "
				  "(--ignore-limits)",
				  need[i].opt, need[i].ctl, whose);
			continue;
		}
		return volt_err_set(err, EOPNOTSUPP,
				    "%s: cgroup v2 controller \"%s\" is not available to %s (%s offers: %s); "
				    "fix: a cgroup v2 (unified) host with the controller delegated to the user "
				    "(systemd: Delegate=yes for user@.service), or --ignore-limits to run without "
				    "the limit",
				    need[i].opt, need[i].ctl, whose, dir ? dir : "no cgroup v2 hierarchy",
				    ctls && ctls[strspn(ctls, " \n")] ? strtok(ctls, "\n") : "nothing");
	}
	return 0;
}

static int write_str(const char *dir, const char *file, const char *val, struct volt_err *err)
{
	cleanup_free char *p = volt_path("%s/%s", dir, file);
	cleanup_close int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		return volt_err_sys(err, "write \"%s\" to %s", val, p);
	return 0;
}

static int write_ll(const char *dir, const char *file, int64_t v, struct volt_err *err)
{
	char buf[32];
	if (v == INT64_MAX)
		snprintf(buf, sizeof(buf), "max");
	else
		snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return write_str(dir, file, buf, err);
}

int volt_cg_apply(const char *dir, const struct volt_limits *l, struct volt_err *err)
{
	char buf[64];
	cleanup_free char *ctls = NULL;
	cleanup_free char *cp = volt_path("%s/cgroup.controllers", dir);
	struct volt_err ignored;
	volt_read_file(cp, 4096, &ctls, NULL, &ignored);
	bool mem = ctls && has_word(ctls, "memory"), cpu = ctls && has_word(ctls, "cpu"),
	     pids = ctls && has_word(ctls, "pids"), io = ctls && has_word(ctls, "io");

	if (mem && l->memory >= 0 && write_ll(dir, "memory.max", l->memory, err) < 0)
		return -1;
	if (mem && l->memory_swap >= 0) {
		int64_t swap = l->memory_swap == INT64_MAX || l->memory < 0 ? INT64_MAX : l->memory_swap - l->memory;
		if (write_ll(dir, "memory.swap.max", swap < 0 ? 0 : swap, err) < 0)
			return -1;
	}
	if (cpu && l->cpu_quota >= 0) {
		snprintf(buf, sizeof(buf), "%lld 100000", (long long)(l->cpu_quota / 10));
		if (write_str(dir, "cpu.max", buf, err) < 0)
			return -1;
	}
	if (cpu && l->cpu_weight >= 0 && write_ll(dir, "cpu.weight", l->cpu_weight, err) < 0)
		return -1;
	if (pids && l->pids >= 0 && write_ll(dir, "pids.max", l->pids, err) < 0)
		return -1;
	if (io && l->io_weight >= 0) {
		snprintf(buf, sizeof(buf), "default %lld", (long long)l->io_weight);
		if (write_str(dir, "io.weight", buf, err) < 0)
			return -1;
	}
	return 0;
}

int volt_cg_freeze(const char *dir, bool freeze, struct volt_err *err)
{
	return write_str(dir, "cgroup.freeze", freeze ? "1" : "0", err);
}

long long volt_cg_read_ll(const char *dir, const char *file)
{
	cleanup_free char *p = volt_path("%s/%s", dir, file);
	cleanup_free char *t = NULL;
	struct volt_err ignored;
	if (volt_read_file(p, 4096, &t, NULL, &ignored) < 0)
		return -2;
	if (!strncmp(t, "max", 3))
		return -1;
	return atoll(t);
}
