/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * AWS F2 SDK compatibility: `fpga_clkgen`, the AWS_CLK_GEN clock generator on the management
 * PF's BAR4 (groups A, B, C and HBM), with AWS's names and semantics.
 *
 * Differences from AWS's library, where AWS's behaviour is a trap (doc/aws-f2.md):
 *  - waiting for an MMCM to lock is bounded (FPGA_ERR_UNRESPONSIVE after ~1 s) instead of
 *    spinning forever on an unexpected status;
 *  - aws_clkgen_get_dynamic() zeroes the whole structure, so clocks a group does not have
 *    read 0 instead of uninitialised memory.
 * Recipes: the indices AWS's guide gives values for (A0, A1, B2, B3, C0, C3, H2, H4); others
 * are FPGA_ERR_INVALID_CLKGEN_INPUTS. Dynamic frequencies are in MHz, 0 keeps a group as it is.
 */

#ifndef XPDK_AWS_FPGA_CLKGEN_H
#define XPDK_AWS_FPGA_CLKGEN_H

#include <stdint.h>

#include "fpga_common.h"

#ifdef __cplusplus
extern "C" {
#endif

static const int AWS_CLKGEN_PF = 1;
static const int AWS_CLKGEN_BAR = 4;
#define AWS_CLKGEN_ID		   0x90481D0F
#define AWS_CLKGEN_VER		   0x02010000
#define AWS_CLKGEN_BLD		   0x09232223
#define AWS_CLKGEN_LOCK		   0x151
#define FPGA_CLKGEN_GROUP_CLKS_MAX 3
#define CLKGEN_A_1_MAX		   125
#define CLKGEN_A_2_MAX		   375
#define CLKGEN_A_3_MAX		   500
#define CLKGEN_B_0_MAX		   450
#define CLKGEN_B_1_MAX		   225
#define CLKGEN_C_0_MAX		   300
#define CLKGEN_C_1_MAX		   400
#define CLKGEN_HBM_MAX		   450

struct fpga_clkgen_group {
	double clocks[FPGA_CLKGEN_GROUP_CLKS_MAX]; /**< MHz */
};

struct fpga_clkgen_info {
	struct fpga_clkgen_group clock_group_a;
	struct fpga_clkgen_group clock_group_b;
	struct fpga_clkgen_group clock_group_c;
	struct fpga_clkgen_group clock_group_hbm;
};

struct clkgen_recipe {
	uint32_t mult, mult_frac, div, div0, div0_frac, div1, div2;
};

/** Read the applied frequencies. @return 0, FPGA_ERR_CLKGEN_NOT_FOUND, or an error. */
int aws_clkgen_get_dynamic(int slot_id, struct fpga_clkgen_info *info);
/** Apply recipes (indices) to the four groups; @p reset 1 asserts the CL's resets after. */
int aws_clkgen_set_recipe(int slot_id, uint32_t clk_a_recipe, uint32_t clk_b_recipe,
			  uint32_t clk_c_recipe, uint32_t clk_hbm_recipe, uint32_t reset);
/** Set the first clock of each group to a frequency in MHz (0: leave the group). */
int aws_clkgen_set_dynamic(int slot_id, uint32_t clk_a_freq, uint32_t clk_b_freq,
			   uint32_t clk_c_freq, uint32_t clk_hbm_freq, uint32_t reset);

#ifdef __cplusplus
}
#endif

#endif /* XPDK_AWS_FPGA_CLKGEN_H */
