/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Where a function's DFLs are: the Intel vendor-specific extended capability (VSEC ID 0x43)
 * that current kernels read first (dfl-pci.c find_dfls_by_vsec), parsed from config space read
 * through a callback, every field checked; and the MSI-X vectors of a DFHv1 feature's
 * parameter.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "xpdk_dfl.h"

/* extended capabilities: at most this many headers (each takes at least 4 bytes) */
#define EXT_CAP_MAX ((PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 4)

XPDK_PRINTF(3, 4)
static int vsec_fail(struct xpdk_dfl_error *err, uint64_t off, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err != NULL) {
		err->code = XPDK_DFL_E_VSEC;
		err->offset = off;
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
	}
	return xpdk_err(EINVAL, "%s", msg);
}

static int cfg_rd(const struct xpdk_dfl_cfg *cfg, uint64_t off, uint32_t *v,
		  struct xpdk_dfl_error *err)
{
	*v = 0;
	if (off % 4 != 0 || off >= cfg->size || cfg->size - off < 4)
		return vsec_fail(err, off,
				 "DFL VSEC: config register 0x%llx is outside the %llu bytes",
				 (unsigned long long)off, (unsigned long long)cfg->size);
	if (cfg->read32(cfg->ctx, off, v) != 0) {
		if (err != NULL) {
			err->code = XPDK_DFL_E_READ;
			err->offset = off;
			snprintf(err->msg, sizeof(err->msg), "config space read at 0x%llx failed",
				 (unsigned long long)off);
		}
		return xpdk_err(EIO, "DFL VSEC: config space read at 0x%llx failed",
				(unsigned long long)off);
	}
	return 0;
}

/* The offset of the DFL VSEC, 0 when there is none, or a negative errno. */
static int64_t vsec_locate(const struct xpdk_dfl_cfg *cfg, struct xpdk_dfl_error *err)
{
	uint64_t at = PCI_CFG_SPACE_SIZE;
	uint32_t hdr, vndr;
	int rc;

	for (unsigned int n = 0; n < EXT_CAP_MAX; n++) {
		uint64_t next;

		rc = cfg_rd(cfg, at, &hdr, err);
		if (rc < 0)
			return rc;
		if (hdr == 0 || hdr == 0xffffffffu)
			return 0; /* no extended capabilities */
		if (PCI_EXT_CAP_ID(hdr) == PCI_EXT_CAP_ID_VNDR) {
			rc = cfg_rd(cfg, at + PCI_VNDR_HEADER, &vndr, err);
			if (rc < 0)
				return rc;
			if (PCI_VNDR_HEADER_ID(vndr) == XPDK_DFL_VSEC_ID)
				return (int64_t)at;
		}
		next = PCI_EXT_CAP_NEXT(hdr);
		if (next == 0)
			return 0;
		if (next < PCI_CFG_SPACE_SIZE || next % 4 != 0 || next >= cfg->size)
			return vsec_fail(
			    err, at,
			    "DFL VSEC: extended capability at 0x%llx points to 0x%llx, "
			    "outside extended config space",
			    (unsigned long long)at, (unsigned long long)next);
		at = next;
	}
	return vsec_fail(err, at, "DFL VSEC: the extended capability list loops");
}

