/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * pipeline: a three-stage dataplane on lib/poll, the worked example of doc/poll.md.
 *
 *   stage 1 "fill"   (main lcore)  takes buffers from an rte_mempool of DMA buffers, writes a
 *                                  pattern derived from each buffer's sequence number into its
 *                                  source half and enqueues it to ring 1;
 *   stage 2 "he-*"   (worker lcore) takes one buffer at a time from ring 1, has the FPGA's host
 *                                  exerciser copy source to destination, completes the run by
 *                                  polling the status memory ("he-complete") or, with
 *                                  --interrupt, on the completion interrupt ("he-irq"), and
 *                                  enqueues the buffer to ring 2;
 *   stage 3 "check"  (main lcore)  a ring-fed handler: checks every word the device wrote and
 *                                  returns the buffers to the mempool.
 * A timer ("progress") ends the run after --count buffers or --duration seconds (or SIGINT):
 * stage 1 stops taking buffers, the rings drain, stage 3 stops the loops.
 *
 * With --interrupt both lcores run in interrupt mode: an idle lcore sleeps in epoll, the
 * exerciser's interrupt wakes stage 2, and xpdk_poll_ring_enqueue_burst() wakes the consumer of
 * each ring. With one lcore (-l 0) every stage runs on it.
 *
 *   pipeline [EAL args] -- DEVICE [--interrupt] [--count N] [--duration S] [--size BYTES]
 *                          [--buffers N]
 *   e.g. pipeline -l 0,1 -- vfio-user:/run/xpdk/devsim/dfl-fpga0.sock --count 20000
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mempool.h>

#include "xpdk_fpga.h"
#include "xpdk_poll.h"

#define BURST	    32
#define GOLDEN	    0x9e3779b97f4a7c15ULL
#define PROGRESS_US 100000

/* One pipeline buffer: a mempool object holding two DMA buffers. */
struct pipe_buf {
	struct xpdk_dma_buf *src, *dst;
	uint64_t seq;
};

struct pipeline {
	struct xpdk_fpga *fpga;
	struct rte_mempool *pool;
	struct rte_ring *r1, *r2; /* fill -> exerciser, exerciser -> check */
	unsigned int main_lcore, dev_lcore;
	size_t size;
	bool interrupt;
	uint64_t limit;	       /* buffers to issue; lowered when the run ends early */
	uint64_t duration_tsc; /* 0: no time limit */
	uint64_t t0;
	/* stage 1 (main lcore) */
	uint64_t issued;
	/* stage 2 (device lcore) */
	struct pipe_buf *inflight;
	uint64_t device_ns;
	/* stage 3 (main lcore) */
	uint64_t checked, mismatched, t_end;
	int failed; /* first error of a stage, 0 if none */
	unsigned int alloc_failures;
};

static volatile sig_atomic_t interrupted;

/* Only a flag: the progress timer (every 100 ms) acts on it. */
static void on_signal(int sig)
{
	(void)sig;
	interrupted++;
}

static uint64_t word(uint64_t seq, size_t i)
{
	return seq * GOLDEN + i;
}

/* ---- stage 1: fill ---- */

static int fill_fn(void *ctx)
{
	struct pipeline *p = ctx;
	void *objs[BURST];
	unsigned int n = BURST, done;

	if (p->issued >= p->limit)
		return 0;
	if (n > p->limit - p->issued)
		n = (unsigned int)(p->limit - p->issued);
	/* all-or-nothing: try a burst, then a single buffer */
	if (rte_mempool_get_bulk(p->pool, objs, n) != 0) {
		n = 1;
		if (rte_mempool_get(p->pool, objs) != 0)
			return 0;
	}
	for (unsigned int k = 0; k < n; k++) {
		struct pipe_buf *b = objs[k];
		uint64_t *w = b->src->va;

		b->seq = p->issued + k;
		for (size_t i = 0; i < p->size / 8; i++)
			w[i] = word(b->seq, i);
	}
	done = xpdk_poll_ring_enqueue_burst(p->r1, p->dev_lcore, objs, n, NULL);
	if (done < n) /* ring 1 holds every buffer: cannot happen, but give them back */
		rte_mempool_put_bulk(p->pool, objs + done, n - done);
	p->issued += done;
	return (int)done;
}

