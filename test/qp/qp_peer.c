/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * One side of lib/qp's two-process traffic test on real verbs devices (the vm tier runs it on
 * two Soft-RoCE devices, test/vm/guest-qp.sh). Prints "ok - WHAT" / "not ok - WHAT" lines, each
 * naming what it checks; exits 0 when all passed.
 *
 *   qp_peer server ADDR PORT        listen on ADDR (the device serving it is used)
 *   qp_peer client ADDR PORT SRC    connect from SRC (its device) to ADDR
 *   qp_peer errors DEV              error sentences: wrong device, port, GID
 *   qp_peer nodev                   the kernel has no RDMA: the sentence says how to get it
 *
 * The two sides keep step over the rdma_cm-connected RC QP "A": every phase ends with a small
 * control message each way.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xpdk_common.h"
#include "xpdk_env.h"
#include "xpdk_qp.h"

#define BUF_SIZE   (256 * 1024)
#define MSG_SIZE   128
#define TIMEOUT_MS 20000
#define UD_GRH	   40

static int failures;
static int role_server;
static const char *role = "";

static void check(bool cond, const char *fmt, ...) XPDK_PRINTF(2, 3);
static void check(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - %s", cond ? "ok" : "not ok", role);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!cond) {
		failures++;
		printf(" [last error: %s]", xpdk_strerror_last());
	}
	printf("\n");
	fflush(stdout);
}

static void die(const char *what)
{
	printf("not ok - %s%s: %s\n", role, what, xpdk_strerror_last());
	exit(1);
}

/* Control information each side sends the other after connecting. */
struct ctl {
	uint64_t buf_addr;
	uint32_t buf_rkey;
	uint32_t mr_rkey;
	uint64_t mr_addr;
	uint8_t ud[XPDK_QP_ADDR_WIRE];
	uint8_t rc[XPDK_QP_ADDR_WIRE];
};

struct side {
	struct xpdk_rdma *dev;
	struct xpdk_pd *pd;
	struct xpdk_cq *cq;  /* QP A, both queues; has a channel */
	struct xpdk_cq *cqb; /* QP B and the UD QP */
	struct xpdk_qp *a, *b, *ud;
	struct xpdk_dma_buf *buf; /* DMA memory: keys from the PD's registration */
	uint8_t *ubuf;		  /* user memory: its own MR */
	struct xpdk_mr *umr;
	uint8_t *msg; /* control messages: in ubuf */
	struct ctl peer;
};

/* Wait for @p want completions on @p cq (successful ones unless @p any), into @p wc. */
static int wait_wc(struct xpdk_cq *cq, struct ibv_wc *wc, int want, bool any)
{
	uint64_t deadline = xpdk_now_ns() + (uint64_t)TIMEOUT_MS * 1000000;
	int got = 0;

	while (got < want && xpdk_now_ns() < deadline) {
		int n = xpdk_cq_poll(cq, wc + got, (unsigned int)(want - got));

		if (n < 0)
			return n;
		for (int i = got; i < got + n; i++)
			if (!any && wc[i].status != IBV_WC_SUCCESS) {
				printf("# completion %d: %s (wr_id %" PRIu64 ")\n", i,
				       xpdk_wc_status_str(wc[i].status), wc[i].wr_id);
				return -EIO;
			}
		got += n;
	}
	return got;
}

static int post_recv_msg(struct side *s, struct xpdk_qp *qp, uint64_t id)
{
	struct xpdk_wr w = { .wr_id = id,
			     .addr = s->msg + MSG_SIZE * (id % 8),
			     .len = MSG_SIZE,
			     .lkey = xpdk_mr_lkey(s->umr) };

	return xpdk_qp_post_recv(qp, &w, 1);
}

/* Send @p len bytes of @p data on A and wait for the peer's message (posted before). */
static int exchange(struct side *s, const void *data, size_t len, void *reply)
{
	struct ibv_wc wc[2];
	uint8_t *out = s->msg + 7 * MSG_SIZE;
	struct xpdk_wr w = { .wr_id = 0x5e4d,
			     .addr = out,
			     .len = (uint32_t)len,
			     .lkey = xpdk_mr_lkey(s->umr),
			     .op = XPDK_OP_SEND,
			     .flags = XPDK_WR_SIGNALED };
	int n, got_send = 0, got_recv = 0;

	memcpy(out, data, len);
	if (xpdk_qp_post_send(s->a, &w, 1) != 1)
		return -1;
	while (got_send + got_recv < 2) {
		n = wait_wc(s->cq, wc, 1, false);
		if (n != 1)
			return -1;
		if (wc[0].opcode == IBV_WC_RECV) {
			memcpy(reply, s->msg + MSG_SIZE * (wc[0].wr_id % 8), MSG_SIZE);
			got_recv++;
		} else {
			got_send++;
		}
	}
	return 0;
}

