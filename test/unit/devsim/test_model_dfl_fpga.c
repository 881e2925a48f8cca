/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * devsim's dfl-fpga model through lib/vfio_user's client core, in one process over a
 * socketpair: configuration space, the Device Feature List field by field, the FME's live and
 * write-1-to-clear registers, port reset, the host exerciser's three modes with data checked,
 * faults, interrupts, partial reconfiguration and a client leaving mid-run.
 */

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/vfio.h>

#include "xpdk_devsim.h"
#include "xpdk_devsim_dfl.h"
#include "xpdk_dfl.h"
#include "xpdk_dfl_regs.h"
#include "xpdk_he_regs.h"
#include "xpdk_vfio_user.h"

#define HE(r)	 (XPDK_DEVSIM_DFL_AFU + (r))
#define GERR	 0x4000
#define PERF	 0x3000
#define PR	 0x5000
#define PORT	 XPDK_DEVSIM_DFL_PORT
#define PORT_ERR (PORT + 0x1000)
#define MEM_IOVA 0x100000000ULL
#define MEM_SIZE (4u << 20)
#define DSM_OFF	 0
#define SRC_OFF	 0x1000
#define DST_OFF	 (2u << 20)

struct fpga {
	struct xpdk_devsim_dev *dev;
	struct xpdk_vfu_client *c;
	int memfd;
	uint8_t *mem; /* MEM_SIZE bytes mapped for the device at MEM_IOVA */
};

static void fpga_open(struct fpga *f, const char *args)
{
	int sv[2];

	memset(f, 0, sizeof(*f));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	f->dev = xpdk_devsim_create("dfl-fpga", args, "fpga0", NULL, sv[0]);
	assert_non_null(f->dev);
	assert_int_equal(xpdk_devsim_start(f->dev), 0);
	f->c = xpdk_vfu_client_attach(sv[1], NULL);
	assert_non_null(f->c);
	f->memfd = memfd_create("dflmem", MFD_CLOEXEC);
	assert_true(f->memfd >= 0);
	assert_int_equal(ftruncate(f->memfd, MEM_SIZE), 0);
	f->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f->memfd, 0);
	assert_true(f->mem != MAP_FAILED);
}

static void fpga_close(struct fpga *f)
{
	xpdk_vfu_client_close(f->c);
	xpdk_devsim_destroy(f->dev);
	munmap(f->mem, MEM_SIZE);
	close(f->memfd);
}

static uint64_t rd(struct fpga *f, uint64_t off)
{
	uint64_t v = 0;

	assert_int_equal(xpdk_vfu_client_region_read(f->c, 0, off, &v, 8), 0);
	return v;
}

static void wr(struct fpga *f, uint64_t off, uint64_t v)
{
	assert_int_equal(xpdk_vfu_client_region_write(f->c, 0, off, &v, 8), 0);
}

static void cfg_read(struct fpga *f, uint64_t off, void *buf, size_t len)
{
	assert_int_equal(
	    xpdk_vfu_client_region_read(f->c, VFIO_PCI_CONFIG_REGION_INDEX, off, buf, len), 0);
}

static void bus_master(struct fpga *f)
{
	uint16_t cmd = 0x6; /* memory + bus master */

	assert_int_equal(
	    xpdk_vfu_client_region_write(f->c, VFIO_PCI_CONFIG_REGION_INDEX, 4, &cmd, 2), 0);
}

static void map_mem(struct fpga *f)
{
	bus_master(f);
	assert_int_equal(xpdk_vfu_client_dma_map_fd(f->c, MEM_IOVA, MEM_SIZE, f->memfd, 0, 3), 0);
}

static uint64_t dsm64(const struct fpga *f, unsigned int off)
{
	uint64_t v;

	memcpy(&v, f->mem + DSM_OFF + off, 8);
	return v;
}

/* Start a run and wait (serving DMA messages) until the status says it is over. */
static uint64_t he_run(struct fpga *f, unsigned int mode, uint64_t lines, uint32_t repeat, bool irq)
{
	struct timespec t0, t;
	uint64_t st;

	memset(f->mem + DSM_OFF, 0, XPDK_HE_DSM_SIZE);
	wr(f, HE(XPDK_HE_DSM_BASE), MEM_IOVA + DSM_OFF);
	wr(f, HE(XPDK_HE_SRC_ADDR), MEM_IOVA + SRC_OFF);
	wr(f, HE(XPDK_HE_DST_ADDR), MEM_IOVA + DST_OFF);
	wr(f, HE(XPDK_HE_NUM_LINES), lines);
	wr(f, HE(XPDK_HE_CFG),
	   XPDK_FIELD_PREP(XPDK_HE_CFG_MODE, mode) | XPDK_FIELD_PREP(XPDK_HE_CFG_REPEAT, repeat) |
	       (irq ? XPDK_HE_CFG_IRQ : 0));
	wr(f, HE(XPDK_HE_CTL), XPDK_HE_CTL_START);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		st = rd(f, HE(XPDK_HE_STATUS));
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10)
			fail_msg("exerciser still busy after 10 s (status 0x%llx)",
				 (unsigned long long)st);
	} while (st & XPDK_HE_STATUS_BUSY);
	return st;
}

