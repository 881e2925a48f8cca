/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The dfl-fpga model's virtualization: an SR-IOV capability in the PF's configuration space
 * (TotalVFs = the FME's ports, one), the VF it enables (served on its own vfio-user socket, with
 * the port's DFL at BAR 0 offset 0 as the kernel's dfl-pci finds it on a VF), and the routing of
 * the port and its AFU to the PF or the VF as the FME's PORT0 access-control bit and VF Enable
 * say. The AFU's plain-memory window moves with the port: its bytes are copied to the new
 * owner's mapping and the old owner's mapping is filled with all ones (a client's mapping
 * cannot be taken back, so stores there afterwards reach nothing).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_dfl_fpga.h"

#define RAM_LEN	 (XPDK_DEVSIM_DFL_AFU_SIZE - XPDK_DEVSIM_DFL_AFU_RAM)
#define SRIOV_AT (PCI_CFG_SPACE_SIZE + 0x80) /* after the DFL VSEC when there is one */

/* VF device IDs of OPAE's PFs (Linux dfl-pci.c, OPAE's and DPDK ifpga's tables). */
static const struct {
	uint16_t pf, vf;
} vf_ids[] = {
	{ 0x09c4, 0x09c5 }, /* PAC Arria 10 GX */
	{ 0x0b2b, 0x0b2c }, /* PAC D5005 */
	{ 0x0b30, 0x0b31 }, /* PAC N3000 */
	{ 0xbcce, 0xbccf }, /* OFS (N6000/N6001 …) */
	{ 0xaf00, 0xaf01 }, /* OFS early access */
};

/* The VF device ID for PF device ID @p pf: from the table, else the PF's own. */
static uint16_t vf_device(uint16_t pf)
{
	for (size_t i = 0; i < sizeof(vf_ids) / sizeof(vf_ids[0]); i++)
		if (vf_ids[i].pf == pf)
			return vf_ids[i].vf;
	return pf;
}

static void set16(struct xpdk_pci_cfg *cfg, unsigned int off, uint16_t v)
{
	cfg->data[off] = (uint8_t)v;
	cfg->data[off + 1] = (uint8_t)(v >> 8);
}

static bool vfs_enabled(struct dfl_fpga *d)
{
	struct xpdk_pci_cfg *cfg;

	if (d->vf == NULL || d->sriov == 0)
		return false;
	cfg = xpdk_devsim_cfg(d->pf);
	return (xpdk_pci_cfg_get16(cfg, d->sriov + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE) &&
	       xpdk_pci_cfg_get16(cfg, d->sriov + PCI_SRIOV_NUM_VF) >= 1;
}

/* The PF's device ID may have changed (--pci-id): the VF's follows it. */
static void vf_ids_update(struct dfl_fpga *d)
{
	struct xpdk_pci_cfg *pf = xpdk_devsim_cfg(d->pf);
	uint16_t vf = vf_device(xpdk_pci_cfg_get16(pf, PCI_DEVICE_ID));

	set16(pf, d->sriov + PCI_SRIOV_VF_DID, vf);
	set16(xpdk_devsim_cfg(d->vf), PCI_DEVICE_ID, vf);
	set16(xpdk_devsim_cfg(d->vf), PCI_VENDOR_ID, xpdk_pci_cfg_get16(pf, PCI_VENDOR_ID));
}

void xpdk_dflm_abandon(struct dfl_fpga *d)
{
	if (d->he.busy) {
		d->he.busy = false; /* no DSM write: its client is gone or no longer the owner */
		d->he.gen++;
		d->he.error = XPDK_HE_ERR_STOPPED;
		d->he.status = XPDK_HE_STATUS_DONE | XPDK_HE_STATUS_ERROR;
	}
	if (d->helb.running) {
		d->helb.running = false;
		d->helb.gen++;
	}
}

struct xpdk_devsim_dev *xpdk_dflm_afu_dev(struct dfl_fpga *d)
{
	return d->owner == OWNER_PF ? d->pf : d->owner == OWNER_VF ? d->vf : NULL;
}

void xpdk_dflm_route(struct dfl_fpga *d)
{
	enum port_owner o = !d->port_vf ? OWNER_PF : vfs_enabled(d) ? OWNER_VF : OWNER_NONE;
	uint8_t *to;

	if (o == d->owner)
		return;
	/* a test in flight was the old owner's: its DMA targets are not the new owner's */
	xpdk_dflm_abandon(d);
	to = o == OWNER_PF ? d->pf_ram : o == OWNER_VF ? d->vf_ram : d->park_ram;
	memcpy(to, d->afu_ram, RAM_LEN);
	if (d->afu_ram != d->park_ram)
		memset(d->afu_ram, 0xff, RAM_LEN); /* what the old owner now reads there */
	d->afu_ram = to;
	d->owner = o;
	xpdk_devsim_log(d->pf, 2, "port 0 and its AFU now belong to %s",
			o == OWNER_PF	? "the PF"
			: o == OWNER_VF ? "VF 0"
					: "no function (released, VFs disabled)");
}

int xpdk_dflm_cfg_write(struct xpdk_devsim_dev *dev, uint64_t off, const void *buf, size_t len)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);
	struct xpdk_pci_cfg *cfg = xpdk_devsim_cfg(dev);
	unsigned int ctl_at = d->sriov + PCI_SRIOV_CTRL, num_at = d->sriov + PCI_SRIOV_NUM_VF;
	uint16_t ctl0, num0, ctl, num, total;
	int rc;

	if (dev != d->pf || d->sriov == 0 || off >= d->sriov + PCI_EXT_CAP_SRIOV_SIZEOF ||
	    off + len <= d->sriov)
		return xpdk_pci_cfg_write(cfg, off, buf, len);
	ctl0 = xpdk_pci_cfg_get16(cfg, ctl_at);
	num0 = xpdk_pci_cfg_get16(cfg, num_at);
	rc = xpdk_pci_cfg_write(cfg, off, buf, len);
	if (rc < 0)
		return rc;
	ctl = xpdk_pci_cfg_get16(cfg, ctl_at);
	num = xpdk_pci_cfg_get16(cfg, num_at);
	total = xpdk_pci_cfg_get16(cfg, d->sriov + PCI_SRIOV_TOTAL_VF);
	if ((ctl0 & PCI_SRIOV_CTRL_VFE) && num != num0) {
		rc = xpdk_err(EBUSY, "%s: NumVFs cannot change while VF Enable is set",
			      xpdk_devsim_name(dev));
	} else if (num > total) {
		rc = xpdk_err(EINVAL, "%s: NumVFs %u is more than TotalVFs %u",
			      xpdk_devsim_name(dev), num, total);
	} else if ((ctl0 & PCI_SRIOV_CTRL_VFE) && !(ctl & PCI_SRIOV_CTRL_VFE) && num0 > 0 &&
		   xpdk_devsim_connected(d->vf)) {
		/* the VF's client would lose its device under it: refused, as the kernel makes
		 * sriov_numvfs wait for (or refuse while) a VF in use */
		rc = xpdk_err(EBUSY, "%s: VF Enable cannot be cleared while VF 0 has a client",
			      xpdk_devsim_name(dev));
	}
	if (rc < 0) {
		set16(cfg, ctl_at, ctl0);
		set16(cfg, num_at, num0);
		xpdk_devsim_log(dev, 1, "configuration write refused: %s", xpdk_strerror_last());
		return rc;
	}
	if ((ctl & PCI_SRIOV_CTRL_VFE) && !(ctl0 & PCI_SRIOV_CTRL_VFE))
		vf_ids_update(d);
	xpdk_devsim_vf_enable(d->vf, vfs_enabled(d));
	xpdk_dflm_route(d);
	return 0;
}