/* Keep step: post a receive for the next message, then exchange a marker. */
static int sync_peer(struct side *s, uint32_t step)
{
	uint8_t reply[MSG_SIZE];
	uint32_t got;

	if (post_recv_msg(s, s->a, step) != 1)
		return -1;
	if (exchange(s, &step, sizeof(step), reply) < 0)
		return -1;
	memcpy(&got, reply, sizeof(got));
	return got == step ? 0 : -1;
}

static void setup(struct side *s, const char *addr)
{
	struct xpdk_qp_opts o = { 0 };

	s->dev = xpdk_rdma_open(addr, NULL);
	check(s->dev != NULL, "xpdk_rdma_open(\"%s\") finds the device serving the address", addr);
	if (s->dev == NULL)
		exit(1);
	s->pd = xpdk_pd_alloc(s->dev);
	s->cq = xpdk_cq_create(s->dev, 256, XPDK_CQ_F_CHANNEL);
	s->cqb = xpdk_cq_create(s->dev, 256, 0);
	if (!s->pd || !s->cq || !s->cqb)
		die("PD and CQs");
	o.send_cq = s->cq;
	o.sq_depth = 64;
	o.rq_depth = 64;
	o.max_inline = 64;
	s->a = xpdk_qp_create(s->pd, &o);
	o.send_cq = s->cqb;
	o.sig_every = 1;
	s->b = xpdk_qp_create(s->pd, &o);
	o.type = XPDK_QP_UD;
	o.max_inline = 0;
	s->ud = xpdk_qp_create(s->pd, &o);
	if (!s->a || !s->b || !s->ud)
		die("QPs");
	s->buf = xpdk_dma_alloc(BUF_SIZE, 4096, XPDK_DMA_F_ZERO);
	s->ubuf = aligned_alloc(4096, BUF_SIZE);
	if (!s->buf || !s->ubuf)
		die("buffers");
	memset(s->ubuf, 0, BUF_SIZE);
	s->msg = s->ubuf + BUF_SIZE - 8 * MSG_SIZE;
	s->umr = xpdk_mr_reg(s->pd, s->ubuf, BUF_SIZE, XPDK_MR_ACCESS_DEFAULT);
	check(s->umr != NULL, "a malloc'd user buffer registers (xpdk_mr_reg)");
	if (!s->umr)
		exit(1);
	{
		uint32_t l1, r1, l2, r2;
		int rc1 = xpdk_pd_dma_key(s->pd, s->buf->va, BUF_SIZE, &l1, &r1);
		int rc2 = xpdk_pd_dma_key(s->pd, (char *)s->buf->va + 100, 100, &l2, &r2);
		int rc3 = xpdk_pd_dma_key(s->pd, s->ubuf, 64, &l2, &r2);

		check(rc1 == 0 && rc2 == 0 && l1 == l2 && r1 == r2,
		      "a DMA buffer's keys come from the PD's per-chunk registration, the same "
		      "key for any address inside it");
		check(rc3 == -ENOENT, "xpdk_pd_dma_key on memory outside EAL says -ENOENT (%d)",
		      rc3);
	}
}

static void fill_ctl(struct side *s, struct ctl *c)
{
	struct xpdk_qp_addr a;
	uint32_t lkey;

	memset(c, 0, sizeof(*c));
	c->buf_addr = (uintptr_t)s->buf->va;
	xpdk_pd_dma_key(s->pd, s->buf->va, BUF_SIZE, &lkey, &c->buf_rkey);
	c->mr_addr = (uintptr_t)s->ubuf;
	c->mr_rkey = xpdk_mr_rkey(s->umr);
	xpdk_qp_local_addr(s->ud, &a);
	xpdk_qp_addr_pack(&a, c->ud);
	xpdk_qp_local_addr(s->b, &a);
	xpdk_qp_addr_pack(&a, c->rc);
}

