/* The host-loopback policy on tap frames (net/filter.c). */
#ifndef VOLT_NET_FILTER_H
#define VOLT_NET_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VOLT_LOFILTER_FLOWS 256

struct volt_lofilter_flow {
	uint16_t host_port, guest_port;
	bool v6;
	int64_t seen_ms; /* 0: empty */
};

struct volt_lofilter {
	struct volt_lofilter_flow flows[VOLT_LOFILTER_FLOWS];
};

/* volt_lofilter_out - note a frame slirp sends to the container: a UDP
 * datagram from the gateway opens a reply path for the container. */
void volt_lofilter_out(struct volt_lofilter *lf, const uint8_t *frame, size_t len);

/* volt_lofilter_in - judge a frame from the container. *drop is set when it
 * must not reach slirp (a new flow to the host's loopback).
 * Return: the length of a frame written to reply to answer it (a TCP RST
 * for a SYN), or 0. */
size_t volt_lofilter_in(struct volt_lofilter *lf, const uint8_t *frame, size_t len, uint8_t *reply, size_t replylen,
			bool *drop);

#endif
