/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The DFL FPGA driver against devsim's dfl-fpga model, served in this process on a socket and
 * opened through lib/dev's vfio-user transport with EAL hugepage memory, as an application
 * would: FME information, errors, perf counters, ports, the AFU window, the host exerciser with
 * data checked, GBS parsing and partial reconfiguration.
 *
 *   test_fpga_dfl [EAL args]      (hugepages needed: DMA memory is shared with the device by fd)
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

#include <poll.h>

#include <cmocka.h>

#include "xpdk_devsim.h"
#include "xpdk_devsim_dfl.h"
#include "xpdk_dfl_regs.h"
#include "xpdk_fpga.h"
#include "fpga_fixture.h"

static int setup(void **state)
{
	(void)state;
	return fixture_start("fpga", "seed=3", "fpga0");
}

static int teardown(void **state)
{
	(void)state;
	fixture_stop();
	return 0;
}

static const struct xpdk_region *bar0(void)
{
	return xpdk_dev_region(xpdk_fpga_dev(fpga), 0);
}

static void test_probe_finds_fme_port_and_afu(void **state)
{
	struct xpdk_fpga_fme_info fme;
	struct xpdk_fpga_port_info pi;
	char g[XPDK_GUID_STR_LEN + 1];

	(void)state;
	assert_string_equal(xpdk_dev_driver(xpdk_fpga_dev(fpga))->name, "dfl-fpga");
	assert_int_equal(xpdk_fpga_fme_info(fpga, &fme), 0);
	assert_true(fme.present);
	assert_int_equal(fme.num_ports, 1);
	assert_int_equal(fme.addr_width, 48);
	assert_int_equal(fme.fabric_version, 1);
	assert_true(fme.iommu && fme.pcie0_link && !fme.pcie1_link);
	assert_int_equal(fme.bs_major, 1);
	assert_int_equal(fme.bs_minor, 2);
	assert_int_equal(fme.synth_year, 26);
	assert_int_equal(fme.synth_month, 11);
	assert_int_equal(fme.synth_day, 22);
	assert_int_equal(fme.synth_seed, 3);
	assert_true(fme.has_thermal && fme.has_power && fme.has_errors && fme.has_perf &&
		    fme.has_pr);
	xpdk_guid_format(&fme.pr_interface_id, g, sizeof(g));
	assert_string_equal(g, XPDK_DEVSIM_DFL_PR_ID);

	assert_int_equal(xpdk_fpga_num_ports(fpga), 1);
	assert_int_equal(xpdk_fpga_port_info(fpga, 0, &pi), 0);
	assert_int_equal(pi.offset, XPDK_DEVSIM_DFL_PORT);
	assert_int_equal(pi.afu_offset, XPDK_DEVSIM_DFL_AFU);
	assert_int_equal(pi.mmio_size, XPDK_DEVSIM_DFL_AFU_SIZE);
	assert_int_equal(pi.num_irqs, 1);
	assert_false(pi.in_reset);
	xpdk_guid_format(&pi.afu_id, g, sizeof(g));
	assert_string_equal(g, XPDK_HE_GUID);
	assert_int_equal(xpdk_fpga_port_info(fpga, 1, &pi), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "has 1 port; port 1 does not exist"));
}

static void test_sensors(void **state)
{
	unsigned int t = 0, w = 0;
	uint64_t c0 = 0, c1 = 0;

	(void)state;
	assert_int_equal(xpdk_fpga_temperature(fpga, &t), 0);
	assert_in_range(t, 40, 59);
	assert_int_equal(xpdk_fpga_power(fpga, &w), 0);
	assert_in_range(w, 30, 40);
	assert_int_equal(xpdk_fpga_perf_clock(fpga, &c0), 0);
	usleep(1000);
	assert_int_equal(xpdk_fpga_perf_clock(fpga, &c1), 0);
	assert_true(c1 > c0);
}

