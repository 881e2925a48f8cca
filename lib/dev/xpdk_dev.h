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
struct xpdk_dma_buf;
struct xpdk_driver_ops;

/** @name Region indices (as VFIO's) */
/**@{*/
#define XPDK_REGION_BAR0     0 /**< BAR 0; BARs 1 to 5 follow */
#define XPDK_REGION_ROM	     6 /**< expansion ROM */
#define XPDK_REGION_CONFIG   7 /**< PCI configuration space */
#define XPDK_DEV_MAX_REGIONS 9 /**< regions of a PCI device */
/**@}*/

/** @name Region flags */
/**@{*/
#define XPDK_REGION_F_READ  (1u << 0) /**< readable */
#define XPDK_REGION_F_WRITE (1u << 1) /**< writable */
#define XPDK_REGION_F_MMAP  (1u << 2) /**< at least part of it is mapped for the fast path */
/**@}*/

#define XPDK_REGION_MAX_AREAS 8 /**< mapped parts a region may have */

/** A mapped part of a region. */
struct xpdk_region_area {
	uint64_t offset; /**< within the region */
	uint64_t size;	 /**< bytes */
	uint8_t *ptr;	 /**< where it is mapped */
};

/** A region of a device (a BAR, the ROM or config space). Owned by the device. */
struct xpdk_region {
	struct xpdk_dev *dev; /**< the device it belongs to */
	unsigned int index;   /**< region index, XPDK_REGION_* */
	uint64_t size;	      /**< 0 when the device has no such region */
	uint32_t flags;	      /**< XPDK_REGION_F_* */
	/** The whole region mapped: the fast-path accessors below use it. NULL when only parts
	 *  (or nothing) are mapped; then use the checked calls. */
	uint8_t *map;
	unsigned int nareas;				      /**< mapped parts (sparse mmap) */
	struct xpdk_region_area areas[XPDK_REGION_MAX_AREAS]; /**< the mapped parts */
};

/**
 * @name MMIO fast path: pointers checked once
 *
 * The data-path way to reach registers, as SPDK's spdk_mmio_read_4(const volatile uint32_t *):
 * take a pointer to a window of a region once at setup with xpdk_region_ptr() (range, mapping
 * and alignment are checked there), keep it in the object the hot loop holds, and access
 * registers with xpdk_mmio_read*() / xpdk_mmio_write*() at that pointer plus constant offsets.
 * Each access is one load or store instruction; nothing is checked or reloaded per access.
 *
 * Ordering, as DPDK's rte_read* / rte_write* (which these are) and Linux's readl/writel:
 *  - xpdk_mmio_write*(): rte_io_wmb(), then the store. Stores this thread made to normal
 *    memory (DMA buffers, descriptors) before the call are visible to the device before it
 *    sees the register write: fill a descriptor, then ring the doorbell. The MMIO store itself
 *    is posted: it may not have reached the device when the call returns.
 *  - xpdk_mmio_read*(): the load, then rte_io_rmb(). Loads of normal memory this thread makes
 *    after the call are not performed before the register read: read a completion register,
 *    then the DMA data the device wrote before it updated that register.
 *  - Not ordered by these calls: a register read against *earlier* stores to normal memory,
 *    and a register write against *later* loads or stores of normal memory; use rte_mb() where
 *    an algorithm needs those. Accesses to registers of one device are kept in program order
 *    (volatile accesses on an uncached mapping).
 *  - x86-64: both barriers are compiler barriers only (no instruction): the CPU keeps stores in
 *    order and loads in order, and vfio maps BARs uncached. On Arm64 they are DMB OSHST /
 *    DMB OSHLD. A compiler barrier makes the compiler reload anything it read from memory
 *    before it, which is why a hot loop keeps the register pointer in a local (or a register),
 *    not behind a struct pointer it dereferences every iteration.
 *
 * Pointers must be naturally aligned for the access width (xpdk_region_ptr() checks the
 * window's start; constant register offsets keep the rest aligned). No checks, no syscalls, no
 * locks: callable from any thread while the device is open. Behaviour on a pointer that
 * xpdk_region_ptr() did not return (or past the window it checked) is undefined.
 */
