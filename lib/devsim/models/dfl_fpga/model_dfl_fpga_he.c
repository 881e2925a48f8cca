/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The dfl-fpga model's host exerciser AFU (xpdk_he_regs.h): its registers and its DMA engine,
 * which runs on the device thread in slices between register-lock windows.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_dfl_fpga.h"

/* ---- the host exerciser's engine -------------------------------------------------------- */

void xpdk_dflm_he_power_on(struct he *he)
{
	uint64_t gen = he->gen + 1;

	memset(he, 0, sizeof(*he));
	he->gen = gen;
}

/* XOR-fold of @p len bytes (a multiple of 8) */
static uint64_t fold(const uint8_t *p, size_t len)
{
	uint64_t acc[4] = { 0, 0, 0, 0 }, w;

	for (size_t i = 0; i + 32 <= len; i += 32)
		for (int k = 0; k < 4; k++) {
			memcpy(&w, p + i + 8 * (size_t)k, 8);
			acc[k] ^= w;
		}
	for (size_t i = len & ~(size_t)31; i < len; i += 8) {
		memcpy(&w, p + i, 8);
		acc[0] ^= w;
	}
	return acc[0] ^ acc[1] ^ acc[2] ^ acc[3];
}

/*
 * Fill @p len bytes (a multiple of 8) with @p pattern: whole 64-byte lines from a prepared line
 * (the compiler turns each fixed-size copy into vector stores; a word loop stays scalar, and
 * was 95% of write-mode time), then the words left over.
 */
static void fill(uint8_t *p, size_t len, uint64_t pattern)
{
	uint8_t line[XPDK_HE_LINE];
	size_t i = 0;

	for (size_t k = 0; k < sizeof(line); k += 8)
		memcpy(line + k, &pattern, 8);
	for (; i + sizeof(line) <= len; i += sizeof(line))
		memcpy(p + i, line, sizeof(line));
	for (; i < len; i += 8)
		memcpy(p + i, &pattern, 8);
}

/* most mappings one zero-copy move spans (a buffer over a few hugepages); more go page by page */
#define MOVE_SEGS 16

/* A piece of a move that lies in one source and one destination mapping. */
struct he_seg {
	uint8_t *s, *t;
	size_t len;
	uint64_t off; /* from the start of the move */
};

/* The zero-copy passes of a run, as one guarded unit (see xpdk_devsim_dma_guarded()). */
struct he_pass {
	uint64_t mode, pattern;
	struct he_seg seg[MOVE_SEGS];
	unsigned int nseg;
	uint64_t passes;
	uint64_t fold;
};

static void he_passes(void *arg)
{
	struct he_pass *p = arg;

	for (uint64_t i = 0; i < p->passes; i++) {
		uint64_t acc = 0;

		/* one memmove, fill or fold per contiguous piece: no per-line or per-page work */
		for (unsigned int k = 0; k < p->nseg; k++) {
			const struct he_seg *g = &p->seg[k];

			if (p->mode == XPDK_HE_MODE_READ)
				acc ^= fold(g->s, g->len);
			else if (p->mode == XPDK_HE_MODE_WRITE)
				fill(g->t, g->len, p->pattern);
			else
				memmove(g->t, g->s, g->len); /* the two may overlap */
		}
		p->fold = acc;
	}
}

/*
 * Pin the whole move as pieces, each within one source and one destination mapping of the
 * client (it maps its memory per hugepage, so a buffer of a few MiB spans several): the pins
 * taken in @p pins. Returns false, with nothing pinned, when part of it is not mapped for
 * direct access or it takes more than MOVE_SEGS pieces.
 */
static bool pin_segs(struct xpdk_devsim_dev *dev, const struct dflm_move *m, size_t len, bool rd,
		     bool wr, struct he_pass *p, unsigned int *pins)
{
	size_t o = 0;

	*pins = 0;
	p->nseg = 0;
	while (o < len && p->nseg < MOVE_SEGS) {
		struct he_seg *g = &p->seg[p->nseg];
		size_t run_s = len - o, run_t = len - o;
		void *s = NULL, *t = NULL;

		if (rd && xpdk_devsim_dma_map_run(dev, m->src + o, len - o, false, &s, &run_s) < 0)
			break;
		*pins += rd;
		if (wr && xpdk_devsim_dma_map_run(dev, m->dst + o, len - o, true, &t, &run_t) < 0)
			break;
		*pins += wr;
		g->s = s;
		g->t = t;
		g->len = run_s < run_t ? run_s : run_t;
		g->off = o;
		o += g->len;
		p->nseg++;
	}
	if (o == len)
		return true;
	for (; *pins > 0; (*pins)--)
		xpdk_devsim_dma_unmap(dev);
	return false;
}