static void test_config_space_ids_and_bar(void **state)
{
	struct fpga f;
	uint32_t id, class_rev, bar_lo;
	const struct xpdk_vfu_region *r;
	struct xpdk_vfu_device_info info;

	(void)state;
	fpga_open(&f, "");
	cfg_read(&f, 0, &id, 4);
	assert_int_equal(id, 0x0b308086);
	cfg_read(&f, 8, &class_rev, 4);
	assert_int_equal(class_rev >> 8, 0x120000);
	cfg_read(&f, 0x10, &bar_lo, 4);
	assert_int_equal(bar_lo & 0x6, PCI_BASE_ADDRESS_MEM_TYPE_64);
	assert_int_equal(xpdk_vfu_client_device_info(f.c, &info), 0);
	assert_int_equal(xpdk_vfu_client_region(f.c, 0, &r), 0);
	assert_int_equal(r->size, XPDK_DEVSIM_DFL_BAR0_SIZE);
	/* the AFU's memory is the mapped part */
	assert_int_equal(r->nareas, 1);
	assert_int_equal(r->areas[0].offset, XPDK_DEVSIM_DFL_AFU + XPDK_DEVSIM_DFL_AFU_RAM);
	assert_int_equal(r->areas[0].size, XPDK_DEVSIM_DFL_AFU_SIZE - XPDK_DEVSIM_DFL_AFU_RAM);
	assert_non_null(r->areas[0].ptr);
	fpga_close(&f);
}

static void test_pci_id_override(void **state)
{
	int sv[2];
	struct xpdk_devsim_dev *dev;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	dev = xpdk_devsim_create("dfl-fpga", "", "fpga1", NULL, sv[0]);
	assert_non_null(dev);
	assert_int_equal(xpdk_devsim_set_pci_id(dev, "8086:0b2b"), 0);
	assert_int_equal(xpdk_devsim_cfg(dev)->data[2], 0x2b);
	assert_int_equal(xpdk_devsim_cfg(dev)->data[3], 0x0b);
	assert_int_equal(xpdk_devsim_set_pci_id(dev, "8086"), -EINVAL);
	assert_int_equal(xpdk_devsim_set_pci_id(dev, "8086:0b2bx"), -EINVAL);
	xpdk_devsim_destroy(dev);
	close(sv[1]);
}

static void test_model_arguments_are_checked(void **state)
{
	(void)state;
	assert_null(xpdk_devsim_create("dfl-fpga", "pr_id=1234", "x", "/tmp/unused.sock", -1));
	assert_non_null(strstr(xpdk_strerror_last(), "is not a GUID"));
	assert_null(xpdk_devsim_create("dfl-fpga", "afu=nlb0", "x", "/tmp/unused.sock", -1));
	assert_non_null(strstr(xpdk_strerror_last(), "afu 'nlb0' is unknown"));
	assert_null(xpdk_devsim_create("dfl-fpga", "colour=red", "x", "/tmp/unused.sock", -1));
	assert_non_null(strstr(xpdk_strerror_last(), "unknown model argument 'colour'"));
}

static uint64_t dfh_field(uint64_t dfh, uint64_t mask)
{
	return XPDK_FIELD_GET(mask, dfh);
}

