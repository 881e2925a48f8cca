/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The FlexIO host API against devsim's dpa model, served in this process: apps, processes,
 * heap, RPCs (plain and marshalled), prints, event handlers on CQs with affinity, windows, and
 * one test per device-side failure mode, each reported through FlexIO's error calls; memory
 * registered with ibv_reg_mr (libflexio/flexio.h's) on an emulated process's PD and, where the
 * machine has a verbs device (the vm tier's Soft-RoCE), a verbs context bound to the emulated
 * DPA of $XPDK_DPA_DEVICE with its own ibv_alloc_pd/ibv_reg_mr memory reached by windows.
 * Waits for the device are bounded only to keep a broken build from hanging (never timed).
 */

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dpa_fixture.h"
#include "dpa_test.h"
#include "libflexio/flexio.h"
#include "xpdk_devsim.h"
#include "xpdk_flexio.h"

extern struct flexio_app *dpa_test_app;
extern flexio_func_t t_add1, t_spin, t_error, t_crash, t_print, t_heap_sum;
extern flexio_func_t t_count, t_no_rearm, t_bad_window, t_window_rw;

static int setup(void **state)
{
	(void)state;
	return dpa_fixture_start("flexio", "eus=4,spin_us=5");
}

static struct flexio_process *new_proc(void)
{
	struct flexio_process *p = NULL;

	assert_int_equal(flexio_process_create(ctx, dpa_test_app, NULL, &p), FLEXIO_STATUS_SUCCESS);
	assert_non_null(p);
	return p;
}

/* Read a heap struct back (through the device). */
static void heap_read(struct flexio_process *p, flexio_uintptr_t daddr, void *dst, size_t len)
{
	assert_int_equal(xpdk_flexio_dev2host_memcpy(p, dst, len, daddr), FLEXIO_STATUS_SUCCESS);
}

static void test_rpc_returns_the_device_value(void **state)
{
	struct flexio_process *p = new_proc();
	uint64_t ret = 0;

	(void)state;
	assert_int_equal(flexio_process_call(p, &t_add1, &ret, (uint64_t)41),
			 FLEXIO_STATUS_SUCCESS);
	assert_int_equal(ret, 42);
	assert_int_equal(flexio_err_status(p), 0);
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);
}

static uint64_t pair_stub(void)
{
	return 0;
}

static void pack_pair(void *argbuf, va_list ap)
{
	uint64_t *a = argbuf;

	a[0] = va_arg(ap, uint64_t);
	a[1] = va_arg(ap, uint64_t);
}

static void test_marshalled_call_unpacks_on_the_device(void **state)
{
	struct flexio_process *p;
	uint64_t ret = 0;

	(void)state;
	assert_int_equal(
	    flexio_func_pup_register(dpa_test_app, "t_add1", "t_unpack2", pair_stub, 16, pack_pair),
	    FLEXIO_STATUS_SUCCESS);
	p = new_proc();
	assert_int_equal(flexio_process_call(p, pair_stub, &ret, (uint64_t)7, (uint64_t)9),
			 FLEXIO_STATUS_SUCCESS);
	assert_int_equal(ret, 7009);
	flexio_process_destroy(p);
}

static void test_heap_alloc_copy_memset_free(void **state)
{
	struct flexio_process *p = new_proc();
	uint8_t data[300];
	flexio_uintptr_t buf = 1, desc = 0, big = 1;
	struct t_buf b;
	uint64_t ret = 0, sum = 0;

	(void)state;
	for (unsigned int i = 0; i < sizeof(data); i++)
		sum += data[i] = (uint8_t)i;
	assert_int_equal(flexio_copy_from_host(p, data, sizeof(data), &buf), FLEXIO_STATUS_SUCCESS);
	assert_int_not_equal(buf, 0);
	b.daddr = buf;
	b.len = sizeof(data);
	assert_int_equal(flexio_copy_from_host(p, &b, sizeof(b), &desc), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_process_call(p, &t_heap_sum, &ret, desc), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(ret, sum);
	assert_int_equal(flexio_buf_dev_memset(p, 2, sizeof(data), buf), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_process_call(p, &t_heap_sum, &ret, desc), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(ret, 2 * sizeof(data));
	/* FlexIO: a failed allocation sets the address to 0 */
	assert_int_equal(flexio_buf_dev_alloc(p, 1ULL << 40, &big), FLEXIO_STATUS_FAILED);
	assert_int_equal(big, 0);
	assert_int_equal(flexio_buf_dev_free(p, buf + 8), FLEXIO_STATUS_FAILED);
	assert_int_equal(flexio_buf_dev_free(p, buf), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_buf_dev_free(p, 0), FLEXIO_STATUS_SUCCESS);
	/* a copy outside the heap is refused by the device */
	assert_int_equal(flexio_host2dev_memcpy(p, data, sizeof(data), 0x1000),
			 FLEXIO_STATUS_FAILED);
	flexio_buf_dev_free(p, desc);
	flexio_process_destroy(p);
}

static char *slurp(FILE *f)
{
	static char buf[8192];
	size_t n;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	return buf;
}

static void test_prints_reach_the_file_sync_and_async(void **state)
{
	struct flexio_process *p = new_proc();
	FILE *f = tmpfile();
	uint64_t ret;

	(void)state;
	assert_non_null(f);
	assert_int_equal(flexio_print_init(p, NULL, 1000, f, 0, NULL), FLEXIO_STATUS_FAILED);
	assert_int_equal(flexio_print_init(p, flexio_process_get_uar(p), 4096, f, 0, NULL),
			 FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_process_call(p, &t_print, &ret, (uint64_t)3),
			 FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_print_destroy(p), FLEXIO_STATUS_SUCCESS);
	assert_non_null(strstr(slurp(f), "line 2 from the DPA\n"));
	fclose(f);

	f = tmpfile();
	assert_int_equal(flexio_print_init(p, NULL, 2048, f, 1, NULL), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_process_call(p, &t_print, &ret, (uint64_t)2),
			 FLEXIO_STATUS_SUCCESS);
	assert_null(strstr(slurp(f), "line 1")); /* asynchronous: nothing until the flush */
	assert_int_equal(flexio_print_flush(p), FLEXIO_STATUS_SUCCESS);
	assert_non_null(strstr(slurp(f), "line 1 from the DPA\n"));
	/* more than the 2 KiB buffer holds: the overrun is counted, not silent */
	assert_int_equal(flexio_process_call(p, &t_print, &ret, (uint64_t)200),
			 FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_print_flush(p), FLEXIO_STATUS_SUCCESS);
	assert_non_null(strstr(slurp(f), "bytes of device prints lost"));
	flexio_process_destroy(p);
	fclose(f);
}

static bool fd_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

static void test_device_error_code_is_fatal_and_reported(void **state)
{
	struct flexio_process *p = new_proc();
	FILE *f = tmpfile();
	uint64_t ret;

	(void)state;
	assert_int_equal(flexio_process_error_handler_set(p, "t_err_handler"),
			 FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_print_init(p, NULL, 4096, f, 0, NULL), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_err_status(p), FLEXIO_ERR_STATUS_NO_ERROR);
	assert_false(fd_readable(flexio_err_handler_fd(p)));
	assert_int_equal(flexio_process_call(p, &t_error, &ret, (uint64_t)0x85),
			 FLEXIO_STATUS_FATAL_ERR);
	WAIT_FOR(fd_readable(flexio_err_handler_fd(p)));
	assert_int_equal(flexio_err_status(p), FLEXIO_ERR_STATUS_FATAL_ERROR);
	assert_int_equal(xpdk_flexio_process_dpa_status(p), 0x85);
	flexio_err_display(p);
	assert_int_equal(flexio_err_status(p), 0); /* display resets the status */
	assert_false(fd_readable(flexio_err_handler_fd(p)));
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);
	assert_non_null(strstr(slurp(f), "error handler saw 0x85"));
	fclose(f);
}

static void test_illegal_error_code_ends_with_0x42(void **state)
{
	struct flexio_process *p = new_proc();
	uint64_t ret;

	(void)state;
	assert_int_equal(flexio_process_call(p, &t_error, &ret, (uint64_t)0x10),
			 FLEXIO_STATUS_FATAL_ERR);
	assert_int_equal(xpdk_flexio_process_dpa_status(p), 0x42);
	flexio_process_destroy(p);
}

static void test_crash_is_fatal_and_the_device_lives_on(void **state)
{
	struct flexio_process *p = new_proc(), *q;
	uint64_t ret = 0;

	(void)state;
	assert_int_equal(flexio_process_call(p, &t_crash, &ret, (uint64_t)0),
			 FLEXIO_STATUS_FATAL_ERR);
	assert_int_equal(flexio_err_status(p), FLEXIO_ERR_STATUS_FATAL_ERROR);
	assert_non_null(strstr(xpdk_strerror_last(), "SIGSEGV"));
	assert_int_equal(flexio_buf_dev_alloc(p, 64, &ret), FLEXIO_STATUS_FATAL_ERR);
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);
	q = new_proc(); /* a crash took one process, not the simulator */
	assert_int_equal(flexio_process_call(q, &t_add1, &ret, (uint64_t)1), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(ret, 2);
	flexio_process_destroy(q);
}

static void test_rpc_that_never_returns_times_out(void **state)
{
	struct flexio_process *p = new_proc();
	uint64_t ret;

	(void)state;
	assert_int_equal(xpdk_flexio_process_set_rpc_timeout(p, 200), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_process_call(p, &t_spin, &ret, (uint64_t)0), FLEXIO_STATUS_TIMEOUT);
	assert_non_null(strstr(xpdk_strerror_last(), "did not return"));
	assert_int_equal(flexio_err_status(p), 0); /* a timeout is not a device error */
	/* the mailbox stays busy until the spinning call ends: the next call times out too */
	assert_int_equal(flexio_process_call(p, &t_add1, &ret, (uint64_t)0), FLEXIO_STATUS_TIMEOUT);
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);
}

/* A handler on a DPA_THREAD CQ with its state in heap; returns the state's address. */
static flexio_uintptr_t handler_on_cq(struct flexio_process *p, flexio_func_t *fn,
				      struct flexio_affinity aff, struct flexio_window *win,
				      struct flexio_event_handler **eh, struct flexio_cq **cq,
				      struct flexio_outbox **ob, struct t_state *st)
{
	struct flexio_event_handler_attr ea = { .host_stub_func = fn, .affinity = aff };
	struct flexio_cq_attr ca = { .log_cq_depth = 4,
				     .element_type = FLEXIO_CQ_ELEMENT_TYPE_DPA_THREAD };
	flexio_uintptr_t daddr = 0;

	assert_int_equal(flexio_outbox_create(p, NULL, NULL, ob), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_event_handler_create(p, &ea, win, *ob, eh), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_buf_dev_alloc(p, 64 << 4, &ca.cq_ring_qmem.daddr),
			 FLEXIO_STATUS_SUCCESS);
	ca.thread = flexio_event_handler_get_thread(*eh);
	assert_int_equal(flexio_cq_create(p, NULL, &ca, cq), FLEXIO_STATUS_SUCCESS);
	st->cqn = flexio_cq_get_cq_num(*cq);
	st->outbox = flexio_outbox_get_id(*ob);
	assert_int_equal(flexio_copy_from_host(p, st, sizeof(*st), &daddr), FLEXIO_STATUS_SUCCESS);
	return daddr;
}

static void test_cqe_activates_the_handler_on_its_eu(void **state)
{
	struct flexio_process *p = new_proc();
	struct flexio_event_handler *eh;
	struct flexio_outbox *ob;
	struct flexio_cq *cq;
	struct t_state st = { 0 };
	struct xpdk_flexio_cqe cqe = { .byte_cnt = 1 };
	flexio_uintptr_t sd;

	(void)state;
	sd = handler_on_cq(p, &t_count, (struct flexio_affinity){ FLEXIO_AFFINITY_STRICT, 2 }, NULL,
			   &eh, &cq, &ob, &st);
	assert_int_equal(flexio_event_handler_run(eh, sd), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_event_handler_run(eh, sd), FLEXIO_STATUS_FAILED); /* runs */
	for (uint32_t i = 1; i <= 5; i++) {
		assert_int_equal(xpdk_flexio_cq_post(cq, &cqe), FLEXIO_STATUS_SUCCESS);
		WAIT_FOR((heap_read(p, sd, &st, sizeof(st)), st.activations == i));
	}
	assert_int_equal(st.last_eu, 2);
	assert_int_equal(flexio_err_status(p), 0);
	/* FlexIO's destroy order: the process and the handler are still referenced */
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_FAILED);
	assert_int_equal(flexio_event_handler_destroy(eh), FLEXIO_STATUS_FAILED);
	assert_int_equal(flexio_outbox_destroy(ob), FLEXIO_STATUS_FAILED);
	assert_int_equal(flexio_cq_destroy(cq), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_event_handler_destroy(eh), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_outbox_destroy(ob), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(flexio_app_destroy(dpa_test_app), FLEXIO_STATUS_FAILED); /* in use */
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);
}