static void test_errors_read_decode_clear(void **state)
{
	struct xpdk_fpga_errors e;
	char buf[128];

	(void)state;
	assert_int_equal(xpdk_fpga_errors(fpga, &e), 0);
	assert_int_equal(e.catfatal | e.nonfatal, 0);
	xpdk_fpga_errors_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	/* the model's injection register: catastrophic and warning */
	assert_int_equal(xpdk_region_write(bar0(), 0x4000 + XPDK_FME_ERR_INJECT, 64, 0x5), 0);
	assert_int_equal(xpdk_fpga_errors(fpga, &e), 0);
	assert_int_equal(e.catfatal, 1u << 11);
	assert_int_equal(e.nonfatal, 1u << 6);
	xpdk_fpga_errors_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "nonfatal bit 6, catfatal bit 11");
	assert_int_equal(xpdk_fpga_errors_clear(fpga), 0);
	assert_int_equal(xpdk_fpga_errors(fpga, &e), 0);
	assert_int_equal(e.catfatal | e.nonfatal, 0);
}

static void test_port_reset(void **state)
{
	struct xpdk_fpga_afu afu;
	uint64_t v = 0;

	(void)state;
	assert_int_equal(xpdk_fpga_afu(fpga, 0, &afu), 0);
	assert_int_equal(xpdk_region_write(afu.region, afu.base + XPDK_HE_SCRATCH0, 64, 77), 0);
	assert_int_equal(xpdk_fpga_port_reset(fpga, 0), 0);
	/* the AFU is back in its power-on state */
	assert_int_equal(xpdk_region_read(afu.region, afu.base + XPDK_HE_SCRATCH0, 64, &v), 0);
	assert_int_equal(v, 0);
}

static int count_features(const struct xpdk_dfl_feature *f, void *arg)
{
	(void)f;
	(*(int *)arg)++;
	return 0;
}

static void test_afu_window(void **state)
{
	struct xpdk_fpga_afu afu;
	int n = 0;
	uint64_t v = 0;

	(void)state;
	assert_int_equal(xpdk_fpga_afu(fpga, 0, &afu), 0);
	assert_int_equal(afu.base, XPDK_DEVSIM_DFL_AFU);
	assert_int_equal(afu.size, XPDK_DEVSIM_DFL_AFU_SIZE);
	assert_int_equal(xpdk_fpga_afu_walk(fpga, 0, count_features, &n), 0);
	assert_int_equal(n, 1); /* the exerciser has no feature list of its own */
	/* the AFU memory is the mapped part of BAR 0 */
	assert_int_equal(xpdk_region_write(afu.region, afu.base + 0x1000, 64, 0xabcdef), 0);
	assert_int_equal(xpdk_region_read(afu.region, afu.base + 0x1000, 64, &v), 0);
	assert_int_equal(v, 0xabcdef);
}

