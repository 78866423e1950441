/* volt image import (runs in volt-image: it needs libarchive). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "userns/idmap.h"
#include "image/image.h"

static const struct option import_opts[] = {{"quiet", no_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_import_spec = {
	.usage = "Usage: volt image import [-q] SOURCE [NAME[:TAG]]\n\n"
		 "Import a local image into the store. SOURCE is one of:\n"
		 "  oci:DIR[:TAG]           an OCI image layout directory\n"
		 "  oci-archive:FILE[:TAG]  an OCI layout in a tarball\n"
		 "  docker-archive:FILE[:REPO:TAG]  `docker save` output\n"
		 "  FILE                    a plain root file system tarball (.tar, .tar.gz, .tar.zst)\n"
		 "Without NAME a docker-archive image is named after its first RepoTag.\n"
		 "Every blob is checked against its digest; see docs/images.md.\n",
	.opts = "q",
	.longopts = import_opts,
};

int cmd_image_import(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_import_opts o = {0};
	struct volt_err err = {0};
	struct volt_idmap map;
	struct volt_ctx *ctx;
	char id[72];
	int c;

	while ((c = cli_getopt(argc, argv, &cli_import_spec)) != -1) {
		switch (c) {
		case 'q': o.quiet = true; break;
		default: return cli_usage_error("image import", "invalid option");
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cli_usage_error("image import", "requires SOURCE and an optional NAME");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	volt_idmap_detect(&map, false, &err);
	if (volt_image_import(ctx, &map, argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL, &o, id, &err) < 0)
		return cli_fail_writer(&err, "import");
	printf("sha256:%s\n", id);
	return 0;
}
