/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-bench mmio: register access rate and latency.
 *
 * Fast path: XPDK's MMIO fast path as a driver uses it — a pointer from xpdk_region_ptr(),
 * checked once, then xpdk_mmio_read/write32/64() — against the baseline of the same loop with
 * plain volatile loads and stores through the same pointer, in alternating chunks so that both
 * see the same machine state. Throughput comes from untimed chunks; latency from batches of
 * FAST_BATCH operations between two TSC reads (one access costs less than reading the TSC),
 * reported per operation.
 *
 * Trapped path (--trapped): the checked calls (xpdk_region_read/write) on an offset that is not
 * mapped, so that every access is a vfio-user REGION_READ/WRITE round trip; each one is timed.
 * Its default offset is the driver's scratch register (xpdk_dev_scratch_reg()).
 */

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "bench.h"
#include "xpdk_dev.h"

#define FAST_BATCH	      16
#define FAST_CHUNK	      65536
#define FAST_LAT_SAMPLES      200000
#define DEFAULT_COUNT	      10000000ull
#define DEFAULT_TRAPPED_COUNT 20000ull
/*
 * Both loops start on a page boundary of their own: same placement, so that neither pays for
 * where the linker happened to put it. Under QEMU's TCG (the vm tier) a loop whose code crosses
 * a guest page cannot chain its translated blocks directly and looks its target up on every
 * iteration: a 64-bit read loop that straddled a page ran at 0.075 of the identical raw loop.
 */
#define LOOP_ALIGN 4096

enum op { OP_READ, OP_WRITE, OP_RW };
static const char *const op_names[] = { "read", "write", "rw" };

struct mmio_opts {
	const char *dev;
	unsigned int region;
	bool region_set;
	uint64_t off;
	bool off_set;
	unsigned int width;
	enum op op;
	uint64_t count;
	double time; /* 0: use count */
	bool trapped;
	bool width_set;
	struct out_opts out;
};

/* One measured path. */
struct path {
	const char *name;
	uint64_t ops;
	uint64_t cycles;
	struct hist hist; /* cycles per sample of `batch` operations */
	unsigned int batch;
	struct lat lat; /* per operation */
	double ops_per_s;
	uint64_t *chunk; /* cycles of each full throughput chunk */
	size_t nchunks, cap;
};

/* Where the loops run: one pointer from xpdk_region_ptr(), used by both. */
struct target {
	volatile void *reg;
	unsigned int width;
	enum op op;
};

static volatile uint64_t sink;

static void mmio_usage(FILE *o)
{
	fprintf(
	    o,
	    "Usage: xpdk-bench [EAL options] -- mmio -d DEV [-r REGION] [--offset O]\n"
	    "           [--width 32|64] [--op read|write|rw] [--count N | --time S] [--trapped]\n"
	    "           [--json | --csv]\n"
	    "\n"
	    "Register access rate and latency. Without --trapped: XPDK's fast path (inline\n"
	    "accessors on a mapped part of the region) against plain volatile loads/stores on the\n"
	    "same mapping, and their ratio. With --trapped: the checked path on a trapped offset,\n"
	    "one vfio-user message per access.\n"
	    "\n"
	    "  -d, --device DEV   vfio-user:PATH or a PCI address\n"
	    "  -r, --region N     region index (default 0, BAR0)\n"
	    "      --offset O     byte offset in the region (default: the first mapped byte; with\n"
	    "                     --trapped the driver's scratch register, e.g. edu 0x4, the\n"
	    "                     DFL host exerciser's SCRATCH0)\n"
	    "      --width W      32 or 64 bits (default 64; with --trapped the scratch\n"
	    "                     register's width)\n"
	    "      --op OP        read, write or rw (a write then a read; default read)\n"
	    "      --count N      operations per path (default %llu, trapped %llu)\n"
	    "      --time S       seconds per run instead of a count\n"
	    "      --trapped      measure the vfio-user message path\n"
	    "      --json, --csv  machine-readable output\n",
	    DEFAULT_COUNT, DEFAULT_TRAPPED_COUNT);
}

/* The loops: READ/WRITE are the access expressions; `i` is the iteration. */
#define RUN_LOOP(n, READ, WRITE)                                                                   \
	do {                                                                                       \
		uint64_t acc = 0;                                                                  \
		switch (t->op) {                                                                   \
		case OP_READ:                                                                      \
			for (uint64_t i = 0; i < (n); i++)                                         \
				acc += (READ);                                                     \
			break;                                                                     \
		case OP_WRITE:                                                                     \
			for (uint64_t i = 0; i < (n); i++)                                         \
				(WRITE);                                                           \
			break;                                                                     \
		default:                                                                           \
			for (uint64_t i = 0; i < (n); i += 2) {                                    \
				(WRITE);                                                           \
				acc += (READ);                                                     \
			}                                                                          \
		}                                                                                  \
		sink += acc;                                                                       \
	} while (0)

