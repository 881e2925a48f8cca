/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* xpdk-bench dpa: the handler's context in DPA heap, shared by host and device code. */

#ifndef XPDK_DPA_BENCH_H
#define XPDK_DPA_BENCH_H

#include <stdint.h>

struct dpa_bench_ctx {
	uint64_t stamp_haddr; /* host: {sequence, activation time in ns} */
	uint64_t seq;
	uint32_t ci, cqn, outbox, window, mkey, rsvd;
};

#endif /* XPDK_DPA_BENCH_H */
