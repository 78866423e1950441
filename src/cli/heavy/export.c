/* volt export: a container's file system (running or not) as a tar stream,
 * written as root of its user namespace, so the owners are the container's. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/copy.h"
#include "container/rootview.h"
#include "state/liveness.h"
#include "util/cleanup.h"

static const struct option export_opts[] = {{"output", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_export_spec = {
	.usage = "Usage: volt export [-o FILE] CONTAINER\n\n"
		 "Write the container's file system as a tar archive (to stdout, or FILE):\n"
		 "its image with its changes, the owners as the container sees them. Mount\n"
		 "points (/proc, /sys, /dev, volumes) are listed empty, as docker's.\n\n"
		 "  -o, --output FILE   write to FILE instead of stdout\n",
	.opts = "o:",
	.longopts = export_opts,
};

static int export_in_view(void *arg, int rootfd, struct volt_err *err)
{
	const struct volt_copy_opts o = {.uid = (uid_t)-1, .gid = (gid_t)-1};
	return volt_copy_fs_to_tar(rootfd, "/", *(int *)arg, &o, err);
}

int cmd_export(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctr_row row;
	struct volt_ctx *ctx;
	const char *out = NULL;
	int c, fd = STDOUT_FILENO;

	while ((c = cli_getopt(argc, argv, &cli_export_spec)) != -1)
		if (c == 'o')
			out = optarg;
	if (argc - optind != 1)
		return cli_usage_error("export", "requires exactly 1 argument");
	if (!out && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "volt: export: cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
		return VOLT_EXIT_INTERNAL;
	}
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	int r = cli_ctr_load(ctx, argv[optind], &row);
	if (r != 0)
		return r;
	if (out && (fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		volt_err_sys(&err, "export: %s", out);
		volt_ctr_row_free(&row);
		return cli_fail(&err);
	}
	r = volt_rootview_run(ctx, &row, export_in_view, &fd, &err);
	volt_ctr_row_free(&row);
	if (out)
		close(fd);
	if (r < 0) {
		if (out)
			unlink(out);
		volt_err_prefix(&err, "export %s", argv[optind]);
		return cli_fail(&err);
	}
	return 0;
}
