/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * AWS F2 SDK compatibility: the constants, codes and structures of AWS's `hal/fpga_common.h`,
 * with AWS's names and values (from AWS's documentation of the SDK; written for XPDK), so
 * that programs written for AWS's fpga_mgmt/fpga_pci/fpga_clkgen build unchanged against
 * XPDK (`pkg-config --cflags xpdk-aws-fpga`). `hal/fpga_common.h` includes this file.
 */

#ifndef XPDK_AWS_FPGA_COMMON_H
#define XPDK_AWS_FPGA_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

XPDK_API_BEGIN

#define FPGA_SLOT_MAX	       8      /**< slots at most */
#define AFI_ID_STR_MAX	       64     /**< bytes of an AFI ID string */
#define F1_DDR_IFS_MAX	       4      /**< DDR interfaces of an F1 */
#define F2_DDR_IFS_MAX	       1      /**< DDR interfaces of an F2 */
#define FPGA_CACHED_AGFIS_MAX  16     /**< cached AGFIs reported */
#define FPGA_MBOX_VENDOR_ID    0x1d0f /**< the management PF's vendor ID (Amazon) */
#define F1_MBOX_DEVICE_ID      0x1041 /**< an F1 management PF */
#define F2_MBOX_DEVICE_ID      0x9248 /**< an F2 management PF */
#define FPGA_MBOX_RESOURCE_NUM 0      /**< the mailbox BAR */
#define FPGA_MMCM_GROUP_MAX    3      /**< clock groups */
#define FPGA_MMCM_OUT_CLKS_MAX 7      /**< outputs per clock group */
#define CLOCK_COUNT_A	       4      /**< clocks of group A */
#define CLOCK_COUNT_B	       2      /**< clocks of group B */
#define CLOCK_COUNT_C	       2      /**< clocks of group C */
#define FPGA_BAR_PER_PF_MAX    5      /**< BARs per PF */

/** Command flags (describe, load, clear). */
enum {
	FPGA_CMD_RSVD = 1 << 0,
	FPGA_CMD_GET_HW_METRICS = 1 << 1,
	FPGA_CMD_CLEAR_HW_METRICS = 1 << 2,
	FPGA_CMD_FORCE_SHELL_RELOAD = 1 << 3,
	FPGA_CMD_DRAM_DATA_RETENTION = 1 << 4,
	FPGA_CMD_EXTENDED_METRICS_SIZE = 1 << 6,
	FPGA_CMD_PREFETCH = 1 << 7,
	FPGA_CMD_CLEAR_AFI_CACHE = 1 << 8,
	FPGA_CMD_ALL_FLAGS = FPGA_CMD_GET_HW_METRICS | FPGA_CMD_CLEAR_HW_METRICS |
			     FPGA_CMD_FORCE_SHELL_RELOAD | FPGA_CMD_DRAM_DATA_RETENTION |
			     FPGA_CMD_EXTENDED_METRICS_SIZE | FPGA_CMD_PREFETCH |
			     FPGA_CMD_CLEAR_AFI_CACHE,
};

/** Error codes: positive; the libraries also return negative errno values. */
enum {
	FPGA_ERR_OK = 0,
	FPGA_ERR_AFI_CMD_BUSY = 3,
	FPGA_ERR_AFI_ID_INVALID = 5,
	FPGA_ERR_AFI_LOAD_TIMEOUT = 6,
	FPGA_ERR_AFI_CMD_API_VERSION_INVALID = 11,
	FPGA_ERR_CL_ID_MISMATCH = 12,
	FPGA_ERR_CL_DDR_CALIB_FAILED = 13,
	FPGA_ERR_FAIL = 14,
	FPGA_ERR_SHELL_MISMATCH = 16,
	FPGA_ERR_POWER_VIOLATION = 17,
	FPGA_ERR_DRAM_DATA_RETENTION_NOT_POSSIBLE = 18,
	FPGA_ERR_HARDWARE_BUSY = 19,
	FPGA_ERR_PCI_MISSING = 20,
	FPGA_ERR_AFI_CMD_MALFORMED = 21,
	FPGA_ERR_DRAM_DATA_RETENTION_FAILED = 22,
	FPGA_ERR_DRAM_DATA_RETENTION_SETUP_FAILED = 23,
	FPGA_ERR_SOFTWARE_PROBLEM = 24,
	FPGA_ERR_UNRESPONSIVE = 25,
	FPGA_ERR_RL_RELOAD_NEEDED_DROP_PCI_LINK = 26,
	FPGA_ERR_INCOMPATIBLE_AFI_CMD_FLAGS = 27,
	FPGA_ERR_INVALID_CLKGEN_INPUTS = 28,
	FPGA_ERR_CLKGEN_NOT_FOUND = 29,
	FPGA_ERR_END
};

