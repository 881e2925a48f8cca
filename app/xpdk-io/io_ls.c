/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * `xpdk-io ls` and the device list behind it: accelerator PCI functions from lib/dev's sysfs scan
 * (those an XPDK driver's ID table matches, or bound to vfio-pci) and the simulated devices whose
 * sockets are in the devsim directory, each asked for its IDs over vfio-user. The same list
 * decides which device a command uses when -d is not given.
 */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/pci_regs.h>

#include "xpdk_env.h"
#include "xpdk_io.h"
#include "xpdk_vfio_user.h"

/* A devsim device that does not answer within this time is serving another client. */
#define PROBE_TIMEOUT_MS 1000
#define VFIO_DRIVER	 "vfio-pci"

const char *io_devsim_dir(void)
{
	const char *d = getenv("XPDK_DEVSIM_DIR");

	return d != NULL && d[0] != '\0' ? d : IO_DEVSIM_DIR_DEFAULT;
}

static struct io_entry *list_add(struct io_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct io_entry *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n].iommu_group = -1;
	return &l->v[l->n++];
}

void io_list_free(struct io_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Description from pci.ids when it knows the device, else from the matching XPDK driver
 * table entry, else pci.ids' vendor name. */
static void describe(struct io_entry *e)
{
	struct xpdk_pci_func f = { .vendor = e->vendor, .device = e->device };
	const struct xpdk_pci_id *id = NULL;
	const struct xpdk_driver *drv =
	    xpdk_driver_lookup(e->vendor, e->device, e->subsystem_vendor, e->subsystem_device, &id);

	e->xpdk_driver = drv ? drv->name : NULL;
	if (e->description[0] != '\0')
		return;
	xpdk_pci_describe(&f);
	if (id != NULL && id->description != NULL && !f.device_named)
		snprintf(e->description, sizeof(e->description), "%s", id->description);
	else
		snprintf(e->description, sizeof(e->description), "%s", f.description);
}

struct scan_ctx {
	struct io_list *l;
	bool all;
};

static int add_pci(const struct xpdk_pci_func *f, void *arg)
{
	struct scan_ctx *ctx = arg;
	const struct xpdk_driver *drv = xpdk_driver_lookup(
	    f->vendor, f->device, f->subsystem_vendor, f->subsystem_device, NULL);
	struct io_entry *e;

	if (!ctx->all && drv == NULL && strcmp(f->driver, VFIO_DRIVER) != 0)
		return 0;
	e = list_add(ctx->l);
	if (e == NULL)
		return xpdk_err(ENOMEM, "out of memory listing PCI functions");
	snprintf(e->name, sizeof(e->name), "%s", f->addr);
	e->is_pci = true;
	e->vendor = f->vendor;
	e->device = f->device;
	e->subsystem_vendor = f->subsystem_vendor;
	e->subsystem_device = f->subsystem_device;
	e->class_code = f->class_code;
	snprintf(e->description, sizeof(e->description), "%s", f->description);
	snprintf(e->driver, sizeof(e->driver), "%s", f->driver);
	e->iommu_group = f->iommu_group;
	describe(e);
	return 0;
}

void io_probe_socket(const char *path, struct io_entry *e)
{
	const struct xpdk_vfu_client_opts opts = { .timeout_ms = PROBE_TIMEOUT_MS };
	struct xpdk_vfu_client *c;
	uint8_t cfg[PCI_SUBSYSTEM_ID + 2];
	int rc;

	snprintf(e->name, sizeof(e->name), "vfio-user:%s", path);
	snprintf(e->driver, sizeof(e->driver), "vfio-user");
	c = xpdk_vfu_client_connect(path, &opts);
	if (c == NULL) {
		int err = errno;

		e->state = err == ECONNREFUSED ? IO_STATE_STALE
			   : err == ETIMEDOUT  ? IO_STATE_BUSY
					       : IO_STATE_ERROR;
		if (e->state == IO_STATE_STALE)
			snprintf(e->note, sizeof(e->note),
				 "stale socket: nobody listens (its server exited); start "
				 "xpdk-devsim again or remove the file");
		else if (e->state == IO_STATE_BUSY)
			snprintf(e->note, sizeof(e->note),
				 "busy: did not answer in %d ms (devsim serves one client at a "
				 "time)",
				 PROBE_TIMEOUT_MS);
		else
			snprintf(e->note, sizeof(e->note), "%s", xpdk_strerror_last());
		return;
	}
	rc = xpdk_vfu_client_region_read(c, XPDK_REGION_CONFIG, 0, cfg, sizeof(cfg));
	xpdk_vfu_client_close(c);
	if (rc < 0) {
		e->state = IO_STATE_ERROR;
		snprintf(e->note, sizeof(e->note), "cannot read its config space: %s",
			 xpdk_strerror_last());
		return;
	}
	e->vendor = (uint16_t)(cfg[PCI_VENDOR_ID] | cfg[PCI_VENDOR_ID + 1] << 8);
	e->device = (uint16_t)(cfg[PCI_DEVICE_ID] | cfg[PCI_DEVICE_ID + 1] << 8);
	e->class_code = (uint32_t)(cfg[PCI_CLASS_PROG] | cfg[PCI_CLASS_DEVICE] << 8 |
				   cfg[PCI_CLASS_DEVICE + 1] << 16);
	e->subsystem_vendor =
	    (uint16_t)(cfg[PCI_SUBSYSTEM_VENDOR_ID] | cfg[PCI_SUBSYSTEM_VENDOR_ID + 1] << 8);
	e->subsystem_device = (uint16_t)(cfg[PCI_SUBSYSTEM_ID] | cfg[PCI_SUBSYSTEM_ID + 1] << 8);
	e->state = IO_STATE_OK;
	describe(e);
}

static int cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct io_entry *)a)->name, ((const struct io_entry *)b)->name);
}

