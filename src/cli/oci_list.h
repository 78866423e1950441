/* volt-runtime's `list` and `events` (src/cli/oci_list.c), called by
 * cli/oci.c's verb table. Return: the exit status; on a failure, 1 with err
 * set for the caller to print. */
#ifndef VOLT_CLI_OCI_LIST_H
#define VOLT_CLI_OCI_LIST_H

#include <sys/types.h>

#include "util/err.h"

int volt_oci_cli_list(const char *root, int argc, char **argv, struct volt_err *err);
int volt_oci_cli_events(const char *root, int argc, char **argv, struct volt_err *err);

/* volt_oci_cli_ps_table - runc's `ps` table: ps(1) run with ps_args (a NULL
 * ended list; empty: -ef), its header line, then its rows whose PID column
 * is one of pids[n]. Return: 0, or -1 with err (no ps, no PID column). */
int volt_oci_cli_ps_table(const pid_t *pids, size_t n, char **ps_args, struct volt_err *err);

#endif