/** Slot status. */
enum {
	FPGA_STATUS_LOADED = 0,
	FPGA_STATUS_CLEARED = 1,
	FPGA_STATUS_BUSY = 2,
	FPGA_STATUS_NOT_PROGRAMMED = 3,
	FPGA_STATUS_CACHING_AFI = 4,
	FPGA_STATUS_LOADING_RL = 5,
	FPGA_STATUS_LOAD_FAILED = 7,
	FPGA_STATUS_END
};

/** Physical functions and BARs. */
enum { FPGA_APP_PF = 0, FPGA_MGMT_PF = 1, FPGA_PF_MAX };
enum { APP_PF_BAR0 = 0, APP_PF_BAR2 = 2, APP_PF_BAR4 = 4, APP_PF_BAR_MAX };
enum { MGMT_PF_BAR0 = 0, MGMT_PF_BAR2 = 2, MGMT_PF_BAR4 = 4, MGMT_PF_BAR_MAX };

/** Interrupt-status bits of the metrics' int_status. */
enum {
	FPGA_INT_STATUS_SDACL_SLAVE_TIMEOUT = 1 << 0,
	FPGA_INT_STATUS_CHIPSCOPE_TIMEOUT = 1 << 1,
	FPGA_INT_STATUS_DMA_RANGE_ERROR = 1 << 7,
	FPGA_INT_STATUS_PCI_SLAVE_TIMEOUT = 1 << 17,
	FPGA_INT_STATUS_PCI_RANGE_ERROR = 1 << 18,
	FPGA_INT_STATUS_PCI_AXI_PROTOCOL_ERROR = 1 << 19,
	FPGA_INT_STATUS_PCI_SLAVE_SDA_TIMEOUT = 1 << 27,
	FPGA_INT_STATUS_PCI_SLAVE_OCL_TIMEOUT = 1 << 28,
	FPGA_INT_STATUS_BAR1_SLAVE_TIMEOUT = 1 << 29,
};

/** Configuration (unused). */
struct fpga_common_cfg {
	uint32_t reserved; /**< reserved */
} __attribute__((packed));

/** Where a PF is and what it shows. */
struct fpga_pci_resource_map {
	uint16_t vendor_id;			      /**< PCI vendor ID */
	uint16_t device_id;			      /**< PCI device ID */
	uint16_t subsystem_device_id;		      /**< subsystem ID */
	uint16_t subsystem_vendor_id;		      /**< subsystem vendor ID */
	uint16_t domain;			      /**< PCI domain */
	uint8_t bus;				      /**< PCI bus */
	uint8_t dev;				      /**< PCI device */
	uint8_t func;				      /**< PCI function */
	bool resource_burstable[FPGA_BAR_PER_PF_MAX]; /**< write-combining possible */
	uint64_t resource_size[FPGA_BAR_PER_PF_MAX];  /**< bytes of each BAR */
} __attribute__((packed));

/** Both PFs of a slot. */
struct fpga_slot_spec {
	struct fpga_pci_resource_map
	    map[FPGA_PF_MAX]; /**< the application PF, then the management PF */
} __attribute__((packed));

/** An AFI's PCI IDs. */
struct afi_device_ids {
	uint16_t vendor_id; /**< PCI vendor ID */
	uint16_t device_id; /**< PCI device ID */
	uint16_t svid;	    /**< subsystem vendor ID */
	uint16_t ssid;	    /**< subsystem ID */
} __attribute__((packed));

/** What identifies a loaded AFI. */
struct fpga_meta_ids {
	char afi_id[AFI_ID_STR_MAX];	      /**< the AFI (AGFI) ID */
	struct afi_device_ids afi_device_ids; /**< the AFI's PCI IDs */
} __attribute__((packed));

/** One DDR interface's counters. */
struct fpga_ddr_if_metrics_common {
	uint64_t write_count; /**< writes */
	uint64_t read_count;  /**< reads */
} __attribute__((packed));

/** One clock group's frequencies. */
struct fpga_clocks_common {
	uint64_t frequency[FPGA_MMCM_OUT_CLKS_MAX]; /**< Hz of each output */
} __attribute__((packed));

