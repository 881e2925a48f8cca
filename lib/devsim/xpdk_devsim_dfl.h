/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * What the devsim dfl-fpga model adds to the public DFL definitions: its BAR0 layout, its
 * second AFU, its default PR interface ID and the format of the raw bitstreams it accepts
 * through the PR data register (the part of a GBS file after its JSON metadata).
 *
 * Raw bitstream (all little endian):
 *   0x00 u32 magic XPDK_DEVSIM_RBF_MAGIC
 *   0x04 u32 format version (1)
 *   0x08 u64 AFU ID, GUID_L register value, then 0x10 u64 GUID_H
 *   0x18 u64 interface ID it was built for, L, then 0x20 u64 H
 *   0x28 u32 payload length in bytes, 0x2c u32 CRC-32 (IEEE) of the payload
 *   0x30 payload
 * The model loads the AFU named by the AFU ID when the header, the interface ID and the CRC
 * check out, and otherwise reports a PR error (incompatible, CRC, operation).
 */

#ifndef XPDK_DEVSIM_DFL_H
#define XPDK_DEVSIM_DFL_H

#include <string.h>

#include "xpdk_common.h"

#define XPDK_DEVSIM_DFL_BAR0_SIZE 0x100000 /**< 1 MiB */
#define XPDK_DEVSIM_DFL_FME	  0x0	   /**< FME DFH */
#define XPDK_DEVSIM_DFL_PORT	  0x40000  /**< port DFH */
#define XPDK_DEVSIM_DFL_AFU	  0x80000  /**< AFU DFH (port NEXT_AFU) */
#define XPDK_DEVSIM_DFL_AFU_SIZE  0x40000  /**< AFU MMIO window, 256 KiB */
#define XPDK_DEVSIM_DFL_AFU_RAM	  0x1000   /**< from the AFU: plain memory (fast path) */

/** Default PR interface ID (model argument pr_id= sets another). */
#define XPDK_DEVSIM_DFL_PR_ID "9af6db1c-2ad1-412a-a366-0d7701e0fc39"

/** The 64-bit word the model's HE-LB/HE-MEM store in every word of write and trput modes
 *  (OPAE does not say what the hardware writes; tests check this). */
#define XPDK_DEVSIM_HE_LB_WR_WORD 0x484c42575244ull

/** Second AFU, loadable by PR: a scratch register and a counter that counts its reads. */
#define XPDK_DEVSIM_COUNTER_GUID    "8d69d22e-fe65-447f-9c1b-781c75c4f74b"
#define XPDK_DEVSIM_COUNTER_GUID_H  0x8d69d22efe65447fULL /**< its GUID_H register value */
#define XPDK_DEVSIM_COUNTER_GUID_L  0x9c1b781c75c4f74bULL /**< its GUID_L register value */
#define XPDK_DEVSIM_COUNTER_SCRATCH 0x100		  /**< read/write */
#define XPDK_DEVSIM_COUNTER_COUNT   0x108 /**< reads return 1, 2, 3, … since load or reset */

#define XPDK_DEVSIM_RBF_MAGIC	 0x4b445058u /**< "XPDK" */
#define XPDK_DEVSIM_RBF_VERSION	 1	     /**< raw bitstream format version */
#define XPDK_DEVSIM_RBF_HDR_SIZE 0x30	     /**< raw bitstream header size, bytes */
#define XPDK_DEVSIM_RBF_MAX	 (16u << 20) /**< the model's PR buffer */

/**
 * Write the raw bitstream header for @p payload_len bytes of @p payload (which follow it at
 * @p hdr + XPDK_DEVSIM_RBF_HDR_SIZE or anywhere else) into @p hdr, for AFU ID (@p afu_l,
 * @p afu_h) built for interface (@p if_l, @p if_h): GUID_L/GUID_H register values.
 *
 * @param[out] hdr the header, XPDK_DEVSIM_RBF_HDR_SIZE bytes.
 * @param afu_l AFU ID, GUID_L register value.
 * @param afu_h AFU ID, GUID_H register value.
 * @param if_l interface ID the bitstream is built for, GUID_L register value.
 * @param if_h interface ID, GUID_H register value.
 * @param payload the bitstream payload (its CRC-32 goes into the header).
 * @param payload_len its length in bytes.
 */
static inline void xpdk_devsim_rbf_header(uint8_t hdr[XPDK_DEVSIM_RBF_HDR_SIZE], uint64_t afu_l,
					  uint64_t afu_h, uint64_t if_l, uint64_t if_h,
					  const void *payload, uint32_t payload_len)
{
	const uint32_t w[2] = { XPDK_DEVSIM_RBF_MAGIC, XPDK_DEVSIM_RBF_VERSION };
	const uint64_t ids[4] = { afu_l, afu_h, if_l, if_h };
	const uint32_t tail[2] = { payload_len, xpdk_crc32(0, payload, payload_len) };

	/* little endian, as x86 stores them */
	memcpy(hdr, w, sizeof(w));
	memcpy(hdr + 0x08, ids, sizeof(ids));
	memcpy(hdr + 0x28, tail, sizeof(tail));
}

#endif /* XPDK_DEVSIM_DFL_H */
