/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * The device model: devices opened by name over a transport, their regions (BARs and config
 * space) with an inline fast path and a checked slow path, interrupts as eventfds, and drivers
 * that register with an ID table and are matched and probed.
 *
 * Names users type: a PCI address ("0000:3f:00.0" or "3f:00.0") for the kernel's vfio-pci, or
 * "vfio-user:PATH" for a device served over vfio-user (e.g. by xpdk-devsim). A driver never
 * knows which transport is behind its device.
 *
 * Ownership: xpdk_dev_open() returns a device the caller closes with xpdk_dev_close(); regions
 * belong to the device and live until it is closed. A device is used by one thread at a time,
 * except for the region fast path, which any thread may use.
 */

#ifndef XPDK_DEV_H
#define XPDK_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_io.h>

#include "xpdk_common.h"
#include "xpdk_pci.h"

#ifdef __cplusplus
extern "C" {
#endif
XPDK_API_BEGIN

struct xpdk_dev;

/** @name Region indices (as VFIO's) */
/**@{*/
#define XPDK_REGION_BAR0 0 /**< BAR 0; BARs 1 to 5 follow */
#define XPDK_REGION_ROM 6 /**< expansion ROM */
#define XPDK_REGION_CONFIG 7 /**< PCI configuration space */
#define XPDK_DEV_MAX_REGIONS 9 /**< regions of a PCI device */
/**@}*/

/** @name Region flags */
/**@{*/
#define XPDK_REGION_F_READ (1u << 0)  /**< readable */
#define XPDK_REGION_F_WRITE (1u << 1) /**< writable */
#define XPDK_REGION_F_MMAP (1u << 2)  /**< at least part of it is mapped for the fast path */
/**@}*/

#define XPDK_REGION_MAX_AREAS 8 /**< mapped parts a region may have */

/** A mapped part of a region. */
struct xpdk_region_area {
	uint64_t offset; /**< within the region */
	uint64_t size; /**< bytes */
	uint8_t *ptr;    /**< where it is mapped */
};

/** A region of a device (a BAR, the ROM or config space). Owned by the device. */
struct xpdk_region {
	struct xpdk_dev *dev; /**< the device it belongs to */
	unsigned int index; /**< region index, XPDK_REGION_* */
	uint64_t size;  /**< 0 when the device has no such region */
	uint32_t flags; /**< XPDK_REGION_F_* */
	/** The whole region mapped: the fast-path accessors below use it. NULL when only parts
	 *  (or nothing) are mapped; then use the checked calls. */
	uint8_t *map;
	unsigned int nareas; /**< mapped parts (sparse mmap) */
	struct xpdk_region_area areas[XPDK_REGION_MAX_AREAS]; /**< the mapped parts */
};

/**
 * @name Fast path
 * Plain MMIO loads and stores on a mapped region (r->map != NULL), with DPDK's I/O barriers: a
 * write is ordered after earlier writes to normal memory (a descriptor, then its doorbell), a
 * read before later reads of normal memory. No checks, no syscalls, no locks: validate offsets
 * once at setup. Callable from any thread.
 */
/**@{*/
/**
 * @fn static inline uint8_t xpdk_region_read8(const struct xpdk_region *r, uint64_t off)
 * Read 8 bits at @p off of a mapped region.
 * @param r a region whose map is not NULL.
 * @param off byte offset, naturally aligned, within the region (not checked).
 * @return the value read.
 */
/**
 * @fn static inline uint16_t xpdk_region_read16(const struct xpdk_region *r, uint64_t off)
 * Read 16 bits at @p off of a mapped region.
 * @param r a region whose map is not NULL.
 * @param off byte offset, naturally aligned, within the region (not checked).
 * @return the value read.
 */
/**
 * @fn static inline uint32_t xpdk_region_read32(const struct xpdk_region *r, uint64_t off)
 * Read 32 bits at @p off of a mapped region.
 * @param r a region whose map is not NULL.
 * @param off byte offset, naturally aligned, within the region (not checked).
 * @return the value read.
 */
/**
 * @fn static inline uint64_t xpdk_region_read64(const struct xpdk_region *r, uint64_t off)
 * Read 64 bits at @p off of a mapped region.
 * @param r a region whose map is not NULL.
 * @param off byte offset, naturally aligned, within the region (not checked).
 * @return the value read.
 */
/**
 * @fn static inline void xpdk_region_write8(const struct xpdk_region *r, uint64_t off, uint8_t v)
 * Write 8 bits at @p off of a mapped region.
 * @param r a region whose map is not NULL.
 * @param off byte offset, naturally aligned, within the region (not checked).
 * @param v the value.
 */
/**
 * @fn static inline void xpdk_region_write16(const struct xpdk_region *r, uint64_t off, uint16_t v)
 * Write 16 bits at @p off of a mapped region.
 * @param r a region whose map is not NULL.
 * @param off byte offset, naturally aligned, within the region (not checked).
 * @param v the value.
 */
/**
 * @fn static inline void xpdk_region_write32(const struct xpdk_region *r, uint64_t off, uint32_t v)
 * Write 32 bits at @p off of a mapped region.
 * @param r a region whose map is not NULL.
 * @param off byte offset, naturally aligned, within the region (not checked).
 * @param v the value.
 */
/**
 * @fn static inline void xpdk_region_write64(const struct xpdk_region *r, uint64_t off, uint64_t v)
 * Write 64 bits at @p off of a mapped region.
 * @param r a region whose map is not NULL.
 * @param off byte offset, naturally aligned, within the region (not checked).
 * @param v the value.
 */
static inline uint8_t xpdk_region_read8(const struct xpdk_region *r, uint64_t off)
{
	return rte_read8(r->map + off);
}
static inline uint16_t xpdk_region_read16(const struct xpdk_region *r, uint64_t off)
{
	return rte_read16(r->map + off);
}
static inline uint32_t xpdk_region_read32(const struct xpdk_region *r, uint64_t off)
{
	return rte_read32(r->map + off);
}
static inline uint64_t xpdk_region_read64(const struct xpdk_region *r, uint64_t off)
{
	return rte_read64(r->map + off);
}
static inline void xpdk_region_write8(const struct xpdk_region *r, uint64_t off, uint8_t v)
{
	rte_write8(v, r->map + off);
}
static inline void xpdk_region_write16(const struct xpdk_region *r, uint64_t off, uint16_t v)
{
	rte_write16(v, r->map + off);
}
static inline void xpdk_region_write32(const struct xpdk_region *r, uint64_t off, uint32_t v)
{
	rte_write32(v, r->map + off);
}
static inline void xpdk_region_write64(const struct xpdk_region *r, uint64_t off, uint64_t v)
{
	rte_write64(v, r->map + off);
}
/**@}*/

/**
 * @name Checked path
 * For tools, scripts and slow paths: offset, width (8, 16, 32 or 64 bits) and natural
 * alignment are checked and an error is returned instead of a fault. Mapped parts are accessed
 * directly, the rest through the transport (vfio-user REGION_READ/WRITE, or pread/pwrite on the
 * vfio device). Errors: -EINVAL (bad width or alignment), -ERANGE (past the end), -ENODEV (no
 * such region), each with a sentence naming the region and its size.
 */
/**@{*/
/**
 * Read @p width bits at @p off.
 * @param r the region.
 * @param off byte offset in the region.
 * @param width 8, 16, 32 or 64.
 * @param[out] val the value read.
 * @return 0, or a negative errno as above.
 */
int xpdk_region_read(const struct xpdk_region *r, uint64_t off, unsigned int width,
		     uint64_t *val);
/**
 * Write the low @p width bits of @p val at @p off.
 * @param r the region.
 * @param off byte offset in the region.
 * @param width 8, 16, 32 or 64.
 * @param val the value.
 * @return 0, or a negative errno as above.
 */
int xpdk_region_write(const struct xpdk_region *r, uint64_t off, unsigned int width,
		      uint64_t val);
/**
 * Write @p count 32-bit words from @p src at consecutive offsets from @p off.
 * @param r the region.
 * @param off byte offset of the first word, 4-byte aligned.
 * @param src the words.
 * @param count how many.
 * @return 0, or a negative errno as above.
 */
int xpdk_region_write_burst32(const struct xpdk_region *r, uint64_t off, const uint32_t *src,
			      size_t count);
/**
 * Write @p value to @p count consecutive 32-bit registers from @p off.
 * @param r the region.
 * @param off byte offset of the first register, 4-byte aligned.
 * @param value the value.
 * @param count how many registers.
 * @return 0, or a negative errno as above.
 */
int xpdk_region_memset32(const struct xpdk_region *r, uint64_t off, uint32_t value,
			 size_t count);
/**@}*/

/** @name Devices */
/**@{*/

/** What is known of an open device. */
struct xpdk_dev_info {
	char name[280];      /**< as opened, canonical ("0000:3f:00.0", "vfio-user:/run/…") */
	const char *transport; /**< "vfio" or "vfio-user" */
	uint16_t vendor, device, subsystem_vendor, subsystem_device;
	uint32_t class_code; /**< 24 bits: base class, subclass, interface */
	unsigned int num_regions; /**< regions (XPDK_DEV_MAX_REGIONS for PCI) */
	unsigned int num_irqs; /**< IRQ index types (INTx, MSI, MSI-X, …) */
	bool can_reset; /**< xpdk_dev_reset() is supported */
};
/** @var xpdk_dev_info::vendor
 * PCI vendor ID. */
/** @var xpdk_dev_info::device
 * PCI device ID. */
/** @var xpdk_dev_info::subsystem_vendor
 * PCI subsystem vendor ID. */
/** @var xpdk_dev_info::subsystem_device
 * PCI subsystem ID. */

/**
 * Open a device by name, map the mappable parts of its regions, enable bus mastering, and give
 * the device the environment's DMA memory.
 *
 * DMA memory (doc/memory.md): the device can reach every buffer from xpdk_dma_alloc() at its
 * IOVA, including memory EAL adds later. For a PCI function the kernel's IOMMU does this
 * through EAL's VFIO container, which needs the environment: opening one before
 * xpdk_env_init() fails with -EINVAL. A vfio-user device may be opened before
 * xpdk_env_init(): registers, configuration space, interrupts and reset work at once (as
 * xpdk-io uses them), and the memory is mapped to it from within xpdk_env_init(), when it
 * exists; xpdk_dev_dma_reachable() says so until then.
 *
 * @param name a PCI address or "vfio-user:PATH".
 * @return the device, or NULL with errno and the last-error sentence set (for a vfio-user
 *         device, also when the server refuses the memory, e.g. more maps than it takes).
 */
struct xpdk_dev *xpdk_dev_open(const char *name);

/**
 * Remove the driver (if probed), disable interrupts, unmap and close. NULL is ignored.
 * @param dev the device, or NULL.
 */
void xpdk_dev_close(struct xpdk_dev *dev);

/**
 * The device's information.
 * @param dev the device.
 * @return its information, valid while it is open.
 */
const struct xpdk_dev_info *xpdk_dev_info(const struct xpdk_dev *dev);

/**
 * Region @p index (0 … XPDK_DEV_MAX_REGIONS-1), or NULL with the last-error sentence.
 * @param dev the device.
 * @param index the region index.
 * @return the region, owned by the device, or NULL.
 */
const struct xpdk_region *xpdk_dev_region(const struct xpdk_dev *dev, unsigned int index);

/**
 * @param dev the device.
 * Reset the device. @return 0, -ENOTSUP when it cannot be reset, or a negative errno.
 */
int xpdk_dev_reset(struct xpdk_dev *dev);

/**
 * Read config space bytes (region 7) through the transport.
 * @param dev the device.
 * @param off offset in config space.
 * @param[out] buf where to read.
 * @param len bytes.
 * @return 0, or a negative errno with the last-error sentence.
 */
int xpdk_dev_cfg_read(struct xpdk_dev *dev, uint64_t off, void *buf, size_t len);
/**
 * Write config space bytes (region 7) through the transport.
 * @param dev the device.
 * @param off offset in config space.
 * @param buf what to write.
 * @param len bytes.
 * @return 0, or a negative errno with the last-error sentence.
 */
int xpdk_dev_cfg_write(struct xpdk_dev *dev, uint64_t off, const void *buf, size_t len);
/**@}*/

/** @name Interrupts */
/**@{*/
#define XPDK_IRQ_INTX 0 /**< IRQ type: legacy INTx */
#define XPDK_IRQ_MSI 1 /**< IRQ type: MSI */
#define XPDK_IRQ_MSIX 2 /**< IRQ type: MSI-X */

/**
 * Number of vectors of IRQ type @p type (0 when the device has none).
 * @param dev the device.
 * @param type the IRQ type, XPDK_IRQ_*.
 * @return the number of vectors.
 */
int xpdk_dev_irq_count(struct xpdk_dev *dev, unsigned int type);

/**
 * Enable @p count vectors of IRQ type @p type, each signalling its own eventfd (created here,
 * owned by the device). Enabling another type first disables the current one.
 * @param dev the device.
 * @param type the IRQ type, XPDK_IRQ_*.
 * @param count vectors to enable.
 * @return 0 or a negative errno.
 */
int xpdk_dev_irq_enable(struct xpdk_dev *dev, unsigned int type, unsigned int count);

/**
 * Disable the enabled IRQ type and close its eventfds.
 * @param dev the device.
 */
void xpdk_dev_irq_disable(struct xpdk_dev *dev);

/**
 * The eventfd of vector @p vector (for the caller's own epoll), or -1.
 * @param dev the device.
 * @param vector the vector.
 * @return the eventfd, owned by the device, or -1.
 */
int xpdk_dev_irq_fd(const struct xpdk_dev *dev, unsigned int vector);

/**
 * Wait until vector @p vector fires, at most @p timeout_ms (-1: forever), and re-arm it
 * @param dev the device.
 * @param vector the vector.
 * @param timeout_ms how long to wait, in milliseconds; -1: forever.
 * (unmask, for INTx). @return the number of interrupts counted (>= 1), -ETIMEDOUT, or a negative
 * errno.
 */
int xpdk_dev_irq_wait(struct xpdk_dev *dev, unsigned int vector, int timeout_ms);
/**@}*/

/** @name DMA */
/**@{*/
/**
 * Limit the device addresses it can use (e.g. (1 << 28) - 1 for edu). Default: all 64 bits.
 * @param dev the device.
 * @param mask the mask of the addresses it can use.
 */
void xpdk_dev_set_dma_mask(struct xpdk_dev *dev, uint64_t mask);

/**
 * Check that the device can reach [@p iova, @p iova + @p len): within its DMA mask.
 * @param dev the device.
 * @param iova the first device address.
 * @param len bytes.
 * @return 0, or -ERANGE with a sentence giving the address, the mask and what to do.
 */
int xpdk_dev_dma_check(const struct xpdk_dev *dev, uint64_t iova, uint64_t len);

/**
 * Check that [@p iova, @p iova + @p len) is mapped to the device, i.e. that it lies in the
 * environment's DMA memory as the device was given it (see doc/memory.md). A setup-path check
 * (it takes a lock), e.g. before starting a DMA engine on a buffer.
 *
 * @param dev  the device.
 * @param iova first device address.
 * @param len  bytes, at least 1.
 * @return 0; -EFAULT naming the first address not mapped (and, before xpdk_env_init(), that
 *         memory is mapped when the environment starts); -ENOTSUP when the device's transport
 *         does no DMA; -EINVAL for an empty or wrapping range. Thread-safe.
 */
int xpdk_dev_dma_reachable(struct xpdk_dev *dev, uint64_t iova, uint64_t len);
/**@}*/

/** @name Drivers */
/**@{*/
/** Match any value of a field of struct xpdk_pci_id. */
#define XPDK_PCI_ANY_ID 0xffff

/** One entry of a driver's ID table; a table ends with an entry whose vendor is 0. */
struct xpdk_pci_id {
	uint16_t vendor; /**< vendor ID, or XPDK_PCI_ANY_ID */
	uint16_t device; /**< device ID, or XPDK_PCI_ANY_ID */
	uint16_t subsystem_vendor; /**< XPDK_PCI_ANY_ID (or 0) for any */
	uint16_t subsystem_device; /**< XPDK_PCI_ANY_ID (or 0) for any */
	const char *description;   /**< shown by `xpdk-io ls` */
};

/** A driver. */
struct xpdk_driver {
	const char *name; /**< the driver name ("edu", "dfl") */
	const struct xpdk_pci_id *id_table; /**< devices it drives, ended by a zero vendor */
	/** Optional: claim a device by its content (e.g. a DFL in BAR0) when no ID matches.
	 *  @return true to claim it. */
	bool (*match)(struct xpdk_dev *dev);
	/** Set up the device; priv_size bytes of zeroed state are at xpdk_dev_priv(). */
	int (*probe)(struct xpdk_dev *dev);
	/** Undo probe. */
	void (*remove)(struct xpdk_dev *dev);
	size_t priv_size; /**< bytes of per-device state */
};

/**
 * Register a driver (done at load time by XPDK_DRIVER_REGISTER).
 * @param drv the driver, which must outlive the program.
 */
void xpdk_driver_register(const struct xpdk_driver *drv);

/** Register @p drv when the program loads. */
#define XPDK_DRIVER_REGISTER(drv)                                                                  \
	__attribute__((constructor)) static void xpdk_driver_register_##drv(void)                  \
	{                                                                                          \
		xpdk_driver_register(&(drv));                                                      \
	}

/**
 * The driver whose ID table matches these IDs, and the matching entry, or NULL.
 * @param vendor vendor ID.
 * @param device device ID.
 * @param svendor subsystem vendor ID.
 * @param sdevice subsystem ID.
 * @param[out] entry the matching entry (may be NULL).
 * @return the driver, or NULL.
 */
const struct xpdk_driver *xpdk_driver_lookup(uint16_t vendor, uint16_t device, uint16_t svendor,
					     uint16_t sdevice, const struct xpdk_pci_id **entry);

/**
 * Find the driver for @p dev (ID table first, then content match) and probe it.
 * @param dev the device.
 * @return 0, -ENOENT when no driver matches, or the probe's error.
 */
int xpdk_dev_probe(struct xpdk_dev *dev);

/**
 * The driver bound by xpdk_dev_probe(), or NULL.
 * @param dev the device.
 * @return the driver, or NULL.
 */
const struct xpdk_driver *xpdk_dev_driver(const struct xpdk_dev *dev);

/**
 * The bound driver's private state.
 * @param dev the device.
 * @return the driver's per-device state (priv_size bytes), or NULL.
 */
void *xpdk_dev_priv(const struct xpdk_dev *dev);
/**@}*/

XPDK_API_END
#ifdef __cplusplus
}
#endif

#endif /* XPDK_DEV_H */
