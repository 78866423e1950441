/* volt bundle (stub until bundle.c lands) */
#include "cli/cli.h"
int cmd_bundle(struct volt_cli *cli, int argc, char **argv) { (void)cli; (void)argc; (void)argv; return 125; }
