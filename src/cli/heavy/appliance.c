/* volt appliance build|ls|rm: microVM appliances from images (vm/appliance.c). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "state/db.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "vm/appliance.h"
#include "vm/kernel.h"

static const struct option build_opts[] = {{"kernel", required_argument, NULL, 'k'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec build_spec = {
	.usage = "Usage: volt appliance build IMAGE [--kernel PATH|VERSION]\n\n"
		 "Build the image's microVM appliance (an initramfs of its tree, the guest agent and the\n"
		 "kernel's guest modules) or find it: it is kept by the digest of its inputs.\n",
	.longopts = build_opts,
};

static int appliance_build(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_kernel k = {0};
	struct volt_image_row img;
	struct volt_appliance app = {0};
	const char *kernel = NULL;
	struct volt_ctx *ctx;
	int c, r;

	while ((c = cli_getopt(argc, argv, &build_spec)) != -1) {
		if (c != 'k')
			return cli_usage_error("appliance build", "invalid option");
		kernel = optarg;
	}
	if (argc - optind != 1)
		return cli_usage_error("appliance build", "requires exactly 1 argument (IMAGE)");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	struct volt_db *db = volt_ctx_db(ctx, &err);
	if (!db)
		return cli_fail(&err);
	r = volt_db_image_find(db, argv[optind], &img, &err);
	if (r > 0)
		volt_err_said(&err, ENOENT, "image %s: no such image", argv[optind]);
	if (r != 0)
		return cli_fail(&err);
	const char *boot = getenv("VOLT_HOST_BOOT");
	cleanup_free char *init = volt_ctx_helper(ctx, "volt-init");
	if (!init)
		r = volt_err_set(&err, ENOENT, "volt-init not found beside volt");
	else if (volt_kernel_find(ctx->root, boot && *boot ? boot : "/boot", kernel, &k, &err) == 0)
		r = volt_appliance_build(ctx, img.id, &k, init, &app, &err);
	else
		r = -1;
	volt_image_row_free(&img);
	volt_kernel_free(&k);
	if (r < 0)
		return cli_fail(&err);
	printf("%s %s %lld %s\n", app.key, app.path, app.size, app.cached ? "cached" : "built");
	volt_appliance_free(&app);
	return 0;
}

static const struct option ls_opts[] = {
	{"quiet", no_argument, NULL, 'q'}, {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec ls_spec = {
	.usage = "Usage: volt appliance ls [-q] [--format json]\n\nThe appliances in $VOLT_ROOT/appliances.\n",
	.opts = "q",
	.longopts = ls_opts,
};

static int appliance_ls(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_appliance_info *v;
	struct volt_err err = {0};
	bool quiet = false, json = false;
	struct volt_ctx *ctx;
	size_t n;
	int c;

	while ((c = cli_getopt(argc, argv, &ls_spec)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f' && !strcmp(optarg, "json"))
			json = true;
		else
			return cli_usage_error("appliance ls", c == 'f' ? "--format: only json" : "invalid option");
	}
	if (optind < argc)
		return cli_usage_error("appliance ls", "takes no arguments");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (volt_appliance_list(ctx, &v, &n, &err) < 0)
		return cli_fail(&err);
	if (!quiet && !json)
		printf("%-14s %-14s %-28s %-9s %s\n", "KEY", "IMAGE", "KERNEL", "SIZE", "CREATED");
	for (size_t i = 0; i < n; i++) {
		char size[32], ago[64];
		if (quiet) {
			printf("%s\n", v[i].key);
		} else if (json) {
			json_auto_t *o = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "Key", v[i].key, "Image", v[i].image,
						   "Kernel", v[i].kernel, "Path", v[i].path, "Size",
						   (json_int_t)v[i].size, "Created", (json_int_t)v[i].created);
			cleanup_free char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
			if (s)
				printf("%s\n", s);
		} else {
			volt_human_size(v[i].size, size, sizeof(size));
			volt_human_ago(v[i].created, ago, sizeof(ago));
			printf("%-14.12s %-14.12s %-28s %-9s %s\n", v[i].key, v[i].image, v[i].kernel, size, ago);
		}
	}
	volt_appliances_free(v, n);
	return 0;
}

static const struct volt_cmd_spec rm_spec = {
	.usage = "Usage: volt appliance rm KEY...\n\nRemove appliances (a key's first 4 hex digits are enough when "
		 "they name one). The next start builds it again.\n",
};

static int appliance_rm(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	int ret = 0;
	if (argc < 2)
		return cli_usage_error("appliance rm", "requires at least 1 argument (KEY)");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	for (int i = 1; i < argc; i++) {
		struct volt_err err = {0};
		char key[65];
		if (volt_appliance_remove(ctx, argv[i], key, &err) < 0)
			ret = cli_fail(&err);
		else
			printf("%s\n", key);
	}
	return ret;
}

static const struct volt_cmd appliance_cmds[] = {
	{"build", appliance_build, "Build an image's appliance (or find it)", &build_spec},
	{"ls", appliance_ls, "List appliances", &ls_spec},
	{"rm", appliance_rm, "Remove appliances", &rm_spec},
	{NULL, NULL, NULL, NULL},
};

const struct volt_cmd_spec cli_appliance_spec = {
	.usage = "Usage: volt appliance COMMAND\n\nMicroVM appliances built from images, kept in "
		 "$VOLT_ROOT/appliances; `volt cas gc` removes those whose image is gone.\n",
	.subs = appliance_cmds,
};
