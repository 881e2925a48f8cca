/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * lib/qp without an RDMA device: the sentences for a kernel without RDMA and for missing
 * devices, argument checks, work-request checks, send-queue bookkeeping under selective
 * signalling, address packing. Traffic is tested on Soft-RoCE in the vm tier (qp_peer).
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qp_priv.h"
#include "xpdk_common.h"

static void test_no_rdma_sentence(void **state)
{
	(void)state;
	assert_int_equal(qp_err_no_devices(ENOSYS), -ENOSYS);
	assert_non_null(strstr(xpdk_strerror_last(), "no RDMA support"));
	assert_non_null(strstr(xpdk_strerror_last(), "modprobe rdma_rxe"));
	assert_non_null(strstr(xpdk_strerror_last(), "rdma link add rxe0 type rxe netdev"));
	assert_int_equal(qp_err_no_devices(0), -ENODEV);
	assert_non_null(strstr(xpdk_strerror_last(), "IBV_SHOW_WARNINGS=1"));
}

static void test_missing_device_sentence(void **state)
{
	(void)state;
	assert_int_equal(qp_err_missing_device("mlx5_0", "rxea rxeb"), -ENODEV);
	assert_string_equal(xpdk_strerror_last(), "no RDMA device 'mlx5_0'; present: rxea rxeb");
	assert_int_equal(qp_err_missing_device("mlx5_0", ""), -ENODEV);
	assert_non_null(strstr(xpdk_strerror_last(), "no RDMA device found"));
}

/* What this machine's kernel says, whichever it is: without RDMA (the host CI) ENOSYS and how
 * to get a device; with RDMA, a missing device names the present ones. */
static void test_host_open(void **state)
{
	char list[512];
	int n = xpdk_rdma_list(list, sizeof(list));
	struct xpdk_rdma *d = xpdk_rdma_open("xpdk-no-such-dev", NULL);
	int e = errno;

	(void)state;
	assert_null(d);
	if (n == -ENOSYS) {
		assert_int_equal(e, ENOSYS);
		assert_non_null(strstr(xpdk_strerror_last(), "modprobe rdma_rxe"));
		print_message("# this kernel has no RDMA: %s\n", xpdk_strerror_last());
	} else {
		assert_true(n >= 0);
		assert_int_equal(e, ENODEV);
		if (n > 0)
			assert_non_null(strstr(xpdk_strerror_last(), "present:"));
	}
	assert_int_equal(xpdk_rdma_list(NULL, 0), -EINVAL);
	assert_null(xpdk_rdma_open("", NULL));
	assert_int_equal(errno, EINVAL);
}

static void test_null_arguments(void **state)
{
	struct ibv_wc wc[1];
	struct xpdk_wr w = { 0 };

	(void)state;
	assert_null(xpdk_pd_alloc(NULL));
	assert_int_equal(errno, EINVAL);
	assert_null(xpdk_cq_create(NULL, 16, 0));
	assert_null(xpdk_qp_create(NULL, NULL));
	assert_int_equal(xpdk_qp_post_send(NULL, &w, 1), -EINVAL);
	assert_int_equal(xpdk_qp_post_recv(NULL, &w, 1), -EINVAL);
	assert_int_equal(xpdk_cq_wait(NULL, wc, 1, 0), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "XPDK_CQ_F_CHANNEL"));
	assert_int_equal(xpdk_cq_poll_cb(NULL, 8, NULL, NULL), -EINVAL);
	assert_int_equal(xpdk_pd_dma_key(NULL, &w, 8, NULL, NULL), -EINVAL);
	assert_int_equal(xpdk_cm_connect(NULL, "192.0.2.1", 1, NULL, 0, NULL, NULL, 0), -EINVAL);
	assert_null(xpdk_cm_listen(NULL, NULL, 1));
	assert_null(xpdk_cm_get_request(NULL, 0));
	assert_int_equal(xpdk_qp_connect(NULL, NULL), -EINVAL);
	assert_int_equal(xpdk_qp_to_error(NULL), -EINVAL);
	assert_null(xpdk_ah_create(NULL, NULL));
	assert_null(xpdk_mr_reg(NULL, &w, 8, 0));
	/* NULL is ignored by the destructors */
	assert_int_equal(xpdk_pd_free(NULL), 0);
	assert_int_equal(xpdk_cq_destroy(NULL), 0);
	assert_int_equal(xpdk_qp_destroy(NULL), 0);
	assert_int_equal(xpdk_mr_dereg(NULL), 0);
	assert_int_equal(xpdk_ah_destroy(NULL), 0);
	xpdk_rdma_close(NULL);
	xpdk_cm_listener_close(NULL);
	xpdk_cm_reject(NULL);
}

