/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The f2 model's custom logic (CL): the application PF's BAR0 (OCL) and BAR4 (PCIS) as the
 * loaded AFI decodes them. The F1-compatible hello world (0x500 byte-swapping register, vLED at
 * 0x504 shown through the vDIP mask); cl_mem_perf's clock-frequency counters (0x600-0x634),
 * which measure what the clock generator was set to; cl_sde's traffic generator, loopback and
 * reset registers and its SDE (model_f2_sde.c). With no AFI, or outside what the CL decodes,
 * the shell times out: reads return 0xFFFFFFFF, writes are dropped and the metrics count the
 * timeout and its address, as AWS's shell does.
 */

#include <string.h>

#include "model_f2.h"

#define CLK_MAIN_A0_HZ 250000000ull
#define CLK_HBM_REF_HZ 100000000ull
#define CLK_REF_HZ     100000000u
#define DEAD_BEEF      0xdeadbeefu
#define DEAD_DEAD      0xdeaddeadu
#define BAR4_CSR_LO    0x2000
#define BAR4_CSR_HI    0x4000

static enum f2_cl cl_of(const struct f2_slot *sl)
{
	const struct f2_shell *sh = &sl->shell;

	return sh->afi != NULL && sh->status == XPDK_F2_STATUS_LOADED ? sh->afi->cl : CL_NONE;
}

void xpdk_f2m_cl_reset(struct f2_slot *sl)
{
	sl->hello = 0;
	sl->clk_ctl = 0;
	sl->measured = false;
	memset(sl->clk_meas_hz, 0, sizeof(sl->clk_meas_hz));
	memset(sl->mem_csr, 0, sizeof(sl->mem_csr));
	xpdk_f2m_sde_reset(&sl->sde);
}

static uint32_t ocl_timeout(struct f2_slot *sl, uint64_t off)
{
	sl->shell.m.ocl_slave_timeout_addr = (uint32_t)off;
	sl->shell.m.ocl_slave_timeout_count++;
	sl->shell.m.int_status |= XPDK_F2_INT_PCI_SLAVE_OCL_TIMEOUT;
	return 0xffffffffu;
}

static uint32_t pcis_timeout(struct f2_slot *sl, uint64_t off)
{
	sl->shell.m.dma_pcis_timeout_addr = off;
	sl->shell.m.dma_pcis_timeout_count++;
	sl->shell.m.int_status |= XPDK_F2_INT_PCI_SLAVE_TIMEOUT;
	return 0xffffffffu;
}

static void measure(struct f2_slot *sl)
{
	const struct f2_clkgen *cg = &sl->cg;
	bool gated = sl->shell.status_q == XPDK_F2_ERR_POWER_VIOLATION;
	unsigned int i = 0;

	sl->clk_meas_hz[i++] = CLK_MAIN_A0_HZ;
	for (unsigned int o = 0; o < 3; o++)
		sl->clk_meas_hz[i++] = xpdk_f2m_clkgen_hz(cg, CG_A, o);
	for (unsigned int o = 0; o < 2; o++)
		sl->clk_meas_hz[i++] = xpdk_f2m_clkgen_hz(cg, CG_B, o);
	for (unsigned int o = 0; o < 2; o++)
		sl->clk_meas_hz[i++] = xpdk_f2m_clkgen_hz(cg, CG_C, o);
	sl->clk_meas_hz[i++] = xpdk_f2m_clkgen_hz(cg, CG_HBM, 0);
	sl->clk_meas_hz[i] = CLK_HBM_REF_HZ;
	if (gated) /* an AFI over its power budget has its clocks gated */
		memset(sl->clk_meas_hz, 0, sizeof(sl->clk_meas_hz));
	sl->measured = true;
}

static uint32_t ocl_read(struct f2_slot *sl, uint64_t off)
{
	switch (cl_of(sl)) {
	case CL_HELLO:
		if (off == XPDK_F2_HELLO_REG)
			return __builtin_bswap32(sl->hello);
		if (off == XPDK_F2_HELLO_VLED)
			return sl->hello & 0xffff;
		return 0;
	case CL_MEM_PERF:
		if (off < 0x600 || off >= 0x700)
			return off < 0xe00 ? DEAD_BEEF : ocl_timeout(sl, off);
		if (off == XPDK_F2_CLKFREQ_CTL)
			return sl->clk_ctl;
		if (off == XPDK_F2_CLKFREQ_REF)
			return sl->measured ? CLK_REF_HZ : 0;
		if (off >= XPDK_F2_CLKFREQ_CTR(0) && off < XPDK_F2_CLKFREQ_CTR(XPDK_F2_CLKFREQ_NUM))
			return (uint32_t)sl->clk_meas_hz[(off - XPDK_F2_CLKFREQ_CTR(0)) / 4];
		return DEAD_DEAD;
	case CL_SDE:
		switch (off) {
		case XPDK_F2_SDE_ATG_TX_CTRL:
			return sl->sde.atg_ctl;
		case XPDK_F2_SDE_ATG0_DATA:
			return sl->sde.atg_data;
		case XPDK_F2_SDE_ATG0_SIZE:
			return sl->sde.atg_size;
		case XPDK_F2_SDE_SRM_RX_CTL:
			return sl->sde.srm_ctl;
		case XPDK_F2_SDE_GP_CFG0:
			return sl->sde.gp_cfg;
		default:
			return off < 0x180 ? DEAD_DEAD : 0;
		}
	default:
		return ocl_timeout(sl, off);
	}
}

