/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * OPAE's host exercisers HE-LB and HE-MEM (xpdk_opae_he_regs.h), driven as OPAE's
 * samples/host_exerciser does: reset with CTL 0 then 1, the DSM, source and destination as
 * cache-line addresses, NUM_LINES as count - 1, CFG, CTL = ResetL | Start, completion in the
 * DSM's first bit, ForcedTestCmpl to end a continuous test. Also the driver's DMA engine
 * "he-lb"/"he-mem" for tools (lpbk = copy, read, write, trput). An operation of several
 * passes is what OPAE's host_exerciser measures bandwidth with: a continuous test, ended with
 * ForcedTestCmpl once STATUS0 counts the lines asked for; the completion reports the passes the
 * device did (at least those asked for: it ends between requests, a little later).
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_pause.h>

#include "fpga_priv.h"
#include "xpdk_dfl_regs.h"

/* the exerciser's registers, from its DFH up to INFO0 */
#define HELB_REGS_LEN (XPDK_OPAE_HE_INFO0 + 8)
/* NUM_LINES holds count - 1 in 32 bits */
#define HELB_MAX_LINES (1ull << 32)

const char *xpdk_helb_mode_name(unsigned int mode)
{
	static const char *const names[] = { "lpbk", "read", "write", "trput" };

	return mode < 4 ? names[mode] : "?";
}

bool xpdk_fpga_is_helb(const struct xpdk_guid *afu_id)
{
	struct xpdk_guid lb, mem;

	xpdk_guid_parse(XPDK_OPAE_HE_LB_GUID, &lb);
	xpdk_guid_parse(XPDK_OPAE_HE_MEM_GUID, &mem);
	return xpdk_guid_equal(afu_id, &lb) || xpdk_guid_equal(afu_id, &mem);
}

static uint64_t reg_off(const struct xpdk_fpga *f, uint64_t reg)
{
	return f->port[f->helb_port].afu + reg;
}

static int wr64(struct xpdk_fpga *f, uint64_t reg, uint64_t v)
{
	if (f->helb_regs != NULL) {
		xpdk_mmio_write64(f->helb_regs + reg, v);
		return 0;
	}
	return xpdk_region_write(f->bar0, reg_off(f, reg), 64, v);
}

/* CTL and DSM_BASEL/H are 32-bit registers (OPAE writes them with write32) */
static int wr32(struct xpdk_fpga *f, uint64_t reg, uint32_t v)
{
	if (f->helb_regs != NULL) {
		xpdk_mmio_write32(f->helb_regs + reg, v);
		return 0;
	}
	return xpdk_region_write(f->bar0, reg_off(f, reg), 32, v);
}

/* the shadowed registers, in helb_shadow[] order */
static const uint64_t shadowed[] = { XPDK_OPAE_HE_SRC_ADDR,   XPDK_OPAE_HE_DST_ADDR,
				     XPDK_OPAE_HE_NUM_LINES,  XPDK_OPAE_HE_CFG,
				     XPDK_OPAE_HE_INTERRUPT0, XPDK_OPAE_HE_DSM_BASEL };

/* Write configuration register shadowed[@p i] unless it already holds @p v. The DSM base is
 * two 32-bit writes (DSM_BASEL, DSM_BASEH), as OPAE writes it. */
static int wr_cfg(struct xpdk_fpga *f, unsigned int i, uint64_t v)
{
	int rc;

	if ((f->helb_shadow_valid & (1u << i)) && f->helb_shadow[i] == v)
		return 0;
	if (shadowed[i] == XPDK_OPAE_HE_DSM_BASEL) {
		rc = wr32(f, XPDK_OPAE_HE_DSM_BASEL, (uint32_t)v);
		if (rc == 0)
			rc = wr32(f, XPDK_OPAE_HE_DSM_BASEH, (uint32_t)(v >> 32));
	} else {
		rc = wr64(f, shadowed[i], v);
	}
	f->helb_shadow[i] = v;
	if (rc == 0)
		f->helb_shadow_valid |= (uint8_t)(1u << i);
	else
		f->helb_shadow_valid &= (uint8_t) ~(1u << i);
	return rc;
}

