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
	char addr[XPDK_PCI_ADDR_LEN];	/**< canonical address */
	uint16_t vendor;		/**< vendor ID */
	uint16_t device;		/**< device ID */
	uint16_t subsystem_vendor;	/**< subsystem vendor ID */
	uint16_t subsystem_device;	/**< subsystem ID */
	uint32_t class_code;		/**< 24 bits */
	char driver[64];		/**< bound driver, "" when none */
	char driver_override[64];	/**< driver_override, "" when none */
	int iommu_group;		/**< IOMMU group number, -1 when none */
	char description[128];		/**< vendor and device names from pci.ids, or "" */
	bool device_named;		/**< pci.ids named the device, not only its vendor */
	char physfn[XPDK_PCI_ADDR_LEN]; /**< its physical function when it is an SR-IOV VF, else ""
					 */
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
	char previous_driver[64];  /**< driver the function had before, "" when none */
	int iommu_group;	   /**< the function's IOMMU group */
	char vfio_path[256];	   /**< the group's device file, e.g. /dev/vfio/12 */
	uid_t uid;		   /**< owner given to the group file */
	gid_t gid;		   /**< group given to the group file */
	unsigned int vfs_disabled; /**< xpdk_pci_vfio_release(): SR-IOV VFs it turned off first */
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
 * Give function @p addr back: turn its SR-IOV VFs off if it has any (xpdk_pci_sriov_disable()),
 * unbind it from vfio-pci, clear driver_override, rebind the driver recorded by
 * xpdk_pci_vfio_bind() (if any) and remove the state file.
 * @param addr the function's address.
 * @param[out] info what was restored (not NULL).
 * @return 0, or a negative errno with the last-error sentence (-EINVAL when the function is not
 *         bound to vfio-pci; -EBUSY when one of its VFs is in use).
 */
int xpdk_pci_vfio_release(const char *addr, struct xpdk_pci_bind_info *info);

/**
 * @name SR-IOV on vfio-pci
 *
 * A physical function (PF) on vfio-pci can have virtual functions (VFs) when vfio-pci allows it
 * (module parameter enable_sriov). The kernel then lets a user open a VF only with the PF's
 * *VF token*, a UUID the PF's user sets, which shows that the two users cooperate (opening
 * "ADDR vf_token=UUID"; DPDK's EAL argument `--vfio-vf-token=UUID`, which lib/dev's vfio
 * transport uses). doc/xpdk-io.md describes the steps, doc/testing-vm.md the test on QEMU's nvme.
 */
/**@{*/

/** Most VFs xpdk_pci_sriov_enable() turns on and reports. */
#define XPDK_PCI_MAX_VFS 64
/** Length of a UUID as text, "01234567-89ab-cdef-0123-456789abcdef", plus NUL. */
#define XPDK_PCI_UUID_LEN 37

/** One VF that xpdk_pci_sriov_enable() bound to vfio-pci. */
struct xpdk_pci_vf {
	char addr[XPDK_PCI_ADDR_LEN]; /**< its address */
	int iommu_group;	      /**< its IOMMU group */
	char vfio_path[128];	      /**< its group's device file, given to the same owner */
};

/** What xpdk_pci_sriov_enable() did. */
struct xpdk_pci_sriov_info {
	struct xpdk_pci_bind_info pf;	  /**< the PF's binding to vfio-pci */
	char vf_token[XPDK_PCI_UUID_LEN]; /**< the VF token now set on the PF */
	bool token_generated;		  /**< no token was given: this one is random */
	bool param_enabled;		  /**< vfio-pci's enable_sriov was off and was turned on */
	unsigned int total_vfs;		  /**< the PF's TotalVFs */
	unsigned int num_vfs;		  /**< VFs enabled, the entries of @p vfs */
	struct xpdk_pci_vf vfs[XPDK_PCI_MAX_VFS]; /**< the VFs, in VF order */
};

