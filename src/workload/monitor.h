/* monitor.h - the monitor of one container run (see monitor.c). */
#ifndef VOLT_WORKLOAD_MONITOR_H
#define VOLT_WORKLOAD_MONITOR_H

#include <stdbool.h>

#include "state/context.h"

struct volt_monitor_opts {
	bool attach;  /* relay stdio and signals to the caller's terminal */
	int ready_fd; /* write "0 PID" or "CODE message" here once started; -1: none */
	int lock_fd;  /* a restart: the container lock, kept across exec; -1: take it */
};

/* volt_monitor_run - start container id (already created in ctx's store) and
 * watch it until it exits: log its output, record its exit, remove it with
 * --rm. Errors are reported on ready_fd, or on stderr when there is none.
 * Return: the container's exit code (128+N for signal N), or 125. */
int volt_monitor_run(struct volt_ctx *ctx, const char *id, const struct volt_monitor_opts *o);

#endif
