/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The XPDK host exerciser AFU (xpdk_he_regs.h): configure a run over DMA buffers, start it,
 * wait for the device to write its status memory (or raise its interrupt), report. Attach
 * decides once whether the exerciser's registers are reached through a mapped pointer or the
 * checked calls. The exerciser is also the driver's DMA engine for tools (driver ops, below).
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

/* The exerciser's registers, from its DFH up to the last one. */
#define HE_REGS_LEN (XPDK_HE_LINES_WRITTEN + 8)

static uint64_t he_reg(const struct xpdk_fpga *f, uint64_t reg)
{
	return f->port[f->he_port].afu + reg;
}

/* Write exerciser register @p reg (a constant below HE_REGS_LEN). */
static int he_wr(struct xpdk_fpga *f, uint64_t reg, uint64_t v)
{
	if (f->he_regs != NULL) {
		xpdk_mmio_write64(f->he_regs + reg, v);
		return 0;
	}
	return xpdk_fpga_wr(f, he_reg(f, reg), v);
}

void xpdk_fpga_he_irq_enable(struct xpdk_fpga *f, unsigned int num_irqs)
{
	if (!f->he_irq && num_irqs > 0) {
		/* MSI when the function has it, else INTx; without either, runs poll */
		if (xpdk_dev_irq_enable(f->dev, XPDK_IRQ_MSI, 1) == 0 ||
		    xpdk_dev_irq_enable(f->dev, XPDK_IRQ_INTX, 1) == 0)
			f->he_irq = true;
		xpdk_err_clear();
	}
}

bool xpdk_fpga_is_xpdk_he(const struct xpdk_fpga_port_info *pi)
{
	struct xpdk_guid he;

	xpdk_guid_parse(XPDK_HE_GUID, &he);
	return pi->afu_offset != 0 && xpdk_guid_equal(&pi->afu_id, &he);
}

const char *xpdk_fpga_afu_str(const struct xpdk_fpga_port_info *pi, char buf[XPDK_GUID_STR_LEN + 1])
{
	if (pi->afu_offset == 0)
		return "absent";
	xpdk_guid_format(&pi->afu_id, buf, XPDK_GUID_STR_LEN + 1);
	return buf;
}

int xpdk_he_attach(struct xpdk_fpga *f, unsigned int port)
{
	struct xpdk_fpga_port_info pi;
	char have[XPDK_GUID_STR_LEN + 1];
	int rc = xpdk_fpga_port_info(f, port, &pi);

	if (rc < 0)
		return rc;
	if (!xpdk_fpga_is_xpdk_he(&pi))
		return xpdk_err(
		    ENODEV,
		    "%s port %u: the AFU is %s, not XPDK's test exerciser (" XPDK_HE_GUID
		    "); load it with partial reconfiguration (OPAE's HE-LB and HE-MEM "
		    "are driven by xpdk_helb_attach())",
		    xpdk_dev_info(f->dev)->name, port, xpdk_fpga_afu_str(&pi, have));
	if (f->dsm == NULL) {
		f->dsm = xpdk_dma_alloc(XPDK_HE_DSM_SIZE, 64, XPDK_DMA_F_ZERO);
		if (f->dsm == NULL)
			return -errno;
	}
	xpdk_fpga_he_irq_enable(f, pi.num_irqs);
	f->he_regs = xpdk_fpga_window(f, f->port[port].afu, HE_REGS_LEN);
	f->run.busy = false;
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
	int rc = he_wr(f, XPDK_HE_CTL, XPDK_HE_CTL_STOP);

	f->run.busy = false;
	if (rc == 0)
		rc = xpdk_fpga_poll(f, he_reg(f, XPDK_HE_STATUS), XPDK_HE_STATUS_BUSY, 0,
				    XPDK_FPGA_TIMEOUT_MS, &st);
	if (rc == -ETIMEDOUT)
		rc = he_wr(f, XPDK_HE_CTL, XPDK_HE_CTL_RESET);
	return rc;
}

static int timeout_error(struct xpdk_fpga *f, uint64_t timeout_ms, uint64_t bytes, uint32_t passes)
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

