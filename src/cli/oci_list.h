/* volt-runtime's `list` and `events` (src/cli/oci_list.c), called by
 * cli/oci.c's verb table. Return: the exit status; on a failure, 1 with err
 * set for the caller to print. */
#ifndef VOLT_CLI_OCI_LIST_H
#define VOLT_CLI_OCI_LIST_H

#include "util/err.h"

int volt_oci_cli_list(const char *root, int argc, char **argv, struct volt_err *err);
int volt_oci_cli_events(const char *root, int argc, char **argv, struct volt_err *err);

#endif
