/* Observing and pausing containers (see observe.h). Figures come from the
 * container's cgroup where it has one of its own and from /proc otherwise, so
 * that `volt stats` says something on hosts without cgroup v2 controllers. */
#include "supervise/observe.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "supervise/cgroup.h"
#include "supervise/supervisor.h"
#include "supervise/systemd.h"
#include "util/cleanup.h"
#include "util/procstat.h"
#include "util/fs.h"

static ino_t pidns_of(pid_t pid)
{
	char p[64];
	struct stat sb;
	snprintf(p, sizeof(p), "/proc/%d/ns/pid", (int)pid);
	return stat(p, &sb) == 0 ? sb.st_ino : 0;
}

int volt_ctr_pids(pid_t pid1, pid_t **out, size_t *n, struct volt_err *err)
{
	ino_t ns = pidns_of(pid1);
	cleanup_dir DIR *d = opendir("/proc");
	struct dirent *e;
	size_t cap = 16;

	*n = 0;
	*out = NULL;
	if (!ns)
		return volt_err_set(err, ESRCH, "process %d is gone", (int)pid1);
	if (!d)
		return volt_err_sys(err, "open /proc");
	*out = malloc(cap * sizeof(pid_t));
	if (!*out)
		return volt_err_set(err, ENOMEM, "list processes");
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t p = (pid_t)atoi(e->d_name);
		if (pidns_of(p) != ns)
			continue;
		if (*n == cap) {
			pid_t *m = realloc(*out, (cap *= 2) * sizeof(pid_t));
			if (!m)
				return volt_err_set(err, ENOMEM, "list processes");
			*out = m;
		}
		(*out)[(*n)++] = p;
	}
	return 0;
}

/* proc_cpu_rss - utime+stime (clock ticks) and RSS pages of one process. */
static void proc_cpu_rss(pid_t p, long long *ticks, long long *rss)
{
	struct volt_procstat st;
	if (volt_procstat_read(p, &st) == 0) {
		*ticks += (long long)(st.utime + st.stime);
		*rss += st.rss;
	}
}

static void proc_io(pid_t p, long long *rd, long long *wr)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/io", (int)p);
	cleanup_fclose FILE *f = fopen(path, "re");
	long long v;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "read_bytes: %lld", &v) == 1)
			*rd += v;
		else if (sscanf(line, "write_bytes: %lld", &v) == 1)
			*wr += v;
	}
}

static void proc_net(pid_t p, long long *rx, long long *tx)
{
	char path[64], line[512], ifn[64];
	snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)p);
	cleanup_fclose FILE *f = fopen(path, "re");
	unsigned long long r, t;
	while (f && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');
		if (!c)
			continue;
		*c = ' ';
		if (sscanf(line, "%63s %llu %*u %*u %*u %*u %*u %*u %*u %llu", ifn, &r, &t) == 3 && strcmp(ifn, "lo")) {
			*rx += (long long)r;
			*tx += (long long)t;
		}
	}
}

static long long cpu_ticks(pid_t *pids, size_t n, long long *rss)
{
	long long t = 0, r = 0;
	for (size_t i = 0; i < n; i++)
		proc_cpu_rss(pids[i], &t, &r);
	if (rss)
		*rss = r;
	return t;
}

