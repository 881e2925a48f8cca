/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * DFL FPGA virtualization through the driver against devsim's dfl-fpga model (afu=he-lb),
 * served in this process on a socket: the PF's SR-IOV capability, the refusals (NumVFs above
 * TotalVFs, VFs without released ports, release of a port in use, assign while VFs are
 * enabled, disabling VFs while one is open), and the whole life cycle: release, a reopened PF
 * still sees the port released, sriov 1 serves the VF's socket, the VF runs HE-LB with its
 * data checked while the PF reads all ones from the AFU, sriov 0, assign, the PF runs HE-LB
 * again.
 *
 *   test_fpga_sriov [EAL args]      (hugepages needed: DMA memory is shared with the device by fd)
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

#define LINES 512 /* 32 KiB per test */

static char pf_name[80], vf_sock[80];
static struct xpdk_dma_buf *src, *dst;

static int setup(void **state)
{
	(void)state;
	if (fixture_start("sriov", "afu=he-lb", "sriov0") < 0)
		return -1;
	snprintf(vf_sock, sizeof(vf_sock), "/tmp/xpdk-test-sriov-%d-vf0.sock", (int)getpid());
	snprintf(pf_name, sizeof(pf_name), "vfio-user:%s", sock);
	src = xpdk_dma_alloc(LINES * 64, 4096, 0);
	dst = xpdk_dma_alloc(LINES * 64, 4096, 0);
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

static struct xpdk_fpga *open_or_fail(const char *name)
{
	struct xpdk_fpga *f = xpdk_fpga_open(name);

	if (f == NULL)
		fail_msg("%s: %s", name, xpdk_strerror_last());
	return f;
}

/* HE-LB loopback on port 0 of @p f, the copy checked word by word */
static void loopback_checked(struct xpdk_fpga *f, uint64_t seed)
{
	struct xpdk_helb_cfg cfg = { .mode = XPDK_OPAE_HE_MODE_LPBK,
				     .src = src,
				     .dst = dst,
				     .lines = LINES,
				     .req_lines = 4 };
	struct xpdk_helb_result res;
	uint64_t *s = src->va, *d = dst->va;

	for (uint64_t i = 0; i < LINES * 8; i++) {
		s[i] = (i + seed) * 0x9e3779b97f4a7c15ull;
		d[i] = 0xdddddddddddddddd;
	}
	assert_int_equal(xpdk_helb_attach(f, 0, NULL), 0);
	if (xpdk_helb_run(f, &cfg, &res) < 0)
		fail_msg("%s", xpdk_strerror_last());
	assert_int_equal(res.reads, LINES);
	assert_int_equal(res.writes, LINES);
	assert_int_equal(res.err_vector, 0);
	assert_memory_equal(dst->va, src->va, LINES * 64);
}

static void test_pf_has_an_sriov_capability(void **state)
{
	struct xpdk_fpga *pf = open_or_fail(pf_name);
	struct xpdk_fpga_sriov s;
	char name[128];

	(void)state;
	assert_int_equal(xpdk_fpga_sriov_info(pf, &s), 0);
	assert_int_equal(s.total_vfs, 1); /* TotalVFs = the FME's ports */
	assert_int_equal(s.num_vfs, 0);
	assert_false(s.enabled);
	assert_int_equal(s.vf_device, 0x0b31); /* N3000 PF 0b30 -> VF 0b31 */
	assert_int_equal(s.first_offset, 1);
	assert_int_equal(s.released, 0);
	assert_int_equal(xpdk_fpga_vf_name(pf, 0, name, sizeof(name)), 0);
	assert_true(strncmp(name, "vfio-user:", 10) == 0);
	assert_string_equal(name + 10, vf_sock);
	assert_int_equal(xpdk_fpga_vf_name(pf, 1, name, sizeof(name)), -EINVAL);
	assert_int_equal(xpdk_fpga_vf_name(pf, 0, name, 12), -ENAMETOOLONG);
	assert_int_equal(access(vf_sock, F_OK), -1); /* no VF before VF Enable */
	xpdk_fpga_close(pf);
}

static void test_refusals(void **state)
{
	struct xpdk_fpga *pf = open_or_fail(pf_name);
	uint16_t five = 5, num = 1;

	(void)state;
	assert_int_equal(xpdk_fpga_sriov_configure(pf, 2), -ERANGE); /* TotalVFs is 1 */
	assert_non_null(strstr(xpdk_strerror_last(), "TotalVFs is 1"));
	assert_int_equal(xpdk_fpga_sriov_configure(pf, 1), -EINVAL); /* no port released */
	assert_non_null(strstr(xpdk_strerror_last(), "0 released"));
	/* the device itself refuses NumVFs above TotalVFs (a driver that did not check) */
	assert_int_equal(
	    xpdk_dev_cfg_write(xpdk_fpga_dev(pf), PCI_CFG_SPACE_SIZE + PCI_SRIOV_NUM_VF, &five, 2),
	    -EINVAL);
	assert_int_equal(
	    xpdk_dev_cfg_read(xpdk_fpga_dev(pf), PCI_CFG_SPACE_SIZE + PCI_SRIOV_NUM_VF, &num, 2),
	    0);
	assert_int_equal(num, 0);
	assert_int_equal(xpdk_fpga_port_assign(pf, 0), -EBUSY); /* the PF has it */
	assert_int_equal(xpdk_fpga_port_release(pf, 1), -EINVAL);
	/* a port in use is not released */
	assert_int_equal(xpdk_helb_attach(pf, 0, NULL), 0);
	assert_int_equal(xpdk_fpga_port_release(pf, 0), -EBUSY);
	assert_non_null(strstr(xpdk_strerror_last(), "in use"));
	xpdk_fpga_close(pf);
	assert_int_equal(access(vf_sock, F_OK), -1);
}

static void test_release_vf_and_assign_life_cycle(void **state)
{
	struct xpdk_fpga *pf = open_or_fail(pf_name), *vf;
	struct xpdk_fpga_port_info pi;
	struct xpdk_fpga_fme_info fme;
	struct xpdk_fpga_sriov s;
	char name[128];
	uint64_t v = 0;

	(void)state;
	/* release: the PF lists the port as released and does not reach it */
	assert_int_equal(xpdk_fpga_port_release(pf, 0), 0);
	assert_int_equal(xpdk_fpga_port_release(pf, 0), -EBUSY);
	assert_int_equal(xpdk_fpga_port_info(pf, 0, &pi), 0);
	assert_true(pi.released);
	assert_int_equal(xpdk_fpga_port_reset(pf, 0), -EBUSY);
	xpdk_fpga_close(pf);
	/* the release lives in the FME register: another open (process) sees it */
	pf = open_or_fail(pf_name);
	assert_int_equal(xpdk_fpga_num_ports(pf), 1);
	assert_int_equal(xpdk_fpga_port_info(pf, 0, &pi), 0);
	assert_true(pi.released);
	assert_int_equal(pi.offset, XPDK_DEVSIM_DFL_PORT);

	/* one VF for the one released port: its socket appears */
	assert_int_equal(xpdk_fpga_sriov_configure(pf, 1), 0);
	assert_int_equal(xpdk_fpga_sriov_info(pf, &s), 0);
	assert_true(s.enabled);
	assert_int_equal(s.num_vfs, 1);
	assert_int_equal(access(vf_sock, F_OK), 0);
	assert_int_equal(xpdk_fpga_port_assign(pf, 0), -EBUSY); /* a VF owns it now */
	assert_non_null(strstr(xpdk_strerror_last(), "sriov 0"));

	/* the VF: no FME, the port at 0 with the AFU; HE-LB runs there with its data */
	assert_int_equal(xpdk_fpga_vf_name(pf, 0, name, sizeof(name)), 0);
	vf = open_or_fail(name);
	assert_int_equal(xpdk_dev_info(xpdk_fpga_dev(vf))->device, 0x0b31);
	assert_int_equal(xpdk_fpga_fme_info(vf, &fme), 0);
	assert_false(fme.present);
	assert_int_equal(xpdk_fpga_sriov_info(vf, &s), -ENOTSUP);
	assert_int_equal(xpdk_fpga_port_release(vf, 0), -ENOTSUP);
	assert_int_equal(xpdk_fpga_num_ports(vf), 1);
	assert_int_equal(xpdk_fpga_port_info(vf, 0, &pi), 0);
	assert_false(pi.released);
	assert_int_equal(pi.offset, 0);
	assert_int_equal(pi.afu_offset, XPDK_DEVSIM_DFL_AFU - XPDK_DEVSIM_DFL_PORT);
	loopback_checked(vf, 1);

	/* the PF no longer reaches the AFU: its registers read all ones */
	assert_int_equal(xpdk_region_read(xpdk_dev_region(xpdk_fpga_dev(pf), 0),
					  XPDK_DEVSIM_DFL_AFU + XPDK_DFH_GUID_L, 64, &v),
			 0);
	assert_true(v == ~0ULL);

	/* VFs are not disabled under an open VF */
	assert_int_equal(xpdk_fpga_sriov_configure(pf, 0), -EBUSY);
	assert_non_null(strstr(xpdk_strerror_last(), "in use"));
	assert_int_equal(access(vf_sock, F_OK), 0);
	loopback_checked(vf, 2); /* and the VF still works */
	xpdk_fpga_close(vf);

	/* disabled: the socket goes; the port is still released until assigned */
	assert_int_equal(xpdk_fpga_sriov_configure(pf, 0), 0);
	assert_int_equal(access(vf_sock, F_OK), -1);
	assert_int_equal(xpdk_fpga_port_info(pf, 0, &pi), 0);
	assert_true(pi.released);
	assert_int_equal(xpdk_fpga_port_assign(pf, 0), 0);
	assert_int_equal(xpdk_fpga_port_info(pf, 0, &pi), 0);
	assert_false(pi.released);
	assert_int_equal(pi.afu_offset, XPDK_DEVSIM_DFL_AFU);
	loopback_checked(pf, 3);
	xpdk_fpga_close(pf);
}

/* VF Enable set, cleared and set again: the VF's socket is served anew each time */
static void test_vf_served_again_after_disable(void **state)
{
	struct xpdk_fpga *pf = open_or_fail(pf_name), *vf;
	char name[128];

	(void)state;
	for (int round = 0; round < 2; round++) {
		assert_int_equal(xpdk_fpga_port_release(pf, 0), 0);
		assert_int_equal(xpdk_fpga_sriov_configure(pf, 1), 0);
		assert_int_equal(xpdk_fpga_vf_name(pf, 0, name, sizeof(name)), 0);
		vf = open_or_fail(name);
		loopback_checked(vf, 10 + (uint64_t)round);
		xpdk_fpga_close(vf);
		assert_int_equal(xpdk_fpga_sriov_configure(pf, 0), 0);
		assert_int_equal(access(vf_sock, F_OK), -1);
		assert_int_equal(xpdk_fpga_port_assign(pf, 0), 0);
	}
	loopback_checked(pf, 20);
	xpdk_fpga_close(pf);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pf_has_an_sriov_capability),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_release_vf_and_assign_life_cycle),
		cmocka_unit_test(test_vf_served_again_after_disable),
	};

	g_argc = argc;
	g_argv = argv;
	return cmocka_run_group_tests_name("fpga_sriov", tests, setup, teardown);
}
