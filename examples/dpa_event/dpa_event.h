/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* dpa_event: the context the host fills in DPA heap for its event handler. */

#ifndef DPA_EVENT_H
#define DPA_EVENT_H

#include <stdint.h>

#define DPA_EVENT_LOG_DEPTH 6 /* 64 CQEs */

struct dpa_event_ctx {
	uint64_t cq_ring; /* DPA address of the CQ's ring */
	uint64_t results; /* host address of the result array (through the window) */
	uint64_t results_len;
	uint32_t cqn, msix_cqn;
	uint32_t window_id, mkey, outbox_id;
	uint32_t ci; /* consumer index (the handler's state between activations) */
	uint32_t processed;
};

#endif /* DPA_EVENT_H */
