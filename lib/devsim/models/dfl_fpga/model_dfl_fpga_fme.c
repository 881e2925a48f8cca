/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The dfl-fpga model's FME (FIU 0): header, thermal and power sensors, global errors, fabric
 * performance counters and partial reconfiguration (PR) from raw bitstreams.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_dfl_fpga.h"

/* ---- FME -------------------------------------------------------------------------------- */

static uint64_t temperature(struct dfl_fpga *d)
{
	/* 40..59 degrees C, moving by at most one degree per reading */
	uint64_t r = xpdk_dflm_rng_next(d) & 3;

	if (r == 0 && d->temp > 40)
		d->temp--;
	else if (r == 3 && d->temp < 59)
		d->temp++;
	return d->temp;
}

static uint64_t fab_counter(struct dfl_fpga *d)
{
	unsigned int ev = (unsigned int)XPDK_FIELD_GET(XPDK_FME_PERF_CTRL_EVNT, d->perf_fab_ctrl);
	uint64_t v;

	if (ev >= EV_MAX)
		return XPDK_FIELD_PREP(XPDK_FME_PERF_CNTR_EVNT, ev);
	v = d->perf_fab_ctrl & XPDK_FME_PERF_FREEZE_CNTR ? d->fab_frozen[ev]
							 : d->fab_events[ev] - d->fab_base[ev];
	return XPDK_FIELD_PREP(XPDK_FME_PERF_CNTR_EVNT, ev) | (v & XPDK_FME_PERF_FAB_CNTR_VAL);
}

static uint64_t pr_status(const struct dfl_fpga *d)
{
	return XPDK_FIELD_PREP(XPDK_FME_PR_STS_CREDIT, 0x1ff) |
	       (d->pr_active ? XPDK_FME_PR_STS_BUSY : 0);
}

