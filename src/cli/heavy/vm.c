/* volt vm kernel fetch|ls|rm, volt vm check: kernels for microVMs and a
 * check that one boots here (vm/kernel.c, vm/probe.c). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "net/net.h"
#include "cli/heavy/vm_volumes.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"
#include "state/db.h"
#include "vm/appliance.h"
#include "vm/engine.h"
#include "vm/kernel.h"
#include "vm/probe.h"

static const struct option fetch_opts[] = {{"deb", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec fetch_spec = {
	.usage = "Usage: volt vm kernel fetch [PACKAGE] [--deb FILE]...\n\n"
		 "Download a distribution kernel package as the user (apt-get download, dpkg-deb -x;\n"
		 "no root) and keep the kernel and the modules a guest needs in $VOLT_ROOT/kernels.\n"
		 "PACKAGE defaults to the distribution's virtual-machine kernel (Debian:\n"
		 "linux-image-cloud-amd64, Ubuntu: linux-image-virtual). --deb installs from\n"
		 "package files already downloaded (the image package, and the modules\n"
		 "package where the distribution splits them).\n",
	.longopts = fetch_opts,
};

static int kernel_fetch(struct volt_cli *cli, int argc, char **argv)
{
	cleanup_strv char **debs = NULL;
	cleanup_free char *version = NULL;
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	int c;

	while ((c = cli_getopt(argc, argv, &fetch_spec)) != -1) {
		switch (c) {
		case 'd': cli_strv_add(&debs, optarg); break;
		default: return cli_usage_error("vm kernel fetch", "invalid option");
		}
	}
	if (argc - optind > 1 || (debs && optind < argc))
		return cli_usage_error("vm kernel fetch", "takes one PACKAGE, or --deb files");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	int r = debs ? volt_kernel_install_debs(ctx->root, debs, NULL, &version, &err) :
		       volt_kernel_fetch(ctx->root, optind < argc ? argv[optind] : NULL, &version, &err);
	if (r < 0)
		return cli_fail(&err);
	printf("%s\n", version);
	return 0;
}

static const struct option ls_opts[] = {
	{"format", required_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec ls_spec = {
	.usage = "Usage: volt vm kernel ls [-q] [--format FORMAT]\n\n"
		 "The kernels microVMs can boot: volt's own ($VOLT_ROOT/kernels), then the host's\n"
		 "readable /boot/vmlinuz-*, newest first. The first one is the default.\n\n"
		 "  -q, --quiet          print only versions\n"
		 "      --format FORMAT  json (an object per line), table TEMPLATE, or a Go template\n"
		 "                       per kernel: .Version .Origin (store, host, path) .Path (the\n"
		 "                       file QEMU loads) .Modules (yes, no) .ModulesPath .Package\n"
		 "                       .Default (true for the first)\n",
	.opts = "q",
	.longopts = ls_opts,
};

static const struct cli_col kernel_cols[] = {
	{"Version", "VERSION"}, {"Origin", "ORIGIN"},	{"Modules", "MODULES"},
	{"Path", "IMAGE"},	{"Image", "IMAGE"},	{"ModulesPath", "MODULES PATH"},
	{"Package", "PACKAGE"}, {"Default", "DEFAULT"}, {NULL, NULL}};

static int kernel_ls(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_kernel *v = NULL;
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	const char *format = NULL;
	bool quiet = false;
	size_t n;
	int c;

	while ((c = cli_getopt(argc, argv, &ls_spec)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'q': quiet = true; break;
		default: return cli_usage_error("vm kernel ls", "invalid option");
		}
	}
	if (optind < argc)
		return cli_usage_error("vm kernel ls", "takes no arguments");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (volt_kernel_list(ctx->root, volt_kernel_host_boot(), &v, &n, &err) < 0)
		return cli_fail(&err);
	struct cli_listing out;
	if (!quiet && cli_listing_open(&out, "vm kernel ls", format,
				       "table {{.Version}}\t{{.Origin}}\t{{.Modules}}\t{{.Path}}", kernel_cols) < 0) {
		volt_kernels_free(v, n);
		return VOLT_EXIT_INTERNAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (quiet) {
			printf("%s\n", v[i].version);
			continue;
		}
		/* strings as docker's listings have them; Default stays a boolean */
		json_auto_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "Version", v[i].version, "Origin",
					   volt_kernel_origin_name(v[i].origin), "Path", v[i].image, "Image",
					   v[i].image, "Modules", v[i].modules ? "yes" : "no", "ModulesPath",
					   v[i].modules ? v[i].modules : "", "Package",
					   v[i].package ? v[i].package : "", "Default", i == 0);
		if (!o || cli_listing_row(&out, o) < 0)
			break;
	}
	volt_kernels_free(v, n);
	return quiet ? 0 : cli_listing_close(&out);
}

