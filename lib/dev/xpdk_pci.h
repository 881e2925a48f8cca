/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * PCI functions as the kernel shows them in sysfs: addresses, enumeration with IDs, driver and
 * IOMMU group, and handing a function to vfio-pci and back (what `xpdk-io ls/init/release` do).
 *
 * Paths are rooted at xpdk_sysfs_root() ("/sys", or $XPDK_SYSFS), the device files at $XPDK_DEVFS
 * ("/dev"), and XPDK's state at $XPDK_RUN_DIR ("/run/xpdk"), so that tests run on a fake tree.
 * Functions are not thread-safe with respect to each other (they change kernel state).
 */

#ifndef XPDK_PCI_H
#define XPDK_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif
XPDK_API_BEGIN

/** Length of a canonical PCI address "DDDD:BB:DD.F" plus NUL. */
#define XPDK_PCI_ADDR_LEN 13

/**
 * Parse a PCI address: "0000:3f:00.0" or the short form "3f:00.0" (domain 0).
 * @param s the text.
 * @param[out] canon the canonical form, XPDK_PCI_ADDR_LEN bytes.
 * @return 0, or -EINVAL with the last-error sentence.
 */
int xpdk_pci_addr_parse(const char *s, char canon[XPDK_PCI_ADDR_LEN]);

/** One PCI function. */
struct xpdk_pci_func {
	char addr[XPDK_PCI_ADDR_LEN]; /**< canonical address */
	uint16_t vendor;	      /**< vendor ID */
	uint16_t device;	      /**< device ID */
	uint16_t subsystem_vendor;    /**< subsystem vendor ID */
	uint16_t subsystem_device;    /**< subsystem ID */
	uint32_t class_code;     /**< 24 bits */
	char driver[64];         /**< bound driver, "" when none */
	char driver_override[64]; /**< driver_override, "" when none */
	int iommu_group;         /**< IOMMU group number, -1 when none */
	char description[128];   /**< vendor and device names from pci.ids, or "" */
	bool device_named;       /**< pci.ids named the device, not only its vendor */
};

/**
 * Read one function from sysfs.
 * @param addr its address, canonical or short.
 * @param[out] f what sysfs says about it.
 * @return 0, or -ENOENT (no such function) with the last-error sentence.
 */
int xpdk_pci_func_get(const char *addr, struct xpdk_pci_func *f);

/**
 * Call @p cb for every PCI function, in address order. A non-zero return from @p cb stops the
 * scan and is returned.
 * @param cb  called with each function and @p arg.
 * @param arg passed to @p cb.
 * @return 0, a value from @p cb, or a negative errno.
 */
int xpdk_pci_scan(int (*cb)(const struct xpdk_pci_func *f, void *arg), void *arg);

/**
 * Fill @p f->description from the pci.ids database ("Vendor Device"), when it is installed
 * (/usr/share/misc/pci.ids or $XPDK_PCI_IDS).
 * @param f the function, its IDs filled; description and device_named are set.
 */
void xpdk_pci_describe(struct xpdk_pci_func *f);

/** What xpdk_pci_vfio_bind() did, or what xpdk_pci_vfio_release() restored. */
struct xpdk_pci_bind_info {
	char previous_driver[64]; /**< driver the function had before, "" when none */
	int iommu_group;	  /**< the function's IOMMU group */
	char vfio_path[256];      /**< the group's device file, e.g. /dev/vfio/12 */
	uid_t uid;                /**< owner given to the group file */
	gid_t gid;		  /**< group given to the group file */
};

/**
 * Hand function @p addr to vfio-pci for user space: record its current driver in
 * $XPDK_RUN_DIR/pci/ADDR.state, set driver_override to vfio-pci, unbind it, probe it, wait for
 * the kernel to bind vfio-pci, and give @p uid:@p gid the group's /dev/vfio/GROUP file.
 *
 * @param addr the function's address.
 * @param uid  owner for the group file.
 * @param gid  group for the group file.
 * @param[out] info what was done (not NULL).
 * @return 0, or a negative errno with a sentence a user can act on: -EPERM (not root), -ENOENT
 *         (unknown address), -ENODEV (no IOMMU group; vfio-pci not loaded), -EBUSY (another
 *         function of the group is in use by a kernel driver; the sentence lists them),
 *         -ETIMEDOUT (the kernel did not bind vfio-pci).
 */
int xpdk_pci_vfio_bind(const char *addr, uid_t uid, gid_t gid, struct xpdk_pci_bind_info *info);

/**
 * Give function @p addr back: unbind it from vfio-pci, clear driver_override, rebind the driver
 * recorded by xpdk_pci_vfio_bind() (if any) and remove the state file.
 * @param addr the function's address.
 * @param[out] info what was restored (not NULL).
 * @return 0, or a negative errno with the last-error sentence (-EINVAL when the function is not
 *         bound to vfio-pci).
 */
int xpdk_pci_vfio_release(const char *addr, struct xpdk_pci_bind_info *info);

XPDK_API_END
#ifdef __cplusplus
}
#endif

#endif /* XPDK_PCI_H */
