/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * fpga_mgmt on XPDK: AFI commands through the management PF's mailbox (one command at a time,
 * each with one deadline), describe/load/clear with their sync variants, status and error
 * names, vLED/vDIP. Every reply is hostile until checked: its length, version, op, id and
 * payload size are verified before a byte of it is used.
 */

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "aws_priv.h"
#include "fpga_mgmt.h"
#include "xpdk_f2_regs.h"

_Static_assert(sizeof(struct f2_metrics_common) == sizeof(struct xpdk_f2_metrics),
	       "fpga_common.h's F2 metrics and the shell's must agree");
_Static_assert(offsetof(struct f2_metrics_common, cached_agfis) ==
		   offsetof(struct xpdk_f2_metrics, cached_agfis),
	       "cached AFIs at the same place");
_Static_assert(sizeof(struct fpga_meta_ids) == sizeof(struct xpdk_f2_afi_ids), "AFI ids");

#define SPIN_POLLS 64 /* polls before the first sleep: a shell that answers at once is quick */

static _Atomic uint32_t cmd_timeout = FPGA_MGMT_TIMEOUT_DFLT;
static _Atomic uint32_t cmd_delay_ms = FPGA_MGMT_DELAY_MSEC_DFLT;
static _Atomic uint32_t next_id = 1;

int fpga_mgmt_init(void)
{
	return fpga_pci_init();
}

int fpga_mgmt_close(void)
{
	return 0;
}

void fpga_mgmt_set_cmd_timeout(uint32_t value)
{
	atomic_store(&cmd_timeout, value);
}

void fpga_mgmt_set_cmd_delay_msec(uint32_t value)
{
	atomic_store(&cmd_delay_ms, value);
}

/* ---- names ---- */

static const char *const err_names[FPGA_ERR_END] = {
	[FPGA_ERR_OK] = "ok",
	[FPGA_ERR_AFI_CMD_BUSY] = "busy",
	[FPGA_ERR_AFI_ID_INVALID] = "invalid-afi-id",
	[FPGA_ERR_AFI_LOAD_TIMEOUT] = "afi-load-timeout",
	[FPGA_ERR_AFI_CMD_API_VERSION_INVALID] = "invalid-afi-cmd-api-version",
	[FPGA_ERR_CL_ID_MISMATCH] = "cl-id-mismatch",
	[FPGA_ERR_CL_DDR_CALIB_FAILED] = "cl-ddr-calib-failed",
	[FPGA_ERR_FAIL] = "unspecified-error",
	[FPGA_ERR_SHELL_MISMATCH] = "shell-version-not-supported",
	[FPGA_ERR_POWER_VIOLATION] = "afi-power-violation",
	[FPGA_ERR_DRAM_DATA_RETENTION_NOT_POSSIBLE] = "dram-data-retention-not-possible",
	[FPGA_ERR_HARDWARE_BUSY] = "hardware-busy",
	[FPGA_ERR_PCI_MISSING] = "pci-device-missing",
	[FPGA_ERR_AFI_CMD_MALFORMED] = "afi-command-malformed",
	[FPGA_ERR_DRAM_DATA_RETENTION_FAILED] = "dram-data-retention-failed",
	[FPGA_ERR_DRAM_DATA_RETENTION_SETUP_FAILED] = "dram-data-retention-setup-failed",
	[FPGA_ERR_SOFTWARE_PROBLEM] = "software-problem",
	[FPGA_ERR_UNRESPONSIVE] = "unresponsive",
	[FPGA_ERR_RL_RELOAD_NEEDED_DROP_PCI_LINK] = "err-rl-reload-needed-drop-pci-link",
	[FPGA_ERR_INCOMPATIBLE_AFI_CMD_FLAGS] = "err-incompatible-afi-cmd-flags",
	[FPGA_ERR_INVALID_CLKGEN_INPUTS] = "invalid-clkgen-input",
	[FPGA_ERR_CLKGEN_NOT_FOUND] = "clkgen-ip-not-found",
};