static void pattern(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

static bool is_pattern(const uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)(seed + i * 7 + (i >> 8)))
			return false;
	return true;
}

/* ---- phases ---- */

static void phase_send_recv(struct side *s)
{
	struct ibv_wc wc[16];
	uint32_t lkey;
	int n;

	xpdk_pd_dma_key(s->pd, s->buf->va, BUF_SIZE, &lkey, NULL);
	if (role_server) {
		struct xpdk_wr r[8];

		/* the step first: receives are consumed in order, and the client's marker must
		 * not land in a data buffer (its SENDs wait for the receives: RNR retry) */
		sync_peer(s, 1);
		for (int i = 0; i < 8; i++)
			r[i] = (struct xpdk_wr){ .wr_id = 100 + i,
						 .addr = (uint8_t *)s->buf->va + 4096 * i,
						 .len = 4096,
						 .flags = XPDK_WR_DMA_KEY };
		n = xpdk_qp_post_recv(s->a, r, 8);
		check(n == 8 && xpdk_qp_rq_posted(s->a) == 8,
		      "a burst of 8 receives posts in one call (%d)", n);
		n = wait_wc(s->cq, wc, 8, false);
		bool ok = n == 8;

		for (int i = 0; ok && i < 8; i++)
			ok = wc[i].opcode == IBV_WC_RECV && wc[i].wr_id == 100u + i &&
			     wc[i].byte_len == (i < 4 ? 48u : 4096u) &&
			     is_pattern((uint8_t *)s->buf->va + 4096 * i, wc[i].byte_len, i);
		check(ok, "8 SENDs (4 inline 48-byte, 4 of 4 KiB) arrive in order with their data");
		check(xpdk_qp_rq_posted(s->a) == 0, "receive bookkeeping is back to 0");
	} else {
		struct xpdk_wr w[8];

		sync_peer(s, 1);
		for (int i = 0; i < 8; i++) {
			pattern((uint8_t *)s->buf->va + 4096 * i, 4096, i);
			w[i] = (struct xpdk_wr){ .wr_id = 200 + i,
						 .addr = (uint8_t *)s->buf->va + 4096 * i,
						 .len = i < 4 ? 48 : 4096,
						 .op = XPDK_OP_SEND,
						 .lkey = lkey,
						 .flags = (i < 4 ? XPDK_WR_INLINE : 0) |
							  (i == 7 ? XPDK_WR_SIGNALED : 0) };
		}
		n = xpdk_qp_post_send(s->a, w, 8);
		check(n == 8, "a burst of 8 SENDs (4 inline) posts in one call (%d)", n);
		n = wait_wc(s->cq, wc, 8, false);
		check(n == 8 && wc[7].wr_id == 207 && wc[7].opcode == IBV_WC_SEND,
		      "8 SENDs complete (QP A signals every WR by default)");
	}
}

static void phase_write_read(struct side *s)
{
	struct ibv_wc wc[64];
	uint32_t lkey;
	int n;

	xpdk_pd_dma_key(s->pd, s->buf->va, BUF_SIZE, &lkey, NULL);
	if (role_server) {
		/* the server's own pattern in its user buffer for the client's READ */
		pattern(s->ubuf, 64 * 1024, 0x77);
		sync_peer(s, 2);
		sync_peer(s, 3); /* client wrote */
		check(is_pattern((uint8_t *)s->buf->va + 65536, 65536, 0x33),
		      "64 KiB RDMA WRITE from the peer landed in this DMA buffer, data checked");
		sync_peer(s, 4); /* client read */
		return;
	}
	sync_peer(s, 2);
	pattern((uint8_t *)s->buf->va + 65536, 65536, 0x33);
	struct xpdk_wr w = { .wr_id = 300,
			     .addr = (uint8_t *)s->buf->va + 65536,
			     .len = 65536,
			     .lkey = lkey,
			     .op = XPDK_OP_WRITE,
			     .raddr = s->peer.buf_addr + 65536,
			     .rkey = s->peer.buf_rkey };
	n = xpdk_qp_post_send(s->a, &w, 1);
	n = n == 1 ? wait_wc(s->cq, wc, 1, false) : n;
	check(n == 1 && wc[0].opcode == IBV_WC_RDMA_WRITE,
	      "64 KiB RDMA WRITE into the peer's DMA buffer completes");
	sync_peer(s, 3);
	memset((uint8_t *)s->buf->va + 131072, 0, 65536);
	w = (struct xpdk_wr){ .wr_id = 301,
			      .addr = (uint8_t *)s->buf->va + 131072,
			      .len = 65536,
			      .lkey = lkey,
			      .op = XPDK_OP_READ,
			      .raddr = s->peer.mr_addr,
			      .rkey = s->peer.mr_rkey };
	n = xpdk_qp_post_send(s->a, &w, 1);
	n = n == 1 ? wait_wc(s->cq, wc, 1, false) : n;
	check(n == 1 && wc[0].opcode == IBV_WC_RDMA_READ &&
		  is_pattern((uint8_t *)s->buf->va + 131072, 65536, 0x77),
	      "64 KiB RDMA READ of the peer's user-memory MR returns its data");
	sync_peer(s, 4);
}

