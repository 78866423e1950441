/* volt push (stub until push.c lands). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_push(struct volt_cli *cli, int argc, char **argv)
{
	(void)cli, (void)argc, (void)argv;
	fprintf(stderr, "volt: push: not implemented yet\n");
	return 125;
}
