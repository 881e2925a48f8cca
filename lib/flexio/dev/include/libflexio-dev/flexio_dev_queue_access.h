/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * CQ access from device code (libflexio-dev's flexio_dev_queue_access.h names): the 64-byte
 * CQE and its getters (big-endian fields, mlx5's layout), arming a CQ and zero-CQE doorbells.
 * Doorbells go through the thread's outbox: call flexio_dev_outbox_config() first, or the
 * process ends with FLEXIO_DEV_ERROR_ILLEGAL_ERR.
 */

#ifndef XPDK_FLEXIO_DEV_QUEUE_ACCESS_H
#define XPDK_FLEXIO_DEV_QUEUE_ACCESS_H

#include <stdint.h>

#include "flexio_dev.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A 64-byte CQE (mlx5 cqe64). */
struct flexio_dev_cqe64 {
	uint8_t rsvd0[44];     /**< unused */
	uint32_t byte_cnt;     /**< bytes (big-endian) */
	uint32_t sop_drop_qpn; /**< QP number in the low 24 bits (big-endian) */
	uint8_t rsvd1[4];      /**< unused */
	uint32_t user_index;   /**< user data (big-endian) */
	uint16_t wqe_counter;  /**< WQE counter (big-endian) */
	uint8_t signature;     /**< unused */
	uint8_t op_own;	       /**< opcode << 4 | owner bit */
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
