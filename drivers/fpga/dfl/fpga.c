/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * DFL FPGA driver: probe (ID table or a DFL in BAR 0), FME, ports, AFU windows.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fpga_priv.h"
#include "xpdk_dfl_regs.h"

int xpdk_fpga_rd(struct xpdk_fpga *f, uint64_t off, uint64_t *val)
{
	return xpdk_region_read(f->bar0, off, 64, val);
}

int xpdk_fpga_wr(struct xpdk_fpga *f, uint64_t off, uint64_t val)
{
	return xpdk_region_write(f->bar0, off, 64, val);
}

volatile uint8_t *xpdk_fpga_window(struct xpdk_fpga *f, uint64_t off, uint64_t len)
{
	volatile uint8_t *p;

	if (f->regs == NULL)
		return NULL; /* BAR 0 is trapped (at least in part) */
	p = xpdk_region_ptr(f->bar0, off, len);
	if (p == NULL)
		xpdk_err_clear(); /* the caller takes the checked path, which reports */
	return p;
}

int xpdk_fpga_poll(struct xpdk_fpga *f, uint64_t off, uint64_t mask, uint64_t want, int timeout_ms,
		   uint64_t *seen)
{
	uint64_t deadline = (xpdk_now_ns() / 1000000) + (uint64_t)timeout_ms, v = 0;
	volatile uint8_t *reg = xpdk_fpga_window(f, off, 8); /* checked once, read in the loop */
	int rc;

	for (;;) {
		if (reg != NULL)
			v = xpdk_mmio_read64(reg);
		else if ((rc = xpdk_fpga_rd(f, off, &v)) < 0)
			return rc;
		if ((v & mask) == want)
			break;
		if ((xpdk_now_ns() / 1000000) > deadline) {
			if (seen)
				*seen = v;
			return -ETIMEDOUT;
		}
		struct timespec pause = { 0, 10000 };

		nanosleep(&pause, NULL);
	}
	if (seen)
		*seen = v;
	return 0;
}

/* ---- discovery ------------------------------------------------------------------------- */

static int bar0_read64(void *ctx, uint64_t off, uint64_t *val)
{
	return xpdk_region_read(ctx, off, 64, val);
}

static struct xpdk_dfl_region dfl_region(const struct xpdk_region *bar0)
{
	struct xpdk_dfl_region r = { .size = bar0->size,
				     .read64 = bar0_read64,
				     .ctx = (void *)bar0 };

	return r;
}

/* The port whose header is at @p hdr, or NULL. */
static struct fpga_port *port_at(struct xpdk_fpga *f, uint64_t hdr)
{
	for (unsigned int i = 0; i < f->nports; i++)
		if (f->port[i].hdr == hdr)
			return &f->port[i];
	return NULL;
}

static void note_fme_feature(struct xpdk_fpga *f, const struct xpdk_dfl_feature *ft)
{
	switch (ft->id) {
	case XPDK_FME_FEATURE_ID_THERMAL_MGMT:
		f->thermal = ft->offset;
		break;
	case XPDK_FME_FEATURE_ID_POWER_MGMT:
		f->power = ft->offset;
		break;
	case XPDK_FME_FEATURE_ID_GLOBAL_ERR:
		f->gerr = ft->offset;
		break;
	case XPDK_FME_FEATURE_ID_GLOBAL_IPERF:
	case XPDK_FME_FEATURE_ID_GLOBAL_DPERF:
		f->perf = ft->offset;
		break;
	case XPDK_FME_FEATURE_ID_PR_MGMT:
		f->pr = ft->offset;
		break;
	default:
		break;
	}
}

/* Features arrive chain by chain, each after its FIU: a private feature belongs to the FIU
 * (FME or port) seen last. A port met twice (the VSEC and the FME's port table) counts once. */
