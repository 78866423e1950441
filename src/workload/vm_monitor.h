/* vm_monitor.h - the monitor of one microVM (see vm_monitor.c). */
#ifndef VOLT_WORKLOAD_VM_MONITOR_H
#define VOLT_WORKLOAD_VM_MONITOR_H

#include "container/spec.h"
#include "state/db.h"
#include "workload/monitor.h"

/* volt_vm_monitor_run - as volt_monitor_run, for a record of kind vm; takes
 * row over (and zeroes it).
 * Return: the workload's exit code in the guest, or 125. */
int volt_vm_monitor_run(struct volt_ctx *ctx, struct volt_ctr_row *row, const struct volt_monitor_opts *o);

/* volt_vm_monitor_bare - the same monitor for a microVM that has no record
 * (volt-runtime's run.oci.volt.vm, src/oci/vm.c): spec (taken over and
 * zeroed) holds the workload, spec->vm.appliance the appliance's key and
 * spec->mounts the binds shared with the guest; dir holds console.log,
 * ctr.log and vm.json, run (made, and removed at the end unless it is dir)
 * QMP's and the volumes' sockets. Attached: the workload's output goes to
 * this process's stdout and stderr, signals to this process reach the
 * workload. No lock, no restart, no `volt exec` socket, no confinement.
 * Return: the workload's exit code, or 125 (126 for a command that cannot
 * start) with err. */
int volt_vm_monitor_bare(struct volt_ctx *ctx, struct volt_spec *spec, const char *dir, const char *run,
			 struct volt_err *err);

#endif
