/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * PCI enumeration and vfio-pci bind/release on a fake sysfs tree. A "fake kernel" thread plays
 * the kernel's part: it reacts to writes to unbind, bind and drivers_probe by moving the driver
 * link, so that every file the code writes is checked and the previous driver is restored.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "xpdk_common.h"
#include "xpdk_pci.h"

static char root[PATH_MAX]; /* the fake tree: sys/, dev/, run/ */
static char sysroot[PATH_MAX + 8];
static pthread_t kernel_thread;
static atomic_bool kernel_stop;
static atomic_int kernel_binds; /* how many binds the fake kernel performed */

static void mkfile(const char *rel, const char *content)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void mkdirs(const char *rel)
{
	char cmd[PATH_MAX * 2];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, rel);
	assert_int_equal(system(cmd), 0);
}

static void slurp(const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX * 2];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (f == NULL)
		return;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void set_driver(const char *addr, const char *drv)
{
	char link[PATH_MAX * 2], target[PATH_MAX * 2];

	snprintf(link, sizeof(link), "%s/sys/bus/pci/devices/%s/driver", root, addr);
	unlink(link);
	if (drv != NULL && drv[0] != '\0') {
		snprintf(target, sizeof(target), "%s/sys/bus/pci/drivers/%s", root, drv);
		assert_int_equal(symlink(target, link), 0);
	}
}

static void add_driver(const char *drv)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s", drv);
	mkdirs(rel);
	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/bind", drv);
	mkfile(rel, "");
	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/unbind", drv);
	mkfile(rel, "");
}

static void add_func(const char *addr, const char *vendor, const char *device, const char *cls,
		     const char *drv, int group)
{
	char rel[256], target[PATH_MAX * 2], link[PATH_MAX * 2];

	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", addr);
	mkdirs(rel);
#define ATTR(name, val)                                                                            \
	do {                                                                                       \
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/" name, addr);                  \
		mkfile(rel, val);                                                                  \
	} while (0)
	ATTR("vendor", vendor);
	ATTR("device", device);
	ATTR("subsystem_vendor", "0x1af4\n");
	ATTR("subsystem_device", "0x1100\n");
	ATTR("class", cls);
	ATTR("driver_override", "(null)\n");
#undef ATTR
	set_driver(addr, drv);
	if (group >= 0) {
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices", group);
		mkdirs(rel);
		snprintf(target, sizeof(target), "%s/sys/kernel/iommu_groups/%d", root, group);
		snprintf(link, sizeof(link), "%s/sys/bus/pci/devices/%s/iommu_group", root, addr);
		assert_int_equal(symlink(target, link), 0);
		snprintf(link, sizeof(link), "%s/sys/kernel/iommu_groups/%d/devices/%s", root,
			 group, addr);
		snprintf(target, sizeof(target), "%s/sys/bus/pci/devices/%s", root, addr);
		assert_int_equal(symlink(target, link), 0);
		snprintf(rel, sizeof(rel), "dev/vfio/%d", group);
		mkdirs("dev/vfio");
		mkfile(rel, "");
	}
}

/* Take a write the code made to a sysfs file (and empty the file, as it reads back nothing). */
static int take(const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX * 2];

	slurp(rel, buf, len);
	buf[strcspn(buf, "\n")] = '\0';
	if (buf[0] == '\0')
		return 0;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	truncate(path, 0);
	return 1;
}

static const char *const drivers[] = { "vfio-pci", "e1000e", "edu_kmod", "nvme" };

