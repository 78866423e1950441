/* Pure TCP ACKs from slirp to the container, coalesced within one loop turn
 * (net/ackq.c). */
#ifndef VOLT_NET_ACKQ_H
#define VOLT_NET_ACKQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VOLT_ACKQ_LEN 64    /* ACKs held at most */
#define VOLT_ACKQ_FRAME 128 /* the longest pure-ACK frame held */

/* what identifies a pure ACK: its flow, sequence and acknowledgement */
struct volt_ack {
	uint8_t flow[37]; /* family byte, addresses, ports */
	uint8_t flow_len;
	uint32_t seq, ack;
	uint16_t win;
};

/* volt_ack_parse - whether frame (Ethernet, IPv4 or IPv6) is a pure TCP
 * ACK: flags exactly ACK (PSH allowed), no payload, no IP options or
 * fragments, at most VOLT_ACKQ_FRAME bytes; if so fill *a.
 * Return: true for a pure ACK. */
bool volt_ack_parse(const uint8_t *frame, size_t len, struct volt_ack *a);

struct volt_ackq {
	size_t n;
	struct volt_ack key[VOLT_ACKQ_LEN];
	uint8_t frame[VOLT_ACKQ_LEN][VOLT_ACKQ_FRAME];
	uint16_t len[VOLT_ACKQ_LEN];
};

/* volt_ackq_add - hold a pure ACK (parsed into *a): it replaces a held ACK
 * of the same flow with the same sequence number that it acknowledges more
 * than (cumulative ACKs make the older one redundant), else it is appended.
 * Return: false when the queue is full (flush it, then add again). */
bool volt_ackq_add(struct volt_ackq *q, const struct volt_ack *a, const uint8_t *frame, size_t len);

#endif
