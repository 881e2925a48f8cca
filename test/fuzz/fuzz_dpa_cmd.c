/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * libFuzzer target: arbitrary bytes as a dpa-model mailbox command (the host's input) and as a
 * message from a DPA process (the child's input), through the checks the model runs before it
 * acts. A command the check accepts must be one the model can execute without leaving its
 * heap, staging area or tables: the invariants the executor relies on are asserted here.
 */

#include <stdint.h>
#include <string.h>

#include "model_dpa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEAP_BASE 0x200000000000ULL
#define HEAP_SIZE (64ULL << 20)

static int in_heap(uint64_t a, uint64_t len)
{
	return len > 0 && a >= HEAP_BASE && a - HEAP_BASE <= HEAP_SIZE &&
	       len <= HEAP_SIZE - (a - HEAP_BASE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dpa_cmd_limits lim = { .max_procs = 16,
					    .heap_size = HEAP_SIZE,
					    .heap_base = HEAP_BASE };
	struct xpdk_dpa_cmd c;
	struct dpa_msg m;
	char msg[XPDK_DPA_MSG_LEN];

	memset(&c, 0, sizeof(c));
	memcpy(&c, data, size < sizeof(c) ? size : sizeof(c));
	if (xpdk_dpa_cmd_check(&c, &lim, msg) == 0) {
		const uint64_t *a = c.arg;

		if (c.opcode >= XPDK_DPA_OP_MAX || c.data_len > XPDK_DPA_STAGE_SIZE)
			__builtin_trap();
		if (c.opcode != XPDK_DPA_OP_PROC_CREATE && c.opcode != XPDK_DPA_OP_NOP &&
		    c.opcode != XPDK_DPA_OP_MKEY_REG && c.opcode != XPDK_DPA_OP_MKEY_DEREG &&
		    c.slot >= lim.max_procs)
			__builtin_trap();
		if ((c.opcode == XPDK_DPA_OP_HEAP_WRITE || c.opcode == XPDK_DPA_OP_HEAP_READ) &&
		    !in_heap(a[0], c.data_len))
			__builtin_trap();
		if (c.opcode == XPDK_DPA_OP_HEAP_SET && !in_heap(a[0], a[1]))
			__builtin_trap();
		if (c.opcode == XPDK_DPA_OP_CQ_CREATE &&
		    (a[0] > XPDK_DPA_MAX_LOG_CQ || !in_heap(a[3], 64ULL << a[0])))
			__builtin_trap();
		if (c.opcode == XPDK_DPA_OP_MKEY_REG &&
		    ((a[4] & ~(XPDK_DPA_MKEY_NAMED | 0xffffffffULL)) != 0 ||
		     a[5] > XPDK_DPA_PD_TAG_MAX))
			__builtin_trap();
		if (c.opcode == XPDK_DPA_OP_WINDOW_CREATE && a[0] > XPDK_DPA_PD_TAG_MAX)
			__builtin_trap();
		if (c.opcode == XPDK_DPA_OP_CQ_CREATE && a[5] != 0 && !in_heap(a[5], 8))
			__builtin_trap(); /* the doorbell record the NIC reads */
		if (c.opcode == XPDK_DPA_OP_WQ_CREATE) {
			/* the rings and record the NIC reads: a QP's RQ ring comes first */
			uint64_t wqe =
			    a[0] == XPDK_DPA_WQ_RQ ? XPDK_DPA_RQ_WQE_SIZE : XPDK_DPA_SQ_WQE_SIZE;

			if (a[0] > XPDK_DPA_WQ_QP || a[2] > XPDK_DPA_MAX_LOG_WQ ||
			    (a[0] == XPDK_DPA_WQ_QP && a[7] > XPDK_DPA_MAX_LOG_WQ) ||
			    (XPDK_DPA_QMEM_KEY(a[4]) < 0 && !in_heap(a[4], 8)) ||
			    (XPDK_DPA_QMEM_KEY(a[3]) < 0 &&
			     !in_heap(a[3],
				      (wqe << a[2]) + (a[0] == XPDK_DPA_WQ_QP
							   ? (uint64_t)XPDK_DPA_RQ_WQE_SIZE << a[7]
							   : 0))))
				__builtin_trap();
		}
		if (c.opcode == XPDK_DPA_OP_PROC_CREATE &&
		    strnlen(c.name, sizeof(c.name)) == sizeof(c.name))
			__builtin_trap();
	} else if (memchr(msg, '\0', sizeof(msg)) == NULL || msg[0] == '\0') {
		__builtin_trap(); /* a refusal always says why */
	}
	memset(&m, 0, sizeof(m));
	memcpy(&m, data, size < sizeof(m) ? size : sizeof(m));
	if (xpdk_dpa_msg_check(&m, true) == 0 &&
	    (m.type == 0 || m.type >= DPA_MSG_MAX ||
	     strnlen(m.text, sizeof(m.text)) == sizeof(m.text)))
		__builtin_trap();
	return 0;
}