/* Selective signalling and send-queue bookkeeping, on a QP looped back to itself */
static void phase_signalling(struct side *s)
{
	struct ibv_wc wc[64];
	struct xpdk_wr w[48];
	uint32_t lkey;
	int n, total = 0, signalled = 0;

	if (role_server) {
		sync_peer(s, 5);
		return;
	}
	xpdk_pd_dma_key(s->pd, s->buf->va, BUF_SIZE, &lkey, NULL);
	for (int i = 0; i < 48; i++)
		w[i] = (struct xpdk_wr){ .wr_id = 400 + i,
					 .addr = (uint8_t *)s->buf->va + 64 * i,
					 .len = 64,
					 .lkey = lkey,
					 .op = XPDK_OP_WRITE,
					 .flags = (i % 16 == 15) ? XPDK_WR_SIGNALED : 0,
					 .raddr = s->peer.buf_addr + 200000 + 64 * i,
					 .rkey = s->peer.buf_rkey };
	struct xpdk_qp_opts o = {
		.send_cq = s->cqb, .sq_depth = 32, .rq_depth = 4, .sig_every = 8
	};
	struct xpdk_qp *q = xpdk_qp_create(s->pd, &o);
	struct xpdk_qp_addr self;

	/* loop back to itself: the bookkeeping, not the peer, is under test */
	xpdk_qp_local_addr(q, &self);
	check(q != NULL && xpdk_qp_connect(q, &self) == 0 && xpdk_qp_state(q) == IBV_QPS_RTS,
	      "a QP connects to its own address out of band and reaches RTS");
	for (int i = 0; i < 48; i++) {
		w[i].raddr = (uintptr_t)s->buf->va + 200000 + 64 * i;
		w[i].rkey = 0;
		w[i].flags = XPDK_WR_DMA_KEY;
	}
	xpdk_pd_dma_key(s->pd, s->buf->va, BUF_SIZE, NULL, &w[0].rkey);
	for (int i = 1; i < 48; i++)
		w[i].rkey = w[0].rkey;
	n = xpdk_qp_post_send(q, w, 48);
	check(n == 32 && xpdk_qp_sq_free(q) == 0,
	      "posting 48 WRs on a 32-deep send queue posts 32 and stops (%d, free %u)", n,
	      xpdk_qp_sq_free(q));
	total = n;
	uint64_t deadline = xpdk_now_ns() + (uint64_t)TIMEOUT_MS * 1000000;

	while ((total < 48 || xpdk_qp_sq_free(q) < 32) && xpdk_now_ns() < deadline) {
		int got = xpdk_cq_poll(s->cqb, wc, 64);

		for (int i = 0; i < got; i++)
			signalled += wc[i].status == IBV_WC_SUCCESS;
		if (total < 48) {
			n = xpdk_qp_post_send(q, w + total, (unsigned int)(48 - total));
			if (n > 0)
				total += n;
		}
	}
	check(total == 48 && signalled == 6 && xpdk_qp_sq_free(q) == 32,
	      "48 WRs with sig_every 8 give 6 completions and the send queue frees fully "
	      "(completions %d, free %u)",
	      signalled, xpdk_qp_sq_free(q));
	check(xpdk_qp_destroy(q) == 0, "the loop-back QP is destroyed");
	sync_peer(s, 5);
}

