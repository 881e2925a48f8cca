/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Model "dfl-fpga": an OPAE PCIe FPGA physical function (default 8086:0b30, the PAC N3000) whose
 * BAR0 carries a Device Feature List as Linux's DFL driver and OPAE walk it:
 *
 *   0x00000 FME (FIU 0)            -> 0x01000 thermal -> 0x02000 power -> 0x03000 global perf
 *                                   -> 0x04000 global error -> 0x05000 PR (EOL)
 *   0x40000 port 0 (FIU 1), found through FME_PORT0 -> 0x41000 port error -> 0x42000 STP (EOL)
 *   0x80000 AFU (port NEXT_AFU): XPDK's test exerciser (xpdk_he_regs.h), OPAE's HE-LB or
 *           HE-MEM (xpdk_opae_he_regs.h) or the counter AFU, chosen by afu= and swapped by
 *           partial reconfiguration; its first 4 KiB are registers, the rest of its
 *           256 KiB window is plain memory the client maps (the MMIO fast path).
 *
 * With a socket path the PF has an SR-IOV capability and one VF, which serves the port and its
 * AFU once the FME releases the port to it (model_dfl_fpga_sriov.c).
 *
 * Registers are 64 bits; 4-byte accesses reach the low or high half (a 4-byte write to a high
 * half is ignored, except by OPAE's exercisers, whose DSM_BASEH and CTL take them); other sizes
 * read all-ones and are dropped. Live values (temperature, power) follow a random walk seeded by
 * the seed= argument, so runs with one seed read the same sequence. The exerciser's engine runs on
 * the device thread without the register lock, so register reads stay quick while it moves data; it
 * works directly on the client's buffers (mapped with an fd), and page by page when a buffer spans
 * two of the client's DMA mappings, which also finds the first page that faults.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_dfl_fpga.h"

uint64_t xpdk_dflm_dfh(unsigned int type, unsigned int id, unsigned int rev, uint64_t next,
		       bool eol)
{
	return XPDK_FIELD_PREP(XPDK_DFH_TYPE, type) | XPDK_FIELD_PREP(XPDK_DFH_ID, id) |
	       XPDK_FIELD_PREP(XPDK_DFH_REVISION, rev) | XPDK_FIELD_PREP(XPDK_DFH_NEXT, next) |
	       (eol ? XPDK_DFH_EOL : 0);
}

/* xorshift64*: the live readings' random walk */
uint64_t xpdk_dflm_rng_next(struct dfl_fpga *d)
{
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return d->rng * 0x2545f4914f6cdd1dULL;
}

/* ---- arguments ---------------------------------------------------------------------------- */

static int parse_guid(const char *str, uint64_t *hi, uint64_t *lo)
{
	struct xpdk_guid g;
	int rc = xpdk_guid_parse(str, &g);

	if (rc == 0)
		xpdk_guid_to_regs(&g, lo, hi);
	return rc;
}

static int dfl_arg(const char *key, const char *val, void *arg)
{
	struct dfl_fpga *d = arg;

	if (strcmp(key, "seed") == 0) {
		if (xpdk_parse_u64(val, &d->seed) < 0)
			return xpdk_err(EINVAL, "dfl-fpga: seed '%s' is not a number", val);
	} else if (strcmp(key, "pr_id") == 0) {
		if (parse_guid(val, &d->pr_id_h, &d->pr_id_l) < 0)
			return xpdk_err(EINVAL,
					"dfl-fpga: pr_id '%s' is not a GUID "
					"(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
					val);
	} else if (strcmp(key, "faults") == 0) {
		char buf[128], *save = NULL;

		snprintf(buf, sizeof(buf), "%s", val);
		for (char *t = strtok_r(buf, "+", &save); t != NULL;
		     t = strtok_r(NULL, "+", &save)) {
			if (strcmp(t, "port-reset-ack") == 0)
				d->faults |= FAULT_PORT_RESET_ACK;
			else if (strcmp(t, "pr-complete") == 0)
				d->faults |= FAULT_PR_COMPLETE;
			else
				return xpdk_err(EINVAL,
						"dfl-fpga: fault '%s' is unknown (port-reset-ack, "
						"pr-complete)",
						t);
		}
	} else if (strcmp(key, "dfl") == 0) {
		if (strcmp(val, "bar0") == 0)
			d->dfl_vsec = false;
		else if (strcmp(val, "vsec") == 0)
			d->dfl_vsec = true;
		else
			return xpdk_err(EINVAL, "dfl-fpga: dfl '%s' is unknown (bar0, vsec)", val);
	} else if (strcmp(key, "afu") == 0) {
		if (strcmp(val, "xpdk-he") == 0 || strcmp(val, "he") == 0)
			d->afu = AFU_HE;
		else if (strcmp(val, "he-lb") == 0)
			d->afu = AFU_HE_LB;
		else if (strcmp(val, "he-mem") == 0)
			d->afu = AFU_HE_MEM;
		else if (strcmp(val, "counter") == 0)
			d->afu = AFU_COUNTER;
		else
			return xpdk_err(EINVAL,
					"dfl-fpga: afu '%s' is unknown (xpdk-he, he-lb, he-mem, "
					"counter)",
					val);
	} else {
		return xpdk_err(EINVAL,
				"dfl-fpga: unknown model argument '%s' (known: seed, pr_id, afu, "
				"dfl, faults)",
				key);
	}
	return 0;
}

/* ---- model callbacks -------------------------------------------------------------------- */

static uint64_t reg_read(struct dfl_fpga *d, uint64_t off)
{
	d->fab_events[EV_MMIO_RD]++;
	if (off >= AFU)
		return xpdk_dflm_afu_read(d, off - AFU);
	if (off >= PORT)
		return xpdk_dflm_port_read(d, off);
	return xpdk_dflm_fme_read(d, off);
}

/* @p off as accessed: a 4-byte write reaches the AFU with its size (OPAE's exercisers take
 * 32-bit writes to high halves); elsewhere it is ignored */
static void reg_write(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t off,
		      unsigned int size, uint64_t val)
{
	d->fab_events[EV_MMIO_WR]++;
	if (off >= AFU)
		xpdk_dflm_afu_write(dev, d, off - AFU, size, val);
	else if (size == 4 && (off & 4))
		return;
	else if (off >= PORT)
		xpdk_dflm_port_write(d, off & ~7ull, val);
	else
		xpdk_dflm_fme_write(dev, d, off & ~7ull, val);
}

/*
 * Where an access of function @p dev at @p off of BAR 0 lands in the PF's map, or false when
 * nothing answers: the VF's BAR 0 is the port's part of the PF's (offset by PORT); the port's
 * part belongs to whichever function the port is routed to, and reads all ones from the other
 * (the value a read that no function completes returns).
 */
static bool route(struct xpdk_devsim_dev *dev, struct dfl_fpga *d, uint64_t *off)
{
	if (xpdk_devsim_function_index(dev) >= 0) {
		*off = VF_TO_PF(*off);
		return d->owner == OWNER_VF;
	}
	return *off < PORT || d->owner == OWNER_PF;
}

static uint64_t dfl_mmio_read(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			      unsigned int size)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);
	uint64_t v;

	if (bar != 0 || (size != 8 && size != 4) || !route(dev, d, &off))
		return ~0ULL;
	v = reg_read(d, off & ~7ULL);
	return size == 8 ? v : (off & 4) ? v >> 32 : (uint32_t)v;
}