static void fill(struct xpdk_dma_buf *b, uint32_t seed)
{
	uint8_t *p = b->va;

	for (size_t i = 0; i < b->size; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static void test_exerciser_runs(void **state)
{
	static const uint64_t lines[] = { 1, 3, 64, 1024, 16384 };
	struct xpdk_dma_buf *src = xpdk_dma_alloc(1u << 20, 4096, 0);
	struct xpdk_dma_buf *dst = xpdk_dma_alloc(1u << 20, 4096, XPDK_DMA_F_ZERO);
	struct xpdk_he_cfg cfg;
	struct xpdk_he_result res;
	uint64_t want = 0, w, before = 0, after = 0;

	(void)state;
	assert_non_null(src);
	assert_non_null(dst);
	assert_int_equal(xpdk_he_attach(fpga, 0), 0);
	fill(src, 1);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.mode = XPDK_HE_MODE_COPY;
		cfg.src = src;
		cfg.dst = dst;
		cfg.lines = lines[i];
		cfg.irq = i % 2 == 0;
		memset(dst->va, 0, dst->size);
		assert_int_equal(xpdk_he_run(fpga, &cfg, &res), 0);
		assert_memory_equal(dst->va, src->va, lines[i] * 64);
		if (lines[i] * 64 < dst->size)
			assert_int_equal(((uint8_t *)dst->va)[lines[i] * 64], 0); /* no byte more */
		assert_int_equal(res.lines_read, lines[i]);
		assert_int_equal(res.bytes, 2 * lines[i] * 64);
		assert_true(res.host_ns > 0 && res.device_ns > 0);
	}
	/* read mode: the checksum of the source; the fabric counter counts the reads */
	assert_int_equal(xpdk_fpga_perf_fabric(fpga, 0, &before), 0);
	for (size_t i = 0; i < 4096; i += 8) {
		memcpy(&w, (uint8_t *)src->va + i, 8);
		want ^= w;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.mode = XPDK_HE_MODE_READ;
	cfg.src = src;
	cfg.lines = 64;
	cfg.repeat = 100;
	assert_int_equal(xpdk_he_run(fpga, &cfg, &res), 0);
	assert_int_equal(res.checksum, want);
	assert_int_equal(res.lines_read, 6400);
	assert_int_equal(xpdk_fpga_perf_fabric(fpga, 0, &after), 0);
	assert_int_equal(after - before, 6400);
	/* write mode */
	cfg.mode = XPDK_HE_MODE_WRITE;
	cfg.src = NULL;
	cfg.dst = dst;
	cfg.pattern = 0x5a5a5a5a01020304ULL;
	assert_int_equal(xpdk_he_run(fpga, &cfg, &res), 0);
	memcpy(&w, (uint8_t *)dst->va + 4088, 8);
	assert_int_equal(w, 0x5a5a5a5a01020304ULL);
	/* a run that times out is stopped before the call returns: the next one works at once */
	cfg.mode = XPDK_HE_MODE_COPY;
	cfg.src = src;
	cfg.dst = dst;
	cfg.lines = 16384;
	cfg.repeat = 1000000;
	cfg.timeout_ms = 5;
	assert_int_equal(xpdk_he_run(fpga, &cfg, &res), -ETIMEDOUT);
	assert_non_null(strstr(xpdk_strerror_last(), "did not complete within 5 ms"));
	assert_non_null(strstr(xpdk_strerror_last(), "it was stopped"));
	cfg.lines = 64;
	cfg.repeat = 1;
	cfg.timeout_ms = 0;
	memset(dst->va, 0, 4096);
	assert_int_equal(xpdk_he_run(fpga, &cfg, &res), 0);
	assert_int_equal(res.lines_read, 64);
	assert_memory_equal(dst->va, src->va, 4096);
	cfg.mode = XPDK_HE_MODE_WRITE;
	/* a buffer too small is refused before anything starts */
	cfg.lines = (1u << 20) / 64 + 1;
	assert_int_equal(xpdk_he_run(fpga, &cfg, &res), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "the run needs"));
	cfg.src = NULL;
	cfg.mode = XPDK_HE_MODE_COPY;
	cfg.lines = 1;
	assert_int_equal(xpdk_he_run(fpga, &cfg, &res), -EINVAL);
	xpdk_dma_free(src);
	xpdk_dma_free(dst);
}

/* The asynchronous half used by poll loops: start, poll the DSM, one run at a time, the
 * completion interrupt on its eventfd. */
static void test_exerciser_start_poll_and_irq(void **state)
{
	struct xpdk_dma_buf *src = xpdk_dma_alloc(64 * 1024, 4096, 0);
	struct xpdk_dma_buf *dst = xpdk_dma_alloc(64 * 1024, 4096, XPDK_DMA_F_ZERO);
	struct xpdk_he_cfg cfg = { .mode = XPDK_HE_MODE_COPY, .lines = 1024 };
	struct xpdk_he_result res;
	struct pollfd pfd;
	int rc;

	(void)state;
	assert_non_null(src);
	assert_non_null(dst);
	assert_int_equal(xpdk_he_attach(fpga, 0), 0);
	assert_int_equal(xpdk_he_poll(fpga, &res), -EINVAL); /* nothing in flight */
	fill(src, 7);
	cfg.src = src;
	cfg.dst = dst;
	for (int irq = 0; irq < 2; irq++) {
		memset(dst->va, 0, dst->size);
		cfg.irq = irq == 1;
		assert_int_equal(xpdk_he_start(fpga, &cfg), 0);
		assert_int_equal(xpdk_he_start(fpga, &cfg), -EBUSY);
		if (cfg.irq) {
			pfd.fd = xpdk_he_irq_fd(fpga);
			pfd.events = POLLIN;
			assert_true(pfd.fd >= 0);
			assert_int_equal(poll(&pfd, 1, 10000), 1);
			assert_int_equal(xpdk_he_irq_ack(fpga), 1);
			assert_int_equal(xpdk_he_irq_ack(fpga), 0); /* consumed */
		}
		while ((rc = xpdk_he_poll(fpga, &res)) == 0)
			;
		assert_int_equal(rc, 1);
		assert_int_equal(res.lines_read, 1024);
		assert_int_equal(res.lines_written, 1024);
		assert_memory_equal(src->va, dst->va, 64 * 1024);
	}
	/* a refused configuration leaves nothing in flight; a stopped run frees the engine */
	cfg.lines = XPDK_HE_MAX_LINES / 16;
	assert_int_equal(xpdk_he_start(fpga, &cfg), -EINVAL); /* buffers too small */
	assert_int_equal(xpdk_he_poll(fpga, &res), -EINVAL);
	cfg.lines = 1024;
	cfg.repeat = 100000;
	cfg.irq = false;
	assert_int_equal(xpdk_he_start(fpga, &cfg), 0);
	assert_int_equal(xpdk_he_stop(fpga), 0);
	assert_int_equal(xpdk_he_poll(fpga, &res), -EINVAL);
	cfg.repeat = 1;
	assert_int_equal(xpdk_he_start(fpga, &cfg), 0);
	while ((rc = xpdk_he_poll(fpga, &res)) == 0)
		;
	assert_int_equal(rc, 1);
	xpdk_dma_free(src);
	xpdk_dma_free(dst);
}

static void test_exerciser_fault_sets_port_error(void **state)
{
	struct xpdk_dma_buf *dst = xpdk_dma_alloc(4096, 4096, 0);
	struct xpdk_dma_buf fake;
	struct xpdk_he_cfg cfg;
	struct xpdk_he_result res;
	uint64_t perr = 0;

	(void)state;
	assert_non_null(dst);
	assert_int_equal(xpdk_he_attach(fpga, 0), 0);
	/* a source address no memory is mapped at */
	memset(&fake, 0, sizeof(fake));
	fake.iova = 0x7000000000ULL;
	fake.size = 4096;
	memset(&cfg, 0, sizeof(cfg));
	cfg.mode = XPDK_HE_MODE_COPY;
	cfg.src = &fake;
	cfg.dst = dst;
	cfg.lines = 2;
	assert_int_equal(xpdk_he_run(fpga, &cfg, &res), -EIO);
	assert_int_equal(res.error, XPDK_HE_ERR_SRC);
	assert_int_equal(res.error_addr, 0x7000000000ULL);
	assert_non_null(strstr(xpdk_strerror_last(), "source read fault at IOVA 0x7000000000"));
	assert_int_equal(xpdk_fpga_port_errors(fpga, 0, &perr), 0);
	assert_int_equal(perr, 1);
	assert_int_equal(xpdk_fpga_port_errors_clear(fpga, 0), 0);
	assert_int_equal(xpdk_fpga_port_errors(fpga, 0, &perr), 0);
	assert_int_equal(perr, 0);
	xpdk_dma_free(dst);
}

/* A configuration from a newer XPDK (a comp_mask bit this one does not know) is refused before
 * the exerciser starts; the same configuration without it runs. */
static void test_exerciser_refuses_unknown_comp_mask_bits(void **state)
{
	struct xpdk_dma_buf *src = xpdk_dma_alloc(4096, 4096, 0);
	struct xpdk_he_cfg cfg = { .comp_mask = 1u << 0, .mode = XPDK_HE_MODE_READ, .lines = 64 };
	struct xpdk_he_result res;

	(void)state;
	assert_non_null(src);
	cfg.src = src;
	assert_int_equal(xpdk_he_attach(fpga, 0), 0);
	assert_int_equal(xpdk_he_run(fpga, &cfg, &res), -EINVAL);
	assert_non_null(
	    strstr(xpdk_strerror_last(), "struct xpdk_he_cfg: unknown comp_mask bits 0x1"));
	assert_int_equal(res.lines_read, 0);
	cfg.comp_mask = 0;
	assert_int_equal(xpdk_he_run(fpga, &cfg, &res), 0);
	assert_int_equal(res.lines_read, 64);
	xpdk_dma_free(src);
}

/* ---- GBS and PR ---------------------------------------------------------------------------- */

/* A GBS file image for the devsim model: header, JSON, raw bitstream (xpdk_devsim_dfl.h). */
static uint8_t *make_gbs(const char *iface, uint64_t afu_h, uint64_t afu_l, size_t payload,
			 size_t *len, const char *json_override)
{
	static const uint8_t gbs_guid[16] = { 0x58, 0x65, 0x6f, 0x6e, 0x46, 0x50, 0x47, 0x41,
					      0xb7, 0x47, 0x42, 0x53, 0x76, 0x30, 0x30, 0x31 };
	char json[512], afu[XPDK_GUID_STR_LEN + 1];
	struct xpdk_guid g, ig;
	uint64_t il = 0, ih = 0;
	size_t jlen, rbf = XPDK_DEVSIM_RBF_HDR_SIZE + payload;
	uint8_t *b;
	uint32_t v;

	g = xpdk_guid_from_regs(afu_l, afu_h);
	xpdk_guid_format(&g, afu, sizeof(afu));
	snprintf(json, sizeof(json),
		 "{\"version\": 1, \"platform-name\": \"devsim\", \"afu-image\": {\"magic-no\": "
		 "488605312, \"interface-uuid\": \"%s\", \"accelerator-clusters\": [{\"name\": "
		 "\"test\", \"total-contexts\": 1, \"accelerator-type-uuid\": \"%s\"}]}}",
		 iface, afu);
	if (json_override)
		snprintf(json, sizeof(json), "%s", json_override);
	jlen = strlen(json);
	*len = 20 + jlen + rbf;
	b = calloc(1, *len);
	assert_non_null(b);
	memcpy(b, gbs_guid, 16);
	v = (uint32_t)jlen;
	memcpy(b + 16, &v, 4);
	memcpy(b + 20, json, jlen);
	if (xpdk_guid_parse(iface, &ig) == 0)
		xpdk_guid_to_regs(&ig, &il, &ih);
	{
		uint8_t *r = b + 20 + jlen;

		for (size_t i = 0; i < payload; i++)
			r[XPDK_DEVSIM_RBF_HDR_SIZE + i] = (uint8_t)(i * 7);
		xpdk_devsim_rbf_header(r, afu_l, afu_h, il, ih, r + XPDK_DEVSIM_RBF_HDR_SIZE,
				       (uint32_t)payload);
	}
	return b;
}

static void test_gbs_parse(void **state)
{
	struct xpdk_gbs_info info;
	char g[XPDK_GUID_STR_LEN + 1];
	size_t len;
	uint8_t *b;

	(void)state;
	b = make_gbs(XPDK_DEVSIM_DFL_PR_ID, XPDK_DEVSIM_COUNTER_GUID_H, XPDK_DEVSIM_COUNTER_GUID_L,
		     64, &len, NULL);
	assert_int_equal(xpdk_gbs_parse(b, len, &info), 0);
	xpdk_guid_format(&info.interface_id, g, sizeof(g));
	assert_string_equal(g, XPDK_DEVSIM_DFL_PR_ID);
	assert_int_equal(info.num_afus, 1);
	xpdk_guid_format(&info.afu_id[0], g, sizeof(g));
	assert_string_equal(g, XPDK_DEVSIM_COUNTER_GUID);
	assert_string_equal(info.afu_name[0], "test");
	assert_string_equal(info.platform, "devsim");
	assert_int_equal(info.magic_no, 488605312);
	assert_int_equal(info.bitstream_len, XPDK_DEVSIM_RBF_HDR_SIZE + 64);
	/* truncated in the metadata, in the header; not a GBS; bad JSON; no interface */
	assert_int_equal(xpdk_gbs_parse(b, 40, &info), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "truncated"));
	assert_int_equal(xpdk_gbs_parse(b, 10, &info), -EINVAL);
	b[0] ^= 1;
	assert_int_equal(xpdk_gbs_parse(b, len, &info), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "not a GBS file"));
	free(b);
	b = make_gbs(XPDK_DEVSIM_DFL_PR_ID, 1, 2, 8, &len, "{\"afu-image\": {");
	assert_int_equal(xpdk_gbs_parse(b, len, &info), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "not valid JSON"));
	free(b);
	b = make_gbs(XPDK_DEVSIM_DFL_PR_ID, 1, 2, 8, &len, "{\"version\": 1} trailing");
	assert_int_equal(xpdk_gbs_parse(b, len, &info), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "data after its JSON object"));
	free(b);
	b = make_gbs(XPDK_DEVSIM_DFL_PR_ID, 1, 2, 8, &len,
		     "{\"afu-image\": {\"accelerator-clusters\": []}}");
	assert_int_equal(xpdk_gbs_parse(b, len, &info), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "interface-uuid"));
	free(b);
}

