/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The polled SDE driver (xpdk_sde.h) against devsim's f2 model with cl_sde loaded, served in
 * this process: loopback data compared whole under bursts of every size and many wraps of the
 * 64-entry rings, packets split over smaller receive buffers, the traffic generator's stream,
 * and the engine's refusals (a zero-length descriptor, DMA outside the client's memory)
 * reported by xpdk_sde_check().
 *
 *   test_sde [EAL args]      (hugepages needed: DMA memory is shared with the device by fd)
 */

#include <errno.h>
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

#include "xpdk_devsim.h"
#include "xpdk_env.h"
#include "xpdk_sde.h"

#define RING  XPDK_SDE_RING
#define SLOTB (64u << 10) /* bytes per buffer */

static int g_argc;
static char **g_argv;
static char dir[64], sock[96];
static struct xpdk_devsim_dev *sim;
static struct xpdk_dma_buf *txb, *rxb;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/xpdk-test-sde-%d", (int)getpid());
	snprintf(sock, sizeof(sock), "%s/f20.sock", dir);
	if (mkdir(dir, 0700) < 0 || setenv("XPDK_DEVSIM_DIR", dir, 1) < 0 ||
	    setenv("XPDK_F2_SLOTS", "devsim", 1) < 0)
		return -1;
	if (xpdk_env_init(g_argc, g_argv) < 0) {
		fprintf(stderr, "# %s\n", xpdk_strerror_last());
		return -1;
	}
	xpdk_devsim_set_log_level(0);
	sim = xpdk_devsim_create("f2", "afi=agfi-0925b211f5a81b071", "f20", sock, -1);
	if (sim == NULL || xpdk_devsim_start(sim) < 0) {
		fprintf(stderr, "# %s\n", xpdk_strerror_last());
		return -1;
	}
	txb = xpdk_dma_alloc(RING * SLOTB, 4096, XPDK_DMA_F_ZERO);
	rxb = xpdk_dma_alloc(RING * SLOTB, 4096, XPDK_DMA_F_ZERO);
	return txb != NULL && rxb != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	xpdk_dma_free(txb);
	xpdk_dma_free(rxb);
	xpdk_devsim_destroy(sim);
	xpdk_env_cleanup();
	rmdir(dir);
	return 0;
}

static struct xpdk_sde *open_sde(void)
{
	struct xpdk_sde *s = xpdk_sde_open(0, NULL);

	if (s == NULL)
		fprintf(stderr, "# %s\n", xpdk_strerror_last());
	assert_non_null(s);
	return s;
}

/* Packet @p seq's bytes: every byte depends on the sequence number and its offset. */
static void fill(uint8_t *p, uint32_t len, uint64_t seq)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seq * 131 + i * 7 + (i >> 8));
}

/* Wait (bounded) for @p want receive records; @return how many came. */
static uint16_t rx_wait(struct xpdk_sde *s, struct xpdk_sde_rx *rx, uint16_t want)
{
	uint16_t got = 0;

	for (uint64_t spin = 0; got < want && spin < 200000000ull; spin++) {
		got += xpdk_sde_rx_burst(s, rx + got, (uint16_t)(want - got));
		(void)xpdk_sde_tx_done(s);
		if (xpdk_sde_check(s) < 0)
			break;
	}
	return got;
}

/*
 * Send @p total packets of @p len bytes in bursts of @p burst, one receive buffer of @p len per
 * packet, and compare every packet whole, its length, EOP and user bits.
 */
