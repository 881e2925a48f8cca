/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Emulated PCI configuration space: contents plus a per-byte write mask, BAR sizing and the
 * capability list.
 */

#include <errno.h>
#include <string.h>

#include "xpdk_common.h"
#include "xpdk_pci_cfg.h"

#define PCI_CAP_MSI_SIZE  24 /* 64-bit, with mask/pending registers */
#define PCI_CAP_MSIX_SIZE 12
#define PCI_CAP_EXP_SIZE  60 /* version 2 capability */

static void put16(struct xpdk_pci_cfg *cfg, unsigned int off, uint16_t v)
{
	cfg->data[off] = (uint8_t)v;
	cfg->data[off + 1] = (uint8_t)(v >> 8);
}

static void put32(struct xpdk_pci_cfg *cfg, unsigned int off, uint32_t v)
{
	put16(cfg, off, (uint16_t)v);
	put16(cfg, off + 2, (uint16_t)(v >> 16));
}

static void wmask16(struct xpdk_pci_cfg *cfg, unsigned int off, uint16_t m)
{
	cfg->wmask[off] = (uint8_t)m;
	cfg->wmask[off + 1] = (uint8_t)(m >> 8);
}

static void wmask32(struct xpdk_pci_cfg *cfg, unsigned int off, uint32_t m)
{
	wmask16(cfg, off, (uint16_t)m);
	wmask16(cfg, off + 2, (uint16_t)(m >> 16));
}

uint16_t xpdk_pci_cfg_get16(const struct xpdk_pci_cfg *cfg, unsigned int off)
{
	return (uint16_t)(cfg->data[off] | (cfg->data[off + 1] << 8));
}

uint32_t xpdk_pci_cfg_get32(const struct xpdk_pci_cfg *cfg, unsigned int off)
{
	return xpdk_pci_cfg_get16(cfg, off) | ((uint32_t)xpdk_pci_cfg_get16(cfg, off + 2) << 16);
}

void xpdk_pci_cfg_init(struct xpdk_pci_cfg *cfg, const struct xpdk_pci_ids *ids, bool express)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = express ? PCI_CFG_SPACE_EXP_SIZE : PCI_CFG_SPACE_SIZE;
	put16(cfg, PCI_VENDOR_ID, ids->vendor);
	put16(cfg, PCI_DEVICE_ID, ids->device);
	cfg->data[PCI_REVISION_ID] = ids->revision;
	cfg->data[PCI_CLASS_PROG] = (uint8_t)ids->class_code;
	put16(cfg, PCI_CLASS_DEVICE, (uint16_t)(ids->class_code >> 8));
	put16(cfg, PCI_SUBSYSTEM_VENDOR_ID, ids->subsystem_vendor);
	put16(cfg, PCI_SUBSYSTEM_ID, ids->subsystem);
	wmask16(cfg, PCI_COMMAND,
		PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		    PCI_COMMAND_INTX_DISABLE);
	cfg->wmask[0x0c] = 0xff; /* cache line size */
	cfg->wmask[0x0d] = 0xff; /* latency timer */
	cfg->wmask[PCI_INTERRUPT_LINE] = 0xff;
	cfg->next_cap = 0x40;
	if (express) {
		/* PCI Express capability: endpoint, version 2 */
		uint8_t at = cfg->next_cap;

		cfg->data[at] = PCI_CAP_ID_EXP;
		put16(cfg, at + 2, 0x0002);
		cfg->data[PCI_CAPABILITY_LIST] = at;
		cfg->data[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
		cfg->next_cap = (uint8_t)(at + PCI_CAP_EXP_SIZE);
	}
}