/* Check the configuration, program the exerciser and ring its doorbell. */
int xpdk_he_start(struct xpdk_fpga *f, const struct xpdk_he_cfg *cfg)
{
	uint64_t bytes, timeout_ms;
	uint32_t passes = cfg->repeat ? cfg->repeat : 1;
	bool rd, wr;
	int rc;

	/* a configuration from a newer XPDK is refused, not half-applied (doc/sdk.md) */
	if ((cfg->comp_mask & ~XPDK_HE_CFG_KNOWN) != 0)
		return xpdk_err(EINVAL,
				"struct xpdk_he_cfg: unknown comp_mask bits 0x%x (this XPDK knows "
				"0x%x): the program was built against a newer XPDK",
				cfg->comp_mask & ~XPDK_HE_CFG_KNOWN, XPDK_HE_CFG_KNOWN);
	if (f->he_port < 0)
		return xpdk_err(EINVAL, "xpdk_he_attach() first");
	if (f->run.busy)
		return xpdk_err(EBUSY,
				"%s: an exerciser run is in flight; complete it with "
				"xpdk_he_poll() or stop it with xpdk_he_stop()",
				xpdk_dev_info(f->dev)->name);
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
	rc = he_wr(f, XPDK_HE_DSM_BASE, f->dsm->iova);
	if (rc == 0 && rd)
		rc = he_wr(f, XPDK_HE_SRC_ADDR, cfg->src->iova);
	if (rc == 0 && wr)
		rc = he_wr(f, XPDK_HE_DST_ADDR, cfg->dst->iova);
	if (rc == 0)
		rc = he_wr(f, XPDK_HE_NUM_LINES, cfg->lines);
	if (rc == 0 && cfg->mode == XPDK_HE_MODE_WRITE)
		rc = he_wr(f, XPDK_HE_PATTERN, cfg->pattern);
	if (rc == 0)
		rc = he_wr(f, XPDK_HE_CFG,
			   XPDK_FIELD_PREP(XPDK_HE_CFG_MODE, cfg->mode) |
			       XPDK_FIELD_PREP(XPDK_HE_CFG_REPEAT, cfg->repeat) |
			       (cfg->irq && f->he_irq ? XPDK_HE_CFG_IRQ : 0));
	if (rc < 0)
		return rc;
	f->run.t0 = xpdk_now_ns();
	rc = he_wr(f, XPDK_HE_CTL, XPDK_HE_CTL_START);
	if (rc < 0)
		return rc;
	f->run.busy = true;
	f->run.timeout_ms = timeout_ms;
	f->run.bytes = bytes;
	f->run.passes = passes;
	f->run.deadline = timeout_ms > (UINT64_MAX - f->run.t0) / 1000000ull
			      ? UINT64_MAX
			      : f->run.t0 + timeout_ms * 1000000ull;
	return 0;
}

/* Without blocking: 1 and @p res when the run completed, 0 while it runs, or a negative errno
 * (-EIO for a device error, res filled; -ETIMEDOUT past the deadline, the run stopped). */
static int he_check(struct xpdk_fpga *f, struct xpdk_he_result *res)
{
	uint64_t status = dsm_get(f, XPDK_HE_DSM_STATUS);

	if (!(status & XPDK_HE_DSM_COMPLETE)) {
		if (xpdk_now_ns() <= f->run.deadline)
			return 0;
		return timeout_error(f, f->run.timeout_ms, f->run.bytes, f->run.passes);
	}
	f->run.busy = false;
	memset(res, 0, sizeof(*res));
	res->host_ns = xpdk_now_ns() - f->run.t0;
	rte_rmb();
	res->error = (unsigned int)XPDK_FIELD_GET(XPDK_HE_DSM_ERROR, status);
	res->device_ns = dsm_get(f, XPDK_HE_DSM_TICKS);
	res->lines_read = dsm_get(f, XPDK_HE_DSM_LINES_READ);
	res->lines_written = dsm_get(f, XPDK_HE_DSM_LINES_WRITTEN);
	res->bytes = (res->lines_read + res->lines_written) * XPDK_HE_LINE;
	res->checksum = dsm_get(f, XPDK_HE_DSM_CHECKSUM);
	res->error_addr = dsm_get(f, XPDK_HE_DSM_ERR_ADDR);
	if (res->error != XPDK_HE_ERR_NONE)
		return xpdk_err(EIO, "%s: exerciser %s at IOVA 0x%llx", xpdk_dev_info(f->dev)->name,
				xpdk_he_strerror(res->error), (unsigned long long)res->error_addr);
	return 1;
}