/* The client address of local address @p at inside the pieces, or @p dflt. */
static uint64_t seg_fault(const struct he_pass *p, const struct dflm_move *m, const uint8_t *at,
			  bool in_src, uint64_t dflt)
{
	for (unsigned int k = 0; k < p->nseg; k++) {
		const uint8_t *b = in_src ? p->seg[k].s : p->seg[k].t;

		if (b != NULL && at >= b && at < b + p->seg[k].len)
			return (in_src ? m->src : m->dst) + p->seg[k].off + (uint64_t)(at - b);
	}
	return dflt;
}

int xpdk_dflm_move(struct xpdk_devsim_dev *dev, const struct dflm_move *m, size_t len,
		   uint64_t passes, uint64_t *fold_out, uint64_t *fault)
{
	bool rd = m->mode != XPDK_HE_MODE_WRITE, wr = m->mode != XPDK_HE_MODE_READ;
	uint64_t src = m->src, dst = m->dst;
	struct he_pass pass = { .mode = m->mode, .pattern = m->pattern, .passes = passes };
	unsigned int pins = 0;
	int err = 0;

	if (len > 0 && pin_segs(dev, m, len, rd, wr, &pass, &pins)) {
		/* zero copy: both sides are in memory the client mapped with an fd, which it may
		 * truncate under us: guarded, a fault ends the run as a DMA fault */
		void *at = NULL;

		if (xpdk_devsim_dma_guarded(dev, he_passes, &pass, &at) < 0) {
			uint64_t in_s = rd ? seg_fault(&pass, m, at, true, UINT64_MAX) : UINT64_MAX;

			err = in_s != UINT64_MAX ? XPDK_HE_ERR_SRC : XPDK_HE_ERR_DST;
			*fault = in_s != UINT64_MAX ? in_s : seg_fault(&pass, m, at, false, dst);
		}
		*fold_out = pass.fold;
	} else {
		uint8_t bounce[4096];

		/* page by page: memory without direct access, too many mappings, or the page that
		 * faults */
		if (passes != 1)
			err = -1; /* the caller retries pass by pass */
		*fold_out = 0;
		for (size_t o = 0, n; o < len && err == 0; o += n) {
			/* up to the next page boundary of both sides, where a mapping may end */
			uint64_t room_s = sizeof(bounce) - ((src + o) & (sizeof(bounce) - 1));
			uint64_t room_t = sizeof(bounce) - ((dst + o) & (sizeof(bounce) - 1));

			n = len - o;
			if (rd && n > room_s)
				n = room_s;
			if (wr && n > room_t)
				n = room_t;

			if (rd && xpdk_devsim_dma_read(dev, src + o, bounce, n) < 0) {
				err = XPDK_HE_ERR_SRC;
				*fault = src + o;
				break;
			}
			if (m->mode == XPDK_HE_MODE_READ)
				*fold_out ^= fold(bounce, n);
			else if (m->mode == XPDK_HE_MODE_WRITE)
				fill(bounce, n, m->pattern);
			if (wr && xpdk_devsim_dma_write(dev, dst + o, bounce, n) < 0) {
				err = XPDK_HE_ERR_DST;
				*fault = dst + o;
			}
		}
	}
	for (; pins > 0; pins--)
		xpdk_devsim_dma_unmap(dev);
	return err;
}

static int he_move(struct xpdk_devsim_dev *dev, const struct he *he, uint64_t off, size_t len,
		   uint64_t passes, uint64_t *fold_out, uint64_t *fault)
{
	struct dflm_move m = { he->r_mode, he->r_src + off, he->r_dst + off, he->r_pattern };

	return xpdk_dflm_move(dev, &m, len, passes, fold_out, fault);
}

