/* docker's run/create options that volt maps onto its own (issue 17 item 3):
 * --mount, anonymous volumes (-v /path), --shm-size, --device, --privileged,
 * --cidfile, --pull, --platform and --log-driver, each turned into what the
 * spec already has (a volume, a tmpfs, a bind mount, capabilities and
 * filters); --ulimit, --sysctl and --group-add into the spec (checked by
 * container/limits.c); the health check's (--health-*, --no-healthcheck)
 * into the spec's. Kept out of run.c, which only forwards to it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/create.h"
#include "container/spec.h"
#include "container/limits.h"
#include "image/reference.h"
#include "util/cleanup.h"
#include "util/duration.h"
#include "util/fs.h"
#include "util/size.h"

static struct {
	const char *cidfile, *pull;
} run_extra;

static struct volt_health run_health;
static char *run_health_test[3] = {"CMD-SHELL", NULL, NULL};

/* health_opt - --health-* into the options' health check (create.c lays it
 * over the image's); durations as docker takes them (Go's syntax) */
static int health_opt(const char *cmd, int which, const char *arg, struct volt_create_opts *o)
{
	static const char *const names[] = {"--health-cmd",	      "--health-interval",     "--health-timeout",
					    "--health-retries",	      "--health-start-period", "--no-healthcheck",
					    "--health-start-interval"};
	struct volt_err err = {0};
	int64_t ns = 0;
	char msg[VOLT_ERR_MSG_MAX + 32];

	o->health = &run_health;
	if (which == 0) {
		if (!*arg)
			return cli_usage_error(cmd, "--health-cmd: an empty command"), -1;
		run_health_test[1] = (char *)arg;
		run_health.test = run_health_test;
		return 0;
	}
	if (which == 5) {
		o->no_healthcheck = true;
		return 0;
	}
	if (which == 3) {
		char *end;
		errno = 0;
		long n = strtol(arg, &end, 10);
		if (!*arg || *end || errno || n < 0 || n > 1000000)
			return cli_usage_error(cmd, "--health-retries %s: not a number of retries (0 or more)", arg),
			       -1;
		run_health.retries = (int)n;
		return 0;
	}
	if (volt_duration_parse(arg, &ns, &err) < 0) {
		volt_err_format(&err, msg, sizeof(msg));
		return cli_usage_error(cmd, "%s %s: %s", names[which], arg, msg), -1;
	}
	if (ns > 0 && ns < 1000000) /* docker's floor */
		return cli_usage_error(cmd, "%s %s: cannot be less than 1ms", names[which], arg), -1;
	int64_t *f[] = {NULL, &run_health.interval,	 &run_health.timeout, NULL, &run_health.start_period,
			NULL, &run_health.start_interval};
	*f[which] = ns;
	return 0;
}

/* anon_volume - docker's anonymous volume: a new volume with a random
 * 64-hex name (as docker names them, so `rm -v` knows them) */
static int anon_volume(const char *cmd, const char *dst, const char *ro, struct volt_create_opts *o)
{
	unsigned char b[32];
	char name[65];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b)) {
		if (fd >= 0)
			close(fd);
		return cli_usage_error(cmd, "anonymous volume %s: no random bytes for its name", dst), -1;
	}
	close(fd);
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(name + 2 * i, 3, "%02x", b[i]);
	cleanup_free char *v = volt_path("%s:%s%s", name, dst, ro);
	cli_strv_add(&o->volumes, v);
	return 0;
}

int cli_run_volume(const char *cmd, const char *arg, struct volt_create_opts *o)
{
	if (arg[0] == '/' && !strchr(arg, ':'))
		return anon_volume(cmd, arg, "", o);
	cli_strv_add(&o->volumes, arg);
	return 0;
}

