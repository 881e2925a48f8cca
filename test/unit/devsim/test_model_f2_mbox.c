/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The f2 model's mailbox and AFI command interpreter, alone (no devsim): the protocol's edge
 * cases — malformed and truncated messages, another API version, unknown flags and ops, an
 * unknown AFI, a second command while busy, a message sent while a reply is unread — and the
 * load/clear life cycle with the AFI cache.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model_f2.h"

#define SDE_AGFI "agfi-0925b211f5a81b071"

static struct f2_shell sh;
static struct f2_clkgen cg;
static uint8_t reply[XPDK_F2_MB_MSG_MAX];

static int setup(void **state)
{
	(void)state;
	xpdk_f2m_shell_init(&sh, 0, 100);
	xpdk_f2m_clkgen_reset(&cg);
	return 0;
}

/* Send a message of op @p op with @p payload; return the reply's op, error in *err. */
static uint32_t send_msg(uint32_t version, uint32_t op, const void *payload, size_t plen,
			 size_t claimed, uint64_t now, int32_t *err, struct xpdk_f2_metrics_rsp *m)
{
	uint8_t msg[512];
	struct xpdk_f2_afi_hdr h = { version, op, (uint32_t)claimed, 7 }, r;
	size_t n;

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), payload, plen);
	n = xpdk_f2m_mbox_exec(&sh, &cg, msg, sizeof(h) + plen, reply, now);
	memcpy(&r, reply, sizeof(r));
	assert_true(r.len_flags & XPDK_F2_FLAG_RESP);
	assert_int_equal(XPDK_FIELD_GET(XPDK_F2_LEN_MASK, r.len_flags), n - sizeof(r));
	if (r.op == XPDK_F2_OP_ERROR) {
		struct xpdk_f2_error_rsp e;

		assert_int_equal(n - sizeof(r), sizeof(e));
		memcpy(&e, reply + sizeof(r), sizeof(e));
		*err = e.error;
	} else {
		*err = 0;
		assert_int_equal(n - sizeof(r), sizeof(*m));
		memcpy(m, reply + sizeof(r), sizeof(*m));
		assert_int_equal(r.id, 7);
	}
	return r.op;
}

static uint32_t load(const char *agfi, uint32_t flags, uint64_t now, int32_t *err,
		     struct xpdk_f2_metrics_rsp *m)
{
	struct xpdk_f2_load_req q;

	memset(&q, 0, sizeof(q));
	snprintf(q.ids.afi_id, sizeof(q.ids.afi_id), "%s", agfi);
	q.flags = flags;
	return send_msg(XPDK_F2_AFI_VERSION, XPDK_F2_OP_LOAD, &q, sizeof(q), sizeof(q), now, err,
			m);
}

static uint32_t flags_cmd(uint32_t op, uint32_t flags, uint64_t now, int32_t *err,
			  struct xpdk_f2_metrics_rsp *m)
{
	struct xpdk_f2_flags_req f = { flags };

	return send_msg(XPDK_F2_AFI_VERSION, op, &f, sizeof(f), sizeof(f), now, err, m);
}

static void test_truncated_and_mislengthed_messages_are_malformed(void **state)
{
	struct xpdk_f2_metrics_rsp m;
	struct xpdk_f2_flags_req f = { 0 };
	int32_t err;
	uint8_t tiny[3] = { 1, 2, 3 };
	struct xpdk_f2_afi_hdr r;

	(void)state;
	xpdk_f2m_mbox_exec(&sh, &cg, tiny, sizeof(tiny), reply, 0);
	memcpy(&r, reply, sizeof(r));
	assert_int_equal(r.op, XPDK_F2_OP_ERROR);
	/* header claims more payload than was sent */
	send_msg(XPDK_F2_AFI_VERSION, XPDK_F2_OP_METRICS, &f, sizeof(f), 64, 0, &err, &m);
	assert_int_equal(err, XPDK_F2_ERR_AFI_CMD_MALFORMED);
	/* right length, wrong payload size for the op */
	send_msg(XPDK_F2_AFI_VERSION, XPDK_F2_OP_LOAD, &f, sizeof(f), sizeof(f), 0, &err, &m);
	assert_int_equal(err, XPDK_F2_ERR_AFI_CMD_MALFORMED);
	/* a message flagged as a reply */
	send_msg(XPDK_F2_AFI_VERSION, XPDK_F2_OP_METRICS, &f, sizeof(f),
		 sizeof(f) | (uint32_t)XPDK_F2_FLAG_RESP, 0, &err, &m);
	assert_int_equal(err, XPDK_F2_ERR_AFI_CMD_MALFORMED);
	/* an unknown op */
	send_msg(XPDK_F2_AFI_VERSION, 9, &f, sizeof(f), sizeof(f), 0, &err, &m);
	assert_int_equal(err, XPDK_F2_ERR_AFI_CMD_MALFORMED);
}

