/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * FlexIO's NIC queues against devsim's dpa model, served in this process (no port: frames go
 * nowhere, completions still come): SQ/RQ creation and its checks, CQs held by queues, and
 * send WQEs from device code, good and malformed, each completing with the CQE and syndrome
 * the layout in include/hw/xpdk_dpa_nic.h promises. Waits are bounded only to keep a broken
 * build from hanging.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dpa_fixture.h"
#include "dpa_nicq.h"
#include "libflexio/flexio.h"
#include "xpdk_devsim.h"
#include "xpdk_dpa_nic.h"
#include "xpdk_dpa_regs.h"
#include "xpdk_flexio.h"

extern struct flexio_app *dpa_nicq_app;
extern flexio_func_t t_nic_post;

static int setup(void **state)
{
	(void)state;
	return dpa_fixture_start("flexio-q", "eus=2,spin_us=5");
}

static flexio_uintptr_t heap(struct flexio_process *p, size_t len, int fill)
{
	flexio_uintptr_t d = 0;

	assert_int_equal(flexio_buf_dev_alloc(p, len, &d), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_buf_dev_memset(p, fill, len, d), FLEXIO_STATUS_SUCCESS);
	return d;
}

/* A polled CQ of 1 << log CQEs with a doorbell record. */
static struct flexio_cq *polled_cq(struct flexio_process *p, uint8_t log, flexio_uintptr_t *ring,
				   flexio_uintptr_t *dbr)
{
	struct flexio_cq_attr a = { .log_cq_depth = log,
				    .element_type = FLEXIO_CQ_ELEMENT_TYPE_NON_DPA_CQ };
	struct flexio_cq *cq = NULL;

	*ring = heap(p, 64u << log, 0xff);
	*dbr = heap(p, 8, 0);
	a.cq_ring_qmem.daddr = *ring;
	a.cq_dbr_daddr = *dbr;
	assert_int_equal(flexio_cq_create(p, NULL, &a, &cq), FLEXIO_STATUS_SUCCESS);
	return cq;
}

