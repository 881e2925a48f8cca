/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-bench qp: RDMA bandwidth (write, read, send) and latency (write_lat, send_lat) over
 * lib/qp, run like perftest: a server (no address) and a client (the server's address), with
 * perftest's option names. Each size runs on a fresh rdma_cm connection (as one perftest run
 * per size); connection set-up is outside the timing. Buffers are XPDK DMA memory (hugepages),
 * keys from the PD's per-chunk registration.
 *
 * Bandwidth is measured at the client as perftest does: bytes × iterations over the time from
 * the first post to the last completion, with at most tx-depth WRs outstanding and every
 * cq-mod-th WR signalled. Latency is half the round trip (send: ping-pong of SENDs; write: each
 * side RDMA-writes the other's buffer and polls its own last byte), per iteration.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "xpdk_common.h"
#include "xpdk_env.h"
#include "xpdk_qp.h"

#define QP_MAX_SIZES 32
#define QP_MAX_QPS   16
#define CONNECT_MS   20000
#define MAGIC	     0x58515042u /* "XQPB" */

enum qp_test { T_WRITE, T_READ, T_SEND, T_WRITE_LAT, T_SEND_LAT };
static const char *const test_names[] = { "write", "read", "send", "write_lat", "send_lat" };
static const char *const test_titles[] = { "RDMA_Write BW Test", "RDMA_Read BW Test",
					   "Send BW Test", "RDMA_Write Latency Test",
					   "Send Latency Test" };

struct qp_opts {
	enum qp_test test;
	const char *dev; /* -d */
	uint8_t ib_port; /* -i */
	int gid_index;	 /* -x, -1 auto */
	uint64_t sizes[QP_MAX_SIZES];
	int nsizes;
	uint32_t iters;	    /* -n */
	uint32_t tx_depth;  /* -t */
	uint32_t rx_depth;  /* -r */
	uint32_t cq_mod;    /* -Q */
	uint32_t post_list; /* -l, 0: automatic */
	int inline_size;    /* -I, -1 default */
	unsigned int nqps;  /* -q */
	uint16_t port;	    /* -p */
	const char *server; /* client mode when set */
	bool gbits;
	struct out_opts out;
};

/* Connection request (client → server), in the rdma_cm private data. */
struct req_msg {
	uint32_t magic;
	uint8_t test, last, qp_index, nqps;
	uint32_t size, iters, rx_depth, inline_size;
	uint64_t addr; /* the client's buffer, for write_lat */
	uint32_t rkey;
};

/* Reply (server → client). */
struct rep_msg {
	uint64_t addr;
	uint32_t rkey;
	uint32_t pad;
};

struct row {
	uint64_t bytes;
	uint32_t iters;
	double secs;
	double bw;   /* in the unit printed */
	double mpps; /* million messages per second */
	/* latency, microseconds */
	double t_min, t_max, t_typical, t_avg, t_stdev, t_p99, t_p999;
};

struct conn {
	struct xpdk_rdma *dev;
	struct xpdk_pd *pd;
	struct xpdk_cq *cq;
	struct xpdk_qp *qp[QP_MAX_QPS];
	unsigned int nqps;
	struct xpdk_dma_buf *buf;
	uint32_t lkey, rkey;
	struct rep_msg peer[QP_MAX_QPS];
};

static bool is_lat(enum qp_test t)
{
	return t == T_WRITE_LAT || t == T_SEND_LAT;
}

static void usage(FILE *o)
{
	fprintf(o,
		"Usage: xpdk-bench [EAL options] -- qp TEST [options]            (server)\n"
		"       xpdk-bench [EAL options] -- qp TEST [options] SERVER_ADDR (client)\n"
		"\n"
		"TEST: write, read, send (bandwidth); write_lat, send_lat (latency).\n"
		"Options (perftest's names):\n"
		"  -d, --ib-dev DEV       RDMA device (default: the first); the server listens on\n"
		"                         its address, the client connects from it\n"
		"  -i, --ib-port N        port (default 1)\n"
		"  -x, --gid-index N      source GID index (default: the IPv4 RoCE v2 GID)\n"
		"  -s, --size SIZE[,..]   message size(s), e.g. 64,4K,64K (default 65536 for\n"
		"                         bandwidth, 2 for latency)\n"
		"  -a, --all              sizes 2 .. 8M in powers of two\n"
		"  -n, --iters N          iterations per size (default 5000 write, 1000 others)\n"
		"  -t, --tx-depth N       send WRs outstanding (default 128; latency 1)\n"
		"  -r, --rx-depth N       receives posted by the send server (default 512)\n"
		"  -Q, --cq-mod N         signal every Nth send WR (default 100)\n"
		"  -l, --post_list N      WRs per doorbell, 1..64 (default: bursts of about 16\n"
		"                         packets; perftest posts 1)\n"
		"  -I, --inline_size N    inline up to N bytes (default 0, as perftest on rxe)\n"
		"  -q, --qp N             QPs (bandwidth tests; default 1, at most %d)\n"
		"  -p, --port N           rdma_cm port (default 18515)\n"
		"  -F                     accepted for perftest compatibility (no effect)\n"
		"      --report_gbits     bandwidth in Gb/s (10^9 bits/s) instead of MiB/s\n"
		"      --json | --csv     machine-readable output instead of the table\n"
		"      --plot FILE.png    bandwidth or latency against size (gnuplot)\n"
		"Units: bandwidth in MiB/s (2^20 bytes/s; what perftest 4.5 prints under\n"
		"\"MB/sec\") or Gb/s with --report_gbits; MsgRate in Mpps (10^6 messages/s);\n"
		"latency in microseconds, half the round trip.\n"
		"Example: xpdk-bench -l 0 -- qp write -d rxea -s 64,4K,64K &\n"
		"         xpdk-bench -l 1 -- qp write -d rxeb -s 64,4K,64K 192.0.2.1\n",
		QP_MAX_QPS);
}

/* ---- set-up ---- */

static int open_dev(const struct qp_opts *o, struct conn *c)
{
	struct xpdk_rdma_opts ro = { .port = o->ib_port,
				     .gid_index = o->gid_index,
				     .gid_index_given = o->gid_index >= 0 };
	char names[256];
	const char *name = o->dev;

	if (name == NULL) {
		int n = xpdk_rdma_list(names, sizeof(names));

		if (n <= 0) {
			fprintf(stderr, "xpdk-bench qp: %s\n",
				n < 0 ? xpdk_strerror_last() : "no RDMA device");
			return BENCH_FAIL;
		}
		*strchrnul(names, ' ') = '\0';
		name = names;
	}
	c->dev = xpdk_rdma_open(name, &ro);
	if (c->dev == NULL) {
		fprintf(stderr, "xpdk-bench qp: %s\n", xpdk_strerror_last());
		return BENCH_FAIL;
	}
	return 0;
}

/* One QP's slice of the buffer: a receive buffer and two send buffers (lat_loop), each
 * starting a page, so that a message spans no more pages than its size needs */
static uint64_t slice_size(uint64_t size)
{
	return 3 * XPDK_ALIGN_UP(size, 4096);
}

static int make_qps(const struct qp_opts *o, struct conn *c, unsigned int nqps, uint64_t size,
		    uint32_t inline_size)
{
	struct xpdk_qp_opts qo = { 0 };
	uint64_t bufsize = slice_size(size); /* per QP: see qbuf() */

	c->pd = xpdk_pd_alloc(c->dev);
	c->cq = c->pd ? xpdk_cq_create(c->dev, 4096, 0) : NULL;
	if (c->cq == NULL)
		goto fail;
	qo.send_cq = c->cq;
	qo.sq_depth = o->tx_depth < 16 ? 16 : o->tx_depth;
	qo.rq_depth = o->test == T_SEND ? o->rx_depth : 128;
	qo.max_inline = inline_size;
	qo.sig_every = is_lat(o->test) ? 16 : o->cq_mod;
	for (unsigned int i = 0; i < nqps; i++) {
		c->qp[i] = xpdk_qp_create(c->pd, &qo);
		if (c->qp[i] == NULL)
			goto fail;
		c->nqps++;
	}
	c->buf = xpdk_dma_alloc(bufsize * nqps, 4096, XPDK_DMA_F_ZERO);
	if (c->buf == NULL ||
	    xpdk_pd_dma_key(c->pd, c->buf->va, c->buf->size, &c->lkey, &c->rkey) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "xpdk-bench qp: %s\n", xpdk_strerror_last());
	return BENCH_FAIL;
}

static void teardown(struct conn *c)
{
	for (unsigned int i = 0; i < c->nqps; i++)
		xpdk_qp_destroy(c->qp[i]);
	c->nqps = 0;
	xpdk_cq_destroy(c->cq);
	c->cq = NULL;
	xpdk_pd_free(c->pd);
	c->pd = NULL;
	xpdk_dma_free(c->buf);
	c->buf = NULL;
}

static uint8_t *qbuf(const struct conn *c, unsigned int q, uint64_t size)
{
	return (uint8_t *)c->buf->va + q * slice_size(size);
}

/* ---- server ---- */

/* Keep receives posted until the client disconnects. */
static int serve_send(struct conn *c, uint64_t size, uint32_t rx_depth)
{
	struct ibv_wc wc[64];
	struct xpdk_wr w = { .len = (uint32_t)size, .lkey = c->lkey };
	uint64_t next_look = 0;
	unsigned int q;

	for (q = 0; q < c->nqps; q++)
		for (uint32_t i = 0; i < rx_depth; i++) {
			w.addr = qbuf(c, q, size);
			w.wr_id = q;
			if (xpdk_qp_post_recv(c->qp[q], &w, 1) != 1)
				return -1;
		}
	for (;;) {
		uint32_t again[QP_MAX_QPS] = { 0 };
		int n = xpdk_cq_poll(c->cq, wc, 64);

		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			if (wc[i].status != IBV_WC_SUCCESS)
				return 0; /* flushed: the client is gone */
			again[wc[i].wr_id]++;
		}
		/* repost in bursts */
		for (q = 0; n > 0 && q < c->nqps; q++) {
			struct xpdk_wr b[64];

			for (uint32_t i = 0; i < again[q]; i++)
				b[i] = (struct xpdk_wr){ .wr_id = q,
							 .addr = qbuf(c, q, size),
							 .len = (uint32_t)size,
							 .lkey = c->lkey };
			if (again[q])
				xpdk_qp_post_recv(c->qp[q], b, again[q]);
		}
		/* connection events cost a system call: look every 10 ms at most */
		if (n == 0 && xpdk_now_ns() >= next_look) {
			bool gone = true;

			for (q = 0; q < c->nqps; q++)
				gone &= xpdk_qp_cm_poll(c->qp[q]) == 1;
			if (gone)
				return 0;
			next_look = xpdk_now_ns() + 10000000;
		}
	}
}

