/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Model "dfl-fpga": an OPAE PCIe FPGA physical function (default 8086:0b30, the PAC N3000) whose
 * BAR0 carries a Device Feature List as Linux's DFL driver and OPAE walk it:
 *
 *   0x00000 FME (FIU 0)            -> 0x01000 thermal -> 0x02000 power -> 0x03000 global perf
 *                                   -> 0x04000 global error -> 0x05000 PR (EOL)
 *   0x40000 port 0 (FIU 1), found through FME_PORT0 -> 0x41000 port error -> 0x42000 STP (EOL)
 *   0x80000 AFU (port NEXT_AFU): the host exerciser (xpdk_he_regs.h) or, after partial
 *           reconfiguration, the counter AFU; its first 4 KiB are registers, the rest of its
 *           256 KiB window is plain memory the client maps (the MMIO fast path).
 *
 * Registers are 64 bits; 4-byte accesses reach the low or high half (a 4-byte write to a high
 * half is ignored); other sizes read all-ones and are dropped. Live values (temperature, power)
 * follow a random walk seeded by the seed= argument, so runs with one seed read the same
 * sequence. The exerciser's engine runs on the device thread without the register lock, so
 * register reads stay quick while it moves data; it works directly on the client's buffers
 * (mapped with an fd), and page by page when a buffer spans two of the client's DMA mappings,
 * which also finds the first page that faults.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../xpdk_devsim.h"
#include "../xpdk_devsim_dfl.h"
#include "xpdk_dfl.h"
#include "xpdk_dfl_regs.h"
#include "xpdk_he_regs.h"

#define FME	  XPDK_DEVSIM_DFL_FME
#define THERMAL	  0x1000
#define POWER	  0x2000
#define PERF	  0x3000
#define GERR	  0x4000
#define PR	  0x5000
#define PORT	  XPDK_DEVSIM_DFL_PORT
#define PORT_ERR  (PORT + 0x1000)
#define PORT_STP  (PORT + 0x2000)
#define AFU	  XPDK_DEVSIM_DFL_AFU
#define FEAT_SIZE 0x1000

#define FME_GUID_H  0xbfaf2ae94a5246e3ULL
#define FME_GUID_L  0x82fe38f0f9e17764ULL
#define PORT_GUID_H 0x3ab49893138d42ebULL
#define PORT_GUID_L 0x9642b06c6b355b87ULL

/* fabric counter events (the perf feature's event selector) */
enum { EV_PCIE0_RD = 0, EV_PCIE0_WR = 1, EV_MMIO_RD = 6, EV_MMIO_WR = 7, EV_MAX = 8 };

/* RAS bits the error injection register sets */
#define CATFAT_INJ_CATAST XPDK_BIT(11)
#define CATFAT_INJ_FATAL  XPDK_BIT(12)
#define NONFAT_INJ_WARN	  XPDK_BIT(6)
/* port error bits the exerciser's faults set */
#define PORT_ERR_DMA_RD XPDK_BIT(0)
#define PORT_ERR_DMA_WR XPDK_BIT(1)

#define SLICE_BYTES (4u << 20) /* engine work between register-lock windows */
#define BOUNCE	    (64u << 10)

enum afu_kind { AFU_HE, AFU_COUNTER };

struct he {
	uint64_t scratch[2], dsm, src, dst, num_lines, cfg, pattern;
	uint64_t status, error, err_addr, lines_read, lines_written, completions;
	/* the run in progress (busy): fixed at start, progress kept by the device thread */
	bool busy, stop;
	uint64_t gen; /* bumped when a run is abandoned, so a slice in flight is discarded */
	uint64_t r_mode, r_src, r_dst, r_len, r_repeat, r_dsm, r_pattern;
	bool r_irq;
	uint64_t r_pass, r_done, r_read, r_written, r_checksum, r_t0;
};

/* faults= injection, for drivers' error paths */
#define FAULT_PORT_RESET_ACK XPDK_BIT(0) /* soft reset is never acknowledged */
#define FAULT_PR_COMPLETE    XPDK_BIT(1) /* PR never completes (start stays set) */

