#include "image/source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fs.h"

int volt_image_source_open(struct volt_image_source *src, const char *cas_dir, const char *spec,
			   struct volt_err *err)
{
	memset(src, 0, sizeof(*src));
	(void)cas_dir;
	if (!strncmp(spec, "oci:", 4) || !strncmp(spec, "oci-archive:", 12) ||
	    !strncmp(spec, "docker-archive:", 15))
		return volt_err_set(err, ENOTSUP, "source \"%s\": this format is not supported yet", spec);
	src->kind = VOLT_SRC_ROOTFS;
	src->path = strdup(spec);
	return 0;
}

int volt_image_source_apply(struct volt_image_source *src, struct volt_cas *cas, struct volt_tree *tree,
			    char **config, json_t **layers, struct volt_err *err)
{
	(void)cas;
	(void)tree;
	(void)config;
	(void)layers;
	return volt_err_set(err, ENOTSUP, "source %s: unsupported", src->path);
}

void volt_image_source_close(struct volt_image_source *src)
{
	struct volt_err ignored;
	if (src->workdir)
		volt_rm_rf(src->workdir, &ignored);
	free(src->path);
	free(src->tag);
	free(src->workdir);
	memset(src, 0, sizeof(*src));
}
