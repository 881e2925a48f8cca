/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Model "dpa": an emulated DPA (the data-path accelerator of BlueField-3) behind a PCI function,
 * for NVIDIA FlexIO's host API (lib/flexio). Registers in BAR0, a command mailbox, process slots
 * and a staging area in BAR2 (include/hw/xpdk_dpa_regs.h). Every command is checked
 * (model_dpa_cmd.c) and then runs here, on the server thread, under the instance lock; DPA
 * processes are children (model_dpa_proc.c) running the device code on their EU threads.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model_dpa_priv.h"

#ifndef XPDK_DPA_CHILD_BUILD
#define XPDK_DPA_CHILD_BUILD ""
#endif
#ifndef XPDK_DPA_CHILD_INSTALL
#define XPDK_DPA_CHILD_INSTALL "/usr/local/libexec/xpdk/xpdk-dpa-child"
#endif

static int dpa_arg(const char *key, const char *val, void *arg)
{
	struct dpa_model *m = arg;
	uint64_t v = 0;

	if (strcmp(key, "tap") == 0) {
		if (strlen(val) == 0 || strlen(val) >= sizeof(m->tap))
			return xpdk_err(EINVAL, "dpa: tap=NAME takes an interface name (1..15 "
						"characters)");
		snprintf(m->tap, sizeof(m->tap), "%s", val);
		return 0;
	}
	if (strcmp(key, "child") == 0) {
		if (strlen(val) >= sizeof(m->child))
			return xpdk_err(ENAMETOOLONG, "dpa: child path too long");
		snprintf(m->child, sizeof(m->child), "%s", val);
		return 0;
	}
	if (strcmp(key, "heap") == 0 ? xpdk_parse_size(val, &v) < 0 : xpdk_parse_u64(val, &v) < 0)
		return xpdk_err(EINVAL, "dpa: %s '%s' is not a number", key, val);
	if (strcmp(key, "eus") == 0 && v >= 1 && v <= XPDK_DPA_MAX_EUS)
		m->eus = (uint32_t)v;
	else if (strcmp(key, "procs") == 0 && v >= 1 && v <= XPDK_DPA_MAX_PROCS)
		m->max_procs = (uint32_t)v;
	else if (strcmp(key, "heap") == 0 && v >= 65536 && v <= (1ULL << 32) && v % 4096 == 0)
		m->heap_size = v;
	else if (strcmp(key, "spin_us") == 0 && v <= 1000)
		m->spin_us = (uint32_t)v;
	else
		return xpdk_err(EINVAL,
				"dpa: bad model argument %s=%s (known: eus=1..%u, procs=1..%u, "
				"heap=64K..4G in pages, spin_us=0..1000, child=PATH, tap=NAME)",
				key, val, XPDK_DPA_MAX_EUS, XPDK_DPA_MAX_PROCS);
	return 0;
}

static void find_child(struct dpa_model *m)
{
	const char *env = getenv("XPDK_DPA_CHILD");
	struct stat st;

	if (m->child[0] != '\0')
		return;
	if (env != NULL && env[0] != '\0')
		snprintf(m->child, sizeof(m->child), "%s", env);
	else if (XPDK_DPA_CHILD_BUILD[0] != '\0' && stat(XPDK_DPA_CHILD_BUILD, &st) == 0)
		snprintf(m->child, sizeof(m->child), "%s", XPDK_DPA_CHILD_BUILD);
	else
		snprintf(m->child, sizeof(m->child), "%s", XPDK_DPA_CHILD_INSTALL);
}

