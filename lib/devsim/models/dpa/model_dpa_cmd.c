/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The dpa model's input checks, kept pure so that the fuzzer (test/fuzz/fuzz_dpa_cmd.c) runs
 * them on arbitrary bytes: a mailbox command from the host, a message from a child.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model_dpa.h"

static const char *const op_names[XPDK_DPA_OP_MAX] = {
	[XPDK_DPA_OP_NOP] = "NOP",
	[XPDK_DPA_OP_PROC_CREATE] = "PROC_CREATE",
	[XPDK_DPA_OP_PROC_DESTROY] = "PROC_DESTROY",
	[XPDK_DPA_OP_FUNC_RESOLVE] = "FUNC_RESOLVE",
	[XPDK_DPA_OP_HEAP_ALLOC] = "HEAP_ALLOC",
	[XPDK_DPA_OP_HEAP_FREE] = "HEAP_FREE",
	[XPDK_DPA_OP_HEAP_WRITE] = "HEAP_WRITE",
	[XPDK_DPA_OP_HEAP_READ] = "HEAP_READ",
	[XPDK_DPA_OP_HEAP_SET] = "HEAP_SET",
	[XPDK_DPA_OP_CQ_CREATE] = "CQ_CREATE",
	[XPDK_DPA_OP_CQ_DESTROY] = "CQ_DESTROY",
	[XPDK_DPA_OP_CQ_POST] = "CQ_POST",
	[XPDK_DPA_OP_HANDLER_CREATE] = "HANDLER_CREATE",
	[XPDK_DPA_OP_HANDLER_RUN] = "HANDLER_RUN",
	[XPDK_DPA_OP_HANDLER_DESTROY] = "HANDLER_DESTROY",
	[XPDK_DPA_OP_WINDOW_CREATE] = "WINDOW_CREATE",
	[XPDK_DPA_OP_WINDOW_DESTROY] = "WINDOW_DESTROY",
	[XPDK_DPA_OP_OUTBOX_CREATE] = "OUTBOX_CREATE",
	[XPDK_DPA_OP_OUTBOX_DESTROY] = "OUTBOX_DESTROY",
	[XPDK_DPA_OP_MKEY_REG] = "MKEY_REG",
	[XPDK_DPA_OP_MKEY_DEREG] = "MKEY_DEREG",
	[XPDK_DPA_OP_DEV_MKEY_CREATE] = "DEV_MKEY_CREATE",
	[XPDK_DPA_OP_WQ_CREATE] = "WQ_CREATE",
	[XPDK_DPA_OP_WQ_DESTROY] = "WQ_DESTROY",
	[XPDK_DPA_OP_NIC_STATS] = "NIC_STATS",
	[XPDK_DPA_OP_QP_MODIFY] = "QP_MODIFY",
	[XPDK_DPA_OP_CQ_MODERATE] = "CQ_MODERATE",
	[XPDK_DPA_OP_MSIX_CHECK] = "MSIX_CHECK",
	[XPDK_DPA_OP_ERR_CLEAR] = "ERR_CLEAR",
	[XPDK_DPA_OP_ERR_HANDLER_SET] = "ERR_HANDLER_SET",
};

const char *xpdk_dpa_op_name(uint32_t op)
{
	return op < XPDK_DPA_OP_MAX && op_names[op] != NULL ? op_names[op] : "?";
}

static int bad(char *msg, int err, const char *fmt, ...) XPDK_PRINTF(3, 4);

static int bad(char *msg, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* clang-analyzer 14 does not see the va_start above */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(msg, XPDK_DPA_MSG_LEN, fmt, ap);
	va_end(ap);
	return err;
}

/* [daddr, daddr + len) inside the heap, len > 0. */
static bool heap_range_ok(const struct dpa_cmd_limits *lim, uint64_t daddr, uint64_t len)
{
	return len > 0 && daddr >= lim->heap_base && daddr - lim->heap_base <= lim->heap_size &&
	       len <= lim->heap_size - (daddr - lim->heap_base);
}

static bool needs_slot(uint32_t op)
{
	return op != XPDK_DPA_OP_NOP && op != XPDK_DPA_OP_PROC_CREATE &&
	       op != XPDK_DPA_OP_MKEY_REG && op != XPDK_DPA_OP_MKEY_DEREG;
}

static bool needs_name(uint32_t op)
{
	return op == XPDK_DPA_OP_PROC_CREATE || op == XPDK_DPA_OP_FUNC_RESOLVE ||
	       op == XPDK_DPA_OP_ERR_HANDLER_SET;
}