static void test_handler_never_rearmed_is_a_user_error(void **state)
{
	struct flexio_process *p = new_proc();
	struct flexio_event_handler *eh;
	struct flexio_outbox *ob;
	struct flexio_cq *cq;
	struct t_state st = { 0 };
	struct xpdk_flexio_cqe cqe = { 0 };
	flexio_uintptr_t sd;

	(void)state;
	sd = handler_on_cq(p, &t_no_rearm, (struct flexio_affinity){ FLEXIO_AFFINITY_NONE, 0 },
			   NULL, &eh, &cq, &ob, &st);
	assert_int_equal(flexio_event_handler_run(eh, sd), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(xpdk_flexio_cq_post(cq, &cqe), FLEXIO_STATUS_SUCCESS);
	WAIT_FOR((heap_read(p, sd, &st, sizeof(st)), st.activations == 1));
	/* the next CQEs find the CQ unarmed and the handler waiting: reported, not activated */
	for (int i = 0; i < 2000 && flexio_err_status(p) == 0; i++) {
		assert_int_equal(xpdk_flexio_cq_post(cq, &cqe), FLEXIO_STATUS_SUCCESS);
		usleep(1000);
	}
	assert_int_equal(flexio_err_status(p), FLEXIO_ERR_STATUS_USER_ERROR);
	assert_true(fd_readable(flexio_err_handler_fd(p)));
	heap_read(p, sd, &st, sizeof(st));
	assert_int_equal(st.activations, 1);
	flexio_err_display(p);
	assert_int_equal(flexio_err_status(p), 0);
	flexio_cq_destroy(cq);
	flexio_event_handler_destroy(eh);
	flexio_outbox_destroy(ob);
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);
}

