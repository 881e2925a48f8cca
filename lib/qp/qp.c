/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Queue pairs: creation, state transitions with each state's attribute mask, out-of-band
 * connection, address handles, and burst posting with selective signalling.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qp_priv.h"
#include "xpdk_common.h"

#define POST_CHAIN   32
#define DEFAULT_QKEY 0x11111111u

/* ---- send-queue bookkeeping ---- */

int sq_book_init(struct sq_book *b, uint32_t depth, uint32_t sig_every)
{
	memset(b, 0, sizeof(*b));
	if (depth == 0)
		return -EINVAL;
	b->batch = calloc(depth, sizeof(*b->batch));
	if (b->batch == NULL)
		return -ENOMEM;
	b->depth = depth;
	b->sig_every = sig_every == 0 ? 1 : sig_every > depth ? depth : sig_every;
	return 0;
}

void sq_book_fini(struct sq_book *b)
{
	free(b->batch);
	b->batch = NULL;
}

bool sq_book_post(struct sq_book *b, bool want)
{
	bool sig;

	b->outstanding++;
	b->run++;
	/* signal when asked, every sig_every WRs, and when the queue would fill up with no
	 * completion to come */
	sig = want || b->run >= b->sig_every || b->outstanding == b->depth;
	if (sig) {
		b->batch[b->tail] = b->run;
		b->tail = (b->tail + 1) % b->depth;
		b->nbatch++;
		b->run = 0;
	}
	return sig;
}

void sq_book_unpost(struct sq_book *b, const bool *signalled, unsigned int n)
{
	/* undo newest first: a signalled WR closed a batch whose size is at the ring's tail */
	for (unsigned int i = n; i-- > 0;) {
		if (signalled[i]) {
			b->tail = (b->tail + b->depth - 1) % b->depth;
			b->nbatch--;
			b->run = b->batch[b->tail];
		}
		b->run--;
		b->outstanding--;
	}
}

void sq_book_complete(struct sq_book *b)
{
	if (b->nbatch == 0)
		return; /* nothing signalled is outstanding (reset after an error) */
	b->outstanding -= b->batch[b->head];
	b->head = (b->head + 1) % b->depth;
	b->nbatch--;
}

void sq_book_reset(struct sq_book *b)
{
	b->outstanding = 0;
	b->run = 0;
	b->head = b->tail = 0;
	b->nbatch = 0;
}

/* ---- addresses ---- */

void xpdk_qp_addr_pack(const struct xpdk_qp_addr *a, uint8_t out[XPDK_QP_ADDR_WIRE])
{
	uint32_t v;
	uint16_t l;

	v = htonl(a->qpn);
	memcpy(out, &v, 4);
	v = htonl(a->psn);
	memcpy(out + 4, &v, 4);
	v = htonl(a->qkey);
	memcpy(out + 8, &v, 4);
	l = htons(a->lid);
	memcpy(out + 12, &l, 2);
	out[14] = a->mtu;
	out[15] = a->rd_atomic;
	memcpy(out + 16, a->gid, 16);
}

void xpdk_qp_addr_unpack(const uint8_t in[XPDK_QP_ADDR_WIRE], struct xpdk_qp_addr *a)
{
	uint32_t v;
	uint16_t l;

	memcpy(&v, in, 4);
	a->qpn = ntohl(v);
	memcpy(&v, in + 4, 4);
	a->psn = ntohl(v);
	memcpy(&v, in + 8, 4);
	a->qkey = ntohl(v);
	memcpy(&l, in + 12, 2);
	a->lid = ntohs(l);
	a->mtu = in[14];
	a->rd_atomic = in[15];
	memcpy(a->gid, in + 16, 16);
}

/* ---- creation ---- */

struct xpdk_qp *xpdk_qp_create(struct xpdk_pd *pd, const struct xpdk_qp_opts *opts)
{
	struct ibv_qp_init_attr ia;
	struct xpdk_qp *qp;
	struct xpdk_qp_opts o;
	struct xpdk_rdma *dev;
	int rc;

