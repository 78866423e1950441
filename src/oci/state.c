/* volt-runtime's state files (see state.h). */
#include "oci/state.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

bool volt_oci_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 1024 || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '+' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

int volt_oci_state_write(const char *dir, const struct volt_oci_state *s, struct volt_err *err)
{
	json_t *ann = json_loads(s->annotations_json ? s->annotations_json : "{}", 0, NULL);
	json_t *o = json_pack("{s:s,s:i,s:s,s:s,s:s,s:I,s:I,s:o}", "id", s->id, "pid", (int)s->pid, "bundle", s->bundle,
			      "rootfs", s->rootfs, "created", s->created, "start", (json_int_t)s->start, "owner",
			      (json_int_t)s->owner, "annotations", ann ? ann : json_object());
	if (o && s->cgroup)
		json_object_set_new(o, "cgroup", json_string(s->cgroup));
	if (o && s->hooks_json)
		json_object_set_new(o, "hooks", json_loads(s->hooks_json, 0, NULL));
	cleanup_free char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	cleanup_free char *path = volt_path("%s/state.json", dir);
	json_decref(o);
	if (!text)
		return volt_err_set(err, ENOMEM, "state of %s", s->id);
	return volt_write_file_atomic(path, text, strlen(text), 0600, err);
}

int volt_oci_state_read(const char *root, const char *id, struct volt_oci_state *s, struct volt_err *err)
{
	cleanup_free char *path = volt_path("%s/%s/state.json", root, id), *text = NULL;
	size_t len;
	json_error_t je;
	const char *bundle = NULL, *rootfs = NULL, *created = NULL, *cgroup = NULL;
	int pid = 0;
	json_int_t start = 0, owner = 0;
	json_t *ann = NULL, *hooks = NULL;

	memset(s, 0, sizeof(*s));
	if (!volt_oci_id_valid(id))
		return volt_err_set(err, EINVAL, "invalid container id \"%s\"", id);
	if (volt_read_file(path, 1 << 20, &text, &len, err) < 0) {
		if (err->errnum == ENOENT)
			return volt_err_set(err, ENOENT, "container %s does not exist", id);
		return -1;
	}
	json_t *o = json_loadb(text, len, 0, &je);
	if (!o || json_unpack(o, "{s:s,s:i,s:s,s:s,s:I,s:I,s?o,s?s,s?o}", "bundle", &bundle, "pid", &pid, "rootfs",
			      &rootfs, "created", &created, "start", &start, "owner", &owner, "annotations", &ann,
			      "cgroup", &cgroup, "hooks", &hooks) < 0) {
		json_decref(o);
		return volt_err_set(err, EINVAL, "%s: not a volt-runtime state file", path);
	}
	s->id = strdup(id);
	s->bundle = strdup(bundle);
	s->rootfs = strdup(rootfs);
	s->created = strdup(created);
	s->annotations_json = ann ? json_dumps(ann, JSON_COMPACT) : strdup("{}");
	s->cgroup = cgroup ? strdup(cgroup) : NULL;
	s->hooks_json = hooks ? json_dumps(hooks, JSON_COMPACT) : NULL;
	s->pid = pid;
	s->start = (unsigned long long)start;
	s->owner = (uid_t)owner;
	json_decref(o);
	return 0;
}

void volt_oci_state_free(struct volt_oci_state *s)
{
	free(s->id);
	free(s->bundle);
	free(s->rootfs);
	free(s->created);
	free(s->annotations_json);
	free(s->cgroup);
	free(s->hooks_json);
	memset(s, 0, sizeof(*s));
}

bool volt_oci_proc_alive(pid_t pid, unsigned long long start, unsigned long long *start_out)
{
	char path[64];
	cleanup_free char *text = NULL;
	struct volt_err ignored;
	unsigned long long st = 0;
	char state = 0;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (volt_read_file(path, 1 << 16, &text, NULL, &ignored) < 0)
		return false;
	/* fields after the command's last ')': state is the 3rd, starttime the 22nd */
	char *p = strrchr(text, ')');
	if (!p || sscanf(p + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
			 &state, &st) != 2)
		return false;
	if (state == 'Z' || state == 'X' || (start && st != start))
		return false;
	if (start_out)
		*start_out = st;
	return true;
}

enum volt_oci_status volt_oci_status_of(const char *root, const struct volt_oci_state *s)
{
	if (!volt_oci_proc_alive(s->pid, s->start, NULL))
		return VOLT_OCI_STOPPED;
	cleanup_free char *fifo = volt_path("%s/%s/exec.fifo", root, s->id);
	cleanup_free char *paused = volt_path("%s/%s/paused", root, s->id);
	if (access(fifo, F_OK) == 0)
		return VOLT_OCI_CREATED;
	return access(paused, F_OK) == 0 ? VOLT_OCI_PAUSED : VOLT_OCI_RUNNING;
}

const char *volt_oci_status_name(enum volt_oci_status st)
{
	static const char *names[] = {"creating", "created", "running", "stopped", "paused"};
	return names[st];
}

char *volt_oci_state_json(const struct volt_oci_state *s, enum volt_oci_status st)
{
	json_t *ann = json_loads(s->annotations_json ? s->annotations_json : "{}", 0, NULL);
	/* runc's field set and order; pid 0 once stopped, as runc prints it */
	json_t *o = json_pack("{s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s}", "ociVersion", "1.2.0", "id", s->id, "pid",
			      st == VOLT_OCI_STOPPED ? 0 : (int)s->pid, "status", volt_oci_status_name(st), "bundle",
			      s->bundle, "rootfs", s->rootfs, "created", s->created, "owner", "");
	if (o && ann && json_object_size(ann))
		json_object_set(o, "annotations", ann);
	json_decref(ann);
	char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	return text;
}