static void test_access_outside_the_window_is_fatal(void **state)
{
	struct flexio_process *p = new_proc();
	struct xpdk_dma_buf *buf = xpdk_dma_alloc(4096, 4096, 0);
	struct flexio_event_handler *eh;
	struct flexio_window *win;
	struct flexio_outbox *ob;
	struct flexio_cq *cq;
	struct t_state st = { 0 };
	struct xpdk_flexio_cqe cqe = { 0 };
	struct ibv_mr *mr;
	flexio_uintptr_t sd;

	(void)state;
	assert_non_null(buf);
	*(uint64_t *)buf->va = 0x1234abcd;
	mr = xpdk_flexio_reg_mr(flexio_process_get_pd(p), buf, 0, 4096, IBV_ACCESS_LOCAL_WRITE);
	assert_non_null(mr);
	assert_int_equal(flexio_window_create(p, flexio_process_get_pd(p), &win),
			 FLEXIO_STATUS_SUCCESS);
	st.window = flexio_window_get_id(win);
	st.mkey = mr->lkey;
	st.haddr = (uint64_t)(uintptr_t)mr->addr;
	st.len = 4096;
	sd = handler_on_cq(p, &t_bad_window, (struct flexio_affinity){ FLEXIO_AFFINITY_NONE, 0 },
			   win, &eh, &cq, &ob, &st);
	assert_int_equal(flexio_event_handler_run(eh, sd), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(xpdk_flexio_cq_post(cq, &cqe), FLEXIO_STATUS_SUCCESS);
	WAIT_FOR(flexio_err_status(p) != 0);
	assert_int_equal(flexio_err_status(p), FLEXIO_ERR_STATUS_FATAL_ERROR);
	assert_int_equal(xpdk_flexio_process_dpa_status(p), 0x42);
	assert_true(fd_readable(flexio_err_handler_fd(p)));
	flexio_err_display(p);
	assert_int_equal(flexio_window_destroy(win), FLEXIO_STATUS_FAILED); /* the handler's */
	flexio_cq_destroy(cq);
	flexio_event_handler_destroy(eh);
	flexio_outbox_destroy(ob);
	flexio_window_destroy(win);
	xpdk_flexio_dereg_mr(mr);
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);
	xpdk_dma_free(buf);
}