static void loop_packets(struct xpdk_sde *s, uint32_t len, uint32_t total, uint16_t burst)
{
	uint64_t sent = 0, posted = 0, got = 0;

	while (got < total) {
		struct xpdk_sde_tx tx[RING];
		struct xpdk_sde_rx rx[RING];
		uint64_t iova[RING];
		uint32_t lens[RING];
		uint16_t k = (uint16_t)(RING - xpdk_sde_rx_pending(s)), n;

		k = k > burst ? burst : k;
		for (uint16_t i = 0; i < k; i++) {
			iova[i] = rxb->iova + ((posted + i) % RING) * SLOTB;
			lens[i] = len;
		}
		posted += xpdk_sde_rx_post(s, iova, lens, k);
		(void)xpdk_sde_tx_done(s);
		k = (uint16_t)(RING - xpdk_sde_tx_pending(s));
		k = k > burst ? burst : k;
		k = sent + k > total ? (uint16_t)(total - sent) : k;
		for (uint16_t i = 0; i < k; i++) {
			uint64_t slot = (sent + i) % RING;

			fill((uint8_t *)txb->va + slot * SLOTB, len, sent + i);
			tx[i] = (struct xpdk_sde_tx){ .iova = txb->iova + slot * SLOTB,
						      .len = len,
						      .eop = true,
						      .user = 0x1000 + sent + i };
		}
		sent += xpdk_sde_tx_burst(s, tx, k);
		n = rx_wait(s, rx, (uint16_t)(sent - got < burst ? sent - got : burst));
		assert_int_equal(xpdk_sde_check(s), 0);
		assert_true(n > 0);
		for (uint16_t i = 0; i < n; i++, got++) {
			uint8_t want[SLOTB];

			assert_int_equal(rx[i].slot, (uint32_t)got);
			assert_int_equal(rx[i].len, len);
			assert_true(rx[i].eop);
			assert_int_equal(rx[i].user, 0x1000 + got);
			fill(want, len, got);
			assert_memory_equal((uint8_t *)rxb->va + (rx[i].slot % RING) * SLOTB, want,
					    len);
		}
	}
	assert_int_equal(sent, total);
}

/* Bursts of 1, 7, 32 and 64 descriptors, each wrapping both rings several times. */
static void test_loopback_bursts_wrap_data_whole(void **state)
{
	static const uint32_t sizes[] = { 64, 1000, 4096, SLOTB };
	static const uint16_t bursts[] = { 1, 7, 32, RING };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (size_t j = 0; j < sizeof(bursts) / sizeof(bursts[0]); j++) {
			struct xpdk_sde *s = open_sde();

			loop_packets(s, sizes[i], sizes[i] == SLOTB ? 2 * RING + 5 : 5 * RING + 3,
				     bursts[j]);
			xpdk_sde_close(s);
		}
	}
}

/* A 1000-byte packet over 256-byte receive buffers: four records, EOP and user bits on the last
 * only, the bytes in order; many packets, so the split crosses the rings' ends. */
static void test_packet_split_over_small_buffers(void **state)
{
	struct xpdk_sde *s = open_sde();
	uint64_t posted = 0, got = 0;

	(void)state;
	for (uint64_t pkt = 0; pkt < 40; pkt++) {
		struct xpdk_sde_tx tx = {
			.iova = txb->iova, .len = 1000, .eop = true, .user = pkt
		};
		struct xpdk_sde_rx rx[4];
		uint8_t want[1000];

		for (int i = 0; i < 4; i++, posted++) {
			uint64_t iova = rxb->iova + (posted % RING) * SLOTB;
			uint32_t len = 256;

			assert_int_equal(xpdk_sde_rx_post(s, &iova, &len, 1), 1);
		}
		fill((uint8_t *)txb->va, 1000, pkt);
		fill(want, 1000, pkt);
		assert_int_equal(xpdk_sde_tx_burst(s, &tx, 1), 1);
		assert_int_equal(rx_wait(s, rx, 4), 4);
		for (int i = 0; i < 4; i++, got++) {
			uint32_t len = i < 3 ? 256 : 1000 - 3 * 256;

			assert_int_equal(rx[i].slot, (uint32_t)got);
			assert_int_equal(rx[i].len, len);
			assert_int_equal(rx[i].eop, i == 3);
			assert_int_equal(rx[i].user, i == 3 ? pkt : 0);
			assert_memory_equal((uint8_t *)rxb->va + (rx[i].slot % RING) * SLOTB,
					    want + i * 256, len);
		}
	}
	assert_int_equal(xpdk_sde_check(s), 0);
	xpdk_sde_close(s);
}

/* Wait (bounded) for the engine to report an error. */
static int check_wait(struct xpdk_sde *s)
{
	for (int i = 0; i < 2000; i++) {
		if (xpdk_sde_check(s) < 0)
			return -EIO;
		usleep(1000);
	}
	return 0;
}

static void test_zero_length_descriptor_stops_h2c(void **state)
{
	struct xpdk_sde *s = open_sde();
	uint64_t iova = rxb->iova;
	uint32_t len = 64;
	struct xpdk_sde_tx tx = { .iova = txb->iova, .len = 0, .eop = true };

	(void)state;
	assert_int_equal(xpdk_sde_rx_post(s, &iova, &len, 1), 1);
	assert_int_equal(xpdk_sde_tx_burst(s, &tx, 1), 1);
	assert_int_equal(check_wait(s), -EIO);
	assert_non_null(strstr(xpdk_strerror_last(), "H2C status 0x2"));
	xpdk_sde_close(s);
}

