/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Internal state of the DFL FPGA driver, shared by its source files. */

#ifndef XPDK_FPGA_PRIV_H
#define XPDK_FPGA_PRIV_H

#include "xpdk_fpga.h"

struct fpga_port {
	uint64_t hdr;  /* port DFH */
	uint64_t err;  /* port error feature, 0 if none */
	uint64_t afu;  /* AFU DFH, 0 if none */
	int slot;      /* its FME PORTn register, -1 when no FME lists it (on a VF) */
	bool released; /* the FME routes it to a VF: the PF does not reach it */
};

/* What the FME's port offset registers say (a PF's discovery). */
struct fpga_fme_slot {
	bool present; /* implemented, in BAR 0 */
	bool vf;      /* access control: released to a VF */
	uint64_t hdr; /* port DFH offset */
};

/* A host exerciser run in flight (xpdk_he_run, or the driver's DMA engine ops). */
struct fpga_he_run {
	bool busy;
	uint64_t t0;	     /* doorbell, ns */
	uint64_t deadline;   /* ns */
	uint64_t timeout_ms; /* for the message */
	uint64_t bytes;	     /* per pass */
	uint32_t passes;
};

struct xpdk_fpga {
	struct xpdk_dev *dev;
	const struct xpdk_region *bar0;
	/* Fast-path pointers, taken once (xpdk_region_ptr) and NULL where the registers are
	 * trapped: all of BAR 0, the PR feature, the attached exerciser. */
	volatile uint8_t *regs, *pr_regs, *he_regs;
	bool owns_dev; /* opened by xpdk_fpga_open() */
	bool has_fme;
	uint64_t fme, thermal, power, gerr, perf, pr; /* feature offsets, 0 = absent (FME at 0) */
	unsigned int nports;
	struct fpga_port port[XPDK_FPGA_MAX_PORTS];
	struct fpga_fme_slot slot[XPDK_FPGA_MAX_PORTS];
	unsigned int sriov; /* offset of the SR-IOV capability in config space, 0 without */
	/* where the DFLs are: from the PCIe VSEC (dfl_vsec), else BAR 0 offset 0 */
	bool dfl_vsec;
	uint64_t walk_fiu; /* during discovery: the FIU whose chain is being walked */
	unsigned int ndfls;
	struct xpdk_dfl_loc dfls[XPDK_DFL_MAX_LISTS];
	/* host exerciser */
	int he_port; /* attached port, -1 if none */
	struct xpdk_dma_buf *dsm;
	bool he_irq; /* MSI or INTx enabled for it (either exerciser) */
	struct fpga_he_run run;
	/* OPAE's HE-LB/HE-MEM */
	int helb_port; /* attached port, -1 if none */
	volatile uint8_t *helb_regs;
	struct xpdk_dma_buf *helb_dsm;
	struct xpdk_helb_info helb;
	struct fpga_he_run helb_run;
	bool helb_cont; /* the test in flight is continuous (no deadline) */
	bool helb_irq;	/* ... and wants the interrupt */
	unsigned int helb_mode;
	/* the DMA engine's repeated operation: a continuous test ended after this many lines
	 * (STATUS0 counted from helb_count0); 0 for one pass */
	uint64_t helb_target, helb_count0, helb_lines;
	/* what the configuration registers hold (SRC, DST, NUM_LINES, CFG, INTERRUPT0, DSM):
	 * a test that changes none of them costs one trapped write, CTL; invalid after attach */
	uint64_t helb_shadow[6];
	uint8_t helb_shadow_valid;
	/* the DMA engine tools opened (driver ops): which exerciser */
	enum { FPGA_ENGINE_NONE, FPGA_ENGINE_XPDK_HE, FPGA_ENGINE_HELB } engine;
};

int xpdk_fpga_rd(struct xpdk_fpga *f, uint64_t off, uint64_t *val);
int xpdk_fpga_wr(struct xpdk_fpga *f, uint64_t off, uint64_t val);
/* Poll @off until (value & mask) == want, at most timeout_ms; the last value in *seen. */
int xpdk_fpga_poll(struct xpdk_fpga *f, uint64_t off, uint64_t mask, uint64_t want, int timeout_ms,
		   uint64_t *seen);
/* -EINVAL for a port that does not exist, -EBUSY for one released to a VF */
int xpdk_fpga_port_check(struct xpdk_fpga *f, unsigned int port);
/* Find the error feature and the AFU of @p port by walking its DFL (after discovery, assign) */
int xpdk_fpga_port_walk(struct xpdk_fpga *f, unsigned int port);
/* sriov.c: find the SR-IOV capability at probe */
void xpdk_fpga_sriov_probe(struct xpdk_fpga *f);
/* A fast-path pointer to [off, off + len) of BAR 0, or NULL (trapped; last error untouched). */
volatile uint8_t *xpdk_fpga_window(struct xpdk_fpga *f, uint64_t off, uint64_t len);
/* The DMA engine ops over the host exerciser (he.c). */
extern const struct xpdk_driver_ops xpdk_fpga_ops;
/* Enable MSI (else INTx) for an exerciser of a port with @p num_irqs interrupts, once. */
void xpdk_fpga_he_irq_enable(struct xpdk_fpga *f, unsigned int num_irqs);
/* HE-LB/HE-MEM as the driver's DMA engine (he_lb.c) */
int xpdk_fpga_helb_engine_open(struct xpdk_fpga *f, struct xpdk_engine_info *info);
int xpdk_fpga_helb_engine_submit(struct xpdk_fpga *f, const struct xpdk_engine_op *op);
int xpdk_fpga_helb_engine_poll(struct xpdk_fpga *f, struct xpdk_engine_completion *done);
/* Whether port 0's AFU is HE-LB or HE-MEM */
bool xpdk_fpga_is_helb(const struct xpdk_guid *afu_id);
/* Whether the port of @p pi has an AFU and it is XPDK's test exerciser (he.c). */
bool xpdk_fpga_is_xpdk_he(const struct xpdk_fpga_port_info *pi);
/* The AFU of @p pi for messages: its GUID in @p buf, or "absent". */
const char *xpdk_fpga_afu_str(const struct xpdk_fpga_port_info *pi,
			      char buf[XPDK_GUID_STR_LEN + 1]);

/* Assert (true) or release (false) @port's soft reset and wait for the acknowledgement. */
int xpdk_fpga_port_hold(struct xpdk_fpga *f, unsigned int port, bool reset);

#endif /* XPDK_FPGA_PRIV_H */
