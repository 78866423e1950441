/* volt image prune [-a] [-f]: docker's, with its prompt and its report. The
 * images go as rmi takes them; then a gc of the store frees their objects,
 * so that "Total reclaimed space" is what the disk got back (rmi alone
 * leaves the objects for `volt cas gc`). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cas/admin.h"
#include "cas/fuse.h"
#include "cli/cli.h"
#include "image/image.h"
#include "userns/idmap.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const struct option prune_opts[] = {
	{"all", no_argument, NULL, 'a'}, {"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_image_prune_spec = {
	.usage = "Usage: volt image prune [-a] [-f]\n\nRemove dangling images (no name, no container), after "
		 "asking (the answer\nis read from stdin, terminal or not: only y removes); then free their objects\n"
		 "in the store (as `volt cas gc` does) and print the space reclaimed.\n\n"
		 "  -a, --all     remove every image no container was created from, names and all\n"
		 "  -f, --force   do not ask\n",
	.opts = "af",
	.longopts = prune_opts,
};

struct candidates {
	struct volt_db *db;
	bool all;
	char **ids, **names; /* names: "repo:tag" of the images to remove */
	int err;
	struct volt_err *e;
};

/* collect - one row per name (or one for a nameless image): keep the images
 * no container uses, every one with -a, else those without a name */
static int collect(const struct volt_image_row *img, void *arg)
{
	struct candidates *c = arg;
	if (!c->all && img->repo)
		return 0;
	int users = volt_db_image_users(c->db, img->id, c->e);
	if (users < 0) {
		c->err = -1;
		return 1;
	}
	if (users > 0)
		return 0;
	bool seen = false;
	for (size_t i = 0; c->ids && c->ids[i]; i++)
		seen = seen || !strcmp(c->ids[i], img->id);
	if (!seen)
		cli_strv_add(&c->ids, img->id);
	if (img->repo) {
		cleanup_free char *n = volt_path("%s %s:%s", img->id, img->repo, img->tag);
		cli_strv_add(&c->names, n);
	}
	return 0;
}

struct gc_job {
	struct volt_ctx *ctx;
};

static int gc_in_userns(void *arg, struct volt_err *err)
{
	struct gc_job *j = arg;
	struct volt_cas cas;
	struct volt_cas_gc_result r;
	char sz[32];
	if (volt_cas_open(&cas, j->ctx->root, err) < 0)
		return -1;
	int ret = volt_cas_gc(&cas, false, NULL, NULL, &r, err);
	volt_cas_close(&cas);
	if (ret < 0)
		return -1;
	/* the child's figure: the report is printed here, in the namespace */
	volt_human_size(r.bytes, sz, sizeof(sz));
	printf("\nTotal reclaimed space: %s\n", sz);
	fflush(stdout);
	return 0;
}

int cmd_image_prune(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct candidates c = {.e = &err};
	struct volt_idmap map;
	struct volt_ctx *ctx;
	int opt, ret = 0;
	bool force = false;
	size_t removed = 0;

	while ((opt = cli_getopt(argc, argv, &cli_image_prune_spec)) != -1) {
		if (opt == 'a')
			c.all = true;
		else if (opt == 'f')
			force = true;
	}
	if (optind < argc)
		return cli_usage_error("image prune", "takes no argument");
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	if (!cli_confirm(c.all ? "WARNING! This will remove all images without at least one container associated "
				 "to them." :
				 "WARNING! This will remove all dangling images.",
			 force))
		return 0;
	if (!(c.db = volt_ctx_db(ctx, &err)) || volt_db_image_list(c.db, collect, &c, &err) < 0 || c.err < 0)
		return cli_fail(&err);
	volt_idmap_detect(&map, false, &err);
	for (size_t i = 0; c.ids && c.ids[i]; i++) {
		char id[72];
		/* by id, forced: its names go with it (no container uses it) */
		if (volt_image_remove(ctx, &map, c.ids[i], true, id, &err) < 0) {
			ret = cli_fail(&err);
			continue;
		}
		if (!removed++)
			printf("Deleted Images:\n");
		for (size_t k = 0; c.names && c.names[k]; k++)
			if (!strncmp(c.names[k], c.ids[i], strlen(c.ids[i])) && c.names[k][strlen(c.ids[i])] == ' ')
				printf("untagged: %s\n", c.names[k] + strlen(c.ids[i]) + 1);
		printf("deleted: sha256:%s\n", c.ids[i]);
	}
	volt_strv_free(c.ids);
	volt_strv_free(c.names);
	fflush(stdout);
	if (!removed) {
		printf("Total reclaimed space: 0B\n");
		return ret;
	}
	/* their objects: views of removed images first (fusermount3 cannot
	 * run in the userns), then gc there (checkouts hold mapped owners) */
	struct gc_job j = {ctx};
	volt_cas_lower_prune(ctx, false, NULL, NULL);
	if (volt_userns_run(&map, gc_in_userns, &j, &err) < 0)
		return cli_fail(&err);
	return ret;
}