const char *fpga_mgmt_strerror(int err)
{
	if (err < 0) {
		switch (-err) {
		case ETIMEDOUT:
			return "timeout";
		case EINVAL:
			return "invalid-argument";
		case EPERM:
		case EACCES:
			return "permission-denied";
		default:
			return "internal-error";
		}
	}
	return err < FPGA_ERR_END && err_names[err] ? err_names[err] : "internal-error";
}

const char *fpga_mgmt_strerror_long(int err)
{
	switch (err) {
	case FPGA_ERR_OK:
		return "The command succeeded.";
	case -ETIMEDOUT:
		return "The shell did not answer within the command timeout. A time out error is "
		       "usually spurious and the request can be retried; raise the timeout with "
		       "fpga_mgmt_set_cmd_timeout() if it persists.";
	case FPGA_ERR_AFI_CMD_BUSY:
		return "The slot is busy with another load or clear; wait until describe shows "
		       "it is no longer busy, then retry.";
	case FPGA_ERR_AFI_ID_INVALID:
		return "The AFI id is not one this slot can load: check the agfi- id (the "
		       "simulated slot lists its catalogue in xpdk-devsim --list-models).";
	case FPGA_ERR_PCI_MISSING:
		return "The slot's PCI function is not there or went away (a load or clear changes "
		       "the application PF): check fpga-describe-local-image-slots and attach "
		       "again.";
	case FPGA_ERR_POWER_VIOLATION:
		return "The AFI drew more power than allowed and its clocks are gated: reload it "
		       "or "
		       "lower its clock frequencies.";
	case FPGA_ERR_AFI_CMD_MALFORMED:
		return "A mailbox message was malformed (the shell's reply or our request); retry, "
		       "and report it if it persists.";
	case FPGA_ERR_INVALID_CLKGEN_INPUTS:
		return "A clock recipe index or frequency is outside what the clock generator "
		       "accepts.";
	case FPGA_ERR_CLKGEN_NOT_FOUND:
		return "The clock generator did not identify itself on the management PF's BAR4.";
	case FPGA_ERR_UNRESPONSIVE:
		return "The device did not respond (a clock that never locked, or a BAR that "
		       "cannot be reached).";
	default:
		return fpga_mgmt_strerror(err);
	}
}

static const char *const status_names[FPGA_STATUS_END] = {
	[FPGA_STATUS_LOADED] = "loaded",
	[FPGA_STATUS_CLEARED] = "cleared",
	[FPGA_STATUS_BUSY] = "busy",
	[FPGA_STATUS_NOT_PROGRAMMED] = "not-programmed",
	[FPGA_STATUS_CACHING_AFI] = "afi-cache-in-progress",
	[FPGA_STATUS_LOADING_RL] = "rl-reload-needed-drop-pci-link",
	[FPGA_STATUS_LOAD_FAILED] = "load-failed",
};

const char *fpga_mgmt_get_status_name(int status)
{
	return status >= 0 && status < FPGA_STATUS_END && status_names[status]
		   ? status_names[status]
		   : "internal-error";
}

int xpdk_aws_errno(int rc)
{
	if (rc <= 0)
		return -rc;
	switch (rc) {
	case FPGA_ERR_AFI_CMD_BUSY:
	case FPGA_ERR_HARDWARE_BUSY:
		return EBUSY;
	case FPGA_ERR_AFI_ID_INVALID:
	case FPGA_ERR_INVALID_CLKGEN_INPUTS:
	case FPGA_ERR_INCOMPATIBLE_AFI_CMD_FLAGS:
		return EINVAL;
	case FPGA_ERR_AFI_LOAD_TIMEOUT:
	case FPGA_ERR_UNRESPONSIVE:
		return ETIMEDOUT;
	case FPGA_ERR_PCI_MISSING:
	case FPGA_ERR_CLKGEN_NOT_FOUND:
		return ENODEV;
	case FPGA_ERR_AFI_CMD_MALFORMED:
		return EPROTO;
	default:
		return EIO;
	}
}