struct dfl_fpga {
	uint64_t seed, rng, temp;
	uint64_t faults;
	uint64_t pr_id_l, pr_id_h;
	enum afu_kind afu;
	uint64_t bs_id, bs_md;
	/* FME features */
	uint64_t therm_threshold, pwr_threshold;
	uint64_t err_fme_mask, err_fme, err_pcie0_mask, err_pcie0, err_pcie1_mask, err_pcie1;
	uint64_t err_nonfat_mask, err_nonfat, err_catfat_mask, err_catfat, err_first, err_next;
	uint64_t perf_fab_ctrl, perf_cache_ctrl, fab_events[EV_MAX], fab_base[EV_MAX],
		fab_frozen[EV_MAX], t0;
	/* PR */
	uint64_t pr_ctrl, pr_err;
	bool pr_active;
	uint8_t *pr_buf;
	size_t pr_len;
	/* port */
	uint64_t port_ctrl, port_err_mask, port_err, port_first_err;
	/* AFUs */
	struct he he;
	uint64_t cnt_scratch, cnt_count;
	uint8_t *afu_ram;
};

static uint64_t dfh(unsigned int type, unsigned int id, unsigned int rev, uint64_t next, bool eol)
{
	return XPDK_FIELD_PREP(XPDK_DFH_TYPE, type) | XPDK_FIELD_PREP(XPDK_DFH_ID, id) |
	       XPDK_FIELD_PREP(XPDK_DFH_REVISION, rev) | XPDK_FIELD_PREP(XPDK_DFH_NEXT, next) |
	       (eol ? XPDK_DFH_EOL : 0);
}

/* xorshift64*: the live readings' random walk */
static uint64_t rng_next(struct dfl_fpga *d)
{
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return d->rng * 0x2545f4914f6cdd1dULL;
}

/* ---- arguments ---------------------------------------------------------------------------- */

static int parse_guid(const char *str, uint64_t *hi, uint64_t *lo)
{
	struct xpdk_guid g;
	int rc = xpdk_guid_parse(str, &g);

	if (rc == 0)
		xpdk_guid_to_regs(&g, lo, hi);
	return rc;
}

static int dfl_arg(const char *key, const char *val, void *arg)
{
	struct dfl_fpga *d = arg;

	if (strcmp(key, "seed") == 0) {
		if (xpdk_parse_u64(val, &d->seed) < 0)
			return xpdk_err(EINVAL, "dfl-fpga: seed '%s' is not a number", val);
	} else if (strcmp(key, "pr_id") == 0) {
		if (parse_guid(val, &d->pr_id_h, &d->pr_id_l) < 0)
			return xpdk_err(EINVAL,
					"dfl-fpga: pr_id '%s' is not a GUID "
					"(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
					val);
	} else if (strcmp(key, "faults") == 0) {
		char buf[128], *save = NULL;

		snprintf(buf, sizeof(buf), "%s", val);
		for (char *t = strtok_r(buf, "+", &save); t != NULL; t = strtok_r(NULL, "+", &save)) {
			if (strcmp(t, "port-reset-ack") == 0)
				d->faults |= FAULT_PORT_RESET_ACK;
			else if (strcmp(t, "pr-complete") == 0)
				d->faults |= FAULT_PR_COMPLETE;
			else
				return xpdk_err(EINVAL,
						"dfl-fpga: fault '%s' is unknown (port-reset-ack, "
						"pr-complete)",
						t);
		}
	} else if (strcmp(key, "afu") == 0) {
		if (strcmp(val, "he") == 0)
			d->afu = AFU_HE;
		else if (strcmp(val, "counter") == 0)
			d->afu = AFU_COUNTER;
		else
			return xpdk_err(EINVAL, "dfl-fpga: afu '%s' is unknown (he, counter)", val);
	} else {
		return xpdk_err(EINVAL,
				"dfl-fpga: unknown model argument '%s' (known: seed, pr_id, afu, "
				"faults)",
				key);
	}
	return 0;
}

/* ---- the host exerciser's engine -------------------------------------------------------- */

static void he_power_on(struct he *he)
{
	uint64_t gen = he->gen + 1;

	memset(he, 0, sizeof(*he));
	he->gen = gen;
}