/**
 * Give physical function @p pf SR-IOV VFs for user space, as `xpdk-io init -e` (opae.io's `-e`):
 * bind @p pf to vfio-pci (xpdk_pci_vfio_bind()), turn on vfio-pci's enable_sriov parameter when
 * it is off (recorded, so that xpdk_pci_sriov_disable() turns it back off), set the PF's VF token
 * (xpdk_pci_vfio_set_vf_token()) while no VF exists yet, write @p num_vfs to sriov_numvfs, then
 * bind every VF to vfio-pci and give its group file to @p uid:@p gid.
 *
 * The token is set before the VFs exist because opening and closing the PF resets it (FLR),
 * which on some devices (QEMU 7.2's nvme) drops VFs that exist. After this call, open the VFs
 * (with the token), not the PF, or the VFs may be lost on such devices.
 *
 * @param pf       the PF's address.
 * @param num_vfs  VFs to enable; 0 for all (TotalVFs).
 * @param vf_token the VF token as text, or NULL to make a random one (returned in @p info).
 * @param uid      owner for the group files of the PF and the VFs.
 * @param gid      group for them.
 * @param[out] info what was done (not NULL).
 * @return 0, or a negative errno with a sentence: those of xpdk_pci_vfio_bind(); -EINVAL (a bad
 *         token, @p num_vfs above TotalVFs); -ENOTSUP (@p pf has no SR-IOV capability, or is
 *         itself a VF); -EBUSY (@p pf has VFs already); -EPERM (vfio-pci refuses SR-IOV: its
 *         enable_sriov parameter cannot be turned on). On failure, what was done is undone.
 */
int xpdk_pci_sriov_enable(const char *pf, unsigned int num_vfs, const char *vf_token, uid_t uid,
			  gid_t gid, struct xpdk_pci_sriov_info *info);

/**
 * Turn the VFs of @p pf off (sriov_numvfs 0), forget their vfio-pci state files, and turn
 * vfio-pci's enable_sriov back off when xpdk_pci_sriov_enable() turned it on. The PF stays on
 * vfio-pci (xpdk_pci_vfio_release() calls this, then releases it). Refuses while a VF's group
 * file is open, since the kernel would wait for that user to let go.
 * @param pf the PF's address.
 * @param[out] disabled the number of VFs turned off (0 when it had none); may be NULL.
 * @return 0, or a negative errno with the sentence: -EPERM (not root), -ENOENT (no such
 *         function), -EBUSY (a VF is in use; the sentence names it).
 */
int xpdk_pci_sriov_disable(const char *pf, unsigned int *disabled);

/**
 * Set the VF token of physical function @p pf, which must be on vfio-pci: open it through VFIO
 * (its own container and group, no DMA memory), VFIO_DEVICE_FEATURE with
 * VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, close. The open and the close reset the PF.
 * @param pf       the PF's address.
 * @param vf_token the token, "01234567-89ab-cdef-0123-456789abcdef" (any case).
 * @return 0, or a negative errno with the sentence: -EINVAL (not a UUID), -ENODEV (not on
 *         vfio-pci), -EACCES (the group file is not ours), -EBUSY (the group is open in another
 *         process), -ENOTSUP (the kernel has no VF token for it: not an SR-IOV PF, or vfio-pci
 *         without SR-IOV support).
 */
int xpdk_pci_vfio_set_vf_token(const char *pf, const char *vf_token);

/**
 * Check and canonicalise a UUID given as text (a VF token).
 * @param s the text.
 * @param[out] canon lower-case, XPDK_PCI_UUID_LEN bytes; may be NULL.
 * @return 0, or -EINVAL with the sentence.
 */
int xpdk_pci_uuid_parse(const char *s, char canon[XPDK_PCI_UUID_LEN]);
/**@}*/

XPDK_API_END
#ifdef __cplusplus
}
#endif

#endif /* XPDK_PCI_H */
