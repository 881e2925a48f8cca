/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Shared by test_flexio_queues and its device code: the handler's state in DPA heap. */

#ifndef DPA_NICQ_H
#define DPA_NICQ_H

#include <stdint.h>

#define NICQ_LOG_SQ 4 /* 16 WQEs */

/* What WQE the handler posts for a trigger CQE (its user index). */
enum nicq_kind {
	NICQ_GOOD,	 /* a 64-byte frame, CQE always */
	NICQ_WRONG_SQN,	 /* control segment names another SQ */
	NICQ_BAD_LKEY,	 /* the data's memory key does not exist */
	NICQ_SHORT,	 /* 10 bytes: less than an Ethernet header */
	NICQ_STALE,	 /* the WQE index is not the producer index */
	NICQ_INLINE,	 /* inline data (not emulated) */
	NICQ_OUT_OF_KEY, /* the data runs past the key's end */
	NICQ_FAR_DB,	 /* a doorbell more than a ring ahead */
	NICQ_QP_SEND,	 /* a QP SEND (control + data) of 64 bytes */
	NICQ_RING_ONLY,	 /* ring for one more WQE the host wrote (a ring in host memory) */
};

struct nicq_state {
	uint64_t sq_ring, data, trig_ring; /* trig_ring: 16 CQEs */
	uint32_t sqn, lkey, data_len, trig_cqn, outbox, ci, pi, done, last_db_status, rsvd;
};

#endif /* DPA_NICQ_H */