static int rd64(struct xpdk_fpga *f, uint64_t reg, uint64_t *v)
{
	if (f->helb_regs != NULL) {
		*v = xpdk_mmio_read64(f->helb_regs + reg);
		return 0;
	}
	return xpdk_region_read(f->bar0, reg_off(f, reg), 64, v);
}

static uint64_t dsm_get(const struct xpdk_fpga *f, unsigned int off)
{
	return *(volatile const uint64_t *)((const uint8_t *)f->helb_dsm->va + off);
}

static int helb_reset(struct xpdk_fpga *f)
{
	int rc = wr32(f, XPDK_OPAE_HE_CTL, 0);

	if (rc == 0)
		rc = wr32(f, XPDK_OPAE_HE_CTL, XPDK_OPAE_HE_CTL_RESETL);
	f->helb_run.busy = false;
	return rc;
}

int xpdk_helb_attach(struct xpdk_fpga *f, unsigned int port, struct xpdk_helb_info *info)
{
	struct xpdk_fpga_port_info pi;
	struct xpdk_guid mem;
	char have[XPDK_GUID_STR_LEN + 1];
	uint64_t info0 = 0;
	unsigned int api;
	int rc = xpdk_fpga_port_info(f, port, &pi);

	if (rc < 0)
		return rc;
	if (pi.afu_offset == 0 || !xpdk_fpga_is_helb(&pi.afu_id))
		return xpdk_err(ENODEV,
				"%s port %u: the AFU is %s, not OPAE's HE-LB (" XPDK_OPAE_HE_LB_GUID
				") or HE-MEM (" XPDK_OPAE_HE_MEM_GUID
				"); load one with partial reconfiguration",
				xpdk_dev_info(f->dev)->name, port, xpdk_fpga_afu_str(&pi, have));
	if (f->helb_dsm == NULL) {
		f->helb_dsm = xpdk_dma_alloc(XPDK_OPAE_HE_DSM_SIZE, 64, XPDK_DMA_F_ZERO);
		if (f->helb_dsm == NULL)
			return -errno;
	}
	xpdk_fpga_he_irq_enable(f, pi.num_irqs);
	f->helb_port = (int)port;
	f->helb_shadow_valid = 0;
	f->helb_regs = xpdk_fpga_window(f, pi.afu_offset, HELB_REGS_LEN);
	rc = helb_reset(f);
	if (rc == 0)
		rc = rd64(f, XPDK_OPAE_HE_INFO0, &info0);
	if (rc < 0) {
		f->helb_port = -1;
		return rc;
	}
	xpdk_guid_parse(XPDK_OPAE_HE_MEM_GUID, &mem);
	api = (unsigned int)XPDK_FIELD_GET(XPDK_OPAE_HE_INFO0_API, info0);
	memset(&f->helb, 0, sizeof(f->helb));
	f->helb.mem = xpdk_guid_equal(&pi.afu_id, &mem);
	f->helb.clock_mhz = (unsigned int)XPDK_FIELD_GET(XPDK_OPAE_HE_INFO0_CLOCK_MHZ, info0);
	f->helb.api_version = api;
	f->helb.atomics = !(info0 & XPDK_OPAE_HE_INFO0_NO_ATOMICS);
	f->helb.bus_bytes =
	    api >= 3 ? 1u << (5 + XPDK_FIELD_GET(XPDK_OPAE_HE_INFO0_BUS_WIDTH, info0)) : 64;
	f->helb.mem_bus_bytes =
	    api >= 4 ? 1u << (2 + XPDK_FIELD_GET(XPDK_OPAE_HE_INFO0_MEM_WIDTH, info0)) : 0;
	f->helb.max_req_lines = api >= 2 ? 16 : 8;
	if (info != NULL)
		*info = f->helb;
	return 0;
}

static int check_buf(const struct xpdk_fpga *f, const struct xpdk_dma_buf *b, uint64_t bytes,
		     const char *what)
{
	if (b == NULL)
		return xpdk_err(EINVAL, "he-lb: the %s buffer is missing for this mode", what);
	if (b->size < bytes)
		return xpdk_err(EINVAL, "he-lb: the %s buffer has %zu bytes; the test needs %llu",
				what, b->size, (unsigned long long)bytes);
	if ((b->iova & (XPDK_OPAE_HE_CL - 1)) != 0)
		return xpdk_err(EINVAL,
				"he-lb: the %s buffer's IOVA 0x%llx is not cache-line aligned",
				what, (unsigned long long)b->iova);
	return xpdk_dev_dma_check(f->dev, b->iova, bytes);
}

