/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Transport "vfio": a PCI function bound to the kernel's vfio-pci. DPDK's rte_vfio sets up the
 * group and container; regions come from VFIO_DEVICE_GET_REGION_INFO with the sparse-mmap
 * capability, mmap() for the fast path and pread/pwrite for the rest; interrupts from
 * VFIO_DEVICE_SET_IRQS. An SR-IOV VF whose PF is on vfio-pci opens with the PF's VF token, which
 * EAL takes as `--vfio-vf-token=UUID` and rte_vfio_setup_device() passes to the kernel.
 *
 * DMA memory is EAL's to map here, not ours: rte_vfio_setup_device() puts the device's group in
 * EAL's default container, which maps all of EAL's memory into the IOMMU (VFIO_IOMMU_MAP_DMA)
 * when the first group joins and follows memory hotplug with its own memory-event callback
 * (registered during rte_eal_init(), so it runs before ours). Mapping it again
 * through rte_vfio_container_dma_map() would record EAL's memory as user memory of the same
 * container (and the kernel refuses an overlapping map), so dma_map only checks what the
 * IOMMU needs of an extent, and dma_unmap leaves the unmap to EAL. See doc/memory.md.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/vfio.h>

#include <rte_eal.h>
#include <rte_memory.h>
#include <rte_uuid.h>
#include <rte_vfio.h>

#include "dev_priv.h"
#include "xpdk_env.h"

struct vfio_tp {
	char addr[XPDK_PCI_ADDR_LEN];
	char sysfs_base[PATH_MAX];
	int fd; /* device fd */
	uint64_t region_offset[XPDK_DEV_MAX_REGIONS];
};

static bool vfio_claims(const char *name, const char **target)
{
	char canon[XPDK_PCI_ADDR_LEN];
	int saved = errno;
	bool ok = xpdk_pci_addr_parse(name, canon) == 0;

	xpdk_err_clear();
	errno = saved;
	*target = name;
	return ok;
}

/*
 * rte_vfio_setup_device() failed on @p f: was it the kernel refusing the VF token (a VF whose PF
 * is on vfio-pci needs the PF's token; a PF whose VFs are in use, theirs)? EAL only logs that the
 * open failed, so ask the kernel again the same way, with the group in no container: the kernel
 * checks the name and the token first, and fails with EACCES only for the token (a name it
 * accepts fails later, for want of a container, without opening anything).
 * Returns the negative errno with the sentence, or 0 when the token was not the reason.
 */
static int vf_token_refused(const struct xpdk_pci_func *f, int group)
{
	char path[64], name[XPDK_PCI_ADDR_LEN + 64], token[RTE_UUID_STRLEN] = "";
	rte_uuid_t uu;
	int gfd, fd, err;

	rte_eal_vfio_get_vf_token(uu);
	if (!rte_uuid_is_null(uu))
		rte_uuid_unparse(uu, token, sizeof(token));
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	gfd = open(path, O_RDWR | O_CLOEXEC);
	if (gfd < 0)
		return 0;
	snprintf(name, sizeof(name), "%s%s%s", f->addr, token[0] ? " vf_token=" : "", token);
	fd = ioctl(gfd, VFIO_GROUP_GET_DEVICE_FD, name);
	err = errno;
	if (fd >= 0)
		close(fd);
	close(gfd);
	if (fd >= 0 || err != EACCES)
		return 0;
	if (f->physfn[0] == '\0')
		return xpdk_err(EACCES,
				"the kernel refused to open %s: its SR-IOV VFs are in use, so it "
				"opens only with their VF token%s; give it with the EAL argument "
				"--vfio-vf-token=UUID (xpdk-io: --vf-token UUID)",
				f->addr, token[0] ? ", and the one given is not it" : "");
	if (token[0] == '\0')
		return xpdk_err(
		    EACCES,
		    "the kernel refused to open %s without a VF token: it is an SR-IOV "
		    "VF of %s, which vfio-pci owns, so it opens only with the token set "
		    "on the PF; give it with the EAL argument --vfio-vf-token=UUID "
		    "(xpdk-io: --vf-token UUID; 'xpdk-io init -e' prints the token)",
		    f->addr, f->physfn);
	return xpdk_err(EACCES,
			"the kernel refused the VF token %s for %s: it is not the token set on "
			"its PF %s; give that one with the EAL argument --vfio-vf-token=UUID "
			"(xpdk-io: --vf-token UUID; 'xpdk-io init -e' printed it)",
			token, f->addr, f->physfn);
}

