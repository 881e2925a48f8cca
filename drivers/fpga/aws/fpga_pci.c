/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * fpga_pci on XPDK's device layer: finding slots (management PFs on the PCI bus, then f2
 * slots served by xpdk-devsim), sharing one connection per PF in the process, BAR handles
 * with bounds-checked access, and slot specs read from the PFs' configuration spaces.
 */

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_priv.h"
#include "fpga_pci.h"
#include "xpdk_env.h"
#include "xpdk_f2_regs.h"
#include "xpdk_pci.h"

#define NAME_MAX_LEN 300
#define MAX_CONNS    (FPGA_SLOT_MAX * FPGA_PF_MAX * 2)

struct slot {
	char name[FPGA_PF_MAX][NAME_MAX_LEN]; /* device names, as xpdk_dev_open takes them */
	bool pci;
};

struct xpdk_aws_pf {
	struct xpdk_dev *dev;
	int refs;
	char name[NAME_MAX_LEN];
};

struct bar_handle {
	bool used;
	struct xpdk_aws_pf *pf;
	const struct xpdk_region *r;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t readdir_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xpdk_aws_pf conns[MAX_CONNS];
static struct bar_handle handles[FPGA_PCI_BARS_MAX];

void xpdk_aws_sleep_ms(uint32_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- finding slots ---- */

struct scan {
	struct slot *slots;
	int n, max;
};

static int on_pci(const struct xpdk_pci_func *f, void *arg)
{
	struct scan *s = arg;
	struct slot *sl;

	if (f->vendor != FPGA_MBOX_VENDOR_ID || f->device != F2_MBOX_DEVICE_ID || s->n == s->max)
		return 0;
	sl = &s->slots[s->n++];
	sl->pci = true;
	snprintf(sl->name[FPGA_MGMT_PF], NAME_MAX_LEN, "%s", f->addr);
	/* the application PF is function 0 of the same device */
	snprintf(sl->name[FPGA_APP_PF], NAME_MAX_LEN, "%.11s0", f->addr);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan_devsim(struct scan *s)
{
	const char *dir = getenv("XPDK_DEVSIM_DIR");
	char *names[64];
	int n = 0;
	DIR *d;
	struct dirent *e;

	if (dir == NULL || dir[0] == '\0')
		dir = "/run/xpdk/devsim";
	pthread_mutex_lock(&readdir_lock);
	d = opendir(dir);
	while (d != NULL && (e = readdir(d)) != NULL && n < 64) {
		size_t len = strlen(e->d_name);

		/* a management PF's socket: NAME-SS.1.sock */
		if (len > 7 && strcmp(e->d_name + len - 7, ".1.sock") == 0)
			names[n++] = strdup(e->d_name);
	}
	if (d != NULL)
		closedir(d);
	pthread_mutex_unlock(&readdir_lock);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
	for (int i = 0; i < n; i++) {
		if (names[i] != NULL && s->n < s->max) {
			struct slot *sl = &s->slots[s->n++];
			size_t len = strlen(names[i]);

			sl->pci = false;
			snprintf(sl->name[FPGA_MGMT_PF], NAME_MAX_LEN, "vfio-user:%s/%s", dir,
				 names[i]);
			snprintf(sl->name[FPGA_APP_PF], NAME_MAX_LEN, "vfio-user:%s/%.*s0.sock",
				 dir, (int)(len - 6), names[i]);
		}
		free(names[i]);
	}
}

/* The slots now, in AWS's order (PCI by address), then devsim's. */
static int scan_slots(struct slot *slots)
{
	const char *only = getenv("XPDK_F2_SLOTS");
	struct scan s = { .slots = slots, .max = FPGA_SLOT_MAX };

	memset(slots, 0, sizeof(*slots) * FPGA_SLOT_MAX);
	if (only == NULL || strcmp(only, "devsim") != 0)
		(void)xpdk_pci_scan(on_pci, &s);
	if (only == NULL || strcmp(only, "pci") != 0)
		scan_devsim(&s);
	return s.n;
}

static int slot_names(int slot, int pf, char *name)
{
	struct slot slots[FPGA_SLOT_MAX];
	int n;

	if (slot < 0 || slot >= FPGA_SLOT_MAX || pf < 0 || pf >= FPGA_PF_MAX)
		return xpdk_err(EINVAL,
				"slot %d PF %d: slots are 0 to %d, PFs 0 (application) "
				"and 1 (management)",
				slot, pf, FPGA_SLOT_MAX - 1);
	n = scan_slots(slots);
	if (slot >= n) {
		xpdk_err(ENODEV,
			 "slot %d: %d F2 slot%s found (start one: xpdk-devsim --model f2; PCI "
			 "management PFs are 1d0f:9248)",
			 slot, n, n == 1 ? "" : "s");
		return FPGA_ERR_PCI_MISSING;
	}
	snprintf(name, NAME_MAX_LEN, "%s", slots[slot].name[pf]);
	return 0;
}

/* ---- shared PF connections ---- */

static bool alive(struct xpdk_aws_pf *c)
{
	uint32_t id;

	return xpdk_dev_cfg_read(c->dev, 0, &id, sizeof(id)) == 0;
}

int xpdk_aws_pf_get(int slot, int pf, struct xpdk_aws_pf **out)
{
	char name[NAME_MAX_LEN];
	struct xpdk_aws_pf *free_c = NULL;
	int rc = slot_names(slot, pf, name);

	if (rc != 0)
		return rc;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < MAX_CONNS; i++) {
		struct xpdk_aws_pf *c = &conns[i];

		if (c->dev == NULL) {
			free_c = free_c ? free_c : c;
			continue;
		}
		/* a connection whose PF went away (a load changed its IDs) stays for the
		 * handles still on it; a new attach gets a new connection */
		if (strcmp(c->name, name) == 0 && c->refs >= 0 && alive(c)) {
			c->refs++;
			*out = c;
			pthread_mutex_unlock(&lock);
			return 0;
		}
		if (strcmp(c->name, name) == 0 && c->refs > 0)
			c->refs = -c->refs - 1; /* dead: marked, freed with its last handle */
	}
	if (free_c == NULL) {
		pthread_mutex_unlock(&lock);
		return xpdk_err(ENOSPC, "too many PF connections in this process");
	}
	free_c->dev = xpdk_dev_open(name);
	if (free_c->dev == NULL) {
		char why[256];

		snprintf(why, sizeof(why), "%s", xpdk_strerror_last());
		pthread_mutex_unlock(&lock);
		xpdk_err(ENODEV, "slot %d PF %d (%s): %s", slot, pf, name, why);
		return FPGA_ERR_PCI_MISSING;
	}
	snprintf(free_c->name, sizeof(free_c->name), "%s", name);
	free_c->refs = 1;
	*out = free_c;
	pthread_mutex_unlock(&lock);
	return 0;
}

void xpdk_aws_pf_put(struct xpdk_aws_pf *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&lock);
	/* live: refs counts up; dead: refs is -(count) - 1 */
	if (c->refs > 0)
		c->refs--;
	else if (c->refs < 0)
		c->refs++;
	if (c->refs == 0 || c->refs == -1) {
		xpdk_dev_close(c->dev);
		memset(c, 0, sizeof(*c));
	}
	pthread_mutex_unlock(&lock);
}

const struct xpdk_region *xpdk_aws_pf_bar(struct xpdk_aws_pf *c, unsigned int bar)
{
	const struct xpdk_region *r = xpdk_dev_region(c->dev, bar);

	return r != NULL && r->size > 0 ? r : NULL;
}

struct xpdk_dev *xpdk_aws_pf_dev(struct xpdk_aws_pf *c)
{
	return c->dev;
}

static int access_rc(int rc)
{
	if (rc == 0)
		return 0;
	if (rc == -EINVAL || rc == -ERANGE)
		return -EINVAL;
	return FPGA_ERR_PCI_MISSING; /* the transport failed: the function went away */
}

int xpdk_aws_rd32(const struct xpdk_region *r, uint64_t off, uint32_t *v)
{
	uint64_t x = 0;
	int rc = access_rc(xpdk_region_read(r, off, 32, &x));

	*v = rc == 0 ? (uint32_t)x : 0xffffffffu;
	return rc;
}

int xpdk_aws_wr32(const struct xpdk_region *r, uint64_t off, uint32_t v)
{
	return access_rc(xpdk_region_write(r, off, 32, v));
}

/* ---- the API ---- */

int fpga_pci_init(void)
{
	return 0;
}

int fpga_acquire_readdir_lock(void)
{
	return pthread_mutex_lock(&readdir_lock) == 0 ? 0 : -EINVAL;
}

int fpga_release_readdir_lock(void)
{
	return pthread_mutex_unlock(&readdir_lock) == 0 ? 0 : -EINVAL;
}

int fpga_pci_attach(int slot_id, int pf_id, int bar_id, uint32_t flags, pci_bar_handle_t *handle)
{
	struct xpdk_aws_pf *c = NULL;
	const struct xpdk_region *r;
	int rc;

	if (handle == NULL || (flags & ~(uint32_t)BURST_CAPABLE) || bar_id < 0 ||
	    bar_id >= FPGA_BAR_PER_PF_MAX || (bar_id & 1))
		return xpdk_err(EINVAL, "attach: bad BAR %d, flags 0x%x or handle pointer", bar_id,
				flags);
	if (flags & BURST_CAPABLE && pf_id != FPGA_APP_PF)
		return xpdk_err(EINVAL, "attach: the management PF's BARs are not burst-capable");
	rc = xpdk_aws_pf_get(slot_id, pf_id, &c);
	if (rc != 0)
		return rc;
	r = xpdk_aws_pf_bar(c, (unsigned int)bar_id);
	if (r == NULL) {
		xpdk_aws_pf_put(c);
		return xpdk_err(EINVAL, "slot %d PF %d has no BAR %d", slot_id, pf_id, bar_id);
	}
	pthread_mutex_lock(&lock);
	for (int i = 0; i < FPGA_PCI_BARS_MAX; i++) {
		if (!handles[i].used) {
			handles[i] = (struct bar_handle){ .used = true, .pf = c, .r = r };
			*handle = i;
			pthread_mutex_unlock(&lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&lock);
	xpdk_aws_pf_put(c);
	return xpdk_err(EINVAL, "attach: all %d handles are in use", FPGA_PCI_BARS_MAX);
}

static struct bar_handle *get_handle(pci_bar_handle_t h)
{
	if (h < 0 || h >= FPGA_PCI_BARS_MAX || !handles[h].used) {
		xpdk_err(EINVAL, "BAR handle %d is not attached", h);
		return NULL;
	}
	return &handles[h];
}

int fpga_pci_detach(pci_bar_handle_t handle)
{
	struct bar_handle *b;
	struct xpdk_aws_pf *c;

	pthread_mutex_lock(&lock);
	b = get_handle(handle);
	if (b == NULL) {
		pthread_mutex_unlock(&lock);
		return -EINVAL;
	}
	c = b->pf;
	b->used = false;
	pthread_mutex_unlock(&lock);
	xpdk_aws_pf_put(c);
	return 0;
}

static int peek(pci_bar_handle_t h, uint64_t off, unsigned int width, uint64_t *v)
{
	struct bar_handle *b = get_handle(h);

	if (b == NULL)
		return -EINVAL;
	return access_rc(xpdk_region_read(b->r, off, width, v));
}

static int poke(pci_bar_handle_t h, uint64_t off, unsigned int width, uint64_t v)
{
	struct bar_handle *b = get_handle(h);

	if (b == NULL)
		return -EINVAL;
	return access_rc(xpdk_region_write(b->r, off, width, v));
}

int fpga_pci_poke(pci_bar_handle_t handle, uint64_t offset, uint32_t value)
{
	return poke(handle, offset, 32, value);
}

int fpga_pci_poke8(pci_bar_handle_t handle, uint64_t offset, uint8_t value)
{
	return poke(handle, offset, 8, value);
}

int fpga_pci_poke64(pci_bar_handle_t handle, uint64_t offset, uint64_t value)
{
	return poke(handle, offset, 64, value);
}

int fpga_pci_peek(pci_bar_handle_t handle, uint64_t offset, uint32_t *value)
{
	uint64_t v = 0;
	int rc;

	if (value == NULL)
		return -EINVAL;
	rc = peek(handle, offset, 32, &v);
	*value = (uint32_t)v;
	return rc;
}

int fpga_pci_peek8(pci_bar_handle_t handle, uint64_t offset, uint8_t *value)
{
	uint64_t v = 0;
	int rc;

	if (value == NULL)
		return -EINVAL;
	rc = peek(handle, offset, 8, &v);
	*value = (uint8_t)v;
	return rc;
}

int fpga_pci_peek64(pci_bar_handle_t handle, uint64_t offset, uint64_t *value)
{
	if (value == NULL)
		return -EINVAL;
	return peek(handle, offset, 64, value);
}

int fpga_pci_write_burst(pci_bar_handle_t handle, uint64_t offset, uint32_t *datap,
			 uint64_t dword_len)
{
	struct bar_handle *b = get_handle(handle);

	if (b == NULL || datap == NULL || dword_len > b->r->size / 4 ||
	    offset > b->r->size - dword_len * 4)
		return xpdk_err(EINVAL, "write_burst of %llu dwords at 0x%llx is out of range",
				(unsigned long long)dword_len, (unsigned long long)offset);
	return access_rc(xpdk_region_write_burst32(b->r, offset, datap, dword_len));
}

int fpga_pci_memset(pci_bar_handle_t handle, uint64_t offset, uint32_t value, uint64_t dword_len)
{
	struct bar_handle *b = get_handle(handle);

	if (b == NULL || dword_len > b->r->size / 4 || offset > b->r->size - dword_len * 4)
		return xpdk_err(EINVAL, "memset of %llu dwords at 0x%llx is out of range",
				(unsigned long long)dword_len, (unsigned long long)offset);
	return access_rc(xpdk_region_memset32(b->r, offset, value, dword_len));
}

int fpga_pci_get_address(pci_bar_handle_t handle, uint64_t offset, uint64_t dword_len, void **ptr)
{
	struct bar_handle *b = get_handle(handle);

	if (b == NULL || ptr == NULL || dword_len > b->r->size / 4)
		return -EINVAL;
	for (unsigned int i = 0; i < b->r->nareas; i++) {
		const struct xpdk_region_area *a = &b->r->areas[i];

		if (offset >= a->offset && offset - a->offset <= a->size &&
		    dword_len * 4 <= a->size - (offset - a->offset)) {
			*ptr = a->ptr + (offset - a->offset);
			return 0;
		}
	}
	return xpdk_err(EINVAL,
			"0x%llx+%llu dwords of BAR %u is not mapped into the process (its "
			"registers are reached with peek and poke)",
			(unsigned long long)offset, (unsigned long long)dword_len, b->r->index);
}

/* ---- slot specs ---- */

static void fill_map(struct xpdk_aws_pf *c, int slot, int pf, bool pci,
		     struct fpga_pci_resource_map *m)
{
	const struct xpdk_dev_info *info = xpdk_dev_info(c->dev);
	unsigned int dom = 0, bus = 0, dv = (unsigned int)slot, fn = (unsigned int)pf;

	memset(m, 0, sizeof(*m));
	m->vendor_id = info->vendor;
	m->device_id = info->device;
	m->subsystem_vendor_id = info->subsystem_vendor;
	m->subsystem_device_id = info->subsystem_device;
	if (pci)
		(void)sscanf(c->name, "%x:%x:%x.%x", &dom, &bus, &dv, &fn);
	m->domain = (uint16_t)dom;
	m->bus = (uint8_t)bus;
	m->dev = (uint8_t)dv;
	m->func = (uint8_t)fn;
	for (unsigned int i = 0; i < FPGA_BAR_PER_PF_MAX; i++) {
		const struct xpdk_region *r = xpdk_dev_region(c->dev, i);

		m->resource_size[i] = r ? r->size : 0;
		/* every F2 BAR is prefetchable; the application PF's may be write-combined */
		m->resource_burstable[i] = pf == FPGA_APP_PF && r != NULL && r->size > 0;
	}
}

int fpga_pci_get_resource_map(int slot_id, int pf_id, struct fpga_pci_resource_map *map)
{
	struct xpdk_aws_pf *c = NULL;
	int rc;

	if (map == NULL)
		return -EINVAL;
	/* a load or clear completing now replaces the application PF under us (its client is
	 * unplugged, as by AWS's rescan): look again at the new one */
	for (int tries = 0; tries < 3; tries++) {
		rc = xpdk_aws_pf_get(slot_id, pf_id, &c);
		if (rc != FPGA_ERR_PCI_MISSING)
			break;
	}
	if (rc != 0)
		return rc;
	fill_map(c, slot_id, pf_id, strncmp(c->name, "vfio-user:", 10) != 0, map);
	xpdk_aws_pf_put(c);
	return 0;
}

int fpga_pci_get_slot_spec(int slot_id, struct fpga_slot_spec *spec)
{
	int rc;

	if (spec == NULL)
		return -EINVAL;
	for (int pf = 0; pf < FPGA_PF_MAX; pf++) {
		rc = fpga_pci_get_resource_map(slot_id, pf, &spec->map[pf]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int fpga_pci_get_all_slot_specs(struct fpga_slot_spec spec_array[], int size)
{
	struct slot slots[FPGA_SLOT_MAX];
	int n;

	if (spec_array == NULL || size < 0)
		return -EINVAL;
	memset(spec_array, 0, sizeof(spec_array[0]) * (size_t)size);
	n = scan_slots(slots);
	for (int i = 0; i < n && i < size; i++) {
		int rc = fpga_pci_get_slot_spec(i, &spec_array[i]);

		if (rc != 0)
			return rc;
	}
	return 0;
}

int fpga_pci_rescan_slot_app_pfs(int slot_id)
{
	char name[NAME_MAX_LEN], path[512];
	const char *root = xpdk_sysfs_root();
	FILE *f;
	int rc = slot_names(slot_id, FPGA_APP_PF, name);

	if (rc != 0)
		return rc;
	if (strncmp(name, "vfio-user:", 10) == 0)
		return 0; /* devsim: every connection reads the IDs afresh */
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/remove", root, name);
	f = fopen(path, "w");
	if (f == NULL || fputs("1", f) < 0 || fclose(f) != 0)
		return xpdk_err(EPERM, "cannot remove %s (%s): run as root", name, path);
	xpdk_aws_sleep_ms(100);
	snprintf(path, sizeof(path), "%s/bus/pci/rescan", root);
	f = fopen(path, "w");
	if (f == NULL || fputs("1", f) < 0 || fclose(f) != 0)
		return xpdk_err(EPERM, "cannot rescan the PCI bus (%s): run as root", path);
	return 0;
}
