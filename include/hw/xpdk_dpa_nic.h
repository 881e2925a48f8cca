/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * The emulated DPA's NIC as device code, the host library and the model see it: work queue
 * (SQ, RQ) geometry, the WQE segments (mlx5's 16-byte segments, big-endian), doorbell records,
 * CQE opcodes and error syndromes, and the limits the model enforces. Every field the device
 * writes is checked by the model's NIC before it is used: a bad WQE gets an error CQE with a
 * syndrome, never a crash of the NIC.
 *
 * Geometry: an SQ WQE is one 64-byte basic block of four segments (control, Ethernet, one or
 * two data pointers); an RQ WQE is one 16-byte data segment. A WQ's doorbell record is two
 * big-endian 32-bit words: [0] the receive counter (RQ producer index, 16 bits used), [1] the
 * send counter. A CQ's doorbell record word [0] is its consumer index (24 bits).
 */

#ifndef XPDK_DPA_NIC_H
#define XPDK_DPA_NIC_H

#include <stddef.h>
#include <stdint.h>

/** @name Limits and numbering */
/**@{*/
#define XPDK_DPA_MAX_WQS     64u	 /**< SQs and RQs per process */
#define XPDK_DPA_MAX_LOG_WQ  15u	 /**< largest log2 WQ depth */
#define XPDK_DPA_WQN_BASE    0x1000u	 /**< WQ numbers are XPDK_DPA_WQN_BASE + index */
#define XPDK_DPA_NIC_PORT    0xffffffffu /**< NIC_STATS id: the port */
#define XPDK_DPA_NIC_MAX_PKT 65536u	 /**< largest frame the port moves */
#define XPDK_DPA_WQ_SQ	     0u		 /**< WQ_CREATE kind: send queue */
#define XPDK_DPA_WQ_RQ	     1u		 /**< WQ_CREATE kind: receive queue */
/** WQ_CREATE kind: RC QP (arg6 RQ's cqn, arg7 RQ log depth; the buffer holds the RQ ring, then
 * the SQ ring) */
#define XPDK_DPA_WQ_QP	      2u
#define XPDK_DPA_SQ_WQE_SIZE  64u      /**< bytes of an SQ WQE (basic block) */
#define XPDK_DPA_RQ_WQE_SIZE  16u      /**< bytes of an RQ WQE (one data segment) */
#define XPDK_DPA_DEV_MKEY_MIN 0x10000u /**< device (DPA heap) memory keys start here */
/**@}*/

/**
 * @name WQ rings and records in host memory
 * WQ_CREATE's ring (arg3) and record (arg4) are DPA heap addresses, or host memory tagged with
 * its memory key: the host sends XPDK_DPA_QMEM_HOST(key, offset into the key); the model checks
 * the range against the key and hands the child XPDK_DPA_QMEM_HOST(key, host address).
 */
/**@{*/
#define XPDK_DPA_QMEM_SHIFT 48 /**< the tag's position (user addresses are below 2^48) */
/** Tag @p v (an offset or a host address) as host memory under key @p key. */
#define XPDK_DPA_QMEM_HOST(key, v) ((((uint64_t)(key) + 1) << XPDK_DPA_QMEM_SHIFT) | (v))
/** The key of a tagged value, or -1 for DPA heap. */
#define XPDK_DPA_QMEM_KEY(x) ((int64_t)((x) >> XPDK_DPA_QMEM_SHIFT) - 1)
/** The untagged part. */
#define XPDK_DPA_QMEM_ADDR(x) ((x) & ((1ULL << XPDK_DPA_QMEM_SHIFT) - 1))
/**@}*/

/** @name CQE opcodes (cqe op_own >> 4), mlx5's values */
/**@{*/
#define XPDK_DPA_CQE_REQ       0x0 /**< a send completed */
#define XPDK_DPA_CQE_RESP_SEND 0x2 /**< a packet was received */
#define XPDK_DPA_CQE_REQ_ERR   0xd /**< a send failed: syndrome says why */
#define XPDK_DPA_CQE_RESP_ERR  0xe /**< a receive failed: syndrome says why */
/**@}*/

/** @name Error syndromes (cqe.syndrome), mlx5's values */
/**@{*/
#define XPDK_DPA_SYND_LOCAL_LENGTH 0x01 /**< the packet does not fit the buffer, or no data */
#define XPDK_DPA_SYND_LOCAL_QP_OP  0x02 /**< bad WQE: opcode, WQ number, segment count */
#define XPDK_DPA_SYND_LOCAL_PROT   0x04 /**< the memory key does not cover the buffer */
#define XPDK_DPA_SYND_WR_FLUSH	   0x05 /**< QP not in RTS (or in error): WQE flushed */
#define XPDK_DPA_SYND_REMOTE_OP	   0x14 /**< the peer could not take the message */
#define XPDK_DPA_SYND_RETRY_EXC	   0x15 /**< the peer QP is not ready (RTR/RTS) */
#define XPDK_DPA_SYND_RNR_RETRY	   0x16 /**< the peer posted no receive WQE */
/**@}*/

/** @name WQE control segment values */
/**@{*/
#define XPDK_DPA_WQE_OP_NOP   0x00	  /**< completes, sends nothing */
#define XPDK_DPA_WQE_OP_SEND  0x0a	  /**< send the gathered data as one frame */
#define XPDK_DPA_CE_ON_ERROR  0		  /**< CQE only when the WQE fails */
#define XPDK_DPA_CE_FIRST_ERR 1		  /**< same as 0 here */
#define XPDK_DPA_CE_ALWAYS    2		  /**< a CQE for every WQE */
#define XPDK_DPA_CE_AND_EQE   3		  /**< a CQE for every WQE (no EQs emulated) */
#define XPDK_DPA_INLINE_BIT   0x80000000u /**< data segment byte_count: inline data */
/**@}*/

/** @name QP states (QP_MODIFY), FlexIO's values */
/**@{*/
#define XPDK_DPA_QP_RST	 0 /**< reset */
#define XPDK_DPA_QP_INIT 1 /**< initialised */
#define XPDK_DPA_QP_RTR	 2 /**< ready to receive */
#define XPDK_DPA_QP_RTS	 3 /**< ready to send */
#define XPDK_DPA_QP_ERR	 6 /**< error */
/**@}*/

/** WQE control segment (first 16 bytes of an SQ WQE; big-endian). */
struct xpdk_dpa_wqe_ctrl {
	uint32_t idx_opcode;	     /**< opmod << 24 | WQE index << 8 | opcode */
	uint32_t qpn_ds;	     /**< SQ number << 8 | segments (16 bytes each) */
	uint32_t signature_fm_ce_se; /**< bits 3:2 of the low byte: XPDK_DPA_CE_* */
	uint32_t general_id;	     /**< immediate (unused) */
};

/** WQE Ethernet segment (big-endian). */
struct xpdk_dpa_wqe_eth {
	uint32_t rsvd0;		 /**< swap offsets (unused) */
	uint16_t cs_swp_flags;	 /**< checksum offloads (not emulated: must be 0) */
	uint16_t mss;		 /**< LSO (not emulated: must be 0) */
	uint32_t rsvd2;		 /**< metadata (unused) */
	uint16_t inline_hdr_bsz; /**< inline headers (not emulated: must be 0) */
	uint8_t inline_hdrs[2];	 /**< first inline bytes (unused) */
};

/** WQE data segment: a pointer to bytes under a memory key (SQ and RQ; big-endian). */
struct xpdk_dpa_wqe_data {
	uint32_t byte_count; /**< bytes (bit 31: inline, refused) */
	uint32_t lkey;	     /**< the memory key */
	uint64_t addr;	     /**< the address under that key */
};

_Static_assert(sizeof(struct xpdk_dpa_wqe_ctrl) == 16, "WQE segment");
_Static_assert(sizeof(struct xpdk_dpa_wqe_eth) == 16, "WQE segment");
_Static_assert(sizeof(struct xpdk_dpa_wqe_data) == 16, "WQE segment");
_Static_assert(offsetof(struct xpdk_dpa_wqe_eth, inline_hdr_bsz) == 12, "eth segment layout");

#endif /* XPDK_DPA_NIC_H */
