/* volt update, pause, unpause, stats, top, and `ps --resources`. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "workload/lifecycle.h"
#include "supervise/cgroup.h"
#include "supervise/observe.h"
#include "supervise/supervisor.h"
#include "supervise/systemd.h"
#include "util/cleanup.h"
#include "util/procstat.h"
#include "util/fs.h"

/* load_ctr - cli_ctr_load for a caller that reports through err, or skips */
static int load_ctr(struct volt_ctx *ctx, const char *ref, struct volt_ctr_row *row, struct volt_err *err)
{
	int r = volt_ctr_load(ctx, ref, row, err);
	if (r > 0)
		volt_err_set(err, 0, "no such container: %s", ref);
	return r == 0 ? 0 : -1;
}

static void merge_limits(struct volt_limits *dst, const struct volt_limits *src)
{
	if (src->memory >= 0)
		dst->memory = src->memory;
	if (src->memory_swap >= 0)
		dst->memory_swap = src->memory_swap;
	if (src->cpu_quota >= 0)
		dst->cpu_quota = src->cpu_quota;
	if (src->cpu_weight >= 0)
		dst->cpu_weight = src->cpu_weight;
	if (!src->pids_default) {
		dst->pids = src->pids;
		dst->pids_default = false;
	}
	if (src->io_weight >= 0)
		dst->io_weight = src->io_weight;
}

/* update_one - record the new limits and apply them to a running container:
 * SetUnitProperties under systemd, its own cgroup under builtin. */
static int update_one(struct volt_ctx *ctx, const char *ref, const struct volt_sup_opts *o, bool restart_set,
		      struct volt_err *err)
{
	struct volt_ctr_row row;
	struct volt_sup_rec r;
	struct volt_db *db = volt_ctx_db(ctx, err);
	int ret = -1;
	if (!db || load_ctr(ctx, ref, &row, err) < 0)
		return -1;
	if (volt_sup_rec_load(db, row.id, &r, err) < 0)
		goto out_row;
	merge_limits(&r.limits, &o->limits);
	if (restart_set)
		r.restart = o->restart;
	bool ignore = o->ignore_limits_set ? o->ignore_limits : r.ignore_limits;
	bool running = row.state == VOLT_CTR_RUNNING || row.state == VOLT_CTR_PAUSED;
	if (running && r.active == VOLT_SUP_SYSTEMD && r.unit) {
		struct volt_sd *sd;
		if (volt_sd_connect(&sd, NULL, err) < 0)
			goto out;
		cleanup_free char *mcg = volt_sd_manager_cgroup(sd);
		cleanup_free char *mdir = volt_cg_dir(mcg);
		int x = volt_cg_check(mdir, &o->limits, ignore, "the systemd user manager", err);
		if (x == 0)
			x = volt_sd_set_limits(sd, r.unit, &o->limits, err);
		volt_sd_close(sd);
		if (x < 0)
			goto out;
	} else if (running) {
		cleanup_free char *cg = volt_cg_of(row.pid);
		cleanup_free char *dir = volt_cg_dir(cg);
		cleanup_free char *own = volt_path("/volt-%.12s", row.id);
		bool mine = cg && strlen(cg) >= strlen(own) && !strcmp(cg + strlen(cg) - strlen(own), own);
		if (volt_cg_check(mine ? dir : NULL, &o->limits, ignore,
				  "this container (builtin supervisor, no delegated cgroup of its own)", err) < 0)
			goto out;
		if (mine && volt_cg_apply(dir, &o->limits, err) < 0)
			goto out;
	}
	ret = volt_sup_rec_save(db, &r, err);
out:
	volt_sup_rec_free(&r);
out_row:
	volt_ctr_row_free(&row);
	return ret;
}

