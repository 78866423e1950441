/* volt version: docker's `version`, the client part (volt has no server). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli/cli.h"
#include "util/gotmpl.h"

static const struct option version_opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_version_spec = {
	.usage = "Usage: volt version [-f FORMAT]\n\nShow volt's version (docker's \"Client\" section; volt has no "
		 "server).\n\n"
		 "  -f, --format FORMAT   json: {\"Client\":{\"Version\":...,\"Os\":...,\"Arch\":...}};\n"
		 "                        or a Go template: {{.Client.Version}}\n",
	.opts = "f:",
	.longopts = version_opts,
};

/* arch - GOARCH's name for the machine, as docker prints OS/Arch */
static const char *arch(const char *m)
{
	static const char *const map[][2] = {{"x86_64", "amd64"},   {"aarch64", "arm64"},   {"i686", "386"},
					     {"armv7l", "arm"},	    {"ppc64le", "ppc64le"}, {"s390x", "s390x"},
					     {"riscv64", "riscv64"}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(m, map[i][0]))
			return map[i][1];
	return m;
}

int cmd_version(struct volt_cli *cli, int argc, char **argv)
{
	const char *format = NULL;
	struct utsname u;
	int c;
	(void)cli;
	while ((c = cli_getopt(argc, argv, &cli_version_spec)) != -1)
		if (c == 'f')
			format = optarg;
	if (optind < argc)
		return cli_usage_error("version", "takes no argument");
	if (uname(&u) < 0)
		strcpy(u.machine, "unknown");
	json_t *o = json_pack("{s:{s:s,s:s,s:s}}", "Client", "Version", VOLT_VERSION, "Os", "linux", "Arch",
			      arch(u.machine));
	int ret = 0;
	if (!format) {
		printf("Client:\n Version:    %s\n OS/Arch:    linux/%s\n", VOLT_VERSION, arch(u.machine));
	} else if (!strcmp(format, "json") || !strcmp(format, "{{json .}}")) {
		json_dumpf(o, stdout, JSON_COMPACT);
		printf("\n");
	} else {
		struct volt_tmpl *t;
		ret = VOLT_EXIT_INTERNAL;
		if (cli_format_parse("version", format, &t) == 0) {
			ret = cli_format_print("version", t, o) < 0 ? VOLT_EXIT_INTERNAL : 0;
			volt_tmpl_free(t);
		}
	}
	json_decref(o);
	return ret;
}
