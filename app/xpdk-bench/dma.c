/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-bench dma: bandwidth, message rate and completion latency of a device's DMA engine per
 * transfer size, against baselines measured in the same run on the same buffers: one CPU
 * thread doing the same work (memcpy for copy, an XOR fold for read, a fill for write) and, for
 * copies, DPDK's software DMA device (dma_skeleton, through rte_dmadev) with --depth copies in
 * flight.
 *
 * The engine is whatever the device's driver offers as its DMA engine (xpdk_dev_engine_open():
 * submit an operation, poll for its completion); the benchmark knows no driver. An engine that
 * repeats passes per submission (the DFL host exerciser) gets `repeat` chosen so that one
 * submission carries at least RUN_TARGET of device work and its start (register writes,
 * trapped on devsim) is amortised; 64-byte passes are the batch-descriptor case. An engine of
 * one pass per submission (edu: at most 4 KiB through its buffer) is timed per operation.
 *
 * Each size gets --time seconds: 50% engine bandwidth, 15% CPU baseline, 20% dma_skeleton
 * (copies), taking turns in ROUNDS rounds, then 15% latency (one pass per submission); an
 * engine of one pass per submission gets the latency share in its bandwidth turns instead and
 * every operation there is a latency sample.
 */

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_dmadev.h>
#include <rte_pause.h>

#include "dma.h"
#include "xpdk_dev.h"
#include "xpdk_env.h"

#define DEFAULT_SIZES "64,256,4K,64K,1M,4M"
#define MAX_SIZE      (64ull << 20)
#define RUN_TARGET_S  0.02 /* device work per HE start in the bandwidth phase */
#define PATTERN	      0x5a5aa5a5c3c33c3cull
#define ROUNDS	      4 /* engine and baselines take turns this many times per size */

struct ctx {
	struct dma_opts *o;
	struct xpdk_dev *dev;
	struct xpdk_engine_info eng;
	struct xpdk_dma_buf *src, *dst;
	int16_t skel; /* dmadev id, -1 when absent */
	uint64_t hz;
};

/* What the rounds of one size add up. */
struct acc {
	uint64_t base_ops, base_cycles;	  /* CPU baseline */
	uint64_t skel_ops, skel_cycles;	  /* dma_skeleton */
	uint64_t passes, host_ns, dev_ns; /* engine bandwidth phase */
	struct hist lat;		  /* engine completion latency, ns */
};

static const unsigned int engine_mode[] = { XPDK_ENGINE_READ, XPDK_ENGINE_WRITE, XPDK_ENGINE_COPY,
					    XPDK_ENGINE_TRPUT };

static volatile uint64_t sink;

static void dma_usage(FILE *o)
{
	fprintf(
	    o,
	    "Usage: xpdk-bench [EAL options] -- dma -d DEV [--engine NAME]\n"
	    "           [--mode read|write|copy|lpbk|trput] [--sizes LIST] [--depth N]\n"
	    "           [--time S]"
	    "           [--dma-mask M] [--no-skeleton] [--json | --csv] [--plot FILE.png]\n"
	    "\n"
	    "DMA bandwidth (GB/s), message rate (Mpps) and completion latency per size of the DMA\n"
	    "engine the device's driver offers, against a single CPU thread on the same buffers\n"
	    "(memcpy, read fold or fill) and, for copies, DPDK's dma_skeleton through rte_dmadev\n"
	    "(xpdk-bench adds --vdev dma_skeleton to the EAL arguments unless a --vdev is given).\n"
	    "\n"
	    "  -d, --device DEV   vfio-user:PATH or a PCI address\n"
	    "      --engine NAME  check that the driver's engine is NAME (he-lb, he-mem: OPAE's\n"
	    "                     host exercisers; xpdk-he: XPDK's test exerciser; edu: QEMU\n"
	    "                     edu); default: whatever engine the driver offers\n"
	    "      --mode M       read (device reads host memory), write, copy (default; lpbk\n"
	    "                     is OPAE's name for it) or trput (reads and writes at once)\n"
	    "      --sizes LIST   transfer sizes (default " DEFAULT_SIZES "; within the engine's\n"
	    "                     limits: exercisers multiples of 64, edu up to 4K)\n"
	    "      --depth N      dma_skeleton copies in flight (default 64, 32 to 8192)\n"
	    "      --time S       seconds per size (default 1)\n"
	    "      --dma-mask M   the DMA mask the device was started with (default: the\n"
	    "                     driver's; edu's is 28 bits)\n"
	    "      --no-skeleton  skip the dma_skeleton baseline\n"
	    "      --json, --csv  machine-readable output\n"
	    "      --plot F.png   draw bandwidth and latency against size (gnuplot)\n");
}

