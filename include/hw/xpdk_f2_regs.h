/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * AWS F2 FPGA slot, as XPDK's fpga_mgmt/fpga_pci/fpga_clkgen libraries (drivers/fpga/aws) and
 * xpdk-devsim's f2 model (lib/devsim/models/f2) both see it: PCI IDs, the management PF's
 * mailbox and the AFI command messages carried through it, the clock generator (AWS_CLK_GEN)
 * on management BAR4, the CL examples' OCL registers, and the Streaming Data Engine (SDE) on
 * application BAR4. Offsets and values are those AWS documents (refs/flexio-aws.md §2,
 * refs/aws-f2.md); where AWS leaves a detail open (mailbox status bits, message field widths)
 * the choice made here is marked "XPDK:".
 */

#ifndef XPDK_F2_REGS_H
#define XPDK_F2_REGS_H

#include <stdint.h>

#include "xpdk_common.h"

/* ---- PCI identity ------------------------------------------------------------------------ */

#define XPDK_F2_VENDOR	    0x1d0f
#define XPDK_F2_MBOX_DEVICE 0x9248 /* management PF (mailbox), function 1 */
#define XPDK_F2_APP_CLEARED 0x9048 /* application PF with no AFI loaded, function 0 */
#define XPDK_F2_SHELL_VER   0x10212415
#define XPDK_F2_SLOT_MAX    8

/* Application PF BARs */
#define XPDK_F2_APP_BAR0_SIZE (64ull << 20)  /* OCL: CL registers */
#define XPDK_F2_APP_BAR2_SIZE (64ull << 10)  /* MSI-X/XDMA, not visible to the CL */
#define XPDK_F2_APP_BAR4_SIZE (128ull << 30) /* PCIS: CL memory, the SDE */
/* Management PF BARs */
#define XPDK_F2_MGMT_BAR0_SIZE (16ull << 10) /* mailbox */
#define XPDK_F2_MGMT_BAR2_SIZE (16ull << 10) /* tools */
#define XPDK_F2_MGMT_BAR4_SIZE (4ull << 20)  /* SDA: the clock generator */

/* ---- Mailbox: management PF BAR0 --------------------------------------------------------- */

#define XPDK_F2_MB_SH_VERSION 0x00 /* shell version, read-only */
#define XPDK_F2_MB_STATUS     0x0c /* event bits, write 1 to acknowledge */
/* XPDK: AWS names the bits, not their positions */
#define XPDK_F2_MB_STATUS_RX_EVT XPDK_BIT(0) /* a reply is waiting in the read buffer */
#define XPDK_F2_MB_STATUS_TX_EVT XPDK_BIT(1) /* the shell took the message written */
#define XPDK_F2_MB_WR_INDEX	 0x20 /* write buffer word index (auto-increments on WR_DATA) */
#define XPDK_F2_MB_WR_DATA	 0x24 /* next 32-bit word of the message */
#define XPDK_F2_MB_WR_LEN	 0x28 /* message length in bytes: writing it sends the message */
#define XPDK_F2_MB_DEPTH	 0x2c /* buffer size in 32-bit words, read-only */
#define XPDK_F2_MB_RD_INDEX	 0x30 /* read buffer word index (auto-increments on RD_DATA) */
#define XPDK_F2_MB_RD_DATA	 0x34 /* next 32-bit word of the reply */
#define XPDK_F2_MB_RD_LEN	 0x38 /* reply length in bytes, read-only */
#define XPDK_F2_MB_VLED		 0xd0 /* virtual LEDs, 16 bits, read-only */
#define XPDK_F2_MB_VDIP		 0xd4 /* virtual DIP switches, 16 bits */
#define XPDK_F2_MB_RL_RELOAD	 0x2000
#define XPDK_F2_MB_MSG_MAX	 4096 /* bytes, a multiple of 4 */

/* ---- AFI commands (little-endian, packed) ------------------------------------------------ */