/* the CFG request-length code of @p lines (1, 2, 4, 8, 16), or -1 */
static int req_code(unsigned int lines)
{
	for (int code = 0; code <= XPDK_OPAE_HE_REQLEN_MAX_CODE; code++)
		if (lines == 1u << code)
			return code;
	return -1;
}

int xpdk_helb_start(struct xpdk_fpga *f, const struct xpdk_helb_cfg *cfg)
{
	unsigned int req = cfg->req_lines ? cfg->req_lines : 1;
	int code = req_code(req);
	bool rd, wr;
	uint64_t bytes, v, dsm_cl;
	int rc;

	if ((cfg->comp_mask & ~XPDK_HELB_CFG_KNOWN) != 0)
		return xpdk_err(
		    EINVAL,
		    "struct xpdk_helb_cfg: unknown comp_mask bits 0x%x (this XPDK knows "
		    "0x%x): the program was built against a newer XPDK",
		    cfg->comp_mask & ~XPDK_HELB_CFG_KNOWN, XPDK_HELB_CFG_KNOWN);
	if (f->helb_port < 0)
		return xpdk_err(EINVAL, "xpdk_helb_attach() first");
	if (f->helb_run.busy)
		return xpdk_err(EBUSY,
				"%s: an HE-LB test is in flight; complete it with xpdk_helb_poll() "
				"or end it with xpdk_helb_stop()",
				xpdk_dev_info(f->dev)->name);
	if (cfg->mode > XPDK_OPAE_HE_MODE_TRPUT)
		return xpdk_err(EINVAL, "he-lb: mode %u is not lpbk, read, write or trput",
				cfg->mode);
	if (code < 0 || req > f->helb.max_req_lines)
		return xpdk_err(EINVAL,
				"he-lb: request length %u lines: this exerciser (API %u) takes 1, "
				"2, 4, 8%s",
				req, f->helb.api_version,
				f->helb.max_req_lines >= 16 ? " or 16" : "");
	if (cfg->lines == 0 || cfg->lines > HELB_MAX_LINES || cfg->lines % req != 0)
		return xpdk_err(EINVAL,
				"he-lb: %llu lines: 1 to 2^32, a multiple of the request length %u",
				(unsigned long long)cfg->lines, req);
	bytes = cfg->lines * XPDK_OPAE_HE_CL;
	rd = cfg->mode != XPDK_OPAE_HE_MODE_WRITE;
	wr = cfg->mode != XPDK_OPAE_HE_MODE_READ;
	rc = rd ? check_buf(f, cfg->src, bytes, "source") : 0;
	if (rc == 0 && wr)
		rc = check_buf(f, cfg->dst, bytes, "destination");
	if (rc == 0)
		rc = xpdk_dev_dma_check(f->dev, f->helb_dsm->iova, XPDK_OPAE_HE_DSM_SIZE);
	if (rc < 0)
		return rc;

	memset(f->helb_dsm->va, 0, 64);
	rte_wmb();
	dsm_cl = f->helb_dsm->iova >> XPDK_OPAE_HE_CL_SHIFT;
	rc = wr_cfg(f, 5, dsm_cl);
	if (rc == 0 && rd)
		rc = wr_cfg(f, 0, cfg->src->iova >> XPDK_OPAE_HE_CL_SHIFT);
	if (rc == 0 && wr)
		rc = wr_cfg(f, 1, cfg->dst->iova >> XPDK_OPAE_HE_CL_SHIFT);
	if (rc == 0)
		rc = wr_cfg(f, 2, cfg->lines - 1);
	if (rc == 0 && cfg->irq && f->he_irq)
		rc = wr_cfg(f, 4, XPDK_FIELD_PREP(XPDK_OPAE_HE_INTR_VECTOR, 0));
	v = XPDK_FIELD_PREP(XPDK_OPAE_HE_CFG_MODE, cfg->mode) |
	    XPDK_FIELD_PREP(XPDK_OPAE_HE_CFG_REQLEN, (unsigned int)code & 3) |
	    XPDK_FIELD_PREP(XPDK_OPAE_HE_CFG_REQLEN_HI, (unsigned int)code >> 2) |
	    (cfg->continuous ? XPDK_OPAE_HE_CFG_CONTINUOUS : 0) |
	    (cfg->irq && f->he_irq ? XPDK_OPAE_HE_CFG_INTR_TEST : 0);
	if (rc == 0)
		rc = wr_cfg(f, 3, v);
	if (rc < 0)
		return rc;
	f->helb_run.t0 = xpdk_now_ns();
	rc = wr32(f, XPDK_OPAE_HE_CTL, XPDK_OPAE_HE_CTL_RESETL | XPDK_OPAE_HE_CTL_START);
	if (rc < 0)
		return rc;
	f->helb_run.busy = true;
	f->helb_run.bytes = bytes;
	f->helb_run.passes = 1;
	f->helb_cont = cfg->continuous;
	f->helb_mode = cfg->mode;
	f->helb_irq = cfg->irq && f->he_irq;
	f->helb_run.timeout_ms =
	    cfg->timeout_ms > 0 ? (uint64_t)cfg->timeout_ms : XPDK_FPGA_TIMEOUT_MS + (bytes >> 20);
	f->helb_run.deadline = f->helb_run.t0 + f->helb_run.timeout_ms * 1000000ull;
	return 0;
}

