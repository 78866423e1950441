/* The systemd user manager over sd-bus.
 *
 * Theory of operation: volt never asks whether the host "runs systemd"
 * (sd_booted(), /run/systemd/system): a user manager can run where PID 1 is
 * something else, and a host booted with systemd may have no manager for this
 * user. volt connects, in order, to the session bus, to $XDG_RUNTIME_DIR/bus
 * and to the manager's private socket, and asks the manager for its Version;
 * the first that answers is the manager. On the private socket the connection
 * is peer-to-peer (no Hello, no bus names), as systemctl uses it.
 *
 * A detached container becomes a transient service whose main process is
 * volt-shim in the foreground. KillMode=mixed sends the stop signal to the
 * shim only (it forwards it to the container, then records the exit) and
 * SIGKILL to the whole cgroup at the stop timeout. Restart= and the limits are
 * unit properties, so `systemctl --user show` reports exactly what volt asked. */
#include "supervise/systemd.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "util/cleanup.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MGR "org.freedesktop.systemd1.Manager"

struct volt_sd {
	sd_bus *bus;
};

/* sd_fail - err from a negative sd-bus return and an sd_bus_error. */
static int sd_fail(struct volt_err *err, int r, sd_bus_error *e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int sd_fail(struct volt_err *err, int r, sd_bus_error *e, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (e && sd_bus_error_is_set(e))
		volt_err_set(err, 0, "systemd user manager: %s: %s", what, e->message ? e->message : e->name);
	else
		volt_err_set(err, -r, "systemd user manager: %s", what);
	sd_bus_error_free(e);
	return -1;
}

/* try_address - connect to addr and ask for the manager's Version. */
static sd_bus *try_address(const char *addr, bool bus_client)
{
	sd_bus *b = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *ver = NULL;

	if (sd_bus_new(&b) < 0)
		return NULL;
	if (sd_bus_set_address(b, addr) < 0 || sd_bus_set_bus_client(b, bus_client) < 0 ||
	    sd_bus_set_method_call_timeout(b, 15 * 1000000ULL) < 0 || sd_bus_start(b) < 0)
		goto fail;
	if (sd_bus_get_property_string(b, SD_DEST, SD_PATH, SD_MGR, "Version", &e, &ver) < 0)
		goto fail;
	free(ver);
	return b;
fail:
	sd_bus_error_free(&e);
	sd_bus_flush_close_unref(b);
	return NULL;
}

/* volt_sd_connect - see systemd.h. Return: 0, or -1 naming every address tried. */
int volt_sd_connect(struct volt_sd **out, const char **where, struct volt_err *err)
{
	static char used[512];
	const char *rt = getenv("XDG_RUNTIME_DIR");
	const char *sess = getenv("DBUS_SESSION_BUS_ADDRESS");
	char tried[900] = "";
	sd_bus *b = NULL;
	struct stat sb;

	*out = NULL;
	if (sess && *sess) {
		snprintf(used, sizeof(used), "%s", sess);
		b = try_address(sess, true);
		snprintf(tried, sizeof(tried), "%s", sess);
	}
	if (!b && rt && *rt) {
		char p[300];
		snprintf(p, sizeof(p), "%s/bus", rt);
		snprintf(used, sizeof(used), "unix:path=%s", p);
		if (stat(p, &sb) == 0)
			b = try_address(used, true);
		snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s", *tried ? ", " : "", used);
		if (!b) {
			snprintf(p, sizeof(p), "%s/systemd/private", rt);
			snprintf(used, sizeof(used), "unix:path=%s", p);
			if (stat(p, &sb) == 0)
				b = try_address(used, false);
			snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), ", %s", used);
		}
	}
	if (!b) {
		if (!*tried)
			return volt_err_set(err, ENOENT,
					    "no systemd user manager: neither DBUS_SESSION_BUS_ADDRESS nor "
					    "XDG_RUNTIME_DIR is set");
		return volt_err_set(err, ENOENT, "no systemd user manager answered (tried %s)", tried);
	}
	*out = calloc(1, sizeof(**out));
	if (!*out) {
		sd_bus_flush_close_unref(b);
		return volt_err_set(err, ENOMEM, "systemd user manager");
	}
	(*out)->bus = b;
	if (where)
		*where = used;
	return 0;
}

void volt_sd_close(struct volt_sd *sd)
{
	if (!sd)
		return;
	sd_bus_flush_close_unref(sd->bus);
	free(sd);
}

char *volt_sd_version(struct volt_sd *sd)
{
	char *ver = NULL;
	sd_bus_get_property_string(sd->bus, SD_DEST, SD_PATH, SD_MGR, "Version", NULL, &ver);
	return ver;
}

char *volt_sd_manager_cgroup(struct volt_sd *sd)
{
	char *cg = NULL;
	sd_bus_get_property_string(sd->bus, SD_DEST, SD_PATH, SD_MGR, "ControlGroup", NULL, &cg);
	return cg;
}

