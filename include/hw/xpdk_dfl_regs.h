/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * Register map of Device Feature List (DFL) FPGAs: the Device Feature Header (DFH) v0/v1, the
 * FIU (FME and port) header registers, and the private features of the FME and the port.
 *
 * Numbers follow Linux's drivers/fpga/dfl.h (DFH, FME and port headers, DFHv1), dfl-fme-main.c
 * (thermal, power), dfl-fme-error.c (global error), dfl-fme-mgr.c (PR), dfl-fme-perf.c (global
 * performance) and dfl-afu-error.c (port error), cross-checked against DPDK/OPAE's ifpga headers
 * and Documentation/fpga/dfl.rst. Offsets are bytes from the start of the feature's DFH; every
 * register is 64 bits wide. Use XPDK_FIELD_GET()/XPDK_FIELD_PREP() with the masks below.
 *
 * Used by lib/dfl (the walker), the DFL FPGA driver and the devsim DFL device model.
 */

#ifndef XPDK_DFL_REGS_H
#define XPDK_DFL_REGS_H

#include "xpdk_common.h"

/* ---------------------------------------------------------------------------------------------
 * Device Feature Header (offset 0 of every feature)
 */
#define XPDK_DFH	  0x00		       /**< Device Feature Header register */
#define XPDK_DFH_SIZE	  0x08		       /**< size of the DFH register itself */
#define XPDK_DFH_ID	  XPDK_GENMASK(11, 0)  /**< feature ID */
#define XPDK_DFH_REVISION XPDK_GENMASK(15, 12) /**< feature revision */
#define XPDK_DFH_NEXT	  XPDK_GENMASK(39, 16) /**< byte offset from this DFH to the next */
#define XPDK_DFH_EOL	  XPDK_BIT(40)	       /**< end of list */
#define XPDK_DFH_VERSION  XPDK_GENMASK(59, 52) /**< DFH version (0 or 1) */
#define XPDK_DFH_TYPE	  XPDK_GENMASK(63, 60) /**< feature type, XPDK_DFH_TYPE_* */

#define XPDK_DFH_TYPE_AFU     1 /**< Accelerated Function Unit */
#define XPDK_DFH_TYPE_PRIVATE 3 /**< private feature of an FIU */
#define XPDK_DFH_TYPE_FIU     4 /**< FPGA Interface Unit (FME or port) */
/**
 * Interface (5): from the OFS linux-dfl patch "fpga: dfl: add support for Interface type of
 * DFH" and its dfl.rst text; mainline dfl.h does not define it.
 */
#define XPDK_DFH_TYPE_INTERFACE 5

#define XPDK_DFH_VERSION_0 0 /**< original DFH: DFH (+ GUID + NEXT_AFU for FIU/AFU) */
#define XPDK_DFH_VERSION_1 1 /**< DFHv1: GUID, CSR address/size and parameters for all types */

/** Feature IDs of FIU headers (type XPDK_DFH_TYPE_FIU) */
#define XPDK_DFH_ID_FIU_FME  0 /**< FPGA Management Engine */
#define XPDK_DFH_ID_FIU_PORT 1 /**< port (AFU container) */
/** Feature ID the AFU's DFH carries (Linux FEATURE_ID_AFU / ifpga PORT_FEATURE_ID_UAFU) */
#define XPDK_DFH_ID_AFU 0xff

/* ---------------------------------------------------------------------------------------------
 * Common header registers of FIUs (DFH + GUID + NEXT_AFU) and AFUs (DFH + GUID)
 */
#define XPDK_DFH_GUID_L	   0x08		       /**< GUID bits 63:0 */
#define XPDK_DFH_GUID_H	   0x10		       /**< GUID bits 127:64 */
#define XPDK_DFH_NEXT_AFU  0x18		       /**< FIU only: offset to the AFU */
#define XPDK_NEXT_AFU_OFST XPDK_GENMASK(23, 0) /**< byte offset from the FIU DFH to the AFU DFH */

/* ---------------------------------------------------------------------------------------------
 * DFHv1 common registers (every feature type when XPDK_DFH_VERSION == 1)
 */
#define XPDK_DFHV1_GUID_L	0x08 /**< GUID bits 63:0 */
#define XPDK_DFHV1_GUID_H	0x10 /**< GUID bits 127:64 */
#define XPDK_DFHV1_CSR_ADDR	0x18 /**< start of the feature's register block */
#define XPDK_DFHV1_CSR_SIZE_GRP 0x20 /**< register block size, group and instance */
#define XPDK_DFHV1_PARAM_HDR	0x28 /**< first parameter header (when HAS_PARAMS) */

