/* volt image import|inspect|ls|rm, volt images, volt rmi. */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "userns/idmap.h"
#include "image/image.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/gotmpl.h"

/* image_created - when the image was made: its config's "created"; the pull
 * (import) time when the config has none or it does not parse. Return true
 * when it came from the config. */
static bool image_created(const struct volt_image_row *img, long long *ns)
{
	json_t *cfg = img->config ? json_loads(img->config, 0, NULL) : NULL;
	const char *s = json_string_value(json_object_get(cfg, "created"));
	bool ok = s && volt_parse_time(s, ns) == 0;
	json_decref(cfg);
	if (!ok)
		*ns = img->created;
	return ok;
}

/* old_file_times - true when the image's checkout was made by a volt that
 * gave files and symlinks the pull time (manifest format 1). volt_tree_save
 * writes "version" first, so the head of the file tells without loading it. */
static bool old_file_times(struct volt_ctx *ctx, const char *id)
{
	static const char v1[] = "{\"version\":1,";
	cleanup_free char *ref = volt_path("%s/cas/refs/%s.tree", ctx->root, id);
	cleanup_fclose FILE *f = fopen(ref, "re");
	char head[sizeof(v1)] = "";

	return f && fread(head, 1, sizeof(v1) - 1, f) == sizeof(v1) - 1 && !memcmp(head, v1, sizeof(v1) - 1);
}

struct list_opts {
	bool quiet, no_trunc, digests;
	char **filters;		 /* dangling=BOOL, reference=PATTERN, label=K[=V], before/since=IMAGE */
	long long before, since; /* created times of before= and since= (ns), or 0 */
	struct cli_listing out;
};

/* label_match - the image config's Labels has K (with V when given) */
static bool label_match(const struct volt_image_row *img, const char *kv)
{
	json_t *cfg = img->config ? json_loads(img->config, 0, NULL) : NULL;
	const char *eq = strchr(kv, '=');
	cleanup_free char *k = eq ? strndup(kv, (size_t)(eq - kv)) : strdup(kv);
	json_t *v = k ? json_object_get(json_object_get(json_object_get(cfg, "config"), "Labels"), k) : NULL;
	bool ok = v && (!eq || (json_string_value(v) && !strcmp(json_string_value(v), eq + 1)));
	json_decref(cfg);
	return ok;
}

/* repo_digest - the manifest digest a pull recorded (docker://NAME@DIGEST) */
static const char *repo_digest(const struct volt_image_row *img)
{
	const char *at = img->source && !strncmp(img->source, "docker://", 9) ? strrchr(img->source, '@') : NULL;
	return at && !strncmp(at + 1, "sha256:", 7) ? at + 1 : NULL;
}

/* image_match - docker's images filters: dangling (no name), reference (a
 * glob over NAME:TAG or NAME; values of one key are alternatives), label
 * (all must hold), before and since (created before or after that image) */
static bool image_match(const struct list_opts *o, const struct volt_image_row *img)
{
	char **filters = o->filters;
	bool ref_asked = false, ref_ok = false;
	long long when;
	image_created(img, &when);
	if ((o->before && when >= o->before) || (o->since && when <= o->since))
		return false;
	for (size_t i = 0; filters && filters[i]; i++) {
		const char *f = filters[i];
		if (!strncmp(f, "dangling=", 9) && (img->repo == NULL) != !strcmp(f + 9, "true"))
			return false;
		if (!strncmp(f, "label=", 6) && !label_match(img, f + 6))
			return false;
		if (!strncmp(f, "reference=", 10)) {
			ref_asked = true;
			cleanup_free char *full = img->repo ? volt_path("%s:%s", img->repo, img->tag) : NULL;
			ref_ok |= img->repo && (!fnmatch(f + 10, full, 0) || !fnmatch(f + 10, img->repo, 0));
		}
	}
	return !ref_asked || ref_ok;
}

