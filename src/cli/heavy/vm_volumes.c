#include "cli/heavy/vm_volumes.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/spec.h"
#include "container/volume.h"
#include "userns/idmap.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"

int cli_vm_volumes_start(struct volt_ctx *ctx, const struct volt_kernel *k, char *const *args, size_t n,
			 const char *append, struct cli_vm_volumes *v, struct volt_err *err)
{
	struct volt_idmap m;
	enum volt_share_kind kind;
	char why[512];
	int r = -1;
	*v = (struct cli_vm_volumes){0};
	struct volt_vm_volume *vols = calloc(n, sizeof(*vols));
	char **keep = calloc(2 * n + 1, sizeof(char *)); /* the strings vols point into */
	if (!vols || !keep) {
		volt_err_set(err, ENOMEM, "volumes");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *src, *dst;
		bool ro, named;
		if (volt_vm_volume_parse(args[i], &keep[2 * i], &src, &dst, &ro, &named, err) < 0)
			goto out;
		if (named) {
			if (!volt_name_valid(src)) {
				volt_err_set(err, EINVAL, "-v %s: invalid volume name \"%s\"", args[i], src);
				goto out;
			}
			if (volt_volume_create(ctx, src, err) < 0) {
				volt_err_prefix(err, "create volume %s", src);
				goto out;
			}
			keep[2 * i + 1] = volt_volume_data_dir(ctx, src);
		} else {
			char real[PATH_MAX];
			if (!realpath(src, real)) {
				volt_err_sys(err, "-v %s: source %s", args[i], src);
				goto out;
			}
			keep[2 * i + 1] = strdup(real);
		}
		vols[i] = (struct volt_vm_volume){.source = keep[2 * i + 1], .dest = dst, .ro = ro};
	}
	if (volt_vm_share_kind(k, &kind, why, sizeof(why), err) < 0 || volt_idmap_detect(&m, false, err) < 0)
		goto out;
	printf("volumes: %s (%s)\n", volt_share_kind_name(kind), why);
	fflush(stdout);
	v->dir = volt_path("%s/vm-check-XXXXXX", ctx->runroot);
	if (volt_mkdir_p(ctx->runroot, 0700, err) < 0)
		goto out;
	if (!mkdtemp(v->dir)) {
		volt_err_sys(err, "mkdir %s", v->dir);
		free(v->dir);
		v->dir = NULL;
		goto out;
	}
	if (volt_vm_shares_start(vols, n, kind, &m, v->dir, 10000, &v->s, err) < 0)
		goto out;
	/* --append after ours: the kernel keeps the last of a name (a test
	 * overrides volt_vol= so) */
	v->append = volt_path("%s%s%s", v->s.param, append ? " " : "", append ? append : "");
	r = 0;
out:
	if (r < 0)
		cli_vm_volumes_stop(v);
	for (size_t i = 0; keep && i < 2 * n; i++)
		free(keep[i]);
	free(keep);
	free(vols);
	return r;
}

void cli_vm_volumes_stop(struct cli_vm_volumes *v)
{
	struct volt_err ignore;
	volt_vm_shares_stop(&v->s);
	if (v->dir)
		volt_rm_rf(v->dir, &ignore);
	free(v->dir);
	free(v->append);
	*v = (struct cli_vm_volumes){0};
}