static int dpa_init(struct xpdk_devsim_dev *dev, const char *args)
{
	static const struct xpdk_pci_ids ids = {
		.vendor = XPDK_DPA_VENDOR_ID,
		.device = XPDK_DPA_DEVICE_ID,
		.subsystem_vendor = XPDK_DPA_SUBSYS_VENDOR_ID,
		.subsystem = XPDK_DPA_SUBSYS_ID,
		.class_code = XPDK_DPA_CLASS,
		.revision = 1,
	};
	struct dpa_model *m = xpdk_devsim_priv(dev);
	struct xpdk_pci_cfg *cfg = xpdk_devsim_cfg(dev);
	int rc;

	m->dev = dev;
	m->eus = 4;
	m->max_procs = XPDK_DPA_MAX_PROCS;
	m->heap_size = 64ULL << 20;
	m->spin_us = 20;
	m->epfd = m->stop_fd = m->tap_fd = -1;
	rc = xpdk_devsim_args("dpa", args, dpa_arg, m);
	if (rc < 0)
		return rc;
	rc = xpdk_dpam_nic_open(m);
	if (rc < 0)
		return rc;
	find_child(m);
	if (access(m->child, X_OK) != 0)
		return xpdk_err(ENOENT,
				"dpa: the DPA process program %s is not executable; give "
				"child=PATH or set XPDK_DPA_CHILD",
				m->child);
	xpdk_pci_cfg_init(cfg, &ids, true);
	rc = xpdk_pci_cfg_msi(cfg, XPDK_DPA_NUM_VECTORS);
	if (rc == 0)
		rc = xpdk_devsim_bar(dev, 0, XPDK_DPA_BAR0_SIZE, false);
	if (rc == 0)
		rc = xpdk_devsim_bar(dev, 2, XPDK_DPA_BAR2_SIZE, true);
	if (rc < 0)
		return rc;
	m->bar2 = xpdk_devsim_bar_mem(dev, 2, 0, XPDK_DPA_BAR2_SIZE);
	if (m->bar2 == NULL)
		return -ENOMEM;
	return xpdk_dpam_monitor_start(m);
}

static void destroy_all(struct dpa_model *m)
{
	for (unsigned int i = 0; i < XPDK_DPA_MAX_PROCS; i++)
		xpdk_dpam_proc_destroy(m, &m->proc[i]);
	memset(m->mkey, 0, sizeof(m->mkey));
}

static void dpa_fini(struct xpdk_devsim_dev *dev)
{
	struct dpa_model *m = xpdk_devsim_priv(dev);

	xpdk_devsim_lock(dev);
	destroy_all(m);
	xpdk_devsim_unlock(dev);
	xpdk_dpam_monitor_stop(m);
	xpdk_dpam_nic_close(m);
}

/* ---- the heap: first fit over the sorted allocation list --------------------------------- */

static int heap_alloc(struct dpa_model *m, struct dpa_proc *p, uint64_t size, uint64_t *daddr,
		      char *msg)
{
	uint64_t len = XPDK_ALIGN_UP(size, (uint64_t)DPA_HEAP_ALIGN), at = 0;
	unsigned int i;

	if (p->nblk == DPA_HEAP_MAX_BLOCKS)
		return snprintf(msg, XPDK_DPA_MSG_LEN, "the heap has %u allocations already",
				DPA_HEAP_MAX_BLOCKS),
		       ENOMEM;
	for (i = 0; i < p->nblk; i++) {
		if (p->blk[i].off - at >= len)
			break;
		at = p->blk[i].off + p->blk[i].len;
	}
	if (at > m->heap_size || m->heap_size - at < len) {
		snprintf(msg, XPDK_DPA_MSG_LEN, "no %llu free bytes in the %llu-byte DPA heap",
			 (unsigned long long)len, (unsigned long long)m->heap_size);
		return ENOMEM;
	}
	memmove(&p->blk[i + 1], &p->blk[i], (p->nblk - i) * sizeof(p->blk[0]));
	p->blk[i].off = at;
	p->blk[i].len = len;
	p->nblk++;
	*daddr = DPA_HEAP_BASE + at;
	return 0;
}

static int heap_free(struct dpa_proc *p, uint64_t daddr, char *msg)
{
	if (daddr == 0)
		return 0; /* FlexIO: freeing 0 is valid */
	for (unsigned int i = 0; i < p->nblk; i++) {
		if (DPA_HEAP_BASE + p->blk[i].off == daddr) {
			memmove(&p->blk[i], &p->blk[i + 1], (p->nblk - i - 1) * sizeof(p->blk[0]));
			p->nblk--;
			return 0;
		}
	}
	snprintf(msg, XPDK_DPA_MSG_LEN, "0x%llx is not an allocation of this process's heap",
		 (unsigned long long)daddr);
	return EINVAL;
}

