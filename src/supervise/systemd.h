/* The systemd user manager over sd-bus: connect, run a transient unit, and
 * stop, signal, freeze, update it. Used by supervise/hooks.c and the CLI. */
#ifndef VOLT_SUPERVISE_SYSTEMD_H
#define VOLT_SUPERVISE_SYSTEMD_H

#include <stdbool.h>
#include <stdint.h>

#include "supervise/supervisor.h"
#include "util/err.h"

struct volt_sd;

/* volt_sd_connect - the first manager that answers, trying
 * $DBUS_SESSION_BUS_ADDRESS, unix:path=$XDG_RUNTIME_DIR/bus and
 * unix:path=$XDG_RUNTIME_DIR/systemd/private in that order. *where (may be
 * NULL) gets the address used (static buffer). */
int volt_sd_connect(struct volt_sd **out, const char **where, struct volt_err *err);
void volt_sd_close(struct volt_sd *sd);
/* volt_sd_version - the manager's Version property (malloc'd), or NULL. */
char *volt_sd_version(struct volt_sd *sd);

struct volt_sd_unit_spec {
	const char *unit, *description;
	char **argv; /* ExecStart; argv[0] absolute */
	const struct volt_restart *restart;
	const struct volt_limits *limits; /* NULL: none */
	int kill_signal;
	int stop_timeout; /* seconds */
};

int volt_sd_start_transient(struct volt_sd *sd, const struct volt_sd_unit_spec *u, struct volt_err *err);
int volt_sd_stop_unit(struct volt_sd *sd, const char *unit, struct volt_err *err);
int volt_sd_kill_unit(struct volt_sd *sd, const char *unit, const char *whom, int sig, struct volt_err *err);
int volt_sd_reset_failed(struct volt_sd *sd, const char *unit, struct volt_err *err);
int volt_sd_freeze(struct volt_sd *sd, const char *unit, bool freeze, struct volt_err *err);
int volt_sd_set_limits(struct volt_sd *sd, const char *unit, const struct volt_limits *l, struct volt_err *err);
int volt_sd_reload(struct volt_sd *sd, struct volt_err *err);
/* volt_sd_unit_info - ActiveState and ControlGroup of a loaded unit (either
 * pointer may be NULL). Return 1 when the unit is not loaded. */
int volt_sd_unit_info(struct volt_sd *sd, const char *unit, char **active, char **cgroup, struct volt_err *err);
/* volt_sd_manager_cgroup - the manager's own cgroup (v2 path), malloc'd. */
char *volt_sd_manager_cgroup(struct volt_sd *sd);

#endif
