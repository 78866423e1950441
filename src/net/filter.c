/* The host-loopback policy, enforced on the tap frames.
 *
 * Theory of operation: libslirp's own switch (disable_host_loopback) blocks
 * every datagram from the container to 10.0.2.2 (the host's loopback),
 * replies included, so a UDP port published on 127.0.0.1 could never answer
 * a client on the host. So slirp runs with host loopback allowed and this
 * filter, between the tap and slirp_input, implements "no new flows to the
 * host's loopback":
 *   - TCP: a SYN (without ACK) to 10.0.2.2 / fd00::2 is answered with a RST,
 *     as a refused connection is; every other segment belongs to a
 *     connection slirp already has (published ports) and passes;
 *   - UDP: a datagram to the gateway passes only as the reply of a flow the
 *     host started: slirp delivered a datagram from gateway:H to guest port G
 *     (recorded by volt_lofilter_out) and the container answers from G to H;
 *   - anything else to the gateway (ICMP echo, fragments) passes: slirp
 *     answers it itself.
 * Frames are parsed defensively: short or odd frames pass to slirp, which
 * validates them itself; only frames to the gateway are ever dropped. */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "net/filter.h"

#define ETH_HLEN_ 14
#define FLOW_TTL_MS (180 * 1000)

static const uint8_t gw4[4] = {10, 0, 2, 2};
static const uint8_t gw6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* l4 - locate the transport header of an IPv4/IPv6 frame.
 * Return: the protocol (6 TCP, 17 UDP, other), -1 when not parsable;
 * *to_gw tells whether the destination is the gateway, *out_gw whether the
 * source is. */
static int l4(const uint8_t *f, size_t len, const uint8_t **hdr, size_t *hlen, bool *to_gw, bool *from_gw, bool *v6)
{
	if (len < ETH_HLEN_ + 20)
		return -1;
	uint16_t type = rd16(f + 12);
	const uint8_t *ip = f + ETH_HLEN_;
	size_t iplen = len - ETH_HLEN_;
	if (type == 0x0800) {
		size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
		if ((ip[0] >> 4) != 4 || ihl < 20 || iplen < ihl)
			return -1;
		*v6 = false;
		*to_gw = !memcmp(ip + 16, gw4, 4);
		*from_gw = !memcmp(ip + 12, gw4, 4);
		if (rd16(ip + 6) & 0x1fff)
			return 0; /* a later fragment: no transport header */
		*hdr = ip + ihl;
		*hlen = iplen - ihl;
		return ip[9];
	}
	if (type == 0x86dd) {
		if (iplen < 40 || (ip[0] >> 4) != 6)
			return -1;
		*v6 = true;
		*to_gw = !memcmp(ip + 24, gw6, 16);
		*from_gw = !memcmp(ip + 8, gw6, 16);
		*hdr = ip + 40;
		*hlen = iplen - 40;
		return ip[6];
	}
	return -1;
}

void volt_lofilter_out(struct volt_lofilter *lf, const uint8_t *f, size_t len)
{
	const uint8_t *h;
	size_t hl;
	bool to_gw, from_gw, v6;
	if (l4(f, len, &h, &hl, &to_gw, &from_gw, &v6) != 17 || !from_gw || hl < 8)
		return;
	uint16_t host = rd16(h), guest = rd16(h + 2);
	int64_t now = now_ms();
	struct volt_lofilter_flow *slot = &lf->flows[0];
	for (size_t i = 0; i < VOLT_LOFILTER_FLOWS; i++) {
		struct volt_lofilter_flow *fl = &lf->flows[i];
		if (fl->seen_ms && fl->host_port == host && fl->guest_port == guest && fl->v6 == v6) {
			fl->seen_ms = now;
			return;
		}
		if (fl->seen_ms < slot->seen_ms)
			slot = fl; /* the oldest (or an empty) slot */
	}
	*slot = (struct volt_lofilter_flow){.host_port = host, .guest_port = guest, .v6 = v6, .seen_ms = now};
}

