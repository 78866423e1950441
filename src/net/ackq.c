/* Coalescing of the pure TCP ACKs slirp sends to the container.
 *
 * Theory of operation: libslirp acknowledges every data segment at once
 * (no delayed ACK: "better to not delay acks at all", tcp_input.c). With the
 * 64 KiB frames of MTU 65520, a container sending to the host gets one ACK
 * frame per frame it sent, and each write of one to the tap runs the
 * container's TCP receive path in our context. Within one loop turn the
 * monitor reads a batch of frames from the tap and slirp answers each; so
 * during a turn the pure ACKs are held here, and an ACK that acknowledges
 * more of the same flow (same sequence number: no data between them)
 * replaces the held one in place. At the end of the turn, or before any
 * other frame goes out (order on the tap is kept), the held ACKs are
 * written. ACKs are cumulative, so the container loses no information but
 * the intermediate acknowledgement points; a duplicate ACK (same ack number:
 * a loss signal for fast retransmit) or a window-only update is never
 * merged, and every frame that is not a bare ACK passes at once. Linux
 * counts acknowledged bytes, not ACKs, for its congestion window, so a
 * stretched ACK does not slow the sender (as with GRO or LRO). */
#include <string.h>

#include "net/ackq.h"

/* rd32, rd16 - big-endian reads from a frame */
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* volt_ack_parse - see net/ackq.h. Strict on purpose: anything unusual is
 * "not a pure ACK" and goes out at once, unmerged. */
bool volt_ack_parse(const uint8_t *f, size_t len, struct volt_ack *a)
{
	const uint8_t *ip = f + 14, *tcp;
	size_t iplen, tcplen;

	if (len < 14 + 20 + 20 || len > VOLT_ACKQ_FRAME)
		return false;
	iplen = len - 14;
	memset(a, 0, sizeof(*a));
	if (rd16(f + 12) == 0x0800) {
		/* IPv4 without options, not a fragment, TCP */
		if (ip[0] != 0x45 || ip[9] != 6 || (rd16(ip + 6) & 0x3fff) || rd16(ip + 2) > iplen || rd16(ip + 2) < 40)
			return false;
		tcp = ip + 20;
		tcplen = rd16(ip + 2) - 20u;
		a->flow[0] = 4;
		memcpy(a->flow + 1, ip + 12, 8);
		memcpy(a->flow + 9, tcp, 4);
		a->flow_len = 13;
	} else if (rd16(f + 12) == 0x86dd) {
		if (iplen < 40 + 20 || (ip[0] >> 4) != 6 || ip[6] != 6 || rd16(ip + 4) > iplen - 40 ||
		    rd16(ip + 4) < 20)
			return false;
		tcp = ip + 40;
		tcplen = rd16(ip + 4);
		a->flow[0] = 6;
		memcpy(a->flow + 1, ip + 8, 32);
		memcpy(a->flow + 33, tcp, 4);
		a->flow_len = 37;
	} else {
		return false;
	}
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	/* flags: only ACK (0x10), PSH (0x08) allowed; no payload */
	if (doff < 20 || doff != tcplen || (tcp[13] & ~0x08) != 0x10)
		return false;
	a->seq = rd32(tcp + 4);
	a->ack = rd32(tcp + 8);
	a->win = rd16(tcp + 14);
	return true;
}

/* volt_ackq_add - see net/ackq.h. Only the newest held ACK of a flow is a
 * merge candidate, so held ACKs of a flow stay in increasing order. */
bool volt_ackq_add(struct volt_ackq *q, const struct volt_ack *a, const uint8_t *frame, size_t len)
{
	if (len > VOLT_ACKQ_FRAME)
		return false;
	for (size_t i = q->n; i-- > 0;) {
		struct volt_ack *h = &q->key[i];
		if (h->flow_len != a->flow_len || memcmp(h->flow, a->flow, a->flow_len) != 0)
			continue;
		/* the newest held ACK of this flow decides: merge only a strictly
		 * larger ack number (serial arithmetic) with the same seq */
		if (h->seq == a->seq && (int32_t)(a->ack - h->ack) > 0) {
			*h = *a;
			memcpy(q->frame[i], frame, len);
			q->len[i] = (uint16_t)len;
			return true;
		}
		break;
	}
	if (q->n == VOLT_ACKQ_LEN)
		return false;
	q->key[q->n] = *a;
	memcpy(q->frame[q->n], frame, len);
	q->len[q->n] = (uint16_t)len;
	q->n++;
	return true;
}