/* Wait until the process that reported a fatal error is gone: the status comes first, and its
 * other EUs may answer an RPC until then. */
static void wait_gone(struct flexio_process *p)
{
	uint64_t ret;

	WAIT_FOR(flexio_process_call(p, &t_add1, &ret, (uint64_t)1) == FLEXIO_STATUS_FATAL_ERR);
}

/*
 * Through a window on @p pd, @p mr (4096 bytes of @p buf, first word @p word) is memory key
 * mr->lkey: a handler reads and writes its first word; another that reads 32 MiB past it dies
 * with 0x42, the message naming that key. @p p is dead afterwards; its objects are destroyed.
 */
static void window_reaches_exactly_the_mr(struct flexio_process *p, struct ibv_pd *pd,
					  struct ibv_mr *mr, uint64_t *word)
{
	struct flexio_event_handler *eh[2];
	struct flexio_outbox *ob[2];
	struct flexio_cq *cq[2];
	struct flexio_window *win;
	struct t_state st = { 0 };
	struct xpdk_flexio_cqe cqe = { 0 };
	flexio_uintptr_t sd;
	uint64_t before = *word;
	char key[32];

	assert_int_equal(flexio_window_create(p, pd, &win), FLEXIO_STATUS_SUCCESS);
	st.window = flexio_window_get_id(win);
	st.mkey = mr->lkey;
	st.haddr = (uint64_t)(uintptr_t)mr->addr;
	st.len = 4096;
	sd = handler_on_cq(p, &t_window_rw, (struct flexio_affinity){ FLEXIO_AFFINITY_NONE, 0 },
			   win, &eh[0], &cq[0], &ob[0], &st);
	assert_int_equal(flexio_event_handler_run(eh[0], sd), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(xpdk_flexio_cq_post(cq[0], &cqe), FLEXIO_STATUS_SUCCESS);
	WAIT_FOR((heap_read(p, sd, &st, sizeof(st)), st.activations == 1));
	assert_int_equal(flexio_err_status(p), 0);
	assert_int_equal(st.first_word, before);
	assert_int_equal(__atomic_load_n(word, __ATOMIC_ACQUIRE), before + 1);
	st.activations = 0;
	sd = handler_on_cq(p, &t_bad_window, (struct flexio_affinity){ FLEXIO_AFFINITY_NONE, 0 },
			   win, &eh[1], &cq[1], &ob[1], &st);
	assert_int_equal(flexio_event_handler_run(eh[1], sd), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(xpdk_flexio_cq_post(cq[1], &cqe), FLEXIO_STATUS_SUCCESS);
	WAIT_FOR(flexio_err_status(p) != 0);
	assert_int_equal(flexio_err_status(p), FLEXIO_ERR_STATUS_FATAL_ERROR);
	assert_int_equal(xpdk_flexio_process_dpa_status(p), 0x42);
	wait_gone(p);
	snprintf(key, sizeof(key), "outside memory key 0x%x ", mr->lkey);
	assert_non_null(strstr(xpdk_strerror_last(), key));
	flexio_err_display(p);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(flexio_cq_destroy(cq[i]), FLEXIO_STATUS_SUCCESS);
		assert_int_equal(flexio_event_handler_destroy(eh[i]), FLEXIO_STATUS_SUCCESS);
		assert_int_equal(flexio_outbox_destroy(ob[i]), FLEXIO_STATUS_SUCCESS);
	}
	assert_int_equal(flexio_window_destroy(win), FLEXIO_STATUS_SUCCESS);
}

static void test_ibv_reg_mr_on_the_process_pd_is_a_window_key(void **state)
{
	struct flexio_process *p = new_proc();
	struct xpdk_dma_buf *buf = xpdk_dma_alloc(8192, 4096, XPDK_DMA_F_ZERO);
	static uint64_t plain[512];
	struct ibv_mr *mr;

	(void)state;
	assert_non_null(buf);
	/* the DPA reaches only memory shared with it: not this program's own pages */
	errno = 0;
	assert_null(
	    ibv_reg_mr(flexio_process_get_pd(p), plain, sizeof(plain), IBV_ACCESS_LOCAL_WRITE));
	assert_int_equal(errno, EFAULT);
	assert_non_null(strstr(xpdk_strerror_last(), "not XPDK DMA memory"));
	((uint64_t *)buf->va)[512] = 0x5eed;
	mr = ibv_reg_mr(flexio_process_get_pd(p), (uint8_t *)buf->va + 4096, 4096,
			IBV_ACCESS_LOCAL_WRITE);
	assert_non_null(mr);
	assert_ptr_equal(mr->addr, (uint8_t *)buf->va + 4096);
	window_reaches_exactly_the_mr(p, flexio_process_get_pd(p), mr, (uint64_t *)mr->addr);
	assert_int_equal(((uint64_t *)buf->va)[512], 0x5eee);
	assert_int_equal(((uint64_t *)buf->va)[0], 0); /* the page before: not the key's */
	assert_int_equal(ibv_dereg_mr(mr), 0);
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);
	xpdk_dma_free(buf);
}

