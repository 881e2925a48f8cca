/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Loopback RC QPs inside a DPA process (xpdk-dpa-child): a QP is an SQ and an RQ in one buffer
 * (RQ ring first, then the SQ ring, mlx5's layout) with a state. A SEND posted on a QP in RTS is
 * delivered into the next receive WQE of its peer (a QP of the same process, set at RTR): a
 * receive CQE on the peer's RQ CQ, and the sender's CQE as its completion mode says. The
 * peer's readiness, its receive WQE and its buffer are checked; each failure completes the
 * send with the syndrome an RC requester sees (include/hw/xpdk_dpa_nic.h).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model_dpa_child.h"

static inline uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

/* Deliver @p len bytes at @p src into peer @p r's next receive WQE. @return 0 or a syndrome. */
static uint8_t deliver(struct dpa_cwq *r, uint32_t ridx, const uint8_t *src, uint32_t len)
{
	struct dpa_child *c = &xpdk_dpac;
	struct xpdk_dpa_wqe_data seg;
	uint32_t posted, mask = (1u << r->rq_log) - 1, bc;
	uint8_t *dst, synd = 0;

	if (!r->used || !r->is_qp || (r->state != XPDK_DPA_QP_RTR && r->state != XPDK_DPA_QP_RTS))
		return XPDK_DPA_SYND_RETRY_EXC;
	posted = be32(__atomic_load_n(&r->dbr[0], __ATOMIC_ACQUIRE)) & 0xffff;
	if (((posted - r->rq_ci) & 0xffff) == 0 || ((posted - r->rq_ci) & 0xffff) > mask + 1)
		return XPDK_DPA_SYND_RNR_RETRY;
	memcpy(&seg, r->rq_ring + (uint64_t)(r->rq_ci & mask) * sizeof(seg), sizeof(seg));
	bc = be32(seg.byte_count);
	if (bc & XPDK_DPA_INLINE_BIT)
		synd = XPDK_DPA_SYND_LOCAL_QP_OP;
	else if (bc < len)
		synd = XPDK_DPA_SYND_LOCAL_LENGTH;
	else if (len > 0 && (dst = xpdk_dpac_nic_mem(be32(seg.lkey), __builtin_bswap64(seg.addr),
						     len, true)) == NULL)
		synd = XPDK_DPA_SYND_LOCAL_PROT;
	else if (len > 0)
		memcpy(dst, src, len);
	xpdk_dpac_cqe(r->rq_cqn, synd ? XPDK_DPA_CQE_RESP_ERR : XPDK_DPA_CQE_RESP_SEND,
		      XPDK_DPA_WQN_BASE + ridx, (uint16_t)r->rq_ci, synd ? 0 : len, r->user_index,
		      synd, &c->ctl->wq_cnt[ridx]);
	r->rq_ci++;
	if (synd == 0)
		__atomic_fetch_add(&c->ctl->wq_cnt[ridx].packets, 1, __ATOMIC_RELAXED);
	return synd ? XPDK_DPA_SYND_REMOTE_OP : 0;
}

/* One send WQE of QP @p q (copied): 0 or a syndrome; *bytes: what was delivered. */
static uint8_t qp_wqe(struct dpa_cwq *q, uint32_t idx, const uint8_t *raw, uint32_t *bytes)
{
	struct dpa_child *c = &xpdk_dpac;
	const struct xpdk_dpa_wqe_ctrl *ctrl = (const void *)raw;
	const struct xpdk_dpa_wqe_data *d = (const void *)(raw + 16);
	uint32_t idx_op = be32(ctrl->idx_opcode), qpn_ds = be32(ctrl->qpn_ds), bc;
	const uint8_t *src = NULL;
	struct dpa_cwq *r;
	uint8_t synd;

	*bytes = 0;
	if ((qpn_ds >> 8) != XPDK_DPA_WQN_BASE + idx ||
	    ((idx_op >> 8) & 0xffff) != (q->ci & 0xffff))
		return XPDK_DPA_SYND_LOCAL_QP_OP;
	if (q->state != XPDK_DPA_QP_RTS)
		return XPDK_DPA_SYND_WR_FLUSH;
	if ((idx_op & 0xff) == XPDK_DPA_WQE_OP_NOP)
		return 0;
	if ((idx_op & 0xff) != XPDK_DPA_WQE_OP_SEND || (qpn_ds & 0x3f) != 2)
		return XPDK_DPA_SYND_LOCAL_QP_OP; /* SEND: control + one data segment */
	bc = be32(d->byte_count);
	if (bc & XPDK_DPA_INLINE_BIT)
		return XPDK_DPA_SYND_LOCAL_QP_OP;
	if (bc > XPDK_DPA_NIC_MAX_PKT)
		return XPDK_DPA_SYND_LOCAL_LENGTH;
	if (bc > 0) {
		src = xpdk_dpac_nic_mem(be32(d->lkey), __builtin_bswap64(d->addr), bc, false);
		if (src == NULL)
			return XPDK_DPA_SYND_LOCAL_PROT;
	}
	if (q->remote < 0)
		return XPDK_DPA_SYND_RETRY_EXC;
	r = &c->wq[q->remote];
	if (r != q)
		pthread_mutex_lock(&r->lock);
	synd = deliver(r, (uint32_t)q->remote, src, bc);
	if (r != q)
		pthread_mutex_unlock(&r->lock);
	*bytes = bc;
	return synd;
}

bool xpdk_dpac_qp_tx(uint32_t idx, uint16_t pi)
{
	struct dpa_child *c = &xpdk_dpac;
	struct dpa_cwq *q = &c->wq[idx];
	uint32_t mask = (1u << q->log_depth) - 1, n = (uint16_t)(pi - q->ci);

	if (n > mask + 1) {
		__atomic_fetch_add(&c->ctl->wq_cnt[idx].errors, 1, __ATOMIC_RELAXED);
		return false;
	}
	for (; n > 0; n--) {
		uint8_t raw[XPDK_DPA_SQ_WQE_SIZE];
		struct xpdk_dpa_wqe_ctrl ctrl;
		uint32_t bytes, ce;
		uint8_t synd;

		memcpy(raw, q->ring + (uint64_t)(q->ci & mask) * sizeof(raw), sizeof(raw));
		memcpy(&ctrl, raw, sizeof(ctrl));
		ce = (be32(ctrl.signature_fm_ce_se) >> 2) & 3;
		synd = qp_wqe(q, idx, raw, &bytes);
		if (synd != 0) {
			__atomic_fetch_add(&c->ctl->wq_cnt[idx].errors, 1, __ATOMIC_RELAXED);
		} else {
			__atomic_fetch_add(&c->ctl->wq_cnt[idx].packets, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&c->ctl->wq_cnt[idx].bytes, bytes, __ATOMIC_RELAXED);
		}
		if (synd != 0 || ce >= XPDK_DPA_CE_ALWAYS)
			xpdk_dpac_cqe(q->cqn, synd ? XPDK_DPA_CQE_REQ_ERR : XPDK_DPA_CQE_REQ,
				      XPDK_DPA_WQN_BASE + idx, (uint16_t)q->ci, bytes,
				      q->user_index, synd, &c->ctl->wq_cnt[idx]);
		q->ci++;
	}
	return true;
}

int xpdk_dpac_qp_msg(struct dpa_msg *m)
{
	struct dpa_child *c = &xpdk_dpac;
	const uint64_t *a = m->a;
	uint8_t *buf, *dbr;
	struct dpa_cwq *q;

	if (a[0] >= XPDK_DPA_MAX_WQS)
		return EINVAL;
	q = &c->wq[a[0]];
	if (m->type == DPA_MSG_QP_ADD) {
		/* the model checked the buffer, the record and both CQs */
		if (a[1] >= XPDK_DPA_MAX_CQS || a[2] >= XPDK_DPA_MAX_CQS || !c->cq[a[1]].used ||
		    !c->cq[a[2]].used || a[5] > XPDK_DPA_MAX_LOG_WQ || a[6] > XPDK_DPA_MAX_LOG_WQ)
			return snprintf(m->text, sizeof(m->text), "bad QP"), EINVAL;
		buf = xpdk_dpac_qmem(a[3], ((uint64_t)XPDK_DPA_RQ_WQE_SIZE << a[6]) +
					       ((uint64_t)XPDK_DPA_SQ_WQE_SIZE << a[5]));
		dbr = xpdk_dpac_qmem(a[4], 8);
		if (buf == NULL || dbr == NULL)
			return snprintf(m->text, sizeof(m->text),
					"the QP's buffer or record is not in memory this process "
					"maps"),
			       EFAULT;
		pthread_mutex_lock(&c->qp_lock);
		pthread_mutex_lock(&q->lock);
		q->is_sq = q->is_qp = true;
		q->cqn = (uint32_t)a[1];
		q->rq_cqn = (uint32_t)a[2];
		q->rq_ring = buf;
		q->ring = q->rq_ring + ((uint64_t)XPDK_DPA_RQ_WQE_SIZE << a[6]);
		q->dbr = (uint32_t *)(void *)dbr;
		q->log_depth = (uint32_t)a[5];
		q->rq_log = (uint32_t)a[6];
		q->user_index = (uint32_t)a[7];
		q->ci = q->rq_ci = 0;
		q->state = XPDK_DPA_QP_RST;
		q->remote = -1;
		q->used = true;
		pthread_mutex_unlock(&q->lock);
		pthread_mutex_unlock(&c->qp_lock);
		return 0;
	}
	if (!q->is_qp || (a[2] != UINT32_MAX && a[2] >= XPDK_DPA_MAX_WQS))
		return EINVAL;
	pthread_mutex_lock(&c->qp_lock);
	pthread_mutex_lock(&q->lock);
	q->state = (uint32_t)a[1];
	q->remote = a[2] == UINT32_MAX ? -1 : (int)a[2];
	if (q->state == XPDK_DPA_QP_RST)
		q->ci = q->rq_ci = 0;
	pthread_mutex_unlock(&q->lock);
	pthread_mutex_unlock(&c->qp_lock);
	return 0;
}
