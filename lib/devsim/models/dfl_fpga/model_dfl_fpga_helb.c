/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The dfl-fpga model's OPAE host exercisers, HE-LB and HE-MEM (xpdk_opae_he_regs.h): OPAE's CSR
 * map register for register, its device status memory, cache-line addressing, the four test
 * modes, request lengths, continuous mode with forced completion and the completion interrupt.
 * The engine runs on the device thread in slices, as the XPDK exerciser's does, and moves data
 * with the same zero-copy mover. What the hardware writes in write and throughput modes is not
 * documented by OPAE; the model writes XPDK_DEVSIM_HE_LB_WR_WORD in every 64-bit word, so that
 * tests can check it.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_dfl_fpga.h"

#define CSR(off) (((off)-XPDK_OPAE_HE_SCRATCHPAD0) / 8)

/* request length in lines of a CFG value; 0 for a code out of range */
static uint64_t req_lines(uint64_t cfg)
{
	uint64_t code = XPDK_FIELD_GET(XPDK_OPAE_HE_CFG_REQLEN, cfg) |
			(XPDK_FIELD_GET(XPDK_OPAE_HE_CFG_REQLEN_HI, cfg) << 2);

	return code > XPDK_OPAE_HE_REQLEN_MAX_CODE ? 0 : 1ull << code;
}

void xpdk_dflm_helb_power_on(struct helb *h)
{
	uint64_t gen = h->gen + 1;

	memset(h, 0, sizeof(*h));
	h->gen = gen;
}

/* CTL.ResetL low: the engine stops (a test in flight is abandoned, no DSM), counters clear. */
static void helb_reset(struct helb *h)
{
	h->gen++;
	h->running = false;
	h->forced = false;
	h->reads = h->writes = 0;
	h->error = 0;
}

/* End the test (lock held): DSM, interrupt. */
static void helb_finish(struct xpdk_devsim_dev *dev, struct dfl_fpga *d)
{
	struct helb *h = &d->helb;
	uint8_t dsm[64];
	uint64_t v, ticks = (xpdk_now_ns() - h->r_t0) * XPDK_DFLM_HE_LB_MHZ / 1000;

	h->running = false;
	h->forced = false;
	h->dsm_number++;
	memset(dsm, 0, sizeof(dsm));
	v = XPDK_OPAE_HE_DSM_COMPLETED |
	    XPDK_FIELD_PREP(XPDK_OPAE_HE_DSM_NUMBER, h->dsm_number & 0x7fff) |
	    XPDK_FIELD_PREP(XPDK_OPAE_HE_DSM_ERR_VECTOR, h->error);
	memcpy(dsm + XPDK_OPAE_HE_DSM_STATUS, &v, 8);
	v = XPDK_FIELD_PREP(XPDK_OPAE_HE_DSM_TICKS_MASK, ticks) |
	    XPDK_FIELD_PREP(XPDK_OPAE_HE_DSM_READS_H, h->r_reads >> 32) |
	    XPDK_FIELD_PREP(XPDK_OPAE_HE_DSM_WRITES_H, h->r_writes >> 32);
	memcpy(dsm + XPDK_OPAE_HE_DSM_TICKS, &v, 8);
	v = XPDK_FIELD_PREP(XPDK_OPAE_HE_DSM_READS_L, h->r_reads & 0xffffffffu) |
	    XPDK_FIELD_PREP(XPDK_OPAE_HE_DSM_WRITES_L, h->r_writes & 0xffffffffu);
	memcpy(dsm + XPDK_OPAE_HE_DSM_COUNTS, &v, 8);
	if (h->error & (XPDK_OPAE_HE_ERR_READ | XPDK_OPAE_HE_ERR_WRITE)) {
		uint64_t bit = h->error & XPDK_OPAE_HE_ERR_READ ? PORT_ERR_DMA_RD : PORT_ERR_DMA_WR;

		if (d->port_err == 0)
			d->port_first_err = bit;
		d->port_err |= bit;
	}
	if (xpdk_devsim_dma_write(dev, h->r_dsm, dsm, sizeof(dsm)) < 0)
		xpdk_devsim_log(dev, 1, "he-lb: DSM write to IOVA 0x%" PRIx64 " failed: %s",
				h->r_dsm, xpdk_strerror_last());
	if (h->r_irq || (h->error != 0 && h->r_irq_err))
		xpdk_devsim_irq_raise(dev, h->r_vector);
}