static int note_feature(const struct xpdk_dfl_feature *ft, void *arg)
{
	struct xpdk_fpga *f = arg;
	struct fpga_port *p;

	if (ft->type == XPDK_DFH_TYPE_FIU && ft->id == XPDK_DFH_ID_FIU_FME) {
		f->has_fme = true;
		f->fme = ft->offset;
		f->walk_fiu = ft->offset;
	} else if (ft->type == XPDK_DFH_TYPE_FIU && ft->id == XPDK_DFH_ID_FIU_PORT) {
		f->walk_fiu = ft->offset;
		if (port_at(f, ft->offset) != NULL || f->nports == XPDK_FPGA_MAX_PORTS)
			return 0;
		f->port[f->nports++].hdr = ft->offset;
	} else if (ft->type == XPDK_DFH_TYPE_AFU && ft->parent != XPDK_DFL_NO_PARENT) {
		p = port_at(f, ft->parent);
		if (p != NULL)
			p->afu = ft->offset;
	} else if (ft->type == XPDK_DFH_TYPE_PRIVATE && f->has_fme && f->walk_fiu == f->fme) {
		note_fme_feature(f, ft);
	} else if (ft->type == XPDK_DFH_TYPE_PRIVATE && ft->id == XPDK_PORT_FEATURE_ID_ERROR) {
		p = port_at(f, f->walk_fiu);
		if (p != NULL)
			p->err = ft->offset;
	}
	return 0;
}

static int cfg_read32(void *ctx, uint64_t off, uint32_t *val)
{
	return xpdk_dev_cfg_read(ctx, off, val, sizeof(*val));
}

/* The DFLs the PCIe VSEC lists (each must be in BAR 0), or BAR 0 offset 0 without one. */
static int fpga_find_lists(struct xpdk_fpga *f)
{
	const struct xpdk_region *cr = xpdk_dev_region(f->dev, XPDK_REGION_CONFIG);
	struct xpdk_dfl_cfg cfg = { .size = cr != NULL ? cr->size : 0,
				    .read32 = cfg_read32,
				    .ctx = f->dev };
	struct xpdk_dfl_error err;
	const char *name = xpdk_dev_info(f->dev)->name;
	int n = cfg.size > 0 ? xpdk_dfl_vsec_find(&cfg, f->dfls, XPDK_DFL_MAX_LISTS, &err) : 0;

	if (n < 0)
		return xpdk_err(-n, "%s: %s", name, err.msg);
	f->dfl_vsec = n > 0;
	if (n == 0) {
		f->dfls[0].bar = 0;
		f->dfls[0].offset = 0;
		n = 1;
	}
	f->ndfls = (unsigned int)n;
	for (unsigned int i = 0; i < f->ndfls; i++) {
		if (f->dfls[i].bar != 0)
			return xpdk_err(
			    ENOTSUP,
			    "%s: the PCIe VSEC lists a DFL in BAR %u (offset 0x%llx); this "
			    "driver reaches DFLs in BAR 0 only",
			    name, f->dfls[i].bar, (unsigned long long)f->dfls[i].offset);
		if (f->dfls[i].offset >= f->bar0->size)
			return xpdk_err(
			    ERANGE,
			    "%s: the PCIe VSEC lists a DFL at 0x%llx, beyond BAR 0's 0x%llx "
			    "bytes",
			    name, (unsigned long long)f->dfls[i].offset,
			    (unsigned long long)f->bar0->size);
	}
	return 0;
}

/* Read the port offset registers of an FME found at the start of a list, before walking: a
 * port released to a VF is not walked (its registers read all ones on the PF). */
static int fme_slots(struct xpdk_fpga *f)
{
	for (unsigned int i = 0; i < f->ndfls; i++) {
		uint64_t at = f->dfls[i].offset, dfh = 0, cap = 0, v = 0;
		unsigned int n;
		int rc = xpdk_fpga_rd(f, at, &dfh);

		if (rc < 0)
			return rc;
		if (XPDK_FIELD_GET(XPDK_DFH_TYPE, dfh) != XPDK_DFH_TYPE_FIU ||
		    XPDK_FIELD_GET(XPDK_DFH_ID, dfh) != XPDK_DFH_ID_FIU_FME)
			continue;
		rc = xpdk_fpga_rd(f, at + XPDK_FME_HDR_CAP, &cap);
		n = (unsigned int)XPDK_FIELD_GET(XPDK_FME_CAP_NUM_PORTS, cap);
		for (unsigned int p = 0; rc == 0 && p < n && p < XPDK_FPGA_MAX_PORTS; p++) {
			rc = xpdk_fpga_rd(f, at + XPDK_FME_HDR_PORT_OFST(p), &v);
			if (rc == 0 && (v & XPDK_FME_PORT_OFST_IMP) &&
			    XPDK_FIELD_GET(XPDK_FME_PORT_OFST_BAR, v) == 0) {
				f->slot[p].present = true;
				f->slot[p].vf = v & XPDK_FME_PORT_OFST_ACC;
				f->slot[p].hdr = XPDK_FIELD_GET(XPDK_FME_PORT_OFST_DFH, v);
			}
		}
		return rc;
	}
	return 0;
}

