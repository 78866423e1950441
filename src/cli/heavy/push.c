/* volt push, volt image save, volt image load. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "userns/idmap.h"
#include "image/image.h"
#include "image/push.h"
#include "util/cleanup.h"

static const struct option push_opts[] = {
	{"tls-verify", optional_argument, NULL, 't'}, {"quiet", no_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_push_spec = {
	.usage = "Usage: volt push [OPTIONS] IMAGE [REF]\n\n"
		 "Push an image from the store to a registry (REF defaults to IMAGE).\n"
		 "Layers are rebuilt from the store (uncompressed; one flattened layer for\n"
		 "an image that was not pulled), so digests differ from those it was pulled with.\n\n"
		 "  --tls-verify=false  do not verify TLS certificates; allow plain HTTP\n"
		 "  -q, --quiet         print only the manifest digest\n",
	.opts = "+q",
	.longopts = push_opts,
};

int cmd_push(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	int tls = -1, c;
	bool quiet = false;
	char digest[80];

	while ((c = cli_getopt(argc, argv, &cli_push_spec)) != -1) {
		switch (c) {
		case 't': tls = !optarg || !strcmp(optarg, "true") || !strcmp(optarg, "1"); break;
		case 'q': quiet = true; break;
		default: return cli_usage_error("push", "invalid option");
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cli_usage_error("push", "requires IMAGE and an optional REF");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	const char *ref = argc - optind == 2 ? argv[optind + 1] : argv[optind];
	if (!quiet)
		fprintf(stderr, "Pushing %s to %s\n", argv[optind], ref);
	if (volt_image_push(ctx, argv[optind], ref, tls, digest, &err) < 0)
		return cli_fail(&err);
	printf("%s\n", digest);
	return 0;
}

static const struct option save_opts[] = {{"output", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_save_spec = {
	.usage = "Usage: volt image save IMAGE -o FILE\n\n"
		 "Write IMAGE as an oci-archive (layers rebuilt from the store, uncompressed).\n",
	.opts = "o:",
	.longopts = save_opts,
};

int cli_image_save(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	const char *out = NULL;
	int c;

	while ((c = cli_getopt(argc, argv, &cli_save_spec)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		default: return cli_usage_error("image save", "invalid option");
		}
	}
	if (argc - optind != 1 || !out)
		return cli_usage_error("image save", "requires IMAGE and -o FILE");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (volt_image_save(ctx, argv[optind], out, &err) < 0)
		return cli_fail(&err);
	return 0;
}

static const struct option load_opts[] = {
	{"input", required_argument, NULL, 'i'}, {"quiet", no_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_load_spec = {
	.usage = "Usage: volt image load -i FILE [NAME]\n\n"
		 "Read an oci-archive (as written by volt image save, podman save\n"
		 "--format oci-archive or skopeo) into the store, under NAME or the name\n"
		 "the archive carries.\n",
	.opts = "i:q",
	.longopts = load_opts,
};

int cli_image_load(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_import_opts o = {0};
	struct volt_err err = {0};
	struct volt_idmap map;
	struct volt_ctx *ctx;
	const char *in = NULL;
	cleanup_free char *name = NULL, *src = NULL;
	char id[72];
	int c;

	while ((c = cli_getopt(argc, argv, &cli_load_spec)) != -1) {
		switch (c) {
		case 'i': in = optarg; break;
		case 'q': o.quiet = true; break;
		default: return cli_usage_error("image load", "invalid option");
		}
	}
	if (!in || argc - optind > 1)
		return cli_usage_error("image load", "requires -i FILE and an optional NAME");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (argc - optind == 1)
		name = strdup(argv[optind]);
	else if (volt_archive_ref_name(in, &name, &err) < 0)
		return cli_fail(&err);
	src = malloc(strlen(in) + 16);
	sprintf(src, "oci-archive:%s", in);
	volt_idmap_detect(&map, false, &err);
	if (volt_image_import(ctx, &map, src, name, &o, id, &err) < 0)
		return cli_fail(&err);
	printf("Loaded image %s%ssha256:%s\n", name ? name : "", name ? " " : "", id);
	return 0;
}
