/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The dfl-fpga model's port (FIU 1: control, soft reset, port errors) and the AFU window behind
 * it, which dispatches to the loaded AFU (host exerciser or counter).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_dfl_fpga.h"

/* ---- AFU window ------------------------------------------------------------------------- */

bool xpdk_dflm_port_in_reset(const struct dfl_fpga *d)
{
	return d->port_ctrl & XPDK_PORT_CTRL_SFTRST;
}

/* The AFU is replaced or comes out of reset: power-on state, AFU memory cleared. */
void xpdk_dflm_afu_power_on(struct dfl_fpga *d)
{
	xpdk_dflm_he_power_on(&d->he);
	xpdk_dflm_helb_power_on(&d->helb);
	d->cnt_scratch = 0;
	d->cnt_count = 0;
	if (d->afu_ram != NULL)
		memset(d->afu_ram, 0, XPDK_DEVSIM_DFL_AFU_SIZE - XPDK_DEVSIM_DFL_AFU_RAM);
}

void xpdk_dflm_afu_guid(enum afu_kind k, uint64_t *hi, uint64_t *lo)
{
	switch (k) {
	case AFU_HE:
		*hi = XPDK_HE_GUID_H;
		*lo = XPDK_HE_GUID_L;
		break;
	case AFU_HE_LB:
		*hi = XPDK_OPAE_HE_LB_GUID_H;
		*lo = XPDK_OPAE_HE_LB_GUID_L;
		break;
	case AFU_HE_MEM:
		*hi = XPDK_OPAE_HE_MEM_GUID_H;
		*lo = XPDK_OPAE_HE_MEM_GUID_L;
		break;
	default:
		*hi = XPDK_DEVSIM_COUNTER_GUID_H;
		*lo = XPDK_DEVSIM_COUNTER_GUID_L;
		break;
	}
}

const char *xpdk_dflm_afu_name(enum afu_kind k)
{
	static const char *const names[] = { [AFU_HE] = "xpdk-he",
					     [AFU_HE_LB] = "he-lb",
					     [AFU_HE_MEM] = "he-mem",
					     [AFU_COUNTER] = "counter" };

	return names[k];
}

uint64_t xpdk_dflm_afu_read(struct dfl_fpga *d, uint64_t off)
{
	uint64_t hi, lo;

	if (xpdk_dflm_port_in_reset(d))
		return ~0ULL;
	xpdk_dflm_afu_guid(d->afu, &hi, &lo);
	switch (off) {
	case XPDK_DFH:
		return xpdk_dflm_dfh(XPDK_DFH_TYPE_AFU, 0, 0, 0, true);
	case XPDK_DFH_GUID_L:
		return lo;
	case XPDK_DFH_GUID_H:
		return hi;
	default:
		break;
	}
	if (d->afu == AFU_HE)
		return xpdk_dflm_he_read(d, off);
	if (d->afu == AFU_HE_LB || d->afu == AFU_HE_MEM)
		return xpdk_dflm_helb_read(d, off);
	if (off == XPDK_DEVSIM_COUNTER_SCRATCH)
		return d->cnt_scratch;
	if (off == XPDK_DEVSIM_COUNTER_COUNT)
		return ++d->cnt_count;
	return 0;
}

void xpdk_dflm_afu_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off,
			 unsigned int size, uint64_t val)
{
	if (xpdk_dflm_port_in_reset(d))
		return;
	if (d->afu == AFU_HE_LB || d->afu == AFU_HE_MEM)
		xpdk_dflm_helb_write(dev, d, off, size, val);
	else if (size == 4 && (off & 4))
		return; /* the other AFUs ignore 4-byte writes to a high half */
	else if (d->afu == AFU_HE)
		xpdk_dflm_he_write(dev, d, off & ~7ull, val);
	else if (off == XPDK_DEVSIM_COUNTER_SCRATCH)
		d->cnt_scratch = val;
}

/* ---- port ------------------------------------------------------------------------------- */

uint64_t xpdk_dflm_port_read(struct dfl_fpga *d, uint64_t off)
{
	switch (off) {
	case PORT + XPDK_DFH:
		return xpdk_dflm_dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_PORT, 1, PORT_ERR - PORT,
				     false);
	case PORT + XPDK_DFH_GUID_L:
		return PORT_GUID_L;
	case PORT + XPDK_DFH_GUID_H:
		return PORT_GUID_H;
	case PORT + XPDK_DFH_NEXT_AFU:
		return XPDK_FIELD_PREP(XPDK_NEXT_AFU_OFST, AFU - PORT);
	case PORT + XPDK_PORT_HDR_CAP:
		return XPDK_FIELD_PREP(XPDK_PORT_CAP_PORT_NUM, 0) |
		       XPDK_FIELD_PREP(XPDK_PORT_CAP_MMIO_SIZE, XPDK_DEVSIM_DFL_AFU_SIZE / 1024) |
		       XPDK_FIELD_PREP(XPDK_PORT_CAP_NUM_IRQS, 1);
	case PORT + XPDK_PORT_HDR_CTRL:
		return d->port_ctrl;
	case PORT_ERR + XPDK_DFH:
		return xpdk_dflm_dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_ERROR, 1,
				     PORT_STP - PORT_ERR, false);
	case PORT_ERR + XPDK_PORT_ERR_MASK:
		return d->port_err_mask;
	case PORT_ERR + XPDK_PORT_ERR:
		return d->port_err & ~d->port_err_mask;
	case PORT_ERR + XPDK_PORT_ERR_FIRST:
		return d->port_first_err;
	case PORT_STP + XPDK_DFH:
		return xpdk_dflm_dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_STP, 1, 0, true);
	default:
		return 0;
	}
}

void xpdk_dflm_port_write(struct dfl_fpga *d, uint64_t off, uint64_t val)
{
	switch (off) {
	case PORT + XPDK_PORT_HDR_CTRL:
		if (val & XPDK_PORT_CTRL_SFTRST) {
			/* reset asserted: the AFU stops at once and acknowledges */
			xpdk_dflm_he_power_on(&d->he);
			xpdk_dflm_helb_power_on(&d->helb);
			d->port_ctrl =
			    XPDK_PORT_CTRL_SFTRST |
			    (d->faults & FAULT_PORT_RESET_ACK ? 0 : XPDK_PORT_CTRL_SFTRST_ACK);
		} else if (xpdk_dflm_port_in_reset(d)) {
			xpdk_dflm_afu_power_on(d);
			d->port_ctrl = 0;
		}
		d->port_ctrl |= val & XPDK_PORT_CTRL_LATENCY;
		break;
	case PORT_ERR + XPDK_PORT_ERR_MASK:
		d->port_err_mask = val;
		break;
	case PORT_ERR + XPDK_PORT_ERR:
		d->port_err &= ~val;
		if (d->port_err == 0)
			d->port_first_err = 0;
		break;
	default:
		break;
	}
}