static void test_wr_checks(void **state)
{
	struct xpdk_ah *ah = (struct xpdk_ah *)&ah; /* any non-NULL handle: not dereferenced */
	char buf[64];
	struct xpdk_wr w = { .wr_id = 7, .addr = buf, .len = 64, .op = XPDK_OP_SEND };

	(void)state;
	assert_int_equal(qp_check_send_wr(XPDK_QP_RC, 0, &w), 0);
	w.op = 9;
	assert_int_equal(qp_check_send_wr(XPDK_QP_RC, 0, &w), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "unknown operation 9"));
	w.op = XPDK_OP_WRITE;
	assert_int_equal(qp_check_send_wr(XPDK_QP_UD, 0, &w), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "UD QP only sends"));
	w.op = XPDK_OP_SEND;
	assert_int_equal(qp_check_send_wr(XPDK_QP_UD, 0, &w), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "address handle"));
	w.ah = ah;
	assert_int_equal(qp_check_send_wr(XPDK_QP_UD, 0, &w), 0);
	w.flags = XPDK_WR_INLINE;
	assert_int_equal(qp_check_send_wr(XPDK_QP_RC, 32, &w), -EINVAL);
	assert_non_null(
	    strstr(xpdk_strerror_last(), "64 bytes inline, but the QP takes at most 32"));
	assert_int_equal(qp_check_send_wr(XPDK_QP_RC, 64, &w), 0);
	w.op = XPDK_OP_READ;
	assert_int_equal(qp_check_send_wr(XPDK_QP_RC, 64, &w), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "READ cannot be inline"));
	w.flags = 0;
	w.addr = NULL;
	assert_int_equal(qp_check_send_wr(XPDK_QP_RC, 64, &w), -EINVAL);
	w.len = 0;
	assert_int_equal(qp_check_send_wr(XPDK_QP_RC, 64, &w), 0);
}

static void test_book_every_wr(void **state)
{
	struct sq_book b;

	(void)state;
	assert_int_equal(sq_book_init(&b, 4, 0), 0);
	for (int i = 0; i < 4; i++)
		assert_true(sq_book_post(&b, false));
	assert_int_equal(sq_book_free(&b), 0);
	sq_book_complete(&b);
	assert_int_equal(sq_book_free(&b), 1);
	for (int i = 0; i < 3; i++)
		sq_book_complete(&b);
	assert_int_equal(sq_book_free(&b), 4);
	sq_book_complete(&b); /* nothing outstanding: ignored */
	assert_int_equal(sq_book_free(&b), 4);
	sq_book_fini(&b);
	assert_int_equal(sq_book_init(&b, 0, 1), -EINVAL);
}

static void test_book_selective(void **state)
{
	struct sq_book b;
	int sig = 0;

	(void)state;
	assert_int_equal(sq_book_init(&b, 32, 8), 0);
	for (int i = 0; i < 20; i++)
		sig += sq_book_post(&b, false);
	/* WRs 8 and 16 signalled; 4 unsignalled trail */
	assert_int_equal(sig, 2);
	assert_int_equal(sq_book_free(&b), 12);
	sq_book_complete(&b);
	assert_int_equal(sq_book_free(&b), 20);
	/* a WR the user wants signalled closes a short batch */
	assert_true(sq_book_post(&b, true));
	sq_book_complete(&b);
	assert_int_equal(sq_book_free(&b), 27);
	sq_book_complete(&b);
	assert_int_equal(sq_book_free(&b), 32);
	sq_book_fini(&b);
}