int xpdk_he_poll(struct xpdk_fpga *f, struct xpdk_he_result *res)
{
	if (!f->run.busy)
		return xpdk_err(EINVAL, "%s: no exerciser run in flight (xpdk_he_start() first)",
				xpdk_dev_info(f->dev)->name);
	return he_check(f, res);
}

int xpdk_he_stop(struct xpdk_fpga *f)
{
	return f->run.busy ? he_quiesce(f) : 0;
}

int xpdk_he_irq_fd(const struct xpdk_fpga *f)
{
	return f->he_irq ? xpdk_dev_irq_fd(f->dev, 0) : -1;
}

int xpdk_he_irq_ack(struct xpdk_fpga *f)
{
	int rc;

	if (!f->he_irq)
		return xpdk_err(ENOTSUP, "%s: the exerciser has no interrupt",
				xpdk_dev_info(f->dev)->name);
	rc = xpdk_dev_irq_wait(f->dev, 0, 0);
	if (rc == -ETIMEDOUT) {
		xpdk_err_clear();
		return 0;
	}
	return rc;
}

int xpdk_he_run(struct xpdk_fpga *f, const struct xpdk_he_cfg *cfg, struct xpdk_he_result *res)
{
	int rc;

	memset(res, 0, sizeof(*res));
	rc = xpdk_he_start(f, cfg);
	while (rc == 0 && (rc = he_check(f, res)) == 0) {
		if (cfg->irq && f->he_irq) {
			uint64_t t = xpdk_now_ns(), left_ms;

			if (t > f->run.deadline)
				continue; /* he_check reports the timeout */
			left_ms = (f->run.deadline - t) / 1000000 + 1;
			rc = xpdk_dev_irq_wait(f->dev, 0,
					       left_ms > INT_MAX ? INT_MAX : (int)left_ms);
			if (rc < 0 && rc != -ETIMEDOUT && rc != -EINTR) {
				char msg[256];

				snprintf(msg, sizeof(msg), "%s", xpdk_strerror_last());
				(void)he_quiesce(f);
				return xpdk_err(-rc, "%s", msg);
			}
			rc = 0;
		} else {
			rte_pause();
		}
	}
	return rc < 0 ? rc : 0;
}

/* ---- driver ops: the exerciser as the device's DMA engine, SCRATCH0 as its scratch -------- */

/* Port 0's exerciser, attached; or a negative errno naming what is there instead. */
static int he_of(struct xpdk_dev *dev, struct xpdk_fpga **fp)
{
	struct xpdk_fpga *f = xpdk_fpga_get(dev);
	int rc;

	if (f == NULL)
		return -ENODEV;
	rc = f->he_port == 0 ? 0 : xpdk_he_attach(f, 0);
	*fp = f;
	return rc;
}

/* The scratch register of port 0's exerciser (the AFUs whose registers the driver knows). */
static int fpga_scratch_reg(struct xpdk_dev *dev, struct xpdk_scratch_reg *reg)
{
	struct xpdk_fpga *f = xpdk_fpga_get(dev);
	struct xpdk_fpga_port_info pi;
	char have[XPDK_GUID_STR_LEN + 1];
	int rc = f != NULL ? xpdk_fpga_port_info(f, 0, &pi) : -ENODEV;

	if (rc < 0)
		return rc;
	reg->region = XPDK_REGION_BAR0;
	reg->width = 64;
	if (xpdk_fpga_is_xpdk_he(&pi)) {
		reg->offset = pi.afu_offset + XPDK_HE_SCRATCH0;
		return 0;
	}
	if (pi.afu_offset != 0 && xpdk_fpga_is_helb(&pi.afu_id)) {
		reg->offset = pi.afu_offset + XPDK_OPAE_HE_SCRATCHPAD0;
		return 0;
	}
	return xpdk_err(ENOTSUP,
			"%s port 0: the AFU is %s, whose registers the dfl-fpga driver does not "
			"know; no scratch register (the exercisers have one)",
			xpdk_dev_info(dev)->name, xpdk_fpga_afu_str(&pi, have));
}

