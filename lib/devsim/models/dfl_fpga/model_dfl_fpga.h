/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The dfl-fpga model's private header: its layout in BAR0, its state, and the functions its
 * parts (model_dfl_fpga.c: arguments, power-on, callbacks; model_dfl_fpga_fme.c: FME and PR;
 * model_dfl_fpga_port.c: port and AFU window; model_dfl_fpga_he.c: the host exerciser's engine)
 * call across files.
 */

#ifndef XPDK_MODEL_DFL_FPGA_H
#define XPDK_MODEL_DFL_FPGA_H

#include <stdbool.h>
#include <stdint.h>

#include "../../xpdk_devsim.h"
#include "../../xpdk_devsim_dfl.h"
#include "xpdk_dfl.h"
#include "xpdk_dfl_regs.h"
#include "xpdk_he_regs.h"
#include "xpdk_opae_he_regs.h"

#define FME	  XPDK_DEVSIM_DFL_FME
#define THERMAL	  0x1000
#define POWER	  0x2000
#define PERF	  0x3000
#define GERR	  0x4000
#define PR	  0x5000
#define PORT	  XPDK_DEVSIM_DFL_PORT
#define PORT_ERR  (PORT + 0x1000)
#define PORT_STP  (PORT + 0x2000)
#define AFU	  XPDK_DEVSIM_DFL_AFU
#define FEAT_SIZE 0x1000

#define FME_GUID_H  0xbfaf2ae94a5246e3ULL
#define FME_GUID_L  0x82fe38f0f9e17764ULL
#define PORT_GUID_H 0x3ab49893138d42ebULL
#define PORT_GUID_L 0x9642b06c6b355b87ULL

/* fabric counter events (the perf feature's event selector) */
enum { EV_PCIE0_RD = 0, EV_PCIE0_WR = 1, EV_MMIO_RD = 6, EV_MMIO_WR = 7, EV_MAX = 8 };

/* RAS bits the error injection register sets */
#define CATFAT_INJ_CATAST XPDK_BIT(11)
#define CATFAT_INJ_FATAL  XPDK_BIT(12)
#define NONFAT_INJ_WARN	  XPDK_BIT(6)
/* port error bits the exerciser's faults set */
#define PORT_ERR_DMA_RD XPDK_BIT(0)
#define PORT_ERR_DMA_WR XPDK_BIT(1)

#define SLICE_BYTES (4u << 20) /* engine work between register-lock windows */
#define BOUNCE	    (64u << 10)

/* the AFU loaded in the port: XPDK's test exerciser, OPAE's HE-LB or HE-MEM, the counter */
enum afu_kind { AFU_HE, AFU_HE_LB, AFU_HE_MEM, AFU_COUNTER };

/* OPAE host exerciser as modelled: INFO0 clock and API version, the largest test. */
#define XPDK_DFLM_HE_LB_MHZ	  400
#define XPDK_DFLM_HE_LB_API	  4
#define XPDK_DFLM_HE_LB_MAX_LINES (1u << 20)

struct helb {
	uint64_t csr[(XPDK_OPAE_HE_INFO0 - XPDK_OPAE_HE_SCRATCHPAD0) / 8]; /* 0x100 … 0x178 */
	uint64_t reads, writes; /* lines since reset (STATUS0) */
	uint32_t error;		/* ERROR */
	uint64_t dsm_number;	/* tests completed (DSM dsm_number) */
	bool running, forced;
	uint64_t gen; /* bumped when a test is abandoned, so a slice in flight is discarded */
	/* the test in progress, fixed at start */
	uint64_t r_mode, r_src, r_dst, r_dsm, r_lines, r_req;
	bool r_cont, r_irq, r_irq_err;
	unsigned int r_vector;
	uint64_t r_done, r_reads, r_writes, r_t0;
};

struct he {
	uint64_t scratch[2], dsm, src, dst, num_lines, cfg, pattern;
	uint64_t status, error, err_addr, lines_read, lines_written, completions;
	/* the run in progress (busy): fixed at start, progress kept by the device thread */
	bool busy, stop;
	uint64_t gen; /* bumped when a run is abandoned, so a slice in flight is discarded */
	uint64_t r_mode, r_src, r_dst, r_len, r_repeat, r_dsm, r_pattern;
	bool r_irq;
	uint64_t r_pass, r_done, r_read, r_written, r_checksum, r_t0;
};

/* faults= injection, for drivers' error paths */
#define FAULT_PORT_RESET_ACK XPDK_BIT(0) /* soft reset is never acknowledged */
#define FAULT_PR_COMPLETE    XPDK_BIT(1) /* PR never completes (start stays set) */

/* Who reaches the port and its AFU: the FME's PORT0 access-control bit and the PF's SR-IOV
 * capability decide it (model_dfl_fpga_sriov.c). */
enum port_owner { OWNER_PF, OWNER_VF, OWNER_NONE };

/* The VF's BAR 0: the port's DFL at 0 (the PF's PORT), its AFU at NEXT_AFU (the PF's AFU) */
#define VF_BAR0_SIZE  0x80000
#define VF_TO_PF(off) ((off) + PORT)

struct dfl_fpga {
	uint64_t seed, rng, temp;
	uint64_t faults;
	uint64_t pr_id_l, pr_id_h;
	enum afu_kind afu;
	bool dfl_vsec; /* dfl=vsec: a VSEC in config space lists the DFLs */
	uint64_t bs_id, bs_md;
	/* FME features */
	uint64_t therm_threshold, pwr_threshold;
	uint64_t err_fme_mask, err_fme, err_pcie0_mask, err_pcie0, err_pcie1_mask, err_pcie1;
	uint64_t err_nonfat_mask, err_nonfat, err_catfat_mask, err_catfat, err_first, err_next;
	uint64_t perf_fab_ctrl, perf_cache_ctrl, fab_events[EV_MAX], fab_base[EV_MAX],
	    fab_frozen[EV_MAX], t0;
	/* PR */
	uint64_t pr_ctrl, pr_err;
	bool pr_active;
	uint8_t *pr_buf;
	size_t pr_len;
	/* port */
	uint64_t port_ctrl, port_err_mask, port_err, port_first_err;
	/* AFUs */
	struct he he;
	struct helb helb;
	uint64_t cnt_scratch, cnt_count;
	uint8_t *afu_ram; /* where the AFU's memory is now: pf_ram, vf_ram or park_ram */
	/* virtualization */
	struct xpdk_devsim_dev *pf, *vf; /* the instance; its VF (NULL when served on --fd) */
	unsigned int sriov;		 /* offset of the SR-IOV capability, 0 without */
	bool port_vf;			 /* FME PORT0 access control: the port is a VF's */
	enum port_owner owner;
	uint8_t *pf_ram, *vf_ram, *park_ram;
};

/* model_dfl_fpga.c */
uint64_t xpdk_dflm_dfh(unsigned int type, unsigned int id, unsigned int rev, uint64_t next,
		       bool eol);
uint64_t xpdk_dflm_rng_next(struct dfl_fpga *d);

/* One data movement of an exerciser: XPDK_HE_MODE_READ (fold src), _WRITE (fill dst with
 * pattern) or _COPY (src to dst), at byte IOVAs. */
struct dflm_move {
	uint64_t mode, src, dst, pattern;
};

/* model_dfl_fpga_he.c: XPDK's own test exerciser AFU (xpdk_he_regs.h) and the data mover */
/*
 * Move @p len bytes as @p m says, @p passes times over the same bytes (zero copy where the
 * client's mappings allow, else page by page). Returns 0 or XPDK_HE_ERR_SRC/_DST with *fault
 * set to the IOVA that faulted (-1: retry pass by pass). Read sets *fold_out (last pass).
 */
int xpdk_dflm_move(struct xpdk_devsim_dev *dev, const struct dflm_move *m, size_t len,
		   uint64_t passes, uint64_t *fold_out, uint64_t *fault);
void xpdk_dflm_he_power_on(struct he *he);
uint64_t xpdk_dflm_he_work(struct xpdk_devsim_dev *dev, struct dfl_fpga *d);
uint64_t xpdk_dflm_he_read(struct dfl_fpga *d, uint64_t off);
void xpdk_dflm_he_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off,
			uint64_t val);