static void test_other_api_version_and_unknown_flags_refused(void **state)
{
	struct xpdk_f2_metrics_rsp m;
	struct xpdk_f2_flags_req f = { 0 };
	int32_t err;

	(void)state;
	send_msg(3u << 16, XPDK_F2_OP_METRICS, &f, sizeof(f), sizeof(f), 0, &err, &m);
	assert_int_equal(err, XPDK_F2_ERR_AFI_CMD_API_VERSION_INVALID);
	flags_cmd(XPDK_F2_OP_METRICS, 1u << 20, 0, &err, &m);
	assert_int_equal(err, XPDK_F2_ERR_INCOMPATIBLE_AFI_CMD_FLAGS);
}

static void test_afi_id_must_be_known_and_terminated(void **state)
{
	struct xpdk_f2_metrics_rsp m;
	struct xpdk_f2_load_req q;
	int32_t err;

	(void)state;
	load("agfi-0123456789abcdef0", 0, 0, &err, &m);
	assert_int_equal(err, XPDK_F2_ERR_AFI_ID_INVALID);
	memset(&q, 'a', sizeof(q)); /* no NUL in afi_id */
	q.flags = 0;
	send_msg(XPDK_F2_AFI_VERSION, XPDK_F2_OP_LOAD, &q, sizeof(q), sizeof(q), 0, &err, &m);
	assert_int_equal(err, XPDK_F2_ERR_AFI_CMD_MALFORMED);
	assert_int_equal(sh.status, XPDK_F2_STATUS_CLEARED);
}

static void test_load_is_busy_then_loaded_and_second_command_refused(void **state)
{
	struct xpdk_f2_metrics_rsp m;
	int32_t err;

	(void)state;
	assert_int_equal(load(SDE_AGFI, 0, 1000, &err, &m), XPDK_F2_OP_LOAD);
	assert_int_equal(m.status, XPDK_F2_STATUS_BUSY);
	assert_string_equal(m.ids.afi_id, SDE_AGFI);
	load(SDE_AGFI, 0, 1050, &err, &m);
	assert_int_equal(err, XPDK_F2_ERR_AFI_CMD_BUSY);
	flags_cmd(XPDK_F2_OP_CLEAR, 0, 1050, &err, &m);
	assert_int_equal(err, XPDK_F2_ERR_AFI_CMD_BUSY);
	flags_cmd(XPDK_F2_OP_METRICS, 0, 1100, &err, &m); /* load_ns is 100 */
	assert_int_equal(m.status, XPDK_F2_STATUS_LOADED);
	assert_int_equal(m.ids.device, XPDK_F2_SDE_DEVICE);
	assert_int_equal(m.metrics.cached_agfis[0], xpdk_f2m_agfi_u64(SDE_AGFI));
	/* clear, then the cache empties on request */
	flags_cmd(XPDK_F2_OP_CLEAR, 0, 2000, &err, &m);
	flags_cmd(XPDK_F2_OP_METRICS, XPDK_F2_CMD_CLEAR_AFI_CACHE, 3000, &err, &m);
	assert_int_equal(m.status, XPDK_F2_STATUS_CLEARED);
	assert_int_equal(m.ids.afi_id[0], '\0');
	flags_cmd(XPDK_F2_OP_METRICS, 0, 3000, &err, &m);
	assert_int_equal(m.metrics.cached_agfis[0], 0);
}

static void test_prefetch_caches_without_loading(void **state)
{
	struct xpdk_f2_metrics_rsp m;
	int32_t err;

	(void)state;
	load(SDE_AGFI, XPDK_F2_CMD_PREFETCH, 0, &err, &m);
	assert_int_equal(err, 0);
	assert_int_equal(m.status, XPDK_F2_STATUS_CLEARED);
	assert_int_equal(m.metrics.cached_agfis[0], xpdk_f2m_agfi_u64(SDE_AGFI));
}