/* ---- CPU baseline ---- */

static uint64_t cpu_fold(const uint8_t *p, size_t len)
{
	uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
	const volatile uint64_t *w = (const volatile uint64_t *)(const void *)p;
	size_t n = len / 8, i;

	for (i = 0; i + 4 <= n; i += 4) {
		a0 ^= w[i];
		a1 ^= w[i + 1];
		a2 ^= w[i + 2];
		a3 ^= w[i + 3];
	}
	for (; i < n; i++)
		a0 ^= w[i];
	return a0 ^ a1 ^ a2 ^ a3;
}

/* Whole 64-byte lines from a prepared line (vector stores), then the words left over. */
static void cpu_fill(uint8_t *p, size_t len, uint64_t v)
{
	uint8_t line[64];
	size_t i = 0;

	for (size_t k = 0; k < sizeof(line); k += 8)
		memcpy(line + k, &v, 8);
	for (; i + sizeof(line) <= len; i += sizeof(line))
		memcpy(p + i, line, sizeof(line));
	for (; i < len; i += 8)
		memcpy(p + i, &v, 8);
}

static void cpu_baseline(struct ctx *c, uint64_t size, double secs, struct acc *a)
{
	uint64_t per = size >= 65536 ? 1 : 65536 / size, ops = 0, t0 = rte_rdtsc(), t;
	uint64_t end = t0 + (uint64_t)(secs * (double)c->hz);

	do {
		for (uint64_t k = 0; k < per; k++) {
			if (c->o->mode == MODE_COPY)
				memcpy(c->dst->va, c->src->va, size);
			else if (c->o->mode == MODE_READ)
				sink += cpu_fold(c->src->va, size);
			else if (c->o->mode == MODE_WRITE)
				cpu_fill(c->dst->va, size, PATTERN + ops + k);
			else { /* trput: both streams, as the exerciser does */
				sink += cpu_fold(c->src->va, size);
				cpu_fill(c->dst->va, size, PATTERN + ops + k);
			}
			__asm__ volatile("" ::: "memory");
		}
		ops += per;
		t = rte_rdtsc();
	} while (t < end);
	a->base_ops += ops;
	a->base_cycles += t - t0;
}

/* ---- dma_skeleton ---- */

static int16_t skeleton_find(void)
{
	int16_t id;

	RTE_DMA_FOREACH_DEV(id)
	{
		struct rte_dma_info info;

		if (rte_dma_info_get(id, &info) == 0 && strstr(info.dev_name, "skeleton") != NULL)
			return id;
	}
	return -1;
}

static int skeleton_setup(int16_t id, unsigned int depth)
{
	struct rte_dma_conf conf = { .nb_vchans = 1 };
	struct rte_dma_vchan_conf vc = { .direction = RTE_DMA_DIR_MEM_TO_MEM,
					 .nb_desc = (uint16_t)depth };
	int rc = rte_dma_configure(id, &conf);

	if (rc == 0)
		rc = rte_dma_vchan_setup(id, 0, &vc);
	if (rc < 0)
		fprintf(stderr, "xpdk-bench: dma_skeleton setup with %u descriptors failed: %s\n",
			depth, strerror(-rc));
	return rc;
}

/* Copies of @p size with up to depth in flight for @p secs; started and stopped around the
 * measurement so that its worker thread does not compete with the engine under test. */