static int vfio_open(struct xpdk_dev *dev, const char *target)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct xpdk_pci_func f;
	struct vfio_tp *tp;
	int group = -1, rc;
	struct rlimit lim;

	if (!xpdk_env_ready())
		return xpdk_err(EINVAL,
				"opening %s needs the environment: call xpdk_env_init() "
				"first (kernel VFIO maps its DMA memory)",
				target);
	rc = xpdk_pci_func_get(target, &f);
	if (rc < 0)
		return rc;
	/* EAL opens its VFIO container at start-up only if the vfio module is loaded by then;
	 * without it rte_vfio_setup_device() fails with no word of why */
	if (rte_vfio_is_enabled("vfio") != 1)
		return xpdk_err(ENODEV,
				"VFIO was not available when the environment started: load "
				"vfio-pci ('modprobe vfio-pci') before starting the program");
	if (strcmp(f.driver, "vfio-pci") != 0)
		return xpdk_err(ENODEV,
				"%s is not bound to vfio-pci (driver: %s); run: xpdk-io init "
				"-d %s $USER",
				f.addr, f.driver[0] ? f.driver : "none", f.addr);
	tp = calloc(1, sizeof(*tp));
	if (tp == NULL)
		return xpdk_err(ENOMEM, "out of memory");
	snprintf(tp->addr, sizeof(tp->addr), "%s", f.addr);
	snprintf(tp->sysfs_base, sizeof(tp->sysfs_base), "%s/bus/pci/devices", xpdk_sysfs_root());
	snprintf(dev->info.name, sizeof(dev->info.name), "%s", f.addr);
	tp->fd = -1;
	if (rte_vfio_get_group_num(tp->sysfs_base, tp->addr, &group) <= 0) {
		free(tp);
		return xpdk_err(ENODEV, "%s has no VFIO group (is the IOMMU on?)", f.addr);
	}
	if (rte_vfio_setup_device(tp->sysfs_base, tp->addr, &tp->fd, &info) != 0) {
		char path[64];

		snprintf(path, sizeof(path), "/dev/vfio/%d", group);
		rc = access(path, R_OK | W_OK) != 0 && errno == EACCES ? -EACCES : -EIO;
		free(tp);
		if (rc == -EACCES)
			return xpdk_err(EACCES,
					"permission denied on %s: give it to your user with "
					"'xpdk-io init -d %s $USER'",
					path, f.addr);
		rc = vf_token_refused(&f, group);
		if (rc < 0)
			return rc;
		if (getrlimit(RLIMIT_MEMLOCK, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
		    geteuid() != 0 && rte_eal_get_physmem_size() > lim.rlim_cur)
			return xpdk_err(
			    ENOMEM,
			    "VFIO could not map this process's %llu MiB of DMA memory into "
			    "the IOMMU for %s: vfio pins it, and the locked-memory limit is "
			    "%llu KiB; raise it ('ulimit -l unlimited', or 'memlock' in "
			    "/etc/security/limits.conf)",
			    (unsigned long long)(rte_eal_get_physmem_size() >> 20), f.addr,
			    (unsigned long long)(lim.rlim_cur >> 10));
		return xpdk_err(EIO,
				"VFIO could not set up %s (group %d busy or in another "
				"container? see the EAL messages above)",
				f.addr, group);
	}
	dev->tp = tp;
	dev->info.num_regions =
	    info.num_regions < XPDK_DEV_MAX_REGIONS ? info.num_regions : XPDK_DEV_MAX_REGIONS;
	dev->info.num_irqs = info.num_irqs;
	dev->info.can_reset = info.flags & VFIO_DEVICE_FLAGS_RESET;
	return 0;
}

