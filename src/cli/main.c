/* volt: containers and microVMs for people who have no root. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/trace.h"
#include "container/spec.h"
#include "userns/userns_keeper.h"
#include "util/cleanup.h"

static int cmd_help(struct volt_cli *cli, int argc, char **argv);
static const struct volt_cmd_spec help_spec = {
	.usage = "Usage: volt help [COMMAND...]\n\nShow the help of a command: `volt help volume rm` is "
		 "`volt volume rm --help`.\n",
};

/* docker's `container` group: the same functions and specs as the top-level
 * commands (their usage names the top-level form) */
static const struct volt_cmd container_cmds[] = {
	{"ls", cmd_ps, "List containers", &cli_ps_spec},
	{"list", cmd_ps, NULL, &cli_ps_spec},
	{"ps", cmd_ps, NULL, &cli_ps_spec},
	{"run", cmd_run, "Create and start a container from an image", &cli_run_spec},
	{"create", cmd_create, "Create a container without starting it", &cli_create_spec},
	{"start", cmd_start, "Start a created or stopped container", &cli_start_spec},
	{"stop", cmd_stop, "Stop running containers", &cli_stop_spec},
	{"restart", cmd_restart, "Stop and start a container", &cli_restart_spec},
	{"kill", cmd_kill, "Send a signal to containers", &cli_kill_spec},
	{"rm", cmd_rm, "Remove containers", &cli_rm_spec},
	{"remove", cmd_rm, NULL, &cli_rm_spec},
	{"logs", cmd_logs, "Print a container's log", &cli_logs_spec},
	{"exec", cmd_exec, "Run a command in a running container", &cli_exec_spec},
	{"attach", cmd_attach, "Attach to a running container's stdio", &cli_attach_spec},
	{"inspect", cmd_inspect, "Show containers' details as JSON", &cli_inspect_spec},
	{"wait", cmd_wait, "Wait for containers to exit and print their exit codes", &cli_wait_spec},
	{"port", cmd_port, "List a container's published ports", &cli_port_spec},
	{"top", cmd_top, "Show the processes of a container", &cli_top_spec},
	{"stats", cmd_stats, "Show containers' resource use", &cli_stats_spec},
	{"pause", cmd_pause, "Freeze all processes of containers", &cli_pause_spec},
	{"unpause", cmd_unpause, "Thaw paused containers", &cli_unpause_spec},
	{"update", cmd_update, "Change the resource limits of a container", &cli_update_spec},
	{"rename", cmd_rename, "Rename a container", &cli_rename_spec},
	{"cp", cli_exec_heavy, "Copy files between a container and the host", NULL},
	{"diff", cmd_diff, "List the files a container changed", &cli_diff_spec},
	{"export", cli_exec_heavy, "Write a container's file system as a tar archive", NULL},
	{"commit", cli_exec_heavy, "Make an image of a container's changes", NULL},
	{"prune", cmd_container_prune, "Remove all stopped containers", &cli_container_prune_spec},
	{NULL, NULL, NULL, NULL},
};
static const struct volt_cmd_spec container_spec = {
	.usage = "Usage: volt container COMMAND\n\nManage containers (docker's group: `volt container ls` is "
		 "`volt ps`).\n",
	.subs = container_cmds,
};

/* the seed's names, for containers and microVMs alike: aliases of pause and unpause */
static const struct volt_cmd workload_cmds[] = {
	{"freeze", cmd_pause, "Pause workloads (as volt pause)", &cli_pause_spec},
	{"thaw", cmd_unpause, "Resume paused workloads (as volt unpause)", &cli_unpause_spec},
	{NULL, NULL, NULL, NULL},
};
static const struct volt_cmd_spec workload_spec = {
	.usage = "Usage: volt workload COMMAND\n\nContainers and microVMs alike.\n",
	.subs = workload_cmds,
};