/**
 * Bit 0 set: the address is absolute; clear: relative to the DFH. dfl.h calls this bit
 * DFHv1_CSR_ADDR_REL although its comment and dfl.c treat 1 as absolute; we follow dfl.c.
 */
#define XPDK_DFHV1_CSR_ADDR_ABS	 XPDK_BIT(0)
#define XPDK_DFHV1_CSR_ADDR_MASK XPDK_GENMASK(63, 1) /**< address bits 63:1 (bit 0 reads as 0) */

#define XPDK_DFHV1_CSR_INSTANCE_ID XPDK_GENMASK(15, 0)	/**< instance of the same IP */
#define XPDK_DFHV1_CSR_GROUP_ID	   XPDK_GENMASK(30, 16) /**< groups features/interfaces */
#define XPDK_DFHV1_CSR_HAS_PARAMS  XPDK_BIT(31)		/**< parameter headers follow */
#define XPDK_DFHV1_CSR_SIZE	   XPDK_GENMASK(63, 32) /**< register block size in bytes */

/**
 * Parameter header. NEXT is in 8-byte units (dfl.c: size += next * sizeof(u64)); it also
 * gives the size of the last parameter, so it is never 0. An early DFHv1 patch used bits 63:32
 * as a byte offset; the merged kernel uses 63:35 in qwords, which is what we follow.
 */
#define XPDK_DFHV1_PARAM_ID	     XPDK_GENMASK(15, 0)  /**< parameter ID */
#define XPDK_DFHV1_PARAM_VERSION     XPDK_GENMASK(31, 16) /**< parameter version */
#define XPDK_DFHV1_PARAM_EOP	     XPDK_BIT(32)	  /**< end of parameters */
#define XPDK_DFHV1_PARAM_NEXT	     XPDK_GENMASK(63, 35) /**< offset to next header, 8-byte units */
#define XPDK_DFHV1_PARAM_NEXT_UNIT   8			  /**< bytes per NEXT unit */
#define XPDK_DFHV1_PARAM_DATA	     0x08		  /**< data offset from its header */
#define XPDK_DFHV1_PARAM_ID_MSIX     0x1		  /**< MSI-X vectors parameter */
#define XPDK_DFHV1_PARAM_MSIX_STARTV XPDK_GENMASK(31, 0)  /**< MSI-X: first vector */
#define XPDK_DFHV1_PARAM_MSIX_NUMV   XPDK_GENMASK(63, 32) /**< MSI-X: number of vectors */

/* ---------------------------------------------------------------------------------------------
 * FME header (FIU, feature ID 0)
 */
/**
 * GUIDs in canonical order (GUID_H:GUID_L printed big-endian, as OPAE prints them; FME regs
 * L=0x82fe38f0f9e17764, H=0xbfaf2ae94a5246e3). Linux's guid_t view of the same bytes reads
 * "f9e17764-38f0-82fe-e346-524ae92aafbf".
 */
#define XPDK_FME_GUID		  "bfaf2ae9-4a52-46e3-82fe-38f0f9e17764"
#define XPDK_FME_HDR_CAP	  0x30		    /**< FME capability */
#define XPDK_FME_HDR_PORT_OFST(n) (0x38 + (n)*0x08) /**< port n offset register */
#define XPDK_FME_MAX_PORTS	  4    /**< port offset registers (Linux MAX_DFL_FPGA_PORT_NUM) */
#define XPDK_FME_HDR_BITSTREAM_ID 0x60 /**< bitstream ID */
#define XPDK_FME_HDR_BITSTREAM_MD 0x68 /**< bitstream metadata */