int xpdk_dpa_cmd_check(const struct xpdk_dpa_cmd *c, const struct dpa_cmd_limits *lim, char *msg)
{
	const uint64_t *a = c->arg;

	msg[0] = '\0';
	if (c->opcode >= XPDK_DPA_OP_MAX)
		return bad(msg, EOPNOTSUPP, "unknown command opcode %u", c->opcode);
	if (needs_slot(c->opcode) && c->slot >= lim->max_procs)
		return bad(msg, EINVAL, "%s: process slot %u is out of range (the device has %u)",
			   xpdk_dpa_op_name(c->opcode), c->slot, lim->max_procs);
	if (c->data_len > XPDK_DPA_STAGE_SIZE)
		return bad(msg, EINVAL, "%s: %llu bytes do not fit the %u-byte staging area",
			   xpdk_dpa_op_name(c->opcode), (unsigned long long)c->data_len,
			   XPDK_DPA_STAGE_SIZE);
	if (needs_name(c->opcode) &&
	    (memchr(c->name, '\0', sizeof(c->name)) == NULL || c->name[0] == '\0'))
		return bad(msg, EINVAL, "%s: the name is empty or not terminated",
			   xpdk_dpa_op_name(c->opcode));
	switch (c->opcode) {
	case XPDK_DPA_OP_PROC_CREATE:
		if (c->data_len < 64)
			return bad(msg, EINVAL, "PROC_CREATE: a %llu-byte image is no ELF",
				   (unsigned long long)c->data_len);
		break;
	case XPDK_DPA_OP_HEAP_ALLOC:
		if (a[0] == 0 || a[0] > lim->heap_size)
			return bad(msg, ENOMEM,
				   "HEAP_ALLOC: %llu bytes do not fit a %llu-byte heap",
				   (unsigned long long)a[0], (unsigned long long)lim->heap_size);
		break;
	case XPDK_DPA_OP_HEAP_WRITE:
	case XPDK_DPA_OP_HEAP_READ:
		if (!heap_range_ok(lim, a[0], c->data_len))
			return bad(msg, EFAULT, "%s: 0x%llx+%llu is not inside the heap",
				   xpdk_dpa_op_name(c->opcode), (unsigned long long)a[0],
				   (unsigned long long)c->data_len);
		break;
	case XPDK_DPA_OP_HEAP_SET:
		if (!heap_range_ok(lim, a[0], a[1]) || a[2] > 0xff)
			return bad(msg, EFAULT, "HEAP_SET: 0x%llx+%llu is not inside the heap",
				   (unsigned long long)a[0], (unsigned long long)a[1]);
		break;
	case XPDK_DPA_OP_CQ_CREATE:
		if (a[0] > XPDK_DPA_MAX_LOG_CQ ||
		    (a[1] != XPDK_DPA_CQ_DPA_THREAD && a[1] != XPDK_DPA_CQ_NON_DPA &&
		     a[1] != XPDK_DPA_CQ_MSIX) ||
		    (a[4] & ~(uint64_t)XPDK_DPA_CQ_F_ALWAYS_ARMED))
			return bad(msg, EINVAL,
				   "CQ_CREATE: log depth %llu (at most %u), element type 0x%llx or "
				   "flags 0x%llx not supported",
				   (unsigned long long)a[0], XPDK_DPA_MAX_LOG_CQ,
				   (unsigned long long)a[1], (unsigned long long)a[4]);
		if (!heap_range_ok(lim, a[3], 64ULL << a[0]))
			return bad(msg, EFAULT,
				   "CQ_CREATE: the %llu-byte ring at 0x%llx is not "
				   "inside the heap",
				   64ULL << a[0], (unsigned long long)a[3]);
		if (a[5] != 0 && (!heap_range_ok(lim, a[5], 8) || a[5] % 4 != 0))
			return bad(msg, EFAULT,
				   "CQ_CREATE: the doorbell record at 0x%llx is not 8 aligned "
				   "bytes inside the heap",
				   (unsigned long long)a[5]);
		break;
	case XPDK_DPA_OP_QP_MODIFY:
		if (a[0] != XPDK_DPA_QP_RST && a[0] != XPDK_DPA_QP_INIT &&
		    a[0] != XPDK_DPA_QP_RTR && a[0] != XPDK_DPA_QP_RTS && a[0] != XPDK_DPA_QP_ERR)
			return bad(msg, EINVAL,
				   "QP_MODIFY: state %llu (RST 0, INIT 1, RTR 2, RTS 3, ERR 6)",
				   (unsigned long long)a[0]);
		break;
	case XPDK_DPA_OP_CQ_MODERATE:
		if (a[0] > 0xffff || a[1] > 0xffff || a[2] > 1)
			return bad(msg, EINVAL,
				   "CQ_MODERATE: count and period are 16-bit, mode 0 (event) or 1 "
				   "(CQE)");
		break;
	case XPDK_DPA_OP_WQ_CREATE: {
		unsigned long long wqe =
		    a[0] == XPDK_DPA_WQ_RQ ? XPDK_DPA_RQ_WQE_SIZE : XPDK_DPA_SQ_WQE_SIZE;
		unsigned long long extra = 0; /* a QP's RQ ring, before its SQ ring */

		if (a[0] == XPDK_DPA_WQ_QP) {
			if (a[7] > XPDK_DPA_MAX_LOG_WQ)
				return bad(msg, EINVAL,
					   "WQ_CREATE: QP RQ log depth %llu (at most %u)",
					   (unsigned long long)a[7], XPDK_DPA_MAX_LOG_WQ);
			extra = (unsigned long long)XPDK_DPA_RQ_WQE_SIZE << a[7];
		}
		if (a[0] > XPDK_DPA_WQ_QP || a[2] > XPDK_DPA_MAX_LOG_WQ)
			return bad(msg, EINVAL,
				   "WQ_CREATE: kind %llu (0 SQ, 1 RQ) or log depth %llu (at most "
				   "%u) not supported",
				   (unsigned long long)a[0], (unsigned long long)a[2],
				   XPDK_DPA_MAX_LOG_WQ);
		/* rings and records in host memory (tagged) are checked against their key later */
		if ((XPDK_DPA_QMEM_KEY(a[3]) < 0 &&
		     !heap_range_ok(lim, a[3], (wqe << a[2]) + extra)) ||
		    a[3] % 64 != 0)
			return bad(msg, EFAULT,
				   "WQ_CREATE: the %llu-byte ring at 0x%llx is not 64-byte aligned "
				   "inside the heap",
				   (wqe << a[2]) + extra, (unsigned long long)a[3]);
		if ((XPDK_DPA_QMEM_KEY(a[4]) < 0 && !heap_range_ok(lim, a[4], 8)) || a[4] % 4 != 0)
			return bad(
			    msg, EFAULT,
			    "WQ_CREATE: the doorbell record at 0x%llx is not 8 aligned bytes "
			    "inside the heap",
			    (unsigned long long)a[4]);
		break;
	}
	case XPDK_DPA_OP_HANDLER_CREATE:
		if (a[1] > XPDK_DPA_AFFINITY_GROUP || a[3] > XPDK_DPA_MAX_WINDOWS ||
		    a[4] > XPDK_DPA_MAX_OUTBOXES || a[2] >= XPDK_DPA_MAX_EUS)
			return bad(msg, EINVAL, "HANDLER_CREATE: bad affinity, window or outbox");
		if (a[5] != 0)
			return bad(
			    msg, EOPNOTSUPP,
			    "HANDLER_CREATE: continuable handlers (flexio_dev_yield) are not "
			    "emulated");
		break;
	case XPDK_DPA_OP_WINDOW_CREATE:
		if (a[0] > XPDK_DPA_PD_TAG_MAX)
			return bad(msg, EINVAL, "WINDOW_CREATE: bad PD tag");
		break;
	case XPDK_DPA_OP_MKEY_REG:
		if (a[1] == 0 || a[0] + a[1] < a[0] || a[2] + a[1] < a[2] || a[3] == 0 ||
		    (a[3] & ~(XPDK_DPA_ACCESS_READ | XPDK_DPA_ACCESS_WRITE)) ||
		    (a[4] & ~(XPDK_DPA_MKEY_NAMED | 0xffffffffULL)) != 0 ||
		    a[5] > XPDK_DPA_PD_TAG_MAX)
			return bad(msg, EINVAL,
				   "MKEY_REG: empty or wrapping range, bad access or bad key");
		break;
	case XPDK_DPA_OP_DEV_MKEY_CREATE:
		if (!heap_range_ok(lim, a[0], a[1]))
			return bad(msg, EFAULT,
				   "DEV_MKEY_CREATE: 0x%llx+%llu is not inside the heap",
				   (unsigned long long)a[0], (unsigned long long)a[1]);
		break;
	case XPDK_DPA_OP_MSIX_CHECK:
		if (a[0] >= XPDK_DPA_NUM_USER_VECTORS)
			return bad(msg, ERANGE, "MSI-X id %llu is out of range (0..%u)",
				   (unsigned long long)a[0], XPDK_DPA_NUM_USER_VECTORS - 1);
		break;
	default:
		break;
	}
	return 0;
}

int xpdk_dpa_msg_check(const struct dpa_msg *m, bool from_child)
{
	if (m->type == 0 || m->type >= DPA_MSG_MAX)
		return EPROTO;
	if (memchr(m->text, '\0', sizeof(m->text)) == NULL)
		return EPROTO;
	/* a child only answers requests (same type) or reports events; never asks */
	if (from_child && m->type == DPA_MSG_EXIT)
		return EPROTO;
	return 0;
}