static void *fake_kernel(void *arg)
{
	(void)arg;
	while (!atomic_load(&kernel_stop)) {
		char addr[64], rel[256], ovr[64];

		for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
			snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/unbind", drivers[i]);
			if (take(rel, addr, sizeof(addr)))
				set_driver(addr, NULL);
			snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/bind", drivers[i]);
			if (take(rel, addr, sizeof(addr))) {
				set_driver(addr, drivers[i]);
				atomic_fetch_add(&kernel_binds, 1);
			}
		}
		if (take("sys/bus/pci/drivers_probe", addr, sizeof(addr))) {
			snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/driver_override", addr);
			slurp(rel, ovr, sizeof(ovr));
			ovr[strcspn(ovr, "\n")] = '\0';
			if (ovr[0] != '\0' && strcmp(ovr, "(null)") != 0) {
				set_driver(addr, ovr);
				atomic_fetch_add(&kernel_binds, 1);
			}
		}
		usleep(1000);
	}
	return NULL;
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/xpdk-fakesys-XXXXXX";

	(void)state;
	if (mkdtemp(tmpl) == NULL)
		return -1;
	snprintf(root, sizeof(root), "%s", tmpl);
	snprintf(sysroot, sizeof(sysroot), "%s/sys", root);
	mkdirs("sys/bus/pci/devices");
	mkdirs("run");
	mkfile("sys/bus/pci/drivers_probe", "");
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		add_driver(drivers[i]);
	/* edu with no driver, a NIC with e1000e, two functions sharing group 7, no-IOMMU one */
	add_func("0000:00:04.0", "0x1234\n", "0x11e8\n", "0x00ff00\n", NULL, 3);
	add_func("0000:00:02.0", "0x8086\n", "0x10d3\n", "0x020000\n", "e1000e", 4);
	add_func("0000:3f:00.0", "0x8086\n", "0x0b30\n", "0x120000\n", "edu_kmod", 7);
	add_func("0000:3f:00.1", "0x8086\n", "0x0b31\n", "0x120000\n", "nvme", 7);
	add_func("0000:05:00.0", "0x1af4\n", "0x1000\n", "0x020000\n", NULL, -1);
	mkfile("pci.ids", "# test\n1234  QEMU\n\t11e8  edu device\n8086  Intel Corporation\n"
			  "\t0b30  PAC N3000\n\t\t8086 0001  sub\nC 00  Unclassified\n");
	setenv("XPDK_SYSFS", sysroot, 1);
	{
		char p[PATH_MAX * 2];

		snprintf(p, sizeof(p), "%s/dev", root);
		setenv("XPDK_DEVFS", p, 1);
		snprintf(p, sizeof(p), "%s/run", root);
		setenv("XPDK_RUN_DIR", p, 1);
		snprintf(p, sizeof(p), "%s/pci.ids", root);
		setenv("XPDK_PCI_IDS", p, 1);
	}
	atomic_store(&kernel_stop, false);
	return pthread_create(&kernel_thread, NULL, fake_kernel, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	atomic_store(&kernel_stop, true);
	pthread_join(kernel_thread, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_addr_parse_accepts_long_and_short_forms(void **state)
{
	char c[XPDK_PCI_ADDR_LEN];

	(void)state;
	assert_int_equal(xpdk_pci_addr_parse("0000:3f:00.0", c), 0);
	assert_string_equal(c, "0000:3f:00.0");
	assert_int_equal(xpdk_pci_addr_parse("3F:00.1", c), 0);
	assert_string_equal(c, "0000:3f:00.1");
	assert_int_equal(xpdk_pci_addr_parse("1:3f:1f.7", c), 0);
	assert_string_equal(c, "0001:3f:1f.7");
	assert_int_equal(xpdk_pci_addr_parse("3f:00.8", c), -EINVAL);
	assert_int_equal(xpdk_pci_addr_parse("3f:20.0", c), -EINVAL);
	assert_int_equal(xpdk_pci_addr_parse("3f:00", c), -EINVAL);
	assert_int_equal(xpdk_pci_addr_parse(" 3f:00.0", c), -EINVAL);
	assert_int_equal(xpdk_pci_addr_parse("3f:00.0x", c), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "not a PCI address"));
}

struct scan_ctx {
	char addrs[8][XPDK_PCI_ADDR_LEN];
	int n;
};

static int collect(const struct xpdk_pci_func *f, void *arg)
{
	struct scan_ctx *ctx = arg;

	snprintf(ctx->addrs[ctx->n++], XPDK_PCI_ADDR_LEN, "%s", f->addr);
	return 0;
}

static void test_scan_lists_functions_in_order(void **state)
{
	struct scan_ctx ctx = { 0 };
	struct xpdk_pci_func f;

	(void)state;
	assert_int_equal(xpdk_pci_scan(collect, &ctx), 0);
	assert_int_equal(ctx.n, 5);
	assert_string_equal(ctx.addrs[0], "0000:00:02.0");
	assert_string_equal(ctx.addrs[4], "0000:3f:00.1");
	assert_int_equal(xpdk_pci_func_get("00:04.0", &f), 0);
	assert_int_equal(f.vendor, 0x1234);
	assert_int_equal(f.device, 0x11e8);
	assert_int_equal(f.class_code, 0x00ff00);
	assert_int_equal(f.iommu_group, 3);
	assert_string_equal(f.driver, "");
	assert_string_equal(f.driver_override, "");
	assert_string_equal(f.description, "QEMU edu device");
	assert_int_equal(xpdk_pci_func_get("00:02.0", &f), 0);
	assert_string_equal(f.driver, "e1000e");
	assert_string_equal(f.description, "Intel Corporation"); /* device not in the list */
	assert_int_equal(xpdk_pci_func_get("00:09.0", &f), -ENOENT);
	assert_non_null(strstr(xpdk_strerror_last(), "no PCI function 0000:00:09.0"));
}

static void test_bind_and_release_function_without_driver(void **state)
{
	struct xpdk_pci_bind_info info;
	struct xpdk_pci_func f;
	char buf[128], path[PATH_MAX * 2];
	struct stat st;

	(void)state;
	assert_int_equal(xpdk_pci_vfio_bind("00:04.0", 65534, 65534, &info), 0);
	assert_string_equal(info.previous_driver, "");
	assert_int_equal(info.iommu_group, 3);
	assert_non_null(strstr(info.vfio_path, "/dev/vfio/3"));
	assert_int_equal(stat(info.vfio_path, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_gid, 65534);
	assert_int_equal(xpdk_pci_func_get("00:04.0", &f), 0);
	assert_string_equal(f.driver, "vfio-pci");
	assert_string_equal(f.driver_override, "vfio-pci");
	slurp("run/pci/0000:00:04.0.state", buf, sizeof(buf));
	assert_string_equal(buf, "driver=\n");

	assert_int_equal(xpdk_pci_vfio_release("00:04.0", &info), 0);
	assert_string_equal(info.previous_driver, "");
	assert_int_equal(xpdk_pci_func_get("00:04.0", &f), 0);
	assert_string_equal(f.driver, "");
	slurp("sys/bus/pci/devices/0000:00:04.0/driver_override", buf, sizeof(buf));
	assert_string_equal(buf, "\n"); /* override cleared */
	snprintf(path, sizeof(path), "%s/run/pci/0000:00:04.0.state", root);
	assert_int_not_equal(access(path, F_OK), 0);
}

static void test_bind_records_and_release_restores_previous_driver(void **state)
{
	struct xpdk_pci_bind_info info;
	struct xpdk_pci_func f;
	char buf[128];
	int binds = atomic_load(&kernel_binds);

	(void)state;
	assert_int_equal(xpdk_pci_vfio_bind("0000:00:02.0", 0, 0, &info), 0);
	assert_string_equal(info.previous_driver, "e1000e");
	slurp("run/pci/0000:00:02.0.state", buf, sizeof(buf));
	assert_string_equal(buf, "driver=e1000e\n");
	/* binding again is harmless and keeps the record */
	assert_int_equal(xpdk_pci_vfio_bind("0000:00:02.0", 0, 0, &info), 0);
	assert_string_equal(info.previous_driver, "e1000e");
	assert_int_equal(xpdk_pci_vfio_release("0000:00:02.0", &info), 0);
	assert_string_equal(info.previous_driver, "e1000e");
	assert_int_equal(xpdk_pci_func_get("0000:00:02.0", &f), 0);
	assert_string_equal(f.driver, "e1000e");
	assert_int_equal(atomic_load(&kernel_binds), binds + 2); /* vfio-pci, then e1000e */
}

static void test_bind_refuses_shared_group_in_use(void **state)
{
	struct xpdk_pci_bind_info info;
	struct xpdk_pci_func f;
	char buf[64];

	(void)state;
	assert_int_equal(xpdk_pci_vfio_bind("3f:00.0", 0, 0, &info), -EBUSY);
	assert_non_null(strstr(xpdk_strerror_last(), "IOMMU group 7"));
	assert_non_null(strstr(xpdk_strerror_last(), "0000:3f:00.1 (nvme)"));
	/* nothing was changed */
	assert_int_equal(xpdk_pci_func_get("3f:00.0", &f), 0);
	assert_string_equal(f.driver, "edu_kmod");
	slurp("sys/bus/pci/devices/0000:3f:00.0/driver_override", buf, sizeof(buf));
	assert_string_equal(buf, "(null)\n");
}

static void test_bind_errors_are_exact(void **state)
{
	struct xpdk_pci_bind_info info;
	char path[PATH_MAX * 2];

	(void)state;
	assert_int_equal(xpdk_pci_vfio_bind("05:00.0", 0, 0, &info), -ENODEV);
	assert_non_null(strstr(xpdk_strerror_last(), "has no IOMMU group"));
	assert_int_equal(xpdk_pci_vfio_bind("06:00.0", 0, 0, &info), -ENOENT);
	assert_int_equal(xpdk_pci_vfio_bind("nonsense", 0, 0, &info), -EINVAL);
	assert_int_equal(xpdk_pci_vfio_release("00:04.0", &info), -EINVAL);
	assert_non_null(
	    strstr(xpdk_strerror_last(), "is not bound to vfio-pci (its driver is none)"));
	/* vfio-pci not loaded */
	snprintf(path, sizeof(path), "%s/sys/bus/pci/drivers/vfio-pci", root);
	assert_int_equal(rename(path, "/tmp/xpdk-fakesys-moved-vfio"), 0);
	assert_int_equal(xpdk_pci_vfio_bind("00:04.0", 0, 0, &info), -ENODEV);
	assert_non_null(strstr(xpdk_strerror_last(), "modprobe vfio-pci"));
	assert_int_equal(rename("/tmp/xpdk-fakesys-moved-vfio", path), 0);
}

static void test_uuid_parse_accepts_any_case_and_rejects_the_rest(void **state)
{
	char c[XPDK_PCI_UUID_LEN];

	(void)state;
	assert_int_equal(xpdk_pci_uuid_parse("1F802C9C-86c2-4855-9BAC-211813ebff8b", c), 0);
	assert_string_equal(c, "1f802c9c-86c2-4855-9bac-211813ebff8b");
	assert_int_equal(xpdk_pci_uuid_parse("1f802c9c-86c2-4855-9bac-211813ebff8b", NULL), 0);
	assert_int_equal(xpdk_pci_uuid_parse("1f802c9c86c248559bac211813ebff8b", c), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "is not a VF token: a UUID is 36 characters"));
	assert_int_equal(xpdk_pci_uuid_parse("1f802c9c-86c2-4855-9bac-211813ebff8", c), -EINVAL);
	assert_int_equal(xpdk_pci_uuid_parse("1f802c9c-86c2-4855-9bac-211813ebff8bb", c), -EINVAL);
	assert_int_equal(xpdk_pci_uuid_parse("1f802c9c-86c2-4855-9bac_211813ebff8b", c), -EINVAL);
	assert_int_equal(xpdk_pci_uuid_parse("1f802c9g-86c2-4855-9bac-211813ebff8b", c), -EINVAL);
	assert_int_equal(xpdk_pci_uuid_parse(NULL, c), -EINVAL);
}

/* A PF at 0000:3b:00.0 with TotalVFs 2 and one VF already there, 0000:3b:00.1 (once: the
 * tests share the tree). */
static void add_pf_with_a_vf(void)
{
	char target[PATH_MAX * 2], link[PATH_MAX * 2];
	struct stat st;

	snprintf(target, sizeof(target), "%s/sys/bus/pci/devices/0000:3b:00.0", root);
	if (stat(target, &st) == 0)
		return;
	add_func("0000:3b:00.0", "0x1b36\n", "0x0010\n", "0x010802\n", NULL, 20);
	mkfile("sys/bus/pci/devices/0000:3b:00.0/sriov_totalvfs", "2\n");
	mkfile("sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs", "1\n");
	add_func("0000:3b:00.1", "0x1b36\n", "0x0010\n", "0x010802\n", NULL, 21);
	snprintf(target, sizeof(target), "%s/sys/bus/pci/devices/0000:3b:00.0", root);
	snprintf(link, sizeof(link), "%s/sys/bus/pci/devices/0000:3b:00.1/physfn", root);
	assert_int_equal(symlink(target, link), 0);
	snprintf(target, sizeof(target), "%s/sys/bus/pci/devices/0000:3b:00.1", root);
	snprintf(link, sizeof(link), "%s/sys/bus/pci/devices/0000:3b:00.0/virtfn0", root);
	assert_int_equal(symlink(target, link), 0);
}

static void test_func_get_names_the_pf_of_a_vf(void **state)
{
	struct xpdk_pci_func f;

	(void)state;
	add_pf_with_a_vf();
	assert_int_equal(xpdk_pci_func_get("3b:00.1", &f), 0);
	assert_string_equal(f.physfn, "0000:3b:00.0");
	assert_int_equal(xpdk_pci_func_get("3b:00.0", &f), 0);
	assert_string_equal(f.physfn, "");
	assert_int_equal(xpdk_pci_func_get("00:04.0", &f), 0);
	assert_string_equal(f.physfn, "");
}

static void test_sriov_enable_refusals_change_nothing(void **state)
{
	struct xpdk_pci_sriov_info *info = calloc(1, sizeof(*info));
	const char *token = "1f802c9c-86c2-4855-9bac-211813ebff8b";
	int binds = atomic_load(&kernel_binds);
	char drv[64];

	(void)state;
	assert_non_null(info);
	add_pf_with_a_vf();
	mkfile("sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs", "1\n");
	/* no SR-IOV capability */
	assert_int_equal(xpdk_pci_sriov_enable("00:02.0", 0, token, 0, 0, info), -ENOTSUP);
	assert_non_null(strstr(xpdk_strerror_last(), "0000:00:02.0 has no SR-IOV capability"));
	/* a VF is no PF */
	assert_int_equal(xpdk_pci_sriov_enable("3b:00.1", 0, token, 0, 0, info), -ENOTSUP);
	assert_non_null(strstr(xpdk_strerror_last(), "is itself a VF (of 0000:3b:00.0)"));
	/* VFs there already */
	assert_int_equal(xpdk_pci_sriov_enable("3b:00.0", 0, token, 0, 0, info), -EBUSY);
	assert_non_null(strstr(xpdk_strerror_last(), "has 1 VFs already"));
	/* more VFs than TotalVFs */
	mkfile("sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs", "0\n");
	assert_int_equal(xpdk_pci_sriov_enable("3b:00.0", 3, token, 0, 0, info), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "3 VFs asked of 0000:3b:00.0, which has 2"));
	/* a bad token */
	assert_int_equal(xpdk_pci_sriov_enable("3b:00.0", 0, "nope", 0, 0, info), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "'nope' is not a VF token"));
	assert_int_equal(atomic_load(&kernel_binds), binds);
	slurp("sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs", drv, sizeof(drv));
	assert_string_equal(drv, "0\n");
	free(info);
}

