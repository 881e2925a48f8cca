/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * DFL FPGA virtualization, as Linux's DFL driver does it: a port is released from the PF (the
 * FME's PORTn access control set to VF, DFL_FPGA_FME_PORT_RELEASE) and assigned back
 * (DFL_FPGA_FME_PORT_ASSIGN); SR-IOV is configured through the PF's SR-IOV capability (as
 * sriov_numvfs with dfl-pci's rule: as many VFs as released ports), and each VF's name is
 * derived from the PF's.
 *
 * Unlike the kernel, which keeps "released" in its own state and sets the access-control bit
 * only when VFs are enabled, a user-space driver keeps nothing between processes: the release
 * is recorded in the FME register at once, and the port is unreachable from the PF from then.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "fpga_priv.h"
#include "xpdk_dfl_regs.h"

#define EXT_CAP_MAX_HOPS 64

static const char *name_of(const struct xpdk_fpga *f)
{
	return xpdk_dev_info(f->dev)->name;
}

void xpdk_fpga_sriov_probe(struct xpdk_fpga *f)
{
	const struct xpdk_region *cr = xpdk_dev_region(f->dev, XPDK_REGION_CONFIG);
	uint32_t at = PCI_CFG_SPACE_SIZE, hdr = 0;

	f->sriov = 0;
	if (cr == NULL || cr->size < PCI_CFG_SPACE_EXP_SIZE)
		return;
	/* the extended capability list: hostile, so bounded in hops and range */
	for (unsigned int hop = 0; hop < EXT_CAP_MAX_HOPS; hop++) {
		if (at < PCI_CFG_SPACE_SIZE || at % 4 || at > PCI_CFG_SPACE_EXP_SIZE - 0x40 ||
		    xpdk_dev_cfg_read(f->dev, at, &hdr, sizeof(hdr)) < 0) {
			xpdk_err_clear();
			return;
		}
		if ((hdr & 0xffff) == PCI_EXT_CAP_ID_SRIOV) {
			f->sriov = at;
			return;
		}
		at = hdr >> 20;
		if (at == 0)
			return;
	}
}

static int cfg16(struct xpdk_fpga *f, unsigned int reg, uint16_t *v)
{
	return xpdk_dev_cfg_read(f->dev, f->sriov + reg, v, sizeof(*v));
}

static int cfg16_write(struct xpdk_fpga *f, unsigned int reg, uint16_t v)
{
	return xpdk_dev_cfg_write(f->dev, f->sriov + reg, &v, sizeof(v));
}

int xpdk_fpga_sriov_info(struct xpdk_fpga *f, struct xpdk_fpga_sriov *s)
{
	uint16_t ctl = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	if (f->sriov == 0)
		return xpdk_err(ENOTSUP,
				"%s has no SR-IOV capability (a VF, or a devsim PF served on --fd)",
				name_of(f));
	rc = cfg16(f, PCI_SRIOV_CTRL, &ctl);
	if (rc == 0)
		rc = cfg16(f, PCI_SRIOV_TOTAL_VF, &s->total_vfs);
	if (rc == 0)
		rc = cfg16(f, PCI_SRIOV_NUM_VF, &s->num_vfs);
	if (rc == 0)
		rc = cfg16(f, PCI_SRIOV_VF_DID, &s->vf_device);
	if (rc == 0)
		rc = cfg16(f, PCI_SRIOV_VF_OFFSET, &s->first_offset);
	if (rc == 0)
		rc = cfg16(f, PCI_SRIOV_VF_STRIDE, &s->stride);
	if (rc < 0)
		return rc;
	s->enabled = ctl & PCI_SRIOV_CTRL_VFE;
	for (unsigned int i = 0; i < f->nports; i++)
		s->released += f->port[i].released;
	return 0;
}

/* The port's FME register, for release and assign; checks what both need. */
static int port_slot(struct xpdk_fpga *f, unsigned int port, uint64_t *reg)
{
	if (port >= f->nports)
		return xpdk_err(EINVAL, "%s has %u port%s; port %u does not exist", name_of(f),
				f->nports, f->nports == 1 ? "" : "s", port);
	if (!f->has_fme || f->port[port].slot < 0)
		return xpdk_err(ENOTSUP,
				"%s: no FME lists port %u (a VF has none): ports are released and "
				"assigned on the PF",
				name_of(f), port);
	*reg = f->fme + XPDK_FME_HDR_PORT_OFST(f->port[port].slot);
	return 0;
}

/* Set the access-control bit of @p reg to @p vf and check that the FME took it. */
static int set_access(struct xpdk_fpga *f, uint64_t reg, bool vf)
{
	uint64_t v = 0;
	int rc = xpdk_fpga_rd(f, reg, &v);

	if (rc == 0)
		rc = xpdk_fpga_wr(f, reg,
				  vf ? v | XPDK_FME_PORT_OFST_ACC : v & ~XPDK_FME_PORT_OFST_ACC);
	if (rc == 0)
		rc = xpdk_fpga_rd(f, reg, &v);
	if (rc == 0 && !(v & XPDK_FME_PORT_OFST_ACC) != !vf)
		rc = xpdk_err(EIO,
			      "%s: the FME's port register 0x%llx did not take access control %s "
			      "(reads 0x%016llx)",
			      name_of(f), (unsigned long long)reg, vf ? "VF" : "PF",
			      (unsigned long long)v);
	return rc;
}

