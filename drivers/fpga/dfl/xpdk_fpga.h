/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * The DFL FPGA driver: OPAE PCIe FPGAs (PAC A10 GX, D5005, N3000, N6000/N6001, their VFs, and
 * any function whose BAR 0 starts with an FME or port DFH), discovered by walking the Device
 * Feature List with lib/dfl.
 *
 *  - FME: capability, ports, bitstream ID and metadata, PR interface ID, temperature, power,
 *    global errors (read, clear), the fabric performance counters;
 *  - ports: capability, AFU ID, soft reset with acknowledgement, port errors;
 *  - the AFU's MMIO window as a view of BAR 0;
 *  - partial reconfiguration from an OPAE green bitstream (GBS) file, refused before anything is
 *    streamed when its interface ID is not the FME's;
 *  - OPAE's host exercisers HE-LB and HE-MEM (xpdk_opae_he_regs.h), as OPAE's host_exerciser
 *    drives them: lpbk, read, write and trput tests, request lengths, continuous mode with forced
 *    completion, the completion interrupt (xpdk_helb_*);
 *  - XPDK's own test exerciser AFU (xpdk_he_regs.h, xpdk_he_*), which devsim serves for tests
 *    and the pipeline example: read, write and copy runs with repeats, pattern and checksum.
 *
 * Usage: xpdk_fpga_open("vfio-user:/run/xpdk/devsim/dfl-fpga0.sock") or a PCI address, or
 * xpdk_fpga_get() on a device probed with xpdk_dev_probe(). Calls on one FPGA are not
 * thread-safe; errors are negative errnos with the last-error sentence (xpdk_strerror_last()).
 */

#ifndef XPDK_FPGA_H
#define XPDK_FPGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xpdk_dev.h"
#include "xpdk_dfl.h"
#include "xpdk_env.h"
#include "xpdk_he_regs.h"
#include "xpdk_opae_he_regs.h"