static bool released_port_at(const struct xpdk_fpga *f, uint64_t off)
{
	for (unsigned int i = 0; i < XPDK_FPGA_MAX_PORTS; i++)
		if (f->slot[i].present && f->slot[i].vf && f->slot[i].hdr == off)
			return true;
	return false;
}

/* Ports in the order of the FME's port registers (released ones included), then any other. */
static void order_ports(struct xpdk_fpga *f)
{
	struct fpga_port walked[XPDK_FPGA_MAX_PORTS];
	unsigned int nwalked = f->nports, n = 0;
	bool used[XPDK_FPGA_MAX_PORTS] = { false };

	memcpy(walked, f->port, sizeof(walked));
	for (unsigned int s = 0; s < XPDK_FPGA_MAX_PORTS; s++) {
		struct fpga_port p = { .hdr = f->slot[s].hdr, .slot = (int)s };

		if (!f->slot[s].present)
			continue;
		for (unsigned int i = 0; i < nwalked; i++)
			if (!used[i] && walked[i].hdr == p.hdr) {
				p = walked[i];
				p.slot = (int)s;
				used[i] = true;
			}
		p.released = f->slot[s].vf;
		f->port[n++] = p;
	}
	for (unsigned int i = 0; i < nwalked && n < XPDK_FPGA_MAX_PORTS; i++)
		if (!used[i]) {
			f->port[n] = walked[i];
			f->port[n++].slot = -1;
		}
	f->nports = n;
}

static int fpga_discover(struct xpdk_fpga *f)
{
	struct xpdk_dfl_region r = dfl_region(f->bar0);
	struct xpdk_dfl_error err;
	int rc = fpga_find_lists(f);

	if (rc == 0)
		rc = fme_slots(f);
	for (unsigned int i = 0; rc == 0 && i < f->ndfls; i++) {
		if (released_port_at(f, f->dfls[i].offset))
			continue; /* a VSEC list of a port released to a VF */
		rc = xpdk_dfl_enumerate_at(&r, f->dfls[i].offset, note_feature, f, &err);
		if (rc < 0)
			return xpdk_err(-rc,
					"%s: the Device Feature List at BAR 0 offset 0x%llx is "
					"broken: %s",
					xpdk_dev_info(f->dev)->name,
					(unsigned long long)f->dfls[i].offset, err.msg);
	}
	if (rc < 0)
		return rc;
	order_ports(f);
	if (!f->has_fme && f->nports == 0)
		return xpdk_err(ENODEV, "%s: BAR 0 has neither an FME nor a port",
				xpdk_dev_info(f->dev)->name);
	return 0;
}

int xpdk_fpga_dfl_lists(const struct xpdk_fpga *f, struct xpdk_dfl_loc *locs, unsigned int max,
			bool *from_vsec)
{
	for (unsigned int i = 0; i < f->ndfls && i < max; i++)
		locs[i] = f->dfls[i];
	if (from_vsec != NULL)
		*from_vsec = f->dfl_vsec;
	return (int)f->ndfls;
}

/* ---- the driver ------------------------------------------------------------------------ */

static const struct xpdk_pci_id dfl_ids[] = {
	{ 0x8086, 0x09c4, 0, 0, "Intel PAC Arria 10 GX (DFL FPGA)" },
	{ 0x8086, 0x09c5, 0, 0, "Intel PAC Arria 10 GX VF (DFL FPGA)" },
	{ 0x8086, 0x0b2b, 0, 0, "Intel PAC D5005 (DFL FPGA)" },
	{ 0x8086, 0x0b2c, 0, 0, "Intel PAC D5005 VF (DFL FPGA)" },
	{ 0x8086, 0x0b30, 0, 0, "Intel PAC N3000 (DFL FPGA)" },
	{ 0x8086, 0x0b31, 0, 0, "Intel PAC N3000 VF (DFL FPGA)" },
	{ 0x8086, 0xbcce, 0, 0, "Intel N6000/N6001 OFS (DFL FPGA)" },
	{ 0x8086, 0xbccf, 0, 0, "Intel N6000/N6001 OFS VF (DFL FPGA)" },
	{ 0 },
};