int xpdk_fpga_port_release(struct xpdk_fpga *f, unsigned int port)
{
	uint64_t reg = 0;
	int rc = port_slot(f, port, &reg);

	if (rc < 0)
		return rc;
	if (f->port[port].released)
		return xpdk_err(EBUSY, "%s port %u is released already", name_of(f), port);
	if (f->he_port == (int)port || f->helb_port == (int)port ||
	    (port == 0 && f->engine != FPGA_ENGINE_NONE))
		return xpdk_err(EBUSY,
				"%s port %u is in use (its exerciser is attached or its DMA engine "
				"open in this process): close the FPGA first",
				name_of(f), port);
	rc = set_access(f, reg, true);
	if (rc < 0)
		return rc;
	f->port[port].released = true; /* as the kernel removes the port device */
	f->port[port].err = 0;
	f->port[port].afu = 0;
	f->slot[f->port[port].slot].vf = true;
	return 0;
}

int xpdk_fpga_port_assign(struct xpdk_fpga *f, unsigned int port)
{
	uint64_t reg = 0;
	uint16_t ctl = 0;
	int rc = port_slot(f, port, &reg);

	if (rc < 0)
		return rc;
	if (!f->port[port].released)
		return xpdk_err(EBUSY, "%s port %u is not released: the PF has it", name_of(f),
				port);
	if (f->sriov != 0 && (rc = cfg16(f, PCI_SRIOV_CTRL, &ctl)) < 0)
		return rc;
	if (ctl & PCI_SRIOV_CTRL_VFE)
		return xpdk_err(
		    EBUSY,
		    "%s port %u belongs to a VF while SR-IOV is enabled: disable the VFs "
		    "first (xpdk-fpga -d %s sriov 0)",
		    name_of(f), port, name_of(f));
	rc = set_access(f, reg, false);
	if (rc < 0)
		return rc;
	f->port[port].released = false;
	f->slot[f->port[port].slot].vf = false;
	return xpdk_fpga_port_walk(f, port);
}

int xpdk_fpga_sriov_configure(struct xpdk_fpga *f, unsigned int num_vfs)
{
	struct xpdk_fpga_sriov s;
	uint16_t ctl = 0;
	int rc = xpdk_fpga_sriov_info(f, &s);

	if (rc == 0)
		rc = cfg16(f, PCI_SRIOV_CTRL, &ctl);
	if (rc < 0)
		return rc;
	if (num_vfs > s.total_vfs)
		return xpdk_err(ERANGE, "%s: %u VFs asked, TotalVFs is %u", name_of(f), num_vfs,
				s.total_vfs);
	if ((s.enabled && num_vfs == s.num_vfs) || (!s.enabled && num_vfs == 0))
		return 0; /* as it is */
	if (num_vfs > 0 && s.enabled)
		return xpdk_err(EBUSY,
				"%s: %u VFs already enabled; disable them before enabling %u",
				name_of(f), s.num_vfs, num_vfs);
	if (num_vfs > 0) {
		/* dfl-pci's rule: one VF per released port, no more, no fewer */
		if (s.released != num_vfs)
			return xpdk_err(EINVAL,
					"%s: each VF owns one released port: %u released, %u VFs "
					"asked (release with: xpdk-fpga -d %s port release N)",
					name_of(f), s.released, num_vfs, name_of(f));
		rc = cfg16_write(f, PCI_SRIOV_NUM_VF, (uint16_t)num_vfs);
		if (rc == 0)
			rc = cfg16_write(f, PCI_SRIOV_CTRL,
					 ctl | PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
		if (rc < 0)
			return xpdk_err(-rc, "%s: the device refused %u VFs: %s", name_of(f),
					num_vfs, xpdk_strerror_last());
		return 0;
	}
	rc = cfg16_write(f, PCI_SRIOV_CTRL,
			 ctl & ~(uint16_t)(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE));
	if (rc == -EBUSY)
		return xpdk_err(
		    EBUSY,
		    "%s refused to disable its VFs: a VF is in use (its client must close "
		    "it first)",
		    name_of(f));
	if (rc == 0)
		rc = cfg16_write(f, PCI_SRIOV_NUM_VF, 0);
	return rc;
}

int xpdk_fpga_vf_name(struct xpdk_fpga *f, unsigned int vf, char *buf, size_t len)
{
	const struct xpdk_dev_info *info = xpdk_dev_info(f->dev);
	struct xpdk_fpga_sriov s;
	unsigned int dom, bus, slot, fn;
	int rc = xpdk_fpga_sriov_info(f, &s), end = 0, n;

	if (rc < 0)
		return rc;
	if (vf >= s.total_vfs)
		return xpdk_err(EINVAL, "%s has %u VF%s; VF %u does not exist", info->name,
				s.total_vfs, s.total_vfs == 1 ? "" : "s", vf);
	if (strcmp(info->transport, "vfio-user") == 0) {
		/* devsim's convention: the PF's socket without ".sock", then "-vfN.sock" */
		size_t base = strlen(info->name);

		if (base >= 5 && strcmp(info->name + base - 5, ".sock") == 0)
			base -= 5;
		n = snprintf(buf, len, "%.*s-vf%u.sock", (int)base, info->name, vf);
	} else if (sscanf(info->name, "%x:%x:%x.%x%n", &dom, &bus, &slot, &fn, &end) == 4 &&
		   info->name[end] == '\0') {
		/* the VF's routing ID: the PF's plus First VF Offset plus VF Stride per VF */
		unsigned int rid = (bus << 8 | slot << 3 | fn) + s.first_offset + vf * s.stride;

		n = snprintf(buf, len, "%04x:%02x:%02x.%x", dom, (rid >> 8) & 0xff,
			     (rid >> 3) & 0x1f, rid & 7);
	} else {
		return xpdk_err(EINVAL, "%s: cannot derive a VF name from this name", info->name);
	}
	if (n < 0 || (size_t)n >= len)
		return xpdk_err(ENAMETOOLONG, "%s: VF %u's name does not fit in %zu bytes",
				info->name, vf, len);
	return 0;
}
