/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Driver "edu": QEMU's educational PCI device and devsim's edu model. Probe decides once how
 * registers are reached: through a pointer from xpdk_region_ptr() when BAR0's registers are
 * mapped (kernel vfio-pci), through the checked region calls when they are trapped (devsim over
 * vfio-user). Besides its typed API it offers tools a scratch register (liveness) and its DMA
 * engine (one transfer through the 4 KiB device buffer, two for a copy) as driver ops.
 */

#include <errno.h>
#include <string.h>

#include "xpdk_edu.h"

/* The registers the driver uses: identification up to the DMA command. */
#define EDU_REGS_LEN (XPDK_EDU_REG_DMA_CMD + 8)

/* The DMA engine's operation in flight (driver ops). */
struct edu_engine {
	bool busy;
	bool second; /* a copy's second transfer (device buffer to dst) is next */
	struct xpdk_engine_op op;
	uint64_t t0;	   /* doorbell of the first transfer, ns */
	uint64_t deadline; /* ns */
};

struct edu_drv {
	const struct xpdk_region *bar0;
	volatile uint8_t *regs; /* mapped registers, NULL when trapped */
	uint64_t dma_mask;
	struct edu_engine eng;
};

static struct edu_drv *drv_of(struct xpdk_dev *dev)
{
	return xpdk_dev_priv(dev);
}

/* Register accesses: @p off is one of the constant offsets below EDU_REGS_LEN. */
static int rd32(struct xpdk_dev *dev, uint64_t off, uint32_t *v)
{
	struct edu_drv *d = drv_of(dev);
	uint64_t val = 0;
	int rc;

	if (d->regs != NULL) {
		*v = xpdk_mmio_read32(d->regs + off);
		return 0;
	}
	rc = xpdk_region_read(d->bar0, off, 32, &val);
	*v = (uint32_t)val;
	return rc;
}

static int wr32(struct xpdk_dev *dev, uint64_t off, uint32_t v)
{
	struct edu_drv *d = drv_of(dev);

	if (d->regs != NULL) {
		xpdk_mmio_write32(d->regs + off, v);
		return 0;
	}
	return xpdk_region_write(d->bar0, off, 32, v);
}

static int wr64(struct xpdk_dev *dev, uint64_t off, uint64_t v)
{
	struct edu_drv *d = drv_of(dev);

	if (d->regs != NULL) {
		xpdk_mmio_write64(d->regs + off, v);
		return 0;
	}
	return xpdk_region_write(d->bar0, off, 64, v);
}

/* Poll register @p off until (value & mask) == 0. */
static int poll_clear(struct xpdk_dev *dev, uint64_t off, uint32_t mask, const char *what)
{
	uint64_t deadline = (xpdk_now_ns() / 1000000) + XPDK_EDU_TIMEOUT_MS;
	uint32_t v = 0;
	int rc;

	while ((rc = rd32(dev, off, &v)) == 0 && (v & mask) != 0) {
		if ((xpdk_now_ns() / 1000000) > deadline)
			return xpdk_err(ETIMEDOUT, "%s: %s did not finish within %d ms",
					xpdk_dev_info(dev)->name, what, XPDK_EDU_TIMEOUT_MS);
	}
	return rc;
}

int xpdk_edu_id(struct xpdk_dev *dev, uint32_t *id)
{
	return rd32(dev, XPDK_EDU_REG_ID, id);
}

int xpdk_edu_liveness(struct xpdk_dev *dev, uint32_t value, uint32_t *answer)
{
	int rc = wr32(dev, XPDK_EDU_REG_LIVENESS, value);

	return rc < 0 ? rc : rd32(dev, XPDK_EDU_REG_LIVENESS, answer);
}

int xpdk_edu_irq_raise(struct xpdk_dev *dev, uint32_t value)
{
	return wr32(dev, XPDK_EDU_REG_IRQ_RAISE, value);
}

int xpdk_edu_irq_status(struct xpdk_dev *dev, uint32_t *value)
{
	return rd32(dev, XPDK_EDU_REG_IRQ_STATUS, value);
}

int xpdk_edu_irq_ack(struct xpdk_dev *dev, uint32_t value)
{
	return wr32(dev, XPDK_EDU_REG_IRQ_ACK, value);
}

int xpdk_edu_irq_setup(struct xpdk_dev *dev)
{
	unsigned int type = xpdk_dev_irq_count(dev, XPDK_IRQ_MSI) > 0 ? XPDK_IRQ_MSI : XPDK_IRQ_INTX;

	return xpdk_dev_irq_enable(dev, type, 1);
}