uint64_t xpdk_dflm_fme_read(struct dfl_fpga *d, uint64_t off)
{
	switch (off) {
	/* header */
	case FME + XPDK_DFH:
		return xpdk_dflm_dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_FME, 1, THERMAL - FME,
				     false);
	case FME + XPDK_DFH_GUID_L:
		return FME_GUID_L;
	case FME + XPDK_DFH_GUID_H:
		return FME_GUID_H;
	case FME + XPDK_FME_HDR_CAP:
		return XPDK_FIELD_PREP(XPDK_FME_CAP_FABRIC_VERID, 1) | XPDK_FME_CAP_PCIE0_LINK |
		       XPDK_FME_CAP_IOMMU | XPDK_FIELD_PREP(XPDK_FME_CAP_NUM_PORTS, 1) |
		       XPDK_FIELD_PREP(XPDK_FME_CAP_ADDR_WIDTH, 48);
	case FME + XPDK_FME_HDR_PORT_OFST(0):
		return XPDK_FIELD_PREP(XPDK_FME_PORT_OFST_DFH, PORT) |
		       XPDK_FIELD_PREP(XPDK_FME_PORT_OFST_BAR, 0) | XPDK_FME_PORT_OFST_IMP |
		       (d->port_vf ? XPDK_FME_PORT_OFST_ACC : 0);
	case FME + XPDK_FME_HDR_BITSTREAM_ID:
		return d->bs_id;
	case FME + XPDK_FME_HDR_BITSTREAM_MD:
		return d->bs_md;
	/* thermal */
	case THERMAL + XPDK_DFH:
		return xpdk_dflm_dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_THERMAL_MGMT, 1,
				     FEAT_SIZE, false);
	case THERMAL + XPDK_FME_THERM_THRESHOLD: {
		uint64_t t = temperature(d), v = d->therm_threshold;

		if ((v & XPDK_FME_THERM_TH1_EN) && t >= XPDK_FIELD_GET(XPDK_FME_THERM_TH1, v))
			v |= XPDK_FME_THERM_TH1_STATUS;
		if ((v & XPDK_FME_THERM_TH2_EN) && t >= XPDK_FIELD_GET(XPDK_FME_THERM_TH2, v))
			v |= XPDK_FME_THERM_TH2_STATUS;
		return v;
	}
	case THERMAL + XPDK_FME_THERM_RDSENSOR:
		return XPDK_FIELD_PREP(XPDK_FME_THERM_TEMPERATURE, temperature(d));
	/* power: 30 W idle, up to 7 W more with the exerciser running */
	case POWER + XPDK_DFH:
		return xpdk_dflm_dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_POWER_MGMT, 1,
				     FEAT_SIZE, false);
	case POWER + XPDK_FME_PWR_STATUS:
		return XPDK_FIELD_PREP(XPDK_FME_PWR_CONSUMED,
				       30 + (d->he.busy ? 4 : 0) + (xpdk_dflm_rng_next(d) % 4));
	case POWER + XPDK_FME_PWR_THRESHOLD:
		return d->pwr_threshold;
	case POWER + XPDK_FME_PWR_FPGA_LIMIT:
		return XPDK_FIELD_PREP(XPDK_FME_PWR_LIMIT, 660) | XPDK_FME_PWR_LIMIT_EN;
	/* global performance */
	case PERF + XPDK_DFH:
		return xpdk_dflm_dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_GLOBAL_IPERF, 1,
				     FEAT_SIZE, false);
	case PERF + XPDK_FME_PERF_CACHE_CTRL:
		return d->perf_cache_ctrl;
	case PERF + XPDK_FME_PERF_FAB_CTRL:
		return d->perf_fab_ctrl;
	case PERF + XPDK_FME_PERF_FAB_CNTR:
		return fab_counter(d);
	case PERF + XPDK_FME_PERF_CLK_CNTR:
		return (xpdk_now_ns() - d->t0) / 4; /* a 250 MHz fabric clock */
	/* global error */
	case GERR + XPDK_DFH:
		return xpdk_dflm_dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_GLOBAL_ERR, 1,
				     FEAT_SIZE, false);
	case GERR + XPDK_FME_ERR_FME_MASK:
		return d->err_fme_mask;
	case GERR + XPDK_FME_ERR_FME:
		return d->err_fme;
	case GERR + XPDK_FME_ERR_PCIE0_MASK:
		return d->err_pcie0_mask;
	case GERR + XPDK_FME_ERR_PCIE0:
		return d->err_pcie0;
	case GERR + XPDK_FME_ERR_PCIE1_MASK:
		return d->err_pcie1_mask;
	case GERR + XPDK_FME_ERR_PCIE1:
		return d->err_pcie1;
	case GERR + XPDK_FME_ERR_FIRST:
		return d->err_first;
	case GERR + XPDK_FME_ERR_NEXT:
		return d->err_next;
	case GERR + XPDK_FME_ERR_NONFAT_MASK:
		return d->err_nonfat_mask;
	case GERR + XPDK_FME_ERR_NONFAT:
		return d->err_nonfat;
	case GERR + XPDK_FME_ERR_CATFAT_MASK:
		return d->err_catfat_mask;
	case GERR + XPDK_FME_ERR_CATFAT:
		return d->err_catfat;
	/* partial reconfiguration */
	case PR + XPDK_DFH:
		return xpdk_dflm_dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_PR_MGMT, 1, 0,
				     true);
	case PR + XPDK_FME_PR_CTRL:
		return d->pr_ctrl;
	case PR + XPDK_FME_PR_STS:
		return pr_status(d);
	case PR + XPDK_FME_PR_ERR:
		return d->pr_err;
	case PR + XPDK_FME_PR_INTFC_ID_L:
		return d->pr_id_l;
	case PR + XPDK_FME_PR_INTFC_ID_H:
		return d->pr_id_h;
	default:
		return 0;
	}
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* The driver pushed the whole bitstream: check it and load its AFU. Returns PR error bits. */
static uint64_t pr_load(struct xpdk_devsim_dev *dev, struct dfl_fpga *d)
{
	const uint8_t *b = d->pr_buf;
	uint64_t afu_l, afu_h;
	int k;
	uint32_t len;

	if (d->pr_len < XPDK_DEVSIM_RBF_HDR_SIZE || get32(b) != XPDK_DEVSIM_RBF_MAGIC ||
	    get32(b + 4) != XPDK_DEVSIM_RBF_VERSION) {
		xpdk_devsim_log(dev, 1, "PR: %zu bytes without a valid bitstream header",
				d->pr_len);
		return XPDK_FME_PR_ERR_OPERATION;
	}
	if (get64(b + 0x18) != d->pr_id_l || get64(b + 0x20) != d->pr_id_h) {
		xpdk_devsim_log(dev, 1,
				"PR: bitstream built for interface %016" PRIx64 "%016" PRIx64
				", the FME's is %016" PRIx64 "%016" PRIx64,
				get64(b + 0x20), get64(b + 0x18), d->pr_id_h, d->pr_id_l);
		return XPDK_FME_PR_ERR_INCOMPAT;
	}
	len = get32(b + 0x28);
	if (len != d->pr_len - XPDK_DEVSIM_RBF_HDR_SIZE) {
		xpdk_devsim_log(dev, 1, "PR: header says %u payload bytes, %zu arrived", len,
				d->pr_len - XPDK_DEVSIM_RBF_HDR_SIZE);
		return XPDK_FME_PR_ERR_OPERATION;
	}
	if (xpdk_crc32(0, b + XPDK_DEVSIM_RBF_HDR_SIZE, len) != get32(b + 0x2c)) {
		xpdk_devsim_log(dev, 1, "PR: payload CRC mismatch");
		return XPDK_FME_PR_ERR_CRC;
	}
	afu_l = get64(b + 0x08);
	afu_h = get64(b + 0x10);
	for (k = AFU_HE; k <= AFU_COUNTER; k++) {
		uint64_t hi, lo;

		xpdk_dflm_afu_guid(k, &hi, &lo);
		if (afu_l == lo && afu_h == hi)
			break;
	}
	if (k > AFU_COUNTER) {
		xpdk_devsim_log(dev, 1, "PR: unknown AFU %016" PRIx64 "%016" PRIx64, afu_h, afu_l);
		return XPDK_FME_PR_ERR_OPERATION;
	}
	d->afu = (enum afu_kind)k;
	xpdk_dflm_afu_power_on(d);
	xpdk_devsim_log(dev, 2, "PR: loaded the %s AFU", xpdk_dflm_afu_name(d->afu));
	return 0;
}

