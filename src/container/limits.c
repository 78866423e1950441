/* --ulimit, --sysctl and --group-add (issue 17). Checked when the container
 * is created, so that a bad one fails `volt create` with one line rather
 * than every start; applied by the container's setup (spawn.c, enter.c).
 * The allowed sysctls are docker's: those the kernel keeps per namespace
 * (net.*, IPC's kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, UTS's
 * kernel.domainname), so a container cannot change the host. */
#include "container/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

static const struct {
	const char *name;
	int resource;
} ulimits[] = {
	{"core", RLIMIT_CORE},	       {"cpu", RLIMIT_CPU},
	{"data", RLIMIT_DATA},	       {"fsize", RLIMIT_FSIZE},
	{"locks", RLIMIT_LOCKS},       {"memlock", RLIMIT_MEMLOCK},
	{"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
	{"nofile", RLIMIT_NOFILE},     {"nproc", RLIMIT_NPROC},
	{"rss", RLIMIT_RSS},	       {"rtprio", RLIMIT_RTPRIO},
	{"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
	{"stack", RLIMIT_STACK},       {"as", RLIMIT_AS},
};

/* limit - a decimal count, or -1 for unlimited (docker's spelling) */
static bool limit(const char *s, rlim_t *out)
{
	char *end;
	if (!strcmp(s, "-1") || !strcmp(s, "unlimited")) {
		*out = RLIM_INFINITY;
		return true;
	}
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v >= (unsigned long long)RLIM_INFINITY)
		return false;
	*out = (rlim_t)v;
	return true;
}

int volt_ulimit_parse(const char *arg, struct volt_ulimit *out, struct volt_err *err)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : 0;
	out->name = NULL;
	for (size_t i = 0; eq && i < sizeof(ulimits) / sizeof(ulimits[0]); i++)
		if (strlen(ulimits[i].name) == n && !strncmp(arg, ulimits[i].name, n)) {
			out->name = ulimits[i].name;
			out->resource = ulimits[i].resource;
		}
	if (!eq)
		return volt_err_set(err, 0, "--ulimit %s: use NAME=SOFT[:HARD]", arg);
	if (!out->name)
		return volt_err_set(err, 0,
				    "--ulimit %s: no such limit (core, cpu, data, fsize, locks, memlock, msgqueue, "
				    "nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack)",
				    arg);
	cleanup_free char *v = strdup(eq + 1);
	char *colon = v ? strchr(v, ':') : NULL;
	if (!v)
		return volt_err_set(err, ENOMEM, "--ulimit");
	if (colon)
		*colon++ = '\0';
	if (!limit(v, &out->soft) || (colon && !limit(colon, &out->hard)))
		return volt_err_set(err, 0, "--ulimit %s: a limit is a number or -1 (unlimited)", arg);
	if (!colon)
		out->hard = out->soft;
	if (out->soft > out->hard)
		return volt_err_set(err, 0, "--ulimit %s: the soft limit is above the hard limit", arg);
	return 0;
}

static void limit_str(rlim_t v, char *buf, size_t len)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

int volt_ulimit_check(const struct volt_ulimit *u, struct volt_err *err)
{
	struct rlimit own;
	char want[32], have[32];
	if (getrlimit(u->resource, &own) < 0)
		return volt_err_sys(err, "getrlimit %s", u->name);
	if (u->hard <= own.rlim_max)
		return 0;
	limit_str(u->hard, want, sizeof(want));
	limit_str(own.rlim_max, have, sizeof(have));
	return volt_err_set(err, 0,
			    "--ulimit %s: hard limit %s is above your own (%s): a container can only lower "
			    "its user's limits",
			    u->name, want, have);
}

