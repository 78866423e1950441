/* volt volume: create, ls, inspect, rm, prune (container/volume.c). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "container/spec.h"
#include "container/volume.h"
#include "util/cleanup.h"
#include "util/fs.h"

static int volume_create(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	int ret = 0;
	if (argc < 2)
		return cli_usage_error("volume create", "requires at least 1 argument (NAME)");
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	for (int i = 1; i < argc; i++) {
		struct volt_err err = {0};
		if (volt_volume_create(ctx, argv[i], &err) < 0)
			ret = cli_fail(&err);
		else
			printf("%s\n", argv[i]);
	}
	return ret;
}

static json_t *volume_json(struct volt_ctx *ctx, const char *name, struct volt_err *err)
{
	cleanup_free char *dir = volt_volume_dir(ctx, name);
	cleanup_free char *data = volt_volume_data_dir(ctx, name);
	cleanup_free char *marker = volt_path("%s/filled", dir);
	cleanup_strv char **users = NULL;
	struct stat st;
	char created[48] = "";

	if (!volt_name_valid(name) || stat(data, &st) < 0) {
		volt_err_said(err, ENOENT, "no such volume: %s", name);
		return NULL;
	}
	if (volt_volume_users(ctx, name, &users, err) < 0)
		return NULL;
	volt_format_time((long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec, created, sizeof(created));
	json_t *u = json_array();
	for (size_t i = 0; users[i]; i++)
		json_array_append_new(u, json_string(users[i]));
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:o}", "Name", name, "Driver", "local", "Mountpoint", data, "CreatedAt",
			 created, "Filled", stat(marker, &st) == 0, "UsedBy", u);
}

static const struct option ls_opts[] = {{"quiet", no_argument, NULL, 'q'},
					{"format", required_argument, NULL, 'M'}, /* -f is --filter */
					{"filter", required_argument, NULL, 'f'},
					{NULL, 0, NULL, 0}};
static const struct volt_cmd_spec ls_spec = {
	.usage = "Usage: volt volume ls [-q] [-f KEY=VALUE]... [--format FORMAT]\n\nList volumes.\n\n"
		 "  -q, --quiet          print only names\n"
		 "  -f, --filter K=V     name (a part of), dangling (true: used by no container)\n"
		 "      --format FORMAT  json (an object per line: docker's fields, and volt's\n"
		 "                       CreatedAt, Filled, UsedBy), table TEMPLATE, or a Go template\n"
		 "                       per volume: .Name .Driver .Mountpoint .Scope .CreatedAt\n",
	.opts = "qf:",
	.longopts = ls_opts,
};

static const struct cli_col volume_cols[] = {
	{"Driver", "DRIVER"}, {"Name", "VOLUME NAME"},	   {"Mountpoint", "MOUNTPOINT"},
	{"Scope", "SCOPE"},   {"CreatedAt", "CREATED AT"}, {"Labels", "LABELS"},
	{NULL, NULL}};

/* volume_match - docker's volume ls filters that volt has the data for */
static bool volume_match(char **filters, const char *name, json_t *v)
{
	for (size_t i = 0; filters && filters[i]; i++) {
		const char *f = filters[i];
		if (!strncmp(f, "name=", 5) && !strstr(name, f + 5))
			return false;
		if (!strncmp(f, "dangling=", 9) && (json_array_size(json_object_get(v, "UsedBy")) == 0) !=
							   (!strcmp(f + 9, "true") || !strcmp(f + 9, "1")))
			return false;
	}
	return true;
}

static int volume_ls(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	cleanup_strv char **names = NULL, **filters = NULL;
	struct volt_err err = {0};
	struct cli_listing out;
	const char *format = NULL;
	bool quiet = false;
	int c;

	while ((c = cli_getopt(argc, argv, &ls_spec)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case 'M': format = optarg; break;
		case 'f':
			if (strncmp(optarg, "name=", 5) && strcmp(optarg, "dangling=true") &&
			    strcmp(optarg, "dangling=false") && strcmp(optarg, "dangling=1") &&
			    strcmp(optarg, "dangling=0"))
				return cli_usage_error("volume ls", "--filter %s: use name=TEXT or dangling=true|false",
						       optarg);
			cli_strv_add(&filters, optarg);
			break;
		default: return cli_usage_error("volume ls", "invalid option");
		}
	}
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	if (volt_volume_list(ctx, &names, &err) < 0)
		return cli_fail(&err);
	if (!quiet && cli_listing_open(&out, "volume ls", format, "table {{.Driver}}\t{{.Name}}", volume_cols) < 0)
		return VOLT_EXIT_INTERNAL;
	for (size_t i = 0; names[i]; i++) {
		json_t *v = volume_json(ctx, names[i], &err);
		if (!v || !volume_match(filters, names[i], v)) {
			json_decref(v);
			continue;
		}
		if (quiet) {
			printf("%s\n", names[i]);
		} else {
			json_object_update_new(
				v, json_pack("{s:s,s:s,s:s}", "Scope", "local", "Labels", "", "Size", "N/A"));
			cli_listing_row(&out, v);
		}
		json_decref(v);
	}
	return quiet ? 0 : cli_listing_close(&out);
}

