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
 * Engines: the DFL host exerciser (he) — one start runs `repeat` passes over `size` bytes, with
 * repeat chosen so that a run lasts at least RUN_TARGET of device work and the start (several
 * trapped register writes) is amortised; 64-byte passes are the batch-descriptor case. And
 * edu's engine: one transfer of at most 4 KiB at a time (correctness and latency).
 *
 * Each size gets --time seconds: 50% engine bandwidth, 15% CPU baseline, 20% dma_skeleton,
 * taking turns in ROUNDS rounds, then 15% engine latency (one pass per start; edu times every
 * transfer of its 65% instead).
 */

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_dmadev.h>

#include "dma.h"
#include "xpdk_edu.h"
#include "xpdk_fpga.h"

#define DEFAULT_SIZES "64,256,4K,64K,1M,4M"
#define MAX_SIZE      (64ull << 20)
#define RUN_TARGET_S  0.02 /* device work per HE start in the bandwidth phase */
#define PATTERN	      0x5a5aa5a5c3c33c3cull
#define ROUNDS	      4 /* engine and baselines take turns this many times per size */

struct ctx {
	struct dma_opts *o;
	struct xpdk_dev *dev;
	struct xpdk_fpga *fpga;
	struct xpdk_dma_buf *src, *dst;
	int16_t skel; /* dmadev id, -1 when absent */
	uint64_t hz;
};

/* What the rounds of one size add up. */
struct acc {
	uint64_t base_ops, base_cycles;	  /* CPU baseline */
	uint64_t skel_ops, skel_cycles;	  /* dma_skeleton */
	uint64_t passes, host_ns, dev_ns; /* HE bandwidth runs */
	uint64_t edu_busy;		  /* edu: cycles in transfers */
	struct hist lat;		  /* HE: ns; edu: cycles */
};

static volatile uint64_t sink;