/* sysctl_allowed - docker's list (moby's oci/namespaces + runc's validator) */
static const char *sysctl_ns(const char *key)
{
	static const char *ipc[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
				    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
	for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
		if (!strcmp(key, ipc[i]))
			return "ipc";
	if (!strncmp(key, "fs.mqueue.", 10))
		return "ipc";
	if (!strncmp(key, "net.", 4))
		return "net";
	if (!strcmp(key, "kernel.domainname"))
		return "uts";
	return NULL;
}

int volt_sysctl_check(const char *kv, const char *network, struct volt_err *err)
{
	const char *eq = strchr(kv, '=');
	cleanup_free char *key = eq ? strndup(kv, (size_t)(eq - kv)) : NULL;
	if (!eq || eq == kv || strchr(key, '/') || strstr(key, ".."))
		return volt_err_set(err, 0, "--sysctl %s: use KEY=VALUE", kv);
	if (!strcmp(key, "kernel.hostname"))
		return volt_err_set(err, 0, "--sysctl %s: set the container's hostname with --hostname", kv);
	const char *ns = sysctl_ns(key);
	if (!ns)
		return volt_err_set(err, 0,
				    "--sysctl %s: not allowed: only sysctls of the container's own namespaces "
				    "(net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, kernel.domainname)",
				    kv);
	if (!strcmp(ns, "net") && network && (!strcmp(network, "host") || !strncmp(network, "container:", 10)))
		return volt_err_set(err, 0,
				    "--sysctl %s: net.* needs the container's own network namespace (not --network %s)",
				    kv, network);
	return 0;
}

int volt_limits_apply_ulimits(char **list, struct volt_err *err)
{
	for (size_t i = 0; list && list[i]; i++) {
		struct volt_ulimit u;
		if (volt_ulimit_parse(list[i], &u, err) < 0)
			return -1;
		struct rlimit rl = {u.soft, u.hard};
		if (setrlimit(u.resource, &rl) < 0)
			return volt_err_sys(err, "--ulimit %s", list[i]);
	}
	return 0;
}

int volt_limits_apply_sysctls(char **list, struct volt_err *err)
{
	for (size_t i = 0; list && list[i]; i++) {
		const char *eq = strchr(list[i], '=');
		if (!eq)
			continue;
		/* the UTS table has no owner in a user namespace: the call
		 * checks the namespace's own capability */
		if (!strncmp(list[i], "kernel.domainname=", 18)) {
			if (setdomainname(eq + 1, strlen(eq + 1)) < 0)
				return volt_err_sys(err, "--sysctl %s", list[i]);
			continue;
		}
		cleanup_free char *path = volt_path("/proc/sys/%.*s", (int)(eq - list[i]), list[i]);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || !volt_write_all(fd, eq + 1, strlen(eq + 1)))
			return volt_err_sys(err, "--sysctl %s", list[i]);
	}
	return 0;
}

/* group_gid - GROUP's gid in the group file's text, or -1 */
static long group_gid(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		if (!strncmp(l, name, n) && l[n] == ':') {
			const char *g = strchr(l + n + 1, ':');
			return g ? atol(g + 1) : -1;
		}
		l = nl ? nl + 1 : NULL;
	}
	return -1;
}

int volt_limits_group_add(char **groups, const char *group_text, struct volt_user *u, struct volt_err *err)
{
	for (size_t i = 0; groups && groups[i]; i++) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(groups[i], &end, 10);
		long gid = groups[i][0] >= '0' && groups[i][0] <= '9' && !*end && !errno && v <= 0xfffffffeUL ?
				   (long)v :
				   group_gid(group_text, groups[i]);
		if (gid < 0)
			return volt_err_set(err, 0, "--group-add %s: no such group in the container's /etc/group",
					    groups[i]);
		bool have = false; /* a group the user is in already is listed once */
		for (int j = 0; j < u->n_groups; j++)
			have |= u->groups[j] == (gid_t)gid;
		if (have)
			continue;
		if (u->n_groups >= VOLT_MAX_GROUPS)
			return volt_err_set(err, E2BIG, "--group-add: more than %d groups", VOLT_MAX_GROUPS);
		u->groups[u->n_groups++] = (gid_t)gid;
	}
	return 0;
}
