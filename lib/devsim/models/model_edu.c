/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Model "edu": register-for-register compatible with QEMU's educational PCI device
 * (docs/specs/edu.rst), so that the same driver and tests run against this model and against
 * QEMU's edu behind the kernel's vfio-pci.
 *
 * Behaviour follows QEMU's device: accesses below 0x80 must be 4 bytes and others 4 or 8; an
 * 8-byte access below 0x80 reads all-ones (edu's own check), a 1- or 2-byte access anywhere
 * reads 0 (QEMU's memory core refuses sizes below edu's minimum of 4 before the device sees
 * them, and answers 0, as the vm tier measured), and such writes are dropped; the factorial
 * runs on the device thread with STATUS.COMPUTING set meanwhile (32-bit arithmetic, as QEMU);
 * DMA addresses are clamped to the DMA mask (28 bits unless the dma_mask argument widens it); DMA
 * registers ignore writes while a transfer runs. Where QEMU would overrun its 4 KiB buffer (a
 * transfer outside 0x40000..0x40fff only logs there), the model refuses the transfer and logs
 * it; a transfer to client memory that is not mapped moves no data and is logged: the driver
 * sees it by checking its data, as with an IOMMU fault on real hardware.
 */

#include <errno.h>
#include <string.h>

#include "../xpdk_devsim.h"
#include "xpdk_edu_regs.h"

struct edu {
	uint32_t liveness; /* stores the inverse of the last write */
	uint32_t fact;
	uint32_t status;
	uint32_t irq_status;
	uint64_t dma_src, dma_dst, dma_count, dma_cmd;
	uint64_t dma_mask;
	uint8_t dma_buf[XPDK_EDU_DMA_BUF_SIZE];
};

static int edu_arg(const char *key, const char *val, void *arg)
{
	struct edu *e = arg;

	if (strcmp(key, "dma_mask") != 0)
		return xpdk_err(EINVAL, "edu: unknown model argument '%s' (known: dma_mask)", key);
	if (xpdk_parse_u64(val, &e->dma_mask) < 0 || e->dma_mask == 0)
		return xpdk_err(EINVAL, "edu: dma_mask '%s' is not a non-zero number", val);
	return 0;
}

static void edu_power_on(struct edu *e)
{
	uint64_t mask = e->dma_mask;

	memset(e, 0, sizeof(*e));
	e->dma_mask = mask;
}

static int edu_init(struct xpdk_devsim_dev *dev, const char *args)
{
	static const struct xpdk_pci_ids ids = {
		.vendor = XPDK_EDU_VENDOR_ID,
		.device = XPDK_EDU_DEVICE_ID,
		.subsystem_vendor = 0x1af4, /* as QEMU's default subsystem IDs */
		.subsystem = 0x1100,
		.class_code = XPDK_EDU_CLASS,
		.revision = XPDK_EDU_REVISION,
	};
	struct edu *e = xpdk_devsim_priv(dev);
	struct xpdk_pci_cfg *cfg = xpdk_devsim_cfg(dev);
	int rc;

	e->dma_mask = XPDK_EDU_DMA_MASK_DEFAULT;
	rc = xpdk_devsim_args("edu", args, edu_arg, e);
	if (rc < 0)
		return rc;
	edu_power_on(e);
	xpdk_pci_cfg_init(cfg, &ids, false);
	xpdk_pci_cfg_intx(cfg, 1);
	rc = xpdk_pci_cfg_msi(cfg, 1);
	if (rc == 0)
		rc = xpdk_devsim_bar(dev, 0, XPDK_EDU_BAR0_SIZE, false);
	return rc;
}

static bool edu_size_ok(uint64_t off, unsigned int size)
{
	return off < XPDK_EDU_SMALL_REGS_END ? size == 4 : (size == 4 || size == 8);
}

static void edu_raise(struct xpdk_devsim_dev *dev, struct edu *e, uint32_t val)
{
	e->irq_status |= val;
	if (e->irq_status != 0)
		xpdk_devsim_irq_raise(dev, 0);
}

static uint64_t edu_mmio_read(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			      unsigned int size)
{
	struct edu *e = xpdk_devsim_priv(dev);

	if (bar != 0)
		return ~0ULL;
	if (size < 4)
		return 0; /* refused by QEMU's memory core, which answers 0 */
	if (!edu_size_ok(off, size))
		return ~0ULL;
	switch (off) {
	case XPDK_EDU_REG_ID:
		return XPDK_EDU_ID_VALUE;
	case XPDK_EDU_REG_LIVENESS:
		return e->liveness;
	case XPDK_EDU_REG_FACT:
		return e->fact;
	case XPDK_EDU_REG_STATUS:
		return e->status;
	case XPDK_EDU_REG_IRQ_STATUS:
		return e->irq_status;
	case XPDK_EDU_REG_DMA_SRC:
		return e->dma_src;
	case XPDK_EDU_REG_DMA_DST:
		return e->dma_dst;
	case XPDK_EDU_REG_DMA_COUNT:
		return e->dma_count;
	case XPDK_EDU_REG_DMA_CMD:
		return e->dma_cmd;
	default:
		return ~0ULL;
	}
}

static void edu_mmio_write(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			   unsigned int size, uint64_t val)
{
	struct edu *e = xpdk_devsim_priv(dev);
	bool dma_running = e->dma_cmd & XPDK_EDU_DMA_RUN;

	if (bar != 0 || !edu_size_ok(off, size))
		return;
	switch (off) {
	case XPDK_EDU_REG_LIVENESS:
		e->liveness = ~(uint32_t)val;
		break;
	case XPDK_EDU_REG_FACT:
		if (e->status & XPDK_EDU_STATUS_COMPUTING)
			break;
		e->fact = (uint32_t)val;
		e->status |= XPDK_EDU_STATUS_COMPUTING;
		xpdk_devsim_kick(dev);
		break;
	case XPDK_EDU_REG_STATUS:
		if (val & XPDK_EDU_STATUS_IRQFACT)
			e->status |= XPDK_EDU_STATUS_IRQFACT;
		else
			e->status &= ~(uint32_t)XPDK_EDU_STATUS_IRQFACT;
		break;
	case XPDK_EDU_REG_IRQ_RAISE:
		edu_raise(dev, e, (uint32_t)val);
		break;
	case XPDK_EDU_REG_IRQ_ACK:
		e->irq_status &= ~(uint32_t)val;
		break;
	case XPDK_EDU_REG_DMA_SRC:
		if (!dma_running)
			e->dma_src = val;
		break;
	case XPDK_EDU_REG_DMA_DST:
		if (!dma_running)
			e->dma_dst = val;
		break;
	case XPDK_EDU_REG_DMA_COUNT:
		if (!dma_running)
			e->dma_count = val;
		break;
	case XPDK_EDU_REG_DMA_CMD:
		if (!(val & XPDK_EDU_DMA_RUN) || dma_running)
			break;
		e->dma_cmd = val;
		xpdk_devsim_kick(dev);
		break;
	default:
		break;
	}
}

/* The buffer-side range of a transfer must lie inside the 4 KiB buffer. */
static bool edu_buf_range_ok(uint64_t addr, uint64_t count)
{
	return addr >= XPDK_EDU_DMA_BUF && count <= XPDK_EDU_DMA_BUF_SIZE &&
	       addr - XPDK_EDU_DMA_BUF <= XPDK_EDU_DMA_BUF_SIZE - count;
}

static uint64_t edu_clamp(struct xpdk_devsim_dev *dev, const struct edu *e, uint64_t addr)
{
	uint64_t res = addr & e->dma_mask;

	if (res != addr)
		xpdk_devsim_log(dev, 1,
				"edu: clamping DMA address 0x%016llx to 0x%016llx (mask 0x%llx)",
				(unsigned long long)addr, (unsigned long long)res,
				(unsigned long long)e->dma_mask);
	return res;
}

static void edu_run_dma(struct xpdk_devsim_dev *dev, struct edu *e)
{
	bool to_ram = e->dma_cmd & XPDK_EDU_DMA_TO_RAM;
	uint64_t buf_addr = to_ram ? e->dma_src : e->dma_dst;
	uint64_t ram_addr = edu_clamp(dev, e, to_ram ? e->dma_dst : e->dma_src);
	uint64_t count = e->dma_count;
	int rc;

	if (!edu_buf_range_ok(buf_addr, count)) {
		xpdk_devsim_log(dev, 0,
				"edu: DMA of %llu bytes at buffer address 0x%llx is outside the "
				"buffer 0x40000..0x40fff; transfer refused",
				(unsigned long long)count, (unsigned long long)buf_addr);
	} else {
		uint8_t *buf = e->dma_buf + (buf_addr - XPDK_EDU_DMA_BUF);

		rc = to_ram ? xpdk_devsim_dma_write(dev, ram_addr, buf, count)
			    : xpdk_devsim_dma_read(dev, ram_addr, buf, count);
		if (rc < 0)
			xpdk_devsim_log(dev, 0, "edu: DMA %s 0x%llx (%llu bytes) failed: %s",
					to_ram ? "to" : "from", (unsigned long long)ram_addr,
					(unsigned long long)count, xpdk_strerror_last());
	}
	e->dma_cmd &= ~(uint64_t)XPDK_EDU_DMA_RUN;
	if (e->dma_cmd & XPDK_EDU_DMA_IRQ)
		edu_raise(dev, e, XPDK_EDU_IRQ_DMA);
}

static uint64_t edu_work(struct xpdk_devsim_dev *dev)
{
	struct edu *e = xpdk_devsim_priv(dev);

	xpdk_devsim_lock(dev);
	if (e->status & XPDK_EDU_STATUS_COMPUTING) {
		uint32_t n = e->fact, r = 1;

		while (n > 0)
			r *= n--;
		e->fact = r;
		e->status &= ~(uint32_t)XPDK_EDU_STATUS_COMPUTING;
		if (e->status & XPDK_EDU_STATUS_IRQFACT)
			edu_raise(dev, e, XPDK_EDU_IRQ_FACT);
	}
	if (e->dma_cmd & XPDK_EDU_DMA_RUN)
		edu_run_dma(dev, e);
	xpdk_devsim_unlock(dev);
	return XPDK_DEVSIM_IDLE;
}

static void edu_reset(struct xpdk_devsim_dev *dev)
{
	edu_power_on(xpdk_devsim_priv(dev));
}

static void edu_detach(struct xpdk_devsim_dev *dev)
{
	struct edu *e = xpdk_devsim_priv(dev);

	xpdk_devsim_lock(dev);
	e->dma_cmd &= ~(uint64_t)XPDK_EDU_DMA_RUN; /* the client's memory is gone */
	xpdk_devsim_unlock(dev);
}

static const struct xpdk_devsim_model edu_model = {
	.name = "edu",
	.summary = "QEMU's educational PCI device (1234:11e8): factorial, interrupts, 4 KiB DMA",
	.args_help = "dma_mask=MASK  DMA address mask (default 0xfffffff, 28 bits, as QEMU)",
	.priv_size = sizeof(struct edu),
	.init = edu_init,
	.mmio_read = edu_mmio_read,
	.mmio_write = edu_mmio_write,
	.reset = edu_reset,
	.work = edu_work,
	.detach = edu_detach,
};

XPDK_DEVSIM_MODEL(edu_model)
