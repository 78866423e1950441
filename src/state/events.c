/* volt_event: see events.h. One write(2) of one line with O_APPEND: lines
 * from concurrent volt processes do not interleave. The log is rotated at
 * 4 MiB to events.jsonl.1 (one kept), which `volt events` reads first. */
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/events.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define EVENTS_MAX_SIZE (4 << 20)

static char *events_root;

void volt_events_root(const char *root)
{
	if (events_root && !strcmp(events_root, root))
		return;
	free(events_root);
	events_root = strdup(root);
}

char *volt_events_path(const char *root)
{
	return volt_path("%s/events.jsonl", root);
}

void volt_event(const char *type, const char *action, const char *id, ...)
{
	long long ns = volt_now_ns();
	const char *k, *v;
	va_list ap;

	if (!events_root || !id)
		return;
	json_t *attrs = json_object();
	va_start(ap, id);
	while ((k = va_arg(ap, const char *))) {
		v = va_arg(ap, const char *);
		if (v)
			json_object_set_new(attrs, k, json_string(v));
	}
	va_end(ap);
	json_t *o = json_pack("{s:s,s:s,s:{s:s,s:o},s:s,s:I,s:I}", "Type", type, "Action", action, "Actor", "ID", id,
			      "Attributes", attrs, "scope", "local", "time", (json_int_t)(ns / 1000000000LL),
			      "timeNano", (json_int_t)ns);
	cleanup_free char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!line)
		return;
	size_t len = strlen(line);
	line[len] = '\n'; /* json_dumps' terminator becomes the line's end */
	cleanup_free char *path = volt_events_path(events_root);
	cleanup_close int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	struct stat st;
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && st.st_size > EVENTS_MAX_SIZE) {
		cleanup_free char *old = volt_path("%s.1", path);
		rename(path, old); /* the next event starts the new file */
	}
	if (write(fd, line, len + 1) < 0)
		return; /* dropped: see events.h */
}
