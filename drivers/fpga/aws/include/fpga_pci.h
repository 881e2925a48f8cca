/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * AWS F2 SDK compatibility: `fpga_pci`, the BARs of FPGA slots, with AWS's names and
 * semantics, on XPDK's device layer.
 *
 * Slots: the management PFs (1d0f:9248) found on the PCI bus, sorted by address, then the
 * slots served by xpdk-devsim (`--model f2`) in $XPDK_DEVSIM_DIR (default /run/xpdk/devsim),
 * sorted by socket name; $XPDK_F2_SLOTS=devsim or =pci keeps one kind. A slot's application
 * PF is function 0 of the management PF's device (devsim: the socket named .0 instead of .1).
 * PCI slots are reached through XPDK's vfio transport (the functions handed to vfio-pci with
 * `xpdk-io init`, EAL initialised by the program); devsim slots need neither.
 *
 * Returns: 0 on success, a negative errno (-EINVAL for a bad handle, offset or argument), or
 * an FPGA_ERR_* code: FPGA_ERR_PCI_MISSING when the slot or its PF is not there, or when the
 * PF went away under an attached handle (after a load or clear changed its IDs: attach again).
 * The reason is also in xpdk_strerror_last().
 *
 * Threads: attach and detach are serialised inside the library; peek and poke on one handle
 * from several threads need the caller's locking (as AWS says). For Cython: every call takes
 * and returns plain C types; fpga_pci_get_address() gives a pointer for a zero-copy view.
 */

#ifndef XPDK_AWS_FPGA_PCI_H
#define XPDK_AWS_FPGA_PCI_H

#include <stdint.h>

#include "fpga_common.h"

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

XPDK_API_BEGIN

/** A handle on an attached BAR. */
typedef int pci_bar_handle_t;
#define PCI_BAR_HANDLE_INIT (-1) /**< a handle not attached */
#ifndef FPGA_PCI_BARS_MAX
#define FPGA_PCI_BARS_MAX                                                                          \
	(FPGA_SLOT_MAX * FPGA_PF_MAX * FPGA_BAR_PER_PF_MAX) /**< handles at most */
#endif

/** Attach flags. */
enum { BURST_CAPABLE = 0x1, FPGA_ATTACH_RESERVED = 0xfffffffe };

/** Initialise the library (idempotent; nothing to do). @return 0. */
int fpga_pci_init(void);

/**
 * Attach BAR @p bar_id of PF @p pf_id of slot @p slot_id and return a handle in @p handle.
 * BURST_CAPABLE requires a write-combining-capable BAR (resource_burstable).
 * @param slot_id the slot.
 * @param pf_id FPGA_APP_PF or FPGA_MGMT_PF.
 * @param bar_id the BAR.
 * @param flags 0 or BURST_CAPABLE.
 * @param handle receives the handle.
 * @return 0; -EINVAL (bad slot, PF, BAR, flags, or no handle free); FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_attach(int slot_id, int pf_id, int bar_id, uint32_t flags, pci_bar_handle_t *handle);
/**
 * Release a handle.
 * @param handle the handle.
 * @return 0 or -EINVAL.
 */
int fpga_pci_detach(pci_bar_handle_t handle);

