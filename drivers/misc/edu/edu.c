/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Driver "edu": QEMU's educational PCI device and devsim's edu model. Registers go through the
 * checked region calls, so the driver works whether BAR0 is mapped (kernel vfio-pci) or trapped
 * (vfio-user); the device is slow either way.
 */

#include <errno.h>

#include "xpdk_edu.h"

struct edu_drv {
	const struct xpdk_region *bar0;
	uint64_t dma_mask;
};

static struct edu_drv *drv_of(struct xpdk_dev *dev)
{
	return xpdk_dev_priv(dev);
}

static int rd32(struct xpdk_dev *dev, uint64_t off, uint32_t *v)
{
	uint64_t val = 0;
	int rc = xpdk_region_read(drv_of(dev)->bar0, off, 32, &val);

	*v = (uint32_t)val;
	return rc;
}

static int wr32(struct xpdk_dev *dev, uint64_t off, uint32_t v)
{
	return xpdk_region_write(drv_of(dev)->bar0, off, 32, v);
}

static int wr64(struct xpdk_dev *dev, uint64_t off, uint64_t v)
{
	return xpdk_region_write(drv_of(dev)->bar0, off, 64, v);
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

int xpdk_edu_dma_raw(struct xpdk_dev *dev, uint64_t iova, uint32_t dev_off, uint32_t len,
		     bool to_ram, unsigned int flags)
{
	uint64_t buf_addr = XPDK_EDU_DMA_BUF + dev_off;
	uint32_t cmd = XPDK_EDU_DMA_RUN | (to_ram ? XPDK_EDU_DMA_TO_RAM : 0) |
		       ((flags & XPDK_EDU_F_IRQ) ? XPDK_EDU_DMA_IRQ : 0);
	int rc;

	rc = poll_clear(dev, XPDK_EDU_REG_DMA_CMD, XPDK_EDU_DMA_RUN, "an earlier DMA");
	if (rc == 0)
		rc = wr64(dev, XPDK_EDU_REG_DMA_SRC, to_ram ? buf_addr : iova);
	if (rc == 0)
		rc = wr64(dev, XPDK_EDU_REG_DMA_DST, to_ram ? iova : buf_addr);
	if (rc == 0)
		rc = wr64(dev, XPDK_EDU_REG_DMA_COUNT, len);
	if (rc == 0)
		rc = wr32(dev, XPDK_EDU_REG_DMA_CMD, cmd);
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
};

XPDK_DRIVER_REGISTER(edu_driver)
