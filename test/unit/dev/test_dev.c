/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The device core over a mock transport: a device with a fully mapped BAR0, a BAR2 whose first
 * page is mapped and the rest trapped, config space, and MSI vectors. Checks the checked
 * accessors' exact errors, the fast/slow path split, bus-master enable at open, interrupts on
 * eventfds, DMA mask checks, DMA maps kept in step with memory events (extents fed to the
 * core's callback directly: no EAL), and driver matching and probe.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dev_priv.h"

#define BAR0_SIZE 0x1000
#define BAR2_SIZE 0x4000

static struct mock {
	uint8_t bar0[BAR0_SIZE];
	uint8_t bar2[BAR2_SIZE];
	uint8_t cfg[256];
	int slow_reads, slow_writes;
	int irq_fds[4];
	unsigned int irq_count;
	int resets;
} m;

static bool mock_claims(const char *name, const char **target)
{
	*target = name + 5;
	return strncmp(name, "mock:", 5) == 0;
}

static int mock_open(struct xpdk_dev *dev, const char *target)
{
	memset(&m, 0, sizeof(m));
	m.cfg[0] = 0x34, m.cfg[1] = 0x12, m.cfg[2] = 0xe8, m.cfg[3] = 0x11; /* 1234:11e8 */
	if (strcmp(target, "ops") == 0)
		m.cfg[2] = 0xef, m.cfg[3] = 0xbe; /* 1234:beef, for the driver with ops */
	m.cfg[0x2c] = 0xf4, m.cfg[0x2d] = 0x1a;                           /* subsystem vendor */
	dev->info.num_regions = 9;
	dev->info.num_irqs = 3;
	dev->info.can_reset = true;
	return 0;
}

static void mock_close(struct xpdk_dev *dev)
{
	(void)dev;
}

static int mock_region_info(struct xpdk_dev *dev, unsigned int index, struct dev_region_info *ri)
{
	(void)dev;
	if (index == 0) {
		ri->size = BAR0_SIZE;
		ri->nareas = 1;
		ri->areas[0] = (struct xpdk_region_area){0, BAR0_SIZE, m.bar0};
	} else if (index == 2) {
		ri->size = BAR2_SIZE;
		ri->nareas = 1;
		ri->areas[0] = (struct xpdk_region_area){0, 0x1000, m.bar2};
	} else if (index == XPDK_REGION_CONFIG) {
		ri->size = sizeof(m.cfg);
	}
	ri->flags = ri->size ? XPDK_REGION_F_READ | XPDK_REGION_F_WRITE : 0;
	return 0;
}

static int mock_region_rw(struct xpdk_dev *dev, unsigned int index, uint64_t off, void *buf,
			  size_t len, bool write)
{
	uint8_t *base = index == 2 ? m.bar2 : index == XPDK_REGION_CONFIG ? m.cfg : NULL;

	(void)dev;
	if (base == NULL)
		return -EIO;
	if (index == 2)
		write ? m.slow_writes++ : m.slow_reads++;
	if (write)
		memcpy(base + off, buf, len);
	else
		memcpy(buf, base + off, len);
	return 0;
}

static int mock_irq_count(struct xpdk_dev *dev, unsigned int type)
{
	(void)dev;
	return type == XPDK_IRQ_MSI ? 4 : type == XPDK_IRQ_INTX ? 1 : 0;
}

static int mock_irq_set(struct xpdk_dev *dev, unsigned int type, unsigned int count,
			const int *fds)
{
	(void)dev;
	(void)type;
	m.irq_count = count;
	for (unsigned int i = 0; i < count; i++)
		m.irq_fds[i] = fds[i];
	return 0;
}

static int mock_reset(struct xpdk_dev *dev)
{
	(void)dev;
	m.resets++;
	return 0;
}

static const struct xpdk_transport_ops mock_ops = {
	.name = "mock",
	.claims = mock_claims,
	.open = mock_open,
	.close = mock_close,
	.region_info = mock_region_info,
	.region_rw = mock_region_rw,
	.irq_count = mock_irq_count,
	.irq_set = mock_irq_set,
	.reset = mock_reset,
};

static struct xpdk_dev *open_mock(void)
{
	struct xpdk_dev *dev = xpdk_dev_open_transport(&mock_ops, "mock:one", "one");

	assert_non_null(dev);
	return dev;
}

static void test_open_reads_ids_and_enables_bus_master(void **state)
{
	struct xpdk_dev *dev = open_mock();
	const struct xpdk_dev_info *info = xpdk_dev_info(dev);

	(void)state;
	assert_int_equal(info->vendor, 0x1234);
	assert_int_equal(info->device, 0x11e8);
	assert_int_equal(info->subsystem_vendor, 0x1af4);
	assert_string_equal(info->transport, "mock");
	assert_int_equal(m.cfg[4] & 0x6, 0x6); /* memory space + bus master */
	xpdk_dev_close(dev);
}

static void test_regions_fast_and_slow_paths(void **state)
{
	struct xpdk_dev *dev = open_mock();
	const struct xpdk_region *bar0 = xpdk_dev_region(dev, 0);
	const struct xpdk_region *bar2 = xpdk_dev_region(dev, 2);
	uint64_t v = 0;

	(void)state;
	assert_non_null(bar0);
	assert_non_null(bar2);
	assert_ptr_equal(bar0->map, m.bar0); /* wholly mapped: fast path */
	assert_null(bar2->map);              /* partly mapped: checked calls only */
	assert_true(bar2->flags & XPDK_REGION_F_MMAP);
	xpdk_region_write32(bar0, 0x10, 0xcafef00d);
	assert_int_equal(xpdk_region_read32(bar0, 0x10), 0xcafef00d);
	assert_int_equal(xpdk_region_read(bar0, 0x10, 32, &v), 0);
	assert_int_equal(v, 0xcafef00d);
	/* BAR2: the mapped page directly, the rest through the transport */
	assert_int_equal(xpdk_region_write(bar2, 0x8, 64, 0x1122334455667788ULL), 0);
	assert_int_equal(m.slow_writes, 0);
	assert_int_equal(xpdk_region_write(bar2, 0x2000, 16, 0xbeef), 0);
	assert_int_equal(m.slow_writes, 1);
	assert_int_equal(xpdk_region_read(bar2, 0x2000, 16, &v), 0);
	assert_int_equal(v, 0xbeef);
	assert_int_equal(m.slow_reads, 1);
	assert_int_equal(xpdk_region_read(bar2, 0x8, 8, &v), 0);
	assert_int_equal(v, 0x88);
	xpdk_dev_close(dev);
}

static void test_checked_accessors_reject_bad_access(void **state)
{
	struct xpdk_dev *dev = open_mock();
	const struct xpdk_region *bar0 = xpdk_dev_region(dev, 0);
	uint64_t v;

	(void)state;
	assert_int_equal(xpdk_region_read(bar0, 0x1000, 32, &v), -ERANGE);
	assert_string_equal(xpdk_strerror_last(),
			    "offset 0x1000 is past the end of BAR0 (region 0, size 0x1000)");
	assert_int_equal(xpdk_region_read(bar0, 0xffc, 64, &v), -EINVAL); /* misaligned */
	assert_int_equal(xpdk_region_read(bar0, 0xff8, 64, &v), 0);
	assert_int_equal(xpdk_region_read(bar0, UINT64_MAX - 7, 64, &v), -ERANGE);
	assert_int_equal(xpdk_region_read(bar0, 0x2, 32, &v), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "not aligned"));
	assert_int_equal(xpdk_region_read(bar0, 0, 24, &v), -EINVAL);
	assert_int_equal(xpdk_region_write(bar0, 0, 8, 0x100), -ERANGE);
	assert_non_null(strstr(xpdk_strerror_last(), "does not fit in 8 bits"));
	assert_null(xpdk_dev_region(dev, 1));
	assert_null(xpdk_dev_region(dev, 99));
	assert_int_equal(xpdk_region_read(NULL, 0, 32, &v), -EINVAL);
	xpdk_dev_close(dev);
}