/* Any function whose BAR 0 starts with an FME or port DFH. */
static bool dfl_match(struct xpdk_dev *dev)
{
	const struct xpdk_region *bar0 = xpdk_dev_region(dev, 0);
	uint64_t dfh = 0;

	if (bar0 == NULL || bar0->size < 0x20 || xpdk_region_read(bar0, 0, 64, &dfh) < 0)
		return false;
	return XPDK_FIELD_GET(XPDK_DFH_TYPE, dfh) == XPDK_DFH_TYPE_FIU &&
	       XPDK_FIELD_GET(XPDK_DFH_ID, dfh) <= XPDK_DFH_ID_FIU_PORT &&
	       XPDK_FIELD_GET(XPDK_DFH_VERSION, dfh) <= 1;
}

static int dfl_probe(struct xpdk_dev *dev)
{
	struct xpdk_fpga *f = xpdk_dev_priv(dev);
	int rc;

	f->dev = dev;
	f->he_port = -1;
	f->helb_port = -1;
	f->bar0 = xpdk_dev_region(dev, 0);
	if (f->bar0 == NULL || f->bar0->size == 0)
		return xpdk_err(ENODEV, "%s: no BAR 0", xpdk_dev_info(dev)->name);
	/* registers mapped (kernel vfio-pci) or trapped (vfio-user): decided once, here */
	f->regs = xpdk_region_ptr(f->bar0, 0, f->bar0->size);
	if (f->regs == NULL)
		xpdk_err_clear();
	rc = fpga_discover(f);
	if (rc == 0)
		xpdk_fpga_sriov_probe(f);
	if (rc == 0 && f->pr != 0)
		f->pr_regs = xpdk_fpga_window(f, f->pr, XPDK_FME_PR_INTFC_ID_H + 8);
	return rc;
}

static void dfl_remove(struct xpdk_dev *dev)
{
	struct xpdk_fpga *f = xpdk_dev_priv(dev);

	/* a run left in flight must not write the DSM once it is freed */
	(void)xpdk_he_stop(f);
	(void)xpdk_helb_stop(f, NULL);
	xpdk_dma_free(f->dsm);
	f->dsm = NULL;
	xpdk_dma_free(f->helb_dsm);
	f->helb_dsm = NULL;
	if (f->he_irq)
		xpdk_dev_irq_disable(dev);
}

static const struct xpdk_driver dfl_driver = {
	.name = "dfl-fpga",
	.id_table = dfl_ids,
	.match = dfl_match,
	.probe = dfl_probe,
	.remove = dfl_remove,
	.priv_size = sizeof(struct xpdk_fpga),
	.ops = &xpdk_fpga_ops,
};

XPDK_DRIVER_REGISTER(dfl_driver)

struct xpdk_fpga *xpdk_fpga_get(struct xpdk_dev *dev)
{
	if (dev == NULL || xpdk_dev_driver(dev) != &dfl_driver) {
		xpdk_err(ENODEV, "%s is not bound to the dfl-fpga driver",
			 dev ? xpdk_dev_info(dev)->name : "(null)");
		return NULL;
	}
	return xpdk_dev_priv(dev);
}

struct xpdk_fpga *xpdk_fpga_open(const char *name)
{
	struct xpdk_dev *dev = xpdk_dev_open(name);
	struct xpdk_fpga *f;
	int rc;

	if (dev == NULL)
		return NULL;
	rc = xpdk_dev_probe(dev);
	if (rc == -ENOENT)
		xpdk_err(ENODEV, "%s (%04x:%04x) is not a DFL FPGA: no FME or port DFH at BAR 0",
			 name, xpdk_dev_info(dev)->vendor, xpdk_dev_info(dev)->device);
	f = rc == 0 ? xpdk_fpga_get(dev) : NULL;
	if (f == NULL) {
		xpdk_dev_close(dev);
		return NULL;
	}
	f->owns_dev = true;
	return f;
}