_Static_assert(XPDK_DPA_MAX_WINDOWS == XPDK_DPA_MAX_OUTBOXES, "windows and outboxes share code");

/* ---- commands ----------------------------------------------------------------------------- */

static int alloc_id(bool *used, unsigned int n, const char *what, uint32_t *id, char *msg)
{
	for (unsigned int i = 0; i < n; i++) {
		if (!used[i]) {
			used[i] = true;
			*id = i;
			return 0;
		}
	}
	snprintf(msg, XPDK_DPA_MSG_LEN, "the process has %u %s already", n, what);
	return ENOSPC;
}

static int tell(struct dpa_model *m, struct dpa_proc *p, uint32_t type, const uint64_t *a,
		unsigned int na, const char *text, int fd, struct dpa_msg *rsp, char *msg)
{
	struct dpa_msg req = { .type = type };

	for (unsigned int i = 0; i < na && i < 8; i++)
		req.a[i] = a[i];
	if (text != NULL)
		snprintf(req.text, sizeof(req.text), "%s", text);
	return xpdk_dpam_call(m, p, &req, fd, rsp, msg);
}

int xpdk_dpam_tell(struct dpa_model *m, struct dpa_proc *p, uint32_t type, const uint64_t *a,
		   unsigned int na, const char *text, int fd, struct dpa_msg *rsp, char *msg)
{
	return tell(m, p, type, a, na, text, fd, rsp, msg);
}

static int cq_post(struct dpa_model *m, struct dpa_proc *p, struct dpa_cq *cq, uint32_t cqn,
		   const uint64_t *raw)
{
	struct xpdk_dpa_cqe64 cqe;
	uint32_t pi = __atomic_load_n(&p->ctl->cq_pi[cqn], __ATOMIC_RELAXED);
	uint32_t mask = (1u << cq->log_depth) - 1;
	uint8_t *slotp = p->heap + (cq->ring_daddr - DPA_HEAP_BASE) + (uint64_t)(pi & mask) * 64;

	memcpy(&cqe, raw, sizeof(cqe));
	cqe.op_own = (uint8_t)((cqe.op_own & 0xfe) | ((pi >> cq->log_depth) & 1));
	memcpy(slotp, &cqe, sizeof(cqe));
	__atomic_store_n(&p->ctl->cq_pi[cqn], pi + 1, __ATOMIC_SEQ_CST);
	if (cq->type == XPDK_DPA_CQ_MSIX) {
		xpdk_devsim_irq_raise(m->dev, XPDK_DPA_VEC_USER_BASE + cq->target);
	} else if (cq->type == XPDK_DPA_CQ_DPA_THREAD) {
		if (cq->always_armed ||
		    __atomic_exchange_n(&p->ctl->cq_armed[cqn], 0, __ATOMIC_SEQ_CST) != 0) {
			if (xpdk_dpam_activate(p, cq->target))
				cq->stranded = false;
		} else if (!cq->stranded &&
			   __atomic_load_n(&p->ctl->h_state[cq->target], __ATOMIC_SEQ_CST) ==
			       DPA_H_IDLE &&
			   __atomic_load_n(&p->ctl->h_pending[cq->target], __ATOMIC_SEQ_CST) == 0) {
			char text[XPDK_DPA_MSG_LEN];

			cq->stranded = true;
			snprintf(text, sizeof(text),
				 "CQ %u got a CQE while not armed and its handler %u waits: the "
				 "handler returned without flexio_dev_cq_arm(), so it is never "
				 "activated again",
				 cqn, cq->target);
			xpdk_dpam_report(m, p, XPDK_DPA_ERR_USER, 0, text);
		}
	}
	return 0;
}