static void phase_channel(struct side *s)
{
	struct ibv_wc wc[4];
	int n;

	if (role_server) {
		uint64_t t0 = xpdk_now_ns();

		/* nothing posted yet: the client's next SEND waits for a receive (RNR retry) */
		n = xpdk_cq_wait(s->cq, wc, 4, 200);
		check(n == 0 && xpdk_now_ns() - t0 >= 150000000ull,
		      "xpdk_cq_wait times out after 200 ms when nothing comes (%d)", n);
		sync_peer(s, 7);
		if (post_recv_msg(s, s->a, 6) != 1)
			die("post recv");
		n = xpdk_cq_wait(s->cq, wc, 1, TIMEOUT_MS);
		check(n == 1 && wc[0].opcode == IBV_WC_RECV,
		      "xpdk_cq_wait sleeps on the completion channel and wakes for a SEND");
		return;
	}
	sync_peer(s, 7);
	usleep(300000);
	struct xpdk_wr w = { .wr_id = 600,
			     .addr = s->msg,
			     .len = 8,
			     .op = XPDK_OP_SEND,
			     .flags = XPDK_WR_INLINE | XPDK_WR_SIGNALED };
	n = xpdk_qp_post_send(s->a, &w, 1);
	check(n == 1 && wait_wc(s->cq, wc, 1, false) == 1, "a late inline SEND completes");
}

static void phase_ud(struct side *s)
{
	struct xpdk_qp_addr peer;
	struct ibv_wc wc[8];
	uint32_t lkey;
	int n;

	xpdk_qp_addr_unpack(s->peer.ud, &peer);
	check(xpdk_qp_connect(s->ud, NULL) == 0 && xpdk_qp_state(s->ud) == IBV_QPS_RTS,
	      "a UD QP goes RESET→INIT→RTR→RTS");
	xpdk_pd_dma_key(s->pd, s->buf->va, BUF_SIZE, &lkey, NULL);
	if (role_server) {
		struct xpdk_wr r[4];

		for (int i = 0; i < 4; i++)
			r[i] = (struct xpdk_wr){ .wr_id = 700 + i,
						 .addr = (uint8_t *)s->buf->va + 4096 * i,
						 .len = 1024 + UD_GRH,
						 .lkey = lkey };
		check(xpdk_qp_post_recv(s->ud, r, 4) == 4, "4 UD receives post");
		sync_peer(s, 8);
		n = wait_wc(s->cqb, wc, 4, false);
		bool ok = n == 4;

		for (int i = 0; ok && i < 4; i++) {
			ok = wc[i].byte_len == 1024 + UD_GRH && wc[i].src_qp == peer.qpn &&
			     is_pattern((uint8_t *)s->buf->va + 4096 * i + UD_GRH, 1024, 0x40 + i);
			if (!ok)
				printf("# UD completion %d: wr_id %" PRIu64
				       " %u bytes from QP 0x%x "
				       "(peer 0x%x), data %02x %02x\n",
				       i, wc[i].wr_id, wc[i].byte_len, wc[i].src_qp, peer.qpn,
				       ((uint8_t *)s->buf->va)[4096 * i + UD_GRH],
				       ((uint8_t *)s->buf->va)[4096 * i + UD_GRH + 1]);
		}
		check(ok, "4 UD datagrams of 1 KiB arrive from the peer's QP, data checked after "
			  "the 40-byte GRH");
		sync_peer(s, 9);
		return;
	}
	struct xpdk_ah *ah = xpdk_ah_create(s->pd, &peer);

	check(ah != NULL, "an address handle to the peer's GID is created");
	sync_peer(s, 8);
	struct xpdk_wr w[4];

	for (int i = 0; i < 4; i++) {
		pattern((uint8_t *)s->buf->va + 4096 * i, 1024, 0x40 + i);
		w[i] = (struct xpdk_wr){ .wr_id = 800 + i,
					 .addr = (uint8_t *)s->buf->va + 4096 * i,
					 .len = 1024,
					 .lkey = lkey,
					 .op = XPDK_OP_SEND,
					 .flags = XPDK_WR_SIGNALED,
					 .ah = ah,
					 .rqpn = peer.qpn,
					 .rqkey = peer.qkey };
	}
	struct xpdk_wr bad = w[0];

	bad.op = XPDK_OP_WRITE;
	check(xpdk_qp_post_send(s->ud, &bad, 1) == -EINVAL &&
		  strstr(xpdk_strerror_last(), "UD QP only sends") != NULL,
	      "an RDMA WRITE on a UD QP is refused with a reason");
	n = xpdk_qp_post_send(s->ud, w, 4);
	check(n == 4 && wait_wc(s->cqb, wc, 4, false) == 4, "4 UD SENDs complete");
	sync_peer(s, 9);
	xpdk_ah_destroy(ah);
}