static void vfio_close(struct xpdk_dev *dev)
{
	struct vfio_tp *tp = dev->tp;

	if (tp == NULL)
		return;
	rte_vfio_release_device(tp->sysfs_base, tp->addr, tp->fd);
	free(tp);
	dev->tp = NULL;
}

/* Find the sparse-mmap capability in a region-info reply, or NULL. */
static struct vfio_region_info_cap_sparse_mmap *find_sparse(struct vfio_region_info *ri)
{
	uint32_t off = ri->cap_offset;

	if (!(ri->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	/* the chain lies inside the argsz bytes we asked for; bound the walk */
	for (int hops = 0; off >= sizeof(*ri) &&
			   off + sizeof(struct vfio_info_cap_header) <= ri->argsz && hops < 16;
	     hops++) {
		struct vfio_info_cap_header *h = (void *)((char *)ri + off);

		if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP)
			return (void *)h;
		off = h->next;
	}
	return NULL;
}

static int map_area(struct vfio_tp *tp, uint64_t region_off, uint64_t off, uint64_t len,
		    uint32_t flags, struct xpdk_region_area *a)
{
	int prot = ((flags & VFIO_REGION_INFO_FLAG_READ) ? PROT_READ : 0) |
		   ((flags & VFIO_REGION_INFO_FLAG_WRITE) ? PROT_WRITE : 0);
	void *p = mmap(NULL, len, prot, MAP_SHARED, tp->fd, (off_t)(region_off + off));

	if (p == MAP_FAILED)
		return -errno;
	a->offset = off;
	a->size = len;
	a->ptr = p;
	return 0;
}

static int vfio_region_info(struct xpdk_dev *dev, unsigned int index, struct dev_region_info *out)
{
	struct vfio_tp *tp = dev->tp;
	size_t argsz = sizeof(struct vfio_region_info) + 4096;
	struct vfio_region_info *ri = calloc(1, argsz);
	struct vfio_region_info_cap_sparse_mmap *sparse;

	if (ri == NULL)
		return xpdk_err(ENOMEM, "out of memory");
	ri->argsz = (uint32_t)argsz;
	ri->index = index;
	if (ioctl(tp->fd, VFIO_DEVICE_GET_REGION_INFO, ri) < 0) {
		int err = errno;

		free(ri);
		/* VGA and other absent regions: size 0, not an error */
		return err == EINVAL ? 0
				     : xpdk_err(err, "region %u info: %s", index, strerror(err));
	}
	out->size = ri->size;
	out->flags = ((ri->flags & VFIO_REGION_INFO_FLAG_READ) ? XPDK_REGION_F_READ : 0) |
		     ((ri->flags & VFIO_REGION_INFO_FLAG_WRITE) ? XPDK_REGION_F_WRITE : 0);
	tp->region_offset[index] = ri->offset;
	if (ri->size > 0 && (ri->flags & VFIO_REGION_INFO_FLAG_MMAP) &&
	    index != XPDK_REGION_CONFIG) {
		sparse = find_sparse(ri);
		if (sparse != NULL) {
			for (uint32_t i = 0;
			     i < sparse->nr_areas && out->nareas < XPDK_REGION_MAX_AREAS; i++) {
				if (sparse->areas[i].size == 0 ||
				    sparse->areas[i].offset > ri->size ||
				    sparse->areas[i].size > ri->size - sparse->areas[i].offset)
					continue;
				if (map_area(tp, ri->offset, sparse->areas[i].offset,
					     sparse->areas[i].size, ri->flags,
					     &out->areas[out->nareas]) == 0)
					out->nareas++;
			}
		} else if (map_area(tp, ri->offset, 0, ri->size, ri->flags, &out->areas[0]) == 0) {
			out->nareas = 1;
		}
		/* a region that cannot be mapped (e.g. smaller than a page) uses the slow path */
	}
	free(ri);
	return 0;
}

static void vfio_region_unmap(struct xpdk_dev *dev, unsigned int index, struct xpdk_region *r)
{
	(void)dev;
	(void)index;
	for (unsigned int i = 0; i < r->nareas; i++)
		munmap(r->areas[i].ptr, r->areas[i].size);
	r->nareas = 0;
	r->map = NULL;
}

static int vfio_region_rw(struct xpdk_dev *dev, unsigned int index, uint64_t off, void *buf,
			  size_t len, bool write)
{
	struct vfio_tp *tp = dev->tp;
	off_t pos = (off_t)(tp->region_offset[index] + off);
	ssize_t n = write ? pwrite(tp->fd, buf, len, pos) : pread(tp->fd, buf, len, pos);

	if (n != (ssize_t)len)
		return xpdk_err(n < 0 ? errno : EIO,
				"%s of %zu bytes at 0x%llx of region %u failed: %s",
				write ? "write" : "read", len, (unsigned long long)off, index,
				n < 0 ? strerror(errno) : "short transfer");
	return 0;
}

static int vfio_irq_count(struct xpdk_dev *dev, unsigned int type)
{
	struct vfio_tp *tp = dev->tp;
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = type };