	if (pd == NULL || opts == NULL || opts->send_cq == NULL) {
		xpdk_err(EINVAL, "xpdk_qp_create: %s",
			 pd == NULL	? "no PD"
			 : opts == NULL ? "no options"
					: "no send CQ");
		return NULL;
	}
	dev = pd->dev;
	o = *opts;
	if (o.type != XPDK_QP_RC && o.type != XPDK_QP_UD) {
		xpdk_err(EINVAL, "xpdk_qp_create: type %d is neither XPDK_QP_RC nor XPDK_QP_UD",
			 (int)o.type);
		return NULL;
	}
	if (o.recv_cq == NULL)
		o.recv_cq = o.send_cq;
	if (o.send_cq->dev != dev || o.recv_cq->dev != dev) {
		xpdk_err(EINVAL, "xpdk_qp_create: the CQs belong to another device than the PD");
		return NULL;
	}
	if (o.sq_depth == 0)
		o.sq_depth = 128;
	if (o.rq_depth == 0)
		o.rq_depth = 128;
	if (o.sq_depth > (uint32_t)dev->dev_attr.max_qp_wr ||
	    o.rq_depth > (uint32_t)dev->dev_attr.max_qp_wr) {
		xpdk_err(EINVAL, "%s: a queue holds at most %d WRs (asked: send %u, receive %u)",
			 dev->name, dev->dev_attr.max_qp_wr, o.sq_depth, o.rq_depth);
		return NULL;
	}
	if (o.qkey == 0)
		o.qkey = DEFAULT_QKEY;
	if (o.max_rd_atomic == 0) {
		int m = dev->dev_attr.max_qp_rd_atom < dev->dev_attr.max_qp_init_rd_atom
			    ? dev->dev_attr.max_qp_rd_atom
			    : dev->dev_attr.max_qp_init_rd_atom;

		o.max_rd_atomic = (uint8_t)(m > 255 ? 255 : m < 1 ? 1 : m);
	}
	if (o.timeout == 0)
		o.timeout = 14;
	if (o.retry_cnt == 0)
		o.retry_cnt = 7;
	if (o.rnr_retry == 0)
		o.rnr_retry = 7;