/* ---- stage 2: the host exerciser ---- */

static int submit_fn(void *ctx)
{
	struct pipeline *p = ctx;
	struct xpdk_he_cfg cfg = { .mode = XPDK_HE_MODE_COPY, .repeat = 1 };
	void *obj;
	int rc;

	if (p->inflight != NULL || rte_ring_dequeue(p->r1, &obj) != 0)
		return 0;
	p->inflight = obj;
	cfg.src = p->inflight->src;
	cfg.dst = p->inflight->dst;
	cfg.lines = p->size / XPDK_HE_LINE;
	cfg.irq = p->interrupt;
	rc = xpdk_he_start(p->fpga, &cfg);
	if (rc < 0) {
		fprintf(stderr, "pipeline: exerciser start: %s\n", xpdk_strerror_last());
		p->failed = rc;
		xpdk_poll_request_stop();
	}
	return rc < 0 ? rc : 1;
}

static int complete(struct pipeline *p)
{
	struct xpdk_he_result res;
	void *obj = p->inflight;
	int rc;

	if (p->inflight == NULL)
		return 0;
	rc = xpdk_he_poll(p->fpga, &res);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		fprintf(stderr, "pipeline: exerciser: %s\n", xpdk_strerror_last());
		p->failed = rc;
		xpdk_poll_request_stop();
		return rc;
	}
	p->device_ns += res.device_ns;
	p->inflight = NULL;
	/* ring 2 holds every buffer */
	(void)xpdk_poll_ring_enqueue_burst(p->r2, p->main_lcore, &obj, 1, NULL);
	return 1;
}

/* Polled completion: one load from the status memory per call. */
static int complete_fn(void *ctx)
{
	return complete(ctx);
}

/* Interrupt completion: the exerciser's eventfd is readable. */
static int irq_fn(void *ctx)
{
	struct pipeline *p = ctx;
	int rc = xpdk_he_irq_ack(p->fpga);

	return rc < 0 ? rc : complete(p);
}

/* ---- stage 3: check and return ---- */

static int check_fn(void *ctx, void **objs, unsigned int n)
{
	struct pipeline *p = ctx;

	for (unsigned int k = 0; k < n; k++) {
		const struct pipe_buf *b = objs[k];
		const uint64_t *w = b->dst->va;

		for (size_t i = 0; i < p->size / 8; i++) {
			if (w[i] != word(b->seq, i)) {
				if (p->mismatched++ == 0)
					fprintf(stderr,
						"pipeline: buffer %" PRIu64
						" word %zu is 0x%016" PRIx64
						", expected 0x%016" PRIx64 "\n",
						b->seq, i, w[i], word(b->seq, i));
				break;
			}
		}
	}
	rte_mempool_put_bulk(p->pool, objs, n);
	p->checked += n;
	if (p->checked == p->limit) {
		p->t_end = rte_get_tsc_cycles();
		xpdk_poll_request_stop();
	}
	return (int)n;
}

/* ---- end of the run ---- */

static int progress_fn(void *ctx)
{
	struct pipeline *p = ctx;
	bool timeout = p->duration_tsc && rte_get_tsc_cycles() - p->t0 >= p->duration_tsc;

	if (interrupted > 1) { /* second ^C: do not wait for the drain */
		xpdk_poll_request_stop();
		return 1;
	}

	if ((interrupted || timeout) && p->limit > p->issued) {
		p->limit = p->issued; /* issue no more; stage 3 stops once the rings drain */
		if (p->checked == p->limit) {
			p->t_end = rte_get_tsc_cycles();
			xpdk_poll_request_stop();
		}
		return 1;
	}
	return 0;
}

/* ---- setup ---- */

