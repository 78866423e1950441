/* volt history: an image's layers, newest first, from its config's history
 * (created, created_by, comment); each layer's size is what its layer record
 * (cas/layers/, image/layercache.h) holds, uncompressed; layers without a
 * record (an import's) share what the image's size leaves. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cas/tree.h"
#include "cli/cli.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/gotmpl.h"

static const struct option history_opts[] = {{"no-trunc", no_argument, NULL, 'T'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"human", required_argument, NULL, 'H'},
					     {"format", required_argument, NULL, 'F'},
					     {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_history_spec = {
	.usage = "Usage: volt history [OPTIONS] IMAGE\n\n"
		 "Show the layers of an image, newest first, from its config's history.\n\n"
		 "      --no-trunc        do not shorten ids and commands\n"
		 "  -q, --quiet           print the image id only\n"
		 "  -H, --human BOOL      sizes and times for people (default true)\n"
		 "      --format TEMPLATE a Go template per layer (.ID, .CreatedSince, .CreatedAt,\n"
		 "                        .CreatedBy, .Size, .Comment), or json\n",
	.opts = "qH:",
	.longopts = history_opts,
};

/* layer_size - the uncompressed size of the layer record of digest, or -1 */
static long long layer_size(struct volt_ctx *ctx, const char *digest)
{
	const char *hex = strncmp(digest, "sha256:", 7) ? digest : digest + 7;
	cleanup_free char *p = volt_path("%s/cas/layers/%s.tree", ctx->root, hex);
	struct volt_tree t;
	struct volt_err err;
	int64_t bytes = -1;
	size_t files;

	volt_tree_init(&t);
	if (volt_tree_load(&t, p, &err) == 0)
		volt_tree_stats(&t, &bytes, &files);
	volt_tree_free(&t);
	return bytes;
}

int cmd_history(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_image_row img;
	struct volt_tmpl *tmpl = NULL;
	struct volt_ctx *ctx;
	struct volt_db *db;
	bool notrunc = false, quiet = false, human = true, json = false;
	const char *format = NULL;
	int c, r;

	while ((c = cli_getopt(argc, argv, &cli_history_spec)) != -1) {
		switch (c) {
		case 'T': notrunc = true; break;
		case 'q': quiet = true; break;
		case 'H': human = strcmp(optarg, "false") && strcmp(optarg, "0"); break;
		case 'F': format = optarg; break;
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("history", "requires exactly 1 argument");
	if (format && !strcmp(format, "json"))
		json = true;
	else if (format && cli_format_parse("history", format, &tmpl) < 0)
		return VOLT_EXIT_INTERNAL;
	if (!(ctx = cli_ctx(cli)) || !(db = volt_ctx_db(ctx, &err)))
		return ctx ? cli_fail(&err) : VOLT_EXIT_INTERNAL;
	r = volt_db_image_find(db, argv[optind], &img, &err);
	if (r > 0)
		volt_err_said(&err, ENOENT, "no such image: %s", argv[optind]);
	if (r != 0)
		return cli_fail(&err);
	json_t *cfg = json_loads(img.config, 0, NULL), *layers = json_loads(img.layers ? img.layers : "[]", 0, NULL);
	json_t *hist = json_object_get(cfg, "history");
	size_t nh = json_array_size(hist), nl = json_array_size(layers);
	/* the layer of each non-empty history entry, in order (0: empty) */
	long long *sizes = calloc(nh ? nh : 1, sizeof(*sizes));
	size_t k = 0, unknown = 0;
	long long known = 0;
	for (size_t i = 0; i < nh; i++) {
		json_t *h = json_array_get(hist, i);
		if (json_is_true(json_object_get(h, "empty_layer")) || k >= nl)
			continue;
		sizes[i] = layer_size(ctx, json_string_value(json_array_get(layers, k++)));
		if (sizes[i] < 0)
			unknown++;
		else
			known += sizes[i];
	}
	/* layers without a record (imports): the rest of the image's size */
	for (size_t i = 0; i < nh; i++)
		if (sizes[i] < 0)
			sizes[i] = img.size > known ? (img.size - known) / (long long)unknown : 0;
	if (!quiet && !tmpl && !json)
		printf("%-14s %-24s %-46s %-9s %s\n", "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
	if (!nh && !quiet) { /* no history (a plain import): one line for the image */
		char sz[32];
		volt_human_size(img.size, sz, sizeof(sz));
		if (!tmpl && !json)
			printf("%-14.12s %-24s %-46s %-9s %s\n", img.id, "N/A", "", sz, "");
	}
	if (quiet)
		printf(notrunc ? "sha256:%s\n" : "%.12s\n", img.id);
	for (size_t i = nh; !quiet && i-- > 0;) {
		json_t *h = json_array_get(hist, i);
		const char *by = json_string_value(json_object_get(h, "created_by"));
		const char *comment = json_string_value(json_object_get(h, "comment"));
		const char *when = json_string_value(json_object_get(h, "created"));
		long long ns = 0;
		char ago[64] = "N/A", sz[32], id[80];
		if (when && volt_parse_time(when, &ns) == 0 && ns > 0)
			volt_human_ago(ns, ago, sizeof(ago));
		if (human)
			volt_human_size(sizes[i], sz, sizeof(sz));
		else
			snprintf(sz, sizeof(sz), "%lld", sizes[i]);
		if (i == nh - 1)
			snprintf(id, sizeof(id), notrunc ? "sha256:%s" : "%.12s", img.id);
		else
			snprintf(id, sizeof(id), "<missing>");
		if (!by)
			by = "";
		if (json || tmpl) {
			json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "ID", id, "CreatedSince", ago, "CreatedAt",
					      when ? when : "", "CreatedBy", by, "Size", sz, "Comment",
					      comment ? comment : "");
			if (json) {
				char *s = json_dumps(o, JSON_COMPACT);
				printf("%s\n", s);
				free(s);
			} else {
				cli_format_print("history", tmpl, o);
			}
			json_decref(o);
			continue;
		}
		if (!notrunc && strlen(by) > 45)
			printf("%-14s %-24s %.44s… %-9s %s\n", id, ago, by, sz, comment ? comment : "");
		else
			printf("%-14s %-24s %-46s %-9s %s\n", id, ago, by, sz, comment ? comment : "");
	}
	free(sizes);
	json_decref(cfg);
	json_decref(layers);
	volt_image_row_free(&img);
	volt_tmpl_free(tmpl);
	return 0;
}
