/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * FlexIO's NIC queues on the emulated DPA: flexio_sq_create/flexio_rq_create and their
 * destroy and number calls, CQ moderation, and XPDK's counters of queues and port. The device
 * checks every attribute again (rings and records inside the heap, the CQ in the same process);
 * here the caller's mistakes get a sentence before a command is sent.
 */

#include <errno.h>
#include <stdlib.h>

#include "flexio_priv.h"
#include "xpdk_dpa_nic.h"

int xpdk_flexio_qmem_arg(const struct flexio_qmem *q, uint64_t *arg)
{
	if (q->memtype == FLEXIO_QMEM_TYPE_DPA) {
		*arg = q->daddr;
		return 0;
	}
	if (q->memtype != FLEXIO_QMEM_TYPE_HOST || q->humem_offset >= 1ULL << XPDK_DPA_QMEM_SHIFT ||
	    q->umem_id >= 0xfffe)
		return -1;
	*arg = XPDK_DPA_QMEM_HOST(q->umem_id, q->humem_offset);
	return 0;
}

static flexio_status wq_create(flexio_process *process, struct ibv_context *ibv_ctx,
			       uint32_t cq_num, const struct flexio_wq_attr *fattr, uint32_t kind,
			       struct xpdk_flexio_wq *wq)
{
	const char *what = kind == XPDK_DPA_WQ_SQ ? "flexio_sq_create" : "flexio_rq_create";
	uint8_t stride = kind == XPDK_DPA_WQ_SQ ? 6 : 4;
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_WQ_CREATE };
	int rc;

	if (process == NULL || fattr == NULL)
		return xpdk_err(EINVAL, "%s: no process or attributes", what), FLEXIO_STATUS_FAILED;
	if (ibv_ctx != NULL && ibv_ctx != process->pd.ibv.context)
		return xpdk_err(EINVAL, "%s: another device context (not emulated)", what),
		       FLEXIO_STATUS_FAILED;
	if (xpdk_flexio_qmem_arg(&fattr->wq_ring_qmem, &cmd.arg[3]) < 0 ||
	    xpdk_flexio_qmem_arg(&fattr->wq_dbr_qmem, &cmd.arg[4]) < 0)
		return xpdk_err(EINVAL,
				"%s: a queue memory type other than DPA (0) or HOST (1), or "
				"a host offset past 2^48",
				what),
		       FLEXIO_STATUS_FAILED;
	if (fattr->log_wq_stride != 0 && fattr->log_wq_stride != stride)
		return xpdk_err(EINVAL,
				"%s: log_wq_stride %u: the emulated NIC's %s WQEs are %u "
				"bytes (log %u)",
				what, fattr->log_wq_stride, kind == XPDK_DPA_WQ_SQ ? "SQ" : "RQ",
				1u << stride, stride),
		       FLEXIO_STATUS_FAILED;
	if (kind == XPDK_DPA_WQ_SQ && fattr->sq.allow_multi_pkt_send_wqe)
		return xpdk_err(EINVAL, "%s: multi-packet send WQEs are not emulated", what),
		       FLEXIO_STATUS_FAILED;
	if (fattr->pd != NULL && fattr->pd != &process->pd.ibv)
		return xpdk_err(EINVAL, "%s: the PD is not the process's", what),
		       FLEXIO_STATUS_FAILED;
	cmd.arg[0] = kind;
	cmd.arg[1] = cq_num;
	cmd.arg[2] = fattr->log_wq_depth;
	cmd.arg[5] = fattr->user_index;
	rc = xpdk_flexio_cmd(process, &cmd, NULL, NULL);
	if (rc < 0)
		return xpdk_flexio_status(rc);
	wq->proc = process;
	wq->wqn = (uint32_t)cmd.out[0];
	wq->port_rx = cmd.out[1] != 0;
	process->objects++;
	return FLEXIO_STATUS_SUCCESS;
}

static flexio_status wq_destroy(struct xpdk_flexio_wq *wq)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_WQ_DESTROY, .id = wq->wqn };
	flexio_status st = xpdk_flexio_status(xpdk_flexio_cmd(wq->proc, &cmd, NULL, NULL));

	if (st != FLEXIO_STATUS_SUCCESS && st != FLEXIO_STATUS_FATAL_ERR)
		return st;
	wq->proc->objects--;
	return FLEXIO_STATUS_SUCCESS;
}