/* Has the handler whose state is at @p sd run (into @p st), or its process ended? */
static bool ran_or_died(struct flexio_process *p, flexio_uintptr_t sd, struct t_state *st)
{
	return flexio_err_status(p) != 0 ||
	       (xpdk_flexio_dev2host_memcpy(p, st, sizeof(*st), sd) == FLEXIO_STATUS_SUCCESS &&
		st->activations != 0);
}

/* Handler t_window_rw through a window on @p pd with key @p lkey; @return the handler's state
 * once it ran or the process ended. */
static struct t_state window_rw_once(struct flexio_process *p, struct ibv_pd *pd, uint32_t lkey,
				     uint64_t haddr, struct flexio_window **win,
				     struct flexio_event_handler **eh, struct flexio_cq **cq,
				     struct flexio_outbox **ob)
{
	struct t_state st = { .mkey = lkey, .haddr = haddr, .len = 4096 };
	struct xpdk_flexio_cqe cqe = { 0 };
	flexio_uintptr_t sd;

	assert_int_equal(flexio_window_create(p, pd, win), FLEXIO_STATUS_SUCCESS);
	st.window = flexio_window_get_id(*win);
	sd = handler_on_cq(p, &t_window_rw, (struct flexio_affinity){ FLEXIO_AFFINITY_NONE, 0 },
			   *win, eh, cq, ob, &st);
	assert_int_equal(flexio_event_handler_run(*eh, sd), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(xpdk_flexio_cq_post(*cq, &cqe), FLEXIO_STATUS_SUCCESS);
	WAIT_FOR(ran_or_died(p, sd, &st));
	return st;
}

/* An MR on a second PD of the context, over @p mem: a window on that PD reaches it, one on
 * @p pd does not (flexio_dev_window_config fails: t_window_rw ends the process with 0x92). */
static void other_pd_key_is_refused(struct flexio_process *p, struct ibv_pd *pd, uint64_t *mem)
{
	struct ibv_pd *pd2 = ibv_alloc_pd(pd->context);
	struct flexio_event_handler *eh[2];
	struct flexio_outbox *ob[2];
	struct flexio_window *win[2];
	struct flexio_cq *cq[2];
	uint64_t before = *mem;
	struct t_state st;
	struct ibv_mr *mr2;

	assert_non_null(pd2);
	mr2 = ibv_reg_mr(pd2, mem, 4096, IBV_ACCESS_LOCAL_WRITE);
	assert_non_null(mr2);
	st = window_rw_once(p, pd2, mr2->lkey, (uint64_t)(uintptr_t)mem, &win[0], &eh[0], &cq[0],
			    &ob[0]);
	assert_int_equal(flexio_err_status(p), 0);
	assert_int_equal(st.first_word, before);
	assert_int_equal(*mem, before + 1);
	(void)window_rw_once(p, pd, mr2->lkey, (uint64_t)(uintptr_t)mem, &win[1], &eh[1], &cq[1],
			     &ob[1]);
	assert_int_equal(flexio_err_status(p), FLEXIO_ERR_STATUS_FATAL_ERROR);
	assert_int_equal(xpdk_flexio_process_dpa_status(p), 0x92);
	assert_int_equal(*mem, before + 1);
	wait_gone(p);
	flexio_err_display(p);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(flexio_cq_destroy(cq[i]), FLEXIO_STATUS_SUCCESS);
		assert_int_equal(flexio_event_handler_destroy(eh[i]), FLEXIO_STATUS_SUCCESS);
		assert_int_equal(flexio_outbox_destroy(ob[i]), FLEXIO_STATUS_SUCCESS);
		assert_int_equal(flexio_window_destroy(win[i]), FLEXIO_STATUS_SUCCESS);
	}
	assert_int_equal(ibv_dereg_mr(mr2), 0);
	assert_int_equal(ibv_dealloc_pd(pd2), 0);
}