static void test_region_ptr_gives_the_mapped_window(void **state)
{
	struct xpdk_dev *dev = open_mock();
	const struct xpdk_region *bar0 = xpdk_dev_region(dev, 0);
	const struct xpdk_region *bar2 = xpdk_dev_region(dev, 2);
	volatile void *p = xpdk_region_ptr(bar0, 0x10, 0x20);
	volatile void *q = xpdk_region_ptr(bar2, 0xff0, 0x10);
	uint64_t v = 0;

	(void)state;
	assert_ptr_equal(p, m.bar0 + 0x10);
	assert_ptr_equal(q, m.bar2 + 0xff0); /* the mapped page of a partly mapped region */
	xpdk_mmio_write64(p, 0x1122334455667788ULL);
	xpdk_mmio_write32(xpdk_mmio_at(p, 8), 0xcafef00d);
	xpdk_mmio_write16(xpdk_mmio_at(p, 12), 0xbeef);
	xpdk_mmio_write8(xpdk_mmio_at(p, 14), 0x5a);
	/* the stores landed in the region, where the checked path reads them */
	assert_int_equal(xpdk_region_read(bar0, 0x10, 64, &v), 0);
	assert_int_equal(v, 0x1122334455667788ULL);
	assert_int_equal(xpdk_region_read(bar0, 0x18, 32, &v), 0);
	assert_int_equal(v, 0xcafef00d);
	assert_int_equal(xpdk_region_read(bar0, 0x1c, 16, &v), 0);
	assert_int_equal(v, 0xbeef);
	assert_int_equal(m.bar0[0x1e], 0x5a);
	/* and the loads read what the region holds */
	assert_int_equal(xpdk_region_write(bar0, 0x20, 64, 0x0102030405060708ULL), 0);
	assert_int_equal(xpdk_mmio_read64(xpdk_mmio_at(p, 0x10)), 0x0102030405060708ULL);
	assert_int_equal(xpdk_mmio_read32(xpdk_mmio_at(p, 0x10)), 0x05060708);
	assert_int_equal(xpdk_mmio_read16(xpdk_mmio_at(p, 0x16)), 0x0102);
	assert_int_equal(xpdk_mmio_read8(xpdk_mmio_at(p, 0x17)), 0x01);
	assert_int_equal(m.slow_reads + m.slow_writes, 0);
	/* the whole region, and one 32-bit register at 0x4 */
	assert_ptr_equal(xpdk_region_ptr(bar0, 0, BAR0_SIZE), m.bar0);
	assert_ptr_equal(xpdk_region_ptr(bar0, 0x4, 4), m.bar0 + 4);
	assert_ptr_equal(xpdk_region_ptr(bar0, 0x4, 12), m.bar0 + 4); /* 32-bit registers */
	assert_ptr_equal(xpdk_region_ptr(bar0, 0x3, 1), m.bar0 + 3);
	xpdk_dev_close(dev);
}