static int wait_gone(struct conn *c)
{
	for (;;) {
		bool gone = true;

		for (unsigned int q = 0; q < c->nqps; q++)
			gone &= xpdk_qp_cm_poll(c->qp[q]) == 1;
		if (gone)
			return 0;
		usleep(1000);
	}
}

static int lat_loop(const struct qp_opts *o, struct conn *c, uint64_t size, uint32_t iters,
		    uint32_t inline_size, bool client, double *samples);

static int run_server(const struct qp_opts *o)
{
	struct conn c = { 0 };
	struct xpdk_cm_listener *l;
	int rc = open_dev(o, &c);
	bool last = false;

	if (rc)
		return rc;
	l = xpdk_cm_listen(c.dev, NULL, o->port);
	if (l == NULL) {
		fprintf(stderr, "xpdk-bench qp: %s\n", xpdk_strerror_last());
		xpdk_rdma_close(c.dev);
		return BENCH_FAIL;
	}
	if (o->out.fmt == FMT_TABLE)
		printf("xpdk-bench qp server: %s on %s, waiting for clients on port %u\n",
		       test_names[o->test], xpdk_rdma_name(c.dev), o->port);
	fflush(stdout);
	while (!last) {
		struct xpdk_cm_req *req = xpdk_cm_get_request(l, -1);
		struct req_msg m;
		const void *d;
		size_t len;

		if (req == NULL)
			break;
		d = xpdk_cm_req_data(req, &len);
		memcpy(&m, d, len < sizeof(m) ? len : sizeof(m));
		if (len < sizeof(m) || m.magic != MAGIC || m.test != o->test || m.nqps == 0 ||
		    m.nqps > QP_MAX_QPS) {
			fprintf(stderr, "xpdk-bench qp: refused a client (not xpdk-bench qp %s)\n",
				test_names[o->test]);
			xpdk_cm_reject(req);
			continue;
		}
		if (m.qp_index == 0) {
			struct qp_opts so = *o;

			so.rx_depth = m.rx_depth;
			teardown(&c);
			if (make_qps(&so, &c, m.nqps, m.size, m.inline_size)) {
				xpdk_cm_reject(req);
				break;
			}
		}
		if (c.buf == NULL || m.qp_index >= c.nqps) {
			xpdk_cm_reject(req);
			continue;
		}
		{
			unsigned int q = m.qp_index;
			struct rep_msg r = { .addr = (uintptr_t)qbuf(&c, q, m.size),
					     .rkey = c.rkey };

			c.peer[q] = (struct rep_msg){ .addr = m.addr, .rkey = m.rkey };

			if (xpdk_cm_accept(req, c.qp[q], &r, sizeof(r), CONNECT_MS)) {
				fprintf(stderr, "xpdk-bench qp: accept: %s\n",
					xpdk_strerror_last());
				continue;
			}
			if (q + 1 < m.nqps)
				continue;
		}
		last = m.last;
		switch (o->test) {
		case T_SEND:
			serve_send(&c, m.size, m.rx_depth);
			break;
		case T_WRITE:
		case T_READ:
			wait_gone(&c);
			break;
		default:
			lat_loop(o, &c, m.size, m.iters, m.inline_size, false, NULL);
			wait_gone(&c);
			break;
		}
	}
	teardown(&c);
	xpdk_cm_listener_close(l);
	xpdk_rdma_close(c.dev);
	return BENCH_OK;
}

