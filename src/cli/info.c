/* volt info: what volt found on this host. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <jansson.h>
#include <linux/landlock.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/cli.h"
#include "userns/idmap.h"
#include "userns/userns_keeper.h"
#include "net/net.h"
#include "security/security.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/syscalls.h"

static int landlock_abi(void)
{
	long r = volt_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return r < 0 ? 0 : (int)r;
}

/* probe_overlay - in a user namespace like a container's, can native
 * overlayfs (userxattr) be mounted? Runs in the child of volt_userns_run. */
static int probe_overlay(void *arg, struct volt_err *err)
{
	const char *dir = arg;
	static const char *sub[] = {"l", "u", "w", "m"};
	for (size_t i = 0; i < 4; i++) {
		cleanup_free char *p = volt_path("%s/%s", dir, sub[i]);
		if (mkdir(p, 0700) < 0)
			return volt_err_sys(err, "mkdir %s", p);
	}
	cleanup_free char *opts = volt_path("lowerdir=%s/l,upperdir=%s/u,workdir=%s/w,userxattr", dir, dir, dir);
	cleanup_free char *m = volt_path("%s/m", dir);
	if (unshare(CLONE_NEWNS) < 0 || mount("overlay", m, "overlay", 0, opts) < 0)
		return volt_err_sys(err, "mount overlay");
	return 0;
}

static const char *overlay_driver(struct volt_ctx *ctx, const struct volt_idmap *map, char *why, size_t len)
{
	cleanup_free char *dir = volt_path("%s/overlay-probe-XXXXXX", ctx->runroot);
	struct volt_err err = {0};
	const char *force = getenv("VOLT_OVERLAY");
	if (force && !strcmp(force, "fuse-overlayfs")) {
		snprintf(why, len, "VOLT_OVERLAY=fuse-overlayfs");
		return "fuse-overlayfs";
	}
	if (!mkdtemp(dir)) {
		snprintf(why, len, "cannot probe: %s", strerror(errno));
		return "unknown";
	}
	int r = volt_userns_run(map, probe_overlay, dir, &err);
	struct volt_err ignored;
	volt_rm_rf(dir, &ignored);
	if (r == 0) {
		snprintf(why, len, "native overlayfs mounts in a user namespace");
		return "overlay (native, userxattr)";
	}
	volt_err_format(&err, why, len);
	return access("/usr/bin/fuse-overlayfs", X_OK) == 0 ? "fuse-overlayfs (fallback)" : "none usable";
}

static const char *access_text(const char *path, int mode)
{
	return access(path, mode) == 0 ? "yes" : "no";
}

static const struct option info_opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_info_spec = {
	.usage = "Usage: volt info [--format json]\n\nShow versions, kernel features, id mapping, storage and "
		 "supervision.\n",
	.longopts = info_opts,
};