int xpdk_pci_cfg_bar(struct xpdk_pci_cfg *cfg, unsigned int bar, uint64_t size, bool mem64,
		     bool prefetch)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	uint64_t mask;
	uint32_t flags;
	uint8_t slots;

	if (bar >= PCI_STD_NUM_BARS || (mem64 && bar + 1 >= PCI_STD_NUM_BARS))
		return xpdk_err(EINVAL, "BAR %u does not exist%s", bar, mem64 ? " (64-bit)" : "");
	if (!XPDK_IS_POW2(size) || size < 16 || (!mem64 && size > (1ULL << 31)))
		return xpdk_err(EINVAL, "BAR size 0x%llx is not a power of two in range",
				(unsigned long long)size);
	slots = (uint8_t)((mem64 ? 3u : 1u) << bar);
	if (cfg->bar_used & slots)
		return xpdk_err(EINVAL, "BAR %u is already declared", bar);
	cfg->bar_used |= slots;
	flags = (mem64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : 0) |
		(prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
	mask = ~(size - 1);
	put32(cfg, off, flags);
	wmask32(cfg, off, (uint32_t)mask & ~0xfu);
	cfg->bar_size[bar] = size;
	if (mem64)
		wmask32(cfg, off + 4, (uint32_t)(mask >> 32));
	return 0;
}

void xpdk_pci_cfg_intx(struct xpdk_pci_cfg *cfg, uint8_t pin)
{
	cfg->data[PCI_INTERRUPT_PIN] = pin;
}