static void dfl_mmio_write(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			   unsigned int size, uint64_t val)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);

	if (bar != 0 || (size != 8 && size != 4) || (off & (size - 1)) != 0 || !route(dev, d, &off))
		return;
	reg_write(dev, d, off, size, size == 4 ? (uint32_t)val : val);
}

/*
 * dfl=vsec: the Intel vendor-specific extended capability that lists the DFLs, as OFS cards
 * have it (Linux dfl-pci.c find_dfls_by_vsec): two lists in BAR 0, the FME's at 0 and the
 * port's at PORT. Read-only (the write mask stays zero).
 */
static void dfl_vsec_cap(struct xpdk_pci_cfg *cfg)
{
	const uint32_t at = PCI_CFG_SPACE_SIZE, n = 2;
	const uint32_t words[] = {
		PCI_EXT_CAP_ID_VNDR | 1u << 16,				  /* last capability */
		XPDK_DFL_VSEC_ID | (XPDK_DFL_VSEC_DFL_RES + 4 * n) << 20, /* ID, rev 0, length */
		n,
		(uint32_t)XPDK_FIELD_PREP(XPDK_DFL_VSEC_RES_BIR, 0) | FME,
		(uint32_t)XPDK_FIELD_PREP(XPDK_DFL_VSEC_RES_BIR, 0) | PORT,
	};

	memcpy(cfg->data + at, words, sizeof(words));
}

