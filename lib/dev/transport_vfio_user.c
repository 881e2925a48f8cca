/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Transport "vfio-user": a device served over vfio-user (xpdk-devsim, or any vfio-user server),
 * through lib/vfio_user's client core. DMA memory reaches the device by DMA_MAP: the core
 * (dev_dma.c) hands this transport each extent of the environment's memory, one backing file
 * each, and it passes the file's fd and offset, so the server maps the very pages and a buffer
 * from xpdk_dma_alloc() is reachable at its IOVA, exactly as with the kernel's IOMMU. Memory
 * without a file is mapped without an fd (the server then asks for it by DMA_READ/DMA_WRITE
 * messages, which the client serves while it waits for replies).
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev_priv.h"
#include "xpdk_env.h"
#include "xpdk_vfio_user.h"

#define PREFIX "vfio-user:"

struct vfu_tp {
	struct xpdk_vfu_client *client;
	char target[108];     /* the socket path, for messages */
	pthread_mutex_t lock; /* the client is used from memory-event callbacks too */
};

static bool vfu_claims(const char *name, const char **target)
{
	if (strncmp(name, PREFIX, strlen(PREFIX)) != 0)
		return false;
	*target = name + strlen(PREFIX);
	return true;
}

static int vfu_dma_map(struct xpdk_dev *dev, const struct xpdk_env_mem_extent *ext)
{
	struct vfu_tp *tp = dev->tp;
	const uint32_t prot = XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE;
	char why[256];
	int rc;

	pthread_mutex_lock(&tp->lock);
	if (ext->fd >= 0)
		rc = xpdk_vfu_client_dma_map_fd(tp->client, ext->iova, ext->len, ext->fd,
						ext->fd_offset, prot);
	else
		rc = xpdk_vfu_client_dma_map_mem(tp->client, ext->iova, ext->len, ext->va, prot);
	pthread_mutex_unlock(&tp->lock);
	if (rc == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", xpdk_strerror_last());
	return xpdk_err(-rc, "cannot map DMA memory 0x%" PRIx64 "+0x%zx (%s) to %s: %s%s",
			ext->iova, ext->len, ext->fd >= 0 ? "by fd" : "without an fd",
			dev->info.name, why,
			rc == -ENOSPC ? "; with one file per page every page is a map: run with "
					"--single-file-segments (XPDK's default) to need fewer"
				      : "");
}

static int vfu_dma_unmap(struct xpdk_dev *dev, uint64_t iova, uint64_t len)
{
	struct vfu_tp *tp = dev->tp;
	int rc;

	pthread_mutex_lock(&tp->lock);
	rc = xpdk_vfu_client_dma_unmap(tp->client, iova, len, false);
	pthread_mutex_unlock(&tp->lock);
	return rc;
}

static void vfu_close(struct xpdk_dev *dev)
{
	struct vfu_tp *tp = dev->tp;

	if (tp == NULL)
		return;
	xpdk_vfu_client_close(tp->client);
	pthread_mutex_destroy(&tp->lock);
	free(tp);
	dev->tp = NULL;
}

static int vfu_open(struct xpdk_dev *dev, const char *target)
{
	struct xpdk_vfu_device_info info;
	struct vfu_tp *tp = calloc(1, sizeof(*tp));
	int rc;

	if (tp == NULL)
		return xpdk_err(ENOMEM, "out of memory");
	pthread_mutex_init(&tp->lock, NULL);
	snprintf(tp->target, sizeof(tp->target), "%s", target);
	dev->tp = tp;
	tp->client = xpdk_vfu_client_connect(target, NULL);
	if (tp->client == NULL) {
		rc = -errno;
		goto fail;
	}
	rc = xpdk_vfu_client_device_info(tp->client, &info);
	if (rc < 0)
		goto fail;
	dev->info.num_regions =
	    info.num_regions < XPDK_DEV_MAX_REGIONS ? info.num_regions : XPDK_DEV_MAX_REGIONS;
	dev->info.num_irqs = info.num_irqs;
	dev->info.can_reset = info.flags & VFIO_DEVICE_FLAGS_RESET;
	return 0;
fail:
	vfu_close(dev);
	return rc < 0 ? rc : -EIO;
}

static int vfu_region_info(struct xpdk_dev *dev, unsigned int index, struct dev_region_info *out)
{
	struct vfu_tp *tp = dev->tp;
	const struct xpdk_vfu_region *r;
	int rc;

	pthread_mutex_lock(&tp->lock);
	rc = xpdk_vfu_client_region(tp->client, index, &r);
	pthread_mutex_unlock(&tp->lock);
	if (rc < 0)
		return rc;
	out->size = r->size;
	out->flags = ((r->flags & VFIO_REGION_INFO_FLAG_READ) ? XPDK_REGION_F_READ : 0) |
		     ((r->flags & VFIO_REGION_INFO_FLAG_WRITE) ? XPDK_REGION_F_WRITE : 0);
	for (unsigned int i = 0; i < r->nareas && out->nareas < XPDK_REGION_MAX_AREAS; i++) {
		if (r->areas[i].ptr == NULL)
			continue;
		out->areas[out->nareas].offset = r->areas[i].offset;
		out->areas[out->nareas].size = r->areas[i].size;
		out->areas[out->nareas].ptr = r->areas[i].ptr;
		out->nareas++;
	}
	return 0;
}

static int vfu_region_rw(struct xpdk_dev *dev, unsigned int index, uint64_t off, void *buf,
			 size_t len, bool write)
{
	struct vfu_tp *tp = dev->tp;
	int rc;

	pthread_mutex_lock(&tp->lock);
	rc = write ? xpdk_vfu_client_region_write(tp->client, index, off, buf, len)
		   : xpdk_vfu_client_region_read(tp->client, index, off, buf, len);
	pthread_mutex_unlock(&tp->lock);
	return rc;
}

static int vfu_irq_count(struct xpdk_dev *dev, unsigned int type)
{
	struct vfu_tp *tp = dev->tp;
	struct vfio_irq_info info;
	int rc;

	if (type >= dev->info.num_irqs)
		return 0;
	pthread_mutex_lock(&tp->lock);
	rc = xpdk_vfu_client_irq_info(tp->client, type, &info);
	pthread_mutex_unlock(&tp->lock);
	return rc < 0 ? rc : (int)info.count;
}

static int vfu_irq_set(struct xpdk_dev *dev, unsigned int type, unsigned int count, const int *fds)
{
	struct vfu_tp *tp = dev->tp;
	int rc;

	pthread_mutex_lock(&tp->lock);
	rc = xpdk_vfu_client_set_irqs(tp->client, type, 0, count, fds);
	pthread_mutex_unlock(&tp->lock);
	return rc;
}

static int vfu_reset(struct xpdk_dev *dev)
{
	struct vfu_tp *tp = dev->tp;
	int rc;

	pthread_mutex_lock(&tp->lock);
	rc = xpdk_vfu_client_reset(tp->client);
	pthread_mutex_unlock(&tp->lock);
	return rc;
}

const struct xpdk_transport_ops xpdk_transport_vfio_user = {
	.name = "vfio-user",
	.claims = vfu_claims,
	.open = vfu_open,
	.close = vfu_close,
	.region_info = vfu_region_info,
	.region_rw = vfu_region_rw,
	.irq_count = vfu_irq_count,
	.irq_set = vfu_irq_set,
	.reset = vfu_reset,
	.dma_map = vfu_dma_map,
	.dma_unmap = vfu_dma_unmap,
};