static void phase_oob_rc(struct side *s)
{
	struct xpdk_qp_addr peer;
	struct ibv_wc wc[8];
	int n;

	xpdk_qp_addr_unpack(s->peer.rc, &peer);
	n = xpdk_qp_connect(s->b, &peer);
	check(n == 0 && xpdk_qp_state(s->b) == IBV_QPS_RTS,
	      "an RC QP connects with out-of-band attributes (RESET→INIT→RTR→RTS)");
	if (role_server) {
		struct xpdk_wr r = {
			.wr_id = 900, .addr = s->ubuf, .len = 4096, .lkey = xpdk_mr_lkey(s->umr)
		};

		xpdk_qp_post_recv(s->b, &r, 1);
		sync_peer(s, 10);
		n = wait_wc(s->cqb, wc, 1, false);
		check(n == 1 && wc[0].byte_len == 2000 && is_pattern(s->ubuf, 2000, 0x99),
		      "a SEND over the out-of-band RC QP arrives with its data");
		/* for the wrong-key phase: a receive that the error will flush */
		r.wr_id = 901;
		xpdk_qp_post_recv(s->b, &r, 1);
		sync_peer(s, 11);
		sync_peer(s, 12);
		n = wait_wc(s->cqb, wc, 1, true);
		check(n == 1 && wc[0].wr_id == 901 && wc[0].status == IBV_WC_WR_FLUSH_ERR,
		      "after the peer's access violation this side's receive flushes (%s)",
		      n == 1 ? xpdk_wc_status_str(wc[0].status) : "none");
		return;
	}
	sync_peer(s, 10);
	pattern(s->ubuf, 2000, 0x99);
	struct xpdk_wr w = { .wr_id = 1000,
			     .addr = s->ubuf,
			     .len = 2000,
			     .lkey = xpdk_mr_lkey(s->umr),
			     .op = XPDK_OP_SEND };
	n = xpdk_qp_post_send(s->b, &w, 1);
	check(n == 1 && wait_wc(s->cqb, wc, 1, false) == 1,
	      "a SEND over the out-of-band RC QP completes");
	sync_peer(s, 11);
	w = (struct xpdk_wr){ .wr_id = 1001,
			      .addr = s->ubuf,
			      .len = 512,
			      .lkey = xpdk_mr_lkey(s->umr),
			      .op = XPDK_OP_WRITE,
			      .raddr = s->peer.mr_addr,
			      .rkey = s->peer.mr_rkey ^ 0x5a5a00 };
	n = xpdk_qp_post_send(s->b, &w, 1);
	n = n == 1 ? wait_wc(s->cqb, wc, 1, true) : n;
	check(n == 1 && wc[0].status == IBV_WC_REM_ACCESS_ERR,
	      "an RDMA WRITE with a wrong rkey completes with a remote access error (%s)",
	      n == 1 ? xpdk_wc_status_str(wc[0].status) : "none");
	check(xpdk_qp_state(s->b) == IBV_QPS_ERR, "and the QP is in the ERROR state");
	check(xpdk_qp_sq_free(s->b) == 64, "the send bookkeeping is reset by the error");
	sync_peer(s, 12);
}