static uint64_t mmio_writes(void)
{
	uint64_t n = 0;

	assert_int_equal(xpdk_fpga_perf_fabric(fpga, 7, &n), 0);
	return n;
}

static void test_partial_reconfiguration(void **state)
{
	struct xpdk_fpga_port_info pi;
	struct xpdk_fpga_afu afu;
	char g[XPDK_GUID_STR_LEN + 1];
	uint64_t w0, w1, v = 0;
	size_t len;
	uint8_t *b;

	(void)state;
	/* another interface: refused, nothing written but the counter's own selector */
	b = make_gbs("00000000-1111-2222-3333-444444444444", XPDK_DEVSIM_COUNTER_GUID_H,
		     XPDK_DEVSIM_COUNTER_GUID_L, 256, &len, NULL);
	w0 = mmio_writes();
	assert_int_equal(xpdk_fpga_pr(fpga, 0, b, len, NULL, NULL), -EINVAL);
	w1 = mmio_writes();
	assert_int_equal(w1 - w0, 1);
	assert_non_null(strstr(xpdk_strerror_last(),
			       "built for interface 00000000-1111-2222-3333-444444444444 but the "
			       "FPGA's PR interface is " XPDK_DEVSIM_DFL_PR_ID));
	free(b);
	/* corrupt bitstream: the device reports a CRC error, the AFU stays, the port runs */
	b = make_gbs(XPDK_DEVSIM_DFL_PR_ID, XPDK_DEVSIM_COUNTER_GUID_H, XPDK_DEVSIM_COUNTER_GUID_L,
		     256, &len, NULL);
	b[len - 10] ^= 0xff;
	assert_int_equal(xpdk_fpga_pr(fpga, 0, b, len, NULL, NULL), -EIO);
	assert_non_null(strstr(xpdk_strerror_last(), "CRC error"));
	assert_int_equal(xpdk_fpga_port_info(fpga, 0, &pi), 0);
	assert_false(pi.in_reset);
	xpdk_guid_format(&pi.afu_id, g, sizeof(g));
	assert_string_equal(g, XPDK_HE_GUID);
	free(b);
	/* a bitstream that is not whole 32-bit words is refused before anything is written */
	b = make_gbs(XPDK_DEVSIM_DFL_PR_ID, XPDK_DEVSIM_COUNTER_GUID_H, XPDK_DEVSIM_COUNTER_GUID_L,
		     255, &len, NULL);
	w0 = mmio_writes();
	assert_int_equal(xpdk_fpga_pr(fpga, 0, b, len, NULL, NULL), -EINVAL);
	assert_int_equal(mmio_writes() - w0, 1);
	assert_non_null(strstr(xpdk_strerror_last(), "not a whole number of 32-bit words"));
	free(b);
	/* a good one: the counter AFU */
	b = make_gbs(XPDK_DEVSIM_DFL_PR_ID, XPDK_DEVSIM_COUNTER_GUID_H, XPDK_DEVSIM_COUNTER_GUID_L,
		     256, &len, NULL);
	assert_int_equal(xpdk_fpga_pr(fpga, 0, b, len, NULL, NULL), 0);
	assert_int_equal(xpdk_fpga_port_info(fpga, 0, &pi), 0);
	xpdk_guid_format(&pi.afu_id, g, sizeof(g));
	assert_string_equal(g, XPDK_DEVSIM_COUNTER_GUID);
	assert_int_equal(xpdk_fpga_afu(fpga, 0, &afu), 0);
	assert_int_equal(xpdk_region_read(afu.region, afu.base + XPDK_DEVSIM_COUNTER_COUNT, 64, &v),
			 0);
	assert_int_equal(v, 1);
	assert_int_equal(xpdk_he_attach(fpga, 0), -ENODEV);
	assert_non_null(strstr(xpdk_strerror_last(), "not XPDK's test exerciser"));
	free(b);
	/* and back to the exerciser */
	b = make_gbs(XPDK_DEVSIM_DFL_PR_ID, XPDK_HE_GUID_H, XPDK_HE_GUID_L, 64, &len, NULL);
	assert_int_equal(xpdk_fpga_pr(fpga, 0, b, len, NULL, NULL), 0);
	assert_int_equal(xpdk_he_attach(fpga, 0), 0);
	free(b);
}

