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
#include "util/strv.h"
#include "vm/appliance.h"
#include "vm/kernel.h"

static const struct option build_opts[] = {{"kernel", required_argument, NULL, 'k'},
					   {"strategy", required_argument, NULL, 's'},
					   {"from-files", required_argument, NULL, 'f'},
					   {"manifest", required_argument, NULL, 'm'},
					   {"from-dir", required_argument, NULL, 'D'},
					   {"add-file", required_argument, NULL, 'a'},
					   {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec build_spec = {
	.usage = "Usage: volt appliance build IMAGE [--kernel PATH|VERSION] [--strategy initramfs|disk]\n"
		 "       volt appliance build --from-files FLEDGE.toml [--manifest MANIFEST.toml] [--kernel K]\n"
		 "                            [--strategy initramfs|disk]\n"
		 "       volt appliance build --from-dir ROOTFS [--add-file SRC:/DEST]... [--kernel K]\n\n"
		 "Build a microVM appliance or find it: it is kept by the digest of its inputs, and printed\n"
		 "as KEY PATH SIZE built|cached. From an image: its tree, the guest agent and the kernel's\n"
		 "guest modules. --strategy disk makes an ext4 image of the tree instead (for images too\n"
		 "large for memory) and a small initramfs that mounts it as the root.\n"
		 "--from-files reads Volant's fledge.toml ([mappings] \"source\" = \"/dest\"; strategy\n"
		 "oci_rootfs is disk) and its manifest.toml (manifest.toml beside it unless --manifest:\n"
		 "name, [workload] entrypoint, [env]; both may be one file): the appliance holds only those\n"
		 "files, the agent and the modules, and is kept under the manifest's name.\n"
		 "--from-dir takes a root file system directory (an OCI bundle's rootfs, as volt-runtime\n"
		 "does for run.oci.volt.vm): its tree with its modes, owned by root (initramfs only);\n"
		 "--add-file puts a copy of the file SRC at DEST in it (volt-runtime's binds of files).\n",
	.longopts = build_opts,
};

static int appliance_build(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_kernel k = {0};
	struct volt_appliance app = {0};
	const char *kernel = NULL, *strategy = NULL, *files = NULL, *manifest = NULL, *dir = NULL;
	cleanup_free char *image_id = NULL, *name = NULL;
	cleanup_strv char **add = NULL;
	struct volt_ctx *ctx;
	int c, r;

	while ((c = cli_getopt(argc, argv, &build_spec)) != -1) {
		switch (c) {
		case 'k': kernel = optarg; break;
		case 's': strategy = optarg; break;
		case 'f': files = optarg; break;
		case 'm': manifest = optarg; break;
		case 'D': dir = optarg; break;
		case 'a':
			if (volt_strv_push(&add, optarg) < 0) {
				volt_err_set(&err, ENOMEM, "appliance build");
				return cli_fail(&err);
			}
			break;
		default: return cli_usage_error("appliance build", "invalid option");
		}
	}
	if (dir && (files || manifest || (strategy && strcmp(strategy, "initramfs")) || argc != optind))
		return cli_usage_error("appliance build", "--from-dir takes no IMAGE, --from-files or disk strategy");
	if (!dir && (files ? argc != optind : argc - optind != 1))
		return cli_usage_error("appliance build",
				       files ? "--from-files takes no IMAGE" : "requires exactly 1 argument (IMAGE)");
	if (manifest && !files)
		return cli_usage_error("appliance build", "--manifest goes with --from-files");
	if (add && !dir)
		return cli_usage_error("appliance build", "--add-file goes with --from-dir");
	if (strategy && !volt_appliance_strategy_ok(strategy))
		return cli_usage_error("appliance build", "--strategy: initramfs or disk");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (!files && !dir) {
		struct volt_image_row img;
		struct volt_db *db = volt_ctx_db(ctx, &err);
		if (!db)
			return cli_fail(&err);
		r = volt_db_image_find(db, argv[optind], &img, &err);
		if (r > 0)
			volt_err_said(&err, ENOENT, "image %s: no such image", argv[optind]);
		if (r != 0)
			return cli_fail(&err);
		image_id = strdup(img.id);
		volt_image_row_free(&img);
	}
	cleanup_free char *init = volt_ctx_helper(ctx, "volt-init");
	if (!init)
		r = volt_err_set(&err, ENOENT, "volt-init not found beside volt");
	else if (volt_kernel_find(ctx->root, volt_kernel_host_boot(), kernel, &k, &err) < 0)
		r = -1;
	else if (dir)
		r = volt_appliance_build_dir(ctx, dir, add, &k, init, &app, &err);
	else if (files)
		r = volt_appliance_build_files(ctx, files, manifest, &k, init, strategy, &app, &name, &err);
	else
		r = volt_appliance_build_image(ctx, image_id, &k, init, strategy, &app, &err);
	volt_kernel_free(&k);
	if (r < 0)
		return cli_fail(&err);
	printf("%s %s %lld %s\n", app.key, app.path, app.size, app.cached ? "cached" : "built");
	volt_appliance_free(&app);
	return 0;
}

/* An image appliance's record keeps the image's id; people name the image.
 * image_label_cb/image_labels: the first repo:tag of each image id, for ls. */
struct image_labels {
	char **ids, **labels;
};

static int image_label_cb(const struct volt_image_row *img, void *arg)
{
	struct image_labels *l = arg;
	if (!img->repo)
		return 0;
	for (size_t i = 0; l->ids && l->ids[i]; i++)
		if (!strcmp(l->ids[i], img->id))
			return 0;
	cleanup_free char *label = volt_path("%s:%s", img->repo, img->tag ? img->tag : "latest");
	volt_strv_push(&l->ids, img->id);
	volt_strv_push(&l->labels, label);
	return 0;
}

static const char *image_label(const struct image_labels *l, const char *id)
{
	for (size_t i = 0; l->ids && l->ids[i]; i++)
		if (!strcmp(l->ids[i], id))
			return l->labels[i];
	return NULL;
}

/* image_appliance_keys - when what names no file-list appliance but an
 * image of the store, the keys of the appliances built from that image
 * (every kernel and strategy); 0 with *keys NULL when it names no image. */
static int image_appliance_keys(struct volt_ctx *ctx, const char *what, char ***keys, struct volt_err *err)
{
	struct volt_appliance_info *v, named;
	struct volt_image_row img;
	struct volt_db *db;
	size_t n;
	int r;

	*keys = NULL;
	if (volt_appliance_find_named(ctx, what, &named, err) == 0) {
		volt_appliance_info_free(&named);
		return 0;
	}
	*err = (struct volt_err){0};
	if (!(db = volt_ctx_db(ctx, err)))
		return -1;
	if ((r = volt_db_image_find(db, what, &img, err)) != 0) {
		*err = (struct volt_err){0};
		return 0; /* not an image's name: a key prefix, said by the caller */
	}
	if (volt_appliance_list(ctx, &v, &n, err) < 0) {
		volt_image_row_free(&img);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].image && !strcmp(v[i].image, img.id))
			volt_strv_push(keys, v[i].key);
	volt_appliances_free(v, n);
	r = *keys ? 0 :
		    volt_err_said(err, ENOENT, "appliance %s: no appliance built from image %s (%.12s)", what, what,
				  img.id);
	volt_image_row_free(&img);
	return r;
}

static const struct option ls_opts[] = {
	{"quiet", no_argument, NULL, 'q'}, {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec ls_spec = {
	.usage = "Usage: volt appliance ls [-q] [--format FORMAT]\n\nThe appliances in $VOLT_ROOT/appliances.\n\n"
		 "  -q, --quiet          print only keys\n"
		 "      --format FORMAT  json (an object per line), table TEMPLATE, or a Go template\n"
		 "                       per appliance: .ID (the key's 12) .Key .Name (its name, else\n"
		 "                       its image's) .Image (the image id) .Strategy .Kernel .Path\n"
		 "                       .Disk .Size .Bytes .CreatedSince .CreatedAt\n",
	.opts = "q",
	.longopts = ls_opts,
};

static const struct cli_col appliance_cols[] = {{"ID", "KEY"},
						{"Key", "KEY"},
						{"Name", "IMAGE/NAME"},
						{"Image", "IMAGE"},
						{"Strategy", "STRATEGY"},
						{"Kernel", "KERNEL"},
						{"Path", "PATH"},
						{"Disk", "DISK"},
						{"Size", "SIZE"},
						{"Bytes", "BYTES"},
						{"CreatedSince", "CREATED"},
						{"CreatedAt", "CREATED AT"},
						{NULL, NULL}};

/* appliance_row - docker's images style: strings, the size in bytes beside */
static json_t *appliance_row(const struct volt_appliance_info *a, const struct image_labels *labels)
{
	char size[32], ago[64], created[48], short_id[13];
	volt_human_size(a->size, size, sizeof(size));
	volt_human_ago(a->created, ago, sizeof(ago));
	volt_format_time(a->created, created, sizeof(created));
	const char *label = a->name ? a->name : a->image ? image_label(labels, a->image) : NULL;
	if (!label && a->image) {
		snprintf(short_id, sizeof(short_id), "%.12s", a->image);
		label = short_id;
	}
	return json_pack("{s:s%,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s}", "ID", a->key, (size_t)12, "Key", a->key,
			 "Name", label ? label : "", "Image", a->image ? a->image : "", "Strategy", a->strategy,
			 "Kernel", a->kernel, "Path", a->path, "Disk", a->disk ? a->disk : "", "Size", size, "Bytes",
			 (json_int_t)a->size, "CreatedSince", ago, "CreatedAt", created);
}

static int appliance_ls(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_appliance_info *v;
	struct volt_err err = {0};
	const char *format = NULL;
	bool quiet = false;
	struct volt_ctx *ctx;
	size_t n;
	int c;

	while ((c = cli_getopt(argc, argv, &ls_spec)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f')
			format = optarg;
		else
			return cli_usage_error("appliance ls", "invalid option");
	}
	if (optind < argc)
		return cli_usage_error("appliance ls", "takes no arguments");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (volt_appliance_list(ctx, &v, &n, &err) < 0)
		return cli_fail(&err);
	struct image_labels labels = {0};
	struct volt_db *db = volt_ctx_db(ctx, &err);
	if (db && volt_db_image_list(db, image_label_cb, &labels, &err) < 0)
		err = (struct volt_err){0}; /* ids instead of names */
	struct cli_listing out;
	int ret = 0;
	if (!quiet &&
	    cli_listing_open(&out, "appliance ls", format,
			     "table {{.ID}}\t{{.Name}}\t{{.Strategy}}\t{{.Kernel}}\t{{.Size}}\t{{.CreatedSince}}",
			     appliance_cols) < 0)
		ret = VOLT_EXIT_INTERNAL;
	for (size_t i = 0; !ret && i < n; i++) {
		if (quiet) {
			printf("%s\n", v[i].key);
			continue;
		}
		json_auto_t *o = appliance_row(&v[i], &labels);
		if (!o || cli_listing_row(&out, o) < 0)
			break;
	}
	if (!ret && !quiet)
		ret = cli_listing_close(&out);
	volt_appliances_free(v, n);
	volt_strv_free(labels.ids);
	volt_strv_free(labels.labels);
	return ret;
}

static const struct volt_cmd_spec rm_spec = {
	.usage =
		"Usage: volt appliance rm NAME|IMAGE|KEY...\n\nRemove appliances (the newest of a name, every one built "
		"from an image, or a key: its first 4 hex digits are enough when they name one). The next start builds "
		"it again.\n",
};

static int appliance_rm(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	int ret = 0;
	if (argc < 2)
		return cli_usage_error("appliance rm", "requires at least 1 argument (NAME or KEY)");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	for (int i = 1; i < argc; i++) {
		struct volt_err err = {0};
		cleanup_strv char **keys = NULL;
		char key[65];
		if (image_appliance_keys(ctx, argv[i], &keys, &err) < 0) {
			ret = cli_fail(&err);
			continue;
		}
		for (size_t k = 0; keys && keys[k]; k++) {
			if (volt_appliance_remove(ctx, keys[k], key, &err) < 0)
				ret = cli_fail(&err);
			else
				printf("%s\n", key);
		}
		if (keys)
			continue;
		if (volt_appliance_remove(ctx, argv[i], key, &err) < 0)
			ret = cli_fail(&err);
		else
			printf("%s\n", key);
	}
	return ret;
}

static const struct volt_cmd_spec inspect_spec = {
	.usage =
		"Usage: volt appliance inspect NAME|IMAGE|KEY...\n\nThe records of appliances as JSON (an image's: every "
		"one built from it): what each was built from (its inputs),\nthe kernel, the strategy, its size and "
		"files, and the entrypoint of a file list's.\n",
};

static int appliance_inspect(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	int ret = 0;
	if (argc < 2)
		return cli_usage_error("appliance inspect", "requires at least 1 argument (NAME or KEY)");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	printf("[");
	for (int i = 1, n = 0; i < argc; i++) {
		struct volt_err err = {0};
		cleanup_strv char **keys = NULL;
		if (image_appliance_keys(ctx, argv[i], &keys, &err) < 0) {
			fflush(stdout);
			ret = cli_fail(&err);
			continue;
		}
		for (size_t k = 0; !keys || keys[k]; k++) {
			cleanup_free char *json = NULL;
			if (volt_appliance_inspect(ctx, keys ? keys[k] : argv[i], &json, &err) < 0) {
				fflush(stdout);
				ret = cli_fail(&err);
			} else {
				printf("%s\n%s", n++ ? "," : "", json);
			}
			if (!keys)
				break;
		}
	}
	printf("\n]\n");
	return ret;
}

static const struct volt_cmd appliance_cmds[] = {
	{"build", appliance_build, "Build an image's appliance (or find it)", &build_spec},
	{"ls", appliance_ls, "List appliances", &ls_spec},
	{"inspect", appliance_inspect, "Show appliances' records as JSON", &inspect_spec},
	{"rm", appliance_rm, "Remove appliances", &rm_spec},
	{NULL, NULL, NULL, NULL},
};

const struct volt_cmd_spec cli_appliance_spec = {
	.usage = "Usage: volt appliance COMMAND\n\nMicroVM appliances built from images or file lists, kept in "
		 "$VOLT_ROOT/appliances; `volt cas gc` removes those whose image is gone (and a name's older ones).\n",
	.subs = appliance_cmds,
};
