/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * Register map of OPAE's host exerciser AFUs, HE-LB (loopback over the host interface) and
 * HE-MEM (the same CSRs, with local memory behind it), as OPAE's samples/host_exerciser drives
 * them on OFS cards (N6000/N6001, D5005 …). Shared by xpdk-devsim's dfl-fpga model and
 * drivers/fpga/dfl; neither owns it.
 *
 * Offsets are bytes from the AFU's DFH. Addresses (DSM, SRC, DST) are cache-line addresses:
 * the IOVA shifted right by log2 of the host bus width (64 bytes, shift 6). NUM_LINES holds the
 * number of lines minus one. CTL and DSM_BASEL/H are written 32 bits at a time.
 */

#ifndef XPDK_OPAE_HE_REGS_H
#define XPDK_OPAE_HE_REGS_H

#include "xpdk_common.h"

/** HE-LB AFU ID (OPAE host_exerciser_lpbk.h). */
#define XPDK_OPAE_HE_LB_GUID   "56e203e9-864f-49a7-b94b-12284c31e02b"
#define XPDK_OPAE_HE_LB_GUID_H 0x56e203e9864f49a7ULL /**< its GUID_H register value */
#define XPDK_OPAE_HE_LB_GUID_L 0xb94b12284c31e02bULL /**< its GUID_L register value */
/** HE-MEM AFU ID (OPAE host_exerciser_mem.h). */
#define XPDK_OPAE_HE_MEM_GUID	"8568ab4e-6ba5-4616-bb65-2a578330a8eb"
#define XPDK_OPAE_HE_MEM_GUID_H 0x8568ab4e6ba54616ULL /**< its GUID_H register value */
#define XPDK_OPAE_HE_MEM_GUID_L 0xbb652a578330a8ebULL /**< its GUID_L register value */

#define XPDK_OPAE_HE_CL_SHIFT 6	 /**< log2 of the 64-byte host bus: address = IOVA >> 6 */
#define XPDK_OPAE_HE_CL	      64 /**< bytes per cache line */

#define XPDK_OPAE_HE_SCRATCHPAD0      0x100 /**< scratch, read/write */
#define XPDK_OPAE_HE_SCRATCHPAD1      0x104 /**< scratch, read/write (high half of 0x100) */
#define XPDK_OPAE_HE_SCRATCHPAD2      0x108 /**< scratch, read/write */
#define XPDK_OPAE_HE_DSM_BASEL	      0x110 /**< DSM cache-line address, bits 31:0 (32-bit write) */
#define XPDK_OPAE_HE_DSM_BASEH	      0x114 /**< DSM cache-line address, bits 63:32 (32-bit write) */
#define XPDK_OPAE_HE_SRC_ADDR	      0x120		  /**< source cache-line address */
#define XPDK_OPAE_HE_DST_ADDR	      0x128		  /**< destination cache-line address */
#define XPDK_OPAE_HE_NUM_LINES	      0x130		  /**< 31:0 lines per run minus one */
#define XPDK_OPAE_HE_NUM_LINES_MASK   XPDK_GENMASK(31, 0) /**< NUM_LINES field */
#define XPDK_OPAE_HE_CTL	      0x138		  /**< control (32-bit write) */
#define XPDK_OPAE_HE_CTL_RESETL	      XPDK_BIT(0)	  /**< active-low reset: 0 resets, 1 runs */
#define XPDK_OPAE_HE_CTL_START	      XPDK_BIT(1)	  /**< start a test (with RESETL set) */
#define XPDK_OPAE_HE_CTL_FORCED	      XPDK_BIT(2) /**< ForcedTestCmpl: end a (continuous) test */
#define XPDK_OPAE_HE_CFG	      0x140	  /**< test configuration */
#define XPDK_OPAE_HE_CFG_DELAY_EN     XPDK_BIT(0) /**< random inter-request delay */
#define XPDK_OPAE_HE_CFG_CONTINUOUS   XPDK_BIT(1) /**< repeat until ForcedTestCmpl */
#define XPDK_OPAE_HE_CFG_MODE	      XPDK_GENMASK(4, 2)   /**< XPDK_OPAE_HE_MODE_* */
#define XPDK_OPAE_HE_CFG_REQLEN	      XPDK_GENMASK(6, 5)   /**< request length code, low bits */
#define XPDK_OPAE_HE_CFG_ATOMIC	      XPDK_GENMASK(11, 7)  /**< atomic function, 0 off */
#define XPDK_OPAE_HE_CFG_ENCODING     XPDK_GENMASK(13, 12) /**< encoding */
#define XPDK_OPAE_HE_CFG_TPUT_INTLV   XPDK_GENMASK(22, 20) /**< throughput interleave */
#define XPDK_OPAE_HE_CFG_TEST_CFG     XPDK_GENMASK(27, 23) /**< test configuration */
#define XPDK_OPAE_HE_CFG_INTR_ON_ERR  XPDK_BIT(28)	   /**< interrupt on error */
#define XPDK_OPAE_HE_CFG_INTR_TEST    XPDK_BIT(29)	   /**< interrupt on test completion */
#define XPDK_OPAE_HE_CFG_REQLEN_HI    XPDK_GENMASK(31, 30) /**< request length code, high bits */
#define XPDK_OPAE_HE_INACT_THRESH     0x148		   /**< inactivity threshold */
#define XPDK_OPAE_HE_INTERRUPT0	      0x150 /**< interrupt: 15:0 APIC ID, 31:16 vector */
#define XPDK_OPAE_HE_INTR_VECTOR      XPDK_GENMASK(31, 16) /**< INTERRUPT0 vector number */
#define XPDK_OPAE_HE_SWTEST_MSG	      0x158		   /**< software test message */
#define XPDK_OPAE_HE_STATUS0	      0x160 /**< 31:0 writes, 63:32 reads (since reset) */
#define XPDK_OPAE_HE_STATUS0_WRITES   XPDK_GENMASK(31, 0)  /**< STATUS0 numWrites */
#define XPDK_OPAE_HE_STATUS0_READS    XPDK_GENMASK(63, 32) /**< STATUS0 numReads */
#define XPDK_OPAE_HE_STATUS1	      0x168		   /**< pending writes/reads (host, EMIF) */
#define XPDK_OPAE_HE_ERROR	      0x170		   /**< 31:0 error bits */
#define XPDK_OPAE_HE_STRIDE	      0x178		   /**< stride */
#define XPDK_OPAE_HE_INFO0	      0x180		   /**< AFU information, read-only */
#define XPDK_OPAE_HE_INFO0_CLOCK_MHZ  XPDK_GENMASK(15, 0)  /**< AFU clock, MHz */
#define XPDK_OPAE_HE_INFO0_API	      XPDK_GENMASK(23, 16) /**< API version */
#define XPDK_OPAE_HE_INFO0_NO_ATOMICS XPDK_BIT(24)	   /**< 1: atomics not supported */
#define XPDK_OPAE_HE_INFO0_BUS_WIDTH  XPDK_GENMASK(26, 25) /**< host bus: 1 << (5 + code) bytes */
#define XPDK_OPAE_HE_INFO0_MEM_WIDTH  XPDK_GENMASK(31, 27) /**< local memory: 1 << (2 + code) */

