/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * test_flexio_queues' device code: a handler woken by the host's trigger CQEs posts one send
 * WQE per CQE, well or badly formed as the CQE's user index asks (enum nicq_kind), and rings
 * the SQ doorbell.
 */

#include <dpaintrin.h>
#include <libflexio-dev/flexio_dev.h>
#include <libflexio-dev/flexio_dev_err.h>
#include <libflexio-dev/flexio_dev_queue_access.h>

#include "dpa_nicq.h"

flexio_dev_event_handler_t t_nic_post;

static void post(struct nicq_state *s, uint32_t kind)
{
	uint32_t mask = (1u << NICQ_LOG_SQ) - 1;
	union flexio_dev_sqe_seg *wqe =
	    (union flexio_dev_sqe_seg *)(s->sq_ring + (uint64_t)(s->pi & mask) * 64);
	uint32_t len = kind == NICQ_SHORT ? 10 : 64;

	if (kind == NICQ_QP_SEND) {
		flexio_dev_swqe_seg_ctrl_set(&wqe[0], s->pi, s->sqn, MLX5_CTRL_SEG_CE_CQE_ALWAYS,
					     FLEXIO_CTRL_SEG_SEND_RC);
		flexio_dev_swqe_seg_mem_ptr_data_set(&wqe[1], len, s->lkey, s->data);
		s->pi++;
		return;
	}

	flexio_dev_swqe_seg_ctrl_set(&wqe[0], kind == NICQ_STALE ? s->pi + 3 : s->pi,
				     kind == NICQ_WRONG_SQN ? s->sqn + 1 : s->sqn,
				     MLX5_CTRL_SEG_CE_CQE_ALWAYS, FLEXIO_CTRL_SEG_SEND_EN);
	flexio_dev_swqe_seg_eth_set(&wqe[1], 0, 0, 0, 0);
	flexio_dev_swqe_seg_mem_ptr_data_set(
	    &wqe[2], len, kind == NICQ_BAD_LKEY ? s->lkey + 7 : s->lkey,
	    kind == NICQ_OUT_OF_KEY ? s->data + s->data_len - 32 : s->data);
	if (kind == NICQ_INLINE)
		wqe[2].inline_send_data.byte_count = cpu_to_be32(0x80000000u | 12);
	s->pi++;
}

__dpa_global__ void t_nic_post(uint64_t arg)
{
	struct nicq_state *s = (struct nicq_state *)arg;
	struct flexio_dev_cqe64 *ring;
	struct flexio_dev_thread_ctx *dtctx;

	flexio_dev_get_thread_ctx(&dtctx);
	if (flexio_dev_outbox_config(dtctx, (uint16_t)s->outbox) != FLEXIO_DEV_STATUS_SUCCESS)
		flexio_dev_error(0x81);
	ring = (struct flexio_dev_cqe64 *)s->trig_ring;
	while (flexio_dev_cqe_get_owner(&ring[s->ci & 15]) == ((s->ci >> 4) & 1)) {
		uint32_t kind = flexio_dev_cqe_get_user_index(&ring[s->ci & 15]);

		s->ci++;
		if (kind == NICQ_RING_ONLY) {
			s->pi++;
			s->last_db_status =
			    flexio_dev_qp_sq_ring_db(dtctx, (uint16_t)s->pi, s->sqn);
		} else if (kind == NICQ_FAR_DB) {
			s->last_db_status =
			    flexio_dev_qp_sq_ring_db(dtctx, (uint16_t)(s->pi + 100), s->sqn);
		} else {
			post(s, kind);
			__dpa_thread_fence(__DPA_MEMORY, __DPA_W, __DPA_W);
			s->last_db_status =
			    flexio_dev_qp_sq_ring_db(dtctx, (uint16_t)s->pi, s->sqn);
		}
		s->done++;
	}
	flexio_dev_cq_arm(dtctx, s->ci, s->trig_cqn);
	flexio_dev_thread_reschedule();
}
