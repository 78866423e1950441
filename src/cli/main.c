/* volt: containers and microVMs for people who have no root. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/trace.h"
#include "container/spec.h"
#include "container/userns_keeper.h"
#include "util/cleanup.h"

static const struct volt_cmd commands[] = {
	{"run", cmd_run, "Create and start a container from an image"},
	{"create", cmd_create, "Create a container without starting it"},
	{"start", cmd_start, "Start a created or stopped container"},
	{"stop", cmd_stop, "Stop a running container (stop signal, then SIGKILL)"},
	{"restart", cmd_restart, "Stop and start a container"},
	{"kill", cmd_kill, "Send a signal to a container"},
	{"rm", cmd_rm, "Remove containers"},
	{"ps", cmd_ps, "List containers"},
	{"logs", cmd_logs, "Print a container's log"},
	{"exec", cmd_exec, "Run a command in a running container"},
	{"port", cmd_port, "List a container's published ports"},
	{"inspect", cmd_inspect, "Show a container's (or image's) details as JSON"},
	{"wait", cmd_wait, "Wait for containers to exit and print their exit codes"},
	{"image", cmd_image, "Manage images (import, inspect, ls, rm)"},
	{"images", cmd_images, "List images"},
	{"rmi", cmd_rmi, "Remove images"},
	{"volume", cmd_volume, "Manage named volumes (create, ls, inspect, rm, prune)"},
	{"pull", cli_exec_heavy, "Pull an image from a registry"},
	{"push", cli_exec_heavy, "Push an image to a registry"},
	{"login", cli_exec_heavy, "Log in to a registry"},
	{"logout", cli_exec_heavy, "Log out of a registry"},
	{"info", cmd_info, "Show what volt found on this host and how it is set up"},
	{"update", cmd_update, "Change the resource limits of a container"},
	{"pause", cmd_pause, "Freeze all processes of containers"},
	{"unpause", cmd_unpause, "Thaw paused containers"},
	{"stats", cmd_stats, "Show containers' resource use"},
	{"top", cmd_top, "Show the processes of a container"},
	{"generate", cmd_generate, "Generate a systemd user unit for a container"},
	{"units", cmd_units, "Turn ~/.config/volt/units/*.volt into systemd user units"},
	{"cas", cli_exec_heavy, "The content-addressed store: status, verify, gc, inspect, build, mount"},
	{"bundle", cli_exec_heavy, "Move images as .vbundle files: create, inspect, verify, import"},

	{"oci", cmd_oci, "The OCI runtime (runc's commands over a bundle); also installed as volt-runtime"},
	{"security", cmd_security, "Inspect, check and audit confinement; manage profiles"},
};

int main(int argc, char **argv)
{
	volt_trace("volt: main");
	/* volt-runtime: the same binary under the name engines look for */
	const char *base = strrchr(argv[0], '/');
	if (!strcmp(base ? base + 1 : argv[0], "volt-runtime"))
		return cli_oci_main(argc, argv);
	/* not a command: the process that keeps a mapped user namespace
	 * (container/userns_keeper.c), started by volt itself */
	if ((argc == 6 || argc == 7) && !strcmp(argv[1], VOLT_USERNS_KEEPER_CMD))
		return volt_userns_keeper_main(argc - 1, argv + 1);
	return cli_main(argc, argv, commands, ARRAY_SIZE(commands), "volt");
}