static void test_device_feature_list_field_by_field(void **state)
{
	static const struct {
		uint64_t off;
		unsigned int type, id;
		uint64_t next;
		bool eol;
	} want[] = {
		{ 0x0, XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_FME, 0x1000, false },
		{ 0x1000, XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_THERMAL_MGMT, 0x1000, false },
		{ 0x2000, XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_POWER_MGMT, 0x1000, false },
		{ 0x3000, XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_GLOBAL_IPERF, 0x1000, false },
		{ 0x4000, XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_GLOBAL_ERR, 0x1000, false },
		{ 0x5000, XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_PR_MGMT, 0, true },
		{ 0x40000, XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_PORT, 0x1000, false },
		{ 0x41000, XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_ERROR, 0x1000, false },
		{ 0x42000, XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_STP, 0, true },
		{ 0x80000, XPDK_DFH_TYPE_AFU, 0, 0, true },
	};
	struct fpga f;
	uint64_t port, cap;

	(void)state;
	fpga_open(&f, "");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint64_t d = rd(&f, want[i].off);

		assert_int_equal(dfh_field(d, XPDK_DFH_TYPE), want[i].type);
		assert_int_equal(dfh_field(d, XPDK_DFH_ID), want[i].id);
		assert_int_equal(dfh_field(d, XPDK_DFH_NEXT), want[i].next);
		assert_int_equal(!!(d & XPDK_DFH_EOL), want[i].eol);
		assert_int_equal(dfh_field(d, XPDK_DFH_VERSION), 0);
	}
	/* GUIDs as OPAE prints them: FME bfaf2ae9-4a52-46e3-82fe-38f0f9e17764 */
	assert_int_equal(rd(&f, XPDK_DFH_GUID_H), 0xbfaf2ae94a5246e3ULL);
	assert_int_equal(rd(&f, XPDK_DFH_GUID_L), 0x82fe38f0f9e17764ULL);
	assert_int_equal(rd(&f, PORT + XPDK_DFH_GUID_H), 0x3ab49893138d42ebULL);
	assert_int_equal(rd(&f, PORT + XPDK_DFH_GUID_L), 0x9642b06c6b355b87ULL);
	/* the FME points at port 0, which points at the AFU */
	port = rd(&f, XPDK_FME_HDR_PORT_OFST(0));
	assert_true(port & XPDK_FME_PORT_OFST_IMP);
	assert_int_equal(XPDK_FIELD_GET(XPDK_FME_PORT_OFST_DFH, port), PORT);
	assert_int_equal(XPDK_FIELD_GET(XPDK_FME_PORT_OFST_BAR, port), 0);
	assert_false(rd(&f, XPDK_FME_HDR_PORT_OFST(1)) & XPDK_FME_PORT_OFST_IMP);
	assert_int_equal(XPDK_FIELD_GET(XPDK_NEXT_AFU_OFST, rd(&f, PORT + XPDK_DFH_NEXT_AFU)),
			 XPDK_DEVSIM_DFL_AFU - PORT);
	assert_int_equal(rd(&f, HE(XPDK_DFH_GUID_L)), XPDK_HE_GUID_L);
	assert_int_equal(rd(&f, HE(XPDK_DFH_GUID_H)), XPDK_HE_GUID_H);
	cap = rd(&f, XPDK_FME_HDR_CAP);
	assert_int_equal(XPDK_FIELD_GET(XPDK_FME_CAP_NUM_PORTS, cap), 1);
	assert_int_equal(XPDK_FIELD_GET(XPDK_FME_CAP_ADDR_WIDTH, cap), 48);
	cap = rd(&f, PORT + XPDK_PORT_HDR_CAP);
	assert_int_equal(XPDK_FIELD_GET(XPDK_PORT_CAP_MMIO_SIZE, cap), 256);
	assert_int_equal(XPDK_FIELD_GET(XPDK_PORT_CAP_NUM_IRQS, cap), 1);
	/* the PR interface ID is the default (or pr_id=) */
	assert_int_equal(rd(&f, PR + XPDK_FME_PR_INTFC_ID_H), 0x9af6db1c2ad1412aULL);
	assert_int_equal(rd(&f, PR + XPDK_FME_PR_INTFC_ID_L), 0xa3660d7701e0fc39ULL);
	fpga_close(&f);
}

static int bar0_read64(void *ctx, uint64_t off, uint64_t *val)
{
	return xpdk_vfu_client_region_read(ctx, 0, off, val, 8);
}

struct seen {
	unsigned int n;
	uint64_t off[16];
	unsigned int depth[16];
	char guid[16][XPDK_GUID_STR_LEN + 1];
};

static int record(const struct xpdk_dfl_feature *ft, void *arg)
{
	struct seen *s = arg;

	if (s->n == 16)
		return 1;
	s->off[s->n] = ft->offset;
	s->depth[s->n] = ft->depth;
	s->guid[s->n][0] = '\0';
	if (ft->has_guid)
		xpdk_guid_format(&ft->guid, s->guid[s->n], sizeof(s->guid[0]));
	s->n++;
	return 0;
}

/* lib/dfl enumerates the model as Linux's dfl-pci would: FME chain, port chain, AFU. */
static void test_lib_dfl_enumerates_the_model(void **state)
{
	/* an FIU's AFU comes right after the FIU's header */
	static const uint64_t offs[] = { 0x0,	 0x1000,  0x2000,  0x3000,  0x4000,
					 0x5000, 0x40000, 0x80000, 0x41000, 0x42000 };
	static const unsigned int depth[] = { 0, 0, 0, 0, 0, 0, 1, 2, 1, 1 };
	struct fpga f;
	struct seen s;
	struct xpdk_dfl_region r;
	struct xpdk_dfl_error err;

	(void)state;
	fpga_open(&f, "");
	memset(&s, 0, sizeof(s));
	r.size = XPDK_DEVSIM_DFL_BAR0_SIZE;
	r.read64 = bar0_read64;
	r.ctx = f.c;
	assert_int_equal(xpdk_dfl_enumerate(&r, record, &s, &err), 0);
	assert_int_equal(s.n, 10);
	for (unsigned int i = 0; i < 10; i++) {
		assert_int_equal(s.off[i], offs[i]);
		assert_int_equal(s.depth[i], depth[i]);
	}
	assert_string_equal(s.guid[0], XPDK_FME_GUID);
	assert_string_equal(s.guid[6], XPDK_PORT_GUID);
	assert_string_equal(s.guid[7], XPDK_HE_GUID);
	fpga_close(&f);
}