#define XPDK_F2_AFI_VER_MAJOR 2
#define XPDK_F2_AFI_VER_MINOR 1
/* XPDK: version word = major << 16 | minor */
#define XPDK_F2_AFI_VERSION ((XPDK_F2_AFI_VER_MAJOR << 16) | XPDK_F2_AFI_VER_MINOR)

enum xpdk_f2_afi_op {
	XPDK_F2_OP_ERROR = 0,
	XPDK_F2_OP_LOAD = 1,
	XPDK_F2_OP_METRICS = 2,
	XPDK_F2_OP_CLEAR = 3,
};

#define XPDK_F2_LEN_MASK   XPDK_GENMASK(23, 0)	/* payload bytes after the header */
#define XPDK_F2_FLAGS_MASK XPDK_GENMASK(31, 24) /* message flags */
#define XPDK_F2_FLAG_RESP  XPDK_BIT(24)		/* a reply */

struct xpdk_f2_afi_hdr {
	uint32_t version;   /* XPDK_F2_AFI_VERSION */
	uint32_t op;	    /* enum xpdk_f2_afi_op */
	uint32_t len_flags; /* payload length | flags */
	uint32_t id;	    /* echoed in the reply */
} __attribute__((packed));
_Static_assert(sizeof(struct xpdk_f2_afi_hdr) == 16, "AFI command header");

#define XPDK_F2_AFI_ID_MAX 64

struct xpdk_f2_afi_ids {
	char afi_id[XPDK_F2_AFI_ID_MAX];     /* "agfi-" and 17 hex digits, NUL-terminated */
	uint16_t vendor, device, svid, ssid; /* PCI IDs the AFI gives the application PF */
} __attribute__((packed));
_Static_assert(sizeof(struct xpdk_f2_afi_ids) == 72, "AFI ids");

/* Command flags (fpga_common.h's FPGA_CMD_*) */
#define XPDK_F2_CMD_GET_HW_METRICS	  XPDK_BIT(1)
#define XPDK_F2_CMD_CLEAR_HW_METRICS	  XPDK_BIT(2)
#define XPDK_F2_CMD_FORCE_SHELL_RELOAD	  XPDK_BIT(3)
#define XPDK_F2_CMD_DRAM_DATA_RETENTION	  XPDK_BIT(4)
#define XPDK_F2_CMD_EXTENDED_METRICS_SIZE XPDK_BIT(6)
#define XPDK_F2_CMD_PREFETCH		  XPDK_BIT(7)
#define XPDK_F2_CMD_CLEAR_AFI_CACHE	  XPDK_BIT(8)
#define XPDK_F2_CMD_ALL_FLAGS                                                                      \
	(XPDK_F2_CMD_GET_HW_METRICS | XPDK_F2_CMD_CLEAR_HW_METRICS |                               \
	 XPDK_F2_CMD_FORCE_SHELL_RELOAD | XPDK_F2_CMD_DRAM_DATA_RETENTION |                        \
	 XPDK_F2_CMD_EXTENDED_METRICS_SIZE | XPDK_F2_CMD_PREFETCH | XPDK_F2_CMD_CLEAR_AFI_CACHE)

struct xpdk_f2_load_req {
	struct xpdk_f2_afi_ids ids;
	uint32_t flags;
	uint32_t cfg;		 /* reserved, 0 */
	uint32_t clock_mains[3]; /* MHz per clock group, 0: the AFI's default */
} __attribute__((packed));

struct xpdk_f2_flags_req { /* METRICS and CLEAR */
	uint32_t flags;
} __attribute__((packed));