/* model_dfl_fpga_helb.c: OPAE's HE-LB and HE-MEM */
void xpdk_dflm_helb_power_on(struct helb *h);
uint64_t xpdk_dflm_helb_work(struct xpdk_devsim_dev *dev, struct dfl_fpga *d);
uint64_t xpdk_dflm_helb_read(struct dfl_fpga *d, uint64_t off);
void xpdk_dflm_helb_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off,
			  unsigned int size, uint64_t val);

/* model_dfl_fpga_port.c: the port and the AFU window */
bool xpdk_dflm_port_in_reset(const struct dfl_fpga *d);
void xpdk_dflm_afu_power_on(struct dfl_fpga *d);
uint64_t xpdk_dflm_afu_read(struct dfl_fpga *d, uint64_t off);
void xpdk_dflm_afu_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off,
			 unsigned int size, uint64_t val);
/* The GUID registers of an AFU kind; its name ("xpdk-he", "he-lb" …) */
void xpdk_dflm_afu_guid(enum afu_kind k, uint64_t *hi, uint64_t *lo);
const char *xpdk_dflm_afu_name(enum afu_kind k);
uint64_t xpdk_dflm_port_read(struct dfl_fpga *d, uint64_t off);
void xpdk_dflm_port_write(struct dfl_fpga *d, uint64_t off, uint64_t val);

/* model_dfl_fpga_sriov.c: SR-IOV capability, VF, port routing */
int xpdk_dflm_sriov_init(struct xpdk_devsim_dev *dev, struct dfl_fpga *d);
void xpdk_dflm_sriov_fini(struct dfl_fpga *d);
int xpdk_dflm_cfg_write(struct xpdk_devsim_dev *dev, uint64_t off, const void *buf, size_t len);
void xpdk_dflm_ids_changed(struct xpdk_devsim_dev *dev);
/* Recompute who owns the port after the access bit or the SR-IOV state changed. */
void xpdk_dflm_route(struct dfl_fpga *d);
/* The function whose client owns the AFU now (DMA, interrupts), NULL when nobody does */
struct xpdk_devsim_dev *xpdk_dflm_afu_dev(struct dfl_fpga *d);
/* The engines' in-flight tests end without DSM writes (their client is gone or changed) */
void xpdk_dflm_abandon(struct dfl_fpga *d);

/* model_dfl_fpga_fme.c: the FME and partial reconfiguration */
uint64_t xpdk_dflm_fme_read(struct dfl_fpga *d, uint64_t off);
void xpdk_dflm_fme_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off,
			 uint64_t val);

#endif /* XPDK_MODEL_DFL_FPGA_H */
