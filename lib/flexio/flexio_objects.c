/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The objects of a FlexIO process: UARs, outboxes, windows, memory keys (host memory registered
 * for windows, and device keys), event handlers, CQs and MSI-X. Each holds a reference on its
 * process (and a handler on its window and outbox, a CQ on its handler), so that destroying
 * something still in use fails as FlexIO's does.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flexio_priv.h"

static void *new_obj(struct flexio_process *p, size_t size)
{
	void *o = calloc(1, size);

	if (o == NULL)
		xpdk_err(ENOMEM, "out of memory");
	else
		p->objects++;
	return o;
}

static void free_obj(struct flexio_process *p, void *o)
{
	p->objects--;
	free(o);
}

/* Create a process object through @p op; out0 is its id. */
static flexio_status create_id(struct flexio_process *p, uint32_t op, uint64_t arg0, uint32_t *id)
{
	struct xpdk_dpa_cmd cmd = { .opcode = op, .arg = { arg0 } };
	int rc = xpdk_flexio_cmd(p, &cmd, NULL, NULL);

	*id = (uint32_t)cmd.out[0];
	return xpdk_flexio_status(rc);
}

static flexio_status destroy_id(struct flexio_process *p, uint32_t op, uint32_t id)
{
	struct xpdk_dpa_cmd cmd = { .opcode = op, .id = id };

	return xpdk_flexio_status(xpdk_flexio_cmd(p, &cmd, NULL, NULL));
}

/* ---- UARs and outboxes ------------------------------------------------------------------- */