int volt_ctr_stats(struct volt_ctx *ctx, const struct volt_ctr_row *row, long sample_ms, struct volt_stats *st,
		   struct volt_err *err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n;
	long long rss = 0;
	long hz = sysconf(_SC_CLK_TCK);
	long page = sysconf(_SC_PAGESIZE);

	memset(st, 0, sizeof(*st));
	st->mem_limit = -1;
	if (volt_ctr_pids(row->pid, &pids, &n, err) < 0)
		return -1;
	long long t1 = cpu_ticks(pids, n, &rss);
	if (sample_ms > 0) {
		struct timespec ts = {sample_ms / 1000, (sample_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		long long t2 = cpu_ticks(pids, n, &rss);
		st->cpu_percent = (double)(t2 - t1) * 1000.0 / (double)hz / (double)sample_ms * 100.0;
		t1 = t2;
	}
	st->cpu_usec = t1 * 1000000LL / hz;
	st->mem_bytes = rss * page;
	st->pids = (int)n;
	for (size_t i = 0; i < n; i++)
		proc_io(pids[i], &st->blk_read, &st->blk_write);
	proc_net(row->pid, &st->net_rx, &st->net_tx);
	st->cgroup = volt_cg_of(row->pid);
	cleanup_free char *dir = volt_cg_dir(st->cgroup);
	if (dir && st->cgroup && strcmp(st->cgroup, "/")) {
		long long v = volt_cg_read_ll(dir, "memory.current");
		if (v >= 0)
			st->mem_bytes = v;
		v = volt_cg_read_ll(dir, "memory.max");
		if (v >= 0)
			st->mem_limit = v;
	}
	(void)ctx;
	return 0;
}

void volt_stats_free(struct volt_stats *st)
{
	free(st->cgroup);
	st->cgroup = NULL;
}

/* signal_tree - SIGSTOP/SIGCONT every process of the container, twice, so a
 * child forked between the listing and the signal is caught too. */
static int signal_tree(const struct volt_ctr_row *row, int sig, struct volt_err *err)
{
	for (int round = 0; round < 2; round++) {
		cleanup_free pid_t *pids = NULL;
		size_t n;
		if (volt_ctr_pids(row->pid, &pids, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (kill(pids[i], sig) < 0 && errno != ESRCH)
				return volt_err_sys(err, "signal %d of container %s", (int)pids[i], row->name);
	}
	return 0;
}

int volt_sup_pause(struct volt_ctx *ctx, struct volt_ctr_row *row, bool pause, struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct volt_sup_rec r;
	int ret = -1;

	if (!db)
		return -1;
	if (pause && row->state != VOLT_CTR_RUNNING)
		return volt_err_set(err, 0, "container %s is not running", row->name);
	if (!pause && row->state != VOLT_CTR_PAUSED)
		return volt_err_set(err, 0, "container %s is not paused", row->name);
	if (volt_sup_rec_load(db, row->id, &r, err) < 0)
		return -1;
	if (r.active == VOLT_SUP_SYSTEMD && r.unit) {
		struct volt_sd *sd;
		if (volt_sd_connect(&sd, NULL, err) == 0) {
			ret = volt_sd_freeze(sd, r.unit, pause, err);
			/* systemd 252 freezes only on a unified hierarchy; the unit's
			 * cgroup is delegated to us and v2 has cgroup.freeze, so freeze
			 * it directly (the shim freezes with its container) */
			cleanup_free char *ucg = NULL;
			if (ret < 0 && volt_sd_unit_info(sd, r.unit, NULL, &ucg, err) == 0) {
				cleanup_free char *udir = volt_cg_dir(ucg);
				ret = udir ? volt_cg_freeze(udir, pause, err) : -1;
			}
			volt_sd_close(sd);
		}
	} else {
		cleanup_free char *cg = volt_cg_of(row->pid);
		cleanup_free char *dir = volt_cg_dir(cg);
		cleanup_free char *own = volt_path("/volt-%.12s", row->id);
		size_t cl = cg ? strlen(cg) : 0, ol = strlen(own);
		if (dir && cg && cl >= ol && !strcmp(cg + cl - ol, own))
			ret = volt_cg_freeze(dir, pause, err);
		else
			ret = signal_tree(row, pause ? SIGSTOP : SIGCONT, err);
	}
	volt_sup_rec_free(&r);
	if (ret < 0)
		return -1;
	row->state = pause ? VOLT_CTR_PAUSED : VOLT_CTR_RUNNING;
	return volt_db_ctr_set_state(db, row->id, row->state, err);
}
