/* config.json's hooks, run by volt-runtime's verbs (runtime.c): prestart
 * and createRuntime, then createContainer, by `create`; startContainer and
 * poststart by `start`; poststop by `delete`. */
#ifndef VOLT_OCI_HOOKS_H
#define VOLT_OCI_HOOKS_H

#include <sys/types.h>

#include "util/err.h"

/* volt_oci_hooks_run - the hooks of one kind ("prestart", ...) of
 * hooks_json (config.c checked it; NULL: none), in order, each with state
 * (the state JSON) on stdin; ns_pid > 0: in that process's namespaces.
 * Return: 0, or -1 with err at the first that fails, times out or cannot
 * run. */
int volt_oci_hooks_run(const char *hooks_json, const char *kind, const char *state, pid_t ns_pid, struct volt_err *err);

#endif
