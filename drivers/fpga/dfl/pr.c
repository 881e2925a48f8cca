/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Partial reconfiguration through the FME's PR feature, in the sequence of Linux's
 * dfl-fme-mgr: PR engine reset and acknowledgement, errors cleared, region and start, the
 * bitstream pushed 32 bits at a time within the FIFO credits, complete, wait for start to
 * clear, read the error register. The port is held in reset throughout.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fpga_priv.h"
#include "xpdk_dfl_regs.h"

int xpdk_fpga_pr_errors_format(uint64_t err, char *buf, size_t len)
{
	static const char *const names[] = { "operation error", "CRC error",
					     "incompatible bitstream", "protocol error",
					     "FIFO overflow" };
	size_t n = 0;

	if (len > 0)
		buf[0] = '\0';
	for (unsigned int bit = 0; bit < 64; bit++) {
		char other[24];
		const char *name = other;

		if (!(err & (1ULL << bit)))
			continue;
		if (bit < sizeof(names) / sizeof(names[0]))
			name = names[bit];
		else
			snprintf(other, sizeof(other), "bit %u", bit);
		n += (size_t)snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, "%s%s",
				      n ? ", " : "", name);
	}
	if (n == 0)
		n = (size_t)snprintf(buf, len, "none");
	return (int)n;
}

/* Wait until the PR FIFO has more than one free slot (Linux never spends the last one). */
static int pr_credits(struct xpdk_fpga *f, unsigned int *credits)
{
	uint64_t sts = 0, deadline_polls = 0;
	int rc;

	for (;;) {
		if (f->pr_regs != NULL)
			sts = xpdk_mmio_read64(f->pr_regs + XPDK_FME_PR_STS);
		else if ((rc = xpdk_fpga_rd(f, f->pr + XPDK_FME_PR_STS, &sts)) < 0)
			return rc;
		*credits = (unsigned int)XPDK_FIELD_GET(XPDK_FME_PR_STS_CREDIT, sts);
		if (*credits > 1)
			return 0;
		/* 1 us apart, XPDK_FPGA_TIMEOUT_MS in all (at least; reads take time too) */
		if (++deadline_polls > (uint64_t)XPDK_FPGA_TIMEOUT_MS * 1000)
			return xpdk_err(ETIMEDOUT,
					"PR FIFO gave no credits within %d ms (status 0x%llx)",
					XPDK_FPGA_TIMEOUT_MS, (unsigned long long)sts);
		struct timespec us = { 0, 1000 };

		nanosleep(&us, NULL);
	}
}

/* Push the bitstream, 32 bits at a time, within the credits. */
static int pr_stream(struct xpdk_fpga *f, const uint8_t *bits, size_t len,
		     void (*progress)(size_t done, size_t total, void *arg), void *arg)
{
	size_t done = 0, next_report = 0;
	unsigned int credits = 0;
	int rc = 0;

	while (done < len && rc == 0) {
		uint32_t w;

		if (credits <= 1) {
			rc = pr_credits(f, &credits);
			if (rc < 0)
				return rc;
		}
		memcpy(&w, bits + done, 4);
		if (f->pr_regs != NULL)
			xpdk_mmio_write64(f->pr_regs + XPDK_FME_PR_DATA, w);
		else
			rc = xpdk_fpga_wr(f, f->pr + XPDK_FME_PR_DATA, w);
		done += 4;
		credits--;
		if (progress != NULL && (done >= next_report || done == len)) {
			progress(done, len, arg);
			next_report = done + len / 20 + 1;
		}
	}
	return rc;
}

