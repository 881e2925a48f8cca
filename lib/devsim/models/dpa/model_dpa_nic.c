/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The dpa model's NIC, model side: the port (a TAP interface named by the model argument
 * tap=NAME, opened here once), the commands that create and destroy SQs and RQs, device memory
 * keys, and the counters. The data path runs in each DPA process's child
 * (model_dpa_child_nic.c), which gets the TAP fd with its first queue: packets never cross a
 * process boundary more than the TAP itself makes them. One RQ at a time owns the port's
 * receive side: the first created while no other RQ of a live process has it.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "model_dpa_priv.h"

int xpdk_dpam_nic_open(struct dpa_model *m)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd;

	if (m->tap[0] == '\0')
		return 0;
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return xpdk_err(-errno, "dpa: cannot open /dev/net/tun for tap=%s: %s", m->tap,
				strerror(errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", m->tap);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int err = errno;

		close(fd);
		return xpdk_err(-err,
				"dpa: cannot attach to TAP interface %s: %s (create it first: ip "
				"tuntap add dev %s mode tap)",
				m->tap, strerror(err), m->tap);
	}
	m->tap_fd = fd;
	return 0;
}

void xpdk_dpam_nic_close(struct dpa_model *m)
{
	if (m->tap_fd >= 0)
		close(m->tap_fd);
	m->tap_fd = -1;
}

/* Does an RQ of a live process own the port's receive side? */
static bool port_rx_taken(const struct dpa_model *m)
{
	for (unsigned int i = 0; i < XPDK_DPA_MAX_PROCS; i++) {
		const struct dpa_proc *p = &m->proc[i];

		if (!p->used || p->dead)
			continue;
		for (unsigned int w = 0; w < XPDK_DPA_MAX_WQS; w++)
			if (p->wq[w].used && p->wq[w].port_rx)
				return true;
	}
	return false;
}

/* A ring or record in host memory: @p *x (tagged key + offset) becomes tagged key + host
 * address once [offset, offset + len) is inside the key. DPA heap addresses pass unchanged. */
static int host_qmem(const struct dpa_model *m, uint64_t *x, uint64_t len, const char *what,
		     char *msg)
{
	int64_t key = XPDK_DPA_QMEM_KEY(*x);
	uint64_t off = XPDK_DPA_QMEM_ADDR(*x);
	const struct dpa_mkey *k;

	if (key < 0)
		return 0;
	k = key < XPDK_DPA_MAX_MKEYS ? &m->mkey[key] : NULL;
	if (k == NULL || !k->used || !(k->access & XPDK_DPA_ACCESS_READ) || off > k->len ||
	    len > k->len - off)
		return snprintf(msg, XPDK_DPA_MSG_LEN,
				"WQ_CREATE: the %s (%llu bytes at offset 0x%llx of memory key "
				"%lld) is not inside a readable host memory key",
				what, (unsigned long long)len, (unsigned long long)off,
				(long long)key),
		       EFAULT;
	*x = XPDK_DPA_QMEM_HOST(key, k->haddr + off);
	return 0;
}

