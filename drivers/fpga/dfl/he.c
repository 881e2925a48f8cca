/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The XPDK host exerciser AFU (xpdk_he_regs.h): configure a run over DMA buffers, start it,
 * wait for the device to write its status memory (or raise its interrupt), report.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_pause.h>

#include "fpga_priv.h"
#include "xpdk_dfl_regs.h"

const char *xpdk_he_strerror(unsigned int code)
{
	switch (code) {
	case XPDK_HE_ERR_NONE:
		return "no error";
	case XPDK_HE_ERR_CONFIG:
		return "bad configuration";
	case XPDK_HE_ERR_SRC:
		return "source read fault";
	case XPDK_HE_ERR_DST:
		return "destination write fault";
	case XPDK_HE_ERR_DSM:
		return "status memory write fault";
	case XPDK_HE_ERR_STOPPED:
		return "stopped";
	default:
		return "unknown error";
	}
}

static uint64_t he_reg(const struct xpdk_fpga *f, uint64_t reg)
{
	return f->port[f->he_port].afu + reg;
}

int xpdk_he_attach(struct xpdk_fpga *f, unsigned int port)
{
	struct xpdk_fpga_port_info pi;
	struct xpdk_guid he;
	char have[XPDK_GUID_STR_LEN + 1];
	int rc = xpdk_fpga_port_info(f, port, &pi);

	if (rc < 0)
		return rc;
	xpdk_guid_parse(XPDK_HE_GUID, &he);
	if (pi.afu_offset == 0 || !xpdk_guid_equal(&pi.afu_id, &he)) {
		xpdk_guid_format(&pi.afu_id, have, sizeof(have));
		return xpdk_err(ENODEV,
				"%s port %u: the AFU is %s, not the XPDK host exerciser (" XPDK_HE_GUID
				"); load it with partial reconfiguration",
				xpdk_dev_info(f->dev)->name, port, pi.afu_offset ? have : "absent");
	}
	if (f->dsm == NULL) {
		f->dsm = xpdk_dma_alloc(XPDK_HE_DSM_SIZE, 64, XPDK_DMA_F_ZERO);
		if (f->dsm == NULL)
			return -errno;
	}
	if (!f->he_irq && pi.num_irqs > 0) {
		/* MSI when the function has it, else INTx; without either, runs poll */
		if (xpdk_dev_irq_enable(f->dev, XPDK_IRQ_MSI, 1) == 0 ||
		    xpdk_dev_irq_enable(f->dev, XPDK_IRQ_INTX, 1) == 0)
			f->he_irq = true;
		xpdk_err_clear();
	}
	rc = xpdk_fpga_wr(f, f->port[port].afu + XPDK_HE_CTL, XPDK_HE_CTL_RESET);
	if (rc == 0)
		f->he_port = (int)port;
	return rc;
}

static int check_buf(const struct xpdk_fpga *f, const struct xpdk_dma_buf *b, uint64_t bytes,
		     const char *what)
{
	if (b == NULL)
		return xpdk_err(EINVAL, "the exerciser's %s buffer is missing for this mode", what);
	if (b->size < bytes)
		return xpdk_err(EINVAL, "the %s buffer has %zu bytes; the run needs %llu", what,
				b->size, (unsigned long long)bytes);
	return xpdk_dev_dma_check(f->dev, b->iova, bytes);
}

static uint64_t dsm_get(const struct xpdk_fpga *f, unsigned int off)
{
	return *(volatile const uint64_t *)((const uint8_t *)f->dsm->va + off);
}

/* Stop a run and wait until the exerciser is idle (reset it if it does not stop), so that it
 * no longer touches the caller's buffers once we return. */
