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

#ifdef __cplusplus
extern "C" {
#endif

/** @name Standard header offsets and bits (PCI Local Bus spec 3.0, type-0 header) */
/**@{*/
#define XPDK_PCI_VENDOR_ID 0x00
#define XPDK_PCI_DEVICE_ID 0x02
#define XPDK_PCI_COMMAND 0x04
#define XPDK_PCI_COMMAND_IO (1u << 0)
#define XPDK_PCI_COMMAND_MEMORY (1u << 1)
#define XPDK_PCI_COMMAND_MASTER (1u << 2)
#define XPDK_PCI_COMMAND_INTX_DISABLE (1u << 10)
#define XPDK_PCI_STATUS 0x06
#define XPDK_PCI_STATUS_CAP_LIST (1u << 4)
#define XPDK_PCI_REVISION_ID 0x08
#define XPDK_PCI_CLASS_PROG 0x09
#define XPDK_PCI_CLASS_DEVICE 0x0a
#define XPDK_PCI_HEADER_TYPE 0x0e
#define XPDK_PCI_BAR0 0x10
#define XPDK_PCI_BAR_MEM_64 (2u << 1)
#define XPDK_PCI_BAR_PREFETCH (1u << 3)
#define XPDK_PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define XPDK_PCI_SUBSYSTEM_ID 0x2e
#define XPDK_PCI_CAPABILITY_LIST 0x34
#define XPDK_PCI_INTERRUPT_LINE 0x3c
#define XPDK_PCI_INTERRUPT_PIN 0x3d
/**@}*/

/** @name Capability IDs and the registers XPDK emulates */
/**@{*/
#define XPDK_PCI_CAP_ID_MSI 0x05
#define XPDK_PCI_CAP_ID_EXP 0x10
#define XPDK_PCI_CAP_ID_MSIX 0x11
#define XPDK_PCI_MSI_FLAGS 2 /* message control */
#define XPDK_PCI_MSI_FLAGS_ENABLE (1u << 0)
#define XPDK_PCI_MSI_FLAGS_64BIT (1u << 7)
#define XPDK_PCI_MSIX_FLAGS_ENABLE (1u << 15)
#define XPDK_PCI_MSIX_FLAGS_MASKALL (1u << 14)
/**@}*/

#define XPDK_PCI_CFG_SIZE 256       /**< conventional PCI */
#define XPDK_PCIE_CFG_SIZE 4096     /**< PCI Express */
#define XPDK_PCI_NUM_BARS 6

/** An emulated configuration space. */
struct xpdk_pci_cfg {
	uint8_t data[XPDK_PCIE_CFG_SIZE];  /**< current contents */
	uint8_t wmask[XPDK_PCIE_CFG_SIZE]; /**< writable bits of each byte */
	size_t size;                       /**< 256 or 4096 */
	uint64_t bar_size[XPDK_PCI_NUM_BARS]; /**< size of each BAR, 0 when absent */
	uint8_t bar_used;                  /**< bit n: BAR slot n taken (64-bit BARs take two) */
	uint8_t next_cap;                  /**< where the next capability goes */
	uint8_t msi_cap;                   /**< offset of the MSI capability, 0 if none */
	uint8_t msix_cap;                  /**< offset of the MSI-X capability, 0 if none */
};

/** Identity of a PCI function. */
struct xpdk_pci_ids {
	uint16_t vendor;
	uint16_t device;
	uint16_t subsystem_vendor;
	uint16_t subsystem;
	uint32_t class_code; /**< 24 bits: base class, subclass, programming interface */
	uint8_t revision;
};

/**
 * Initialise a configuration space with a type-0 header.
 * @param express  true for a 4 KiB PCI Express space (a PCIe capability is added), false for
 *                 a 256-byte conventional one.
 */
void xpdk_pci_cfg_init(struct xpdk_pci_cfg *cfg, const struct xpdk_pci_ids *ids, bool express);

/**
 * Declare memory BAR @p bar of @p size bytes (a power of two, at least 16).
 * A 64-bit BAR also takes the next BAR slot.
 * @return 0, or -EINVAL for a bad index, size or slot already in use.
 */
int xpdk_pci_cfg_bar(struct xpdk_pci_cfg *cfg, unsigned int bar, uint64_t size, bool mem64,
		     bool prefetch);

/** Set the interrupt pin (1 = INTA#; 0 = none). */
void xpdk_pci_cfg_intx(struct xpdk_pci_cfg *cfg, uint8_t pin);

/**
 * Add an MSI capability with @p vectors (1, 2, 4 … 32) vectors and 64-bit addresses.
 * @return 0 or -ENOSPC / -EINVAL.
 */
int xpdk_pci_cfg_msi(struct xpdk_pci_cfg *cfg, unsigned int vectors);

/**
 * Add an MSI-X capability of @p vectors entries whose table and PBA live in @p bar at
 * @p table_off and @p pba_off.
 * @return 0 or -ENOSPC / -EINVAL.
 */
int xpdk_pci_cfg_msix(struct xpdk_pci_cfg *cfg, unsigned int vectors, unsigned int bar,
		      uint32_t table_off, uint32_t pba_off);

/**
 * Read @p len bytes at @p off. Bytes past the end of the space read as 0xff.
 * @return 0, or -EINVAL when the range is out of the space.
 */
int xpdk_pci_cfg_read(const struct xpdk_pci_cfg *cfg, uint64_t off, void *buf, size_t len);

/**
 * Write @p len bytes at @p off through the write masks: read-only bits keep their value.
 * @return 0, or -EINVAL when the range is out of the space.
 */
int xpdk_pci_cfg_write(struct xpdk_pci_cfg *cfg, uint64_t off, const void *buf, size_t len);

/** Read a little-endian 16-bit register. */
uint16_t xpdk_pci_cfg_get16(const struct xpdk_pci_cfg *cfg, unsigned int off);

/** Read a little-endian 32-bit register. */
uint32_t xpdk_pci_cfg_get32(const struct xpdk_pci_cfg *cfg, unsigned int off);

/** True when the MSI capability exists and its enable bit is set. */
bool xpdk_pci_cfg_msi_enabled(const struct xpdk_pci_cfg *cfg);

/** True when bus mastering (DMA) is enabled in the command register. */
bool xpdk_pci_cfg_bus_master(const struct xpdk_pci_cfg *cfg);

#ifdef __cplusplus
}
#endif

#endif /* XPDK_PCI_CFG_H */
