/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The MMIO fast path against a device served by devsim over vfio-user, opened through lib/dev
 * as an application would: a small model whose BAR 0 has a trapped register page (every access
 * reaches the model) and a memory page the client maps. Pointers from xpdk_region_ptr() reach
 * the model's memory with xpdk_mmio_* (checked from the model's side), the trapped page is
 * refused with ENXIO and stays reachable through the checked calls.
 *
 *   test_region_ptr_devsim [EAL args]
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "xpdk_dev.h"
#include "xpdk_devsim.h"
#include "xpdk_env.h"

#define BAR0_SIZE 0x2000
#define MEM_OFF	  0x1000 /* the mapped page; 0 … 0xfff is trapped */
#define MEM_LEN	  0x1000

struct ptr_model {
	uint8_t *mem;		    /* the model's view of the mapped page */
	uint64_t regs[MEM_OFF / 8]; /* the trapped page */
	unsigned int reads, writes; /* trapped accesses seen */
};

static struct xpdk_devsim_dev *sim;
static struct ptr_model *model;
static int g_argc;
static char **g_argv;
static char sock[64];

static int ptr_init(struct xpdk_devsim_dev *dev, const char *args)
{
	static const struct xpdk_pci_ids ids = { .vendor = 0x1234,
						 .device = 0x5a5a,
						 .class_code = 0xff0000 };
	struct ptr_model *pm = xpdk_devsim_priv(dev);
	int rc;

	(void)args;
	xpdk_pci_cfg_init(xpdk_devsim_cfg(dev), &ids, false);
	rc = xpdk_devsim_bar(dev, 0, BAR0_SIZE, false);
	if (rc == 0) {
		pm->mem = xpdk_devsim_bar_mem(dev, 0, MEM_OFF, MEM_LEN);
		rc = pm->mem == NULL ? -ENOMEM : 0;
	}
	model = pm;
	return rc;
}

static uint64_t ptr_read(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			 unsigned int size)
{
	struct ptr_model *pm = xpdk_devsim_priv(dev);

	(void)bar;
	(void)size;
	pm->reads++;
	return pm->regs[off / 8];
}

static void ptr_write(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
		      unsigned int size, uint64_t val)
{
	struct ptr_model *pm = xpdk_devsim_priv(dev);

	(void)bar;
	(void)size;
	pm->writes++;
	pm->regs[off / 8] = val;
}

static const struct xpdk_devsim_model ptr_model_ops = {
	.name = "test-ptr",
	.summary = "a trapped register page and a mapped memory page (test)",
	.priv_size = sizeof(struct ptr_model),
	.init = ptr_init,
	.mmio_read = ptr_read,
	.mmio_write = ptr_write,
};

XPDK_DEVSIM_MODEL(ptr_model_ops)

