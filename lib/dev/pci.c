/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * PCI functions through sysfs: enumeration, pci.ids descriptions, and the vfio-pci bind/release
 * dance (driver_override, unbind, drivers_probe) with the previous driver recorded under
 * $XPDK_RUN_DIR so that release can restore it. SR-IOV on top of it is in pci_sriov.c.
 */

#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xpdk_env.h"
#include "pci_priv.h"
#include "xpdk_pci.h"

#define BIND_TIMEOUT_MS 5000
#define VFIO_DRIVER	"vfio-pci"

const char *xpdk_pci_env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : def;
}

void xpdk_pci_path(char *buf, size_t len, const char *addr, const char *attr)
{
	snprintf(buf, len, "%s/bus/pci/devices/%s%s%s", xpdk_sysfs_root(), addr, attr ? "/" : "",
		 attr ? attr : "");
}

int xpdk_pci_addr_parse(const char *s, char canon[XPDK_PCI_ADDR_LEN])
{
	unsigned int dom = 0, bus = 0, dev = 0, fn = 0;
	int n = 0;
	bool ok;

	if (s == NULL)
		return xpdk_err(EINVAL, "no PCI address given");
	ok = isxdigit((unsigned char)s[0]) &&
	     sscanf(s, "%4x:%2x:%2x.%1u%n", &dom, &bus, &dev, &fn, &n) == 4 && s[n] == '\0';
	if (!ok) {
		/* short form BB:DD.F, domain 0 */
		dom = 0;
		n = 0;
		ok = isxdigit((unsigned char)s[0]) &&
		     sscanf(s, "%2x:%2x.%1u%n", &bus, &dev, &fn, &n) == 3 && s[n] == '\0';
	}
	if (!ok)
		return xpdk_err(
		    EINVAL, "'%s' is not a PCI address (expected DDDD:BB:DD.F or BB:DD.F, hex)", s);
	if (dev > 0x1f || fn > 7)
		return xpdk_err(EINVAL, "'%s' is not a PCI address (device 0-1f, function 0-7)", s);
	snprintf(canon, XPDK_PCI_ADDR_LEN, "%04x:%02x:%02x.%u", dom, bus, dev, fn);
	return 0;
}

/* Read a small sysfs attribute, without the trailing newline. */
int xpdk_pci_attr_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int xpdk_pci_attr_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	size_t len = strlen(val);
	ssize_t n;

	if (fd < 0)
		return xpdk_err(errno, "cannot open %s: %s", path, strerror(errno));
	n = write(fd, val, len);
	if (n < 0) {
		int err = errno;

		close(fd);
		return xpdk_err(err, "writing '%s' to %s failed: %s", val, path, strerror(err));
	}
	close(fd);
	return 0;
}

static uint32_t read_hex(const char *addr, const char *attr)
{
	char path[PATH_MAX], buf[32];

	xpdk_pci_path(path, sizeof(path), addr, attr);
	if (xpdk_pci_attr_read(path, buf, sizeof(buf)) < 0)
		return 0;
	return (uint32_t)strtoul(buf, NULL, 16);
}

/* Basename of the symlink @p attr of the function, or "" when there is none. */
void xpdk_pci_link_name(const char *addr, const char *attr, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	const char *base;

	xpdk_pci_path(path, sizeof(path), addr, attr);
	n = readlink(path, target, sizeof(target) - 1);
	out[0] = '\0';
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) < len)
		memcpy(out, base, strlen(base) + 1);
}