static void test_region_ptr_rejects_bad_windows(void **state)
{
	struct xpdk_dev *dev = open_mock();
	const struct xpdk_region *bar0 = xpdk_dev_region(dev, 0);
	const struct xpdk_region *bar2 = xpdk_dev_region(dev, 2);

	(void)state;
	/* out of range */
	errno = 0;
	assert_null(xpdk_region_ptr(bar0, 0x1000, 4));
	assert_int_equal(errno, ERANGE);
	assert_string_equal(xpdk_strerror_last(), "MMIO window 0x1000+0x4 is past the end of BAR0 "
						  "(region 0, size 0x1000)");
	assert_null(xpdk_region_ptr(bar0, 0xff8, 0x10));
	assert_int_equal(errno, ERANGE);
	assert_non_null(xpdk_region_ptr(bar0, 0xff8, 8)); /* the last register is fine */
	/* off + len overflows 64 bits */
	assert_null(xpdk_region_ptr(bar0, 8, UINT64_MAX - 7));
	assert_int_equal(errno, ERANGE);
	assert_null(xpdk_region_ptr(bar0, UINT64_MAX - 7, 16));
	assert_int_equal(errno, ERANGE);
	/* misaligned for the window's register width */
	assert_null(xpdk_region_ptr(bar0, 0x4, 8));
	assert_int_equal(errno, EINVAL);
	assert_string_equal(xpdk_strerror_last(), "MMIO window 0x4+0x8 of BAR0: the offset is not "
						  "aligned to its 8-byte registers");
	assert_null(xpdk_region_ptr(bar0, 0x2, 4));
	assert_int_equal(errno, EINVAL);
	assert_null(xpdk_region_ptr(bar0, 0x1, 2));
	assert_int_equal(errno, EINVAL);
	/* trapped: past the mapped page, or straddling its end */
	assert_null(xpdk_region_ptr(bar2, 0x2000, 8));
	assert_int_equal(errno, ENXIO);
	assert_string_equal(xpdk_strerror_last(),
			    "MMIO window 0x2000+0x8 of BAR2 on mock:one is not mapped (only parts "
			    "are): its registers are trapped; use the checked calls "
			    "(xpdk_region_read/write)");
	assert_null(xpdk_region_ptr(bar2, 0xff8, 0x10));
	assert_int_equal(errno, ENXIO);
	assert_null(xpdk_region_ptr(xpdk_dev_region(dev, XPDK_REGION_CONFIG), 0, 4));
	assert_int_equal(errno, ENXIO);
	assert_non_null(strstr(xpdk_strerror_last(), "nothing of the region is"));
	/* nothing to point at */
	assert_null(xpdk_region_ptr(bar0, 0, 0));
	assert_int_equal(errno, EINVAL);
	assert_null(xpdk_region_ptr(NULL, 0, 4));
	assert_int_equal(errno, EINVAL);
	assert_null(xpdk_region_ptr(&dev->regions[1], 0, 4)); /* BAR1 does not exist */
	assert_int_equal(errno, ENODEV);
	xpdk_dev_close(dev);
}