/* ---- the mailbox ---- */

/* Poll STATUS until @p bit is set, within the command's deadline. */
static int wait_event(const struct xpdk_region *r, uint32_t bit, uint64_t deadline)
{
	uint32_t delay = atomic_load(&cmd_delay_ms);

	for (unsigned int i = 0;; i++) {
		uint32_t st;
		int rc = xpdk_aws_rd32(r, XPDK_F2_MB_STATUS, &st);

		if (rc != 0)
			return rc;
		if (st & bit)
			return 0;
		if (xpdk_now_ns() >= deadline)
			return xpdk_err(ETIMEDOUT, "the shell did not answer the mailbox in time");
		if (i >= SPIN_POLLS) {
			uint64_t left_ms = (deadline - xpdk_now_ns()) / 1000000 + 1;

			xpdk_aws_sleep_ms(delay < left_ms ? delay : (uint32_t)left_ms);
		}
	}
}

/*
 * Send request @p req (header filled here) and take the reply into @p rsp (@p rsp_max
 * bytes). @return the reply's payload length, a positive FPGA_ERR_* from an ERROR reply, or
 * a negative errno.
 */
static int mbox_cmd(int slot, uint32_t op, const void *payload, size_t plen, void *rsp,
		    size_t rsp_max, size_t *rsp_len, uint32_t *sh_version)
{
	uint32_t buf[XPDK_F2_MB_MSG_MAX / 4];
	struct xpdk_f2_afi_hdr h = { .version = XPDK_F2_AFI_VERSION,
				     .op = op,
				     .len_flags = (uint32_t)plen,
				     .id = atomic_fetch_add(&next_id, 1) };
	uint64_t wait_ns =
	    (uint64_t)atomic_load(&cmd_timeout) * atomic_load(&cmd_delay_ms) * 1000000ull;
	uint64_t deadline;
	struct xpdk_aws_pf *c = NULL;
	const struct xpdk_region *r;
	size_t len = sizeof(h) + plen;
	uint32_t rlen = 0, id = h.id;
	int rc = xpdk_aws_pf_get(slot, FPGA_MGMT_PF, &c);

	if (rc != 0)
		return rc;
	r = xpdk_aws_pf_bar(c, MGMT_PF_BAR0);
	if (r == NULL) {
		rc = xpdk_err(ENODEV, "slot %d: the management PF has no mailbox BAR", slot);
		goto out;
	}
	deadline = xpdk_now_ns() + (wait_ns ? wait_ns : 1000000ull);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &h, sizeof(h));
	memcpy((uint8_t *)buf + sizeof(h), payload, plen);
	if (sh_version != NULL && (rc = xpdk_aws_rd32(r, XPDK_F2_MB_SH_VERSION, sh_version)) != 0)
		goto out;
	/* events left over from an abandoned command are not this one's */
	if ((rc = xpdk_aws_wr32(r, XPDK_F2_MB_STATUS,
				XPDK_F2_MB_STATUS_RX_EVT | XPDK_F2_MB_STATUS_TX_EVT)) != 0 ||
	    (rc = xpdk_aws_wr32(r, XPDK_F2_MB_WR_INDEX, 0)) != 0)
		goto out;
	for (size_t i = 0; i < (len + 3) / 4; i++)
		if ((rc = xpdk_aws_wr32(r, XPDK_F2_MB_WR_DATA, buf[i])) != 0)
			goto out;
	if ((rc = xpdk_aws_wr32(r, XPDK_F2_MB_WR_LEN, (uint32_t)len)) != 0 ||
	    (rc = wait_event(r, XPDK_F2_MB_STATUS_TX_EVT, deadline)) != 0 ||
	    (rc = xpdk_aws_wr32(r, XPDK_F2_MB_STATUS, XPDK_F2_MB_STATUS_TX_EVT)) != 0 ||
	    (rc = wait_event(r, XPDK_F2_MB_STATUS_RX_EVT, deadline)) != 0 ||
	    (rc = xpdk_aws_rd32(r, XPDK_F2_MB_RD_LEN, &rlen)) != 0)
		goto out;
	if (rlen < sizeof(h) || rlen > rsp_max || rlen > sizeof(buf)) {
		xpdk_err(EPROTO, "slot %d: mailbox reply of %u bytes (expected %zu to %zu)", slot,
			 rlen, sizeof(h), rsp_max);
		goto malformed;
	}
	if ((rc = xpdk_aws_wr32(r, XPDK_F2_MB_RD_INDEX, 0)) != 0)
		goto out;
	for (uint32_t i = 0; i < (rlen + 3) / 4; i++)
		if ((rc = xpdk_aws_rd32(r, XPDK_F2_MB_RD_DATA, &buf[i])) != 0)
			goto out;
	(void)xpdk_aws_wr32(r, XPDK_F2_MB_STATUS, XPDK_F2_MB_STATUS_RX_EVT);
	memcpy(&h, buf, sizeof(h));
	if ((h.version >> 16) != XPDK_F2_AFI_VER_MAJOR || !(h.len_flags & XPDK_F2_FLAG_RESP) ||
	    XPDK_FIELD_GET(XPDK_F2_LEN_MASK, h.len_flags) != rlen - sizeof(h)) {
		xpdk_err(EPROTO, "slot %d: mailbox reply header is malformed", slot);
		goto malformed;
	}
	if (h.op == XPDK_F2_OP_ERROR) {
		struct xpdk_f2_error_rsp e;

		if (rlen - sizeof(h) != sizeof(e)) {
			xpdk_err(EPROTO, "slot %d: error reply of the wrong size", slot);
			goto malformed;
		}
		memcpy(&e, (uint8_t *)buf + sizeof(h), sizeof(e));
		rc = e.error > 0 && e.error < FPGA_ERR_END ? e.error : FPGA_ERR_FAIL;
		xpdk_err(EIO, "slot %d: the shell refused the command: %s", slot,
			 fpga_mgmt_strerror(rc));
		goto out;
	}
	if (h.op != op || h.id != id) {
		xpdk_err(EPROTO, "slot %d: reply op %u does not answer op %u", slot, h.op, op);
		goto malformed;
	}
	*rsp_len = rlen - sizeof(h);
	memcpy(rsp, (uint8_t *)buf + sizeof(h), *rsp_len);
	rc = 0;
	goto out;