/* mount_opt - --mount's comma-separated KEY[=VALUE] list as -v or --tmpfs */
static int mount_opt(const char *cmd, const char *arg, struct volt_create_opts *o)
{
	cleanup_free char *a = strdup(arg);
	const char *type = "volume", *src = NULL, *dst = NULL, *size = NULL, *mode = NULL;
	bool ro = false;
	if (!a)
		return -1;
	for (char *save = NULL, *kv = strtok_r(a, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *v = strchr(kv, '=');
		if (v)
			*v++ = '\0';
		if (!strcmp(kv, "type") && v)
			type = v;
		else if ((!strcmp(kv, "source") || !strcmp(kv, "src")) && v)
			src = v;
		else if ((!strcmp(kv, "target") || !strcmp(kv, "destination") || !strcmp(kv, "dst")) && v)
			dst = v;
		else if (!strcmp(kv, "readonly") || !strcmp(kv, "ro"))
			ro = !v || !strcmp(v, "true") || !strcmp(v, "1");
		else if (!strcmp(kv, "tmpfs-size") && v)
			size = v;
		else if (!strcmp(kv, "tmpfs-mode") && v)
			mode = v;
		else if (!strcmp(kv, "bind-propagation") && v && !strcmp(v, "rprivate"))
			; /* what volt's bind mounts are */
		else
			return cli_usage_error(cmd,
					       "--mount %s: %s%s%s: not an option volt knows (type, source,"
					       " target, readonly, tmpfs-size, tmpfs-mode)",
					       arg, kv, v ? "=" : "", v ? v : ""),
			       -1;
	}
	if (!dst || dst[0] != '/')
		return cli_usage_error(cmd, "--mount %s: target=ABSOLUTE-PATH is required", arg), -1;
	if ((src && strchr(src, ':')) || strchr(dst, ':'))
		return cli_usage_error(cmd, "--mount %s: a path with ':' is not supported", arg), -1;
	if (!strcmp(type, "tmpfs")) {
		if (src)
			return cli_usage_error(cmd, "--mount %s: a tmpfs has no source", arg), -1;
		cleanup_free char *t = volt_path("%s:%s%s%s%s%s", dst, size ? "size=" : "", size ? size : "",
						 size && mode ? "," : "", mode ? "mode=" : "", mode ? mode : "");
		if (!size && !mode)
			t[strlen(dst)] = '\0';
		cli_strv_add(&o->tmpfs, t);
		return 0;
	}
	if (size || mode)
		return cli_usage_error(cmd, "--mount %s: tmpfs-size and tmpfs-mode are for type=tmpfs", arg), -1;
	if (!strcmp(type, "bind")) {
		if (!src || src[0] != '/')
			return cli_usage_error(cmd, "--mount %s: a bind needs source=ABSOLUTE-PATH", arg), -1;
		if (access(src, F_OK) < 0) /* docker: -v creates it, --mount does not */
			return cli_usage_error(cmd, "--mount %s: bind source path does not exist: %s", arg, src), -1;
	} else if (!strcmp(type, "volume")) {
		if (!src)
			return anon_volume(cmd, dst, ro ? ":ro" : "", o);
		if (src[0] == '/' || src[0] == '.')
			return cli_usage_error(cmd, "--mount %s: a volume's source is a volume name", arg), -1;
	} else {
		return cli_usage_error(cmd, "--mount %s: type %s: volt has bind, volume and tmpfs", arg, type), -1;
	}
	cleanup_free char *v = volt_path("%s:%s%s", src, dst, ro ? ":ro" : "");
	cli_strv_add(&o->volumes, v);
	return 0;
}

/* device_opt - a device node bound in, if the user may open it: in a user
 * namespace volt cannot create nodes (mknod), only bind the host's */
static int device_opt(const char *cmd, const char *arg, struct volt_create_opts *o)
{
	cleanup_free char *a = strdup(arg);
	char *cpath = a ? strchr(a, ':') : NULL, *perm = NULL;
	if (!a)
		return -1;
	if (cpath) {
		*cpath++ = '\0';
		if ((perm = strchr(cpath, ':')))
			*perm++ = '\0';
		if (*cpath != '/') { /* PATH:PERMS */
			perm = cpath;
			cpath = NULL;
		}
	}
	if (a[0] != '/')
		return cli_usage_error(cmd, "--device %s: the host path must be absolute", arg), -1;
	bool ro = perm && !strchr(perm, 'w');
	if (access(a, ro ? R_OK : R_OK | W_OK) < 0)
		return cli_usage_error(cmd,
				       "--device %s: you may not open %s (%s): a user's container gets only "
				       "the devices its user may open",
				       arg, a, strerror(errno)),
		       -1;
	cleanup_free char *v = volt_path("%s:%s%s", a, cpath ? cpath : a, ro ? ":ro" : "");
	cli_strv_add(&o->volumes, v);
	return 0;
}

/* host_platform - "linux/amd64" as Go names the host's architecture */
static void host_platform(char *buf, size_t len)
{
	struct utsname u;
	const char *m = uname(&u) == 0 ? u.machine : "unknown";
	const char *go = !strcmp(m, "x86_64") ? "amd64" : !strcmp(m, "aarch64") ? "arm64" : m;
	snprintf(buf, len, "linux/%s", go);
}

static int platform_opt(const char *cmd, const char *arg)
{
	char host[128];
	host_platform(host, sizeof(host));
	if (!strcmp(arg, "linux") || !strcmp(arg, host))
		return 0;
	return cli_usage_error(cmd,
			       "--platform %s: volt runs images of this host's platform (%s) only; "
			       "it does not pull foreign images for binfmt/QEMU user emulation",
			       arg, host),
	       -1;
}

int cli_run_opt(const char *cmd, int c, const char *arg, struct volt_create_opts *o)
{
	int64_t size;
	struct volt_err err = {0};
	switch (c - CLI_OPT_RUN) {
	case 0: return mount_opt(cmd, arg, o);
	case 1:
		if (strcmp(arg, "missing") && strcmp(arg, "always") && strcmp(arg, "never"))
			return cli_usage_error(cmd, "--pull %s: use missing, always or never", arg), -1;
		run_extra.pull = arg;
		return 0;
	case 2: run_extra.cidfile = arg; return 0;
	case 3: {
		if (volt_size_parse(arg, &size, &err) < 0 || size <= 0 || size == INT64_MAX)
			return cli_usage_error(cmd, "--shm-size %s: not a size", arg), -1;
		cleanup_free char *t = volt_path("/dev/shm:size=%lld,mode=1777", (long long)size);
		cli_strv_add(&o->tmpfs, t);
		return 0;
	}
	case 4: return platform_opt(cmd, arg);
	case 5:
		if (!strcmp(arg, "json-file") || !strcmp(arg, "k8s-file") || !strcmp(arg, "local"))
			return 0;
		return cli_usage_error(cmd,
				       "--log-driver %s: volt keeps the container's output in its own log "
				       "(volt logs; json-file, k8s-file and local mean that); bound it with "
				       "--log-opt max-size=SIZE",
				       arg),
		       -1;
	case 6:
		/* all the user namespace holds: its capabilities, no filters */
		cli_strv_add(&o->cap_add, "ALL");
		cli_strv_add(&o->security_opts, "seccomp=unconfined");
		o->landlock = "none";
		return 0;
	case 7: return device_opt(cmd, arg, o);
	case 8: { /* checked against the caller's own limits by create */
		struct volt_ulimit u;
		if (volt_ulimit_parse(arg, &u, &err) < 0)
			return cli_usage_error(cmd, "%s", err.msg), -1;
		cli_strv_add(&o->ulimits, arg);
		return 0;
	}
	case 9: /* net.* against --network: create checks it */
		if (!strchr(arg, '='))
			return cli_usage_error(cmd, "--sysctl %s: use KEY=VALUE", arg), -1;
		cli_strv_add(&o->sysctls, arg);
		return 0;
	case 10:
		if (!*arg)
			return cli_usage_error(cmd, "--group-add: a group name or gid"), -1;
		cli_strv_add(&o->group_add, arg);
		return 0;
	case 11:
	case 12:
	case 13:
	case 14:
	case 15: return health_opt(cmd, c - CLI_OPT_RUN - 11, arg, o);
	case 16: return health_opt(cmd, 5, arg, o);
	case 17: return health_opt(cmd, 6, arg, o);
	default: return -1;
	}
}

/* run_pull - `volt pull IMAGE` (volt-image), its output on our stderr */
static int run_pull(struct volt_ctx *ctx, const char *image, struct volt_err *err)
{
	cleanup_free char *helper = volt_ctx_helper(ctx, "volt-image");
	int status;
	if (!helper)
		return volt_err_said(err, ENOENT, "volt-image not found");
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return volt_err_sys(err, "fork");
	if (pid == 0) {
		/* stdout is run's (the container's id, its output): the pull's
		 * lines go to stderr, as a pull volt run starts does */
		dup2(2, 1);
		char *argv[] = {"volt", "--root", ctx->root, "--runroot", ctx->runroot, "pull", (char *)image, NULL};
		execv(helper, argv);
		_exit(125);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		volt_err_set(err, 0, "%s", ""); /* it said why */
		err->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 125;
		return -1;
	}
	return 0;
}

/* in_store - the image by name as given or as its normalised reference */
int cli_image_in_store(struct volt_ctx *ctx, const char *image, struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct volt_image_row img;
	struct volt_ref r;
	int f;
	if (!db)
		return -1;
	if ((f = volt_db_image_find(db, image, &img, err)) == 0)
		volt_image_row_free(&img);
	if (f <= 0 || volt_ref_parse(image, &r, err) < 0)
		return f < 0 ? -1 : f == 0;
	cleanup_free char *full = r.tag && !r.digest ? volt_path("%s/%s:%s", r.domain, r.path, r.tag) : NULL;
	volt_ref_free(&r);
	if (full && (f = volt_db_image_find(db, full, &img, err)) == 0)
		volt_image_row_free(&img);
	return f < 0 ? -1 : f == 0;
}

int cli_run_before_create(struct volt_ctx *ctx, const char *image, struct volt_err *err)
{
	if (run_extra.cidfile && access(run_extra.cidfile, F_OK) == 0)
		return volt_err_said(err, EEXIST,
				     "container ID file found, make sure the other container isn't running or "
				     "delete %s",
				     run_extra.cidfile);
	if (!run_extra.pull || !strcmp(run_extra.pull, "missing"))
		return 0;
	if (!strcmp(run_extra.pull, "always"))
		return run_pull(ctx, image, err);
	int r = cli_image_in_store(ctx, image, err);
	if (r == 0)
		return volt_err_said(err, ENOENT, "image %s: not in the store (--pull never)", image);
	return r < 0 ? -1 : 0;
}

int cli_run_after_create(const char *id, struct volt_err *err)
{
	if (!run_extra.cidfile)
		return 0;
	cleanup_close int fd = open(run_extra.cidfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || !volt_write_all(fd, id, strlen(id)))
		return volt_err_sys(err, "--cidfile %s", run_extra.cidfile);
	return 0;
}