static int skeleton_run(struct ctx *c, uint64_t size, double secs, struct acc *a)
{
	uint64_t done = 0, inflight = 0, t0, end;
	uint16_t last;
	bool err = false;
	int rc = rte_dma_start(c->skel);

	if (rc < 0) {
		fprintf(stderr, "xpdk-bench: dma_skeleton start: %s\n", strerror(-rc));
		return BENCH_FAIL;
	}
	t0 = rte_rdtsc();
	end = t0 + (uint64_t)(secs * (double)c->hz);
	while (rte_rdtsc() < end) {
		while (inflight < c->o->depth &&
		       rte_dma_copy(c->skel, 0, c->src->iova, c->dst->iova, (uint32_t)size, 0) >= 0)
			inflight++;
		rte_dma_submit(c->skel, 0);
		uint16_t n = rte_dma_completed(c->skel, 0, (uint16_t)c->o->depth, &last, &err);

		inflight -= n;
		done += n;
		if (err)
			break;
	}
	for (uint64_t spin = 0; inflight > 0 && !err && spin < 1000000000ull; spin++) {
		uint16_t n = rte_dma_completed(c->skel, 0, (uint16_t)c->o->depth, &last, &err);

		inflight -= n;
		done += n;
	}
	a->skel_ops += done;
	a->skel_cycles += rte_rdtsc() - t0;
	rte_dma_stop(c->skel);
	if (err || inflight > 0) {
		fprintf(stderr, "xpdk-bench: dma_skeleton: %s\n",
			err ? "a copy completed with an error" : "copies did not complete");
		return BENCH_FAIL;
	}
	return BENCH_OK;
}

/* ---- the device's DMA engine (driver ops) ---- */

/* Submit one operation and poll until it completes. */
static int engine_once(struct ctx *c, unsigned int mode, uint64_t size, uint32_t repeat,
		       struct xpdk_engine_completion *done)
{
	struct xpdk_engine_op op = {
		.mode = mode,
		.src = c->src,
		.dst = c->dst,
		.len = size,
		.repeat = repeat,
		.pattern = PATTERN,
	};
	int rc = xpdk_dev_engine_submit(c->dev, &op);

	memset(done, 0, sizeof(*done));
	while (rc == 0) {
		rc = xpdk_dev_engine_poll(c->dev, done);
		if (rc == 0)
			rte_pause();
	}
	if (rc < 0)
		fprintf(stderr, "xpdk-bench: dma: %s engine, %" PRIu64 " bytes x %u: %s\n",
			c->eng.name, size, repeat, bench_dev_error(c->o->dev));
	return rc < 0 ? rc : 0;
}

/* One pass in the measured mode, its data checked against the CPU's view where the engine's
 * mode says what to expect; otherwise (and always for copies) a copy compared byte for byte. */
static int engine_verify(struct ctx *c, uint64_t size)
{
	enum dma_mode m = c->o->mode;
	struct xpdk_engine_completion done;
	const uint64_t *d = c->dst->va;
	bool checked = false, ok = true;

	memset(c->dst->va, 0, size);
	if (engine_once(c, engine_mode[m], size, 1, &done) < 0)
		return BENCH_FAIL;
	if (m == MODE_WRITE && (c->eng.flags & XPDK_ENGINE_F_PATTERN)) {
		ok = d[0] == PATTERN && d[size / 8 - 1] == PATTERN;
		checked = true;
	} else if (m == MODE_READ && (c->eng.flags & XPDK_ENGINE_F_CHECKSUM)) {
		ok = done.checksum == cpu_fold(c->src->va, size);
		checked = true;
	}
	if (ok && !checked && (c->eng.modes & XPDK_ENGINE_COPY)) {
		if (m != MODE_COPY) {
			memset(c->dst->va, 0, size);
			if (engine_once(c, XPDK_ENGINE_COPY, size, 1, &done) < 0)
				return BENCH_FAIL;
		}
		ok = memcmp(c->dst->va, c->src->va, size) == 0;
	}
	if (!ok)
		fprintf(stderr,
			"xpdk-bench: dma: %s: the %s engine's %s of %" PRIu64 " bytes gave wrong "
			"data: the device's DMA did not reach the buffers (a DMA fault: see the "
			"device's log; or a DMA mask narrower than --dma-mask)\n",
			c->o->dev, c->eng.name, !checked ? "copy" : mode_names[m], size);
	return ok ? BENCH_OK : BENCH_FAIL;
}

/* Passes per submission so that one carries at least @p target_s of work (device time when the
 * engine reports it). */
static int engine_calibrate(struct ctx *c, uint64_t size, double target_s, uint32_t *repeat)
{
	struct xpdk_engine_completion done;
	uint64_t rep = 1, max = c->eng.max_repeat;

	for (int i = 0; i < 12 && max > 1; i++) {
		double s;

		if (engine_once(c, engine_mode[c->o->mode], size, (uint32_t)rep, &done) < 0)
			return BENCH_FAIL;
		s = (double)(done.device_ns ? done.device_ns : done.host_ns) / 1e9;
		if (s >= target_s * 0.7 || rep >= max)
			break;
		if (s <= 0)
			rep *= 16;
		else
			rep = (uint64_t)((double)rep * target_s / s * 1.1) + 1;
		if (rep > max)
			rep = max;
	}
	*repeat = (uint32_t)rep;
	return BENCH_OK;
}

