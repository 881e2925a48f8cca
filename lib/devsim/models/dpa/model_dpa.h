/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Private to the dpa model and its child (xpdk-dpa-child): the control area both map, the
 * messages they exchange, the command decoder the fuzzer drives, and the futex helpers.
 *
 * A DPA process is a child process (fork + exec of xpdk-dpa-child) that maps its own heap (a
 * memfd, at the device address the host sees), its slot of BAR2 and the control area, loads the
 * program's shared object and runs its EU threads. Two socketpairs join it to the model: "ctl"
 * (the model asks, the child answers, one request at a time) and "evt" (the child reports
 * errors and interrupts; its end-of-file is the child's death). Each side checks what the
 * other sends.
 */

#ifndef XPDK_MODEL_DPA_H
#define XPDK_MODEL_DPA_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "xpdk_dpa_nic.h"
#include "xpdk_dpa_regs.h"

/* Default device address of the heap: where the child maps it, and what daddrs mean. */
#define DPA_HEAP_BASE 0x200000000000ULL
#define DPA_CTL_SIZE  0x10000ULL /* the control area: the first 64 KiB of the heap memfd */

/* Handler states (ctl.h_state, the child writes) */
enum dpa_hstate {
	DPA_H_NONE = 0,
	DPA_H_INIT,	/* created, not run: activations are dropped */
	DPA_H_IDLE,	/* running, waiting for an event */
	DPA_H_ACTIVE,	/* executing on an EU */
	DPA_H_FINISHED, /* flexio_dev_thread_finish(): never activated again */
};

/* NIC counters (the child adds, the model reads). */
struct dpa_nic_cnt {
	uint64_t packets, bytes, dropped, errors;
};

/* The control area, shared by the model and one child. */
struct dpa_ctl {
	uint32_t h_state[XPDK_DPA_MAX_HANDLERS];     /* child */
	uint32_t h_pending[XPDK_DPA_MAX_HANDLERS];   /* model or child set, the EU clears */
	uint32_t cq_armed[XPDK_DPA_MAX_CQS];	     /* child sets, the poster clears */
	uint32_t cq_pi[XPDK_DPA_MAX_CQS];	     /* model or the child's NIC: CQEs produced */
	struct dpa_nic_cnt wq_cnt[XPDK_DPA_MAX_WQS]; /* child: per WQ */
	struct dpa_nic_cnt port_rx, port_tx;	     /* child: this process's share of the port */
};
_Static_assert(sizeof(struct dpa_ctl) <= DPA_CTL_SIZE, "control area fits");

/* Messages on the sockets (fixed size; an fd may accompany DPA_MSG_MKEY_ADD). */
enum dpa_msg_type {
	DPA_MSG_HELLO = 1,   /* child -> model once loaded: status, text */
	DPA_MSG_RESOLVE,     /* text: symbol -> a0: function id */
	DPA_MSG_HANDLER_ADD, /* a0 id, a1 func, a2 affinity type, a3 affinity id, a4 window+1,
				a5 outbox+1, a6 tls daddr */
	DPA_MSG_HANDLER_RUN, /* a0 id, a1 argument */
	DPA_MSG_HANDLER_DEL, /* a0 id */
	DPA_MSG_WINDOW_ADD,  /* a0 id, a1 PD tag */
	DPA_MSG_WINDOW_DEL,
	DPA_MSG_OUTBOX_ADD,
	DPA_MSG_OUTBOX_DEL,
	DPA_MSG_MKEY_ADD, /* a0 id, a1 haddr, a2 len, a3 access, a4 fd off, a5 key, a6 PD; + fd */
	DPA_MSG_MKEY_DEL, /* a0 id */
	DPA_MSG_CQ_ADD,	  /* a0 cqn, a1 type, a2 target, a3 ring daddr, a4 log depth, a5 DBR
			     daddr (0: none) */
	DPA_MSG_CQ_DEL,	  /* a0 cqn */
	DPA_MSG_ERR_HANDLER, /* a0 function id */
	DPA_MSG_EXIT,
	/* child -> model, on evt */
	DPA_EVT_ERROR,	   /* a0 dpa status, text */
	DPA_EVT_MSIX,	   /* a0 cqn */
	DPA_MSG_WQ_ADD,	   /* a0 index, a1 kind, a2 cqn, a3 ring, a4 dbr, a5 log depth, a6 user
			      index, a7 owns the port's receive side; + the TAP fd (or none) */
	DPA_MSG_WQ_DEL,	   /* a0 index */
	DPA_MSG_DMKEY_ADD, /* a0 mkey id, a1 daddr, a2 len */
	DPA_MSG_CQ_MOD,	   /* a0 cqn, a1 max count, a2 period in µs */
	DPA_MSG_QP_ADD,	   /* a0 index, a1 SQ cqn, a2 RQ cqn, a3 buffer, a4 dbr, a5 SQ log depth,
			      a6 RQ log depth, a7 user index */
	DPA_MSG_QP_MOD,	   /* a0 index, a1 state, a2 remote index (or -1) */
	DPA_MSG_MAX
};

struct dpa_msg {
	uint32_t type;
	uint32_t status; /* replies: 0 or a positive errno */
	uint64_t a[8];
	char text[XPDK_DPA_MSG_LEN];
};

/* Child command line: xpdk-dpa-child CTL EVT HEAPFD SLOTFD SLOTOFF ELFFD EUS HEAPSIZE SPINUS */
#define DPA_CHILD_ARGC 10

/* ---- the command decoder (model_dpa_cmd.c; pure: the fuzzer drives it) ---- */

/* What a command needs, checked against the device's limits before anything runs. */
struct dpa_cmd_limits {
	uint32_t max_procs;
	uint64_t heap_size;
	uint64_t heap_base;
};

/*
 * Check the mailbox command @p cmd (copied out of shared memory: the host may change the
 * mailbox meanwhile) against the device's limits: known opcode, slot in range, names
 * terminated, sizes and staging lengths in bounds, ranges not wrapping.
 * @return 0, or a positive errno with @p msg (XPDK_DPA_MSG_LEN bytes) saying why.
 */
int xpdk_dpa_cmd_check(const struct xpdk_dpa_cmd *cmd, const struct dpa_cmd_limits *lim, char *msg);

/* Check a message from a child: known type, terminated text. @return 0 or EPROTO. */
int xpdk_dpa_msg_check(const struct dpa_msg *m, bool from_child);

/* The opcode's name, for logs ("?" when unknown). */
const char *xpdk_dpa_op_name(uint32_t op);

#endif /* XPDK_MODEL_DPA_H */