static int wq_create(struct dpa_model *m, struct dpa_proc *p, struct xpdk_dpa_cmd *c, char *msg)
{
	uint64_t a[8];
	struct dpa_msg rsp;
	uint32_t idx = XPDK_DPA_MAX_WQS;
	bool port_rx;
	int rc;

	memcpy(a, c->arg, sizeof(a));
	if (a[1] >= XPDK_DPA_MAX_CQS || !p->cq[a[1]].used)
		return snprintf(msg, XPDK_DPA_MSG_LEN, "WQ_CREATE: no CQ %llu in this process",
				(unsigned long long)a[1]),
		       EINVAL;
	for (uint32_t i = 0; i < XPDK_DPA_MAX_WQS && idx == XPDK_DPA_MAX_WQS; i++)
		if (!p->wq[i].used)
			idx = i;
	if (idx == XPDK_DPA_MAX_WQS)
		return snprintf(msg, XPDK_DPA_MSG_LEN, "the process has %u NIC queues already",
				XPDK_DPA_MAX_WQS),
		       ENOSPC;
	if (a[0] == XPDK_DPA_WQ_QP && (a[6] >= XPDK_DPA_MAX_CQS || !p->cq[a[6]].used))
		return snprintf(msg, XPDK_DPA_MSG_LEN, "QP: no RQ CQ %llu in this process",
				(unsigned long long)a[6]),
		       EINVAL;
	{
		uint64_t wqe = a[0] == XPDK_DPA_WQ_RQ ? XPDK_DPA_RQ_WQE_SIZE : XPDK_DPA_SQ_WQE_SIZE;
		uint64_t ring =
		    (wqe << a[2]) +
		    (a[0] == XPDK_DPA_WQ_QP ? (uint64_t)XPDK_DPA_RQ_WQE_SIZE << a[7] : 0);

		rc = host_qmem(m, &a[3], ring, "ring", msg);
		if (rc == 0)
			rc = host_qmem(m, &a[4], 8, "doorbell record", msg);
		if (rc != 0)
			return rc;
	}
	port_rx = a[0] == XPDK_DPA_WQ_RQ && m->tap_fd >= 0 && !port_rx_taken(m);
	if (a[0] == XPDK_DPA_WQ_QP) /* loopback RC: no port */
		rc = xpdk_dpam_tell(m, p, DPA_MSG_QP_ADD,
				    (uint64_t[]){ idx, a[1], a[6], a[3], a[4], a[2], a[7], a[5] },
				    8, NULL, -1, &rsp, msg);
	else
		rc =
		    xpdk_dpam_tell(m, p, DPA_MSG_WQ_ADD,
				   (uint64_t[]){ idx, a[0], a[1], a[3], a[4], a[2], a[5], port_rx },
				   8, NULL, m->tap_fd, &rsp, msg);
	if (rc != 0)
		return rc;
	p->wq[idx] = (struct dpa_wq){ .used = true,
				      .port_rx = port_rx,
				      .kind = (uint32_t)a[0],
				      .cqn = (uint32_t)a[1],
				      .rq_cqn = (uint32_t)a[6],
				      .state = XPDK_DPA_QP_RST };
	p->cq[a[1]].wqs++;
	if (a[0] == XPDK_DPA_WQ_QP)
		p->cq[a[6]].wqs++;
	memset(&p->ctl->wq_cnt[idx], 0, sizeof(p->ctl->wq_cnt[idx]));
	c->out[0] = XPDK_DPA_WQN_BASE + idx;
	c->out[1] = port_rx;
	return 0;
}

static struct dpa_wq *find_wq(struct dpa_proc *p, uint32_t wqn, char *msg)
{
	uint32_t idx = wqn - XPDK_DPA_WQN_BASE;

	if (wqn < XPDK_DPA_WQN_BASE || idx >= XPDK_DPA_MAX_WQS || !p->wq[idx].used) {
		snprintf(msg, XPDK_DPA_MSG_LEN, "no NIC queue 0x%x in this process", wqn);
		return NULL;
	}
	return &p->wq[idx];
}

static void port_stats(struct dpa_model *m, uint64_t *out)
{
	for (unsigned int i = 0; i < XPDK_DPA_MAX_PROCS; i++) {
		const struct dpa_proc *p = &m->proc[i];

		if (!p->used || p->ctl == NULL)
			continue;
		out[0] += __atomic_load_n(&p->ctl->port_rx.packets, __ATOMIC_RELAXED);
		out[1] += __atomic_load_n(&p->ctl->port_rx.bytes, __ATOMIC_RELAXED);
		out[2] += __atomic_load_n(&p->ctl->port_tx.packets, __ATOMIC_RELAXED);
		out[3] += __atomic_load_n(&p->ctl->port_tx.bytes, __ATOMIC_RELAXED);
	}
}

/* RST -> INIT -> RTR (with a peer QP of this process: loopback) -> RTS; any -> RST or ERR. */
static int qp_modify(struct dpa_model *m, struct dpa_proc *p, struct xpdk_dpa_cmd *c, char *msg)
{
	struct dpa_wq *qp = find_wq(p, c->id, msg), *peer;
	uint32_t next = (uint32_t)c->arg[0], remote = UINT32_MAX;
	struct dpa_msg rsp;
	bool ok;
	int rc;

	if (qp == NULL || qp->kind != XPDK_DPA_WQ_QP)
		return qp == NULL
			   ? EINVAL
			   : (snprintf(msg, XPDK_DPA_MSG_LEN, "0x%x is not a QP", c->id), EINVAL);
	ok = next == XPDK_DPA_QP_RST || next == XPDK_DPA_QP_ERR ||
	     (next == XPDK_DPA_QP_INIT &&
	      (qp->state == XPDK_DPA_QP_RST || qp->state == XPDK_DPA_QP_INIT)) ||
	     (next == XPDK_DPA_QP_RTR && qp->state == XPDK_DPA_QP_INIT) ||
	     (next == XPDK_DPA_QP_RTS &&
	      (qp->state == XPDK_DPA_QP_RTR || qp->state == XPDK_DPA_QP_RTS));
	if (!ok)
		return snprintf(msg, XPDK_DPA_MSG_LEN,
				"QP 0x%x: no transition from state %u to %u (RST->INIT->RTR->RTS)",
				c->id, qp->state, next),
		       EINVAL;
	if (next == XPDK_DPA_QP_RTR) {
		char why[XPDK_DPA_MSG_LEN];

		peer = c->arg[1] <= UINT32_MAX ? find_wq(p, (uint32_t)c->arg[1], why) : NULL;
		if (peer == NULL || peer->kind != XPDK_DPA_WQ_QP)
			return snprintf(
				   msg, XPDK_DPA_MSG_LEN,
				   "QP 0x%x: remote QP 0x%llx is not a QP of this process (the "
				   "emulated NIC connects QPs by loopback only)",
				   c->id, (unsigned long long)c->arg[1]),
			       EINVAL;
		remote = (uint32_t)(peer - p->wq);
	} else if (next == XPDK_DPA_QP_RTS || next == XPDK_DPA_QP_ERR) {
		remote = qp->remote;
	}
	rc = xpdk_dpam_tell(m, p, DPA_MSG_QP_MOD,
			    (uint64_t[]){ c->id - XPDK_DPA_WQN_BASE, next, remote }, 3, NULL, -1,
			    &rsp, msg);
	if (rc != 0)
		return rc;
	qp->state = next;
	qp->remote = remote;
	return 0;
}

