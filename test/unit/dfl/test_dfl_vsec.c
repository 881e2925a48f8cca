/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * lib/dfl's DFL locator (the PCIe vendor-specific extended capability, VSEC ID 0x43) on
 * configuration spaces built in memory, hostile ones included, and the DFHv1 MSI-X parameter.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/pci_regs.h>

#include "xpdk_dfl.h"

static uint8_t space[4096];
static uint64_t fail_at = UINT64_MAX;

static int cfg_read32(void *ctx, uint64_t off, uint32_t *v)
{
	(void)ctx;
	if (off % 4 || off + 4 > sizeof(space))
		fail_msg("read32 at 0x%llx", (unsigned long long)off);
	if (off == fail_at)
		return -1;
	memcpy(v, space + off, 4);
	return 0;
}

static const struct xpdk_dfl_cfg cfg = { .size = sizeof(space), .read32 = cfg_read32 };

static void put32(uint64_t off, uint32_t v)
{
	memcpy(space + off, &v, 4);
}

static void ext_cap(uint64_t at, unsigned int id, uint64_t next)
{
	put32(at, id | 1u << 16 | (uint32_t)next << 20);
}

/* an Intel function, its VSEC at @p at listing @p n DFLs given as DWORDs */
static void vsec(uint64_t at, uint64_t next, unsigned int n, const uint32_t *res)
{
	ext_cap(at, PCI_EXT_CAP_ID_VNDR, next);
	put32(at + 4, XPDK_DFL_VSEC_ID | 1u << 16 | (uint32_t)(0xc + 4 * n) << 20);
	put32(at + 8, n);
	for (unsigned int i = 0; i < n; i++)
		put32(at + 0xc + 4 * i, res[i]);
}

static int reset(void **state)
{
	(void)state;
	memset(space, 0, sizeof(space));
	put32(0, 0x0b308086);
	fail_at = UINT64_MAX;
	return 0;
}

static void test_vsec_lists_each_dfl_bar_and_offset(void **state)
{
	static const uint32_t res[] = { 0x0 | 0, 0x40000 | 2, 0x1000 | 4 };
	struct xpdk_dfl_loc locs[XPDK_DFL_MAX_LISTS];
	struct xpdk_dfl_error err;

	(void)state;
	/* behind another capability (AER), as on real cards */
	ext_cap(0x100, PCI_EXT_CAP_ID_ERR, 0x200);
	vsec(0x200, 0, 3, res);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err), 3);
	assert_int_equal(locs[0].bar, 0);
	assert_int_equal(locs[0].offset, 0);
	assert_int_equal(locs[1].bar, 2);
	assert_int_equal(locs[1].offset, 0x40000);
	assert_int_equal(locs[2].bar, 4);
	assert_int_equal(locs[2].offset, 0x1000);
	assert_int_equal(err.code, XPDK_DFL_E_NONE);
}

static void test_vsec_absent_means_bar0(void **state)
{
	struct xpdk_dfl_loc locs[XPDK_DFL_MAX_LISTS];
	static const uint32_t res[] = { 0x40000 };
	struct xpdk_dfl_cfg small = cfg;

	(void)state;
	/* no extended capabilities at all */
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, NULL), 0);
	/* another vendor-specific capability only */
	ext_cap(0x100, PCI_EXT_CAP_ID_VNDR, 0);
	put32(0x104, 0x0042 | 0x10u << 20);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, NULL), 0);
	/* the right VSEC, but not an Intel function: its VSEC IDs mean something else */
	vsec(0x100, 0, 1, res);
	put32(0, 0x10001c2c);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, NULL), 0);
	/* conventional PCI: 256 bytes, no extended space to read */
	put32(0, 0x0b308086);
	small.size = 256;
	assert_int_equal(xpdk_dfl_vsec_find(&small, locs, XPDK_DFL_MAX_LISTS, NULL), 0);
}

