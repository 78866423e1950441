#include "cli/cli.h"
const struct volt_cmd_spec cli_commit_spec = {.usage = "Usage: volt commit CONTAINER [REPOSITORY[:TAG]]\n"};
int cmd_commit(struct volt_cli *cli, int argc, char **argv)
{
	(void)cli, (void)argc, (void)argv;
	return 125;
}
