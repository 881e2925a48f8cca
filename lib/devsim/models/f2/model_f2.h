/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Private to the f2 model: the state of a simulated AWS F2 slot (the shell with its mailbox,
 * the clock generator, the loaded CL and its Streaming Data Engine), shared by
 * model_f2{,_mbox,_clkgen,_cl,_sde}.c. The mailbox and clock-generator parts use no devsim
 * call, so the fuzz target and unit tests run them alone.
 */

#ifndef XPDK_MODEL_F2_H
#define XPDK_MODEL_F2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xpdk_f2_regs.h"

struct xpdk_devsim_dev;

/* ---- the AFI catalogue ---- */

enum f2_cl { CL_NONE, CL_HELLO, CL_MEM_PERF, CL_SDE };

struct f2_afi {
	const char *agfi;
	enum f2_cl cl;
	uint16_t device, ssvid, ssid;
	const char *what;
};

/* The catalogue entry for @p agfi, or NULL. */
const struct f2_afi *xpdk_f2m_afi_find(const char *agfi);
/* The whole catalogue, @p n entries. */
const struct f2_afi *xpdk_f2m_afis(unsigned int *n);
/* "agfi-0123…" as the u64 the metrics' cached_agfis hold; 0 when it is not one. */
uint64_t xpdk_f2m_agfi_u64(const char *agfi);

/* ---- fault injection (faults=) ---- */
#define F2_FAULT_LOAD_FAIL   XPDK_BIT(0) /* loads end in load-failed */
#define F2_FAULT_POWER	     XPDK_BIT(1) /* loads end loaded with afi-power-violation */
#define F2_FAULT_MBOX_SILENT XPDK_BIT(2) /* the mailbox takes messages and never answers */
#define F2_FAULT_CLK_NO_LOCK XPDK_BIT(3) /* the clock generator's MMCMs never lock */

/* ---- the clock generator ---- */

enum { CG_A, CG_B, CG_C, CG_HBM, CG_GROUPS };

struct f2_mmcm {
	uint32_t main_cfg, clk_cfg[3]; /* as last written */
	uint32_t act_main, act_clk[3]; /* applied by LOAD */
};

struct f2_clkgen {
	struct f2_mmcm mmcm[CG_GROUPS];
	uint32_t g_rst, sys_rst, dis_rst_main;
	bool no_lock;
};

void xpdk_f2m_clkgen_reset(struct f2_clkgen *cg);
uint32_t xpdk_f2m_clkgen_read(struct f2_clkgen *cg, uint64_t off);
void xpdk_f2m_clkgen_write(struct f2_clkgen *cg, uint64_t off, uint32_t val);
/* Frequency in Hz of output @p out of group @p g as applied; 0 when absent or held in reset. */
uint64_t xpdk_f2m_clkgen_hz(const struct f2_clkgen *cg, unsigned int g, unsigned int out);

/* ---- the shell: mailbox, AFI state, metrics ---- */

#define F2_CACHE_MAX 16

struct f2_shell {
	/* mailbox */
	uint32_t wbuf[XPDK_F2_MB_MSG_MAX / 4], rbuf[XPDK_F2_MB_MSG_MAX / 4];
	uint32_t wr_index, rd_index, rd_len, status_bits;
	/* AFI */
	uint32_t status, status_q;
	const struct f2_afi *afi;     /* loaded (or being loaded) */
	const struct f2_afi *pending; /* load in progress, completes at load_done_ns */
	bool clearing;		      /* clear in progress */
	uint64_t load_done_ns;
	uint64_t cache[F2_CACHE_MAX];
	unsigned int ncache;
	uint16_t vdip, vled;
	/* metrics the CL side counts */
	struct xpdk_f2_metrics m;
	/* configuration */
	uint64_t faults;
	uint64_t load_ns;  /* how long a load or clear stays busy */
	uint64_t commands; /* commands served (for the log) */
};

void xpdk_f2m_shell_init(struct f2_shell *sh, uint64_t faults, uint64_t load_ns);

/*
 * One AFI command message @p msg of @p len bytes (hostile: any bytes) at time @p now_ns:
 * validate it, act on the shell (start a load or clear, read metrics) and build the reply in
 * @p reply (XPDK_F2_MB_MSG_MAX bytes). @p cg gives the clock frequencies the metrics report.
 * @return the reply's length in bytes (a header and its payload; errors get an ERROR reply).
 */
