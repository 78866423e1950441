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

static int volume_create(struct volt_ctx *ctx, int argc, char **argv)
{
	int ret = 0;
	if (argc < 2)
		return cli_usage_error("volume create", "requires at least 1 argument (NAME)");
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
		volt_err_set(err, ENOENT, "no such volume: %s", name);
		return NULL;
	}
	if (volt_volume_users(ctx, name, &users, err) < 0)
		return NULL;
	volt_format_time((long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec, created,
			 sizeof(created));
	json_t *u = json_array();
	for (size_t i = 0; users[i]; i++)
		json_array_append_new(u, json_string(users[i]));
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:o}", "Name", name, "Driver", "local", "Mountpoint", data,
			 "CreatedAt", created, "Filled", stat(marker, &st) == 0, "UsedBy", u);
}

static int volume_ls(struct volt_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"quiet", no_argument, NULL, 'q'},
					     {"format", required_argument, NULL, 'f'},
					     {NULL, 0, NULL, 0}};
	cleanup_strv char **names = NULL;
	struct volt_err err = {0};
	bool quiet = false, json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case 'f':
			if (strcmp(optarg, "json"))
				return cli_usage_error("volume ls", "--format %s: only json is supported", optarg);
			json = true;
			break;
		default: return cli_usage_error("volume ls", "invalid option");
		}
	}
	if (volt_volume_list(ctx, &names, &err) < 0)
		return cli_fail(&err);
	json_t *arr = json ? json_array() : NULL;
	if (!json && !quiet)
		printf("%-8s %s\n", "DRIVER", "VOLUME NAME");
	for (size_t i = 0; names[i]; i++) {
		if (json) {
			json_t *v = volume_json(ctx, names[i], &err);
			if (v)
				json_array_append_new(arr, v);
		} else if (quiet) {
			printf("%s\n", names[i]);
		} else {
			printf("%-8s %s\n", "local", names[i]);
		}
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(arr);
	}
	return 0;
}

static int volume_inspect(struct volt_ctx *ctx, int argc, char **argv)
{
	json_t *arr = json_array();
	int ret = 0;
	if (argc < 2)
		return cli_usage_error("volume inspect", "requires at least 1 argument");
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

static int volume_rm(struct volt_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	bool force = false;
	int c, ret = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (c != 'f')
			return cli_usage_error("volume rm", "invalid option");
		force = true;
	}
	if (optind >= argc)
		return cli_usage_error("volume rm", "requires at least 1 argument");
	for (int i = optind; i < argc; i++) {
		struct volt_err err = {0};
		if (volt_volume_remove(ctx, argv[i], force, &err) < 0)
			ret = cli_fail(&err);
		else
			printf("%s\n", argv[i]);
	}
	return ret;
}

static int volume_prune(struct volt_ctx *ctx)
{
	cleanup_strv char **names = NULL;
	struct volt_err err = {0};
	int ret = 0;

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

int cmd_volume(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("Usage: volt volume COMMAND\n\nNamed volumes ($VOLT_ROOT/volumes/NAME/_data). The first\n"
		       "container that mounts an empty volume fills it from its image, as docker does.\n\n"
		       "Commands:\n"
		       "  create NAME...        create volumes\n"
		       "  ls [-q] [--format json]  list volumes\n"
		       "  inspect NAME...       show volumes as JSON (mount point, users)\n"
		       "  rm [-f] NAME...       remove volumes (-f: even while containers use them)\n"
		       "  prune                 remove every volume no container uses\n");
		return argc < 2 ? 125 : 0;
	}
	if (!(ctx = cli_ctx(cli)))
		return 125;
	const char *sub = argv[1];
	if (!strcmp(sub, "create"))
		return volume_create(ctx, argc - 1, argv + 1);
	if (!strcmp(sub, "ls") || !strcmp(sub, "list"))
		return volume_ls(ctx, argc - 1, argv + 1);
	if (!strcmp(sub, "inspect"))
		return volume_inspect(ctx, argc - 1, argv + 1);
	if (!strcmp(sub, "rm") || !strcmp(sub, "remove"))
		return volume_rm(ctx, argc - 1, argv + 1);
	if (!strcmp(sub, "prune"))
		return volume_prune(ctx);
	fprintf(stderr, "volt: volume: unknown command \"%s\"\nSee 'volt volume --help'.\n", sub);
	return 125;
}
