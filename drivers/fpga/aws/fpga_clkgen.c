/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * fpga_clkgen on XPDK: reads and programs the AWS_CLK_GEN MMCMs on the management PF's BAR4.
 * Recipes are the frequencies AWS's guide lists, written as MMCM settings of our own; a
 * dynamic frequency uses a 1200 MHz VCO and a fractional output divider. Waits for lock are
 * bounded (AWS's library spins forever on an unexpected status).
 */

#include <errno.h>
#include <string.h>

#include "aws_priv.h"
#include "fpga_clkgen.h"
#include "fpga_mgmt.h"
#include "xpdk_f2_regs.h"

#define LOCK_WAIT_NS 1000000000ull
#define VCO_MULT     12 /* 1200 MHz from the 100 MHz reference */

enum { GA, GB, GC, GH, NGROUPS };

static const uint64_t base[NGROUPS] = { XPDK_F2_CG_MMCM_A, XPDK_F2_CG_MMCM_B, XPDK_F2_CG_MMCM_C,
					XPDK_F2_CG_MMCM_HBM };
static const unsigned int outs[NGROUPS] = { 3, 2, 2, 1 };
static const uint32_t max_mhz[NGROUPS] = { CLKGEN_A_1_MAX, CLKGEN_B_0_MAX, CLKGEN_C_0_MAX,
					   CLKGEN_HBM_MAX };

/* An MMCM setting: multiplier and dividers in thousandths. */
struct setting {
	uint32_t mult_k, div, d_k[3];
};

/* Recipes, per group, by index; { 0 } marks an index our references give no values for. */
static const struct setting recipes_a[] = {
	{ 15000, 2, { 12000, 4000, 3000 } }, /* A0: 62.5, 187.5, 250 */
	{ 15000, 1, { 12000, 4000, 3000 } }, /* A1: 125, 375, 500 (default) */
};
static const struct setting recipes_b[] = {
	{ 0 },
	{ 0 },
	{ 11250, 1, { 2500, 5000, 0 } },  /* B2: 450, 225 (default) */
	{ 10000, 1, { 4000, 16000, 0 } }, /* B3: 250, 62.5 */
};
static const struct setting recipes_c[] = {
	{ 12000, 1, { 4000, 3000, 0 } }, /* C0: 300, 400 (default) */
	{ 0 },
	{ 0 },
	{ 8000, 1, { 4000, 3000, 0 } }, /* C3: 200, 266.667 */
};
static const struct setting recipes_h[] = {
	{ 0 },
	{ 0 },
	{ 11250, 1, { 2500, 0, 0 } }, /* H2: 450 (default) */
	{ 0 },
	{ 12000, 1, { 3000, 0, 0 } }, /* H4: 400 */
};

struct cg {
	struct xpdk_aws_pf *c;
	const struct xpdk_region *r;
};

static int cg_open(int slot, struct cg *g)
{
	uint32_t id = 0, ver = 0, bld = 0;
	int rc = xpdk_aws_pf_get(slot, FPGA_MGMT_PF, &g->c);

	if (rc != 0)
		return rc;
	g->r = xpdk_aws_pf_bar(g->c, MGMT_PF_BAR4);
	if (g->r == NULL || xpdk_aws_rd32(g->r, XPDK_F2_CG_ID, &id) != 0 ||
	    xpdk_aws_rd32(g->r, XPDK_F2_CG_VER, &ver) != 0 ||
	    xpdk_aws_rd32(g->r, XPDK_F2_CG_BLD, &bld) != 0 || id != AWS_CLKGEN_ID ||
	    ver != AWS_CLKGEN_VER || bld != AWS_CLKGEN_BLD) {
		xpdk_aws_pf_put(g->c);
		xpdk_err(ENODEV, "slot %d: no AWS_CLK_GEN on the management PF's BAR4 (id 0x%08x)",
			 slot, id);
		return FPGA_ERR_CLKGEN_NOT_FOUND;
	}
	return 0;
}

static double out_mhz(uint32_t main, uint32_t clk, bool frac)
{
	double mult = (double)XPDK_FIELD_GET(XPDK_F2_CG_MAIN_MULT, main) +
		      (double)(XPDK_FIELD_GET(XPDK_F2_CG_MAIN_FRAC, main) % 1000) / 1000.0;
	double div = (double)XPDK_FIELD_GET(XPDK_F2_CG_MAIN_DIV, main);
	double d = (double)XPDK_FIELD_GET(XPDK_F2_CG_CLK_DIV, clk) +
		   (frac ? (double)(XPDK_FIELD_GET(XPDK_F2_CG_CLK0_FRAC, clk) % 1000) / 1000.0 : 0);

	return div > 0 && d > 0 ? XPDK_F2_CG_REF_MHZ * mult / div / d : 0;
}

int aws_clkgen_get_dynamic(int slot_id, struct fpga_clkgen_info *info)
{
	static const uint64_t clk_reg[3] = { XPDK_F2_CG_CLK0_CFG, XPDK_F2_CG_CLK1_CFG,
					     XPDK_F2_CG_CLK2_CFG };
	struct fpga_clkgen_group *grp[NGROUPS];
	struct cg g;
	int rc;

	if (info == NULL)
		return -EINVAL;
	memset(info, 0, sizeof(*info)); /* clocks a group lacks read 0 */
	grp[GA] = &info->clock_group_a;
	grp[GB] = &info->clock_group_b;
	grp[GC] = &info->clock_group_c;
	grp[GH] = &info->clock_group_hbm;
	rc = cg_open(slot_id, &g);
	if (rc != 0)
		return rc;
	for (int i = 0; i < NGROUPS && rc == 0; i++) {
		uint32_t main = 0, clk = 0;

		rc = xpdk_aws_rd32(g.r, base[i] + XPDK_F2_CG_MAIN_CFG, &main);
		for (unsigned int o = 0; o < outs[i] && rc == 0; o++) {
			rc = xpdk_aws_rd32(g.r, base[i] + clk_reg[o], &clk);
			grp[i]->clocks[o] = out_mhz(main, clk, o == 0);
		}
	}
	xpdk_aws_pf_put(g.c);
	return rc;
}

/* Wait until @p off reads @p want, at most LOCK_WAIT_NS. */
static int wait_reg(const struct xpdk_region *r, uint64_t off, uint32_t mask, uint32_t want)
{
	uint64_t end = xpdk_now_ns() + LOCK_WAIT_NS;

	for (unsigned int i = 0;; i++) {
		uint32_t v;
		int rc = xpdk_aws_rd32(r, off, &v);

		if (rc != 0)
			return rc;
		if ((v & mask) == want)
			return 0;
		if (xpdk_now_ns() > end) {
			xpdk_err(ETIMEDOUT,
				 "clock generator register 0x%llx reads 0x%08x, not 0x%x "
				 "(an MMCM did not lock)",
				 (unsigned long long)off, v, want);
			return FPGA_ERR_UNRESPONSIVE;
		}
		if (i > 100)
			xpdk_aws_sleep_ms(1);
	}
}

static int program(const struct xpdk_region *r, int grp, const struct setting *s)
{
	uint64_t b = base[grp];
	uint32_t main = (uint32_t)(XPDK_FIELD_PREP(XPDK_F2_CG_MAIN_DIV, s->div) |
				   XPDK_FIELD_PREP(XPDK_F2_CG_MAIN_MULT, s->mult_k / 1000) |
				   XPDK_FIELD_PREP(XPDK_F2_CG_MAIN_FRAC, s->mult_k % 1000));
	uint32_t c0 = (uint32_t)(XPDK_FIELD_PREP(XPDK_F2_CG_CLK_DIV, s->d_k[0] / 1000) |
				 XPDK_FIELD_PREP(XPDK_F2_CG_CLK0_FRAC, s->d_k[0] % 1000));
	int rc;

	if ((rc = xpdk_aws_wr32(r, b + XPDK_F2_CG_MAIN_CFG, main)) != 0 ||
	    (rc = xpdk_aws_wr32(r, b + XPDK_F2_CG_CLK0_CFG, c0)) != 0 ||
	    (rc = xpdk_aws_wr32(r, b + XPDK_F2_CG_CLK1_CFG, s->d_k[1] / 1000)) != 0 ||
	    (rc = xpdk_aws_wr32(r, b + XPDK_F2_CG_CLK2_CFG, s->d_k[2] / 1000)) != 0 ||
	    (rc = wait_reg(r, b + XPDK_F2_CG_STATUS, 1, 1)) != 0 ||
	    (rc = xpdk_aws_wr32(r, b + XPDK_F2_CG_LOAD, XPDK_F2_CG_LOAD_APPLY)) != 0)
		return rc;
	return wait_reg(r, b + XPDK_F2_CG_STATUS, 1, 1);
}

/* Program the groups whose setting is given (mult_k != 0), in AWS's order. */
static int apply(int slot, const struct setting *s[NGROUPS], uint32_t reset)
{
	struct cg g;
	int rc = cg_open(slot, &g);

	if (rc != 0)
		return rc;
	if ((rc = xpdk_aws_wr32(g.r, XPDK_F2_CG_G_RST, 0)) != 0 ||
	    (rc = xpdk_aws_wr32(g.r, XPDK_F2_CG_SYS_RST, 0xffffffff)) != 0)
		goto out;
	for (int i = 0; i < NGROUPS && rc == 0; i++) {
		if (reset)
			rc = xpdk_aws_wr32(g.r, base[i] + XPDK_F2_CG_LOAD, XPDK_F2_CG_LOAD_DEFAULT);
		if (rc == 0 && s[i] != NULL)
			rc = program(g.r, i, s[i]);
	}
	if (rc == 0 && (rc = xpdk_aws_wr32(g.r, XPDK_F2_CG_G_RST, 0)) == 0 &&
	    (rc = wait_reg(g.r, XPDK_F2_CG_MMCM_LOCK, 0xffffffff, AWS_CLKGEN_LOCK)) == 0)
		rc = xpdk_aws_wr32(g.r, XPDK_F2_CG_SYS_RST, 0);
out:
	xpdk_aws_pf_put(g.c);
	return rc;
}

static const struct setting *recipe(const struct setting *tab, size_t n, uint32_t idx)
{
	return idx < n && tab[idx].mult_k != 0 ? &tab[idx] : NULL;
}

int aws_clkgen_set_recipe(int slot_id, uint32_t clk_a_recipe, uint32_t clk_b_recipe,
			  uint32_t clk_c_recipe, uint32_t clk_hbm_recipe, uint32_t reset)
{
	const struct setting *s[NGROUPS] = {
		recipe(recipes_a, XPDK_ARRAY_SIZE(recipes_a), clk_a_recipe),
		recipe(recipes_b, XPDK_ARRAY_SIZE(recipes_b), clk_b_recipe),
		recipe(recipes_c, XPDK_ARRAY_SIZE(recipes_c), clk_c_recipe),
		recipe(recipes_h, XPDK_ARRAY_SIZE(recipes_h), clk_hbm_recipe),
	};

	for (int i = 0; i < NGROUPS; i++) {
		if (s[i] == NULL) {
			xpdk_err(EINVAL,
				 "clock recipe %c%u is not one XPDK knows (A0-A1, B2-B3, "
				 "C0, C3, H2, H4)",
				 "ABCH"[i],
				 i == 0	  ? clk_a_recipe
				 : i == 1 ? clk_b_recipe
				 : i == 2 ? clk_c_recipe
					  : clk_hbm_recipe);
			return FPGA_ERR_INVALID_CLKGEN_INPUTS;
		}
	}
	return apply(slot_id, s, reset);
}

int aws_clkgen_set_dynamic(int slot_id, uint32_t clk_a_freq, uint32_t clk_b_freq,
			   uint32_t clk_c_freq, uint32_t clk_hbm_freq, uint32_t reset)
{
	const uint32_t f[NGROUPS] = { clk_a_freq, clk_b_freq, clk_c_freq, clk_hbm_freq };
	struct setting set[NGROUPS];
	const struct setting *s[NGROUPS] = { NULL };

	for (int i = 0; i < NGROUPS; i++) {
		if (f[i] == 0)
			continue;
		if (f[i] > max_mhz[i] || VCO_MULT * 100 * 1000 / f[i] > 255999) {
			xpdk_err(EINVAL, "clock group %c: %u MHz is outside 1 to %u MHz", "ABCH"[i],
				 f[i], max_mhz[i]);
			return FPGA_ERR_INVALID_CLKGEN_INPUTS;
		}
		/* the first clock at f; the others of the group at VCO / 15 */
		set[i] = (struct setting){ VCO_MULT * 1000,
					   1,
					   { VCO_MULT * 100 * 1000 / f[i], 15000, 15000 } };
		s[i] = &set[i];
	}
	return apply(slot_id, s, reset);
}