static int he_quiesce(struct xpdk_fpga *f)
{
	uint64_t st = 0;
	int rc = xpdk_fpga_wr(f, he_reg(f, XPDK_HE_CTL), XPDK_HE_CTL_STOP);

	if (rc == 0)
		rc = xpdk_fpga_poll(f, he_reg(f, XPDK_HE_STATUS), XPDK_HE_STATUS_BUSY, 0,
			       XPDK_FPGA_TIMEOUT_MS, &st);
	if (rc == -ETIMEDOUT)
		rc = xpdk_fpga_wr(f, he_reg(f, XPDK_HE_CTL), XPDK_HE_CTL_RESET);
	return rc;
}

static int timeout_error(struct xpdk_fpga *f, uint64_t timeout_ms, uint64_t bytes,
			 uint32_t passes)
{
	uint64_t st = 0, err = 0, addr = 0;
	int rc;

	/* a run that faulted before it could write its completion (the DSM itself out of the
	 * device's reach) still says so in its registers */
	if (xpdk_fpga_rd(f, he_reg(f, XPDK_HE_STATUS), &st) == 0 &&
	    (st & (XPDK_HE_STATUS_BUSY | XPDK_HE_STATUS_ERROR)) == XPDK_HE_STATUS_ERROR &&
	    xpdk_fpga_rd(f, he_reg(f, XPDK_HE_ERROR), &err) == 0 && err != XPDK_HE_ERR_NONE &&
	    xpdk_fpga_rd(f, he_reg(f, XPDK_HE_ERR_ADDR), &addr) == 0)
		return xpdk_err(EIO,
				"%s: exerciser %s at IOVA 0x%llx (its status register; no "
				"completion reached the DSM within %llu ms)",
				xpdk_dev_info(f->dev)->name, xpdk_he_strerror((unsigned int)err),
				(unsigned long long)addr, (unsigned long long)timeout_ms);
	rc = he_quiesce(f);

	if (rc == -ENOTCONN || rc == -EPIPE || rc == -ECONNRESET) {
		char why[256];

		snprintf(why, sizeof(why), "%s", xpdk_strerror_last());
		return xpdk_err(ENOTCONN,
				"%s: the device went away during the exerciser run (no completion "
				"within %llu ms, then: %s)",
				xpdk_dev_info(f->dev)->name, (unsigned long long)timeout_ms, why);
	}
	return xpdk_err(ETIMEDOUT,
			"%s: the exerciser did not complete within %llu ms (%llu bytes, %u "
			"passes); %s",
			xpdk_dev_info(f->dev)->name, (unsigned long long)timeout_ms,
			(unsigned long long)bytes, passes,
			rc == 0 ? "it was stopped" : "it could not be stopped");
}

