/* Unit tests for net/ackq.c: which frames count as pure TCP ACKs, and how
 * held ACKs are merged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/ackq.h"

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/* tcp4 - an Ethernet/IPv4/TCP frame 10.0.2.2:sport -> 10.0.2.100:dport
 * with flags, seq, ack and payload bytes. Return: its length. */
static size_t tcp4(uint8_t *f, uint16_t sport, uint8_t flags, uint32_t seq, uint32_t ack, size_t payload)
{
	memset(f, 0, 14 + 40 + payload);
	wr16(f + 12, 0x0800);
	uint8_t *ip = f + 14, *t = ip + 20;
	ip[0] = 0x45;
	wr16(ip + 2, (uint16_t)(40 + payload));
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, (uint8_t[]){10, 0, 2, 2}, 4);
	memcpy(ip + 16, (uint8_t[]){10, 0, 2, 100}, 4);
	wr16(t, sport);
	wr16(t + 2, 40000);
	wr32(t + 4, seq);
	wr32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	wr16(t + 14, 65535);
	return 14 + 40 + payload;
}

static void test_parse(void **state)
{
	uint8_t f[256];
	struct volt_ack a;
	size_t n;
	(void)state;

	n = tcp4(f, 5201, 0x10, 1, 1000, 0);
	assert_true(volt_ack_parse(f, n, &a));
	assert_int_equal(a.seq, 1);
	assert_int_equal(a.ack, 1000);
	assert_int_equal(a.win, 65535);
	assert_true(volt_ack_parse(f, 60, &a)); /* Ethernet padding */
	n = tcp4(f, 5201, 0x18, 1, 1000, 0);	/* PSH|ACK without data */
	assert_true(volt_ack_parse(f, n, &a));
	n = tcp4(f, 5201, 0x18, 1, 1000, 10); /* data */
	assert_false(volt_ack_parse(f, n, &a));
	n = tcp4(f, 5201, 0x11, 1, 1000, 0); /* FIN */
	assert_false(volt_ack_parse(f, n, &a));
	n = tcp4(f, 5201, 0x12, 1, 1000, 0); /* SYN|ACK */
	assert_false(volt_ack_parse(f, n, &a));
	n = tcp4(f, 5201, 0x14, 1, 1000, 0); /* RST|ACK */
	assert_false(volt_ack_parse(f, n, &a));
	n = tcp4(f, 5201, 0x10, 1, 1000, 0);
	assert_false(volt_ack_parse(f, n - 1, &a)); /* truncated */
	f[14 + 9] = 17;				    /* UDP */
	assert_false(volt_ack_parse(f, n, &a));
	n = tcp4(f, 5201, 0x10, 1, 1000, 0);
	f[14 + 6] = 0x20; /* more fragments */
	assert_false(volt_ack_parse(f, n, &a));
	n = tcp4(f, 5201, 0x10, 1, 1000, 0);
	f[14] = 0x46; /* IP options */
	assert_false(volt_ack_parse(f, n, &a));
	n = tcp4(f, 5201, 0x10, 1, 1000, 0);
	wr16(f + 12, 0x0806); /* ARP */
	assert_false(volt_ack_parse(f, n, &a));
	assert_false(volt_ack_parse(f, 10, &a));
}

static void test_parse_v6(void **state)
{
	uint8_t f[128] = {0};
	struct volt_ack a;
	(void)state;
	wr16(f + 12, 0x86dd);
	f[14] = 0x60;
	wr16(f + 14 + 4, 20);
	f[14 + 6] = 6;
	uint8_t *t = f + 14 + 40;
	wr16(t, 80);
	wr32(t + 8, 77);
	t[12] = 5 << 4;
	t[13] = 0x10;
	assert_true(volt_ack_parse(f, 14 + 40 + 20, &a));
	assert_int_equal(a.ack, 77);
	assert_int_equal(a.flow[0], 6);
	f[14 + 6] = 0; /* hop-by-hop header: not parsed, not held */
	assert_false(volt_ack_parse(f, 14 + 40 + 20, &a));
}

static void test_merge(void **state)
{
	static struct volt_ackq q;
	uint8_t f[128];
	struct volt_ack a;
	size_t n;
	(void)state;

	memset(&q, 0, sizeof(q));
	n = tcp4(f, 5201, 0x10, 1, 1000, 0);
	volt_ack_parse(f, n, &a);
	assert_true(volt_ackq_add(&q, &a, f, n));
	n = tcp4(f, 5201, 0x10, 1, 2000, 0); /* more acknowledged: replaces */
	volt_ack_parse(f, n, &a);
	assert_true(volt_ackq_add(&q, &a, f, n));
	assert_int_equal(q.n, 1);
	assert_int_equal(q.key[0].ack, 2000);
	n = tcp4(f, 5201, 0x10, 1, 2000, 0); /* a duplicate ACK is kept */
	volt_ack_parse(f, n, &a);
	assert_true(volt_ackq_add(&q, &a, f, n));
	assert_int_equal(q.n, 2);
	n = tcp4(f, 5202, 0x10, 1, 3000, 0); /* another flow */
	volt_ack_parse(f, n, &a);
	assert_true(volt_ackq_add(&q, &a, f, n));
	assert_int_equal(q.n, 3);
	n = tcp4(f, 5201, 0x10, 1, 5000, 0); /* merges into the newest of its flow */
	volt_ack_parse(f, n, &a);
	assert_true(volt_ackq_add(&q, &a, f, n));
	assert_int_equal(q.n, 3);
	assert_int_equal(q.key[1].ack, 5000);
	assert_int_equal(q.key[0].ack, 2000);
	n = tcp4(f, 5201, 0x10, 9, 6000, 0); /* seq moved: data went between */
	volt_ack_parse(f, n, &a);
	assert_true(volt_ackq_add(&q, &a, f, n));
	assert_int_equal(q.n, 4);
	n = tcp4(f, 5201, 0x10, 9, 5000, 0); /* older ack number: not merged */
	volt_ack_parse(f, n, &a);
	assert_true(volt_ackq_add(&q, &a, f, n));
	assert_int_equal(q.n, 5);
	n = tcp4(f, 5203, 0x10, 1, 0xfffffff0u, 0); /* serial arithmetic wraps */
	volt_ack_parse(f, n, &a);
	volt_ackq_add(&q, &a, f, n);
	n = tcp4(f, 5203, 0x10, 1, 0x10, 0);
	volt_ack_parse(f, n, &a);
	assert_true(volt_ackq_add(&q, &a, f, n));
	assert_int_equal(q.n, 6);
	assert_int_equal(q.key[5].ack, 0x10);
	/* full: refused until flushed */
	for (uint16_t p = 6000; q.n < VOLT_ACKQ_LEN; p++) {
		n = tcp4(f, p, 0x10, 1, 1, 0);
		volt_ack_parse(f, n, &a);
		assert_true(volt_ackq_add(&q, &a, f, n));
	}
	n = tcp4(f, 7999, 0x10, 1, 1, 0);
	volt_ack_parse(f, n, &a);
	assert_false(volt_ackq_add(&q, &a, f, n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_v6),
		cmocka_unit_test(test_merge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