static void test_4_byte_accesses_reach_register_halves(void **state)
{
	struct fpga f;
	uint32_t lo = 0, hi = 0, v = 0x11223344;
	uint16_t small = 0;

	(void)state;
	fpga_open(&f, "");
	assert_int_equal(xpdk_vfu_client_region_read(f.c, 0, XPDK_DFH_GUID_L, &lo, 4), 0);
	assert_int_equal(xpdk_vfu_client_region_read(f.c, 0, XPDK_DFH_GUID_L + 4, &hi, 4), 0);
	assert_int_equal(lo, 0xf9e17764u);
	assert_int_equal(hi, 0x82fe38f0u);
	assert_int_equal(xpdk_vfu_client_region_write(f.c, 0, HE(XPDK_HE_SCRATCH0), &v, 4), 0);
	assert_int_equal(rd(&f, HE(XPDK_HE_SCRATCH0)), 0x11223344u);
	assert_int_equal(xpdk_vfu_client_region_read(f.c, 0, 0, &small, 2), 0);
	assert_int_equal(small, 0xffff);
	fpga_close(&f);
}

static void test_live_readings_follow_the_seed(void **state)
{
	struct fpga a, b;
	uint64_t clk0, clk1;

	(void)state;
	fpga_open(&a, "seed=7");
	fpga_open(&b, "seed=7");
	for (int i = 0; i < 50; i++) {
		uint64_t ta = XPDK_FIELD_GET(XPDK_FME_THERM_TEMPERATURE, rd(&a, 0x1000 + 0x10));
		uint64_t tb = XPDK_FIELD_GET(XPDK_FME_THERM_TEMPERATURE, rd(&b, 0x1000 + 0x10));

		assert_int_equal(ta, tb);
		assert_in_range(ta, 40, 59);
		assert_in_range(XPDK_FIELD_GET(XPDK_FME_PWR_CONSUMED, rd(&a, 0x2000 + 0x08)), 30,
				40);
		(void)rd(&b, 0x2000 + 0x08);
	}
	/* the performance clock advances */
	clk0 = rd(&a, PERF + XPDK_FME_PERF_CLK_CNTR);
	usleep(2000);
	clk1 = rd(&a, PERF + XPDK_FME_PERF_CLK_CNTR);
	assert_true(clk1 > clk0 + 250000);
	fpga_close(&a);
	fpga_close(&b);
}

static void test_global_errors_inject_and_write_1_to_clear(void **state)
{
	struct fpga f;

	(void)state;
	fpga_open(&f, "");
	assert_int_equal(rd(&f, GERR + XPDK_FME_ERR_CATFAT), 0);
	wr(&f, GERR + XPDK_FME_ERR_INJECT, 0x1);
	assert_int_equal(rd(&f, GERR + XPDK_FME_ERR_CATFAT), XPDK_BIT(11));
	assert_int_equal(rd(&f, GERR + XPDK_FME_ERR_FIRST), XPDK_BIT(11));
	wr(&f, GERR + XPDK_FME_ERR_INJECT, 0x4);
	assert_int_equal(rd(&f, GERR + XPDK_FME_ERR_NONFAT), XPDK_BIT(6));
	assert_int_equal(rd(&f, GERR + XPDK_FME_ERR_NEXT), XPDK_BIT(6));
	/* writing 0 clears nothing; writing the bit clears it */
	wr(&f, GERR + XPDK_FME_ERR_CATFAT, 0);
	assert_int_equal(rd(&f, GERR + XPDK_FME_ERR_CATFAT), XPDK_BIT(11));
	wr(&f, GERR + XPDK_FME_ERR_CATFAT, XPDK_BIT(11));
	wr(&f, GERR + XPDK_FME_ERR_NONFAT, XPDK_BIT(6));
	assert_int_equal(rd(&f, GERR + XPDK_FME_ERR_CATFAT), 0);
	assert_int_equal(rd(&f, GERR + XPDK_FME_ERR_NONFAT), 0);
	/* a masked error is not raised */
	wr(&f, GERR + XPDK_FME_ERR_CATFAT_MASK, XPDK_BIT(12));
	wr(&f, GERR + XPDK_FME_ERR_INJECT, 0x2);
	assert_int_equal(rd(&f, GERR + XPDK_FME_ERR_CATFAT), 0);
	fpga_close(&f);
}

static void test_port_soft_reset_is_acknowledged_and_resets_the_afu(void **state)
{
	struct fpga f;

	(void)state;
	fpga_open(&f, "");
	wr(&f, HE(XPDK_HE_SCRATCH0), 0x1234);
	wr(&f, PORT + XPDK_PORT_HDR_CTRL, XPDK_PORT_CTRL_SFTRST);
	assert_int_equal(rd(&f, PORT + XPDK_PORT_HDR_CTRL),
			 XPDK_PORT_CTRL_SFTRST | XPDK_PORT_CTRL_SFTRST_ACK);
	assert_int_equal(rd(&f, HE(XPDK_HE_SCRATCH0)), UINT64_MAX); /* AFU held in reset */
	wr(&f, HE(XPDK_HE_SCRATCH0), 0x5678);			    /* dropped */
	wr(&f, PORT + XPDK_PORT_HDR_CTRL, 0);
	assert_int_equal(rd(&f, PORT + XPDK_PORT_HDR_CTRL), 0);
	assert_int_equal(rd(&f, HE(XPDK_HE_SCRATCH0)), 0);
	fpga_close(&f);
}