void xpdk_dflm_ids_changed(struct xpdk_devsim_dev *dev)
{
	struct dfl_fpga *d = xpdk_devsim_priv(dev);

	if (d->vf != NULL)
		vf_ids_update(d);
}

int xpdk_dflm_sriov_init(struct xpdk_devsim_dev *dev, struct dfl_fpga *d)
{
	const struct xpdk_pci_cfg *pf = xpdk_devsim_cfg(dev);
	struct xpdk_pci_ids ids = {
		.vendor = xpdk_pci_cfg_get16(pf, PCI_VENDOR_ID),
		.device = vf_device(xpdk_pci_cfg_get16(pf, PCI_DEVICE_ID)),
		.subsystem_vendor = xpdk_pci_cfg_get16(pf, PCI_SUBSYSTEM_VENDOR_ID),
		.subsystem = xpdk_pci_cfg_get16(pf, PCI_SUBSYSTEM_ID),
		.class_code = 0x120000,
	};
	struct xpdk_pci_sriov sr = {
		.total_vfs = 1,
		.vf_device = ids.device,
		.first_offset = 1,
		.stride = 1,
		.vf_bar0_size = VF_BAR0_SIZE,
	};
	int rc;

	d->pf = dev;
	d->owner = OWNER_PF;
	d->pf_ram = d->afu_ram;
	d->park_ram = calloc(1, RAM_LEN);
	if (d->park_ram == NULL)
		return xpdk_err(ENOMEM, "dfl-fpga: out of memory");
	if (xpdk_devsim_socket_path(dev)[0] == '\0')
		return 0; /* on --fd: no socket to name a VF's after, so no SR-IOV */
	d->sriov = d->dfl_vsec ? SRIOV_AT : PCI_CFG_SPACE_SIZE;
	rc = xpdk_pci_cfg_sriov(xpdk_devsim_cfg(dev), d->sriov, &sr);
	if (rc < 0)
		return rc;
	d->vf = xpdk_devsim_vf_add(dev, "vf0");
	if (d->vf == NULL)
		return -EINVAL;
	/* a VF has MSI and no INTx (SR-IOV: VFs do not use INTx); one BAR */
	xpdk_pci_cfg_init(xpdk_devsim_cfg(d->vf), &ids, true);
	rc = xpdk_pci_cfg_msi(xpdk_devsim_cfg(d->vf), 1);
	if (rc == 0)
		rc = xpdk_devsim_bar(d->vf, 0, VF_BAR0_SIZE, true);
	if (rc < 0)
		return rc;
	d->vf_ram = xpdk_devsim_bar_mem(d->vf, 0, AFU - PORT + XPDK_DEVSIM_DFL_AFU_RAM, RAM_LEN);
	if (d->vf_ram == NULL)
		return -ENOMEM;
	memset(d->vf_ram, 0xff, RAM_LEN);
	return 0;
}

void xpdk_dflm_sriov_fini(struct dfl_fpga *d)
{
	free(d->park_ram);
	d->park_ram = NULL;
}