static void buf_init(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct pipeline *p = arg;
	struct pipe_buf *b = obj;

	(void)mp;
	(void)idx;
	b->src = xpdk_dma_alloc(p->size, 4096, 0);
	b->dst = xpdk_dma_alloc(p->size, 4096, XPDK_DMA_F_ZERO);
	if (b->src == NULL || b->dst == NULL)
		p->alloc_failures++;
}

static void buf_free(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct pipe_buf *b = obj;

	(void)mp;
	(void)arg;
	(void)idx;
	xpdk_dma_free(b->src);
	xpdk_dma_free(b->dst);
}

static int add(struct xpdk_poll_attr *a, const char *name, unsigned int lcore)
{
	a->name = name;
	a->lcore = lcore;
	if (xpdk_poll_register(a, NULL) < 0) {
		fprintf(stderr, "pipeline: handler %s: %s\n", name, xpdk_strerror_last());
		return -1;
	}
	return 0;
}

static int setup(struct pipeline *p, unsigned int nbufs)
{
	struct xpdk_poll_lcore_attr la = XPDK_POLL_LCORE_ATTR_INIT;
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;
	unsigned int ring_size = rte_align32pow2(nbufs + 1);

	p->pool = rte_mempool_create("pipeline", nbufs, sizeof(struct pipe_buf), 0, 0, NULL, NULL,
				     buf_init, p, SOCKET_ID_ANY, 0);
	p->r1 =
	    rte_ring_create("fill-to-he", ring_size, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	p->r2 =
	    rte_ring_create("he-to-check", ring_size, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (p->pool == NULL || p->r1 == NULL || p->r2 == NULL || p->alloc_failures) {
		fprintf(stderr, "pipeline: %u buffers of 2 x %zu bytes: %s\n", nbufs, p->size,
			p->alloc_failures ? xpdk_strerror_last() : rte_strerror(rte_errno));
		return -1;
	}
	/* statistics with per-handler cycles; interrupt mode when asked */
	la.handler_cycles = true;
	la.interrupt = p->interrupt;
	la.idle_iterations = 256;
	if (xpdk_poll_lcore_configure(p->main_lcore, &la) < 0 ||
	    (p->dev_lcore != p->main_lcore && xpdk_poll_lcore_configure(p->dev_lcore, &la) < 0)) {
		fprintf(stderr, "pipeline: lcore: %s\n", xpdk_strerror_last());
		return -1;
	}
	a.ctx = p;
	a.fn = fill_fn;
	if (add(&a, "fill", p->main_lcore) < 0)
		return -1;
	a.fn = submit_fn;
	if (add(&a, "he-submit", p->dev_lcore) < 0)
		return -1;
	if (p->interrupt) {
		a.kind = XPDK_POLL_EVENT;
		a.fd = xpdk_he_irq_fd(p->fpga);
		a.fn = irq_fn;
		if (add(&a, "he-irq", p->dev_lcore) < 0)
			return -1;
	} else {
		a.fn = complete_fn;
		if (add(&a, "he-complete", p->dev_lcore) < 0)
			return -1;
	}
	a = (struct xpdk_poll_attr)XPDK_POLL_ATTR_INIT;
	a.ctx = p;
	a.kind = XPDK_POLL_RING;
	a.ring = p->r2;
	a.burst = BURST;
	a.burst_fn = check_fn;
	if (add(&a, "check", p->main_lcore) < 0)
		return -1;
	a = (struct xpdk_poll_attr)XPDK_POLL_ATTR_INIT;
	a.ctx = p;
	a.kind = XPDK_POLL_TIMER;
	a.period_us = PROGRESS_US;
	a.fn = progress_fn;
	return add(&a, "progress", p->main_lcore);
}

/* ---- report ---- */

static void report(const struct pipeline *p, double secs)
{
	static const char *const names[] = { "fill",   "he-submit", "he-complete",
					     "he-irq", "check",	    "progress" };
	double hz = (double)rte_get_tsc_hz();

	printf("pipeline: %" PRIu64 " buffers of %zu bytes through the host exerciser (%s "
	       "completion) in %.2f s: %.0f buffers/s, %.1f MB/s (device time %.2f s)\n",
	       p->checked, p->size, p->interrupt ? "interrupt" : "polled", secs,
	       secs > 0 ? (double)p->checked / secs : 0,
	       secs > 0 ? (double)p->checked * (double)p->size / secs / 1e6 : 0,
	       (double)p->device_ns / 1e9);
	printf("data: %" PRIu64 " buffers checked, %" PRIu64 " mismatched%s\n", p->checked,
	       p->mismatched, p->mismatched ? "" : ": every word as written");
	printf("%-12s %5s %6s %10s %10s %10s %6s %7s %12s\n", "handler", "lcore", "kind", "calls",
	       "busy", "items", "errors", "busy%", "cycles/item");
	for (size_t i = 0; i < RTE_DIM(names); i++) {
		struct xpdk_poll_handler_stats st = { .size = sizeof(st) };
		const struct xpdk_poll_handler *h = xpdk_poll_find(names[i]);
		static const char *const kinds[] = { "plain", "ring", "event", "timer" };
		uint64_t cyc;

		if (h == NULL || xpdk_poll_handler_stats(h, &st) < 0)
			continue;
		cyc = st.busy_cycles + st.idle_cycles;
		printf("%-12s %5u %6s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %6" PRIu64
		       " %6.1f%% %12.0f\n",
		       names[i], st.lcore, kinds[st.kind], st.calls, st.busy_calls, st.items,
		       st.errors, cyc ? 100.0 * (double)st.busy_cycles / (double)cyc : 0,
		       st.items ? (double)st.busy_cycles / (double)st.items : 0);
	}
	printf("%-5s %12s %12s %6s %8s %8s %10s\n", "lcore", "iterations", "busy", "util%",
	       "sleeps", "wakeups", "asleep[s]");
	for (unsigned int lc = 0; lc < RTE_MAX_LCORE; lc++) {
		struct xpdk_poll_lcore_stats st = { .size = sizeof(st) };

		if ((lc != p->main_lcore && lc != p->dev_lcore) ||
		    xpdk_poll_lcore_stats(lc, &st) < 0)
			continue;
		printf("%-5u %12" PRIu64 " %12" PRIu64 " %5.1f%% %8" PRIu64 " %8" PRIu64
		       " %10.2f\n",
		       lc, st.iterations, st.busy_iterations, 100 * st.utilisation, st.sleeps,
		       st.wakeups, (double)st.sleep_cycles / hz);
	}
}

static void usage(FILE *o)
{
	fprintf(o,
		"Usage: pipeline [EAL args] -- DEVICE [--interrupt] [--count N] [--duration S]\n"
		"                [--size BYTES] [--buffers N]\n"
		"  DEVICE        vfio-user:PATH or a PCI address of a DFL FPGA whose port 0 runs\n"
		"                the host exerciser\n"
		"  --interrupt   complete by interrupt, lcores sleep when idle\n"
		"  --count N     buffers to move (default 10000; 0: until --duration or ^C)\n"
		"  --duration S  stop after S seconds (default: none)\n"
		"  --size BYTES  bytes per buffer, a multiple of 64 (default 4K)\n"
		"  --buffers N   buffers in the mempool (default 64)\n"
		"EAL: -l 0,1 runs stage 2 on lcore 1, stages 1 and 3 on lcore 0.\n");
}

static int parse(int argc, char **argv, struct pipeline *p, unsigned int *nbufs, double *dur)
{
	static const struct option opts[] = { { "interrupt", no_argument, NULL, 'i' },
					      { "count", required_argument, NULL, 'c' },
					      { "duration", required_argument, NULL, 't' },
					      { "size", required_argument, NULL, 's' },
					      { "buffers", required_argument, NULL, 'b' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	uint64_t v;
	char *end;
	int c, li = 0;

	while ((c = getopt_long(argc, argv, "h", opts, &li)) != -1) {
		switch (c) {
		case 'i':
			p->interrupt = true;
			break;
		case 'c':
			if (xpdk_parse_u64(optarg, &v) < 0)
				goto bad;
			p->limit = v ? v : UINT64_MAX;
			break;
		case 't':
			*dur = strtod(optarg, &end);
			if (*end != '\0' || !(*dur > 0) || *dur > 1e6)
				goto bad;
			break;
		case 's':
			if (xpdk_parse_size(optarg, &v) < 0 || v == 0 || v % XPDK_HE_LINE ||
			    v / XPDK_HE_LINE > XPDK_HE_MAX_LINES)
				goto bad;
			p->size = v;
			break;
		case 'b':
			if (xpdk_parse_u64(optarg, &v) < 0 || v < 1 || v > 65536)
				goto bad;
			*nbufs = (unsigned int)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "pipeline: bad value '%s' for --%s\n", optarg, opts[li].name);
	usage(stderr);
	return -1;
}

int main(int argc, char **argv)
{
	struct pipeline p = { .size = 4096, .limit = 10000 };
	unsigned int nbufs = 64;
	double dur = 0, secs;
	int n, rc = 1;

	n = xpdk_env_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "pipeline: environment: %s\n", xpdk_strerror_last());
		return 1;
	}
	argc -= n;
	argv += n;
	if (parse(argc, argv, &p, &nbufs, &dur) < 0) {
		xpdk_env_cleanup();
		return 2;
	}
	if (p.limit == UINT64_MAX && dur == 0)
		printf("pipeline: --count 0 without --duration: runs until ^C\n");
	p.main_lcore = rte_get_main_lcore();
	p.dev_lcore = rte_get_next_lcore(p.main_lcore, 1, 0);
	if (p.dev_lcore >= RTE_MAX_LCORE)
		p.dev_lcore = p.main_lcore;
	p.duration_tsc = (uint64_t)(dur * (double)rte_get_tsc_hz());
	p.fpga = xpdk_fpga_open(argv[optind]);
	if (p.fpga == NULL || xpdk_he_attach(p.fpga, 0) < 0) {
		fprintf(stderr, "pipeline: %s: %s\n", argv[optind], xpdk_strerror_last());
		goto out;
	}
	if (p.interrupt && xpdk_he_irq_fd(p.fpga) < 0) {
		fprintf(stderr,
			"pipeline: %s has no exerciser interrupt: run without --interrupt\n",
			argv[optind]);
		goto out;
	}
	if (setup(&p, nbufs) < 0)
		goto out;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("pipeline: stages 1 and 3 on lcore %u, stage 2 on lcore %u, %s mode; telemetry: "
	       "dpdk-telemetry.py -f %s\n",
	       p.main_lcore, p.dev_lcore, p.interrupt ? "interrupt" : "polled",
	       basename((char *)(uintptr_t)rte_eal_get_runtime_dir()));
	fflush(stdout);
	p.t0 = rte_get_tsc_cycles();
	if (xpdk_poll_start() < 0 || xpdk_poll_run() < 0) {
		fprintf(stderr, "pipeline: %s\n", xpdk_strerror_last());
		xpdk_poll_stop();
		goto out;
	}
	xpdk_poll_stop();
	if (p.t_end == 0)
		p.t_end = rte_get_tsc_cycles();
	secs = (double)(p.t_end - p.t0) / (double)rte_get_tsc_hz();
	report(&p, secs);
	rc = p.failed == 0 && p.mismatched == 0 && p.checked == p.issued ? 0 : 1;
	if (p.checked != p.issued)
		fprintf(stderr, "pipeline: %" PRIu64 " buffers issued but %" PRIu64 " checked\n",
			p.issued, p.checked);
out:
	xpdk_poll_cleanup();
	if (p.fpga != NULL)
		(void)xpdk_he_stop(p.fpga); /* before the buffers go */
	if (p.pool != NULL) {
		rte_mempool_obj_iter(p.pool, buf_free, NULL);
		rte_mempool_free(p.pool);
	}
	rte_ring_free(p.r1);
	rte_ring_free(p.r2);
	xpdk_fpga_close(p.fpga);
	xpdk_env_cleanup();
	return rc;
}
