/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * FlexIO's RC QPs on the emulated DPA: create, modify (the state machine, checked again by the
 * device), destroy, number and state. The emulated NIC connects a QP to a peer QP of the same
 * process by loopback (doc/dpa.md).
 */

#include <errno.h>
#include <stdlib.h>

#include "flexio_priv.h"
#include "xpdk_dpa_nic.h"

flexio_status flexio_qp_create(flexio_process *process, struct ibv_context *ibv_ctx,
			       struct flexio_qp_attr *qp_fattr, flexio_qp **qp_ptr)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_WQ_CREATE };
	const struct flexio_qp_attr *a = qp_fattr;
	struct flexio_qp *qp;
	int rc;

	if (process == NULL || a == NULL || qp_ptr == NULL)
		return xpdk_err(EINVAL, "flexio_qp_create: no process, attributes or result"),
		       FLEXIO_STATUS_FAILED;
	if (ibv_ctx != NULL && ibv_ctx != process->pd.ibv.context)
		return xpdk_err(EINVAL, "flexio_qp_create: another device context (not emulated)"),
		       FLEXIO_STATUS_FAILED;
	if (a->transport_type != FLEXIO_QPC_ST_RC || a->no_sq || a->rq_type != 0)
		return xpdk_err(EINVAL, "flexio_qp_create: only RC QPs with an SQ and a regular "
					"RQ are emulated"),
		       FLEXIO_STATUS_FAILED;
	if (xpdk_flexio_qmem_arg(&a->qp_wq_buff_qmem, &cmd.arg[3]) < 0 ||
	    xpdk_flexio_qmem_arg(&a->qp_wq_dbr_qmem, &cmd.arg[4]) < 0)
		return xpdk_err(EINVAL, "flexio_qp_create: a queue memory type other than DPA (0) "
					"or HOST (1)"),
		       FLEXIO_STATUS_FAILED;
	if (a->log_sq_depth < 0 || a->log_rq_depth < 0 || (a->pd && a->pd != &process->pd.ibv))
		return xpdk_err(EINVAL, "flexio_qp_create: negative depth, or not the process's "
					"PD"),
		       FLEXIO_STATUS_FAILED;
	cmd.arg[0] = XPDK_DPA_WQ_QP;
	cmd.arg[1] = a->sq_cqn;
	cmd.arg[2] = (uint64_t)a->log_sq_depth;
	cmd.arg[5] = a->user_index;
	cmd.arg[6] = a->rq_cqn;
	cmd.arg[7] = (uint64_t)a->log_rq_depth;
	qp = calloc(1, sizeof(*qp));
	if (qp == NULL)
		return xpdk_err(ENOMEM, "out of memory"), FLEXIO_STATUS_FAILED;
	rc = xpdk_flexio_cmd(process, &cmd, NULL, NULL);
	if (rc < 0) {
		free(qp);
		return xpdk_flexio_status(rc);
	}
	qp->wq.proc = process;
	qp->wq.wqn = (uint32_t)cmd.out[0];
	qp->state = FLEXIO_QP_STATE_RST;
	process->objects++;
	*qp_ptr = qp;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_qp_modify(flexio_qp *qp, struct flexio_qp_attr *fattr,
			       struct flexio_qp_attr_opt_param_mask *mask)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_QP_MODIFY };
	int rc;

	(void)mask; /* access mask and RNR timer: no effect in loopback */
	if (qp == NULL || fattr == NULL)
		return FLEXIO_STATUS_FAILED;
	cmd.id = qp->wq.wqn;
	cmd.arg[0] = (uint64_t)fattr->next_state;
	cmd.arg[1] = fattr->remote_qp_num;
	rc = xpdk_flexio_cmd(qp->wq.proc, &cmd, NULL, NULL);
	if (rc < 0)
		return xpdk_flexio_status(rc);
	qp->state = fattr->next_state;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_qp_destroy(flexio_qp *qp)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_WQ_DESTROY };
	flexio_status st;

	if (qp == NULL)
		return FLEXIO_STATUS_SUCCESS;
	cmd.id = qp->wq.wqn;
	st = xpdk_flexio_status(xpdk_flexio_cmd(qp->wq.proc, &cmd, NULL, NULL));
	if (st != FLEXIO_STATUS_SUCCESS && st != FLEXIO_STATUS_FATAL_ERR)
		return st;
	qp->wq.proc->objects--;
	free(qp);
	return FLEXIO_STATUS_SUCCESS;
}

uint32_t flexio_qp_get_qp_num(flexio_qp *qp)
{
	return qp != NULL ? qp->wq.wqn : 0;
}

enum flexio_qp_state flexio_qp_state_get(flexio_qp *qp)
{
	return qp != NULL ? qp->state : FLEXIO_QP_STATE_ERR;
}
