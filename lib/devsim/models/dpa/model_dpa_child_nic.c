/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The NIC's data path inside a DPA process (xpdk-dpa-child): receive (a thread reads frames
 * from the port's TAP fd into the WQEs of the RQ that owns the port and writes CQEs), send
 * (flexio_dev_qp_sq_ring_db runs the SQ's new WQEs on the calling EU and writes the frames to
 * the TAP), and CQE production with the owner bit, overrun checks against the CQ's doorbell
 * record and handler activation. Rings, WQEs and doorbell records are device memory: device
 * code may write anything there, so each WQE is copied out once and checked; a bad one gets an
 * error CQE with a syndrome (include/hw/xpdk_dpa_nic.h).
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "libflexio-dev/flexio_dev_queue_access.h"
#include "model_dpa_child.h"

#define ETH_MIN_FRAME 14 /* a frame has at least an Ethernet header */
#define RX_BURST      64 /* frames read per wake-up */

static inline uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static inline uint16_t be16(uint16_t v)
{
	return __builtin_bswap16(v);
}

void xpdk_dpac_nic_init(void)
{
	struct dpa_child *c = &xpdk_dpac;

	c->tap_fd = -1;
	c->port_rq = -1;
	for (unsigned int i = 0; i < XPDK_DPA_MAX_WQS; i++)
		pthread_mutex_init(&c->wq[i].lock, NULL);
	pthread_mutex_init(&c->qp_lock, NULL);
}

/* ---- memory keys -------------------------------------------------------------------------- */

/* Where [addr, addr + len) under @p lkey is here, or NULL when the key does not cover it. */
uint8_t *xpdk_dpac_nic_mem(uint32_t lkey, uint64_t addr, uint64_t len, bool write)
{
	struct dpa_child *c = &xpdk_dpac;

	if (lkey >= XPDK_DPA_DEV_MKEY_MIN) {
		const struct dpa_cdmkey *k;

		if (lkey - XPDK_DPA_DEV_MKEY_MIN >= XPDK_DPA_MAX_MKEYS)
			return NULL;
		k = &c->dmkey[lkey - XPDK_DPA_DEV_MKEY_MIN];
		if (!k->used || addr < k->daddr || addr - k->daddr > k->len ||
		    len > k->len - (addr - k->daddr))
			return NULL;
		return (uint8_t *)(uintptr_t)addr; /* the heap sits at its device addresses */
	}
	if (lkey < XPDK_DPA_MAX_MKEYS) {
		const struct dpa_cmkey *k = &c->mkey[lkey];

		if (!k->used || (write && !(k->access & XPDK_DPA_ACCESS_WRITE)) ||
		    addr < k->haddr || addr - k->haddr > k->len || len > k->len - (addr - k->haddr))
			return NULL;
		return k->ptr + (addr - k->haddr);
	}
	return NULL;
}

uint8_t *xpdk_dpac_qmem(uint64_t x, uint64_t len)
{
	int64_t key = XPDK_DPA_QMEM_KEY(x);
	uint64_t haddr = XPDK_DPA_QMEM_ADDR(x);
	const struct dpa_cmkey *k;

	if (key < 0)
		return (uint8_t *)(uintptr_t)x; /* DPA heap: the model checked the range */
	if (key >= XPDK_DPA_MAX_MKEYS)
		return NULL;
	k = &xpdk_dpac.mkey[key];
	if (!k->used || haddr < k->haddr || haddr - k->haddr > k->len ||
	    len > k->len - (haddr - k->haddr))
		return NULL;
	return k->ptr + (haddr - k->haddr);
}

/* ---- CQEs --------------------------------------------------------------------------------- */

