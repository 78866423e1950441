/* volt ps -s: docker's SIZE column, "WRITABLE (virtual WRITABLE+IMAGE)": the
 * disk use of the container's upper layer, read inside its user namespace
 * (its files belong to ids of its map: some are not readable from outside),
 * and the image's size. cli/prune.c measures a whole container directory
 * the same way. */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "container/spec.h"
#include "userns/idmap.h"
#include "workload/lifecycle.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* the sum crosses from the child that volt_userns_run forks: shared memory */
static int64_t *upper_total;

static int add_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path, (void)flag, (void)ftw;
	*upper_total += (int64_t)st->st_blocks * 512;
	return 0;
}

static int du_in_userns(void *arg, struct volt_err *err)
{
	(void)err;
	nftw(arg, add_one, 16, FTW_PHYS | FTW_MOUNT);
	return 0;
}

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

	if (!upper_total) {
		upper_total =
			mmap(NULL, sizeof(*upper_total), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (upper_total == MAP_FAILED)
			upper_total = NULL;
	}
	if (upper_total) {
		*upper_total = 0;
		if (volt_spec_from_json(&spec, row->spec, &err) == 0) {
			if (volt_userns_run(&spec.idmap, du_in_userns, upper, &err) < 0)
				*upper_total = 0; /* a report: the list goes on without it */
			volt_spec_free(&spec);
		}
	}
	if (db && volt_db_image_find(db, row->image_id, &img, &err) == 0) {
		image = img.size;
		volt_image_row_free(&img);
	}
	long long writable = upper_total ? *upper_total : 0;
	volt_human_size(writable, w, sizeof(w));
	volt_human_size(writable + image, v, sizeof(v));
	snprintf(buf, len, "%s (virtual %s)", w, v);
}