#ifdef __cplusplus
extern "C" {
#endif
XPDK_API_BEGIN

struct xpdk_fpga;

/** Timeout of port reset acknowledgement and PR status polling, in milliseconds. */
#define XPDK_FPGA_TIMEOUT_MS 1000

/** @name Opening */
/**@{*/
/**
 * Open device @p name, probe it and return its FPGA; NULL with the last-error sentence.
 * @param name a PCI address or vfio-user:PATH.
 * @return the FPGA, or NULL with the last-error sentence.
 */
struct xpdk_fpga *xpdk_fpga_open(const char *name);
/**
 * Close an FPGA from xpdk_fpga_open() (and its device). NULL is ignored.
 * @param fpga the FPGA, or NULL.
 */
void xpdk_fpga_close(struct xpdk_fpga *fpga);
/**
 * The FPGA of a device the dfl driver is bound to, or NULL with the last-error sentence.
 * @param dev the device.
 * @return the FPGA, or NULL.
 */
struct xpdk_fpga *xpdk_fpga_get(struct xpdk_dev *dev);
/**
 * The device under the FPGA.
 * @param fpga the FPGA.
 * @return its device.
 */
struct xpdk_dev *xpdk_fpga_dev(const struct xpdk_fpga *fpga);
/**@}*/

/**
 * Where the driver found the FPGA's Device Feature Lists: those the PCIe vendor-specific
 * capability (VSEC ID 0x43) lists, as current kernels look first, else BAR 0 offset 0.
 * @param fpga the FPGA.
 * @param[out] locs up to @p max lists (BAR, offset).
 * @param max entries in @p locs.
 * @param[out] from_vsec true when the VSEC listed them; may be NULL.
 * @return the number of lists (1 to XPDK_DFL_MAX_LISTS).
 */
int xpdk_fpga_dfl_lists(const struct xpdk_fpga *fpga, struct xpdk_dfl_loc *locs, unsigned int max,
			bool *from_vsec);

/** @name FME */
/**@{*/
/** What the FME header and its features say (xpdk_fpga_fme_info()). */
struct xpdk_fpga_fme_info {
	bool present;			  /**< false on a VF (no FME): the rest is zero */
	unsigned int fabric_version;	  /**< FME_CAP fabric version ID */
	unsigned int socket_id;		  /**< FME_CAP socket ID */
	unsigned int num_ports;		  /**< ports the FME lists */
	unsigned int addr_width;	  /**< bits */
	bool iommu;			  /**< FME_CAP: IOMMU available */
	bool pcie0_link;		  /**< FME_CAP: PCIe0 link available */
	bool pcie1_link;		  /**< FME_CAP: PCIe1 link available */
	bool coherent_link;		  /**< FME_CAP: coherent link available */
	uint64_t bitstream_id;		  /**< raw */
	uint64_t bitstream_md;		  /**< raw */
	unsigned int bs_major;		  /**< bitstream version, major (decoded as OPAE does) */
	unsigned int bs_minor;		  /**< bitstream version, minor */
	unsigned int bs_patch;		  /**< bitstream version, patch */
	unsigned int bs_debug;		  /**< bitstream version, debug */
	uint32_t bs_hash;		  /**< bitstream hash */
	unsigned int synth_year;	  /**< synthesis date, 2-digit year */
	unsigned int synth_month;	  /**< synthesis date, month */
	unsigned int synth_day;		  /**< synthesis date, day */
	unsigned int synth_seed;	  /**< synthesis seed */
	struct xpdk_guid pr_interface_id; /**< zero without a PR feature */
	bool has_thermal;		  /**< the thermal management feature is present */
	bool has_power;			  /**< the power management feature is present */
	bool has_errors;		  /**< the global error feature is present */
	bool has_perf;			  /**< the performance counter feature is present */
	bool has_pr;			  /**< the partial reconfiguration feature is present */
};
/**
 * Read the FME header, capability and bitstream registers.
 * @param fpga the FPGA.
 * @param[out] info what they say (present false, the rest zero, on a VF).
 * @return 0, or a negative errno from the region access.
 */
int xpdk_fpga_fme_info(struct xpdk_fpga *fpga, struct xpdk_fpga_fme_info *info);

/**
 * FPGA temperature in degrees C (thermal management feature). -ENOTSUP without it.
 * @param fpga the FPGA.
 * @param[out] celsius the temperature.
 * @return 0, -ENOTSUP, or a negative errno.
 */
int xpdk_fpga_temperature(struct xpdk_fpga *fpga, unsigned int *celsius);
/**
 * Power consumed in watts (power management feature). -ENOTSUP without it.
 * @param fpga the FPGA.
 * @param[out] watts the power.
 * @return 0, -ENOTSUP, or a negative errno.
 */
int xpdk_fpga_power(struct xpdk_fpga *fpga, unsigned int *watts);

/** The global error registers. */
struct xpdk_fpga_errors {
	uint64_t fme;	   /**< FME error bits (write 1 to clear) */
	uint64_t pcie0;	   /**< PCIe0 error bits */
	uint64_t pcie1;	   /**< PCIe1 error bits */
	uint64_t nonfatal; /**< RAS non-fatal error bits */
	uint64_t catfatal; /**< RAS catastrophic and fatal error bits */
	uint64_t first;	   /**< first error */
	uint64_t next;	   /**< next error */
};
/**
 * Read the global error registers.
 * @param fpga the FPGA.
 * @param[out] e their values (zero without the error feature).
 * @return 0, or a negative errno from the region access.
 */
int xpdk_fpga_errors(struct xpdk_fpga *fpga, struct xpdk_fpga_errors *e);
/**
 * @param fpga the FPGA.
 * Clear every error bit that is set (write 1 to clear); @return 0 or an error.
 */
int xpdk_fpga_errors_clear(struct xpdk_fpga *fpga);
/**
 * Describe the set bits of @p e as "catfatal bit 11, nonfatal bit 6" into @p buf ("none" when
 * @param e the errors.
 * @param[out] buf the text.
 * @param len size of @p buf.
 * clean). @return the length written, as snprintf.
 */
int xpdk_fpga_errors_format(const struct xpdk_fpga_errors *e, char *buf, size_t len);

/**
 * Fabric performance counter of @p event (0 PCIe0 reads, 1 PCIe0 writes, 6/7 MMIO …).
 * @param fpga the FPGA.
 * @param event the event number.
 * @param[out] count the counter.
 * @return 0, -ENOTSUP without the performance feature, -EINVAL for an event out of 0..15, or
 *         a negative errno.
 */
int xpdk_fpga_perf_fabric(struct xpdk_fpga *fpga, unsigned int event, uint64_t *count);
/**
 * The fabric clock counter.
 * @param fpga the FPGA.
 * @param[out] ticks the counter.
 * @return 0, -ENOTSUP without the performance feature, or a negative errno.
 */
int xpdk_fpga_perf_clock(struct xpdk_fpga *fpga, uint64_t *ticks);
/**@}*/

/** @name Ports and AFUs */
/**@{*/
#define XPDK_FPGA_MAX_PORTS 4 /**< ports the FME can list */

/**
 * Ports found (on a PF, those the FME lists in BAR 0; on a VF, the one at offset 0).
 * @param fpga the FPGA.
 * @return the number of ports.
 */
unsigned int xpdk_fpga_num_ports(const struct xpdk_fpga *fpga);

/** What a port header says (xpdk_fpga_port_info()). */
struct xpdk_fpga_port_info {
	uint64_t offset;	 /**< of the port DFH in BAR 0 */
	unsigned int number;	 /**< port number (capability) */
	uint64_t mmio_size;	 /**< AFU MMIO size, bytes */
	unsigned int num_irqs;	 /**< interrupts of the port's AFU */
	bool in_reset;		 /**< the port is held in soft reset */
	uint64_t afu_offset;	 /**< of the AFU DFH in BAR 0; 0 when there is none */
	struct xpdk_guid afu_id; /**< the AFU's GUID (zero without an AFU) */
	/** released to a VF (xpdk_fpga_port_release()): the PF does not reach the port, only
	 *  @c offset and @c number (its FME port register) are filled */
	bool released;
};
/**
 * Read a port's header and its AFU's ID.
 * @param fpga the FPGA.
 * @param port the port index, 0 to xpdk_fpga_num_ports() - 1.
 * @param[out] pi what they say.
 * @return 0, -EINVAL for a port that does not exist, or a negative errno.
 */
int xpdk_fpga_port_info(struct xpdk_fpga *fpga, unsigned int port, struct xpdk_fpga_port_info *pi);

/**
 * Soft-reset @p port: assert, wait for the acknowledgement, release, wait until it clears.
 * @param fpga the FPGA.
 * @param port the port index, 0 to xpdk_fpga_num_ports() - 1.
 * @return 0, or -ETIMEDOUT naming the port and the state seen, or an I/O error.
 */
int xpdk_fpga_port_reset(struct xpdk_fpga *fpga, unsigned int port);

/**
 * Read a port's error bits.
 * @param fpga the FPGA.
 * @param port the port index.
 * @param[out] errors the bits (0 when the port has no error feature).
 * @return 0, -EINVAL for a port that does not exist, or a negative errno.
 */
int xpdk_fpga_port_errors(struct xpdk_fpga *fpga, unsigned int port, uint64_t *errors);
/**
 * Clear every error bit of a port that is set (write 1 to clear).
 * @param fpga the FPGA.
 * @param port the port index.
 * @return 0, -EINVAL for a port that does not exist, or a negative errno.
 */
int xpdk_fpga_port_errors_clear(struct xpdk_fpga *fpga, unsigned int port);

/**
 * The AFU window of @p port: BAR 0 and the offset and size of the AFU's MMIO. Access it with
 * xpdk_region_read/write(region, base + off, …), or the fast path when region->map is set.
 */
struct xpdk_fpga_afu {
	const struct xpdk_region *region; /**< BAR 0 */
	uint64_t base;			  /**< offset of the AFU's MMIO in the region */
	uint64_t size;			  /**< bytes of AFU MMIO */
};
/**
 * The AFU window of a port.
 * @param fpga the FPGA.
 * @param port the port index.
 * @param[out] afu the window.
 * @return 0, -EINVAL for a port that does not exist, -ENODEV when it has no AFU.
 */
int xpdk_fpga_afu(struct xpdk_fpga *fpga, unsigned int port, struct xpdk_fpga_afu *afu);

/**
 * Walk the AFU's own feature list (when its DFH is not the end of a list, or always just the
 * AFU header), calling @p cb as xpdk_dfl_walk() does.
 * @param fpga the FPGA.
 * @param port the port index, 0 to xpdk_fpga_num_ports() - 1.
 * @param cb called for each feature.
 * @param arg passed to @p cb.
 * @return as xpdk_dfl_walk().
 */
int xpdk_fpga_afu_walk(struct xpdk_fpga *fpga, unsigned int port, xpdk_dfl_cb cb, void *arg);
/**@}*/

/**
 * @name Virtualization
 * A port with its AFU moves from the PF to a VF as Linux's DFL driver moves it: release it
 * from the PF (DFL_FPGA_FME_PORT_RELEASE: the FME's PORTn access control becomes VF), enable
 * as many VFs as ports were released (sriov_numvfs), open the VF (its BAR 0 starts with the
 * port's DFL; this driver probes it by its ID or that DFH); back: disable the VFs, assign the
 * port (DFL_FPGA_FME_PORT_ASSIGN). The release is recorded in the FME register itself (a
 * user-space driver keeps no state between processes), so from then on the PF does not reach
 * the port: xpdk_fpga_port_info() reports it released and other port calls fail with -EBUSY.
 */
/**@{*/
/**
 * Release @p port from the PF for a VF, as DFL_FPGA_FME_PORT_RELEASE.
 * @param fpga the PF's FPGA.
 * @param port the port index (FME port register order).
 * @return 0; -EINVAL for a port that does not exist; -ENOTSUP on a VF (no FME); -EBUSY when it
 *         is released already or in use (its exerciser attached or its DMA engine open in this
 *         process); -EIO when the FME does not take the bit; or an I/O error.
 */
int xpdk_fpga_port_release(struct xpdk_fpga *fpga, unsigned int port);
/**
 * Give a released @p port back to the PF, as DFL_FPGA_FME_PORT_ASSIGN, and find its features
 * and AFU again.
 * @param fpga the PF's FPGA.
 * @param port the port index.
 * @return 0; -EINVAL, -ENOTSUP as xpdk_fpga_port_release(); -EBUSY when the port is not
 *         released or VFs are enabled (a VF owns it: xpdk_fpga_sriov_configure(fpga, 0) first);
 *         -EIO; or an I/O error.
 */
int xpdk_fpga_port_assign(struct xpdk_fpga *fpga, unsigned int port);

/** A PF's SR-IOV state (xpdk_fpga_sriov_info()). */
struct xpdk_fpga_sriov {
	uint16_t total_vfs;    /**< TotalVFs */
	uint16_t num_vfs;      /**< NumVFs */
	bool enabled;	       /**< VF Enable */
	uint16_t vf_device;    /**< VF Device ID */
	uint16_t first_offset; /**< First VF Offset (routing IDs) */
	uint16_t stride;       /**< VF Stride */
	unsigned int released; /**< ports released to VFs */
};
/**
 * Read the PF's SR-IOV capability.
 * @param fpga the PF's FPGA.
 * @param[out] s what it says (zeroed on error).
 * @return 0; -ENOTSUP without an SR-IOV capability (a VF, or a devsim PF served on --fd); or
 *         an I/O error.
 */
int xpdk_fpga_sriov_info(struct xpdk_fpga *fpga, struct xpdk_fpga_sriov *s);
/**
 * Enable @p num_vfs VFs (NumVFs, then VF Enable and VF Memory Space Enable in the SR-IOV
 * capability) or, with 0, disable them, as writing sriov_numvfs does with the dfl-pci driver.
 * Asking for what is already set does nothing.
 * @param fpga the PF's FPGA.
 * @param num_vfs VFs wanted, 0 to disable.
 * @return 0; -ENOTSUP without SR-IOV; -ERANGE above TotalVFs; -EBUSY when other VFs are
 *         enabled already, or when the device refuses to disable VFs that are in use (devsim:
 *         a VF with a client); -EINVAL when @p num_vfs is not the number of released ports
 *         (each VF owns one); or an I/O error.
 */
int xpdk_fpga_sriov_configure(struct xpdk_fpga *fpga, unsigned int num_vfs);
/**
 * The name to open VF @p vf of the PF by (xpdk_fpga_open()): for a PCI PF its address, from
 * the First VF Offset and VF Stride; for a devsim PF "vfio-user:" and its socket path without
 * ".sock", then "-vfN.sock" (devsim's convention for virtual functions).
 * @param fpga the PF's FPGA.
 * @param vf the VF index, below TotalVFs.
 * @param[out] buf the name.
 * @param len size of @p buf.
 * @return 0; -ENOTSUP without SR-IOV; -EINVAL for a VF out of range or a PF name that gives
 *         none; -ENAMETOOLONG when @p buf is too small.
 */
int xpdk_fpga_vf_name(struct xpdk_fpga *fpga, unsigned int vf, char *buf, size_t len);
/**@}*/

/** @name Green bitstreams and partial reconfiguration */
/**@{*/
/** GBS file GUID, the first 16 bytes of every GBS file ("XeonFPGA·GBSv001"). */
#define XPDK_GBS_GUID	  "58656f6e-4650-4741-b747-425376303031"
#define XPDK_GBS_MAX_AFUS 8 /**< accelerator clusters a GBS file may describe */

/** What a GBS header says. Pointers point into the buffer that was parsed. */
struct xpdk_gbs_info {
	struct xpdk_guid interface_id;		    /**< afu-image.interface-uuid */
	unsigned int num_afus;			    /**< accelerator clusters */
	struct xpdk_guid afu_id[XPDK_GBS_MAX_AFUS]; /**< their accelerator-type-uuid */
	char afu_name[XPDK_GBS_MAX_AFUS][64];	    /**< their names ("" if none) */
	uint64_t magic_no;	  /**< afu-image.magic-no (488605312 in OPAE's files) */
	unsigned int version;	  /**< metadata "version" */
	char platform[64];	  /**< "platform-name", "" if none */
	const uint8_t *bitstream; /**< the raw bitstream after the metadata */
	size_t bitstream_len;	  /**< bytes of raw bitstream */
	size_t metadata_len;	  /**< bytes of JSON metadata */
};

/**
 * Parse a GBS file image: GUID, metadata length, JSON metadata (json-c).
 * @param buf the file image.
 * @param len its length.
 * @param[out] info what the header says.
 * @return 0, or -EINVAL with a sentence saying what is wrong (not a GBS, truncated, bad JSON,
 *         missing interface-uuid …).
 */
int xpdk_gbs_parse(const void *buf, size_t len, struct xpdk_gbs_info *info);

/**
 * Read and parse a GBS file; *image receives the file (free() it).
 * @param path the file.
 * @param[out] image the file contents.
 * @param[out] len their length.
 * @param[out] info what the header says.
 * @return 0, a negative errno from reading, or as xpdk_gbs_parse().
 */
int xpdk_gbs_load(const char *path, void **image, size_t *len, struct xpdk_gbs_info *info);

/**
 * Partially reconfigure @p port with the GBS image @p gbs: check the interface ID against the
 * FME's (refused with -EINVAL, printing both IDs, and nothing streamed), hold the port in
 * reset, reset the PR engine, stream the bitstream through the PR data register within the
 * credits the status register grants, complete, check the PR error register (decoded in the
 * error sentence, -EIO), release the port and check that the AFU ID is the bitstream's.
 * @p progress, when not NULL, is called with bytes streamed and total now and then.
 * @param fpga the FPGA.
 * @param port the port index, 0 to xpdk_fpga_num_ports() - 1.
 * @param gbs the GBS file image.
 * @param len its length.
 * @param progress called now and then, or NULL.
 * @param arg passed to @p progress.
 * @return 0, -EINVAL, -EIO or -ETIMEDOUT with the last-error sentence.
 */
int xpdk_fpga_pr(struct xpdk_fpga *fpga, unsigned int port, const void *gbs, size_t len,
		 void (*progress)(size_t done, size_t total, void *arg), void *arg);

/**
 * Describe PR error bits ("CRC error, incompatible bitstream") into @p buf.
 * @param err the PR error register.
 * @param[out] buf the text.
 * @param len size of @p buf.
 * @return the length written, as snprintf.
 */
int xpdk_fpga_pr_errors_format(uint64_t err, char *buf, size_t len);
/**@}*/

/** @name Host exerciser */
/**@{*/
/**
 * A run of the host exerciser. Zero-initialise it (`= {0}`, designated initialisers or memset):
 * a member added after XPDK 0.1 is read only when its bit is set in @p comp_mask, and a bit this
 * library does not know makes xpdk_he_run() fail with -EINVAL (doc/sdk.md).
 */
struct xpdk_he_cfg {
	uint32_t comp_mask;		/**< which extension members are set (XPDK_HE_CFG_KNOWN) */
	unsigned int mode;		/**< XPDK_HE_MODE_READ/WRITE/COPY */
	const struct xpdk_dma_buf *src; /**< read, copy: source (>= lines * 64 bytes) */
	struct xpdk_dma_buf *dst;	/**< write, copy: destination */
	uint64_t lines;			/**< 64-byte lines per pass, 1 … XPDK_HE_MAX_LINES */
	uint32_t repeat;		/**< passes (0 means 1) */
	uint64_t pattern;		/**< write mode's 64-bit word */
	bool irq;			/**< wait for the completion interrupt instead of polling */
	int timeout_ms;			/**< 0: XPDK_FPGA_TIMEOUT_MS + 1 ms per MiB moved */
};

/** The comp_mask bits struct xpdk_he_cfg knows in this version: none yet. */
#define XPDK_HE_CFG_KNOWN 0u

/** What a run did, from the DSM. */
struct xpdk_he_result {
	uint64_t lines_read;	/**< 64-byte lines the device read */
	uint64_t lines_written; /**< 64-byte lines the device wrote */
	uint64_t bytes;		/**< bytes moved (read + written lines, 64 bytes each) */
	uint64_t device_ns;	/**< duration the device measured */
	uint64_t host_ns;	/**< from start to completion seen by the host */
	uint64_t checksum;	/**< read mode: XOR of the 64-bit words of one pass */
	unsigned int error;	/**< XPDK_HE_ERR_* */
	uint64_t error_addr;	/**< IOVA of a fault */
};

/**
 * Check that @p port's AFU is the host exerciser and prepare it (a DSM buffer, interrupts).
 * @param fpga the FPGA.
 * @param port the port index, 0 to xpdk_fpga_num_ports() - 1.
 * @return 0, -ENODEV naming the AFU ID found otherwise.
 */
int xpdk_he_attach(struct xpdk_fpga *fpga, unsigned int port);

/**
 * Run the exerciser and wait for its completion in the DSM (or its interrupt).
 * @param fpga an FPGA attached with xpdk_he_attach().
 * @param cfg the run.
 * @param[out] res what the run did.
 * @return 0 when the run completed without error; -EIO with the device's error decoded (the
 *         result still filled); -ETIMEDOUT (the run is stopped); -EINVAL for a bad
 *         configuration caught before starting (buffer too small, beyond the DMA mask,
 *         comp_mask bits this library does not know …).
 */
int xpdk_he_run(struct xpdk_fpga *fpga, const struct xpdk_he_cfg *cfg, struct xpdk_he_result *res);

/**
 * Start a run without waiting for it (the asynchronous half of xpdk_he_run(), for poll loops):
 * check the configuration, program the exerciser and ring the start doorbell. One run is in
 * flight at a time; complete it with xpdk_he_poll() or cancel it with xpdk_he_stop().
 * @param fpga the FPGA, attached with xpdk_he_attach().
 * @param cfg the run (as for xpdk_he_run(); unknown comp_mask bits are refused).
 * @return 0 when started; -EBUSY while a run is in flight, -EINVAL for a bad configuration
 *         (as xpdk_he_run()), or an MMIO error. Not thread-safe on one FPGA.
 */
int xpdk_he_start(struct xpdk_fpga *fpga, const struct xpdk_he_cfg *cfg);

/**
 * Check, without blocking or any syscall (one load from the DSM in host memory), whether the run
 * in flight has completed.
 * @param fpga the FPGA.
 * @param res filled when the run completed.
 * @return 1 when it completed (@p res filled, a new run may start), 0 while it runs, -EIO when it
 *         completed with a device error (@p res filled, the error decoded in the sentence),
 *         -EINVAL when no run is in flight.
 */
int xpdk_he_poll(struct xpdk_fpga *fpga, struct xpdk_he_result *res);

/**
 * Stop the run in flight, if any, and wait until the exerciser is idle.
 * @param fpga the FPGA.
 * @return 0 or a negative errno (the exerciser did not go idle).
 */
int xpdk_he_stop(struct xpdk_fpga *fpga);

/**
 * The eventfd of the exerciser's completion interrupt (runs started with cfg.irq), for an epoll
 * set or an XPDK_POLL_EVENT handler.
 * @param fpga the FPGA.
 * @return the fd, or -1 when the function has no interrupt (runs then poll).
 */
int xpdk_he_irq_fd(const struct xpdk_fpga *fpga);

/**
 * Consume the completion interrupt signalled on xpdk_he_irq_fd() and re-arm it (INTx unmask).
 * Does not block.
 * @param fpga the FPGA.
 * @return the number of interrupts counted (0 when none was pending), or a
 * negative errno (-ENOTSUP without an interrupt).
 */
int xpdk_he_irq_ack(struct xpdk_fpga *fpga);

/**
 * Name of an exerciser error code ("source read fault", …).
 * @param code XPDK_HE_ERR_*.
 * @return a static string, never NULL.
 */
const char *xpdk_he_strerror(unsigned int code);
/**@}*/

/** @name OPAE host exerciser (HE-LB, HE-MEM) */
/**@{*/
/** What an attached HE-LB or HE-MEM says about itself (its INFO0 register). */
struct xpdk_helb_info {
	bool mem;		    /**< HE-MEM (local memory behind it), else HE-LB */
	unsigned int clock_mhz;	    /**< AFU clock, MHz (DSM ticks run at it) */
	unsigned int api_version;   /**< INFO0 API version */
	bool atomics;		    /**< atomic functions supported */
	unsigned int bus_bytes;	    /**< host bus width, bytes (API >= 3, else 64) */
	unsigned int mem_bus_bytes; /**< local-memory bus width, bytes (API >= 4, else 0) */
	unsigned int max_req_lines; /**< longest request, lines: 16 (API >= 2) or 8 */
};

/**
 * Check that @p port's AFU is OPAE's HE-LB or HE-MEM and prepare it: a 2 KiB DSM buffer,
 * interrupts (MSI, else INTx) when the port has one, the exerciser reset (CTL 0 then 1) as OPAE's
 * host_exerciser does.
 * @param fpga the FPGA.
 * @param port the port index, 0 to xpdk_fpga_num_ports() - 1.
 * @param[out] info what INFO0 says, or NULL.
 * @return 0, -ENODEV naming the AFU ID found otherwise, or a negative errno.
 */
int xpdk_helb_attach(struct xpdk_fpga *fpga, unsigned int port, struct xpdk_helb_info *info);

/**
 * A test of HE-LB/HE-MEM. Zero-initialise it: members added later are read only when their bit
 * is set in @p comp_mask, and unknown bits are refused with -EINVAL (doc/sdk.md).
 */
struct xpdk_helb_cfg {
	uint32_t comp_mask;		/**< extension members set (XPDK_HELB_CFG_KNOWN) */
	unsigned int mode;		/**< XPDK_OPAE_HE_MODE_LPBK, _READ, _WRITE or _TRPUT */
	const struct xpdk_dma_buf *src; /**< lpbk, read, trput: source (>= lines * 64 bytes) */
	struct xpdk_dma_buf *dst;	/**< lpbk, write, trput: destination */
	uint64_t lines;			/**< cache lines per pass, 1 … 2^32, a multiple of req */
	unsigned int req_lines;		/**< request length: 1, 2, 4, 8 or 16 lines (0 means 1) */
	bool continuous;		/**< repeat until xpdk_helb_stop() */
	bool irq;	/**< interrupt on completion (wait on it in xpdk_helb_run) */
	int timeout_ms; /**< 0: XPDK_FPGA_TIMEOUT_MS + 1 ms per MiB */
};

/** The comp_mask bits struct xpdk_helb_cfg knows in this version: none yet. */
#define XPDK_HELB_CFG_KNOWN 0u

/** What a test did, from the DSM. */
struct xpdk_helb_result {
	uint64_t reads;		 /**< cache lines read (num_reads) */
	uint64_t writes;	 /**< cache lines written (num_writes) */
	uint64_t ticks;		 /**< AFU clock ticks the test took (num_ticks) */
	uint64_t device_ns;	 /**< ticks at the INFO0 clock, in ns */
	uint64_t host_ns;	 /**< from start to completion seen by the host */
	uint32_t err_vector;	 /**< the DSM's error vector (0: no error) */
	unsigned int dsm_number; /**< the DSM's sequence number */
};

/**
 * Start a test without waiting (CFG, addresses as cache-line addresses, NUM_LINES as count - 1,
 * CTL = ResetL | Start). One test at a time.
 * @param fpga the FPGA, attached with xpdk_helb_attach().
 * @param cfg the test.
 * @return 0; -EINVAL for a bad configuration (nothing written), -EBUSY while a test runs, or
 *         an MMIO error.
 */
int xpdk_helb_start(struct xpdk_fpga *fpga, const struct xpdk_helb_cfg *cfg);

/**
 * Check without blocking (one load from the DSM) whether the test completed.
 * @param fpga the FPGA.
 * @param[out] res filled when it completed.
 * @return 1 completed, 0 running, -EIO completed with errors (res filled, decoded in the
 *         sentence), -ETIMEDOUT past the deadline of a test that is not continuous (stopped),
 *         -EINVAL when no test runs.
 */
int xpdk_helb_poll(struct xpdk_fpga *fpga, struct xpdk_helb_result *res);

/**
 * End the test in flight with ForcedTestCmpl (CTL = ResetL | ForcedTestCmpl), as OPAE ends a
 * continuous test, and wait for its DSM.
 * @param fpga the FPGA.
 * @param[out] res what the test did, or NULL.
 * @return 0 (also when no test ran: res zeroed), -EIO with errors, -ETIMEDOUT when the DSM did
 *         not come within XPDK_FPGA_TIMEOUT_MS (the exerciser is then reset).
 */
int xpdk_helb_stop(struct xpdk_fpga *fpga, struct xpdk_helb_result *res);

/**
 * Run a test that is not continuous and wait for it: spinning on the DSM, or on the interrupt
 * with cfg->irq.
 * @param fpga the FPGA, attached.
 * @param cfg the test (continuous is refused: use start and stop).
 * @param[out] res what it did.
 * @return as xpdk_helb_start() and xpdk_helb_poll().
 */
int xpdk_helb_run(struct xpdk_fpga *fpga, const struct xpdk_helb_cfg *cfg,
		  struct xpdk_helb_result *res);

/**
 * The exerciser's STATUS0 counters (lines since reset).
 * @param fpga the FPGA, attached.
 * @param[out] reads numReads.
 * @param[out] writes numWrites.
 * @return 0 or a negative errno.
 */
int xpdk_helb_counters(struct xpdk_fpga *fpga, uint64_t *reads, uint64_t *writes);

/**
 * OPAE host_exerciser's name of a mode ("lpbk", "read", "write", "trput").
 * @param mode XPDK_OPAE_HE_MODE_*.
 * @return a static string; "?" for an unknown mode.
 */
const char *xpdk_helb_mode_name(unsigned int mode);
/**@}*/

XPDK_API_END
#ifdef __cplusplus
}
#endif

#endif /* XPDK_FPGA_H */
