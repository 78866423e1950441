/* volt-image: the commands of volt that need the heavy libraries (archives,
 * hashing, HTTP, FUSE). `volt` execs it for them, so that `volt` itself, and
 * with it every container start, does not load those libraries. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/cleanup.h"

/* volt image SUBCOMMAND, for the subcommands that live here (volt's image.c
 * execs this for them) */
static const struct volt_cmd image_cmds[] = {
	{"import", cmd_image_import, "Import a local image", &cli_import_spec},
	{"pull", cmd_pull, "Pull from a registry", &cli_pull_spec},
	{"push", cmd_push, "Push to a registry", &cli_push_spec},
	{"save", cli_image_save, "Write an oci-archive", &cli_save_spec},
	{"load", cli_image_load, "Read an oci-archive", &cli_load_spec},
	{"prune", cmd_image_prune, "Remove unused images", &cli_image_prune_spec},
	{NULL, NULL, NULL, NULL},
};
static const struct volt_cmd_spec image_spec = {
	.usage = "Usage: volt image COMMAND\n\nThe image commands of volt-image.\n",
	.subs = image_cmds,
};

/* volt container SUBCOMMAND, for those that live here */
static const struct volt_cmd container_cmds[] = {
	{"cp", cmd_cp, NULL, &cli_cp_spec},
	{"export", cmd_export, NULL, &cli_export_spec},
	{"commit", cmd_commit, NULL, &cli_commit_spec},
	{NULL, NULL, NULL, NULL},
};
static const struct volt_cmd_spec container_spec = {
	.usage = "Usage: volt container COMMAND\n\nThe container commands of volt-image.\n",
	.subs = container_cmds,
};

static const struct volt_cmd commands[] = {
	{"image", NULL, NULL, &image_spec},
	{"cas", NULL, NULL, &cli_cas_spec},
	{"bundle", NULL, NULL, &cli_bundle_spec},
	{"vm", NULL, NULL, &cli_vm_spec},
	{"appliance", NULL, NULL, &cli_appliance_spec},

	{"pull", cmd_pull, NULL, &cli_pull_spec},
	{"push", cmd_push, NULL, &cli_push_spec},
	{"login", cmd_login, NULL, &cli_login_spec},
	{"logout", cmd_logout, NULL, &cli_logout_spec},
	{"cp", cmd_cp, NULL, &cli_cp_spec},
	{"export", cmd_export, NULL, &cli_export_spec},
	{"commit", cmd_commit, NULL, &cli_commit_spec},
	{"container", NULL, NULL, &container_spec},
};

int main(int argc, char **argv)
{
	return cli_main(argc, argv, commands, ARRAY_SIZE(commands), "volt-image");
}
