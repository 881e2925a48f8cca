/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * dpa_packet_processor, device side: FlexIO's classic sample. An event handler, woken by
 * receive CQEs, swaps each frame's MAC addresses into a send buffer, posts a send WQE per
 * frame, re-posts the receive WQE, rings the SQ doorbell once per batch, collects send error
 * CQEs (a frame with EtherType DPA_PP_BAD_WQE is sent with a bad memory key on purpose), then
 * writes the CQ doorbell record, re-arms and reschedules.
 */

#include <dpaintrin.h>
#include <libflexio-dev/flexio_dev.h>
#include <libflexio-dev/flexio_dev_err.h>
#include <libflexio-dev/flexio_dev_queue_access.h>
#include <string.h>

#include "dpa_pp.h"

#define MASK   ((1u << DPA_PP_LOG_DEPTH) - 1)
#define BUDGET 1024

flexio_dev_event_handler_t dpa_pp_handler;

/* Is the CQE at consumer index @p ci new (its owner bit says the NIC wrote it this lap)? */
static int cqe_new(struct flexio_dev_cqe64 *cqe, uint32_t ci)
{
	return flexio_dev_cqe_get_owner(cqe) == ((ci >> DPA_PP_LOG_DEPTH) & 1);
}

/* Collect the SQ's CQEs: with CQE-on-error WQEs, each one is a failed send. */
static void sq_errors(struct dpa_pp_ctx *c)
{
	struct flexio_dev_cqe64 *ring = (struct flexio_dev_cqe64 *)c->sq_cq_ring;
	int n = 0;

	while (cqe_new(&ring[c->sq_cq_ci & MASK], c->sq_cq_ci)) {
		struct flexio_dev_cqe64 *cqe = &ring[c->sq_cq_ci & MASK];

		__dpa_thread_fence(__DPA_MEMORY, __DPA_R, __DPA_R);
		if (flexio_dev_cqe_get_opcode(cqe) == MLX5_CQE_REQ_ERR) {
			c->tx_err_cqes++;
			c->last_syndrome = flexio_dev_cqe_get_err_synd(cqe);
			c->last_err_opcode = flexio_dev_cqe_get_opcode(cqe);
		}
		c->sq_cq_ci++;
		n++;
	}
	if (n)
		flexio_dev_dbr_cq_set_ci((uint32_t *)c->sq_cq_dbr, c->sq_cq_ci);
}

/* Turn received frame @p len bytes at @p rx around into the next send WQE. */
static void echo(struct dpa_pp_ctx *c, const uint8_t *rx, uint32_t len)
{
	union flexio_dev_sqe_seg *wqe =
	    (union flexio_dev_sqe_seg *)(c->sq_ring + (uint64_t)(c->sq_pi & MASK) * 64);
	uint8_t *tx = (uint8_t *)(c->sq_data + ((uint64_t)(c->sq_pi & MASK) << DPA_PP_LOG_SLOT));
	uint32_t lkey = c->sq_lkey;

	memcpy(tx, rx + 6, 6); /* destination: who sent it */
	memcpy(tx + 6, rx, 6); /* source: the address it was sent to */
	memcpy(tx + 12, rx + 12, len - 12);
	if (rx[12] == (DPA_PP_BAD_WQE >> 8) && rx[13] == (DPA_PP_BAD_WQE & 0xff))
		lkey ^= DPA_PP_BAD_LKEY_X; /* the malformed WQE the test asks for */
	flexio_dev_swqe_seg_ctrl_set(&wqe[0], c->sq_pi, c->sqn, MLX5_CTRL_SEG_CE_CQE_ON_CQE_ERROR,
				     FLEXIO_CTRL_SEG_SEND_EN);
	flexio_dev_swqe_seg_eth_set(&wqe[1], 0, 0, 0, 0);
	flexio_dev_swqe_seg_mem_ptr_data_set(&wqe[2], len, lkey, (uint64_t)(uintptr_t)tx);
	c->sq_pi++;
}

__dpa_global__ void dpa_pp_handler(uint64_t arg)
{
	struct dpa_pp_ctx *c = (struct dpa_pp_ctx *)arg; /* DPA heap */
	struct flexio_dev_cqe64 *ring = (struct flexio_dev_cqe64 *)c->rq_cq_ring;
	struct flexio_dev_thread_ctx *dtctx;
	uint32_t sent = 0;

	flexio_dev_get_thread_ctx(&dtctx);
	if (flexio_dev_outbox_config(dtctx, (uint16_t)c->outbox_id) != FLEXIO_DEV_STATUS_SUCCESS)
		flexio_dev_error(0x81);
	c->activations++;
	for (int budget = 0; budget < BUDGET && cqe_new(&ring[c->rq_cq_ci & MASK], c->rq_cq_ci);
	     budget++) {
		struct flexio_dev_cqe64 *cqe = &ring[c->rq_cq_ci & MASK];

		__dpa_thread_fence(__DPA_MEMORY, __DPA_R, __DPA_R);
		if (flexio_dev_cqe_get_opcode(cqe) == MLX5_CQE_RESP_SEND) {
			uint32_t idx = flexio_dev_cqe_get_wqe_counter(cqe) & MASK;
			uint32_t len = flexio_dev_cqe_get_byte_cnt(cqe);

			if (len >= 14 && len <= (1u << DPA_PP_LOG_SLOT)) {
				echo(c,
				     (const uint8_t *)(c->rq_data +
						       ((uint64_t)idx << DPA_PP_LOG_SLOT)),
				     len);
				sent++;
			}
			c->rx++;
		} else {
			c->rx_err_cqes++;
			c->last_syndrome = flexio_dev_cqe_get_err_synd(cqe);
			c->last_err_opcode = flexio_dev_cqe_get_opcode(cqe);
		}
		/* CQE consumed, then the receive WQE (built once by the host) posted again */
		c->rq_cq_ci++;
		flexio_dev_dbr_cq_set_ci((uint32_t *)c->rq_cq_dbr, c->rq_cq_ci);
		flexio_dev_dbr_rq_inc_pi((uint32_t *)c->rq_dbr);
		/* ring the SQ before it wraps onto WQEs not yet sent */
		if (sent == (1u << DPA_PP_LOG_DEPTH) / 2) {
			__dpa_thread_fence(__DPA_MEMORY, __DPA_W, __DPA_W);
			flexio_dev_qp_sq_ring_db(dtctx, (uint16_t)c->sq_pi, c->sqn);
			c->tx += sent;
			sent = 0;
		}
	}
	if (sent) {
		__dpa_thread_fence(__DPA_MEMORY, __DPA_W, __DPA_W);
		flexio_dev_qp_sq_ring_db(dtctx, (uint16_t)c->sq_pi, c->sqn);
		c->tx += sent;
	}
	sq_errors(c);
	__dpa_thread_fence(__DPA_MEMORY, __DPA_W, __DPA_W);
	flexio_dev_cq_arm(dtctx, c->rq_cq_ci, c->rq_cqn);
	flexio_dev_thread_reschedule();
}
