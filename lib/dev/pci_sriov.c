/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * SR-IOV on vfio-pci: turning a physical function's VFs on and off through sysfs (sriov_numvfs,
 * the virtfnN links, vfio-pci's enable_sriov parameter) and setting the PF's VF token through
 * VFIO. Setting the token needs the PF open through VFIO; EAL would open it only after
 * rte_eal_init() and with all of its memory mapped into the IOMMU, so this administrative step
 * uses a container of its own that maps nothing (as OPAE's libopaevfio opens a device).
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "pci_priv.h"
#include "xpdk_env.h"
#include "xpdk_pci.h"

#define VFIO_DRIVER   "vfio-pci"
#define RANDOM_UUID   "/proc/sys/kernel/random/uuid"
#define VF_WAIT_MS    5000
#define UUID_BYTES    16
#define PARAM_ENABLED "param_enabled=1"

int xpdk_pci_uuid_parse(const char *s, char canon[XPDK_PCI_UUID_LEN])
{
	char out[XPDK_PCI_UUID_LEN];

	if (s == NULL || strlen(s) != XPDK_PCI_UUID_LEN - 1)
		goto bad;
	for (size_t i = 0; i < XPDK_PCI_UUID_LEN - 1; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			goto bad;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[XPDK_PCI_UUID_LEN - 1] = '\0';
	if (canon != NULL)
		memcpy(canon, out, sizeof(out));
	return 0;
bad:
	return xpdk_err(EINVAL,
			"'%s' is not a VF token: a UUID is 36 characters, "
			"01234567-89ab-cdef-0123-456789abcdef (uuidgen makes one)",
			s ? s : "(null)");
}

/* The 16 bytes of a canonical UUID, in text order (the kernel's uuid_t). */
static void uuid_bytes(const char canon[XPDK_PCI_UUID_LEN], uint8_t out[UUID_BYTES])
{
	size_t n = 0;

	for (size_t i = 0; i + 1 < XPDK_PCI_UUID_LEN - 1 && n < UUID_BYTES; i += 2) {
		char pair[3];

		if (canon[i] == '-')
			i++;
		pair[0] = canon[i];
		pair[1] = canon[i + 1];
		pair[2] = '\0';
		out[n++] = (uint8_t)strtoul(pair, NULL, 16);
	}
}

/* A decimal sysfs attribute of @p addr; -ENOENT when the attribute does not exist. */
static int read_count(const char *addr, const char *attr, unsigned int *out)
{
	char path[PATH_MAX], buf[32];
	int rc;

	xpdk_pci_path(path, sizeof(path), addr, attr);
	rc = xpdk_pci_attr_read(path, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	*out = (unsigned int)strtoul(buf, NULL, 10);
	return 0;
}

static void param_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/module/vfio_pci/parameters/enable_sriov", xpdk_sysfs_root());
}

/* $XPDK_RUN_DIR/pci/ADDR.sriov: what enabling changed besides the PF's binding. */
static int record_path(char *buf, size_t len, const char *addr, bool create_dir)
{
	int rc = xpdk_pci_state_path(buf, len, addr, create_dir);
	char *dot = strrchr(buf, '.');

	if (rc < 0)
		return rc;
	if (dot != NULL && (size_t)(dot - buf) + sizeof(".sriov") <= len)
		memcpy(dot, ".sriov", sizeof(".sriov"));
	return 0;
}

static void vfio_dev_path(char *buf, size_t len, const char *leaf)
{
	snprintf(buf, len, "%s/vfio/%s", xpdk_pci_env_or("XPDK_DEVFS", "/dev"), leaf);
}

/* Open the PF's group in a container of its own and return the device fd, or a negative errno. */
static int open_pf(const struct xpdk_pci_func *f, int *cont, int *grp)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX], leaf[16];
	int type, fd;

	vfio_dev_path(path, sizeof(path), "vfio");
	*cont = open(path, O_RDWR | O_CLOEXEC);
	if (*cont < 0)
		return xpdk_err(errno, "cannot open %s: %s (is vfio-pci loaded?)", path,
				strerror(errno));
	if (ioctl(*cont, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return xpdk_err(ENOTSUP, "%s speaks another VFIO API version", path);
	type = ioctl(*cont, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 1 ? VFIO_TYPE1v2_IOMMU
	       : ioctl(*cont, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) == 1 ? VFIO_TYPE1_IOMMU
									   : -1;
	if (type < 0)
		return xpdk_err(ENOTSUP,
				"the kernel's VFIO has no type-1 IOMMU (is the IOMMU on?)");
	snprintf(leaf, sizeof(leaf), "%d", f->iommu_group);
	vfio_dev_path(path, sizeof(path), leaf);
	*grp = open(path, O_RDWR | O_CLOEXEC);
	if (*grp < 0) {
		int err = errno;

		if (err == EBUSY)
			return xpdk_err(EBUSY,
					"%s (IOMMU group of %s) is open in another process: stop "
					"it first",
					path, f->addr);
		return xpdk_err(err, "cannot open %s (IOMMU group of %s): %s", path, f->addr,
				strerror(err));
	}
	if (ioctl(*grp, VFIO_GROUP_GET_STATUS, &status) < 0 ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return xpdk_err(EBUSY,
				"IOMMU group %d of %s is not viable: every function in it must be "
				"on vfio-pci or have no driver",
				f->iommu_group, f->addr);
	if (ioctl(*grp, VFIO_GROUP_SET_CONTAINER, cont) < 0 ||
	    ioctl(*cont, VFIO_SET_IOMMU, type) < 0)
		return xpdk_err(errno, "cannot give IOMMU group %d of %s a container: %s",
				f->iommu_group, f->addr, strerror(errno));
	fd = ioctl(*grp, VFIO_GROUP_GET_DEVICE_FD, f->addr);
	if (fd < 0) {
		int err = errno;

		if (err == EACCES)
			return xpdk_err(EACCES,
					"the kernel refused to open %s: its VFs are in use, and "
					"only their VF token opens it now",
					f->addr);
		return xpdk_err(err, "cannot open %s through VFIO: %s", f->addr, strerror(err));
	}
	return fd;
}

int xpdk_pci_vfio_set_vf_token(const char *pf, const char *vf_token)
{
	char canon[XPDK_PCI_UUID_LEN] = "";
	struct {
		struct vfio_device_feature hdr;
		uint8_t uuid[UUID_BYTES];
	} feat;
	struct xpdk_pci_func f;
	int cont = -1, grp = -1, fd, rc;

	_Static_assert(sizeof(feat) == sizeof(struct vfio_device_feature) + UUID_BYTES,
		       "the feature's data follows its header");
	rc = xpdk_pci_uuid_parse(vf_token, canon);
	if (rc < 0)
		return rc;
	rc = xpdk_pci_func_get(pf, &f);
	if (rc < 0)
		return rc;
	if (strcmp(f.driver, VFIO_DRIVER) != 0)
		return xpdk_err(ENODEV,
				"%s is not bound to vfio-pci (driver: %s); run: xpdk-io init -d %s "
				"$USER",
				f.addr, f.driver[0] ? f.driver : "none", f.addr);
	fd = open_pf(&f, &cont, &grp);
	if (fd >= 0) {
		memset(&feat, 0, sizeof(feat));
		feat.hdr.argsz = sizeof(feat);
		feat.hdr.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
		uuid_bytes(canon, feat.uuid);
		rc = ioctl(fd, VFIO_DEVICE_FEATURE, &feat) < 0 ? -errno : 0;
		if (rc == -ENOTTY || rc == -EINVAL)
			rc = xpdk_err(ENOTSUP,
				      "the kernel keeps no VF token for %s: it is not an SR-IOV "
				      "physical function, or vfio-pci is too old (Linux 5.7+)",
				      f.addr);
		else if (rc < 0)
			rc = xpdk_err(-rc, "setting the VF token of %s: %s", f.addr, strerror(-rc));
		close(fd);
	} else {
		rc = fd;
	}
	if (grp >= 0)
		close(grp);
	if (cont >= 0)
		close(cont);
	return rc;
}

/* The address behind link virtfn@p i of @p pf, waiting for it to appear. */
static int vf_addr(const char *pf, unsigned int i, char out[XPDK_PCI_ADDR_LEN])
{
	char attr[32];

	snprintf(attr, sizeof(attr), "virtfn%u", i);
	for (int waited = 0;; waited += 5) {
		xpdk_pci_link_name(pf, attr, out, XPDK_PCI_ADDR_LEN);
		if (out[0] != '\0')
			return 0;
		if (waited >= VF_WAIT_MS)
			return xpdk_err(ETIMEDOUT, "VF %u of %s did not appear within %d ms", i, pf,
					VF_WAIT_MS);
		xpdk_pci_sleep_ms(5);
	}
}

/* Turn vfio-pci's enable_sriov on when it is off, recording that in @p record. */
static int enable_param(const char *record, bool *enabled)
{
	char path[PATH_MAX], val[8];
	FILE *fp;
	int rc;

	*enabled = false;
	param_path(path, sizeof(path));
	if (xpdk_pci_attr_read(path, val, sizeof(val)) < 0)
		return xpdk_err(
		    EPERM,
		    "vfio-pci has no enable_sriov parameter (%s), so it refuses SR-IOV; "
		    "a kernel with CONFIG_VFIO_PCI_CORE 5.7+ has it",
		    path);
	if (val[0] == 'Y' || val[0] == '1')
		return 0;
	fp = fopen(record, "w");
	if (fp == NULL)
		return xpdk_err(errno, "cannot write %s: %s", record, strerror(errno));
	fputs(PARAM_ENABLED "\n", fp);
	fclose(fp);
	rc = xpdk_pci_attr_write(path, "Y");
	if (rc < 0) {
		unlink(record);
		return xpdk_err(EPERM,
				"vfio-pci's enable_sriov is off and cannot be turned on (%s); load "
				"vfio-pci with 'modprobe vfio-pci enable_sriov=1'",
				xpdk_strerror_last());
	}
	*enabled = true;
	return 0;
}

/* Is the IOMMU group file of VF @p addr open elsewhere? Its user would block the removal. */
static bool vf_busy(const char *addr, char *path, size_t len)
{
	struct xpdk_pci_func f;
	char leaf[16];
	int fd;

	if (xpdk_pci_func_get(addr, &f) < 0 || strcmp(f.driver, VFIO_DRIVER) != 0 ||
	    f.iommu_group < 0)
		return false;
	snprintf(leaf, sizeof(leaf), "%d", f.iommu_group);
	vfio_dev_path(path, len, leaf);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EBUSY;
}

int xpdk_pci_sriov_disable(const char *pf, unsigned int *disabled)
{
	char path[PATH_MAX], record[PATH_MAX], val[32];
	char vfs[XPDK_PCI_MAX_VFS][XPDK_PCI_ADDR_LEN];
	struct xpdk_pci_func f;
	unsigned int num = 0, known = 0;
	int rc;

	if (disabled != NULL)
		*disabled = 0;
	if (geteuid() != 0)
		return xpdk_err(EPERM, "turning SR-IOV VFs off needs root (try sudo)");
	rc = xpdk_pci_func_get(pf, &f);
	if (rc < 0)
		return rc;
	if (read_count(f.addr, "sriov_numvfs", &num) < 0)
		num = 0;
	for (unsigned int i = 0; i < num && i < XPDK_PCI_MAX_VFS; i++) {
		char attr[32];

		snprintf(attr, sizeof(attr), "virtfn%u", i);
		xpdk_pci_link_name(f.addr, attr, vfs[known], XPDK_PCI_ADDR_LEN);
		if (vfs[known][0] == '\0')
			continue;
		if (vf_busy(vfs[known], path, sizeof(path)))
			return xpdk_err(
			    EBUSY,
			    "VF %s of %s is in use (%s is open): stop the program using "
			    "it first",
			    vfs[known], f.addr, path);
		known++;
	}
	if (num > 0) {
		xpdk_pci_path(path, sizeof(path), f.addr, "sriov_numvfs");
		rc = xpdk_pci_attr_write(path, "0");
		if (rc < 0)
			return rc;
		for (unsigned int i = 0; i < known; i++)
			if (xpdk_pci_state_path(path, sizeof(path), vfs[i], false) == 0)
				unlink(path);
	}
	if (record_path(record, sizeof(record), f.addr, false) == 0 &&
	    xpdk_pci_attr_read(record, val, sizeof(val)) == 0) {
		if (strcmp(val, PARAM_ENABLED) == 0) {
			param_path(path, sizeof(path));
			rc = xpdk_pci_attr_write(path, "N");
			if (rc < 0)
				return rc;
		}
		unlink(record);
	}
	if (disabled != NULL)
		*disabled = num;
	return 0;
}

/* The first steps of enabling: the token, the function, its capability, the PF binding. */
static int prepare(const char *pf, unsigned int num_vfs, const char *vf_token, uid_t uid, gid_t gid,
		   struct xpdk_pci_sriov_info *info, struct xpdk_pci_func *f)
{
	unsigned int now;
	int rc;

	if (vf_token != NULL) {
		rc = xpdk_pci_uuid_parse(vf_token, info->vf_token);
	} else {
		char path[] = RANDOM_UUID, buf[64];

		rc = xpdk_pci_attr_read(path, buf, sizeof(buf));
		if (rc < 0)
			return xpdk_err(-rc, "cannot read a random UUID from %s: %s", path,
					strerror(-rc));
		rc = xpdk_pci_uuid_parse(buf, info->vf_token);
		info->token_generated = true;
	}
	if (rc < 0)
		return rc;
	rc = xpdk_pci_func_get(pf, f);
	if (rc < 0)
		return rc;
	if (f->physfn[0] != '\0')
		return xpdk_err(ENOTSUP, "%s is itself a VF (of %s): give the physical function",
				f->addr, f->physfn);
	if (read_count(f->addr, "sriov_totalvfs", &info->total_vfs) < 0 || info->total_vfs == 0)
		return xpdk_err(ENOTSUP, "%s has no SR-IOV capability (no VFs in sysfs)", f->addr);
	if (read_count(f->addr, "sriov_numvfs", &now) == 0 && now > 0)
		return xpdk_err(
		    EBUSY, "%s has %u VFs already: turn them off first (xpdk-io release -d %s)",
		    f->addr, now, f->addr);
	info->num_vfs = num_vfs ? num_vfs : info->total_vfs;
	if (info->num_vfs > info->total_vfs || info->num_vfs > XPDK_PCI_MAX_VFS)
		return xpdk_err(EINVAL, "%u VFs asked of %s, which has %u at most%s", info->num_vfs,
				f->addr, info->total_vfs,
				info->num_vfs > XPDK_PCI_MAX_VFS ? " (XPDK handles 64)" : "");
	return xpdk_pci_vfio_bind(f->addr, uid, gid, &info->pf);
}

int xpdk_pci_sriov_enable(const char *pf, unsigned int num_vfs, const char *vf_token, uid_t uid,
			  gid_t gid, struct xpdk_pci_sriov_info *info)
{
	char path[PATH_MAX], record[PATH_MAX], num[16];
	struct xpdk_pci_func f;
	bool was_vfio;
	int rc;

	memset(info, 0, sizeof(*info));
	if (geteuid() != 0)
		return xpdk_err(EPERM, "enabling SR-IOV needs root (try sudo)");
	if (xpdk_pci_func_get(pf, &f) == 0)
		was_vfio = strcmp(f.driver, VFIO_DRIVER) == 0;
	else
		was_vfio = false;
	rc = prepare(pf, num_vfs, vf_token, uid, gid, info, &f);
	if (rc < 0)
		return rc;
	/* from here on the PF is on vfio-pci: undo what follows on failure */
	rc = record_path(record, sizeof(record), f.addr, true);
	if (rc == 0)
		rc = enable_param(record, &info->param_enabled);
	/* before the VFs exist: opening and closing the PF resets it */
	if (rc == 0)
		rc = xpdk_pci_vfio_set_vf_token(f.addr, info->vf_token);
	if (rc < 0)
		goto undo;
	xpdk_pci_path(path, sizeof(path), f.addr, "sriov_numvfs");
	snprintf(num, sizeof(num), "%u", info->num_vfs);
	rc = xpdk_pci_attr_write(path, num);
	if (rc < 0)
		goto undo;
	for (unsigned int i = 0; i < info->num_vfs; i++) {
		struct xpdk_pci_vf *vf = &info->vfs[i];
		struct xpdk_pci_bind_info b = { 0 };

		rc = vf_addr(f.addr, i, vf->addr);
		if (rc == 0)
			rc = xpdk_pci_vfio_bind(vf->addr, uid, gid, &b);
		if (rc < 0)
			goto undo;
		vf->iommu_group = b.iommu_group;
		snprintf(vf->vfio_path, sizeof(vf->vfio_path), "%.*s",
			 (int)sizeof(vf->vfio_path) - 1, b.vfio_path);
	}
	return 0;
undo : {
	/* keep the sentence of the failure, not of the clean-up */
	char why[512];
	struct xpdk_pci_bind_info b;

	snprintf(why, sizeof(why), "%s", xpdk_strerror_last());
	if (was_vfio)
		(void)xpdk_pci_sriov_disable(f.addr, NULL);
	else
		(void)xpdk_pci_vfio_release(f.addr, &b);
	return xpdk_err(-rc, "%s", why);
}
}