static void helb_start(struct xpdk_devsim_dev *dev, struct dfl_fpga *d)
{
	struct helb *h = &d->helb;
	uint64_t cfg = h->csr[CSR(XPDK_OPAE_HE_CFG)];
	uint64_t dsm = h->csr[CSR(XPDK_OPAE_HE_DSM_BASEL)];
	uint64_t mode = XPDK_FIELD_GET(XPDK_OPAE_HE_CFG_MODE, cfg);

	h->r_mode = mode;
	h->r_src = h->csr[CSR(XPDK_OPAE_HE_SRC_ADDR)] << XPDK_OPAE_HE_CL_SHIFT;
	h->r_dst = h->csr[CSR(XPDK_OPAE_HE_DST_ADDR)] << XPDK_OPAE_HE_CL_SHIFT;
	h->r_dsm = dsm << XPDK_OPAE_HE_CL_SHIFT;
	h->r_lines = (h->csr[CSR(XPDK_OPAE_HE_NUM_LINES)] & XPDK_OPAE_HE_NUM_LINES_MASK) + 1;
	h->r_req = req_lines(cfg);
	h->r_cont = cfg & XPDK_OPAE_HE_CFG_CONTINUOUS;
	h->r_irq = cfg & XPDK_OPAE_HE_CFG_INTR_TEST;
	h->r_irq_err = cfg & XPDK_OPAE_HE_CFG_INTR_ON_ERR;
	h->r_vector = (unsigned int)XPDK_FIELD_GET(XPDK_OPAE_HE_INTR_VECTOR,
						   h->csr[CSR(XPDK_OPAE_HE_INTERRUPT0)]);
	h->r_done = h->r_reads = h->r_writes = 0;
	h->r_t0 = xpdk_now_ns();
	h->error = 0;
	h->forced = false;
	h->running = true;
	if (mode > XPDK_OPAE_HE_MODE_TRPUT || h->r_req == 0 || h->r_lines % h->r_req != 0 ||
	    h->r_lines > XPDK_DFLM_HE_LB_MAX_LINES ||
	    XPDK_FIELD_GET(XPDK_OPAE_HE_CFG_ATOMIC, cfg) != 0) {
		xpdk_devsim_log(dev, 1,
				"he-lb: configuration refused (mode %" PRIu64 ", %" PRIu64
				" lines, request of %" PRIu64 " lines, CFG 0x%" PRIx64 ")",
				mode, h->r_lines, h->r_req, cfg);
		h->error = XPDK_OPAE_HE_ERR_CONFIG;
		helb_finish(dev, d);
		return;
	}
	xpdk_devsim_kick(dev);
}

/* Move @p lines lines from line @p at of the test, @p passes times over the same lines (a
 * continuous test's whole passes in one pin); 0 or the error bit. */
static uint32_t helb_move(struct xpdk_devsim_dev *dev, const struct helb *h, uint64_t at,
			  uint64_t lines, uint64_t passes)
{
	uint64_t off = at * XPDK_OPAE_HE_CL, len = lines * XPDK_OPAE_HE_CL, fold, fault = 0;
	struct dflm_move rd = { XPDK_HE_MODE_READ, h->r_src + off, 0, 0 };
	struct dflm_move wr = { XPDK_HE_MODE_WRITE, 0, h->r_dst + off, XPDK_DEVSIM_HE_LB_WR_WORD };
	struct dflm_move cp = { XPDK_HE_MODE_COPY, h->r_src + off, h->r_dst + off, 0 };
	int err = 0;

	switch (h->r_mode) {
	case XPDK_OPAE_HE_MODE_LPBK:
		err = xpdk_dflm_move(dev, &cp, len, passes, &fold, &fault);
		break;
	case XPDK_OPAE_HE_MODE_READ:
		err = xpdk_dflm_move(dev, &rd, len, passes, &fold, &fault);
		break;
	case XPDK_OPAE_HE_MODE_WRITE:
		err = xpdk_dflm_move(dev, &wr, len, passes, &fold, &fault);
		break;
	default: /* throughput: both streams */
		err = xpdk_dflm_move(dev, &rd, len, passes, &fold, &fault);
		if (err == 0)
			err = xpdk_dflm_move(dev, &wr, len, passes, &fold, &fault);
		break;
	}
	if (err == 0)
		return 0;
	if (err < 0)
		return UINT32_MAX; /* not in one mapping: the caller goes pass by pass */
	xpdk_devsim_log(dev, 1, "he-lb: DMA %s fault at IOVA 0x%" PRIx64,
			err == XPDK_HE_ERR_SRC ? "read" : "write", fault);
	return err == XPDK_HE_ERR_SRC ? XPDK_OPAE_HE_ERR_READ : XPDK_OPAE_HE_ERR_WRITE;
}