static void test_afu_memory_is_the_mapped_fast_path(void **state)
{
	struct fpga f;
	const struct xpdk_vfu_region *r;
	volatile uint64_t *ram;
	uint64_t v = 0;

	(void)state;
	fpga_open(&f, "");
	assert_int_equal(xpdk_vfu_client_region(f.c, 0, &r), 0);
	ram = r->areas[0].ptr;
	ram[0] = 0xfeedfacecafebeefULL;
	ram[100] = 42;
	/* the message path sees what the mapping wrote */
	assert_int_equal(xpdk_vfu_client_region_read(f.c, 0, r->areas[0].offset, &v, 8), 0);
	assert_int_equal(v, 0xfeedfacecafebeefULL);
	assert_int_equal(ram[100], 42);
	fpga_close(&f);
}

static void fill_random(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static void test_exerciser_copy_moves_the_data(void **state)
{
	static const uint64_t sizes[] = { 1, 7, 64, 1024, 16384 };
	struct fpga f;

	(void)state;
	fpga_open(&f, "");
	map_mem(&f);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t lines = sizes[i], bytes = lines * XPDK_HE_LINE, st;

		fill_random(f.mem + SRC_OFF, bytes, (uint32_t)i + 1);
		memset(f.mem + DST_OFF, 0, bytes + 64);
		st = he_run(&f, XPDK_HE_MODE_COPY, lines, 1, false);
		assert_int_equal(st, XPDK_HE_STATUS_DONE);
		assert_memory_equal(f.mem + DST_OFF, f.mem + SRC_OFF, bytes);
		assert_int_equal(f.mem[DST_OFF + bytes], 0); /* not a byte more */
		assert_int_equal(dsm64(&f, XPDK_HE_DSM_STATUS), XPDK_HE_DSM_COMPLETE);
		assert_int_equal(dsm64(&f, XPDK_HE_DSM_LINES_READ), lines);
		assert_int_equal(dsm64(&f, XPDK_HE_DSM_LINES_WRITTEN), lines);
		assert_int_equal(dsm64(&f, XPDK_HE_DSM_COMPLETIONS), i + 1);
		assert_true(dsm64(&f, XPDK_HE_DSM_TICKS) > 0);
	}
	fpga_close(&f);
}

static void test_exerciser_read_write_and_repeat(void **state)
{
	struct fpga f;
	uint64_t want = 0, w;

	(void)state;
	fpga_open(&f, "");
	map_mem(&f);
	fill_random(f.mem + SRC_OFF, 4096, 99);
	for (size_t i = 0; i < 4096; i += 8) {
		memcpy(&w, f.mem + SRC_OFF + i, 8);
		want ^= w;
	}
	assert_int_equal(he_run(&f, XPDK_HE_MODE_READ, 64, 3, false), XPDK_HE_STATUS_DONE);
	assert_int_equal(dsm64(&f, XPDK_HE_DSM_CHECKSUM), want);
	assert_int_equal(dsm64(&f, XPDK_HE_DSM_LINES_READ), 3 * 64);
	assert_int_equal(dsm64(&f, XPDK_HE_DSM_LINES_WRITTEN), 0);

	wr(&f, HE(XPDK_HE_PATTERN), 0x0123456789abcdefULL);
	assert_int_equal(he_run(&f, XPDK_HE_MODE_WRITE, 16, 2, false), XPDK_HE_STATUS_DONE);
	for (size_t i = 0; i < 16 * 64; i += 8) {
		memcpy(&w, f.mem + DST_OFF + i, 8);
		assert_int_equal(w, 0x0123456789abcdefULL);
	}
	assert_int_equal(dsm64(&f, XPDK_HE_DSM_LINES_WRITTEN), 32);
	/* the counters and the fabric counter of host reads add up */
	assert_int_equal(rd(&f, HE(XPDK_HE_LINES_READ)), 192);
	assert_int_equal(rd(&f, HE(XPDK_HE_LINES_WRITTEN)), 32);
	wr(&f, PERF + XPDK_FME_PERF_FAB_CTRL, XPDK_FIELD_PREP(XPDK_FME_PERF_CTRL_EVNT, 0));
	assert_int_equal(
	    XPDK_FIELD_GET(XPDK_FME_PERF_FAB_CNTR_VAL, rd(&f, PERF + XPDK_FME_PERF_FAB_CNTR)), 192);
	wr(&f, PERF + XPDK_FME_PERF_FAB_CTRL, XPDK_FME_PERF_RESET_CNTR);
	assert_int_equal(
	    XPDK_FIELD_GET(XPDK_FME_PERF_FAB_CNTR_VAL, rd(&f, PERF + XPDK_FME_PERF_FAB_CNTR)), 0);
	/* reset clears the exerciser's counters */
	wr(&f, HE(XPDK_HE_CTL), XPDK_HE_CTL_RESET);
	assert_int_equal(rd(&f, HE(XPDK_HE_LINES_READ)), 0);
	assert_int_equal(rd(&f, HE(XPDK_HE_STATUS)), 0);
	fpga_close(&f);
}

