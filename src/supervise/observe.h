/* Observing and pausing running containers: the container's processes,
 * resource figures, freeze/thaw. */
#ifndef VOLT_SUPERVISE_OBSERVE_H
#define VOLT_SUPERVISE_OBSERVE_H

#include <stdbool.h>
#include <sys/types.h>

#include "state/context.h"
#include "state/db.h"
#include "util/err.h"

/* volt_ctr_pids - the host pids of every process in the container (those that
 * share the PID namespace of its first process). malloc'd array, count in *n. */
int volt_ctr_pids(pid_t pid1, pid_t **out, size_t *n, struct volt_err *err);

struct volt_stats {
	double cpu_percent;  /* of one CPU, over the sample */
	long long cpu_usec;  /* total CPU time */
	long long mem_bytes; /* cgroup memory.current, or the sum of RSS */
	long long mem_limit; /* -1: none */
	int pids;
	long long net_rx, net_tx; /* bytes, interfaces but lo */
	long long blk_read, blk_write;
	char *cgroup; /* the container's cgroup (v2), or NULL */
};

/* volt_ctr_stats - figures for a running container, CPU sampled over
 * sample_ms (0: no CPU %). */
int volt_ctr_stats(struct volt_ctx *ctx, const struct volt_ctr_row *row, long sample_ms, struct volt_stats *st,
		   struct volt_err *err);
void volt_stats_free(struct volt_stats *st);

/* volt_sup_pause - freeze (pause) or thaw a running container: the unit
 * through the manager (FreezeUnit), the container's own cgroup
 * (cgroup.freeze), or SIGSTOP/SIGCONT to each of its processes. Records
 * the state. */
int volt_sup_pause(struct volt_ctx *ctx, struct volt_ctr_row *row, bool pause, struct volt_err *err);

#endif