int xpdk_edu_irq_wait(struct xpdk_dev *dev, int timeout_ms, uint32_t *status)
{
	int rc = xpdk_dev_irq_wait(dev, 0, timeout_ms);

	return rc < 0 ? rc : xpdk_edu_irq_status(dev, status);
}

/* Wait for an interrupt whose status has @p bit, then acknowledge it. */
static int wait_irq_bit(struct xpdk_dev *dev, uint32_t bit, const char *what)
{
	uint64_t deadline = (xpdk_now_ns() / 1000000) + XPDK_EDU_TIMEOUT_MS;
	uint32_t st = 0;
	int rc;

	for (;;) {
		int left = (int)(deadline > (xpdk_now_ns() / 1000000) ? deadline - (xpdk_now_ns() / 1000000) : 0);

		rc = xpdk_edu_irq_wait(dev, left, &st);
		if (rc == -ETIMEDOUT)
			return xpdk_err(ETIMEDOUT, "%s: no interrupt for %s within %d ms",
					xpdk_dev_info(dev)->name, what, XPDK_EDU_TIMEOUT_MS);
		if (rc < 0)
			return rc;
		if (st & bit)
			return xpdk_edu_irq_ack(dev, bit);
	}
}

int xpdk_edu_factorial(struct xpdk_dev *dev, uint32_t n, uint32_t *result, unsigned int flags)
{
	int rc;

	rc = wr32(dev, XPDK_EDU_REG_STATUS, (flags & XPDK_EDU_F_IRQ) ? XPDK_EDU_STATUS_IRQFACT : 0);
	if (rc == 0)
		rc = poll_clear(dev, XPDK_EDU_REG_STATUS, XPDK_EDU_STATUS_COMPUTING,
				"an earlier factorial");
	if (rc == 0)
		rc = wr32(dev, XPDK_EDU_REG_FACT, n);
	if (rc == 0)
		rc = (flags & XPDK_EDU_F_IRQ)
			     ? wait_irq_bit(dev, XPDK_EDU_IRQ_FACT, "the factorial")
			     : poll_clear(dev, XPDK_EDU_REG_STATUS, XPDK_EDU_STATUS_COMPUTING,
					  "the factorial");
	if (rc == 0)
		rc = rd32(dev, XPDK_EDU_REG_FACT, result);
	return rc;
}

void xpdk_edu_set_dma_mask(struct xpdk_dev *dev, uint64_t mask)
{
	drv_of(dev)->dma_mask = mask;
	xpdk_dev_set_dma_mask(dev, mask);
}

/* Program a transfer and ring the doorbell (the command register); the engine must be idle. */
static int dma_start(struct xpdk_dev *dev, uint64_t iova, uint32_t dev_off, uint32_t len,
		     bool to_ram, unsigned int flags)
{
	uint64_t buf_addr = XPDK_EDU_DMA_BUF + dev_off;
	uint32_t cmd = XPDK_EDU_DMA_RUN | (to_ram ? XPDK_EDU_DMA_TO_RAM : 0) |
		       ((flags & XPDK_EDU_F_IRQ) ? XPDK_EDU_DMA_IRQ : 0);
	int rc = wr64(dev, XPDK_EDU_REG_DMA_SRC, to_ram ? buf_addr : iova);

	if (rc == 0)
		rc = wr64(dev, XPDK_EDU_REG_DMA_DST, to_ram ? iova : buf_addr);
	if (rc == 0)
		rc = wr64(dev, XPDK_EDU_REG_DMA_COUNT, len);
	if (rc == 0)
		rc = wr32(dev, XPDK_EDU_REG_DMA_CMD, cmd);
	return rc;
}

int xpdk_edu_dma_raw(struct xpdk_dev *dev, uint64_t iova, uint32_t dev_off, uint32_t len,
		     bool to_ram, unsigned int flags)
{
	int rc;

	if (drv_of(dev)->eng.busy)
		return xpdk_err(EBUSY, "%s: a DMA engine operation is in flight",
				xpdk_dev_info(dev)->name);
	rc = poll_clear(dev, XPDK_EDU_REG_DMA_CMD, XPDK_EDU_DMA_RUN, "an earlier DMA");
	if (rc == 0)
		rc = dma_start(dev, iova, dev_off, len, to_ram, flags);
	if (rc == 0 && (flags & XPDK_EDU_F_IRQ))
		rc = wait_irq_bit(dev, XPDK_EDU_IRQ_DMA, "the DMA");
	if (rc == 0)
		rc = poll_clear(dev, XPDK_EDU_REG_DMA_CMD, XPDK_EDU_DMA_RUN, "the DMA");
	return rc;
}