flexio_status flexio_uar_create(flexio_process *process, struct mlx5dv_devx_uar *devx_uar,
				flexio_uar **puar)
{
	struct flexio_uar *u;

	(void)devx_uar; /* the emulated DPA has one UAR per process */
	if (process == NULL || puar == NULL)
		return FLEXIO_STATUS_FAILED;
	u = new_obj(process, sizeof(*u));
	if (u == NULL)
		return FLEXIO_STATUS_FAILED;
	u->proc = process;
	u->id = process->uar.id;
	*puar = u;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_uar_destroy(flexio_uar *uar)
{
	if (uar != NULL && uar != &uar->proc->uar)
		free_obj(uar->proc, uar);
	return FLEXIO_STATUS_SUCCESS;
}

uint32_t flexio_uar_get_id(flexio_uar *uar)
{
	return uar != NULL ? uar->id : 0;
}

flexio_status flexio_outbox_create(flexio_process *process, struct ibv_context *other_ctx,
				   flexio_uar *uar, flexio_outbox **outbox)
{
	struct flexio_outbox *o;

	if (process == NULL || outbox == NULL || (uar != NULL && uar->proc != process) ||
	    (other_ctx != NULL && other_ctx != process->ibv)) {
		xpdk_err(EINVAL, "flexio_outbox_create: the UAR or context is another process's "
				 "(other GVMIs are not emulated)");
		return FLEXIO_STATUS_FAILED;
	}
	o = new_obj(process, sizeof(*o));
	if (o == NULL)
		return FLEXIO_STATUS_FAILED;
	o->proc = process;
	if (create_id(process, XPDK_DPA_OP_OUTBOX_CREATE, 0, &o->id) != FLEXIO_STATUS_SUCCESS) {
		free_obj(process, o);
		return FLEXIO_STATUS_FAILED;
	}
	*outbox = o;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_outbox_destroy(flexio_outbox *outbox)
{
	flexio_status st;

	if (outbox == NULL)
		return FLEXIO_STATUS_SUCCESS;
	if (outbox->users > 0)
		return xpdk_err(EBUSY, "the outbox is used by %d event handler(s)", outbox->users),
		       FLEXIO_STATUS_FAILED;
	st = destroy_id(outbox->proc, XPDK_DPA_OP_OUTBOX_DESTROY, outbox->id);
	if (st == FLEXIO_STATUS_SUCCESS || st == FLEXIO_STATUS_FATAL_ERR)
		free_obj(outbox->proc, outbox);
	return st == FLEXIO_STATUS_FATAL_ERR ? FLEXIO_STATUS_SUCCESS : st;
}

uint32_t flexio_outbox_get_id(flexio_outbox *outbox)
{
	return outbox != NULL ? outbox->id : 0;
}

/* ---- windows and memory keys ------------------------------------------------------------- */

static struct flexio_process *pd_proc(struct ibv_pd *pd)
{
	/* only an emulated process's PD is an xpdk_flexio_pd (its context is XPDK's) */
	if (pd == NULL || xpdk_flexio_ctx_find(pd->context) == NULL)
		return NULL;
	return ((struct xpdk_flexio_pd *)(void *)pd)->proc;
}

flexio_status flexio_window_create(flexio_process *process, struct ibv_pd *pd,
				   flexio_window **window)
{
	struct flexio_window *w;

	/* on a verbs device, any PD of its context: the MRs registered on it are the memory
	 * keys (flexio_verbs.c) */
	if (process == NULL || window == NULL || pd == NULL ||
	    (process->verbs_pd != NULL ? pd->context != process->ibv : pd != &process->pd.ibv)) {
		xpdk_err(EINVAL,
			 "flexio_window_create: the PD must be the process's "
			 "(flexio_process_get_pd) or, on a verbs device, one of its context");
		return FLEXIO_STATUS_FAILED;
	}
	w = new_obj(process, sizeof(*w));
	if (w == NULL)
		return FLEXIO_STATUS_FAILED;
	w->proc = process;
	/* on a verbs device the window reaches the keys of its PD's MRs only */
	if (create_id(process, XPDK_DPA_OP_WINDOW_CREATE,
		      process->verbs_pd != NULL ? xpdk_flexio_pd_tag(pd) : 0,
		      &w->id) != FLEXIO_STATUS_SUCCESS) {
		free_obj(process, w);
		return FLEXIO_STATUS_FAILED;
	}
	*window = w;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_window_destroy(flexio_window *window)
{
	flexio_status st;

	if (window == NULL)
		return FLEXIO_STATUS_SUCCESS;
	if (window->users > 0)
		return xpdk_err(EBUSY, "the window is used by %d event handler(s)", window->users),
		       FLEXIO_STATUS_FAILED;
	st = destroy_id(window->proc, XPDK_DPA_OP_WINDOW_DESTROY, window->id);
	if (st == FLEXIO_STATUS_SUCCESS || st == FLEXIO_STATUS_FATAL_ERR)
		free_obj(window->proc, window);
	return st == FLEXIO_STATUS_FATAL_ERR ? FLEXIO_STATUS_SUCCESS : st;
}

uint32_t flexio_window_get_id(flexio_window *window)
{
	return window != NULL ? window->id : 0;
}

struct ibv_mr *xpdk_flexio_reg_mr(struct ibv_pd *pd, const struct xpdk_dma_buf *buf, size_t off,
				  size_t len, int access)
{
	struct flexio_process *p = pd_proc(pd);
	uint32_t acc = XPDK_DPA_ACCESS_READ;
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_MKEY_REG };
	struct ibv_mr *mr;

	if (p == NULL || buf == NULL || len == 0 || off > buf->size || len > buf->size - off) {
		xpdk_err(EINVAL, "xpdk_flexio_reg_mr: the range is not inside the DMA buffer");
		return NULL;
	}
	if (access & (IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE))
		acc |= XPDK_DPA_ACCESS_WRITE;
	cmd.arg[0] = xpdk_dma_iova(buf, off);
	cmd.arg[1] = len;
	cmd.arg[2] = (uint64_t)(uintptr_t)buf->va + off;
	cmd.arg[3] = acc;
	mr = calloc(1, sizeof(*mr));
	if (mr == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	if (xpdk_flexio_cmd(p, &cmd, NULL, NULL) < 0) {
		free(mr);
		return NULL;
	}
	mr->context = pd->context;
	mr->pd = pd;
	mr->addr = (uint8_t *)buf->va + off;
	mr->length = len;
	mr->handle = (uint32_t)cmd.out[0];
	mr->lkey = mr->rkey = (uint32_t)cmd.out[0];
	return mr;
}

int xpdk_flexio_dereg_mr(struct ibv_mr *mr)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_MKEY_DEREG };
	struct flexio_process *p;
	int rc;

	if (mr == NULL)
		return 0;
	p = pd_proc(mr->pd);
	if (p == NULL)
		return xpdk_err(EINVAL, "xpdk_flexio_dereg_mr: not a registration of "
					"xpdk_flexio_reg_mr() (a verbs MR goes to ibv_dereg_mr)");
	cmd.id = mr->handle;
	rc = xpdk_flexio_cmd(p, &cmd, NULL, NULL);
	free(mr);
	return rc;
}

flexio_status flexio_device_mkey_create(flexio_process *process, struct flexio_mkey_attr *fattr,
					flexio_mkey **mkey)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_DEV_MKEY_CREATE };
	struct flexio_mkey *k;

	if (process == NULL || fattr == NULL || mkey == NULL)
		return FLEXIO_STATUS_FAILED;
	cmd.arg[0] = fattr->daddr;
	cmd.arg[1] = fattr->len;
	cmd.arg[2] = (uint64_t)fattr->access;
	k = new_obj(process, sizeof(*k));
	if (k == NULL)
		return FLEXIO_STATUS_FAILED;
	if (xpdk_flexio_cmd(process, &cmd, NULL, NULL) < 0) {
		free_obj(process, k);
		return FLEXIO_STATUS_FAILED;
	}
	k->proc = process;
	k->id = (uint32_t)cmd.out[0];
	*mkey = k;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_device_mkey_destroy(flexio_mkey *mkey)
{
	if (mkey != NULL)
		free_obj(mkey->proc, mkey);
	return FLEXIO_STATUS_SUCCESS;
}