/* csum_add - ones' complement sum of a buffer, folded later */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		sum += rd16(p);
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* make_rst - the RST|ACK answering a SYN frame f (to the gateway), built
 * in out. Return: its length, 0 when f cannot be answered. */
static size_t make_rst(const uint8_t *f, size_t len, bool v6, const uint8_t *tcp, uint8_t *out, size_t outlen)
{
	size_t iphl = v6 ? 40 : 20, n = ETH_HLEN_ + iphl + 20;
	const uint8_t *ip = f + ETH_HLEN_;
	uint8_t *oip = out + ETH_HLEN_, *otcp = oip + iphl;
	uint32_t seq = (uint32_t)rd16(tcp + 4) << 16 | rd16(tcp + 6), sum = 0;

	if (n > outlen || (size_t)(tcp - f) + 20 > len)
		return 0;
	memset(out, 0, n);
	memcpy(out, f + 6, 6); /* to the sender's MAC, from the MAC it used */
	memcpy(out + 6, f, 6);
	memcpy(out + 12, f + 12, 2);
	if (v6) {
		oip[0] = 0x60;
		wr16(oip + 4, 20);
		oip[6] = 6;
		oip[7] = 64;
		memcpy(oip + 8, ip + 24, 16);
		memcpy(oip + 24, ip + 8, 16);
		sum = csum_add(sum, oip + 8, 32);
	} else {
		oip[0] = 0x45;
		wr16(oip + 2, 40);
		oip[8] = 64;
		oip[9] = 6;
		memcpy(oip + 12, ip + 16, 4);
		memcpy(oip + 16, ip + 12, 4);
		wr16(oip + 10, csum_fold(csum_add(0, oip, 20)));
		sum = csum_add(sum, oip + 12, 8);
	}
	memcpy(otcp, tcp + 2, 2); /* ports swapped */
	memcpy(otcp + 2, tcp, 2);
	seq += 1; /* a SYN takes one sequence number */
	wr16(otcp + 8, (uint16_t)(seq >> 16));
	wr16(otcp + 10, (uint16_t)seq);
	otcp[12] = 5 << 4;
	otcp[13] = 0x14; /* RST | ACK */
	sum += 6 + 20;	 /* pseudo header: protocol, TCP length */
	wr16(otcp + 16, csum_fold(csum_add(sum, otcp, 20)));
	return n;
}

size_t volt_lofilter_in(struct volt_lofilter *lf, const uint8_t *f, size_t len, uint8_t *reply, size_t replylen,
			bool *drop)
{
	const uint8_t *h;
	size_t hl;
	bool to_gw = false, from_gw, v6 = false;
	int proto = l4(f, len, &h, &hl, &to_gw, &from_gw, &v6);

	*drop = false;
	if (proto <= 0 || !to_gw)
		return 0;
	if (proto == 6) {
		if (hl < 20 || (h[13] & 0x12) != 0x02) /* not a bare SYN */
			return 0;
		*drop = true;
		return make_rst(f, len, v6, h, reply, replylen);
	}
	if (proto == 17) {
		if (hl < 8)
			return 0;
		uint16_t guest = rd16(h), host = rd16(h + 2);
		int64_t now = now_ms();
		for (size_t i = 0; i < VOLT_LOFILTER_FLOWS; i++) {
			struct volt_lofilter_flow *fl = &lf->flows[i];
			if (fl->seen_ms && fl->host_port == host && fl->guest_port == guest && fl->v6 == v6 &&
			    now - fl->seen_ms < FLOW_TTL_MS) {
				fl->seen_ms = now;
				return 0;
			}
		}
		*drop = true;
		return 0;
	}
	if (v6 && proto != 58) /* extension headers: not worth parsing */
		*drop = true;
	return 0;
}