int xpdk_pci_func_get(const char *addr, struct xpdk_pci_func *f)
{
	char canon[XPDK_PCI_ADDR_LEN], path[PATH_MAX], group[32];
	struct stat st;
	int rc = xpdk_pci_addr_parse(addr, canon);

	if (rc < 0)
		return rc;
	xpdk_pci_path(path, sizeof(path), canon, NULL);
	if (stat(path, &st) < 0)
		return xpdk_err(ENOENT, "no PCI function %s (see 'xpdk-io ls --all')", canon);
	memset(f, 0, sizeof(*f));
	snprintf(f->addr, sizeof(f->addr), "%s", canon);
	f->vendor = (uint16_t)read_hex(canon, "vendor");
	f->device = (uint16_t)read_hex(canon, "device");
	f->subsystem_vendor = (uint16_t)read_hex(canon, "subsystem_vendor");
	f->subsystem_device = (uint16_t)read_hex(canon, "subsystem_device");
	f->class_code = read_hex(canon, "class") & 0xffffff;
	xpdk_pci_link_name(canon, "driver", f->driver, sizeof(f->driver));
	xpdk_pci_path(path, sizeof(path), canon, "driver_override");
	if (xpdk_pci_attr_read(path, f->driver_override, sizeof(f->driver_override)) < 0 ||
	    strcmp(f->driver_override, "(null)") == 0)
		f->driver_override[0] = '\0';
	xpdk_pci_link_name(canon, "iommu_group", group, sizeof(group));
	f->iommu_group = group[0] ? atoi(group) : -1;
	xpdk_pci_link_name(canon, "physfn", f->physfn, sizeof(f->physfn));
	xpdk_pci_describe(f);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of directory @p path whose names look like PCI addresses, sorted. */
int xpdk_pci_list_addrs(const char *path, char ***out, size_t *count)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	*count = 0;
	if (d == NULL)
		return xpdk_err(errno, "cannot list %s: %s", path, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char canon[XPDK_PCI_ADDR_LEN];

		if (de->d_name[0] == '.' || strlen(de->d_name) != XPDK_PCI_ADDR_LEN - 1 ||
		    xpdk_pci_addr_parse(de->d_name, canon) < 0)
			continue;
		if (n == cap) {
			char **grown = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));

			if (grown == NULL)
				break;
			names = grown;
		}
		names[n] = strdup(de->d_name);
		if (names[n] != NULL)
			n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*count = n;
	xpdk_err_clear();
	return 0;
}

void xpdk_pci_free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int xpdk_pci_scan(int (*cb)(const struct xpdk_pci_func *f, void *arg), void *arg)
{
	char path[PATH_MAX];
	char **names;
	size_t n;
	int rc;

	snprintf(path, sizeof(path), "%s/bus/pci/devices", xpdk_sysfs_root());
	rc = xpdk_pci_list_addrs(path, &names, &n);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct xpdk_pci_func f;

		if (xpdk_pci_func_get(names[i], &f) == 0)
			rc = cb(&f, arg);
	}
	xpdk_pci_free_names(names, n);
	return rc;
}

void xpdk_pci_describe(struct xpdk_pci_func *f)
{
	const char *db = xpdk_pci_env_or("XPDK_PCI_IDS", "/usr/share/misc/pci.ids");
	char line[512], vendor_name[128] = "";
	FILE *fp = fopen(db, "r");
	bool in_vendor = false;

	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		unsigned int id;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] != '\t') {
			if (in_vendor || strncmp(line, "C ", 2) == 0)
				break; /* past our vendor, or into the class list */
			if (sscanf(line, "%4x %n", &id, &n) == 1 && id == f->vendor) {
				in_vendor = true;
				snprintf(vendor_name, sizeof(vendor_name), "%s", line + n);
				snprintf(f->description, sizeof(f->description), "%s", vendor_name);
			}
		} else if (in_vendor && line[1] != '\t' &&
			   sscanf(line + 1, "%4x %n", &id, &n) == 1 && id == f->device) {
			snprintf(f->description, sizeof(f->description), "%.60s %.60s", vendor_name,
				 line + 1 + n);
			f->device_named = true;
			break;
		}
	}
	fclose(fp);
}

int xpdk_pci_state_path(char *buf, size_t len, const char *addr, bool create_dir)
{
	const char *run = xpdk_pci_env_or("XPDK_RUN_DIR", "/run/xpdk");

	snprintf(buf, len, "%s/pci", run);
	if (create_dir) {
		if (mkdir(run, 0755) < 0 && errno != EEXIST)
			return xpdk_err(errno, "cannot create %s: %s", run, strerror(errno));
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return xpdk_err(errno, "cannot create %s: %s", buf, strerror(errno));
	}
	snprintf(buf, len, "%s/pci/%s.state", run, addr);
	return 0;
}