static void cq_lock(struct dpa_ccq *cq)
{
	while (__atomic_exchange_n(&cq->lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void cq_unlock(struct dpa_ccq *cq)
{
	__atomic_store_n(&cq->lock, 0, __ATOMIC_RELEASE);
}

/* Is CQ @p cqn full (its consumer index, from the doorbell record, a whole ring behind)? */
static bool cq_full(uint32_t cqn)
{
	struct dpa_ccq *cq = &xpdk_dpac.cq[cqn];
	uint32_t pi, ci;

	if (!cq->used)
		return true;
	if (cq->dbr == NULL)
		return false; /* no record: the NIC cannot see overruns */
	pi = __atomic_load_n(&xpdk_dpac.ctl->cq_pi[cqn], __ATOMIC_ACQUIRE);
	ci = be32(__atomic_load_n(&cq->dbr[0], __ATOMIC_ACQUIRE));
	return ((pi - ci) & 0xffffff) >= (1u << cq->log_depth);
}

static void cq_event(uint32_t cqn);

/* Write @p cqe (owner bit set here) as CQ @p cqn's next CQE and signal what the CQ drives. */
static void cqe_put(uint32_t cqn, struct xpdk_dpa_cqe64 *cqe)
{
	struct dpa_child *c = &xpdk_dpac;
	struct dpa_ccq *cq = &c->cq[cqn];
	bool signal = true;
	uint32_t pi;
	uint8_t *slot;

	cq_lock(cq);
	if (!cq->used) {
		cq_unlock(cq);
		return;
	}
	pi = __atomic_load_n(&c->ctl->cq_pi[cqn], __ATOMIC_RELAXED);
	slot = cq->ring + (uint64_t)(pi & ((1u << cq->log_depth) - 1)) * sizeof(*cqe);
	cqe->op_own = (uint8_t)((cqe->op_own & 0xfe) | ((pi >> cq->log_depth) & 1));
	/* the owner byte last: a poller that sees it sees the rest */
	memcpy(slot, cqe, sizeof(*cqe) - 1);
	__atomic_store_n(&slot[sizeof(*cqe) - 1], cqe->op_own, __ATOMIC_RELEASE);
	__atomic_store_n(&c->ctl->cq_pi[cqn], pi + 1, __ATOMIC_SEQ_CST);
	if (cq->mod_count > 1 || cq->mod_period_us > 0) {
		/* moderated: an event after mod_count CQEs, or mod_period_us after the first
		 * (the moderation thread watches the time) */
		if (cq->unsignalled++ == 0)
			cq->first_ns = xpdk_now_ns();
		signal = cq->mod_count > 0 && cq->unsignalled >= cq->mod_count;
		if (signal)
			cq->unsignalled = 0;
	}
	cq_unlock(cq);
	if (signal)
		cq_event(cqn);
}

/* The event of CQ @p cqn: activate its handler if armed, or raise its MSI-X. */
static void cq_event(uint32_t cqn)
{
	struct dpa_child *c = &xpdk_dpac;
	struct dpa_ccq *cq = &c->cq[cqn];

	if (cq->type == XPDK_DPA_CQ_DPA_THREAD) {
		if (__atomic_exchange_n(&c->ctl->cq_armed[cqn], 0, __ATOMIC_SEQ_CST))
			xpdk_dpac_activate(cq->target);
	} else if (cq->type == XPDK_DPA_CQ_MSIX) {
		struct dpa_msg m = { .type = DPA_EVT_MSIX, .a = { cqn } };

		(void)!send(c->evt_fd, &m, sizeof(m), MSG_NOSIGNAL);
	}
}

static void cqe_fill(struct xpdk_dpa_cqe64 *cqe, uint8_t opcode, uint32_t wqn, uint16_t counter,
		     uint32_t bytes, uint32_t user_index, uint8_t synd)
{
	memset(cqe, 0, sizeof(*cqe));
	cqe->byte_cnt = be32(bytes);
	cqe->sop_drop_qpn = be32(wqn & 0xffffff);
	cqe->user_index = be32(user_index);
	cqe->wqe_counter = be16(counter);
	cqe->syndrome = synd;
	cqe->op_own = (uint8_t)(opcode << 4);
}

static void count(struct dpa_nic_cnt *n, uint64_t packets, uint64_t bytes, uint64_t dropped,
		  uint64_t errors)
{
	__atomic_fetch_add(&n->packets, packets, __ATOMIC_RELAXED);
	__atomic_fetch_add(&n->bytes, bytes, __ATOMIC_RELAXED);
	__atomic_fetch_add(&n->dropped, dropped, __ATOMIC_RELAXED);
	__atomic_fetch_add(&n->errors, errors, __ATOMIC_RELAXED);
}

void xpdk_dpac_cqe(uint32_t cqn, uint8_t opcode, uint32_t wqn, uint16_t counter, uint32_t bytes,
		   uint32_t user_index, uint8_t synd, struct dpa_nic_cnt *cnt)
{
	struct xpdk_dpa_cqe64 cqe;

	if (cq_full(cqn)) {
		count(cnt, 0, 0, 0, 1); /* overrun: nothing overwritten */
		return;
	}
	cqe_fill(&cqe, opcode, wqn, counter, bytes, user_index, synd);
	cqe_put(cqn, &cqe);
}

/* ---- receive ------------------------------------------------------------------------------ */

/* Deliver one frame to the RQ that owns the port. */
static void rx_one(const uint8_t *frame, uint32_t len)
{
	struct dpa_child *c = &xpdk_dpac;
	int idx = __atomic_load_n(&c->port_rq, __ATOMIC_ACQUIRE);
	struct xpdk_dpa_cqe64 cqe;
	struct xpdk_dpa_wqe_data seg;
	struct dpa_cwq *wq;
	uint32_t posted, bc;
	uint8_t synd = 0, *dst;

	count(&c->ctl->port_rx, 1, len, 0, 0);
	if (idx < 0) {
		count(&c->ctl->port_rx, 0, 0, 1, 0);
		return;
	}
	wq = &c->wq[idx];
	pthread_mutex_lock(&wq->lock);
	if (!wq->used) {
		pthread_mutex_unlock(&wq->lock);
		count(&c->ctl->port_rx, 0, 0, 1, 0);
		return;
	}
	posted = be32(__atomic_load_n(&wq->dbr[0], __ATOMIC_ACQUIRE)) & 0xffff;
	if (((posted - wq->ci) & 0xffff) == 0 ||
	    ((posted - wq->ci) & 0xffff) > (1u << wq->log_depth) || cq_full(wq->cqn)) {
		/* no WQE posted (or a record claiming more than the ring), or the CQ is full */
		count(&c->ctl->wq_cnt[idx], 0, 0, 1, 0);
		pthread_mutex_unlock(&wq->lock);
		return;
	}
	memcpy(&seg, wq->ring + (uint64_t)(wq->ci & ((1u << wq->log_depth) - 1)) * sizeof(seg),
	       sizeof(seg));
	bc = be32(seg.byte_count);
	if (bc & XPDK_DPA_INLINE_BIT)
		synd = XPDK_DPA_SYND_LOCAL_QP_OP;
	else if (bc < len)
		synd = XPDK_DPA_SYND_LOCAL_LENGTH;
	else if ((dst = xpdk_dpac_nic_mem(be32(seg.lkey), __builtin_bswap64(seg.addr), len,
					  true)) == NULL)
		synd = XPDK_DPA_SYND_LOCAL_PROT;
	else
		memcpy(dst, frame, len);
	cqe_fill(&cqe, synd ? XPDK_DPA_CQE_RESP_ERR : XPDK_DPA_CQE_RESP_SEND,
		 XPDK_DPA_WQN_BASE + (uint32_t)idx, (uint16_t)wq->ci, synd ? 0 : len,
		 wq->user_index, synd);
	wq->ci++;
	count(&c->ctl->wq_cnt[idx], !synd, synd ? 0 : len, 0, synd != 0);
	cqe_put(wq->cqn, &cqe);
	pthread_mutex_unlock(&wq->lock);
}

static void *rx_main(void *arg)
{
	struct dpa_child *c = &xpdk_dpac;
	uint8_t *buf = malloc(XPDK_DPA_NIC_MAX_PKT);

	(void)arg;
	if (buf == NULL)
		xpdk_dpac_fatal(XPDK_DPA_STATUS_CRASH, "the NIC's receive thread has no memory");
	for (;;) {
		struct pollfd pfd = { .fd = c->tap_fd, .events = POLLIN };

		if (__atomic_load_n(&c->port_rq, __ATOMIC_ACQUIRE) < 0) {
			/* the RQ that owned the port is gone: leave the frames to the next owner,
			 * which may be another process */
			usleep(10000);
			continue;
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		for (int n = 0; n < RX_BURST; n++) {
			ssize_t len = read(c->tap_fd, buf, XPDK_DPA_NIC_MAX_PKT);

			if (len <= 0)
				break;
			rx_one(buf, (uint32_t)len);
		}
	}
	return NULL;
}

/* ---- send --------------------------------------------------------------------------------- */

/* Check one SQ WQE (copied out of the ring) and gather its data into @p iov (*niov entries,
 * *sent bytes; 0 for a NOP). @return 0 or a syndrome. */
static uint8_t tx_wqe(const struct dpa_cwq *wq, uint32_t wqn, const uint8_t *raw, struct iovec *iov,
		      int *niov, uint32_t *sent)
{
	const struct xpdk_dpa_wqe_ctrl *ctrl = (const void *)raw;
	const struct xpdk_dpa_wqe_eth *eth = (const void *)(raw + 16);
	uint32_t idx_op = be32(ctrl->idx_opcode), qpn_ds = be32(ctrl->qpn_ds);
	uint32_t ds = qpn_ds & 0x3f, total = 0;

	*sent = 0;
	*niov = 0;
	if ((qpn_ds >> 8) != wqn || ((idx_op >> 8) & 0xffff) != (wq->ci & 0xffff))
		return XPDK_DPA_SYND_LOCAL_QP_OP; /* another SQ's WQE, or a stale one */
	if ((idx_op & 0xff) == XPDK_DPA_WQE_OP_NOP)
		return 0;
	if ((idx_op & 0xff) != XPDK_DPA_WQE_OP_SEND || ds < 3 || ds > 4 || eth->cs_swp_flags ||
	    eth->mss || eth->inline_hdr_bsz)
		return XPDK_DPA_SYND_LOCAL_QP_OP;
	for (uint32_t s = 2; s < ds; s++) {
		const struct xpdk_dpa_wqe_data *d = (const void *)(raw + (size_t)16 * s);
		uint32_t bc = be32(d->byte_count);
		uint8_t *p;

		if (bc & XPDK_DPA_INLINE_BIT)
			return XPDK_DPA_SYND_LOCAL_QP_OP;
		if (bc > XPDK_DPA_NIC_MAX_PKT - total)
			return XPDK_DPA_SYND_LOCAL_LENGTH;
		if (bc == 0)
			continue;
		p = xpdk_dpac_nic_mem(be32(d->lkey), __builtin_bswap64(d->addr), bc, false);
		if (p == NULL)
			return XPDK_DPA_SYND_LOCAL_PROT;
		iov[*niov].iov_base = p;
		iov[(*niov)++].iov_len = bc;
		total += bc;
	}
	if (total < ETH_MIN_FRAME)
		return XPDK_DPA_SYND_LOCAL_LENGTH;
	*sent = total;
	return 0;
}

/* Run the WQEs of SQ @p idx up to producer index @p pi. @return false for a bad doorbell. */
static bool tx_run(uint32_t idx, uint16_t pi)
{
	struct dpa_child *c = &xpdk_dpac;
	struct dpa_cwq *wq = &c->wq[idx];
	uint32_t wqn = XPDK_DPA_WQN_BASE + idx, mask = (1u << wq->log_depth) - 1;
	uint32_t n = (uint16_t)(pi - wq->ci);

	if (n > mask + 1) {
		count(&c->ctl->wq_cnt[idx], 0, 0, 0, 1);
		return false; /* more WQEs than the ring holds: ignore the doorbell */
	}
	for (; n > 0; n--) {
		uint8_t raw[XPDK_DPA_SQ_WQE_SIZE];
		struct xpdk_dpa_wqe_ctrl ctrl;
		struct iovec iov[2];
		uint32_t ce, sent;
		int niov;
		uint8_t synd;

		memcpy(raw, wq->ring + (uint64_t)(wq->ci & mask) * sizeof(raw), sizeof(raw));
		memcpy(&ctrl, raw, sizeof(ctrl));
		synd = tx_wqe(wq, wqn, raw, iov, &niov, &sent);
		ce = (be32(ctrl.signature_fm_ce_se) >> 2) & 3;
		if (synd == 0 && sent > 0) {
			if (c->tap_fd >= 0 && writev(c->tap_fd, iov, niov) == (ssize_t)sent) {
				count(&c->ctl->wq_cnt[idx], 1, sent, 0, 0);
				count(&c->ctl->port_tx, 1, sent, 0, 0);
			} else {
				count(&c->ctl->wq_cnt[idx], 0, 0, 1, 0); /* no port, or full */
			}
		}
		if (synd != 0)
			count(&c->ctl->wq_cnt[idx], 0, 0, 0, 1);
		if (synd != 0 || ce >= XPDK_DPA_CE_ALWAYS) {
			struct xpdk_dpa_cqe64 cqe;

			if (cq_full(wq->cqn)) {
				count(&c->ctl->wq_cnt[idx], 0, 0, 0, 1); /* CQ overrun */
			} else {
				cqe_fill(&cqe, synd ? XPDK_DPA_CQE_REQ_ERR : XPDK_DPA_CQE_REQ, wqn,
					 (uint16_t)wq->ci, sent, wq->user_index, synd);
				cqe_put(wq->cqn, &cqe);
			}
		}
		wq->ci++;
	}
	return true;
}

flexio_dev_status_t flexio_dev_qp_sq_ring_db(struct flexio_dev_thread_ctx *dtctx, uint16_t pi,
					     uint32_t qnum)
{
	struct dpa_child *c = &xpdk_dpac;
	uint32_t idx = qnum - XPDK_DPA_WQN_BASE;
	struct dpa_cwq *wq;
	bool ok;

	if (dtctx->outbox < 0)
		xpdk_dpac_fatal(XPDK_DPA_STATUS_ILLEGAL,
				"%s rang an SQ doorbell without an outbox "
				"(flexio_dev_outbox_config first)",
				xpdk_dpac_who());
	if (qnum < XPDK_DPA_WQN_BASE || idx >= XPDK_DPA_MAX_WQS)
		xpdk_dpac_fatal(XPDK_DPA_STATUS_ILLEGAL,
				"flexio_dev_qp_sq_ring_db: %s named SQ 0x%x, which does not exist",
				xpdk_dpac_who(), qnum);
	wq = &c->wq[idx];
	pthread_mutex_lock(&c->qp_lock); /* before any WQ lock: QP sends lock their peer */
	pthread_mutex_lock(&wq->lock);
	if (!wq->used || !wq->is_sq) {
		pthread_mutex_unlock(&wq->lock);
		pthread_mutex_unlock(&c->qp_lock);
		xpdk_dpac_fatal(XPDK_DPA_STATUS_ILLEGAL,
				"flexio_dev_qp_sq_ring_db: %s named SQ 0x%x, which does not exist",
				xpdk_dpac_who(), qnum);
	}
	ok = wq->is_qp ? xpdk_dpac_qp_tx(idx, pi) : tx_run(idx, pi);
	pthread_mutex_unlock(&wq->lock);
	pthread_mutex_unlock(&c->qp_lock);
	return ok ? FLEXIO_DEV_STATUS_SUCCESS : FLEXIO_DEV_STATUS_FAILED;
}

/* ---- the model's requests ----------------------------------------------------------------- */

static int wq_add(struct dpa_msg *m, int fd)
{
	struct dpa_child *c = &xpdk_dpac;
	const uint64_t *a = m->a;
	struct dpa_cwq *wq;
	uint8_t *ring, *dbr;

	/* the model checked ring and record against the heap or their key, and the CQ */
	if (a[0] >= XPDK_DPA_MAX_WQS || a[2] >= XPDK_DPA_MAX_CQS || !c->cq[a[2]].used ||
	    a[5] > XPDK_DPA_MAX_LOG_WQ)
		return snprintf(m->text, sizeof(m->text), "bad WQ"), EINVAL;
	if (fd >= 0 && c->tap_fd < 0) {
		c->tap_fd = dup(fd);
		if (c->tap_fd < 0)
			return errno;
	}
	ring = xpdk_dpac_qmem(
	    a[3], (uint64_t)(a[1] == XPDK_DPA_WQ_SQ ? XPDK_DPA_SQ_WQE_SIZE : XPDK_DPA_RQ_WQE_SIZE)
		      << a[5]);
	dbr = xpdk_dpac_qmem(a[4], 8);
	if (ring == NULL || dbr == NULL)
		return snprintf(m->text, sizeof(m->text),
				"the WQ's ring or record is not in memory this process maps"),
		       EFAULT;
	wq = &c->wq[a[0]];
	pthread_mutex_lock(&wq->lock);
	wq->is_sq = a[1] == XPDK_DPA_WQ_SQ;
	wq->is_qp = false;
	wq->remote = -1;
	wq->cqn = (uint32_t)a[2];
	wq->ring = ring;
	wq->dbr = (uint32_t *)(void *)dbr;
	wq->log_depth = (uint32_t)a[5];
	wq->user_index = (uint32_t)a[6];
	wq->ci = 0;
	wq->used = true;
	pthread_mutex_unlock(&wq->lock);
	if (a[7] && c->tap_fd >= 0) {
		__atomic_store_n(&c->port_rq, (int)a[0], __ATOMIC_RELEASE);
		if (!c->rx_started) {
			pthread_t t;

			if (pthread_create(&t, NULL, rx_main, NULL) != 0)
				return snprintf(m->text, sizeof(m->text),
						"cannot start the NIC's receive thread"),
				       EAGAIN;
			pthread_detach(t);
			c->rx_started = true;
		}
	}
	return 0;
}

/* The moderation thread: fires the events of CQs whose period ran out. */
static void *mod_main(void *arg)
{
	struct dpa_child *c = &xpdk_dpac;

	(void)arg;
	for (;;) {
		uint64_t now = xpdk_now_ns();
		uint32_t nap_us = 1000;

		for (uint32_t i = 0; i < XPDK_DPA_MAX_CQS; i++) {
			struct dpa_ccq *cq = &c->cq[i];
			bool fire = false;

			if (!cq->used || cq->mod_period_us == 0)
				continue;
			if (cq->mod_period_us / 4 + 1 < nap_us)
				nap_us = cq->mod_period_us / 4 + 1;
			cq_lock(cq);
			if (cq->unsignalled > 0 &&
			    now - cq->first_ns >= (uint64_t)cq->mod_period_us * 1000) {
				cq->unsignalled = 0;
				fire = true;
			}
			cq_unlock(cq);
			if (fire)
				cq_event(i);
		}
		usleep(nap_us);
	}
	return NULL;
}

static int cq_mod(struct dpa_msg *m)
{
	struct dpa_child *c = &xpdk_dpac;
	const uint64_t *a = m->a;
	struct dpa_ccq *cq;
	bool fire;

	if (a[0] >= XPDK_DPA_MAX_CQS || !c->cq[a[0]].used || a[1] > 0xffff || a[2] > 0xffff)
		return EINVAL;
	cq = &c->cq[a[0]];
	cq_lock(cq);
	cq->mod_count = (uint32_t)a[1];
	cq->mod_period_us = (uint32_t)a[2];
	fire = cq->unsignalled > 0 && cq->mod_count <= 1 && cq->mod_period_us == 0;
	if (fire)
		cq->unsignalled = 0;
	cq_unlock(cq);
	if (fire)
		cq_event((uint32_t)a[0]); /* moderation off: what waited goes now */
	if (a[2] != 0 && !c->mod_started) {
		pthread_t t;

		if (pthread_create(&t, NULL, mod_main, NULL) != 0)
			return snprintf(m->text, sizeof(m->text),
					"cannot start the CQ moderation thread"),
			       EAGAIN;
		pthread_detach(t);
		c->mod_started = true;
	}
	return 0;
}

int xpdk_dpac_nic_msg(struct dpa_msg *m, int fd)
{
	struct dpa_child *c = &xpdk_dpac;
	const uint64_t *a = m->a;

	switch (m->type) {
	case DPA_MSG_WQ_ADD:
		return wq_add(m, fd);
	case DPA_MSG_WQ_DEL:
		if (a[0] >= XPDK_DPA_MAX_WQS)
			return EINVAL;
		if (__atomic_load_n(&c->port_rq, __ATOMIC_ACQUIRE) == (int)a[0])
			__atomic_store_n(&c->port_rq, -1, __ATOMIC_RELEASE);
		pthread_mutex_lock(&c->wq[a[0]].lock);
		c->wq[a[0]].used = false;
		pthread_mutex_unlock(&c->wq[a[0]].lock);
		return 0;
	case DPA_MSG_CQ_MOD:
		return cq_mod(m);
	case DPA_MSG_QP_ADD:
	case DPA_MSG_QP_MOD:
		return xpdk_dpac_qp_msg(m);
	case DPA_MSG_DMKEY_ADD:
		if (a[0] >= XPDK_DPA_MAX_MKEYS)
			return EINVAL;
		c->dmkey[a[0]] = (struct dpa_cdmkey){ .used = true, .daddr = a[1], .len = a[2] };
		return 0;
	default:
		return EPROTO;
	}
}
