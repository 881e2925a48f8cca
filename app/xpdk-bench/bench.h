/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-bench internals: latency histograms over TSC cycles, the output formats shared by the
 * subcommands, and the subcommands' entry points. Private to app/xpdk-bench.
 */

#ifndef XPDK_BENCH_H
#define XPDK_BENCH_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* exit codes */
#define BENCH_OK    0
#define BENCH_FAIL  1
#define BENCH_USAGE 2

/* ---- histogram: log-linear buckets of TSC cycles, 32 sub-buckets per power of two ---- */

#define HIST_SUB_BITS 5
#define HIST_SUB      (1u << HIST_SUB_BITS)
#define HIST_BUCKETS  (64u * HIST_SUB)

struct hist {
	uint64_t count, min, max, sum;
	uint64_t bucket[HIST_BUCKETS];
};

/* Latency summary in nanoseconds. */
struct lat {
	uint64_t samples;
	double min, p50, p99, p999, max, mean;
};

void hist_reset(struct hist *h);
void hist_add(struct hist *h, uint64_t cycles);
/* Percentiles in ns (bucket midpoints, clamped to the exact min and max), from @p tsc_hz. */
void hist_summary(const struct hist *h, uint64_t tsc_hz, struct lat *out);

/* ---- output ---- */

enum fmt { FMT_TABLE, FMT_JSON, FMT_CSV };

struct out_opts {
	enum fmt fmt;
	const char *plot; /* PNG path or NULL */
	bool progress;	  /* allowed to print a progress line on stderr */
};

/* Time helpers */
uint64_t bench_tsc_hz(void);
double cycles_to_s(uint64_t cycles);

/* Progress line on stderr ("\r…"); bench_progress_end() clears it. */
void bench_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bench_progress_end(void);
extern bool bench_progress_on;

/* Parse "64,256,4K,1M" into sizes (at most @p max). Returns the count or -1. */
int parse_sizes(const char *s, uint64_t *sizes, int max);
/* "--name" of the option whose getopt value is @p c (for messages). */
const char *bench_opt_name(const struct option *lo, int c);
/* Parse seconds as a decimal ("0.5", "2"). Returns 0 or -1. */
int parse_seconds(const char *s, double *out);
/* Human size: 64, 4K, 1M */
const char *size_str(uint64_t v, char *buf, size_t len);

/**
 * After a subcommand's getopt loop: a device was given (-d) and nothing else is left.
 * @return 0, or BENCH_USAGE with the reason on stderr.
 */
int require_device(const char *cmd, const char *dev, int optind_, int argc);

/** The last-error sentence, with @p dev in front unless it names the device already. */
const char *bench_dev_error(const char *dev);

/** Print @p s as a JSON string (quoted, escaped) to stdout. */
void json_string(const char *s);

/* ---- subcommands: argc/argv start at the subcommand name ---- */
int bench_mmio(int argc, char **argv);
int bench_dma(int argc, char **argv);
int bench_poll(int argc, char **argv);
int bench_dpa(int argc, char **argv);
int bench_dpa_net(int argc, char **argv);
int bench_sde(int argc, char **argv);
/* RDMA queue pairs (lib/qp); built when lib/qp is (XPDK_HAVE_QP) */
int bench_qp(int argc, char **argv);

#endif /* XPDK_BENCH_H */
