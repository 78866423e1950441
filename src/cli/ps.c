/* volt ps, inspect, logs. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/gotmpl.h"
#include "workload/lifecycle.h"
#include "container/log.h"
#include "container/spec.h"
#include "net/net.h"
#include "supervise/supervisor.h"
#include "util/cleanup.h"
#include "util/fs.h"

struct ps_opts {
	struct volt_ctx *ctx;
	bool all, quiet, no_trunc, size;
	struct cli_ps_filter filter;
	long last; /* -n/-l: the newest this many (any state); -1: no limit */
	long shown;
	struct cli_listing out;
};

static void status_text(struct volt_ctx *ctx, const struct volt_ctr_row *c, json_t *spec, char *buf, size_t len)
{
	char ago[64];
	static const char *const health[] = {"", " (health: starting)", " (healthy)", " (unhealthy)"};
	int h;
	switch (c->state) {
	case VOLT_CTR_RUNNING:
	case VOLT_CTR_PAUSED:
		volt_human_ago(c->started, ago, sizeof(ago));
		ago[strlen(ago) - 4] = '\0';	     /* "5 seconds": no " ago" */
		h = cli_health_status(ctx, c, spec); /* docker: "Up 5 seconds (healthy)" */
		snprintf(buf, len, "Up %s%s%s", ago, c->state == VOLT_CTR_PAUSED ? " (Paused)" : "",
			 h > 0 && h < 4 ? health[h] : "");
		break;
	case VOLT_CTR_EXITED:
		volt_human_ago(c->finished, ago, sizeof(ago));
		snprintf(buf, len, "Exited (%d) %s", c->exit_code, ago);
		break;
	default: snprintf(buf, len, "%s", c->state == VOLT_CTR_CREATED ? "Created" : volt_ctr_state_name(c->state));
	}
}

/* ports_text - a spec's published ports, docker style, comma-separated */
static void ports_text(json_t *spec, char *buf, size_t len)
{
	json_t *a;
	size_t i, off = 0;
	buf[0] = '\0';
	json_array_foreach(json_object_get(spec, "ports"), i, a) {
		struct volt_port *p = NULL;
		size_t n = 0;
		struct volt_err ignored;
		char one[96];
		if (json_is_string(a) && volt_ports_parse(json_string_value(a), &p, &n, &ignored) == 0 && n == 1 &&
		    off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
						volt_port_display(p, one, sizeof(one)));
		free(p);
	}
}

/* network_json - inspect's NetworkSettings */
static json_t *network_json(json_t *spec)
{
	const char *net = json_string_value(json_object_get(spec, "network"));
	json_t *o = json_pack("{s:s}", "Mode", net ? net : "none"), *ports = json_object(), *a;
	size_t i;
	if (volt_net_mode_of(net) == VOLT_NET_SLIRP)
		json_object_update_new(o, json_pack("{s:s,s:i,s:s,s:s,s:s}", "IPAddress", VOLT_SLIRP_GUEST,
						    "IPPrefixLen", 24, "Gateway", VOLT_SLIRP_GATEWAY, "DNS",
						    VOLT_SLIRP_DNS, "Interface", VOLT_SLIRP_IFNAME));
	json_array_foreach(json_object_get(spec, "ports"), i, a) {
		struct volt_port *p = NULL;
		size_t n = 0;
		struct volt_err ignored;
		char key[32], hp[8];
		if (!json_is_string(a) || volt_ports_parse(json_string_value(a), &p, &n, &ignored) < 0 || n != 1) {
			free(p);
			continue;
		}
		snprintf(key, sizeof(key), "%u/%s", p->ctr_port, p->udp ? "udp" : "tcp");
		snprintf(hp, sizeof(hp), "%u", p->host_port);
		json_t *l = json_object_get(ports, key);
		if (!l)
			json_object_set_new(ports, key, l = json_array());
		json_array_append_new(
			l, json_pack("{s:s,s:s}", "HostIp", p->host_ip[0] ? p->host_ip : "0.0.0.0", "HostPort", hp));
		free(p);
	}
	json_object_set_new(o, "Ports", ports);
	return o;
}