static void test_mailbox_registers_one_outstanding_command(void **state)
{
	struct xpdk_f2_afi_hdr h = { XPDK_F2_AFI_VERSION, XPDK_F2_OP_METRICS, 4, 1 }, r;
	uint32_t words[5], got[8];

	(void)state;
	memcpy(words, &h, sizeof(h));
	words[4] = 0;
	xpdk_f2m_mbox_write(&sh, &cg, XPDK_F2_MB_WR_INDEX, 0, 0);
	for (int i = 0; i < 5; i++)
		xpdk_f2m_mbox_write(&sh, &cg, XPDK_F2_MB_WR_DATA, words[i], 0);
	xpdk_f2m_mbox_write(&sh, &cg, XPDK_F2_MB_WR_LEN, 20, 0);
	/* answered at once: both events are up */
	assert_int_equal(xpdk_f2m_mbox_read(&sh, XPDK_F2_MB_STATUS),
			 XPDK_F2_MB_STATUS_RX_EVT | XPDK_F2_MB_STATUS_TX_EVT);
	assert_int_equal(xpdk_f2m_mbox_read(&sh, XPDK_F2_MB_RD_LEN),
			 sizeof(struct xpdk_f2_afi_hdr) + sizeof(struct xpdk_f2_metrics_rsp));
	/* a second message while the reply is unread: busy */
	xpdk_f2m_mbox_write(&sh, &cg, XPDK_F2_MB_WR_LEN, 20, 0);
	xpdk_f2m_mbox_write(&sh, &cg, XPDK_F2_MB_RD_INDEX, 0, 0);
	for (int i = 0; i < 6; i++)
		got[i] = xpdk_f2m_mbox_read(&sh, XPDK_F2_MB_RD_DATA);
	memcpy(&r, got, sizeof(r));
	assert_int_equal(r.op, XPDK_F2_OP_ERROR);
	assert_int_equal((int32_t)got[4], XPDK_F2_ERR_AFI_CMD_BUSY);
	/* reading past the reply gives 0, never another buffer */
	assert_int_equal(xpdk_f2m_mbox_read(&sh, XPDK_F2_MB_RD_DATA), 0);
	/* acknowledged: the next message is served */
	xpdk_f2m_mbox_write(&sh, &cg, XPDK_F2_MB_STATUS, 3, 0);
	assert_int_equal(xpdk_f2m_mbox_read(&sh, XPDK_F2_MB_STATUS), 0);
	/* the write index cannot run past the buffer */
	xpdk_f2m_mbox_write(&sh, &cg, XPDK_F2_MB_WR_INDEX, 0xffffffff, 0);
	xpdk_f2m_mbox_write(&sh, &cg, XPDK_F2_MB_WR_DATA, 1, 0);
	xpdk_f2m_mbox_write(&sh, &cg, XPDK_F2_MB_WR_LEN, 0xffffffff, 0);
	assert_true(xpdk_f2m_mbox_read(&sh, XPDK_F2_MB_STATUS) & XPDK_F2_MB_STATUS_RX_EVT);
}

static void test_silent_mailbox_never_answers(void **state)
{
	(void)state;
	xpdk_f2m_shell_init(&sh, F2_FAULT_MBOX_SILENT, 100);
	xpdk_f2m_mbox_write(&sh, &cg, XPDK_F2_MB_WR_LEN, 20, 0);
	assert_int_equal(xpdk_f2m_mbox_read(&sh, XPDK_F2_MB_STATUS), XPDK_F2_MB_STATUS_TX_EVT);
}

static void test_clock_generator_defaults_and_load(void **state)
{
	(void)state;
	assert_int_equal(xpdk_f2m_clkgen_hz(&cg, CG_A, 0), 125000000);
	assert_int_equal(xpdk_f2m_clkgen_hz(&cg, CG_B, 1), 225000000);
	assert_int_equal(xpdk_f2m_clkgen_hz(&cg, CG_HBM, 0), 450000000);
	assert_int_equal(xpdk_f2m_clkgen_hz(&cg, CG_HBM, 1), 0); /* absent */
	/* written but not loaded: unchanged; loaded: applied */
	xpdk_f2m_clkgen_write(&cg, XPDK_F2_CG_MMCM_C + XPDK_F2_CG_CLK0_CFG, 8);
	assert_int_equal(xpdk_f2m_clkgen_hz(&cg, CG_C, 0), 300000000);
	xpdk_f2m_clkgen_write(&cg, XPDK_F2_CG_MMCM_C + XPDK_F2_CG_LOAD, XPDK_F2_CG_LOAD_APPLY);
	assert_int_equal(xpdk_f2m_clkgen_hz(&cg, CG_C, 0), 150000000);
	assert_int_equal(xpdk_f2m_clkgen_read(&cg, XPDK_F2_CG_MMCM_LOCK), XPDK_F2_CG_LOCK_ALL);
	assert_int_equal(xpdk_f2m_clkgen_read(&cg, 0x58100), XPDK_F2_CG_UNDEFINED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_truncated_and_mislengthed_messages_are_malformed,
				       setup),
		cmocka_unit_test_setup(test_other_api_version_and_unknown_flags_refused, setup),
		cmocka_unit_test_setup(test_afi_id_must_be_known_and_terminated, setup),
		cmocka_unit_test_setup(test_load_is_busy_then_loaded_and_second_command_refused,
				       setup),
		cmocka_unit_test_setup(test_prefetch_caches_without_loading, setup),
		cmocka_unit_test_setup(test_mailbox_registers_one_outstanding_command, setup),
		cmocka_unit_test_setup(test_silent_mailbox_never_answers, setup),
		cmocka_unit_test_setup(test_clock_generator_defaults_and_load, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
