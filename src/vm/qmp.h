/* QEMU's machine protocol (QMP) on the socket a microVM's QEMU listens on
 * (`-qmp unix:PATH,server=on,wait=off`): one command at a time. */
#ifndef VOLT_VM_QMP_H
#define VOLT_VM_QMP_H

#include "util/err.h"

/* volt_qmp_execute - connect to path, leave capabilities negotiation, run
 * command (no arguments: "stop", "cont", "system_powerdown") and wait for
 * its answer, at most timeout_ms in all. Returns 0, or -1 with err set
 * (QEMU's own error text when it refused). */
int volt_qmp_execute(const char *path, const char *command, int timeout_ms, struct volt_err *err);

#endif