static const struct volt_cmd_spec rm_spec = {
	.usage = "Usage: volt vm kernel rm VERSION...\n\nRemove kernels volt keeps in $VOLT_ROOT/kernels "
		 "(the host's are not volt's to remove).\n",
};

static int kernel_rm(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	int ret = 0;

	if (argc < 2)
		return cli_usage_error("vm kernel rm", "requires at least 1 argument (VERSION)");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	for (int i = 1; i < argc; i++) {
		struct volt_err err = {0};
		if (volt_kernel_remove(ctx->root, argv[i], &err) < 0)
			ret = cli_fail(&err);
		else
			printf("%s\n", argv[i]);
	}
	return ret;
}

static const struct volt_cmd kernel_cmds[] = {
	{"fetch", kernel_fetch, "Get a distribution kernel, as the user", &fetch_spec},
	{"ls", kernel_ls, "The kernels volt can boot, the default first", &ls_spec},
	{"rm", kernel_rm, "Remove kernels from $VOLT_ROOT/kernels", &rm_spec},
	{NULL, NULL, NULL, NULL},
};
static const struct volt_cmd_spec kernel_spec = {
	.usage = "Usage: volt vm kernel COMMAND\n\nKernels for microVMs.\n",
	.subs = kernel_cmds,
};

/* check_boot - build the probe's initramfs in a scratch directory of the
 * runtime directory, boot it, say how long it took */
static int check_boot(struct volt_ctx *ctx, const struct volt_kernel *k, struct volt_vm_probe *p)
{
	struct volt_err err = {0}, ignore;
	struct volt_vm_probe_result res = {0};
	cleanup_free char *init = volt_ctx_helper(ctx, "volt-init");
	cleanup_free char *tmp = volt_path("%s/vm-check-XXXXXX", ctx->runroot);
	if (!init) {
		volt_err_set(&err, 2, "volt-init not found beside volt");
		return cli_fail(&err);
	}
	if (volt_mkdir_p(ctx->runroot, 0700, &err) < 0)
		return cli_fail(&err);
	if (!mkdtemp(tmp)) {
		volt_err_sys(&err, "mkdir %s", tmp);
		return cli_fail(&err);
	}
	cleanup_free char *initrd = volt_path("%s/initrd.cpio", tmp);
	p->initrd = initrd;
	int r = volt_vm_probe_initrd(init, k, initrd, &err);
	if (r == 0)
		r = volt_vm_probe_boot(p, &res, &err);
	volt_rm_rf(tmp, &ignore);
	if (r < 0)
		return cli_fail(&err);
	res.output[strcspn(res.output, "\n")] = '\0';
	printf("agent: %s, ready %.2f s after QEMU's start\n", res.agent, (double)res.ready_ms / 1000.0);
	printf("guest command: /init --version: exit %d: %s\n", res.code, res.output);
	printf("powered off %.2f s after QEMU's start\n", (double)res.total_ms / 1000.0);
	return res.code == 0 ? 0 : 125;
}

/* check_image - the image's appliance (built or found), booted, and the
 * command run in it through the agent; its exit code is ours */
static int check_image(struct volt_ctx *ctx, const struct volt_kernel *k, const char *image, struct volt_vm_probe *p)
{
	struct volt_err err = {0};
	struct volt_image_row img;
	struct volt_appliance app = {0};
	struct volt_vm_probe_result res;
	struct volt_db *db = volt_ctx_db(ctx, &err);
	int r;

	if (!db)
		return cli_fail(&err);
	r = volt_db_image_find(db, image, &img, &err);
	if (r != 0) {
		if (r > 0)
			volt_err_set(&err, ENOENT, "image %s: no such image", image);
		return cli_fail(&err);
	}
	cleanup_free char *init = volt_ctx_helper(ctx, "volt-init");
	long long t0 = volt_now_ns();
	r = init ? volt_appliance_build(ctx, img.id, k, init, &app, &err) :
		   volt_err_set(&err, ENOENT, "volt-init not found beside volt");
	volt_image_row_free(&img);
	if (r < 0)
		return cli_fail(&err);
	printf("appliance: %.12s, %.1f MB, %s\n", app.key, (double)app.size / 1e6, app.cached ? "cached" : "built");
	if (!app.cached)
		printf("appliance built in %.2f s\n", (double)(volt_now_ns() - t0) / 1e9);
	fflush(stdout);
	p->initrd = app.path;
	r = volt_vm_probe_boot(p, &res, &err);
	volt_appliance_free(&app);
	if (r < 0)
		return cli_fail(&err);
	fprintf(stderr, "agent ready %.2f s, VM off %.2f s after QEMU's start; exit %d\n",
		(double)res.ready_ms / 1000.0, (double)res.total_ms / 1000.0, res.code);
	return res.code;
}