void xpdk_fpga_close(struct xpdk_fpga *fpga)
{
	if (fpga != NULL && fpga->owns_dev)
		xpdk_dev_close(fpga->dev);
}

struct xpdk_dev *xpdk_fpga_dev(const struct xpdk_fpga *fpga)
{
	return fpga->dev;
}

/* ---- FME ------------------------------------------------------------------------------- */

static int need(const struct xpdk_fpga *f, uint64_t feature, const char *what)
{
	if (feature == 0)
		return xpdk_err(ENOTSUP, "%s has no %s feature", xpdk_dev_info(f->dev)->name, what);
	return 0;
}

int xpdk_fpga_fme_info(struct xpdk_fpga *f, struct xpdk_fpga_fme_info *info)
{
	uint64_t cap = 0, lo = 0, hi = 0;
	int rc;

	memset(info, 0, sizeof(*info));
	if (!f->has_fme)
		return 0;
	info->present = true;
	rc = xpdk_fpga_rd(f, f->fme + XPDK_FME_HDR_CAP, &cap);
	if (rc == 0)
		rc = xpdk_fpga_rd(f, f->fme + XPDK_FME_HDR_BITSTREAM_ID, &info->bitstream_id);
	if (rc == 0)
		rc = xpdk_fpga_rd(f, f->fme + XPDK_FME_HDR_BITSTREAM_MD, &info->bitstream_md);
	if (rc < 0)
		return rc;
	info->fabric_version = (unsigned int)XPDK_FIELD_GET(XPDK_FME_CAP_FABRIC_VERID, cap);
	info->socket_id = (unsigned int)XPDK_FIELD_GET(XPDK_FME_CAP_SOCKET_ID, cap);
	info->num_ports = (unsigned int)XPDK_FIELD_GET(XPDK_FME_CAP_NUM_PORTS, cap);
	info->addr_width = (unsigned int)XPDK_FIELD_GET(XPDK_FME_CAP_ADDR_WIDTH, cap);
	info->iommu = cap & XPDK_FME_CAP_IOMMU;
	info->pcie0_link = cap & XPDK_FME_CAP_PCIE0_LINK;
	info->pcie1_link = cap & XPDK_FME_CAP_PCIE1_LINK;
	info->coherent_link = cap & XPDK_FME_CAP_COHR_LINK;
	info->bs_hash = (uint32_t)XPDK_FIELD_GET(XPDK_FME_BS_ID_HASH, info->bitstream_id);
	info->bs_major = (unsigned int)XPDK_FIELD_GET(XPDK_FME_BS_ID_MAJOR, info->bitstream_id);
	info->bs_minor = (unsigned int)XPDK_FIELD_GET(XPDK_FME_BS_ID_MINOR, info->bitstream_id);
	info->bs_patch = (unsigned int)XPDK_FIELD_GET(XPDK_FME_BS_ID_PATCH, info->bitstream_id);
	info->bs_debug = (unsigned int)XPDK_FIELD_GET(XPDK_FME_BS_ID_DEBUG, info->bitstream_id);
	/* the date fields hold two decimal digits as two nibbles (0x26 is 26) */
#define BCD(v) ((unsigned int)(((v) >> 4) * 10 + ((v)&0xf)))
	info->synth_year = BCD(XPDK_FIELD_GET(XPDK_FME_BS_MD_YEAR, info->bitstream_md));
	info->synth_month = BCD(XPDK_FIELD_GET(XPDK_FME_BS_MD_MONTH, info->bitstream_md));
	info->synth_day = BCD(XPDK_FIELD_GET(XPDK_FME_BS_MD_DAY, info->bitstream_md));
#undef BCD
	info->synth_seed = (unsigned int)XPDK_FIELD_GET(XPDK_FME_BS_MD_SEED, info->bitstream_md);
	info->has_thermal = f->thermal != 0;
	info->has_power = f->power != 0;
	info->has_errors = f->gerr != 0;
	info->has_perf = f->perf != 0;
	info->has_pr = f->pr != 0;
	if (f->pr != 0) {
		rc = xpdk_fpga_rd(f, f->pr + XPDK_FME_PR_INTFC_ID_L, &lo);
		if (rc == 0)
			rc = xpdk_fpga_rd(f, f->pr + XPDK_FME_PR_INTFC_ID_H, &hi);
		if (rc < 0)
			return rc;
		info->pr_interface_id = xpdk_guid_from_regs(lo, hi);
	}
	return 0;
}

