/* Unit tests for state/events.c: one JSON line per event, docker's shape,
 * attributes with a NULL value left out, nothing written before a root is
 * set, and the rotation to events.jsonl.1 past the size limit. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "state/events.h"
#include "util/cleanup.h"

static char root[] = "/tmp/volt-events-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "re");
	size_t n = 0;
	int c;
	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void test_event_line(void **state)
{
	char path[128];
	(void)state;
	snprintf(path, sizeof(path), "%s/events.jsonl", root);
	volt_event("container", "create", "abc", "name", "x", (char *)NULL); /* no root yet: dropped */
	assert_int_equal(access(path, F_OK), -1);
	volt_events_root(root);
	volt_event("container", "die", "abc", "exitCode", "3", "image", (char *)NULL, (char *)NULL);
	volt_event("image", "tag", "def", "name", "a:b", (char *)NULL);
	assert_int_equal(count_lines(path), 2);
	FILE *f = fopen(path, "re");
	json_error_t jerr;
	json_t *ev = json_loadf(f, JSON_DISABLE_EOF_CHECK, &jerr);
	fclose(f);
	assert_non_null(ev);
	assert_string_equal(json_string_value(json_object_get(ev, "Type")), "container");
	assert_string_equal(json_string_value(json_object_get(ev, "Action")), "die");
	json_t *actor = json_object_get(ev, "Actor");
	assert_string_equal(json_string_value(json_object_get(actor, "ID")), "abc");
	json_t *at = json_object_get(actor, "Attributes");
	assert_string_equal(json_string_value(json_object_get(at, "exitCode")), "3");
	assert_null(json_object_get(at, "image"));
	assert_true(json_integer_value(json_object_get(ev, "timeNano")) / 1000000000LL ==
		    json_integer_value(json_object_get(ev, "time")));
	json_decref(ev);
}

static void test_rotation(void **state)
{
	char path[128], old[140];
	(void)state;
	volt_events_root(root);
	snprintf(path, sizeof(path), "%s/events.jsonl", root);
	snprintf(old, sizeof(old), "%s.1", path);
	assert_int_equal(truncate(path, 5 << 20), 0); /* past the 4 MiB limit */
	volt_event("container", "start", "abc", (char *)NULL);
	assert_int_equal(access(old, F_OK), 0);
	volt_event("container", "start", "abc", (char *)NULL);
	assert_int_equal(count_lines(path), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_line),
		cmocka_unit_test(test_rotation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