malformed:
	rc = FPGA_ERR_AFI_CMD_MALFORMED;
out:
	xpdk_aws_pf_put(c);
	return rc;
}

/* A command whose reply is the metrics block; fills @p m. */
static int metrics_cmd(int slot, uint32_t op, const void *req, size_t reqlen,
		       struct xpdk_f2_metrics_rsp *m, uint32_t *sh_version)
{
	size_t len = 0;
	int rc = mbox_cmd(slot, op, req, reqlen, m, sizeof(*m) + 16, &len, sh_version);

	if (rc == 0 && len != sizeof(*m)) {
		xpdk_err(EPROTO, "slot %d: metrics reply of %zu bytes (expected %zu)", slot, len,
			 sizeof(*m));
		rc = FPGA_ERR_AFI_CMD_MALFORMED;
	}
	return rc;
}

/* ---- describe, load, clear ---- */

int fpga_mgmt_describe_local_image(int slot_id, struct fpga_mgmt_image_info *info, uint32_t flags)
{
	struct xpdk_f2_flags_req req = { .flags = flags };
	struct xpdk_f2_metrics_rsp m;
	uint32_t shv = 0;
	int rc;

	if (info == NULL || (flags & ~(uint32_t)FPGA_CMD_ALL_FLAGS))
		return xpdk_err(EINVAL, "describe: no info, or unknown flags 0x%x", flags);
	memset(info, 0, sizeof(*info));
	rc = metrics_cmd(slot_id, XPDK_F2_OP_METRICS, &req, sizeof(req), &m, &shv);
	if (rc != 0)
		return rc;
	info->status = (int)m.status;
	info->status_q = (int)m.status_q;
	info->slot_id = slot_id;
	memcpy(&info->ids, &m.ids, sizeof(info->ids));
	info->ids.afi_id[AFI_ID_STR_MAX - 1] = '\0';
	if (info->ids.afi_id[0] == '\0')
		snprintf(info->ids.afi_id, sizeof(info->ids.afi_id), "none");
	info->sh_version = shv;
	memcpy(&info->metrics.f2_metrics, &m.metrics, sizeof(m.metrics));
	return fpga_pci_get_slot_spec(slot_id, &info->spec);
}