/**@{*/

/**
 * A pointer to bytes [@p off, @p off + @p len) of region @p r for the MMIO fast path, checked
 * once: call it at setup and keep the pointer.
 *
 * The window is taken as registers of width w, the largest of 8, 4, 2 and 1 bytes that divides
 * @p len; @p off must be a multiple of w (a window of 64-bit registers starts on an 8-byte
 * boundary; for one 32-bit register at 0x4 ask for 4 bytes at 0x4).
 *
 * @param r   a region of an open device (xpdk_dev_region()).
 * @param off byte offset of the window in the region.
 * @param len bytes of the window (> 0).
 * @return the address of byte @p off, valid until the device is closed; or NULL with errno
 *         and the last-error sentence set:
 *         EINVAL no region or @p len 0, or @p off not aligned to the window's register width;
 *         ENODEV the device has no such region;
 *         ERANGE the window ends past the region (or @p off + @p len overflows);
 *         ENXIO  the window is not wholly inside one mapped part of the region: those registers
 *                are trapped (vfio-user without mmap, a sparse-mmap hole) and only the
 *                checked calls (xpdk_region_read/write) reach them.
 * Thread safety: any thread; it only reads the region.
 */
volatile void *xpdk_region_ptr(const struct xpdk_region *r, uint64_t off, uint64_t len);

/**
 * Read an 8-bit register.
 * @param p a pointer from xpdk_region_ptr() (plus an offset within its window).
 * @return the value read. Later loads of normal memory are ordered after it (rte_io_rmb).
 */
static inline uint8_t xpdk_mmio_read8(const volatile void *p)
{
	return rte_read8(p);
}

/**
 * Read a 16-bit register (2-byte aligned).
 * @param p a pointer from xpdk_region_ptr() (plus an offset within its window).
 * @return the value read. Later loads of normal memory are ordered after it (rte_io_rmb).
 */
static inline uint16_t xpdk_mmio_read16(const volatile void *p)
{
	return rte_read16(p);
}

/**
 * Read a 32-bit register (4-byte aligned).
 * @param p a pointer from xpdk_region_ptr() (plus an offset within its window).
 * @return the value read. Later loads of normal memory are ordered after it (rte_io_rmb).
 */
static inline uint32_t xpdk_mmio_read32(const volatile void *p)
{
	return rte_read32(p);
}

/**
 * Read a 64-bit register (8-byte aligned) in one access.
 * @param p a pointer from xpdk_region_ptr() (plus an offset within its window).
 * @return the value read. Later loads of normal memory are ordered after it (rte_io_rmb).
 */
static inline uint64_t xpdk_mmio_read64(const volatile void *p)
{
	return rte_read64(p);
}

/**
 * Write an 8-bit register. Earlier stores to normal memory are visible to the device first
 * (rte_io_wmb); the write is posted.
 * @param p a pointer from xpdk_region_ptr() (plus an offset within its window).
 * @param v the value.
 */
static inline void xpdk_mmio_write8(volatile void *p, uint8_t v)
{
	rte_write8(v, p);
}

/**
 * Write a 16-bit register (2-byte aligned). Earlier stores to normal memory are visible to the
 * device first (rte_io_wmb); the write is posted.
 * @param p a pointer from xpdk_region_ptr() (plus an offset within its window).
 * @param v the value.
 */
static inline void xpdk_mmio_write16(volatile void *p, uint16_t v)
{
	rte_write16(v, p);
}

/**
 * Write a 32-bit register (4-byte aligned). Earlier stores to normal memory are visible to the
 * device first (rte_io_wmb); the write is posted.
 * @param p a pointer from xpdk_region_ptr() (plus an offset within its window).
 * @param v the value.
 */
static inline void xpdk_mmio_write32(volatile void *p, uint32_t v)
{
	rte_write32(v, p);
}