/* XOR-fold of @p len bytes (a multiple of 8) */
static uint64_t fold(const uint8_t *p, size_t len)
{
	uint64_t acc[4] = {0, 0, 0, 0}, w;

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

/*
 * Move @p len bytes at byte @p off of the run's buffers, @p passes times over the same bytes
 * (small runs repeat within one pin). Returns 0 or the exerciser error code with *fault set
 * to the IOVA that faulted. Read mode sets *fold_out to the fold of the range (last pass).
 */
static int he_move(struct xpdk_devsim_dev *dev, const struct he *he, uint64_t off, size_t len,
		   uint64_t passes, uint64_t *fold_out, uint64_t *fault)
{
	bool rd = he->r_mode != XPDK_HE_MODE_WRITE, wr = he->r_mode != XPDK_HE_MODE_READ;
	uint64_t src = he->r_src + off, dst = he->r_dst + off;
	void *s = NULL, *t = NULL;
	bool pinned_s = false, pinned_t = false;
	int err = 0;

	if (rd && xpdk_devsim_dma_map(dev, src, len, false, &s) == 0)
		pinned_s = true;
	if (wr && xpdk_devsim_dma_map(dev, dst, len, true, &t) == 0)
		pinned_t = true;
	if ((!rd || pinned_s) && (!wr || pinned_t)) {
		/* zero copy: both sides are in memory the client mapped with an fd */
		for (uint64_t p = 0; p < passes; p++) {
			if (he->r_mode == XPDK_HE_MODE_READ)
				*fold_out = fold(s, len);
			else if (he->r_mode == XPDK_HE_MODE_WRITE)
				fill(t, len, he->r_pattern);
			else
				memmove(t, s, len); /* source and destination may overlap */
		}
	} else {
		uint8_t bounce[4096];

		/* page by page: a buffer across two mappings, or the exact page that faults */
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
			if (he->r_mode == XPDK_HE_MODE_READ)
				*fold_out ^= fold(bounce, n);
			else if (he->r_mode == XPDK_HE_MODE_WRITE)
				fill(bounce, n, he->r_pattern);
			if (wr && xpdk_devsim_dma_write(dev, dst + o, bounce, n) < 0) {
				err = XPDK_HE_ERR_DST;
				*fault = dst + o;
			}
		}
	}
	if (pinned_s)
		xpdk_devsim_dma_unmap(dev);
	if (pinned_t)
		xpdk_devsim_dma_unmap(dev);
	return err;
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
				"he: bad configuration (mode %" PRIu64 ", %" PRIu64 " lines, DSM 0x%" PRIx64
				"); run refused",
				mode, he->num_lines, he->dsm);
		he_finish(dev, d, XPDK_HE_ERR_CONFIG, 0);
		return;
	}
	xpdk_devsim_kick(dev);
}

/* One slice of the run; called on the device thread without the lock. */
static uint64_t he_work(struct xpdk_devsim_dev *dev, struct dfl_fpga *d)
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

static uint64_t he_read(struct dfl_fpga *d, uint64_t off)
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