static void phase_peer_gone(struct side *s)
{
	struct ibv_wc wc[16];
	struct xpdk_wr r[8];
	uint32_t lkey;
	int got = 0, flushed = 0, disc = 0;

	if (!role_server) {
		sync_peer(s, 13);
		printf("# client: exiting without closing anything\n");
		fflush(stdout);
		_exit(failures ? 1 : 0);
	}
	sync_peer(s, 13);
	xpdk_pd_dma_key(s->pd, s->buf->va, BUF_SIZE, &lkey, NULL);
	for (int i = 0; i < 8; i++)
		r[i] = (struct xpdk_wr){ .wr_id = 1100 + i,
					 .addr = (uint8_t *)s->buf->va + 4096 * i,
					 .len = 4096,
					 .lkey = lkey };
	check(xpdk_qp_post_recv(s->a, r, 8) == 8, "8 receives wait on QP A");
	uint64_t t0 = xpdk_now_ns(), deadline = t0 + 15000000000ull;

	while (got < 8 && xpdk_now_ns() < deadline) {
		int n = xpdk_cq_poll(s->cq, wc, 16);

		for (int i = 0; i < n; i++)
			flushed += wc[i].status == IBV_WC_WR_FLUSH_ERR && wc[i].wr_id >= 1100;
		got += n > 0 ? n : 0;
		if (n == 0) {
			if (xpdk_qp_cm_poll(s->a) == 1)
				disc = 1;
			usleep(1000);
		}
	}
	check(disc && flushed == 8,
	      "the peer vanished: rdma_cm reports it and all 8 receives flush with "
	      "IBV_WC_WR_FLUSH_ERR in %.1f s, no hang (flushed %d)",
	      (double)(xpdk_now_ns() - t0) / 1e9, flushed);
}

static int traffic(bool server, const char *addr, uint16_t port, const char *src)
{
	struct side s;
	struct ctl mine;
	uint8_t priv[XPDK_CM_PRIV_MAX];
	size_t plen = sizeof(priv);
	char *eal[] = { "qp_peer", "-l", "0", "--log-level=lib.eal:error", NULL };
	int rc;

	memset(&s, 0, sizeof(s));
	role_server = server;
	role = server ? "server: " : "client: ";
	rc = xpdk_env_init(4, eal);
	if (rc < 0)
		die("xpdk_env_init");
	setup(&s, server ? addr : src);
	fill_ctl(&s, &mine);
	if (server) {
		struct xpdk_cm_listener *l = xpdk_cm_listen(s.dev, addr, port);
		struct xpdk_cm_req *req;
		const void *d;
		size_t dlen;

		check(l != NULL, "rdma_cm listens on %s port %u", addr, port);
		if (!l)
			exit(1);
		printf("# server: listening\n");
		fflush(stdout);
		req = xpdk_cm_get_request(l, TIMEOUT_MS);
		check(req != NULL, "a connection request arrives");
		if (!req)
			exit(1);
		d = xpdk_cm_req_data(req, &dlen);
		check(dlen >= 8 && memcmp(d, "xpdk-req", 8) == 0,
		      "the request carries the client's private data");
		rc = xpdk_cm_accept(req, s.a, "xpdk-rep", 8, TIMEOUT_MS);
		check(rc == 0 && xpdk_qp_state(s.a) == IBV_QPS_RTS,
		      "xpdk_cm_accept brings QP A to RTS and the connection is established");
		xpdk_cm_listener_close(l);
		if (rc < 0)
			exit(1);
	} else {
		rc = xpdk_cm_connect(s.a, addr, port, "xpdk-req", 8, priv, &plen, TIMEOUT_MS);
		check(rc == 0 && xpdk_qp_state(s.a) == IBV_QPS_RTS,
		      "xpdk_cm_connect from %s to %s port %u brings QP A to RTS", src, addr, port);
		if (rc < 0)
			exit(1);
		check(plen >= 8 && memcmp(priv, "xpdk-rep", 8) == 0,
		      "the reply carries the server's private data");
	}
	{
		uint8_t reply[MSG_SIZE];

		/* a QP takes receives from INIT on: the peer's first SEND may come before this
		 * receive is posted, and waits for it (RNR retry) */
		if (post_recv_msg(&s, s.a, 0) != 1)
			die("post_recv");
		rc = exchange(&s, &mine, sizeof(mine), reply);
		check(rc == 0, "buffer keys and QP addresses are exchanged over QP A");
		if (rc < 0)
			exit(1);
		memcpy(&s.peer, reply, sizeof(s.peer));
	}
	phase_send_recv(&s);
	phase_write_read(&s);
	phase_signalling(&s);
	phase_channel(&s);
	phase_ud(&s);
	phase_oob_rc(&s);
	phase_peer_gone(&s);
	/* close order: QPs, then CQs, MRs, PD, device */
	rc = xpdk_pd_free(s.pd);
	check(rc == -EBUSY, "freeing the PD while QPs and MRs exist says EBUSY");
	rc = xpdk_cq_destroy(s.cq);
	check(rc == -EBUSY, "destroying a CQ a QP uses says EBUSY");
	rc = xpdk_qp_destroy(s.a) | xpdk_qp_destroy(s.b) | xpdk_qp_destroy(s.ud);
	rc |= xpdk_cq_destroy(s.cq) | xpdk_cq_destroy(s.cqb) | xpdk_mr_dereg(s.umr);
	rc |= xpdk_pd_free(s.pd);
	check(rc == 0, "everything is destroyed in order");
	xpdk_rdma_close(s.dev);
	xpdk_dma_free(s.buf);
	free(s.ubuf);
	xpdk_env_cleanup();
	return failures ? 1 : 0;
}

