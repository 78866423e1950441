/* volt system df: docker's table of what the store holds (images,
 * containers, local volumes, build cache) with its size and what a prune
 * would reclaim, and -v's per-item tables.
 *
 * Sizes: an image's is its logical size as recorded (the files of its
 * tree; files shared between images count in each, as docker's SIZE column
 * does); a container's and a volume's are their disk use (blocks), read in
 * the store's user namespace, where every file of the map is readable.
 * Build cache is volt's microVM appliances (built from images, rebuilt on
 * demand). The store's objects, shared by all images, are a line of -v. */
#include <dirent.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "container/spec.h"
#include "container/volume.h"
#include "userns/idmap.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const struct option df_opts[] = {
	{"verbose", no_argument, NULL, 'v'}, {"format", required_argument, NULL, 'F'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_system_df_spec = {
	.usage = "Usage: volt system df [-v] [--format json]\n\n"
		 "Show the disk use of images, containers, local volumes and build cache\n"
		 "(microVM appliances), and how much of it `volt system prune` could reclaim.\n\n"
		 "  -v, --verbose     a table per kind, one line per item\n"
		 "      --format json one JSON object per kind, as docker prints them\n",
	.opts = "v",
	.longopts = df_opts,
};

struct df_kind {
	const char *type;
	long long total, active, size, reclaimable;
	bool no_percent; /* docker prints none for build cache */
};

struct df {
	struct volt_ctx *ctx;
	char **ctr_ids;
	json_t *ctrs; /* [{id,name,image,command,state,created,status,volumes}] */
	char **image_ids_used;
};

static int collect_ctr(const struct volt_ctr_row *c, void *arg)
{
	struct df *d = arg;
	json_t *spec = json_loads(c->spec ? c->spec : "{}", 0, NULL);
	json_t *vols = json_array(), *m;
	size_t i;
	json_array_foreach(json_object_get(spec, "mounts"), i, m) {
		const char *name = json_string_value(json_object_get(m, "name"));
		if (name)
			json_array_append_new(vols, json_string(name));
	}
	json_t *args = json_object_get(spec, "args");
	json_t *cmd = json_string(
		json_is_array(args) && json_array_size(args) ? json_string_value(json_array_get(args, 0)) : "");
	json_array_append_new(d->ctrs,
			      json_pack("{s:s,s:s,s:s,s:o,s:b,s:I,s:o}", "id", c->id, "name", c->name ? c->name : "",
					"image", c->image_name ? c->image_name : c->image_id, "command", cmd, "running",
					c->state == VOLT_CTR_RUNNING || c->state == VOLT_CTR_PAUSED, "created",
					(json_int_t)c->created, "volumes", vols));
	cli_strv_add(&d->image_ids_used, c->image_id ? c->image_id : "");
	json_decref(spec);
	return 0;
}

struct img_list {
	json_t *a;
};

static int collect_img(const struct volt_image_row *img, void *arg)
{
	struct img_list *l = arg;
	json_array_append_new(l->a,
			      json_pack("{s:s,s:s?,s:s?,s:I,s:I}", "id", img->id, "repo", img->repo, "tag", img->tag,
					"size", (json_int_t)img->size, "created", (json_int_t)img->created));
	return 0;
}

static bool in_strv(char **v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static void print_kind(const struct df_kind *k, bool json)
{
	char size[32], rec[32], pct[16] = "";
	volt_human_size(k->size, size, sizeof(size));
	volt_human_size(k->reclaimable, rec, sizeof(rec));
	if (!k->no_percent)
		snprintf(pct, sizeof(pct), " (%lld%%)", k->size ? k->reclaimable * 100 / k->size : 0);
	char r2[48], tot[24], act[24];
	snprintf(r2, sizeof(r2), "%s%s", rec, pct);
	if (json) { /* docker's keys, its values as strings */
		snprintf(tot, sizeof(tot), "%lld", k->total);
		snprintf(act, sizeof(act), "%lld", k->active);
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "Type", k->type, "TotalCount", tot, "Active", act,
				      "Size", size, "Reclaimable", r2);
		char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(o);
		return;
	}
	printf("%-15s %-9lld %-9lld %-9s %s\n", k->type, k->total, k->active, size, r2);
}

int cmd_system_df(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_db *db;
	struct df d = {0};
	struct img_list il = {json_array()};
	cleanup_strv char **vols = NULL, **paths = NULL;
	bool verbose = false, json = false;
	int c;

	while ((c = cli_getopt(argc, argv, &cli_system_df_spec)) != -1) {
		if (c == 'v')
			verbose = true;
		else if (c == 'F' && !strcmp(optarg, "json"))
			json = true;
		else if (c == 'F')
			return cli_usage_error("system df", "--format: only json is supported");
	}
	if (optind < argc)
		return cli_usage_error("system df", "takes no argument");
	if (!(ctx = cli_ctx(cli)) || !(db = volt_ctx_db(ctx, &err)))
		return ctx ? cli_fail(&err) : VOLT_EXIT_INTERNAL;
	d.ctx = ctx;
	d.ctrs = json_array();
	if (volt_db_ctr_list(db, collect_ctr, &d, &err) < 0 || volt_db_image_list(db, collect_img, &il, &err) < 0 ||
	    volt_volume_list(ctx, &vols, &err) < 0)
		return cli_fail(&err);
	/* every directory to measure, in one user namespace run */
	size_t nc = json_array_size(d.ctrs), nv = 0;
	while (vols && vols[nv])
		nv++;
	for (size_t i = 0; i < nc; i++) {
		cleanup_free char *dir =
			volt_ctx_ctr_dir(ctx, json_string_value(json_object_get(json_array_get(d.ctrs, i), "id")));
		cli_strv_add(&paths, dir);
	}
	for (size_t i = 0; i < nv; i++) {
		cleanup_free char *dir = volt_path("%s/volumes/%s", ctx->root, vols[i]);
		cli_strv_add(&paths, dir);
	}
	cleanup_free char *appl = volt_path("%s/appliances", ctx->root);
	cleanup_free char *objs = volt_path("%s/cas/objects", ctx->root);
	cli_strv_add(&paths, appl);
	cli_strv_add(&paths, objs);
	cleanup_free int64_t *sz = calloc(nc + nv + 2, sizeof(*sz));
	if (!sz || cli_disk_use(paths, sz) < 0)
		fprintf(stderr, "volt: system df: the disk use could not be measured (shown as 0B)\n");

	struct df_kind k[4] = {{"Images", 0, 0, 0, 0, false},
			       {"Containers", (long long)nc, 0, 0, 0, false},
			       {"Local Volumes", (long long)nv, 0, 0, 0, false},
			       {"Build Cache", 0, 0, 0, 0, true}};
	size_t i;
	json_t *x;
	json_array_foreach(il.a, i, x) {
		long long s = json_integer_value(json_object_get(x, "size"));
		bool used = in_strv(d.image_ids_used, json_string_value(json_object_get(x, "id")));
		/* an image row per name: count each id once */
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup |= !strcmp(json_string_value(json_object_get(json_array_get(il.a, j), "id")),
				       json_string_value(json_object_get(x, "id")));
		if (dup)
			continue;
		k[0].total++;
		k[0].size += s;
		if (used)
			k[0].active++;
		else
			k[0].reclaimable += s;
	}
	for (i = 0; i < nc; i++) {
		bool running = json_is_true(json_object_get(json_array_get(d.ctrs, i), "running"));
		k[1].size += sz ? sz[i] : 0;
		if (running)
			k[1].active++;
		else
			k[1].reclaimable += sz ? sz[i] : 0;
	}
	for (i = 0; i < nv; i++) {
		bool used = false;
		for (size_t j = 0; j < nc; j++) {
			json_t *v;
			size_t m;
			json_array_foreach(json_object_get(json_array_get(d.ctrs, j), "volumes"), m, v)
				used |= !strcmp(json_string_value(v), vols[i]);
		}
		k[2].size += sz ? sz[nc + i] : 0;
		if (used)
			k[2].active++;
		else
			k[2].reclaimable += sz ? sz[nc + i] : 0;
	}
	cleanup_strv char **appls = NULL;
	{
		cleanup_dir DIR *dd = opendir(appl);
		struct dirent *de;
		while (dd && (de = readdir(dd)))
			if (strlen(de->d_name) > 9 && !strcmp(de->d_name + strlen(de->d_name) - 9, ".cpio.zst"))
				cli_strv_add(&appls, de->d_name);
	}
	for (i = 0; appls && appls[i]; i++)
		k[3].total++;
	k[3].size = sz ? sz[nc + nv] : 0;
	k[3].reclaimable = 0; /* every appliance belongs to an image in the store: gc removes the others */

	if (!json)
		printf("%-15s %-9s %-9s %-9s %s\n", "TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE");
	for (i = 0; i < 4; i++)
		print_kind(&k[i], json);
	if (verbose && !json) {
		char s1[32], ago[64];
		printf("\nImages space usage:\n\n%-20s %-10s %-14s %-24s %-9s %s\n", "REPOSITORY", "TAG", "IMAGE ID",
		       "CREATED", "SIZE", "CONTAINERS");
		json_array_foreach(il.a, i, x) {
			const char *id = json_string_value(json_object_get(x, "id"));
			size_t users = 0;
			for (size_t j = 0; d.image_ids_used && d.image_ids_used[j]; j++)
				users += !strcmp(d.image_ids_used[j], id);
			volt_human_size(json_integer_value(json_object_get(x, "size")), s1, sizeof(s1));
			volt_human_ago(json_integer_value(json_object_get(x, "created")), ago, sizeof(ago));
			const char *repo = json_string_value(json_object_get(x, "repo"));
			const char *tag = json_string_value(json_object_get(x, "tag"));
			printf("%-20s %-10s %-14.12s %-24s %-9s %zu\n", repo ? repo : "<none>", tag ? tag : "<none>",
			       id, ago, s1, users);
		}
		printf("\nContainers space usage:\n\n%-14s %-20s %-22s %-15s %-9s %-24s %-9s %s\n", "CONTAINER ID",
		       "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS", "NAMES");
		for (i = 0; i < nc; i++) {
			json_t *ct = json_array_get(d.ctrs, i);
			volt_human_size(sz ? sz[i] : 0, s1, sizeof(s1));
			volt_human_ago(json_integer_value(json_object_get(ct, "created")), ago, sizeof(ago));
			cleanup_free char *cmd =
				volt_path("\"%.18s\"", json_string_value(json_object_get(ct, "command")));
			printf("%-14.12s %-20.20s %-22s %-15zu %-9s %-24s %-9s %s\n",
			       json_string_value(json_object_get(ct, "id")),
			       json_string_value(json_object_get(ct, "image")), cmd,
			       json_array_size(json_object_get(ct, "volumes")), s1, ago,
			       json_is_true(json_object_get(ct, "running")) ? "running" : "stopped",
			       json_string_value(json_object_get(ct, "name")));
		}
		printf("\nLocal Volumes space usage:\n\n%-20s %-9s %s\n", "VOLUME NAME", "LINKS", "SIZE");
		for (i = 0; i < nv; i++) {
			size_t links = 0;
			for (size_t j = 0; j < nc; j++) {
				json_t *v;
				size_t m;
				json_array_foreach(json_object_get(json_array_get(d.ctrs, j), "volumes"), m, v)
					links += !strcmp(json_string_value(v), vols[i]);
			}
			volt_human_size(sz ? sz[nc + i] : 0, s1, sizeof(s1));
			printf("%-20s %-9zu %s\n", vols[i], links, s1);
		}
		volt_human_size(k[3].size, s1, sizeof(s1));
		printf("\nBuild cache usage: %s\n\n%s\n", s1, "APPLIANCE");
		for (i = 0; appls && appls[i]; i++)
			printf("%s\n", appls[i]);
		volt_human_size(sz ? sz[nc + nv + 1] : 0, s1, sizeof(s1));
		printf("\nStore objects (cas/objects, shared by all images): %s\n", s1);
	}
	json_decref(d.ctrs);
	json_decref(il.a);
	volt_strv_free(d.image_ids_used);
	return 0;
}