uint32_t flexio_mkey_get_id(flexio_mkey *mkey)
{
	return mkey != NULL ? mkey->id : 0;
}

/* ---- event handlers ---------------------------------------------------------------------- */

flexio_status flexio_event_handler_create(flexio_process *process,
					  struct flexio_event_handler_attr *fattr,
					  const flexio_window *window, const flexio_outbox *outbox,
					  flexio_event_handler **event_handler_ptr)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_HANDLER_CREATE };
	const struct xpdk_flexio_func *f;
	struct flexio_event_handler *eh;
	uint32_t id, unpack;

	if (process == NULL || fattr == NULL || event_handler_ptr == NULL ||
	    (window != NULL && window->proc != process) ||
	    (outbox != NULL && outbox->proc != process))
		return FLEXIO_STATUS_FAILED;
	f = xpdk_flexio_func_find(process->app, fattr->host_stub_func);
	if (f == NULL) {
		xpdk_err(ENOENT,
			 "flexio_event_handler_create: the function is not registered "
			 "with app '%s'",
			 process->app->name);
		return FLEXIO_STATUS_FAILED;
	}
	if (xpdk_flexio_func_id(process, f, &id, &unpack) < 0)
		return FLEXIO_STATUS_FAILED;
	cmd.arg[0] = id;
	cmd.arg[1] = (uint64_t)fattr->affinity.type;
	cmd.arg[2] = fattr->affinity.id;
	cmd.arg[3] = window != NULL ? window->id + 1ULL : 0;
	cmd.arg[4] = outbox != NULL ? outbox->id + 1ULL : 0;
	cmd.arg[5] = (uint64_t)fattr->continuable;
	cmd.arg[6] = fattr->thread_local_storage_daddr;
	eh = new_obj(process, sizeof(*eh));
	if (eh == NULL)
		return FLEXIO_STATUS_FAILED;
	if (xpdk_flexio_cmd(process, &cmd, NULL, NULL) < 0) {
		free_obj(process, eh);
		return FLEXIO_STATUS_FAILED;
	}
	eh->proc = process;
	eh->id = (uint32_t)cmd.out[0];
	eh->window = (struct flexio_window *)window;
	eh->outbox = (struct flexio_outbox *)outbox;
	if (eh->window != NULL)
		eh->window->users++;
	if (eh->outbox != NULL)
		eh->outbox->users++;
	process->handlers++;
	*event_handler_ptr = eh;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_event_handler_run(flexio_event_handler *eh, uint64_t user_arg)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_HANDLER_RUN, .arg = { user_arg } };

	if (eh == NULL)
		return FLEXIO_STATUS_FAILED;
	cmd.id = eh->id;
	return xpdk_flexio_status(xpdk_flexio_cmd(eh->proc, &cmd, NULL, NULL));
}

flexio_status flexio_event_handler_destroy(flexio_event_handler *eh)
{
	flexio_status st;

	if (eh == NULL)
		return FLEXIO_STATUS_SUCCESS;
	if (eh->cqs > 0)
		return xpdk_err(EBUSY,
				"the event handler is the target of %d CQ(s): destroy them "
				"first",
				eh->cqs),
		       FLEXIO_STATUS_FAILED;
	st = destroy_id(eh->proc, XPDK_DPA_OP_HANDLER_DESTROY, eh->id);
	if (st != FLEXIO_STATUS_SUCCESS && st != FLEXIO_STATUS_FATAL_ERR)
		return st;
	if (eh->window != NULL)
		eh->window->users--;
	if (eh->outbox != NULL)
		eh->outbox->users--;
	eh->proc->handlers--;
	free_obj(eh->proc, eh);
	return FLEXIO_STATUS_SUCCESS;
}

flexio_thread *flexio_event_handler_get_thread(flexio_event_handler *event_handler)
{
	return (flexio_thread *)(void *)event_handler;
}

/* ---- CQs --------------------------------------------------------------------------------- */