/* Power-on state of the port and its AFU. */
static void port_power_on(struct dfl_fpga *d)
{
	d->port_ctrl = d->port_err_mask = d->port_err = d->port_first_err = 0;
	xpdk_dflm_afu_power_on(d);
}

/* Power-on state of the FME (everything but the port, the loaded AFU and the arguments). */
static void dfl_power_on(struct dfl_fpga *d, uint64_t seed)
{
	d->seed = seed;
	d->rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	d->temp = 40 + seed % 20;
	d->therm_threshold = XPDK_FIELD_PREP(XPDK_FME_THERM_TRIP, 95);
	d->pwr_threshold = 0;
	d->err_fme_mask = d->err_fme = d->err_pcie0_mask = d->err_pcie0 = 0;
	d->err_pcie1_mask = d->err_pcie1 = d->err_nonfat_mask = d->err_nonfat = 0;
	d->err_catfat_mask = d->err_catfat = d->err_first = d->err_next = 0;
	d->perf_fab_ctrl = d->perf_cache_ctrl = 0;
	memset(d->fab_events, 0, sizeof(d->fab_events));
	memset(d->fab_base, 0, sizeof(d->fab_base));
	memset(d->fab_frozen, 0, sizeof(d->fab_frozen));
	d->t0 = xpdk_now_ns();
	d->pr_ctrl = d->pr_err = 0;
	d->pr_active = false;
	d->pr_len = 0;
}

static int dfl_init(struct xpdk_devsim_dev *dev, const char *args)
{
	static const struct xpdk_pci_ids ids = {
		.vendor = 0x8086,
		.device = 0x0b30,
		.subsystem_vendor = 0x8086,
		.subsystem = 0x0b30,
		.class_code = 0x120000, /* processing accelerator */
		.revision = 0,
	};
	struct dfl_fpga *d = xpdk_devsim_priv(dev);
	struct xpdk_pci_cfg *cfg = xpdk_devsim_cfg(dev);
	int rc;

	d->afu = AFU_HE;
	if (parse_guid(XPDK_DEVSIM_DFL_PR_ID, &d->pr_id_h, &d->pr_id_l) < 0)
		return xpdk_err(EINVAL, "dfl-fpga: bad built-in PR interface ID");
	rc = xpdk_devsim_args("dfl-fpga", args, dfl_arg, d);
	if (rc < 0)
		return rc;
	d->bs_id = XPDK_FIELD_PREP(XPDK_FME_BS_ID_HASH, (uint32_t)((d->seed + 1) * 2654435761u)) |
		   XPDK_FIELD_PREP(XPDK_FME_BS_ID_MAJOR, 1) |
		   XPDK_FIELD_PREP(XPDK_FME_BS_ID_MINOR, 2) |
		   XPDK_FIELD_PREP(XPDK_FME_BS_ID_PATCH, 0);
	d->bs_md = XPDK_FIELD_PREP(XPDK_FME_BS_MD_YEAR, 0x26) |
		   XPDK_FIELD_PREP(XPDK_FME_BS_MD_MONTH, 0x11) |
		   XPDK_FIELD_PREP(XPDK_FME_BS_MD_DAY, 0x22) |
		   XPDK_FIELD_PREP(XPDK_FME_BS_MD_SEED, d->seed & 0xf);
	d->pr_buf = malloc(XPDK_DEVSIM_RBF_MAX);
	if (d->pr_buf == NULL)
		return xpdk_err(ENOMEM, "dfl-fpga: out of memory for the PR buffer");
	xpdk_pci_cfg_init(cfg, &ids, true);
	if (d->dfl_vsec)
		dfl_vsec_cap(cfg);
	xpdk_pci_cfg_intx(cfg, 1);
	rc = xpdk_pci_cfg_msi(cfg, 1);
	if (rc == 0)
		rc = xpdk_devsim_bar(dev, 0, XPDK_DEVSIM_DFL_BAR0_SIZE, true);
	if (rc == 0) {
		d->afu_ram =
		    xpdk_devsim_bar_mem(dev, 0, AFU + XPDK_DEVSIM_DFL_AFU_RAM,
					XPDK_DEVSIM_DFL_AFU_SIZE - XPDK_DEVSIM_DFL_AFU_RAM);
		if (d->afu_ram == NULL)
			rc = errno ? -errno : -ENOMEM;
	}
	if (rc < 0) {
		free(d->pr_buf);
		d->pr_buf = NULL;
		return rc;
	}
	dfl_power_on(d, d->seed);
	port_power_on(d);
	return xpdk_dflm_sriov_init(dev, d);
}