/* Addresses the client never mapped: the direction that would use them stops; nothing else. */
static void test_dma_outside_client_memory_stops_that_direction(void **state)
{
	const uint64_t bogus = 0x7ff000000000ull;
	struct xpdk_sde *s = open_sde();
	uint64_t iova = rxb->iova;
	uint32_t len = 64;
	struct xpdk_sde_tx tx = { .iova = bogus, .len = 64, .eop = true };

	(void)state;
	assert_int_equal(xpdk_sde_rx_post(s, &iova, &len, 1), 1);
	assert_int_equal(xpdk_sde_tx_burst(s, &tx, 1), 1);
	assert_int_equal(check_wait(s), -EIO);
	assert_non_null(strstr(xpdk_strerror_last(), "C2H status 0x0, H2C status 0x2"));
	xpdk_sde_close(s);

	s = open_sde();
	iova = bogus;
	tx.iova = txb->iova;
	assert_int_equal(xpdk_sde_rx_post(s, &iova, &len, 1), 1);
	assert_int_equal(xpdk_sde_tx_burst(s, &tx, 1), 1);
	assert_int_equal(check_wait(s), -EIO);
	assert_non_null(strstr(xpdk_strerror_last(), "C2H status 0x2, H2C status 0x0"));
	xpdk_sde_close(s);
	/* a fresh engine works again */
	s = open_sde();
	loop_packets(s, 64, RING + 1, 16);
	xpdk_sde_close(s);
}

/* Byte @p j of the traffic generator's stream: incrementing little-endian 32-bit words. */
static uint8_t gen_byte(uint32_t seed, uint64_t j)
{
	return (uint8_t)((seed + (uint32_t)(j / 4)) >> (8 * (j % 4)));
}

/* The generator fills receive buffers with 128-byte packets, the stream continuing from packet
 * to packet and across the ring's end; a buffer smaller than a packet splits it (EOP on the
 * part that ends it). */
static void test_generator_stream_split_and_wrapped(void **state)
{
	const struct xpdk_sde_conf conf = { .mode = XPDK_SDE_GENERATOR,
					    .gen_pkt_size = 128,
					    .gen_seed = 0x01020304 };
	struct xpdk_sde *s = xpdk_sde_open(0, &conf);
	uint64_t posted = 0, got = 0, j = 0;

	(void)state;
	assert_non_null(s);
	for (int round = 0; round < 3 * RING; round++) {
		/* a whole packet, then one split 100 + 28 */
		uint32_t lens[3] = { 128, 100, 128 }, want_len[3] = { 128, 100, 28 };
		bool want_eop[3] = { true, false, true };
		struct xpdk_sde_rx rx[3];

		for (int i = 0; i < 3; i++, posted++) {
			uint64_t iova = rxb->iova + (posted % RING) * SLOTB;

			assert_int_equal(xpdk_sde_rx_post(s, &iova, &lens[i], 1), 1);
		}
		assert_int_equal(rx_wait(s, rx, 3), 3);
		for (int i = 0; i < 3; i++, got++) {
			const uint8_t *p = (const uint8_t *)rxb->va + (rx[i].slot % RING) * SLOTB;

			assert_int_equal(rx[i].slot, (uint32_t)got);
			assert_int_equal(rx[i].len, want_len[i]);
			assert_int_equal(rx[i].eop, want_eop[i]);
			for (uint32_t k = 0; k < rx[i].len; k++, j++)
				assert_int_equal(p[k], gen_byte(conf.gen_seed, j));
		}
	}
	assert_int_equal(xpdk_sde_check(s), 0);
	xpdk_sde_close(s);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_bursts_wrap_data_whole),
		cmocka_unit_test(test_packet_split_over_small_buffers),
		cmocka_unit_test(test_generator_stream_split_and_wrapped),
		cmocka_unit_test(test_zero_length_descriptor_stops_h2c),
		cmocka_unit_test(test_dma_outside_client_memory_stops_that_direction),
	};

	g_argc = argc;
	g_argv = argv;
	return cmocka_run_group_tests(tests, setup, teardown);
}