static int cmd_cq_create(struct dpa_model *m, struct dpa_proc *p, struct xpdk_dpa_cmd *c, char *msg)
{
	const uint64_t *a = c->arg;
	struct dpa_msg rsp;
	uint32_t cqn = XPDK_DPA_MAX_CQS;
	int rc;

	if (a[1] == XPDK_DPA_CQ_DPA_THREAD && (a[2] >= XPDK_DPA_MAX_HANDLERS || !p->handler[a[2]]))
		return snprintf(msg, XPDK_DPA_MSG_LEN, "CQ_CREATE: no event handler %llu",
				(unsigned long long)a[2]),
		       EINVAL;
	if (a[1] == XPDK_DPA_CQ_MSIX && a[2] >= XPDK_DPA_NUM_USER_VECTORS)
		return snprintf(msg, XPDK_DPA_MSG_LEN, "CQ_CREATE: MSI-X id %llu out of range",
				(unsigned long long)a[2]),
		       EINVAL;
	for (uint32_t i = 0; i < XPDK_DPA_MAX_CQS && cqn == XPDK_DPA_MAX_CQS; i++)
		if (!p->cq[i].used)
			cqn = i;
	if (cqn == XPDK_DPA_MAX_CQS)
		return snprintf(msg, XPDK_DPA_MSG_LEN, "the process has %u CQs already",
				XPDK_DPA_MAX_CQS),
		       ENOSPC;
	p->cq[cqn] = (struct dpa_cq){ .used = true,
				      .always_armed = a[4] & XPDK_DPA_CQ_F_ALWAYS_ARMED,
				      .type = (uint32_t)a[1],
				      .target = (uint32_t)a[2],
				      .log_depth = (uint32_t)a[0],
				      .ring_daddr = a[3] };
	__atomic_store_n(&p->ctl->cq_pi[cqn], 0, __ATOMIC_SEQ_CST);
	/* FlexIO arms a DPA_THREAD CQ at creation: the first CQE activates its handler */
	__atomic_store_n(&p->ctl->cq_armed[cqn], a[1] == XPDK_DPA_CQ_DPA_THREAD, __ATOMIC_SEQ_CST);
	rc = tell(m, p, DPA_MSG_CQ_ADD, (uint64_t[]){ cqn, a[1], a[2], a[3], a[0], a[5] }, 6, NULL,
		  -1, &rsp, msg);
	if (rc != 0) {
		p->cq[cqn].used = false;
		return rc;
	}
	c->out[0] = cqn;
	return 0;
}

/* Is a memory key in use named @p key (device code's name for it)? */
static bool mkey_named_in_use(const struct dpa_model *m, uint32_t key)
{
	for (uint32_t i = 0; i < XPDK_DPA_MAX_MKEYS; i++)
		if (m->mkey[i].used && m->mkey[i].key == key)
			return true;
	return false;
}

static int cmd_mkey_reg(struct dpa_model *m, struct xpdk_dpa_cmd *c, char *msg)
{
	const uint64_t *a = c->arg;
	struct dpa_msg rsp;
	uint32_t id = XPDK_DPA_MAX_MKEYS, key;
	bool named = (a[4] & XPDK_DPA_MKEY_NAMED) != 0;
	uint64_t off = 0;
	int fd = -1, rc;

	/* a free id that no key in use is named by (an unnamed key is its id) */
	for (uint32_t i = 0; i < XPDK_DPA_MAX_MKEYS && id == XPDK_DPA_MAX_MKEYS; i++)
		if (!m->mkey[i].used && (named || !mkey_named_in_use(m, i)))
			id = i;
	if (id == XPDK_DPA_MAX_MKEYS)
		return snprintf(msg, XPDK_DPA_MSG_LEN, "the device has %u memory keys already",
				XPDK_DPA_MAX_MKEYS),
		       ENOSPC;
	key = named ? (uint32_t)a[4] : id;
	if (named && mkey_named_in_use(m, key))
		return snprintf(msg, XPDK_DPA_MSG_LEN, "memory key 0x%x is registered already",
				key),
		       EEXIST;
	rc = xpdk_devsim_dma_fd(m->dev, a[0], a[1], a[3] & XPDK_DPA_ACCESS_WRITE, &fd, &off);
	if (rc < 0)
		return snprintf(msg, XPDK_DPA_MSG_LEN, "MKEY_REG: %s", xpdk_strerror_last()), -rc;
	m->mkey[id] = (struct dpa_mkey){ .used = true,
					 .iova = a[0],
					 .len = a[1],
					 .haddr = a[2],
					 .access = (uint32_t)a[3],
					 .key = key,
					 .pd = a[5] };
	/* every running process learns the key (and maps the memory) */
	for (unsigned int i = 0; i < XPDK_DPA_MAX_PROCS && rc == 0; i++)
		if (m->proc[i].used && !m->proc[i].dead)
			rc = tell(m, &m->proc[i], DPA_MSG_MKEY_ADD,
				  (uint64_t[]){ id, a[2], a[1], a[3], off, key, a[5] }, 7, NULL, fd,
				  &rsp, msg);
	close(fd);
	if (rc != 0) {
		m->mkey[id].used = false;
		return rc;
	}
	c->out[0] = id;
	return 0;
}