int xpdk_he_run(struct xpdk_fpga *f, const struct xpdk_he_cfg *cfg, struct xpdk_he_result *res)
{
	uint64_t bytes, t0, deadline, status, timeout_ms;
	uint32_t passes = cfg->repeat ? cfg->repeat : 1;
	bool rd, wr;
	int rc;

	memset(res, 0, sizeof(*res));
	if (f->he_port < 0)
		return xpdk_err(EINVAL, "xpdk_he_attach() first");
	if (cfg->mode > XPDK_HE_MODE_COPY || cfg->lines == 0 || cfg->lines > XPDK_HE_MAX_LINES)
		return xpdk_err(EINVAL, "exerciser run: mode %u with %llu lines (1 to %u)",
				cfg->mode, (unsigned long long)cfg->lines, XPDK_HE_MAX_LINES);
	bytes = cfg->lines * XPDK_HE_LINE;
	rd = cfg->mode != XPDK_HE_MODE_WRITE;
	wr = cfg->mode != XPDK_HE_MODE_READ;
	rc = rd ? check_buf(f, cfg->src, bytes, "source") : 0;
	if (rc == 0 && wr)
		rc = check_buf(f, cfg->dst, bytes, "destination");
	if (rc == 0)
		rc = xpdk_dev_dma_check(f->dev, f->dsm->iova, XPDK_HE_DSM_SIZE);
	if (rc < 0)
		return rc;
	/* no run can be left busy here: attach resets the exerciser (stopping a run an earlier
	 * program left), and every return after a start waits for the end or stops it */
	/* default: 1 s plus 1 ms per MiB moved (at most 2^52 MiB: no overflow) */
	timeout_ms = cfg->timeout_ms > 0 ? (uint64_t)cfg->timeout_ms
					 : XPDK_FPGA_TIMEOUT_MS + (bytes >> 20) * passes;

	memset(f->dsm->va, 0, XPDK_HE_DSM_SIZE);
	rte_wmb();
	rc = xpdk_fpga_wr(f, he_reg(f, XPDK_HE_DSM_BASE), f->dsm->iova);
	if (rc == 0 && rd)
		rc = xpdk_fpga_wr(f, he_reg(f, XPDK_HE_SRC_ADDR), cfg->src->iova);
	if (rc == 0 && wr)
		rc = xpdk_fpga_wr(f, he_reg(f, XPDK_HE_DST_ADDR), cfg->dst->iova);
	if (rc == 0)
		rc = xpdk_fpga_wr(f, he_reg(f, XPDK_HE_NUM_LINES), cfg->lines);
	if (rc == 0 && cfg->mode == XPDK_HE_MODE_WRITE)
		rc = xpdk_fpga_wr(f, he_reg(f, XPDK_HE_PATTERN), cfg->pattern);
	if (rc == 0)
		rc = xpdk_fpga_wr(f, he_reg(f, XPDK_HE_CFG),
			     XPDK_FIELD_PREP(XPDK_HE_CFG_MODE, cfg->mode) |
				     XPDK_FIELD_PREP(XPDK_HE_CFG_REPEAT, cfg->repeat) |
				     (cfg->irq && f->he_irq ? XPDK_HE_CFG_IRQ : 0));
	if (rc < 0)
		return rc;
	t0 = xpdk_now_ns();
	rc = xpdk_fpga_wr(f, he_reg(f, XPDK_HE_CTL), XPDK_HE_CTL_START);
	if (rc < 0)
		return rc;

	deadline = timeout_ms > (UINT64_MAX - t0) / 1000000ull ? UINT64_MAX
								: t0 + timeout_ms * 1000000ull;
	while (!((status = dsm_get(f, XPDK_HE_DSM_STATUS)) & XPDK_HE_DSM_COMPLETE)) {
		uint64_t t = xpdk_now_ns();

		if (t > deadline)
			return timeout_error(f, timeout_ms, bytes, passes);
		if (cfg->irq && f->he_irq) {
			uint64_t left_ms = (deadline - t) / 1000000 + 1;

			rc = xpdk_dev_irq_wait(f->dev, 0, left_ms > INT_MAX ? INT_MAX : (int)left_ms);
			if (rc < 0 && rc != -ETIMEDOUT && rc != -EINTR) {
				char msg[256];

				snprintf(msg, sizeof(msg), "%s", xpdk_strerror_last());
				(void)he_quiesce(f);
				return xpdk_err(-rc, "%s", msg);
			}
		} else {
			rte_pause();
		}
	}
	res->host_ns = xpdk_now_ns() - t0;
	rte_rmb();
	res->error = (unsigned int)XPDK_FIELD_GET(XPDK_HE_DSM_ERROR, status);
	res->device_ns = dsm_get(f, XPDK_HE_DSM_TICKS);
	res->lines_read = dsm_get(f, XPDK_HE_DSM_LINES_READ);
	res->lines_written = dsm_get(f, XPDK_HE_DSM_LINES_WRITTEN);
	res->bytes = (res->lines_read + res->lines_written) * XPDK_HE_LINE;
	res->checksum = dsm_get(f, XPDK_HE_DSM_CHECKSUM);
	res->error_addr = dsm_get(f, XPDK_HE_DSM_ERR_ADDR);
	if (res->error != XPDK_HE_ERR_NONE)
		return xpdk_err(EIO, "%s: exerciser %s at IOVA 0x%llx",
				xpdk_dev_info(f->dev)->name, xpdk_he_strerror(res->error),
				(unsigned long long)res->error_addr);
	return 0;
}