/* The DSM of a completed test into @p res; 1, or -EIO when it reports errors. */
static int dsm_result(struct xpdk_fpga *f, uint64_t status, struct xpdk_helb_result *res)
{
	uint64_t q1, q2;

	f->helb_run.busy = false;
	memset(res, 0, sizeof(*res));
	res->host_ns = xpdk_now_ns() - f->helb_run.t0;
	rte_rmb();
	q1 = dsm_get(f, XPDK_OPAE_HE_DSM_TICKS);
	q2 = dsm_get(f, XPDK_OPAE_HE_DSM_COUNTS);
	res->err_vector = (uint32_t)XPDK_FIELD_GET(XPDK_OPAE_HE_DSM_ERR_VECTOR, status);
	res->dsm_number = (unsigned int)XPDK_FIELD_GET(XPDK_OPAE_HE_DSM_NUMBER, status);
	res->ticks = XPDK_FIELD_GET(XPDK_OPAE_HE_DSM_TICKS_MASK, q1);
	res->reads = XPDK_FIELD_GET(XPDK_OPAE_HE_DSM_READS_L, q2) |
		     XPDK_FIELD_GET(XPDK_OPAE_HE_DSM_READS_H, q1) << 32;
	res->writes = XPDK_FIELD_GET(XPDK_OPAE_HE_DSM_WRITES_L, q2) |
		      XPDK_FIELD_GET(XPDK_OPAE_HE_DSM_WRITES_H, q1) << 32;
	res->device_ns = f->helb.clock_mhz ? res->ticks * 1000 / f->helb.clock_mhz : 0;
	if (res->err_vector != 0)
		return xpdk_err(EIO, "%s: HE-LB test ended with error vector 0x%x%s%s%s",
				xpdk_dev_info(f->dev)->name, res->err_vector,
				res->err_vector & XPDK_OPAE_HE_ERR_CONFIG ? " (configuration)" : "",
				res->err_vector & XPDK_OPAE_HE_ERR_READ ? " (host read fault)" : "",
				res->err_vector & XPDK_OPAE_HE_ERR_WRITE ? " (host write fault)"
									 : "");
	return 1;
}

/* Wait for the DSM for at most @p timeout_ms; 1/-EIO with res, or -ETIMEDOUT. */
static int dsm_wait(struct xpdk_fpga *f, int timeout_ms, struct xpdk_helb_result *res)
{
	uint64_t end = xpdk_now_ns() + (uint64_t)timeout_ms * 1000000ull, status;

	while (!((status = dsm_get(f, XPDK_OPAE_HE_DSM_STATUS)) & XPDK_OPAE_HE_DSM_COMPLETED)) {
		if (xpdk_now_ns() > end)
			return -ETIMEDOUT;
		rte_pause();
	}
	return dsm_result(f, status, res);
}