static int errors(const char *name)
{
	struct xpdk_rdma_opts o = { .port = 7 };
	struct xpdk_rdma *d;
	char list[256];

	role_server = 1;
	check(xpdk_rdma_list(list, sizeof(list)) > 0 && strstr(list, name) != NULL,
	      "xpdk_rdma_list names %s (%s)", name, list);
	d = xpdk_rdma_open("nosuchdev0", NULL);
	check(d == NULL && errno == ENODEV && strstr(xpdk_strerror_last(), name) != NULL,
	      "opening a missing device names the present ones: %s", xpdk_strerror_last());
	d = xpdk_rdma_open("203.0.113.9", NULL);
	check(d == NULL && errno == ENODEV && strstr(xpdk_strerror_last(), "192.0.2.") != NULL,
	      "opening by an address no device serves lists the addresses: %s",
	      xpdk_strerror_last());
	d = xpdk_rdma_open(name, &o);
	check(d == NULL && errno == EINVAL && strstr(xpdk_strerror_last(), "ports are 1..1"),
	      "a wrong port says which exist: %s", xpdk_strerror_last());
	o = (struct xpdk_rdma_opts){ .gid_index = 77, .gid_index_given = true };
	d = xpdk_rdma_open(name, &o);
	check(d == NULL && errno == EINVAL && strstr(xpdk_strerror_last(), "valid: 0 ("),
	      "a wrong GID index lists the valid ones: %s", xpdk_strerror_last());
	d = xpdk_rdma_open(name, NULL);
	check(d != NULL, "%s opens by name", name);
	if (d) {
		struct xpdk_rdma_info info;
		int qrc = xpdk_rdma_query(d, &info);

		check(qrc == 0 && info.state == IBV_PORT_ACTIVE &&
			  strcmp(info.gid_type, "RoCE v2") == 0 && info.addr[0] != '\0' &&
			  !info.mlx5dv,
		      "its info: port %u active, GID %d %s (%s) on %s, max_qp_wr %d, "
		      "mlx5dv %s",
		      info.port, info.gid_index, info.addr, info.gid_type, info.netdev,
		      info.max_qp_wr, info.mlx5dv ? "yes" : "no");
		xpdk_rdma_close(d);
	}
	return failures ? 1 : 0;
}

static int nodev(void)
{
	char list[64];
	int rc = xpdk_rdma_list(list, sizeof(list));
	struct xpdk_rdma *d = xpdk_rdma_open("rxe0", NULL);

	check(rc == -ENOSYS && d == NULL && errno == ENOSYS &&
		  strstr(xpdk_strerror_last(), "modprobe rdma_rxe") != NULL &&
		  strstr(xpdk_strerror_last(), "rdma link add") != NULL,
	      "without RDMA in the kernel: %s", xpdk_strerror_last());
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "server") == 0)
		return traffic(true, argv[2], (uint16_t)atoi(argv[3]), NULL);
	if (argc == 5 && strcmp(argv[1], "client") == 0)
		return traffic(false, argv[2], (uint16_t)atoi(argv[3]), argv[4]);
	if (argc == 3 && strcmp(argv[1], "errors") == 0)
		return errors(argv[2]);
	if (argc == 2 && strcmp(argv[1], "nodev") == 0)
		return nodev();
	fprintf(stderr, "usage: qp_peer server ADDR PORT | client ADDR PORT SRC | errors DEV | "
			"nodev\n");
	return 2;
}
