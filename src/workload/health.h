/* Health checks (docker's HEALTHCHECK, --health-*): one check run in a
 * running container as `volt exec` runs a command, and the scheduler the
 * monitor forks to run them on the spec's schedule (health.c). Their results
 * go through the state machine in health_state.c. */
#ifndef VOLT_WORKLOAD_HEALTH_H
#define VOLT_WORKLOAD_HEALTH_H

#include <stdbool.h>
#include <sys/types.h>

#include "container/spec.h"
#include "state/context.h"
#include "workload/health_state.h"

/* volt_health_run_check - spec's check once in the container whose PID 1 is
 * target: CMD-SHELL through /bin/sh -c, CMD as is; its stdout and stderr
 * (the first VOLT_HEALTH_OUTPUT_MAX bytes) into r->output. Past the timeout
 * it is killed: exit code -1, as docker records it. Return: 0 (r filled,
 * whatever the check said), or -1 with err (nothing could be run). */
int volt_health_run_check(struct volt_ctx *ctx, const struct volt_spec *spec, pid_t target,
			  struct volt_health_result *r, struct volt_err *err);

/* volt_health_check_once - run, record (state, event): what `volt
 * healthcheck run` and every scheduled check do. started: the container's
 * start (ns), for the start period. Return: the status after it, or -1. */
int volt_health_check_once(struct volt_ctx *ctx, const struct volt_spec *spec, pid_t target, const char *ctr_dir,
			   long long started, struct volt_err *err);

/* volt_health_scheduler_start - the monitor's: fork the child that resets
 * the state to starting and runs the checks every interval until the
 * monitor stops it or dies (PR_SET_PDEATHSIG). It keeps no fd of the
 * monitor's (not its lock, not a caller's pipe). Forked before the monitor
 * confines itself: joining the container's namespaces needs setns and
 * clone, which the confined monitor may no longer call. Return: its pid, 0
 * when the spec has no check, -1 if fork failed (no checks then). */
pid_t volt_health_scheduler_start(struct volt_ctx *ctx, const struct volt_spec *spec, pid_t target,
				  const char *ctr_dir);

/* volt_health_scheduler_stop - kill and reap it (pid <= 0: nothing) */
void volt_health_scheduler_stop(pid_t pid);

#endif
