/* libFuzzer target: the -p parser (with a format/parse round trip), the
 * --network parser, the host-loopback frame filter, and the pure-ACK
 * parser and queue (net/ackq.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/ackq.h"
#include "net/filter.h"
#include "net/net.h"
#include "net/ports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct volt_lofilter lf;
	struct volt_err err;
	struct volt_port *v = NULL;
	struct volt_net_opts o;
	size_t n = 0;
	char *str = malloc(size + 1);
	uint8_t reply[128];
	bool drop;

	memcpy(str, data, size);
	str[size] = '\0';
	if (volt_ports_parse(str, &v, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++) {
			char buf[96];
			struct volt_port *w = NULL;
			size_t m = 0;
			/* what the spec stores must parse back to the same port */
			if (volt_ports_parse(volt_port_format(&v[i], buf, sizeof(buf)), &w, &m, &err) < 0)
				abort();
			if (m != 1 || (w[0].host_port != v[i].host_port || w[0].ctr_port != v[i].ctr_port ||
				       w[0].udp != v[i].udp || strcmp(w[0].host_ip, v[i].host_ip)))
				abort();
			free(w);
			volt_port_display(&v[i], buf, sizeof(buf));
		}
	}
	free(v);
	volt_net_parse(str, &o, &err);
	free(str);
	volt_lofilter_out(&lf, data, size);
	volt_lofilter_in(&lf, data, size, reply, sizeof(reply), &drop);
	static struct volt_ackq q;
	struct volt_ack a;
	if (volt_ack_parse(data, size, &a)) {
		if (size > VOLT_ACKQ_FRAME || a.flow_len > sizeof(a.flow))
			abort(); /* what the parser accepts must fit the queue */
		if (!volt_ackq_add(&q, &a, data, size)) {
			q.n = 0;
			volt_ackq_add(&q, &a, data, size);
		}
	}
	return 0;
}
