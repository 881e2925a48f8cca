/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * A device's DMA maps, kept in step with the environment's memory for every transport alike:
 * lib/env reports each extent of DMA memory (one backing file, contiguous; at open, or when the
 * environment starts, and as EAL memory grows and shrinks) and the transport's dma_map and
 * dma_unmap ops make it reachable at its IOVA or take it back.
 *
 * The ranges mapped are remembered so that memory is mapped once (only the part of an extent
 * not mapped yet is sent) and freed memory is unmapped exactly as it was mapped: vfio-user's
 * DMA_UNMAP takes whole mappings only. A mapping only partly freed stays: that happens only
 * with one file per segment list, where a page comes back at the same file offset.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dev_priv.h"

/* The mapping that holds @p iova, or NULL. */
static const struct dev_dma_map *map_at(const struct xpdk_dev *dev, uint64_t iova)
{
	for (unsigned int i = 0; i < dev->dma_nmaps; i++) {
		const struct dev_dma_map *m = &dev->dma_maps[i];

		if (iova >= m->iova && iova - m->iova < m->len)
			return m;
	}
	return NULL;
}

/* The lowest start of a mapping in (iova, end), or end. */
static uint64_t next_map_start(const struct xpdk_dev *dev, uint64_t iova, uint64_t end)
{
	for (unsigned int i = 0; i < dev->dma_nmaps; i++)
		if (dev->dma_maps[i].iova > iova && dev->dma_maps[i].iova < end)
			end = dev->dma_maps[i].iova;
	return end;
}

static int remember(struct xpdk_dev *dev, uint64_t iova, uint64_t len)
{
	if (dev->dma_nmaps == dev->dma_cap) {
		unsigned int cap = dev->dma_cap ? 2 * dev->dma_cap : 64;
		struct dev_dma_map *m = realloc(dev->dma_maps, cap * sizeof(*m));

		if (m == NULL)
			return xpdk_err(ENOMEM, "out of memory for the DMA maps of %s",
					dev->info.name);
		pthread_mutex_lock(&dev->dma_lock);
		dev->dma_maps = m;
		dev->dma_cap = cap;
		pthread_mutex_unlock(&dev->dma_lock);
	}
	pthread_mutex_lock(&dev->dma_lock);
	dev->dma_maps[dev->dma_nmaps++] = (struct dev_dma_map){ iova, len };
	pthread_mutex_unlock(&dev->dma_lock);
	return 0;
}

/* Map the parts of @p ext not mapped yet. */
static int map_extent(struct xpdk_dev *dev, const struct xpdk_env_mem_extent *ext)
{
	uint64_t cur = ext->iova, end;

	if (ext->len == 0)
		return 0;
	if (ext->iova == XPDK_ENV_BAD_IOVA || ext->iova + ext->len < ext->iova)
		return xpdk_err(EINVAL, "DMA memory at %p has no usable IOVA (0x%" PRIx64 "+0x%zx)",
				ext->va, ext->iova, ext->len);
	end = ext->iova + ext->len;
	while (cur < end) {
		const struct dev_dma_map *m = map_at(dev, cur);
		struct xpdk_env_mem_extent part = *ext;
		uint64_t skip, next;
		int rc;

		if (m != NULL) {
			cur = m->iova + m->len;
			continue;
		}
		next = next_map_start(dev, cur, end);
		skip = cur - ext->iova;
		part.va = (char *)ext->va + skip;
		part.iova = cur;
		part.len = (size_t)(next - cur);
		if (part.fd >= 0)
			part.fd_offset += skip;
		rc = dev->ops->dma_map(dev, &part);
		if (rc == 0) {
			rc = remember(dev, part.iova, part.len);
			if (rc < 0)
				(void)dev->ops->dma_unmap(dev, part.iova, part.len);
		}
		if (rc < 0)
			return rc;
		cur = next;
	}
	return 0;
}

/* Unmap every mapping that lies wholly in @p ext. */
static void unmap_extent(struct xpdk_dev *dev, const struct xpdk_env_mem_extent *ext)
{
	for (unsigned int i = 0; i < dev->dma_nmaps;) {
		struct dev_dma_map m = dev->dma_maps[i];

		if (m.iova < ext->iova || m.iova - ext->iova > ext->len ||
		    m.len > ext->len - (m.iova - ext->iova)) {
			i++;
			continue;
		}
		/* forgotten even when the unmap fails: remapping it later then fails loudly
		 * (the server still has it) instead of reaching stale memory */
		if (dev->ops->dma_unmap(dev, m.iova, m.len) < 0)
			XPDK_LOG(ERR, dev,
				 "cannot unmap DMA memory 0x%" PRIx64 "+0x%" PRIx64 " from %s: %s",
				 m.iova, m.len, dev->info.name, xpdk_strerror_last());
		pthread_mutex_lock(&dev->dma_lock);
		dev->dma_maps[i] = dev->dma_maps[--dev->dma_nmaps];
		pthread_mutex_unlock(&dev->dma_lock);
	}
}

int xpdk_dev_dma_event(enum xpdk_env_mem_event event, const struct xpdk_env_mem_extent *ext,
		       void *arg)
{
	struct xpdk_dev *dev = arg;
	int rc;

	if (event == XPDK_ENV_MEM_FREE) {
		unmap_extent(dev, ext);
		return 0;
	}
	rc = map_extent(dev, ext);
	if (rc < 0)
		XPDK_LOG(ERR, dev, "%s cannot reach DMA memory %p+0x%zx: %s", dev->info.name,
			 ext->va, ext->len, xpdk_strerror_last());
	return rc;
}

int xpdk_dev_dma_follow(struct xpdk_dev *dev)
{
	int rc;

	if (dev->ops->dma_map == NULL)
		return 0;
	rc = xpdk_env_mem_event_register(xpdk_dev_dma_event, dev);
	if (rc < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", xpdk_strerror_last());
		return xpdk_err(-rc, "cannot map DMA memory to %s: %s", dev->info.name, why);
	}
	dev->dma_following = true;
	return 0;
}

void xpdk_dev_dma_unfollow(struct xpdk_dev *dev)
{
	if (dev->dma_following)
		(void)xpdk_env_mem_event_unregister(xpdk_dev_dma_event, dev);
	dev->dma_following = false;
	pthread_mutex_lock(&dev->dma_lock);
	free(dev->dma_maps);
	dev->dma_maps = NULL;
	dev->dma_nmaps = 0;
	dev->dma_cap = 0;
	pthread_mutex_unlock(&dev->dma_lock);
}

int xpdk_dev_dma_reachable(struct xpdk_dev *dev, uint64_t iova, uint64_t len)
{
	uint64_t cur = iova, end = iova + len;
	int rc = 0;

	if (len == 0 || end < iova)
		return xpdk_err(EINVAL, "DMA range 0x%" PRIx64 "+0x%" PRIx64 " is empty or wraps",
				iova, len);
	if (dev->ops->dma_map == NULL)
		return xpdk_err(ENOTSUP, "%s does no DMA", dev->info.name);
	pthread_mutex_lock(&dev->dma_lock);
	while (cur < end) {
		const struct dev_dma_map *m = map_at(dev, cur);

		if (m == NULL) {
			rc = xpdk_err(EFAULT, "IOVA 0x%" PRIx64 " is not mapped to %s%s", cur,
				      dev->info.name,
				      xpdk_env_ready() ? ""
						       : ": no DMA memory exists before "
							 "xpdk_env_init(); it is mapped when the "
							 "environment starts");
			break;
		}
		cur = m->iova + m->len;
	}
	pthread_mutex_unlock(&dev->dma_lock);
	return rc;
}