int xpdk_fpga_temperature(struct xpdk_fpga *f, unsigned int *celsius)
{
	uint64_t v = 0;
	int rc = need(f, f->thermal, "thermal management");

	if (rc == 0)
		rc = xpdk_fpga_rd(f, f->thermal + XPDK_FME_THERM_RDSENSOR, &v);
	if (rc == 0)
		*celsius = (unsigned int)XPDK_FIELD_GET(XPDK_FME_THERM_TEMPERATURE, v);
	return rc;
}

int xpdk_fpga_power(struct xpdk_fpga *f, unsigned int *watts)
{
	uint64_t v = 0;
	int rc = need(f, f->power, "power management");

	if (rc == 0)
		rc = xpdk_fpga_rd(f, f->power + XPDK_FME_PWR_STATUS, &v);
	if (rc == 0)
		*watts = (unsigned int)XPDK_FIELD_GET(XPDK_FME_PWR_CONSUMED, v);
	return rc;
}

static const struct {
	const char *name;
	size_t field;
	uint64_t reg;
	bool w1c;
} err_regs[] = {
	{ "fme", offsetof(struct xpdk_fpga_errors, fme), XPDK_FME_ERR_FME, true },
	{ "pcie0", offsetof(struct xpdk_fpga_errors, pcie0), XPDK_FME_ERR_PCIE0, true },
	{ "pcie1", offsetof(struct xpdk_fpga_errors, pcie1), XPDK_FME_ERR_PCIE1, true },
	{ "nonfatal", offsetof(struct xpdk_fpga_errors, nonfatal), XPDK_FME_ERR_NONFAT, true },
	{ "catfatal", offsetof(struct xpdk_fpga_errors, catfatal), XPDK_FME_ERR_CATFAT, true },
	{ "first", offsetof(struct xpdk_fpga_errors, first), XPDK_FME_ERR_FIRST, false },
	{ "next", offsetof(struct xpdk_fpga_errors, next), XPDK_FME_ERR_NEXT, false },
};

int xpdk_fpga_errors(struct xpdk_fpga *f, struct xpdk_fpga_errors *e)
{
	int rc = need(f, f->gerr, "global error");

	memset(e, 0, sizeof(*e));
	for (size_t i = 0; rc == 0 && i < sizeof(err_regs) / sizeof(err_regs[0]); i++)
		rc = xpdk_fpga_rd(f, f->gerr + err_regs[i].reg,
				  (uint64_t *)((char *)e + err_regs[i].field));
	return rc;
}

int xpdk_fpga_errors_clear(struct xpdk_fpga *f)
{
	struct xpdk_fpga_errors e;
	int rc = xpdk_fpga_errors(f, &e);

	for (size_t i = 0; rc == 0 && i < sizeof(err_regs) / sizeof(err_regs[0]); i++) {
		uint64_t v = *(const uint64_t *)((const char *)&e + err_regs[i].field);

		if (err_regs[i].w1c && v != 0)
			rc = xpdk_fpga_wr(f, f->gerr + err_regs[i].reg, v);
	}
	return rc;
}

int xpdk_fpga_errors_format(const struct xpdk_fpga_errors *e, char *buf, size_t len)
{
	size_t n = 0;

	if (len > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(err_regs) / sizeof(err_regs[0]); i++) {
		uint64_t v = *(const uint64_t *)((const char *)e + err_regs[i].field);

		if (!err_regs[i].w1c)
			continue;
		for (unsigned int bit = 0; bit < 64; bit++)
			if (v & (1ULL << bit))
				n += (size_t)snprintf(buf + (n < len ? n : len),
						      n < len ? len - n : 0, "%s%s bit %u",
						      n ? ", " : "", err_regs[i].name, bit);
	}
	if (n == 0)
		n = (size_t)snprintf(buf, len, "none");
	return (int)n;
}

