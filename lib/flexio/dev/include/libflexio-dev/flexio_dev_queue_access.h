/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * Queue access from device code (libflexio-dev's flexio_dev_queue_access.h names): the 64-byte
 * CQE and its getters (big-endian fields), arming a CQ and zero-CQE doorbells, the SQ WQE
 * segments and their setters, the RQ data segment, doorbell records and the SQ doorbell.
 * Layouts: include/hw/xpdk_dpa_nic.h and doc/dpa.md ("NIC queues").
 * Doorbells go through the thread's outbox: call flexio_dev_outbox_config() first, or the
 * process ends with FLEXIO_DEV_ERROR_ILLEGAL_ERR.
 */

#ifndef XPDK_FLEXIO_DEV_QUEUE_ACCESS_H
#define XPDK_FLEXIO_DEV_QUEUE_ACCESS_H

#include <stdint.h>

#include "flexio_dev.h"
#include "flexio_dev_endianity.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A 64-byte CQE (mlx5 cqe64). */
struct flexio_dev_cqe64 {
	uint8_t rsvd0[44];	 /**< unused */
	uint32_t byte_cnt;	 /**< bytes (big-endian) */
	uint32_t sop_drop_qpn;	 /**< QP number in the low 24 bits (big-endian) */
	uint8_t rsvd1;		 /**< unused */
	uint8_t hw_err_syndrome; /**< error CQEs: hardware syndrome */
	uint8_t vendor_err_synd; /**< error CQEs: vendor syndrome */
	uint8_t syndrome;	 /**< error CQEs: why the WQE failed */
	uint32_t user_index;	 /**< user data (big-endian) */
	uint16_t wqe_counter;	 /**< WQE counter (big-endian) */
	uint8_t signature;	 /**< unused */
	uint8_t op_own;		 /**< opcode << 4 | owner bit */
};

/**
 * The owner bit: the CQE is new when it equals (consumer index >> log depth) & 1.
 * @param cqe the CQE.
 * @return 0 or 1.
 */
static inline uint8_t flexio_dev_cqe_get_owner(const struct flexio_dev_cqe64 *cqe)
{
	return cqe->op_own & 1;
}
/**
 * The CQE's opcode.
 * @param cqe the CQE.
 * @return the opcode.
 */
static inline uint8_t flexio_dev_cqe_get_opcode(const struct flexio_dev_cqe64 *cqe)
{
	return cqe->op_own >> 4;
}
/**
 * The CQE's byte count.
 * @param cqe the CQE.
 * @return the byte count.
 */
static inline uint32_t flexio_dev_cqe_get_byte_cnt(const struct flexio_dev_cqe64 *cqe)
{
	return __builtin_bswap32(cqe->byte_cnt);
}
/**
 * The CQE's QP number.
 * @param cqe the CQE.
 * @return the QP number (24 bits).
 */
static inline uint32_t flexio_dev_cqe_get_qpn(const struct flexio_dev_cqe64 *cqe)
{
	return __builtin_bswap32(cqe->sop_drop_qpn) & 0xffffff;
}
/**
 * The CQE's WQE counter.
 * @param cqe the CQE.
 * @return the counter.
 */
static inline uint16_t flexio_dev_cqe_get_wqe_counter(const struct flexio_dev_cqe64 *cqe)
{
	return __builtin_bswap16(cqe->wqe_counter);
}
/**
 * The CQE's user data.
 * @param cqe the CQE.
 * @return the user index.
 */
static inline uint32_t flexio_dev_cqe_get_user_index(const struct flexio_dev_cqe64 *cqe)
{
	return __builtin_bswap32(cqe->user_index);
}

/**
 * The CQE's error syndrome (error CQEs: opcode 0xd send, 0xe receive).
 * @param cqe the CQE.
 * @return 0x01 local length, 0x02 local QP operation (bad WQE), 0x04 local protection (key).
 */
static inline uint32_t flexio_dev_cqe_get_err_synd(const struct flexio_dev_cqe64 *cqe)
{
	return cqe->syndrome;
}
/**
 * The CQE's hardware error syndrome.
 * @param cqe the CQE.
 * @return the syndrome (0 in the emulation).
 */
static inline uint32_t flexio_dev_cqe_get_hw_err_synd(const struct flexio_dev_cqe64 *cqe)
{
	return cqe->hw_err_syndrome;
}
/**
 * The CQE's vendor error syndrome.
 * @param cqe the CQE.
 * @return the syndrome (0 in the emulation).
 */
static inline uint32_t flexio_dev_cqe_get_vendor_err_synd(const struct flexio_dev_cqe64 *cqe)
{
	return cqe->vendor_err_synd;
}

/** CQE opcodes (flexio_dev_cqe_get_opcode). */
enum {
	MLX5_CQE_REQ = 0x0,	  /**< a send completed */
	MLX5_CQE_RESP_SEND = 0x2, /**< a packet arrived */
	MLX5_CQE_REQ_ERR = 0xd,	  /**< a send failed */
	MLX5_CQE_RESP_ERR = 0xe,  /**< a receive failed */
};

/** A send WQE segment (16 bytes; an SQ WQE is four of them, 64 bytes). */
union flexio_dev_sqe_seg {
	/** control: first segment */
	struct {
		uint32_t idx_opcode;	     /**< opmod << 24 | index << 8 | opcode (BE) */
		uint32_t qpn_ds;	     /**< SQ number << 8 | segment count (BE) */
		uint32_t signature_fm_ce_se; /**< completion mode << 2 (BE) */
		uint32_t general_id;	     /**< immediate (unused) */
	} ctrl;
	/** Ethernet: second segment */
	struct {
		uint32_t rsvd0;		 /**< unused */
		uint16_t cs_swp_flags;	 /**< checksum offloads (must be 0) */
		uint16_t mss;		 /**< LSO (must be 0) */
		uint32_t rsvd2;		 /**< unused */
		uint16_t inline_hdr_bsz; /**< inline headers (must be 0) */
		uint8_t inline_hdrs[2];	 /**< unused */
	} eth;
	/** data pointer: third (and fourth) segment */
	struct {
		uint32_t byte_count; /**< bytes (BE) */
		uint32_t lkey;	     /**< memory key (BE) */
		uint64_t addr;	     /**< address under the key (BE) */
	} mem_ptr_send_data;
	/** inline data (refused by the emulated NIC: a syndrome CQE) */
	struct {
		uint32_t byte_count;	      /**< bytes | 0x80000000 (BE) */
		uint32_t data_and_padding[3]; /**< the bytes */
	} inline_send_data;
};

/** A receive WQE: one data segment (16 bytes). */
struct flexio_dev_wqe_rcv_data_seg {
	uint32_t byte_count; /**< buffer bytes (BE) */
	uint32_t lkey;	     /**< memory key (BE) */
	uint64_t addr;	     /**< buffer address under the key (BE) */
};

/** Control segment kinds (flexio_dev_swqe_seg_ctrl_set). */
enum flexio_ctrl_seg {
	FLEXIO_CTRL_SEG_SEND_EN = 0, /**< Ethernet send: control, eth, data */
	FLEXIO_CTRL_SEG_SEND_RC = 1, /**< QP send: control, data */
	FLEXIO_CTRL_SEG_NOP = 7,     /**< completes without sending */
};

/** Control segment opcodes. */
enum {
	MLX5_CTRL_SEG_OPCODE_NOP = 0x0,	 /**< nothing */
	MLX5_CTRL_SEG_OPCODE_SEND = 0xa, /**< send */
};

/** When a WQE produces a CQE (control segment). */
enum cq_ce_mode {
	MLX5_CTRL_SEG_CE_CQE_ON_CQE_ERROR = 0x0,       /**< only when it fails */
	MLX5_CTRL_SEG_CE_CQE_ON_FIRST_CQE_ERROR = 0x1, /**< only when it fails */
	MLX5_CTRL_SEG_CE_CQE_ALWAYS = 0x2,	       /**< always */
	MLX5_CTRL_SEG_CE_CQE_AND_EQE = 0x3,	       /**< always */
};

/**
 * Fill a control segment: the first of a send WQE.
 * @param swqe the segment.
 * @param sq_pi the WQE's producer index (the NIC checks its low 16 bits).
 * @param sq_number the SQ's number.
 * @param ce enum cq_ce_mode.
 * @param ctrl_seg_type FLEXIO_CTRL_SEG_SEND_EN, FLEXIO_CTRL_SEG_SEND_RC or FLEXIO_CTRL_SEG_NOP.
 * @return FLEXIO_DEV_STATUS_SUCCESS, or FAILED for another kind.
 */
static inline flexio_dev_status_t flexio_dev_swqe_seg_ctrl_set(union flexio_dev_sqe_seg *swqe,
							       uint32_t sq_pi, uint32_t sq_number,
							       uint32_t ce,
							       enum flexio_ctrl_seg ctrl_seg_type)
{
	uint32_t opcode, ds;

	if (ctrl_seg_type == FLEXIO_CTRL_SEG_SEND_EN) {
		opcode = MLX5_CTRL_SEG_OPCODE_SEND;
		ds = 3;
	} else if (ctrl_seg_type == FLEXIO_CTRL_SEG_SEND_RC) {
		opcode = MLX5_CTRL_SEG_OPCODE_SEND;
		ds = 2;
	} else if (ctrl_seg_type == FLEXIO_CTRL_SEG_NOP) {
		opcode = MLX5_CTRL_SEG_OPCODE_NOP;
		ds = 1;
	} else {
		return FLEXIO_DEV_STATUS_FAILED;
	}
	swqe->ctrl.idx_opcode = cpu_to_be32(((sq_pi & 0xffff) << 8) | opcode);
	swqe->ctrl.qpn_ds = cpu_to_be32((sq_number << 8) | ds);
	swqe->ctrl.signature_fm_ce_se = cpu_to_be32(ce << 2);
	swqe->ctrl.general_id = 0;
	return FLEXIO_DEV_STATUS_SUCCESS;
}

/**
 * Fill an Ethernet segment: the second of a send WQE.
 * @param swqe the segment.
 * @param cs_swp_flags checksum offloads (0: the emulation has none).
 * @param mss LSO segment size (0).
 * @param inline_hdr_bsz inline header bytes (0).
 * @param inline_hdrs first inline bytes (NULL).
 * @return FLEXIO_DEV_STATUS_SUCCESS.
 */
static inline flexio_dev_status_t flexio_dev_swqe_seg_eth_set(union flexio_dev_sqe_seg *swqe,
							      uint16_t cs_swp_flags, uint16_t mss,
							      uint16_t inline_hdr_bsz,
							      uint8_t inline_hdrs[2])
{
	swqe->eth.rsvd0 = 0;
	swqe->eth.rsvd2 = 0;
	swqe->eth.cs_swp_flags = cpu_to_be16(cs_swp_flags);
	swqe->eth.mss = cpu_to_be16(mss);
	swqe->eth.inline_hdr_bsz = cpu_to_be16(inline_hdr_bsz);
	if (inline_hdrs != 0) {
		swqe->eth.inline_hdrs[0] = inline_hdrs[0];
		swqe->eth.inline_hdrs[1] = inline_hdrs[1];
	}
	return FLEXIO_DEV_STATUS_SUCCESS;
}

/**
 * Fill a data pointer segment.
 * @param swqe the segment.
 * @param data_sz bytes.
 * @param lkey the memory key (a device key over DPA heap, or a host key).
 * @param data_addr the address under the key.
 * @return FLEXIO_DEV_STATUS_SUCCESS.
 */
static inline flexio_dev_status_t
flexio_dev_swqe_seg_mem_ptr_data_set(union flexio_dev_sqe_seg *swqe, uint32_t data_sz,
				     uint32_t lkey, uint64_t data_addr)
{
	swqe->mem_ptr_send_data.byte_count = cpu_to_be32(data_sz);
	swqe->mem_ptr_send_data.lkey = cpu_to_be32(lkey);
	swqe->mem_ptr_send_data.addr = cpu_to_be64(data_addr);
	return FLEXIO_DEV_STATUS_SUCCESS;
}

/**
 * The buffer address of a receive WQE.
 * @param rwqe the WQE.
 * @return the address (a DPA heap pointer for device keys).
 */
static inline void *flexio_dev_rwqe_get_addr(const struct flexio_dev_wqe_rcv_data_seg *rwqe)
{
	return (void *)(uintptr_t)be64_to_cpu(rwqe->addr);
}

/**
 * Write a CQ's consumer index into its doorbell record: the NIC sees room again.
 * @param cq_dbr the CQ's doorbell record (in DPA heap).
 * @param ci the consumer index.
 * @return FLEXIO_DEV_STATUS_SUCCESS.
 */
static inline flexio_dev_status_t flexio_dev_dbr_cq_set_ci(uint32_t *cq_dbr, uint32_t ci)
{
	__atomic_store_n(&cq_dbr[0], cpu_to_be32(ci & 0xffffff), __ATOMIC_RELEASE);
	return FLEXIO_DEV_STATUS_SUCCESS;
}

/**
 * Post one more receive WQE: increment the RQ's receive counter in its doorbell record.
 * @param rq_dbr the RQ's doorbell record (in DPA heap).
 * @return FLEXIO_DEV_STATUS_SUCCESS.
 */
static inline flexio_dev_status_t flexio_dev_dbr_rq_inc_pi(uint32_t *rq_dbr)
{
	__atomic_store_n(&rq_dbr[0], cpu_to_be32(be32_to_cpu(rq_dbr[0]) + 1), __ATOMIC_RELEASE);
	return FLEXIO_DEV_STATUS_SUCCESS;
}

/**
 * Ring SQ @p qnum's doorbell: the NIC runs its WQEs up to producer index @p pi (the emulation
 * runs them before this returns; completions follow each WQE's completion mode).
 * @param dtctx the thread context (its outbox must be configured).
 * @param pi the producer index (WQEs posted, 16 bits).
 * @param qnum the SQ's number.
 * @return FLEXIO_DEV_STATUS_SUCCESS, or FAILED when @p pi is more than a ring ahead.
 */
flexio_dev_status_t flexio_dev_qp_sq_ring_db(struct flexio_dev_thread_ctx *dtctx, uint16_t pi,
					     uint32_t qnum);

/**
 * Re-arm CQ @p qnum at consumer index @p ci: the next CQE (or one already past @p ci) activates
 * its handler.
 * @param dtctx the thread context.
 * @param ci the consumer index.
 * @param qnum the CQ number.
 * @return FLEXIO_DEV_STATUS_SUCCESS or FLEXIO_DEV_STATUS_FAILED.
 */
flexio_dev_status_t flexio_dev_cq_arm(struct flexio_dev_thread_ctx *dtctx, uint32_t ci,
				      uint32_t qnum);
/**
 * A zero CQE on CQ @p cqn: activates the handler behind a DPA_THREAD CQ, or raises the MSI-X
 * vector behind an MSI-X CQ.
 * @param dtctx the thread context.
 * @param cqn the CQ number.
 * @return FLEXIO_DEV_STATUS_SUCCESS or FLEXIO_DEV_STATUS_FAILED.
 */
flexio_dev_status_t flexio_dev_zcqe_gen(struct flexio_dev_thread_ctx *dtctx, uint32_t cqn);
/**
 * Raise the MSI-X vector behind CQ @p cqn (an alias of flexio_dev_zcqe_gen).
 * @param dtctx the thread context.
 * @param cqn the CQ number.
 * @return FLEXIO_DEV_STATUS_SUCCESS or FLEXIO_DEV_STATUS_FAILED.
 */
flexio_dev_status_t flexio_dev_msix_send(struct flexio_dev_thread_ctx *dtctx, uint32_t cqn);

#ifdef __cplusplus
}
#endif

#endif /* XPDK_FLEXIO_DEV_QUEUE_ACCESS_H */
