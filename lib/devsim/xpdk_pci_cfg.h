/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * An emulated PCI configuration space for simulated devices: type-0 header with IDs, class,
 * command/status, BARs that size themselves as hardware does (write all-ones, read back the
 * size mask), an interrupt pin, and a capability list (MSI, MSI-X, PCI Express).
 *
 * Each byte has a write mask (as hardware has read-only and read-write bits), so a client may
 * write anything anywhere and only the writable bits change. Not thread-safe: the owner
 * serialises accesses (the vfio-user server thread does).
 */

#ifndef XPDK_PCI_CFG_H
#define XPDK_PCI_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/pci_regs.h>

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif
XPDK_API_BEGIN

/* Register offsets and bits: the kernel's <linux/pci_regs.h>, the one source XPDK uses. */

/** An emulated configuration space. */
struct xpdk_pci_cfg {
	uint8_t data[PCI_CFG_SPACE_EXP_SIZE];  /**< current contents */
	uint8_t wmask[PCI_CFG_SPACE_EXP_SIZE]; /**< writable bits of each byte */
	size_t size;			       /**< 256 or 4096 */
	uint64_t bar_size[PCI_STD_NUM_BARS];   /**< size of each BAR, 0 when absent */
	uint8_t bar_used; /**< bit n: BAR slot n taken (64-bit BARs take two) */
	uint8_t next_cap; /**< where the next capability goes */
	uint8_t msi_cap;  /**< offset of the MSI capability, 0 if none */
	uint8_t msix_cap; /**< offset of the MSI-X capability, 0 if none */
};

/** Identity of a PCI function. */
struct xpdk_pci_ids {
	uint16_t vendor;	   /**< vendor ID */
	uint16_t device;	   /**< device ID */
	uint16_t subsystem_vendor; /**< subsystem vendor ID */
	uint16_t subsystem;	   /**< subsystem ID */
	uint32_t class_code;	   /**< 24 bits: base class, subclass, programming interface */
	uint8_t revision;	   /**< revision ID */
};

/**
 * Initialise a configuration space with a type-0 header.
 * @param[out] cfg the configuration space.
 * @param ids the function's identity.
 * @param express  true for a 4 KiB PCI Express space (a PCIe capability is added), false for
 *                 a 256-byte conventional one.
 */
void xpdk_pci_cfg_init(struct xpdk_pci_cfg *cfg, const struct xpdk_pci_ids *ids, bool express);

/**
 * Declare memory BAR @p bar of @p size bytes (a power of two, at least 16).
 * A 64-bit BAR also takes the next BAR slot.
 * @param cfg the configuration space.
 * @param bar BAR index, 0 to 5.
 * @param size bytes.
 * @param mem64 a 64-bit BAR.
 * @param prefetch prefetchable.
 * @return 0, or -EINVAL for a bad index, size or slot already in use.
 */
int xpdk_pci_cfg_bar(struct xpdk_pci_cfg *cfg, unsigned int bar, uint64_t size, bool mem64,
		     bool prefetch);

/**
 * Set the interrupt pin (1 = INTA#; 0 = none).
 * @param cfg the configuration space.
 * @param pin the pin.
 */
void xpdk_pci_cfg_intx(struct xpdk_pci_cfg *cfg, uint8_t pin);

/**
 * Add an MSI capability with @p vectors (1, 2, 4 … 32) vectors and 64-bit addresses.
 * @param cfg the configuration space.
 * @param vectors how many.
 * @return 0 or -ENOSPC / -EINVAL.
 */
int xpdk_pci_cfg_msi(struct xpdk_pci_cfg *cfg, unsigned int vectors);

/**
 * Add an MSI-X capability of @p vectors entries whose table and PBA live in @p bar at
 * @p table_off and @p pba_off.
 * @param cfg the configuration space.
 * @param vectors table entries.
 * @param bar the BAR of the table and the PBA.
 * @param table_off offset of the table in @p bar.
 * @param pba_off offset of the pending bit array in @p bar.
 * @return 0 or -ENOSPC / -EINVAL.
 */
int xpdk_pci_cfg_msix(struct xpdk_pci_cfg *cfg, unsigned int vectors, unsigned int bar,
		      uint32_t table_off, uint32_t pba_off);

/** What an SR-IOV capability says about a PF's virtual functions (xpdk_pci_cfg_sriov()). */
struct xpdk_pci_sriov {
	uint16_t total_vfs;    /**< TotalVFs (and InitialVFs) */
	uint16_t vf_device;    /**< VF Device ID */
	uint16_t first_offset; /**< First VF Offset, in routing IDs */
	uint16_t stride;       /**< VF Stride */
	uint64_t vf_bar0_size; /**< each VF's BAR 0 (64-bit memory), a power of two */
};

/**
 * Add an SR-IOV extended capability (PCIe ID 0x10, version 1, PCI_EXT_CAP_SRIOV_SIZEOF bytes)
 * at @p at of a PCI Express space, linked at the end of the extended capability list (the
 * first one must sit at 0x100). Writable: VF Enable, VF Memory Space Enable, ARI Capable
 * Hierarchy, NumVFs, System Page Size and the VF BAR 0 address bits. Page sizes: 4 KiB and
 * up, System Page Size 4 KiB at power-on.
 * @param cfg the configuration space (4 KiB).
 * @param at offset of the capability, a multiple of 4 in 0x100 … 0xfc0.
 * @param sr what the capability says.
 * @return 0, or -EINVAL for a bad place, size or a conventional space.
 */
int xpdk_pci_cfg_sriov(struct xpdk_pci_cfg *cfg, unsigned int at, const struct xpdk_pci_sriov *sr);

/**
 * Read @p len bytes at @p off. Bytes past the end of the space read as 0xff.
 * @param cfg the configuration space.
 * @param off offset in the space.
 * @param[out] buf where to read.
 * @param len bytes.
 * @return 0, or -EINVAL when the range is out of the space.
 */
int xpdk_pci_cfg_read(const struct xpdk_pci_cfg *cfg, uint64_t off, void *buf, size_t len);

/**
 * Write @p len bytes at @p off through the write masks: read-only bits keep their value.
 * @param cfg the configuration space.
 * @param off offset in the space.
 * @param buf what to write.
 * @param len bytes.
 * @return 0, or -EINVAL when the range is out of the space.
 */
int xpdk_pci_cfg_write(struct xpdk_pci_cfg *cfg, uint64_t off, const void *buf, size_t len);

/**
 * Read a little-endian 16-bit register.
 * @param cfg the configuration space.
 * @param off the register offset.
 * @return its value.
 */
uint16_t xpdk_pci_cfg_get16(const struct xpdk_pci_cfg *cfg, unsigned int off);

/**
 * Read a little-endian 32-bit register.
 * @param cfg the configuration space.
 * @param off the register offset.
 * @return its value.
 */
uint32_t xpdk_pci_cfg_get32(const struct xpdk_pci_cfg *cfg, unsigned int off);

/**
 * True when the MSI capability exists and its enable bit is set.
 * @param cfg the configuration space.
 * @return whether the driver enabled MSI.
 */
bool xpdk_pci_cfg_msi_enabled(const struct xpdk_pci_cfg *cfg);

/**
 * True when bus mastering (DMA) is enabled in the command register.
 * @param cfg the configuration space.
 * @return whether the driver enabled bus mastering.
 */
bool xpdk_pci_cfg_bus_master(const struct xpdk_pci_cfg *cfg);

XPDK_API_END
#ifdef __cplusplus
}
#endif

#endif /* XPDK_PCI_CFG_H */