static void test_vsec_rejects_hostile_capabilities(void **state)
{
	static const uint32_t seven[7] = { 0, 8, 16, 24, 32, 40, 48 };
	static const uint32_t bad_bar[] = { 0x1000 | 6 };
	static const uint32_t twice[] = { 0x1000 | 1, 0x1000 | 1 };
	struct xpdk_dfl_loc locs[XPDK_DFL_MAX_LISTS];
	struct xpdk_dfl_error err;

	(void)state;
	/* a capability list that loops */
	ext_cap(0x100, PCI_EXT_CAP_ID_ERR, 0x140);
	ext_cap(0x140, PCI_EXT_CAP_ID_ERR, 0x100);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err), -EINVAL);
	assert_int_equal(err.code, XPDK_DFL_E_VSEC);
	assert_non_null(strstr(err.msg, "loops"));
	/* pointing back into the conventional space, or unaligned */
	ext_cap(0x140, PCI_EXT_CAP_ID_ERR, 0x40);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err), -EINVAL);
	ext_cap(0x140, PCI_EXT_CAP_ID_ERR, 0x142);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err), -EINVAL);
	/* more DFLs than BARs; none */
	reset(NULL);
	vsec(0x100, 0, 7, seven);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "lists 7 DFLs"));
	vsec(0x100, 0, 0, NULL);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err), -EINVAL);
	/* a count its length does not cover */
	vsec(0x100, 0, 1, bad_bar);
	put32(0x108, 3);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "too short"));
	/* BAR 6 and 7 cannot exist; two lists at one place */
	vsec(0x100, 0, 1, bad_bar);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "BAR 6"));
	vsec(0x100, 0, 2, twice);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err), -EINVAL);
	/* a VSEC at the very end of config space: its fields would be outside */
	reset(NULL);
	ext_cap(0x100, PCI_EXT_CAP_ID_ERR, 0xffc);
	ext_cap(0xffc, PCI_EXT_CAP_ID_VNDR, 0);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err), -EINVAL);
	/* room for fewer lists than listed; a failing read */
	vsec(0x100, 0, 2, twice);
	put32(0x110, 0x2000 | 1);
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, 1, &err), -E2BIG);
	fail_at = 0x108;
	assert_int_equal(xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err), -EIO);
	assert_int_equal(err.code, XPDK_DFL_E_READ);
}

/* a DFL in memory, for the MSI-X parameter */
static uint64_t dfl[0x100 / 8];

static int mem_read64(void *ctx, uint64_t off, uint64_t *val)
{
	(void)ctx;
	if (off % 8 || off + 8 > sizeof(dfl))
		fail_msg("read64 at 0x%llx", (unsigned long long)off);
	*val = dfl[off / 8];
	return 0;
}

static int first(const struct xpdk_dfl_feature *f, void *arg)
{
	*(struct xpdk_dfl_feature *)arg = *f;
	return 1;
}

static void test_msix_parameter_gives_vectors(void **state)
{
	struct xpdk_dfl_region r = { .size = sizeof(dfl), .read64 = mem_read64 };
	struct xpdk_dfl_feature f;
	unsigned int start = 0, count = 0;

	(void)state;
	memset(dfl, 0, sizeof(dfl));
	dfl[0] = XPDK_FIELD_PREP(XPDK_DFH_TYPE, XPDK_DFH_TYPE_PRIVATE) |
		 XPDK_FIELD_PREP(XPDK_DFH_ID, 0x10) | XPDK_FIELD_PREP(XPDK_DFH_VERSION, 1) |
		 XPDK_DFH_EOL | XPDK_FIELD_PREP(XPDK_DFH_NEXT, sizeof(dfl));
	dfl[4] = XPDK_FIELD_PREP(XPDK_DFHV1_CSR_SIZE, 0x100) | XPDK_DFHV1_CSR_HAS_PARAMS;
	/* parameter 7 first, then MSI-X: vectors 3 to 6 */
	dfl[5] =
	    XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_ID, 7) | XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_NEXT, 2);
	dfl[7] = XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_ID, XPDK_DFHV1_PARAM_ID_MSIX) |
		 XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_NEXT, 2) | XPDK_DFHV1_PARAM_EOP;
	dfl[8] = XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_MSIX_STARTV, 3) |
		 XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_MSIX_NUMV, 4);
	assert_int_equal(xpdk_dfl_walk(&r, 0, first, &f, NULL), 1);
	assert_int_equal(f.num_params, 2);
	assert_int_equal(xpdk_dfl_msix(&r, &f, &start, &count), 0);
	assert_int_equal(start, 3);
	assert_int_equal(count, 4);
	/* without it */
	dfl[7] = XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_ID, 9) |
		 XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_NEXT, 2) | XPDK_DFHV1_PARAM_EOP;
	assert_int_equal(xpdk_dfl_walk(&r, 0, first, &f, NULL), 1);
	assert_int_equal(xpdk_dfl_msix(&r, &f, &start, &count), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vsec_lists_each_dfl_bar_and_offset, reset),
		cmocka_unit_test_setup(test_vsec_absent_means_bar0, reset),
		cmocka_unit_test_setup(test_vsec_rejects_hostile_capabilities, reset),
		cmocka_unit_test(test_msix_parameter_gives_vectors),
	};

	return cmocka_run_group_tests_name("dfl_vsec", tests, NULL, NULL);
}