json_t *cli_ctr_inspect_json(struct volt_ctx *ctx, const struct volt_ctr_row *c, json_t *base, json_t *spec);

static json_t *ctr_json(struct volt_ctx *ctx, const struct volt_ctr_row *c, bool full)
{
	char created[48], started[48], finished[48];
	json_error_t jerr;
	json_t *spec = json_loads(c->spec, 0, &jerr);
	volt_format_time(c->created, created, sizeof(created));
	volt_format_time(c->started, started, sizeof(started));
	volt_format_time(c->finished, finished, sizeof(finished));
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "Id", c->id, "Name", c->name, "Image",
			      c->image_name ? c->image_name : "", "ImageID", c->image_id, "Created", created);
	json_object_set_new(o, "Command", json_incref(json_object_get(spec, "args")));
	json_object_set_new(o, "Type", json_string(volt_kind_name(c->kind))); /* container | vm */
	json_object_set_new(o, "State",
			    json_pack("{s:s,s:b,s:i,s:i,s:i,s:s,s:s,s:s?}", "Status", volt_ctr_state_name(c->state),
				      "Running", c->state == VOLT_CTR_RUNNING, "Pid", c->pid, "MonitorPid", c->shim_pid,
				      "ExitCode", c->exit_code, "StartedAt", c->started ? started : "", "FinishedAt",
				      c->finished ? finished : "", "Error", c->error));
	json_object_set_new(o, "Labels", json_incref(json_object_get(spec, "labels")));
	if (full) {
		cleanup_free char *dir = volt_ctx_ctr_dir(ctx, c->id);
		cleanup_free char *logp = volt_path("%s/ctr.log", dir);
		json_t *im = json_object_get(spec, "idmap");
		json_object_set_new(o, "IDMappings",
				    json_pack("{s:s,s:O,s:O}", "Mode",
					      json_is_true(json_object_get(im, "full")) ? "full" : "single", "UidMap",
					      json_object_get(im, "uids"), "GidMap", json_object_get(im, "gids")));
		cleanup_free char *upper = volt_path("%s/upper", dir);
		json_object_set_new(o, "GraphDriver",
				    json_pack("{s:s,s:{s:s,s:s}}", "Name", "overlay", "Data", "LowerDir",
					      json_string_value(json_object_get(spec, "lower")), "UpperDir", upper));
		json_object_set_new(o, "LogPath", json_string(logp));
		json_object_set_new(o, "NetworkSettings", network_json(spec));
		json_object_set_new(o, "Supervisor", volt_sup_json(ctx, c->id));
		cli_ctr_inspect_json(ctx, c, o, spec);
		if (c->kind == VOLT_KIND_VM) { /* what its monitor chose (workload/vm_monitor.c) */
			cleanup_free char *vmj = volt_path("%s/vm.json", dir);
			json_error_t je;
			json_t *vm = json_load_file(vmj, 0, &je);
			if (!vm)
				vm = json_object();
			/* the create-time choices, before a first start too */
			json_t *sv = json_object_get(spec, "vm");
			const char *st = json_string_value(json_object_get(sv, "strategy"));
			if (st && !json_object_get(vm, "Strategy")) {
				json_object_set_new(vm, "Strategy", json_string(st));
				json_object_set(vm, "StrategyWhy", json_object_get(sv, "strategy_why"));
				json_object_set_new(vm, "Ephemeral",
						    json_boolean(!json_is_true(json_object_get(sv, "keep"))));
			}
			json_object_set_new(o, "VM", vm);
		}
	}
	json_decref(spec);
	return o;
}

/* join_mounts - docker's .Mounts of ps: volume names and bind sources */
static void join_mounts(json_t *spec, FILE *f, int *n_vol)
{
	json_t *m;
	size_t i, n = 0;
	json_array_foreach(json_object_get(spec, "mounts"), i, m) {
		const char *name = json_string_value(json_object_get(m, "name"));
		const char *src = json_string_value(json_object_get(m, "source"));
		if (!name && !src)
			continue;
		fprintf(f, "%s%s", n++ ? "," : "", name ? name : src);
		*n_vol += name != NULL;
	}
}