/* The fast path as a driver's hot loop uses it: the register pointer in a local. */
static void __attribute__((noinline, aligned(LOOP_ALIGN)))
ops_fast(const struct target *t, uint64_t n)
{
	volatile void *const reg = t->reg;

	if (t->width == 64)
		RUN_LOOP(n, xpdk_mmio_read64(reg), xpdk_mmio_write64(reg, i));
	else
		RUN_LOOP(n, xpdk_mmio_read32(reg), xpdk_mmio_write32(reg, (uint32_t)i));
}

/* The baseline: plain volatile loads and stores through the same pointer. */
static void __attribute__((noinline, aligned(LOOP_ALIGN)))
ops_raw(const struct target *t, uint64_t n)
{
	volatile uint64_t *const r64 = t->reg;
	volatile uint32_t *const r32 = t->reg;

	if (t->width == 64)
		RUN_LOOP(n, *r64, *r64 = i);
	else
		RUN_LOOP(n, *r32, *r32 = (uint32_t)i);
}

typedef void (*ops_fn)(const struct target *t, uint64_t n);

static void path_init(struct path *p, const char *name, unsigned int batch)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->batch = batch;
	hist_reset(&p->hist);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Operations per second: from the median full chunk when there are chunks, else from the sum.
 * On a shared machine a chunk (tens of microseconds) that the scheduler preempts takes
 * milliseconds; summed, a few of those decide the ratio of two identical loops (0.86 to 1.10
 * seen under load); the median chunk is what the loop runs at.
 */
static void path_finish(struct path *p)
{
	struct lat *l = &p->lat;

	hist_summary(&p->hist, bench_tsc_hz(), l);
	l->min /= p->batch;
	l->p50 /= p->batch;
	l->p99 /= p->batch;
	l->p999 /= p->batch;
	l->max /= p->batch;
	l->mean /= p->batch;
	p->ops_per_s = p->cycles ? (double)p->ops / cycles_to_s(p->cycles) : 0;
	if (p->nchunks > 0) {
		qsort(p->chunk, p->nchunks, sizeof(p->chunk[0]), cmp_u64);
		p->ops_per_s = (double)FAST_CHUNK / cycles_to_s(p->chunk[p->nchunks / 2]);
	}
	free(p->chunk);
	p->chunk = NULL;
}

static void timed_chunk(ops_fn fn, const struct target *t, uint64_t n, struct path *p)
{
	uint64_t t0 = rte_rdtsc(), dt;

	fn(t, n);
	dt = rte_rdtsc() - t0;
	p->cycles += dt;
	p->ops += n;
	if (n != FAST_CHUNK)
		return;
	if (p->nchunks == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		uint64_t *c = realloc(p->chunk, cap * sizeof(*c));

		if (c == NULL)
			return; /* the median of those kept so far */
		p->chunk = c;
		p->cap = cap;
	}
	p->chunk[p->nchunks++] = dt;
}

static void lat_sample(ops_fn fn, const struct target *t, struct path *p)
{
	uint64_t t0 = rte_rdtsc();

	fn(t, FAST_BATCH);
	hist_add(&p->hist, rte_rdtsc() - t0);
}

/* Fast path and baseline, alternating: throughput chunks, then latency batches. */
static void measure_fast(const struct mmio_opts *o, const struct target *t, struct path *raw,
			 struct path *fast)
{
	uint64_t hz = bench_tsc_hz(), start = rte_rdtsc(), samples, count = o->count;
	uint64_t thr_end = start + (uint64_t)(o->time * 0.8 * (double)hz);
	uint64_t lat_end = start + (uint64_t)(o->time * (double)hz);

	path_init(raw, "raw-volatile", FAST_BATCH);
	path_init(fast, "xpdk-fast", FAST_BATCH);
	ops_raw(t, FAST_CHUNK); /* warm up */
	ops_fast(t, FAST_CHUNK);
	while (o->time > 0 ? rte_rdtsc() < thr_end : raw->ops < count) {
		uint64_t n = FAST_CHUNK;

		if (o->time == 0 && count - raw->ops < n)
			n = count - raw->ops;
		timed_chunk(ops_raw, t, n, raw);
		timed_chunk(ops_fast, t, n, fast);
		if (o->time > 0)
			bench_progress("mmio: %.1f s of %.1f s", cycles_to_s(rte_rdtsc() - start),
				       o->time);
	}
	samples = o->time > 0 ? UINT64_MAX : count / FAST_BATCH;
	if (samples > FAST_LAT_SAMPLES && o->time == 0)
		samples = FAST_LAT_SAMPLES;
	if (samples == 0)
		samples = 1;
	for (uint64_t s = 0; s < samples; s++) {
		lat_sample(ops_raw, t, raw);
		lat_sample(ops_fast, t, fast);
		if (o->time > 0 && (s & 1023) == 0 && rte_rdtsc() >= lat_end && s > 0)
			break;
	}
	bench_progress_end();
	path_finish(raw);
	path_finish(fast);
}