	qp = calloc(1, sizeof(*qp));
	if (qp == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	qp->pd = pd;
	qp->dev = dev;
	qp->type = o.type;
	qp->scq = o.send_cq;
	qp->rcq = o.recv_cq;
	memset(&ia, 0, sizeof(ia));
	ia.send_cq = o.send_cq->cq;
	ia.recv_cq = o.recv_cq->cq;
	ia.qp_type = o.type == XPDK_QP_RC ? IBV_QPT_RC : IBV_QPT_UD;
	ia.cap.max_send_wr = o.sq_depth;
	ia.cap.max_recv_wr = o.rq_depth;
	ia.cap.max_send_sge = 1;
	ia.cap.max_recv_sge = 1;
	ia.cap.max_inline_data = o.max_inline;
	ia.sq_sig_all = 0;
	qp->qp = ibv_create_qp(pd->pd, &ia);
	if (qp->qp == NULL) {
		int e = errno ? errno : ENOMEM;

		xpdk_err(e, "%s: ibv_create_qp (%s, send %u, receive %u, inline %u): %s", dev->name,
			 o.type == XPDK_QP_RC ? "RC" : "UD", o.sq_depth, o.rq_depth, o.max_inline,
			 strerror(e));
		free(qp);
		return NULL;
	}
	qp->max_inline = ia.cap.max_inline_data;
	if (o.max_inline > 0 && qp->max_inline < o.max_inline)
		qp->max_inline = o.max_inline;
	qp->opts = o;
	qp->psn = (uint32_t)(random() & 0xffffff);
	rc = sq_book_init(&qp->sq, o.sq_depth, o.sig_every);
	if (rc == 0)
		rc = cq_attach_qp(o.send_cq, qp);
	if (rc == 0 && o.recv_cq != o.send_cq) {
		rc = cq_attach_qp(o.recv_cq, qp);
		if (rc < 0)
			cq_detach_qp(o.send_cq, qp);
	}
	if (rc < 0) {
		xpdk_err(-rc, "out of memory");
		sq_book_fini(&qp->sq);
		ibv_destroy_qp(qp->qp);
		free(qp);
		return NULL;
	}
	o.send_cq->users++;
	if (o.recv_cq != o.send_cq)
		o.recv_cq->users++;
	atomic_fetch_add(&pd->users, 1);
	return qp;
}

int xpdk_qp_destroy(struct xpdk_qp *qp)
{
	int rc;

	if (qp == NULL)
		return 0;
	if (qp->cm_id != NULL) {
		if (qp->cm_connected)
			rdma_disconnect(qp->cm_id);
		rdma_destroy_id(qp->cm_id);
		qp->cm_id = NULL;
	}
	if (qp->cm_ch != NULL) {
		rdma_destroy_event_channel(qp->cm_ch);
		qp->cm_ch = NULL;
	}
	rc = ibv_destroy_qp(qp->qp);
	if (rc)
		return xpdk_err(rc, "ibv_destroy_qp: %s", strerror(rc));
	cq_detach_qp(qp->scq, qp);
	qp->scq->users--;
	if (qp->rcq != qp->scq) {
		cq_detach_qp(qp->rcq, qp);
		qp->rcq->users--;
	}
	atomic_fetch_sub(&qp->pd->users, 1);
	sq_book_fini(&qp->sq);
	free(qp);
	return 0;
}

uint32_t xpdk_qp_num(const struct xpdk_qp *qp)
{
	return qp->qp->qp_num;
}

struct ibv_qp *xpdk_qp_ibv(const struct xpdk_qp *qp)
{
	return qp ? qp->qp : NULL;
}

int xpdk_qp_state(struct xpdk_qp *qp)
{
	struct ibv_qp_attr a;
	struct ibv_qp_init_attr ia;
	int rc;

	if (qp == NULL)
		return xpdk_err(EINVAL, "xpdk_qp_state: no QP");
	rc = ibv_query_qp(qp->qp, &a, IBV_QP_STATE, &ia);
	if (rc)
		return xpdk_err(rc, "ibv_query_qp: %s", strerror(rc));
	return (int)a.qp_state;
}

unsigned int xpdk_qp_sq_free(const struct xpdk_qp *qp)
{
	return sq_book_free(&qp->sq);
}

unsigned int xpdk_qp_rq_posted(const struct xpdk_qp *qp)
{
	return qp->rq_posted;
}

int xpdk_qp_local_addr(const struct xpdk_qp *qp, struct xpdk_qp_addr *addr)
{
	if (qp == NULL || addr == NULL)
		return xpdk_err(EINVAL, "xpdk_qp_local_addr: NULL argument");
	memset(addr, 0, sizeof(*addr));
	addr->qpn = qp->qp->qp_num;
	addr->psn = qp->psn;
	addr->qkey = qp->opts.qkey;
	addr->lid = qp->dev->port_attr.lid;
	addr->mtu = (uint8_t)qp->dev->port_attr.active_mtu;
	addr->rd_atomic = qp->opts.max_rd_atomic;
	memcpy(addr->gid, qp->dev->gid.raw, 16);
	return 0;
}

/* ---- transitions ---- */

static const char *state_name(enum ibv_qp_state s)
{
	static const char *const n[] = { "RESET", "INIT", "RTR", "RTS", "SQD", "SQE", "ERROR" };

	return (unsigned int)s < XPDK_ARRAY_SIZE(n) ? n[s] : "?";
}

int qp_modify(struct xpdk_qp *qp, struct ibv_qp_attr *attr, int mask, const char *what)
{
	int rc = ibv_modify_qp(qp->qp, attr, mask);

	if (rc)
		return xpdk_err(rc, "%s: QP 0x%x to %s%s%s: %s", qp->dev->name, qp->qp->qp_num,
				state_name(attr->qp_state), what ? " " : "", what ? what : "",
				strerror(rc));
	return 0;
}

static int to_init(struct xpdk_qp *qp)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.pkey_index = 0,
		.port_num = qp->dev->port,
	};
	int mask = IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT;

	if (qp->type == XPDK_QP_UD) {
		a.qkey = qp->opts.qkey;
		mask |= IBV_QP_QKEY;
	} else {
		a.qp_access_flags =
		    IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
		mask |= IBV_QP_ACCESS_FLAGS;
	}
	return qp_modify(qp, &a, mask, NULL);
}