static void test_exerciser_faults_are_reported(void **state)
{
	struct fpga f;
	uint64_t st;

	(void)state;
	fpga_open(&f, "");
	map_mem(&f);
	/* a source the client never mapped */
	wr(&f, HE(XPDK_HE_DSM_BASE), MEM_IOVA);
	wr(&f, HE(XPDK_HE_SRC_ADDR), 0x5000);
	wr(&f, HE(XPDK_HE_DST_ADDR), MEM_IOVA + DST_OFF);
	wr(&f, HE(XPDK_HE_NUM_LINES), 4);
	wr(&f, HE(XPDK_HE_CFG), XPDK_HE_MODE_COPY);
	wr(&f, HE(XPDK_HE_CTL), XPDK_HE_CTL_START);
	do
		st = rd(&f, HE(XPDK_HE_STATUS));
	while (st & XPDK_HE_STATUS_BUSY);
	assert_int_equal(st, XPDK_HE_STATUS_DONE | XPDK_HE_STATUS_ERROR);
	assert_int_equal(rd(&f, HE(XPDK_HE_ERROR)), XPDK_HE_ERR_SRC);
	assert_int_equal(rd(&f, HE(XPDK_HE_ERR_ADDR)), 0x5000);
	assert_int_equal(XPDK_FIELD_GET(XPDK_HE_DSM_ERROR, dsm64(&f, XPDK_HE_DSM_STATUS)),
			 XPDK_HE_ERR_SRC);
	assert_int_equal(rd(&f, PORT_ERR + XPDK_PORT_ERR), XPDK_BIT(0));
	wr(&f, PORT_ERR + XPDK_PORT_ERR, XPDK_BIT(0));
	assert_int_equal(rd(&f, PORT_ERR + XPDK_PORT_ERR), 0);
	/* a destination running past the end of the mapping */
	wr(&f, HE(XPDK_HE_SRC_ADDR), MEM_IOVA);
	wr(&f, HE(XPDK_HE_DST_ADDR), MEM_IOVA + MEM_SIZE - 64);
	wr(&f, HE(XPDK_HE_CTL), XPDK_HE_CTL_START);
	do
		st = rd(&f, HE(XPDK_HE_STATUS));
	while (st & XPDK_HE_STATUS_BUSY);
	assert_int_equal(rd(&f, HE(XPDK_HE_ERROR)), XPDK_HE_ERR_DST);
	assert_int_equal(rd(&f, PORT_ERR + XPDK_PORT_ERR), XPDK_BIT(1));
	/* bad configurations move nothing */
	assert_int_equal(he_run(&f, XPDK_HE_MODE_COPY, 0, 1, false),
			 XPDK_HE_STATUS_DONE | XPDK_HE_STATUS_ERROR);
	assert_int_equal(rd(&f, HE(XPDK_HE_ERROR)), XPDK_HE_ERR_CONFIG);
	assert_int_equal(he_run(&f, 3, 1, 1, false), XPDK_HE_STATUS_DONE | XPDK_HE_STATUS_ERROR);
	assert_int_equal(he_run(&f, XPDK_HE_MODE_COPY, XPDK_HE_MAX_LINES + 1, 1, false),
			 XPDK_HE_STATUS_DONE | XPDK_HE_STATUS_ERROR);
	fpga_close(&f);
}

/* Models reach only memory mapped with an fd (the server sends no DMA_READ/WRITE messages). */
static void test_exerciser_on_memory_mapped_without_fd_faults(void **state)
{
	struct fpga f;
	uint8_t *mem = aligned_alloc(4096, 1u << 20);

	(void)state;
	assert_non_null(mem);
	fpga_open(&f, "");
	bus_master(&f);
	assert_int_equal(xpdk_vfu_client_dma_map_mem(f.c, MEM_IOVA, 1u << 20, mem, 3), 0);
	memset(mem, 0, 1u << 20);
	wr(&f, HE(XPDK_HE_DSM_BASE), MEM_IOVA);
	wr(&f, HE(XPDK_HE_SRC_ADDR), MEM_IOVA + 0x1000);
	wr(&f, HE(XPDK_HE_DST_ADDR), MEM_IOVA + 0x10000);
	wr(&f, HE(XPDK_HE_NUM_LINES), 128);
	wr(&f, HE(XPDK_HE_CFG), XPDK_HE_MODE_COPY);
	wr(&f, HE(XPDK_HE_CTL), XPDK_HE_CTL_START);
	while (rd(&f, HE(XPDK_HE_STATUS)) & XPDK_HE_STATUS_BUSY)
		;
	assert_int_equal(rd(&f, HE(XPDK_HE_STATUS)), XPDK_HE_STATUS_DONE | XPDK_HE_STATUS_ERROR);
	assert_int_equal(rd(&f, HE(XPDK_HE_ERROR)), XPDK_HE_ERR_SRC);
	assert_int_equal(rd(&f, HE(XPDK_HE_ERR_ADDR)), MEM_IOVA + 0x1000);
	fpga_close(&f);
	free(mem);
}

static void test_exerciser_interrupt_on_completion(void **state)
{
	struct fpga f;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t n = 0;

	(void)state;
	fpga_open(&f, "");
	map_mem(&f);
	assert_int_equal(xpdk_vfu_client_set_irqs(f.c, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &efd), 0);
	he_run(&f, XPDK_HE_MODE_COPY, 4, 1, false);
	assert_int_equal(poll(&pfd, 1, 50), 0); /* no IRQ bit, no interrupt */
	he_run(&f, XPDK_HE_MODE_COPY, 4, 1, true);
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(read(efd, &n, 8), 8);
	assert_int_equal(n, 1);
	fpga_close(&f);
	close(efd);
}