static void dma_usage(FILE *o)
{
	fprintf(
	    o,
	    "Usage: xpdk-bench [EAL options] -- dma -d DEV [--engine he|edu]\n"
	    "           [--mode read|write|copy] [--sizes LIST] [--depth N] [--time S]\n"
	    "           [--dma-mask M] [--no-skeleton] [--json | --csv] [--plot FILE.png]\n"
	    "\n"
	    "DMA bandwidth (GB/s), message rate (Mpps) and completion latency per size, against\n"
	    "a single CPU thread on the same buffers (memcpy, read fold or fill) and, for copies,\n"
	    "DPDK's dma_skeleton through rte_dmadev (xpdk-bench adds --vdev dma_skeleton to the\n"
	    "EAL arguments unless a --vdev is given).\n"
	    "\n"
	    "  -d, --device DEV   vfio-user:PATH or a PCI address\n"
	    "      --engine E     he (DFL host exerciser) or edu (default: from the driver)\n"
	    "      --mode M       read (device reads host memory), write, or copy (default)\n"
	    "      --sizes LIST   transfer sizes (default " DEFAULT_SIZES "; he: multiples\n"
	    "                     of 64 up to 64M; edu: up to 4K)\n"
	    "      --depth N      dma_skeleton copies in flight (default 64, 32 to 8192)\n"
	    "      --time S       seconds per size (default 1)\n"
	    "      --dma-mask M   edu: the mask the device was started with (default 28 bits)\n"
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
			else
				cpu_fill(c->dst->va, size, PATTERN + ops + k);
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

/* ---- host exerciser ---- */

static int he_once(struct ctx *c, uint64_t size, uint32_t repeat, struct xpdk_he_result *res)
{
	static const unsigned int hw_mode[] = { XPDK_HE_MODE_READ, XPDK_HE_MODE_WRITE,
						XPDK_HE_MODE_COPY };
	struct xpdk_he_cfg cfg = {
		.mode = hw_mode[c->o->mode],
		.src = c->src,
		.dst = c->dst,
		.lines = size / XPDK_HE_LINE,
		.repeat = repeat,
		.pattern = PATTERN,
	};
	int rc = xpdk_he_run(c->fpga, &cfg, res);

	if (rc < 0)
		fprintf(stderr, "xpdk-bench: dma: exerciser run of %" PRIu64 " bytes x %u: %s\n",
			size, repeat, bench_dev_error(c->o->dev));
	return rc;
}

/* One pass, then check what the device did against the CPU's view. */
static int he_verify(struct ctx *c, uint64_t size)
{
	struct xpdk_he_result res;
	const uint64_t *d = c->dst->va;
	bool ok = true;

	memset(c->dst->va, 0, size);
	if (he_once(c, size, 1, &res) < 0)
		return BENCH_FAIL;
	if (c->o->mode == MODE_COPY)
		ok = memcmp(c->dst->va, c->src->va, size) == 0;
	else if (c->o->mode == MODE_WRITE)
		ok = d[0] == PATTERN && d[size / 8 - 1] == PATTERN;
	else
		ok = res.checksum == cpu_fold(c->src->va, size);
	if (!ok)
		fprintf(stderr,
			"xpdk-bench: dma: the exerciser's %s of %" PRIu64 " bytes gave "
			"wrong data\n",
			mode_names[c->o->mode], size);
	return ok ? BENCH_OK : BENCH_FAIL;
}

/* Passes per start so that one start runs at least @p target_s of device work. */
static int he_calibrate(struct ctx *c, uint64_t size, double target_s, uint32_t *repeat)
{
	struct xpdk_he_result res;
	uint64_t rep = 1;

	for (int i = 0; i < 12; i++) {
		double s;

		if (he_once(c, size, (uint32_t)rep, &res) < 0)
			return BENCH_FAIL;
		s = (double)res.device_ns / 1e9;
		if (s >= target_s * 0.7 || rep >= UINT32_MAX)
			break;
		if (s <= 0)
			rep *= 16;
		else
			rep = (uint64_t)((double)rep * target_s / s * 1.1) + 1;
		if (rep > UINT32_MAX)
			rep = UINT32_MAX;
	}
	*repeat = (uint32_t)rep;
	return BENCH_OK;
}

static int he_prepare(struct ctx *c, uint64_t size, struct dma_row *row)
{
	double target = RUN_TARGET_S;

	if (target > c->o->time / 5)
		target = c->o->time / 5;
	if (he_verify(c, size) != BENCH_OK || he_calibrate(c, size, target, &row->repeat) != 0)
		return BENCH_FAIL;
	return BENCH_OK;
}

/* Bandwidth runs of row->repeat passes for @p secs (at least one run). */
static int he_bw(struct ctx *c, uint64_t size, double secs, struct dma_row *row, struct acc *a)
{
	uint64_t end = rte_rdtsc() + (uint64_t)(secs * (double)c->hz);
	struct xpdk_he_result res;

	do {
		if (he_once(c, size, row->repeat, &res) < 0)
			return BENCH_FAIL;
		a->host_ns += res.host_ns;
		a->dev_ns += res.device_ns;
		a->passes += row->repeat;
		row->runs++;
	} while (rte_rdtsc() < end);
	return BENCH_OK;
}

/* Completion latency: one pass per start, doorbell to DSM, in ns. */
static int he_latency(struct ctx *c, uint64_t size, double secs, struct acc *a)
{
	uint64_t end = rte_rdtsc() + (uint64_t)(secs * (double)c->hz);
	struct xpdk_he_result res;

	do {
		if (he_once(c, size, 1, &res) < 0)
			return BENCH_FAIL;
		hist_add(&a->lat, res.host_ns);
	} while (rte_rdtsc() < end || a->lat.count < 3);
	return BENCH_OK;
}

/* ---- edu ---- */

static int edu_op(struct ctx *c, uint32_t size)
{
	int rc = 0;

	if (c->o->mode != MODE_WRITE)
		rc = xpdk_edu_dma_to_device(c->dev, c->src, 0, 0, size, 0);
	if (rc == 0 && c->o->mode != MODE_READ)
		rc = xpdk_edu_dma_from_device(c->dev, c->dst, 0, 0, size, 0);
	if (rc < 0)
		fprintf(stderr, "xpdk-bench: dma: edu transfer of %u bytes: %s\n", size,
			bench_dev_error(c->o->dev));
	return rc;
}

/* A round trip through the device buffer, checked. */
static int edu_verify(struct ctx *c, uint64_t size)
{
	memset(c->dst->va, 0, size);
	if (xpdk_edu_dma_to_device(c->dev, c->src, 0, 0, (uint32_t)size, 0) < 0 ||
	    xpdk_edu_dma_from_device(c->dev, c->dst, 0, 0, (uint32_t)size, 0) < 0) {
		fprintf(stderr, "xpdk-bench: dma: edu: %s\n", bench_dev_error(c->o->dev));
		return BENCH_FAIL;
	}
	if (memcmp(c->src->va, c->dst->va, size) != 0) {
		fprintf(stderr,
			"xpdk-bench: dma: %s: edu round trip of %" PRIu64 " bytes gave wrong "
			"data: the device's DMA did not reach the buffers (a DMA fault: see "
			"the device's log; or a DMA mask narrower than --dma-mask)\n",
			c->o->dev, size);
		return BENCH_FAIL;
	}
	return BENCH_OK;
}

/* Transfers one at a time for @p secs, each timed (bandwidth and latency together). */
static int edu_run(struct ctx *c, uint64_t size, double secs, struct acc *a)
{
	uint64_t end = rte_rdtsc() + (uint64_t)(secs * (double)c->hz), n = 0;

	do {
		uint64_t t0 = rte_rdtsc(), dt;

		if (edu_op(c, (uint32_t)size) < 0)
			return BENCH_FAIL;
		dt = rte_rdtsc() - t0;
		a->edu_busy += dt;
		hist_add(&a->lat, dt);
	} while (rte_rdtsc() < end || ++n < 3);
	return BENCH_OK;
}

/* ---- driver ---- */

static int check_sizes(struct ctx *c)
{
	for (int i = 0; i < c->o->nsizes; i++) {
		uint64_t s = c->o->sizes[i];

		if (c->o->engine == ENGINE_HE && (s % XPDK_HE_LINE != 0 || s > MAX_SIZE)) {
			fprintf(stderr,
				"xpdk-bench: dma: size %" PRIu64 ": the exerciser moves whole "
				"64-byte lines, up to 64M; pick multiples of 64\n",
				s);
			return BENCH_USAGE;
		}
		if (c->o->engine == ENGINE_EDU && s > XPDK_EDU_DMA_BUF_SIZE) {
			fprintf(stderr,
				"xpdk-bench: dma: size %" PRIu64 ": edu's device buffer holds "
				"4096 bytes; use --sizes up to 4K\n",
				s);
			return BENCH_USAGE;
		}
	}
	return 0;
}

static int setup(struct ctx *c)
{
	const struct xpdk_driver *drv;
	uint64_t max = 0;
	int rc;

	c->dev = xpdk_dev_open(c->o->dev);
	if (c->dev == NULL || xpdk_dev_probe(c->dev) < 0) {
		fprintf(stderr, "xpdk-bench: dma: %s\n", bench_dev_error(c->o->dev));
		return BENCH_FAIL;
	}
	drv = xpdk_dev_driver(c->dev);
	if (c->o->engine == ENGINE_AUTO)
		c->o->engine = strcmp(drv->name, "edu") == 0 ? ENGINE_EDU : ENGINE_HE;
	if (c->o->engine == ENGINE_HE) {
		c->fpga = xpdk_fpga_get(c->dev);
		if (c->fpga == NULL || xpdk_he_attach(c->fpga, 0) < 0) {
			fprintf(stderr, "xpdk-bench: dma: --engine he: %s\n",
				bench_dev_error(c->o->dev));
			return BENCH_USAGE;
		}
	} else if (strcmp(drv->name, "edu") != 0) {
		fprintf(stderr,
			"xpdk-bench: dma: --engine edu needs an edu device; %s is bound to "
			"%s\n",
			c->o->dev, drv->name);
		return BENCH_USAGE;
	} else {
		xpdk_edu_set_dma_mask(c->dev, c->o->dma_mask);
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
			xpdk_strerror_last());
		return BENCH_FAIL;
	}
	for (uint64_t i = 0; i < max / 8; i++)
		((uint64_t *)c->src->va)[i] = i * 0x9e3779b97f4a7c15ull;
	c->skel = -1;
	if (c->o->engine == ENGINE_HE && c->o->mode == MODE_COPY && !c->o->no_skeleton) {
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
static void finish_row(struct ctx *c, const struct acc *a, struct dma_row *row)
{
	uint64_t size = row->bytes;

	if (c->o->engine == ENGINE_HE) {
		row->iters = a->passes;
		row->seconds = (double)a->host_ns / 1e9;
		row->gbps = (double)(a->passes * size) / (double)a->host_ns;
		row->mpps = (double)a->passes / (double)a->host_ns * 1e3;
		row->dev_gbps = (double)(a->passes * size) / (double)a->dev_ns;
		hist_summary(&a->lat, 1000000000ull, &row->lat);
	} else {
		row->iters = a->lat.count;
		row->seconds = cycles_to_s(a->edu_busy);
		row->gbps = (double)(a->lat.count * size) / row->seconds / 1e9;
		row->mpps = (double)a->lat.count / row->seconds / 1e6;
		hist_summary(&a->lat, c->hz, &row->lat);
	}
	row->base_gbps = (double)(a->base_ops * size) / cycles_to_s(a->base_cycles) / 1e9;
	row->base_mpps = (double)a->base_ops / cycles_to_s(a->base_cycles) / 1e6;
	if (a->skel_cycles > 0) {
		row->skel_gbps = (double)(a->skel_ops * size) / cycles_to_s(a->skel_cycles) / 1e9;
		row->skel_mpps = (double)a->skel_ops / cycles_to_s(a->skel_cycles) / 1e6;
	}
}

/*
 * One size: the engine, the CPU baseline and dma_skeleton take turns in ROUNDS rounds, so that
 * all three see the same machine (other processes come and go on a shared VM); then the HE's
 * latency runs.
 */
static int run_size(struct ctx *c, uint64_t s, struct dma_row *row, struct acc *a)
{
	double t = c->o->time;
	bool he = c->o->engine == ENGINE_HE;
	int rc = he ? he_prepare(c, s, row) : edu_verify(c, s);

	for (int r = 0; r < ROUNDS && rc == 0; r++) {
		rc = he ? he_bw(c, s, t * 0.5 / ROUNDS, row, a)
			: edu_run(c, s, t * 0.65 / ROUNDS, a);
		if (rc == 0)
			cpu_baseline(c, s, t * 0.15 / ROUNDS, a);
		if (rc == 0 && c->skel >= 0)
			rc = skeleton_run(c, s, t * 0.2 / ROUNDS, a);
	}
	if (rc == 0 && he)
		rc = he_latency(c, s, t * 0.15, a);
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
		bench_progress("dma %s %s: size %s (%d of %d)", engine_names[c->o->engine],
			       mode_names[c->o->mode], size_str(s, sz, sizeof(sz)), i + 1,
			       c->o->nsizes);
		if (run_size(c, s, &rows[i], a) != 0) {
			free(a);
			return BENCH_FAIL;
		}
		finish_row(c, a, &rows[i]);
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
	o->dma_mask = XPDK_EDU_DMA_MASK_DEFAULT;
	o->nsizes = parse_sizes(DEFAULT_SIZES, o->sizes, DMA_MAX_SIZES);
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->dev = optarg;
			break;
		case 'e':
			for (k = 1; k < 3 && strcmp(optarg, engine_names[k]) != 0; k++)
				;
			if (k == 3)
				goto bad;
			o->engine = (enum engine)k;
			break;
		case 'm':
			for (k = 0; k < 3 && strcmp(optarg, mode_names[k]) != 0; k++)
				;
			if (k == 3)
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
			if (xpdk_parse_u64(optarg, &o->dma_mask) < 0)
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