/* The engine is port 0's exerciser: OPAE's HE-LB/HE-MEM, or XPDK's test exerciser. */
static int fpga_engine_open(struct xpdk_dev *dev, struct xpdk_engine_info *info)
{
	struct xpdk_fpga *f = xpdk_fpga_get(dev);
	struct xpdk_fpga_port_info pi;
	int rc = f != NULL ? xpdk_fpga_port_info(f, 0, &pi) : -ENODEV;

	if (rc < 0)
		return rc;
	if (pi.afu_offset != 0 && xpdk_fpga_is_helb(&pi.afu_id)) {
		rc = xpdk_fpga_helb_engine_open(f, info);
		f->engine = rc == 0 ? FPGA_ENGINE_HELB : FPGA_ENGINE_NONE;
		return rc;
	}
	rc = he_of(dev, &f);
	f->engine = rc == 0 ? FPGA_ENGINE_XPDK_HE : FPGA_ENGINE_NONE;
	if (rc < 0)
		return rc;
	info->name = "xpdk-he";
	info->modes = XPDK_ENGINE_READ | XPDK_ENGINE_WRITE | XPDK_ENGINE_COPY;
	info->flags = XPDK_ENGINE_F_CHECKSUM | XPDK_ENGINE_F_PATTERN | XPDK_ENGINE_F_DEVICE_TIME;
	info->max_len = (uint64_t)XPDK_HE_MAX_LINES * XPDK_HE_LINE;
	info->len_align = XPDK_HE_LINE;
	info->max_repeat = UINT32_MAX;
	return 0;
}

static int fpga_engine_submit(struct xpdk_dev *dev, const struct xpdk_engine_op *op)
{
	struct xpdk_fpga *f = xpdk_dev_priv(dev);
	struct xpdk_he_cfg cfg = {
		.src = op->src,
		.dst = op->dst,
		.lines = op->len / XPDK_HE_LINE,
		.repeat = op->repeat,
		.pattern = op->pattern,
		/* tools size runs by time: a deadline ten times the default leaves room for a
		 * device thread that a loaded machine starves (many tiny passes) */
		.timeout_ms = 10 * XPDK_FPGA_TIMEOUT_MS +
			      (int)((op->len >> 20) * (op->repeat ? op->repeat : 1) > INT_MAX / 2
					? INT_MAX / 2
					: (op->len >> 20) * (op->repeat ? op->repeat : 1)),
	};

	if (f->engine == FPGA_ENGINE_HELB)
		return xpdk_fpga_helb_engine_submit(f, op);
	switch (op->mode) {
	case XPDK_ENGINE_READ:
		cfg.mode = XPDK_HE_MODE_READ;
		break;
	case XPDK_ENGINE_WRITE:
		cfg.mode = XPDK_HE_MODE_WRITE;
		break;
	case XPDK_ENGINE_COPY:
		cfg.mode = XPDK_HE_MODE_COPY;
		break;
	default:
		return xpdk_err(EINVAL, "he: DMA mode 0x%x is not read, write or copy", op->mode);
	}
	if (op->len % XPDK_HE_LINE != 0)
		return xpdk_err(EINVAL,
				"he: the exerciser moves whole 64-byte lines; %llu bytes asked",
				(unsigned long long)op->len);
	return xpdk_he_start(f, &cfg);
}

static int fpga_engine_poll(struct xpdk_dev *dev, struct xpdk_engine_completion *done)
{
	struct xpdk_fpga *f = xpdk_dev_priv(dev);
	struct xpdk_he_result res = { 0 };
	int rc;

	if (f->engine == FPGA_ENGINE_HELB)
		return xpdk_fpga_helb_engine_poll(f, done);
	if (!f->run.busy)
		return xpdk_err(EINVAL, "%s: no exerciser run in flight", xpdk_dev_info(dev)->name);
	rc = he_check(f, &res);
	if (rc <= 0)
		return rc;
	memset(done, 0, sizeof(*done));
	done->passes = f->run.passes;
	done->bytes = res.lines_read == 0 || res.lines_written == 0 ? res.bytes : res.bytes / 2;
	done->host_ns = res.host_ns;
	done->device_ns = res.device_ns;
	done->checksum = res.checksum;
	return 1;
}

const struct xpdk_driver_ops xpdk_fpga_ops = {
	.size = sizeof(struct xpdk_driver_ops),
	.scratch_reg = fpga_scratch_reg,
	.engine_open = fpga_engine_open,
	.engine_submit = fpga_engine_submit,
	.engine_poll = fpga_engine_poll,
};
