/* A container's health (docker's State.Health): the state machine its
 * check results drive and the file that keeps it, containers/<id>/health.json
 * (health_state.c). The checks themselves run in health.c. */
#ifndef VOLT_WORKLOAD_HEALTH_STATE_H
#define VOLT_WORKLOAD_HEALTH_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "container/spec.h"
#include "util/err.h"

enum volt_health_status {
	VOLT_HEALTH_NONE, /* no check, or no state yet */
	VOLT_HEALTH_STARTING,
	VOLT_HEALTH_HEALTHY,
	VOLT_HEALTH_UNHEALTHY,
};

#define VOLT_HEALTH_LOG_MAX 5	    /* results kept, as docker's */
#define VOLT_HEALTH_OUTPUT_MAX 4096 /* bytes of a check's output kept, as docker's */

struct volt_health_result {
	long long start, end; /* ns since the epoch */
	int exit_code;	      /* 0 healthy, else unhealthy; -1: it did not finish (timeout) */
	char *output;	      /* at most VOLT_HEALTH_OUTPUT_MAX bytes */
};

struct volt_health_state {
	enum volt_health_status status;
	int failing_streak;
	struct volt_health_result log[VOLT_HEALTH_LOG_MAX]; /* oldest first */
	int n_log;
};

/* docker's defaults for what the spec leaves 0 */
int64_t volt_health_interval(const struct volt_health *h);
int64_t volt_health_timeout(const struct volt_health *h);
int64_t volt_health_start_interval(const struct volt_health *h);
int volt_health_retries(const struct volt_health *h);

const char *volt_health_status_name(enum volt_health_status s);
/* volt_health_status_parse - "healthy" ... "none"; -1 if not one */
int volt_health_status_parse(const char *s);

/* volt_health_apply - one result into st (r->output moves into st's log):
 * exit 0 makes it healthy and the streak 0; a failure adds to the streak,
 * unless it came in the start period while still starting (docker's), and
 * makes it unhealthy at the retries'th. Return: whether the status changed. */
bool volt_health_apply(struct volt_health_state *st, const struct volt_health *h, struct volt_health_result *r,
		       bool in_start_period);
void volt_health_state_free(struct volt_health_state *st);

/* volt_health_state_json - docker's State.Health object (malloc'd text) */
char *volt_health_state_json(const struct volt_health_state *st);
/* volt_health_state_parse - the text volt_health_state_json wrote */
int volt_health_state_parse(const char *text, struct volt_health_state *st, struct volt_err *err);

/* volt_health_load - ctr_dir/health.json. Return: 0, 1 if there is none
 * (st: status none), -1 with err. */
int volt_health_load(const char *ctr_dir, struct volt_health_state *st, struct volt_err *err);
/* volt_health_reset - a container (re)started: starting, streak 0, the log kept */
int volt_health_reset(const char *ctr_dir, struct volt_err *err);
/* volt_health_record - load, apply r, save, under ctr_dir/health.lock (a
 * scheduled check and `volt healthcheck run` may finish together); a changed
 * status goes to the event log as health_status: STATUS. Return: the new
 * status, or -1 with err. */
int volt_health_record(const char *ctr_dir, const struct volt_health *h, struct volt_health_result *r,
		       bool in_start_period, const char *id, const char *name, struct volt_err *err);

#endif