int xpdk_fpga_perf_fabric(struct xpdk_fpga *f, unsigned int event, uint64_t *count)
{
	uint64_t v = 0;
	int rc = need(f, f->perf, "global performance");

	if (rc == 0 && event > 15)
		rc = xpdk_err(EINVAL, "fabric event %u does not exist (0..15)", event);
	if (rc == 0)
		rc = xpdk_fpga_wr(f, f->perf + XPDK_FME_PERF_FAB_CTRL,
				  XPDK_FIELD_PREP(XPDK_FME_PERF_CTRL_EVNT, event));
	if (rc == 0)
		rc = xpdk_fpga_rd(f, f->perf + XPDK_FME_PERF_FAB_CNTR, &v);
	if (rc == 0)
		*count = XPDK_FIELD_GET(XPDK_FME_PERF_FAB_CNTR_VAL, v);
	return rc;
}

int xpdk_fpga_perf_clock(struct xpdk_fpga *f, uint64_t *ticks)
{
	int rc = need(f, f->perf, "global performance");

	return rc == 0 ? xpdk_fpga_rd(f, f->perf + XPDK_FME_PERF_CLK_CNTR, ticks) : rc;
}

/* ---- ports ----------------------------------------------------------------------------- */

unsigned int xpdk_fpga_num_ports(const struct xpdk_fpga *f)
{
	return f->nports;
}

static int port_exists(struct xpdk_fpga *f, unsigned int port)
{
	if (port >= f->nports)
		return xpdk_err(EINVAL, "%s has %u port%s; port %u does not exist",
				xpdk_dev_info(f->dev)->name, f->nports, f->nports == 1 ? "" : "s",
				port);
	return 0;
}

int xpdk_fpga_port_check(struct xpdk_fpga *f, unsigned int port)
{
	int rc = port_exists(f, port);

	if (rc == 0 && f->port[port].released)
		rc = xpdk_err(EBUSY,
			      "%s port %u is released to a VF: the PF does not reach it (give it "
			      "back with: xpdk-fpga -d %s sriov 0; xpdk-fpga -d %s port assign %u)",
			      xpdk_dev_info(f->dev)->name, port, xpdk_dev_info(f->dev)->name,
			      xpdk_dev_info(f->dev)->name, port);
	return rc;
}

int xpdk_fpga_port_walk(struct xpdk_fpga *f, unsigned int port)
{
	struct xpdk_dfl_region r = dfl_region(f->bar0);
	struct xpdk_dfl_error err;
	int rc;

	f->port[port].err = 0;
	f->port[port].afu = 0;
	rc = xpdk_dfl_enumerate_at(&r, f->port[port].hdr, note_feature, f, &err);
	if (rc < 0)
		return xpdk_err(-rc, "%s: the Device Feature List of port %u is broken: %s",
				xpdk_dev_info(f->dev)->name, port, err.msg);
	return 0;
}

int xpdk_fpga_port_info(struct xpdk_fpga *f, unsigned int port, struct xpdk_fpga_port_info *pi)
{
	uint64_t cap = 0, ctrl = 0, lo = 0, hi = 0;
	int rc = port_exists(f, port);

	memset(pi, 0, sizeof(*pi));
	if (rc == 0 && f->port[port].released) {
		pi->offset = f->port[port].hdr;
		pi->number = (unsigned int)f->port[port].slot;
		pi->released = true;
		return 0;
	}
	if (rc == 0)
		rc = xpdk_fpga_rd(f, f->port[port].hdr + XPDK_PORT_HDR_CAP, &cap);
	if (rc == 0)
		rc = xpdk_fpga_rd(f, f->port[port].hdr + XPDK_PORT_HDR_CTRL, &ctrl);
	if (rc == 0 && f->port[port].afu != 0)
		rc = xpdk_fpga_rd(f, f->port[port].afu + XPDK_DFH_GUID_L, &lo);
	if (rc == 0 && f->port[port].afu != 0)
		rc = xpdk_fpga_rd(f, f->port[port].afu + XPDK_DFH_GUID_H, &hi);
	if (rc < 0)
		return rc;
	pi->offset = f->port[port].hdr;
	pi->number = (unsigned int)XPDK_FIELD_GET(XPDK_PORT_CAP_PORT_NUM, cap);
	pi->mmio_size = XPDK_FIELD_GET(XPDK_PORT_CAP_MMIO_SIZE, cap) * 1024;
	pi->num_irqs = (unsigned int)XPDK_FIELD_GET(XPDK_PORT_CAP_NUM_IRQS, cap);
	pi->in_reset = ctrl & XPDK_PORT_CTRL_SFTRST;
	pi->afu_offset = f->port[port].afu;
	pi->afu_id = xpdk_guid_from_regs(lo, hi);
	return 0;
}

