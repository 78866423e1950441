/* vm_monitor.h - the monitor of one microVM (see vm_monitor.c). */
#ifndef VOLT_WORKLOAD_VM_MONITOR_H
#define VOLT_WORKLOAD_VM_MONITOR_H

#include "state/db.h"
#include "workload/monitor.h"

/* volt_vm_monitor_run - as volt_monitor_run, for a record of kind vm; takes
 * row over (and zeroes it).
 * Return: the workload's exit code in the guest, or 125. */
int volt_vm_monitor_run(struct volt_ctx *ctx, struct volt_ctr_row *row, const struct volt_monitor_opts *o);

#endif