void xpdk_pci_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait until the function's driver is @p want ("" for none). */
int xpdk_pci_wait_driver(const char *addr, const char *want)
{
	char drv[64];

	for (int waited = 0; waited < BIND_TIMEOUT_MS; waited += 5) {
		xpdk_pci_link_name(addr, "driver", drv, sizeof(drv));
		if (strcmp(drv, want) == 0)
			return 0;
		xpdk_pci_sleep_ms(5);
	}
	return xpdk_err(
	    ETIMEDOUT, "the kernel did not %s %s%s within %d ms (driver is '%s'; see dmesg)",
	    want[0] ? "bind" : "unbind", addr, want[0] ? " to vfio-pci" : "", BIND_TIMEOUT_MS, drv);
}

/* Other functions of the IOMMU group that a kernel driver holds (vfio needs the whole group). */
static int check_group_viable(const struct xpdk_pci_func *f)
{
	char path[PATH_MAX], busy[512] = "";
	char **names;
	size_t n, len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%d/devices", xpdk_sysfs_root(),
		 f->iommu_group);
	rc = xpdk_pci_list_addrs(path, &names, &n);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		char drv[64];

		if (strcmp(names[i], f->addr) == 0)
			continue;
		xpdk_pci_link_name(names[i], "driver", drv, sizeof(drv));
		if (drv[0] != '\0' && strcmp(drv, VFIO_DRIVER) != 0 &&
		    strcmp(drv, "pci-stub") != 0 && strcmp(drv, "pcieport") != 0 &&
		    len < sizeof(busy))
			len += (size_t)snprintf(busy + len, sizeof(busy) - len, "%s%s (%s)",
						len ? ", " : "", names[i], drv);
	}
	xpdk_pci_free_names(names, n);
	if (len > 0)
		return xpdk_err(EBUSY,
				"IOMMU group %d of %s also holds %s: bind them to vfio-pci too "
				"(xpdk-io init) or unbind them first",
				f->iommu_group, f->addr, busy);
	return 0;
}

static int give_group(int group, uid_t uid, gid_t gid, struct xpdk_pci_bind_info *info)
{
	snprintf(info->vfio_path, sizeof(info->vfio_path), "%s/vfio/%d",
		 xpdk_pci_env_or("XPDK_DEVFS", "/dev"), group);
	info->uid = uid;
	info->gid = gid;
	for (int waited = 0; access(info->vfio_path, F_OK) != 0; waited += 5) {
		if (waited >= BIND_TIMEOUT_MS)
			return xpdk_err(ENODEV, "%s did not appear after binding vfio-pci",
					info->vfio_path);
		xpdk_pci_sleep_ms(5);
	}
	if (chown(info->vfio_path, uid, gid) < 0)
		return xpdk_err(errno, "cannot give %s to %u:%u: %s", info->vfio_path,
				(unsigned int)uid, (unsigned int)gid, strerror(errno));
	return 0;
}

static void read_state(const char *addr, char *prev, size_t len)
{
	char path[PATH_MAX], buf[128];

	prev[0] = '\0';
	if (xpdk_pci_state_path(path, sizeof(path), addr, false) == 0 &&
	    xpdk_pci_attr_read(path, buf, sizeof(buf)) == 0 && strncmp(buf, "driver=", 7) == 0)
		snprintf(prev, len, "%.*s", (int)len - 1, buf + 7);
}