#define XPDK_FME_CAP_FABRIC_VERID XPDK_GENMASK(7, 0)   /**< fabric version ID */
#define XPDK_FME_CAP_SOCKET_ID	  XPDK_BIT(8)	       /**< socket ID */
#define XPDK_FME_CAP_PCIE0_LINK	  XPDK_BIT(12)	       /**< PCIe0 link available */
#define XPDK_FME_CAP_PCIE1_LINK	  XPDK_BIT(13)	       /**< PCIe1 link available */
#define XPDK_FME_CAP_COHR_LINK	  XPDK_BIT(14)	       /**< coherent link available */
#define XPDK_FME_CAP_IOMMU	  XPDK_BIT(16)	       /**< IOMMU available */
#define XPDK_FME_CAP_NUM_PORTS	  XPDK_GENMASK(19, 17) /**< number of ports */
#define XPDK_FME_CAP_ADDR_WIDTH	  XPDK_GENMASK(29, 24) /**< address bus width */
#define XPDK_FME_CAP_CACHE_SIZE	  XPDK_GENMASK(43, 32) /**< cache size in KiB */
#define XPDK_FME_CAP_CACHE_ASSOC  XPDK_GENMASK(47, 44) /**< cache associativity */

#define XPDK_FME_PORT_OFST_DFH XPDK_GENMASK(23, 0)  /**< offset of the port DFH in its BAR */
#define XPDK_FME_PORT_OFST_BAR XPDK_GENMASK(34, 32) /**< BAR holding the port */
#define XPDK_FME_PORT_OFST_ACC XPDK_BIT(55)	    /**< AFU MMIO access: 0 PF, 1 VF */
#define XPDK_FME_PORT_ACC_PF   0		    /**< port MMIO owned by the PF */
#define XPDK_FME_PORT_ACC_VF   1		    /**< port MMIO assigned to a VF */
#define XPDK_FME_PORT_OFST_IMP XPDK_BIT(60)	    /**< port implemented */
/** Newer dfl.h: BAR ID 7 means "no port here, skip" (FME_PORT_OFST_BAR_SKIP). */
#define XPDK_FME_PORT_BAR_SKIP 7

/**
 * Bitstream ID and metadata as DPDK's ifpga_defines.h (from OPAE) decodes them; Linux only
 * prints the raw values, and OFS FIMs may use other layouts.
 */
#define XPDK_FME_BS_ID_HASH  XPDK_GENMASK(31, 0)  /**< git repository hash of the build */
#define XPDK_FME_BS_ID_HSSI  XPDK_GENMASK(35, 32) /**< HSSI: 0 none, 1 PCIe-RP, 2 Ethernet */
#define XPDK_FME_BS_ID_PATCH XPDK_GENMASK(51, 48) /**< version patch */
#define XPDK_FME_BS_ID_MINOR XPDK_GENMASK(55, 52) /**< version minor */
#define XPDK_FME_BS_ID_MAJOR XPDK_GENMASK(59, 56) /**< version major */
#define XPDK_FME_BS_ID_DEBUG XPDK_GENMASK(63, 60) /**< version debug */
#define XPDK_FME_BS_MD_SEED  XPDK_GENMASK(3, 0)	  /**< synthesis seed */
#define XPDK_FME_BS_MD_DAY   XPDK_GENMASK(11, 4)  /**< synthesis day, 2 digits in 8 bits */
#define XPDK_FME_BS_MD_MONTH XPDK_GENMASK(19, 12) /**< synthesis month, 2 digits in 8 bits */
#define XPDK_FME_BS_MD_YEAR  XPDK_GENMASK(27, 20) /**< synthesis year, 2 digits in 8 bits */

/** FME private feature IDs (type XPDK_DFH_TYPE_PRIVATE under the FME) */
#define XPDK_FME_FEATURE_ID_THERMAL_MGMT 0x1 /**< thermal management */
#define XPDK_FME_FEATURE_ID_POWER_MGMT	 0x2 /**< power management */
#define XPDK_FME_FEATURE_ID_GLOBAL_IPERF 0x3 /**< global performance (integrated) */
#define XPDK_FME_FEATURE_ID_GLOBAL_ERR	 0x4 /**< global error */
#define XPDK_FME_FEATURE_ID_PR_MGMT	 0x5 /**< partial reconfiguration */
#define XPDK_FME_FEATURE_ID_HSSI	 0x6 /**< high-speed serial interface */
#define XPDK_FME_FEATURE_ID_GLOBAL_DPERF 0x7 /**< global performance (discrete) */

