/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Register map of QEMU's educational PCI device "edu" (QEMU docs/specs/edu.rst), shared by the
 * devsim model and the edu driver. BAR0, 1 MiB.
 */

#ifndef XPDK_EDU_REGS_H
#define XPDK_EDU_REGS_H

#define XPDK_EDU_VENDOR_ID 0x1234
#define XPDK_EDU_DEVICE_ID 0x11e8
#define XPDK_EDU_REVISION 0x10
#define XPDK_EDU_CLASS 0xff0000 /**< PCI_CLASS_OTHERS */
#define XPDK_EDU_BAR0_SIZE (1u << 20)

#define XPDK_EDU_REG_ID 0x00       /**< RO: 0xRRrr00ed, major RR, minor rr */
#define XPDK_EDU_ID_VALUE 0x010000edu
#define XPDK_EDU_REG_LIVENESS 0x04 /**< RW: reads back the inverse of what was written */
#define XPDK_EDU_REG_FACT 0x08     /**< RW: write n, read n! once COMPUTING clears */
#define XPDK_EDU_REG_STATUS 0x20   /**< RW */
#define XPDK_EDU_STATUS_COMPUTING 0x01 /**< RO: factorial in progress */
#define XPDK_EDU_STATUS_IRQFACT 0x80   /**< raise interrupt 0x1 when the factorial is done */
#define XPDK_EDU_REG_IRQ_STATUS 0x24   /**< RO: OR of the raised interrupt values */
#define XPDK_EDU_REG_IRQ_RAISE 0x60    /**< WO: OR the value into IRQ_STATUS and interrupt */
#define XPDK_EDU_REG_IRQ_ACK 0x64      /**< WO: clear the value's bits from IRQ_STATUS */
#define XPDK_EDU_REG_DMA_SRC 0x80      /**< RW, 4 or 8 bytes */
#define XPDK_EDU_REG_DMA_DST 0x88
#define XPDK_EDU_REG_DMA_COUNT 0x90
#define XPDK_EDU_REG_DMA_CMD 0x98
#define XPDK_EDU_DMA_RUN 0x1     /**< start; reads 1 until the transfer is done */
#define XPDK_EDU_DMA_TO_RAM 0x2  /**< direction: 0 RAM -> device buffer, 1 buffer -> RAM */
#define XPDK_EDU_DMA_IRQ 0x4     /**< raise interrupt 0x100 when done */

#define XPDK_EDU_IRQ_FACT 0x001
#define XPDK_EDU_IRQ_DMA 0x100

#define XPDK_EDU_DMA_BUF 0x40000 /**< device address of its 4 KiB DMA buffer */
#define XPDK_EDU_DMA_BUF_SIZE 4096
#define XPDK_EDU_DMA_MASK_DEFAULT ((1ULL << 28) - 1)

#define XPDK_EDU_SMALL_REGS_END 0x80 /**< below: 4-byte accesses only; above: 4 or 8 */

#endif /* XPDK_EDU_REGS_H */
