/* volt bundle create|inspect|verify|import: images as .vbundle zip files. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cas/bundle.h"
#include "cli/cli.h"
#include "userns/idmap.h"
#include "util/cleanup.h"
#include "util/fs.h"

int cli_cas_resolve(struct volt_ctx *ctx, const char *ref, char id[72], struct volt_err *err);

/* bundle_create - `volt bundle create FILE --ref IMAGE`. */
static const struct option create_opts[] = {{"ref", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec create_spec = {
	.usage = "Usage: volt bundle create FILE.vbundle --ref IMAGE\n\nWrite an image (tree, config, objects) "
		 "into a zip file.\n",
	.opts = "r:",
	.longopts = create_opts,
};

static int bundle_create(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_image_row img;
	struct volt_cas cas;
	struct volt_db *db;
	const char *ref = NULL;
	int c, r;

	while ((c = cli_getopt(argc, argv, &create_spec)) != -1) {
		switch (c) {
		case 'r': ref = optarg; break;
		default: return cli_usage_error("bundle create", "invalid option");
		}
	}
	if (argc - optind != 1 || !ref)
		return cli_usage_error("bundle create", "requires FILE and --ref IMAGE");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (!(db = volt_ctx_db(ctx, &err)))
		return cli_fail(&err);
	r = volt_db_image_find(db, ref, &img, &err);
	if (r != 0) {
		if (r > 0)
			volt_err_set(&err, 0, "no such image: %s", ref);
		return cli_fail(&err);
	}
	cleanup_free char *name = img.repo ? volt_path("%s:%s", img.repo, img.tag) : NULL;
	r = volt_cas_open(&cas, ctx->root, &err);
	if (r == 0) {
		r = volt_bundle_create(&cas, img.id, name, img.config, img.layers, argv[optind], &err);
		volt_cas_close(&cas);
	}
	volt_image_row_free(&img);
	if (r < 0)
		return cli_fail(&err);
	printf("%s\n", argv[optind]);
	return 0;
}

/* print_problem - one line per problem, naming the object (and its users). */
static void print_problem(const char *object, const char *problem, void *arg)
{
	(void)arg;
	printf("object %s %s\n", object, problem);
}

/* print_info - what a bundle holds, for `bundle inspect`. */
static void print_info(const struct volt_bundle_info *info, const char *file)
{
	char sz[32];
	volt_human_size(info->object_bytes, sz, sizeof(sz));
	printf("bundle:   %s\nimage:    sha256:%s\nname:     %s\nentries:  %zu (%zu files)\n"
	       "objects:  %zu (%s, %lld bytes)\nlayers:   %s\n",
	       file, info->id, info->name ? info->name : "<none>", info->entries, info->files, info->objects, sz,
	       (long long)info->object_bytes, info->layers ? info->layers : "[]");
}

/* bundle_check - `volt bundle inspect|verify FILE`: exit 125 on any problem. */
static int bundle_check(struct volt_cli *cli, int argc, char **argv, bool inspect)
{
	struct volt_err err = {0};
	struct volt_bundle_info info;
	size_t problems;
	(void)cli;

	if (argc != 2)
		return cli_usage_error(inspect ? "bundle inspect" : "bundle verify", "requires FILE");
	if (volt_bundle_verify(argv[1], print_problem, NULL, &info, &problems, &err) < 0)
		return cli_fail(&err);
	if (inspect)
		print_info(&info, argv[1]);
	volt_bundle_info_free(&info);
	if (problems) {
		volt_err_set(&err, 0, "bundle %s: %zu problem(s)", argv[1], problems);
		return cli_fail(&err);
	}
	if (!inspect)
		printf("bundle %s: all objects intact\n", argv[1]);
	return 0;
}

struct import_job {
	struct volt_ctx *ctx;
	const char *file;
	char id[72];
};

/* import_in_userns - the bundle import inside the store's user namespace. */
static int import_in_userns(void *arg, char id_out[65], struct volt_err *err)
{
	struct import_job *j = arg;
	return volt_bundle_import(j->ctx, j->file, id_out, err);
}

/* bundle_import - `volt bundle import FILE`. */
static int bundle_import(struct volt_cli *cli, int argc, char **argv)
{
	struct import_job j = {0};
	struct volt_err err = {0};
	struct volt_idmap map;
	char real[4096];

	if (argc != 2)
		return cli_usage_error("bundle import", "requires FILE");
	if (!(j.ctx = cli_ctx(cli)))
		return 125;
	if (!realpath(argv[1], real)) {
		volt_err_sys(&err, "bundle %s", argv[1]);
		return cli_fail(&err);
	}
	j.file = real;
	volt_idmap_detect(&map, false, &err);
	if (volt_userns_run_id(&map, import_in_userns, &j, j.id, &err) < 0)
		return cli_fail(&err);
	printf("sha256:%s\n", j.id);
	return 0;
}

static int bundle_inspect(struct volt_cli *cli, int argc, char **argv)
{
	return bundle_check(cli, argc, argv, true);
}

static int bundle_verify(struct volt_cli *cli, int argc, char **argv)
{
	return bundle_check(cli, argc, argv, false);
}

static const struct volt_cmd_spec inspect_spec = {
	.usage = "Usage: volt bundle inspect FILE\n\nShow what a bundle holds (objects are hashed on the way).\n",
};
static const struct volt_cmd_spec verify_spec = {
	.usage = "Usage: volt bundle verify FILE\n\nHash every object; name each that is corrupted or missing. "
		 "Exit non-zero if any.\n",
};
static const struct volt_cmd_spec import_spec = {
	.usage = "Usage: volt bundle import FILE\n\nVerify a bundle and add its image to the store; a bundle "
		 "that does not verify is refused and leaves nothing behind.\n",
};

static const struct volt_cmd bundle_cmds[] = {
	{"create", bundle_create, "Write an image into a bundle (FILE --ref IMAGE)", &create_spec},
	{"inspect", bundle_inspect, "Show what a bundle holds", &inspect_spec},
	{"verify", bundle_verify, "Hash every object; name the bad ones", &verify_spec},
	{"import", bundle_import, "Verify and add the image to the store", &import_spec},
	{NULL, NULL, NULL, NULL},
};

const struct volt_cmd_spec cli_bundle_spec = {
	.usage = "Usage: volt bundle COMMAND\n\nImages as .vbundle files (a zip of tree, config and objects).\n",
	.subs = bundle_cmds,
};