/** Thermal management (FME feature 0x1) */
#define XPDK_FME_THERM_THRESHOLD   0x08			/**< thresholds */
#define XPDK_FME_THERM_TH1	   XPDK_GENMASK(6, 0)	/**< threshold 1, degrees C */
#define XPDK_FME_THERM_TH1_EN	   XPDK_BIT(7)		/**< threshold 1 enable */
#define XPDK_FME_THERM_TH2	   XPDK_GENMASK(14, 8)	/**< threshold 2, degrees C */
#define XPDK_FME_THERM_TH2_EN	   XPDK_BIT(15)		/**< threshold 2 enable */
#define XPDK_FME_THERM_TRIP	   XPDK_GENMASK(30, 24) /**< trip threshold, degrees C */
#define XPDK_FME_THERM_TH1_STATUS  XPDK_BIT(32)		/**< threshold 1 reached */
#define XPDK_FME_THERM_TH2_STATUS  XPDK_BIT(33)		/**< threshold 2 reached */
#define XPDK_FME_THERM_TH1_POLICY  XPDK_BIT(44)		/**< 0: AP2 (90 %), 1: AP1 (50 %) */
#define XPDK_FME_THERM_RDSENSOR	   0x10			/**< sensor read-out, format 1 */
#define XPDK_FME_THERM_TEMPERATURE XPDK_GENMASK(6, 0)	/**< FPGA temperature, degrees C */
#define XPDK_FME_THERM_CAP	   0x20			/**< capability */
#define XPDK_FME_THERM_NO_THROTTLE XPDK_BIT(0)		/**< thresholds/throttling unsupported */

/** Power management (FME feature 0x2) */
#define XPDK_FME_PWR_STATUS	0x08		    /**< status */
#define XPDK_FME_PWR_CONSUMED	XPDK_GENMASK(17, 0) /**< power consumed, W */
#define XPDK_FME_PWR_LTR	XPDK_BIT(18)	    /**< latency tolerance reporting */
#define XPDK_FME_PWR_THRESHOLD	0x10		    /**< thresholds */
#define XPDK_FME_PWR_TH1	XPDK_GENMASK(6, 0)  /**< threshold 1, W */
#define XPDK_FME_PWR_TH2	XPDK_GENMASK(14, 8) /**< threshold 2, W */
#define XPDK_FME_PWR_TH1_STATUS XPDK_BIT(16)	    /**< threshold 1 reached */
#define XPDK_FME_PWR_TH2_STATUS XPDK_BIT(17)	    /**< threshold 2 reached */
#define XPDK_FME_PWR_XEON_LIMIT 0x18		    /**< Xeon power limit */
#define XPDK_FME_PWR_FPGA_LIMIT 0x20		    /**< FPGA power limit */
#define XPDK_FME_PWR_LIMIT	XPDK_GENMASK(14, 0) /**< limit, 0.1 W (both limit registers) */
#define XPDK_FME_PWR_LIMIT_EN	XPDK_BIT(15)	    /**< limit enabled (both limit registers) */

/** Global error (FME feature 0x4); write 1 to clear error bits */
#define XPDK_FME_ERR_FME_MASK	  0x08		      /**< FME error mask */
#define XPDK_FME_ERR_FME	  0x10		      /**< FME errors */
#define XPDK_FME_ERR_MBP	  XPDK_BIT(6)	      /**< MBP error (kept masked on revision 0) */
#define XPDK_FME_ERR_PCIE0_MASK	  0x18		      /**< PCIe0 error mask */
#define XPDK_FME_ERR_PCIE0	  0x20		      /**< PCIe0 errors */
#define XPDK_FME_ERR_PCIE1_MASK	  0x28		      /**< PCIe1 error mask */
#define XPDK_FME_ERR_PCIE1	  0x30		      /**< PCIe1 errors */
#define XPDK_FME_ERR_FIRST	  0x38		      /**< first error */
#define XPDK_FME_ERR_NEXT	  0x40		      /**< next error */
#define XPDK_FME_ERR_NONFAT_MASK  0x48		      /**< RAS non-fatal error mask */
#define XPDK_FME_ERR_NONFAT	  0x50		      /**< RAS non-fatal errors */
#define XPDK_FME_ERR_CATFAT_MASK  0x58		      /**< RAS catastrophic/fatal error mask */
#define XPDK_FME_ERR_CATFAT	  0x60		      /**< RAS catastrophic/fatal errors */
#define XPDK_FME_ERR_INJECT	  0x68		      /**< RAS error injection */
#define XPDK_FME_ERR_INJECT_BITS  XPDK_GENMASK(2, 0)  /**< error injection bits */
#define XPDK_FME_ERR_CAP	  0x70		      /**< error capability */
#define XPDK_FME_ERR_CAP_SUPP_INT XPDK_BIT(0)	      /**< interrupt supported */
#define XPDK_FME_ERR_CAP_INT_VECT XPDK_GENMASK(12, 1) /**< interrupt vector */