static int list_row(const struct volt_image_row *img, void *arg)
{
	struct list_opts *o = arg;
	char size[32], ago[64], created[48];
	long long when;
	if (!image_match(o, img))
		return 0;
	image_created(img, &when);
	volt_human_size(img->size, size, sizeof(size));
	volt_human_ago(when, ago, sizeof(ago));
	volt_format_time(when, created, sizeof(created));
	if (o->quiet) {
		printf(o->no_trunc ? "sha256:%s\n" : "%.12s\n", img->id);
		return 0;
	}
	/* docker's images fields, all strings; volt's own beside them (Id in
	 * full, Created as a time, the size in bytes) */
	cleanup_free char *full = volt_path("sha256:%s", img->id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "Repository",
				img->repo ? img->repo : "<none>", "Tag", img->tag ? img->tag : "<none>", "ID",
				o->no_trunc ? full : img->id, "Digest", repo_digest(img) ? repo_digest(img) : "<none>",
				"CreatedSince", ago, "CreatedAt", created, "Size", size, "VirtualSize", size,
				"Containers", "N/A", "Id", img->id, "Created", created, "Bytes", (json_int_t)img->size);
	if (!o->no_trunc)
		json_object_set_new(row, "ID", json_stringn(img->id, 12));
	int r = cli_listing_row(&o->out, row);
	json_decref(row);
	return r < 0;
}

static const struct cli_col images_cols[] = {{"Repository", "REPOSITORY"},
					     {"Tag", "TAG"},
					     {"ID", "IMAGE ID"},
					     {"Digest", "DIGEST"},
					     {"CreatedSince", "CREATED"},
					     {"CreatedAt", "CREATED AT"},
					     {"Size", "SIZE"},
					     {"VirtualSize", "SIZE"},
					     {"Containers", "CONTAINERS"},
					     {NULL, NULL}};