static void fill_ah(const struct xpdk_qp *qp, const struct xpdk_qp_addr *r, struct ibv_ah_attr *ah)
{
	memset(ah, 0, sizeof(*ah));
	ah->dlid = r->lid;
	ah->port_num = qp->dev->port;
	/* RoCE needs the GRH; IB uses it when the peer has a global GID */
	if (qp->dev->port_attr.link_layer == IBV_LINK_LAYER_ETHERNET || r->lid == 0) {
		ah->is_global = 1;
		memcpy(ah->grh.dgid.raw, r->gid, 16);
		ah->grh.sgid_index = (uint8_t)qp->dev->gid_index;
		ah->grh.hop_limit = 64;
	}
}

int xpdk_qp_connect(struct xpdk_qp *qp, const struct xpdk_qp_addr *remote)
{
	struct ibv_qp_attr a;
	int rc, st;

	if (qp == NULL || (qp->type == XPDK_QP_RC && remote == NULL))
		return xpdk_err(EINVAL, "xpdk_qp_connect: %s",
				qp == NULL ? "no QP" : "an RC QP needs the peer's address");
	st = xpdk_qp_state(qp);
	if (st < 0)
		return st;
	if (st != IBV_QPS_RESET)
		return xpdk_err(EINVAL, "xpdk_qp_connect: QP 0x%x is in state %s, not RESET",
				qp->qp->qp_num, state_name((enum ibv_qp_state)st));
	rc = to_init(qp);
	if (rc < 0)
		return rc;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	if (qp->type == XPDK_QP_UD) {
		rc = qp_modify(qp, &a, IBV_QP_STATE, NULL);
		if (rc < 0)
			return rc;
		memset(&a, 0, sizeof(a));
		a.qp_state = IBV_QPS_RTS;
		a.sq_psn = qp->psn;
		return qp_modify(qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN, NULL);
	}
	a.path_mtu = qp_path_mtu(qp->dev->port_attr.active_mtu, (enum ibv_mtu)remote->mtu);
	if (remote->mtu == 0)
		a.path_mtu = qp->dev->port_attr.active_mtu;
	a.dest_qp_num = remote->qpn;
	a.rq_psn = remote->psn;
	a.max_dest_rd_atomic = qp->opts.max_rd_atomic;
	a.min_rnr_timer = 12;
	fill_ah(qp, remote, &a.ah_attr);
	rc = qp_modify(qp, &a,
		       IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU | IBV_QP_DEST_QPN |
			   IBV_QP_RQ_PSN | IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER,
		       "(check the peer's GID and that it is reachable)");
	if (rc < 0)
		return rc;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = qp->opts.timeout;
	a.retry_cnt = qp->opts.retry_cnt;
	a.rnr_retry = qp->opts.rnr_retry;
	a.sq_psn = qp->psn;
	a.max_rd_atomic = remote->rd_atomic && remote->rd_atomic < qp->opts.max_rd_atomic
			      ? remote->rd_atomic
			      : qp->opts.max_rd_atomic;
	return qp_modify(qp, &a,
			 IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
			     IBV_QP_SQ_PSN | IBV_QP_MAX_QP_RD_ATOMIC,
			 NULL);
}

int xpdk_qp_to_error(struct xpdk_qp *qp)
{
	struct ibv_qp_attr a = { .qp_state = IBV_QPS_ERR };

	if (qp == NULL)
		return xpdk_err(EINVAL, "xpdk_qp_to_error: no QP");
	return qp_modify(qp, &a, IBV_QP_STATE, NULL);
}

/* ---- address handles ---- */

struct xpdk_ah *xpdk_ah_create(struct xpdk_pd *pd, const struct xpdk_qp_addr *remote)
{
	struct ibv_ah_attr attr;
	struct xpdk_qp fake;
	struct xpdk_ah *ah;