int xpdk_fpga_pr(struct xpdk_fpga *f, unsigned int port, const void *gbs, size_t len,
		 void (*progress)(size_t done, size_t total, void *arg), void *arg)
{
	struct xpdk_fpga_fme_info fme = { 0 };
	struct xpdk_fpga_port_info pi;
	struct xpdk_gbs_info info;
	char want[XPDK_GUID_STR_LEN + 1], have[XPDK_GUID_STR_LEN + 1], errs[160];
	const char *name = xpdk_dev_info(f->dev)->name;
	uint64_t ctrl = 0, err = 0, seen = 0;
	int rc, rc2;

	memset(&fme, 0, sizeof(fme));
	rc = xpdk_fpga_port_check(f, port);
	if (rc == 0)
		rc = xpdk_gbs_parse(gbs, len, &info);
	if (rc == 0)
		rc = xpdk_fpga_fme_info(f, &fme);
	if (rc < 0)
		return rc;
	if (!fme.has_pr)
		return xpdk_err(ENOTSUP, "%s has no partial reconfiguration feature", name);
	if (info.bitstream_len % 4 != 0)
		return xpdk_err(
		    EINVAL,
		    "%s: the bitstream is %zu bytes, not a whole number of 32-bit words; "
		    "nothing was loaded",
		    name, info.bitstream_len);
	if (!xpdk_guid_equal(&info.interface_id, &fme.pr_interface_id)) {
		xpdk_guid_format(&info.interface_id, want, sizeof(want));
		xpdk_guid_format(&fme.pr_interface_id, have, sizeof(have));
		return xpdk_err(EINVAL,
				"%s: the bitstream was built for interface %s but the FPGA's PR "
				"interface is %s; nothing was loaded",
				name, want, have);
	}

	rc = xpdk_fpga_port_hold(f, port, true);
	if (rc < 0)
		return rc;
	/* PR engine reset, acknowledged */
	rc = xpdk_fpga_wr(f, f->pr + XPDK_FME_PR_CTRL, XPDK_FME_PR_CTRL_RST);
	if (rc == 0)
		rc = xpdk_fpga_poll(f, f->pr + XPDK_FME_PR_CTRL, XPDK_FME_PR_CTRL_RST_ACK,
				    XPDK_FME_PR_CTRL_RST_ACK, XPDK_FPGA_TIMEOUT_MS, &seen);
	if (rc == -ETIMEDOUT)
		rc = xpdk_err(ETIMEDOUT, "%s: PR engine reset not acknowledged (control 0x%llx)",
			      name, (unsigned long long)seen);
	if (rc == 0)
		rc = xpdk_fpga_rd(f, f->pr + XPDK_FME_PR_CTRL, &ctrl);
	if (rc == 0)
		rc = xpdk_fpga_wr(f, f->pr + XPDK_FME_PR_CTRL,
				  ctrl & ~(uint64_t)XPDK_FME_PR_CTRL_RST);
	/* then wait for the engine to be idle, as dfl-fme-mgr does */
	if (rc == 0) {
		rc = xpdk_fpga_poll(f, f->pr + XPDK_FME_PR_STS, XPDK_FME_PR_STS_BUSY, 0,
				    XPDK_FPGA_TIMEOUT_MS, &seen);
		if (rc == -ETIMEDOUT)
			rc = xpdk_err(ETIMEDOUT,
				      "%s: PR engine not idle after reset (status 0x%llx)", name,
				      (unsigned long long)seen);
	}
	/* clear stale errors, then region and start */
	if (rc == 0)
		rc = xpdk_fpga_rd(f, f->pr + XPDK_FME_PR_ERR, &err);
	if (rc == 0 && err != 0)
		rc = xpdk_fpga_wr(f, f->pr + XPDK_FME_PR_ERR, err);
	if (rc == 0)
		rc = xpdk_fpga_wr(f, f->pr + XPDK_FME_PR_CTRL,
				  XPDK_FIELD_PREP(XPDK_FME_PR_CTRL_RGN_ID, port) |
				      XPDK_FME_PR_CTRL_START);
	if (rc == 0)
		rc = pr_stream(f, info.bitstream, info.bitstream_len, progress, arg);
	if (rc == 0)
		rc = xpdk_fpga_rd(f, f->pr + XPDK_FME_PR_CTRL, &ctrl);
	if (rc == 0)
		rc = xpdk_fpga_wr(f, f->pr + XPDK_FME_PR_CTRL, ctrl | XPDK_FME_PR_CTRL_COMPLETE);
	if (rc == 0) {
		rc = xpdk_fpga_poll(f, f->pr + XPDK_FME_PR_CTRL, XPDK_FME_PR_CTRL_START, 0,
				    XPDK_FPGA_TIMEOUT_MS, &seen);
		if (rc == -ETIMEDOUT)
			rc = xpdk_err(ETIMEDOUT,
				      "%s: PR did not complete within %d ms (control "
				      "0x%llx)",
				      name, XPDK_FPGA_TIMEOUT_MS, (unsigned long long)seen);
	}
	if (rc == 0)
		rc = xpdk_fpga_rd(f, f->pr + XPDK_FME_PR_ERR, &err);
	if (rc == 0 && err != 0) {
		xpdk_fpga_pr_errors_format(err, errs, sizeof(errs));
		rc = xpdk_err(EIO, "%s: partial reconfiguration failed: %s (PR error 0x%llx)", name,
			      errs, (unsigned long long)err);
		(void)xpdk_fpga_wr(f, f->pr + XPDK_FME_PR_ERR, err);
	}
	/* release the port in every case, keeping the first error */
	{
		char first[256];

		snprintf(first, sizeof(first), "%s", xpdk_strerror_last());
		rc2 = xpdk_fpga_port_hold(f, port, false);
		if (rc < 0 && rc2 == 0)
			xpdk_err(-rc, "%s", first);
		else if (rc < 0) {
			char second[256];

			snprintf(second, sizeof(second), "%s", xpdk_strerror_last());
			xpdk_err(-rc, "%s; releasing the port failed too: %s", first, second);
		}
	}
	if (rc == 0)
		rc = rc2;
	if (rc == 0)
		rc = xpdk_fpga_port_info(f, port, &pi);
	if (rc == 0 && !xpdk_guid_equal(&pi.afu_id, &info.afu_id[0])) {
		xpdk_guid_format(&info.afu_id[0], want, sizeof(want));
		xpdk_guid_format(&pi.afu_id, have, sizeof(have));
		rc = xpdk_err(EIO, "%s: after PR the AFU ID is %s, the bitstream's is %s", name,
			      have, want);
	}
	if (rc == 0 && f->he_port == (int)port)
		f->he_port = -1;	 /* the exerciser may be gone: attach again */
	if (f->helb_port == (int)port) { /* the port was reset: a test in flight is gone */
		f->helb_port = -1;
		f->helb_run.busy = false;
		f->helb_shadow_valid = 0;
	}
	return rc;
}
