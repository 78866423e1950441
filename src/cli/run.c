/* volt run, create, start. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "userns/early_userns.h"
#include "workload/lifecycle.h"
#include "supervise/supervisor.h"
#include "util/cleanup.h"
#include "util/trace.h"
#include "vm/appliance.h"

enum {
	OPT_RM = 1000,
	OPT_NAME,
	OPT_ENV_FILE,
	OPT_ENTRYPOINT,
	OPT_TMPFS,
	OPT_READ_ONLY,
	OPT_HOSTNAME,
	OPT_NETWORK,
	OPT_INIT,
	OPT_STOP_SIGNAL,
	OPT_STOP_TIMEOUT,
	OPT_LABEL,
	OPT_USERNS,
	OPT_DNS,
	OPT_ADD_HOST,
	OPT_ROOTFS_LOWER,
	OPT_SECURITY_OPT,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
	OPT_LANDLOCK,
	OPT_SECCOMP_AUDIT,
	OPT_LOG_OPT,
	OPT_PRESERVE_FDS,
	OPT_VM,
	OPT_KERNEL,
	OPT_ACCEL,
	OPT_VM_STRATEGY,
	OPT_EPHEMERAL,
};

static const struct option create_opts[] = {
	{"detach", no_argument, NULL, 'd'},
	{"interactive", no_argument, NULL, 'i'},
	{"tty", no_argument, NULL, 't'},
	{"rm", no_argument, NULL, OPT_RM},
	{"name", required_argument, NULL, OPT_NAME},
	{"env", required_argument, NULL, 'e'},
	{"env-file", required_argument, NULL, OPT_ENV_FILE},
	{"workdir", required_argument, NULL, 'w'},
	{"user", required_argument, NULL, 'u'},
	{"entrypoint", required_argument, NULL, OPT_ENTRYPOINT},
	{"volume", required_argument, NULL, 'v'},
	{"tmpfs", required_argument, NULL, OPT_TMPFS},
	{"read-only", no_argument, NULL, OPT_READ_ONLY},
	{"hostname", required_argument, NULL, OPT_HOSTNAME},
	{"network", required_argument, NULL, OPT_NETWORK},
	{"net", required_argument, NULL, OPT_NETWORK},
	{"init", no_argument, NULL, OPT_INIT},
	{"stop-signal", required_argument, NULL, OPT_STOP_SIGNAL},
	{"stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT},
	{"label", required_argument, NULL, OPT_LABEL},
	{"userns", required_argument, NULL, OPT_USERNS},
	{"dns", required_argument, NULL, OPT_DNS},
	{"add-host", required_argument, NULL, OPT_ADD_HOST},
	{"publish", required_argument, NULL, 'p'},
	{"publish-all", no_argument, NULL, 'P'},
	CLI_SUPERVISE_OPTIONS, /* cli/supervise_opts.c */
	CLI_RUN_OPTIONS,       /* cli/run_opts.c */
	{"rootfs-lower", required_argument, NULL, OPT_ROOTFS_LOWER},
	{"security-opt", required_argument, NULL, OPT_SECURITY_OPT},
	{"cap-add", required_argument, NULL, OPT_CAP_ADD},
	{"cap-drop", required_argument, NULL, OPT_CAP_DROP},
	{"landlock", required_argument, NULL, OPT_LANDLOCK},
	{"seccomp-audit", no_argument, NULL, OPT_SECCOMP_AUDIT},
	{"log-opt", required_argument, NULL, OPT_LOG_OPT},
	{"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
	{"vm", no_argument, NULL, OPT_VM},
	{"kernel", required_argument, NULL, OPT_KERNEL},
	{"accel", required_argument, NULL, OPT_ACCEL},
	{"vm-strategy", required_argument, NULL, OPT_VM_STRATEGY},
	{"ephemeral", optional_argument, NULL, OPT_EPHEMERAL},
	{NULL, 0, NULL, 0},
};

static struct volt_sup_opts sup_opts;
static unsigned preserve_fds; /* run --preserve-fds */