int xpdk_helb_stop(struct xpdk_fpga *f, struct xpdk_helb_result *res)
{
	struct xpdk_helb_result tmp;
	int rc;

	if (res == NULL)
		res = &tmp;
	memset(res, 0, sizeof(*res));
	if (f->helb_port < 0 || !f->helb_run.busy)
		return 0;
	rc = wr32(f, XPDK_OPAE_HE_CTL, XPDK_OPAE_HE_CTL_RESETL | XPDK_OPAE_HE_CTL_FORCED);
	if (rc < 0)
		return rc;
	rc = dsm_wait(f, XPDK_FPGA_TIMEOUT_MS, res);
	if (rc == -ETIMEDOUT) {
		(void)helb_reset(f);
		return xpdk_err(ETIMEDOUT,
				"%s: HE-LB did not write its DSM within %d ms of ForcedTestCmpl; "
				"it was reset",
				xpdk_dev_info(f->dev)->name, XPDK_FPGA_TIMEOUT_MS);
	}
	/* back to idle for the next start, as OPAE does after a test: CTL 0 then 1 */
	if (rc > 0)
		rc = helb_reset(f);
	return rc;
}

int xpdk_helb_poll(struct xpdk_fpga *f, struct xpdk_helb_result *res)
{
	uint64_t status;

	if (!f->helb_run.busy)
		return xpdk_err(EINVAL, "%s: no HE-LB test in flight (xpdk_helb_start() first)",
				xpdk_dev_info(f->dev)->name);
	status = dsm_get(f, XPDK_OPAE_HE_DSM_STATUS);
	if (status & XPDK_OPAE_HE_DSM_COMPLETED)
		return dsm_result(f, status, res);
	if (f->helb_cont || xpdk_now_ns() <= f->helb_run.deadline)
		return 0;
	if (xpdk_helb_stop(f, res) < 0)
		(void)helb_reset(f);
	f->helb_run.busy = false;
	return xpdk_err(ETIMEDOUT,
			"%s: HE-LB test of %llu bytes did not complete within %llu ms; "
			"it was stopped",
			xpdk_dev_info(f->dev)->name, (unsigned long long)f->helb_run.bytes,
			(unsigned long long)f->helb_run.timeout_ms);
}

int xpdk_helb_run(struct xpdk_fpga *f, const struct xpdk_helb_cfg *cfg,
		  struct xpdk_helb_result *res)
{
	int rc;

	memset(res, 0, sizeof(*res));
	if (cfg->continuous)
		return xpdk_err(EINVAL, "he-lb: a continuous test ends with xpdk_helb_stop(); "
					"start it with xpdk_helb_start()");
	rc = xpdk_helb_start(f, cfg);
	while (rc == 0 && (rc = xpdk_helb_poll(f, res)) == 0) {
		if (f->helb_irq) {
			uint64_t t = xpdk_now_ns(), left;

			if (t > f->helb_run.deadline)
				continue; /* the poll reports the timeout */
			left = (f->helb_run.deadline - t) / 1000000 + 1;
			rc = xpdk_dev_irq_wait(f->dev, 0, left > INT_MAX ? INT_MAX : (int)left);
			if (rc < 0 && rc != -ETIMEDOUT && rc != -EINTR) {
				char msg[256];

				snprintf(msg, sizeof(msg), "%s", xpdk_strerror_last());
				(void)xpdk_helb_stop(f, NULL);
				return xpdk_err(-rc, "%s", msg);
			}
			rc = 0;
		} else {
			rte_pause();
		}
	}
	return rc < 0 ? rc : 0;
}

int xpdk_helb_counters(struct xpdk_fpga *f, uint64_t *reads, uint64_t *writes)
{
	uint64_t v;
	int rc;

	if (f->helb_port < 0)
		return xpdk_err(EINVAL, "xpdk_helb_attach() first");
	rc = rd64(f, XPDK_OPAE_HE_STATUS0, &v);
	if (rc < 0)
		return rc;
	*reads = XPDK_FIELD_GET(XPDK_OPAE_HE_STATUS0_READS, v);
	*writes = XPDK_FIELD_GET(XPDK_OPAE_HE_STATUS0_WRITES, v);
	return 0;
}

/* ---- the DMA engine of driver ops ---------------------------------------------------------- */