static void test_burst_and_memset(void **state)
{
	struct xpdk_dev *dev = open_mock();
	const struct xpdk_region *bar0 = xpdk_dev_region(dev, 0);
	const uint32_t words[3] = {1, 2, 3};

	(void)state;
	assert_int_equal(xpdk_region_write_burst32(bar0, 0x100, words, 3), 0);
	assert_int_equal(xpdk_region_read32(bar0, 0x108), 3);
	assert_int_equal(xpdk_region_memset32(bar0, 0x200, 0xaaaaaaaa, 4), 0);
	assert_int_equal(xpdk_region_read32(bar0, 0x20c), 0xaaaaaaaa);
	assert_int_equal(xpdk_region_memset32(bar0, 0xff8, 0, 4), -ERANGE);
	xpdk_dev_close(dev);
}

static void test_irq_vectors_signal_eventfds(void **state)
{
	struct xpdk_dev *dev = open_mock();
	uint64_t one = 1;

	(void)state;
	assert_int_equal(xpdk_dev_irq_count(dev, XPDK_IRQ_MSI), 4);
	assert_int_equal(xpdk_dev_irq_enable(dev, XPDK_IRQ_MSI, 5), -EINVAL);
	assert_int_equal(xpdk_dev_irq_enable(dev, XPDK_IRQ_MSI, 2), 0);
	assert_int_equal(m.irq_count, 2);
	assert_int_equal(xpdk_dev_irq_fd(dev, 1), m.irq_fds[1]);
	assert_int_equal(xpdk_dev_irq_wait(dev, 1, 10), -ETIMEDOUT);
	/* the "device" fires vector 1 twice */
	assert_int_equal(write(m.irq_fds[1], &one, 8), 8);
	assert_int_equal(write(m.irq_fds[1], &one, 8), 8);
	assert_int_equal(xpdk_dev_irq_wait(dev, 1, 1000), 2);
	assert_int_equal(xpdk_dev_irq_wait(dev, 2, 10), -EINVAL);
	xpdk_dev_irq_disable(dev);
	assert_int_equal(m.irq_count, 0);
	assert_int_equal(xpdk_dev_irq_fd(dev, 0), -1);
	xpdk_dev_close(dev);
}