int cmd_info(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	struct volt_idmap map;
	struct volt_err err = {0};
	struct utsname u;
	char uids[128], gids[128];
	bool json = argc > 1 && (!strcmp(argv[1], "--format=json") ||
				 (argc > 2 && !strcmp(argv[1], "--format") && !strcmp(argv[2], "json")));

	if (!(ctx = cli_ctx(cli)))
		return 125;
	uname(&u);
	volt_idmap_detect(&map, false, &err);
	volt_idmap_format(map.uids, map.n_uids, uids, sizeof(uids));
	volt_idmap_format(map.gids, map.n_gids, gids, sizeof(gids));
	cleanup_free char *userns_max = NULL;
	volt_read_file("/proc/sys/user/max_user_namespaces", 64, &userns_max, NULL, &err);
	int ll = landlock_abi();
	char ovl_why[512];
	const char *ovl = overlay_driver(ctx, &map, ovl_why, sizeof(ovl_why));
	cleanup_free char *shim = volt_ctx_helper(ctx, "volt-shim");
	cleanup_free char *init = volt_ctx_helper(ctx, "volt-init");
	struct volt_err perr = {0};
	cleanup_free char *seccomp_default = volt_profile_find(ctx, "seccomp", "default", &perr);
	cleanup_free char *landlock_default = volt_profile_find(ctx, "landlock", "default", &perr);
	json_t *o = json_pack(
		"{s:s,s:{s:s,s:s,s:s},s:{s:s,s:s,s:i,s:s,s:s,s:s},s:{s:s,s:s,s:s,s:s},"
		"s:{s:s,s:s,s:s,s:s}}",
		"version", VOLT_VERSION, "host", "kernel", u.release, "arch", u.machine, "sqlite", sqlite3_libversion(),
		"features", "user_namespaces", userns_max && atoi(userns_max) > 0 ? "yes" : "no", "overlay", ovl,
		"landlock_abi", ll, "fuse", access_text("/dev/fuse", R_OK | W_OK), "kvm",
		access_text("/dev/kvm", R_OK | W_OK), "tun", access_text("/dev/net/tun", R_OK | W_OK), "idmap", "mode",
		map.full ? "full" : "single", "why", map.full ? "subordinate ranges found" : map.why, "uids", uids,
		"gids", gids, "store", "root", ctx->root, "runroot", ctx->runroot, "shim", shim, "init", init);
	/* the kept user namespace (userns/userns_keeper.c) */
	char keeper[160];
	if (!map.full)
		snprintf(keeper, sizeof(keeper), "not used (single map: no helpers to save)");
	else if (!volt_userns_keeper_enabled())
		snprintf(keeper, sizeof(keeper), "off ($VOLT_USERNS_KEEPER)");
	else {
		pid_t kpid = 0;
		int kfd = volt_userns_keeper_find(ctx->runroot, &map, &kpid);
		if (kfd >= 0) {
			close(kfd);
			snprintf(keeper, sizeof(keeper), "pid %d (leaves after %u s with no container)", (int)kpid,
				 volt_userns_keeper_idle());
		} else
			snprintf(keeper, sizeof(keeper), "none running (the next volt run starts one)");
	}
	json_object_set_new(json_object_get(o, "idmap"), "keeper", json_string(keeper));
	json_object_set_new(o, "network", volt_net_info_json());
	json_object_set_new(o, "supervisor", cli_info_supervisor(ctx)); /* cli/supervise.c */
	json_object_set_new(o, "vm", cli_info_vm(ctx));			/* cli/info_vm.c */
	json_object_set_new(o, "security",
			    json_pack("{s:s,s:s,s:i,s:s,s:s}", "seccomp_default_profile",
				      seccomp_default ? seccomp_default : "(not found)", "landlock_default_profile",
				      landlock_default ? landlock_default : "(not found)", "landlock_abi_applied", ll,
				      "capabilities", "Docker's default set for container root, none for other users",
				      "no_new_privs", "always"));
	if (json) {
		json_dumpf(o, stdout, JSON_INDENT(2));
		printf("\n");
	} else {
		printf("volt version %s\n\nhost:\n  kernel: %s (%s)\n  sqlite: %s\n", VOLT_VERSION, u.release,
		       u.machine, sqlite3_libversion());
		printf("features:\n  user namespaces: %s\n  overlay driver: %s (%s)\n  landlock ABI: %d\n  /dev/fuse usable: %s\n"
		       "  /dev/kvm usable: %s\n  /dev/net/tun usable: %s\n",
		       userns_max && atoi(userns_max) > 0 ? "yes" : "no", ovl, ovl_why, ll,
		       access_text("/dev/fuse", R_OK | W_OK), access_text("/dev/kvm", R_OK | W_OK),
		       access_text("/dev/net/tun", R_OK | W_OK));
		printf("id mapping:\n  mode: %s%s%s%s\n  uids: %s\n  gids: %s\n", map.full ? "full" : "single",
		       map.full ? "" : " (", map.full ? "" : map.why, map.full ? "" : ")", uids, gids);
		if (!map.full)
			printf("  (single mode maps only your uid, to root: chown to another id, setgroups and\n"
			       "   setuid fail; for apt: -o APT::Sandbox::User=root, for nginx: 'user root;',\n"
			       "   or ask your admin for a subordinate range in /etc/subuid and /etc/subgid)\n");
		printf("  namespace keeper: %s\n", keeper);
		printf("store:\n  root: %s\n  runroot: %s\n  volt-shim: %s\n  volt-init: %s\n", ctx->root, ctx->runroot,
		       shim, init);
		printf("security:\n  seccomp default profile: %s\n  landlock default profile: %s\n"
		       "  landlock ABI applied: %d%s\n  capabilities: Docker's default set for container root\n"
		       "  no_new_privs: always\n",
		       seccomp_default ? seccomp_default : "(not found)",
		       landlock_default ? landlock_default : "(not found)", ll,
		       ll >= 6 ? " (filesystem, TCP, IPC scoping)" :
		       ll >= 4 ? " (no IPC scoping)" :
				 "");
		json_t *net = json_object_get(o, "network");
		printf("network:\n  default: %s (libslirp %s in volt-shim, MTU %d)\n  /dev/net/tun usable: %s\n",
		       json_string_value(json_object_get(net, "default")),
		       json_string_value(json_object_get(net, "libslirp")),
		       (int)json_integer_value(json_object_get(net, "default_mtu")),
		       json_string_value(json_object_get(net, "tun")));
		cli_info_supervisor_print(json_object_get(o, "supervisor"));
		cli_info_vm_print(json_object_get(o, "vm"));
	}
	json_decref(o);
	return 0;
}
