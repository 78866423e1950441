/* The supervision options of run/create/update: --restart, --supervisor and
 * the resource limits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "supervise/supervisor.h"

const char cli_supervise_help[] =
	"      --restart POLICY     no, on-failure[:N], always, unless-stopped (default no)\n"
	"      --supervisor S       systemd, builtin or auto (default: $VOLT_SUPERVISOR,\n"
	"                           supervisor= in $VOLT_ROOT/volt.conf, else auto)\n"
	"      --memory SIZE        memory limit (512m, 1g)\n"
	"      --memory-swap SIZE   memory plus swap limit (-1: unlimited swap)\n"
	"      --cpus N             CPU quota in CPUs (0.5)\n"
	"      --cpu-shares N       relative CPU weight, docker scale (2..262144)\n"
	"      --pids-limit N       process limit (default 2048; -1: none)\n"
	"      --io-weight N        relative I/O weight (1..10000)\n"
	"      --blkio-weight N     relative I/O weight, docker scale (10..1000)\n"
	"      --ignore-limits      warn instead of failing where a limit cannot be enforced\n";

void cli_supervise_init(struct volt_sup_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->restart.mode = VOLT_RESTART_NO;
	volt_limits_init(&o->limits);
}

static int num(const char *cmd, const char *opt, const char *arg, long lo, long hi, int64_t *out)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi) {
		cli_usage_error(cmd, "--%s %s: expected a number from %ld to %ld", opt, arg, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_supervise_opt(const char *cmd, int c, const char *arg, struct volt_sup_opts *o)
{
	struct volt_err err = {0};
	int64_t v;
	struct volt_limits *l = &o->limits;

	switch (c - CLI_OPT_SUPERVISE) {
	case 0:
		if (volt_restart_parse(arg, &o->restart, &err) < 0)
			return cli_fail(&err), -1;
		return 0;
	case 1:
		if (volt_sup_kind_parse(arg, &o->kind, &err) < 0)
			return cli_fail(&err), -1;
		o->kind_set = true;
		return 0;
	case 2:
	case 3:
		if (volt_size_parse(arg, &v, &err) < 0)
			return volt_err_prefix(&err, "--%s", c - CLI_OPT_SUPERVISE == 2 ? "memory" : "memory-swap"),
			       cli_fail(&err), -1;
		if (c - CLI_OPT_SUPERVISE == 2)
			l->memory = v;
		else
			l->memory_swap = v;
		return 0;
	case 4:
		if (volt_cpus_parse(arg, &l->cpu_quota, &err) < 0)
			return cli_fail(&err), -1;
		return 0;
	case 5: /* the conversion runc and crun use */
		if (num(cmd, "cpu-shares", arg, 2, 262144, &v) < 0)
			return -1;
		l->cpu_weight = 1 + ((v - 2) * 9999) / 262142;
		return 0;
	case 10: return num(cmd, "cpu-weight", arg, 1, 10000, &l->cpu_weight);
	case 6:
		if (num(cmd, "pids-limit", arg, -1, 1L << 30, &v) < 0)
			return -1;
		l->pids = v <= 0 ? INT64_MAX : v;
		l->pids_default = false;
		return 0;
	case 7: return num(cmd, "io-weight", arg, 1, 10000, &l->io_weight);
	case 8:
		if (num(cmd, "blkio-weight", arg, 10, 1000, &v) < 0)
			return -1;
		l->io_weight = 1 + ((v - 10) * 9999) / 990;
		return 0;
	case 9: o->ignore_limits = o->ignore_limits_set = true; return 0;
	default: cli_usage_error(cmd, "invalid option"); return -1;
	}
}

int cli_supervise_check(const char *cmd, const struct volt_sup_opts *o, bool rm)
{
	if (rm && o->restart.mode != VOLT_RESTART_NO)
		return cli_usage_error(cmd, "--restart and --rm cannot go together"), -1;
	if (o->limits.memory_swap >= 0 && o->limits.memory_swap != INT64_MAX) {
		if (o->limits.memory < 0)
			return cli_usage_error(cmd, "--memory-swap needs --memory"), -1;
		if (o->limits.memory_swap < o->limits.memory)
			return cli_usage_error(cmd, "--memory-swap must be at least --memory"), -1;
	}
	return 0;
}