static void ocl_write(struct f2_slot *sl, uint64_t off, uint32_t v)
{
	switch (cl_of(sl)) {
	case CL_HELLO:
		if (off == XPDK_F2_HELLO_REG)
			sl->hello = v;
		return;
	case CL_MEM_PERF:
		if (off != XPDK_F2_CLKFREQ_CTL)
			return;
		sl->clk_ctl = v & (uint32_t)(XPDK_F2_CLKFREQ_CTL_CLEAR | XPDK_F2_CLKFREQ_CTL_START);
		if (sl->clk_ctl & XPDK_F2_CLKFREQ_CTL_CLEAR) {
			memset(sl->clk_meas_hz, 0, sizeof(sl->clk_meas_hz));
			sl->measured = false;
		} else if (sl->clk_ctl & XPDK_F2_CLKFREQ_CTL_START) {
			/* the hardware counts for one second; the simulation is done at once */
			measure(sl);
			sl->clk_ctl &= ~(uint32_t)XPDK_F2_CLKFREQ_CTL_START;
		}
		return;
	case CL_SDE:
		switch (off) {
		case XPDK_F2_SDE_ATG_TX_CTRL:
			sl->sde.atg_ctl = v;
			sl->sde.atg_seq = 0;
			sl->sde.atg_left = 0;
			break;
		case XPDK_F2_SDE_ATG0_DATA:
			sl->sde.atg_data = v;
			break;
		case XPDK_F2_SDE_ATG0_SIZE:
			sl->sde.atg_size = v;
			break;
		case XPDK_F2_SDE_SRM_RX_CTL:
			sl->sde.srm_ctl = v & 0x3f;
			break;
		case XPDK_F2_SDE_GP_CFG0:
			if ((v & XPDK_F2_SDE_GP_RESET) && !(sl->sde.gp_cfg & XPDK_F2_SDE_GP_RESET))
				xpdk_f2m_sde_reset(&sl->sde); /* resets the SRM and generator too */
			sl->sde.gp_cfg = v & 0xf;
			break;
		default:
			break;
		}
		return;
	default:
		ocl_timeout(sl, off);
		return;
	}
}

static uint32_t bar4_read(struct f2_slot *sl, uint64_t off)
{
	if (off >= BAR4_CSR_LO && off < BAR4_CSR_HI) {
		if (cl_of(sl) == CL_SDE)
			return xpdk_f2m_sde_read(&sl->sde, off);
		if (cl_of(sl) == CL_MEM_PERF)
			return sl->mem_csr[(off - BAR4_CSR_LO) / 4];
	}
	return pcis_timeout(sl, off);
}

static void bar4_write(struct f2_slot *sl, uint64_t off, uint32_t v)
{
	if (off >= BAR4_CSR_LO && off < BAR4_CSR_HI) {
		if (cl_of(sl) == CL_SDE) {
			xpdk_f2m_sde_write(&sl->sde, off, v);
			return;
		}
		if (cl_of(sl) == CL_MEM_PERF) {
			sl->mem_csr[(off - BAR4_CSR_LO) / 4] = v;
			return;
		}
	}
	pcis_timeout(sl, off);
}

/* One aligned 32-bit access; the CL's interfaces are 32-bit (AXI-Lite) for registers. */
static uint32_t rd32(struct f2_slot *sl, unsigned int bar, uint64_t off)
{
	if (bar == 0)
		return ocl_read(sl, off);
	if (bar == 4)
		return bar4_read(sl, off);
	return 0; /* BAR2: MSI-X/XDMA, nothing for the CL */
}

static void wr32(struct f2_slot *sl, unsigned int bar, uint64_t off, uint32_t v)
{
	if (bar == 0)
		ocl_write(sl, off, v);
	else if (bar == 4)
		bar4_write(sl, off, v);
}

uint64_t xpdk_f2m_app_read(struct f2_slot *sl, unsigned int bar, uint64_t off, unsigned int size)
{
	uint64_t v;

	if (size == 8)
		return rd32(sl, bar, off) | (uint64_t)rd32(sl, bar, off + 4) << 32;
	v = rd32(sl, bar, off & ~3ull);
	return (v >> (8 * (off & 3))) & (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
}

void xpdk_f2m_app_write(struct f2_slot *sl, unsigned int bar, uint64_t off, unsigned int size,
			uint64_t val)
{
	if (size == 8) {
		wr32(sl, bar, off, (uint32_t)val);
		wr32(sl, bar, off + 4, (uint32_t)(val >> 32));
	} else if (size == 4) {
		wr32(sl, bar, off, (uint32_t)val);
	} else if (bar == 0 && cl_of(sl) == CL_NONE) {
		ocl_timeout(sl, off); /* narrow writes reach no register, but still time out */
	}
}