static void test_dma_mask_check(void **state)
{
	struct xpdk_dev *dev = open_mock();

	(void)state;
	assert_int_equal(xpdk_dev_dma_check(dev, 0x100000000ULL, 4096), 0);
	xpdk_dev_set_dma_mask(dev, (1ULL << 28) - 1);
	assert_int_equal(xpdk_dev_dma_check(dev, 0x0ff00000, 0x100000), 0);
	assert_int_equal(xpdk_dev_dma_check(dev, 0x0ff00000, 0x100001), -ERANGE);
	assert_int_equal(xpdk_dev_dma_check(dev, 0x100000000ULL, 1), -ERANGE);
	assert_non_null(strstr(xpdk_strerror_last(), "DMA mask 0xfffffff"));
	assert_int_equal(xpdk_dev_dma_check(dev, 0, 0), -ERANGE);
	xpdk_dev_close(dev);
}

/* ---- DMA maps: a transport that records what the core asks of it ---- */

#define PG   0x200000ULL /* a 2 MiB page */
#define BASE 0x7f0000000000ULL

static struct {
	struct xpdk_env_mem_extent maps[16];
	unsigned int nmaps;
	uint64_t unmaps[16][2];
	unsigned int nunmaps;
	int fail; /* next dma_map returns this */
} dm;

static int mock_dma_map(struct xpdk_dev *dev, const struct xpdk_env_mem_extent *ext)
{
	(void)dev;
	if (dm.fail != 0)
		return xpdk_err(-dm.fail, "mock server refused DMA_MAP");
	assert_true(dm.nmaps < 16);
	dm.maps[dm.nmaps++] = *ext;
	return 0;
}

static int mock_dma_unmap(struct xpdk_dev *dev, uint64_t iova, uint64_t len)
{
	(void)dev;
	assert_true(dm.nunmaps < 16);
	dm.unmaps[dm.nunmaps][0] = iova;
	dm.unmaps[dm.nunmaps++][1] = len;
	return 0;
}

static struct xpdk_dev *open_mock_dma(void)
{
	static struct xpdk_transport_ops ops;
	struct xpdk_dev *dev;

	ops = mock_ops;
	ops.dma_map = mock_dma_map;
	ops.dma_unmap = mock_dma_unmap;
	memset(&dm, 0, sizeof(dm));
	dev = xpdk_dev_open_transport(&ops, "mock:dma", "dma");
	assert_non_null(dev);
	return dev;
}

/* @p pages pages at page @p first of a file whose page k is at offset k * PG (one file per
 * segment list, as --single-file-segments) */
static struct xpdk_env_mem_extent ext(unsigned int first, unsigned int pages, int fd)
{
	return (struct xpdk_env_mem_extent){
		.va = (void *)(uintptr_t)(BASE + first * PG),
		.iova = BASE + first * PG,
		.len = pages * PG,
		.fd = fd,
		.fd_offset = fd >= 0 ? first * PG : 0,
		.page_size = PG,
	};
}