/* The F2 metrics block: the layout of fpga_common.h's struct f2_metrics_common. */
struct xpdk_f2_metrics {
	uint32_t int_status;
	uint32_t pcim_axi_protocol_error_status;
	uint64_t pcim_range_error_addr;
	uint32_t pcim_range_error_count;
	uint64_t pcim_axi_protocol_error_addr;
	uint32_t pcim_axi_protocol_error_count;
	uint64_t pcim_write_count;
	uint64_t pcim_read_count;
	uint64_t dma_pcis_timeout_addr;
	uint32_t dma_pcis_timeout_count;
	uint32_t ocl_slave_timeout_addr;
	uint32_t ocl_slave_timeout_count;
	uint64_t sda_slave_timeout_addr;
	uint32_t sda_slave_timeout_count;
	uint32_t virtual_jtag_slave_timeout_addr;
	uint32_t virtual_jtag_slave_timeout_count;
	uint32_t virtual_jtag_write_count;
	uint32_t virtual_jtag_read_count;
	uint64_t ddr_write_count, ddr_read_count;
	uint64_t clock_freq[3][7]; /* Hz per clock group A/B/C and output */
	uint64_t power_mean, power_max, power;
	uint64_t cached_agfis[16];
	uint64_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct xpdk_f2_metrics) == 440, "F2 metrics");

/* Interrupt-status bits in int_status */
#define XPDK_F2_INT_PCI_SLAVE_TIMEOUT	  XPDK_BIT(17)
#define XPDK_F2_INT_PCI_SLAVE_SDA_TIMEOUT XPDK_BIT(27)
#define XPDK_F2_INT_PCI_SLAVE_OCL_TIMEOUT XPDK_BIT(28)

struct xpdk_f2_metrics_rsp {
	struct xpdk_f2_afi_ids ids;
	uint32_t status;   /* XPDK_F2_STATUS_* */
	uint32_t status_q; /* XPDK_F2_ERR_* */
	struct xpdk_f2_metrics metrics;
} __attribute__((packed));
_Static_assert(sizeof(struct xpdk_f2_metrics_rsp) == 520, "metrics reply");

struct xpdk_f2_error_rsp {
	int32_t error; /* XPDK_F2_ERR_* */
	uint32_t info;
} __attribute__((packed));

/* Slot status (FPGA_STATUS_*) */
#define XPDK_F2_STATUS_LOADED	      0
#define XPDK_F2_STATUS_CLEARED	      1
#define XPDK_F2_STATUS_BUSY	      2
#define XPDK_F2_STATUS_NOT_PROGRAMMED 3
#define XPDK_F2_STATUS_CACHING_AFI    4
#define XPDK_F2_STATUS_LOADING_RL     5
#define XPDK_F2_STATUS_LOAD_FAILED    7

/* Error / status qualifier codes (FPGA_ERR_*) the shell sends */
#define XPDK_F2_ERR_OK				0
#define XPDK_F2_ERR_AFI_CMD_BUSY		3
#define XPDK_F2_ERR_AFI_ID_INVALID		5
#define XPDK_F2_ERR_AFI_LOAD_TIMEOUT		6
#define XPDK_F2_ERR_AFI_CMD_API_VERSION_INVALID 11
#define XPDK_F2_ERR_FAIL			14
#define XPDK_F2_ERR_POWER_VIOLATION		17
#define XPDK_F2_ERR_AFI_CMD_MALFORMED		21
#define XPDK_F2_ERR_INCOMPATIBLE_AFI_CMD_FLAGS	27

/* ---- Clock generator (AWS_CLK_GEN): management PF BAR4 ----------------------------------- */