/** Partial reconfiguration (FME feature 0x5) */
#define XPDK_FME_PR_CTRL	  0x08		       /**< control */
#define XPDK_FME_PR_CTRL_RST	  XPDK_BIT(0)	       /**< reset the PR engine */
#define XPDK_FME_PR_CTRL_RST_ACK  XPDK_BIT(4)	       /**< PR engine reset acknowledged */
#define XPDK_FME_PR_CTRL_RGN_ID	  XPDK_GENMASK(9, 7)   /**< PR region (port) ID */
#define XPDK_FME_PR_CTRL_START	  XPDK_BIT(12)	       /**< request PR; cleared by HW when done */
#define XPDK_FME_PR_CTRL_COMPLETE XPDK_BIT(13)	       /**< all PR data pushed */
#define XPDK_FME_PR_STS		  0x10		       /**< status */
#define XPDK_FME_PR_STS_CREDIT	  XPDK_GENMASK(8, 0)   /**< free 32-bit slots in the PR FIFO */
#define XPDK_FME_PR_STS_BUSY	  XPDK_BIT(16)	       /**< PR operation in progress (0 idle) */
#define XPDK_FME_PR_STS_CTRLR	  XPDK_GENMASK(22, 20) /**< controller status */
#define XPDK_FME_PR_STS_HOST	  XPDK_GENMASK(27, 24) /**< host status */
#define XPDK_FME_PR_DATA	  0x18		       /**< bitstream data */
/** dfl-fme-mgr.c masks PR data with GENMASK(32, 0), one bit too wide for 32-bit words. */
#define XPDK_FME_PR_DATA_RAW	  XPDK_GENMASK(31, 0) /**< 32 bits of bitstream per write */
#define XPDK_FME_PR_ERR		  0x20		      /**< errors, write 1 to clear */
#define XPDK_FME_PR_ERR_OPERATION XPDK_BIT(0)	      /**< operation error */
#define XPDK_FME_PR_ERR_CRC	  XPDK_BIT(1)	      /**< CRC error */
#define XPDK_FME_PR_ERR_INCOMPAT  XPDK_BIT(2)	      /**< incompatible bitstream */
#define XPDK_FME_PR_ERR_PROTOCOL  XPDK_BIT(3)	      /**< data push protocol violated */
#define XPDK_FME_PR_ERR_FIFO_OVF  XPDK_BIT(4)	      /**< PR FIFO overflow */
#define XPDK_FME_PR_INTFC_ID_L	  0xa8		      /**< PR interface ID bits 63:0 */
#define XPDK_FME_PR_INTFC_ID_H	  0xb0		      /**< PR interface ID bits 127:64 */

/** Global performance (FME features 0x3/0x7) */
#define XPDK_FME_PERF_CACHE_CTRL   0x08			/**< cache counter control */
#define XPDK_FME_PERF_CACHE_CNTR0  0x10			/**< cache counter 0 */
#define XPDK_FME_PERF_CACHE_CNTR1  0x18			/**< cache counter 1 */
#define XPDK_FME_PERF_FAB_CTRL	   0x20			/**< fabric counter control */
#define XPDK_FME_PERF_FAB_CNTR	   0x28			/**< fabric counter */
#define XPDK_FME_PERF_CLK_CNTR	   0x30			/**< clock counter (no reset/freeze) */
#define XPDK_FME_PERF_RESET_CNTR   XPDK_BIT(0)		/**< *_CTRL: reset counters */
#define XPDK_FME_PERF_FREEZE_CNTR  XPDK_BIT(8)		/**< *_CTRL: freeze counters */
#define XPDK_FME_PERF_CTRL_EVNT	   XPDK_GENMASK(19, 16) /**< *_CTRL: event selector */
#define XPDK_FME_PERF_FAB_CNTR_VAL XPDK_GENMASK(59, 0)	/**< FAB_CNTR: count */
#define XPDK_FME_PERF_CNTR_EVNT	   XPDK_GENMASK(63, 60) /**< *_CNTR: event counted */

/* ---------------------------------------------------------------------------------------------
 * Port header (FIU, feature ID 1)
 */