#define CREATE_HELP                                                                                       \
	"  -i, --interactive        keep stdin open\n"                                                    \
	"  -t, --tty                allocate a pseudo-terminal\n"                                         \
	"      --rm                 remove the container when it exits\n"                                 \
	"      --name NAME          name the container\n"                                                 \
	"  -e, --env KEY[=VALUE]    set an environment variable\n"                                        \
	"      --env-file FILE      read environment variables from a file\n"                             \
	"  -w, --workdir DIR        working directory inside the container\n"                             \
	"  -u, --user USER[:GROUP]  user to run as (name or id)\n"                                        \
	"      --entrypoint CMD     override the image's entrypoint\n"                                    \
	"  -v, --volume SRC:DST[:ro]  bind mount a host path, or a named volume\n"                        \
	"      --tmpfs DST[:OPTS]   mount a tmpfs\n"                                                      \
	"      --read-only          mount the root file system read-only\n"                               \
	"      --hostname NAME      container host name\n"                                                \
	"      --network MODE       slirp[:mtu=N,allow_host_loopback=true,port_handler=builtin|slirp]\n"  \
	"                           (default), none, host, or container:NAME\n"                           \
	"  -p, --publish [IP:][HOST:]CTR[/tcp|udp]  publish a container port (ranges: 8000-8002:80-82)\n" \
	"  -P, --publish-all        publish every port the image exposes on a free host port\n"           \
	"      --dns IP             DNS server for /etc/resolv.conf\n"                                    \
	"      --add-host HOST:IP   add a line to /etc/hosts\n"                                           \
	"      --userns keep-id     keep your own uid/gid inside\n"                                       \
	"      --init               run volt-init as PID 1 (reaps zombies, forwards signals)\n"           \
	"      --stop-signal SIG    signal that stops the container (default: image's, or TERM)\n"        \
	"      --stop-timeout SEC   seconds before SIGKILL on stop (default 10)\n"                        \
	"      --label KEY=VALUE    set a label\n"                                                        \
	"      --log-opt OPT        max-size=SIZE (default 100m; -1: no limit), max-file=N\n"             \
	"                           (default 2): the log rotates at SIZE and keeps N files\n"             \
	"      --rootfs-lower MODE  image layer from the CAS: checkout (default) or fuse\n"               \
	"      --security-opt OPT   seccomp=NAME|PATH|unconfined, landlock=NAME|PATH|none\n"              \
	"      --cap-add CAP        add a capability (or ALL)\n"                                          \
	"      --cap-drop CAP       drop a capability (or ALL)\n"                                         \
	"      --landlock PROFILE   Landlock profile: NAME, PATH or none (default: default)\n"            \
	"      --seccomp-audit      allow what the seccomp profile blocks, and record it\n"               \
	"                           (see 'volt security audit-log')\n" CLI_RUN_OPTS_HELP                  \
	"      --vm                 run the image as a microVM (QEMU; see 'volt vm check'):\n"            \
	"                           --cpus N and --memory SIZE size the guest; IMAGE may\n"               \
	"                           name a file-list appliance when no image has the name\n"              \
	"      --kernel PATH|VERSION  the microVM's kernel (default: 'volt vm kernel ls' first)\n"        \
	"      --accel auto|kvm|tcg the microVM's accelerator (default auto)\n"                           \
	"      --vm-strategy initramfs|disk|auto  the guest's root: in RAM, or an ext4 disk (default\n"   \
	"                           auto: disk when the image is over half of --memory)\n"                \
	"      --ephemeral[=true|false]  false: a disk microVM keeps its writes until rm\n"               \
	"                           (default true: nothing is kept after stop)\n"