static void he_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off, uint64_t val)
{
	struct he *he = &d->he;

	switch (off) {
	case XPDK_HE_SCRATCH0:
	case XPDK_HE_SCRATCH1:
		he->scratch[(off - XPDK_HE_SCRATCH0) / 8] = val;
		return;
	case XPDK_HE_CTL:
		if (val & XPDK_HE_CTL_RESET)
			he_power_on(he);
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

/* ---- AFU window ------------------------------------------------------------------------- */

static bool port_in_reset(const struct dfl_fpga *d)
{
	return d->port_ctrl & XPDK_PORT_CTRL_SFTRST;
}

/* The AFU is replaced or comes out of reset: power-on state, AFU memory cleared. */
static void afu_power_on(struct dfl_fpga *d)
{
	he_power_on(&d->he);
	d->cnt_scratch = 0;
	d->cnt_count = 0;
	if (d->afu_ram != NULL)
		memset(d->afu_ram, 0, XPDK_DEVSIM_DFL_AFU_SIZE - XPDK_DEVSIM_DFL_AFU_RAM);
}

static uint64_t afu_read(struct dfl_fpga *d, uint64_t off)
{
	if (port_in_reset(d))
		return ~0ULL;
	switch (off) {
	case XPDK_DFH:
		return dfh(XPDK_DFH_TYPE_AFU, 0, 0, 0, true);
	case XPDK_DFH_GUID_L:
		return d->afu == AFU_HE ? XPDK_HE_GUID_L : XPDK_DEVSIM_COUNTER_GUID_L;
	case XPDK_DFH_GUID_H:
		return d->afu == AFU_HE ? XPDK_HE_GUID_H : XPDK_DEVSIM_COUNTER_GUID_H;
	default:
		break;
	}
	if (d->afu == AFU_HE)
		return he_read(d, off);
	if (off == XPDK_DEVSIM_COUNTER_SCRATCH)
		return d->cnt_scratch;
	if (off == XPDK_DEVSIM_COUNTER_COUNT)
		return ++d->cnt_count;
	return 0;
}

static void afu_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off, uint64_t val)
{
	if (port_in_reset(d))
		return;
	if (d->afu == AFU_HE)
		he_write(dev, d, off, val);
	else if (off == XPDK_DEVSIM_COUNTER_SCRATCH)
		d->cnt_scratch = val;
}

/* ---- FME -------------------------------------------------------------------------------- */

static uint64_t temperature(struct dfl_fpga *d)
{
	/* 40..59 degrees C, moving by at most one degree per reading */
	uint64_t r = rng_next(d) & 3;

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

static uint64_t fme_read(struct dfl_fpga *d, uint64_t off)
{
	switch (off) {
	/* header */
	case FME + XPDK_DFH:
		return dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_FME, 1, THERMAL - FME, false);
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
		       XPDK_FIELD_PREP(XPDK_FME_PORT_OFST_BAR, 0) | XPDK_FME_PORT_OFST_IMP;
	case FME + XPDK_FME_HDR_BITSTREAM_ID:
		return d->bs_id;
	case FME + XPDK_FME_HDR_BITSTREAM_MD:
		return d->bs_md;
	/* thermal */
	case THERMAL + XPDK_DFH:
		return dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_THERMAL_MGMT, 1, FEAT_SIZE, false);
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
		return dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_POWER_MGMT, 1, FEAT_SIZE, false);
	case POWER + XPDK_FME_PWR_STATUS:
		return XPDK_FIELD_PREP(XPDK_FME_PWR_CONSUMED,
				       30 + (d->he.busy ? 4 : 0) + (rng_next(d) % 4));
	case POWER + XPDK_FME_PWR_THRESHOLD:
		return d->pwr_threshold;
	case POWER + XPDK_FME_PWR_FPGA_LIMIT:
		return XPDK_FIELD_PREP(XPDK_FME_PWR_LIMIT, 660) | XPDK_FME_PWR_LIMIT_EN;
	/* global performance */
	case PERF + XPDK_DFH:
		return dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_GLOBAL_IPERF, 1, FEAT_SIZE,
			   false);
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
		return dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_GLOBAL_ERR, 1, FEAT_SIZE, false);
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
		return dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_PR_MGMT, 1, 0, true);
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
	uint32_t len;

	if (d->pr_len < XPDK_DEVSIM_RBF_HDR_SIZE || get32(b) != XPDK_DEVSIM_RBF_MAGIC ||
	    get32(b + 4) != XPDK_DEVSIM_RBF_VERSION) {
		xpdk_devsim_log(dev, 1, "PR: %zu bytes without a valid bitstream header", d->pr_len);
		return XPDK_FME_PR_ERR_OPERATION;
	}
	if (get64(b + 0x18) != d->pr_id_l || get64(b + 0x20) != d->pr_id_h) {
		xpdk_devsim_log(dev, 1, "PR: bitstream built for interface %016" PRIx64 "%016" PRIx64
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
	if (afu_l == XPDK_HE_GUID_L && afu_h == XPDK_HE_GUID_H) {
		d->afu = AFU_HE;
	} else if (afu_l == XPDK_DEVSIM_COUNTER_GUID_L && afu_h == XPDK_DEVSIM_COUNTER_GUID_H) {
		d->afu = AFU_COUNTER;
	} else {
		xpdk_devsim_log(dev, 1, "PR: unknown AFU %016" PRIx64 "%016" PRIx64, afu_h, afu_l);
		return XPDK_FME_PR_ERR_OPERATION;
	}
	afu_power_on(d);
	xpdk_devsim_log(dev, 2, "PR: loaded the %s AFU", d->afu == AFU_HE ? "host exerciser"
									   : "counter");
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
		if (!port_in_reset(d)) {
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

static void fme_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off, uint64_t val)
{
	const uint64_t therm_rw = XPDK_FME_THERM_TH1 | XPDK_FME_THERM_TH1_EN | XPDK_FME_THERM_TH2 |
				  XPDK_FME_THERM_TH2_EN | XPDK_FME_THERM_TH1_POLICY;

	switch (off) {
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

/* ---- port ------------------------------------------------------------------------------- */

static uint64_t port_read(struct dfl_fpga *d, uint64_t off)
{
	switch (off) {
	case PORT + XPDK_DFH:
		return dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_PORT, 1, PORT_ERR - PORT, false);
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
		return dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_ERROR, 1, PORT_STP - PORT_ERR,
			   false);
	case PORT_ERR + XPDK_PORT_ERR_MASK:
		return d->port_err_mask;
	case PORT_ERR + XPDK_PORT_ERR:
		return d->port_err & ~d->port_err_mask;
	case PORT_ERR + XPDK_PORT_ERR_FIRST:
		return d->port_first_err;
	case PORT_STP + XPDK_DFH:
		return dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_STP, 1, 0, true);
	default:
		return 0;
	}
}

static void port_write(struct dfl_fpga *d, uint64_t off, uint64_t val)
{
	switch (off) {
	case PORT + XPDK_PORT_HDR_CTRL:
		if (val & XPDK_PORT_CTRL_SFTRST) {
			/* reset asserted: the AFU stops at once and acknowledges */
			he_power_on(&d->he);
			d->port_ctrl = XPDK_PORT_CTRL_SFTRST |
				       (d->faults & FAULT_PORT_RESET_ACK ? 0 : XPDK_PORT_CTRL_SFTRST_ACK);
		} else if (port_in_reset(d)) {
			afu_power_on(d);
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

/* ---- model callbacks -------------------------------------------------------------------- */

static uint64_t reg_read(struct dfl_fpga *d, uint64_t off)
{
	d->fab_events[EV_MMIO_RD]++;
	if (off >= AFU)
		return afu_read(d, off - AFU);
	if (off >= PORT)
		return port_read(d, off);
	return fme_read(d, off);
}

static void reg_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off, uint64_t val)
{
	d->fab_events[EV_MMIO_WR]++;
	if (off >= AFU)
		afu_write(dev, d, off - AFU, val);
	else if (off >= PORT)
		port_write(d, off, val);
	else
		fme_write(dev, d, off, val);
}

static uint64_t dfl_mmio_read(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			      unsigned int size)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);
	uint64_t v;

	if (bar != 0 || (size != 8 && size != 4))
		return ~0ULL;
	v = reg_read(d, off & ~7ULL);
	return size == 8 ? v : (off & 4) ? v >> 32 : (uint32_t)v;
}

static void dfl_mmio_write(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			   unsigned int size, uint64_t val)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);

	if (bar != 0 || (size != 8 && size != 4) || (size == 4 && (off & 4)))
		return;
	reg_write(dev, d, off, size == 4 ? (uint32_t)val : val);
}