	if (type >= dev->info.num_irqs)
		return 0;
	if (ioctl(tp->fd, VFIO_DEVICE_GET_IRQ_INFO, &info) < 0)
		return xpdk_err(errno, "IRQ info %u: %s", type, strerror(errno));
	return (int)info.count;
}

static int vfio_irq_set(struct xpdk_dev *dev, unsigned int type, unsigned int count, const int *fds)
{
	struct vfio_tp *tp = dev->tp;
	size_t argsz = sizeof(struct vfio_irq_set) + count * sizeof(int);
	struct vfio_irq_set *set = calloc(1, argsz);
	int rc = 0;

	if (set == NULL)
		return xpdk_err(ENOMEM, "out of memory");
	set->argsz = (uint32_t)argsz;
	set->index = type;
	set->start = 0;
	set->count = count;
	set->flags = VFIO_IRQ_SET_ACTION_TRIGGER |
		     (count ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
	if (count)
		memcpy(set->data, fds, count * sizeof(int));
	if (ioctl(tp->fd, VFIO_DEVICE_SET_IRQS, set) < 0)
		rc = xpdk_err(errno, "%s IRQ type %u on %s: %s", count ? "enabling" : "disabling",
			      type, dev->info.name, strerror(errno));
	free(set);
	return rc;
}

static int vfio_irq_unmask(struct xpdk_dev *dev, unsigned int type, unsigned int vector)
{
	struct vfio_tp *tp = dev->tp;
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		.index = type,
		.start = vector,
		.count = 1,
	};

	if (ioctl(tp->fd, VFIO_DEVICE_SET_IRQS, &set) < 0)
		return xpdk_err(errno, "unmasking IRQ %u/%u: %s", type, vector, strerror(errno));
	return 0;
}

static int vfio_reset(struct xpdk_dev *dev)
{
	struct vfio_tp *tp = dev->tp;

	if (ioctl(tp->fd, VFIO_DEVICE_RESET) < 0)
		return xpdk_err(errno, "resetting %s: %s", dev->info.name, strerror(errno));
	return 0;
}

/* EAL's container already maps @p ext (see the top of this file); the IOMMU needs an IOVA. */
static int vfio_dma_map(struct xpdk_dev *dev, const struct xpdk_env_mem_extent *ext)
{
	if (ext->iova == XPDK_ENV_BAD_IOVA)
		return xpdk_err(EINVAL, "DMA memory at %p has no IOVA, so EAL cannot map it for %s",
				ext->va, dev->info.name);
	return 0;
}

/* EAL's container unmaps freed memory itself, in its memory-event callback. */
static int vfio_dma_unmap(struct xpdk_dev *dev, uint64_t iova, uint64_t len)
{
	(void)dev;
	(void)iova;
	(void)len;
	return 0;
}

const struct xpdk_transport_ops xpdk_transport_vfio = {
	.name = "vfio",
	.claims = vfio_claims,
	.open = vfio_open,
	.close = vfio_close,
	.region_info = vfio_region_info,
	.region_unmap = vfio_region_unmap,
	.region_rw = vfio_region_rw,
	.irq_count = vfio_irq_count,
	.irq_set = vfio_irq_set,
	.irq_unmask = vfio_irq_unmask,
	.reset = vfio_reset,
	.dma_map = vfio_dma_map,
	.dma_unmap = vfio_dma_unmap,
};
