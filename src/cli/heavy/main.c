/* volt-image: the commands of volt that need the heavy libraries (archives,
 * hashing, HTTP, FUSE). `volt` execs it for them, so that `volt` itself, and
 * with it every container start, does not load those libraries. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/cleanup.h"

/* volt image SUBCOMMAND, for the subcommands that live here */
static int cmd_image_heavy(struct volt_cli *cli, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "import")) {
		optind = 1;
		return cmd_image_import(cli, argc - 1, argv + 1);
	}
	fprintf(stderr, "volt: image: unknown command \"%s\"\n", argc >= 2 ? argv[1] : "");
	return 125;
}

static const struct volt_cmd commands[] = {
	{"image", cmd_image_heavy, NULL},
};

int main(int argc, char **argv)
{
	return cli_main(argc, argv, commands, ARRAY_SIZE(commands), "volt-image");
}