/* One checked access, timed. Returns 0 or the error. */
static int trapped_one(const struct xpdk_region *r, const struct mmio_opts *o, bool write,
		       uint64_t i, struct path *p)
{
	uint64_t v = i & (o->width == 32 ? 0xffffffffull : ~0ull), t0 = rte_rdtsc(), dt;
	int rc = write ? xpdk_region_write(r, o->off, o->width, v)
		       : xpdk_region_read(r, o->off, o->width, &v);

	dt = rte_rdtsc() - t0;
	hist_add(&p->hist, dt);
	p->cycles += dt;
	p->ops++;
	sink += v;
	return rc;
}

static int measure_trapped(const struct mmio_opts *o, const struct xpdk_region *r, struct path *p)
{
	uint64_t hz = bench_tsc_hz(), start = rte_rdtsc(),
		 end = start + (uint64_t)(o->time * (double)hz);
	uint64_t last = start;

	path_init(p, "xpdk-trapped", 1);
	for (uint64_t i = 0; o->time > 0 ? rte_rdtsc() < end : p->ops < o->count; i++) {
		int rc = 0;

		if (o->op != OP_READ)
			rc = trapped_one(r, o, true, i, p);
		if (rc == 0 && o->op != OP_WRITE)
			rc = trapped_one(r, o, false, i, p);
		if (rc < 0) {
			bench_progress_end();
			fprintf(stderr, "xpdk-bench: mmio: %s\n", bench_dev_error(o->dev));
			return BENCH_FAIL;
		}
		if ((i & 255) == 0 && rte_rdtsc() - last > hz / 4 && o->time > 1) {
			last = rte_rdtsc();
			bench_progress("mmio trapped: %.1f s of %.1f s, %" PRIu64 " ops",
				       cycles_to_s(last - start), o->time, p->ops);
		}
	}
	bench_progress_end();
	path_finish(p);
	return BENCH_OK;
}

static const char *lat_fmt_row = "%-14s %12" PRIu64 " %10.3f %9.1f %9.1f %9.1f %9.1f %9.1f";

static void print_paths(const struct mmio_opts *o, const struct xpdk_region *r, struct path *p,
			int n, double ratio)
{
	const char *dev = xpdk_dev_info(r->dev)->name;

	if (o->out.fmt == FMT_JSON) {
		printf("{\"command\":\"mmio\",\"device\":");
		json_string(dev);
		printf(",\"region\":%u,\"offset\":%" PRIu64
		       ",\"width\":%u,\"op\":\"%s\",\"trapped\":%s,\"tsc_hz\":%" PRIu64
		       ",\"paths\":[",
		       o->region, o->off, o->width, op_names[o->op], o->trapped ? "true" : "false",
		       bench_tsc_hz());
		for (int i = 0; i < n; i++)
			printf(
			    "%s{\"path\":\"%s\",\"ops\":%" PRIu64 ",\"seconds\":%.6f,"
			    "\"ops_per_s\":%.1f,\"batch\":%u,\"latency_ns\":{\"samples\":%" PRIu64
			    ",\"min\":%.2f,\"p50\":%.2f,\"p99\":%.2f,\"p99_9\":%.2f,\"max\":%.2f,"
			    "\"mean\":%.2f}}",
			    i ? "," : "", p[i].name, p[i].ops, cycles_to_s(p[i].cycles),
			    p[i].ops_per_s, p[i].batch, p[i].lat.samples, p[i].lat.min,
			    p[i].lat.p50, p[i].lat.p99, p[i].lat.p999, p[i].lat.max, p[i].lat.mean);
		printf("]");
		if (ratio > 0)
			printf(",\"ratio\":%.4f", ratio);
		printf("}\n");
		return;
	}
	if (o->out.fmt == FMT_CSV) {
		char ratio_s[32];

		snprintf(ratio_s, sizeof(ratio_s), "%.4f", ratio);
		printf("path,ops,seconds,ops_per_s,min_ns,p50_ns,p99_ns,p99_9_ns,max_ns,ratio\n");
		for (int i = 0; i < n; i++)
			printf("%s,%" PRIu64 ",%.6f,%.1f,%.2f,%.2f,%.2f,%.2f,%.2f,%s\n", p[i].name,
			       p[i].ops, cycles_to_s(p[i].cycles), p[i].ops_per_s, p[i].lat.min,
			       p[i].lat.p50, p[i].lat.p99, p[i].lat.p999, p[i].lat.max,
			       i == 1 && ratio > 0 ? ratio_s : "");
		return;
	}
	printf("# xpdk-bench mmio: %s region %u offset 0x%" PRIx64 ", %u-bit %s, %s path\n", dev,
	       o->region, o->off, o->width, op_names[o->op], o->trapped ? "trapped" : "fast");
	printf("# latency per operation%s; TSC %.3f GHz\n",
	       o->trapped ? ", each timed" : " over batches of 16 (a TSC read costs more than one)",
	       (double)bench_tsc_hz() / 1e9);
	printf("%-14s %12s %10s %9s %9s %9s %9s %9s\n", "#path", "#ops", "Mops/s", "min[ns]",
	       "p50[ns]", "p99[ns]", "p99.9[ns]", "max[ns]");
	for (int i = 0; i < n; i++) {
		printf(lat_fmt_row, p[i].name, p[i].ops, p[i].ops_per_s / 1e6, p[i].lat.min,
		       p[i].lat.p50, p[i].lat.p99, p[i].lat.p999, p[i].lat.max);
		printf("\n");
	}
	if (ratio > 0)
		printf("# ratio xpdk-fast / raw-volatile ops/s: %.3f (target >= 0.9)\n", ratio);
	else if (o->trapped)
		printf("# trapped p50 %.2f us (target <= 20 us)\n", p[0].lat.p50 / 1e3);
}

