/* volt ps -s: docker's SIZE column, "WRITABLE (virtual WRITABLE+IMAGE)": the
 * disk use of the container's upper layer, read inside its user namespace
 * (its files belong to ids of its map: some are not readable from outside),
 * and the image's size (disk_use.c measures it, as for prune and df). */
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "container/spec.h"
#include "userns/idmap.h"
#include "workload/lifecycle.h"
#include "util/cleanup.h"
#include "util/fs.h"

void cli_ps_size(struct volt_ctx *ctx, const struct volt_ctr_row *row, char *buf, size_t len)
{
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, row->id);
	cleanup_free char *upper = volt_path("%s/upper", dir);
	struct volt_err err = {0};
	struct volt_spec spec;
	struct volt_db *db = volt_ctx_db(ctx, &err);
	struct volt_image_row img;
	long long image = 0;
	char w[32], v[32];

	int64_t writable = 0;
	char *paths[] = {upper, NULL};
	if (volt_spec_from_json(&spec, row->spec, &err) == 0) {
		if (cli_disk_use_map(&spec.idmap, paths, &writable) < 0)
			writable = 0; /* a report: the list goes on without it */
		volt_spec_free(&spec);
	}
	if (db && volt_db_image_find(db, row->image_id, &img, &err) == 0) {
		image = img.size;
		volt_image_row_free(&img);
	}
	volt_human_size(writable, w, sizeof(w));
	volt_human_size(writable + image, v, sizeof(v));
	snprintf(buf, len, "%s (virtual %s)", w, v);
}