size_t xpdk_f2m_mbox_exec(struct f2_shell *sh, const struct f2_clkgen *cg, const void *msg,
			  size_t len, void *reply, uint64_t now_ns);

/* Mailbox register access; a WR_LEN write runs the message. Returns true when it started a
 * load or clear (the caller schedules its completion). */
uint32_t xpdk_f2m_mbox_read(struct f2_shell *sh, uint64_t off);
bool xpdk_f2m_mbox_write(struct f2_shell *sh, const struct f2_clkgen *cg, uint64_t off,
			 uint32_t val, uint64_t now_ns);

/* Finish a load or clear whose time has come. @return true when the CL changed. */
bool xpdk_f2m_shell_settle(struct f2_shell *sh, uint64_t now_ns);

/* ---- the SDE ---- */

struct sde_dir {
	/* registers */
	uint32_t wb_cfg, wb_lo, wb_hi, wc_timeout;
	uint32_t desc_status, dm_status, wb_status, status_dw;
	uint32_t completed, pkt_cnt, limit_base;
	uint32_t md_lo, md_hi, md_size, md_rd, md_wr; /* C2H */
	/* engine */
	uint32_t fetched;   /* descriptors copied from the window into the descriptor RAM */
	uint32_t ci;	    /* descriptors consumed (fetched - ci are waiting in the RAM) */
	uint32_t done_desc; /* descriptor in progress: bytes moved so far */
	bool dirty;	    /* counters changed since the last write-back */
};

struct f2_sde {
	volatile uint8_t *c2h_win, *h2c_win; /* shared with the client */
	struct sde_dir c2h, h2c;
	/* the descriptor RAM: each descriptor is copied out of its window once, when its
	 * producer count covers it, and used from here (the client cannot change it after) */
	struct xpdk_sde_c2h_desc c2h_ram[XPDK_SDE_DESC_DEPTH];
	struct xpdk_sde_h2c_desc h2c_ram[XPDK_SDE_DESC_DEPTH];
	bool reset_held;
	uint32_t srm_ctl, gp_cfg, atg_ctl, atg_data, atg_size;
	uint32_t atg_left, atg_seq; /* generator: bytes left of the current packet, word count */
	uint64_t idle_since_ns;
	uint32_t bad_desc; /* for the log */
};

void xpdk_f2m_sde_reset(struct f2_sde *s);
uint32_t xpdk_f2m_sde_read(struct f2_sde *s, uint64_t off);
void xpdk_f2m_sde_write(struct f2_sde *s, uint64_t off, uint32_t val);
/* Move data for up to @p budget descriptors in one burst (one hold of the client's memory, one
 * guarded run, one status write-back per direction); @return descriptors completed, or -1 when
 * a direction stopped with an error status (a bad descriptor or a client DMA fault). */
int xpdk_f2m_sde_run(struct xpdk_devsim_dev *app, struct f2_sde *s, unsigned int budget);

/* ---- one slot and the model ---- */

struct f2_slot {
	unsigned int index;
	struct xpdk_devsim_dev *app, *mgmt; /* functions */
	struct f2_shell shell;
	const struct f2_afi *presented; /* the CL the application PF shows */
	struct f2_clkgen cg;
	struct f2_sde sde;
	uint32_t hello, clk_ctl;      /* CL registers */
	uint32_t mem_csr[0x2000 / 4]; /* cl_mem_perf: BAR4 0x2000-0x3fff as memory */
	uint64_t clk_meas_hz[XPDK_F2_CLKFREQ_NUM];
	bool measured;
};

struct f2 {
	unsigned int nslots;
	uint64_t faults, load_ns, seed;
	struct f2_slot slot[XPDK_F2_SLOT_MAX];
};

/* model_f2_cl.c: the application PF's BARs as the loaded CL decodes them */
uint64_t xpdk_f2m_app_read(struct f2_slot *sl, unsigned int bar, uint64_t off, unsigned int size);
void xpdk_f2m_app_write(struct f2_slot *sl, unsigned int bar, uint64_t off, unsigned int size,
			uint64_t val);
/* The CL changed (load or clear): power-on state of its registers and SDE. */
void xpdk_f2m_cl_reset(struct f2_slot *sl);

#endif /* XPDK_MODEL_F2_H */