static int engine_prepare(struct ctx *c, uint64_t size, struct dma_row *row)
{
	double target = RUN_TARGET_S;

	if (target > c->o->time / 5)
		target = c->o->time / 5;
	if (engine_verify(c, size) != BENCH_OK ||
	    engine_calibrate(c, size, target, &row->repeat) != BENCH_OK)
		return BENCH_FAIL;
	return BENCH_OK;
}

/* Bandwidth: submissions of row->repeat passes for @p secs (at least one); with one pass per
 * submission each is a latency sample too. */
static int engine_bw(struct ctx *c, uint64_t size, double secs, struct dma_row *row, struct acc *a)
{
	uint64_t end = rte_rdtsc() + (uint64_t)(secs * (double)c->hz);
	struct xpdk_engine_completion done;

	do {
		if (engine_once(c, engine_mode[c->o->mode], size, row->repeat, &done) < 0)
			return BENCH_FAIL;
		a->host_ns += done.host_ns;
		a->dev_ns += done.device_ns;
		a->passes += done.passes;
		row->runs++;
		if (row->repeat == 1)
			hist_add(&a->lat, done.host_ns);
	} while (rte_rdtsc() < end || (row->repeat == 1 && a->lat.count < 3));
	return BENCH_OK;
}

/* Completion latency: one pass per submission, doorbell to completion, in ns. */
static int engine_latency(struct ctx *c, uint64_t size, double secs, struct acc *a)
{
	uint64_t end = rte_rdtsc() + (uint64_t)(secs * (double)c->hz);
	struct xpdk_engine_completion done;

	do {
		if (engine_once(c, engine_mode[c->o->mode], size, 1, &done) < 0)
			return BENCH_FAIL;
		hist_add(&a->lat, done.host_ns);
	} while (rte_rdtsc() < end || a->lat.count < 3);
	return BENCH_OK;
}

/* ---- setup ---- */

static int check_sizes(struct ctx *c)
{
	const struct xpdk_engine_info *e = &c->eng;
	char max[32];

	size_str(e->max_len, max, sizeof(max));
	for (int i = 0; i < c->o->nsizes; i++) {
		uint64_t s = c->o->sizes[i];

		if (e->len_align > 1 && s % e->len_align != 0) {
			fprintf(stderr,
				"xpdk-bench: dma: size %" PRIu64 ": the %s engine moves whole "
				"multiples of %" PRIu64
				" bytes, up to %s; pick multiples of %" PRIu64 "\n",
				s, e->name, e->len_align, max, e->len_align);
			return BENCH_USAGE;
		}
		if (s > e->max_len || s > MAX_SIZE) {
			fprintf(stderr,
				"xpdk-bench: dma: size %" PRIu64 ": the %s engine moves at most %s "
				"per operation; use --sizes up to %s\n",
				s, e->name, e->max_len < MAX_SIZE ? max : "64M",
				e->max_len < MAX_SIZE ? max : "64M");
			return BENCH_USAGE;
		}
	}
	return 0;
}

