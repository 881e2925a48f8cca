/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * OPAE's host exercisers (HE-LB, HE-MEM) through the DFL driver against devsim's dfl-fpga model
 * started with afu=he-lb, served in this process and opened over vfio-user: INFO0, every
 * host_exerciser mode with its data checked, request lengths, DSM and STATUS0 counters,
 * continuous mode ended by ForcedTestCmpl, the completion interrupt, refusals and faults, the
 * driver's DMA engine, and partial reconfiguration swapping HE-LB, HE-MEM and XPDK's exerciser.
 *
 *   test_fpga_helb [EAL args]      (hugepages needed: DMA memory is shared with the device by fd)
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "xpdk_devsim.h"
#include "xpdk_devsim_dfl.h"
#include "xpdk_dfl_regs.h"
#include "xpdk_fpga.h"
#include "fpga_fixture.h"

#define BUF (256u << 10)

static struct xpdk_dma_buf *src, *dst;

static int setup(void **state)
{
	(void)state;
	if (fixture_start("helb", "afu=he-lb", "helb0") < 0)
		return -1;
	src = xpdk_dma_alloc(BUF, 4096, 0);
	dst = xpdk_dma_alloc(BUF, 4096, 0);
	return src != NULL && dst != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	xpdk_dma_free(src);
	xpdk_dma_free(dst);
	fixture_stop();
	return 0;
}

/* a source of distinct words, a destination of another value */
static void prepare(uint64_t bytes)
{
	uint64_t *s = src->va, *d = dst->va;

	for (uint64_t i = 0; i < bytes / 8; i++) {
		s[i] = i * 0x9e3779b97f4a7c15ull + 1;
		d[i] = 0xdddddddddddddddd;
	}
}

static bool all_words(const struct xpdk_dma_buf *b, uint64_t bytes, uint64_t word)
{
	const uint64_t *p = b->va;

	for (uint64_t i = 0; i < bytes / 8; i++)
		if (p[i] != word)
			return false;
	return true;
}

static bool src_intact(uint64_t bytes)
{
	const uint64_t *s = src->va;

	for (uint64_t i = 0; i < bytes / 8; i++)
		if (s[i] != i * 0x9e3779b97f4a7c15ull + 1)
			return false;
	return true;
}

static void test_attach_reads_info0(void **state)
{
	struct xpdk_helb_info info;
	struct xpdk_fpga_port_info pi;
	char g[XPDK_GUID_STR_LEN + 1];

	(void)state;
	assert_int_equal(xpdk_fpga_port_info(fpga, 0, &pi), 0);
	xpdk_guid_format(&pi.afu_id, g, sizeof(g));
	assert_string_equal(g, XPDK_OPAE_HE_LB_GUID);
	assert_int_equal(xpdk_helb_attach(fpga, 0, &info), 0);
	assert_false(info.mem);
	assert_int_equal(info.clock_mhz, 400);
	assert_int_equal(info.api_version, 4);
	assert_false(info.atomics);
	assert_int_equal(info.bus_bytes, 64);
	assert_int_equal(info.max_req_lines, 16);
	/* XPDK's own exerciser calls refuse OPAE's AFU, naming what is there */
	assert_int_equal(xpdk_he_attach(fpga, 0), -ENODEV);
	assert_non_null(strstr(xpdk_strerror_last(), XPDK_OPAE_HE_LB_GUID));
}