/* ---- client ---- */

static int client_connect(const struct qp_opts *o, struct conn *c, uint64_t size, bool last,
			  uint32_t inline_size)
{
	unsigned int nqps = is_lat(o->test) ? 1 : o->nqps;

	if (make_qps(o, c, nqps, size, inline_size))
		return BENCH_FAIL;
	for (unsigned int q = 0; q < nqps; q++) {
		struct req_msg m = { .magic = MAGIC,
				     .test = (uint8_t)o->test,
				     .last = last,
				     .qp_index = (uint8_t)q,
				     .nqps = (uint8_t)nqps,
				     .size = (uint32_t)size,
				     .iters = o->iters,
				     .rx_depth = o->rx_depth,
				     .inline_size = inline_size,
				     .addr = (uintptr_t)qbuf(c, q, size),
				     .rkey = c->rkey };
		size_t plen = sizeof(c->peer[q]);
		int rc = -1;

		/* the server sets up between sizes: retry while it is not listening again */
		for (int attempt = 0; attempt < 50 && rc < 0; attempt++) {
			rc = xpdk_cm_connect(c->qp[q], o->server, o->port, &m, sizeof(m),
					     &c->peer[q], &plen, CONNECT_MS);
			if (rc == -ECONNREFUSED) {
				/* a rejected QP is in INIT: make a fresh one */
				struct xpdk_qp_opts qo = { 0 };

				xpdk_qp_destroy(c->qp[q]);
				qo.send_cq = c->cq;
				qo.sq_depth = o->tx_depth < 16 ? 16 : o->tx_depth;
				qo.rq_depth = o->test == T_SEND ? o->rx_depth : 128;
				qo.max_inline = inline_size;
				qo.sig_every = is_lat(o->test) ? 16 : o->cq_mod;
				c->qp[q] = xpdk_qp_create(c->pd, &qo);
				if (c->qp[q] == NULL)
					break;
				usleep(100000);
				continue;
			}
			if (rc < 0)
				break;
		}
		if (rc < 0) {
			fprintf(stderr, "xpdk-bench qp: %s\n", xpdk_strerror_last());
			return BENCH_FAIL;
		}
	}
	return 0;
}