static int setup(struct ctx *c)
{
	uint64_t max = 0;
	int rc;

	c->dev = xpdk_dev_open(c->o->dev);
	if (c->dev == NULL || xpdk_dev_probe(c->dev) < 0) {
		fprintf(stderr, "xpdk-bench: dma: %s\n", bench_dev_error(c->o->dev));
		return BENCH_FAIL;
	}
	if (c->o->dma_mask != 0)
		xpdk_dev_set_dma_mask(c->dev, c->o->dma_mask);
	rc = xpdk_dev_engine_open(c->dev, &c->eng);
	if (rc < 0) {
		fprintf(stderr, "xpdk-bench: dma: %s\n", bench_dev_error(c->o->dev));
		return rc == -ENOTSUP || rc == -ENODEV ? BENCH_USAGE
						       : BENCH_FAIL; /* wrong device */
	}
	c->o->engine_name = c->eng.name;
	c->o->batched = c->eng.max_repeat > 1;
	if (c->o->engine != NULL && strcmp(c->o->engine, c->eng.name) != 0) {
		fprintf(stderr,
			"xpdk-bench: dma: --engine %s: the driver '%s' of %s offers the '%s' "
			"engine\n",
			c->o->engine, xpdk_dev_driver(c->dev)->name, c->o->dev, c->eng.name);
		return BENCH_USAGE;
	}
	if (!(c->eng.modes & engine_mode[c->o->mode])) {
		fprintf(stderr, "xpdk-bench: dma: the %s engine has no %s mode\n", c->eng.name,
			mode_names[c->o->mode]);
		return BENCH_USAGE;
	}
	rc = check_sizes(c);
	if (rc != 0)
		return rc;
	for (int i = 0; i < c->o->nsizes; i++)
		max = c->o->sizes[i] > max ? c->o->sizes[i] : max;
	c->src = xpdk_dma_alloc(max, 4096, 0);
	c->dst = xpdk_dma_alloc(max, 4096, XPDK_DMA_F_ZERO);
	if (c->src == NULL || c->dst == NULL) {
		fprintf(stderr, "xpdk-bench: dma: buffers of %" PRIu64 " bytes: %s\n", max,
			bench_dev_error(c->o->dev));
		return BENCH_FAIL;
	}
	for (uint64_t i = 0; i < max / 8; i++)
		((uint64_t *)c->src->va)[i] = i * 0x9e3779b97f4a7c15ull;
	c->skel = -1;
	if (c->o->mode == MODE_COPY && !c->o->no_skeleton) {
		c->skel = skeleton_find();
		if (c->skel < 0) {
			fprintf(stderr, "xpdk-bench: dma: no dma_skeleton device; start with EAL "
					"argument --vdev dma_skeleton or pass --no-skeleton\n");
			return BENCH_USAGE;
		}
		if (skeleton_setup(c->skel, c->o->depth) < 0)
			return BENCH_FAIL;
	}
	return 0;
}

/* Rates of one size from what its rounds added up. */
static void finish_row(const struct acc *a, struct dma_row *row)
{
	uint64_t size = row->bytes;

	row->iters = a->passes;
	row->seconds = (double)a->host_ns / 1e9;
	row->gbps = (double)(a->passes * size) / (double)a->host_ns;
	row->mpps = (double)a->passes / (double)a->host_ns * 1e3;
	if (a->dev_ns > 0)
		row->dev_gbps = (double)(a->passes * size) / (double)a->dev_ns;
	hist_summary(&a->lat, 1000000000ull, &row->lat);
	row->base_gbps = (double)(a->base_ops * size) / cycles_to_s(a->base_cycles) / 1e9;
	row->base_mpps = (double)a->base_ops / cycles_to_s(a->base_cycles) / 1e6;
	if (a->skel_cycles > 0) {
		row->skel_gbps = (double)(a->skel_ops * size) / cycles_to_s(a->skel_cycles) / 1e9;
		row->skel_mpps = (double)a->skel_ops / cycles_to_s(a->skel_cycles) / 1e6;
	}
}

/*
 * One size: the engine, the CPU baseline and dma_skeleton take turns in ROUNDS rounds, so that
 * all three see the same machine (other processes come and go on a shared VM); then the
 * latency runs of an engine that batches passes.
 */
static int run_size(struct ctx *c, uint64_t s, struct dma_row *row, struct acc *a)
{
	double t = c->o->time;
	int rc = engine_prepare(c, s, row);
	bool batched = row->repeat > 1;

	for (int r = 0; r < ROUNDS && rc == 0; r++) {
		rc = engine_bw(c, s, t * (batched ? 0.5 : 0.65) / ROUNDS, row, a);
		if (rc == 0)
			cpu_baseline(c, s, t * 0.15 / ROUNDS, a);
		if (rc == 0 && c->skel >= 0)
			rc = skeleton_run(c, s, t * 0.2 / ROUNDS, a);
	}
	if (rc == 0 && batched)
		rc = engine_latency(c, s, t * 0.15, a);
	return rc;
}

