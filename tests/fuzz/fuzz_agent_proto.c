/* libFuzzer target: the guest agent's frames, as a guest (which the host does
 * not trust) may send them: the input is a byte stream cut into frames by
 * the reader, each frame decoded. Nothing may crash; a frame that decodes
 * must encode back to a frame that decodes to the same message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm/agent_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roundtrip(const struct volt_agent_msg *m)
{
	uint8_t *buf;
	size_t len;
	const char *why;
	struct volt_agent_msg d;
	if (volt_agent_encode(m, &buf, &len, &why) < 0)
		abort();
	if (volt_agent_decode(buf + 4, len - 4, &d, &why) < 0)
		abort();
	if (d.type != m->type || d.id != m->id || d.code != m->code || d.data_len != m->data_len ||
	    (m->data_len && memcmp(d.data, m->data, m->data_len)))
		abort();
	for (size_t i = 0; m->args && m->args[i]; i++)
		if (!d.args[i] || strcmp(d.args[i], m->args[i]))
			abort();
	volt_agent_msg_free(&d);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_agent_reader r = {0};
	const uint8_t *body;
	size_t len;
	const char *why;
	/* in two pieces, as reads from a port may cut it anywhere */
	size_t cut = size ? data[0] % (size + 1) : 0;
	if (volt_agent_reader_feed(&r, data, cut) < 0)
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		int got;
		while ((got = volt_agent_reader_next(&r, &body, &len, &why)) == 1) {
			struct volt_agent_msg m;
			if (volt_agent_decode(body, len, &m, &why) == 0) {
				check_roundtrip(&m);
				volt_agent_msg_free(&m);
			}
		}
		if (got < 0 || pass == 1 || volt_agent_reader_feed(&r, data + cut, size - cut) < 0)
			break;
	}
	volt_agent_reader_free(&r);
	return 0;
}