#define XPDK_F2_CG_MMCM_B   0x50000 /* group B, 2 clocks */
#define XPDK_F2_CG_MMCM_C   0x51000 /* group C, 2 clocks */
#define XPDK_F2_CG_MMCM_A   0x52000 /* group A, 3 clocks */
#define XPDK_F2_CG_MMCM_HBM 0x54000 /* HBM, 1 clock */
/* per MMCM, from its base */
#define XPDK_F2_CG_STATUS	 0x004 /* bit 0: locked */
#define XPDK_F2_CG_STATUS_LOCKED XPDK_BIT(0)
#define XPDK_F2_CG_MAIN_CFG	 0x200
#define XPDK_F2_CG_MAIN_DIV	 XPDK_GENMASK(7, 0)
#define XPDK_F2_CG_MAIN_MULT	 XPDK_GENMASK(15, 8)
#define XPDK_F2_CG_MAIN_FRAC	 XPDK_GENMASK(25, 16) /* thousandths */
#define XPDK_F2_CG_CLK0_CFG	 0x208
#define XPDK_F2_CG_CLK_DIV	 XPDK_GENMASK(7, 0)
#define XPDK_F2_CG_CLK0_FRAC	 XPDK_GENMASK(17, 8) /* thousandths */
#define XPDK_F2_CG_CLK1_CFG	 0x214
#define XPDK_F2_CG_CLK2_CFG	 0x220
#define XPDK_F2_CG_LOAD		 0x25c
#define XPDK_F2_CG_LOAD_APPLY	 0x3 /* load the new configuration */
#define XPDK_F2_CG_LOAD_DEFAULT	 0x1 /* back to the default configuration */
/* AWS registers */
#define XPDK_F2_CG_ID		0x58000
#define XPDK_F2_CG_VER		0x58004
#define XPDK_F2_CG_BLD		0x58008
#define XPDK_F2_CG_CLKS_AVAIL	0x5800c
#define XPDK_F2_CG_G_RST	0x58010
#define XPDK_F2_CG_SYS_RST	0x58014
#define XPDK_F2_CG_DIS_RST_MAIN 0x58018
#define XPDK_F2_CG_MMCM_LOCK	0x58020
#define XPDK_F2_CG_ID_VAL	0x90481d0f
#define XPDK_F2_CG_VER_VAL	0x02010000
#define XPDK_F2_CG_BLD_VAL	0x09232223
#define XPDK_F2_CG_LOCK_ALL	0x151 /* A b0, B b4, C b6, HBM b8 */
#define XPDK_F2_CG_UNDEFINED	0xdeaddec0
#define XPDK_F2_CG_REF_MHZ	100

/* ---- CL examples' OCL registers (application PF BAR0) ------------------------------------ */

/* F1-compatible hello world (1d0f:f000, subsystem fedd:1d51) */
#define XPDK_F2_HELLO_DEVICE 0xf000
#define XPDK_F2_HELLO_SSVID  0xfedd
#define XPDK_F2_HELLO_REG    0x500 /* reads back byte-swapped */
#define XPDK_F2_HELLO_VLED   0x504 /* vLED shadow, bits 15:0 */
/* cl_mem_perf (1d0f:f004, subsystem fedc:1d51) */
#define XPDK_F2_MEMPERF_DEVICE	  0xf004
#define XPDK_F2_CLKFREQ_CTL	  0x600
#define XPDK_F2_CLKFREQ_CTL_START XPDK_BIT(0)	    /* set: measure; cleared when done */
#define XPDK_F2_CLKFREQ_CTL_CLEAR XPDK_BIT(31)	    /* clear all counters */
#define XPDK_F2_CLKFREQ_REF	  0x604		    /* 100000000 after a measurement */
#define XPDK_F2_CLKFREQ_CTR(i)	  (0x610 + 4 * (i)) /* Hz, i = 0..9 */
#define XPDK_F2_CLKFREQ_NUM	  10
/* cl_sde (1d0f:f002, subsystem fedc:1d51) */
#define XPDK_F2_SDE_DEVICE	0xf002
#define XPDK_F2_CL_SSVID	0xfedc
#define XPDK_F2_CL_SSID		0x1d51
#define XPDK_F2_SDE_ATG_TX_CTRL 0x000 /* bit 0: traffic generator on */
#define XPDK_F2_SDE_ATG0_DATA	0x004 /* first data word */
#define XPDK_F2_SDE_ATG0_SIZE	0x008 /* packet size in 64-byte beats */
#define XPDK_F2_SDE_SRM_RX_CTL	0x180
#define XPDK_F2_SDE_SRM_LB	XPDK_BIT(0) /* loopback, on after reset */
#define XPDK_F2_SDE_GP_CFG0	0x2000
#define XPDK_F2_SDE_GP_RESET	XPDK_BIT(0) /* SDE held in reset while set */
#define XPDK_F2_SDE_GP_WIRE_LB	XPDK_BIT(1) /* H2C stream wired to C2H */
#define XPDK_F2_SDE_GP_ATG	XPDK_BIT(3)