int xpdk_fpga_helb_engine_open(struct xpdk_fpga *f, struct xpdk_engine_info *info)
{
	int rc = xpdk_helb_attach(f, 0, NULL); /* which one (a PR may have swapped it), reset */

	if (rc < 0)
		return rc;
	info->name = f->helb.mem ? "he-mem" : "he-lb";
	info->modes = XPDK_ENGINE_READ | XPDK_ENGINE_WRITE | XPDK_ENGINE_COPY | XPDK_ENGINE_TRPUT;
	info->flags = XPDK_ENGINE_F_DEVICE_TIME;
	info->max_len = HELB_MAX_LINES * XPDK_OPAE_HE_CL;
	info->len_align = XPDK_OPAE_HE_CL;
	info->max_repeat = UINT32_MAX;
	return 0;
}

/* STATUS0's count of the engine's mode: lines written, or read in read mode */
static int engine_count(struct xpdk_fpga *f, uint64_t *count)
{
	uint64_t rd = 0, wr = 0;
	int rc = xpdk_helb_counters(f, &rd, &wr);

	if (rc == 0)
		*count = f->helb_mode == XPDK_OPAE_HE_MODE_READ ? rd : wr;
	return rc;
}

int xpdk_fpga_helb_engine_submit(struct xpdk_fpga *f, const struct xpdk_engine_op *op)
{
	int rc;
	struct xpdk_helb_cfg cfg = {
		.src = op->src,
		.dst = op->dst,
		.lines = op->len / XPDK_OPAE_HE_CL,
		/* a one-pass test: as XPDK's exerciser's engine, room for a starved device */
		.timeout_ms = 10 * XPDK_FPGA_TIMEOUT_MS + (int)(op->len >> 20),
	};

	switch (op->mode) {
	case XPDK_ENGINE_COPY:
		cfg.mode = XPDK_OPAE_HE_MODE_LPBK;
		break;
	case XPDK_ENGINE_READ:
		cfg.mode = XPDK_OPAE_HE_MODE_READ;
		break;
	case XPDK_ENGINE_WRITE:
		cfg.mode = XPDK_OPAE_HE_MODE_WRITE;
		break;
	case XPDK_ENGINE_TRPUT:
		cfg.mode = XPDK_OPAE_HE_MODE_TRPUT;
		break;
	default:
		return xpdk_err(EINVAL, "he-lb: DMA mode 0x%x is not copy, read, write or trput",
				op->mode);
	}
	if (op->len % XPDK_OPAE_HE_CL != 0 || cfg.lines * (op->repeat ? op->repeat : 1) > 1ull
											      << 31)
		return xpdk_err(EINVAL,
				"he-lb: whole 64-byte lines, at most 2^31 per operation (STATUS0 "
				"counts 32 bits); %llu bytes x %u asked",
				(unsigned long long)op->len, op->repeat);
	f->helb_target = 0;
	f->helb_lines = cfg.lines;
	cfg.continuous = op->repeat > 1;
	rc = xpdk_helb_start(f, &cfg);
	if (rc == 0 && cfg.continuous) {
		rc = engine_count(f, &f->helb_count0);
		if (rc < 0)
			(void)xpdk_helb_stop(f, NULL);
		else
			f->helb_target = cfg.lines * op->repeat;
	}
	return rc;
}

int xpdk_fpga_helb_engine_poll(struct xpdk_fpga *f, struct xpdk_engine_completion *done)
{
	struct xpdk_helb_result res = { 0 };
	uint64_t count = 0;
	int rc = xpdk_helb_poll(f, &res);

	if (rc == 0 && f->helb_target != 0) {
		/* the repeated operation: enough lines yet? (32-bit counter, modulo) */
		rc = engine_count(f, &count);
		if (rc == 0 && ((count - f->helb_count0) & 0xffffffffu) >= f->helb_target)
			rc = xpdk_helb_stop(f, &res) == 0 ? 1 : -EIO;
	}
	if (rc <= 0)
		return rc;
	memset(done, 0, sizeof(*done));
	done->passes =
	    (f->helb_mode == XPDK_OPAE_HE_MODE_READ ? res.reads : res.writes) / f->helb_lines;
	/* a loopback counts its payload once; trput moves both streams */
	done->bytes = f->helb_mode == XPDK_OPAE_HE_MODE_LPBK
			  ? res.writes * XPDK_OPAE_HE_CL
			  : (res.reads + res.writes) * XPDK_OPAE_HE_CL;
	done->host_ns = res.host_ns;
	done->device_ns = res.device_ns;
	return 1;
}
