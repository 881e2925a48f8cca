/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Device code for test_flexio: RPCs and handlers that behave, and one per failure mode. */

#include <string.h>

#include <dpaintrin.h>
#include <libflexio-dev/flexio_dev.h>
#include <libflexio-dev/flexio_dev_err.h>
#include <libflexio-dev/flexio_dev_queue_access.h>

#include "dpa_test.h"

flexio_dev_rpc_handler_t t_add1, t_spin, t_error, t_crash, t_print, t_heap_sum;
flexio_dev_arg_unpack_func_t t_unpack2;
flexio_dev_event_handler_t t_count, t_no_rearm, t_bad_window, t_window_rw, t_err_handler;

__dpa_rpc__ uint64_t t_add1(uint64_t arg)
{
	return arg + 1;
}

__dpa_rpc__ uint64_t t_spin(uint64_t arg)
{
	volatile uint64_t n = arg;

	for (;;)
		n++; /* never returns: the host's call times out */
	return n;
}

__dpa_rpc__ uint64_t t_error(uint64_t arg)
{
	flexio_dev_error((uint8_t)arg);
}

__dpa_rpc__ uint64_t t_crash(uint64_t arg)
{
	*(volatile uint64_t *)(uintptr_t)(arg | 8) = 1;
	return 0;
}

__dpa_rpc__ uint64_t t_print(uint64_t arg)
{
	for (uint64_t i = 0; i < arg; i++)
		flexio_dev_print("line %llu from the DPA\n", (unsigned long long)i);
	return arg;
}

/* Sum of the bytes of a heap buffer whose address and length are in a heap struct at arg. */
__dpa_rpc__ uint64_t t_heap_sum(uint64_t arg)
{
	const struct t_buf *b = (const struct t_buf *)arg;
	const uint8_t *p = (const uint8_t *)b->daddr;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < b->len; i++)
		sum += p[i];
	return sum;
}

/* Marshalled call: two arguments, a * 1000 + b. */
__dpa_rpc__ uint64_t t_unpack2(void *argbuf, void *func)
{
	const uint64_t *a = argbuf;

	(void)func;
	return a[0] * 1000 + a[1];
}

/* Counts activations in the heap counter at arg, re-arms its CQ, reschedules. */
__dpa_global__ void t_count(uint64_t arg)
{
	struct t_state *s = (struct t_state *)arg;
	struct flexio_dev_thread_ctx *dtctx;

	flexio_dev_get_thread_ctx(&dtctx);
	__atomic_fetch_add(&s->activations, 1, __ATOMIC_SEQ_CST);
	s->last_eu = flexio_dev_get_thread_id(dtctx);
	s->ci++;
	flexio_dev_outbox_config(dtctx, (uint16_t)s->outbox);
	flexio_dev_cq_arm(dtctx, s->ci, s->cqn);
	flexio_dev_thread_reschedule();
}

/* Counts, but forgets to re-arm. */
__dpa_global__ void t_no_rearm(uint64_t arg)
{
	struct t_state *s = (struct t_state *)arg;

	__atomic_fetch_add(&s->activations, 1, __ATOMIC_SEQ_CST);
	flexio_dev_thread_reschedule();
}

/* Reads one byte past the window's memory (far enough to leave its pages). */
__dpa_global__ void t_bad_window(uint64_t arg)
{
	struct t_state *s = (struct t_state *)arg;
	struct flexio_dev_thread_ctx *dtctx;
	flexio_uintptr_t p;

	flexio_dev_get_thread_ctx(&dtctx);
	if (flexio_dev_window_config(dtctx, (uint16_t)s->window, s->mkey) ||
	    flexio_dev_window_ptr_acquire(dtctx, s->haddr, &p))
		flexio_dev_error(0x90);
	/* inside: fine; outside the key, ptr_acquire refuses */
	s->first_word = *(volatile uint64_t *)p;
	if (flexio_dev_window_ptr_acquire(dtctx, s->haddr + s->len, &p) ==
	    FLEXIO_DEV_STATUS_SUCCESS)
		flexio_dev_error(0x91);
	flexio_dev_window_ptr_acquire(dtctx, s->haddr, &p);
	s->activations = 1;
	(void)*(volatile uint8_t *)(p + s->len + (32ULL << 20)); /* fatal */
	flexio_dev_thread_reschedule();
}

/* Reads the first word of the window's memory and writes it back plus one. */
__dpa_global__ void t_window_rw(uint64_t arg)
{
	struct t_state *s = (struct t_state *)arg;
	struct flexio_dev_thread_ctx *dtctx;
	flexio_uintptr_t p;

	flexio_dev_get_thread_ctx(&dtctx);
	if (flexio_dev_window_config(dtctx, (uint16_t)s->window, s->mkey) ||
	    flexio_dev_window_ptr_acquire(dtctx, s->haddr, &p))
		flexio_dev_error(0x92);
	s->first_word = *(volatile uint64_t *)p;
	*(volatile uint64_t *)p = s->first_word + 1;
	__dpa_thread_memory_writeback();
	__atomic_store_n(&s->activations, 1, __ATOMIC_SEQ_CST);
	flexio_dev_thread_reschedule();
}

__dpa_global__ void t_err_handler(uint64_t code)
{
	flexio_dev_print("error handler saw 0x%llx\n", (unsigned long long)code);
}