#define XPDK_PORT_GUID		  "3ab49893-138d-42eb-9642-b06c6b355b87" /**< the port header's GUID */
#define XPDK_PORT_HDR_CAP	  0x30					 /**< capability */
#define XPDK_PORT_HDR_CTRL	  0x38					 /**< control */
#define XPDK_PORT_HDR_STS	  0x40					 /**< status */
#define XPDK_PORT_HDR_USRCLK_CMD0 0x50 /**< user clock command 0 */
#define XPDK_PORT_HDR_USRCLK_CMD1 0x58 /**< user clock command 1 */
#define XPDK_PORT_HDR_USRCLK_STS0 0x60 /**< user clock status 0 */
#define XPDK_PORT_HDR_USRCLK_STS1 0x68 /**< user clock status 1 */

#define XPDK_PORT_CAP_PORT_NUM	XPDK_GENMASK(1, 0)   /**< port number */
#define XPDK_PORT_CAP_MMIO_SIZE XPDK_GENMASK(23, 8)  /**< AFU MMIO size, KiB */
#define XPDK_PORT_CAP_NUM_IRQS	XPDK_GENMASK(35, 32) /**< number of interrupts */

#define XPDK_PORT_CTRL_SFTRST	  XPDK_BIT(0) /**< port soft reset */
#define XPDK_PORT_CTRL_LATENCY	  XPDK_BIT(2) /**< latency tolerance: 1 >= 40 us, 0 < 40 us */
#define XPDK_PORT_CTRL_SFTRST_ACK XPDK_BIT(4) /**< soft reset acknowledged by HW */

#define XPDK_PORT_STS_PWR_STATE	     XPDK_GENMASK(11, 8) /**< AFU power state */
#define XPDK_PORT_STS_PWR_STATE_NORM 0			 /**< normal */
#define XPDK_PORT_STS_PWR_STATE_AP1  1			 /**< 50 % throttling */
#define XPDK_PORT_STS_PWR_STATE_AP2  2			 /**< 90 % throttling */
#define XPDK_PORT_STS_PWR_STATE_AP6  6			 /**< 100 % throttling */
#define XPDK_PORT_STS_AP1_EVT	     XPDK_BIT(12)	 /**< AP1 event detected */
#define XPDK_PORT_STS_AP2_EVT	     XPDK_BIT(13)	 /**< AP2 event detected */

/** Port private feature IDs (type XPDK_DFH_TYPE_PRIVATE under a port) */
#define XPDK_PORT_FEATURE_ID_ERROR 0x10 /**< port error */
#define XPDK_PORT_FEATURE_ID_UMSG  0x11 /**< UMsg */
#define XPDK_PORT_FEATURE_ID_UINT  0x12 /**< user interrupt */
#define XPDK_PORT_FEATURE_ID_STP   0x13 /**< signal tap */
/** User clock as a port feature (OFS); not in Linux's dfl.h and not verified in a public header. */
#define XPDK_PORT_FEATURE_ID_USRCLK 0x14

/** Port error (port feature 0x10) */
#define XPDK_PORT_ERR_MASK	     0x08 /**< error mask */
#define XPDK_PORT_ERR		     0x10 /**< errors, write 1 to clear */
#define XPDK_PORT_ERR_FIRST	     0x18 /**< first error */
#define XPDK_PORT_ERR_MALFORMED_REQ0 0x20 /**< first malformed request, bits 63:0 */
#define XPDK_PORT_ERR_MALFORMED_REQ1 0x28 /**< first malformed request, bits 127:64 */

/** AFU */
#define XPDK_AFU_MMIO_SIZE 0x40000 /**< typical AFU MMIO region, 256 KiB */

/* DFL locator: Intel vendor-specific extended capability in config space (Linux dfl-pci.c
 * find_dfls_by_vsec); offsets from the capability header */
#define XPDK_DFL_VSEC_VENDOR   0x8086 /**< the VSEC is Intel's (PCI vendor of the function) */
#define XPDK_DFL_VSEC_ID       0x43   /**< VSEC ID of the DFL locator */
#define XPDK_DFL_VSEC_NUM_DFLS 0x08   /**< number of DFLs */
#define XPDK_DFL_VSEC_DFL_RES  0x0c   /**< one DWORD per DFL from here */
#define XPDK_DFL_VSEC_RES_BIR  XPDK_GENMASK(2, 0) /**< BAR holding the DFL */
#define XPDK_DFL_VSEC_RES_OFST                                                                     \
	XPDK_GENMASK(31, 3) /**< its offset in the BAR (bits kept in place) */

#endif /* XPDK_DFL_REGS_H */
