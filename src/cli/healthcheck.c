/* volt healthcheck run CONTAINER: the container's health check once, now,
 * as podman's (docker has no such command). Exit 0 healthy, 1 unhealthy
 * ("unhealthy" printed), 125 when there is no check or the container is not
 * running (or paused). The result counts as a scheduled one (workload/health.c). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "container/spec.h"
#include "workload/health.h"
#include "workload/lifecycle.h"
#include "util/cleanup.h"

int cli_health_status(struct volt_ctx *ctx, const struct volt_ctr_row *c, json_t *spec)
{
	struct volt_health_state st;
	struct volt_err err;
	if (!ctx || !json_object_get(spec, "health"))
		return VOLT_HEALTH_NONE;
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, c->id);
	int r = volt_health_load(dir, &st, &err);
	if (r != 0) /* a monitor that has not written it yet */
		return r > 0 && c->state == VOLT_CTR_RUNNING ? VOLT_HEALTH_STARTING : VOLT_HEALTH_NONE;
	int s = (int)st.status;
	volt_health_state_free(&st);
	return s;
}

static const struct volt_cmd_spec run_spec = {
	.usage = "Usage: volt healthcheck run CONTAINER\n\n"
		 "Run the container's health check once and record its result (its\n"
		 "status, FailingStreak and Log in volt inspect). Exit 0: healthy;\n"
		 "1: unhealthy; 125: no health check, or the container is not running.\n",
};

static int healthcheck_run(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	struct volt_spec spec;
	int r;

	if (argc != 2)
		return cli_usage_error("healthcheck run", "requires exactly one container");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	r = cli_ctr_load(ctx, argv[1], &row);
	if (r != 0)
		return r;
	if (volt_spec_from_json(&spec, row.spec, &err) < 0) {
		volt_ctr_row_free(&row);
		return cli_fail(&err);
	}
	if (!spec.health.test)
		volt_err_said(&err, 0, "container %s has no defined healthcheck", row.name);
	else if (row.state == VOLT_CTR_PAUSED)
		volt_err_said(&err, 0, "container %s is paused", row.name);
	else if (row.state != VOLT_CTR_RUNNING)
		volt_err_said(&err, 0, "container %s is not running", row.name);
	else {
		cleanup_free char *dir = volt_ctx_ctr_dir(ctx, row.id);
		r = volt_health_check_once(ctx, &spec, row.pid, dir, row.started, &err);
	}
	volt_spec_free(&spec);
	volt_ctr_row_free(&row);
	if (err.msg[0])
		return cli_fail(&err);
	if (r == VOLT_HEALTH_HEALTHY)
		return 0;
	printf("%s\n", volt_health_status_name((enum volt_health_status)r));
	return 1;
}

static const struct volt_cmd healthcheck_cmds[] = {
	{"run", healthcheck_run, "Run a container's health check once", &run_spec},
	{NULL, NULL, NULL, NULL},
};

const struct volt_cmd_spec cli_healthcheck_spec = {
	.usage = "Usage: volt healthcheck COMMAND\n\nA container's health check (--health-cmd, an image's "
		 "HEALTHCHECK).\n",
	.subs = healthcheck_cmds,
};
