/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Transport "vfio-user": a device served over vfio-user (xpdk-devsim, or any vfio-user server),
 * through lib/vfio_user's client core. The process's DMA memory (EAL's memory segments) is
 * mapped to the device by (fd, offset) at open and kept in step as EAL memory grows, so a buffer
 * from xpdk_dma_alloc() is reachable at its IOVA, exactly as with the kernel's IOMMU.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_memory.h>

#include "dev_priv.h"
#include "xpdk_env.h"
#include "xpdk_vfio_user.h"

#define PREFIX "vfio-user:"
#define MAX_RANGES 1024

struct range {
	uint64_t iova;
	uint64_t len;
};

struct vfu_tp {
	struct xpdk_vfu_client *client;
	char target[108];     /* the socket path, for messages */
	pthread_mutex_t lock; /* the client is used from memory-event callbacks too */
	char cb_name[64];
	bool cb_registered;
	struct range mapped[MAX_RANGES]; /* IOVA ranges mapped to the device */
	unsigned int nmapped;
};

static bool vfu_claims(const char *name, const char **target)
{
	if (strncmp(name, PREFIX, strlen(PREFIX)) != 0)
		return false;
	*target = name + strlen(PREFIX);
	return true;
}

/* Map [va, va + len) (one memory-segment list, contiguous) unless already mapped. */
static int map_range(struct vfu_tp *tp, const void *va, uint64_t iova, uint64_t len)
{
	const struct rte_memseg *ms = rte_mem_virt2memseg(va, NULL);
	size_t off = 0;
	int fd, rc;

	for (unsigned int i = 0; i < tp->nmapped; i++) {
		const struct range *r = &tp->mapped[i];

		if (iova >= r->iova && iova + len <= r->iova + r->len)
			return 0; /* mapped before (EAL reuses freed pages at the same offsets) */
	}
	if (tp->nmapped == MAX_RANGES)
		return xpdk_err(ENOSPC, "too many DMA ranges for one device");
	fd = ms ? rte_memseg_get_fd_thread_unsafe(ms) : -1;
	if (fd >= 0 && rte_memseg_get_fd_offset_thread_unsafe(ms, &off) == 0)
		rc = xpdk_vfu_client_dma_map_fd(tp->client, iova, len, fd,
						off + (uint64_t)((const char *)va - (const char *)ms->addr),
						XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE);
	else /* no file behind this memory: the server reaches it by messages */
		rc = xpdk_vfu_client_dma_map_mem(tp->client, iova, len, (void *)(uintptr_t)va,
						 XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE);
	if (rc == 0)
		tp->mapped[tp->nmapped++] = (struct range){iova, len};
	return rc;
}

static int map_contig(const struct rte_memseg_list *msl, const struct rte_memseg *ms, size_t len,
		      void *arg)
{
	(void)msl;
	return map_range(arg, ms->addr, ms->iova, len) < 0 ? -1 : 0;
}

/* EAL grew its memory: map the new range (called with EAL's memory lock held). */
static void on_mem_event(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	struct vfu_tp *tp = arg;

	if (type != RTE_MEM_EVENT_ALLOC)
		return; /* freed pages stay mapped: they come back at the same file offsets */
	pthread_mutex_lock(&tp->lock);
	if (map_range(tp, addr, rte_mem_virt2iova(addr), len) < 0)
		XPDK_LOG(ERR, dev, "cannot map new DMA memory %p+%zu to the device at %s: %s", addr,
			 len, tp->target, xpdk_strerror_last());
	pthread_mutex_unlock(&tp->lock);
}

static void vfu_close(struct xpdk_dev *dev)
{
	struct vfu_tp *tp = dev->tp;

	if (tp == NULL)
		return;
	if (tp->cb_registered)
		rte_mem_event_callback_unregister(tp->cb_name, tp);
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
	dev->info.num_regions = info.num_regions < XPDK_DEV_MAX_REGIONS ? info.num_regions
									: XPDK_DEV_MAX_REGIONS;
	dev->info.num_irqs = info.num_irqs;
	dev->info.can_reset = info.flags & VFIO_DEVICE_FLAGS_RESET;
	if (xpdk_env_ready()) {
		/* the device reaches our DMA memory, now and as it grows */
		snprintf(tp->cb_name, sizeof(tp->cb_name), "xpdk-vfu-%p", (void *)tp);
		if (rte_mem_event_callback_register(tp->cb_name, on_mem_event, tp) == 0)
			tp->cb_registered = true;
		pthread_mutex_lock(&tp->lock);
		rc = rte_memseg_contig_walk(map_contig, tp) < 0 ? -EIO : 0;
		pthread_mutex_unlock(&tp->lock);
		if (rc < 0) {
			char why[256];

			snprintf(why, sizeof(why), "%s", xpdk_strerror_last());
			xpdk_err(EIO, "cannot map DMA memory to %s: %s", target, why);
			goto fail;
		}
	}
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

static int vfu_irq_set(struct xpdk_dev *dev, unsigned int type, unsigned int count,
		       const int *fds)
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
};