/* Every mode, every request length: the data each mode moves, and the DSM's counts. */
static void test_modes_move_the_right_data(void **state)
{
	static const unsigned int reqs[] = { 1, 2, 4, 8, 16 };
	uint64_t lines = 64, bytes = lines * 64, rd0 = 0, wr0 = 0, rd1, wr1;
	struct xpdk_helb_result res;

	(void)state;
	assert_int_equal(xpdk_helb_attach(fpga, 0, NULL), 0);
	for (unsigned int r = 0; r < 5; r++) {
		for (unsigned int mode = 0; mode <= XPDK_OPAE_HE_MODE_TRPUT; mode++) {
			struct xpdk_helb_cfg cfg = { .mode = mode,
						     .src = src,
						     .dst = dst,
						     .lines = lines,
						     .req_lines = reqs[r] };
			bool reads = mode != XPDK_OPAE_HE_MODE_WRITE;
			bool writes = mode != XPDK_OPAE_HE_MODE_READ;

			prepare(bytes + 64);
			assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), 0);
			assert_int_equal(res.err_vector, 0);
			assert_int_equal(res.reads, reads ? lines : 0);
			assert_int_equal(res.writes, writes ? lines : 0);
			assert_true(res.dsm_number > 0);
			assert_true(src_intact(bytes + 64));
			if (mode == XPDK_OPAE_HE_MODE_LPBK)
				assert_memory_equal(dst->va, src->va, bytes);
			else if (mode == XPDK_OPAE_HE_MODE_READ)
				assert_true(all_words(dst, bytes, 0xdddddddddddddddd));
			else
				assert_true(all_words(dst, bytes, XPDK_DEVSIM_HE_LB_WR_WORD));
			/* nothing beyond the last line */
			assert_int_equal(((uint64_t *)dst->va)[bytes / 8], 0xdddddddddddddddd);
			rd0 += reads ? lines : 0;
			wr0 += writes ? lines : 0;
		}
	}
	/* STATUS0 counts since the attach's reset */
	assert_int_equal(xpdk_helb_counters(fpga, &rd1, &wr1), 0);
	assert_int_equal(rd1, rd0);
	assert_int_equal(wr1, wr0);
}

/*
 * Buffers over several hugepages, which a client maps to the device one by one (with
 * --in-memory, as meson runs this test): the copy and the write reach every byte, in one pass
 * and in continuous passes, with the source starting off a page boundary so that the two sides'
 * mappings end at different places.
 */
static void test_buffers_over_several_mappings(void **state)
{
	const uint64_t big = 5u << 20, off = 64 * 33, bytes = big - off, lines = bytes / 64;
	struct xpdk_dma_buf *bs = xpdk_dma_alloc(big, 4096, 0), *bd = xpdk_dma_alloc(big, 4096, 0);
	struct xpdk_dma_buf s, d;
	struct xpdk_helb_result res;
	uint64_t *sw, *dw;

	(void)state;
	assert_non_null(bs);
	assert_non_null(bd);
	s = *bs;
	s.va = (uint8_t *)bs->va + off;
	s.iova += off;
	s.size -= off;
	d = *bd;
	sw = s.va;
	dw = d.va;
	assert_int_equal(xpdk_helb_attach(fpga, 0, NULL), 0);
	for (int cont = 0; cont < 2; cont++) {
		struct xpdk_helb_cfg cfg = { .mode = XPDK_OPAE_HE_MODE_LPBK,
					     .src = &s,
					     .dst = &d,
					     .lines = lines,
					     .continuous = cont == 1 };

		for (uint64_t i = 0; i < bytes / 8; i++)
			sw[i] = i * 0x9e3779b97f4a7c15ull + (uint64_t)cont;
		memset(d.va, 0xdd, big);
		if (cont) {
			uint64_t rd = 0, wr = 0;

			assert_int_equal(xpdk_helb_start(fpga, &cfg), 0);
			while (xpdk_helb_counters(fpga, &rd, &wr) == 0 && wr < 3 * lines)
				usleep(100);
			assert_int_equal(xpdk_helb_stop(fpga, &res), 0);
			assert_true(res.writes >= 3 * lines);
		} else {
			assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), 0);
			assert_int_equal(res.writes, lines);
		}
		assert_int_equal(res.err_vector, 0);
		assert_memory_equal(d.va, s.va, bytes);
		assert_int_equal(dw[bytes / 8], 0xddddddddddddddddull);
	}
	{
		struct xpdk_helb_cfg cfg = { .mode = XPDK_OPAE_HE_MODE_WRITE,
					     .dst = &s,
					     .lines = lines };

		assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), 0);
		assert_int_equal(res.err_vector, 0);
		assert_true(all_words(&s, bytes, XPDK_DEVSIM_HE_LB_WR_WORD));
	}
	xpdk_dma_free(bs);
	xpdk_dma_free(bd);
}