/* A new process learns the keys registered before it. */
static int push_mkeys(struct dpa_model *m, struct dpa_proc *p, char *msg)
{
	struct dpa_msg rsp;
	int rc = 0;

	for (uint32_t id = 0; id < XPDK_DPA_MAX_MKEYS && rc == 0; id++) {
		struct dpa_mkey *k = &m->mkey[id];
		uint64_t off = 0;
		int fd = -1;

		if (!k->used)
			continue;
		if (xpdk_devsim_dma_fd(m->dev, k->iova, k->len, k->access & XPDK_DPA_ACCESS_WRITE,
				       &fd, &off) < 0)
			continue; /* the client unmapped it: the key reaches nothing */
		rc = tell(m, p, DPA_MSG_MKEY_ADD,
			  (uint64_t[]){ id, k->haddr, k->len, k->access, off, k->key, k->pd }, 7,
			  NULL, fd, &rsp, msg);
		close(fd);
	}
	return rc;
}

static int cmd_proc(struct dpa_model *m, struct dpa_proc *p, struct xpdk_dpa_cmd *c, char *msg)
{
	const uint64_t *a = c->arg;
	uint8_t *stage = m->bar2 + XPDK_DPA_STAGE_OFF;
	struct dpa_msg rsp;
	uint32_t id = 0;
	int rc = 0;

	switch (c->opcode) {
	case XPDK_DPA_OP_PROC_DESTROY:
		xpdk_dpam_proc_destroy(m, p);
		return 0;
	case XPDK_DPA_OP_FUNC_RESOLVE:
		rc = tell(m, p, DPA_MSG_RESOLVE, NULL, 0, c->name, -1, &rsp, msg);
		c->out[0] = rsp.a[0];
		return rc;
	case XPDK_DPA_OP_HEAP_ALLOC:
		rc = heap_alloc(m, p, a[0], &c->out[0], msg);
		return rc;
	case XPDK_DPA_OP_HEAP_FREE:
		return heap_free(p, a[0], msg);
	case XPDK_DPA_OP_HEAP_WRITE:
		memcpy(p->heap + (a[0] - DPA_HEAP_BASE), stage, c->data_len);
		return 0;
	case XPDK_DPA_OP_HEAP_READ:
		memcpy(stage, p->heap + (a[0] - DPA_HEAP_BASE), c->data_len);
		return 0;
	case XPDK_DPA_OP_HEAP_SET:
		memset(p->heap + (a[0] - DPA_HEAP_BASE), (int)a[2], a[1]);
		return 0;
	case XPDK_DPA_OP_CQ_CREATE:
		return cmd_cq_create(m, p, c, msg);
	case XPDK_DPA_OP_CQ_DESTROY:
	case XPDK_DPA_OP_CQ_POST:
		if (c->id >= XPDK_DPA_MAX_CQS || !p->cq[c->id].used)
			return snprintf(msg, XPDK_DPA_MSG_LEN, "no CQ %u", c->id), EINVAL;
		if (p->cq[c->id].wqs != 0)
			return snprintf(msg, XPDK_DPA_MSG_LEN,
					"CQ %u is the CQ of %u NIC queue(s): destroy them first "
					"(and the NIC alone posts on it)",
					c->id, p->cq[c->id].wqs),
			       EBUSY;
		if (c->opcode == XPDK_DPA_OP_CQ_POST)
			return cq_post(m, p, &p->cq[c->id], c->id, a);
		rc = tell(m, p, DPA_MSG_CQ_DEL, (uint64_t[]){ c->id }, 1, NULL, -1, &rsp, msg);
		p->cq[c->id].used = false;
		return rc == ESRCH ? 0 : rc;
	case XPDK_DPA_OP_HANDLER_CREATE:
		if ((a[3] && !p->window[a[3] - 1]) || (a[4] && !p->outbox[a[4] - 1]))
			return snprintf(msg, XPDK_DPA_MSG_LEN, "no such window or outbox"), EINVAL;
		if (a[0] >= p->nfuncs)
			return snprintf(msg, XPDK_DPA_MSG_LEN, "no device function %llu",
					(unsigned long long)a[0]),
			       EINVAL;
		rc = alloc_id(p->handler, XPDK_DPA_MAX_HANDLERS, "event handlers", &id, msg);
		if (rc == 0)
			rc = tell(m, p, DPA_MSG_HANDLER_ADD,
				  (uint64_t[]){ id, a[0], a[1], a[2], a[3], a[4], a[6] }, 7, NULL,
				  -1, &rsp, msg);
		if (rc != 0 && rc != ENOSPC)
			p->handler[id] = false;
		c->out[0] = id;
		return rc;
	case XPDK_DPA_OP_HANDLER_RUN:
	case XPDK_DPA_OP_HANDLER_DESTROY:
		if (c->id >= XPDK_DPA_MAX_HANDLERS || !p->handler[c->id])
			return snprintf(msg, XPDK_DPA_MSG_LEN, "no event handler %u", c->id),
			       EINVAL;
		for (unsigned int i = 0;
		     c->opcode == XPDK_DPA_OP_HANDLER_DESTROY && i < XPDK_DPA_MAX_CQS; i++)
			if (p->cq[i].used && p->cq[i].type == XPDK_DPA_CQ_DPA_THREAD &&
			    p->cq[i].target == c->id)
				return snprintf(msg, XPDK_DPA_MSG_LEN,
						"event handler %u is still the target of CQ %u: "
						"destroy the CQ first",
						c->id, i),
				       EBUSY;
		rc = tell(m, p,
			  c->opcode == XPDK_DPA_OP_HANDLER_RUN ? DPA_MSG_HANDLER_RUN
							       : DPA_MSG_HANDLER_DEL,
			  (uint64_t[]){ c->id, a[0] }, 2, NULL, -1, &rsp, msg);
		if (c->opcode == XPDK_DPA_OP_HANDLER_DESTROY && (rc == 0 || rc == ESRCH)) {
			p->handler[c->id] = false;
			rc = 0;
		}
		return rc;
	case XPDK_DPA_OP_WINDOW_CREATE:
	case XPDK_DPA_OP_OUTBOX_CREATE: {
		bool win = c->opcode == XPDK_DPA_OP_WINDOW_CREATE;

		rc = alloc_id(win ? p->window : p->outbox,
			      XPDK_DPA_MAX_WINDOWS, /* == XPDK_DPA_MAX_OUTBOXES */
			      win ? "windows" : "outboxes", &id, msg);
		if (rc == 0)
			rc = tell(m, p, win ? DPA_MSG_WINDOW_ADD : DPA_MSG_OUTBOX_ADD,
				  (uint64_t[]){ id, win ? c->arg[0] : 0 }, 2, NULL, -1, &rsp, msg);
		if (rc != 0 && rc != ENOSPC)
			(win ? p->window : p->outbox)[id] = false;
		c->out[0] = id;
		return rc;
	}
	case XPDK_DPA_OP_WINDOW_DESTROY:
	case XPDK_DPA_OP_OUTBOX_DESTROY: {
		bool win = c->opcode == XPDK_DPA_OP_WINDOW_DESTROY;
		bool *used = win ? p->window : p->outbox;

		if (c->id >= XPDK_DPA_MAX_WINDOWS || !used[c->id])
			return snprintf(msg, XPDK_DPA_MSG_LEN, "no such %s %u",
					win ? "window" : "outbox", c->id),
			       EINVAL;
		rc = tell(m, p, win ? DPA_MSG_WINDOW_DEL : DPA_MSG_OUTBOX_DEL,
			  (uint64_t[]){ c->id }, 1, NULL, -1, &rsp, msg);
		if (rc == 0 || rc == ESRCH)
			used[c->id] = false;
		return rc == ESRCH ? 0 : rc;
	}
	case XPDK_DPA_OP_DEV_MKEY_CREATE:
	case XPDK_DPA_OP_WQ_CREATE:
	case XPDK_DPA_OP_WQ_DESTROY:
	case XPDK_DPA_OP_NIC_STATS:
	case XPDK_DPA_OP_CQ_MODERATE:
	case XPDK_DPA_OP_QP_MODIFY:
		return xpdk_dpam_nic_cmd(m, p, c, msg);
	case XPDK_DPA_OP_MSIX_CHECK:
		return 0;
	case XPDK_DPA_OP_ERR_CLEAR:
		if (p->slot->err_status == XPDK_DPA_ERR_USER || p->dead)
			__atomic_store_n(&p->slot->err_status, XPDK_DPA_ERR_NONE, __ATOMIC_RELEASE);
		return 0;
	case XPDK_DPA_OP_ERR_HANDLER_SET:
		rc = tell(m, p, DPA_MSG_RESOLVE, NULL, 0, c->name, -1, &rsp, msg);
		if (rc == 0)
			rc = tell(m, p, DPA_MSG_ERR_HANDLER, (uint64_t[]){ rsp.a[0] }, 1, NULL, -1,
				  &rsp, msg);
		return rc;
	default:
		return snprintf(msg, XPDK_DPA_MSG_LEN, "opcode %u is not a process command",
				c->opcode),
		       EINVAL;
	}
}