/* A device that never acknowledges: the driver gives up with a sentence, never hangs. */
static void test_timeouts_are_reported(void **state)
{
	char path[64], name[80];
	struct xpdk_devsim_dev *bad;
	struct xpdk_fpga *f;
	size_t len;
	uint8_t *b;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/xpdk-test-fpga-bad-%d.sock", (int)getpid());
	snprintf(name, sizeof(name), "vfio-user:%s", path);
	bad = xpdk_devsim_create("dfl-fpga", "faults=port-reset-ack+pr-complete", "bad0", path, -1);
	assert_non_null(bad);
	assert_int_equal(xpdk_devsim_start(bad), 0);
	f = xpdk_fpga_open(name);
	assert_non_null(f);
	assert_int_equal(xpdk_fpga_port_reset(f, 0), -ETIMEDOUT);
	assert_non_null(strstr(xpdk_strerror_last(),
			       "port 0: soft reset assert not acknowledged within 1000 ms"));
	assert_non_null(strstr(xpdk_strerror_last(), "reset released again"));
	{
		struct xpdk_fpga_port_info pi;

		assert_int_equal(xpdk_fpga_port_info(f, 0, &pi), 0);
		assert_false(pi.in_reset);
	}
	xpdk_fpga_close(f);
	xpdk_devsim_destroy(bad);

	bad = xpdk_devsim_create("dfl-fpga", "faults=pr-complete", "bad1", path, -1);
	assert_non_null(bad);
	assert_int_equal(xpdk_devsim_start(bad), 0);
	f = xpdk_fpga_open(name);
	assert_non_null(f);
	b = make_gbs(XPDK_DEVSIM_DFL_PR_ID, XPDK_DEVSIM_COUNTER_GUID_H, XPDK_DEVSIM_COUNTER_GUID_L,
		     16, &len, NULL);
	assert_int_equal(xpdk_fpga_pr(f, 0, b, len, NULL, NULL), -ETIMEDOUT);
	assert_non_null(strstr(xpdk_strerror_last(), "PR did not complete within 1000 ms"));
	free(b);
	xpdk_fpga_close(f);
	xpdk_devsim_destroy(bad);
}