static const struct option images_opts[] = {
	{"format", required_argument, NULL, 'M'}, /* -f is --filter */
	{"quiet", no_argument, NULL, 'q'},	  {"no-trunc", no_argument, NULL, 'T'},
	{"filter", required_argument, NULL, 'f'}, {"all", no_argument, NULL, 'a'},
	{"digests", no_argument, NULL, 'D'},	  {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_images_spec = {
	.usage = "Usage: volt images [-a] [-q] [-f KEY=VALUE]... [--digests] [--no-trunc] [--format FORMAT]\n\n"
		 "List images in the store.\n\n"
		 "  -a, --all              all images (volt keeps no intermediate ones: the same list)\n"
		 "  -q, --quiet            print only image ids\n"
		 "  -f, --filter K=V       dangling=true|false (no name), reference=PATTERN (a glob\n"
		 "                         over NAME:TAG or NAME), label=KEY[=VALUE], before=IMAGE,\n"
		 "                         since=IMAGE (created before or after it)\n"
		 "      --digests          a DIGEST column: the manifest digest a pull resolved to\n"
		 "      --no-trunc         full image ids\n"
		 "      --format FORMAT    json (an object per line), table TEMPLATE, or a Go template\n"
		 "                         per image over docker's fields: .Repository .Tag .ID\n"
		 "                         .CreatedSince .CreatedAt .Size .Digest\n",
	.opts = "aqf:",
	.longopts = images_opts,
};

/* filter_times - before= and since= as the created times of their images
 * (the earliest before=, the latest since=: every one must hold) */
static int filter_times(struct volt_db *db, struct list_opts *o, struct volt_err *err)
{
	for (size_t i = 0; o->filters && o->filters[i]; i++) {
		const char *f = o->filters[i];
		bool before = !strncmp(f, "before=", 7);
		if (!before && strncmp(f, "since=", 6))
			continue;
		const char *ref = f + (before ? 7 : 6);
		struct volt_image_row img;
		long long when;
		int r = volt_db_image_find(db, ref, &img, err);
		if (r != 0)
			return r < 0 ? -1 : volt_err_set(err, 0, "no such image: %s", ref);
		image_created(&img, &when);
		volt_image_row_free(&img);
		if (before && (!o->before || when < o->before))
			o->before = when;
		if (!before && when > o->since)
			o->since = when;
	}
	return 0;
}

int cmd_images(struct volt_cli *cli, int argc, char **argv)
{
	struct list_opts o = {0};
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_db *db;
	const char *format = NULL;
	int c, ret = 0;
	while ((c = cli_getopt(argc, argv, &cli_images_spec)) != -1) {
		switch (c) {
		case 'q': o.quiet = true; break;
		case 'T': o.no_trunc = true; break;
		case 'a': break;
		case 'M': format = optarg; break;
		case 'D': o.digests = true; break;
		case 'f':
			if (strcmp(optarg, "dangling=true") && strcmp(optarg, "dangling=false") &&
			    strncmp(optarg, "reference=", 10) && (strncmp(optarg, "label=", 6) || !optarg[6]) &&
			    (strncmp(optarg, "before=", 7) || !optarg[7]) &&
			    (strncmp(optarg, "since=", 6) || !optarg[6])) {
				volt_strv_free(o.filters);
				return cli_usage_error("images",
						       "--filter %s: use dangling=true|false, reference=PATTERN, "
						       "label=KEY[=VALUE], before=IMAGE or since=IMAGE",
						       optarg);
			}
			cli_strv_add(&o.filters, optarg);
			break;
		default: return cli_usage_error("images", "invalid option");
		}
	}
	if (!o.quiet &&
	    cli_listing_open(&o.out, "images", format,
			     o.digests ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}"
					 "\t{{.Size}}" :
					 "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}",
			     images_cols) < 0)
		return VOLT_EXIT_INTERNAL;
	if (!(ctx = cli_ctx(cli)))
		ret = 125;
	else if (!(db = volt_ctx_db(ctx, &err)) || filter_times(db, &o, &err) < 0 ||
		 volt_db_image_list(db, list_row, &o, &err) < 0)
		ret = cli_fail(&err);
	if (!o.quiet) {
		int lr = cli_listing_close(&o.out);
		ret = ret ? ret : lr;
	}
	volt_strv_free(o.filters);
	return ret;
}

int cli_inspect_image(struct volt_cli *cli, const char *ref, json_t *out, struct volt_err *err);
int cli_inspect_image(struct volt_cli *cli, const char *ref, json_t *out, struct volt_err *err)
{
	struct volt_ctx *ctx = cli_ctx(cli);
	struct volt_db *db;
	struct volt_image_row img;
	json_error_t jerr;
	char created[48], pulled[48];
	long long when;
	bool from_config;
	int r;

	if (!ctx || !(db = volt_ctx_db(ctx, err)))
		return -1;
	r = volt_db_image_find(db, ref, &img, err);
	if (r != 0) {
		if (r > 0)
			volt_err_set(err, 0, "no such image: %s", ref);
		return -1;
	}
	from_config = image_created(&img, &when);
	volt_format_time(when, created, sizeof(created));
	volt_format_time(img.created, pulled, sizeof(pulled));
	json_t *cfg = json_loads(img.config, 0, &jerr);
	json_t *layers = json_loads(img.layers, 0, &jerr);
	json_t *o = json_pack("{s:s,s:s,s:I,s:s}", "Id", img.id, "Created", created, "Size", (json_int_t)img.size,
			      "Source", img.source ? img.source : "");
	cleanup_free char *name = img.repo ? volt_path("%s:%s", img.repo, img.tag) : NULL;
	json_object_set_new(o, "Pulled", json_string(pulled));
	json_object_set_new(
		o, "CreatedFrom",
		json_string(from_config ? "config" : "pull time (the image config has no created time volt can read)"));
	if (old_file_times(ctx, img.id))
		json_object_set_new(
			o, "FileTimes",
			json_string("pull time: imported by an older volt, whose checkouts did not keep the "
				    "image's file times; volt rmi it and import or pull it again"));
	json_object_set_new(o, "RepoTags", name ? json_pack("[s]", name) : json_array());
	json_object_set_new(o, "Config", cfg ? json_incref(json_object_get(cfg, "config")) : json_null());
	json_object_set_new(o, "Architecture", json_incref(json_object_get(cfg, "architecture")));
	json_object_set_new(o, "Os", json_incref(json_object_get(cfg, "os")));
	json_object_set_new(o, "Layers", layers ? layers : json_array());
	json_object_set_new(o, "RootFS", json_incref(json_object_get(cfg, "rootfs")));
	json_decref(cfg);
	json_array_append_new(out, o);
	volt_image_row_free(&img);
	return 0;
}

static const struct option rmi_opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_rmi_spec = {
	.usage = "Usage: volt rmi [-f] IMAGE...\n\nRemove images (by name: the name; by id: the image).\n\n"
		 "  -f, --force   remove an image containers were created from\n",
	.opts = "f",
	.longopts = rmi_opts,
};

int cmd_rmi(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	struct volt_idmap map;
	bool force = false;
	int c, ret = 0;
	while ((c = cli_getopt(argc, argv, &cli_rmi_spec)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		default: return cli_usage_error("rmi", "invalid option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("rmi", "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	for (int i = optind; i < argc; i++) {
		struct volt_err err = {0};
		char id[72];
		volt_idmap_detect(&map, false, &err);
		if (volt_image_remove(ctx, &map, argv[i], force, id, &err) < 0) {
			ret = cli_fail(&err);
			continue;
		}
		printf(id[0] ? "Deleted: sha256:%s\n" : "Untagged: %s\n", id[0] ? id : argv[i]);
	}
	return ret;
}

/* image_inspect - `volt image inspect [-f FORMAT] IMAGE...` */
static const struct option inspect_opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec inspect_spec = {
	.usage = "Usage: volt image inspect [-f FORMAT] IMAGE...\n\nShow images as JSON (config, layer digests).\n\n"
		 "  -f, --format FORMAT   print each one through a Go template ({{.Config.Env}}, ...)\n",
	.opts = "f:",
	.longopts = inspect_opts,
};

int cli_inspect_print(const char *cmd, json_t *arr, const char *format);

static int image_inspect(struct volt_cli *cli, int argc, char **argv)
{
	const char *format = NULL;
	json_t *arr;
	int c, ret = 0;
	while ((c = cli_getopt(argc, argv, &inspect_spec)) != -1)
		if (c == 'f')
			format = optarg;
	if (optind >= argc)
		return cli_usage_error("image inspect", "requires at least 1 argument");
	arr = json_array();
	for (int i = optind; i < argc; i++) {
		struct volt_err err = {0};
		if (cli_inspect_image(cli, argv[i], arr, &err) < 0)
			ret = cli_fail(&err);
	}
	int pr = cli_inspect_print("image inspect", arr, format);
	json_decref(arr);
	return ret ? ret : pr;
}

/* registry and archive commands live in volt-image (libcurl, libarchive) */
static const struct volt_cmd image_cmds[] = {
	{"import", cli_exec_heavy, "Import a local image (OCI layout, archive, rootfs tarball)", NULL},
	{"inspect", image_inspect, "Show images as JSON (config, layer digests)", &inspect_spec},
	{"ls", cmd_images, "List images", &cli_images_spec},
	{"list", cmd_images, NULL, &cli_images_spec},
	{"rm", cmd_rmi, "Remove images", &cli_rmi_spec},
	{"tag", cmd_tag, "Give an image another name", &cli_tag_spec},
	{"history", cmd_history, "Show the layers of an image", &cli_history_spec},
	{"pull", cli_exec_heavy, "Pull from a registry (volt pull)", NULL},
	{"push", cli_exec_heavy, "Push to a registry (volt push)", NULL},
	{"save", cli_exec_heavy, "Write an oci-archive", NULL},
	{"prune", cli_exec_heavy, "Remove dangling images (-a: every image no container uses)", NULL},
	{"load", cli_exec_heavy, "Read an oci-archive", NULL},
	{NULL, NULL, NULL, NULL},
};

const struct volt_cmd_spec cli_image_spec = {
	.usage = "Usage: volt image COMMAND\n\nManage the images in the store.\n",
	.subs = image_cmds,
};

const struct volt_cmd_spec cli_tag_spec = {
	.usage = "Usage: volt tag SOURCE_IMAGE TARGET_IMAGE[:TAG]\n\nGive an image another name (TAG: latest if "
		 "none is given).\nThe name moves to this image if another one had it.\n",
};

int cmd_tag(struct volt_cli *cli, int argc, char **argv)
{
	cleanup_free char *repo = NULL, *tag = NULL;
	struct volt_image_row img;
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_db *db;
	int r;

	if (argc != 3)
		return cli_usage_error("tag", "requires exactly 2 arguments");
	if (volt_image_parse_name(argv[2], &repo, &tag, &err) < 0)
		return cli_fail(&err);
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	if (!(db = volt_ctx_db(ctx, &err)))
		return cli_fail(&err);
	r = volt_db_image_find(db, argv[1], &img, &err);
	if (r > 0)
		volt_err_said(&err, ENOENT, "no such image: %s", argv[1]);
	if (r != 0)
		return cli_fail(&err);
	/* the image row is there already: this adds (or moves) the name only */
	r = volt_db_image_add(db, &img, repo, tag, &err);
	volt_image_row_free(&img);
	return r < 0 ? cli_fail(&err) : 0;
}