static int run_cmd(struct dpa_model *m, struct xpdk_dpa_cmd *c, char *msg)
{
	const struct dpa_cmd_limits lim = { .max_procs = m->max_procs,
					    .heap_size = m->heap_size,
					    .heap_base = DPA_HEAP_BASE };
	struct dpa_proc *p;
	uint32_t slot = 0;
	int rc = xpdk_dpa_cmd_check(c, &lim, msg);

	if (rc != 0)
		return rc;
	switch (c->opcode) {
	case XPDK_DPA_OP_NOP:
		return 0;
	case XPDK_DPA_OP_PROC_CREATE:
		rc = xpdk_dpam_proc_create(m, m->bar2 + XPDK_DPA_STAGE_OFF, c->data_len, c->name,
					   &slot, msg);
		if (rc == 0)
			rc = push_mkeys(m, &m->proc[slot], msg);
		if (rc != 0 && m->proc[slot].used)
			xpdk_dpam_proc_destroy(m, &m->proc[slot]);
		c->out[0] = slot;
		return rc;
	case XPDK_DPA_OP_MKEY_REG:
		return cmd_mkey_reg(m, c, msg);
	case XPDK_DPA_OP_MKEY_DEREG: {
		struct dpa_msg rsp;

		if (c->id >= XPDK_DPA_MAX_MKEYS || !m->mkey[c->id].used)
			return snprintf(msg, XPDK_DPA_MSG_LEN, "no memory key %u", c->id), EINVAL;
		m->mkey[c->id].used = false;
		for (unsigned int i = 0; i < XPDK_DPA_MAX_PROCS; i++)
			if (m->proc[i].used && !m->proc[i].dead)
				(void)tell(m, &m->proc[i], DPA_MSG_MKEY_DEL, (uint64_t[]){ c->id },
					   1, NULL, -1, &rsp, msg);
		msg[0] = '\0';
		return 0;
	}
	default:
		break;
	}
	p = &m->proc[c->slot];
	if (!p->used)
		return snprintf(msg, XPDK_DPA_MSG_LEN, "%s: no DPA process in slot %u",
				xpdk_dpa_op_name(c->opcode), c->slot),
		       ESRCH;
	if (p->dead && c->opcode != XPDK_DPA_OP_PROC_DESTROY && c->opcode != XPDK_DPA_OP_ERR_CLEAR)
		return snprintf(msg, XPDK_DPA_MSG_LEN, "%s: the DPA process has ended: %.200s",
				xpdk_dpa_op_name(c->opcode), p->slot->err_msg),
		       ESRCH;
	rc = cmd_proc(m, p, c, msg);
	if (rc == 0 && c->opcode == XPDK_DPA_OP_FUNC_RESOLVE && c->out[0] >= p->nfuncs)
		p->nfuncs = (uint32_t)c->out[0] + 1;
	return rc;
}