/**
 * Write a 64-bit register (8-byte aligned) in one access. Earlier stores to normal memory are
 * visible to the device first (rte_io_wmb); the write is posted.
 * @param p a pointer from xpdk_region_ptr() (plus an offset within its window).
 * @param v the value.
 */
static inline void xpdk_mmio_write64(volatile void *p, uint64_t v)
{
	rte_write64(v, p);
}

/**
 * @p p advanced by @p off bytes: the register at offset @p off of a window.
 * @param p   a pointer from xpdk_region_ptr().
 * @param off byte offset within the window xpdk_region_ptr() checked.
 * @return the register's address.
 */
static inline volatile void *xpdk_mmio_at(volatile void *p, uint64_t off)
{
	return (volatile uint8_t *)p + off;
}
/**@}*/

/**
 * @name Region fast path (convenience)
 * The same loads and stores as xpdk_mmio_*() at r->map + @p off, on a wholly mapped region
 * (r->map != NULL), unchecked. Each call reads r->map, and after the first access's compiler
 * barrier the compiler must read it again: in hot loops take a pointer with xpdk_region_ptr()
 * instead. Callable from any thread.
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
	return xpdk_mmio_read8(r->map + off);
}
static inline uint16_t xpdk_region_read16(const struct xpdk_region *r, uint64_t off)
{
	return xpdk_mmio_read16(r->map + off);
}
static inline uint32_t xpdk_region_read32(const struct xpdk_region *r, uint64_t off)
{
	return xpdk_mmio_read32(r->map + off);
}
static inline uint64_t xpdk_region_read64(const struct xpdk_region *r, uint64_t off)
{
	return xpdk_mmio_read64(r->map + off);
}
static inline void xpdk_region_write8(const struct xpdk_region *r, uint64_t off, uint8_t v)
{
	xpdk_mmio_write8(r->map + off, v);
}
static inline void xpdk_region_write16(const struct xpdk_region *r, uint64_t off, uint16_t v)
{
	xpdk_mmio_write16(r->map + off, v);
}
static inline void xpdk_region_write32(const struct xpdk_region *r, uint64_t off, uint32_t v)
{
	xpdk_mmio_write32(r->map + off, v);
}
static inline void xpdk_region_write64(const struct xpdk_region *r, uint64_t off, uint64_t v)
{
	xpdk_mmio_write64(r->map + off, v);
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
int xpdk_region_read(const struct xpdk_region *r, uint64_t off, unsigned int width, uint64_t *val);
/**
 * Write the low @p width bits of @p val at @p off.
 * @param r the region.
 * @param off byte offset in the region.
 * @param width 8, 16, 32 or 64.
 * @param val the value.
 * @return 0, or a negative errno as above.
 */
int xpdk_region_write(const struct xpdk_region *r, uint64_t off, unsigned int width, uint64_t val);
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
int xpdk_region_memset32(const struct xpdk_region *r, uint64_t off, uint32_t value, size_t count);
/**@}*/

/** @name Devices */
/**@{*/

/** What is known of an open device. */
struct xpdk_dev_info {
	char name[280];	       /**< as opened, canonical ("0000:3f:00.0", "vfio-user:/run/…") */
	const char *transport; /**< "vfio" or "vfio-user" */
	uint16_t vendor, device, subsystem_vendor, subsystem_device;
	uint32_t class_code;	  /**< 24 bits: base class, subclass, interface */
	unsigned int num_regions; /**< regions (XPDK_DEV_MAX_REGIONS for PCI) */
	unsigned int num_irqs;	  /**< IRQ index types (INTx, MSI, MSI-X, …) */
	bool can_reset;		  /**< xpdk_dev_reset() is supported */
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
#define XPDK_IRQ_MSI  1 /**< IRQ type: MSI */
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
	uint16_t vendor;	   /**< vendor ID, or XPDK_PCI_ANY_ID */
	uint16_t device;	   /**< device ID, or XPDK_PCI_ANY_ID */
	uint16_t subsystem_vendor; /**< XPDK_PCI_ANY_ID (or 0) for any */
	uint16_t subsystem_device; /**< XPDK_PCI_ANY_ID (or 0) for any */
	const char *description;   /**< shown by `xpdk-io ls` */
};