static void pr_ctrl_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t val)
{
	const uint64_t rw = XPDK_FME_PR_CTRL_RST | XPDK_FME_PR_CTRL_RGN_ID;

	d->pr_ctrl = (d->pr_ctrl & ~rw) | (val & rw);
	if (val & XPDK_FME_PR_CTRL_RST) {
		d->pr_ctrl |= XPDK_FME_PR_CTRL_RST_ACK;
		d->pr_ctrl &= ~(XPDK_FME_PR_CTRL_START | XPDK_FME_PR_CTRL_COMPLETE);
		d->pr_active = false;
		return;
	}
	d->pr_ctrl &= ~XPDK_FME_PR_CTRL_RST_ACK;
	if ((val & XPDK_FME_PR_CTRL_START) && !d->pr_active) {
		if (!xpdk_dflm_port_in_reset(d)) {
			xpdk_devsim_log(dev, 1, "PR: started with the port out of reset");
			d->pr_err |= XPDK_FME_PR_ERR_OPERATION;
			return;
		}
		d->pr_active = true;
		d->pr_len = 0;
		d->pr_ctrl |= XPDK_FME_PR_CTRL_START;
	}
	if ((val & XPDK_FME_PR_CTRL_COMPLETE) && d->pr_active && (d->faults & FAULT_PR_COMPLETE)) {
		d->pr_ctrl |= XPDK_FME_PR_CTRL_COMPLETE; /* and start stays set: never done */
		return;
	}
	if ((val & XPDK_FME_PR_CTRL_COMPLETE) && d->pr_active) {
		if (d->pr_err == 0)
			d->pr_err |= pr_load(dev, d);
		d->pr_active = false;
		d->pr_ctrl &= ~(XPDK_FME_PR_CTRL_START | XPDK_FME_PR_CTRL_COMPLETE);
	}
}

static void pr_data_write(struct dfl_fpga *d, uint64_t val)
{
	uint32_t w = (uint32_t)val;

	if (!d->pr_active) {
		d->pr_err |= XPDK_FME_PR_ERR_PROTOCOL;
		return;
	}
	if (d->pr_len + 4 > XPDK_DEVSIM_RBF_MAX) {
		d->pr_err |= XPDK_FME_PR_ERR_FIFO_OVF;
		return;
	}
	for (int i = 0; i < 4; i++)
		d->pr_buf[d->pr_len++] = (uint8_t)(w >> (8 * i));
}

/* write 1 to clear */
static void w1c(uint64_t *reg, uint64_t val)
{
	*reg &= ~val;
}

