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
	static const struct volt_cmd sub[] = {
		{"import", cmd_image_import, NULL}, {"pull", cmd_pull, NULL},       {"push", cmd_push, NULL},
		{"save", cli_image_save, NULL},     {"load", cli_image_load, NULL},
	};
	for (size_t i = 0; argc >= 2 && i < ARRAY_SIZE(sub); i++) {
		if (!strcmp(argv[1], sub[i].name)) {
			optind = 1;
			return sub[i].fn(cli, argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "volt: image: unknown command \"%s\"\n", argc >= 2 ? argv[1] : "");
	return 125;
}

static const struct volt_cmd commands[] = {
	{"image", cmd_image_heavy, NULL},
	{"cas", cmd_cas, NULL},
	{"bundle", cmd_bundle, NULL},
	{"vm", cmd_vm, NULL},

	{"pull", cmd_pull, NULL},
	{"push", cmd_push, NULL},
	{"login", cmd_login, NULL},
	{"logout", cmd_logout, NULL},
};

int main(int argc, char **argv)
{
	return cli_main(argc, argv, commands, ARRAY_SIZE(commands), "volt-image");
}