int xpdk_pci_vfio_bind(const char *addr, uid_t uid, gid_t gid, struct xpdk_pci_bind_info *info)
{
	char path[PATH_MAX], state[PATH_MAX], line[96];
	struct xpdk_pci_func f = { 0 };
	struct stat st;
	int rc;

	memset(info, 0, sizeof(*info));
	if (geteuid() != 0)
		return xpdk_err(EPERM, "binding a device to vfio-pci needs root (try sudo)");
	rc = xpdk_pci_func_get(addr, &f);
	if (rc < 0)
		return rc;
	info->iommu_group = f.iommu_group;
	if (f.iommu_group < 0)
		return xpdk_err(ENODEV,
				"%s has no IOMMU group: enable the IOMMU (boot with intel_iommu=on "
				"or amd_iommu=on) so that vfio-pci can own it",
				f.addr);
	snprintf(path, sizeof(path), "%s/bus/pci/drivers/" VFIO_DRIVER, xpdk_sysfs_root());
	if (stat(path, &st) < 0)
		return xpdk_err(ENODEV,
				"the vfio-pci driver is not loaded: run 'modprobe vfio-pci'");

	if (strcmp(f.driver, VFIO_DRIVER) == 0) {
		/* already ours: keep the recorded previous driver */
		read_state(f.addr, info->previous_driver, sizeof(info->previous_driver));
		return give_group(f.iommu_group, uid, gid, info);
	}
	rc = check_group_viable(&f);
	if (rc < 0)
		return rc;
	snprintf(info->previous_driver, sizeof(info->previous_driver), "%s", f.driver);

	rc = xpdk_pci_state_path(state, sizeof(state), f.addr, true);
	if (rc < 0)
		return rc;
	snprintf(line, sizeof(line), "driver=%s\n", f.driver);
	{
		FILE *fp = fopen(state, "w");

		if (fp == NULL)
			return xpdk_err(errno, "cannot write %s: %s", state, strerror(errno));
		fputs(line, fp);
		fclose(fp);
	}
	xpdk_pci_path(path, sizeof(path), f.addr, "driver_override");
	rc = xpdk_pci_attr_write(path, VFIO_DRIVER);
	if (rc < 0)
		goto undo;
	if (f.driver[0] != '\0') {
		xpdk_pci_path(path, sizeof(path), f.addr, "driver/unbind");
		rc = xpdk_pci_attr_write(path, f.addr);
		if (rc == 0)
			rc = xpdk_pci_wait_driver(f.addr, "");
		if (rc < 0)
			goto undo;
	}
	snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe", xpdk_sysfs_root());
	rc = xpdk_pci_attr_write(path, f.addr);
	if (rc == 0)
		rc = xpdk_pci_wait_driver(f.addr, VFIO_DRIVER);
	if (rc < 0)
		goto undo;
	return give_group(f.iommu_group, uid, gid, info);
undo : {
	/* keep the sentence of the failure, not of the clean-up */
	char why[512];

	snprintf(why, sizeof(why), "%s", xpdk_strerror_last());
	xpdk_pci_path(path, sizeof(path), f.addr, "driver_override");
	(void)xpdk_pci_attr_write(path, "\n");
	unlink(state);
	return xpdk_err(-rc, "%s", why);
}
}

int xpdk_pci_vfio_release(const char *addr, struct xpdk_pci_bind_info *info)
{
	char path[PATH_MAX], state[PATH_MAX];
	struct xpdk_pci_func f = { 0 };
	int rc;

	memset(info, 0, sizeof(*info));
	if (geteuid() != 0)
		return xpdk_err(EPERM, "releasing a device from vfio-pci needs root (try sudo)");
	rc = xpdk_pci_func_get(addr, &f);
	if (rc < 0)
		return rc;
	info->iommu_group = f.iommu_group;
	if (strcmp(f.driver, VFIO_DRIVER) != 0)
		return xpdk_err(EINVAL, "%s is not bound to vfio-pci (its driver is %s)", f.addr,
				f.driver[0] ? f.driver : "none");
	rc = xpdk_pci_sriov_disable(f.addr, &info->vfs_disabled);
	if (rc < 0)
		return rc;
	read_state(f.addr, info->previous_driver, sizeof(info->previous_driver));

	xpdk_pci_path(path, sizeof(path), f.addr, "driver/unbind");
	rc = xpdk_pci_attr_write(path, f.addr);
	if (rc == 0)
		rc = xpdk_pci_wait_driver(f.addr, "");
	if (rc < 0)
		return rc;
	xpdk_pci_path(path, sizeof(path), f.addr, "driver_override");
	rc = xpdk_pci_attr_write(path, "\n");
	if (rc < 0)
		return rc;
	if (info->previous_driver[0] != '\0') {
		snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s/bind", xpdk_sysfs_root(),
			 info->previous_driver);
		rc = xpdk_pci_attr_write(path, f.addr);
		if (rc == 0)
			rc = xpdk_pci_wait_driver(f.addr, info->previous_driver);
		if (rc < 0)
			return rc;
	}
	if (xpdk_pci_state_path(state, sizeof(state), f.addr, false) == 0)
		unlink(state);
	return 0;
}