/* Continuous mode runs until ForcedTestCmpl; the DSM then counts every pass. */
static void test_continuous_until_forced_stop(void **state)
{
	struct xpdk_helb_cfg cfg = { .mode = XPDK_OPAE_HE_MODE_LPBK,
				     .src = src,
				     .dst = dst,
				     .lines = 16,
				     .req_lines = 4,
				     .continuous = true };
	struct xpdk_helb_result res;
	uint64_t rd = 0, wr = 0;

	(void)state;
	assert_int_equal(xpdk_helb_attach(fpga, 0, NULL), 0);
	prepare(16 * 64);
	assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), -EINVAL);
	assert_int_equal(xpdk_helb_start(fpga, &cfg), 0);
	assert_int_equal(xpdk_helb_start(fpga, &cfg), -EBUSY);
	/* it keeps going: several passes, and no completion meanwhile (the deadline only guards
	 * against a hang) */
	for (uint64_t end = xpdk_now_ns() + 60000000000ull; wr < 10 * 16;) {
		assert_int_equal(xpdk_helb_counters(fpga, &rd, &wr), 0);
		assert_true(xpdk_now_ns() < end);
	}
	assert_int_equal(xpdk_helb_poll(fpga, &res), 0);
	assert_int_equal(xpdk_helb_stop(fpga, &res), 0);
	assert_int_equal(res.err_vector, 0);
	assert_true(res.writes >= 10 * 16);
	assert_int_equal(res.writes % 4, 0); /* whole requests */
	assert_memory_equal(dst->va, src->va, 16 * 64);
	/* idle again: a new test starts */
	cfg.continuous = false;
	assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), 0);
	assert_int_equal(res.writes, 16);
}

/* With the interrupt asked for, completion raises the port's vector. */
static void test_interrupt_on_completion(void **state)
{
	struct xpdk_helb_cfg cfg = {
		.mode = XPDK_OPAE_HE_MODE_LPBK, .src = src, .dst = dst, .lines = 1024, .irq = true
	};
	struct xpdk_helb_result res;
	int rc;

	(void)state;
	assert_int_equal(xpdk_helb_attach(fpga, 0, NULL), 0);
	assert_true(xpdk_he_irq_fd(fpga) >= 0);
	prepare(1024 * 64);
	assert_int_equal(xpdk_helb_start(fpga, &cfg), 0);
	assert_true(xpdk_dev_irq_wait(xpdk_fpga_dev(fpga), 0, 10000) >= 0);
	while ((rc = xpdk_helb_poll(fpga, &res)) == 0)
		;
	assert_int_equal(rc, 1);
	assert_memory_equal(dst->va, src->va, 1024 * 64);
	/* and the blocking run waits on it */
	prepare(1024 * 64);
	assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), 0);
	assert_memory_equal(dst->va, src->va, 1024 * 64);
}

static void test_refusals_and_faults(void **state)
{
	struct xpdk_helb_cfg cfg = {
		.mode = XPDK_OPAE_HE_MODE_LPBK, .src = src, .dst = dst, .lines = 16
	};
	struct xpdk_helb_result res;
	struct xpdk_dma_buf fake;
	uint64_t perr = 0;

	(void)state;
	assert_int_equal(xpdk_helb_start(fpga, &cfg), -EINVAL); /* not attached */
	assert_int_equal(xpdk_helb_attach(fpga, 0, NULL), 0);
	cfg.req_lines = 3;
	assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "request length 3 lines"));
	cfg.req_lines = 16;
	cfg.lines = 24;
	assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), -EINVAL);
	cfg.lines = BUF / 64 + 16;
	assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "buffer has"));
	cfg.lines = 16;
	cfg.mode = 4;
	assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), -EINVAL);
	cfg.mode = XPDK_OPAE_HE_MODE_LPBK;
	cfg.comp_mask = 1u << 31;
	assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), -EINVAL);
	cfg.comp_mask = 0;
	/* a source no memory is mapped at: the device reports a read fault */
	memset(&fake, 0, sizeof(fake));
	fake.iova = 0x7000000000ull;
	fake.size = 4096;
	cfg.src = &fake;
	assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), -EIO);
	assert_true(res.err_vector & XPDK_OPAE_HE_ERR_READ);
	assert_non_null(strstr(xpdk_strerror_last(), "host read fault"));
	assert_int_equal(xpdk_fpga_port_errors(fpga, 0, &perr), 0);
	assert_int_equal(perr, 1);
	assert_int_equal(xpdk_fpga_port_errors_clear(fpga, 0), 0);
	/* and it recovers */
	cfg.src = src;
	prepare(16 * 64);
	assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), 0);
	assert_memory_equal(dst->va, src->va, 16 * 64);
}