static void add_devsim(struct io_list *l)
{
	const char *dir = io_devsim_dir();
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t first = l->n;

	if (d == NULL)
		return; /* no simulator has run here */
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX];
		size_t len = strlen(de->d_name);
		struct io_entry *e;
		struct stat st;

		if (len < 6 || strcmp(de->d_name + len - 5, ".sock") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
			continue;
		e = list_add(l);
		if (e == NULL)
			break;
		io_probe_socket(path, e);
	}
	closedir(d);
	qsort(l->v + first, l->n - first, sizeof(*l->v), cmp_entries);
}

int io_enumerate(struct io_list *l, bool all)
{
	struct scan_ctx ctx = { .l = l, .all = all };
	int rc = xpdk_pci_scan(add_pci, &ctx);

	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) /* no PCI bus to see (a container): the simulated devices still count */
		fprintf(stderr, "xpdk-io: warning: %s\n", xpdk_strerror_last());
	add_devsim(l);
	return 0;
}

/* ---- ls --------------------------------------------------------------------------------- */

struct id_filter {
	int vendor; /* -1: any */
	int device;
};

static int parse_id(const char *s, size_t len, int *out)
{
	char buf[8];
	char *end;
	unsigned long v;

	*out = -1;
	if (len == 0 || (len == 1 && s[0] == '*'))
		return 0;
	if (len > 6)
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtoul(buf, &end, 16);
	if (*end != '\0' || v > 0xffff || buf[0] == '-' || buf[0] == '+')
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int parse_filter(const struct io_opts *o, struct id_filter *f)
{
	const char *colon;

	f->vendor = f->device = -1;
	if (o->viddid == NULL)
		return 0;
	colon = strchr(o->viddid, ':');
	if (colon == NULL || parse_id(o->viddid, (size_t)(colon - o->viddid), &f->vendor) < 0 ||
	    parse_id(colon + 1, strlen(colon + 1), &f->device) < 0)
		return io_fail(o, IO_EXIT_USAGE,
			       "-v '%s' is not VID:DID (hex IDs such as 8086:0b30, 1234:, :11e8)",
			       o->viddid);
	return 0;
}

static const char *state_name(enum io_state s)
{
	static const char *const names[] = { "ok", "stale", "busy", "error" };

	return names[s];
}

static struct json_object *entry_json(const struct io_entry *e)
{
	struct json_object *j = json_object_new_object();
	char ids[16];

	json_object_object_add(j, "address", json_object_new_string(e->name));
	json_object_object_add(j, "transport",
			       json_object_new_string(e->is_pci ? "vfio" : "vfio-user"));
	json_object_object_add(j, "state", json_object_new_string(state_name(e->state)));
	if (e->state == IO_STATE_OK) {
		snprintf(ids, sizeof(ids), "%04x:%04x", e->vendor, e->device);
		json_object_object_add(j, "vid_did", json_object_new_string(ids));
		snprintf(ids, sizeof(ids), "%04x:%04x", e->subsystem_vendor, e->subsystem_device);
		json_object_object_add(j, "subsystem", json_object_new_string(ids));
		json_object_object_add(j, "class", io_json_hex(e->class_code, 6));
		json_object_object_add(j, "description", json_object_new_string(e->description));
	}
	json_object_object_add(j, "driver", json_object_new_string(e->driver));
	json_object_object_add(j, "iommu_group",
			       e->iommu_group >= 0 ? json_object_new_int(e->iommu_group) : NULL);
	json_object_object_add(j, "xpdk_driver",
			       e->xpdk_driver ? json_object_new_string(e->xpdk_driver) : NULL);
	if (e->note[0] != '\0')
		json_object_object_add(j, "note", json_object_new_string(e->note));
	return j;
}

static void entry_print(const struct io_entry *e, int width)
{
	char ids[16] = "----:----", group[16] = "-";

	if (e->state == IO_STATE_OK)
		snprintf(ids, sizeof(ids), "%04x:%04x", e->vendor, e->device);
	if (e->iommu_group >= 0)
		snprintf(group, sizeof(group), "%d", e->iommu_group);
	printf("%-*s  %s  %-10s %-6s %s\n", width, e->name, ids, e->driver[0] ? e->driver : "-",
	       group, e->state == IO_STATE_OK ? e->description : e->note);
}

int io_cmd_ls(const struct io_opts *o)
{
	struct io_list l = { 0 };
	struct id_filter f;
	struct json_object *arr = NULL;
	int width = 12, shown = 0;

	if (parse_filter(o, &f) != 0)
		return IO_EXIT_USAGE;
	if (io_enumerate(&l, o->all) < 0)
		return io_fail(o, IO_EXIT_DEVICE, "%s", xpdk_strerror_last());
	if (o->json)
		arr = json_object_new_array();
	for (size_t i = 0; i < l.n; i++)
		if ((int)strlen(l.v[i].name) > width)
			width = (int)strlen(l.v[i].name);
	for (size_t i = 0; i < l.n; i++) {
		const struct io_entry *e = &l.v[i];
		bool filtered = f.vendor >= 0 || f.device >= 0;

		/* a device whose IDs are unknown (stale, busy) cannot match a filter */
		if (filtered &&
		    (e->state != IO_STATE_OK || (f.vendor >= 0 && e->vendor != f.vendor) ||
		     (f.device >= 0 && e->device != f.device)))
			continue;
		if (arr != NULL)
			json_object_array_add(arr, entry_json(e));
		else
			entry_print(e, width);
		shown++;
	}
	if (arr != NULL) {
		struct json_object *doc = json_object_new_object();

		json_object_object_add(doc, "devices", arr);
		io_json_print(doc);
	} else if (shown == 0) {
		fprintf(stderr,
			"xpdk-io: no %sdevices found (PCI: %s/bus/pci/devices, devsim: %s)%s\n",
			o->all ? "" : "accelerator ", xpdk_sysfs_root(), io_devsim_dir(),
			o->all ? "" : "; 'xpdk-io ls --all' lists every PCI function");
	}
	io_list_free(&l);
	return IO_EXIT_OK;
}