/* ---- Streaming Data Engine: application PF BAR4 0x0000-0x3fff ---------------------------- */

#define XPDK_SDE_C2H_DESC_WIN 0x0000 /* C2H descriptor RAM window, 4 KiB */
#define XPDK_SDE_H2C_DESC_WIN 0x1000 /* H2C descriptor RAM window, 4 KiB */
#define XPDK_SDE_WIN_SIZE     0x1000
#define XPDK_SDE_DESC_DEPTH   64 /* descriptors per direction (DESC_RAM_DEPTH) */
/*
 * XPDK (simulation): on hardware every descriptor is written at the window's base and the
 * SDE's accumulator pushes it into its FIFO. xpdk-devsim maps the windows as memory the client
 * shares with the device thread instead: descriptor k goes to slot k % DEPTH of the window and
 * the 32-bit word at XPDK_SDE_WIN_PROD counts descriptors written (it is the CDT_CONSUMED
 * counter, written by the driver after the descriptors). Posting costs stores, as on hardware;
 * the device thread polls the count. doc/devsim.md explains it.
 */
#define XPDK_SDE_WIN_PROD 0xfc0

#define XPDK_SDE_SW_RESET    0x3000
#define XPDK_SDE_SW_RESET_EN XPDK_BIT(0)
#define XPDK_SDE_INFO	     0x3004
#define XPDK_SDE_INFO_C2H    XPDK_BIT(0)
#define XPDK_SDE_INFO_H2C    XPDK_BIT(16)

#define XPDK_SDE_C2H 0x3400 /* C2H CSR blocks base */
#define XPDK_SDE_H2C 0x3a00 /* H2C CSR blocks base */
/* offsets from a direction's base */
#define XPDK_SDE_CDT_CONSUMED	   0x100
#define XPDK_SDE_CDT_LIMIT	   0x104 /* writing 0 sets DESC_RAM_DEPTH */
#define XPDK_SDE_COMP_COUNT	   0x108
#define XPDK_SDE_DESC_PTRS	   0x10c
#define XPDK_SDE_DESC_STATUS	   0x118
#define XPDK_SDE_DS_OFLOW	   XPDK_BIT(0)
#define XPDK_SDE_DS_OOO		   XPDK_BIT(1)
#define XPDK_SDE_DS_UNALIGN	   XPDK_BIT(2)
#define XPDK_SDE_DS_FULL	   XPDK_BIT(3)
#define XPDK_SDE_DS_EMPTY	   XPDK_BIT(4)
#define XPDK_SDE_DESC_INFO	   0x120
#define XPDK_SDE_DESC_INFO_COMPACT XPDK_BIT(0)
#define XPDK_SDE_DESC_INFO_DEPTH   XPDK_GENMASK(31, 16)
#define XPDK_SDE_DM_STATUS	   0x204
#define XPDK_SDE_DM_RESP_ERR	   XPDK_BIT(0)
#define XPDK_SDE_DM_LEN_ERR	   XPDK_BIT(1)
#define XPDK_SDE_WB_CFG		   0x300
#define XPDK_SDE_WB_DESC_CNT	   XPDK_BIT(0)
#define XPDK_SDE_WB_PKT_CNT	   XPDK_BIT(1)
#define XPDK_SDE_WB_DESC_CDT	   XPDK_BIT(2)
#define XPDK_SDE_WB_MD_PTR_EN	   XPDK_BIT(3) /* C2H: honour MD_RD_PTR */
#define XPDK_SDE_WB_CDT_WC	   XPDK_BIT(4)
#define XPDK_SDE_WB_CNT_WC	   XPDK_BIT(5)
#define XPDK_SDE_WB_PKT_WC	   XPDK_BIT(6)
#define XPDK_SDE_WB_MD_WR_WC	   XPDK_BIT(7) /* C2H */
#define XPDK_SDE_WB_WC_CNT	   XPDK_GENMASK(13, 8)
#define XPDK_SDE_WB_ADDR_LO	   0x304 /* status block, 64-byte aligned */
#define XPDK_SDE_WB_ADDR_HI	   0x308
#define XPDK_SDE_WC_TIMEOUT	   0x30c
/* C2H only */
#define XPDK_SDE_MD_ADDR_LO    0x318
#define XPDK_SDE_MD_ADDR_HI    0x31c
#define XPDK_SDE_MD_SIZE       0x320 /* bytes */
#define XPDK_SDE_MD_RD_PTR     0x324
#define XPDK_SDE_MD_WR_PTR     0x328
#define XPDK_SDE_C2H_WB_STATUS 0x32c
#define XPDK_SDE_C2H_STATUS_DW 0x330
/* H2C only */
#define XPDK_SDE_H2C_WB_STATUS 0x310
#define XPDK_SDE_H2C_STATUS_DW 0x314
#define XPDK_SDE_AXIS_PKT_CNT  0x500
/* STATUS_DW bits (also the status block's first word) */
#define XPDK_SDE_ST_DESC_ERR  XPDK_BIT(0)
#define XPDK_SDE_ST_DM_ERR    XPDK_BIT(1)
#define XPDK_SDE_ST_WB_ERR    XPDK_BIT(2)
#define XPDK_SDE_BAD_READ     0xbaad0000 /* reads outside the CSR blocks */
#define XPDK_SDE_BAD_PCIS_CSR 0xbaad2000