/** CFG.MODE values (OPAE's HOST_EXEMODE_*). */
#define XPDK_OPAE_HE_MODE_LPBK	0 /**< copy SRC to DST */
#define XPDK_OPAE_HE_MODE_READ	1 /**< read SRC */
#define XPDK_OPAE_HE_MODE_WRITE 2 /**< write DST */
#define XPDK_OPAE_HE_MODE_TRPUT 3 /**< read SRC and write DST at once */

/** ERROR bits the devsim model sets (the hardware's bits are not documented by OPAE). */
#define XPDK_OPAE_HE_ERR_CONFIG XPDK_BIT(0) /**< request length, mode or line count refused */
#define XPDK_OPAE_HE_ERR_READ	XPDK_BIT(1) /**< a host read faulted */
#define XPDK_OPAE_HE_ERR_WRITE	XPDK_BIT(2) /**< a host write faulted */

/** Device status memory (OPAE struct he_dsm_status), written when a test ends. */
#define XPDK_OPAE_HE_DSM_SIZE	    2048	/**< bytes OPAE allocates for it */
#define XPDK_OPAE_HE_DSM_STATUS	    0x00	/**< 0 completed, 15:1 DSM number, 63:32 errors */
#define XPDK_OPAE_HE_DSM_COMPLETED  XPDK_BIT(0) /**< test_completed */
#define XPDK_OPAE_HE_DSM_NUMBER	    XPDK_GENMASK(15, 1)	 /**< dsm_number */
#define XPDK_OPAE_HE_DSM_ERR_VECTOR XPDK_GENMASK(63, 32) /**< err_vector */
#define XPDK_OPAE_HE_DSM_TICKS	    0x08		 /**< 39:0 num_ticks (AFU clock) */
#define XPDK_OPAE_HE_DSM_TICKS_MASK XPDK_GENMASK(39, 0)	 /**< num_ticks field */
#define XPDK_OPAE_HE_DSM_READS_H    XPDK_GENMASK(55, 48) /**< in qword 0x08: num_reads_h */
#define XPDK_OPAE_HE_DSM_WRITES_H   XPDK_GENMASK(63, 56) /**< in qword 0x08: num_writes_h */
#define XPDK_OPAE_HE_DSM_COUNTS	    0x10		/**< 31:0 num_reads_l, 63:32 num_writes_l */
#define XPDK_OPAE_HE_DSM_READS_L    XPDK_GENMASK(31, 0) /**< num_reads_l */
#define XPDK_OPAE_HE_DSM_WRITES_L   XPDK_GENMASK(63, 32) /**< num_writes_l */

/** Request length codes of CFG (REQLEN_HI:REQLEN): 0 1 CL, 1 2, 2 4, 3 8, 4 16. */
#define XPDK_OPAE_HE_REQLEN_MAX_CODE 4

#endif /* XPDK_OPAE_HE_REGS_H */