static const struct option update_opts[] = {CLI_SUPERVISE_OPTIONS, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_update_spec = {
	.usage = "Usage: volt update [OPTIONS] CONTAINER...\n\nChange the limits (and restart policy) of "
		 "containers; running ones at once.\n\n",
	.usage_more = cli_supervise_help,
	.longopts = update_opts,
};

int cmd_update(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_sup_opts o;
	struct volt_ctx *ctx;
	bool restart_set = false;
	int c, ret = 0;

	cli_supervise_init(&o);
	while ((c = cli_getopt(argc, argv, &cli_update_spec)) != -1) {
		if (c < CLI_OPT_SUPERVISE || cli_supervise_opt("update", c, optarg, &o) < 0)
			return c < CLI_OPT_SUPERVISE ? cli_usage_error("update", "invalid option") : 125;
		if (c == CLI_OPT_SUPERVISE)
			restart_set = true;
	}
	if (optind >= argc)
		return cli_usage_error("update", "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	for (int i = optind; i < argc; i++) {
		struct volt_err err = {0};
		if (update_one(ctx, argv[i], &o, restart_set, &err) < 0)
			ret = cli_fail(&err);
		else
			printf("%s\n", argv[i]);
	}
	return ret;
}

const struct volt_cmd_spec cli_pause_spec = {
	.usage =
		"Usage: volt pause CONTAINER...\n\nFreeze all processes of containers (a microVM: QEMU's vCPUs, over QMP).\n",
};
const struct volt_cmd_spec cli_unpause_spec = {
	.usage = "Usage: volt unpause CONTAINER...\n\nThaw all processes of containers.\n",
};

static int pause_cmd(struct volt_cli *cli, int argc, char **argv, bool pause)
{
	const char *cmd = pause ? "pause" : "unpause";
	struct volt_ctx *ctx;
	int ret = 0;
	if (argc < 2)
		return cli_usage_error(cmd, "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	for (int i = 1; i < argc; i++) {
		struct volt_err err = {0};
		struct volt_ctr_row row;
		int r = cli_ctr_load(ctx, argv[i], &row);
		if (r != 0) {
			ret = r;
			continue;
		}
		if (volt_workload_pause(ctx, &row, pause, &err) < 0)
			ret = cli_fail(&err);
		else
			printf("%s\n", argv[i]);
		volt_ctr_row_free(&row);
	}
	return ret;
}

int cmd_pause(struct volt_cli *cli, int argc, char **argv)
{
	return pause_cmd(cli, argc, argv, true);
}

int cmd_unpause(struct volt_cli *cli, int argc, char **argv)
{
	return pause_cmd(cli, argc, argv, false);
}

struct stats_list {
	struct volt_ctx *ctx;
	char **ids;
};

static int collect_running(const struct volt_ctr_row *c, void *arg)
{
	struct stats_list *l = arg;
	struct volt_ctr_row row = *c;
	volt_ctr_refresh(l->ctx, &row);
	if (row.state == VOLT_CTR_RUNNING || row.state == VOLT_CTR_PAUSED)
		cli_strv_add(&l->ids, c->id);
	return 0;
}

/* docker's stats columns (cli/listing.c prints them) */
static const struct cli_col stats_cols[] = {{"ID", "CONTAINER ID"},
					    {"Container", "CONTAINER"},
					    {"Name", "NAME"},
					    {"CPUPerc", "CPU %"},
					    {"MemUsage", "MEM USAGE / LIMIT"},
					    {"MemPerc", "MEM %"},
					    {"NetIO", "NET I/O"},
					    {"BlockIO", "BLOCK I/O"},
					    {"PIDs", "PIDS"},
					    {NULL, NULL}};
static const char stats_table[] =
	"table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

/* print_stats - one table (or --format rows) of refs; 0, or 125 after a
 * template failed */
static int print_stats(struct volt_ctx *ctx, char **refs, long sample_ms, const char *format)
{
	struct cli_listing out;
	if (cli_listing_open(&out, "stats", format, stats_table, stats_cols) < 0)
		return VOLT_EXIT_INTERNAL;
	for (char **p = refs; p && *p; p++) {
		struct volt_err err = {0};
		struct volt_ctr_row row;
		struct volt_stats st;
		char mem[24], lim[24], rx[24], tx[24], rd[24], wr[24], m2[64], n2[64], b2[64], cpu[16], mp[16],
			pids[16];
		if (load_ctr(ctx, *p, &row, &err) < 0)
			continue;
		if ((row.state != VOLT_CTR_RUNNING && row.state != VOLT_CTR_PAUSED) ||
		    volt_ctr_stats(ctx, &row, sample_ms, &st, &err) < 0) {
			volt_ctr_row_free(&row);
			continue;
		}
		volt_human_size(st.mem_bytes, mem, sizeof(mem));
		if (st.mem_limit > 0) {
			volt_human_size(st.mem_limit, lim, sizeof(lim));
			snprintf(mp, sizeof(mp), "%.2f%%", 100.0 * (double)st.mem_bytes / (double)st.mem_limit);
		} else {
			snprintf(lim, sizeof(lim), "-");
			snprintf(mp, sizeof(mp), "--");
		}
		volt_human_size(st.net_rx, rx, sizeof(rx));
		volt_human_size(st.net_tx, tx, sizeof(tx));
		volt_human_size(st.blk_read, rd, sizeof(rd));
		volt_human_size(st.blk_write, wr, sizeof(wr));
		snprintf(m2, sizeof(m2), "%s / %s", mem, lim);
		snprintf(n2, sizeof(n2), "%s / %s", rx, tx);
		snprintf(b2, sizeof(b2), "%s / %s", rd, wr);
		snprintf(cpu, sizeof(cpu), "%.2f%%", st.cpu_percent);
		snprintf(pids, sizeof(pids), "%d", st.pids);
		json_t *r = json_pack("{s:s%,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "ID", row.id, (size_t)12, "Container",
				      *p, "Name", row.name, "CPUPerc", cpu, "MemUsage", m2, "MemPerc", mp, "NetIO", n2,
				      "BlockIO", b2, "PIDs", pids);
		cli_listing_row(&out, r);
		json_decref(r);
		volt_stats_free(&st);
		volt_ctr_row_free(&row);
	}
	int ret = cli_listing_close(&out);
	fflush(stdout);
	return ret;
}

static const struct option stats_opts[] = {{"no-stream", no_argument, NULL, 'n'},
					   {"all", no_argument, NULL, 'a'},
					   {"format", required_argument, NULL, 'M'},
					   {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_stats_spec = {
	.usage = "Usage: volt stats [--no-stream] [--format FORMAT] [CONTAINER...]\n\nShow CPU, memory, process, "
		 "network and block I/O figures of running containers (all by default).\n\n"
		 "      --no-stream       print once\n"
		 "      --format FORMAT   json (an object per line), table TEMPLATE, or a Go template per\n"
		 "                        container: .ID .Container .Name .CPUPerc .MemUsage .MemPerc\n"
		 "                        .NetIO .BlockIO .PIDs\n",
	.opts = "a",
	.longopts = stats_opts,
};

int cmd_stats(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	struct volt_err err = {0};
	bool stream = true;
	const char *format = NULL;
	int c, ret = 0;
	while ((c = cli_getopt(argc, argv, &cli_stats_spec)) != -1) {
		switch (c) {
		case 'n': stream = false; break;
		case 'M': format = optarg; break;
		case 'a': break;
		default: return cli_usage_error("stats", "invalid option");
		}
	}
	if (!(ctx = cli_ctx(cli)))
		return 125;
	struct stats_list l = {ctx, NULL};
	if (optind < argc) {
		for (int i = optind; i < argc; i++)
			cli_strv_add(&l.ids, argv[i]);
	} else {
		struct volt_db *db = volt_ctx_db(ctx, &err);
		if (!db || volt_db_ctr_list(db, collect_running, &l, &err) < 0)
			return cli_fail(&err);
	}
	do { // NOLINT(bugprone-infinite-loop): --stream runs until ^C
		if (stream)
			printf("\033[H\033[2J");
		ret = print_stats(ctx, l.ids, stream ? 1000 : 500, format);
	} while (stream && !ret);
	volt_strv_free(l.ids);
	return ret;
}

/* cmd_ps_resources - `volt ps --resources`: the stats table, once. */
int cmd_ps_resources(struct volt_cli *cli);
int cmd_ps_resources(struct volt_cli *cli)
{
	char *av[] = {"stats", "--no-stream", NULL};
	optind = 1;
	return cmd_stats(cli, 2, av);
}

const struct volt_cmd_spec cli_top_spec = {
	.usage = "Usage: volt top CONTAINER [ps OPTIONS]\n\nList the processes of a running container; with ps "
		 "options (-ef, aux, -o pid,comm),\nthe host's ps output for the container's processes, as "
		 "docker's.\n",
	.opts = "+", /* what follows CONTAINER is ps's */
};

int cmd_top(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	struct volt_err err = {0};
	struct volt_ctr_row row;
	cleanup_free pid_t *pids = NULL;
	size_t n;
	long hz = sysconf(_SC_CLK_TCK);

	if (argc < 2)
		return cli_usage_error("top", "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	int lr = cli_ctr_load(ctx, argv[1], &row);
	if (lr != 0)
		return lr;
	if (row.state != VOLT_CTR_RUNNING && row.state != VOLT_CTR_PAUSED) {
		volt_err_set(&err, 0, "container %s is not running", row.name);
		volt_ctr_row_free(&row);
		return cli_fail(&err);
	}
	int r = volt_ctr_pids(row.pid, &pids, &n, &err);
	volt_ctr_row_free(&row);
	if (r < 0)
		return cli_fail(&err);
	if (argc > 2)
		return cli_top_ps(pids, n, argc - 2, argv + 2);
	printf("%-8s %-8s %-10s %s\n", "PID", "UID", "TIME", "COMMAND");
	for (size_t i = 0; i < n; i++) {
		char p[64], cmdline[512] = "", buf[1024];
		unsigned long long ut = 0, st = 0;
		unsigned uid = 0;
		snprintf(p, sizeof(p), "/proc/%d/cmdline", (int)pids[i]);
		FILE *f = fopen(p, "re");
		if (f) {
			size_t k = fread(cmdline, 1, sizeof(cmdline) - 1, f);
			fclose(f);
			cmdline[k] = '\0';
			for (size_t j = 0; j + 1 < k; j++)
				if (!cmdline[j])
					cmdline[j] = ' ';
		}
		struct volt_procstat ps;
		if (volt_procstat_read(pids[i], &ps) == 0) {
			ut = ps.utime;
			st = ps.stime;
		}
		snprintf(p, sizeof(p), "/proc/%d/status", (int)pids[i]);
		if ((f = fopen(p, "re"))) {
			while (fgets(buf, sizeof(buf), f))
				if (sscanf(buf, "Uid: %u", &uid) == 1)
					break;
			fclose(f);
		}
		unsigned long long secs = (ut + st) / (unsigned long long)hz;
		printf("%-8d %-8u %02llu:%02llu:%02llu %s\n", (int)pids[i], uid, secs / 3600, secs / 60 % 60, secs % 60,
		       cmdline);
	}
	return 0;
}

/* cli_info_supervisor - which supervisor a `volt run -d` would use now and
 * why, the manager's version, and whether lingering keeps user services
 * running after logout. */
json_t *cli_info_supervisor(struct volt_ctx *ctx)
{
	struct volt_sup_opts o = {0};
	struct volt_err err = {0};
	const char *kind_why = NULL;
	enum volt_sup_kind active = VOLT_SUP_BUILTIN;
	cleanup_free char *why = NULL, *ver = NULL;
	const char *where = NULL;
	struct volt_sd *sd;

	if (volt_sup_config(ctx, &o, &kind_why, &err) < 0 ||
	    volt_sup_resolve(o.kind, kind_why, &active, &why, &err) < 0) {
		char msg[VOLT_ERR_MSG_MAX + 32];
		volt_err_format(&err, msg, sizeof(msg));
		free(why);
		why = strdup(msg);
		active = VOLT_SUP_BUILTIN;
	}
	if (volt_sd_connect(&sd, &where, &err) == 0) {
		ver = volt_sd_version(sd);
		volt_sd_close(sd);
	}
	const char *user = getenv("USER");
	cleanup_free char *linger = volt_path("/var/lib/systemd/linger/%s", user ? user : "");
	bool lingering = user && access(linger, F_OK) == 0;
	return json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:b,s:b}", "active", volt_sup_kind_name(active), "requested",
			 volt_sup_kind_name(o.kind), "why", why ? why : "", "manager", where, "manager_version", ver,
			 "lingering", lingering, "ignore_limits", o.ignore_limits);
}

void cli_info_supervisor_print(json_t *o)
{
	const char *mgr = json_string_value(json_object_get(o, "manager"));
	printf("supervisor:\n  active: %s\n  why: %s\n", json_string_value(json_object_get(o, "active")),
	       json_string_value(json_object_get(o, "why")));
	if (mgr)
		printf("  systemd user manager: %s (systemd %s)\n", mgr,
		       json_string_value(json_object_get(o, "manager_version")) ?: "?");
	else
		printf("  systemd user manager: none reachable\n");
	printf("  ignore limits: %s\n", json_is_true(json_object_get(o, "ignore_limits")) ? "yes" : "no");
	if (!json_is_true(json_object_get(o, "lingering")))
		printf("  warning: lingering is off for this user: user services (and detached containers "
		       "under systemd) stop at logout; `loginctl enable-linger` keeps them\n");
}