/* Power-on state of everything but the loaded AFU and the arguments. */
static void dfl_power_on(struct dfl_fpga *d, uint64_t seed)
{
	d->seed = seed;
	d->rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	d->temp = 40 + seed % 20;
	d->therm_threshold = XPDK_FIELD_PREP(XPDK_FME_THERM_TRIP, 95);
	d->pwr_threshold = 0;
	d->err_fme_mask = d->err_fme = d->err_pcie0_mask = d->err_pcie0 = 0;
	d->err_pcie1_mask = d->err_pcie1 = d->err_nonfat_mask = d->err_nonfat = 0;
	d->err_catfat_mask = d->err_catfat = d->err_first = d->err_next = 0;
	d->perf_fab_ctrl = d->perf_cache_ctrl = 0;
	memset(d->fab_events, 0, sizeof(d->fab_events));
	memset(d->fab_base, 0, sizeof(d->fab_base));
	memset(d->fab_frozen, 0, sizeof(d->fab_frozen));
	d->t0 = xpdk_now_ns();
	d->pr_ctrl = d->pr_err = 0;
	d->pr_active = false;
	d->pr_len = 0;
	d->port_ctrl = d->port_err_mask = d->port_err = d->port_first_err = 0;
	afu_power_on(d);
}

static int dfl_init(struct xpdk_devsim_dev *dev, const char *args)
{
	static const struct xpdk_pci_ids ids = {
		.vendor = 0x8086,
		.device = 0x0b30,
		.subsystem_vendor = 0x8086,
		.subsystem = 0x0b30,
		.class_code = 0x120000, /* processing accelerator */
		.revision = 0,
	};
	struct dfl_fpga *d = xpdk_devsim_priv(dev);
	struct xpdk_pci_cfg *cfg = xpdk_devsim_cfg(dev);
	int rc;

	d->afu = AFU_HE;
	if (parse_guid(XPDK_DEVSIM_DFL_PR_ID, &d->pr_id_h, &d->pr_id_l) < 0)
		return xpdk_err(EINVAL, "dfl-fpga: bad built-in PR interface ID");
	rc = xpdk_devsim_args("dfl-fpga", args, dfl_arg, d);
	if (rc < 0)
		return rc;
	d->bs_id = XPDK_FIELD_PREP(XPDK_FME_BS_ID_HASH, (uint32_t)((d->seed + 1) * 2654435761u)) |
		   XPDK_FIELD_PREP(XPDK_FME_BS_ID_MAJOR, 1) |
		   XPDK_FIELD_PREP(XPDK_FME_BS_ID_MINOR, 2) | XPDK_FIELD_PREP(XPDK_FME_BS_ID_PATCH, 0);
	d->bs_md = XPDK_FIELD_PREP(XPDK_FME_BS_MD_YEAR, 0x26) |
		   XPDK_FIELD_PREP(XPDK_FME_BS_MD_MONTH, 0x11) |
		   XPDK_FIELD_PREP(XPDK_FME_BS_MD_DAY, 0x22) |
		   XPDK_FIELD_PREP(XPDK_FME_BS_MD_SEED, d->seed & 0xf);
	d->pr_buf = malloc(XPDK_DEVSIM_RBF_MAX);
	if (d->pr_buf == NULL)
		return xpdk_err(ENOMEM, "dfl-fpga: out of memory for the PR buffer");
	xpdk_pci_cfg_init(cfg, &ids, true);
	xpdk_pci_cfg_intx(cfg, 1);
	rc = xpdk_pci_cfg_msi(cfg, 1);
	if (rc == 0)
		rc = xpdk_devsim_bar(dev, 0, XPDK_DEVSIM_DFL_BAR0_SIZE, true);
	if (rc == 0) {
		d->afu_ram = xpdk_devsim_bar_mem(dev, 0, AFU + XPDK_DEVSIM_DFL_AFU_RAM,
						 XPDK_DEVSIM_DFL_AFU_SIZE - XPDK_DEVSIM_DFL_AFU_RAM);
		if (d->afu_ram == NULL)
			rc = errno ? -errno : -ENOMEM;
	}
	if (rc < 0) {
		free(d->pr_buf);
		d->pr_buf = NULL;
		return rc;
	}
	dfl_power_on(d, d->seed);
	return 0;
}