static int run_sizes(struct ctx *c, struct dma_row *rows)
{
	struct acc *a = malloc(sizeof(*a));

	if (a == NULL)
		return BENCH_FAIL;
	for (int i = 0; i < c->o->nsizes; i++) {
		uint64_t s = c->o->sizes[i];
		char sz[32];

		memset(&rows[i], 0, sizeof(rows[i]));
		memset(a, 0, sizeof(*a));
		hist_reset(&a->lat);
		rows[i].bytes = s;
		bench_progress("dma %s %s: size %s (%d of %d)", c->eng.name, mode_names[c->o->mode],
			       size_str(s, sz, sizeof(sz)), i + 1, c->o->nsizes);
		if (run_size(c, s, &rows[i], a) != 0) {
			free(a);
			return BENCH_FAIL;
		}
		finish_row(a, &rows[i]);
	}
	bench_progress_end();
	free(a);
	return 0;
}

static int parse_dma(int argc, char **argv, struct dma_opts *o)
{
	static const struct option lo[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "engine", required_argument, NULL, 'e' },
		{ "mode", required_argument, NULL, 'm' },
		{ "sizes", required_argument, NULL, 's' },
		{ "depth", required_argument, NULL, 'D' },
		{ "time", required_argument, NULL, 't' },
		{ "dma-mask", required_argument, NULL, 'M' },
		{ "no-skeleton", no_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'C' },
		{ "plot", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, k;

	memset(o, 0, sizeof(*o));
	o->mode = MODE_COPY;
	o->depth = 64;
	o->time = 1;
	o->nsizes = parse_sizes(DEFAULT_SIZES, o->sizes, DMA_MAX_SIZES);
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->dev = optarg;
			break;
		case 'e':
			o->engine = optarg;
			break;
		case 'm':
			for (k = 0; k < MODE_COUNT && strcmp(optarg, mode_names[k]) != 0; k++)
				;
			if (strcmp(optarg, "lpbk") == 0)
				k = MODE_COPY; /* OPAE host_exerciser's name for the copy */
			if (k == MODE_COUNT)
				goto bad;
			o->mode = (enum dma_mode)k;
			break;
		case 's':
			o->nsizes = parse_sizes(optarg, o->sizes, DMA_MAX_SIZES);
			if (o->nsizes < 0)
				goto bad;
			break;
		case 'D':
			if (xpdk_parse_u64(optarg, &v) < 0 || v < 32 || v > 8192)
				goto bad;
			o->depth = (unsigned int)v;
			while (o->depth & (o->depth - 1))
				o->depth += o->depth & -o->depth; /* round up to a power of two */
			break;
		case 't':
			if (parse_seconds(optarg, &o->time) < 0)
				goto bad;
			break;
		case 'M':
			if (xpdk_parse_u64(optarg, &o->dma_mask) < 0 || o->dma_mask == 0)
				goto bad;
			break;
		case 'S':
			o->no_skeleton = true;
			break;
		case 'j':
			o->out.fmt = FMT_JSON;
			break;
		case 'C':
			o->out.fmt = FMT_CSV;
			break;
		case 'P':
			o->out.plot = optarg;
			break;
		case 'h':
			dma_usage(stdout);
			return -1;
		default:
			dma_usage(stderr);
			return BENCH_USAGE;
		}
	}
	if (require_device("dma", o->dev, optind, argc) != 0)
		return BENCH_USAGE;
	return 0;
bad:
	/* the option's own name: argv[optind - 1] is the value when it was a separate word */
	fprintf(stderr, "xpdk-bench: dma: bad value '%s' for %s; see dma --help\n", optarg,
		bench_opt_name(lo, c));
	return BENCH_USAGE;
}

int bench_dma(int argc, char **argv)
{
	struct dma_opts o;
	struct ctx c = { .o = &o, .skel = -1, .hz = bench_tsc_hz() };
	struct dma_row rows[DMA_MAX_SIZES];
	int rc = parse_dma(argc, argv, &o);

	if (rc != 0)
		return rc < 0 ? BENCH_OK : rc;
	bench_progress_on = o.time * o.nsizes > 2;
	rc = setup(&c);
	if (rc == 0)
		rc = run_sizes(&c, rows);
	if (rc == 0) {
		dma_print(&o, xpdk_dev_info(c.dev)->name, rows, o.nsizes);
		if (o.out.plot != NULL)
			rc = dma_plot(&o, xpdk_dev_info(c.dev)->name, rows, o.nsizes);
	}
	bench_progress_end();
	if (c.skel >= 0)
		rte_dma_close(c.skel);
	xpdk_dma_free(c.src);
	xpdk_dma_free(c.dst);
	xpdk_dev_close(c.dev);
	return rc;
}
