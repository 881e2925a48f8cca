/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Private to lib/dev: the device object and the transport ops table. */

#ifndef XPDK_DEV_PRIV_H
#define XPDK_DEV_PRIV_H

#include <pthread.h>

#include "xpdk_dev.h"
#include "xpdk_env.h"

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
	/*
	 * Make the extent of DMA memory @p ext reachable by the device at ext->iova. Called by the
	 * core (dev_dma.c) for every extent of the environment's memory, at open (or when the
	 * environment starts) and as memory is added; never twice for the same IOVA without a
	 * dma_unmap between. ext->fd is -1 for memory without a file. May be NULL: the device
	 * does no DMA.
	 */
	int (*dma_map)(struct xpdk_dev *dev, const struct xpdk_env_mem_extent *ext);
	/* Undo exactly one dma_map (same iova and len), before the memory is freed. What is still
	 * mapped when the device closes is dropped by close. */
	int (*dma_unmap)(struct xpdk_dev *dev, uint64_t iova, uint64_t len);
};

/* One range the transport mapped. */
struct dev_dma_map {
	uint64_t iova;
	uint64_t len;
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

	/* DMA maps (dev_dma.c): changed only from memory-event callbacks, which lib/env runs one
	 * at a time; dma_lock lets other threads read them */
	pthread_mutex_t dma_lock;
	struct dev_dma_map *dma_maps;
	unsigned int dma_nmaps;
	unsigned int dma_cap;
	bool dma_following; /* subscribed to the environment's memory */
	bool engine_open; /* xpdk_dev_engine_open() succeeded */
};

/* Transports. */
extern const struct xpdk_transport_ops xpdk_transport_vfio;
extern const struct xpdk_transport_ops xpdk_transport_vfio_user;

/* Follow the environment's memory: map what exists (or, before xpdk_env_init(), what it will
 * have) and what is added, unmap what is freed. Nothing to do when the transport has no
 * dma_map. */
int xpdk_dev_dma_follow(struct xpdk_dev *dev);
/* Stop following; when it returns no callback runs for @p dev. Frees the map list. */
void xpdk_dev_dma_unfollow(struct xpdk_dev *dev);
/* The memory-event callback (exposed for tests, which feed it extents). */
int xpdk_dev_dma_event(enum xpdk_env_mem_event event, const struct xpdk_env_mem_extent *ext,
		       void *arg);

/* Open @p target with transport @p ops (xpdk_dev_open picks the transport by name; tests pass
 * their own). */
struct xpdk_dev *xpdk_dev_open_transport(const struct xpdk_transport_ops *ops, const char *name,
					 const char *target);
#endif /* XPDK_DEV_PRIV_H */
