/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-bench dpa: FlexIO on the emulated DPA. The round trip of an empty RPC
 * (flexio_process_call) against the same round trip between two threads of this process over
 * eventfds (the baseline, measured in the same run); and the activation latency of an event
 * handler, from the host posting a CQE to the handler's first instruction (both read the same
 * monotonic clock).
 */

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "bench.h"
#include "dpa_bench.h"
#include "xpdk_flexio.h"

extern struct flexio_app *dpa_bench_app;
extern flexio_func_t bench_rpc_nop, bench_stamp;

struct pingpong {
	int to_peer, to_main;
	uint64_t n;
};

static void *pong(void *arg)
{
	struct pingpong *pp = arg;
	uint64_t v;

	for (uint64_t i = 0; i < pp->n; i++) {
		if (read(pp->to_peer, &v, sizeof(v)) != sizeof(v) ||
		    write(pp->to_main, &v, sizeof(v)) != sizeof(v))
			break;
	}
	return NULL;
}

/* The baseline: an eventfd ping-pong between two threads, one round trip per sample. */
static int baseline(uint64_t n, struct hist *h)
{
	struct pingpong pp = { .to_peer = eventfd(0, EFD_CLOEXEC),
			       .to_main = eventfd(0, EFD_CLOEXEC),
			       .n = n };
	pthread_t t;
	uint64_t one = 1, v;
	int rc = 0;

	if (pp.to_peer < 0 || pp.to_main < 0 || pthread_create(&t, NULL, pong, &pp) != 0)
		return -1;
	for (uint64_t i = 0; i < n && rc == 0; i++) {
		uint64_t t0 = rte_rdtsc();

		if (write(pp.to_peer, &one, sizeof(one)) != sizeof(one) ||
		    read(pp.to_main, &v, sizeof(v)) != sizeof(v))
			rc = -1;
		hist_add(h, rte_rdtsc() - t0);
	}
	pthread_join(t, NULL);
	close(pp.to_peer);
	close(pp.to_main);
	return rc;
}

static int rpc(struct flexio_process *p, uint64_t n, struct hist *h)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t ret = 0, t0 = rte_rdtsc();

		if (flexio_process_call(p, &bench_rpc_nop, &ret, i) != FLEXIO_STATUS_SUCCESS ||
		    ret != i + 1)
			return -1;
		hist_add(h, rte_rdtsc() - t0);
	}
	return 0;
}

struct act {
	struct flexio_outbox *ob;
	struct flexio_window *win;
	struct flexio_event_handler *eh;
	struct flexio_cq *cq;
	struct ibv_mr *mr;
	struct xpdk_dma_buf *stamp;
};

static void act_free(struct act *a)
{
	flexio_cq_destroy(a->cq);
	flexio_event_handler_destroy(a->eh);
	flexio_window_destroy(a->win);
	flexio_outbox_destroy(a->ob);
	xpdk_flexio_dereg_mr(a->mr);
	xpdk_dma_free(a->stamp);
}

static int activation(struct flexio_process *p, uint64_t n, struct hist *h)
{
	struct flexio_event_handler_attr ea = { .host_stub_func = bench_stamp };
	struct flexio_cq_attr ca = { .log_cq_depth = 4,
				     .element_type = FLEXIO_CQ_ELEMENT_TYPE_DPA_THREAD };
	struct dpa_bench_ctx c = { 0 };
	struct act a = { 0 };
	flexio_uintptr_t cd;
	volatile uint64_t *stamp;
	int rc = -1;

	a.stamp = xpdk_dma_alloc(4096, 4096, XPDK_DMA_F_ZERO);
	if (a.stamp == NULL)
		return -1;
	stamp = a.stamp->va;
	a.mr =
	    xpdk_flexio_reg_mr(flexio_process_get_pd(p), a.stamp, 0, 4096, IBV_ACCESS_LOCAL_WRITE);
	if (a.mr == NULL || flexio_outbox_create(p, NULL, NULL, &a.ob) ||
	    flexio_window_create(p, flexio_process_get_pd(p), &a.win) ||
	    flexio_event_handler_create(p, &ea, a.win, a.ob, &a.eh) ||
	    flexio_buf_dev_alloc(p, 64 << 4, &ca.cq_ring_qmem.daddr))
		goto out;
	ca.thread = flexio_event_handler_get_thread(a.eh);
	if (flexio_cq_create(p, NULL, &ca, &a.cq))
		goto out;
	c.stamp_haddr = (uint64_t)(uintptr_t)a.mr->addr;
	c.cqn = flexio_cq_get_cq_num(a.cq);
	c.outbox = flexio_outbox_get_id(a.ob);
	c.window = flexio_window_get_id(a.win);
	c.mkey = a.mr->lkey;
	if (flexio_copy_from_host(p, &c, sizeof(c), &cd) || flexio_event_handler_run(a.eh, cd))
		goto out;
	for (uint64_t i = 1; i <= n; i++) {
		struct xpdk_flexio_cqe cqe = { .user_index = (uint32_t)i };
		uint64_t t0 = xpdk_now_ns(), deadline = t0 + 5000000000ULL;

		if (xpdk_flexio_cq_post(a.cq, &cqe))
			goto out;
		while (stamp[0] != i) {
			if (xpdk_now_ns() > deadline)
				goto out;
			sched_yield();
		}
		/* cycles from ns, so that the same histogram and summary serve */
		hist_add(h, (uint64_t)((double)(stamp[1] - t0) * (double)bench_tsc_hz() / 1e9));
	}
	rc = 0;
out:
	act_free(&a);
	return rc;
}