/* sd_u64 - volt's "unlimited" (INT64_MAX) is systemd's infinity. */
static uint64_t sd_u64(int64_t v)
{
	return v == INT64_MAX ? UINT64_MAX : (uint64_t)v;
}

/* append_limits - the limit properties that are set, as (sv) entries. */
static int append_limits(sd_bus_message *m, const struct volt_limits *l)
{
	int r = 0;
	if (l->memory >= 0)
		r = sd_bus_message_append(m, "(sv)", "MemoryMax", "t", sd_u64(l->memory));
	if (r >= 0 && l->memory_swap >= 0) {
		/* docker's --memory-swap is memory plus swap; systemd's is swap alone */
		int64_t swap = l->memory_swap == INT64_MAX || l->memory < 0 || l->memory == INT64_MAX ?
				       INT64_MAX :
				       l->memory_swap - l->memory;
		r = sd_bus_message_append(m, "(sv)", "MemorySwapMax", "t", sd_u64(swap < 0 ? 0 : swap));
	}
	if (r >= 0 && l->cpu_quota >= 0)
		r = sd_bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t", (uint64_t)l->cpu_quota);
	if (r >= 0 && l->cpu_weight >= 0)
		r = sd_bus_message_append(m, "(sv)", "CPUWeight", "t", (uint64_t)l->cpu_weight);
	if (r >= 0 && l->pids >= 0)
		r = sd_bus_message_append(m, "(sv)", "TasksMax", "t", sd_u64(l->pids));
	if (r >= 0 && l->io_weight >= 0)
		r = sd_bus_message_append(m, "(sv)", "IOWeight", "t", (uint64_t)l->io_weight);
	return r;
}

/* restart_value - Restart= for a policy: the back-off and the count live in
 * RestartUSec and the start limit; unless-stopped is always, since StopUnit
 * never restarts. */
static const char *restart_value(const struct volt_restart *r)
{
	switch (r->mode) {
	case VOLT_RESTART_ON_FAILURE: return "on-failure";
	case VOLT_RESTART_ALWAYS:
	case VOLT_RESTART_UNLESS_STOPPED: return "always";
	default: return "no";
	}
}

/* append_exec - ExecStart as a(sasb): one command, failure not ignored. */
static int append_exec(sd_bus_message *m, char **argv)
{
	int r;
	if ((r = sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
	    (r = sd_bus_message_append(m, "s", "ExecStart")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'v', "a(sasb)")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'a', "(sasb)")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'r', "sasb")) < 0 ||
	    (r = sd_bus_message_append(m, "s", argv[0])) < 0 || (r = sd_bus_message_append_strv(m, argv)) < 0 ||
	    (r = sd_bus_message_append(m, "b", 0)) < 0)
		return r;
	for (int i = 0; i < 4; i++)
		if ((r = sd_bus_message_close_container(m)) < 0)
			return r;
	return 0;
}

/* append_prevent - RestartPreventExitStatus=125: volt's own failure to start
 * the container (bad spec, missing image) is not worth a restart loop. */
static int append_prevent(sd_bus_message *m)
{
	int32_t codes[] = {125};
	int r;
	if ((r = sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
	    (r = sd_bus_message_append(m, "s", "RestartPreventExitStatus")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'v', "(aiai)")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'r', "aiai")) < 0 ||
	    (r = sd_bus_message_append_array(m, 'i', codes, sizeof(codes))) < 0 ||
	    (r = sd_bus_message_append_array(m, 'i', NULL, 0)) < 0)
		return r;
	for (int i = 0; i < 3; i++)
		if ((r = sd_bus_message_close_container(m)) < 0)
			return r;
	return 0;
}

/* volt_sd_start_transient - StartTransientUnit(name, "fail", properties, []).
 * Returns once the manager queued the start job; the caller waits for the
 * shim to record the container running. */
int volt_sd_start_transient(struct volt_sd *sd, const struct volt_sd_unit_spec *u, struct volt_err *err)
{
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_message_new_method_call(sd->bus, &m, SD_DEST, SD_PATH, SD_MGR, "StartTransientUnit");
	if (r < 0)
		return sd_fail(err, r, NULL, "start %s", u->unit);
	r = sd_bus_message_append(m, "ss", u->unit, "fail");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)", "Description", "s", u->description,
					  "Delegate", "b", 1, "KillMode", "s", "mixed", "KillSignal", "i",
					  u->kill_signal, "TimeoutStopUSec", "t",
					  (uint64_t)u->stop_timeout * 1000000ULL, "CollectMode", "s",
					  "inactive-or-failed", "Restart", "s", restart_value(u->restart));
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)", "RestartUSec", "t", (uint64_t)100000);
	if (r >= 0 && u->restart->mode == VOLT_RESTART_ON_FAILURE && u->restart->max > 0)
		/* on-failure:N = at most N+1 starts, ever: the start rate limit
		 * with an endless interval */
		r = sd_bus_message_append(m, "(sv)(sv)", "StartLimitBurst", "u", (uint32_t)u->restart->max + 1,
					  "StartLimitIntervalUSec", "t", UINT64_MAX);
	if (r >= 0)
		r = append_prevent(m);
	if (r >= 0)
		r = append_exec(m, u->argv);
	if (r >= 0 && u->limits)
		r = append_limits(m, u->limits);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0) {
		sd_bus_message_unref(m);
		return sd_fail(err, r, NULL, "build the request for %s", u->unit);
	}
	r = sd_bus_call(sd->bus, m, 0, &e, &reply);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	if (r < 0)
		return sd_fail(err, r, &e, "start transient unit %s", u->unit);
	return 0;
}