int xpdk_dfl_vsec_find(const struct xpdk_dfl_cfg *cfg, struct xpdk_dfl_loc *locs, unsigned int max,
		       struct xpdk_dfl_error *err)
{
	uint32_t id = 0, vndr = 0, count = 0;
	int64_t at;
	int rc;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (cfg == NULL || cfg->read32 == NULL || (locs == NULL && max > 0))
		return xpdk_err(EINVAL, "DFL VSEC: config space or its read32 is NULL");
	if (cfg->size <= PCI_CFG_SPACE_SIZE)
		return 0; /* conventional PCI: no extended capabilities */
	rc = cfg_rd(cfg, PCI_VENDOR_ID, &id, err);
	if (rc < 0)
		return rc;
	if ((id & 0xffff) != XPDK_DFL_VSEC_VENDOR)
		return 0; /* VSEC IDs are the vendor's: 0x43 means DFLs only on Intel's */
	at = vsec_locate(cfg, err);
	if (at <= 0)
		return (int)at;
	rc = cfg_rd(cfg, (uint64_t)at + PCI_VNDR_HEADER, &vndr, err);
	if (rc == 0)
		rc = cfg_rd(cfg, (uint64_t)at + XPDK_DFL_VSEC_NUM_DFLS, &count, err);
	if (rc < 0)
		return rc;
	if (count == 0 || count > XPDK_DFL_MAX_LISTS)
		return vsec_fail(err, (uint64_t)at,
				 "DFL VSEC at 0x%llx lists %u DFLs (1 to %u: one per BAR)",
				 (unsigned long long)at, count, XPDK_DFL_MAX_LISTS);
	if (PCI_VNDR_HEADER_LEN(vndr) < XPDK_DFL_VSEC_DFL_RES + 4 * count)
		return vsec_fail(err, (uint64_t)at,
				 "DFL VSEC at 0x%llx is %u bytes long, too short for its %u DFLs",
				 (unsigned long long)at, PCI_VNDR_HEADER_LEN(vndr), count);
	if (count > max)
		return xpdk_err(E2BIG, "DFL VSEC lists %u DFLs; room for %u", count, max);
	for (uint32_t i = 0; i < count; i++) {
		uint64_t off = (uint64_t)at + XPDK_DFL_VSEC_DFL_RES + 4 * (uint64_t)i;
		uint32_t res = 0;

		rc = cfg_rd(cfg, off, &res, err);
		if (rc < 0)
			return rc;
		locs[i].bar = (unsigned int)XPDK_FIELD_GET(XPDK_DFL_VSEC_RES_BIR, res);
		locs[i].offset = res & XPDK_DFL_VSEC_RES_OFST;
		if (locs[i].bar >= PCI_STD_NUM_BARS)
			return vsec_fail(err, off,
					 "DFL VSEC: DFL %u is in BAR %u, which cannot exist", i,
					 locs[i].bar);
		for (uint32_t k = 0; k < i; k++)
			if (locs[k].bar == locs[i].bar && locs[k].offset == locs[i].offset)
				return vsec_fail(err, off,
						 "DFL VSEC: DFLs %u and %u both start at BAR %u "
						 "offset 0x%llx",
						 k, i, locs[i].bar,
						 (unsigned long long)locs[i].offset);
	}
	return (int)count;
}

int xpdk_dfl_msix(const struct xpdk_dfl_region *r, const struct xpdk_dfl_feature *f,
		  unsigned int *start, unsigned int *count)
{
	for (unsigned int i = 0; i < f->num_params && i < XPDK_DFL_MAX_PARAMS; i++) {
		const struct xpdk_dfl_param *p = &f->params[i];
		uint64_t v = 0;

		if (p->id != XPDK_DFHV1_PARAM_ID_MSIX)
			continue;
		if (p->size < 8 || p->offset >= r->size || r->size - p->offset < 8)
			return xpdk_err(ERANGE,
					"DFL feature at 0x%llx: its MSI-X parameter has %llu data "
					"bytes (8 needed)",
					(unsigned long long)f->offset, (unsigned long long)p->size);
		if (r->read64(r->ctx, p->offset, &v) != 0)
			return xpdk_err(EIO,
					"DFL feature at 0x%llx: reading its MSI-X parameter failed",
					(unsigned long long)f->offset);
		*start = (unsigned int)XPDK_FIELD_GET(XPDK_DFHV1_PARAM_MSIX_STARTV, v);
		*count = (unsigned int)XPDK_FIELD_GET(XPDK_DFHV1_PARAM_MSIX_NUMV, v);
		return 0;
	}
	return xpdk_err(ENOENT, "DFL feature at 0x%llx has no MSI-X parameter",
			(unsigned long long)f->offset);
}