static flexio_status wq_stats(struct xpdk_flexio_wq *wq, struct xpdk_flexio_wq_stats *stats)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_NIC_STATS, .id = wq->wqn };
	int rc = xpdk_flexio_cmd(wq->proc, &cmd, NULL, NULL);

	if (rc < 0)
		return xpdk_flexio_status(rc);
	*stats = (struct xpdk_flexio_wq_stats){ .packets = cmd.out[0],
						.bytes = cmd.out[1],
						.dropped = cmd.out[2],
						.errors = cmd.out[3] };
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_sq_create(flexio_process *process, struct ibv_context *ibv_ctx,
			       uint32_t cq_num, const struct flexio_wq_attr *fattr,
			       flexio_sq **flexio_sq_ptr)
{
	struct flexio_sq *sq;
	flexio_status st;

	if (flexio_sq_ptr == NULL)
		return FLEXIO_STATUS_FAILED;
	sq = calloc(1, sizeof(*sq));
	if (sq == NULL)
		return xpdk_err(ENOMEM, "out of memory"), FLEXIO_STATUS_FAILED;
	st = wq_create(process, ibv_ctx, cq_num, fattr, XPDK_DPA_WQ_SQ, &sq->wq);
	if (st != FLEXIO_STATUS_SUCCESS) {
		free(sq);
		return st;
	}
	*flexio_sq_ptr = sq;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_sq_destroy(flexio_sq *sq)
{
	flexio_status st;

	if (sq == NULL)
		return FLEXIO_STATUS_SUCCESS;
	st = wq_destroy(&sq->wq);
	if (st == FLEXIO_STATUS_SUCCESS)
		free(sq);
	return st;
}

uint32_t flexio_sq_get_wq_num(flexio_sq *sq)
{
	return sq != NULL ? sq->wq.wqn : 0;
}

flexio_status flexio_rq_create(flexio_process *process, struct ibv_context *ibv_ctx,
			       uint32_t cq_num, const struct flexio_wq_attr *fattr,
			       flexio_rq **flexio_rq_ptr)
{
	struct flexio_rq *rq;
	flexio_status st;

	if (flexio_rq_ptr == NULL)
		return FLEXIO_STATUS_FAILED;
	if (fattr != NULL && fattr->rq.wq_type != 0)
		return xpdk_err(EINVAL, "flexio_rq_create: only cyclic RQs are emulated"),
		       FLEXIO_STATUS_FAILED;
	rq = calloc(1, sizeof(*rq));
	if (rq == NULL)
		return xpdk_err(ENOMEM, "out of memory"), FLEXIO_STATUS_FAILED;
	st = wq_create(process, ibv_ctx, cq_num, fattr, XPDK_DPA_WQ_RQ, &rq->wq);
	if (st != FLEXIO_STATUS_SUCCESS) {
		free(rq);
		return st;
	}
	*flexio_rq_ptr = rq;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_rq_destroy(flexio_rq *rq)
{
	flexio_status st;

	if (rq == NULL)
		return FLEXIO_STATUS_SUCCESS;
	st = wq_destroy(&rq->wq);
	if (st == FLEXIO_STATUS_SUCCESS)
		free(rq);
	return st;
}

uint32_t flexio_rq_get_wq_num(flexio_rq *rq)
{
	return rq != NULL ? rq->wq.wqn : 0;
}

flexio_status xpdk_flexio_sq_stats(flexio_sq *sq, struct xpdk_flexio_wq_stats *stats)
{
	if (sq == NULL || stats == NULL)
		return FLEXIO_STATUS_FAILED;
	return wq_stats(&sq->wq, stats);
}

flexio_status xpdk_flexio_rq_stats(flexio_rq *rq, struct xpdk_flexio_wq_stats *stats)
{
	if (rq == NULL || stats == NULL)
		return FLEXIO_STATUS_FAILED;
	return wq_stats(&rq->wq, stats);
}

flexio_status xpdk_flexio_port_stats(flexio_process *process, struct xpdk_flexio_port_stats *stats)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_NIC_STATS, .id = XPDK_DPA_NIC_PORT };
	int rc;

	if (process == NULL || stats == NULL)
		return FLEXIO_STATUS_FAILED;
	rc = xpdk_flexio_cmd(process, &cmd, NULL, NULL);
	if (rc < 0)
		return xpdk_flexio_status(rc);
	*stats = (struct xpdk_flexio_port_stats){ .rx_packets = cmd.out[0],
						  .rx_bytes = cmd.out[1],
						  .tx_packets = cmd.out[2],
						  .tx_bytes = cmd.out[3] };
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_cq_modify_moderation(flexio_cq *cq, uint16_t max_count, uint16_t period,
					  uint16_t mode)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_CQ_MODERATE,
				    .arg = { max_count, period, mode } };
	int rc;

	if (cq == NULL)
		return FLEXIO_STATUS_FAILED;
	if (mode > FLEXIO_CQ_PERIOD_MODE_CQE)
		return xpdk_err(EINVAL, "flexio_cq_modify_moderation: mode %u (0 event, 1 CQE)",
				mode),
		       FLEXIO_STATUS_FAILED;
	cmd.id = cq->cqn;
	rc = xpdk_flexio_cmd(cq->proc, &cmd, NULL, NULL);
	if (rc < 0)
		return xpdk_flexio_status(rc);
	cq->mod_count = max_count;
	cq->mod_period = period;
	cq->mod_mode = mode;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_cq_query_moderation(flexio_cq *cq, uint16_t *max_count, uint16_t *period,
					 uint16_t *mode)
{
	if (cq == NULL || max_count == NULL || period == NULL || mode == NULL)
		return FLEXIO_STATUS_FAILED;
	*max_count = cq->mod_count;
	*period = cq->mod_period;
	*mode = cq->mod_mode;
	return FLEXIO_STATUS_SUCCESS;
}
