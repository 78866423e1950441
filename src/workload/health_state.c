/* The health state machine and its file (health_state.h). The file is
 * docker's State.Health object as is, so that inspect copies it in. */
#include "workload/health_state.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "state/events.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const char *const names[] = {"none", "starting", "healthy", "unhealthy"};

int64_t volt_health_interval(const struct volt_health *h)
{
	return h->interval > 0 ? h->interval : 30 * 1000000000LL;
}

int64_t volt_health_timeout(const struct volt_health *h)
{
	return h->timeout > 0 ? h->timeout : 30 * 1000000000LL;
}

int64_t volt_health_start_interval(const struct volt_health *h)
{
	return h->start_interval > 0 ? h->start_interval : 5 * 1000000000LL;
}

int volt_health_retries(const struct volt_health *h)
{
	return h->retries > 0 ? h->retries : 3;
}

const char *volt_health_status_name(enum volt_health_status s)
{
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "none";
}

int volt_health_status_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

void volt_health_state_free(struct volt_health_state *st)
{
	for (int i = 0; i < st->n_log; i++)
		free(st->log[i].output);
	memset(st, 0, sizeof(*st));
}

bool volt_health_apply(struct volt_health_state *st, const struct volt_health *h, struct volt_health_result *r,
		       bool in_start_period)
{
	enum volt_health_status was = st->status;
	if (st->n_log == VOLT_HEALTH_LOG_MAX) {
		free(st->log[0].output);
		memmove(st->log, st->log + 1, sizeof(st->log[0]) * (VOLT_HEALTH_LOG_MAX - 1));
		st->n_log--;
	}
	st->log[st->n_log] = *r;
	if (!st->log[st->n_log].output)
		st->log[st->n_log].output = strdup("");
	else if (strlen(r->output) > VOLT_HEALTH_OUTPUT_MAX)
		st->log[st->n_log].output[VOLT_HEALTH_OUTPUT_MAX] = '\0';
	st->n_log++;
	r->output = NULL;
	if (st->status == VOLT_HEALTH_NONE)
		st->status = VOLT_HEALTH_STARTING;
	if (r->exit_code == 0) {
		st->status = VOLT_HEALTH_HEALTHY;
		st->failing_streak = 0;
	} else if (!(in_start_period && st->status == VOLT_HEALTH_STARTING)) {
		if (++st->failing_streak >= volt_health_retries(h))
			st->status = VOLT_HEALTH_UNHEALTHY;
	}
	return st->status != was;
}

char *volt_health_state_json(const struct volt_health_state *st)
{
	json_t *log = json_array();
	for (int i = 0; i < st->n_log; i++) {
		char a[48], b[48];
		volt_format_time(st->log[i].start, a, sizeof(a));
		volt_format_time(st->log[i].end, b, sizeof(b));
		json_array_append_new(
			log, json_pack("{s:s,s:s,s:i,s:s,s:I,s:I}", "Start", a, "End", b, "ExitCode",
				       st->log[i].exit_code, "Output", st->log[i].output ? st->log[i].output : "",
				       "StartNs", (json_int_t)st->log[i].start, "EndNs", (json_int_t)st->log[i].end));
	}
	json_t *o = json_pack("{s:s,s:i,s:o}", "Status", volt_health_status_name(st->status), "FailingStreak",
			      st->failing_streak, "Log", log);
	char *out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

int volt_health_state_parse(const char *text, struct volt_health_state *st, struct volt_err *err)
{
	json_error_t jerr;
	json_t *o = json_loads(text, 0, &jerr), *e;
	size_t i;
	memset(st, 0, sizeof(*st));
	if (!json_is_object(o)) {
		json_decref(o);
		return volt_err_set(err, EINVAL, "health state: %s", jerr.text);
	}
	int s = volt_health_status_parse(json_string_value(json_object_get(o, "Status")) ?: "");
	st->status = s < 0 ? VOLT_HEALTH_NONE : (enum volt_health_status)s;
	st->failing_streak = (int)json_integer_value(json_object_get(o, "FailingStreak"));
	json_array_foreach(json_object_get(o, "Log"), i, e) {
		if (st->n_log == VOLT_HEALTH_LOG_MAX)
			break;
		struct volt_health_result *r = &st->log[st->n_log++];
		r->start = json_integer_value(json_object_get(e, "StartNs"));
		r->end = json_integer_value(json_object_get(e, "EndNs"));
		r->exit_code = (int)json_integer_value(json_object_get(e, "ExitCode"));
		r->output = strdup(json_string_value(json_object_get(e, "Output")) ?: "");
	}
	json_decref(o);
	return 0;
}

int volt_health_load(const char *ctr_dir, struct volt_health_state *st, struct volt_err *err)
{
	cleanup_free char *p = volt_path("%s/health.json", ctr_dir), *text = NULL;
	size_t len;
	memset(st, 0, sizeof(*st));
	if (volt_read_file(p, 1 << 20, &text, &len, err) < 0)
		return err->errnum == ENOENT ? 1 : -1;
	return volt_health_state_parse(text, st, err);
}

static int save(const char *ctr_dir, const struct volt_health_state *st, struct volt_err *err)
{
	cleanup_free char *p = volt_path("%s/health.json", ctr_dir), *text = volt_health_state_json(st);
	if (!text)
		return volt_err_set(err, ENOMEM, "health state");
	return volt_write_file_atomic(p, text, strlen(text), 0644, err);
}

/* lock - health.lock, held while the state is read, changed and written */
static int lock(const char *ctr_dir, struct volt_err *err)
{
	cleanup_free char *p = volt_path("%s/health.lock", ctr_dir);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return volt_err_sys(err, "open %s", p);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return volt_err_sys(err, "lock %s", p);
		}
	return fd;
}

int volt_health_reset(const char *ctr_dir, struct volt_err *err)
{
	struct volt_health_state st;
	cleanup_close int fd = lock(ctr_dir, err);
	if (fd < 0)
		return -1;
	if (volt_health_load(ctr_dir, &st, err) < 0)
		memset(&st, 0, sizeof(st)); /* unreadable: begin again */
	st.status = VOLT_HEALTH_STARTING;
	st.failing_streak = 0;
	int r = save(ctr_dir, &st, err);
	volt_health_state_free(&st);
	return r;
}

int volt_health_record(const char *ctr_dir, const struct volt_health *h, struct volt_health_result *r,
		       bool in_start_period, const char *id, const char *name, struct volt_err *err)
{
	struct volt_health_state st;
	cleanup_close int fd = lock(ctr_dir, err);
	if (fd < 0)
		return -1;
	if (volt_health_load(ctr_dir, &st, err) < 0)
		memset(&st, 0, sizeof(st));
	bool changed = volt_health_apply(&st, h, r, in_start_period);
	int ret = save(ctr_dir, &st, err);
	if (ret == 0 && changed && st.status != VOLT_HEALTH_STARTING) {
		cleanup_free char *action = volt_path("health_status: %s", volt_health_status_name(st.status));
		volt_event("container", action, id, "name", name, (char *)NULL);
	}
	ret = ret < 0 ? -1 : (int)st.status;
	volt_health_state_free(&st);
	return ret;
}
