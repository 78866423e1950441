/* Parsers for the supervision options: restart policies, sizes, CPU counts,
 * supervisor names; and the restart decision with its back-off. Pure
 * functions, unit-tested in tests/unit/test_supervise.c. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervise/supervisor.h"

/* volt_restart_parse - "no", "on-failure[:N]", "always", "unless-stopped".
 * Return: 0, or -1 with err naming the bad value. */
int volt_restart_parse(const char *s, struct volt_restart *out, struct volt_err *err)
{
	char *end;

	out->max = 0;
	if (!strcmp(s, "no") || !strcmp(s, "")) {
		out->mode = VOLT_RESTART_NO;
	} else if (!strcmp(s, "always")) {
		out->mode = VOLT_RESTART_ALWAYS;
	} else if (!strcmp(s, "unless-stopped")) {
		out->mode = VOLT_RESTART_UNLESS_STOPPED;
	} else if (!strncmp(s, "on-failure", 10) && (s[10] == '\0' || s[10] == ':')) {
		out->mode = VOLT_RESTART_ON_FAILURE;
		if (s[10] == ':') {
			errno = 0;
			long n = strtol(s + 11, &end, 10);
			if (errno || end == s + 11 || *end || n < 0 || n > 1000000)
				return volt_err_set(err, EINVAL, "--restart %s: the retry count must be a number", s);
			out->max = (int)n;
		}
	} else {
		return volt_err_set(err, EINVAL, "--restart %s: expected no, on-failure[:N], always or unless-stopped",
				    s);
	}
	return 0;
}

/* volt_restart_format - the policy in --restart syntax. */
void volt_restart_format(const struct volt_restart *r, char *buf, size_t len)
{
	switch (r->mode) {
	case VOLT_RESTART_ON_FAILURE:
		if (r->max)
			snprintf(buf, len, "on-failure:%d", r->max);
		else
			snprintf(buf, len, "on-failure");
		break;
	case VOLT_RESTART_ALWAYS: snprintf(buf, len, "always"); break;
	case VOLT_RESTART_UNLESS_STOPPED: snprintf(buf, len, "unless-stopped"); break;
	default: snprintf(buf, len, "no");
	}
}

/* volt_sup_kind_parse - "auto", "systemd", "builtin". */
int volt_sup_kind_parse(const char *s, enum volt_sup_kind *out, struct volt_err *err)
{
	if (!strcmp(s, "auto"))
		*out = VOLT_SUP_AUTO;
	else if (!strcmp(s, "systemd"))
		*out = VOLT_SUP_SYSTEMD;
	else if (!strcmp(s, "builtin"))
		*out = VOLT_SUP_BUILTIN;
	else
		return volt_err_set(err, EINVAL, "supervisor \"%s\": expected systemd, builtin or auto", s);
	return 0;
}

/* volt_sup_kind_name - the inverse of volt_sup_kind_parse. */
const char *volt_sup_kind_name(enum volt_sup_kind k)
{
	switch (k) {
	case VOLT_SUP_SYSTEMD: return "systemd";
	case VOLT_SUP_BUILTIN: return "builtin";
	default: return "auto";
	}
}

/* volt_cpus_parse - a fractional CPU count (docker --cpus) as microseconds of
 * CPU time per second of wall time: systemd's CPUQuotaPerSecUSec as it is;
 * cgroup v2 cpu.max gets a tenth of it over a 100 ms period (cgroup.c). */
int volt_cpus_parse(const char *s, int64_t *out, struct volt_err *err)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 4096)
		return volt_err_set(err, EINVAL, "--cpus %s: expected a positive number of CPUs such as 0.5", s);
	*out = (int64_t)(v * 1000000.0 + 0.5);
	if (*out < 1000)
		return volt_err_set(err, EINVAL, "--cpus %s: at least 0.001 CPUs", s);
	return 0;
}

/* volt_limits_init - nothing set but the default pids limit (2048). */
void volt_limits_init(struct volt_limits *l)
{
	l->memory = l->memory_swap = l->cpu_quota = l->cpu_weight = l->io_weight = -1;
	l->pids = 2048;
	l->pids_default = true;
}

/* volt_limits_any - true when something was asked for explicitly (the default
 * pids limit alone does not count: it is applied where it can be). */
bool volt_limits_any(const struct volt_limits *l)
{
	return l->memory >= 0 || l->memory_swap >= 0 || l->cpu_quota >= 0 || l->cpu_weight >= 0 || l->io_weight >= 0 ||
	       (l->pids >= 0 && !l->pids_default);
}

/* volt_backoff_ms - see supervisor.h. */
long volt_backoff_ms(int n)
{
	long ms = 100;
	for (int i = 1; i < n && ms < 30000; i++)
		ms *= 2;
	return ms > 30000 ? 30000 : ms;
}

/* volt_restart_wanted - docker's rules: on-failure restarts on a non-zero
 * exit up to max times; always and unless-stopped restart on any exit; a
 * requested stop ends every policy. */
bool volt_restart_wanted(const struct volt_restart *r, int code, int restarts, bool stop_requested)
{
	if (stop_requested)
		return false;
	switch (r->mode) {
	case VOLT_RESTART_ON_FAILURE: return code != 0 && (r->max == 0 || restarts < r->max);
	case VOLT_RESTART_ALWAYS:
	case VOLT_RESTART_UNLESS_STOPPED: return true;
	default: return false;
	}
}