flexio_status flexio_cq_create(flexio_process *process, struct ibv_context *ibv_ctx,
			       const struct flexio_cq_attr *fattr, flexio_cq **cq)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_CQ_CREATE };
	struct flexio_event_handler *eh = NULL;
	struct flexio_cq *q;

	if (process == NULL || fattr == NULL || cq == NULL ||
	    (ibv_ctx != NULL && ibv_ctx != process->ibv) || fattr->cq_ring_qmem.memtype != 0)
		return xpdk_err(EINVAL, "flexio_cq_create: another context, or a ring outside the "
					"DPA heap (not emulated)"),
		       FLEXIO_STATUS_FAILED;
	cmd.arg[0] = fattr->log_cq_depth;
	cmd.arg[1] = fattr->element_type;
	if (fattr->element_type == FLEXIO_CQ_ELEMENT_TYPE_DPA_THREAD) {
		eh = (struct flexio_event_handler *)(void *)fattr->thread;
		if (eh == NULL || eh->proc != process)
			return xpdk_err(EINVAL, "flexio_cq_create: a DPA_THREAD CQ needs a thread "
						"of this process"),
			       FLEXIO_STATUS_FAILED;
		cmd.arg[2] = eh->id;
	} else {
		cmd.arg[2] = fattr->emulated_eqn;
	}
	cmd.arg[3] = fattr->cq_ring_qmem.daddr;
	cmd.arg[4] = fattr->always_armed ? XPDK_DPA_CQ_F_ALWAYS_ARMED : 0;
	cmd.arg[5] = fattr->cq_dbr_daddr; /* 0: none (the NIC sees no overruns) */
	q = new_obj(process, sizeof(*q));
	if (q == NULL)
		return FLEXIO_STATUS_FAILED;
	if (xpdk_flexio_cmd(process, &cmd, NULL, NULL) < 0) {
		free_obj(process, q);
		return FLEXIO_STATUS_FAILED;
	}
	q->proc = process;
	q->cqn = (uint32_t)cmd.out[0];
	q->eh = eh;
	if (eh != NULL)
		eh->cqs++;
	*cq = q;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_cq_destroy(flexio_cq *cq)
{
	flexio_status st;

	if (cq == NULL)
		return FLEXIO_STATUS_SUCCESS;
	st = destroy_id(cq->proc, XPDK_DPA_OP_CQ_DESTROY, cq->cqn);
	if (st != FLEXIO_STATUS_SUCCESS && st != FLEXIO_STATUS_FATAL_ERR)
		return st;
	if (cq->eh != NULL)
		cq->eh->cqs--;
	free_obj(cq->proc, cq);
	return FLEXIO_STATUS_SUCCESS;
}

uint32_t flexio_cq_get_cq_num(flexio_cq *cq)
{
	return cq != NULL ? cq->cqn : 0;
}

flexio_status xpdk_flexio_cq_post(flexio_cq *cq, const struct xpdk_flexio_cqe *cqe)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_CQ_POST };
	struct xpdk_dpa_cqe64 raw = { 0 };

	if (cq == NULL || cqe == NULL)
		return FLEXIO_STATUS_FAILED;
	raw.byte_cnt = __builtin_bswap32(cqe->byte_cnt);
	raw.sop_drop_qpn = __builtin_bswap32(cqe->qpn & 0xffffff);
	raw.user_index = __builtin_bswap32(cqe->user_index);
	raw.wqe_counter = __builtin_bswap16(cqe->wqe_counter);
	raw.op_own = (uint8_t)(cqe->opcode << 4);
	memcpy(cmd.arg, &raw, sizeof(raw));
	cmd.id = cq->cqn;
	return xpdk_flexio_status(xpdk_flexio_cmd(cq->proc, &cmd, NULL, NULL));
}

/* ---- MSI-X ------------------------------------------------------------------------------- */

flexio_status
flexio_emulated_device_msix_create(flexio_process *process, struct ibv_context *target_ibv_ctx,
				   uint8_t direct_mode, uint32_t target_uar_id, uint16_t msix_id,
				   struct flexio_emu_device_msix_map *map, flexio_msix **msix)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_MSIX_CHECK, .arg = { msix_id } };
	struct flexio_msix *x;

	(void)target_ibv_ctx;
	(void)direct_mode;
	(void)target_uar_id;
	(void)map; /* one emulated function: vectors map 1:1 */
	if (process == NULL || msix == NULL || xpdk_flexio_cmd(process, &cmd, NULL, NULL) < 0)
		return FLEXIO_STATUS_FAILED;
	x = new_obj(process, sizeof(*x));
	if (x == NULL)
		return FLEXIO_STATUS_FAILED;
	x->proc = process;
	x->id = msix_id;
	*msix = x;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_emulated_device_msix_destroy(flexio_msix *msix)
{
	if (msix != NULL)
		free_obj(msix->proc, msix);
	return FLEXIO_STATUS_SUCCESS;
}

int xpdk_flexio_msix_fd(flexio_msix *msix)
{
	if (msix == NULL)
		return -1;
	return msix->proc->ctx->be->irq_fd(msix->proc->ctx->dev, XPDK_DPA_VEC_USER_BASE + msix->id);
}
