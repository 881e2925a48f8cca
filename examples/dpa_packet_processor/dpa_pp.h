/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* dpa_packet_processor: what host and device code share, the context in DPA heap. */

#ifndef DPA_PP_H
#define DPA_PP_H

#include <stdint.h>

#define DPA_PP_LOG_DEPTH  8	 /* 256 WQEs and CQEs per queue */
#define DPA_PP_LOG_SLOT	  14	 /* 16 KiB per packet buffer: jumbo-ish frames fit */
#define DPA_PP_BAD_WQE	  0x88b6 /* EtherType asking for a malformed WQE (bad memory key) */
#define DPA_PP_BAD_LKEY_X 0x5a5a /* what the handler XORs into the key for it */

/* Host fills the queue fields; the handler owns the rest. */
struct dpa_pp_ctx {
	uint64_t rq_cq_ring, rq_cq_dbr, rq_data, sq_cq_ring, sq_cq_dbr, sq_ring, sq_data, rq_dbr;
	uint32_t rq_cqn, sq_cqn, sqn, rq_lkey, sq_lkey, outbox_id;
	/* the handler's state */
	uint32_t rq_cq_ci, sq_cq_ci, sq_pi, rsvd;
	/* counters the host reads */
	uint64_t rx, tx, rx_err_cqes, tx_err_cqes, activations;
	uint32_t last_syndrome, last_err_opcode;
};

#endif /* DPA_PP_H */
