/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* xpdk-bench dma: options, per-size results and their output (dma.c, dma_out.c). */

#ifndef XPDK_BENCH_DMA_H
#define XPDK_BENCH_DMA_H

#include "bench.h"

#define DMA_MAX_SIZES 16

enum dma_mode { MODE_READ, MODE_WRITE, MODE_COPY, MODE_TRPUT, MODE_COUNT };

struct dma_opts {
	const char *dev;
	const char *engine;	 /* --engine: the name the driver's engine must have, or NULL */
	const char *engine_name; /* the engine measured (struct xpdk_engine_info::name) */
	bool batched;		 /* the engine repeats passes per submission (max_repeat > 1) */
	enum dma_mode mode;
	uint64_t sizes[DMA_MAX_SIZES];
	int nsizes;
	unsigned int depth;
	double time;	   /* seconds per size */
	uint64_t dma_mask; /* 0: the driver's */
	bool no_skeleton;
	struct out_opts out;
};

/* One size. Rates are 0 where not measured. */
struct dma_row {
	uint64_t bytes;
	uint64_t iters;		     /* operations (passes, transfers) in the bandwidth phase */
	double seconds;		     /* host time of the bandwidth phase */
	double gbps, mpps;	     /* engine, host time */
	double dev_gbps;	     /* engine, device time, when the engine reports it */
	uint32_t repeat;	     /* passes per submission */
	uint64_t runs;		     /* submissions in the bandwidth phase */
	struct lat lat;		     /* completion latency of one operation, ns */
	double base_gbps, base_mpps; /* memcpy / read fold / fill on the same buffers */
	double skel_gbps, skel_mpps; /* dma_skeleton, copy mode only */
};

extern const char *const mode_names[];
extern const char *const base_names[];

void dma_print(const struct dma_opts *o, const char *dev, const struct dma_row *rows, int n);
/* Draw bandwidth and latency against size into o->out.plot. Returns 0 or BENCH_FAIL. */
int dma_plot(const struct dma_opts *o, const char *dev, const struct dma_row *rows, int n);

#endif /* XPDK_BENCH_DMA_H */