static int volume_inspect(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	json_t *arr;
	int ret = 0;
	if (argc < 2)
		return cli_usage_error("volume inspect", "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	arr = json_array();
	for (int i = 1; i < argc; i++) {
		struct volt_err err = {0};
		json_t *v = volume_json(ctx, argv[i], &err);
		if (v)
			json_array_append_new(arr, v);
		else
			ret = cli_fail(&err);
	}
	json_dumpf(arr, stdout, JSON_INDENT(2));
	printf("\n");
	json_decref(arr);
	return ret;
}

static const struct option force_opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec rm_spec = {
	.usage = "Usage: volt volume rm [-f] NAME...\n\nRemove volumes.\n\n"
		 "  -f, --force   remove even while containers use them\n",
	.opts = "f",
	.longopts = force_opts,
};

static int volume_rm(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	bool force = false;
	int c, ret = 0;

	while ((c = cli_getopt(argc, argv, &rm_spec)) != -1) {
		if (c != 'f')
			return cli_usage_error("volume rm", "invalid option");
		force = true;
	}
	if (optind >= argc)
		return cli_usage_error("volume rm", "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	for (int i = optind; i < argc; i++) {
		struct volt_err err = {0};
		if (volt_volume_remove(ctx, argv[i], force, &err) < 0)
			ret = cli_fail(&err);
		else
			printf("%s\n", argv[i]);
	}
	return ret;
}

static const struct volt_cmd_spec prune_spec = {
	.usage = "Usage: volt volume prune [-f]\n\nRemove every volume no container uses, after asking\n"
		 "(the answer is read from stdin, terminal or not: only y removes).\n\n"
		 "  -f, --force   do not ask\n",
	.opts = "f",
	.longopts = force_opts,
};

static int volume_prune(struct volt_cli *cli, int argc, char **argv)
{
	cleanup_strv char **names = NULL;
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	bool force = false;
	int c, ret = 0;

	while ((c = cli_getopt(argc, argv, &prune_spec)) != -1) {
		if (c != 'f')
			return cli_usage_error("volume prune", "invalid option");
		force = true;
	}
	if (optind < argc)
		return cli_usage_error("volume prune", "takes no argument");
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	/* asked before anything is listed: the answer is about all unused ones */
	if (!cli_confirm("WARNING! This will remove all volumes not used by at least one container.", force))
		return 0;
	if (volt_volume_list(ctx, &names, &err) < 0)
		return cli_fail(&err);
	for (size_t i = 0; names[i]; i++) {
		cleanup_strv char **users = NULL;
		if (volt_volume_users(ctx, names[i], &users, &err) < 0)
			return cli_fail(&err);
		if (users[0])
			continue;
		if (volt_volume_remove(ctx, names[i], false, &err) < 0)
			ret = cli_fail(&err);
		else
			printf("%s\n", names[i]);
	}
	return ret;
}

static const struct volt_cmd_spec create_spec = {
	.usage = "Usage: volt volume create NAME...\n\nCreate volumes.\n",
};
static const struct volt_cmd_spec inspect_spec = {
	.usage = "Usage: volt volume inspect NAME...\n\nShow volumes as JSON (mount point, users).\n",
};

static const struct volt_cmd volume_cmds[] = {
	{"create", volume_create, "Create volumes", &create_spec},
	{"ls", volume_ls, "List volumes", &ls_spec},
	{"list", volume_ls, NULL, &ls_spec},
	{"inspect", volume_inspect, "Show volumes as JSON (mount point, users)", &inspect_spec},
	{"rm", volume_rm, "Remove volumes (-f: even while containers use them)", &rm_spec},
	{"remove", volume_rm, NULL, &rm_spec},
	{"prune", volume_prune, "Remove every volume no container uses, after asking", &prune_spec},
	{NULL, NULL, NULL, NULL},
};

const struct volt_cmd_spec cli_volume_spec = {
	.usage = "Usage: volt volume COMMAND\n\nNamed volumes ($VOLT_ROOT/volumes/NAME/_data). The first\n"
		 "container that mounts an empty volume fills it from its image, as docker does.\n",
	.subs = volume_cmds,
};