static int run_bw(const struct qp_opts *o, struct conn *c, uint64_t size, uint32_t inline_size,
		  struct row *r)
{
	struct ibv_wc wc[64];
	struct xpdk_wr w[64];
	uint32_t quota[QP_MAX_QPS], done[QP_MAX_QPS];
	unsigned int nq = c->nqps;
	uint32_t depth = o->tx_depth < 16 ? 16 : o->tx_depth;
	uint64_t t0, t1;
	enum xpdk_wr_op op = o->test == T_WRITE	 ? XPDK_OP_WRITE
			     : o->test == T_READ ? XPDK_OP_READ
						 : XPDK_OP_SEND;

	/*
	 * WRs per doorbell: -l, else as many as keep a burst to about 16 packets (measured on
	 * rxe: longer bursts of large messages lose bandwidth; small ones gain from bursts).
	 */
	uint32_t per_post = o->post_list;

	if (per_post == 0) {
		struct xpdk_rdma_info info;
		uint64_t mtu = xpdk_rdma_query(c->dev, &info) == 0 && info.active_mtu
				   ? 128u << info.active_mtu
				   : 1024;
		uint64_t pkts = (size + mtu - 1) / mtu;

		per_post = pkts >= 16 ? 1 : (uint32_t)(16 / pkts);
	}
	if (per_post > 64)
		per_post = 64;
	/* each QP's share of the iterations; its last WR is signalled */
	for (unsigned int q = 0; q < nq; q++) {
		quota[q] = o->iters / nq + (q < o->iters % nq ? 1 : 0);
		done[q] = 0;
	}
	for (unsigned int i = 0; i < 64; i++)
		w[i] =
		    (struct xpdk_wr){ .len = (uint32_t)size, .lkey = c->lkey, .op = (uint8_t)op };
	t0 = xpdk_now_ns();
	for (;;) {
		bool finished = true;

		for (unsigned int q = 0; q < nq; q++) {
			uint32_t left = quota[q] - done[q], n = xpdk_qp_sq_free(c->qp[q]);
			int got;

			finished &= left == 0 && n == depth;
			n = n > left ? left : n;
			n = n > per_post ? per_post : n;
			if (n == 0)
				continue;
			for (uint32_t i = 0; i < n; i++) {
				w[i].addr = qbuf(c, q, size);
				w[i].raddr = c->peer[q].addr;
				w[i].rkey = c->peer[q].rkey;
				w[i].flags =
				    size <= inline_size && op != XPDK_OP_READ ? XPDK_WR_INLINE : 0;
				if (done[q] + i + 1 == quota[q])
					w[i].flags |= XPDK_WR_SIGNALED;
			}
			got = xpdk_qp_post_send(c->qp[q], w, n);
			if (got < 0) {
				fprintf(stderr, "xpdk-bench qp: %s\n", xpdk_strerror_last());
				return BENCH_FAIL;
			}
			done[q] += (uint32_t)got;
		}
		if (finished)
			break;
		int n = xpdk_cq_poll(c->cq, wc, 64);

		if (n < 0)
			return BENCH_FAIL;
		for (int i = 0; i < n; i++)
			if (wc[i].status != IBV_WC_SUCCESS) {
				fprintf(stderr, "xpdk-bench qp: completion error: %s\n",
					xpdk_wc_status_str(wc[i].status));
				return BENCH_FAIL;
			}
	}
	t1 = xpdk_now_ns();
	r->bytes = size;
	r->iters = o->iters;
	r->secs = (double)(t1 - t0) / 1e9;
	r->bw = (double)size * o->iters / r->secs / (o->gbits ? 125e6 : 1048576.0);
	r->mpps = o->iters / r->secs / 1e6;
	return 0;
}

static int wait_recv(struct conn *c)
{
	struct ibv_wc wc[16];

	for (;;) {
		int n = xpdk_cq_poll(c->cq, wc, 16);

		for (int i = 0; i < n; i++) {
			if (wc[i].status != IBV_WC_SUCCESS) {
				fprintf(stderr, "xpdk-bench qp: completion error: %s\n",
					xpdk_wc_status_str(wc[i].status));
				return -1;
			}
			if (wc[i].opcode == IBV_WC_RECV)
				return 0;
		}
		if (n < 0)
			return -1;
	}
}

