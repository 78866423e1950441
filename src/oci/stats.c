/* `events` and `list` (see stats.h).
 *
 * Theory of operation: runc reads stats from the container's cgroup only.
 * A rootless volt-runtime container often has none (the caller has no
 * delegated cgroup: runtime.c's setup_cgroup), so then the figures are the
 * sum over the processes of its PID namespace (CPU time from
 * /proc/PID/stat, memory as their resident sets), which is what a cgroup
 * would count for them, less the kernel's own memory. The JSON keeps runc's
 * names (cpu.usage.total in ns, memory.usage.usage in bytes, pids.current)
 * so that a caller reading runc's events reads these. */
#include "oci/stats.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci/runtime.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* read_u64 - the first number of dir/name; "max" is UINT64_MAX; false if absent */
static bool read_u64(const char *dir, const char *name, uint64_t *v)
{
	char buf[64];
	cleanup_free char *p = volt_path("%s/%s", dir, name);
	FILE *f = p ? fopen(p, "re") : NULL;
	if (!f)
		return false;
	bool ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	if (!ok)
		return false;
	*v = !strncmp(buf, "max", 3) ? UINT64_MAX : strtoull(buf, NULL, 10);
	return true;
}

/* flat_keyed - "key value" lines of dir/name into an object */
static json_t *flat_keyed(const char *dir, const char *name)
{
	char key[128];
	unsigned long long v;
	cleanup_free char *p = volt_path("%s/%s", dir, name);
	FILE *f = p ? fopen(p, "re") : NULL;
	json_t *o = json_object();
	if (!f)
		return o;
	while (fscanf(f, "%127s %llu", key, &v) == 2)
		json_object_set_new(o, key, json_integer((json_int_t)v));
	fclose(f);
	return o;
}

static json_int_t key_of(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static json_t *cgroup_stats(const char *dir)
{
	uint64_t cur = 0, max = UINT64_MAX, peak = 0, pcur = 0, pmax = 0;
	json_t *cpu = flat_keyed(dir, "cpu.stat"), *mem = flat_keyed(dir, "memory.stat");
	read_u64(dir, "memory.current", &cur);
	read_u64(dir, "memory.max", &max);
	read_u64(dir, "memory.peak", &peak);
	read_u64(dir, "pids.current", &pcur);
	read_u64(dir, "pids.max", &pmax);
	json_t *d = json_pack(
		"{s:{s:{s:I,s:I,s:I},s:{s:I,s:I,s:I}},s:{s:I,s:{s:I,s:I,s:I,s:I},s:o},s:{s:I,s:I},s:{},s:{}}", "cpu",
		"usage", "total", key_of(cpu, "usage_usec") * 1000, "kernel", key_of(cpu, "system_usec") * 1000, "user",
		key_of(cpu, "user_usec") * 1000, "throttling", "periods", key_of(cpu, "nr_periods"),
		"throttled_periods", key_of(cpu, "nr_throttled"), "throttled_time",
		key_of(cpu, "throttled_usec") * 1000, "memory", "cache", key_of(mem, "file"), "usage", "limit",
		(json_int_t)(max == UINT64_MAX ? INT64_MAX : (json_int_t)max), "usage", (json_int_t)cur, "max",
		(json_int_t)peak, "failcnt", (json_int_t)0, "raw", json_incref(mem), "pids", "current",
		(json_int_t)pcur, "limit", (json_int_t)(pmax == UINT64_MAX ? 0 : pmax), "blkio", "hugetlb");
	json_decref(cpu);
	json_decref(mem);
	return d;
}

/* proc_stats - the sum over pids: utime+stime (ticks) and VmRSS */
static json_t *proc_stats(const pid_t *pids, size_t n)
{
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t ut = 0, st = 0, rss = 0;
	for (size_t i = 0; i < n; i++) {
		char path[64], buf[1024];
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pids[i]);
		FILE *f = fopen(path, "re");
		size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		if (f)
			fclose(f);
		buf[len] = 0;
		/* fields after the command's ")": state is 3, utime 14, stime 15 */
		char *p = strrchr(buf, ')');
		unsigned long long u = 0, s = 0;
		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &u, &s) == 2) {
			ut += u;
			st += s;
		}
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pids[i]);
		f = fopen(path, "re");
		while (f && fgets(buf, sizeof(buf), f)) {
			unsigned long long kb;
			if (sscanf(buf, "VmRSS: %llu kB", &kb) == 1)
				rss += kb * 1024;
		}
		if (f)
			fclose(f);
	}
	json_int_t tick = 1000000000 / (hz > 0 ? hz : 100);
	return json_pack("{s:{s:{s:I,s:I,s:I}},s:{s:{s:I}},s:{s:I},s:{},s:{}}", "cpu", "usage", "total",
			 (json_int_t)(ut + st) * tick, "kernel", (json_int_t)st * tick, "user", (json_int_t)ut * tick,
			 "memory", "usage", "usage", (json_int_t)rss, "pids", "current", (json_int_t)n, "blkio",
			 "hugetlb");
}

char *volt_oci_stats_event(const char *root, const char *id, bool *stopped, struct volt_err *err)
{
	struct volt_oci_state s;
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	*stopped = false;
	if (volt_oci_state_read(root, id, &s, err) < 0)
		return NULL;
	enum volt_oci_status status = volt_oci_status_of(root, &s);
	json_t *data = NULL;
	if (status == VOLT_OCI_STOPPED) {
		*stopped = true;
	} else if (s.cgroup) {
		data = cgroup_stats(s.cgroup);
	} else if (volt_oci_pids(root, id, &pids, &n, err) == 0) {
		data = proc_stats(pids, n);
	}
	volt_oci_state_free(&s);
	if (!data)
		return NULL;
	json_t *ev = json_pack("{s:s,s:s,s:o}", "type", "stats", "id", id, "data", data);
	char *text = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	if (!text)
		volt_err_set(err, ENOMEM, "events: the stats of %s", id);
	return text;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct volt_oci_entry *)a)->st.id, ((const struct volt_oci_entry *)b)->st.id);
}

int volt_oci_list(const char *root, struct volt_oci_entry **out, size_t *n, struct volt_err *err)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(root);
	if (!d)
		return errno == ENOENT ? 0 : volt_err_sys(err, "list %s", root);
	struct dirent *de;
	while ((de = readdir(d))) {
		struct volt_err e2 = {0};
		struct volt_oci_state st;
		if (!volt_oci_id_valid(de->d_name) || volt_oci_state_read(root, de->d_name, &st, &e2) < 0)
			continue; /* not a container's directory, or one half made */
		struct volt_oci_entry *g = realloc(*out, (*n + 1) * sizeof(**out));
		if (!g) {
			volt_oci_state_free(&st);
			closedir(d);
			volt_oci_list_free(*out, *n);
			*out = NULL;
			*n = 0;
			return volt_err_set(err, ENOMEM, "list");
		}
		*out = g;
		g[*n].st = st;
		g[*n].status = volt_oci_status_of(root, &st);
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), by_id);
	return 0;
}

void volt_oci_list_free(struct volt_oci_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		volt_oci_state_free(&e[i].st);
	free(e);
}