/* Tools reach HE-LB as the driver's DMA engine, in OPAE's four modes. */
static void test_dma_engine_ops(void **state)
{
	struct xpdk_dev *dev;
	struct xpdk_engine_info info;
	struct xpdk_engine_completion done;
	struct xpdk_engine_op op = {
		.mode = XPDK_ENGINE_COPY, .src = src, .dst = dst, .len = 4096
	};
	struct xpdk_scratch_reg sr;
	int rc;

	(void)state;
	dev = xpdk_fpga_dev(fpga);
	assert_int_equal(xpdk_dev_engine_open(dev, &info), 0);
	assert_string_equal(info.name, "he-lb");
	assert_int_equal(info.modes, XPDK_ENGINE_READ | XPDK_ENGINE_WRITE | XPDK_ENGINE_COPY |
					 XPDK_ENGINE_TRPUT);
	assert_int_equal(info.max_repeat, UINT32_MAX);
	prepare(4096);
	assert_int_equal(xpdk_dev_engine_submit(dev, &op), 0);
	while ((rc = xpdk_dev_engine_poll(dev, &done)) == 0)
		;
	assert_int_equal(rc, 1);
	assert_int_equal(done.bytes, 4096);
	assert_memory_equal(dst->va, src->va, 4096);
	op.mode = XPDK_ENGINE_TRPUT;
	prepare(4096);
	assert_int_equal(xpdk_dev_engine_submit(dev, &op), 0);
	while ((rc = xpdk_dev_engine_poll(dev, &done)) == 0)
		;
	assert_int_equal(rc, 1);
	assert_int_equal(done.bytes, 8192);
	assert_true(all_words(dst, 4096, XPDK_DEVSIM_HE_LB_WR_WORD));
	/* several passes: a continuous test ended once STATUS0 counts them, at least as many */
	op.mode = XPDK_ENGINE_COPY;
	op.repeat = 50;
	prepare(4096);
	assert_int_equal(xpdk_dev_engine_submit(dev, &op), 0);
	while ((rc = xpdk_dev_engine_poll(dev, &done)) == 0)
		;
	assert_int_equal(rc, 1);
	assert_true(done.passes >= 50);
	assert_true(done.bytes >= done.passes * 4096 && done.bytes < (done.passes + 1) * 4096);
	assert_memory_equal(dst->va, src->va, 4096);
	op.repeat = 1u << 26; /* 2^32 lines: beyond STATUS0's 32 bits */
	assert_int_equal(xpdk_dev_engine_submit(dev, &op), -EINVAL);
	assert_int_equal(xpdk_dev_scratch_reg(dev, &sr), 0);
	assert_int_equal(sr.offset, XPDK_DEVSIM_DFL_AFU + XPDK_OPAE_HE_SCRATCHPAD0);
}

static uint8_t *make_gbs(uint64_t afu_h, uint64_t afu_l, size_t *len)
{
	static const uint8_t gbs_guid[16] = { 0x58, 0x65, 0x6f, 0x6e, 0x46, 0x50, 0x47, 0x41,
					      0xb7, 0x47, 0x42, 0x53, 0x76, 0x30, 0x30, 0x31 };
	char json[512], afu[XPDK_GUID_STR_LEN + 1];
	struct xpdk_guid g, ig;
	uint64_t il = 0, ih = 0;
	size_t jlen, payload = 64, rbf = XPDK_DEVSIM_RBF_HDR_SIZE + payload;
	uint8_t *b, *r;
	uint32_t v;

	g = xpdk_guid_from_regs(afu_l, afu_h);
	xpdk_guid_format(&g, afu, sizeof(afu));
	snprintf(json, sizeof(json),
		 "{\"version\": 1, \"afu-image\": {\"magic-no\": 488605312, \"interface-uuid\": "
		 "\"%s\", \"accelerator-clusters\": [{\"name\": \"x\", \"total-contexts\": 1, "
		 "\"accelerator-type-uuid\": \"%s\"}]}}",
		 XPDK_DEVSIM_DFL_PR_ID, afu);
	jlen = strlen(json);
	*len = 20 + jlen + rbf;
	b = calloc(1, *len);
	assert_non_null(b);
	memcpy(b, gbs_guid, 16);
	v = (uint32_t)jlen;
	memcpy(b + 16, &v, 4);
	memcpy(b + 20, json, jlen);
	assert_int_equal(xpdk_guid_parse(XPDK_DEVSIM_DFL_PR_ID, &ig), 0);
	xpdk_guid_to_regs(&ig, &il, &ih);
	r = b + 20 + jlen;
	xpdk_devsim_rbf_header(r, afu_l, afu_h, il, ih, r + XPDK_DEVSIM_RBF_HDR_SIZE,
			       (uint32_t)payload);
	return b;
}

