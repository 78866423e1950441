/* volt container prune: docker's, with its prompt and its report (the ids
 * removed, then the space the removed containers' directories took). */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "container/spec.h"
#include "userns/idmap.h"
#include "workload/lifecycle.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const struct option force_opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_container_prune_spec = {
	.usage = "Usage: volt container prune [-f]\n\nRemove every stopped container (created or exited), after "
		 "asking\n(the answer is read from stdin, terminal or not: only y removes). Prints the ids\n"
		 "removed and the space their directories (upper layer, logs) took.\n\n"
		 "  -f, --force   do not ask\n",
	.opts = "f",
	.longopts = force_opts,
};

static int64_t ctr_disk_use(struct volt_ctx *ctx, const struct volt_ctr_row *row)
{
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, row->id);
	struct volt_err err = {0};
	struct volt_spec spec;
	int64_t n = 0;
	char *paths[] = {dir, NULL};

	if (volt_spec_from_json(&spec, row->spec, &err) < 0)
		return 0;
	if (cli_disk_use_map(&spec.idmap, paths, &n) < 0)
		n = 0; /* the size is a report: the prune goes on without it */
	volt_spec_free(&spec);
	return n;
}

static int collect(const struct volt_ctr_row *c, void *arg)
{
	/* docker's "stopped": not running and not paused (a paused one runs) */
	if (c->state == VOLT_CTR_CREATED || c->state == VOLT_CTR_EXITED)
		cli_strv_add(arg, c->id);
	return 0;
}

/* cli_containers_prune_run - remove the stopped containers, printing
 * "Deleted Containers:" and their ids; *total gets their disk use (also for
 * volt system prune). Return: 0, or the exit code of the last failure. */
int cli_containers_prune_run(struct volt_ctx *ctx, int64_t *total, bool *any)
{
	cleanup_strv char **ids = NULL;
	struct volt_err err = {0};
	struct volt_db *db;
	int ret = 0;

	*total = 0;
	*any = false;
	if (!(db = volt_ctx_db(ctx, &err)) || volt_db_ctr_list(db, collect, &ids, &err) < 0)
		return cli_fail(&err);
	for (size_t i = 0; ids && ids[i]; i++) {
		struct volt_ctr_row row;
		int r = volt_ctr_load(ctx, ids[i], &row, &err);
		if (r > 0)
			continue; /* removed meanwhile */
		if (r < 0) {
			ret = cli_fail(&err);
			continue;
		}
		/* state again, as volt_ctr_load saw it: started meanwhile, it stays */
		if (row.state == VOLT_CTR_CREATED || row.state == VOLT_CTR_EXITED) {
			int64_t n = ctr_disk_use(ctx, &row);
			if (volt_ctr_remove(ctx, &row, false, &err) < 0) {
				ret = cli_fail(&err);
			} else {
				if (!*any)
					printf("Deleted Containers:\n");
				*any = true;
				printf("%s\n", row.id);
				*total += n;
			}
		}
		volt_ctr_row_free(&row);
	}
	return ret;
}

int cmd_container_prune(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	bool force = false, any;
	int64_t total;
	char size[32];
	int c;

	while ((c = cli_getopt(argc, argv, &cli_container_prune_spec)) != -1)
		if (c == 'f')
			force = true;
	if (optind < argc)
		return cli_usage_error("container prune", "takes no argument");
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	if (!cli_confirm("WARNING! This will remove all stopped containers.", force))
		return 0;
	int ret = cli_containers_prune_run(ctx, &total, &any);
	volt_human_size(total, size, sizeof(size));
	printf("%sTotal reclaimed space: %s\n", any ? "\n" : "", size);
	return ret;
}