static void row(const char *name, const struct lat *l, bool json)
{
	if (json)
		printf("\"%s\":{\"samples\":%llu,\"p50_ns\":%.0f,\"p99_ns\":%.0f,\"max_ns\":%.0f},",
		       name, (unsigned long long)l->samples, l->p50, l->p99, l->max);
	else
		printf("%-26s %9llu %10.1f %10.1f %10.1f\n", name, (unsigned long long)l->samples,
		       l->p50 / 1e3, l->p99 / 1e3, l->max / 1e3);
}

int bench_dpa(int argc, char **argv)
{
	static const struct option opts[] = { { "device", required_argument, NULL, 'd' },
					      { "iterations", required_argument, NULL, 'n' },
					      { "json", no_argument, NULL, 'j' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	static struct hist hb, hr, ha;
	const char *dev = NULL;
	uint64_t n = 10000;
	struct lat lb, lr, la;
	struct ibv_context *ctx;
	struct flexio_process *p = NULL;
	bool json = false;
	int c, rc = BENCH_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:n:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev = optarg;
			break;
		case 'n':
			if (xpdk_parse_u64(optarg, &n) < 0 || n == 0 || n > 10000000) {
				fprintf(stderr, "xpdk-bench dpa: -n takes 1..10000000\n");
				return BENCH_USAGE;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			printf("Usage: xpdk-bench [EAL] -- dpa -d DEV [-n N] [--json]\n"
			       "FlexIO RPC round trip against an eventfd ping-pong between two "
			       "threads\n"
			       "(same run), and CQE-post-to-handler activation latency, N samples "
			       "each.\n"
			       "DEV: vfio-user:PATH of xpdk-devsim --model dpa.\n");
			return BENCH_OK;
		default:
			return BENCH_USAGE;
		}
	}
	if (require_device("dpa", dev, optind, argc) != 0)
		return BENCH_USAGE;
	hist_reset(&hb);
	hist_reset(&hr);
	hist_reset(&ha);
	ctx = xpdk_flexio_open(dev);
	if (ctx == NULL || flexio_process_create(ctx, dpa_bench_app, NULL, &p)) {
		fprintf(stderr, "xpdk-bench dpa: %s: %s\n", dev, xpdk_strerror_last());
		goto out;
	}
	if (baseline(n, &hb) < 0 || rpc(p, n, &hr) < 0 || activation(p, n, &ha) < 0) {
		fprintf(stderr, "xpdk-bench dpa: measuring failed: %s\n", xpdk_strerror_last());
		goto out;
	}
	hist_summary(&hb, bench_tsc_hz(), &lb);
	hist_summary(&hr, bench_tsc_hz(), &lr);
	hist_summary(&ha, bench_tsc_hz(), &la);
	if (json) {
		printf("{\"device\":");
		json_string(dev);
		printf(",");
		row("eventfd_pingpong", &lb, true);
		row("rpc_round_trip", &lr, true);
		row("activation", &la, true);
		printf("\"rpc_p50_ratio\":%.2f}\n", lr.p50 / lb.p50);
	} else {
		printf("%-26s %9s %10s %10s %10s\n", "# latency", "samples", "p50 us", "p99 us",
		       "max us");
		row("eventfd ping-pong (base)", &lb, false);
		row("RPC round trip", &lr, false);
		row("CQE post -> handler", &la, false);
		printf("RPC p50 / baseline p50: %.2fx (target <= 2x); activation p50 %.1f us "
		       "(target <= 20 us)\n",
		       lr.p50 / lb.p50, la.p50 / 1e3);
	}
	rc = BENCH_OK;
out:
	if (p != NULL && flexio_process_destroy(p) != FLEXIO_STATUS_SUCCESS)
		rc = BENCH_FAIL;
	if (ctx != NULL)
		xpdk_flexio_close(ctx);
	return rc;
}