/* PR swaps HE-LB for HE-MEM and XPDK's exerciser and back; each is driven by its own calls. */
static void test_pr_swaps_exercisers(void **state)
{
	struct xpdk_helb_info info;
	struct xpdk_helb_result res;
	struct xpdk_helb_cfg cfg = {
		.mode = XPDK_OPAE_HE_MODE_LPBK, .src = src, .dst = dst, .lines = 32
	};
	struct xpdk_engine_info einfo;
	size_t len;
	uint8_t *b;

	(void)state;
	b = make_gbs(XPDK_OPAE_HE_MEM_GUID_H, XPDK_OPAE_HE_MEM_GUID_L, &len);
	assert_int_equal(xpdk_fpga_pr(fpga, 0, b, len, NULL, NULL), 0);
	free(b);
	assert_int_equal(xpdk_helb_attach(fpga, 0, &info), 0);
	assert_true(info.mem);
	assert_int_equal(info.mem_bus_bytes, 64);
	prepare(32 * 64);
	assert_int_equal(xpdk_helb_run(fpga, &cfg, &res), 0);
	assert_memory_equal(dst->va, src->va, 32 * 64);
	assert_int_equal(xpdk_dev_engine_open(xpdk_fpga_dev(fpga), &einfo), 0);
	assert_string_equal(einfo.name, "he-mem");

	b = make_gbs(XPDK_HE_GUID_H, XPDK_HE_GUID_L, &len);
	assert_int_equal(xpdk_fpga_pr(fpga, 0, b, len, NULL, NULL), 0);
	free(b);
	assert_int_equal(xpdk_helb_attach(fpga, 0, NULL), -ENODEV);
	assert_non_null(strstr(xpdk_strerror_last(), XPDK_HE_GUID));
	assert_int_equal(xpdk_he_attach(fpga, 0), 0);
	assert_int_equal(xpdk_dev_engine_open(xpdk_fpga_dev(fpga), &einfo), 0);
	assert_string_equal(einfo.name, "xpdk-he");

	b = make_gbs(XPDK_OPAE_HE_LB_GUID_H, XPDK_OPAE_HE_LB_GUID_L, &len);
	assert_int_equal(xpdk_fpga_pr(fpga, 0, b, len, NULL, NULL), 0);
	free(b);
	assert_int_equal(xpdk_helb_attach(fpga, 0, &info), 0);
	assert_false(info.mem);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attach_reads_info0, open_fpga, close_fpga),
		cmocka_unit_test_setup_teardown(test_modes_move_the_right_data, open_fpga,
						close_fpga),
		cmocka_unit_test_setup_teardown(test_buffers_over_several_mappings, open_fpga,
						close_fpga),
		cmocka_unit_test_setup_teardown(test_continuous_until_forced_stop, open_fpga,
						close_fpga),
		cmocka_unit_test_setup_teardown(test_interrupt_on_completion, open_fpga,
						close_fpga),
		cmocka_unit_test_setup_teardown(test_refusals_and_faults, open_fpga, close_fpga),
		cmocka_unit_test_setup_teardown(test_dma_engine_ops, open_fpga, close_fpga),
		cmocka_unit_test_setup_teardown(test_pr_swaps_exercisers, open_fpga, close_fpga),
	};

	g_argc = argc;
	g_argv = argv;
	return cmocka_run_group_tests_name("fpga_helb", tests, setup, teardown);
}