/* End the run (lock held): status, counters, DSM, interrupt. */
static void he_finish(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, int err, uint64_t fault)
{
	struct he *he = &d->he;
	uint8_t dsm[XPDK_HE_DSM_SIZE];
	uint64_t v;

	he->busy = false;
	he->stop = false;
	he->error = (uint64_t)err;
	he->err_addr = err ? fault : 0;
	if (err == 0)
		he->completions++;
	memset(dsm, 0, sizeof(dsm));
	v = XPDK_HE_DSM_COMPLETE | XPDK_FIELD_PREP(XPDK_HE_DSM_ERROR, (uint64_t)err);
	memcpy(dsm + XPDK_HE_DSM_STATUS, &v, 8);
	v = xpdk_now_ns() - he->r_t0;
	memcpy(dsm + XPDK_HE_DSM_TICKS, &v, 8);
	memcpy(dsm + XPDK_HE_DSM_LINES_READ, &he->r_read, 8);
	memcpy(dsm + XPDK_HE_DSM_LINES_WRITTEN, &he->r_written, 8);
	memcpy(dsm + XPDK_HE_DSM_ERR_ADDR, &he->err_addr, 8);
	memcpy(dsm + XPDK_HE_DSM_COMPLETIONS, &he->completions, 8);
	memcpy(dsm + XPDK_HE_DSM_CHECKSUM, &he->r_checksum, 8);
	if (err == XPDK_HE_ERR_SRC || err == XPDK_HE_ERR_DST) {
		uint64_t bit = err == XPDK_HE_ERR_SRC ? PORT_ERR_DMA_RD : PORT_ERR_DMA_WR;

		if (d->port_err == 0)
			d->port_first_err = bit;
		d->port_err |= bit;
		xpdk_devsim_log(dev, 1, "he: DMA %s fault at IOVA 0x%" PRIx64,
				err == XPDK_HE_ERR_SRC ? "read" : "write", fault);
	}
	if (xpdk_devsim_dma_write(dev, he->r_dsm, dsm, sizeof(dsm)) < 0 && err == 0) {
		xpdk_devsim_log(dev, 1, "he: DSM write to IOVA 0x%" PRIx64 " failed: %s", he->r_dsm,
				xpdk_strerror_last());
		he->error = XPDK_HE_ERR_DSM;
		he->err_addr = he->r_dsm;
	}
	he->status = XPDK_HE_STATUS_DONE | (he->error ? XPDK_HE_STATUS_ERROR : 0);
	if (he->r_irq)
		xpdk_devsim_irq_raise(dev, 0);
}

static void he_start(struct xpdk_devsim_dev *dev, struct dfl_fpga *d)
{
	struct he *he = &d->he;
	uint64_t mode = XPDK_FIELD_GET(XPDK_HE_CFG_MODE, he->cfg);
	uint64_t repeat = XPDK_FIELD_GET(XPDK_HE_CFG_REPEAT, he->cfg);

	if (he->busy)
		return;
	he->r_mode = mode;
	he->r_src = he->src;
	he->r_dst = he->dst;
	he->r_len = he->num_lines * XPDK_HE_LINE;
	he->r_repeat = repeat ? repeat : 1;
	he->r_dsm = he->dsm;
	he->r_pattern = he->pattern;
	he->r_irq = he->cfg & XPDK_HE_CFG_IRQ;
	he->r_pass = he->r_done = he->r_read = he->r_written = he->r_checksum = 0;
	he->r_t0 = xpdk_now_ns();
	he->busy = true;
	he->status = XPDK_HE_STATUS_BUSY;
	if (mode > XPDK_HE_MODE_COPY || he->num_lines == 0 || he->num_lines > XPDK_HE_MAX_LINES ||
	    (he->dsm & 63) != 0) {
		xpdk_devsim_log(dev, 1,
				"he: bad configuration (mode %" PRIu64 ", %" PRIu64
				" lines, DSM 0x%" PRIx64 "); run refused",
				mode, he->num_lines, he->dsm);
		he_finish(dev, d, XPDK_HE_ERR_CONFIG, 0);
		return;
	}
	xpdk_devsim_kick(dev);
}