/* run/create: options end at IMAGE, what follows is the container's command */
#define CREATE_OPTS "+dite:w:u:v:p:P"
const struct volt_cmd_spec cli_run_spec = {
	.usage = "Usage: volt run [OPTIONS] IMAGE [COMMAND [ARG...]]\n\nCreate and start a container.\n\nOptions:\n"
		 "  -d, --detach             run in the background and print the container ID\n"
		 "      --preserve-fds N     pass the caller's fds 3..3+N-1 on (foreground only;\n"
		 "                           no other fd reaches the container)\n" CREATE_HELP,
	.usage_more = cli_supervise_help,
	.opts = CREATE_OPTS,
	.longopts = create_opts,
};
const struct volt_cmd_spec cli_create_spec = {
	.usage = "Usage: volt create [OPTIONS] IMAGE [COMMAND [ARG...]]\n\nCreate a container without starting it."
		 "\n\nOptions:\n" CREATE_HELP,
	.usage_more = cli_supervise_help,
	.opts = CREATE_OPTS,
	.longopts = create_opts,
};

/* vm_options - a microVM's --cpus and --memory size its guest (vCPUs and
 * RAM) instead of limiting a cgroup: QEMU's own memory is the guest's plus
 * its overhead, and a limit at the guest's size would kill it */
static int vm_options(const char *cmd, struct volt_create_opts *o)
{
	struct volt_limits *l = &sup_opts.limits;
	if (l->cpu_quota > 0) {
		o->vm_cpus = (unsigned)((l->cpu_quota + 999999) / 1000000);
		l->cpu_quota = -1;
	}
	if (l->memory > 0) {
		if (l->memory < (64LL << 20))
			return cli_usage_error(cmd, "--memory: a microVM needs at least 64m"), -1;
		o->vm_mem_mib = (unsigned)(l->memory >> 20);
		l->memory = -1;
	}
	if (l->memory_swap > 0 || l->cpu_weight > 0 || l->io_weight > 0)
		return cli_usage_error(cmd, "--memory-swap, --cpu-shares, --blkio-weight: not for microVMs"), -1;
	if (o->tty && !o->interactive)
		o->interactive = false;
	if (o->read_only || o->init || o->userns || o->security_opts || o->cap_add || o->cap_drop || o->landlock ||
	    o->seccomp_audit || o->rootfs_lower || o->tmpfs)
		return cli_usage_error(cmd, "--read-only, --init, --userns, --tmpfs and the security options are for "
					    "containers, not microVMs (--vm)"),
		       -1;
	return 0;
}

/* A file-list appliance that run/create --vm NAME boots. */
struct vm_app {
	struct volt_appliance_info info;
	struct volt_vm_appliance_ref ref;
};

/* vm_appliance - --vm NAME: an image in the store of that name wins; else
 * the newest appliance built from a file list under NAME (o->vm_appliance
 * points into app); else nothing (the image is pulled). 1: an appliance. */