/** A driver. */
struct xpdk_driver {
	const char *name;		    /**< the driver name ("edu", "dfl") */
	const struct xpdk_pci_id *id_table; /**< devices it drives, ended by a zero vendor */
	/** Optional: claim a device by its content (e.g. a DFL in BAR0) when no ID matches.
	 *  @return true to claim it. */
	bool (*match)(struct xpdk_dev *dev);
	/** Set up the device; priv_size bytes of zeroed state are at xpdk_dev_priv(). */
	int (*probe)(struct xpdk_dev *dev);
	/** Undo probe. */
	void (*remove)(struct xpdk_dev *dev);
	size_t priv_size; /**< bytes of per-device state */
	/** Optional capabilities tools use without knowing the driver; NULL: none. */
	const struct xpdk_driver_ops *ops;
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

/**
 * @name Driver capabilities
 * What tools and benchmarks use of a device without knowing its driver: a scratch register
 * (MMIO latency and rate) and a DMA engine (submit, poll for the completion). A driver offers
 * them in a struct xpdk_driver_ops; applications reach them through xpdk_dev_scratch_reg() and
 * xpdk_dev_engine_*(), so that a new driver needs no change to the applications. All of these
 * are optional: a driver without them gets -ENOTSUP and a sentence naming it.
 */
/**@{*/

/** A register that may be written and read back at will (no side effect on the device). */
struct xpdk_scratch_reg {
	unsigned int region; /**< region index (XPDK_REGION_BAR0 …) */
	uint64_t offset;     /**< byte offset in the region */
	unsigned int width;  /**< access width in bits: 32 or 64 */
};

/* DMA engine modes (struct xpdk_engine_info::modes, struct xpdk_engine_op::mode) */
#define XPDK_ENGINE_READ  (1u << 0) /**< the device reads @c src (host to device) */
#define XPDK_ENGINE_WRITE (1u << 1) /**< the device writes @c dst (device to host) */
#define XPDK_ENGINE_COPY  (1u << 2) /**< the device copies @c src to @c dst */
#define XPDK_ENGINE_TRPUT (1u << 3) /**< the device reads @c src and writes @c dst at once */

/* DMA engine flags (struct xpdk_engine_info::flags) */
#define XPDK_ENGINE_F_CHECKSUM	  (1u << 0) /**< read mode reports the XOR of the 64-bit words */
#define XPDK_ENGINE_F_PATTERN	  (1u << 1) /**< write mode fills @c dst with op.pattern */
#define XPDK_ENGINE_F_DEVICE_TIME (1u << 2) /**< completions carry the device's own duration */

/** What a device's DMA engine can do (filled by xpdk_dev_engine_open()). */
struct xpdk_engine_info {
	const char *name;    /**< short name users type ("he", "edu") */
	uint32_t modes;	     /**< XPDK_ENGINE_READ | WRITE | COPY it supports */
	uint32_t flags;	     /**< XPDK_ENGINE_F_* */
	uint64_t max_len;    /**< largest op.len */
	uint64_t len_align;  /**< op.len must be a multiple of it (1: any) */
	uint32_t max_repeat; /**< largest op.repeat (1: one pass per submission) */
};

/** One DMA operation. */
struct xpdk_engine_op {
	unsigned int mode;		/**< one XPDK_ENGINE_* mode */
	const struct xpdk_dma_buf *src; /**< read, copy: source, from its first byte */
	struct xpdk_dma_buf *dst;	/**< write, copy: destination, from its first byte */
	uint64_t len;			/**< bytes per pass */
	uint32_t repeat;		/**< passes over the same bytes (0 means 1) */
	uint64_t pattern;		/**< write mode with XPDK_ENGINE_F_PATTERN: the fill word */
};

/** What a completed operation did. */
struct xpdk_engine_completion {
	uint64_t bytes;	    /**< bytes moved (a copy counts its payload once) */
	uint64_t passes;    /**< passes done */
	uint64_t host_ns;   /**< from the doorbell to the poll that saw the completion */
	uint64_t device_ns; /**< the device's own duration (XPDK_ENGINE_F_DEVICE_TIME), else 0 */
	uint64_t checksum;  /**< read mode with XPDK_ENGINE_F_CHECKSUM: XOR of one pass's words */
};

/**
 * Capabilities a driver offers (struct xpdk_driver::ops). ABI: @c size is
 * sizeof(struct xpdk_driver_ops) as the driver was built; members are only ever appended, and
 * lib/dev uses a member only when @c size covers it, so drivers built against an older header
 * keep working. Every member may be NULL. Calls follow the device's threading rule (one thread
 * at a time).
 */
struct xpdk_driver_ops {
	size_t size; /**< sizeof(struct xpdk_driver_ops) */
	/** Where the device's scratch register is. @return 0 or a negative errno + sentence. */
	int (*scratch_reg)(struct xpdk_dev *dev, struct xpdk_scratch_reg *reg);
	/** Prepare the DMA engine and describe it. @return 0 or a negative errno + sentence. */
	int (*engine_open)(struct xpdk_dev *dev, struct xpdk_engine_info *info);
	/** Start @p op (checked against the info and the DMA mask); one at a time. */
	int (*engine_submit)(struct xpdk_dev *dev, const struct xpdk_engine_op *op);
	/** Without blocking: 1 and @p done when the operation completed, 0 while it runs, or a
	 *  negative errno (device error; or -ETIMEDOUT past the driver's deadline, the operation
	 *  stopped). */
	int (*engine_poll)(struct xpdk_dev *dev, struct xpdk_engine_completion *done);
};

/**
 * The scratch register of @p dev's driver.
 * @param dev a probed device.
 * @param[out] reg where it is.
 * @return 0; -ENOENT when no driver is bound; -ENOTSUP when the driver has none (the sentence
 *         names the driver and the device); or the driver's error.
 */
int xpdk_dev_scratch_reg(struct xpdk_dev *dev, struct xpdk_scratch_reg *reg);

/**
 * Prepare the DMA engine of @p dev's driver and describe it.
 * @param dev a probed device.
 * @param[out] info what the engine can do.
 * @return 0; -ENOENT when no driver is bound; -ENOTSUP when the driver has no DMA engine (the
 *         sentence names the driver and the device); or the driver's error (e.g. -ENODEV when
 *         this device's function has no engine).
 */
int xpdk_dev_engine_open(struct xpdk_dev *dev, struct xpdk_engine_info *info);

/**
 * Start one DMA operation on the engine opened with xpdk_dev_engine_open(); one may be in
 * flight at a time.
 * @param dev the device.
 * @param op  the operation; its buffers must stay allocated until it completes.
 * @return 0, -EINVAL (mode, length or repeat outside the engine's info; a buffer too small),
 *         -ERANGE (a buffer beyond the DMA mask), -EBUSY (one in flight), or an I/O error.
 */
int xpdk_dev_engine_submit(struct xpdk_dev *dev, const struct xpdk_engine_op *op);

/**
 * Check, without blocking, whether the operation in flight completed.
 * @param dev the device.
 * @param[out] done what it did, when it completed.
 * @return 1 (completed, @p done filled), 0 (still running), -EINVAL (nothing in flight),
 *         -EIO (the device reported an error; the sentence decodes it), -ETIMEDOUT (past the
 *         driver's deadline; the operation was stopped), or another negative errno.
 */
int xpdk_dev_engine_poll(struct xpdk_dev *dev, struct xpdk_engine_completion *done);
/**@}*/

XPDK_API_END
#ifdef __cplusplus
}
#endif

#endif /* XPDK_DEV_H */
