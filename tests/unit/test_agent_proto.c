/* Unit tests for vm/agent_proto.c: frames in both directions survive a round
 * trip; malformed, oversized and unknown frames are refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vm/agent_proto.h"

static void roundtrip(const struct volt_agent_msg *in, struct volt_agent_msg *out)
{
	uint8_t *buf;
	size_t len;
	const char *why = NULL;
	assert_int_equal(volt_agent_encode(in, &buf, &len, &why), 0);
	assert_true(len >= 8);
	/* the length prefix counts what follows it */
	assert_int_equal((size_t)(buf[0] | buf[1] << 8 | buf[2] << 16 | (size_t)buf[3] << 24), len - 4);
	assert_int_equal(volt_agent_decode(buf + 4, len - 4, out, &why), 0);
	free(buf);
}

static void test_run(void **state)
{
	(void)state;
	const char *args[] = {"sh", "-c", "echo hi", NULL};
	const char *env[] = {"PATH=/bin", "A=", NULL};
	struct volt_agent_msg m = {.type = VOLT_AGENT_RUN,
				   .id = 1,
				   .args = args,
				   .env = env,
				   .cwd = "/srv",
				   .uid = 1000,
				   .gid = 100,
				   .tty = 1};
	struct volt_agent_msg d;
	roundtrip(&m, &d);
	assert_int_equal(d.type, VOLT_AGENT_RUN);
	assert_int_equal(d.id, 1);
	assert_string_equal(d.args[0], "sh");
	assert_string_equal(d.args[2], "echo hi");
	assert_null(d.args[3]);
	assert_string_equal(d.env[1], "A=");
	assert_null(d.env[2]);
	assert_string_equal(d.cwd, "/srv");
	assert_int_equal(d.uid, 1000);
	assert_int_equal(d.gid, 100);
	assert_int_equal(d.tty, 1);
	volt_agent_msg_free(&d);

	/* no env, no cwd: an empty vector and NULL */
	struct volt_agent_msg m2 = {.type = VOLT_AGENT_RUN, .id = 2, .args = args};
	roundtrip(&m2, &d);
	assert_null(d.env[0]);
	assert_null(d.cwd);
	assert_int_equal(d.uid, 0);
	volt_agent_msg_free(&d);
}

static void test_guest_messages(void **state)
{
	(void)state;
	struct volt_agent_msg d;
	struct volt_agent_msg ready = {.type = VOLT_AGENT_READY, .version = "1 volt-init"};
	roundtrip(&ready, &d);
	assert_string_equal(d.version, "1 volt-init");
	volt_agent_msg_free(&d);

	static const uint8_t bytes[] = {0, 1, 2, 0xff, '\n'};
	struct volt_agent_msg out = {.type = VOLT_AGENT_OUTPUT,
				     .id = 1,
				     .stream = VOLT_AGENT_STDERR,
				     .data = bytes,
				     .data_len = sizeof(bytes)};
	roundtrip(&out, &d);
	assert_int_equal(d.stream, VOLT_AGENT_STDERR);
	assert_int_equal(d.data_len, sizeof(bytes));
	assert_memory_equal(d.data, bytes, sizeof(bytes));
	volt_agent_msg_free(&d);

	struct volt_agent_msg ex = {.type = VOLT_AGENT_EXIT, .id = 1, .code = -1};
	roundtrip(&ex, &d);
	assert_int_equal(d.code, -1);
	volt_agent_msg_free(&d);

	struct volt_agent_msg sd = {.type = VOLT_AGENT_SHUTDOWN};
	roundtrip(&sd, &d);
	assert_int_equal(d.type, VOLT_AGENT_SHUTDOWN);
	volt_agent_msg_free(&d);
}

