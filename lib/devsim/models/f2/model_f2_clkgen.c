/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The f2 model's clock generator (AWS_CLK_GEN on the management PF's BAR4): four MMCMs (groups
 * A, B, C and HBM) whose multiplier and dividers software writes, then applies with LOAD; the
 * AWS identification, reset and lock registers. Frequencies follow from what was applied:
 * 100 MHz x (mult + frac/1000) / div / (clock divider + frac/1000). Power-on settings are AWS's
 * default recipes A1/B2/C0/H2 (125/375/500, 450/225, 300/400 and 450 MHz). No devsim call here.
 */

#include <string.h>

#include "model_f2.h"

static const uint32_t mmcm_base[CG_GROUPS] = { XPDK_F2_CG_MMCM_A, XPDK_F2_CG_MMCM_B,
					       XPDK_F2_CG_MMCM_C, XPDK_F2_CG_MMCM_HBM };
static const unsigned int mmcm_outs[CG_GROUPS] = { 3, 2, 2, 1 };

static uint32_t main_cfg(unsigned int mult, unsigned int frac, unsigned int div)
{
	return (uint32_t)(XPDK_FIELD_PREP(XPDK_F2_CG_MAIN_DIV, div) |
			  XPDK_FIELD_PREP(XPDK_F2_CG_MAIN_MULT, mult) |
			  XPDK_FIELD_PREP(XPDK_F2_CG_MAIN_FRAC, frac));
}

static uint32_t clk_cfg(unsigned int div, unsigned int frac)
{
	return (uint32_t)(XPDK_FIELD_PREP(XPDK_F2_CG_CLK_DIV, div) |
			  XPDK_FIELD_PREP(XPDK_F2_CG_CLK0_FRAC, frac));
}

static void mmcm_default(struct f2_mmcm *m, unsigned int g)
{
	switch (g) {
	case CG_A: /* 1500 MHz: /12 /4 /3 */
		m->main_cfg = main_cfg(15, 0, 1);
		m->clk_cfg[0] = clk_cfg(12, 0);
		m->clk_cfg[1] = clk_cfg(4, 0);
		m->clk_cfg[2] = clk_cfg(3, 0);
		break;
	case CG_B: /* 1125 MHz: /2.5 /5 */
		m->main_cfg = main_cfg(11, 250, 1);
		m->clk_cfg[0] = clk_cfg(2, 500);
		m->clk_cfg[1] = clk_cfg(5, 0);
		m->clk_cfg[2] = 0;
		break;
	case CG_C: /* 1200 MHz: /4 /3 */
		m->main_cfg = main_cfg(12, 0, 1);
		m->clk_cfg[0] = clk_cfg(4, 0);
		m->clk_cfg[1] = clk_cfg(3, 0);
		m->clk_cfg[2] = 0;
		break;
	default: /* HBM, 1125 MHz: /2.5 */
		m->main_cfg = main_cfg(11, 250, 1);
		m->clk_cfg[0] = clk_cfg(2, 500);
		m->clk_cfg[1] = m->clk_cfg[2] = 0;
		break;
	}
	m->act_main = m->main_cfg;
	memcpy(m->act_clk, m->clk_cfg, sizeof(m->act_clk));
}

void xpdk_f2m_clkgen_reset(struct f2_clkgen *cg)
{
	bool no_lock = cg->no_lock;

	memset(cg, 0, sizeof(*cg));
	cg->no_lock = no_lock;
	cg->sys_rst = 0x3fe;
	for (unsigned int g = 0; g < CG_GROUPS; g++)
		mmcm_default(&cg->mmcm[g], g);
	cg->sys_rst = 0; /* AWS's default: clocks running */
}