/* check_net - the VM's network for --network and -p (-p implies slirp):
 * the chosen host ports are said, then the ports are handed to the VM's
 * slirp in their stored form, as a monitor would from a spec.
 * Return: 0, or -1 with err. */
static int check_net(const char *network, char **publish, struct volt_net *net, int *qemu_fd, struct volt_err *err)
{
	cleanup_free struct volt_port *v = NULL;
	cleanup_strv char **stored = NULL;
	size_t n = 0;
	char buf[128];

	for (size_t i = 0; publish && publish[i]; i++)
		if (volt_ports_parse(publish[i], &v, &n, err) < 0)
			return -1;
	if (n && volt_ports_reserve(v, n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		cli_strv_add(&stored, volt_port_format(&v[i], buf, sizeof(buf)));
	if (volt_net_vm_prepare(network ? network : "slirp", stored, net, qemu_fd, err) < 0)
		return -1;
	printf("network: %s", *qemu_fd >= 0 ? "slirp" : "none");
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? ", " : ", published ", volt_port_display(&v[i], buf, sizeof(buf)));
	printf("\n");
	return 0;
}

/* check_appliance - an appliance by name or key, booted (with its disk, if
 * it has one), and COMMAND or its entrypoint run in it through the agent */
static int check_appliance(const struct volt_appliance_info *a, struct volt_vm_probe *p)
{
	struct volt_err err = {0};
	struct volt_vm_probe_result res;
	cleanup_strv char **env = NULL;
	if (!p->args && !a->entrypoint) {
		volt_err_set(&err, EINVAL, "appliance %.12s has no entrypoint: give a COMMAND after --", a->key);
		return cli_fail(&err);
	}
	if (!p->args)
		p->args = (const char *const *)a->entrypoint;
	if (volt_env_set(&env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") < 0 ||
	    volt_env_set(&env, "HOME=/root") < 0)
		return 125;
	for (size_t i = 0; a->env && a->env[i]; i++)
		if (volt_env_set(&env, a->env[i]) < 0)
			return 125;
	p->env = (const char *const *)env;
	printf("appliance: %.12s%s%s, %s, %.1f MB\n", a->key, a->name ? " " : "", a->name ? a->name : "", a->strategy,
	       (double)a->size / 1e6);
	fflush(stdout);
	p->initrd = a->path;
	p->disk = a->disk;
	if (volt_vm_probe_boot(p, &res, &err) < 0)
		return cli_fail(&err);
	fprintf(stderr, "agent ready %.2f s, VM off %.2f s after QEMU's start; exit %d\n",
		(double)res.ready_ms / 1000.0, (double)res.total_ms / 1000.0, res.code);
	return res.code;
}

/* vm_check - boot the kernel into volt-init's probe mode and time it */
static const struct option check_opts[] = {
	{"kernel", required_argument, NULL, 'k'},    {"accel", required_argument, NULL, 'a'},
	{"timeout", required_argument, NULL, 't'},   {"append", required_argument, NULL, 'A'},
	{"image", required_argument, NULL, 'i'},     {"network", required_argument, NULL, 'n'},
	{"publish", required_argument, NULL, 'p'},   {"volume", required_argument, NULL, 'v'},
	{"appliance", required_argument, NULL, 'L'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec check_spec = {
	.usage = "Usage: volt vm check [--kernel PATH|VERSION] [--accel auto|kvm|tcg] [--timeout S]\n"
		 "                     [--append KERNEL-ARGS] [--network slirp[:OPTS]|none] [-p [IP:]HOST:GUEST]...\n"
		 "                     [-v SRC:DST[:ro]]...\n"
		 "                     [--image IMAGE [-- COMMAND [ARG...]]]\n"
		 "                     [--appliance NAME|KEY [-- COMMAND [ARG...]]]\n\n"
		 "Boot a kernel with an initramfs of volt-init (the guest agent) and the kernel's guest\n"
		 "modules, run `/init --version` in the guest through the agent, and power the VM off:\n"
		 "shows the engine, the accelerator and why, and the times. With --image, the initramfs\n"
		 "is the image's appliance (built once, kept in $VOLT_ROOT/appliances) and COMMAND runs\n"
		 "in it: its output is printed and its exit code is volt's.\n\n"
		 "--network slirp gives the guest a virtio-net NIC served by volt's user-mode network\n"
		 "(10.0.2.100/24, gateway 10.0.2.2, DNS 10.0.2.3; options as for containers); -p\n"
		 "publishes a guest port on the host and implies slirp. Without either: no NIC.\n"
		 "-v shares a host directory (or a named volume) with the guest at DST, by virtiofs or\n"
		 "9p as the kernel allows. With --appliance, an appliance already built (`volt appliance\n"
		 "build`, by name or key) boots with the kernel it was built for, and COMMAND (else its\n"
		 "entrypoint) runs in it.\n",
	.opts = "p:v:",
	.longopts = check_opts,
};

static int vm_check(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_engine eng = {0};
	struct volt_kernel k = {0};
	struct volt_err err = {0};
	enum volt_accel want = VOLT_ACCEL_AUTO, accel;
	const char *kernel = NULL, *append = NULL, *image = NULL, *network = NULL, *appliance = NULL;
	cleanup_strv char **publish = NULL;
	struct volt_net net = {0};
	int qemu_net = -1;
	struct volt_appliance_info app = {0};
	char why[512];
	cleanup_strv char **vols = calloc(1, sizeof(char *));
	struct cli_vm_volumes vv = {0};
	long timeout_s = 120;
	struct volt_ctx *ctx;
	int c, ret = 125;

	while ((c = cli_getopt(argc, argv, &check_spec)) != -1) {
		switch (c) {
		case 'k': kernel = optarg; break;
		case 'A': append = optarg; break;
		case 'i': image = optarg; break;
		case 'n': network = optarg; break;
		case 'p': cli_strv_add(&publish, optarg); break;
		case 'v': volt_strv_push(&vols, optarg); break;
		case 'L': appliance = optarg; break;
		case 'a':
			if (volt_accel_parse(optarg, &want, &err) < 0)
				return cli_fail(&err);
			break;
		case 't':
			timeout_s = strtol(optarg, NULL, 10);
			if (timeout_s <= 0 || timeout_s > 3600)
				return cli_usage_error("vm check", "--timeout: seconds, 1 to 3600");
			break;
		default: return cli_usage_error("vm check", "invalid option");
		}
	}
	if (optind < argc && !image && !appliance)
		return cli_usage_error("vm check", "a COMMAND needs --image or --appliance");
	if (image && appliance)
		return cli_usage_error("vm check", "--image or --appliance, not both");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	/* an appliance boots the kernel its modules are for */
	if (appliance && volt_appliance_find(ctx, appliance, &app, &err) < 0)
		return cli_fail(&err);
	if (appliance && !kernel)
		kernel = app.kernel;
	if (volt_engine_find(&eng, NULL, &err) < 0 ||
	    volt_accel_choose(&eng, want, ctx->runroot, &accel, why, sizeof(why), &err) < 0 ||
	    volt_kernel_find(ctx->root, volt_kernel_host_boot(), kernel, &k, &err) < 0) {
		ret = cli_fail(&err);
		goto out;
	}
	printf("engine: %s %s\naccelerator: %s (%s)\nkernel: %s (%s)\n", eng.qemu, eng.version, volt_accel_name(accel),
	       why, k.version, k.image);
	if ((network || publish) && check_net(network, publish, &net, &qemu_net, &err) < 0) {
		ret = cli_fail(&err);
		goto out;
	}
	fflush(stdout);
	struct volt_vm_probe p = {.qemu = eng.qemu,
				  .accel = accel,
				  .kernel = k.image,
				  .append = append,
				  .timeout_ms = (int)timeout_s * 1000,
				  .net = volt_net_source(&net),
				  .net_fd = qemu_net,
				  .net_mtu = net.opts.mtu};
	if (vols && vols[0]) {
		if (cli_vm_volumes_start(ctx, &k, vols, volt_strv_len(vols), append, &vv, &err) < 0) {
			ret = cli_fail(&err);
			goto out;
		}
		p.append = vv.append;
		p.shares = vv.s.q;
		p.n_shares = vv.s.n;
	}
	if (image || appliance) {
		p.args = optind < argc ? (const char *const *)argv + optind : NULL;
		p.relay = true;
		ret = image ? check_image(ctx, &k, image, &p) : check_appliance(&app, &p);
	} else {
		ret = check_boot(ctx, &k, &p);
	}
out:
	if (qemu_net >= 0)
		close(qemu_net);
	volt_net_free(&net);
	cli_vm_volumes_stop(&vv);
	volt_engine_free(&eng);
	volt_kernel_free(&k);
	volt_appliance_info_free(&app);
	return ret;
}

static const struct volt_cmd vm_cmds[] = {
	{"kernel", NULL, "Kernels for microVMs: fetch, ls, rm", &kernel_spec},
	{"check", vm_check, "Boot a kernel, run a command through the guest agent, power off", &check_spec},
	{NULL, NULL, NULL, NULL},
};

const struct volt_cmd_spec cli_vm_spec = {
	.usage = "Usage: volt vm COMMAND\n\nMicroVMs (QEMU's microvm machine, run as the user).\n",
	.subs = vm_cmds,
};