/* The byte that ends ping-pong message @p i (never 0, the buffers' initial value). */
static uint8_t msg_byte(uint32_t i)
{
	return (uint8_t)(i % 255 + 1);
}

/* Wait for the peer's message that carries @p v: a receive completion (send_lat) or the last
 * byte of @p last (write_lat: the memory only, as perftest). */
static int wait_peer(struct conn *c, bool send, volatile const uint8_t *last, uint8_t v)
{
	if (send)
		return wait_recv(c);
	while (*last != v)
		;
	return 0;
}

/*
 * Ping-pong for @p iters iterations; the client stores half round trips (us) in @p samples, each
 * the time from one post to the next, as perftest measures it.
 *
 * Between seeing the peer's message and posting the answer this side does nothing else: the
 * next message's byte, the receive to replace the one used and the reaping of send completions
 * come after the post, while the peer works. Two send buffers alternate so that the next
 * message's byte can be written early: the buffer it goes into carried the message before last,
 * which the peer has answered already, so the device has read it.
 */
static int lat_loop(const struct qp_opts *o, struct conn *c, uint64_t size, uint32_t iters,
		    uint32_t inline_size, bool client, double *samples)
{
	struct xpdk_qp *qp = c->qp[0];
	uint64_t span = XPDK_ALIGN_UP(size, 4096);
	uint8_t *rx = qbuf(c, 0, size), *tx[2] = { rx + span, rx + 2 * span };
	volatile const uint8_t *last = rx + size - 1;
	bool send = o->test == T_SEND_LAT;
	struct xpdk_wr w[2], rw = { .addr = rx, .len = (uint32_t)size, .lkey = c->lkey };
	struct ibv_wc wc[16];
	uint64_t prev = 0, now;

	for (int b = 0; b < 2; b++)
		w[b] = (struct xpdk_wr){ .op = send ? XPDK_OP_SEND : XPDK_OP_WRITE,
					 .addr = tx[b],
					 .len = (uint32_t)size,
					 .lkey = c->lkey,
					 .raddr = c->peer[0].addr,
					 .rkey = c->peer[0].rkey,
					 .flags = size <= inline_size ? XPDK_WR_INLINE : 0 };
	if (send)
		for (int i = 0; i < 64; i++)
			if (xpdk_qp_post_recv(qp, &rw, 1) != 1)
				return -1;
	tx[0][size - 1] = msg_byte(0);
	for (uint32_t i = 0; i < iters; i++) {
		/* the server answers message i; the client's message i follows the answer to i-1 */
		if (!client && wait_peer(c, send, last, msg_byte(i)))
			return -1;
		if (client && i > 0 && wait_peer(c, send, last, msg_byte(i - 1)))
			return -1;
		now = client ? xpdk_now_ns() : 0;
		if (xpdk_qp_post_send(qp, &w[i & 1], 1) != 1) {
			fprintf(stderr, "xpdk-bench qp: %s\n", xpdk_strerror_last());
			return -1;
		}
		if (client && i > 0)
			samples[i - 1] = (double)(now - prev) / 2e3;
		prev = now;
		tx[(i + 1) & 1][size - 1] = msg_byte(i + 1);
		if (send && xpdk_qp_post_recv(qp, &rw, 1) != 1)
			return -1;
		/* reap send completions only when the queue runs low */
		while (xpdk_qp_sq_free(qp) < 8)
			if (xpdk_cq_poll(c->cq, wc, 16) < 0)
				return -1;
	}
	if (client) { /* the answer to the last message */
		if (wait_peer(c, send, last, msg_byte(iters - 1)))
			return -1;
		samples[iters - 1] = (double)(xpdk_now_ns() - prev) / 2e3;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y ? 1 : 0;
}

static void lat_summary(double *s, uint32_t n, struct row *r)
{
	double sum = 0, sq = 0;

	qsort(s, n, sizeof(*s), cmp_double);
	for (uint32_t i = 0; i < n; i++)
		sum += s[i];
	r->t_avg = sum / n;
	for (uint32_t i = 0; i < n; i++)
		sq += (s[i] - r->t_avg) * (s[i] - r->t_avg);
	r->t_stdev = sqrt(sq / n);
	r->t_min = s[0];
	r->t_max = s[n - 1];
	r->t_typical = s[n / 2];
	r->t_p99 = s[(size_t)((n - 1) * 0.99)];
	r->t_p999 = s[(size_t)((n - 1) * 0.999)];
}

/* ---- output ---- */

static const char *bw_unit(const struct qp_opts *o)
{
	return o->gbits ? "Gb/s" : "MiB/s";
}

static void print_header(const struct qp_opts *o, const struct conn *c, uint32_t inline_size)
{
	struct xpdk_rdma_info info;

	if (xpdk_rdma_query(c->dev, &info) < 0)
		memset(&info, 0, sizeof(info));
	printf("---------------------------------------------------------------------------------"
	       "------\n");
	printf("                    %s (xpdk-bench qp %s)\n", test_titles[o->test],
	       test_names[o->test]);
	printf(" Device         : %s port %u, GID %d %s (%s)%s\n", info.name, info.port,
	       info.gid_index, info.addr, info.gid_type, info.mlx5dv ? ", mlx5dv supported" : "");
	printf(" Number of qps  : %u\t\tTransport type : %s\n", is_lat(o->test) ? 1 : o->nqps,
	       info.link_layer == IBV_LINK_LAYER_ETHERNET ? "RoCE" : "IB");
	printf(" TX depth       : %u\t\tCQ Moderation  : %u\n", is_lat(o->test) ? 1 : o->tx_depth,
	       is_lat(o->test) ? 16 : o->cq_mod);
	printf(" Mtu            : %d[B]\tMax inline data: %u[B]\n",
	       info.active_mtu ? 128 << info.active_mtu : 0, inline_size);
	printf(" Connection     : rdma_cm to %s port %u; buffers: XPDK DMA memory (hugepages)\n",
	       o->server, o->port);
	if (is_lat(o->test))
		printf(" Units          : microseconds, half the round trip\n");
	else
		printf(" Units          : BW in %s (%s), MsgRate in Mpps (10^6 messages/s)\n",
		       bw_unit(o),
		       o->gbits ? "10^9 bits per second"
				: "2^20 bytes per second; perftest 4.5 labels these \"MB/sec\"");
	printf("---------------------------------------------------------------------------------"
	       "------\n");
	if (is_lat(o->test))
		printf(" #bytes #iterations    t_min[usec]    t_max[usec]  t_typical[usec]    "
		       "t_avg[usec]    t_stdev[usec]   99%% percentile[usec]   99.9%% "
		       "percentile[usec]\n");
	else
		printf(" #bytes     #iterations    BW average[%s]   MsgRate[Mpps]\n",
		       o->gbits ? "Gb/sec" : "MiB/sec");
	fflush(stdout);
}

static void print_row(const struct qp_opts *o, const struct row *r)
{
	if (is_lat(o->test))
		printf(" %-7" PRIu64 " %-10u     %-10.2f     %-10.2f   %-10.2f       %-10.2f     "
		       "%-10.2f      %-10.2f             %-10.2f\n",
		       r->bytes, r->iters, r->t_min, r->t_max, r->t_typical, r->t_avg, r->t_stdev,
		       r->t_p99, r->t_p999);
	else
		printf(" %-10" PRIu64 " %-10u     %-18.2f   %.6f\n", r->bytes, r->iters, r->bw,
		       r->mpps);
	fflush(stdout);
}

static void print_json(const struct qp_opts *o, const struct conn *c, const struct row *r, int n)
{
	printf("{\"schema\":\"xpdk-bench-qp/1\",\"test\":\"%s\",\"device\":", test_names[o->test]);
	json_string(xpdk_rdma_name(c->dev));
	printf(",\"server\":");
	json_string(o->server);
	printf(",\"qps\":%u,\"tx_depth\":%u,\"cq_mod\":%u,", is_lat(o->test) ? 1 : o->nqps,
	       o->tx_depth, o->cq_mod);
	if (is_lat(o->test))
		printf("\"units\":{\"latency\":\"us (half round trip)\"},\"results\":[");
	else
		printf("\"units\":{\"bw\":\"%s\",\"msg_rate\":\"Mpps\"},\"results\":[", bw_unit(o));
	for (int i = 0; i < n; i++) {
		printf("%s{\"bytes\":%" PRIu64 ",\"iterations\":%u,\"seconds\":%.6f", i ? "," : "",
		       r[i].bytes, r[i].iters, r[i].secs);
		if (is_lat(o->test))
			printf(",\"t_min\":%.3f,\"t_max\":%.3f,\"t_typical\":%.3f,\"t_avg\":%.3f,"
			       "\"t_stdev\":%.3f,\"p99\":%.3f,\"p999\":%.3f}",
			       r[i].t_min, r[i].t_max, r[i].t_typical, r[i].t_avg, r[i].t_stdev,
			       r[i].t_p99, r[i].t_p999);
		else
			printf(",\"bw_avg\":%.4f,\"msg_rate\":%.6f}", r[i].bw, r[i].mpps);
	}
	printf("]}\n");
}

static void print_csv(const struct qp_opts *o, const struct row *r, int n)
{
	if (is_lat(o->test))
		printf("test,bytes,iterations,t_min_us,t_max_us,t_typical_us,t_avg_us,t_stdev_us,"
		       "p99_us,p999_us\n");
	else
		printf("test,bytes,iterations,bw_avg_%s,msg_rate_mpps\n",
		       o->gbits ? "gbps" : "mibps");
	for (int i = 0; i < n; i++) {
		if (is_lat(o->test))
			printf("%s,%" PRIu64 ",%u,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n",
			       test_names[o->test], r[i].bytes, r[i].iters, r[i].t_min, r[i].t_max,
			       r[i].t_typical, r[i].t_avg, r[i].t_stdev, r[i].t_p99, r[i].t_p999);
		else
			printf("%s,%" PRIu64 ",%u,%.4f,%.6f\n", test_names[o->test], r[i].bytes,
			       r[i].iters, r[i].bw, r[i].mpps);
	}
}

static int plot(const struct qp_opts *o, const struct row *r, int n)
{
	FILE *g = fopen(o->out.plot, "w");
	int st;

	if (g == NULL) {
		fprintf(stderr, "xpdk-bench: --plot %s: %s\n", o->out.plot, strerror(errno));
		return BENCH_FAIL;
	}
	fclose(g);
	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		fprintf(stderr, "xpdk-bench: --plot needs gnuplot: install gnuplot-nox "
				"(devtools/install-deps.sh)\n");
		return BENCH_FAIL;
	}
	g = popen("gnuplot", "w");
	if (g == NULL)
		return BENCH_FAIL;
	fprintf(g, "set terminal pngcairo size 900,500 font 'sans,10'\nset output '");
	for (const char *c = o->out.plot; *c != '\0'; c++)
		fputs(*c == '\'' ? "''" : (char[2]){ *c, '\0' }, g);
	fprintf(g, "'\n$d << EOD\n");
	for (int i = 0; i < n; i++)
		fprintf(g, "%" PRIu64 " %g %g %g\n", r[i].bytes,
			is_lat(o->test) ? r[i].t_typical : r[i].bw,
			is_lat(o->test) ? r[i].t_p99 : r[i].mpps, r[i].t_avg);
	fprintf(g,
		"EOD\nset title 'xpdk-bench qp %s'\nset logscale x 2\nset format x '%%.0b %%BB'\n"
		"set grid\nset key top left\nset xlabel 'message size [bytes]'\n",
		test_names[o->test]);
	if (is_lat(o->test))
		fprintf(g, "set ylabel 'latency [us]'\nplot $d using 1:2 with linespoints lw 2 "
			   "title 't\\_typical (p50)', $d using 1:3 with linespoints lw 2 title "
			   "'p99'\n");
	else
		fprintf(g,
			"set ylabel 'bandwidth [%s]'\nset yrange [0:*]\nplot $d using 1:2 "
			"with linespoints lw 2 title 'BW average'\n",
			bw_unit(o));
	st = pclose(g);
	return st == 0 ? BENCH_OK : BENCH_FAIL;
}