/* row_json - a row as docker's ps prints it: strings, by docker's names */
static json_t *row_json(const struct ps_opts *o, const struct volt_ctr_row *c, json_t *spec, char *cmd,
			const char *status, const char *ports)
{
	char created[48], ago[64], nvol[16];
	cleanup_free char *labels = NULL, *mounts = NULL;
	size_t i, len = 0, mlen = 0;
	int n_vol = 0;
	json_t *l;
	FILE *f = open_memstream(&labels, &len);
	json_array_foreach(json_object_get(spec, "labels"), i, l)
		if (f)
			fprintf(f, "%s%s", i ? "," : "", json_string_value(l));
	if (f)
		fclose(f);
	if ((f = open_memstream(&mounts, &mlen))) {
		join_mounts(spec, f, &n_vol);
		fclose(f);
	}
	snprintf(nvol, sizeof(nvol), "%d", n_vol);
	volt_format_time(c->created, created, sizeof(created));
	volt_human_ago(c->created, ago, sizeof(ago));
	if (!o->no_trunc)
		cli_truncate(cmd, 20);
	cleanup_free char *quoted = volt_path("\"%s\"", cmd);
	const char *net = json_string_value(json_object_get(spec, "network"));
	return json_pack("{s:s%,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "ID", c->id,
			 (size_t)(o->no_trunc ? 64 : 12), "Names", c->name, "Image", c->image_name ? c->image_name : "",
			 "Command", quoted, "CreatedAt", created, "RunningFor", ago, "Status", status, "State",
			 volt_ctr_state_name(c->state), "Ports", ports, "Labels", labels ? labels : "", "Mounts",
			 mounts ? mounts : "", "Networks", net ? net : "none", "LocalVolumes", nvol, "Type",
			 volt_kind_name(c->kind));
}

static int ps_row(const struct volt_ctr_row *c0, void *arg)
{
	struct ps_opts *o = arg;
	struct volt_ctr_row c = *c0;
	volt_ctr_refresh(o->ctx, &c);
	if (!o->all && c.state != VOLT_CTR_RUNNING && c.state != VOLT_CTR_PAUSED)
		return 0;
	if (o->last >= 0 && o->shown >= o->last)
		return 1; /* the list is newest first */
	json_error_t jerr;
	json_t *spec = json_loads(c.spec, 0, &jerr), *a;
	if (!cli_ps_filter_match(&o->filter, &c, spec)) {
		json_decref(spec);
		return 0;
	}
	o->shown++;
	if (o->quiet) {
		printf(o->no_trunc ? "%s\n" : "%.12s\n", c.id);
		json_decref(spec);
		return 0;
	}
	char status[96], cmd[1024] = "", ports[512] = "";
	size_t i, off = 0;
	json_array_foreach(json_object_get(spec, "args"), i, a)
		off += (size_t)snprintf(cmd + off, off < sizeof(cmd) ? sizeof(cmd) - off : 0, "%s%s", i ? " " : "",
					json_string_value(a));
	if (c.state == VOLT_CTR_RUNNING || c.state == VOLT_CTR_PAUSED) /* docker: no ports when stopped */
		ports_text(spec, ports, sizeof(ports));
	status_text(o->ctx, &c, spec, status, sizeof(status));
	json_t *row = row_json(o, &c, spec, cmd, status, ports);
	if (o->size) {
		char size[96];
		cli_ps_size(o->ctx, &c, size, sizeof(size));
		json_object_set_new(row, "Size", json_string(size));
	}
	int r = cli_listing_row(&o->out, row);
	json_decref(row);
	json_decref(spec);
	return r < 0;
}

int cmd_ps_resources(struct volt_cli *cli); /* cli/supervise.c */