	if (pd == NULL || remote == NULL) {
		xpdk_err(EINVAL, "xpdk_ah_create: NULL argument");
		return NULL;
	}
	memset(&fake, 0, sizeof(fake));
	fake.dev = pd->dev;
	fill_ah(&fake, remote, &attr);
	ah = calloc(1, sizeof(*ah));
	if (ah == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	ah->ah = ibv_create_ah(pd->pd, &attr);
	if (ah->ah == NULL) {
		int e = errno ? errno : EINVAL;

		xpdk_err(e, "%s: ibv_create_ah: %s (is the peer's GID reachable?)", pd->dev->name,
			 strerror(e));
		free(ah);
		return NULL;
	}
	ah->pd = pd;
	atomic_fetch_add(&pd->users, 1);
	return ah;
}

int xpdk_ah_destroy(struct xpdk_ah *ah)
{
	int rc;

	if (ah == NULL)
		return 0;
	rc = ibv_destroy_ah(ah->ah);
	if (rc)
		return xpdk_err(rc, "ibv_destroy_ah: %s", strerror(rc));
	atomic_fetch_sub(&ah->pd->users, 1);
	free(ah);
	return 0;
}

/* ---- posting ---- */

int qp_check_send_wr(enum xpdk_qp_type type, uint32_t max_inline, const struct xpdk_wr *wr)
{
	if (wr->op > XPDK_OP_READ)
		return xpdk_err(EINVAL, "WR 0x%llx: unknown operation %u",
				(unsigned long long)wr->wr_id, wr->op);
	if (type == XPDK_QP_UD) {
		if (wr->op != XPDK_OP_SEND && wr->op != XPDK_OP_SEND_IMM)
			return xpdk_err(EINVAL,
					"WR 0x%llx: a UD QP only sends (no RDMA WRITE or READ)",
					(unsigned long long)wr->wr_id);
		if (wr->ah == NULL)
			return xpdk_err(EINVAL, "WR 0x%llx: a UD send needs an address handle",
					(unsigned long long)wr->wr_id);
	}
	if (wr->flags & XPDK_WR_INLINE) {
		if (wr->op == XPDK_OP_READ)
			return xpdk_err(EINVAL, "WR 0x%llx: a READ cannot be inline",
					(unsigned long long)wr->wr_id);
		if (wr->len > max_inline)
			return xpdk_err(EINVAL,
					"WR 0x%llx: %u bytes inline, but the QP takes at most %u "
					"(set max_inline when creating it)",
					(unsigned long long)wr->wr_id, wr->len, max_inline);
	}
	if (wr->len > 0 && wr->addr == NULL)
		return xpdk_err(EINVAL, "WR 0x%llx: %u bytes at NULL",
				(unsigned long long)wr->wr_id, wr->len);
	return 0;
}

static const enum ibv_wr_opcode op_map[] = {
	[XPDK_OP_SEND] = IBV_WR_SEND,	     [XPDK_OP_SEND_IMM] = IBV_WR_SEND_WITH_IMM,
	[XPDK_OP_WRITE] = IBV_WR_RDMA_WRITE, [XPDK_OP_WRITE_IMM] = IBV_WR_RDMA_WRITE_WITH_IMM,
	[XPDK_OP_READ] = IBV_WR_RDMA_READ,
};

static int local_key(struct xpdk_qp *qp, const struct xpdk_wr *w, uint32_t *lkey)
{
	if (w->flags & XPDK_WR_DMA_KEY)
		return xpdk_pd_dma_key(qp->pd, w->addr, w->len, lkey, NULL);
	*lkey = w->lkey;
	return 0;
}

int xpdk_qp_post_send(struct xpdk_qp *qp, const struct xpdk_wr *wr, unsigned int n)
{
	struct ibv_send_wr sw[POST_CHAIN], *bad;
	struct ibv_sge sge[POST_CHAIN];
	bool sig[POST_CHAIN];
	unsigned int done = 0;
	bool stop = false;

	if (qp == NULL || (wr == NULL && n > 0))
		return xpdk_err(EINVAL, "xpdk_qp_post_send: NULL argument");
	while (done < n && !stop) {
		unsigned int k = n - done, room = sq_book_free(&qp->sq);
		int rc;

		if (k > POST_CHAIN)
			k = POST_CHAIN;
		if (k > room)
			k = room;
		if (k == 0)
			break;
		for (unsigned int i = 0; i < k; i++) {
			const struct xpdk_wr *w = &wr[done + i];
			struct ibv_send_wr *s = &sw[i];
			unsigned int f = 0;

			rc = qp_check_send_wr(qp->type, qp->max_inline, w);
			if (rc == 0 && w->len > 0 && !(w->flags & XPDK_WR_INLINE))
				rc = local_key(qp, w, &sge[i].lkey);
			if (rc < 0) {
				if (done + i == 0)
					return rc;
				k = i;
				stop = true;
				break;
			}
			sge[i].addr = (uintptr_t)w->addr;
			sge[i].length = w->len;
			s->wr_id = w->wr_id;
			s->next = &sw[i + 1];
			s->sg_list = &sge[i];
			s->num_sge = w->len > 0 ? 1 : 0;
			s->opcode = op_map[w->op];
			sig[i] = sq_book_post(&qp->sq, w->flags & XPDK_WR_SIGNALED);
			if (sig[i])
				f |= IBV_SEND_SIGNALED;
			if (w->flags & XPDK_WR_INLINE)
				f |= IBV_SEND_INLINE;
			if (w->flags & XPDK_WR_FENCE)
				f |= IBV_SEND_FENCE;
			if (w->flags & XPDK_WR_SOLICITED)
				f |= IBV_SEND_SOLICITED;
			s->send_flags = f;
			s->imm_data = w->imm;
			if (qp->type == XPDK_QP_UD) {
				s->wr.ud.ah = w->ah->ah;
				s->wr.ud.remote_qpn = w->rqpn;
				s->wr.ud.remote_qkey = w->rqkey ? w->rqkey : qp->opts.qkey;
			} else {
				s->wr.rdma.remote_addr = w->raddr;
				s->wr.rdma.rkey = w->rkey;
			}
		}
		if (k == 0)
			break;
		sw[k - 1].next = NULL;
		bad = NULL;
		rc = ibv_post_send(qp->qp, sw, &bad);
		if (rc) {
			unsigned int ok = bad ? (unsigned int)(bad - sw) : 0;

			sq_book_unpost(&qp->sq, sig + ok, k - ok);
			if (done + ok == 0)
				return xpdk_err(rc, "%s: ibv_post_send on QP 0x%x: %s",
						qp->dev->name, qp->qp->qp_num, strerror(rc));
			return (int)(done + ok);
		}
		done += k;
	}
	return (int)done;
}

int xpdk_qp_post_recv(struct xpdk_qp *qp, const struct xpdk_wr *wr, unsigned int n)
{
	struct ibv_recv_wr rw[POST_CHAIN], *bad;
	struct ibv_sge sge[POST_CHAIN];
	unsigned int done = 0;
	bool stop = false;

	if (qp == NULL || (wr == NULL && n > 0))
		return xpdk_err(EINVAL, "xpdk_qp_post_recv: NULL argument");
	while (done < n && !stop) {
		unsigned int k = n - done, room = qp->opts.rq_depth - qp->rq_posted;
		int rc;

		if (k > POST_CHAIN)
			k = POST_CHAIN;
		if (k > room)
			k = room;
		if (k == 0)
			break;
		for (unsigned int i = 0; i < k; i++) {
			const struct xpdk_wr *w = &wr[done + i];

			rc = 0;
			if (w->len > 0 && w->addr == NULL)
				rc = xpdk_err(EINVAL, "receive WR 0x%llx: %u bytes at NULL",
					      (unsigned long long)w->wr_id, w->len);
			else if (w->len > 0)
				rc = local_key(qp, w, &sge[i].lkey);
			if (rc < 0) {
				if (done + i == 0)
					return rc;
				k = i;
				stop = true;
				break;
			}
			sge[i].addr = (uintptr_t)w->addr;
			sge[i].length = w->len;
			rw[i].wr_id = w->wr_id;
			rw[i].next = &rw[i + 1];
			rw[i].sg_list = &sge[i];
			rw[i].num_sge = w->len > 0 ? 1 : 0;
		}
		if (k == 0)
			break;
		rw[k - 1].next = NULL;
		bad = NULL;
		rc = ibv_post_recv(qp->qp, rw, &bad);
		if (rc) {
			unsigned int ok = bad ? (unsigned int)(bad - rw) : 0;

			qp->rq_posted += ok;
			if (done + ok == 0)
				return xpdk_err(rc, "%s: ibv_post_recv on QP 0x%x: %s",
						qp->dev->name, qp->qp->qp_num, strerror(rc));
			return (int)(done + ok);
		}
		qp->rq_posted += k;
		done += k;
	}
	return (int)done;
}