static void test_wq_create_checks_its_attributes(void **state)
{
	struct flexio_process *p = NULL;
	flexio_uintptr_t ring, dbr;
	struct flexio_cq *cq;
	struct flexio_wq_attr a = { .log_wq_depth = 4 };
	struct flexio_sq *sq = NULL;
	struct flexio_rq *rq = NULL;
	struct xpdk_flexio_wq_stats st;

	(void)state;
	assert_int_equal(flexio_process_create(ctx, dpa_nicq_app, NULL, &p), FLEXIO_STATUS_SUCCESS);
	cq = polled_cq(p, 4, &ring, &dbr);
	a.wq_ring_qmem.daddr = heap(p, 64 * 16, 0);
	a.wq_dbr_qmem.daddr = heap(p, 8, 0);
	/* a ring that runs past the heap's end */
	a.wq_ring_qmem.daddr += 64ULL << 30;
	assert_int_equal(flexio_sq_create(p, NULL, flexio_cq_get_cq_num(cq), &a, &sq),
			 FLEXIO_STATUS_FAILED);
	assert_non_null(strstr(xpdk_strerror_last(), "inside the heap"));
	a.wq_ring_qmem.daddr -= 64ULL << 30;
	/* host memory rings, a stride the NIC does not have, a CQ that does not exist */
	a.wq_ring_qmem.memtype = 1;
	assert_int_equal(flexio_sq_create(p, NULL, flexio_cq_get_cq_num(cq), &a, &sq),
			 FLEXIO_STATUS_FAILED);
	a.wq_ring_qmem.memtype = 0;
	a.log_wq_stride = 5;
	assert_int_equal(flexio_sq_create(p, NULL, flexio_cq_get_cq_num(cq), &a, &sq),
			 FLEXIO_STATUS_FAILED);
	assert_non_null(strstr(xpdk_strerror_last(), "64 bytes"));
	a.log_wq_stride = 0;
	assert_int_equal(flexio_sq_create(p, NULL, 63, &a, &sq), FLEXIO_STATUS_FAILED);
	assert_non_null(strstr(xpdk_strerror_last(), "no CQ 63"));
	/* well formed: numbers outside the CQs', zero counters, the CQ held */
	assert_int_equal(flexio_sq_create(p, NULL, flexio_cq_get_cq_num(cq), &a, &sq),
			 FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_rq_create(p, NULL, flexio_cq_get_cq_num(cq), &a, &rq),
			 FLEXIO_STATUS_SUCCESS);
	assert_true(flexio_sq_get_wq_num(sq) >= XPDK_DPA_WQN_BASE);
	assert_int_not_equal(flexio_sq_get_wq_num(sq), flexio_rq_get_wq_num(rq));
	assert_int_equal(xpdk_flexio_rq_stats(rq, &st), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(st.packets + st.bytes + st.dropped + st.errors, 0);
	assert_int_equal(flexio_cq_destroy(cq), FLEXIO_STATUS_FAILED);
	assert_non_null(strstr(xpdk_strerror_last(), "destroy them first"));
	assert_int_equal(xpdk_flexio_cq_post(cq, &(struct xpdk_flexio_cqe){ 0 }),
			 FLEXIO_STATUS_FAILED); /* the NIC alone posts on it */
	/* moderation: set, reported back, bad mode refused */
	{
		uint16_t n = 0, per = 0, mode = 9;

		assert_int_equal(flexio_cq_modify_moderation(cq, 8, 100, 1), FLEXIO_STATUS_SUCCESS);
		assert_int_equal(flexio_cq_query_moderation(cq, &n, &per, &mode),
				 FLEXIO_STATUS_SUCCESS);
		assert_true(n == 8 && per == 100 && mode == 1);
		assert_int_equal(flexio_cq_modify_moderation(cq, 8, 100, 2), FLEXIO_STATUS_FAILED);
	}
	assert_int_equal(flexio_sq_destroy(sq), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_cq_destroy(cq), FLEXIO_STATUS_FAILED); /* the RQ still */
	assert_int_equal(flexio_rq_destroy(rq), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_cq_destroy(cq), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);
}

/* A process whose handler posts the send WQEs trigger CQEs ask for. */
struct rig {
	struct flexio_process *p;
	struct flexio_outbox *ob;
	struct flexio_event_handler *eh;
	struct flexio_cq *trig, *scq;
	struct flexio_sq *sq;
	struct flexio_mkey *mkey;
	flexio_uintptr_t sd, scq_ring, scq_dbr;
	struct nicq_state s;
};

static void rig_up(struct rig *r, uint8_t log_scq)
{
	struct flexio_event_handler_attr ea = { .host_stub_func = t_nic_post };
	struct flexio_cq_attr ta = { .log_cq_depth = 4 };
	struct flexio_wq_attr wa = { .log_wq_depth = NICQ_LOG_SQ };
	struct flexio_mkey_attr ka = { .access = IBV_ACCESS_LOCAL_WRITE, .len = 4096 };

	memset(r, 0, sizeof(*r));
	assert_int_equal(flexio_process_create(ctx, dpa_nicq_app, NULL, &r->p),
			 FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_outbox_create(r->p, NULL, flexio_process_get_uar(r->p), &r->ob),
			 FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_event_handler_create(r->p, &ea, NULL, r->ob, &r->eh),
			 FLEXIO_STATUS_SUCCESS);
	ta.element_type = FLEXIO_CQ_ELEMENT_TYPE_DPA_THREAD;
	ta.thread = flexio_event_handler_get_thread(r->eh);
	r->s.trig_ring = ta.cq_ring_qmem.daddr = heap(r->p, 64 * 16, 0xff);
	assert_int_equal(flexio_cq_create(r->p, NULL, &ta, &r->trig), FLEXIO_STATUS_SUCCESS);
	r->scq = polled_cq(r->p, log_scq, &r->scq_ring, &r->scq_dbr);
	r->s.sq_ring = wa.wq_ring_qmem.daddr = heap(r->p, 64 << NICQ_LOG_SQ, 0);
	wa.wq_dbr_qmem.daddr = heap(r->p, 8, 0);
	assert_int_equal(flexio_sq_create(r->p, NULL, flexio_cq_get_cq_num(r->scq), &wa, &r->sq),
			 FLEXIO_STATUS_SUCCESS);
	ka.pd = flexio_process_get_pd(r->p);
	r->s.data = ka.daddr = heap(r->p, 4096, 0x5a);
	assert_int_equal(flexio_device_mkey_create(r->p, &ka, &r->mkey), FLEXIO_STATUS_SUCCESS);
	r->s.lkey = flexio_mkey_get_id(r->mkey);
	r->s.data_len = 4096;
	r->s.sqn = flexio_sq_get_wq_num(r->sq);
	r->s.trig_cqn = flexio_cq_get_cq_num(r->trig);
	r->s.outbox = flexio_outbox_get_id(r->ob);
	assert_int_equal(flexio_copy_from_host(r->p, &r->s, sizeof(r->s), &r->sd),
			 FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_event_handler_run(r->eh, r->sd), FLEXIO_STATUS_SUCCESS);
}

/* Ask the handler for one WQE of @p kind and wait until it rang the doorbell. */
static void rig_post(struct rig *r, uint32_t kind)
{
	struct xpdk_flexio_cqe t = { .user_index = kind };
	uint32_t want = r->s.done + 1;

	assert_int_equal(xpdk_flexio_cq_post(r->trig, &t), FLEXIO_STATUS_SUCCESS);
	WAIT_FOR((xpdk_flexio_dev2host_memcpy(r->p, &r->s, sizeof(r->s), r->sd) == 0 &&
		  r->s.done == want));
}

static void rig_cqe(struct rig *r, uint32_t i, struct xpdk_dpa_cqe64 *cqe)
{
	assert_int_equal(
	    xpdk_flexio_dev2host_memcpy(r->p, cqe, sizeof(*cqe), r->scq_ring + 64ULL * i), 0);
}

static void rig_down(struct rig *r)
{
	assert_int_equal(flexio_sq_destroy(r->sq), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_cq_destroy(r->scq), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_cq_destroy(r->trig), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_event_handler_destroy(r->eh), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_outbox_destroy(r->ob), FLEXIO_STATUS_SUCCESS);
	flexio_device_mkey_destroy(r->mkey);
	assert_int_equal(flexio_process_destroy(r->p), FLEXIO_STATUS_SUCCESS);
}

static void test_send_wqes_complete_with_their_syndromes(void **state)
{
	static const struct {
		uint32_t kind;
		uint8_t opcode, syndrome;
	} want[] = {
		{ NICQ_GOOD, XPDK_DPA_CQE_REQ, 0 },
		{ NICQ_WRONG_SQN, XPDK_DPA_CQE_REQ_ERR, XPDK_DPA_SYND_LOCAL_QP_OP },
		{ NICQ_BAD_LKEY, XPDK_DPA_CQE_REQ_ERR, XPDK_DPA_SYND_LOCAL_PROT },
		{ NICQ_SHORT, XPDK_DPA_CQE_REQ_ERR, XPDK_DPA_SYND_LOCAL_LENGTH },
		{ NICQ_STALE, XPDK_DPA_CQE_REQ_ERR, XPDK_DPA_SYND_LOCAL_QP_OP },
		{ NICQ_INLINE, XPDK_DPA_CQE_REQ_ERR, XPDK_DPA_SYND_LOCAL_QP_OP },
		{ NICQ_OUT_OF_KEY, XPDK_DPA_CQE_REQ_ERR, XPDK_DPA_SYND_LOCAL_PROT },
		{ NICQ_GOOD, XPDK_DPA_CQE_REQ, 0 },
	};
	struct xpdk_flexio_wq_stats st;
	struct rig r;

	(void)state;
	rig_up(&r, 4);
	for (uint32_t i = 0; i < XPDK_ARRAY_SIZE(want); i++) {
		struct xpdk_dpa_cqe64 cqe;

		rig_post(&r, want[i].kind);
		assert_int_equal(r.s.last_db_status, 0);
		rig_cqe(&r, i, &cqe);
		assert_int_equal(cqe.op_own & 1, 0); /* first lap */
		assert_int_equal(cqe.op_own >> 4, want[i].opcode);
		assert_int_equal(cqe.syndrome, want[i].syndrome);
		assert_int_equal(__builtin_bswap16(cqe.wqe_counter), i);
		assert_int_equal(__builtin_bswap32(cqe.sop_drop_qpn), r.s.sqn);
		if (want[i].syndrome == 0)
			assert_int_equal(__builtin_bswap32(cqe.byte_cnt), 64);
	}
	/* a doorbell more than a ring ahead is refused and counted */
	rig_post(&r, NICQ_FAR_DB);
	assert_int_equal(r.s.last_db_status, 1);
	assert_int_equal(xpdk_flexio_sq_stats(r.sq, &st), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(st.errors, 7);	 /* six syndromes and the doorbell */
	assert_int_equal(st.dropped, 2); /* no port: the good frames went nowhere */
	assert_int_equal(flexio_err_status(r.p), 0);
	rig_down(&r);
}

static void test_full_cq_is_an_overrun_not_an_overwrite(void **state)
{
	struct xpdk_flexio_wq_stats st;
	struct xpdk_dpa_cqe64 cqe;
	struct rig r;

	(void)state;
	rig_up(&r, 1); /* 2 CQEs, consumer index 0 in the record: room for two */
	for (int i = 0; i < 3; i++)
		rig_post(&r, NICQ_GOOD);
	assert_int_equal(xpdk_flexio_sq_stats(r.sq, &st), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(st.errors, 1);
	rig_cqe(&r, 0, &cqe);
	assert_int_equal(__builtin_bswap16(cqe.wqe_counter), 0); /* not overwritten by WQE 2 */
	/* the consumer moves on: the next CQE lands, second lap, owner bit 1 */
	assert_int_equal(
	    flexio_host2dev_memcpy(r.p, (uint32_t[]){ __builtin_bswap32(2) }, 4, r.scq_dbr),
	    FLEXIO_STATUS_SUCCESS);
	rig_post(&r, NICQ_GOOD);
	rig_cqe(&r, 0, &cqe);
	assert_int_equal(__builtin_bswap16(cqe.wqe_counter), 3);
	assert_int_equal(cqe.op_own & 1, 1);
	rig_down(&r);
}

/* QP a sends to QP b in the rig's process; the handler posts on a. */
static void test_qp_send_lands_in_the_peer_rq(void **state)
{
	struct flexio_qp_attr qa = { .transport_type = FLEXIO_QPC_ST_RC,
				     .log_sq_depth = NICQ_LOG_SQ,
				     .log_rq_depth = 2 };
	flexio_uintptr_t rcq_ring, rcq_dbr, buf, rbuf;
	struct flexio_qp *a = NULL, *b = NULL;
	struct xpdk_dpa_wqe_data rwqe;
	struct xpdk_dpa_cqe64 cqe;
	struct flexio_cq *rcq;
	uint8_t got[64], want[64];
	struct rig r;

	(void)state;
	rig_up(&r, 4);
	rcq = polled_cq(r.p, 4, &rcq_ring, &rcq_dbr);
	qa.sq_cqn = flexio_cq_get_cq_num(r.scq);
	qa.rq_cqn = flexio_cq_get_cq_num(rcq);
	buf = heap(r.p, (16 << 2) + (64 << NICQ_LOG_SQ), 0);
	qa.qp_wq_buff_qmem.daddr = buf;
	qa.qp_wq_dbr_qmem.daddr = heap(r.p, 8, 0);
	assert_int_equal(flexio_qp_create(r.p, NULL, &qa, &a), FLEXIO_STATUS_SUCCESS);
	qa.qp_wq_buff_qmem.daddr = heap(r.p, (16 << 2) + (64 << NICQ_LOG_SQ), 0);
	qa.qp_wq_dbr_qmem.daddr = heap(r.p, 8, 0);
	assert_int_equal(flexio_qp_create(r.p, NULL, &qa, &b), FLEXIO_STATUS_SUCCESS);
	/* b: one receive WQE over a 64-byte buffer under the rig's key */
	rbuf = r.s.data + 1024;
	rwqe = (struct xpdk_dpa_wqe_data){ .byte_count = __builtin_bswap32(64),
					   .lkey = __builtin_bswap32(r.s.lkey),
					   .addr = __builtin_bswap64(rbuf) };
	assert_int_equal(flexio_host2dev_memcpy(r.p, &rwqe, sizeof(rwqe), qa.qp_wq_buff_qmem.daddr),
			 FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_host2dev_memcpy(r.p, (uint32_t[]){ __builtin_bswap32(1) }, 4,
						qa.qp_wq_dbr_qmem.daddr),
			 FLEXIO_STATUS_SUCCESS);
	/* the handler posts on a */
	r.s.sq_ring = buf + (16 << 2);
	r.s.sqn = flexio_qp_get_qp_num(a);
	r.s.pi = 0;
	assert_int_equal(flexio_host2dev_memcpy(r.p, &r.s, sizeof(r.s), r.sd),
			 FLEXIO_STATUS_SUCCESS);
	/* state machine: no skipping, no peer outside the process's QPs */
	qa.next_state = FLEXIO_QP_STATE_RTS;
	assert_int_equal(flexio_qp_modify(a, &qa, NULL), FLEXIO_STATUS_FAILED);
	assert_non_null(strstr(xpdk_strerror_last(), "no transition"));
	/* a send from INIT is flushed */
	qa.next_state = FLEXIO_QP_STATE_INIT;
	assert_int_equal(flexio_qp_modify(a, &qa, NULL), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_qp_modify(b, &qa, NULL), FLEXIO_STATUS_SUCCESS);
	rig_post(&r, NICQ_QP_SEND);
	rig_cqe(&r, 0, &cqe);
	assert_int_equal(cqe.op_own >> 4, XPDK_DPA_CQE_REQ_ERR);
	assert_int_equal(cqe.syndrome, XPDK_DPA_SYND_WR_FLUSH);
	qa.next_state = FLEXIO_QP_STATE_RTR;
	qa.remote_qp_num = flexio_sq_get_wq_num(r.sq); /* an SQ, not a QP */
	assert_int_equal(flexio_qp_modify(a, &qa, NULL), FLEXIO_STATUS_FAILED);
	assert_non_null(strstr(xpdk_strerror_last(), "loopback"));
	qa.remote_qp_num = flexio_qp_get_qp_num(b);
	assert_int_equal(flexio_qp_modify(a, &qa, NULL), FLEXIO_STATUS_SUCCESS);
	qa.remote_qp_num = flexio_qp_get_qp_num(a);
	assert_int_equal(flexio_qp_modify(b, &qa, NULL), FLEXIO_STATUS_SUCCESS);
	qa.next_state = FLEXIO_QP_STATE_RTS;
	assert_int_equal(flexio_qp_modify(a, &qa, NULL), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_qp_state_get(a), FLEXIO_QP_STATE_RTS);
	/* the send lands in b's receive WQE */
	rig_post(&r, NICQ_QP_SEND);
	rig_cqe(&r, 1, &cqe);
	assert_int_equal(cqe.op_own >> 4, XPDK_DPA_CQE_REQ);
	assert_int_equal(__builtin_bswap32(cqe.byte_cnt), 64);
	assert_int_equal(xpdk_flexio_dev2host_memcpy(r.p, &cqe, sizeof(cqe), rcq_ring), 0);
	assert_int_equal(cqe.op_own, XPDK_DPA_CQE_RESP_SEND << 4); /* owner 0: first lap */
	assert_int_equal(__builtin_bswap32(cqe.sop_drop_qpn), flexio_qp_get_qp_num(b));
	assert_int_equal(__builtin_bswap32(cqe.byte_cnt), 64);
	assert_int_equal(xpdk_flexio_dev2host_memcpy(r.p, got, sizeof(got), rbuf), 0);
	memset(want, 0x5a, sizeof(want));
	assert_memory_equal(got, want, sizeof(want));
	/* b posted one WQE only: the next send is not received (RNR) */
	rig_post(&r, NICQ_QP_SEND);
	rig_cqe(&r, 2, &cqe);
	assert_int_equal(cqe.op_own >> 4, XPDK_DPA_CQE_REQ_ERR);
	assert_int_equal(cqe.syndrome, XPDK_DPA_SYND_RNR_RETRY);
	assert_int_equal(flexio_err_status(r.p), 0);
	assert_int_equal(flexio_qp_destroy(a), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_qp_destroy(b), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_cq_destroy(rcq), FLEXIO_STATUS_SUCCESS);
	rig_down(&r);
}

/* An SQ whose ring and record are host memory the host writes WQEs into directly. */
static void test_sq_ring_in_host_memory(void **state)
{
	struct flexio_wq_attr wa = { .log_wq_depth = NICQ_LOG_SQ };
	struct xpdk_dma_buf *mem = xpdk_dma_alloc(8192, 4096, XPDK_DMA_F_ZERO);
	struct flexio_sq *hsq = NULL;
	struct xpdk_dpa_cqe64 cqe;
	struct ibv_mr *mr;
	uint8_t *wqe;
	struct rig r;

	(void)state;
	assert_non_null(mem);
	rig_up(&r, 4);
	mr = xpdk_flexio_reg_mr(flexio_process_get_pd(r.p), mem, 0, 8192, IBV_ACCESS_LOCAL_WRITE);
	assert_non_null(mr);
	wa.wq_ring_qmem = (struct flexio_qmem){ .memtype = FLEXIO_QMEM_TYPE_HOST,
						.humem_offset = 7680,
						.umem_id = mr->lkey };
	wa.wq_dbr_qmem = (struct flexio_qmem){ .memtype = FLEXIO_QMEM_TYPE_HOST,
					       .humem_offset = 4096,
					       .umem_id = mr->lkey };
	/* 1 KiB of ring at 7.5 KiB of an 8 KiB key */
	assert_int_equal(flexio_sq_create(r.p, NULL, flexio_cq_get_cq_num(r.scq), &wa, &hsq),
			 FLEXIO_STATUS_FAILED);
	assert_non_null(strstr(xpdk_strerror_last(), "host memory key"));
	wa.wq_ring_qmem.humem_offset = 0;
	assert_int_equal(flexio_sq_create(r.p, NULL, flexio_cq_get_cq_num(r.scq), &wa, &hsq),
			 FLEXIO_STATUS_SUCCESS);
	/* the host writes WQE 0 into the ring, the handler rings for it */
	wqe = mem->va;
	*(uint32_t *)(wqe + 0) = __builtin_bswap32(XPDK_DPA_WQE_OP_SEND);
	*(uint32_t *)(wqe + 4) = __builtin_bswap32(flexio_sq_get_wq_num(hsq) << 8 | 3);
	*(uint32_t *)(wqe + 8) = __builtin_bswap32(XPDK_DPA_CE_ALWAYS << 2);
	*(uint32_t *)(wqe + 32) = __builtin_bswap32(100);
	*(uint32_t *)(wqe + 36) = __builtin_bswap32(r.s.lkey);
	*(uint64_t *)(wqe + 40) = __builtin_bswap64(r.s.data);
	r.s.sqn = flexio_sq_get_wq_num(hsq);
	r.s.pi = 0;
	assert_int_equal(flexio_host2dev_memcpy(r.p, &r.s, sizeof(r.s), r.sd),
			 FLEXIO_STATUS_SUCCESS);
	rig_post(&r, NICQ_RING_ONLY);
	rig_cqe(&r, 0, &cqe);
	assert_int_equal(cqe.op_own >> 4, XPDK_DPA_CQE_REQ);
	assert_int_equal(__builtin_bswap32(cqe.byte_cnt), 100);
	assert_int_equal(__builtin_bswap32(cqe.sop_drop_qpn), flexio_sq_get_wq_num(hsq));
	assert_int_equal(flexio_sq_destroy(hsq), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(xpdk_flexio_dereg_mr(mr), 0);
	rig_down(&r);
	xpdk_dma_free(mem);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wq_create_checks_its_attributes),
		cmocka_unit_test(test_send_wqes_complete_with_their_syndromes),
		cmocka_unit_test(test_full_cq_is_an_overrun_not_an_overwrite),
		cmocka_unit_test(test_qp_send_lands_in_the_peer_rq),
		cmocka_unit_test(test_sq_ring_in_host_memory),
	};

	g_argc = argc;
	g_argv = argv;
	return cmocka_run_group_tests(tests, setup, dpa_fixture_stop);
}