static int vm_appliance(struct volt_ctx *ctx, struct volt_create_opts *o, struct vm_app *app, struct volt_err *err)
{
	struct volt_err none;
	memset(app, 0, sizeof(*app));
	if (!o->vm)
		return 0;
	int r = cli_image_in_store(ctx, o->image, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (volt_appliance_find_named(ctx, o->image, &app->info, &none) < 0)
		return 0;
	if (o->vm_kernel && strcmp(o->vm_kernel, app->info.kernel)) {
		const char *base = strrchr(o->vm_kernel, '/');
		if (!base || strcmp(base + 1, app->info.kernel))
			return volt_err_said(err, EINVAL,
					     "--kernel %s: appliance %s holds the modules of kernel %s (build it with "
					     "that kernel, or leave --kernel out)",
					     o->vm_kernel, o->image, app->info.kernel);
	}
	app->ref = (struct volt_vm_appliance_ref){.key = app->info.key,
						  .path = app->info.path,
						  .strategy = app->info.strategy,
						  .kernel = app->info.kernel,
						  .entrypoint = app->info.entrypoint,
						  .env = app->info.env};
	o->vm_appliance = &app->ref;
	return 1;
}

/* parse_create - options into o; *detach for run. Returns -1 and prints on error. */
static int parse_create(const char *cmd, int argc, char **argv, struct volt_create_opts *o, bool *detach)
{
	int c;
	char *end;

	memset(o, 0, sizeof(*o));
	o->stop_timeout = -1;
	o->vm_ephemeral = -1;
	cli_supervise_init(&sup_opts);
	while ((c = getopt_long(argc, argv, CREATE_OPTS, create_opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!detach)
				return cli_usage_error(cmd, "unknown option -d"), -1;
			*detach = true;
			break;
		case 'i': o->interactive = true; break;
		case 't': o->tty = true; break;
		case 'e': cli_strv_add(&o->env, optarg); break;
		case 'w': o->workdir = optarg; break;
		case 'u': o->user = optarg; break;
		case 'v':
			if (cli_run_volume(cmd, optarg, o) < 0)
				return -1;
			break;
		case 'p': cli_strv_add(&o->publish, optarg); break;
		case 'P': o->publish_all = true; break;
		case OPT_RM: o->rm = true; break;
		case OPT_NAME: o->name = optarg; break;
		case OPT_ENV_FILE: cli_strv_add(&o->env_files, optarg); break;
		case OPT_ENTRYPOINT:
			o->entrypoint = optarg;
			o->entrypoint_set = true;
			break;
		case OPT_TMPFS: cli_strv_add(&o->tmpfs, optarg); break;
		case OPT_READ_ONLY: o->read_only = true; break;
		case OPT_HOSTNAME: o->hostname = optarg; break;
		case OPT_NETWORK: o->network = optarg; break;
		case OPT_INIT: o->init = true; break;
		case OPT_STOP_SIGNAL: o->stop_signal = optarg; break;
		case OPT_STOP_TIMEOUT:
			o->stop_timeout = (int)strtol(optarg, &end, 10);
			if (*end || o->stop_timeout < 0)
				return cli_usage_error(cmd, "--stop-timeout %s: not a number of seconds", optarg), -1;
			break;
		case OPT_LABEL: cli_strv_add(&o->labels, optarg); break;
		case OPT_USERNS: o->userns = optarg; break;
		case OPT_DNS: cli_strv_add(&o->dns, optarg); break;
		case OPT_ADD_HOST: cli_strv_add(&o->add_hosts, optarg); break;
		case OPT_SECURITY_OPT: cli_strv_add(&o->security_opts, optarg); break;
		case OPT_CAP_ADD: cli_strv_add(&o->cap_add, optarg); break;
		case OPT_CAP_DROP: cli_strv_add(&o->cap_drop, optarg); break;
		case OPT_LANDLOCK: o->landlock = optarg; break;
		case OPT_SECCOMP_AUDIT: o->seccomp_audit = true; break;
		case OPT_LOG_OPT: cli_strv_add(&o->log_opts, optarg); break;
		case OPT_ROOTFS_LOWER: o->rootfs_lower = optarg; break;
		case OPT_VM: o->vm = true; break;
		case OPT_KERNEL: o->vm_kernel = optarg; break;
		case OPT_VM_STRATEGY:
			if (strcmp(optarg, "auto") && strcmp(optarg, "initramfs") && strcmp(optarg, "disk"))
				return cli_usage_error(cmd, "--vm-strategy %s: initramfs, disk or auto", optarg), -1;
			o->vm_strategy = optarg;
			break;
		case OPT_EPHEMERAL:
			if (!optarg || !strcmp(optarg, "true"))
				o->vm_ephemeral = 1;
			else if (!strcmp(optarg, "false"))
				o->vm_ephemeral = 0;
			else
				return cli_usage_error(cmd, "--ephemeral=%s: true or false", optarg), -1;
			break;
		case OPT_ACCEL:
			if (strcmp(optarg, "auto") && strcmp(optarg, "kvm") && strcmp(optarg, "tcg"))
				return cli_usage_error(cmd, "--accel %s: auto, kvm or tcg", optarg), -1;
			o->vm_accel = optarg;
			break;
		case OPT_PRESERVE_FDS:
			/* the fds are the caller's: only a monitor in its process has them */
			if (!detach)
				return cli_usage_error(cmd, "--preserve-fds: only volt run passes fds on"), -1;
			if (cli_parse_preserve_fds(optarg, &preserve_fds) < 0)
				return cli_usage_error(cmd, "--preserve-fds %s: not a number of fds", optarg), -1;
			break;
		default:
			if (c >= CLI_OPT_RUN) {
				if (cli_run_opt(cmd, c, optarg, o) < 0)
					return -1;
				break;
			}
			if (c >= CLI_OPT_SUPERVISE) {
				if (cli_supervise_opt(cmd, c, optarg, &sup_opts) < 0)
					return -1;
				break;
			}
			return cli_usage_error(cmd, "invalid option"), -1;
		}
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "requires at least 1 argument (IMAGE)"), -1;
	if (cli_supervise_check(cmd, &sup_opts, o->rm) < 0)
		return -1;
	if (preserve_fds && detach && *detach)
		return cli_usage_error(cmd, "--preserve-fds needs a foreground run (not -d)"), -1;
	if (!o->vm && (o->vm_kernel || o->vm_accel || o->vm_strategy || o->vm_ephemeral >= 0))
		return cli_usage_error(cmd, "--kernel, --accel, --vm-strategy and --ephemeral are for microVMs (--vm)"),
		       -1;
	if (o->vm && vm_options(cmd, o) < 0)
		return -1;
	o->image = argv[optind];
	o->command = argv + optind + 1;
	if (detach && *detach && o->rm && false)
		return -1;
	return 0;
}

static void free_opts(struct volt_create_opts *o)
{
	volt_strv_free(o->env);
	volt_strv_free(o->env_files);
	volt_strv_free(o->volumes);
	volt_strv_free(o->tmpfs);
	volt_strv_free(o->labels);
	volt_strv_free(o->dns);
	volt_strv_free(o->add_hosts);
	volt_strv_free(o->publish);
	volt_strv_free(o->security_opts);
	volt_strv_free(o->cap_add);
	volt_strv_free(o->cap_drop);
	volt_strv_free(o->log_opts);
}

/* discard - remove a container whose create or run failed half-way (the
 * caller reports the first error; this one's are of no more use). */
static void discard(struct volt_ctx *ctx, const char *id)
{
	struct volt_ctr_row row;
	struct volt_err ignored = {0};
	if (volt_ctr_load(ctx, id, &row, &ignored) != 0)
		return;
	volt_ctr_remove(ctx, &row, true, &ignored);
	volt_ctr_row_free(&row);
}

/* the supervision record of the container (supervise/hooks.c), written in
 * its row's transaction by volt_ctr_create */
struct sup_record {
	int argc;
	char **argv;
};

static int record_supervision(struct volt_ctx *ctx, const char *id, void *arg, struct volt_err *err)
{
	struct sup_record *r = arg;
	return volt_sup_create(ctx, id, &sup_opts, r->argc, r->argv, err);
}

int cmd_create(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_create_opts o;
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	char id[65];
	int r = parse_create("create", argc, argv, &o, NULL);

	if (r)
		return 125;
	if (!(ctx = cli_ctx(cli)))
		return 125;
	/* a limit the start could not honour fails here, not at the start */
	if (volt_sup_check(ctx, &sup_opts, &err) < 0) {
		free_opts(&o);
		return cli_fail(&err);
	}
	struct vm_app app;
	int is_app = vm_appliance(ctx, &o, &app, &err);
	if (is_app < 0 || (!is_app && cli_run_before_create(ctx, o.image, &err) < 0)) {
		volt_appliance_info_free(&app.info);
		free_opts(&o);
		return cli_fail(&err);
	}
	struct sup_record rec = {argc - 1, argv + 1};
	o.in_txn = record_supervision;
	o.in_txn_arg = &rec;
	r = volt_ctr_create(ctx, &o, id, &err);
	volt_appliance_info_free(&app.info);
	free_opts(&o);
	if (r < 0 || cli_run_after_create(id, &err) < 0)
		return cli_fail(&err);
	printf("%s\n", id);
	return 0;
}

int cmd_run(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_create_opts o;
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	struct volt_early_userns early = VOLT_EARLY_USERNS_INIT;
	bool detach = false;
	char id[65];
	int code;
	int r = parse_create("run", argc, argv, &o, &detach);

	if (r)
		return 125;
	volt_trace("run: options parsed");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	sup_opts.foreground = !detach;
	/* before anything is made: a refused limit leaves no container */
	if (volt_sup_check(ctx, &sup_opts, &err) < 0) {
		free_opts(&o);
		return cli_fail(&err);
	}
	bool rm = o.rm;
	/* foreground: map the user namespace while the container is created
	 * (VOLT_EARLY_USERNS=0 turns that off, to compare) */
	const char *early_env = getenv("VOLT_EARLY_USERNS");
	struct volt_idmap map;
	struct volt_err map_err = {0};
	/* detected once: the spec takes the same map (container/create.c) */
	if (volt_idmap_detect(&map, o.userns && !strcmp(o.userns, "keep-id"), &map_err) == 0) {
		o.idmap = &map;
		if (!detach && !o.vm && !(o.network && !strncmp(o.network, "container:", 10)) &&
		    !(early_env && !strcmp(early_env, "0"))) {
			/* a network namespace is made ahead unless the
			 * container shares one (host; container: is above) */
			volt_early_userns_start(&early, &map, ctx->root, ctx->runroot,
						!(o.network && !strcmp(o.network, "host")));
			ctx->early_userns = &early;
		}
	}
	volt_trace("run: context");
	struct vm_app app;
	int is_app = vm_appliance(ctx, &o, &app, &err);
	if (is_app < 0 || (!is_app && cli_run_before_create(ctx, o.image, &err) < 0)) {
		volt_appliance_info_free(&app.info);
		volt_early_userns_abort(&early);
		free_opts(&o);
		return cli_fail(&err);
	}
	struct sup_record rec = {argc - 1, argv + 1};
	o.in_txn = record_supervision;
	o.in_txn_arg = &rec;
	r = volt_ctr_create(ctx, &o, id, &err);
	volt_appliance_info_free(&app.info);
	if (r < 0 || cli_run_after_create(id, &err) < 0 || volt_ctr_load(ctx, id, &row, &err) != 0) {
		volt_early_userns_abort(&early);
		free_opts(&o);
		if (r == 0)
			discard(ctx, id);
		return cli_fail(&err);
	}
	free_opts(&o);
	ctx->preserve_fds = preserve_fds;
	/* foreground: volt becomes the monitor, whose exit code is the
	 * container's; detached: the monitor leaves on its own */
	volt_trace("run: loaded, starting");
	r = volt_ctr_start(ctx, &row, !detach, &code, &err);
	volt_early_userns_abort(&early); /* not used (joined already, or not reached) */
	ctx->early_userns = NULL;
	if (r < 0) {
		/* --rm: a container that did not start is not left Created */
		if (rm)
			discard(ctx, id);
		volt_ctr_row_free(&row);
		return cli_fail(&err);
	}
	if (code >= 0)
		return code;
	printf("%s\n", id);
	volt_ctr_row_free(&row);
	return 0;
}

static const struct option start_opts[] = {
	{"attach", no_argument, NULL, 'a'}, {"interactive", no_argument, NULL, 'i'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_start_spec = {
	.usage = "Usage: volt start [-a] CONTAINER...\n\nStart created or stopped containers.\n\n"
		 "  -a, --attach   attach to the container's output and return its exit code\n",
	.opts = "ai",
	.longopts = start_opts,
};

int cmd_start(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	bool attach = false;
	int c, ret = 0;

	while ((c = cli_getopt(argc, argv, &cli_start_spec)) != -1) {
		switch (c) {
		case 'a': attach = true; break;
		case 'i': break;
		default: return cli_usage_error("start", "invalid option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("start", "requires at least 1 argument");
	if (attach && argc - optind > 1)
		return cli_usage_error("start", "-a takes exactly one container");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	for (int i = optind; i < argc; i++) {
		struct volt_ctr_row row;
		int r = cli_ctr_load(ctx, argv[i], &row);
		if (r != 0) {
			ret = r;
			continue;
		}
		int code;
		if (volt_ctr_start(ctx, &row, attach, &code, &err) < 0)
			ret = cli_fail(&err);
		else if (code >= 0)
			ret = code;
		else
			printf("%s\n", argv[i]);
		volt_ctr_row_free(&row);
	}
	return ret;
}
