/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * AWS F2 SDK compatibility: `fpga_mgmt`, loading, clearing and describing the AFI of a slot
 * through its management PF's mailbox, with AWS's names and semantics.
 *
 * Differences from AWS's library, where AWS's behaviour is a trap (doc/aws-f2.md):
 *  - the *_sync calls wait at most what the caller asked (timeout x delay_msec); AWS silently
 *    raises timeouts below 90000 retries;
 *  - a mailbox command has one deadline (fpga_mgmt_set_cmd_timeout() x
 *    fpga_mgmt_set_cmd_delay_msec()) and the first polls do not sleep, so a large delay does
 *    not slow down a shell that answers at once;
 *  - replies are checked (version, op, id, length) before use: a bad one is
 *    FPGA_ERR_AFI_CMD_MALFORMED.
 *
 * Returns: 0, a positive FPGA_ERR_* code, or a negative errno (-ETIMEDOUT when the shell did
 * not answer in time). xpdk_strerror_last() holds a sentence. Not thread-safe against itself
 * on one slot (nor is AWS's); different slots may be used from different threads.
 */

#ifndef XPDK_AWS_FPGA_MGMT_H
#define XPDK_AWS_FPGA_MGMT_H

#include <stdint.h>

#include "fpga_common.h"
#include "fpga_pci.h"

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

XPDK_API_BEGIN

#define FPGA_MGMT_TIMEOUT_DFLT	  2500 /**< mailbox polls per command */
#define FPGA_MGMT_DELAY_MSEC_DFLT 2    /**< milliseconds between polls */
#define FPGA_MGMT_SYNC_TIMEOUT	  300  /**< polls of a _sync call (what AWS's tools wait) */
#define FPGA_MGMT_SYNC_DELAY_MSEC 200  /**< milliseconds between them (AWS's tools) */

/** What describe reports. */
struct fpga_mgmt_image_info {
	int status;		    /**< FPGA_STATUS_* */
	int status_q;		    /**< FPGA_ERR_* qualifier */
	int slot_id;		    /**< the slot */
	struct fpga_meta_ids ids;   /**< afi_id ("none" when cleared) and the AFI's PCI IDs */
	struct fpga_slot_spec spec; /**< its PFs */
	uint32_t sh_version;	    /**< the shell's version */
	/** With FPGA_CMD_GET_HW_METRICS: the slot's metrics. */
	union {
		struct f1_metrics_common f1_metrics; /**< F1 layout (not filled on F2) */
		struct f2_metrics_common f2_metrics; /**< F2 layout */
	} metrics;
};

/**
 * Initialise the library (idempotent).
 * @return 0.
 */
int fpga_mgmt_init(void);
/**
 * Release the library (nothing to release).
 * @return 0.
 */
int fpga_mgmt_close(void);
/**
 * Short name of an FPGA_ERR_* code or -errno.
 * @param err the code.
 * @return "ok", "busy", …; "internal-error" for an unknown code.
 */
const char *fpga_mgmt_strerror(int err);
/**
 * A sentence about what to do.
 * @param err an FPGA_ERR_* code or -errno.
 * @return the sentence.
 */
const char *fpga_mgmt_strerror_long(int err);
/**
 * Set the mailbox polls per command.
 * @param value polls (default FPGA_MGMT_TIMEOUT_DFLT).
 */
void fpga_mgmt_set_cmd_timeout(uint32_t value);
/**
 * Set the milliseconds between mailbox polls.
 * @param value milliseconds (default FPGA_MGMT_DELAY_MSEC_DFLT).
 */
void fpga_mgmt_set_cmd_delay_msec(uint32_t value);

/**
 * Describe the slot: status, AFI, PFs, shell version, and metrics when asked.
 * @param slot_id the slot.
 * @param info receives the description.
 * @param flags FPGA_CMD_GET_HW_METRICS, FPGA_CMD_CLEAR_HW_METRICS.
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_describe_local_image(int slot_id, struct fpga_mgmt_image_info *info, uint32_t flags);
/**
 * The slot's status.
 * @param slot_id the slot.
 * @param status receives FPGA_STATUS_*.
 * @param status_q receives the FPGA_ERR_* qualifier (may be NULL).
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_get_status(int slot_id, int *status, int *status_q);
/**
 * The name of a slot status.
 * @param status FPGA_STATUS_*.
 * @return "loaded", "cleared", "busy", …; "internal-error" for an unknown value.
 */
const char *fpga_mgmt_get_status_name(int status);

/**
 * Start clearing the slot (returns when the mailbox accepted the command).
 * @param slot_id the slot.
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_clear_local_image(int slot_id);
/**
 * Start clearing the slot, with flags.
 * @param slot_id the slot.
 * @param flags FPGA_CMD_* flags a clear accepts.
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_clear_local_image_flags(int slot_id, uint32_t flags);
/**
 * Clear the slot and wait until it reports cleared.
 * @param slot_id the slot.
 * @param timeout polls at most (e.g. FPGA_MGMT_SYNC_TIMEOUT).
 * @param delay_msec milliseconds between polls (e.g. FPGA_MGMT_SYNC_DELAY_MSEC).
 * @param info receives the final description (may be NULL).
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_clear_local_image_sync(int slot_id, uint32_t timeout, uint32_t delay_msec,
				     struct fpga_mgmt_image_info *info);

/**
 * Start loading AFI @p afi_id into the slot.
 * @param slot_id the slot.
 * @param afi_id the AGFI ID ("agfi-…").
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_load_local_image(int slot_id, char *afi_id);
/**
 * Start loading an AFI, with flags.
 * @param slot_id the slot.
 * @param afi_id the AGFI ID.
 * @param flags FPGA_CMD_* flags a load accepts (FPGA_CMD_PREFETCH, …).
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_load_local_image_flags(int slot_id, char *afi_id, uint32_t flags);

/** What a load takes (initialise with fpga_mgmt_init_load_local_image_options()). */
union fpga_mgmt_load_local_image_options {
	uint8_t reserved[1024]; /**< the size AWS reserves */
	/** The options. */
	struct {
		int slot_id;				   /**< the slot */
		char *afi_id;				   /**< the AGFI ID */
		uint32_t flags;				   /**< FPGA_CMD_* */
		uint32_t clock_mains[FPGA_MMCM_GROUP_MAX]; /**< clock recipes (accepted) */
	};
};
/**
 * Zero the options.
 * @param opt the options.
 * @return 0, or -EINVAL for NULL.
 */
int fpga_mgmt_init_load_local_image_options(union fpga_mgmt_load_local_image_options *opt);
/**
 * Start a load as @p opt says.
 * @param opt the options.
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_load_local_image_with_options(union fpga_mgmt_load_local_image_options *opt);
/**
 * Load an AFI and wait until the slot reports it loaded.
 * @param slot_id the slot.
 * @param afi_id the AGFI ID.
 * @param timeout polls at most (e.g. FPGA_MGMT_SYNC_TIMEOUT).
 * @param delay_msec milliseconds between polls (e.g. FPGA_MGMT_SYNC_DELAY_MSEC).
 * @param info receives the final description (may be NULL).
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_load_local_image_sync(int slot_id, char *afi_id, uint32_t timeout,
				    uint32_t delay_msec, struct fpga_mgmt_image_info *info);
/**
 * Load an AFI with flags and wait until it is loaded.
 * @param slot_id the slot.
 * @param afi_id the AGFI ID.
 * @param flags FPGA_CMD_* flags a load accepts.
 * @param timeout polls at most (e.g. FPGA_MGMT_SYNC_TIMEOUT).
 * @param delay_msec milliseconds between polls (e.g. FPGA_MGMT_SYNC_DELAY_MSEC).
 * @param info receives the final description (may be NULL).
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_load_local_image_sync_flags(int slot_id, char *afi_id, uint32_t flags,
					  uint32_t timeout, uint32_t delay_msec,
					  struct fpga_mgmt_image_info *info);
/**
 * Load as @p opt says and wait until it is loaded.
 * @param opt the options.
 * @param timeout polls at most (e.g. FPGA_MGMT_SYNC_TIMEOUT).
 * @param delay_msec milliseconds between polls (e.g. FPGA_MGMT_SYNC_DELAY_MSEC).
 * @param info receives the final description (may be NULL).
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_load_local_image_sync_with_options(union fpga_mgmt_load_local_image_options *opt,
						 uint32_t timeout, uint32_t delay_msec,
						 struct fpga_mgmt_image_info *info);

/** @name Virtual LEDs and DIP switches (16 bits) */
/**@{*/
/**
 * Read the virtual LEDs.
 * @param slot_id the slot.
 * @param status receives them.
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_get_vLED_status(int slot_id, uint16_t *status);
/**
 * Set the virtual DIP switches.
 * @param slot_id the slot.
 * @param value the switches.
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_set_vDIP(int slot_id, uint16_t value);
/**
 * Read the virtual DIP switches.
 * @param slot_id the slot.
 * @param value receives them.
 * @return 0, a negative errno, or an FPGA_ERR_* code (fpga_mgmt_strerror()).
 */
int fpga_mgmt_get_vDIP_status(int slot_id, uint16_t *value);
/**@}*/

/**
 * XPDK: the errno that best matches a return value of these libraries (for bindings that
 * raise OSError-style exceptions): -rc for negative values, an errno for FPGA_ERR_* codes
 * (busy: EBUSY, invalid AFI id: EINVAL, missing PCI function: ENODEV, …), 0 for 0.
 * @param rc a return value.
 * @return the errno.
 */
int xpdk_aws_errno(int rc);

XPDK_API_END

#ifdef __cplusplus
}
#endif

#endif /* XPDK_AWS_FPGA_MGMT_H */