static int run_client(const struct qp_opts *o)
{
	struct row rows[QP_MAX_SIZES];
	struct conn c = { 0 };
	int rc = open_dev(o, &c);

	if (rc)
		return rc;
	for (int s = 0; s < o->nsizes; s++) {
		uint64_t size = o->sizes[s];
		/* perftest 4.5 disables inline on devices it does not know to support it (rxe) */
		uint32_t inl = o->inline_size >= 0 ? (uint32_t)o->inline_size : 0;
		struct row *r = &rows[s];

		memset(r, 0, sizeof(*r));
		if (client_connect(o, &c, size, s + 1 == o->nsizes, inl)) {
			teardown(&c);
			xpdk_rdma_close(c.dev);
			return BENCH_FAIL;
		}
		if (s == 0 && o->out.fmt == FMT_TABLE)
			print_header(o, &c, inl);
		if (is_lat(o->test)) {
			double *smp = calloc(o->iters, sizeof(double));
			uint64_t t0 = xpdk_now_ns();

			if (smp == NULL || lat_loop(o, &c, size, o->iters, inl, true, smp) < 0) {
				free(smp);
				teardown(&c);
				xpdk_rdma_close(c.dev);
				return BENCH_FAIL;
			}
			r->secs = (double)(xpdk_now_ns() - t0) / 1e9;
			r->bytes = size;
			r->iters = o->iters;
			lat_summary(smp, o->iters, r);
			free(smp);
		} else if (run_bw(o, &c, size, inl, r)) {
			teardown(&c);
			xpdk_rdma_close(c.dev);
			return BENCH_FAIL;
		}
		if (o->out.fmt == FMT_TABLE)
			print_row(o, r);
		for (unsigned int q = 0; q < c.nqps; q++)
			xpdk_qp_disconnect(c.qp[q]);
		teardown(&c);
	}
	if (o->out.fmt == FMT_TABLE)
		printf("---------------------------------------------------------------------------"
		       "------------\n");
	else if (o->out.fmt == FMT_JSON)
		print_json(o, &c, rows, o->nsizes);
	else
		print_csv(o, rows, o->nsizes);
	rc = o->out.plot ? plot(o, rows, o->nsizes) : BENCH_OK;
	xpdk_rdma_close(c.dev);
	return rc;
}

