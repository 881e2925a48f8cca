/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Shared by test_flexio and its device code: structs the host puts in DPA heap. */

#ifndef DPA_TEST_H
#define DPA_TEST_H

#include <stdint.h>

struct t_buf {
	uint64_t daddr, len;
};

struct t_state {
	uint32_t activations, last_eu, ci, cqn, outbox, window, mkey, rsvd;
	uint64_t haddr, len, first_word;
};

#endif /* DPA_TEST_H */