static const struct volt_cmd commands[] = {
	{"run", cmd_run, "Create and start a container from an image", &cli_run_spec},
	{"create", cmd_create, "Create a container without starting it", &cli_create_spec},
	{"start", cmd_start, "Start a created or stopped container", &cli_start_spec},
	{"stop", cmd_stop, "Stop a running container (stop signal, then SIGKILL)", &cli_stop_spec},
	{"restart", cmd_restart, "Stop and start a container", &cli_restart_spec},
	{"kill", cmd_kill, "Send a signal to a container", &cli_kill_spec},
	{"rm", cmd_rm, "Remove containers", &cli_rm_spec},
	{"ps", cmd_ps, "List containers", &cli_ps_spec},
	{"logs", cmd_logs, "Print a container's log", &cli_logs_spec},
	{"exec", cmd_exec, "Run a command in a running container", &cli_exec_spec},
	{"attach", cmd_attach, "Attach to a running container's stdio", &cli_attach_spec},
	{"port", cmd_port, "List a container's published ports", &cli_port_spec},
	{"inspect", cmd_inspect, "Show a container's (or image's) details as JSON", &cli_inspect_spec},
	{"wait", cmd_wait, "Wait for containers to exit and print their exit codes", &cli_wait_spec},
	{"container", NULL, "Manage containers (ls, run, rm, prune, ...)", &container_spec},
	{"image", NULL, "Manage images (import, inspect, ls, rm)", &cli_image_spec},
	{"images", cmd_images, "List images", &cli_images_spec},
	{"rmi", cmd_rmi, "Remove images", &cli_rmi_spec},
	{"tag", cmd_tag, "Give an image another name", &cli_tag_spec},
	{"rename", cmd_rename, "Rename a container", &cli_rename_spec},
	{"cp", cli_exec_heavy, "Copy files between a container and the host", NULL},
	{"diff", cmd_diff, "List the files a container changed", &cli_diff_spec},
	{"export", cli_exec_heavy, "Write a container's file system as a tar archive", NULL},
	{"commit", cli_exec_heavy, "Make an image of a container's changes", NULL},
	{"history", cmd_history, "Show the layers of an image", &cli_history_spec},
	{"events", cmd_events, "Print container and image events (from volt's event log)", &cli_events_spec},
	{"healthcheck", NULL, "Run a container's health check (healthcheck run)", &cli_healthcheck_spec},
	{"volume", NULL, "Manage named volumes (create, ls, inspect, rm, prune)", &cli_volume_spec},
	{"pull", cli_exec_heavy, "Pull an image from a registry", NULL},
	{"push", cli_exec_heavy, "Push an image to a registry", NULL},
	{"login", cli_exec_heavy, "Log in to a registry", NULL},
	{"logout", cli_exec_heavy, "Log out of a registry", NULL},
	{"info", cmd_info, "Show what volt found on this host and how it is set up", &cli_info_spec},
	{"update", cmd_update, "Change the resource limits of a container", &cli_update_spec},
	{"pause", cmd_pause, "Freeze all processes of containers", &cli_pause_spec},
	{"unpause", cmd_unpause, "Thaw paused containers", &cli_unpause_spec},
	{"workload", NULL, "Containers and microVMs alike: freeze, thaw", &workload_spec},
	{"stats", cmd_stats, "Show containers' resource use", &cli_stats_spec},
	{"top", cmd_top, "Show the processes of a container", &cli_top_spec},
	{"generate", cmd_generate, "Generate a systemd user unit for a container", &cli_generate_spec},
	{"units", cmd_units, "Turn ~/.config/volt/units/*.volt into systemd user units", &cli_units_spec},
	{"cas", cli_exec_heavy, "The content-addressed store: status, verify, gc, inspect, build, mount", NULL},
	{"bundle", cli_exec_heavy, "Move images as .vbundle files: create, inspect, verify, import", NULL},
	{"vm", cli_exec_heavy, "MicroVMs: kernels (fetch, ls, rm) and a boot check", NULL},
	{"appliance", cli_exec_heavy, "MicroVM appliances built from images: build, ls, rm", NULL},

	{"system", NULL, "The store as a whole: reset (remove everything)", &cli_system_spec},
	{"unshare", cmd_unshare, "Run a command in the store's user namespace", &cli_unshare_spec},
	/* runc's command line, parsed by cli/oci.c itself (its flags are runc's) */
	{"oci", cmd_oci, "The OCI runtime (runc's commands over a bundle); also installed as volt-runtime", NULL},

	{"security", NULL, "Inspect, check and audit confinement; manage profiles", &cli_security_spec},
	{"version", cmd_version, "Show volt's version", &cli_version_spec},
	{"help", cmd_help, "Show the help of a command (volt help COMMAND)", &help_spec},
	{"completion", cmd_completion, "Print a bash or zsh completion script", &cli_completion_spec},
	{"__man", cmd_man, NULL, &cli_man_spec}, /* make install: the manual pages */
};

/* cmd_help - `volt help CMD...` runs `volt CMD... --help`; alone, volt --help */
static int cmd_help(struct volt_cli *cli, int argc, char **argv)
{
	char **nargv = calloc((size_t)argc + 2, sizeof(char *));
	int k = 0;
	(void)cli;
	if (!nargv) {
		fprintf(stderr, "volt: out of memory\n");
		return VOLT_EXIT_INTERNAL;
	}
	nargv[k++] = "volt";
	for (int i = 1; i < argc; i++)
		nargv[k++] = argv[i];
	nargv[k++] = "--help";
	int ret = cli_main(k, nargv, commands, ARRAY_SIZE(commands), "volt");
	free(nargv);
	return ret;
}

int main(int argc, char **argv)
{
	volt_trace("volt: main");
	/* volt-runtime: the same binary under the name engines look for */
	const char *base = strrchr(argv[0], '/');
	if (!strcmp(base ? base + 1 : argv[0], "volt-runtime"))
		return cli_oci_main(argc, argv);
	/* not a command: the process that keeps a mapped user namespace
	 * (userns/userns_keeper.c), started by volt itself */
	if ((argc == 6 || argc == 7) && !strcmp(argv[1], VOLT_USERNS_KEEPER_CMD))
		return volt_userns_keeper_main(argc - 1, argv + 1);
	return cli_main(argc, argv, commands, ARRAY_SIZE(commands), "volt");
}