/* ---- options ---- */

static int parse_u32(const char *opt, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (xpdk_parse_u64(s, &v) < 0 || v < min || v > max) {
		fprintf(stderr, "xpdk-bench qp: %s: '%s' is not a number from %u to %u\n", opt, s,
			min, max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int bench_qp(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ib-dev", required_argument, NULL, 'd' },
		{ "ib-port", required_argument, NULL, 'i' },
		{ "gid-index", required_argument, NULL, 'x' },
		{ "size", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "iters", required_argument, NULL, 'n' },
		{ "tx-depth", required_argument, NULL, 't' },
		{ "rx-depth", required_argument, NULL, 'r' },
		{ "cq-mod", required_argument, NULL, 'Q' },
		{ "inline_size", required_argument, NULL, 'I' },
		{ "qp", required_argument, NULL, 'q' },
		{ "port", required_argument, NULL, 'p' },
		{ "report_gbits", no_argument, NULL, 'G' },
		{ "json", no_argument, NULL, 'J' },
		{ "csv", no_argument, NULL, 'C' },
		{ "plot", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct qp_opts o = { .gid_index = -1,
			     .tx_depth = 128,
			     .rx_depth = 512,
			     .cq_mod = 100,
			     .inline_size = -1,
			     .nqps = 1,
			     .port = 18515,
			     .out = { .fmt = FMT_TABLE } };
	uint32_t v;
	int c, t = -1;
	bool iters_set = false;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? BENCH_USAGE : BENCH_OK;
	}
	for (int i = 0; i < (int)XPDK_ARRAY_SIZE(test_names); i++)
		if (strcmp(argv[1], test_names[i]) == 0)
			t = i;
	if (t < 0) {
		fprintf(stderr,
			"xpdk-bench qp: unknown test '%s' (write, read, send, write_lat, "
			"send_lat)\n",
			argv[1]);
		return BENCH_USAGE;
	}
	o.test = (enum qp_test)t;
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:i:x:s:an:t:r:Q:l:I:q:p:Fh", lo, NULL)) != -1) {
		const char *name = bench_opt_name(lo, c);

		switch (c) {
		case 'd':
			o.dev = optarg;
			break;
		case 'i':
			if (parse_u32(name, optarg, 1, 255, &v))
				return BENCH_USAGE;
			o.ib_port = (uint8_t)v;
			break;
		case 'x':
			if (parse_u32(name, optarg, 0, 65535, &v))
				return BENCH_USAGE;
			o.gid_index = (int)v;
			break;
		case 's':
			o.nsizes = parse_sizes(optarg, o.sizes, QP_MAX_SIZES);
			if (o.nsizes <= 0) {
				fprintf(stderr,
					"xpdk-bench qp: --size: '%s' is not a list of sizes\n",
					optarg);
				return BENCH_USAGE;
			}
			for (int i = 0; i < o.nsizes; i++)
				if (o.sizes[i] == 0 || o.sizes[i] > (8u << 20)) {
					fprintf(stderr, "xpdk-bench qp: --size: 1 .. 8M bytes\n");
					return BENCH_USAGE;
				}
			break;
		case 'a':
			o.nsizes = 0;
			for (uint64_t s = 2; s <= (8u << 20); s *= 2)
				o.sizes[o.nsizes++] = s;
			break;
		case 'n':
			if (parse_u32(name, optarg, 5, 100000000, &o.iters))
				return BENCH_USAGE;
			iters_set = true;
			break;
		case 't':
			if (parse_u32(name, optarg, 1, 16384, &o.tx_depth))
				return BENCH_USAGE;
			break;
		case 'r':
			if (parse_u32(name, optarg, 1, 16384, &o.rx_depth))
				return BENCH_USAGE;
			break;
		case 'Q':
			if (parse_u32(name, optarg, 1, 16384, &o.cq_mod))
				return BENCH_USAGE;
			break;
		case 'l':
			if (parse_u32(name, optarg, 1, 64, &o.post_list))
				return BENCH_USAGE;
			break;
		case 'I':
			if (parse_u32(name, optarg, 0, 1024, &v))
				return BENCH_USAGE;
			o.inline_size = (int)v;
			break;
		case 'q':
			if (parse_u32(name, optarg, 1, QP_MAX_QPS, &o.nqps))
				return BENCH_USAGE;
			break;
		case 'p':
			if (parse_u32(name, optarg, 1, 65535, &v))
				return BENCH_USAGE;
			o.port = (uint16_t)v;
			break;
		case 'F':
			break;
		case 'G':
			o.gbits = true;
			break;
		case 'J':
			o.out.fmt = FMT_JSON;
			break;
		case 'C':
			o.out.fmt = FMT_CSV;
			break;
		case 'P':
			o.out.plot = optarg;
			break;
		case 'h':
			usage(stdout);
			return BENCH_OK;
		default:
			usage(stderr);
			return BENCH_USAGE;
		}
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "xpdk-bench qp: one server address at most ('%s' is extra)\n",
			argv[optind + 1]);
		return BENCH_USAGE;
	}
	if (optind < argc)
		o.server = argv[optind];
	if (o.nsizes == 0) {
		o.sizes[0] = is_lat(o.test) ? 2 : 65536;
		o.nsizes = 1;
	}
	if (!iters_set)
		o.iters = o.test == T_WRITE ? 5000 : 1000;
	if (o.cq_mod > o.tx_depth)
		o.cq_mod = o.tx_depth;
	if (o.server == NULL && o.out.plot != NULL) {
		fprintf(stderr,
			"xpdk-bench qp: --plot is for the client (the side that measures)\n");
		return BENCH_USAGE;
	}
	return o.server ? run_client(&o) : run_server(&o);
}
