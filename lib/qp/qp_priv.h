/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * lib/qp internals: the objects behind the handles, send-queue bookkeeping for selective
 * signalling, and the pure helpers the unit tests reach without a device.
 */

#ifndef XPDK_QP_PRIV_H
#define XPDK_QP_PRIV_H

#include <pthread.h>
#include <stdatomic.h>

#include <rdma/rdma_cma.h>

#include "xpdk_qp.h"

struct xpdk_rdma {
	struct ibv_context *ctx;
	char name[64];
	uint8_t port;
	int gid_index;
	union ibv_gid gid;
	struct ibv_port_attr port_attr;
	struct ibv_device_attr dev_attr;
	bool mlx5dv;
};

/* One registered chunk of DMA memory. */
struct dma_mr {
	uintptr_t start, end; /* [start, end) */
	struct ibv_mr *mr;
};

/* An immutable, sorted (by start) table of DMA regions; replaced whole on a miss. */
struct dma_table {
	unsigned int n;
	struct dma_table *prev; /* older tables, freed with the PD (readers may hold them) */
	struct dma_mr mr[];
};

struct xpdk_pd {
	struct xpdk_rdma *dev;
	struct ibv_pd *pd;
	_Atomic(struct dma_table *) dma;
	pthread_mutex_t dma_lock; /* writers of dma */
	int dma_access;
	atomic_int users; /* MRs, QPs, AHs */
};

struct xpdk_mr {
	struct xpdk_pd *pd;
	struct ibv_mr *mr;
};

struct xpdk_cq {
	struct xpdk_rdma *dev;
	struct ibv_cq *cq;
	struct ibv_comp_channel *ch;
	unsigned int events_unacked;
	bool armed;
	struct xpdk_qp **qps; /* QPs sending through this CQ, for the bookkeeping */
	unsigned int nqps;
	struct xpdk_qp *last; /* last QP credited */
	int users;
};

/*
 * Send-queue bookkeeping under selective signalling: every signalled WR's completion retires
 * it and the unsignalled WRs posted before it. batch[] is a ring of those counts, one per
 * signalled WR in flight.
 */
struct sq_book {
	uint32_t depth;	      /* send-queue slots */
	uint32_t outstanding; /* posted, not known complete */
	uint32_t run;	      /* unsignalled WRs since the last signalled one */
	uint32_t sig_every;   /* 1: every WR signalled */
	uint32_t head, tail;  /* ring of batch sizes, depth entries */
	uint32_t nbatch;      /* entries in the ring */
	uint32_t *batch;
};

int sq_book_init(struct sq_book *b, uint32_t depth, uint32_t sig_every);
void sq_book_fini(struct sq_book *b);
/* Slots free. */
static inline uint32_t sq_book_free(const struct sq_book *b)
{
	return b->depth - b->outstanding;
}
/* Account one WR about to be posted; returns whether it must be signalled. The caller checked
 * sq_book_free() > 0. @p want: the user asked for a completion. */
bool sq_book_post(struct sq_book *b, bool want);
/* Undo the last sq_book_post() calls (@p n WRs, the device refused them). */
void sq_book_unpost(struct sq_book *b, const bool *signalled, unsigned int n);
/* One signalled WR completed: retire its batch. */
void sq_book_complete(struct sq_book *b);
/* The QP went to error: nothing is outstanding any more. */
void sq_book_reset(struct sq_book *b);

struct xpdk_qp {
	struct xpdk_pd *pd;
	struct xpdk_rdma *dev;
	struct ibv_qp *qp;
	struct xpdk_cq *scq, *rcq;
	enum xpdk_qp_type type;
	struct xpdk_qp_opts opts; /* with defaults filled in */
	uint32_t max_inline;	  /* as created */
	uint32_t psn;
	struct sq_book sq;
	uint32_t rq_posted;
	/* rdma_cm */
	struct rdma_event_channel *cm_ch;
	struct rdma_cm_id *cm_id;
	bool cm_connected;
};

struct xpdk_ah {
	struct xpdk_pd *pd;
	struct ibv_ah *ah;
};

/* ---- helpers, exported for the unit tests ---- */

/* The sentence for ibv_get_device_list() failing with @p err (ENOSYS: no RDMA). */
int qp_err_no_devices(int err);
/* "no RDMA device 'x'; present: a, b" from a space-separated list. */
int qp_err_missing_device(const char *want, const char *present);
/* Check one send WR against a QP's limits; 0 or -EINVAL with the sentence. */
int qp_check_send_wr(enum xpdk_qp_type type, uint32_t max_inline, const struct xpdk_wr *wr);
/* Parse an IPv4 or IPv6 address into a GID (IPv4-mapped for IPv4); 0 or -EINVAL. */
int qp_ip_to_gid(const char *ip, union ibv_gid *gid);
/* The GID as an IP address when it holds one (IPv4-mapped or not link-local), else "". */
void qp_gid_to_ip(const union ibv_gid *gid, char *buf, size_t len);
/* Path MTU from both sides. */
static inline enum ibv_mtu qp_path_mtu(enum ibv_mtu a, enum ibv_mtu b)
{
	return a < b ? a : b;
}

/* cq.c: register / unregister a QP sending through @p cq */
int cq_attach_qp(struct xpdk_cq *cq, struct xpdk_qp *qp);
void cq_detach_qp(struct xpdk_cq *cq, struct xpdk_qp *qp);

/* qp.c: transitions used by cm.c */
int qp_modify(struct xpdk_qp *qp, struct ibv_qp_attr *attr, int mask, const char *what);

#endif /* XPDK_QP_PRIV_H */