static void test_dma_maps_each_part_of_memory_once(void **state)
{
	struct xpdk_dev *dev = open_mock_dma();
	struct xpdk_env_mem_extent e = ext(0, 4, 7);

	(void)state;
	/* before xpdk_env_init() nothing exists: the device says so, and why */
	assert_int_equal(xpdk_dev_dma_reachable(dev, BASE, 64), -EFAULT);
	assert_non_null(strstr(xpdk_strerror_last(), "before xpdk_env_init()"));
	assert_int_equal(xpdk_dev_dma_event(XPDK_ENV_MEM_ALLOC, &e, dev), 0);
	assert_int_equal(dm.nmaps, 1);
	assert_memory_equal(&dm.maps[0], &e, sizeof(e));
	/* the same memory reported again (replay and event racing) is not sent twice */
	assert_int_equal(xpdk_dev_dma_event(XPDK_ENV_MEM_ALLOC, &e, dev), 0);
	assert_int_equal(dm.nmaps, 1);
	/* memory that overlaps what is mapped: only the new part, at its own file offset */
	e = ext(2, 4, 7);
	assert_int_equal(xpdk_dev_dma_event(XPDK_ENV_MEM_ALLOC, &e, dev), 0);
	assert_int_equal(dm.nmaps, 2);
	assert_int_equal(dm.maps[1].iova, BASE + 4 * PG);
	assert_int_equal(dm.maps[1].len, 2 * PG);
	assert_int_equal(dm.maps[1].fd_offset, 4 * PG);
	assert_ptr_equal(dm.maps[1].va, (void *)(uintptr_t)(BASE + 4 * PG));
	/* a range over both maps is reachable; one byte past them is not, and is named */
	assert_int_equal(xpdk_dev_dma_reachable(dev, BASE + PG - 8, 5 * PG), 0);
	assert_int_equal(xpdk_dev_dma_reachable(dev, BASE + 5 * PG, PG + 1), -EFAULT);
	assert_non_null(strstr(xpdk_strerror_last(), "IOVA 0x7f0000c00000 is not mapped"));
	assert_int_equal(xpdk_dev_dma_reachable(dev, UINT64_MAX, 2), -EINVAL);
	xpdk_dev_close(dev);
}

static void test_dma_free_unmaps_whole_maps_only(void **state)
{
	struct xpdk_dev *dev = open_mock_dma();
	struct xpdk_env_mem_extent e;

	(void)state;
	/* one file per page: page by page */
	for (unsigned int i = 0; i < 3; i++) {
		e = ext(i, 1, 10 + (int)i);
		e.fd_offset = 0;
		assert_int_equal(xpdk_dev_dma_event(XPDK_ENV_MEM_ALLOC, &e, dev), 0);
	}
	assert_int_equal(dm.nmaps, 3);
	/* pages 1 and 2 go back to the system: their maps go, page 0's stays */
	e = ext(1, 2, -1);
	assert_int_equal(xpdk_dev_dma_event(XPDK_ENV_MEM_FREE, &e, dev), 0);
	assert_int_equal(dm.nunmaps, 2);
	assert_int_equal(dm.unmaps[0][1], PG);
	assert_int_equal(dm.unmaps[1][1], PG);
	assert_int_equal(dm.unmaps[0][0] + dm.unmaps[1][0], 2 * BASE + 3 * PG);
	assert_int_equal(xpdk_dev_dma_reachable(dev, BASE, PG), 0);
	assert_int_equal(xpdk_dev_dma_reachable(dev, BASE + PG, 1), -EFAULT);
	/* the page comes back with a new file: it is mapped anew, not found stale */
	e = ext(1, 1, 20);
	e.fd_offset = 0;
	assert_int_equal(xpdk_dev_dma_event(XPDK_ENV_MEM_ALLOC, &e, dev), 0);
	assert_int_equal(dm.nmaps, 4);
	assert_int_equal(dm.maps[3].fd, 20);
	/* a map only partly freed stays (one file per list: pages return at the same offset) */
	e = ext(4, 4, 7);
	assert_int_equal(xpdk_dev_dma_event(XPDK_ENV_MEM_ALLOC, &e, dev), 0);
	e = ext(5, 1, 7);
	assert_int_equal(xpdk_dev_dma_event(XPDK_ENV_MEM_FREE, &e, dev), 0);
	assert_int_equal(dm.nunmaps, 2);
	assert_int_equal(xpdk_dev_dma_reachable(dev, BASE + 4 * PG, 4 * PG), 0);
	xpdk_dev_close(dev);
}

