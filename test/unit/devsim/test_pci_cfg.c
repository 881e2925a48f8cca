/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Unit tests of the emulated PCI configuration space used by devsim models. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xpdk_pci_cfg.h"

static const struct xpdk_pci_ids ids = {
	.vendor = 0x1234,
	.device = 0x11e8,
	.subsystem_vendor = 0x1af4,
	.subsystem = 0x1100,
	.class_code = 0xff0000,
	.revision = 0x10,
};

static uint32_t rd32(const struct xpdk_pci_cfg *cfg, unsigned int off)
{
	uint32_t v = 0;

	assert_int_equal(xpdk_pci_cfg_read(cfg, off, &v, 4), 0);
	return v;
}

static void wr32(struct xpdk_pci_cfg *cfg, unsigned int off, uint32_t v)
{
	assert_int_equal(xpdk_pci_cfg_write(cfg, off, &v, 4), 0);
}

static void test_header_has_ids_and_class(void **state)
{
	struct xpdk_pci_cfg cfg;

	(void)state;
	xpdk_pci_cfg_init(&cfg, &ids, false);
	assert_int_equal(cfg.size, 256);
	assert_int_equal(rd32(&cfg, 0x00), 0x11e81234);
	assert_int_equal(rd32(&cfg, 0x08), 0xff000010); /* class << 8 | revision */
	assert_int_equal(rd32(&cfg, 0x2c), 0x11001af4);
	assert_int_equal(rd32(&cfg, 0x0c) & 0x00ff0000, 0); /* header type 0 */
}

static void test_ids_are_read_only(void **state)
{
	struct xpdk_pci_cfg cfg;

	(void)state;
	xpdk_pci_cfg_init(&cfg, &ids, false);
	wr32(&cfg, 0x00, 0xdeadbeef);
	wr32(&cfg, 0x08, 0);
	assert_int_equal(rd32(&cfg, 0x00), 0x11e81234);
	assert_int_equal(rd32(&cfg, 0x08), 0xff000010);
}

static void test_command_register_bits(void **state)
{
	struct xpdk_pci_cfg cfg;

	(void)state;
	xpdk_pci_cfg_init(&cfg, &ids, false);
	assert_false(xpdk_pci_cfg_bus_master(&cfg));
	wr32(&cfg, 0x04, 0xffffffff);
	/* only IO, memory, bus master and INTx-disable are writable; status is untouched */
	assert_int_equal(rd32(&cfg, 0x04) & 0xffff, 0x0407);
	assert_true(xpdk_pci_cfg_bus_master(&cfg));
	wr32(&cfg, 0x04, 0x0002);
	assert_false(xpdk_pci_cfg_bus_master(&cfg));
}

static void test_bar_sizing_reads_back_size_mask(void **state)
{
	struct xpdk_pci_cfg cfg;

	(void)state;
	xpdk_pci_cfg_init(&cfg, &ids, false);
	assert_int_equal(xpdk_pci_cfg_bar(&cfg, 0, 1 << 20, false, false), 0);
	wr32(&cfg, 0x10, 0xffffffff);
	assert_int_equal(rd32(&cfg, 0x10), 0xfff00000); /* 1 MiB, 32-bit memory */
	wr32(&cfg, 0x10, 0xfeb00000);
	assert_int_equal(rd32(&cfg, 0x10), 0xfeb00000);
	/* an absent BAR reads 0 whatever is written */
	wr32(&cfg, 0x14, 0xffffffff);
	assert_int_equal(rd32(&cfg, 0x14), 0);
}

static void test_bar64_takes_two_slots(void **state)
{
	struct xpdk_pci_cfg cfg;

	(void)state;
	xpdk_pci_cfg_init(&cfg, &ids, true);
	assert_int_equal(xpdk_pci_cfg_bar(&cfg, 2, 1ULL << 33, true, true), 0);
	wr32(&cfg, 0x18, 0xffffffff);
	wr32(&cfg, 0x1c, 0xffffffff);
	assert_int_equal(rd32(&cfg, 0x18), 0x0000000c); /* 64-bit, prefetchable */
	assert_int_equal(rd32(&cfg, 0x1c), 0xfffffffe); /* 8 GiB */
	assert_int_equal(xpdk_pci_cfg_bar(&cfg, 3, 4096, false, false), -EINVAL);
	assert_int_equal(xpdk_pci_cfg_bar(&cfg, 5, 4096, true, false), -EINVAL);
	assert_int_equal(xpdk_pci_cfg_bar(&cfg, 0, 3000, false, false), -EINVAL);
	assert_int_equal(xpdk_pci_cfg_bar(&cfg, 6, 4096, false, false), -EINVAL);
}

static void test_capability_list_links_msi(void **state)
{
	struct xpdk_pci_cfg cfg;
	uint8_t ptr;

	(void)state;
	xpdk_pci_cfg_init(&cfg, &ids, true);
	assert_int_equal(xpdk_pci_cfg_msi(&cfg, 1), 0);
	assert_true(rd32(&cfg, 0x04) & (PCI_STATUS_CAP_LIST << 16));
	ptr = cfg.data[PCI_CAPABILITY_LIST];
	assert_int_equal(cfg.data[ptr], PCI_CAP_ID_EXP);
	ptr = cfg.data[ptr + 1];
	assert_int_equal(cfg.data[ptr], PCI_CAP_ID_MSI);
	assert_int_equal(cfg.data[ptr + 1], 0); /* end of list */
	assert_false(xpdk_pci_cfg_msi_enabled(&cfg));
	wr32(&cfg, ptr, rd32(&cfg, ptr) | (1u << 16)); /* MSI enable, as a driver writes it */
	assert_true(xpdk_pci_cfg_msi_enabled(&cfg));
	assert_int_equal(xpdk_pci_cfg_msi(&cfg, 3), -EINVAL);
}

static void test_out_of_range_access_is_einval(void **state)
{
	struct xpdk_pci_cfg cfg;
	uint32_t v = 0;

	(void)state;
	xpdk_pci_cfg_init(&cfg, &ids, false);
	assert_int_equal(xpdk_pci_cfg_read(&cfg, 254, &v, 4), -EINVAL);
	assert_int_equal(xpdk_pci_cfg_write(&cfg, 256, &v, 1), -EINVAL);
	assert_int_equal(xpdk_pci_cfg_read(&cfg, UINT64_MAX - 1, &v, 4), -EINVAL);
	assert_int_equal(xpdk_pci_cfg_read(&cfg, 252, &v, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_has_ids_and_class),
		cmocka_unit_test(test_ids_are_read_only),
		cmocka_unit_test(test_command_register_bits),
		cmocka_unit_test(test_bar_sizing_reads_back_size_mask),
		cmocka_unit_test(test_bar64_takes_two_slots),
		cmocka_unit_test(test_capability_list_links_msi),
		cmocka_unit_test(test_out_of_range_access_is_einval),
	};

	return cmocka_run_group_tests_name("pci_cfg", tests, NULL, NULL);
}