static void test_book_forced_signal(void **state)
{
	struct sq_book b;
	int sig = 0;

	(void)state;
	/* sig_every above the depth is clamped: the WR filling the queue is signalled */
	assert_int_equal(sq_book_init(&b, 6, 100), 0);
	for (int i = 0; i < 6; i++)
		sig += sq_book_post(&b, false);
	assert_int_equal(sig, 1);
	assert_int_equal(sq_book_free(&b), 0);
	sq_book_complete(&b);
	assert_int_equal(sq_book_free(&b), 6);
	sq_book_fini(&b);
	/* sig_every 4, depth 6: WR 4 is signalled, then WR 6 because it fills the queue */
	assert_int_equal(sq_book_init(&b, 6, 4), 0);
	sig = 0;
	for (int i = 0; i < 6; i++)
		sig += sq_book_post(&b, false);
	assert_int_equal(sig, 2);
	sq_book_complete(&b);
	assert_int_equal(sq_book_free(&b), 4);
	sq_book_fini(&b);
}

static void test_book_unpost_and_reset(void **state)
{
	struct sq_book b;
	bool s[5];

	(void)state;
	assert_int_equal(sq_book_init(&b, 16, 4), 0);
	s[0] = sq_book_post(&b, false);
	s[1] = sq_book_post(&b, false);
	s[2] = sq_book_post(&b, false);
	s[3] = sq_book_post(&b, false); /* signalled, batch of 4 */
	s[4] = sq_book_post(&b, false);
	assert_true(s[3]);
	/* the device refused the last three: back to two posted, none signalled */
	sq_book_unpost(&b, s + 2, 3);
	assert_int_equal(sq_book_free(&b), 14);
	assert_int_equal(b.run, 2);
	assert_int_equal(b.nbatch, 0);
	/* posting on continues the run: the 4th WR is signalled again */
	assert_false(sq_book_post(&b, false));
	assert_true(sq_book_post(&b, false));
	sq_book_complete(&b);
	assert_int_equal(sq_book_free(&b), 16);
	sq_book_post(&b, true);
	sq_book_reset(&b);
	assert_int_equal(sq_book_free(&b), 16);
	sq_book_fini(&b);
}

static void test_addresses(void **state)
{
	union ibv_gid g;
	char ip[48], s[48];
	struct xpdk_qp_addr a = { .qpn = 0x123456,
				  .psn = 0xabcdef,
				  .qkey = 0x11111111,
				  .lid = 0x42,
				  .mtu = IBV_MTU_1024,
				  .rd_atomic = 16 };
	struct xpdk_qp_addr b;
	uint8_t wire[XPDK_QP_ADDR_WIRE];

	(void)state;
	assert_int_equal(qp_ip_to_gid("192.0.2.1", &g), 0);
	assert_string_equal(xpdk_gid_str(&g, s, sizeof(s)),
			    "0000:0000:0000:0000:0000:ffff:c000:0201");
	qp_gid_to_ip(&g, ip, sizeof(ip));
	assert_string_equal(ip, "192.0.2.1");
	assert_int_equal(qp_ip_to_gid("2001:db8::5", &g), 0);
	qp_gid_to_ip(&g, ip, sizeof(ip));
	assert_string_equal(ip, "2001:db8::5");
	assert_int_equal(qp_ip_to_gid("fe80::1", &g), 0);
	qp_gid_to_ip(&g, ip, sizeof(ip));
	assert_string_equal(ip, ""); /* link-local: no routable address */
	assert_int_equal(qp_ip_to_gid("rxe0", &g), -EINVAL);
	assert_string_equal(xpdk_gid_str(&g, s, 10), "");

	memcpy(a.gid, "0123456789abcdef", 16);
	xpdk_qp_addr_pack(&a, wire);
	assert_int_equal(wire[1], 0x12); /* network order */
	assert_int_equal(wire[3], 0x56);
	xpdk_qp_addr_unpack(wire, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(qp_path_mtu(IBV_MTU_4096, IBV_MTU_1024), IBV_MTU_1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_rdma_sentence),
		cmocka_unit_test(test_missing_device_sentence),
		cmocka_unit_test(test_host_open),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_wr_checks),
		cmocka_unit_test(test_book_every_wr),
		cmocka_unit_test(test_book_selective),
		cmocka_unit_test(test_book_forced_signal),
		cmocka_unit_test(test_book_unpost_and_reset),
		cmocka_unit_test(test_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