static void start_long_run(struct fpga *f)
{
	/* a million passes of 1 MiB: runs until stopped */
	wr(f, HE(XPDK_HE_DSM_BASE), MEM_IOVA);
	wr(f, HE(XPDK_HE_SRC_ADDR), MEM_IOVA + SRC_OFF);
	wr(f, HE(XPDK_HE_DST_ADDR), MEM_IOVA + DST_OFF);
	wr(f, HE(XPDK_HE_NUM_LINES), 16384);
	wr(f, HE(XPDK_HE_CFG), XPDK_HE_MODE_COPY | XPDK_FIELD_PREP(XPDK_HE_CFG_REPEAT, 1000000));
	wr(f, HE(XPDK_HE_CTL), XPDK_HE_CTL_START);
	assert_true(rd(f, HE(XPDK_HE_STATUS)) & XPDK_HE_STATUS_BUSY);
}

static void test_stop_and_client_leaving_mid_run(void **state)
{
	char path[64];
	struct fpga f;
	uint64_t st;

	(void)state;
	fpga_open(&f, "");
	map_mem(&f);
	start_long_run(&f);
	wr(&f, HE(XPDK_HE_CTL), XPDK_HE_CTL_STOP);
	do
		st = rd(&f, HE(XPDK_HE_STATUS));
	while (st & XPDK_HE_STATUS_BUSY);
	assert_int_equal(st, XPDK_HE_STATUS_DONE | XPDK_HE_STATUS_ERROR);
	assert_int_equal(rd(&f, HE(XPDK_HE_ERROR)), XPDK_HE_ERR_STOPPED);
	assert_true(dsm64(&f, XPDK_HE_DSM_LINES_READ) < 1000000ull * 16384);
	fpga_close(&f);

	/* a listening device: the client leaves mid-run, the next one finds it idle */
	snprintf(path, sizeof(path), "/tmp/xpdk-test-dfl-%d.sock", (int)getpid());
	fpga_open(&f, "");
	xpdk_vfu_client_close(f.c);
	xpdk_devsim_destroy(f.dev);
	f.dev = xpdk_devsim_create("dfl-fpga", "", "fpga2", path, -1);
	assert_non_null(f.dev);
	assert_int_equal(xpdk_devsim_start(f.dev), 0);
	f.c = xpdk_vfu_client_connect(path, NULL);
	assert_non_null(f.c);
	map_mem(&f);
	start_long_run(&f);
	xpdk_vfu_client_close(f.c);
	f.c = xpdk_vfu_client_connect(path, NULL);
	assert_non_null(f.c);
	assert_int_equal(rd(&f, HE(XPDK_HE_STATUS)), XPDK_HE_STATUS_DONE | XPDK_HE_STATUS_ERROR);
	assert_int_equal(rd(&f, HE(XPDK_HE_ERROR)), XPDK_HE_ERR_STOPPED);
	map_mem(&f);
	fill_random(f.mem + SRC_OFF, 4096, 11);
	assert_int_equal(he_run(&f, XPDK_HE_MODE_COPY, 64, 1, false), XPDK_HE_STATUS_DONE);
	assert_memory_equal(f.mem + DST_OFF, f.mem + SRC_OFF, 4096);
	fpga_close(&f);
	assert_int_equal(access(path, F_OK), -1); /* the socket is gone */
}

/* ---- partial reconfiguration ---------------------------------------------------------- */

static size_t make_rbf(uint8_t *buf, uint64_t afu_h, uint64_t afu_l, uint64_t if_h, uint64_t if_l,
		       size_t payload)
{
	fill_random(buf + XPDK_DEVSIM_RBF_HDR_SIZE, payload, 3);
	xpdk_devsim_rbf_header(buf, afu_l, afu_h, if_l, if_h, buf + XPDK_DEVSIM_RBF_HDR_SIZE,
			       (uint32_t)payload);
	return XPDK_DEVSIM_RBF_HDR_SIZE + payload;
}

/* The Linux dfl-fme-mgr sequence, with the port held in reset. Returns PR_ERR. */
static uint64_t do_pr(struct fpga *f, const uint8_t *rbf, size_t len, bool port_reset)
{
	if (port_reset)
		wr(f, PORT + XPDK_PORT_HDR_CTRL, XPDK_PORT_CTRL_SFTRST);
	wr(f, PR + XPDK_FME_PR_CTRL, XPDK_FME_PR_CTRL_RST);
	assert_true(rd(f, PR + XPDK_FME_PR_CTRL) & XPDK_FME_PR_CTRL_RST_ACK);
	wr(f, PR + XPDK_FME_PR_CTRL, 0);
	wr(f, PR + XPDK_FME_PR_ERR, rd(f, PR + XPDK_FME_PR_ERR));
	wr(f, PR + XPDK_FME_PR_CTRL, XPDK_FME_PR_CTRL_START);
	for (size_t i = 0; i < len; i += 4) {
		uint32_t w = 0;

		memcpy(&w, rbf + i, len - i < 4 ? len - i : 4);
		wr(f, PR + XPDK_FME_PR_DATA, w);
	}
	wr(f, PR + XPDK_FME_PR_CTRL, XPDK_FME_PR_CTRL_COMPLETE);
	assert_false(rd(f, PR + XPDK_FME_PR_CTRL) & XPDK_FME_PR_CTRL_START);
	assert_false(rd(f, PR + XPDK_FME_PR_STS) & XPDK_FME_PR_STS_BUSY);
	if (port_reset)
		wr(f, PORT + XPDK_PORT_HDR_CTRL, 0);
	return rd(f, PR + XPDK_FME_PR_ERR);
}