static void test_refused(void **state)
{
	(void)state;
	struct volt_agent_msg d;
	const char *why = NULL;
	/* unknown type */
	static const uint8_t unk[] = {99, 0, 0, 0};
	assert_int_equal(volt_agent_decode(unk, sizeof(unk), &d, &why), -1);
	assert_string_equal(why, "unknown message type");
	/* reserved half-word set */
	static const uint8_t res[] = {20, 0, 1, 0};
	assert_int_equal(volt_agent_decode(res, sizeof(res), &d, &why), -1);
	/* EXIT without its code */
	static const uint8_t nocode[] = {4, 0, 0, 0, 1, 0, 4, 0, 0, 0, 1, 0, 0, 0};
	assert_int_equal(volt_agent_decode(nocode, sizeof(nocode), &d, &why), -1);
	assert_string_equal(why, "a required field is missing");
	/* an id of 3 bytes */
	static const uint8_t badsize[] = {20, 0, 0, 0, 1, 0, 3, 0, 0, 0, 1, 2, 3};
	assert_int_equal(volt_agent_decode(badsize, sizeof(badsize), &d, &why), -1);
	/* a field that runs past the frame */
	static const uint8_t past[] = {1, 0, 0, 0, 11, 0, 0xff, 0xff, 0, 0, 'a'};
	assert_int_equal(volt_agent_decode(past, sizeof(past), &d, &why), -1);
	/* a string with a NUL: READY "a\0b" */
	static const uint8_t nul[] = {1, 0, 0, 0, 11, 0, 3, 0, 0, 0, 'a', 0, 'b'};
	assert_int_equal(volt_agent_decode(nul, sizeof(nul), &d, &why), -1);
	assert_string_equal(why, "a string holds a NUL byte");
	/* SHUTDOWN carrying an id: not its field */
	static const uint8_t extra[] = {20, 0, 0, 0, 1, 0, 4, 0, 0, 0, 1, 0, 0, 0};
	assert_int_equal(volt_agent_decode(extra, sizeof(extra), &d, &why), -1);
	/* an unknown tag is skipped: SHUTDOWN with tag 999 */
	static const uint8_t newer[] = {20, 0, 0, 0, 0xe7, 0x03, 1, 0, 0, 0, 'x'};
	assert_int_equal(volt_agent_decode(newer, sizeof(newer), &d, &why), 0);
	volt_agent_msg_free(&d);
	/* SIGNAL 0 */
	struct volt_agent_msg sig = {.type = VOLT_AGENT_SIGNAL, .id = 1, .signo = 0};
	uint8_t *buf;
	size_t len;
	assert_int_equal(volt_agent_encode(&sig, &buf, &len, &why), 0);
	assert_int_equal(volt_agent_decode(buf + 4, len - 4, &d, &why), -1);
	free(buf);
	/* encode refuses what decode would */
	static uint8_t big[VOLT_AGENT_DATA_MAX + 1];
	struct volt_agent_msg o = {
		.type = VOLT_AGENT_OUTPUT, .id = 1, .stream = 1, .data = big, .data_len = sizeof(big)};
	assert_int_equal(volt_agent_encode(&o, &buf, &len, &why), -1);
	struct volt_agent_msg run = {.type = VOLT_AGENT_RUN, .id = 1};
	assert_int_equal(volt_agent_encode(&run, &buf, &len, &why), -1);
}

static void test_reader(void **state)
{
	(void)state;
	struct volt_agent_reader r = {0};
	const uint8_t *body;
	size_t len;
	const char *why;
	uint8_t *a, *b;
	size_t la, lb;
	struct volt_agent_msg m1 = {.type = VOLT_AGENT_STARTED, .id = 1, .pid = 42};
	struct volt_agent_msg m2 = {.type = VOLT_AGENT_EXIT, .id = 1, .code = 3};
	assert_int_equal(volt_agent_encode(&m1, &a, &la, &why), 0);
	assert_int_equal(volt_agent_encode(&m2, &b, &lb, &why), 0);
	/* byte by byte: nothing until a frame is whole */
	for (size_t i = 0; i < la - 1; i++) {
		assert_int_equal(volt_agent_reader_feed(&r, a + i, 1), 0);
		assert_int_equal(volt_agent_reader_next(&r, &body, &len, &why), 0);
	}
	assert_int_equal(volt_agent_reader_feed(&r, a + la - 1, 1), 0);
	/* the rest of the first frame and the whole second in one read */
	assert_int_equal(volt_agent_reader_next(&r, &body, &len, &why), 1);
	struct volt_agent_msg d;
	assert_int_equal(volt_agent_decode(body, len, &d, &why), 0);
	assert_int_equal(d.pid, 42);
	volt_agent_msg_free(&d);
	assert_int_equal(volt_agent_reader_feed(&r, b, lb), 0);
	assert_int_equal(volt_agent_reader_next(&r, &body, &len, &why), 1);
	assert_int_equal(volt_agent_decode(body, len, &d, &why), 0);
	assert_int_equal(d.code, 3);
	volt_agent_msg_free(&d);
	assert_int_equal(volt_agent_reader_next(&r, &body, &len, &why), 0);
	/* an oversized length: the stream is refused before any allocation */
	static const uint8_t huge[] = {0xff, 0xff, 0xff, 0x7f, 1, 0};
	assert_int_equal(volt_agent_reader_feed(&r, huge, sizeof(huge)), 0);
	assert_int_equal(volt_agent_reader_next(&r, &body, &len, &why), -1);
	assert_string_equal(why, "frame size out of bounds");
	volt_agent_reader_free(&r);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_guest_messages),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