/* Link a new capability of @p size bytes at the end of the list; returns its offset or 0. */
static uint8_t cap_add(struct xpdk_pci_cfg *cfg, uint8_t id, unsigned int size)
{
	uint8_t at = cfg->next_cap;
	uint8_t *link = &cfg->data[PCI_CAPABILITY_LIST];

	if (at + size > PCI_CFG_SPACE_SIZE)
		return 0;
	while (*link != 0)
		link = &cfg->data[*link + 1];
	*link = at;
	cfg->data[at] = id;
	cfg->data[at + 1] = 0;
	cfg->data[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	cfg->next_cap = (uint8_t)XPDK_ALIGN_UP(at + size, 4u);
	return at;
}

int xpdk_pci_cfg_msi(struct xpdk_pci_cfg *cfg, unsigned int vectors)
{
	uint8_t at;
	unsigned int log2v = 0;

	if (!XPDK_IS_POW2(vectors) || vectors > 32)
		return xpdk_err(EINVAL, "MSI vector count %u is not 1, 2, 4, 8, 16 or 32", vectors);
	while ((1u << log2v) < vectors)
		log2v++;
	at = cap_add(cfg, PCI_CAP_ID_MSI, PCI_CAP_MSI_SIZE);
	if (at == 0)
		return xpdk_err(ENOSPC, "no room for an MSI capability");
	cfg->msi_cap = at;
	put16(cfg, at + PCI_MSI_FLAGS, (uint16_t)(PCI_MSI_FLAGS_64BIT | (log2v << 1)));
	/* enable and multiple-message-enable are writable */
	wmask16(cfg, at + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | (7u << 4));
	wmask32(cfg, at + 4, 0xfffffffcu); /* address low, dword aligned */
	wmask32(cfg, at + 8, 0xffffffffu); /* address high */
	wmask16(cfg, at + 12, 0xffff);	   /* data */
	return 0;
}

int xpdk_pci_cfg_msix(struct xpdk_pci_cfg *cfg, unsigned int vectors, unsigned int bar,
		      uint32_t table_off, uint32_t pba_off)
{
	uint8_t at;

	if (vectors == 0 || vectors > 2048 || bar >= PCI_STD_NUM_BARS || (table_off & 7) ||
	    (pba_off & 7))
		return xpdk_err(EINVAL, "bad MSI-X layout (%u vectors in BAR %u)", vectors, bar);
	at = cap_add(cfg, PCI_CAP_ID_MSIX, PCI_CAP_MSIX_SIZE);
	if (at == 0)
		return xpdk_err(ENOSPC, "no room for an MSI-X capability");
	cfg->msix_cap = at;
	put16(cfg, at + 2, (uint16_t)(vectors - 1));
	wmask16(cfg, at + 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	put32(cfg, at + 4, table_off | bar);
	put32(cfg, at + 8, pba_off | bar);
	return 0;
}

int xpdk_pci_cfg_sriov(struct xpdk_pci_cfg *cfg, unsigned int at, const struct xpdk_pci_sriov *sr)
{
	unsigned int last = PCI_CFG_SPACE_SIZE;
	uint64_t mask;

	if (cfg->size != PCI_CFG_SPACE_EXP_SIZE || at < PCI_CFG_SPACE_SIZE || at % 4 ||
	    at + PCI_EXT_CAP_SRIOV_SIZEOF > PCI_CFG_SPACE_EXP_SIZE)
		return xpdk_err(EINVAL, "no room for an SR-IOV capability at 0x%x", at);
	if (!XPDK_IS_POW2(sr->vf_bar0_size) || sr->vf_bar0_size < 4096)
		return xpdk_err(EINVAL,
				"VF BAR 0 size 0x%llx is not a power of two of 4 KiB or more",
				(unsigned long long)sr->vf_bar0_size);
	if (xpdk_pci_cfg_get32(cfg, PCI_CFG_SPACE_SIZE) == 0) {
		if (at != PCI_CFG_SPACE_SIZE)
			return xpdk_err(EINVAL, "the first extended capability must be at 0x100");
	} else {
		/* link after the last one: its next pointer is bits 31:20 of its header */
		for (unsigned int n = 0; n < 64; n++) {
			unsigned int next = xpdk_pci_cfg_get32(cfg, last) >> 20;

			if (next == 0)
				break;
			last = next;
		}
		put32(cfg, last, (xpdk_pci_cfg_get32(cfg, last) & 0xfffffu) | (uint32_t)at << 20);
	}
	put32(cfg, at, PCI_EXT_CAP_ID_SRIOV | 1u << 16);
	put16(cfg, at + PCI_SRIOV_INITIAL_VF, sr->total_vfs);
	put16(cfg, at + PCI_SRIOV_TOTAL_VF, sr->total_vfs);
	put16(cfg, at + PCI_SRIOV_VF_OFFSET, sr->first_offset);
	put16(cfg, at + PCI_SRIOV_VF_STRIDE, sr->stride);
	put16(cfg, at + PCI_SRIOV_VF_DID, sr->vf_device);
	put32(cfg, at + PCI_SRIOV_SUP_PGSIZE, 0x553); /* 4K, 8K, 64K, 256K, 1M, 4M */
	put32(cfg, at + PCI_SRIOV_SYS_PGSIZE, 1);     /* 4 KiB */
	put32(cfg, at + PCI_SRIOV_BAR, PCI_BASE_ADDRESS_MEM_TYPE_64);
	wmask16(cfg, at + PCI_SRIOV_CTRL,
		PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE | PCI_SRIOV_CTRL_ARI);
	wmask16(cfg, at + PCI_SRIOV_NUM_VF, 0xffff);
	wmask32(cfg, at + PCI_SRIOV_SYS_PGSIZE, 0x553);
	mask = ~(sr->vf_bar0_size - 1);
	wmask32(cfg, at + PCI_SRIOV_BAR, (uint32_t)mask & ~0xfu);
	wmask32(cfg, at + PCI_SRIOV_BAR + 4, (uint32_t)(mask >> 32));
	return 0;
}

static int check_range(const struct xpdk_pci_cfg *cfg, uint64_t off, size_t len)
{
	if (off > cfg->size || len > cfg->size - off)
		return xpdk_err(EINVAL,
				"config space access of %zu bytes at 0x%llx is past its end "
				"(0x%zx bytes)",
				len, (unsigned long long)off, cfg->size);
	return 0;
}

int xpdk_pci_cfg_read(const struct xpdk_pci_cfg *cfg, uint64_t off, void *buf, size_t len)
{
	int rc = check_range(cfg, off, len);

	if (rc == 0)
		memcpy(buf, &cfg->data[off], len);
	return rc;
}

int xpdk_pci_cfg_write(struct xpdk_pci_cfg *cfg, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	int rc = check_range(cfg, off, len);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < len; i++) {
		uint8_t m = cfg->wmask[off + i];

		cfg->data[off + i] = (uint8_t)((cfg->data[off + i] & ~m) | (in[i] & m));
	}
	return 0;
}

bool xpdk_pci_cfg_msi_enabled(const struct xpdk_pci_cfg *cfg)
{
	return cfg->msi_cap != 0 &&
	       (xpdk_pci_cfg_get16(cfg, cfg->msi_cap + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE);
}

bool xpdk_pci_cfg_bus_master(const struct xpdk_pci_cfg *cfg)
{
	return xpdk_pci_cfg_get16(cfg, PCI_COMMAND) & PCI_COMMAND_MASTER;
}
