/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Completion queues: burst polling (with the send-queue bookkeeping of the QPs sending through
 * the CQ), a callback form for lib/poll handlers, and the optional completion channel.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "qp_priv.h"
#include "xpdk_common.h"

struct xpdk_cq *xpdk_cq_create(struct xpdk_rdma *dev, unsigned int size, unsigned int flags)
{
	struct xpdk_cq *cq;

	if (dev == NULL || size == 0 || (flags & ~XPDK_CQ_F_CHANNEL)) {
		xpdk_err(EINVAL, "xpdk_cq_create: %s",
			 dev == NULL ? "no device"
			 : size == 0 ? "size 0"
				     : "unknown flags");
		return NULL;
	}
	if (size > (unsigned int)dev->dev_attr.max_cqe) {
		xpdk_err(EINVAL, "%s: a CQ holds at most %d entries, not %u", dev->name,
			 dev->dev_attr.max_cqe, size);
		return NULL;
	}
	cq = calloc(1, sizeof(*cq));
	if (cq == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	cq->dev = dev;
	if (flags & XPDK_CQ_F_CHANNEL) {
		cq->ch = ibv_create_comp_channel(dev->ctx);
		if (cq->ch == NULL) {
			xpdk_err(errno ? errno : ENOMEM, "%s: ibv_create_comp_channel: %s",
				 dev->name, strerror(errno ? errno : ENOMEM));
			free(cq);
			return NULL;
		}
		fcntl(cq->ch->fd, F_SETFL, fcntl(cq->ch->fd, F_GETFL) | O_NONBLOCK);
	}
	cq->cq = ibv_create_cq(dev->ctx, (int)size, cq, cq->ch, 0);
	if (cq->cq == NULL) {
		xpdk_err(errno ? errno : ENOMEM, "%s: ibv_create_cq(%u): %s", dev->name, size,
			 strerror(errno ? errno : ENOMEM));
		if (cq->ch)
			ibv_destroy_comp_channel(cq->ch);
		free(cq);
		return NULL;
	}
	return cq;
}

int xpdk_cq_destroy(struct xpdk_cq *cq)
{
	int rc;

	if (cq == NULL)
		return 0;
	if (cq->users > 0)
		return xpdk_err(EBUSY, "%d QPs still use the CQ; destroy them first", cq->users);
	if (cq->events_unacked)
		ibv_ack_cq_events(cq->cq, cq->events_unacked);
	rc = ibv_destroy_cq(cq->cq);
	if (rc)
		return xpdk_err(rc, "ibv_destroy_cq: %s", strerror(rc));
	if (cq->ch)
		ibv_destroy_comp_channel(cq->ch);
	free(cq->qps);
	free(cq);
	return 0;
}

int cq_attach_qp(struct xpdk_cq *cq, struct xpdk_qp *qp)
{
	struct xpdk_qp **n = realloc(cq->qps, (cq->nqps + 1) * sizeof(struct xpdk_qp *));

	if (n == NULL)
		return xpdk_err(ENOMEM, "out of memory");
	n[cq->nqps++] = qp;
	cq->qps = n;
	return 0;
}

void cq_detach_qp(struct xpdk_cq *cq, struct xpdk_qp *qp)
{
	for (unsigned int i = 0; i < cq->nqps; i++)
		if (cq->qps[i] == qp) {
			cq->qps[i] = cq->qps[--cq->nqps];
			break;
		}
	if (cq->last == qp)
		cq->last = NULL;
}

static struct xpdk_qp *qp_of(struct xpdk_cq *cq, uint32_t qpn)
{
	if (cq->last && cq->last->qp->qp_num == qpn)
		return cq->last;
	for (unsigned int i = 0; i < cq->nqps; i++)
		if (cq->qps[i]->qp->qp_num == qpn)
			return cq->last = cq->qps[i];
	return NULL;
}

/* Credit the bookkeeping of the QPs that @p wc completes for. */
static void account(struct xpdk_cq *cq, const struct ibv_wc *wc, int n)
{
	for (int i = 0; i < n; i++) {
		struct xpdk_qp *qp = qp_of(cq, wc[i].qp_num);

		if (qp == NULL)
			continue;
		if (wc[i].status != IBV_WC_SUCCESS) {
			/* the QP is in error: everything it had flushes; opcode is undefined */
			sq_book_reset(&qp->sq);
			qp->rq_posted = 0;
		} else if (wc[i].opcode & IBV_WC_RECV) {
			if (qp->rcq == cq && qp->rq_posted)
				qp->rq_posted--;
		} else if (qp->scq == cq) {
			sq_book_complete(&qp->sq);
		}
	}
}

int xpdk_cq_poll(struct xpdk_cq *cq, struct ibv_wc *wc, unsigned int n)
{
	int got;

	if (n == 0)
		return 0;
	got = ibv_poll_cq(cq->cq, (int)n, wc);
	if (got < 0)
		return xpdk_err(EIO, "ibv_poll_cq failed (%d)", got);
	if (got > 0 && cq->nqps)
		account(cq, wc, got);
	return got;
}

int xpdk_cq_poll_cb(struct xpdk_cq *cq, unsigned int burst, xpdk_cq_cb cb, void *arg)
{
	struct ibv_wc wc[XPDK_CQ_BURST_MAX];
	int got;

	if (cq == NULL || cb == NULL)
		return xpdk_err(EINVAL, "xpdk_cq_poll_cb: NULL argument");
	if (burst == 0 || burst > XPDK_CQ_BURST_MAX)
		burst = XPDK_CQ_BURST_MAX;
	got = xpdk_cq_poll(cq, wc, burst);
	if (got > 0)
		cb(arg, cq, wc, (unsigned int)got);
	return got;
}

static int cq_arm(struct xpdk_cq *cq)
{
	int rc;

	if (cq->armed)
		return 0;
	rc = ibv_req_notify_cq(cq->cq, 0);
	if (rc)
		return xpdk_err(rc, "ibv_req_notify_cq: %s", strerror(rc));
	cq->armed = true;
	return 0;
}

/* Take the channel's pending events (non-blocking fd). Returns how many were taken. */
static int drain_events(struct xpdk_cq *cq)
{
	struct ibv_cq *ev_cq;
	void *ev_ctx;
	int got = 0;

	while (ibv_get_cq_event(cq->ch, &ev_cq, &ev_ctx) == 0) {
		cq->events_unacked++;
		cq->armed = false;
		got++;
	}
	if (cq->events_unacked >= 64) {
		ibv_ack_cq_events(cq->cq, cq->events_unacked);
		cq->events_unacked = 0;
	}
	return got;
}

int xpdk_cq_wait(struct xpdk_cq *cq, struct ibv_wc *wc, unsigned int n, int timeout_ms)
{
	uint64_t deadline = timeout_ms < 0 ? 0 : xpdk_now_ns() + (uint64_t)timeout_ms * 1000000;
	int rc;

	if (cq == NULL || cq->ch == NULL)
		return xpdk_err(EINVAL, "xpdk_cq_wait: the CQ has no completion channel "
					"(create it with XPDK_CQ_F_CHANNEL)");
	for (;;) {
		struct pollfd pfd = { .fd = cq->ch->fd, .events = POLLIN };
		int left = -1;

		rc = xpdk_cq_poll(cq, wc, n);
		if (rc != 0)
			return rc;
		rc = cq_arm(cq);
		if (rc < 0)
			return rc;
		/* completions queued before the arming raise no event: poll once more */
		rc = xpdk_cq_poll(cq, wc, n);
		if (rc != 0)
			return rc;
		if (timeout_ms >= 0) {
			uint64_t now = xpdk_now_ns();

			if (now >= deadline)
				return 0;
			left = (int)((deadline - now + 999999) / 1000000);
		}
		rc = poll(&pfd, 1, left);
		if (rc < 0 && errno != EINTR)
			return xpdk_err(errno, "poll on the completion channel: %s",
					strerror(errno));
		drain_events(cq);
	}
}

int xpdk_cq_fd(const struct xpdk_cq *cq)
{
	return cq && cq->ch ? cq->ch->fd : -1;
}

struct ibv_cq *xpdk_cq_ibv(const struct xpdk_cq *cq)
{
	return cq ? cq->cq : NULL;
}

const char *xpdk_wc_status_str(enum ibv_wc_status status)
{
	return ibv_wc_status_str(status);
}