int fpga_mgmt_get_status(int slot_id, int *status, int *status_q)
{
	struct fpga_mgmt_image_info info;
	int rc;

	if (status == NULL || status_q == NULL)
		return -EINVAL;
	rc = fpga_mgmt_describe_local_image(slot_id, &info, 0);
	if (rc == 0) {
		*status = info.status;
		*status_q = info.status_q;
	}
	return rc;
}

int fpga_mgmt_clear_local_image_flags(int slot_id, uint32_t flags)
{
	struct xpdk_f2_flags_req req = { .flags = flags };
	struct xpdk_f2_metrics_rsp m;

	return metrics_cmd(slot_id, XPDK_F2_OP_CLEAR, &req, sizeof(req), &m, NULL);
}

int fpga_mgmt_clear_local_image(int slot_id)
{
	return fpga_mgmt_clear_local_image_flags(slot_id, 0);
}

int fpga_mgmt_init_load_local_image_options(union fpga_mgmt_load_local_image_options *opt)
{
	if (opt == NULL)
		return -EINVAL;
	memset(opt, 0, sizeof(*opt));
	return 0;
}

int fpga_mgmt_load_local_image_with_options(union fpga_mgmt_load_local_image_options *opt)
{
	struct xpdk_f2_load_req req;
	struct xpdk_f2_metrics_rsp m;

	if (opt == NULL || opt->afi_id == NULL)
		return xpdk_err(EINVAL, "load: no AFI id");
	if (strlen(opt->afi_id) >= AFI_ID_STR_MAX) {
		xpdk_err(EINVAL, "load: AFI id '%.20s…' is too long", opt->afi_id);
		return FPGA_ERR_AFI_ID_INVALID;
	}
	memset(&req, 0, sizeof(req));
	snprintf(req.ids.afi_id, sizeof(req.ids.afi_id), "%s", opt->afi_id);
	req.flags = opt->flags;
	memcpy(req.clock_mains, opt->clock_mains, sizeof(req.clock_mains));
	return metrics_cmd(opt->slot_id, XPDK_F2_OP_LOAD, &req, sizeof(req), &m, NULL);
}

int fpga_mgmt_load_local_image_flags(int slot_id, char *afi_id, uint32_t flags)
{
	union fpga_mgmt_load_local_image_options o;

	fpga_mgmt_init_load_local_image_options(&o);
	o.slot_id = slot_id;
	o.afi_id = afi_id;
	o.flags = flags;
	return fpga_mgmt_load_local_image_with_options(&o);
}

int fpga_mgmt_load_local_image(int slot_id, char *afi_id)
{
	return fpga_mgmt_load_local_image_flags(slot_id, afi_id, 0);
}

/*
 * Describe every @p delay_msec until the slot leaves BUSY, at most @p timeout times (AWS
 * raises a timeout below 90000 to 90000 without saying so: we keep the caller's).
 */
static int wait_status(int slot, int want, uint32_t timeout, uint32_t delay_msec,
		       struct fpga_mgmt_image_info *info)
{
	struct fpga_mgmt_image_info tmp;