/* Descriptors and the records the SDE writes to host memory (regular type) */
struct xpdk_sde_c2h_desc {
	uint32_t len; /* buffer bytes, >= 1 */
	uint64_t addr;
	uint32_t rsvd;
} __attribute__((packed));
_Static_assert(sizeof(struct xpdk_sde_c2h_desc) == 16, "C2H descriptor");

#define XPDK_SDE_H2C_EOP XPDK_BIT(0)
#define XPDK_SDE_H2C_SPB XPDK_BIT(1)
struct xpdk_sde_h2c_desc {
	uint32_t len;
	uint64_t addr;
	uint32_t flags; /* XPDK_SDE_H2C_EOP */
	uint64_t rsvd;
	uint64_t user; /* to the stream's tuser with EOP */
} __attribute__((packed));
_Static_assert(sizeof(struct xpdk_sde_h2c_desc) == 32, "H2C descriptor");

#define XPDK_SDE_MD_VALID XPDK_BIT(0)
#define XPDK_SDE_MD_EOP	  XPDK_BIT(1)
struct xpdk_sde_c2h_md {
	uint32_t len;	 /* bytes written for this descriptor */
	uint32_t status; /* XPDK_SDE_MD_VALID | XPDK_SDE_MD_EOP */
	uint64_t user;
} __attribute__((packed));
_Static_assert(sizeof(struct xpdk_sde_c2h_md) == 16, "C2H metadata");

/* The status block written to STATUS_WB_ADDR (one per direction, 64-byte aligned) */
struct xpdk_sde_status {
	uint32_t status;	 /* XPDK_SDE_ST_* */
	uint32_t desc_limit;	 /* credit limit */
	uint32_t desc_completed; /* descriptors completed */
	uint32_t pkt_count;	 /* packets on the stream */
	uint32_t md_wr_ptr;	 /* C2H: metadata ring write pointer */
} __attribute__((packed));
_Static_assert(sizeof(struct xpdk_sde_status) == 20, "status block");

#endif /* XPDK_F2_REGS_H */
