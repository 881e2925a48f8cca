/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* dpa_hello, device side: one RPC that prints on the host's stream and returns a value. */

#include <libflexio-dev/flexio_dev.h>

flexio_dev_rpc_handler_t dpa_hello;

__dpa_rpc__ uint64_t dpa_hello(uint64_t arg)
{
	struct flexio_dev_thread_ctx *dtctx;

	flexio_dev_get_thread_ctx(&dtctx);
	flexio_dev_print("Hello from the DPA (EU %u): the host sent %llu\n",
			 flexio_dev_get_thread_id(dtctx), (unsigned long long)arg);
	return 2 * arg + 1;
}