	if (info == NULL)
		info = &tmp;
	for (uint32_t i = 0;; i++) {
		int rc = fpga_mgmt_describe_local_image(slot, info, 0);

		if (rc != 0)
			return rc;
		if (info->status == want)
			return fpga_pci_rescan_slot_app_pfs(slot);
		if (info->status != FPGA_STATUS_BUSY) {
			xpdk_err(EIO, "slot %d: %s (%s) instead of %s", slot,
				 fpga_mgmt_get_status_name(info->status),
				 fpga_mgmt_strerror(info->status_q),
				 fpga_mgmt_get_status_name(want));
			return info->status_q ? info->status_q : FPGA_ERR_FAIL;
		}
		if (i >= timeout)
			return xpdk_err(ETIMEDOUT, "slot %d still busy after %u x %u ms", slot,
					timeout, delay_msec);
		xpdk_aws_sleep_ms(delay_msec);
	}
}

int fpga_mgmt_clear_local_image_sync(int slot_id, uint32_t timeout, uint32_t delay_msec,
				     struct fpga_mgmt_image_info *info)
{
	int rc = fpga_mgmt_clear_local_image(slot_id);

	return rc != 0 ? rc : wait_status(slot_id, FPGA_STATUS_CLEARED, timeout, delay_msec, info);
}

int fpga_mgmt_load_local_image_sync_with_options(union fpga_mgmt_load_local_image_options *opt,
						 uint32_t timeout, uint32_t delay_msec,
						 struct fpga_mgmt_image_info *info)
{
	int rc = fpga_mgmt_load_local_image_with_options(opt);

	if (rc != 0 || (opt->flags & FPGA_CMD_PREFETCH))
		return rc;
	return wait_status(opt->slot_id, FPGA_STATUS_LOADED, timeout, delay_msec, info);
}

int fpga_mgmt_load_local_image_sync_flags(int slot_id, char *afi_id, uint32_t flags,
					  uint32_t timeout, uint32_t delay_msec,
					  struct fpga_mgmt_image_info *info)
{
	union fpga_mgmt_load_local_image_options o;

	fpga_mgmt_init_load_local_image_options(&o);
	o.slot_id = slot_id;
	o.afi_id = afi_id;
	o.flags = flags;
	return fpga_mgmt_load_local_image_sync_with_options(&o, timeout, delay_msec, info);
}

int fpga_mgmt_load_local_image_sync(int slot_id, char *afi_id, uint32_t timeout,
				    uint32_t delay_msec, struct fpga_mgmt_image_info *info)
{
	return fpga_mgmt_load_local_image_sync_flags(slot_id, afi_id, 0, timeout, delay_msec, info);
}

/* ---- virtual LEDs and DIP switches ---- */

static int mgmt_reg(int slot, uint64_t off, bool write, uint32_t *v)
{
	struct xpdk_aws_pf *c = NULL;
	const struct xpdk_region *r;
	int rc = xpdk_aws_pf_get(slot, FPGA_MGMT_PF, &c);

	if (rc != 0)
		return rc;
	r = xpdk_aws_pf_bar(c, MGMT_PF_BAR0);
	rc = r == NULL ? -ENODEV : write ? xpdk_aws_wr32(r, off, *v) : xpdk_aws_rd32(r, off, v);
	xpdk_aws_pf_put(c);
	return rc;
}

int fpga_mgmt_get_vLED_status(int slot_id, uint16_t *status)
{
	uint32_t v = 0;
	int rc;

	if (status == NULL)
		return -EINVAL;
	rc = mgmt_reg(slot_id, XPDK_F2_MB_VLED, false, &v);
	*status = (uint16_t)v;
	return rc;
}

int fpga_mgmt_set_vDIP(int slot_id, uint16_t value)
{
	uint32_t v = value;

	return mgmt_reg(slot_id, XPDK_F2_MB_VDIP, true, &v);
}

int fpga_mgmt_get_vDIP_status(int slot_id, uint16_t *value)
{
	uint32_t v = 0;
	int rc;

	if (value == NULL)
		return -EINVAL;
	rc = mgmt_reg(slot_id, XPDK_F2_MB_VDIP, false, &v);
	*value = (uint16_t)v;
	return rc;
}