/* --trapped without --offset: the driver's scratch register (region, offset, width). */
static int scratch_offset(struct xpdk_dev *dev, struct mmio_opts *o)
{
	struct xpdk_scratch_reg reg = { 0 };
	int rc = xpdk_dev_probe(dev);

	if (rc == 0)
		rc = xpdk_dev_scratch_reg(dev, &reg);
	if (rc < 0) {
		fprintf(stderr,
			"xpdk-bench: mmio: %s; give --offset of a trapped register that is safe "
			"to read and write\n",
			xpdk_strerror_last());
		return BENCH_USAGE;
	}
	if (o->region_set && reg.region != o->region) {
		fprintf(stderr,
			"xpdk-bench: mmio: the scratch register of %s is in region %u, not %u; "
			"give --offset\n",
			o->dev, reg.region, o->region);
		return BENCH_USAGE;
	}
	if (!o->width_set && reg.width != 32 && reg.width != 64) {
		fprintf(stderr,
			"xpdk-bench: mmio: the scratch register of %s is %u bits wide; give "
			"--width 32 or 64\n",
			o->dev, reg.width);
		return BENCH_USAGE;
	}
	o->region = reg.region;
	o->off = reg.offset;
	if (!o->width_set)
		o->width = reg.width;
	return 0;
}

/* The fast path's pointer, checked once; an error sentence when the offset is not mapped. */
static int setup_target(const struct xpdk_region *r, const struct mmio_opts *o, struct target *t)
{
	memset(t, 0, sizeof(*t));
	t->width = o->width;
	t->op = o->op;
	t->reg = xpdk_region_ptr(r, o->off, o->width / 8);
	if (t->reg != NULL)
		return 0;
	fprintf(stderr, "xpdk-bench: mmio: %s", xpdk_strerror_last());
	if (r->nareas > 0)
		fprintf(stderr, " (mapped: 0x%" PRIx64 "-0x%" PRIx64 "%s)", r->areas[0].offset,
			r->areas[0].offset + r->areas[0].size - 1,
			r->nareas > 1 ? " and more" : "");
	fprintf(stderr, "; the fast path needs mapped memory: pick a mapped --offset, or add "
			"--trapped to measure the message path\n");
	return BENCH_USAGE;
}