static void doorbell(struct xpdk_devsim_dev *dev, struct dpa_model *m)
{
	struct xpdk_dpa_cmd *box = (struct xpdk_dpa_cmd *)(m->bar2 + XPDK_DPA_MBOX_OFF);
	struct xpdk_dpa_cmd c;
	char msg[XPDK_DPA_MSG_LEN];
	int rc;

	memcpy(&c, box, sizeof(c)); /* one snapshot: the host may scribble on the mailbox */
	memset(c.out, 0, sizeof(c.out));
	rc = run_cmd(m, &c, msg);
	if (rc != 0)
		xpdk_devsim_log(dev, 3, "command %s failed: %s", xpdk_dpa_op_name(c.opcode), msg);
	memcpy(box->out, c.out, sizeof(c.out));
	memcpy(box->msg, rc ? msg : "", rc ? XPDK_DPA_MSG_LEN : 1);
	__atomic_store_n(&box->status, (uint32_t)rc, __ATOMIC_RELEASE);
	m->cmd_count++;
}

static uint64_t dpa_mmio_read(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			      unsigned int size)
{
	struct dpa_model *m = xpdk_devsim_priv(dev);
	uint64_t v;

	if (bar != 0 || size < 4)
		return ~0ULL;
	switch (off) {
	case XPDK_DPA_REG_ID:
		v = XPDK_DPA_ID_VALUE;
		break;
	case XPDK_DPA_REG_VERSION:
		v = XPDK_DPA_VERSION;
		break;
	case XPDK_DPA_REG_NUM_EUS:
		v = m->eus;
		break;
	case XPDK_DPA_REG_MAX_PROCS:
		v = m->max_procs;
		break;
	case XPDK_DPA_REG_HEAP_SIZE:
		v = m->heap_size;
		break;
	case XPDK_DPA_REG_HEAP_BASE:
		v = DPA_HEAP_BASE;
		break;
	case XPDK_DPA_REG_CMD_COUNT:
		v = m->cmd_count;
		break;
	default:
		return ~0ULL;
	}
	return size == 4 ? (uint32_t)v : v;
}

