/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Private to xpdk-dpa-child (one DPA process): its state, shared by its EU threads, its control
 * thread and the device-side runtime (flexio_dev_*). */

#ifndef XPDK_MODEL_DPA_CHILD_H
#define XPDK_MODEL_DPA_CHILD_H

#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>

#include "model_dpa.h"
#include "xpdk_common.h"

#define DPA_WIN_GUARD (64ULL << 20) /* PROT_NONE around each host-memory mapping */

/* How an activation ended (longjmp values). */
enum dpa_exit { DPA_X_RETURN = 1, DPA_X_RESCHEDULE, DPA_X_FINISH, DPA_X_RETRIGGER };

/* An EU thread's context: what flexio_dev_get_thread_ctx() returns. */
struct flexio_dev_thread_ctx {
	uint32_t eu;
	int kind;	  /* 0 idle, 1 RPC, 2 event handler */
	uint32_t handler; /* when kind == 2 */
	int window;	  /* configured window id, or -1 */
	int mkey;	  /* configured memory key, or -1 */
	int outbox;	  /* configured outbox, or -1 */
	jmp_buf jb;
};

struct dpa_chandler {
	bool used;
	uint32_t func;
	uint32_t aff_type, aff_id;
	int window, outbox; /* -1: none */
	uint64_t tls, arg;
};

struct dpa_ccq {
	bool used;
	uint32_t type, target, log_depth;
	uint8_t *ring; /* in the heap (the model checked the range) */
	uint32_t *dbr; /* the consumer index record, or NULL */
	uint32_t lock; /* producers (the NIC's threads): a spinlock */
	/* moderation (NIC CQEs on a DPA_THREAD CQ), under lock */
	uint32_t mod_count, mod_period_us, unsignalled;
	uint64_t first_ns; /* when the oldest unsignalled CQE was written */
};

/* An SQ or RQ of the NIC (model_dpa_child_nic.c). */
struct dpa_cwq {
	bool used, is_sq;
	uint32_t cqn, log_depth, user_index;
	uint8_t *ring; /* WQEs, in the heap */
	uint32_t *dbr; /* the doorbell record */
	uint32_t ci;   /* WQEs consumed */
	pthread_mutex_t lock;
	/* QPs: the SQ is the fields above; the RQ, the state and the peer below */
	bool is_qp;
	uint8_t *rq_ring;
	uint32_t rq_cqn, rq_log, rq_ci, state;
	int remote; /* the peer's index, or -1 */
};

/* A device memory key: DPA heap memory the NIC may reach. */
struct dpa_cdmkey {
	bool used;
	uint64_t daddr, len;
};

struct dpa_cmkey {
	bool used;
	uint64_t haddr, len;
	uint32_t access;
	uint32_t key;  /* the name device code gives flexio_dev_window_config */
	uint64_t pd;   /* PD tag, 0 for none */
	uint8_t *ptr;  /* haddr's address here */
	uint8_t *resv; /* the reservation, guards included */
	size_t resv_len;
};

struct dpa_child {
	int ctl_fd, evt_fd;
	struct xpdk_dpa_slot *slot;
	struct dpa_ctl *ctl;
	uint8_t *heap;
	uint64_t heap_size;
	uint32_t eus, spin_us;
	void *so;
	void *func[XPDK_DPA_MAX_FUNCS];
	char *func_name[XPDK_DPA_MAX_FUNCS];
	uint32_t nfuncs;
	int err_handler; /* function id, or -1 */
	struct dpa_chandler h[XPDK_DPA_MAX_HANDLERS];
	struct dpa_ccq cq[XPDK_DPA_MAX_CQS];
	bool window[XPDK_DPA_MAX_WINDOWS];
	uint64_t window_pd[XPDK_DPA_MAX_WINDOWS]; /* PD tags, 0 for none */
	bool outbox[XPDK_DPA_MAX_OUTBOXES];
	struct dpa_cmkey mkey[XPDK_DPA_MAX_MKEYS];
	struct dpa_cwq wq[XPDK_DPA_MAX_WQS];
	struct dpa_cdmkey dmkey[XPDK_DPA_MAX_MKEYS];
	int tap_fd;  /* the port, or -1 */
	int port_rq; /* the WQ that owns the port's receive side, or -1 */
	bool rx_started, mod_started;
	pthread_mutex_t qp_lock; /* QP deliveries; taken before any WQ's lock */
	pthread_mutex_t lock;	 /* tables above, against the control thread */
	pthread_mutex_t print_lock;
	uint32_t rpc_claimed;
};

extern struct dpa_child xpdk_dpac;

/* model_dpa_child_rt.c */
/* Report a fatal error to the model and end the process (any thread). */
void xpdk_dpac_fatal(uint32_t status, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
/* Install the crash handlers (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT). */
int xpdk_dpac_signals_init(void);
/* Give the calling EU thread its signal stack. */
void xpdk_dpac_signals_thread(void);
/* The calling thread's context, or NULL off an EU. */
struct flexio_dev_thread_ctx *xpdk_dpac_ctx(void);
void xpdk_dpac_set_ctx(struct flexio_dev_thread_ctx *ctx);
/* Activate handler @p h (an armed CQ got an event): dropped unless it runs. */
void xpdk_dpac_activate(uint32_t h);
/* Check the doorbell of @p dtctx on CQ @p cqn (outbox configured, CQ exists): fatal if not. */
struct dpa_ccq *xpdk_dpac_doorbell_cq(struct flexio_dev_thread_ctx *dtctx, uint32_t cqn,
				      const char *call);
/* What the calling thread runs, for messages. */
const char *xpdk_dpac_who(void);

/* model_dpa_child_nic.c */
void xpdk_dpac_nic_init(void);
/* A NIC request of the model (WQ_ADD, WQ_DEL, DMKEY_ADD); the caller holds c->lock.
 * @return 0 or a positive errno (m->text set). */
int xpdk_dpac_nic_msg(struct dpa_msg *m, int fd);
/* Where a queue's memory (a heap address, or host memory tagged with its key: xpdk_dpa_nic.h)
 * of @p len bytes is here, or NULL. */
uint8_t *xpdk_dpac_qmem(uint64_t x, uint64_t len);
/* Where [addr, addr + len) under memory key @p lkey is here, or NULL. */
uint8_t *xpdk_dpac_nic_mem(uint32_t lkey, uint64_t addr, uint64_t len, bool write);
/* A CQE on CQ @p cqn (an overrun is counted in @p cnt instead). */
void xpdk_dpac_cqe(uint32_t cqn, uint8_t opcode, uint32_t wqn, uint16_t counter, uint32_t bytes,
		   uint32_t user_index, uint8_t synd, struct dpa_nic_cnt *cnt);

/* model_dpa_child_qp.c: loopback RC QPs */
/* Run QP @p idx's send WQEs up to @p pi (qp_lock and its lock held). @return false for a bad
 * doorbell. */
bool xpdk_dpac_qp_tx(uint32_t idx, uint16_t pi);
/* QP_ADD, QP_MOD; the caller holds c->lock. */
int xpdk_dpac_qp_msg(struct dpa_msg *m);

#endif /* XPDK_MODEL_DPA_CHILD_H */