/*
 * A verbs device's context (ibv_open_device): refused without $XPDK_DPA_DEVICE, then bound to
 * a second emulated DPA; the PD is ibv_alloc_pd's, the MRs ibv_reg_mr's (before and after the
 * process exists), and device code reaches each MR's memory by its lkey, and nothing past it.
 */
static void test_verbs_context_runs_on_the_emulated_dpa(void **state)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	struct flexio_process_attr attr = { 0 };
	struct flexio_process *p = NULL;
	struct xpdk_devsim_dev *sim2;
	struct xpdk_dma_buf *buf;
	struct ibv_context *vctx;
	struct ibv_mr *mr[2];
	char sock2[128], name[160];
	uint64_t ret = 0;

	(void)state;
	assert_true(list != NULL && list[0] != NULL); /* main() checked */
	vctx = ibv_open_device(list[0]);
	ibv_free_device_list(list);
	assert_non_null(vctx);
	attr.pd = ibv_alloc_pd(vctx);
	assert_non_null(attr.pd);
	buf = xpdk_dma_alloc(8192, 4096, XPDK_DMA_F_ZERO);
	assert_non_null(buf);
	((uint64_t *)buf->va)[0] = 77;
	((uint64_t *)buf->va)[512] = 1000;
	/* registered before the process: the binding registers it on the DPA */
	mr[0] = ibv_reg_mr(attr.pd, buf->va, 4096, IBV_ACCESS_LOCAL_WRITE);
	assert_non_null(mr[0]);

	unsetenv("XPDK_DPA_DEVICE");
	assert_int_equal(flexio_process_create(vctx, dpa_test_app, &attr, &p),
			 FLEXIO_STATUS_FAILED);
	assert_non_null(strstr(xpdk_strerror_last(), "set XPDK_DPA_DEVICE"));
	snprintf(sock2, sizeof(sock2), "/tmp/xpdk-test-flexio-%d-2.sock", (int)getpid());
	sim2 = xpdk_devsim_create("dpa", "eus=2,spin_us=5", "dpa1", sock2, -1);
	assert_non_null(sim2);
	assert_int_equal(xpdk_devsim_start(sim2), 0);
	snprintf(name, sizeof(name), "vfio-user:%s", sock2);
	setenv("XPDK_DPA_DEVICE", name, 1);
	assert_int_equal(flexio_process_create(vctx, dpa_test_app, &attr, &p),
			 FLEXIO_STATUS_SUCCESS);
	assert_ptr_equal(flexio_process_get_pd(p), attr.pd);
	assert_int_equal(flexio_process_call(p, &t_add1, &ret, (uint64_t)9), FLEXIO_STATUS_SUCCESS);
	assert_int_equal(ret, 10);
	/* registered after: the DPA learns it at once */
	mr[1] = ibv_reg_mr(attr.pd, (uint8_t *)buf->va + 4096, 4096, IBV_ACCESS_LOCAL_WRITE);
	assert_non_null(mr[1]);
	assert_int_not_equal(mr[0]->lkey, mr[1]->lkey);
	window_reaches_exactly_the_mr(p, attr.pd, mr[1], (uint64_t *)mr[1]->addr);
	assert_int_equal(((uint64_t *)buf->va)[512], 1001);
	assert_int_equal(((uint64_t *)buf->va)[0], 77);
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);

	/* a second process: the binding is made again, both MRs registered on it */
	assert_int_equal(flexio_process_create(vctx, dpa_test_app, &attr, &p),
			 FLEXIO_STATUS_SUCCESS);
	window_reaches_exactly_the_mr(p, attr.pd, mr[0], (uint64_t *)mr[0]->addr);
	assert_int_equal(((uint64_t *)buf->va)[0], 78);
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);

	/* a window reaches its own PD's MRs only, as on the card */
	assert_int_equal(flexio_process_create(vctx, dpa_test_app, &attr, &p),
			 FLEXIO_STATUS_SUCCESS);
	other_pd_key_is_refused(p, attr.pd, (uint64_t *)buf->va);
	assert_int_equal(flexio_process_destroy(p), FLEXIO_STATUS_SUCCESS);
	unsetenv("XPDK_DPA_DEVICE");
	assert_int_equal(ibv_dereg_mr(mr[0]), 0);
	assert_int_equal(ibv_dereg_mr(mr[1]), 0);
	assert_int_equal(ibv_dealloc_pd(attr.pd), 0);
	assert_int_equal(ibv_close_device(vctx), 0);
	xpdk_devsim_destroy(sim2);
	xpdk_dma_free(buf);
}