/* docker's ps columns and their headers */
static const struct cli_col ps_cols[] = {{"ID", "CONTAINER ID"},    {"Image", "IMAGE"},
					 {"Command", "COMMAND"},    {"CreatedAt", "CREATED AT"},
					 {"RunningFor", "CREATED"}, {"Status", "STATUS"},
					 {"State", "STATE"},	    {"Ports", "PORTS"},
					 {"Type", "TYPE"},	    {"Names", "NAMES"},
					 {"Labels", "LABELS"},	    {"Mounts", "MOUNTS"},
					 {"Networks", "NETWORKS"},  {"LocalVolumes", "LOCAL VOLUMES"},
					 {"Size", "SIZE"},	    {NULL, NULL}};
/* docker's columns, and volt's TYPE (container | vm) before NAMES, so that
 * the last column is still the name */
static const char ps_table[] =
	"table "
	"{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Type}}\t{{.Names}}";
static const char ps_table_size[] =
	"table "
	"{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Type}}\t{{."
	"Names}}\t{{.Size}}";

static const struct option ps_opts[] = {{"all", no_argument, NULL, 'a'},
					{"quiet", no_argument, NULL, 'q'},
					{"format", required_argument, NULL, 'M'}, /* long only: -f is --filter */
					{"resources", no_argument, NULL, 'r'},
					{"filter", required_argument, NULL, 'f'},
					{"last", required_argument, NULL, 'n'},
					{"latest", no_argument, NULL, 'l'},
					{"no-trunc", no_argument, NULL, 'T'},
					{"size", no_argument, NULL, 's'},
					{NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_ps_spec = {
	.usage = "Usage: volt ps [-a] [-q] [-s] [-n N | -l] [-f KEY=VALUE]... [--no-trunc] [--format FORMAT]\n"
		 "       volt ps --resources\n\nList containers, newest first.\n\n"
		 "  -a, --all             show all containers (default: running only)\n"
		 "  -q, --quiet           print only IDs\n"
		 "  -n, --last N          the N newest containers (any state)\n"
		 "  -l, --latest          the newest container (any state)\n"
		 "  -f, --filter K=V      name (a part of), id (a prefix), status (created, running,\n"
		 "                        paused, exited, ...), label (KEY or KEY=VALUE), ancestor\n"
		 "                        (image name or id), exited (exit code), volume (name or\n"
		 "                        destination), network (slirp, none, host, container), type\n"
		 "                        (container or vm);\n"
		 "                        values of one key\n"
		 "                        are alternatives, keys all apply; status and exited imply -a\n"
		 "      --no-trunc        full ids and commands\n"
		 "  -s, --size            SIZE: the upper layer's disk use (virtual: with the image)\n"
		 "      --format FORMAT   json (an object per line), table TEMPLATE, or a Go template\n"
		 "                        per container over docker's ps fields: .ID .Names .Image\n"
		 "                        .Command .CreatedAt .RunningFor .Status .State .Ports\n"
		 "                        .Labels .Mounts .Networks .Type (docs/docker-cli.md)\n"
		 "      --resources       the resource use of running containers (volt stats --no-stream)\n",
	.opts = "aqn:lf:s",
	.longopts = ps_opts,
};

int cmd_ps(struct volt_cli *cli, int argc, char **argv)
{
	for (int a = 1; a < argc; a++)
		if (!strcmp(argv[a], "--resources"))
			return cmd_ps_resources(cli);
	struct ps_opts o = {.last = -1};
	struct volt_err err = {0};
	struct volt_db *db;
	const char *format = NULL;
	char *end;
	int c, ret = 0;

	while ((c = cli_getopt(argc, argv, &cli_ps_spec)) != -1) {
		switch (c) {
		case 'a': o.all = true; break;
		case 'q': o.quiet = true; break;
		case 'T': o.no_trunc = true; break;
		case 's': o.size = true; break;
		case 'l': o.last = 1; break;
		case 'n':
			o.last = strtol(optarg, &end, 10);
			if (!*optarg || *end || o.last < 0) {
				cli_ps_filter_free(&o.filter);
				return cli_usage_error("ps", "--last %s: not a count", optarg);
			}
			break;
		case 'f':
			if (cli_ps_filter_add(&o.filter, optarg) < 0) {
				cli_ps_filter_free(&o.filter);
				return VOLT_EXIT_INTERNAL;
			}
			break;
		case 'M': format = optarg; break;
		default: return cli_usage_error("ps", "invalid option");
		}
	}
	if (o.last >= 0 || cli_ps_filter_all(&o.filter))
		o.all = true;
	if (!o.quiet && cli_listing_open(&o.out, "ps", format, o.size ? ps_table_size : ps_table, ps_cols) < 0) {
		cli_ps_filter_free(&o.filter);
		return VOLT_EXIT_INTERNAL;
	}
	if ((o.filter.ctx = o.ctx = cli_ctx(cli)) == NULL || !(db = volt_ctx_db(o.ctx, &err)))
		ret = o.ctx ? cli_fail(&err) : 125;
	else if (volt_db_ctr_list(db, ps_row, &o, &err) < 0)
		ret = cli_fail(&err);
	if (!o.quiet) {
		int lr = cli_listing_close(&o.out);
		ret = ret ? ret : lr;
	}
	cli_ps_filter_free(&o.filter);
	return ret;
}

int cli_inspect_image(struct volt_cli *cli, const char *ref, json_t *out, struct volt_err *err);

static const struct option inspect_opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_inspect_spec = {
	.usage = "Usage: volt inspect [-f FORMAT] NAME...\n\nShow containers (or images) as JSON.\n\n"
		 "  -f, --format FORMAT   print each one through a Go template, as docker does:\n"
		 "                        {{.State.Status}}, {{json .Config.Env}}, {{index .X \"k\"}},\n"
		 "                        {{range .Mounts}}...{{end}}, {{join .Args \",\"}}, {{lower .X}}\n"
		 "                        (docs/docker-cli.md has the whole subset)\n",
	.opts = "f:",
	.longopts = inspect_opts,
};

/* cli_inspect_print - the inspect array as JSON, or each element through
 * the template (-f) */
int cli_inspect_print(const char *cmd, json_t *arr, const char *format);
int cli_inspect_print(const char *cmd, json_t *arr, const char *format)
{
	struct volt_tmpl *t = NULL;
	size_t i;
	json_t *o;
	int ret = 0;
	if (!format || !strcmp(format, "json")) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		printf("\n");
		return 0;
	}
	if (cli_format_parse(cmd, format, &t) < 0)
		return VOLT_EXIT_INTERNAL;
	json_array_foreach(arr, i, o) {
		if (cli_format_print(cmd, t, o) < 0) {
			ret = VOLT_EXIT_INTERNAL;
			break;
		}
	}
	volt_tmpl_free(t);
	return ret;
}

int cmd_inspect(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_tmpl *t = NULL;
	const char *format = NULL;
	struct volt_ctx *ctx;
	json_t *arr;
	int c, ret = 0;

	while ((c = cli_getopt(argc, argv, &cli_inspect_spec)) != -1)
		if (c == 'f')
			format = optarg;
	if (optind >= argc)
		return cli_usage_error("inspect", "requires at least 1 argument");
	/* a bad template fails before anything is looked up */
	if (format && strcmp(format, "json")) {
		if (cli_format_parse("inspect", format, &t) < 0)
			return VOLT_EXIT_INTERNAL;
		volt_tmpl_free(t);
	}
	if (!(ctx = cli_ctx(cli)))
		return 125;
	arr = json_array();
	for (int i = optind; i < argc; i++) {
		struct volt_err err = {0};
		struct volt_ctr_row row;
		int r = volt_ctr_load(ctx, argv[i], &row, &err);
		if (r == 0) {
			json_array_append_new(arr, ctr_json(ctx, &row, true));
			volt_ctr_row_free(&row);
			continue;
		}
		if (r > 0 && cli_inspect_image(cli, argv[i], arr, &err) == 0)
			continue;
		if (r > 0)
			volt_err_set(&err, 0, "no such container or image: %s", argv[i]);
		ret = cli_fail(&err);
	}
	int pr = cli_inspect_print("inspect", arr, format);
	json_decref(arr);
	return ret ? ret : pr;
}

static int logs_running(void *arg)
{
	void **a = arg;
	return volt_ctr_monitor_alive(a[0], a[1]);
}

/* log_time - --since/--until as docker takes them: an RFC 3339 time, a Unix
 * time (seconds, a fraction allowed), or a Go duration before now ("10m",
 * "1h30m", "45s", "500ms"). Return: 0, or -1 when it is none of them. */
static int log_time(const char *s, long long *ns)
{
	char *end;
	if (volt_parse_time(s, ns) == 0)
		return 0;
	double secs = strtod(s, &end);
	if (end != s && !*end && s[0] >= '0' && s[0] <= '9') {
		*ns = (long long)(secs * 1e9);
		return 0;
	}
	long long d = 0;
	const char *p = s;
	while (*p) {
		double v = strtod(p, &end);
		if (end == p || v < 0)
			return -1;
		p = end;
		long long unit = !strncmp(p, "ms", 2) ? 1000000LL :
				 *p == 'h'	      ? 3600000000000LL :
				 *p == 'm'	      ? 60000000000LL :
				 *p == 's'	      ? 1000000000LL :
							0;
		if (!unit)
			return -1;
		p += !strncmp(p, "ms", 2) ? 2 : 1;
		d += (long long)(v * (double)unit);
	}
	if (p == s)
		return -1;
	*ns = volt_now_ns() - d;
	return 0;
}

static const struct option logs_opts[] = {{"follow", no_argument, NULL, 'f'},
					  {"tail", required_argument, NULL, 'n'},
					  {"timestamps", no_argument, NULL, 't'},
					  {"seccomp", no_argument, NULL, 's'},
					  {"since", required_argument, NULL, 'S'},
					  {"until", required_argument, NULL, 'U'},
					  {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_logs_spec = {
	.usage = "Usage: volt logs [-f] [--tail N] [-t] [--since T] [--until T] CONTAINER\n\n"
		 "Print a container's log.\n\n"
		 "  -f, --follow       keep printing until the container exits\n"
		 "      --since T      only lines from T on: an RFC 3339 time, a Unix time, or\n"
		 "                     a duration before now (10m, 1h30m, 45s)\n"
		 "      --until T      only lines up to T (the same forms)\n"
		 "  -n, --tail N       only the last N lines\n"
		 "  -t, --timestamps   prefix each line with its time\n"
		 "      --seccomp      the seccomp audit list instead (volt security audit-log)\n",
	.opts = "fn:t",
	.longopts = logs_opts,
};

int cmd_logs(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_logs_opts o = {.tail = -1};
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	int c, r;
	char *end;

	for (int i = 1; i < argc; i++) /* --seccomp: the seccomp audit list (cli/security.c) */
		if (!strcmp(argv[i], "--seccomp"))
			return cmd_security_audit_log(cli, argc, argv);
	while ((c = cli_getopt(argc, argv, &cli_logs_spec)) != -1) {
		switch (c) {
		case 'f': o.follow = true; break;
		case 't': o.timestamps = true; break;
		case 'S':
		case 'U':
			if (log_time(optarg, c == 'S' ? &o.since : &o.until) < 0)
				return cli_usage_error("logs", "--%s %s: not a time (RFC 3339, Unix seconds, or 10m)",
						       c == 'S' ? "since" : "until", optarg);
			break;
		case 'n':
			if (!strcmp(optarg, "all"))
				break;
			o.tail = strtol(optarg, &end, 10);
			if (*end || o.tail < 0)
				return cli_usage_error("logs", "--tail %s: not a number", optarg);
			break;
		default: return cli_usage_error("logs", "invalid option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("logs", "requires exactly 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	r = cli_ctr_load(ctx, argv[optind], &row);
	if (r != 0)
		return r;
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, row.id);
	cleanup_free char *logp = volt_path("%s/ctr.log", dir);
	void *arg[2] = {ctx, row.id};
	fflush(stdout);
	r = volt_logs_print(logp, &o, logs_running, arg, &err);
	volt_ctr_row_free(&row);
	return r < 0 ? cli_fail(&err) : 0;
}