static void dfl_fini(struct xpdk_devsim_dev *dev)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);

	free(d->pr_buf);
	d->pr_buf = NULL;
	xpdk_dflm_sriov_fini(d);
}

/* A function's reset (vfio-user DEVICE_RESET, as an FLR): the PF's resets the FME, and the
 * port and AFU when they are the PF's; the VF's resets the port and AFU when they are its.
 * The SR-IOV capability and the port's routing stay as they are. */
static void dfl_reset(struct xpdk_devsim_dev *dev)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);

	if (xpdk_devsim_function_index(dev) < 0)
		dfl_power_on(d, d->seed);
	if (xpdk_dflm_afu_dev(d) == dev)
		port_power_on(d);
}

static uint64_t dfl_work(struct xpdk_devsim_dev *dev)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);
	struct xpdk_devsim_dev *afu_dev;
	uint64_t a, b;

	/* the engines' DMA and interrupts go to the client of the function owning the port */
	xpdk_devsim_lock(dev);
	afu_dev = xpdk_dflm_afu_dev(d);
	xpdk_devsim_unlock(dev);
	if (afu_dev == NULL)
		return XPDK_DEVSIM_IDLE; /* the engines were stopped when the port left */
	a = xpdk_dflm_he_work(afu_dev, d);
	b = xpdk_dflm_helb_work(afu_dev, d);
	return a < b ? a : b;
}

static void dfl_detach(struct xpdk_devsim_dev *dev)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);

	/* the client's memory is gone: its tests end, without DSM writes */
	xpdk_devsim_lock(dev);
	if (xpdk_dflm_afu_dev(d) == dev)
		xpdk_dflm_abandon(d);
	xpdk_devsim_unlock(dev);
}

static const struct xpdk_devsim_model dfl_fpga_model = {
	.name = "dfl-fpga",
	.summary = "OPAE DFL FPGA PF (8086:0b30): FME, port, host-exerciser AFU, partial "
		   "reconfiguration, SR-IOV (the released port on VF socket NAME-vf0.sock)",
	.args_help =
	    "seed=N  seed of the live readings (default 0)\n"
	    "pr_id=GUID  PR interface ID (default " XPDK_DEVSIM_DFL_PR_ID ")\n"
	    "dfl=bar0|vsec  where the DFLs are found: BAR 0 offset 0 (default) or the lists of a "
	    "PCIe VSEC (ID 0x43)\n"
	    "afu=xpdk-he|he-lb|he-mem|counter  AFU loaded at power-on: XPDK's test exerciser "
	    "(default; 'he' is its old name), OPAE's HE-LB or HE-MEM, the counter\n"
	    "faults=F[+F]  inject faults: port-reset-ack (never acknowledged), pr-complete "
	    "(PR never completes)",
	.priv_size = sizeof(struct dfl_fpga),
	.init = dfl_init,
	.fini = dfl_fini,
	.mmio_read = dfl_mmio_read,
	.mmio_write = dfl_mmio_write,
	.reset = dfl_reset,
	.work = dfl_work,
	.detach = dfl_detach,
	.cfg_write = xpdk_dflm_cfg_write,
	.ids_changed = xpdk_dflm_ids_changed,
};

XPDK_DEVSIM_MODEL(dfl_fpga_model)