/** @name Register access: bounds-checked 8/32/64-bit loads and stores */
/**@{*/
/**
 * Store 32 bits.
 * @param handle the handle.
 * @param offset byte offset in the BAR.
 * @param value the value.
 * @return 0, -EINVAL (bad handle or offset), or FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_poke(pci_bar_handle_t handle, uint64_t offset, uint32_t value);
/**
 * Store 8 bits.
 * @param handle the handle.
 * @param offset byte offset in the BAR.
 * @param value the value.
 * @return 0, -EINVAL (bad handle or offset), or FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_poke8(pci_bar_handle_t handle, uint64_t offset, uint8_t value);
/**
 * Store 64 bits.
 * @param handle the handle.
 * @param offset byte offset in the BAR.
 * @param value the value.
 * @return 0, -EINVAL (bad handle or offset), or FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_poke64(pci_bar_handle_t handle, uint64_t offset, uint64_t value);
/**
 * Load 32 bits.
 * @param handle the handle.
 * @param offset byte offset in the BAR.
 * @param value receives the value.
 * @return 0, -EINVAL (bad handle or offset), or FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_peek(pci_bar_handle_t handle, uint64_t offset, uint32_t *value);
/**
 * Load 8 bits.
 * @param handle the handle.
 * @param offset byte offset in the BAR.
 * @param value receives the value.
 * @return 0, -EINVAL (bad handle or offset), or FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_peek8(pci_bar_handle_t handle, uint64_t offset, uint8_t *value);
/**
 * Load 64 bits.
 * @param handle the handle.
 * @param offset byte offset in the BAR.
 * @param value receives the value.
 * @return 0, -EINVAL (bad handle or offset), or FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_peek64(pci_bar_handle_t handle, uint64_t offset, uint64_t *value);
/**
 * Store @p dword_len 32-bit words from @p datap at consecutive offsets.
 * @param handle the handle.
 * @param offset byte offset in the BAR.
 * @param datap the words.
 * @param dword_len how many.
 * @return 0, -EINVAL (bad handle or offset), or FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_write_burst(pci_bar_handle_t handle, uint64_t offset, uint32_t *datap,
			 uint64_t dword_len);
/**
 * Store @p value in @p dword_len consecutive 32-bit words.
 * @param handle the handle.
 * @param offset byte offset in the BAR.
 * @param value the value.
 * @param dword_len how many words.
 * @return 0, -EINVAL (bad handle or offset), or FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_memset(pci_bar_handle_t handle, uint64_t offset, uint32_t value, uint64_t dword_len);
/**
 * The address of [@p offset, @p offset + 4 * @p dword_len) in the process, for direct loads
 * and stores. Only parts of a BAR mapped into the process have one (-EINVAL otherwise).
 * The range is checked in dwords, as the header documents (AWS's code checks bytes).
 * @param handle the handle.
 * @param offset byte offset in the BAR.
 * @param dword_len 32-bit words of the range.
 * @param ptr receives the address.
 * @return 0 or -EINVAL.
 */
int fpga_pci_get_address(pci_bar_handle_t handle, uint64_t offset, uint64_t dword_len, void **ptr);
/**@}*/

/** @name Slots */
/**@{*/
/**
 * Both PFs of a slot.
 * @param slot_id the slot.
 * @param spec receives them.
 * @return 0, -EINVAL, or FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_get_slot_spec(int slot_id, struct fpga_slot_spec *spec);
/**
 * Every slot into @p spec_array (@p size entries; unused ones zeroed), in slot order.
 * @param spec_array receives the slots.
 * @param size its entries.
 * @return 0 or a negative errno.
 */
int fpga_pci_get_all_slot_specs(struct fpga_slot_spec spec_array[], int size);
/**
 * One PF of a slot.
 * @param slot_id the slot.
 * @param pf_id FPGA_APP_PF or FPGA_MGMT_PF.
 * @param map receives it.
 * @return 0, -EINVAL, or FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_get_resource_map(int slot_id, int pf_id, struct fpga_pci_resource_map *map);
/**
 * Make the application PF's current IDs visible (AWS: PCI remove and rescan). On devsim the
 * IDs are read afresh at every attach, so this only checks that the PF is there; on PCI it
 * removes the function and rescans the bus (root).
 * @param slot_id the slot.
 * @return 0, -EINVAL, a negative errno, or FPGA_ERR_PCI_MISSING.
 */
int fpga_pci_rescan_slot_app_pfs(int slot_id);
/**@}*/

/**
 * Serialise directory scans across threads (kept for AWS programs that call them).
 * @return 0 or -EINVAL.
 */
int fpga_acquire_readdir_lock(void);
/**
 * Counterpart of fpga_acquire_readdir_lock().
 * @return 0 or -EINVAL.
 */
int fpga_release_readdir_lock(void);

XPDK_API_END

#ifdef __cplusplus
}
#endif

#endif /* XPDK_AWS_FPGA_PCI_H */
