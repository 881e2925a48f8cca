/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Private to lib/dev: the device object and the transport ops table. */

#ifndef XPDK_DEV_PRIV_H
#define XPDK_DEV_PRIV_H

#include "xpdk_dev.h"

#define XPDK_DEV_MAX_VECTORS 32

/* What a transport reports of one region. */
struct dev_region_info {
	uint64_t size;
	uint32_t flags;      /* XPDK_REGION_F_READ/WRITE (MMAP is set by the core) */
	unsigned int nareas; /* parts the transport mapped */
	struct xpdk_region_area areas[XPDK_REGION_MAX_AREAS];
};

/* A transport: how a device is reached. Every point of variation between the kernel's vfio-pci
 * and vfio-user is here; the core above never asks which one it has. */
struct xpdk_transport_ops {
	const char *name;
	/* Does this transport handle @p name? Sets @p target to the part after any prefix. */
	bool (*claims)(const char *name, const char **target);
	int (*open)(struct xpdk_dev *dev, const char *target);
	void (*close)(struct xpdk_dev *dev);
	/* Size, flags, and the mapped areas (the transport mmaps what it can). */
	int (*region_info)(struct xpdk_dev *dev, unsigned int index, struct dev_region_info *info);
	/* Unmap what region_info mapped. */
	void (*region_unmap)(struct xpdk_dev *dev, unsigned int index, struct xpdk_region *r);
	/* Slow-path access to any part of a region. */
	int (*region_rw)(struct xpdk_dev *dev, unsigned int index, uint64_t off, void *buf,
			 size_t len, bool write);
	int (*irq_count)(struct xpdk_dev *dev, unsigned int type);
	/* Bind vectors start..start+count-1 of @p type to @p fds; fds NULL (count 0) disables. */
	int (*irq_set)(struct xpdk_dev *dev, unsigned int type, unsigned int count,
		       const int *fds);
	/* Re-arm an automasked vector (INTx); may be NULL. */
	int (*irq_unmask)(struct xpdk_dev *dev, unsigned int type, unsigned int vector);
	int (*reset)(struct xpdk_dev *dev);
};

struct xpdk_dev {
	struct xpdk_dev_info info;
	const struct xpdk_transport_ops *ops;
	void *tp; /* transport state */
	struct xpdk_region regions[XPDK_DEV_MAX_REGIONS];
	uint64_t dma_mask;

	int irq_type; /* enabled type, -1 for none */
	unsigned int irq_nvec;
	int irq_fds[XPDK_DEV_MAX_VECTORS];

	const struct xpdk_driver *driver;
	void *driver_priv;
	bool engine_open; /* xpdk_dev_engine_open() succeeded */
};

/* Transports. */
extern const struct xpdk_transport_ops xpdk_transport_vfio;
extern const struct xpdk_transport_ops xpdk_transport_vfio_user;



/* Open @p target with transport @p ops (xpdk_dev_open picks the transport by name; tests pass
 * their own). */
struct xpdk_dev *xpdk_dev_open_transport(const struct xpdk_transport_ops *ops, const char *name,
					 const char *target);
#endif /* XPDK_DEV_PRIV_H */
