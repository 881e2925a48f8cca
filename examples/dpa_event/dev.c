/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * dpa_event, device side: an event handler that consumes the CQEs the host posts, squares the
 * number each carries (byte_cnt) into the host's result array at the CQE's user index, through
 * a window, then re-arms its CQ, raises an MSI-X for the host and reschedules.
 */

#include <dpaintrin.h>
#include <libflexio-dev/flexio_dev.h>
#include <libflexio-dev/flexio_dev_err.h>
#include <libflexio-dev/flexio_dev_queue_access.h>

#include "dpa_event.h"

flexio_dev_event_handler_t dpa_event_handler;

__dpa_global__ void dpa_event_handler(uint64_t arg)
{
	struct dpa_event_ctx *c = (struct dpa_event_ctx *)arg; /* DPA heap */
	struct flexio_dev_cqe64 *ring = (struct flexio_dev_cqe64 *)c->cq_ring;
	const uint32_t mask = (1u << DPA_EVENT_LOG_DEPTH) - 1;
	struct flexio_dev_thread_ctx *dtctx;
	flexio_uintptr_t results;
	uint64_t *out;

	flexio_dev_get_thread_ctx(&dtctx);
	if (flexio_dev_outbox_config(dtctx, (uint16_t)c->outbox_id) != FLEXIO_DEV_STATUS_SUCCESS ||
	    flexio_dev_window_config(dtctx, (uint16_t)c->window_id, c->mkey) !=
		FLEXIO_DEV_STATUS_SUCCESS ||
	    flexio_dev_window_ptr_acquire(dtctx, c->results, &results) != FLEXIO_DEV_STATUS_SUCCESS)
		flexio_dev_error(0x81);
	out = (uint64_t *)results;
	for (int budget = 0; budget < 1024; budget++) {
		struct flexio_dev_cqe64 *cqe = &ring[c->ci & mask];
		uint32_t idx, v;

		if (flexio_dev_cqe_get_owner(cqe) != ((c->ci >> DPA_EVENT_LOG_DEPTH) & 1))
			break; /* no new CQE */
		__dpa_thread_fence(__DPA_MEMORY, __DPA_R, __DPA_R);
		idx = flexio_dev_cqe_get_user_index(cqe);
		v = flexio_dev_cqe_get_byte_cnt(cqe);
		if (idx >= c->results_len)
			flexio_dev_error(0x82);
		out[idx] = (uint64_t)v * v;
		c->ci++;
		c->processed++;
	}
	__dpa_thread_fence(__DPA_MEMORY, __DPA_W, __DPA_W);
	flexio_dev_cq_arm(dtctx, c->ci, c->cqn);
	flexio_dev_msix_send(dtctx, c->msix_cqn);
	flexio_dev_thread_reschedule();
}
