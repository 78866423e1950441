/* What the monitors of both kinds of workload share (monitor.c runs a
 * container, vm_monitor.c a microVM): the lock, the word to a waiting volt,
 * the exit's record. */
#ifndef VOLT_WORKLOAD_MONITOR_COMMON_H
#define VOLT_WORKLOAD_MONITOR_COMMON_H

#include <stdbool.h>
#include <sys/types.h>

#include "container/log.h"
#include "state/context.h"
#include "state/db.h"
#include "util/err.h"

/* volt_monitor_report_ready - tell the volt waiting on *fd (-1: none) that
 * the workload runs as pid, or why it does not (err set: "CODE message");
 * closes *fd. */
void volt_monitor_report_ready(int *fd, int code, pid_t pid, const struct volt_err *err);

/* volt_monitor_take_lock - the workload's lock (a flock on its directory);
 * waits up to a second for what a previous monitor left holding it when the
 * row says it is not running. Returns true when taken. */
bool volt_monitor_take_lock(int fd, const struct volt_ctr_row *row);

struct volt_spec;
/* volt_monitor_forget - --rm: the row and its supervision record in one
 * transaction, the exit code left on the lock's directory for `volt wait`;
 * the die and the spec's volume unmount events before the destroy, as
 * docker orders them. */
void volt_monitor_forget(struct volt_db *db, const char *id, int code, int lock_fd, const struct volt_spec *spec);

/* volt_monitor_signals - the signals a monitor serves (SIGCHLD, the ones
 * it forwards or acts on) blocked and read from the returned signalfd
 * (CLOEXEC, non-blocking; -1 on failure); SIGPIPE ignored: a closed log
 * reader or client must not end the monitor */
int volt_monitor_signals(void);

/* volt_monitor_warn_unconfined - say once that the monitor of id runs
 * unconfined (err: why): on stderr when attached, else as one line on the
 * workload's log (a detached monitor's stderr is /dev/null), so that
 * `volt logs` shows it */
void volt_monitor_warn_unconfined(struct volt_log *log, bool attached, const char *id, const struct volt_err *err);

/* volt_monitor_exit_code - a wait status as a shell reports it */
int volt_monitor_exit_code(int status);

#endif