static void test_dma_map_failure_is_reported_and_not_remembered(void **state)
{
	struct xpdk_dev *dev = open_mock_dma();
	struct xpdk_env_mem_extent e = ext(0, 1, 3);

	(void)state;
	dm.fail = -ENOSPC;
	assert_int_equal(xpdk_dev_dma_event(XPDK_ENV_MEM_ALLOC, &e, dev), -ENOSPC);
	assert_non_null(strstr(xpdk_strerror_last(), "mock server refused DMA_MAP"));
	assert_int_equal(xpdk_dev_dma_reachable(dev, BASE, 1), -EFAULT);
	dm.fail = 0;
	assert_int_equal(xpdk_dev_dma_event(XPDK_ENV_MEM_ALLOC, &e, dev), 0);
	assert_int_equal(dm.nmaps, 1);
	/* memory without an IOVA cannot be given to a device */
	e = ext(8, 1, 3);
	e.iova = XPDK_ENV_BAD_IOVA;
	assert_int_equal(xpdk_dev_dma_event(XPDK_ENV_MEM_ALLOC, &e, dev), -EINVAL);
	assert_int_equal(dm.nmaps, 1);
	/* a transport without DMA says so */
	xpdk_dev_close(dev);
	dev = open_mock();
	assert_int_equal(xpdk_dev_dma_reachable(dev, BASE, 1), -ENOTSUP);
	xpdk_dev_close(dev);
}

static int probes, removes;

static int drv_probe(struct xpdk_dev *dev)
{
	int *priv = xpdk_dev_priv(dev);

	probes++;
	*priv = 42;
	return 0;
}

static void drv_remove(struct xpdk_dev *dev)
{
	assert_int_equal(*(int *)xpdk_dev_priv(dev), 42);
	removes++;
}

static const struct xpdk_pci_id test_ids[] = {
	{0x1234, 0x11e8, 0, 0, "edu (test)"},
	{0},
};

static const struct xpdk_driver test_driver = {
	.name = "test_edu",
	.id_table = test_ids,
	.probe = drv_probe,
	.remove = drv_remove,
	.priv_size = sizeof(int),
};

XPDK_DRIVER_REGISTER(test_driver)

static void test_driver_matches_by_id_and_probes(void **state)
{
	const struct xpdk_pci_id *entry = NULL;
	struct xpdk_dev *dev = open_mock();

	(void)state;
	assert_ptr_equal(xpdk_driver_lookup(0x1234, 0x11e8, 0, 0, &entry), &test_driver);
	assert_string_equal(entry->description, "edu (test)");
	assert_null(xpdk_driver_lookup(0x1234, 0x11e9, 0, 0, NULL));
	assert_int_equal(xpdk_dev_probe(dev), 0);
	assert_ptr_equal(xpdk_dev_driver(dev), &test_driver);
	assert_int_equal(probes, 1);
	assert_int_equal(xpdk_dev_probe(dev), 0); /* once */
	assert_int_equal(probes, 1);
	xpdk_dev_close(dev);
	assert_int_equal(removes, 1);
}

/* A driver with capabilities, built against an older header: only the scratch register. */
static int ops_scratch(struct xpdk_dev *dev, struct xpdk_scratch_reg *reg)
{
	(void)dev;
	reg->region = 0;
	reg->offset = 0x4;
	reg->width = 32;
	return 0;
}

static const struct xpdk_driver_ops old_ops = {
	.size = offsetof(struct xpdk_driver_ops, engine_open),
	.scratch_reg = ops_scratch,
	.engine_open = NULL,
};

static const struct xpdk_pci_id ops_ids[] = {
	{ 0x1234, 0xbeef, 0, 0, "a device with a scratch register (test)" },
	{ 0 },
};