/* One slice of the run; called on the device thread without the lock. */
uint64_t xpdk_dflm_he_work(struct xpdk_devsim_dev *dev, struct dfl_fpga *d)
{
	struct he run;
	uint64_t budget = SLICE_BYTES, checksum, chunk = 0, fault = 0, lines_per_pass;
	int err = 0;
	bool rd, wr, busy;

	xpdk_devsim_lock(dev);
	if (!d->he.busy) {
		xpdk_devsim_unlock(dev);
		return XPDK_DEVSIM_IDLE;
	}
	if (d->he.stop) {
		he_finish(dev, d, XPDK_HE_ERR_STOPPED, 0);
		xpdk_devsim_unlock(dev);
		return XPDK_DEVSIM_IDLE;
	}
	run = d->he;
	xpdk_devsim_unlock(dev);

	checksum = run.r_checksum;
	rd = run.r_mode != XPDK_HE_MODE_WRITE;
	wr = run.r_mode != XPDK_HE_MODE_READ;
	lines_per_pass = run.r_len / XPDK_HE_LINE;
	while (budget > 0 && run.r_pass < run.r_repeat && err == 0) {
		uint64_t n = run.r_len - run.r_done, passes = 1;

		if (run.r_done == 0 && run.r_len <= budget) {
			/* whole passes: as many as the budget holds, in one pin */
			passes = budget / run.r_len;
			if (passes > run.r_repeat - run.r_pass)
				passes = run.r_repeat - run.r_pass;
			if (passes > 1 && he_move(dev, &run, 0, n, passes, &chunk, &fault) != 0)
				passes = 1; /* not in one mapping: pass by pass finds out why */
			if (passes > 1) {
				checksum = chunk;
				run.r_pass += passes;
				run.r_read += rd ? passes * lines_per_pass : 0;
				run.r_written += wr ? passes * lines_per_pass : 0;
				budget -= passes * n;
				continue;
			}
		}
		if (n > budget)
			n = budget;
		err = he_move(dev, &run, run.r_done, n, 1, &chunk, &fault);
		if (err != 0)
			break;
		/* the DSM reports the fold of the last whole pass */
		checksum = run.r_done == 0 ? chunk : checksum ^ chunk;
		run.r_done += n;
		budget -= n;
		if (run.r_done == run.r_len) {
			run.r_done = 0;
			run.r_pass++;
			run.r_read += rd ? lines_per_pass : 0;
			run.r_written += wr ? lines_per_pass : 0;
		}
	}

	xpdk_devsim_lock(dev);
	if (d->he.gen != run.gen || !d->he.busy) {
		xpdk_devsim_unlock(dev);
		return XPDK_DEVSIM_IDLE; /* abandoned meanwhile (reset, port reset, detach) */
	}
	d->fab_events[EV_PCIE0_RD] += run.r_read - d->he.r_read;
	d->fab_events[EV_PCIE0_WR] += run.r_written - d->he.r_written;
	d->he.lines_read += run.r_read - d->he.r_read;
	d->he.lines_written += run.r_written - d->he.r_written;
	d->he.r_pass = run.r_pass;
	d->he.r_done = run.r_done;
	d->he.r_read = run.r_read;
	d->he.r_written = run.r_written;
	d->he.r_checksum = checksum;
	if (err != 0 || run.r_pass == run.r_repeat)
		he_finish(dev, d, err, fault);
	busy = d->he.busy;
	xpdk_devsim_unlock(dev);
	return busy ? 0 : XPDK_DEVSIM_IDLE;
}

uint64_t xpdk_dflm_he_read(struct dfl_fpga *d, uint64_t off)
{
	const struct he *he = &d->he;

	switch (off) {
	case XPDK_HE_SCRATCH0:
		return he->scratch[0];
	case XPDK_HE_SCRATCH1:
		return he->scratch[1];
	case XPDK_HE_DSM_BASE:
		return he->dsm;
	case XPDK_HE_SRC_ADDR:
		return he->src;
	case XPDK_HE_DST_ADDR:
		return he->dst;
	case XPDK_HE_NUM_LINES:
		return he->num_lines;
	case XPDK_HE_CFG:
		return he->cfg;
	case XPDK_HE_STATUS:
		return he->status;
	case XPDK_HE_ERROR:
		return he->error;
	case XPDK_HE_ERR_ADDR:
		return he->err_addr;
	case XPDK_HE_PATTERN:
		return he->pattern;
	case XPDK_HE_CLOCK_HZ:
		return 1000000000ull;
	case XPDK_HE_LINES_READ:
		return he->lines_read;
	case XPDK_HE_LINES_WRITTEN:
		return he->lines_written;
	default:
		return 0;
	}
}

void xpdk_dflm_he_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off, uint64_t val)
{
	struct he *he = &d->he;

	switch (off) {
	case XPDK_HE_SCRATCH0:
	case XPDK_HE_SCRATCH1:
		he->scratch[(off - XPDK_HE_SCRATCH0) / 8] = val;
		return;
	case XPDK_HE_CTL:
		if (val & XPDK_HE_CTL_RESET)
			xpdk_dflm_he_power_on(he);
		else if (val & XPDK_HE_CTL_STOP)
			he->stop = he->busy;
		else if (val & XPDK_HE_CTL_START)
			he_start(dev, d);
		if (val & XPDK_HE_CTL_STOP)
			xpdk_devsim_kick(dev);
		return;
	default:
		break;
	}
	if (he->busy)
		return; /* the run's configuration is fixed until it ends */
	switch (off) {
	case XPDK_HE_DSM_BASE:
		he->dsm = val;
		break;
	case XPDK_HE_SRC_ADDR:
		he->src = val;
		break;
	case XPDK_HE_DST_ADDR:
		he->dst = val;
		break;
	case XPDK_HE_NUM_LINES:
		he->num_lines = val;
		break;
	case XPDK_HE_CFG:
		he->cfg = val;
		break;
	case XPDK_HE_PATTERN:
		he->pattern = val;
		break;
	default:
		break;
	}
}
