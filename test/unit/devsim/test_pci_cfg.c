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

static void test_sriov_capability_fields_and_write_masks(void **state)
{
	const struct xpdk_pci_sriov sr = { .total_vfs = 2,
					   .vf_device = 0x0b31,
					   .first_offset = 1,
					   .stride = 1,
					   .vf_bar0_size = 0x80000 };
	struct xpdk_pci_cfg cfg, conv;
	const unsigned int at = 0x100;

	(void)state;
	xpdk_pci_cfg_init(&conv, &ids, false);
	assert_int_equal(xpdk_pci_cfg_sriov(&conv, at, &sr), -EINVAL); /* no extended space */
	xpdk_pci_cfg_init(&cfg, &ids, true);
	assert_int_equal(xpdk_pci_cfg_sriov(&cfg, 0x140, &sr), -EINVAL); /* first must be 0x100 */
	assert_int_equal(xpdk_pci_cfg_sriov(&cfg, at, &sr), 0);
	assert_int_equal(rd32(&cfg, at), PCI_EXT_CAP_ID_SRIOV | 1u << 16);
	assert_int_equal(rd32(&cfg, at + PCI_SRIOV_TOTAL_VF - 2) >> 16, 2);
	assert_int_equal(rd32(&cfg, at + PCI_SRIOV_VF_OFFSET), 0x00010001);
	assert_int_equal(rd32(&cfg, at + PCI_SRIOV_VF_DID - 2) >> 16, 0x0b31);
	/* TotalVFs and the VF device ID are read-only; NumVFs and VF Enable are not */
	wr32(&cfg, at + PCI_SRIOV_INITIAL_VF, 0xffffffff);
	assert_int_equal(rd32(&cfg, at + PCI_SRIOV_INITIAL_VF), 0x00020002);
	wr32(&cfg, at + PCI_SRIOV_NUM_VF, 0x0000ffff);
	assert_int_equal(rd32(&cfg, at + PCI_SRIOV_NUM_VF) & 0xffff, 0xffff);
	wr32(&cfg, at + PCI_SRIOV_CTRL, 0xffffffff);
	assert_int_equal(rd32(&cfg, at + PCI_SRIOV_CTRL),
			 PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE | PCI_SRIOV_CTRL_ARI);
	/* VF BAR 0 sizes itself as a 64-bit BAR of 512 KiB */
	wr32(&cfg, at + PCI_SRIOV_BAR, 0xffffffff);
	wr32(&cfg, at + PCI_SRIOV_BAR + 4, 0xffffffff);
	assert_int_equal(rd32(&cfg, at + PCI_SRIOV_BAR),
			 0xfff80000u | PCI_BASE_ADDRESS_MEM_TYPE_64);
	assert_int_equal(rd32(&cfg, at + PCI_SRIOV_BAR + 4), 0xffffffff);
	/* a second one links after the first */
	assert_int_equal(xpdk_pci_cfg_sriov(&cfg, 0x200, &sr), 0);
	assert_int_equal(rd32(&cfg, at) >> 20, 0x200);
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
		cmocka_unit_test(test_sriov_capability_fields_and_write_masks),
	};

	return cmocka_run_group_tests_name("pci_cfg", tests, NULL, NULL);
}
