/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * Register map of the XPDK host exerciser (HE) AFU: a DMA test engine in the manner of OPAE's
 * native loopback and host_exerciser AFUs, served by xpdk-devsim's dfl-fpga model and driven by
 * drivers/fpga/dfl. It is our own AFU with its own AFU ID: OPAE's tools do not drive it (their
 * register layouts differ) and our driver does not drive theirs.
 *
 * Offsets are bytes from the AFU's DFH; every register is 64 bits wide. The engine moves
 * NUM_LINES cache lines of 64 bytes per run, REPEAT times, in the mode CFG selects:
 *   read   reads SRC and folds the data into a checksum (DSM) — host-to-device traffic;
 *   write  fills DST with PATTERN — device-to-host traffic;
 *   copy   copies SRC to DST (loopback).
 * At the end of each start the device writes the device status memory (DSM, 64 bytes at
 * DSM_BASE, in host memory) and, with CFG.IRQ, raises interrupt vector 0.
 */

#ifndef XPDK_HE_REGS_H
#define XPDK_HE_REGS_H

#include "xpdk_common.h"

/** AFU ID of the host exerciser. */
#define XPDK_HE_GUID   "b363c479-2944-4c1b-b9c3-9b70334d98ce"
#define XPDK_HE_GUID_H 0xb363c47929444c1bULL /**< GUID_H register value */
#define XPDK_HE_GUID_L 0xb9c39b70334d98ceULL /**< GUID_L register value */

#define XPDK_HE_LINE	  64		     /**< bytes per cache line */
#define XPDK_HE_MAX_LINES (1u << 20)	     /**< NUM_LINES limit: 64 MiB per run */
#define XPDK_HE_SCRATCH0  0x100		     /**< scratch, read/write */
#define XPDK_HE_SCRATCH1  0x108		     /**< scratch, read/write */
#define XPDK_HE_DSM_BASE  0x110		     /**< IOVA of the DSM, 64-byte aligned */
#define XPDK_HE_SRC_ADDR  0x118		     /**< IOVA of the source buffer (read, copy) */
#define XPDK_HE_DST_ADDR  0x120		     /**< IOVA of the destination buffer (write, copy) */
#define XPDK_HE_NUM_LINES 0x128		     /**< lines per run, 1..XPDK_HE_MAX_LINES */
#define XPDK_HE_CTL	  0x130		     /**< control, write-only (reads 0) */
#define XPDK_HE_CTL_RESET XPDK_BIT(0)	     /**< stop, clear counters, status and error */
#define XPDK_HE_CTL_START XPDK_BIT(1)	     /**< start a run (ignored while busy) */
#define XPDK_HE_CTL_STOP  XPDK_BIT(2)	     /**< stop after the current line block */
#define XPDK_HE_CFG	  0x138		     /**< configuration, read/write */
#define XPDK_HE_CFG_MODE  XPDK_GENMASK(1, 0) /**< XPDK_HE_MODE_* */
#define XPDK_HE_CFG_IRQ	  XPDK_BIT(8)	     /**< raise vector 0 when a run ends */
#define XPDK_HE_CFG_REPEAT XPDK_GENMASK(63, 32) /**< repetitions of the run (0 means 1) */
#define XPDK_HE_MODE_READ  0 /**< CFG.MODE: read lines from SRC_ADDR (checksum in the DSM) */
#define XPDK_HE_MODE_WRITE 1 /**< CFG.MODE: write PATTERN to lines at DST_ADDR */
#define XPDK_HE_MODE_COPY  2 /**< CFG.MODE: copy lines from SRC_ADDR to DST_ADDR */
#define XPDK_HE_STATUS	   0x140	/**< status, read-only */
#define XPDK_HE_STATUS_BUSY  XPDK_BIT(0) /**< a run is in progress */
#define XPDK_HE_STATUS_DONE  XPDK_BIT(1) /**< the last run ended (DSM written) */
#define XPDK_HE_STATUS_ERROR XPDK_BIT(2) /**< the last run ended in error (see ERROR) */
#define XPDK_HE_ERROR	     0x148	 /**< error code of the last run, XPDK_HE_ERR_* */
#define XPDK_HE_ERR_ADDR     0x150	 /**< IOVA the error happened at */
#define XPDK_HE_PATTERN	     0x158	 /**< 64-bit fill pattern of write mode */
#define XPDK_HE_CLOCK_HZ     0x160	 /**< clock of DSM ticks, read-only */
#define XPDK_HE_LINES_READ   0x168	 /**< lines read since reset, read-only */
#define XPDK_HE_LINES_WRITTEN 0x170	 /**< lines written since reset, read-only */

#define XPDK_HE_ERR_NONE   0 /**< no error */
#define XPDK_HE_ERR_CONFIG 1 /**< bad NUM_LINES, mode or alignment (nothing moved) */
#define XPDK_HE_ERR_SRC	   2 /**< source read faulted (not mapped for the device) */
#define XPDK_HE_ERR_DST	   3 /**< destination write faulted */
#define XPDK_HE_ERR_DSM	   4 /**< DSM write faulted */
#define XPDK_HE_ERR_STOPPED 5 /**< stopped by CTL.STOP, port reset or the client leaving */

/** Device status memory, written by the device at the end of each start (little endian): size. */
#define XPDK_HE_DSM_SIZE	  64
#define XPDK_HE_DSM_STATUS	  0x00 /**< bit 0 complete; bits 15:8 error code */
#define XPDK_HE_DSM_COMPLETE	  XPDK_BIT(0) /**< DSM status: the run is complete */
#define XPDK_HE_DSM_ERROR	  XPDK_GENMASK(15, 8) /**< DSM status: error code, XPDK_HE_ERR_* */
#define XPDK_HE_DSM_TICKS	  0x08 /**< clock ticks the run took (CLOCK_HZ) */
#define XPDK_HE_DSM_LINES_READ	  0x10 /**< lines read by the run */
#define XPDK_HE_DSM_LINES_WRITTEN 0x18 /**< lines written by the run */
#define XPDK_HE_DSM_ERR_ADDR	  0x20 /**< as the ERR_ADDR register */
#define XPDK_HE_DSM_COMPLETIONS	  0x28 /**< runs completed since reset, this one included */
#define XPDK_HE_DSM_CHECKSUM	  0x30 /**< read mode: XOR of the 64-bit words of one pass */

#endif /* XPDK_HE_REGS_H */