static void dpa_mmio_write(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			   unsigned int size, uint64_t val)
{
	if (bar == 0 && off == XPDK_DPA_REG_CMD_DOORBELL && size == 4 && val == XPDK_DPA_CMD_GO)
		doorbell(dev, xpdk_devsim_priv(dev));
}

static void dpa_reset(struct xpdk_devsim_dev *dev)
{
	struct dpa_model *m = xpdk_devsim_priv(dev);

	destroy_all(m);
	m->cmd_count = 0;
}

static void dpa_detach(struct xpdk_devsim_dev *dev)
{
	/* the client's processes and its memory are gone */
	xpdk_devsim_lock(dev);
	dpa_reset(dev);
	xpdk_devsim_unlock(dev);
}

static const struct xpdk_devsim_model dpa_model = {
	.name = "dpa",
	.summary = "emulated DPA (BlueField-3 15b3:a2dc) for FlexIO: processes, heap, RPC, "
		   "event handlers, CQs, windows, NIC queues on a TAP port",
	.args_help = "eus=N       EU threads per DPA process (default 4, at most 64)\n"
		     "procs=N     process slots (default 16)\n"
		     "heap=SIZE   heap per process (default 64M)\n"
		     "spin_us=N   an idle EU polls this long before it sleeps (default 20)\n"
		     "child=PATH  the DPA process program (default: xpdk-dpa-child of this build)\n"
		     "tap=NAME    the NIC port: an existing TAP interface (default: no port)",
	.priv_size = sizeof(struct dpa_model),
	.init = dpa_init,
	.fini = dpa_fini,
	.mmio_read = dpa_mmio_read,
	.mmio_write = dpa_mmio_write,
	.reset = dpa_reset,
	.detach = dpa_detach,
};

XPDK_DEVSIM_MODEL(dpa_model)