/* dfl=vsec: the model lists its DFLs in a PCIe VSEC (the FME's and the port's); the driver finds
 * them there, counts the port the FME also lists once, and finds every feature as before. */
static void test_discovery_through_the_vsec(void **state)
{
	char path[64], name[80];
	struct xpdk_devsim_dev *d;
	struct xpdk_fpga *f;
	struct xpdk_dfl_loc locs[XPDK_DFL_MAX_LISTS];
	struct xpdk_fpga_port_info pi;
	struct xpdk_fpga_fme_info fme;
	unsigned int c;
	uint64_t perr;
	bool vsec = false;

	(void)state;
	assert_int_equal(xpdk_fpga_dfl_lists(fpga, locs, XPDK_DFL_MAX_LISTS, &vsec), 1);
	assert_false(vsec);
	assert_int_equal(locs[0].bar, 0);
	assert_int_equal(locs[0].offset, 0);

	snprintf(path, sizeof(path), "/tmp/xpdk-test-fpga-vsec-%d.sock", (int)getpid());
	snprintf(name, sizeof(name), "vfio-user:%s", path);
	d = xpdk_devsim_create("dfl-fpga", "dfl=vsec", "vsec0", path, -1);
	assert_non_null(d);
	assert_int_equal(xpdk_devsim_start(d), 0);
	f = xpdk_fpga_open(name);
	assert_non_null(f);
	assert_int_equal(xpdk_fpga_dfl_lists(f, locs, XPDK_DFL_MAX_LISTS, &vsec), 2);
	assert_true(vsec);
	assert_int_equal(locs[0].bar, 0);
	assert_int_equal(locs[0].offset, XPDK_DEVSIM_DFL_FME);
	assert_int_equal(locs[1].bar, 0);
	assert_int_equal(locs[1].offset, XPDK_DEVSIM_DFL_PORT);
	assert_int_equal(xpdk_fpga_num_ports(f), 1);
	assert_int_equal(xpdk_fpga_port_info(f, 0, &pi), 0);
	assert_int_equal(pi.afu_offset, XPDK_DEVSIM_DFL_AFU);
	assert_int_equal(xpdk_fpga_port_errors(f, 0, &perr), 0);
	assert_int_equal(xpdk_fpga_fme_info(f, &fme), 0);
	assert_true(fme.has_thermal && fme.has_power && fme.has_errors && fme.has_pr);
	assert_int_equal(xpdk_fpga_temperature(f, &c), 0);
	assert_int_equal(xpdk_he_attach(f, 0), 0);
	xpdk_fpga_close(f);
	xpdk_devsim_destroy(d);
	assert_null(xpdk_devsim_create("dfl-fpga", "dfl=elsewhere", "x", path, -1));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_finds_fme_port_and_afu, open_fpga,
						close_fpga),
		cmocka_unit_test_setup_teardown(test_sensors, open_fpga, close_fpga),
		cmocka_unit_test_setup_teardown(test_errors_read_decode_clear, open_fpga,
						close_fpga),
		cmocka_unit_test_setup_teardown(test_port_reset, open_fpga, close_fpga),
		cmocka_unit_test_setup_teardown(test_afu_window, open_fpga, close_fpga),
		cmocka_unit_test_setup_teardown(test_exerciser_runs, open_fpga, close_fpga),
		cmocka_unit_test_setup_teardown(test_exerciser_start_poll_and_irq, open_fpga,
						close_fpga),
		cmocka_unit_test_setup_teardown(test_exerciser_fault_sets_port_error, open_fpga,
						close_fpga),
		cmocka_unit_test_setup_teardown(test_exerciser_refuses_unknown_comp_mask_bits,
						open_fpga, close_fpga),
		cmocka_unit_test(test_gbs_parse),
		cmocka_unit_test_setup_teardown(test_partial_reconfiguration, open_fpga,
						close_fpga),
		cmocka_unit_test(test_timeouts_are_reported),
		cmocka_unit_test_setup_teardown(test_discovery_through_the_vsec, open_fpga,
						close_fpga),
	};

	g_argc = argc;
	g_argv = argv;
	return cmocka_run_group_tests_name("fpga_dfl", tests, setup, teardown);
}