static const struct xpdk_driver ops_driver = {
	.name = "test_ops",
	.id_table = ops_ids,
	.ops = &old_ops,
};

XPDK_DRIVER_REGISTER(ops_driver)

static void test_driver_capabilities_through_ops(void **state)
{
	struct xpdk_dev *dev = open_mock();
	struct xpdk_scratch_reg reg;
	struct xpdk_engine_info info;
	struct xpdk_engine_completion done;

	(void)state;
	/* no driver yet */
	assert_int_equal(xpdk_dev_scratch_reg(dev, &reg), -ENOENT);
	assert_non_null(strstr(xpdk_strerror_last(), "has no driver bound"));
	/* a driver without ops: a sentence naming it */
	assert_int_equal(xpdk_dev_probe(dev), 0);
	assert_int_equal(xpdk_dev_scratch_reg(dev, &reg), -ENOTSUP);
	assert_string_equal(xpdk_strerror_last(),
			    "driver 'test_edu' of mock:one offers no scratch register");
	assert_int_equal(xpdk_dev_engine_open(dev, &info), -ENOTSUP);
	assert_string_equal(xpdk_strerror_last(),
			    "driver 'test_edu' of mock:one offers no DMA engine");
	assert_int_equal(xpdk_dev_engine_poll(dev, &done), -EINVAL);
	xpdk_dev_close(dev);

	/* ops built with a smaller size: what it has is used, the rest is absent */
	dev = xpdk_dev_open_transport(&mock_ops, "mock:ops", "ops");
	assert_non_null(dev);
	assert_int_equal(xpdk_dev_probe(dev), 0);
	assert_ptr_equal(xpdk_dev_driver(dev), &ops_driver);
	assert_int_equal(xpdk_dev_scratch_reg(dev, &reg), 0);
	assert_int_equal(reg.offset, 0x4);
	assert_int_equal(reg.width, 32);
	assert_int_equal(xpdk_dev_engine_open(dev, &info), -ENOTSUP);
	assert_string_equal(xpdk_strerror_last(),
			    "driver 'test_ops' of mock:ops offers no DMA engine");
	assert_int_equal(xpdk_dev_engine_submit(dev, &(struct xpdk_engine_op){ 0 }), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "xpdk_dev_engine_open() first"));
	xpdk_dev_close(dev);
}

static void test_reset_and_bad_names(void **state)
{
	struct xpdk_dev *dev = open_mock();

	(void)state;
	assert_int_equal(xpdk_dev_reset(dev), 0);
	assert_int_equal(m.resets, 1);
	xpdk_dev_close(dev);
	assert_null(xpdk_dev_open("no-such-kind-of-name"));
	assert_non_null(strstr(xpdk_strerror_last(), "is not a device name"));
	assert_null(xpdk_dev_open(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_reads_ids_and_enables_bus_master),
		cmocka_unit_test(test_regions_fast_and_slow_paths),
		cmocka_unit_test(test_checked_accessors_reject_bad_access),
		cmocka_unit_test(test_region_ptr_gives_the_mapped_window),
		cmocka_unit_test(test_region_ptr_rejects_bad_windows),
		cmocka_unit_test(test_burst_and_memset),
		cmocka_unit_test(test_irq_vectors_signal_eventfds),
		cmocka_unit_test(test_dma_mask_check),
		cmocka_unit_test(test_dma_maps_each_part_of_memory_once),
		cmocka_unit_test(test_dma_free_unmaps_whole_maps_only),
		cmocka_unit_test(test_dma_map_failure_is_reported_and_not_remembered),
		cmocka_unit_test(test_driver_matches_by_id_and_probes),
		cmocka_unit_test(test_driver_capabilities_through_ops),
		cmocka_unit_test(test_reset_and_bad_names),
	};

	return cmocka_run_group_tests_name("dev", tests, NULL, NULL);
}
