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

#ifdef __cplusplus
extern "C" {
#endif

#define FPGA_MGMT_TIMEOUT_DFLT	  2500 /**< mailbox polls per command */
#define FPGA_MGMT_DELAY_MSEC_DFLT 2    /**< milliseconds between polls */
#define FPGA_MGMT_SYNC_TIMEOUT	  300
#define FPGA_MGMT_SYNC_DELAY_MSEC 200

/** What describe reports. */
struct fpga_mgmt_image_info {
	int status;   /**< FPGA_STATUS_* */
	int status_q; /**< FPGA_ERR_* qualifier */
	int slot_id;
	struct fpga_meta_ids ids; /**< afi_id ("none" when cleared) and the AFI's PCI IDs */
	struct fpga_slot_spec spec;
	uint32_t sh_version;
	union {
		struct f1_metrics_common f1_metrics;
		struct f2_metrics_common f2_metrics;
	} metrics;
};

int fpga_mgmt_init(void);
int fpga_mgmt_close(void);
/** Short name of an FPGA_ERR_* code or -errno ("ok", "busy", …; "internal-error"). */
const char *fpga_mgmt_strerror(int err);
/** A sentence about what to do. */
const char *fpga_mgmt_strerror_long(int err);
/** Mailbox polls per command (default FPGA_MGMT_TIMEOUT_DFLT). */
void fpga_mgmt_set_cmd_timeout(uint32_t value);
/** Milliseconds between mailbox polls (default FPGA_MGMT_DELAY_MSEC_DFLT). */
void fpga_mgmt_set_cmd_delay_msec(uint32_t value);

int fpga_mgmt_describe_local_image(int slot_id, struct fpga_mgmt_image_info *info, uint32_t flags);
int fpga_mgmt_get_status(int slot_id, int *status, int *status_q);
/** "loaded", "cleared", "busy", …; "internal-error" for an unknown value. */
const char *fpga_mgmt_get_status_name(int status);

int fpga_mgmt_clear_local_image(int slot_id);
int fpga_mgmt_clear_local_image_flags(int slot_id, uint32_t flags);
int fpga_mgmt_clear_local_image_sync(int slot_id, uint32_t timeout, uint32_t delay_msec,
				     struct fpga_mgmt_image_info *info);

int fpga_mgmt_load_local_image(int slot_id, char *afi_id);
int fpga_mgmt_load_local_image_flags(int slot_id, char *afi_id, uint32_t flags);

union fpga_mgmt_load_local_image_options {
	uint8_t reserved[1024];
	struct {
		int slot_id;
		char *afi_id;
		uint32_t flags;
		uint32_t clock_mains[FPGA_MMCM_GROUP_MAX];
	};
};
int fpga_mgmt_init_load_local_image_options(union fpga_mgmt_load_local_image_options *opt);
int fpga_mgmt_load_local_image_with_options(union fpga_mgmt_load_local_image_options *opt);
int fpga_mgmt_load_local_image_sync(int slot_id, char *afi_id, uint32_t timeout,
				    uint32_t delay_msec, struct fpga_mgmt_image_info *info);
int fpga_mgmt_load_local_image_sync_flags(int slot_id, char *afi_id, uint32_t flags,
					  uint32_t timeout, uint32_t delay_msec,
					  struct fpga_mgmt_image_info *info);
int fpga_mgmt_load_local_image_sync_with_options(union fpga_mgmt_load_local_image_options *opt,
						 uint32_t timeout, uint32_t delay_msec,
						 struct fpga_mgmt_image_info *info);

/** @name Virtual LEDs and DIP switches (16 bits) */
/**@{*/
int fpga_mgmt_get_vLED_status(int slot_id, uint16_t *status);
int fpga_mgmt_set_vDIP(int slot_id, uint16_t value);
int fpga_mgmt_get_vDIP_status(int slot_id, uint16_t *value);
/**@}*/

/**
 * XPDK: the errno that best matches a return value of these libraries (for bindings that
 * raise OSError-style exceptions): -rc for negative values, an errno for FPGA_ERR_* codes
 * (busy: EBUSY, invalid AFI id: EINVAL, missing PCI function: ENODEV, …), 0 for 0.
 */
int xpdk_aws_errno(int rc);

#ifdef __cplusplus
}
#endif

#endif /* XPDK_AWS_FPGA_MGMT_H */