static void dfl_fini(struct xpdk_devsim_dev *dev)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);

	free(d->pr_buf);
	d->pr_buf = NULL;
}

static void dfl_reset(struct xpdk_devsim_dev *dev)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);

	dfl_power_on(d, d->seed);
}

static uint64_t dfl_work(struct xpdk_devsim_dev *dev)
{
	return he_work(dev, xpdk_devsim_priv(dev));
}

static void dfl_detach(struct xpdk_devsim_dev *dev)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);

	xpdk_devsim_lock(dev);
	if (d->he.busy) {
		d->he.busy = false; /* the client's memory is gone: no DSM write either */
		d->he.gen++;
		d->he.error = XPDK_HE_ERR_STOPPED;
		d->he.status = XPDK_HE_STATUS_DONE | XPDK_HE_STATUS_ERROR;
	}
	xpdk_devsim_unlock(dev);
}

static const struct xpdk_devsim_model dfl_fpga_model = {
	.name = "dfl-fpga",
	.summary = "OPAE DFL FPGA PF (8086:0b30): FME, port, host-exerciser AFU, partial "
		   "reconfiguration",
	.args_help = "seed=N  seed of the live readings (default 0)\n"
		     "pr_id=GUID  PR interface ID (default " XPDK_DEVSIM_DFL_PR_ID ")\n"
		     "afu=he|counter  AFU loaded at power-on (default he)\n"
		     "faults=F[+F]  inject faults: port-reset-ack (never acknowledged), pr-complete "
		     "(PR never completes)",
	.priv_size = sizeof(struct dfl_fpga),
	.init = dfl_init,
	.fini = dfl_fini,
	.mmio_read = dfl_mmio_read,
	.mmio_write = dfl_mmio_write,
	.reset = dfl_reset,
	.work = dfl_work,
	.detach = dfl_detach,
};

XPDK_DEVSIM_MODEL(dfl_fpga_model)