static int parse_mmio(int argc, char **argv, struct mmio_opts *o)
{
	static const struct option lo[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "region", required_argument, NULL, 'r' },
		{ "offset", required_argument, NULL, 'o' },
		{ "width", required_argument, NULL, 'w' },
		{ "op", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "time", required_argument, NULL, 't' },
		{ "trapped", no_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->width = 64;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:r:h", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->dev = optarg;
			break;
		case 'r':
			if (xpdk_parse_u64(optarg, &v) < 0 || v >= XPDK_DEV_MAX_REGIONS)
				goto bad;
			o->region = (unsigned int)v;
			o->region_set = true;
			break;
		case 'o':
			if (xpdk_parse_u64(optarg, &o->off) < 0)
				goto bad;
			o->off_set = true;
			break;
		case 'w':
			if (strcmp(optarg, "32") != 0 && strcmp(optarg, "64") != 0)
				goto bad;
			o->width = (unsigned int)atoi(optarg);
			o->width_set = true;
			break;
		case 'p':
			for (v = 0; v < 3 && strcmp(optarg, op_names[v]) != 0; v++)
				;
			if (v == 3)
				goto bad;
			o->op = (enum op)v;
			break;
		case 'c':
			if (xpdk_parse_u64(optarg, &o->count) < 0 || o->count == 0)
				goto bad;
			break;
		case 't':
			if (parse_seconds(optarg, &o->time) < 0)
				goto bad;
			break;
		case 'T':
			o->trapped = true;
			break;
		case 'j':
			o->out.fmt = FMT_JSON;
			break;
		case 'C':
			o->out.fmt = FMT_CSV;
			break;
		case 'h':
			mmio_usage(stdout);
			return -1;
		default:
			mmio_usage(stderr);
			return BENCH_USAGE;
		}
	}
	if (require_device("mmio", o->dev, optind, argc) != 0)
		return BENCH_USAGE;
	if (o->count != 0 && o->time > 0) {
		fprintf(stderr, "xpdk-bench: mmio: give --count or --time, not both\n");
		return BENCH_USAGE;
	}
	if (o->count == 0)
		o->count = o->trapped ? DEFAULT_TRAPPED_COUNT : DEFAULT_COUNT;
	if (o->off_set && o->off % (o->width / 8) != 0) {
		fprintf(stderr, "xpdk-bench: mmio: offset 0x%" PRIx64 " is not %u-byte aligned\n",
			o->off, o->width / 8);
		return BENCH_USAGE;
	}
	return 0;
bad:
	/* the option's own name: argv[optind - 1] is the value when it was a separate word */
	fprintf(stderr, "xpdk-bench: mmio: bad value '%s' for %s; see mmio --help\n", optarg,
		bench_opt_name(lo, c));
	return BENCH_USAGE;
}

int bench_mmio(int argc, char **argv)
{
	struct mmio_opts o;
	struct xpdk_dev *dev;
	const struct xpdk_region *r;
	struct target t;
	struct path p[2];
	int rc = parse_mmio(argc, argv, &o);

	if (rc != 0)
		return rc < 0 ? BENCH_OK : rc;
	dev = xpdk_dev_open(o.dev);
	if (dev == NULL) {
		fprintf(stderr, "xpdk-bench: mmio: %s\n", bench_dev_error(o.dev));
		return BENCH_FAIL;
	}
	if (o.trapped && !o.off_set && (rc = scratch_offset(dev, &o)) != 0)
		goto out;
	r = xpdk_dev_region(dev, o.region);
	if (r == NULL || r->size == 0) {
		fprintf(stderr, "xpdk-bench: mmio: %s has no region %u\n", o.dev, o.region);
		rc = BENCH_USAGE;
		goto out;
	}
	/* the fast path's default: the first mapped byte */
	if (!o.trapped && !o.off_set)
		o.off = r->map != NULL || r->nareas == 0 ? 0 : r->areas[0].offset;
	if (o.off % (o.width / 8) != 0) {
		fprintf(stderr, "xpdk-bench: mmio: offset 0x%" PRIx64 " is not %u-byte aligned\n",
			o.off, o.width / 8);
		rc = BENCH_USAGE;
		goto out;
	}
	if (o.off >= r->size || r->size - o.off < o.width / 8) {
		fprintf(stderr,
			"xpdk-bench: mmio: offset 0x%" PRIx64 " is past the end of region %u "
			"(size 0x%" PRIx64 ")\n",
			o.off, o.region, r->size);
		rc = BENCH_USAGE;
		goto out;
	}
	bench_progress_on = o.time > 2;
	if (o.trapped) {
		rc = measure_trapped(&o, r, &p[0]);
		if (rc == BENCH_OK)
			print_paths(&o, r, p, 1, 0);
		goto out;
	}
	rc = setup_target(r, &o, &t);
	if (rc != 0)
		goto out;
	measure_fast(&o, &t, &p[0], &p[1]);
	print_paths(&o, r, p, 2, p[0].ops_per_s > 0 ? p[1].ops_per_s / p[0].ops_per_s : 0);
out:
	xpdk_dev_close(dev);
	return rc;
}
