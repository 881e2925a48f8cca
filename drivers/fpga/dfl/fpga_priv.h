/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Internal state of the DFL FPGA driver, shared by its source files. */

#ifndef XPDK_FPGA_PRIV_H
#define XPDK_FPGA_PRIV_H

#include "xpdk_fpga.h"

struct fpga_port {
	uint64_t hdr;	   /* port DFH */
	uint64_t err;	   /* port error feature, 0 if none */
	uint64_t afu;	   /* AFU DFH, 0 if none */
};

struct xpdk_fpga {
	struct xpdk_dev *dev;
	const struct xpdk_region *bar0;
	bool owns_dev; /* opened by xpdk_fpga_open() */
	bool has_fme;
	uint64_t fme, thermal, power, gerr, perf, pr; /* feature offsets, 0 = absent (FME at 0) */
	unsigned int nports;
	struct fpga_port port[XPDK_FPGA_MAX_PORTS];
	/* host exerciser */
	int he_port; /* attached port, -1 if none */
	struct xpdk_dma_buf *dsm;
	bool he_irq; /* MSI or INTx enabled for it */
	bool he_busy;	  /* started by xpdk_he_start(), its completion not yet seen */
	uint64_t he_t0;	  /* xpdk_now_ns() at the start doorbell */
	uint64_t he_bytes; /* lines * 64 of the run in flight */
	uint32_t he_passes;
};

int xpdk_fpga_rd(struct xpdk_fpga *f, uint64_t off, uint64_t *val);
int xpdk_fpga_wr(struct xpdk_fpga *f, uint64_t off, uint64_t val);
/* Poll @off until (value & mask) == want, at most timeout_ms; the last value in *seen. */
int xpdk_fpga_poll(struct xpdk_fpga *f, uint64_t off, uint64_t mask, uint64_t want, int timeout_ms,
	      uint64_t *seen);
int xpdk_fpga_port_check(struct xpdk_fpga *f, unsigned int port);
/* Assert (true) or release (false) @port's soft reset and wait for the acknowledgement. */
int xpdk_fpga_port_hold(struct xpdk_fpga *f, unsigned int port, bool reset);

#endif /* XPDK_FPGA_PRIV_H */
