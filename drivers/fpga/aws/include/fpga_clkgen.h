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

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

XPDK_API_BEGIN

static const int AWS_CLKGEN_PF = 1;	      /**< the clock generator is on the management PF */
static const int AWS_CLKGEN_BAR = 4;	      /**< in its BAR4 */
#define AWS_CLKGEN_ID		   0x90481D0F /**< the clock generator's ID register value */
#define AWS_CLKGEN_VER		   0x02010000 /**< its version */
#define AWS_CLKGEN_BLD		   0x09232223 /**< its build */
#define AWS_CLKGEN_LOCK		   0x151      /**< all MMCMs locked */
#define FPGA_CLKGEN_GROUP_CLKS_MAX 3	      /**< clocks per group */
#define CLKGEN_A_1_MAX		   125	      /**< MHz, clock A1 at most */
#define CLKGEN_A_2_MAX		   375	      /**< MHz, clock A2 at most */
#define CLKGEN_A_3_MAX		   500	      /**< MHz, clock A3 at most */
#define CLKGEN_B_0_MAX		   450	      /**< MHz, clock B0 at most */
#define CLKGEN_B_1_MAX		   225	      /**< MHz, clock B1 at most */
#define CLKGEN_C_0_MAX		   300	      /**< MHz, clock C0 at most */
#define CLKGEN_C_1_MAX		   400	      /**< MHz, clock C1 at most */
#define CLKGEN_HBM_MAX		   450	      /**< MHz, the HBM clock at most */

/** The clocks of one group. */
struct fpga_clkgen_group {
	double clocks[FPGA_CLKGEN_GROUP_CLKS_MAX]; /**< MHz */
};

/** The applied frequencies of every group. */
struct fpga_clkgen_info {
	struct fpga_clkgen_group clock_group_a;	  /**< group A */
	struct fpga_clkgen_group clock_group_b;	  /**< group B */
	struct fpga_clkgen_group clock_group_c;	  /**< group C */
	struct fpga_clkgen_group clock_group_hbm; /**< the HBM clock */
};

/** An MMCM recipe (AWS's clock generator registers). */
struct clkgen_recipe {
	uint32_t mult;	    /**< feedback multiplier */
	uint32_t mult_frac; /**< its fraction */
	uint32_t div;	    /**< input divider */
	uint32_t div0;	    /**< output 0 divider */
	uint32_t div0_frac; /**< its fraction */
	uint32_t div1;	    /**< output 1 divider */
	uint32_t div2;	    /**< output 2 divider */
};

/**
 * Read the applied frequencies.
 * @param slot_id the slot.
 * @param info receives them.
 * @return 0, FPGA_ERR_CLKGEN_NOT_FOUND, or an error.
 */
int aws_clkgen_get_dynamic(int slot_id, struct fpga_clkgen_info *info);
/**
 * Apply recipes (indices) to the four groups.
 * @param slot_id the slot.
 * @param clk_a_recipe group A's recipe.
 * @param clk_b_recipe group B's recipe.
 * @param clk_c_recipe group C's recipe.
 * @param clk_hbm_recipe the HBM clock's recipe.
 * @param reset 1 asserts the CL's resets after.
 * @return 0, FPGA_ERR_INVALID_CLKGEN_INPUTS, FPGA_ERR_CLKGEN_NOT_FOUND, or an error.
 */
int aws_clkgen_set_recipe(int slot_id, uint32_t clk_a_recipe, uint32_t clk_b_recipe,
			  uint32_t clk_c_recipe, uint32_t clk_hbm_recipe, uint32_t reset);
/**
 * Set the first clock of each group to a frequency in MHz (0: leave the group).
 * @param slot_id the slot.
 * @param clk_a_freq group A, MHz.
 * @param clk_b_freq group B, MHz.
 * @param clk_c_freq group C, MHz.
 * @param clk_hbm_freq the HBM clock, MHz.
 * @param reset 1 asserts the CL's resets after.
 * @return 0, FPGA_ERR_INVALID_CLKGEN_INPUTS, FPGA_ERR_CLKGEN_NOT_FOUND, or an error.
 */
int aws_clkgen_set_dynamic(int slot_id, uint32_t clk_a_freq, uint32_t clk_b_freq,
			   uint32_t clk_c_freq, uint32_t clk_hbm_freq, uint32_t reset);

XPDK_API_END

#ifdef __cplusplus
}
#endif

#endif /* XPDK_AWS_FPGA_CLKGEN_H */
