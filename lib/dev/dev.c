/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The device core: open by name over a transport, regions with the checked slow path,
 * interrupts as eventfds, DMA mask checks, and the driver registry with ID matching and probe.
 * DMA maps are dev_dma.c's.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "dev_priv.h"
#include "xpdk_env.h"

#define MAX_DRIVERS 32

static const struct xpdk_driver *drivers[MAX_DRIVERS];
static unsigned int ndrivers;

static const struct xpdk_transport_ops *const transports[] = {
	&xpdk_transport_vfio_user, /* claims "vfio-user:" names */
	&xpdk_transport_vfio,      /* claims PCI addresses */
};

/* ---- regions ---------------------------------------------------------------------------- */

static const char *region_name(unsigned int index)
{
	static const char *const names[XPDK_DEV_MAX_REGIONS] = {
		"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "config space", "VGA",
	};

	return index < XPDK_DEV_MAX_REGIONS ? names[index] : "region";
}

/* Validate an access; returns the mapped pointer for it, or NULL for the slow path. */
static int check_access(const struct xpdk_region *r, uint64_t off, unsigned int width,
			uint8_t **ptr)
{
	unsigned int bytes = width / 8;

	*ptr = NULL;
	if (r == NULL)
		return xpdk_err(EINVAL, "no region given");
	if (r->size == 0)
		return xpdk_err(ENODEV, "%s does not exist on %s", region_name(r->index),
				r->dev->info.name);
	if (width != 8 && width != 16 && width != 32 && width != 64)
		return xpdk_err(EINVAL, "access width %u is not 8, 16, 32 or 64 bits", width);
	if (off % bytes != 0)
		return xpdk_err(EINVAL, "offset 0x%llx is not aligned to the %u-bit access width",
				(unsigned long long)off, width);
	if (off >= r->size || r->size - off < bytes)
		return xpdk_err(ERANGE, "offset 0x%llx is past the end of %s (region %u, size 0x%llx)",
				(unsigned long long)off, region_name(r->index), r->index,
				(unsigned long long)r->size);
	if (r->map != NULL) {
		*ptr = r->map + off;
		return 0;
	}
	for (unsigned int i = 0; i < r->nareas; i++) {
		const struct xpdk_region_area *a = &r->areas[i];

		if (off >= a->offset && off - a->offset + bytes <= a->size) {
			*ptr = a->ptr + (off - a->offset);
			break;
		}
	}
	return 0;
}

int xpdk_region_read(const struct xpdk_region *r, uint64_t off, unsigned int width,
		     uint64_t *val)
{
	uint8_t *p;
	int rc = check_access(r, off, width, &p);

	if (rc < 0)
		return rc;
	if (p != NULL) {
		switch (width) {
		case 8:
			*val = rte_read8(p);
			break;
		case 16:
			*val = rte_read16(p);
			break;
		case 32:
			*val = rte_read32(p);
			break;
		default:
			*val = rte_read64(p);
			break;
		}
		return 0;
	}
	*val = 0;
	return r->dev->ops->region_rw(r->dev, r->index, off, val, width / 8, false);
}

int xpdk_region_write(const struct xpdk_region *r, uint64_t off, unsigned int width,
		      uint64_t val)
{
	uint8_t *p;
	int rc = check_access(r, off, width, &p);

	if (rc < 0)
		return rc;
	if (width < 64 && (val >> width) != 0)
		return xpdk_err(ERANGE, "value 0x%llx does not fit in %u bits",
				(unsigned long long)val, width);
	if (p != NULL) {
		switch (width) {
		case 8:
			rte_write8((uint8_t)val, p);
			break;
		case 16:
			rte_write16((uint16_t)val, p);
			break;
		case 32:
			rte_write32((uint32_t)val, p);
			break;
		default:
			rte_write64(val, p);
			break;
		}
		return 0;
	}
	return r->dev->ops->region_rw(r->dev, r->index, off, &val, width / 8, true);
}

int xpdk_region_write_burst32(const struct xpdk_region *r, uint64_t off, const uint32_t *src,
			      size_t count)
{
	for (size_t i = 0; i < count; i++) {
		int rc = xpdk_region_write(r, off + 4 * i, 32, src[i]);

		if (rc < 0)
			return rc;
	}
	return 0;
}

