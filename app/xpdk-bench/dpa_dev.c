/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* xpdk-bench dpa, device side: an empty RPC, and a handler that stamps its activation time into
 * host memory through a window. */

#include <dpaintrin.h>
#include <libflexio-dev/flexio_dev.h>
#include <libflexio-dev/flexio_dev_queue_access.h>

#include "dpa_bench.h"

flexio_dev_rpc_handler_t bench_rpc_nop;
flexio_dev_event_handler_t bench_stamp;

__dpa_rpc__ uint64_t bench_rpc_nop(uint64_t arg)
{
	return arg + 1;
}

__dpa_global__ void bench_stamp(uint64_t arg)
{
	uint64_t now_ns = __dpa_thread_cycles() * 5 / 9; /* first: the activation's time */
	struct dpa_bench_ctx *c = (struct dpa_bench_ctx *)arg;
	struct flexio_dev_thread_ctx *dtctx;
	flexio_uintptr_t p;

	flexio_dev_get_thread_ctx(&dtctx);
	flexio_dev_outbox_config(dtctx, (uint16_t)c->outbox);
	if (flexio_dev_window_config(dtctx, (uint16_t)c->window, c->mkey) ==
		FLEXIO_DEV_STATUS_SUCCESS &&
	    flexio_dev_window_ptr_acquire(dtctx, c->stamp_haddr, &p) == FLEXIO_DEV_STATUS_SUCCESS) {
		volatile uint64_t *s = (volatile uint64_t *)p;

		s[1] = now_ns;
		__dpa_thread_fence(__DPA_MEMORY, __DPA_W, __DPA_W);
		s[0] = ++c->seq;
	}
	c->ci++;
	flexio_dev_cq_arm(dtctx, c->ci, c->cqn);
	flexio_dev_thread_reschedule();
}