uint64_t xpdk_f2m_clkgen_hz(const struct f2_clkgen *cg, unsigned int g, unsigned int out)
{
	const struct f2_mmcm *m;
	uint64_t mult_k, div, cdiv_k;

	if (g >= CG_GROUPS || out >= mmcm_outs[g] || cg->g_rst != 0)
		return 0;
	m = &cg->mmcm[g];
	div = XPDK_FIELD_GET(XPDK_F2_CG_MAIN_DIV, m->act_main);
	mult_k = XPDK_FIELD_GET(XPDK_F2_CG_MAIN_MULT, m->act_main) * 1000 +
		 XPDK_FIELD_GET(XPDK_F2_CG_MAIN_FRAC, m->act_main) % 1000;
	cdiv_k = XPDK_FIELD_GET(XPDK_F2_CG_CLK_DIV, m->act_clk[out]) * 1000;
	if (out == 0)
		cdiv_k += XPDK_FIELD_GET(XPDK_F2_CG_CLK0_FRAC, m->act_clk[0]) % 1000;
	if (div == 0 || cdiv_k == 0)
		return 0;
	/* Hz = 100e6 * mult_k / 1000 / div / (cdiv_k / 1000) */
	return (uint64_t)XPDK_F2_CG_REF_MHZ * 1000000ull * mult_k / div / cdiv_k;
}

/* The MMCM and register of @p off, or -1. */
static int mmcm_of(uint64_t off, uint64_t *reg)
{
	for (int g = 0; g < CG_GROUPS; g++) {
		if (off >= mmcm_base[g] && off < mmcm_base[g] + 0x1000) {
			*reg = off - mmcm_base[g];
			return g;
		}
	}
	return -1;
}

uint32_t xpdk_f2m_clkgen_read(struct f2_clkgen *cg, uint64_t off)
{
	uint64_t reg;
	int g = mmcm_of(off, &reg);

	if (g >= 0) {
		struct f2_mmcm *m = &cg->mmcm[g];

		switch (reg) {
		case XPDK_F2_CG_STATUS:
			return cg->no_lock ? 0 : XPDK_F2_CG_STATUS_LOCKED;
		case XPDK_F2_CG_MAIN_CFG:
			return m->main_cfg;
		case XPDK_F2_CG_CLK0_CFG:
			return m->clk_cfg[0];
		case XPDK_F2_CG_CLK1_CFG:
			return m->clk_cfg[1];
		case XPDK_F2_CG_CLK2_CFG:
			return m->clk_cfg[2];
		default:
			return 0;
		}
	}
	switch (off) {
	case XPDK_F2_CG_ID:
		return XPDK_F2_CG_ID_VAL;
	case XPDK_F2_CG_VER:
		return XPDK_F2_CG_VER_VAL;
	case XPDK_F2_CG_BLD:
		return XPDK_F2_CG_BLD_VAL;
	case XPDK_F2_CG_CLKS_AVAIL:
		return 0x1ff;
	case XPDK_F2_CG_G_RST:
		return cg->g_rst;
	case XPDK_F2_CG_SYS_RST:
		return cg->sys_rst;
	case XPDK_F2_CG_DIS_RST_MAIN:
		return cg->dis_rst_main;
	case XPDK_F2_CG_MMCM_LOCK:
		return cg->no_lock || cg->g_rst ? 0 : XPDK_F2_CG_LOCK_ALL;
	default:
		return XPDK_F2_CG_UNDEFINED;
	}
}

void xpdk_f2m_clkgen_write(struct f2_clkgen *cg, uint64_t off, uint32_t val)
{
	uint64_t reg;
	int g = mmcm_of(off, &reg);

	if (g >= 0) {
		struct f2_mmcm *m = &cg->mmcm[g];

		switch (reg) {
		case XPDK_F2_CG_MAIN_CFG:
			m->main_cfg = val;
			break;
		case XPDK_F2_CG_CLK0_CFG:
			m->clk_cfg[0] = val;
			break;
		case XPDK_F2_CG_CLK1_CFG:
			m->clk_cfg[1] = val;
			break;
		case XPDK_F2_CG_CLK2_CFG:
			m->clk_cfg[2] = val;
			break;
		case XPDK_F2_CG_LOAD:
			if (val == XPDK_F2_CG_LOAD_APPLY) {
				m->act_main = m->main_cfg;
				memcpy(m->act_clk, m->clk_cfg, sizeof(m->act_clk));
			} else if (val == XPDK_F2_CG_LOAD_DEFAULT) {
				mmcm_default(m, (unsigned int)g);
			}
			break;
		default:
			break;
		}
		return;
	}
	switch (off) {
	case XPDK_F2_CG_G_RST:
		cg->g_rst = val;
		break;
	case XPDK_F2_CG_SYS_RST:
		cg->sys_rst = val;
		break;
	case XPDK_F2_CG_DIS_RST_MAIN:
		cg->dis_rst_main = val;
		break;
	default:
		break;
	}
}
