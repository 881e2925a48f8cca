/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Private to the dpa model's files in the model process: its state and cross-file helpers. */

#ifndef XPDK_MODEL_DPA_PRIV_H
#define XPDK_MODEL_DPA_PRIV_H

#include <limits.h>
#include <pthread.h>
#include <sys/types.h>

#include "../../xpdk_devsim.h"
#include "model_dpa.h"

#define DPA_HEAP_MAX_BLOCKS 4096u
#define DPA_HEAP_ALIGN	    64
#define DPA_CHILD_TIMEOUT_MS                                                                       \
	4000 /* a child answers (or starts) within this: under the                                 \
	      client's 5 s wait for a register write */

struct dpa_block {
	uint64_t off, len;
};

/* A CQ as the model created it: its own copy, never read back from shared memory. */
struct dpa_cq {
	bool used;
	bool always_armed;
	bool stranded; /* "never re-armed" reported; cleared by the next activation */
	uint32_t type, target, log_depth;
	uint64_t ring_daddr;
	uint32_t wqs; /* WQs completing on it */
};

/* A WQ as the model created it. */
struct dpa_wq {
	bool used, port_rx;
	uint32_t kind, cqn, rq_cqn; /* rq_cqn: QPs */
	uint32_t state, remote;	    /* QPs: XPDK_DPA_QP_*, the peer's index */
};

struct dpa_proc {
	bool used, dead;
	uint32_t gen;
	pid_t pid;
	int ctl_fd, evt_fd, heap_fd;
	uint8_t *map; /* the heap memfd: control area, then the heap */
	struct dpa_ctl *ctl;
	uint8_t *heap;
	struct xpdk_dpa_slot *slot;
	struct dpa_block blk[DPA_HEAP_MAX_BLOCKS]; /* allocations, by offset */
	unsigned int nblk;
	struct dpa_cq cq[XPDK_DPA_MAX_CQS];
	struct dpa_wq wq[XPDK_DPA_MAX_WQS];
	uint32_t dev_mkeys; /* device memory keys of this process */
	bool handler[XPDK_DPA_MAX_HANDLERS];
	bool window[XPDK_DPA_MAX_WINDOWS];
	bool outbox[XPDK_DPA_MAX_OUTBOXES];
	uint32_t nfuncs;
	char app[64];
};

struct dpa_mkey {
	bool used;
	uint64_t iova, len, haddr;
	uint32_t access;
	uint32_t key; /* what device code names it by: the id, or MKEY_REG's named key */
	uint64_t pd;  /* PD tag, 0 for none */
};

struct dpa_model {
	struct xpdk_devsim_dev *dev;
	uint32_t eus, max_procs, spin_us;
	uint64_t heap_size;
	char child[PATH_MAX];
	uint8_t *bar2;
	uint32_t cmd_count;
	struct dpa_proc proc[XPDK_DPA_MAX_PROCS];
	struct dpa_mkey mkey[XPDK_DPA_MAX_MKEYS];
	uint32_t dev_mkeys;
	char tap[16]; /* the port's TAP interface ("": no port) */
	int tap_fd;
	pthread_t mon;
	bool mon_started;
	int epfd, stop_fd;
};

/* model_dpa_proc.c: processes (the children) */
int xpdk_dpam_proc_create(struct dpa_model *m, const void *elf, size_t len, const char *app,
			  uint32_t *slot, char *msg);
void xpdk_dpam_proc_destroy(struct dpa_model *m, struct dpa_proc *p);
/* Send @p req (and @p fd unless -1) to the child and wait for its answer in @p rsp.
 * @return 0 or a positive errno with @p msg set. */
int xpdk_dpam_call(struct dpa_model *m, struct dpa_proc *p, struct dpa_msg *req, int fd,
		   struct dpa_msg *rsp, char *msg);
/* Report an error of process @p p to the host (slot status, message, interrupt). */
void xpdk_dpam_report(struct dpa_model *m, struct dpa_proc *p, uint32_t err, uint32_t status,
		      const char *text);
int xpdk_dpam_monitor_start(struct dpa_model *m);
void xpdk_dpam_monitor_stop(struct dpa_model *m);
/* model_dpa_nic.c: the NIC port and its queues */
int xpdk_dpam_nic_open(struct dpa_model *m);
void xpdk_dpam_nic_close(struct dpa_model *m);
/* Run a NIC command (WQ_CREATE, WQ_DESTROY, NIC_STATS, DEV_MKEY_CREATE) for @p p.
 * @return 0 or a positive errno with @p msg set. */
int xpdk_dpam_nic_cmd(struct dpa_model *m, struct dpa_proc *p, struct xpdk_dpa_cmd *c, char *msg);
/* Ask child @p p something (model_dpa.c). */
int xpdk_dpam_tell(struct dpa_model *m, struct dpa_proc *p, uint32_t type, const uint64_t *a,
		   unsigned int na, const char *text, int fd, struct dpa_msg *rsp, char *msg);
/* Activate handler @p h of @p p (an event arrived): dropped unless it runs. */
bool xpdk_dpam_activate(struct dpa_proc *p, uint32_t h);

#endif /* XPDK_MODEL_DPA_PRIV_H */