static void test_bind_times_out_when_kernel_does_not_bind(void **state)
{
	struct xpdk_pci_bind_info info;
	char path[PATH_MAX * 2], buf[64];

	(void)state;
	atomic_store(&kernel_stop, true); /* the kernel ignores us from now on */
	pthread_join(kernel_thread, NULL);
	assert_int_equal(xpdk_pci_vfio_bind("00:04.0", 0, 0, &info), -ETIMEDOUT);
	assert_non_null(strstr(xpdk_strerror_last(), "did not bind"));
	/* the override and the record are undone */
	slurp("sys/bus/pci/devices/0000:00:04.0/driver_override", buf, sizeof(buf));
	assert_string_equal(buf, "\n");
	snprintf(path, sizeof(path), "%s/run/pci/0000:00:04.0.state", root);
	assert_int_not_equal(access(path, F_OK), 0);
	atomic_store(&kernel_stop, false);
	assert_int_equal(pthread_create(&kernel_thread, NULL, fake_kernel, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_parse_accepts_long_and_short_forms),
		cmocka_unit_test(test_scan_lists_functions_in_order),
		cmocka_unit_test(test_bind_and_release_function_without_driver),
		cmocka_unit_test(test_bind_records_and_release_restores_previous_driver),
		cmocka_unit_test(test_bind_refuses_shared_group_in_use),
		cmocka_unit_test(test_bind_errors_are_exact),
		cmocka_unit_test(test_uuid_parse_accepts_any_case_and_rejects_the_rest),
		cmocka_unit_test(test_func_get_names_the_pf_of_a_vf),
		cmocka_unit_test(test_sriov_enable_refusals_change_nothing),
		cmocka_unit_test(test_bind_times_out_when_kernel_does_not_bind),
	};

	return cmocka_run_group_tests_name("pci", tests, setup, teardown);
}