void xpdk_dflm_fme_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off,
			 uint64_t val)
{
	const uint64_t therm_rw = XPDK_FME_THERM_TH1 | XPDK_FME_THERM_TH1_EN | XPDK_FME_THERM_TH2 |
				  XPDK_FME_THERM_TH2_EN | XPDK_FME_THERM_TH1_POLICY;

	switch (off) {
	case FME + XPDK_FME_HDR_PORT_OFST(0):
		/* access control, the one writable bit: the port goes to the VF (1) or the PF */
		d->port_vf = val & XPDK_FME_PORT_OFST_ACC;
		xpdk_dflm_route(d);
		break;
	case THERMAL + XPDK_FME_THERM_THRESHOLD:
		d->therm_threshold = (d->therm_threshold & ~therm_rw) | (val & therm_rw);
		break;
	case POWER + XPDK_FME_PWR_THRESHOLD:
		d->pwr_threshold = val & (XPDK_FME_PWR_TH1 | XPDK_FME_PWR_TH2);
		break;
	case PERF + XPDK_FME_PERF_CACHE_CTRL:
		d->perf_cache_ctrl = val & (XPDK_FME_PERF_FREEZE_CNTR | XPDK_FME_PERF_CTRL_EVNT);
		break;
	case PERF + XPDK_FME_PERF_FAB_CTRL:
		if (val & XPDK_FME_PERF_RESET_CNTR)
			memcpy(d->fab_base, d->fab_events, sizeof(d->fab_base));
		if ((val & XPDK_FME_PERF_FREEZE_CNTR) &&
		    !(d->perf_fab_ctrl & XPDK_FME_PERF_FREEZE_CNTR))
			for (int i = 0; i < EV_MAX; i++)
				d->fab_frozen[i] = d->fab_events[i] - d->fab_base[i];
		d->perf_fab_ctrl = val & (XPDK_FME_PERF_FREEZE_CNTR | XPDK_FME_PERF_CTRL_EVNT);
		break;
	case GERR + XPDK_FME_ERR_FME_MASK:
		d->err_fme_mask = val;
		break;
	case GERR + XPDK_FME_ERR_FME:
		w1c(&d->err_fme, val);
		break;
	case GERR + XPDK_FME_ERR_PCIE0_MASK:
		d->err_pcie0_mask = val;
		break;
	case GERR + XPDK_FME_ERR_PCIE0:
		w1c(&d->err_pcie0, val);
		break;
	case GERR + XPDK_FME_ERR_PCIE1_MASK:
		d->err_pcie1_mask = val;
		break;
	case GERR + XPDK_FME_ERR_PCIE1:
		w1c(&d->err_pcie1, val);
		break;
	case GERR + XPDK_FME_ERR_NONFAT_MASK:
		d->err_nonfat_mask = val;
		break;
	case GERR + XPDK_FME_ERR_NONFAT:
		w1c(&d->err_nonfat, val);
		break;
	case GERR + XPDK_FME_ERR_CATFAT_MASK:
		d->err_catfat_mask = val;
		break;
	case GERR + XPDK_FME_ERR_CATFAT:
		w1c(&d->err_catfat, val);
		break;
	case GERR + XPDK_FME_ERR_INJECT: {
		uint64_t cat = 0, non = 0;

		if (val & XPDK_BIT(0))
			cat |= CATFAT_INJ_CATAST;
		if (val & XPDK_BIT(1))
			cat |= CATFAT_INJ_FATAL;
		if (val & XPDK_BIT(2))
			non |= NONFAT_INJ_WARN;
		cat &= ~d->err_catfat_mask;
		non &= ~d->err_nonfat_mask;
		if (d->err_catfat == 0 && d->err_nonfat == 0 && (cat | non) != 0)
			d->err_first = cat | non;
		else if ((cat | non) != 0)
			d->err_next = cat | non;
		d->err_catfat |= cat;
		d->err_nonfat |= non;
		break;
	}
	case PR + XPDK_FME_PR_CTRL:
		pr_ctrl_write(dev, d, val);
		break;
	case PR + XPDK_FME_PR_DATA:
		pr_data_write(d, val);
		break;
	case PR + XPDK_FME_PR_ERR:
		w1c(&d->pr_err, val);
		break;
	default:
		break;
	}
}