/* call_simple - a Manager method taking the unit name and maybe more. */
static int call_simple(struct volt_sd *sd, const char *method, const char *unit, struct volt_err *err,
		       const char *types, ...)
{
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	va_list ap;
	int r = sd_bus_message_new_method_call(sd->bus, &m, SD_DEST, SD_PATH, SD_MGR, method);
	if (r >= 0 && types) {
		va_start(ap, types);
		r = sd_bus_message_appendv(m, types, ap);
		va_end(ap);
	}
	if (r < 0) {
		sd_bus_message_unref(m);
		return sd_fail(err, r, NULL, "%s", method);
	}
	r = sd_bus_call(sd->bus, m, 0, &e, &reply);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	if (r < 0) {
		return sd_fail(err, r, &e, "%s %s", method, unit ? unit : "");
	}
	return 0;
}

int volt_sd_stop_unit(struct volt_sd *sd, const char *unit, struct volt_err *err)
{
	return call_simple(sd, "StopUnit", unit, err, "ss", unit, "replace");
}

int volt_sd_kill_unit(struct volt_sd *sd, const char *unit, const char *whom, int sig, struct volt_err *err)
{
	return call_simple(sd, "KillUnit", unit, err, "ssi", unit, whom, (int32_t)sig);
}

int volt_sd_reset_failed(struct volt_sd *sd, const char *unit, struct volt_err *err)
{
	return call_simple(sd, "ResetFailedUnit", unit, err, "s", unit);
}

int volt_sd_freeze(struct volt_sd *sd, const char *unit, bool freeze, struct volt_err *err)
{
	return call_simple(sd, freeze ? "FreezeUnit" : "ThawUnit", unit, err, "s", unit);
}

int volt_sd_reload(struct volt_sd *sd, struct volt_err *err)
{
	return call_simple(sd, "Reload", NULL, err, NULL);
}

int volt_sd_set_limits(struct volt_sd *sd, const char *unit, const struct volt_limits *l, struct volt_err *err)
{
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sd_bus_message_new_method_call(sd->bus, &m, SD_DEST, SD_PATH, SD_MGR, "SetUnitProperties");
	if (r >= 0)
		r = sd_bus_message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = append_limits(m, l);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r < 0) {
		sd_bus_message_unref(m);
		return sd_fail(err, r, NULL, "build the request for %s", unit);
	}
	r = sd_bus_call(sd->bus, m, 0, &e, &reply);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	if (r < 0)
		return sd_fail(err, r, &e, "set properties of %s", unit);
	return 0;
}

/* volt_sd_unit_info - GetUnit, then the Unit and Service properties. */
int volt_sd_unit_info(struct volt_sd *sd, const char *unit, char **active, char **cgroup, struct volt_err *err)
{
	sd_bus_message *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	const char *path;
	cleanup_free char *p = NULL;
	int r = sd_bus_call_method(sd->bus, SD_DEST, SD_PATH, SD_MGR, "GetUnit", &e, &reply, "s", unit);
	if (r < 0) {
		if (sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit")) {
			sd_bus_error_free(&e);
			return 1;
		}
		return sd_fail(err, r, &e, "get unit %s", unit);
	}
	r = sd_bus_message_read(reply, "o", &path);
	if (r >= 0)
		p = strdup(path);
	sd_bus_message_unref(reply);
	if (r < 0 || !p)
		return sd_fail(err, r < 0 ? r : -ENOMEM, NULL, "get unit %s", unit);
	if (active && sd_bus_get_property_string(sd->bus, SD_DEST, p, "org.freedesktop.systemd1.Unit", "ActiveState",
						 &e, active) < 0)
		return sd_fail(err, -EIO, &e, "state of %s", unit);
	if (cgroup && sd_bus_get_property_string(sd->bus, SD_DEST, p, "org.freedesktop.systemd1.Service",
						 "ControlGroup", &e, cgroup) < 0)
		return sd_fail(err, -EIO, &e, "cgroup of %s", unit);
	return 0;
}