int xpdk_fpga_port_hold(struct xpdk_fpga *f, unsigned int port, bool reset)
{
	uint64_t ctl = f->port[port].hdr + XPDK_PORT_HDR_CTRL, v = 0, seen = 0;
	int rc = xpdk_fpga_rd(f, ctl, &v);

	if (f->helb_port == (int)port) {
		/* the AFU's registers go back to their reset values, a test in flight ends */
		f->helb_shadow_valid = 0;
		f->helb_run.busy = false;
	}
	if (rc == 0)
		rc = xpdk_fpga_wr(f, ctl,
				  reset ? (v | XPDK_PORT_CTRL_SFTRST)
					: (v & ~(uint64_t)XPDK_PORT_CTRL_SFTRST));
	if (rc == 0)
		rc = xpdk_fpga_poll(f, ctl, XPDK_PORT_CTRL_SFTRST_ACK,
				    reset ? XPDK_PORT_CTRL_SFTRST_ACK : 0, XPDK_FPGA_TIMEOUT_MS,
				    &seen);
	if (rc == -ETIMEDOUT) {
		/* do not leave the AFU held in a reset that never took */
		bool undone =
		    reset && xpdk_fpga_wr(f, ctl, v & ~(uint64_t)XPDK_PORT_CTRL_SFTRST) == 0;

		return xpdk_err(ETIMEDOUT,
				"%s port %u: soft reset %s not acknowledged within %d ms (control "
				"register 0x%016llx)%s",
				xpdk_dev_info(f->dev)->name, port, reset ? "assert" : "release",
				XPDK_FPGA_TIMEOUT_MS, (unsigned long long)seen,
				undone ? "; reset released again" : "");
	}
	return rc;
}

int xpdk_fpga_port_reset(struct xpdk_fpga *f, unsigned int port)
{
	int rc = xpdk_fpga_port_check(f, port);

	if (rc == 0)
		rc = xpdk_fpga_port_hold(f, port, true);
	if (rc == 0)
		rc = xpdk_fpga_port_hold(f, port, false);
	return rc;
}

int xpdk_fpga_port_errors(struct xpdk_fpga *f, unsigned int port, uint64_t *errors)
{
	int rc = xpdk_fpga_port_check(f, port);

	*errors = 0;
	if (rc == 0 && f->port[port].err != 0)
		rc = xpdk_fpga_rd(f, f->port[port].err + XPDK_PORT_ERR, errors);
	return rc;
}

int xpdk_fpga_port_errors_clear(struct xpdk_fpga *f, unsigned int port)
{
	uint64_t e = 0;
	int rc = xpdk_fpga_port_errors(f, port, &e);

	if (rc == 0 && e != 0)
		rc = xpdk_fpga_wr(f, f->port[port].err + XPDK_PORT_ERR, e);
	return rc;
}

int xpdk_fpga_afu(struct xpdk_fpga *f, unsigned int port, struct xpdk_fpga_afu *afu)
{
	struct xpdk_fpga_port_info pi;
	int rc = xpdk_fpga_port_info(f, port, &pi);

	memset(afu, 0, sizeof(*afu));
	if (rc < 0)
		return rc;
	if (pi.afu_offset == 0)
		return xpdk_err(ENODEV, "%s port %u has no AFU", xpdk_dev_info(f->dev)->name, port);
	afu->region = f->bar0;
	afu->base = pi.afu_offset;
	afu->size = pi.mmio_size;
	if (afu->size == 0 || afu->base + afu->size > f->bar0->size)
		afu->size = f->bar0->size - afu->base;
	return 0;
}

int xpdk_fpga_afu_walk(struct xpdk_fpga *f, unsigned int port, xpdk_dfl_cb cb, void *arg)
{
	struct xpdk_fpga_afu afu;
	struct xpdk_dfl_region r;
	struct xpdk_dfl_error err;
	int rc = xpdk_fpga_afu(f, port, &afu);

	if (rc < 0)
		return rc;
	r = dfl_region(f->bar0);
	r.size = afu.base + afu.size;
	rc = xpdk_dfl_walk(&r, afu.base, cb, arg, &err);
	return rc;
}