int xpdk_region_memset32(const struct xpdk_region *r, uint64_t off, uint32_t value,
			 size_t count)
{
	for (size_t i = 0; i < count; i++) {
		int rc = xpdk_region_write(r, off + 4 * i, 32, value);

		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The register width of a window of @p len bytes: the largest of 8, 4, 2, 1 dividing it. */
static uint64_t window_width(uint64_t len)
{
	uint64_t w = 8;

	while (len % w != 0)
		w /= 2;
	return w;
}

volatile void *xpdk_region_ptr(const struct xpdk_region *r, uint64_t off, uint64_t len)
{
	uint64_t w;

	if (r == NULL || len == 0) {
		xpdk_err(EINVAL, r == NULL ? "no region given" : "an MMIO window of 0 bytes");
		return NULL;
	}
	if (r->size == 0) {
		xpdk_err(ENODEV, "%s does not exist on %s", region_name(r->index),
			 r->dev->info.name);
		return NULL;
	}
	w = window_width(len);
	if (off % w != 0) {
		xpdk_err(
		    EINVAL,
		    "MMIO window 0x%llx+0x%llx of %s: the offset is not aligned to its %llu-byte "
		    "registers",
		    (unsigned long long)off, (unsigned long long)len, region_name(r->index),
		    (unsigned long long)w);
		return NULL;
	}
	if (off > r->size || len > r->size - off) {
		xpdk_err(ERANGE,
			 "MMIO window 0x%llx+0x%llx is past the end of %s (region %u, size "
			 "0x%llx)",
			 (unsigned long long)off, (unsigned long long)len, region_name(r->index),
			 r->index, (unsigned long long)r->size);
		return NULL;
	}
	if (r->map != NULL)
		return r->map + off;
	for (unsigned int i = 0; i < r->nareas; i++) {
		const struct xpdk_region_area *a = &r->areas[i];

		if (off >= a->offset && off - a->offset <= a->size &&
		    len <= a->size - (off - a->offset))
			return a->ptr + (off - a->offset);
	}
	xpdk_err(ENXIO,
		 "MMIO window 0x%llx+0x%llx of %s on %s is not mapped (%s): its registers are "
		 "trapped; use the checked calls (xpdk_region_read/write)",
		 (unsigned long long)off, (unsigned long long)len, region_name(r->index),
		 r->dev->info.name, r->nareas == 0 ? "nothing of the region is" : "only parts are");
	return NULL;
}

/* ---- devices ---------------------------------------------------------------------------- */

static int setup_regions(struct xpdk_dev *dev)
{
	for (unsigned int i = 0; i < dev->info.num_regions && i < XPDK_DEV_MAX_REGIONS; i++) {
		struct xpdk_region *r = &dev->regions[i];
		struct dev_region_info ri;
		int rc;

		memset(&ri, 0, sizeof(ri));
		rc = dev->ops->region_info(dev, i, &ri);
		if (rc < 0)
			return rc;
		r->size = ri.size;
		r->flags = ri.flags;
		r->nareas = ri.nareas;
		memcpy(r->areas, ri.areas, sizeof(r->areas));
		if (r->nareas > 0)
			r->flags |= XPDK_REGION_F_MMAP;
		/* the fast path needs the whole region in one mapping */
		if (r->nareas == 1 && r->areas[0].offset == 0 && r->areas[0].size >= r->size)
			r->map = r->areas[0].ptr;
	}
	return 0;
}

/* Memory decoding and bus mastering on, as a kernel driver's pci_enable_device() and
 * pci_set_master() do: without them a device may neither answer MMIO nor do DMA. */
static int enable_device(struct xpdk_dev *dev)
{
	const uint16_t want = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	uint16_t cmd = 0;
	int rc = xpdk_dev_cfg_read(dev, PCI_COMMAND, &cmd, sizeof(cmd));

	if (rc < 0 || (cmd & want) == want)
		return rc;
	cmd |= want;
	return xpdk_dev_cfg_write(dev, PCI_COMMAND, &cmd, sizeof(cmd));
}

struct xpdk_dev *xpdk_dev_open_transport(const struct xpdk_transport_ops *ops, const char *name,
					 const char *target)
{
	struct xpdk_dev *dev = calloc(1, sizeof(*dev));
	uint32_t ids[3] = {0}; /* vendor/device, command/status, class/revision */
	int rc;

	if (dev == NULL) {
		xpdk_err(ENOMEM, "out of memory opening %s", name);
		return NULL;
	}
	dev->ops = ops;
	dev->info.transport = ops->name;
	dev->dma_mask = UINT64_MAX;
	dev->irq_type = -1;
	pthread_mutex_init(&dev->dma_lock, NULL);
	snprintf(dev->info.name, sizeof(dev->info.name), "%s", name);
	for (unsigned int i = 0; i < XPDK_DEV_MAX_REGIONS; i++) {
		dev->regions[i].dev = dev;
		dev->regions[i].index = i;
	}
	rc = ops->open(dev, target);
	if (rc < 0) {
		pthread_mutex_destroy(&dev->dma_lock);
		free(dev);
		errno = -rc;
		return NULL;
	}
	rc = setup_regions(dev);
	if (rc == 0)
		rc = xpdk_dev_cfg_read(dev, 0, ids, sizeof(ids));
	if (rc == 0) {
		dev->info.vendor = (uint16_t)ids[0];
		dev->info.device = (uint16_t)(ids[0] >> 16);
		dev->info.class_code = ids[2] >> 8;
		rc = xpdk_dev_cfg_read(dev, PCI_SUBSYSTEM_VENDOR_ID, ids, 4);
		dev->info.subsystem_vendor = (uint16_t)ids[0];
		dev->info.subsystem_device = (uint16_t)(ids[0] >> 16);
	}
	if (rc == 0)
		rc = enable_device(dev);
	if (rc == 0)
		rc = xpdk_dev_dma_follow(dev);
	if (rc < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", xpdk_strerror_last());
		xpdk_dev_close(dev);
		xpdk_err(-rc, "%s", why);
		return NULL;
	}
	return dev;
}

struct xpdk_dev *xpdk_dev_open(const char *name)
{
	if (name == NULL || name[0] == '\0') {
		xpdk_err(EINVAL, "no device name given");
		return NULL;
	}
	for (size_t i = 0; i < XPDK_ARRAY_SIZE(transports); i++) {
		const char *target = NULL;

		if (transports[i]->claims(name, &target))
			return xpdk_dev_open_transport(transports[i], name, target);
	}
	xpdk_err(EINVAL, "'%s' is not a device name (a PCI address such as 0000:3f:00.0, or "
			 "vfio-user:PATH)",
		 name);
	return NULL;
}

void xpdk_dev_close(struct xpdk_dev *dev)
{
	if (dev == NULL)
		return;
	if (dev->driver != NULL && dev->driver->remove != NULL)
		dev->driver->remove(dev);
	free(dev->driver_priv);
	xpdk_dev_irq_disable(dev);
	for (unsigned int i = 0; i < XPDK_DEV_MAX_REGIONS; i++)
		if (dev->regions[i].nareas > 0 && dev->ops->region_unmap)
			dev->ops->region_unmap(dev, i, &dev->regions[i]);
	xpdk_dev_dma_unfollow(dev); /* before close: no memory event reaches a closed transport */
	dev->ops->close(dev);
	pthread_mutex_destroy(&dev->dma_lock);
	free(dev);
}

const struct xpdk_dev_info *xpdk_dev_info(const struct xpdk_dev *dev)
{
	return &dev->info;
}

const struct xpdk_region *xpdk_dev_region(const struct xpdk_dev *dev, unsigned int index)
{
	if (index >= XPDK_DEV_MAX_REGIONS || dev->regions[index].size == 0) {
		xpdk_err(ENODEV, "%s has no region %u", dev->info.name, index);
		return NULL;
	}
	return &dev->regions[index];
}

int xpdk_dev_reset(struct xpdk_dev *dev)
{
	if (!dev->info.can_reset || dev->ops->reset == NULL)
		return xpdk_err(ENOTSUP, "%s cannot be reset", dev->info.name);
	return dev->ops->reset(dev);
}

int xpdk_dev_cfg_read(struct xpdk_dev *dev, uint64_t off, void *buf, size_t len)
{
	return dev->ops->region_rw(dev, XPDK_REGION_CONFIG, off, buf, len, false);
}

int xpdk_dev_cfg_write(struct xpdk_dev *dev, uint64_t off, const void *buf, size_t len)
{
	return dev->ops->region_rw(dev, XPDK_REGION_CONFIG, off, (void *)(uintptr_t)buf, len,
				   true);
}

/* ---- interrupts ------------------------------------------------------------------------- */

int xpdk_dev_irq_count(struct xpdk_dev *dev, unsigned int type)
{
	return dev->ops->irq_count(dev, type);
}

void xpdk_dev_irq_disable(struct xpdk_dev *dev)
{
	if (dev->irq_type < 0)
		return;
	(void)dev->ops->irq_set(dev, (unsigned int)dev->irq_type, 0, NULL);
	for (unsigned int i = 0; i < dev->irq_nvec; i++)
		close(dev->irq_fds[i]);
	dev->irq_type = -1;
	dev->irq_nvec = 0;
}

int xpdk_dev_irq_enable(struct xpdk_dev *dev, unsigned int type, unsigned int count)
{
	int avail = xpdk_dev_irq_count(dev, type);
	int rc;

	if (avail < 0)
		return avail;
	if (count == 0 || count > (unsigned int)avail || count > XPDK_DEV_MAX_VECTORS)
		return xpdk_err(EINVAL, "%s has %d vectors of IRQ type %u; %u asked", dev->info.name,
				avail, type, count);
	xpdk_dev_irq_disable(dev);
	for (unsigned int i = 0; i < count; i++) {
		dev->irq_fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (dev->irq_fds[i] < 0) {
			rc = xpdk_err(errno, "eventfd: %s", strerror(errno));
			while (i-- > 0)
				close(dev->irq_fds[i]);
			return rc;
		}
	}
	rc = dev->ops->irq_set(dev, type, count, dev->irq_fds);
	if (rc < 0) {
		for (unsigned int i = 0; i < count; i++)
			close(dev->irq_fds[i]);
		return rc;
	}
	dev->irq_type = (int)type;
	dev->irq_nvec = count;
	return 0;
}

int xpdk_dev_irq_fd(const struct xpdk_dev *dev, unsigned int vector)
{
	return vector < dev->irq_nvec ? dev->irq_fds[vector] : -1;
}

int xpdk_dev_irq_wait(struct xpdk_dev *dev, unsigned int vector, int timeout_ms)
{
	struct pollfd pfd;
	uint64_t n = 0;
	int rc;

	if (vector >= dev->irq_nvec)
		return xpdk_err(EINVAL, "interrupt vector %u is not enabled on %s", vector,
				dev->info.name);
	pfd.fd = dev->irq_fds[vector];
	pfd.events = POLLIN;
	rc = poll(&pfd, 1, timeout_ms);
	if (rc == 0)
		return xpdk_err(ETIMEDOUT, "no interrupt on vector %u of %s within %d ms", vector,
				dev->info.name, timeout_ms);
	if (rc < 0 || read(pfd.fd, &n, sizeof(n)) != sizeof(n))
		return xpdk_err(errno, "waiting for an interrupt: %s", strerror(errno));
	if (dev->ops->irq_unmask != NULL && dev->irq_type == XPDK_IRQ_INTX)
		(void)dev->ops->irq_unmask(dev, XPDK_IRQ_INTX, vector);
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

/* ---- DMA -------------------------------------------------------------------------------- */

void xpdk_dev_set_dma_mask(struct xpdk_dev *dev, uint64_t mask)
{
	dev->dma_mask = mask;
}

int xpdk_dev_dma_check(const struct xpdk_dev *dev, uint64_t iova, uint64_t len)
{
	if (len == 0 || iova > dev->dma_mask || len - 1 > dev->dma_mask - iova)
		return xpdk_err(ERANGE,
				"DMA range 0x%llx+0x%llx is beyond the DMA mask 0x%llx of %s; "
				"allocate below it (e.g. --base-virtaddr with --iova-mode=va) or "
				"widen the device's mask",
				(unsigned long long)iova, (unsigned long long)len,
				(unsigned long long)dev->dma_mask, dev->info.name);
	return 0;
}

/* ---- drivers ---------------------------------------------------------------------------- */

void xpdk_driver_register(const struct xpdk_driver *drv)
{
	if (ndrivers < MAX_DRIVERS && drv != NULL && drv->name != NULL)
		drivers[ndrivers++] = drv;
}

static bool id_matches(const struct xpdk_pci_id *id, uint16_t vendor, uint16_t device,
		       uint16_t svendor, uint16_t sdevice)
{
	return id->vendor == vendor && (id->device == XPDK_PCI_ANY_ID || id->device == device) &&
	       (id->subsystem_vendor == 0 || id->subsystem_vendor == XPDK_PCI_ANY_ID ||
		id->subsystem_vendor == svendor) &&
	       (id->subsystem_device == 0 || id->subsystem_device == XPDK_PCI_ANY_ID ||
		id->subsystem_device == sdevice);
}

const struct xpdk_driver *xpdk_driver_lookup(uint16_t vendor, uint16_t device, uint16_t svendor,
					     uint16_t sdevice, const struct xpdk_pci_id **entry)
{
	for (unsigned int i = 0; i < ndrivers; i++) {
		for (const struct xpdk_pci_id *id = drivers[i]->id_table; id && id->vendor; id++) {
			if (id_matches(id, vendor, device, svendor, sdevice)) {
				if (entry != NULL)
					*entry = id;
				return drivers[i];
			}
		}
	}
	return NULL;
}

int xpdk_dev_probe(struct xpdk_dev *dev)
{
	const struct xpdk_driver *drv;
	int rc;

	if (dev->driver != NULL)
		return 0;
	drv = xpdk_driver_lookup(dev->info.vendor, dev->info.device, dev->info.subsystem_vendor,
				 dev->info.subsystem_device, NULL);
	for (unsigned int i = 0; drv == NULL && i < ndrivers; i++)
		if (drivers[i]->match != NULL && drivers[i]->match(dev))
			drv = drivers[i];
	if (drv == NULL)
		return xpdk_err(ENOENT, "no XPDK driver for %s (%04x:%04x)", dev->info.name,
				dev->info.vendor, dev->info.device);
	if (drv->priv_size > 0) {
		dev->driver_priv = calloc(1, drv->priv_size);
		if (dev->driver_priv == NULL)
			return xpdk_err(ENOMEM, "out of memory probing %s", dev->info.name);
	}
	dev->driver = drv;
	rc = drv->probe ? drv->probe(dev) : 0;
	if (rc < 0) {
		dev->driver = NULL;
		free(dev->driver_priv);
		dev->driver_priv = NULL;
	}
	return rc;
}

/* ---- driver capabilities --------------------------------------------------------------- */

/* The bound driver's ops, or NULL with -ENOENT/-ENOTSUP in *rc and the sentence set. */
static const struct xpdk_driver_ops *driver_ops(const struct xpdk_dev *dev, const char *what,
						size_t member_end, int *rc)
{
	const struct xpdk_driver_ops *ops;

	if (dev->driver == NULL) {
		*rc = xpdk_err(ENOENT, "%s has no driver bound (xpdk_dev_probe() first)",
			       dev->info.name);
		return NULL;
	}
	ops = dev->driver->ops;
	if (ops == NULL || ops->size < member_end) {
		*rc = xpdk_err(ENOTSUP, "driver '%s' of %s offers no %s", dev->driver->name,
			       dev->info.name, what);
		return NULL;
	}
	*rc = 0;
	return ops;
}

#define OPS_END(member) (offsetof(struct xpdk_driver_ops, member) + sizeof(void (*)(void)))

int xpdk_dev_scratch_reg(struct xpdk_dev *dev, struct xpdk_scratch_reg *reg)
{
	int rc;
	const struct xpdk_driver_ops *ops =
	    driver_ops(dev, "scratch register", OPS_END(scratch_reg), &rc);

	if (ops == NULL)
		return rc;
	if (ops->scratch_reg == NULL)
		return xpdk_err(ENOTSUP, "driver '%s' of %s offers no scratch register",
				dev->driver->name, dev->info.name);
	memset(reg, 0, sizeof(*reg));
	return ops->scratch_reg(dev, reg);
}

int xpdk_dev_engine_open(struct xpdk_dev *dev, struct xpdk_engine_info *info)
{
	int rc;
	const struct xpdk_driver_ops *ops =
	    driver_ops(dev, "DMA engine", OPS_END(engine_poll), &rc);

	if (ops == NULL)
		return rc;
	if (ops->engine_open == NULL || ops->engine_submit == NULL || ops->engine_poll == NULL)
		return xpdk_err(ENOTSUP, "driver '%s' of %s offers no DMA engine",
				dev->driver->name, dev->info.name);
	memset(info, 0, sizeof(*info));
	rc = ops->engine_open(dev, info);
	if (rc == 0)
		dev->engine_open = true;
	return rc;
}

int xpdk_dev_engine_submit(struct xpdk_dev *dev, const struct xpdk_engine_op *op)
{
	if (!dev->engine_open)
		return xpdk_err(EINVAL, "%s: xpdk_dev_engine_open() first", dev->info.name);
	return dev->driver->ops->engine_submit(dev, op);
}

int xpdk_dev_engine_poll(struct xpdk_dev *dev, struct xpdk_engine_completion *done)
{
	if (!dev->engine_open)
		return xpdk_err(EINVAL, "%s: xpdk_dev_engine_open() first", dev->info.name);
	return dev->driver->ops->engine_poll(dev, done);
}

const struct xpdk_driver *xpdk_dev_driver(const struct xpdk_dev *dev)
{
	return dev->driver;
}

void *xpdk_dev_priv(const struct xpdk_dev *dev)
{
	return dev->driver_priv;
}