static int setup(void **state)
{
	(void)state;
	if (xpdk_env_init(g_argc, g_argv) < 0) {
		fprintf(stderr, "# %s\n", xpdk_strerror_last());
		return -1;
	}
	snprintf(sock, sizeof(sock), "/tmp/xpdk-test-ptr-%d.sock", (int)getpid());
	xpdk_devsim_set_log_level(0);
	sim = xpdk_devsim_create("test-ptr", "", "ptr0", sock, -1);
	if (sim == NULL || xpdk_devsim_start(sim) < 0) {
		fprintf(stderr, "# %s\n", xpdk_strerror_last());
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	xpdk_devsim_destroy(sim);
	xpdk_env_cleanup();
	return 0;
}

static struct xpdk_dev *open_dev(void)
{
	char name[80];
	struct xpdk_dev *dev;

	snprintf(name, sizeof(name), "vfio-user:%s", sock);
	dev = xpdk_dev_open(name);
	if (dev == NULL)
		fprintf(stderr, "# %s\n", xpdk_strerror_last());
	assert_non_null(dev);
	return dev;
}

static void test_pointer_stores_reach_the_model(void **state)
{
	struct xpdk_dev *dev = open_dev();
	const struct xpdk_region *bar0 = xpdk_dev_region(dev, 0);
	volatile void *p = xpdk_region_ptr(bar0, MEM_OFF, MEM_LEN);
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	(void)state;
	assert_non_null(p);
	xpdk_mmio_write64(xpdk_mmio_at(p, 0x0), 0x1122334455667788ULL);
	xpdk_mmio_write32(xpdk_mmio_at(p, 0x8), 0xcafef00d);
	xpdk_mmio_write16(xpdk_mmio_at(p, 0xc), 0xbeef);
	xpdk_mmio_write8(xpdk_mmio_at(p, 0xe), 0x5a);
	xpdk_mmio_write64(xpdk_mmio_at(p, MEM_LEN - 8), 0x0fedcba987654321ULL);
	/* the model's own mapping of its memory holds them */
	memcpy(&v64, model->mem, 8);
	assert_int_equal(v64, 0x1122334455667788ULL);
	memcpy(&v32, model->mem + 0x8, 4);
	assert_int_equal(v32, 0xcafef00d);
	memcpy(&v16, model->mem + 0xc, 2);
	assert_int_equal(v16, 0xbeef);
	assert_int_equal(model->mem[0xe], 0x5a);
	memcpy(&v64, model->mem + MEM_LEN - 8, 8);
	assert_int_equal(v64, 0x0fedcba987654321ULL);
	assert_int_equal(model->reads + model->writes, 0); /* no message was sent */
	xpdk_dev_close(dev);
}

static void test_pointer_loads_see_the_model(void **state)
{
	struct xpdk_dev *dev = open_dev();
	const struct xpdk_region *bar0 = xpdk_dev_region(dev, 0);
	volatile void *p = xpdk_region_ptr(bar0, MEM_OFF + 0x100, 0x10);
	const uint64_t w = 0x8877665544332211ULL;

	(void)state;
	assert_non_null(p);
	memcpy(model->mem + 0x100, &w, 8);
	memset(model->mem + 0x108, 0xa5, 8);
	assert_int_equal(xpdk_mmio_read64(p), w);
	assert_int_equal(xpdk_mmio_read32(xpdk_mmio_at(p, 4)), 0x88776655);
	assert_int_equal(xpdk_mmio_read16(xpdk_mmio_at(p, 2)), 0x4433);
	assert_int_equal(xpdk_mmio_read8(xpdk_mmio_at(p, 1)), 0x22);
	assert_int_equal(xpdk_mmio_read64(xpdk_mmio_at(p, 8)), 0xa5a5a5a5a5a5a5a5ULL);
	xpdk_dev_close(dev);
}

static void test_trapped_page_is_refused_and_checked_path_reaches_it(void **state)
{
	struct xpdk_dev *dev = open_dev();
	const struct xpdk_region *bar0 = xpdk_dev_region(dev, 0);
	uint64_t v = 0;

	(void)state;
	errno = 0;
	assert_null(xpdk_region_ptr(bar0, 0x10, 8));
	assert_int_equal(errno, ENXIO);
	assert_non_null(strstr(xpdk_strerror_last(), "is not mapped"));
	assert_non_null(strstr(xpdk_strerror_last(), "xpdk_region_read/write"));
	/* a window straddling the trapped and the mapped page is refused too */
	assert_null(xpdk_region_ptr(bar0, MEM_OFF - 8, 16));
	assert_int_equal(errno, ENXIO);
	assert_null(xpdk_region_ptr(bar0, MEM_OFF, MEM_LEN + 8));
	assert_int_equal(errno, ERANGE);
	/* the checked path still reaches the trapped register, through the model */
	model->writes = model->reads = 0;
	assert_int_equal(xpdk_region_write(bar0, 0x10, 64, 0xabcdef0123ULL), 0);
	assert_int_equal(model->writes, 1);
	assert_int_equal(model->regs[2], 0xabcdef0123ULL);
	assert_int_equal(xpdk_region_read(bar0, 0x10, 64, &v), 0);
	assert_int_equal(model->reads, 1);
	assert_int_equal(v, 0xabcdef0123ULL);
	xpdk_dev_close(dev);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pointer_stores_reach_the_model),
		cmocka_unit_test(test_pointer_loads_see_the_model),
		cmocka_unit_test(test_trapped_page_is_refused_and_checked_path_reaches_it),
	};

	g_argc = argc;
	g_argv = argv;
	return cmocka_run_group_tests_name("region_ptr_devsim", tests, setup, teardown);
}