/** An F2 slot's metrics (FPGA_CMD_GET_HW_METRICS). */
struct f2_metrics_common {
	uint32_t int_status;			 /**< FPGA_INT_STATUS_* bits */
	uint32_t pcim_axi_protocol_error_status; /**< PCIM AXI protocol error bits */
	uint64_t pcim_range_error_addr;		 /**< address of the last PCIM range error */
	uint32_t pcim_range_error_count;	 /**< PCIM range errors */
	uint64_t pcim_axi_protocol_error_addr;	 /**< address of the last PCIM AXI protocol error */
	uint32_t pcim_axi_protocol_error_count;	 /**< PCIM AXI protocol errors */
	uint64_t pcim_write_count;		 /**< PCIM writes */
	uint64_t pcim_read_count;		 /**< PCIM reads */
	uint64_t dma_pcis_timeout_addr;		 /**< address of the last DMA PCIS timeout */
	uint32_t dma_pcis_timeout_count;	 /**< DMA PCIS timeouts */
	uint32_t ocl_slave_timeout_addr;	 /**< address of the last OCL timeout */
	uint32_t ocl_slave_timeout_count;	 /**< OCL timeouts */
	uint64_t sda_slave_timeout_addr;	 /**< address of the last SDA timeout */
	uint32_t sda_slave_timeout_count;	 /**< SDA timeouts */
	uint32_t virtual_jtag_slave_timeout_addr;  /**< address of the last virtual JTAG timeout */
	uint32_t virtual_jtag_slave_timeout_count; /**< virtual JTAG timeouts */
	uint32_t virtual_jtag_write_count;	   /**< virtual JTAG writes */
	uint32_t virtual_jtag_read_count;	   /**< virtual JTAG reads */
	struct fpga_ddr_if_metrics_common ddr_ifs[F2_DDR_IFS_MAX]; /**< per DDR interface */
	struct fpga_clocks_common clocks[FPGA_MMCM_GROUP_MAX];	   /**< per clock group */
	uint64_t power_mean;					   /**< mean power (W) */
	uint64_t power_max;					   /**< peak power (W) */
	uint64_t power;						   /**< power now (W) */
	uint64_t cached_agfis[FPGA_CACHED_AGFIS_MAX];		   /**< AGFIs in the slot's cache */
	uint64_t flags;						   /**< flags of the metrics */
} __attribute__((packed));

/** An F1 slot's metrics (F1 layout, kept for AWS programs). */
struct f1_metrics_common {
	uint32_t int_status;			 /**< FPGA_INT_STATUS_* bits */
	uint32_t pcim_axi_protocol_error_status; /**< PCIM AXI protocol error bits */
	uint64_t dma_pcis_timeout_addr;		 /**< address of the last DMA PCIS timeout */
	uint32_t dma_pcis_timeout_count;	 /**< DMA PCIS timeouts */
	uint64_t pcim_range_error_addr;		 /**< address of the last PCIM range error */
	uint32_t pcim_range_error_count;	 /**< PCIM range errors */
	uint64_t pcim_axi_protocol_error_addr;	 /**< address of the last PCIM AXI protocol error */
	uint32_t pcim_axi_protocol_error_count;	 /**< PCIM AXI protocol errors */
	uint8_t reserved2[12];			 /**< reserved */
	uint64_t ocl_slave_timeout_addr;	 /**< address of the last OCL timeout */
	uint32_t ocl_slave_timeout_count;	 /**< OCL timeouts */
	uint64_t bar1_slave_timeout_addr;	 /**< address of the last BAR1 timeout */
	uint32_t bar1_slave_timeout_count;	 /**< BAR1 timeouts */
	uint32_t sdacl_slave_timeout_addr;	 /**< address of the last SDA timeout */
	uint32_t sdacl_slave_timeout_count;	 /**< SDA timeouts */
	uint32_t virtual_jtag_slave_timeout_addr;  /**< address of the last virtual JTAG timeout */
	uint32_t virtual_jtag_slave_timeout_count; /**< virtual JTAG timeouts */
	uint64_t pcim_write_count;		   /**< PCIM writes */
	uint64_t pcim_read_count;		   /**< PCIM reads */
	struct fpga_ddr_if_metrics_common ddr_ifs[F1_DDR_IFS_MAX]; /**< per DDR interface */
	struct fpga_clocks_common clocks[FPGA_MMCM_GROUP_MAX];	   /**< per clock group */
	uint64_t power_mean;					   /**< mean power (W) */
	uint64_t power_max;					   /**< peak power (W) */
	uint64_t power;						   /**< power now (W) */
	uint64_t cached_agfis[FPGA_CACHED_AGFIS_MAX];		   /**< AGFIs in the slot's cache */
	uint64_t flags;						   /**< flags of the metrics */
} __attribute__((packed));

XPDK_API_END

#ifdef __cplusplus
}
#endif

#endif /* XPDK_AWS_FPGA_COMMON_H */