static int dma_checked(struct xpdk_dev *dev, const struct xpdk_dma_buf *buf, size_t buf_off,
		       uint32_t dev_off, uint32_t len, bool to_ram, unsigned int flags)
{
	int rc;

	if (buf == NULL || len == 0 || buf_off > buf->size || len > buf->size - buf_off)
		return xpdk_err(EINVAL, "DMA of %u bytes at offset %zu does not fit the host buffer",
				len, buf_off);
	if (dev_off > XPDK_EDU_DMA_BUF_SIZE || len > XPDK_EDU_DMA_BUF_SIZE - dev_off)
		return xpdk_err(EINVAL,
				"DMA of %u bytes at device offset %u does not fit the device's "
				"%u-byte buffer",
				len, dev_off, XPDK_EDU_DMA_BUF_SIZE);
	rc = xpdk_dev_dma_check(dev, xpdk_dma_iova(buf, buf_off), len);
	if (rc < 0)
		return rc;
	return xpdk_edu_dma_raw(dev, xpdk_dma_iova(buf, buf_off), dev_off, len, to_ram, flags);
}

int xpdk_edu_dma_to_device(struct xpdk_dev *dev, const struct xpdk_dma_buf *buf, size_t buf_off,
			   uint32_t dev_off, uint32_t len, unsigned int flags)
{
	return dma_checked(dev, buf, buf_off, dev_off, len, false, flags);
}

int xpdk_edu_dma_from_device(struct xpdk_dev *dev, struct xpdk_dma_buf *buf, size_t buf_off,
			     uint32_t dev_off, uint32_t len, unsigned int flags)
{
	return dma_checked(dev, buf, buf_off, dev_off, len, true, flags);
}

/* ---- driver ops: scratch register and DMA engine ---------------------------------------- */

static int edu_scratch_reg(struct xpdk_dev *dev, struct xpdk_scratch_reg *reg)
{
	(void)dev;
	reg->region = XPDK_REGION_BAR0;
	reg->offset = XPDK_EDU_REG_LIVENESS; /* reads back the inverse; no side effect */
	reg->width = 32;		     /* registers below 0x80 take 4-byte accesses only */
	return 0;
}

static int edu_engine_open(struct xpdk_dev *dev, struct xpdk_engine_info *info)
{
	memset(&drv_of(dev)->eng, 0, sizeof(drv_of(dev)->eng));
	info->name = "edu";
	info->modes = XPDK_ENGINE_READ | XPDK_ENGINE_WRITE | XPDK_ENGINE_COPY;
	info->flags = 0;
	info->max_len = XPDK_EDU_DMA_BUF_SIZE;
	info->len_align = 1;
	info->max_repeat = 1;
	return 0;
}

static int check_op_buf(struct xpdk_dev *dev, const struct xpdk_dma_buf *b, uint64_t len,
			const char *what)
{
	if (b == NULL || b->size < len)
		return xpdk_err(EINVAL, "%s: the DMA operation's %s buffer is %s",
				xpdk_dev_info(dev)->name, what,
				b == NULL ? "missing" : "smaller than its length");
	return xpdk_dev_dma_check(dev, b->iova, len);
}

/* read: src to the device buffer; write: the device buffer to dst; copy: both, in turn. */
static int edu_engine_submit(struct xpdk_dev *dev, const struct xpdk_engine_op *op)
{
	struct edu_engine *e = &drv_of(dev)->eng;
	bool to_dev = op->mode != XPDK_ENGINE_WRITE;
	uint32_t cmd = 0;
	int rc;

	if (e->busy)
		return xpdk_err(EBUSY, "%s: a DMA operation is in flight",
				xpdk_dev_info(dev)->name);
	if (op->mode != XPDK_ENGINE_READ && op->mode != XPDK_ENGINE_WRITE &&
	    op->mode != XPDK_ENGINE_COPY)
		return xpdk_err(EINVAL, "edu: DMA mode 0x%x is not read, write or copy", op->mode);
	if (op->len == 0 || op->len > XPDK_EDU_DMA_BUF_SIZE || op->repeat > 1)
		return xpdk_err(EINVAL,
				"edu: a DMA operation moves 1 to %u bytes in one pass (%llu bytes, "
				"%u passes asked)",
				XPDK_EDU_DMA_BUF_SIZE, (unsigned long long)op->len, op->repeat);
	rc = to_dev ? check_op_buf(dev, op->src, op->len, "source")
		    : check_op_buf(dev, op->dst, op->len, "destination");
	if (rc == 0 && op->mode == XPDK_ENGINE_COPY)
		rc = check_op_buf(dev, op->dst, op->len, "destination");
	if (rc == 0)
		rc = rd32(dev, XPDK_EDU_REG_DMA_CMD, &cmd);
	if (rc == 0 && (cmd & XPDK_EDU_DMA_RUN))
		rc = xpdk_err(EBUSY, "%s: the DMA engine is running a transfer started elsewhere",
			      xpdk_dev_info(dev)->name);
	if (rc < 0)
		return rc;
	e->op = *op;
	e->second = op->mode == XPDK_ENGINE_COPY;
	e->t0 = xpdk_now_ns();
	e->deadline = e->t0 + (uint64_t)XPDK_EDU_TIMEOUT_MS * 1000000 * (e->second ? 2 : 1);
	rc = dma_start(dev, to_dev ? op->src->iova : op->dst->iova, 0, (uint32_t)op->len, !to_dev,
		       0);
	e->busy = rc == 0;
	return rc;
}