static void test_app_list_holds_the_embedded_app(void **state)
{
	flexio_app **list;
	uint32_t n = 0;
	bool found = false;

	(void)state;
	assert_int_equal(flexio_app_get_list(&list, &n), FLEXIO_STATUS_SUCCESS);
	for (uint32_t i = 0; i < n; i++)
		found |= strcmp(flexio_app_get_name(list[i]), "dpa_test_app") == 0;
	assert_true(found);
	flexio_app_list_free(list);
	/* a context that is neither XPDK's nor a verbs device's is refused with a sentence */
	{
		struct ibv_context fake = { 0 };

		assert_int_equal(flexio_process_create(&fake, dpa_test_app, NULL,
						       &(struct flexio_process *){ NULL }),
				 FLEXIO_STATUS_FAILED);
		assert_non_null(strstr(xpdk_strerror_last(), "neither"));
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rpc_returns_the_device_value),
		cmocka_unit_test(test_marshalled_call_unpacks_on_the_device),
		cmocka_unit_test(test_heap_alloc_copy_memset_free),
		cmocka_unit_test(test_prints_reach_the_file_sync_and_async),
		cmocka_unit_test(test_device_error_code_is_fatal_and_reported),
		cmocka_unit_test(test_illegal_error_code_ends_with_0x42),
		cmocka_unit_test(test_crash_is_fatal_and_the_device_lives_on),
		cmocka_unit_test(test_rpc_that_never_returns_times_out),
		cmocka_unit_test(test_cqe_activates_the_handler_on_its_eu),
		cmocka_unit_test(test_handler_never_rearmed_is_a_user_error),
		cmocka_unit_test(test_access_outside_the_window_is_fatal),
		cmocka_unit_test(test_ibv_reg_mr_on_the_process_pd_is_a_window_key),
		cmocka_unit_test(test_app_list_holds_the_embedded_app),
	};

	const struct CMUnitTest verbs_tests[] = {
		cmocka_unit_test(test_verbs_context_runs_on_the_emulated_dpa),
	};

	g_argc = argc;
	g_argv = argv;
	/* --verbs (last): the test of a verbs device's context, which needs one (meson's
	 * flexio_verbs; the vm tier runs it on Soft-RoCE) */
	if (argc > 1 && strcmp(argv[argc - 1], "--verbs") == 0) {
		struct ibv_device **list = ibv_get_device_list(NULL);
		bool any = list != NULL && list[0] != NULL;

		if (list != NULL)
			ibv_free_device_list(list);
		if (!any) {
			printf("skipped: no verbs device (this kernel has no RDMA device; the vm "
			       "tier's Soft-RoCE has one)\n");
			return 77;
		}
		g_argc = argc - 1;
		return cmocka_run_group_tests(verbs_tests, setup, dpa_fixture_stop);
	}
	return cmocka_run_group_tests(tests, setup, dpa_fixture_stop);
}