int xpdk_dpam_nic_cmd(struct dpa_model *m, struct dpa_proc *p, struct xpdk_dpa_cmd *c, char *msg)
{
	struct dpa_msg rsp;
	struct dpa_wq *wq;
	int rc;

	switch (c->opcode) {
	case XPDK_DPA_OP_DEV_MKEY_CREATE:
		if (p->dev_mkeys == XPDK_DPA_MAX_MKEYS)
			return snprintf(msg, XPDK_DPA_MSG_LEN,
					"the process has %u device memory keys already",
					XPDK_DPA_MAX_MKEYS),
			       ENOSPC;
		rc = xpdk_dpam_tell(m, p, DPA_MSG_DMKEY_ADD,
				    (uint64_t[]){ p->dev_mkeys, c->arg[0], c->arg[1] }, 3, NULL, -1,
				    &rsp, msg);
		if (rc == 0)
			c->out[0] = XPDK_DPA_DEV_MKEY_MIN + p->dev_mkeys++;
		return rc;
	case XPDK_DPA_OP_WQ_CREATE:
		return wq_create(m, p, c, msg);
	case XPDK_DPA_OP_CQ_MODERATE:
		if (c->id >= XPDK_DPA_MAX_CQS || !p->cq[c->id].used)
			return snprintf(msg, XPDK_DPA_MSG_LEN, "no CQ %u", c->id), EINVAL;
		return xpdk_dpam_tell(m, p, DPA_MSG_CQ_MOD,
				      (uint64_t[]){ c->id, c->arg[0], c->arg[1] }, 3, NULL, -1,
				      &rsp, msg);
	case XPDK_DPA_OP_WQ_DESTROY:
		wq = find_wq(p, c->id, msg);
		if (wq == NULL)
			return EINVAL;
		rc = xpdk_dpam_tell(m, p, DPA_MSG_WQ_DEL, (uint64_t[]){ c->id - XPDK_DPA_WQN_BASE },
				    1, NULL, -1, &rsp, msg);
		if (rc != 0 && rc != ESRCH)
			return rc;
		p->cq[wq->cqn].wqs--;
		if (wq->kind == XPDK_DPA_WQ_QP)
			p->cq[wq->rq_cqn].wqs--;
		wq->used = false;
		return 0;
	case XPDK_DPA_OP_QP_MODIFY:
		return qp_modify(m, p, c, msg);
	case XPDK_DPA_OP_NIC_STATS:
		if (c->id == XPDK_DPA_NIC_PORT) {
			port_stats(m, c->out);
			return 0;
		}
		if (find_wq(p, c->id, msg) == NULL)
			return EINVAL;
		c->out[0] = p->ctl->wq_cnt[c->id - XPDK_DPA_WQN_BASE].packets;
		c->out[1] = p->ctl->wq_cnt[c->id - XPDK_DPA_WQN_BASE].bytes;
		c->out[2] = p->ctl->wq_cnt[c->id - XPDK_DPA_WQN_BASE].dropped;
		c->out[3] = p->ctl->wq_cnt[c->id - XPDK_DPA_WQN_BASE].errors;
		return 0;
	default:
		return snprintf(msg, XPDK_DPA_MSG_LEN, "opcode %u is not a NIC command", c->opcode),
		       EINVAL;
	}
}