static int edu_engine_poll(struct xpdk_dev *dev, struct xpdk_engine_completion *done)
{
	struct edu_engine *e = &drv_of(dev)->eng;
	uint32_t cmd = 0;
	int rc;

	if (!e->busy)
		return xpdk_err(EINVAL, "%s: no DMA operation in flight", xpdk_dev_info(dev)->name);
	rc = rd32(dev, XPDK_EDU_REG_DMA_CMD, &cmd);
	if (rc == 0 && (cmd & XPDK_EDU_DMA_RUN)) {
		if (xpdk_now_ns() <= e->deadline)
			return 0;
		rc = xpdk_err(ETIMEDOUT, "%s: a DMA transfer did not finish within %d ms",
			      xpdk_dev_info(dev)->name, XPDK_EDU_TIMEOUT_MS);
	}
	if (rc == 0 && e->second) {
		e->second = false;
		rc = dma_start(dev, e->op.dst->iova, 0, (uint32_t)e->op.len, true, 0);
		if (rc == 0)
			return 0;
	}
	e->busy = false;
	if (rc < 0)
		return rc;
	memset(done, 0, sizeof(*done));
	done->bytes = e->op.len;
	done->passes = 1;
	done->host_ns = xpdk_now_ns() - e->t0;
	return 1;
}

static const struct xpdk_driver_ops edu_ops = {
	.size = sizeof(struct xpdk_driver_ops),
	.scratch_reg = edu_scratch_reg,
	.engine_open = edu_engine_open,
	.engine_submit = edu_engine_submit,
	.engine_poll = edu_engine_poll,
};

/* ---- probe ------------------------------------------------------------------------------ */

static int edu_probe(struct xpdk_dev *dev)
{
	struct edu_drv *d = drv_of(dev);
	uint32_t id = 0;
	int rc;

	d->bar0 = xpdk_dev_region(dev, 0);
	if (d->bar0 == NULL)
		return -ENODEV;
	if (d->bar0->size < XPDK_EDU_BAR0_SIZE)
		return xpdk_err(ENODEV, "%s: BAR0 is 0x%llx bytes, edu has 1 MiB",
				xpdk_dev_info(dev)->name, (unsigned long long)d->bar0->size);
	/* mapped registers (kernel vfio-pci): the fast path; trapped (vfio-user): checked calls */
	d->regs = xpdk_region_ptr(d->bar0, 0, EDU_REGS_LEN);
	if (d->regs == NULL)
		xpdk_err_clear();
	rc = xpdk_edu_id(dev, &id);
	if (rc < 0)
		return rc;
	if ((id & 0xffff) != 0xed || (id >> 24) != 1)
		return xpdk_err(ENODEV, "%s: identification 0x%08x is not an edu 1.x (0x01xx00ed)",
				xpdk_dev_info(dev)->name, id);
	xpdk_edu_set_dma_mask(dev, XPDK_EDU_DMA_MASK_DEFAULT);
	return xpdk_edu_irq_setup(dev);
}

static const struct xpdk_pci_id edu_ids[] = {
	{XPDK_EDU_VENDOR_ID, XPDK_EDU_DEVICE_ID, 0, 0, "QEMU edu educational device"},
	{0},
};

static const struct xpdk_driver edu_driver = {
	.name = "edu",
	.id_table = edu_ids,
	.probe = edu_probe,
	.priv_size = sizeof(struct edu_drv),
	.ops = &edu_ops,
};

XPDK_DRIVER_REGISTER(edu_driver)