/* One slice of the test; on the device thread, without the lock. */
uint64_t xpdk_dflm_helb_work(struct xpdk_devsim_dev *dev, struct dfl_fpga *d)
{
	struct helb run;
	uint64_t budget = SLICE_BYTES / XPDK_OPAE_HE_CL, reads = 0, writes = 0;
	bool rd, wr, busy;
	uint32_t err = 0;

	xpdk_devsim_lock(dev);
	if (!d->helb.running) {
		xpdk_devsim_unlock(dev);
		return XPDK_DEVSIM_IDLE;
	}
	if (d->helb.forced) {
		helb_finish(dev, d);
		xpdk_devsim_unlock(dev);
		return XPDK_DEVSIM_IDLE;
	}
	run = d->helb;
	xpdk_devsim_unlock(dev);

	rd = run.r_mode != XPDK_OPAE_HE_MODE_WRITE;
	wr = run.r_mode != XPDK_OPAE_HE_MODE_READ;
	while (budget > 0 && err == 0) {
		/* whole requests only: a forced stop lands between requests */
		uint64_t n = run.r_lines - run.r_done, passes;

		if (run.r_cont && run.r_done == 0 && run.r_lines <= budget / 2) {
			/* whole passes of a continuous test, as many as the budget holds */
			passes = budget / run.r_lines;
			if (helb_move(dev, &run, 0, n, passes) == 0) {
				reads += rd ? passes * n : 0;
				writes += wr ? passes * n : 0;
				budget -= passes * n;
				continue;
			}
		}
		if (n > budget)
			n = budget - budget % run.r_req;
		if (n == 0)
			break;
		err = helb_move(dev, &run, run.r_done, n, 1);
		if (err != 0)
			break;
		reads += rd ? n : 0;
		writes += wr ? n : 0;
		budget -= n;
		run.r_done += n;
		if (run.r_done == run.r_lines) {
			if (!run.r_cont)
				break;
			run.r_done = 0;
		}
	}

	xpdk_devsim_lock(dev);
	if (d->helb.gen != run.gen || !d->helb.running) {
		xpdk_devsim_unlock(dev);
		return XPDK_DEVSIM_IDLE; /* reset, port reset or detach meanwhile */
	}
	d->fab_events[EV_PCIE0_RD] += reads;
	d->fab_events[EV_PCIE0_WR] += writes;
	d->helb.reads += reads;
	d->helb.writes += writes;
	d->helb.r_reads += reads;
	d->helb.r_writes += writes;
	d->helb.r_done = run.r_done;
	d->helb.error |= err;
	if (err != 0 || (!run.r_cont && run.r_done == run.r_lines))
		helb_finish(dev, d);
	busy = d->helb.running;
	xpdk_devsim_unlock(dev);
	return busy ? 0 : XPDK_DEVSIM_IDLE;
}

uint64_t xpdk_dflm_helb_read(struct dfl_fpga *d, uint64_t off)
{
	const struct helb *h = &d->helb;

	switch (off) {
	case XPDK_OPAE_HE_STATUS0:
		return XPDK_FIELD_PREP(XPDK_OPAE_HE_STATUS0_WRITES, h->writes & 0xffffffffu) |
		       XPDK_FIELD_PREP(XPDK_OPAE_HE_STATUS0_READS, h->reads & 0xffffffffu);
	case XPDK_OPAE_HE_STATUS1:
		return 0; /* the model has no requests in flight between slices */
	case XPDK_OPAE_HE_ERROR:
		return h->error;
	case XPDK_OPAE_HE_INFO0:
		return XPDK_FIELD_PREP(XPDK_OPAE_HE_INFO0_CLOCK_MHZ, XPDK_DFLM_HE_LB_MHZ) |
		       XPDK_FIELD_PREP(XPDK_OPAE_HE_INFO0_API, XPDK_DFLM_HE_LB_API) |
		       XPDK_OPAE_HE_INFO0_NO_ATOMICS |
		       XPDK_FIELD_PREP(XPDK_OPAE_HE_INFO0_BUS_WIDTH, 1) | /* 64 bytes */
		       XPDK_FIELD_PREP(XPDK_OPAE_HE_INFO0_MEM_WIDTH,
				       d->afu == AFU_HE_MEM ? 4 : 0); /* 64 bytes of EMIF */
	default:
		break;
	}
	if (off >= XPDK_OPAE_HE_SCRATCHPAD0 && off < XPDK_OPAE_HE_INFO0)
		return h->csr[CSR(off)];
	return 0;
}

void xpdk_dflm_helb_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off,
			  unsigned int size, uint64_t val)
{
	struct helb *h = &d->helb;
	uint64_t q = off & ~7ull, *r, ctl;

	if (q < XPDK_OPAE_HE_SCRATCHPAD0 || q >= XPDK_OPAE_HE_STATUS0)
		return; /* DFH, status, error and INFO0 are read-only */
	r = &h->csr[CSR(q)];
	if (q != XPDK_OPAE_HE_CTL && q > XPDK_OPAE_HE_SCRATCHPAD2 && h->running)
		return; /* the test's configuration is fixed until it ends */
	if (size == 8)
		*r = val;
	else if (off & 4)
		*r = (*r & 0xffffffffull) | (val << 32);
	else
		*r = (*r & ~0xffffffffull) | (val & 0xffffffffull);
	if (q != XPDK_OPAE_HE_CTL)
		return;
	ctl = *r;
	if (!(ctl & XPDK_OPAE_HE_CTL_RESETL)) {
		helb_reset(h);
	} else if (ctl & XPDK_OPAE_HE_CTL_FORCED) {
		if (h->running) {
			h->forced = true;
			xpdk_devsim_kick(dev);
		}
	} else if ((ctl & XPDK_OPAE_HE_CTL_START) && !h->running) {
		helb_start(dev, d);
	}
}
