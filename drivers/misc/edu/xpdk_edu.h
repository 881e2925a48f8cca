/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * Driver for QEMU's educational PCI device "edu" (1234:11e8) and XPDK devsim's `edu` model:
 * liveness check, factorial, interrupts, and DMA between host memory and the device's 4 KiB
 * buffer. The same calls work over the kernel's vfio-pci and over vfio-user.
 *
 * Usage: dev = xpdk_dev_open(name); xpdk_dev_probe(dev) binds this driver; then the calls below.
 * Calls on one device are not thread-safe with respect to each other.
 */

#ifndef XPDK_EDU_H
#define XPDK_EDU_H

#include <stdint.h>

#include "xpdk_dev.h"
#include "xpdk_edu_regs.h"
#include "xpdk_env.h"

#ifdef __cplusplus
extern "C" {
#endif
XPDK_API_BEGIN

/** Wait for completion on the device's interrupt instead of polling its status register. */
#define XPDK_EDU_F_IRQ (1u << 0)

/** Default completion timeout of the calls below, in milliseconds. */
#define XPDK_EDU_TIMEOUT_MS 5000

/**
 * Read the device's identification register.
 * @param dev a device the edu driver is bound to.
 * @param[out] id its value (0x010000ed for version 1.0).
 * @return 0, or a negative errno from the region access.
 */
int xpdk_edu_id(struct xpdk_dev *dev, uint32_t *id);

/**
 * Write @p value to the liveness register and read back what the device answers (~value).
 * @param dev a device the edu driver is bound to.
 * @param value the value to write.
 * @param[out] answer what the device answers.
 * @return 0, or a negative errno from the region access.
 */
int xpdk_edu_liveness(struct xpdk_dev *dev, uint32_t value, uint32_t *answer);

/**
 * Compute @p n! on the device (32-bit wrap-around arithmetic, as the device does), waiting for
 * STATUS.COMPUTING to clear (polling) or for interrupt 0x1 (XPDK_EDU_F_IRQ).
 * @param dev a device the edu driver is bound to.
 * @param n the operand.
 * @param[out] result n!, modulo 2^32.
 * @param flags 0 or XPDK_EDU_F_IRQ.
 * @return 0, -ETIMEDOUT (after XPDK_EDU_TIMEOUT_MS), or a negative errno.
 */
int xpdk_edu_factorial(struct xpdk_dev *dev, uint32_t n, uint32_t *result, unsigned int flags);

/**
 * Raise an interrupt with @p value (ORed into IRQ_STATUS).
 * @param dev a device the edu driver is bound to.
 * @param value the status bits to set.
 * @return 0, or a negative errno from the region access.
 */
int xpdk_edu_irq_raise(struct xpdk_dev *dev, uint32_t value);
/**
 * Read IRQ_STATUS.
 * @param dev a device the edu driver is bound to.
 * @param[out] value its bits.
 * @return 0, or a negative errno from the region access.
 */
int xpdk_edu_irq_status(struct xpdk_dev *dev, uint32_t *value);
/**
 * Acknowledge (clear) @p value's bits in IRQ_STATUS.
 * @param dev a device the edu driver is bound to.
 * @param value the bits to clear.
 * @return 0, or a negative errno from the region access.
 */
int xpdk_edu_irq_ack(struct xpdk_dev *dev, uint32_t value);

/**
 * Enable the device's interrupt: MSI when it has it, otherwise INTx. Done by probe; call again
 * after xpdk_dev_reset().
 * @param dev a device the edu driver is bound to.
 * @return 0 or a negative errno.
 */
int xpdk_edu_irq_setup(struct xpdk_dev *dev);

/**
 * Wait until the device interrupts (at most @p timeout_ms) and return IRQ_STATUS in @p status;
 * the caller acknowledges what it handled.
 * @param dev a device the edu driver is bound to.
 * @param timeout_ms how long to wait, in milliseconds.
 * @param[out] status IRQ_STATUS after the interrupt.
 * @return 0, -ETIMEDOUT or a negative errno.
 */
int xpdk_edu_irq_wait(struct xpdk_dev *dev, int timeout_ms, uint32_t *status);

/**
 * Tell the driver which device addresses the device can reach (default 28 bits, as QEMU's
 * edu; QEMU's `-device edu,dma_mask=M` and devsim's `dma_mask=M` widen it).
 * @param dev a device the edu driver is bound to.
 * @param mask the device's DMA address mask.
 */
void xpdk_edu_set_dma_mask(struct xpdk_dev *dev, uint64_t mask);

/**
 * DMA @p len bytes from host buffer @p buf at @p buf_off into the device buffer at @p dev_off
 * (0 … 4095), and wait for completion (polling, or interrupt 0x100 with XPDK_EDU_F_IRQ).
 * @param dev a device the edu driver is bound to.
 * @param buf the host buffer.
 * @param buf_off offset in @p buf.
 * @param dev_off offset in the device buffer.
 * @param len bytes to move.
 * @param flags 0 or XPDK_EDU_F_IRQ.
 * @return 0; -EINVAL for a range outside either buffer; -ERANGE when the buffer is beyond the
 *         DMA mask; -ETIMEDOUT.
 */
int xpdk_edu_dma_to_device(struct xpdk_dev *dev, const struct xpdk_dma_buf *buf, size_t buf_off,
			   uint32_t dev_off, uint32_t len, unsigned int flags);

/**
 * DMA @p len bytes from the device buffer at @p dev_off into @p buf at @p buf_off, and wait.
 * @param dev a device the edu driver is bound to.
 * @param buf the host buffer.
 * @param buf_off offset in @p buf.
 * @param dev_off offset in the device buffer.
 * @param len bytes to move.
 * @param flags 0 or XPDK_EDU_F_IRQ.
 * @return as xpdk_edu_dma_to_device().
 */
int xpdk_edu_dma_from_device(struct xpdk_dev *dev, struct xpdk_dma_buf *buf, size_t buf_off,
			     uint32_t dev_off, uint32_t len, unsigned int flags);

/**
 * Low level: start a transfer between device address @p iova and the device buffer without the
 * mask and range checks (the device clamps the address to its mask), and wait. For tests that
 * check what the device does with a bad address.
 * @param dev a device the edu driver is bound to.
 * @param iova the device address of host memory.
 * @param dev_off offset in the device buffer.
 * @param len bytes to move.
 * @param to_ram true: device buffer to host memory; false: host memory to device buffer.
 * @param flags 0 or XPDK_EDU_F_IRQ.
 * @return 0, -ETIMEDOUT or a negative errno.
 */
int xpdk_edu_dma_raw(struct xpdk_dev *dev, uint64_t iova, uint32_t dev_off, uint32_t len,
		     bool to_ram, unsigned int flags);

XPDK_API_END
#ifdef __cplusplus
}
#endif

#endif /* XPDK_EDU_H */