static void test_partial_reconfiguration(void **state)
{
	const uint64_t if_h = 0x9af6db1c2ad1412aULL, if_l = 0xa3660d7701e0fc39ULL;
	uint8_t *rbf = malloc(4096);
	struct fpga f;
	size_t n;

	(void)state;
	assert_non_null(rbf);
	fpga_open(&f, "");
	/* built for another interface: incompatible, the AFU stays */
	n = make_rbf(rbf, XPDK_DEVSIM_COUNTER_GUID_H, XPDK_DEVSIM_COUNTER_GUID_L, if_h, if_l ^ 1,
		     256);
	assert_int_equal(do_pr(&f, rbf, n, true), XPDK_FME_PR_ERR_INCOMPAT);
	assert_int_equal(rd(&f, HE(XPDK_DFH_GUID_L)), XPDK_HE_GUID_L);
	/* a corrupted payload */
	n = make_rbf(rbf, XPDK_DEVSIM_COUNTER_GUID_H, XPDK_DEVSIM_COUNTER_GUID_L, if_h, if_l, 256);
	rbf[100] ^= 0x40;
	assert_int_equal(do_pr(&f, rbf, n, true), XPDK_FME_PR_ERR_CRC);
	/* truncated: the header promises more than arrives */
	n = make_rbf(rbf, XPDK_DEVSIM_COUNTER_GUID_H, XPDK_DEVSIM_COUNTER_GUID_L, if_h, if_l, 256);
	assert_int_equal(do_pr(&f, rbf, n - 64, true), XPDK_FME_PR_ERR_OPERATION);
	/* the port not in reset */
	assert_int_equal(do_pr(&f, rbf, n, false),
			 XPDK_FME_PR_ERR_OPERATION | XPDK_FME_PR_ERR_PROTOCOL);
	assert_int_equal(rd(&f, HE(XPDK_DFH_GUID_L)), XPDK_HE_GUID_L);
	/* a good one swaps the AFU */
	assert_int_equal(do_pr(&f, rbf, n, true), 0);
	assert_int_equal(rd(&f, HE(XPDK_DFH_GUID_L)), XPDK_DEVSIM_COUNTER_GUID_L);
	assert_int_equal(rd(&f, HE(XPDK_DFH_GUID_H)), XPDK_DEVSIM_COUNTER_GUID_H);
	assert_int_equal(rd(&f, HE(XPDK_DEVSIM_COUNTER_COUNT)), 1);
	assert_int_equal(rd(&f, HE(XPDK_DEVSIM_COUNTER_COUNT)), 2);
	/* and back */
	n = make_rbf(rbf, XPDK_HE_GUID_H, XPDK_HE_GUID_L, if_h, if_l, 64);
	assert_int_equal(do_pr(&f, rbf, n, true), 0);
	assert_int_equal(rd(&f, HE(XPDK_DFH_GUID_L)), XPDK_HE_GUID_L);
	/* data without a start is a protocol error */
	wr(&f, PR + XPDK_FME_PR_DATA, 0);
	assert_int_equal(rd(&f, PR + XPDK_FME_PR_ERR), XPDK_FME_PR_ERR_PROTOCOL);
	fpga_close(&f);
	free(rbf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_space_ids_and_bar),
		cmocka_unit_test(test_pci_id_override),
		cmocka_unit_test(test_model_arguments_are_checked),
		cmocka_unit_test(test_device_feature_list_field_by_field),
		cmocka_unit_test(test_lib_dfl_enumerates_the_model),
		cmocka_unit_test(test_4_byte_accesses_reach_register_halves),
		cmocka_unit_test(test_live_readings_follow_the_seed),
		cmocka_unit_test(test_global_errors_inject_and_write_1_to_clear),
		cmocka_unit_test(test_port_soft_reset_is_acknowledged_and_resets_the_afu),
		cmocka_unit_test(test_afu_memory_is_the_mapped_fast_path),
		cmocka_unit_test(test_exerciser_copy_moves_the_data),
		cmocka_unit_test(test_exerciser_read_write_and_repeat),
		cmocka_unit_test(test_exerciser_faults_are_reported),
		cmocka_unit_test(test_exerciser_on_memory_mapped_without_fd_faults),
		cmocka_unit_test(test_exerciser_interrupt_on_completion),
		cmocka_unit_test(test_stop_and_client_leaving_mid_run),
		cmocka_unit_test(test_partial_reconfiguration),
	};

	xpdk_devsim_set_log_level(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
