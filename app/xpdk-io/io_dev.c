/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Which device a command works on (-d, or the one device that fits), and opening it: simulated
 * devices over vfio-user need no EAL and no hugepages; PCI functions are checked first (bound to
 * vfio-pci? group file ours?) so that the common mistakes get a sentence with the fix before EAL
 * starts, then EAL starts without hugepages (MMIO needs none) and lib/dev opens the function.
 */

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xpdk_env.h"
#include "xpdk_io.h"

#define VFU_PREFIX   "vfio-user:"
#define VFIO_DRIVER  "vfio-pci"
#define MAX_EAL_ARGS 32

static int set_vfio_user(struct io_target *t, const char *path)
{
	size_t len = strlen(path);

	/* a UNIX socket path is at most 107 bytes: longer ones fail to connect, with a sentence */
	if (len > sizeof(t->name) - sizeof(VFU_PREFIX))
		len = sizeof(t->name) - sizeof(VFU_PREFIX);
	memcpy(t->name, VFU_PREFIX, strlen(VFU_PREFIX));
	memcpy(t->name + strlen(VFU_PREFIX), path, len);
	t->name[strlen(VFU_PREFIX) + len] = '\0';
	t->is_pci = false;
	t->sock = t->name + strlen(VFU_PREFIX);
	return IO_EXIT_OK;
}

static int resolve(const struct io_opts *o, const char *arg, struct io_target *t)
{
	char canon[XPDK_PCI_ADDR_LEN], path[PATH_MAX];
	struct stat st;
	size_t len = strlen(arg);

	memset(t, 0, sizeof(*t));
	if (strncmp(arg, VFU_PREFIX, strlen(VFU_PREFIX)) == 0) {
		if (arg[strlen(VFU_PREFIX)] == '\0')
			return io_fail(o, IO_EXIT_USAGE, "'%s' names no socket (vfio-user:PATH)",
				       arg);
		return set_vfio_user(t, arg + strlen(VFU_PREFIX));
	}
	if (xpdk_pci_addr_parse(arg, canon) == 0) {
		snprintf(t->name, sizeof(t->name), "%s", canon);
		t->is_pci = true;
		return IO_EXIT_OK;
	}
	if (strchr(arg, '/') != NULL && stat(arg, &st) == 0 && S_ISSOCK(st.st_mode))
		return set_vfio_user(t, arg);
	/* a devsim device name: edu0, or edu0.sock */
	if (strchr(arg, '/') == NULL && len > 0) {
		bool has_ext = len > 5 && strcmp(arg + len - 5, ".sock") == 0;

		snprintf(path, sizeof(path), "%s/%s%s", io_devsim_dir(), arg,
			 has_ext ? "" : ".sock");
		if (lstat(path, &st) == 0)
			return set_vfio_user(t, path);
	}
	return io_fail(o, IO_EXIT_USAGE,
		       "unknown address '%s': not a PCI address (0000:3f:00.0 or 3f:00.0), not "
		       "vfio-user:PATH, and no devsim device of that name in %s; 'xpdk-io ls' "
		       "lists devices",
		       arg, io_devsim_dir());
}

static bool fits(const struct io_entry *e, const char *want)
{
	bool vfio = e->is_pci && strcmp(e->driver, VFIO_DRIVER) == 0;

	if (strcmp(want, "init") == 0)
		return e->is_pci && !vfio;
	if (strcmp(want, "release") == 0)
		return vfio;
	return e->state == IO_STATE_OK && (!e->is_pci || vfio);
}

int io_target_get(const struct io_opts *o, const char *want, struct io_target *t)
{
	struct io_list l = { 0 };
	char names[1024] = "";
	size_t len = 0, count = 0, pick = 0;
	int rc;

	if (o->dev_arg != NULL) {
		rc = resolve(o, o->dev_arg, t);
		if (rc == IO_EXIT_OK && !t->is_pci && strcmp(want, "open") != 0)
			return io_fail(o, IO_EXIT_USAGE,
				       "%s works on PCI functions; %s is a vfio-user device, which "
				       "needs no binding",
				       want, t->name);
		return rc;
	}
	if (io_enumerate(&l, false) < 0)
		return io_fail(o, IO_EXIT_DEVICE, "%s", xpdk_strerror_last());
	for (size_t i = 0; i < l.n; i++) {
		if (!fits(&l.v[i], want))
			continue;
		if (len < sizeof(names))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						count ? ", " : "", l.v[i].name);
		pick = i;
		count++;
	}
	if (count == 1) {
		if (l.v[pick].is_pci) {
			memset(t, 0, sizeof(*t));
			snprintf(t->name, sizeof(t->name), "%s", l.v[pick].name);
			t->is_pci = true;
		} else {
			set_vfio_user(t, l.v[pick].name + strlen(VFU_PREFIX));
		}
		rc = IO_EXIT_OK;
	} else if (count == 0) {
		rc = io_fail(o, IO_EXIT_DEVICE,
			     "no device to %s: %s; 'xpdk-io ls' lists devices, -d ADDR names one",
			     strcmp(want, "open") == 0 ? "use" : want,
			     strcmp(want, "init") == 0 ? "no accelerator outside vfio-pci"
			     : strcmp(want, "release") == 0
				 ? "no accelerator is bound to vfio-pci"
				 : "no accelerator bound to vfio-pci and no running devsim "
				   "device");
	} else {
		rc = io_fail(o, IO_EXIT_USAGE, "%zu devices present, choose one with -d: %s", count,
			     names);
	}
	io_list_free(&l);
	return rc;
}

/* The user and group names of a file's owner, for a permission sentence. */
static void owner_names(const struct stat *st, char *buf, size_t len)
{
	const struct passwd *pw = getpwuid(st->st_uid);
	const struct group *gr = getgrgid(st->st_gid);
	char u[32], g[32];

	snprintf(u, sizeof(u), "%u", (unsigned int)st->st_uid);
	snprintf(g, sizeof(g), "%u", (unsigned int)st->st_gid);
	snprintf(buf, len, "%s:%s", pw ? pw->pw_name : u, gr ? gr->gr_name : g);
}

/* What lib/dev would find wrong with a PCI function, said before EAL starts. */
static int check_pci(const struct io_opts *o, const struct io_target *t)
{
	const char *devfs = getenv("XPDK_DEVFS");
	struct xpdk_pci_func f;
	char path[PATH_MAX], owner[96];
	struct stat st;

	if (xpdk_pci_func_get(t->name, &f) < 0)
		return io_fail(o, IO_EXIT_DEVICE, "%s", xpdk_strerror_last());
	if (strcmp(f.driver, VFIO_DRIVER) != 0)
		return io_fail(o, IO_EXIT_DEVICE,
			       "%s is not bound to vfio-pci (driver: %s); run: xpdk-io init -d %s "
			       "$USER",
			       f.addr, f.driver[0] ? f.driver : "none", f.addr);
	if (f.iommu_group < 0)
		return io_fail(o, IO_EXIT_DEVICE,
			       "%s has no IOMMU group: enable the IOMMU (intel_iommu=on or "
			       "amd_iommu=on)",
			       f.addr);
	snprintf(path, sizeof(path), "%s/vfio/%d", devfs && devfs[0] ? devfs : "/dev",
		 f.iommu_group);
	if (stat(path, &st) < 0)
		return io_fail(o, IO_EXIT_DEVICE, "%s does not exist (%s): is vfio-pci loaded?",
			       path, strerror(errno));
	if (access(path, R_OK | W_OK) < 0) {
		int err = errno;

		const struct passwd *me;
		char my_name[64];

		owner_names(&st, owner, sizeof(owner));
		me = getpwuid(geteuid()); /* static storage: after owner_names() */
		snprintf(my_name, sizeof(my_name), "%s", me ? me->pw_name : "another user");
		if (err == EACCES || err == EPERM)
			return io_fail(o, IO_EXIT_DEVICE,
				       "permission denied on %s: it belongs to %s (mode %04o) and "
				       "you are %s; run as root: xpdk-io init -d %s $USER",
				       path, owner, (unsigned int)(st.st_mode & 07777), my_name,
				       f.addr);
		return io_fail(o, IO_EXIT_DEVICE, "%s: %s", path, strerror(err));
	}
	return IO_EXIT_OK;
}

/* EAL for kernel VFIO: no hugepages (MMIO needs none), one lcore, no telemetry socket;
 * XPDK_EAL_ARGS replaces it. --vf-token becomes EAL's --vfio-vf-token, which rte_vfio passes to
 * the kernel with the device's name. */
static int start_env(const struct io_opts *o)
{
	static char args[1024];
	char *argv[MAX_EAL_ARGS + 1] = { "xpdk-io" };
	const char *user = getenv("XPDK_EAL_ARGS");
	int argc = 1, rc;

	snprintf(args, sizeof(args), "%s",
		 user != NULL && user[0] != '\0' ? user : IO_EAL_ARGS_DEFAULT);
	for (char *save = NULL, *tok = strtok_r(args, " \t", &save);
	     tok != NULL && argc < MAX_EAL_ARGS; tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	if (o->vf_token != NULL && argc < MAX_EAL_ARGS) {
		static char token_arg[64];

		snprintf(token_arg, sizeof(token_arg), "--vfio-vf-token=%s", o->vf_token);
		argv[argc++] = token_arg;
	}
	argv[argc] = NULL;
	rc = xpdk_env_init(argc, argv);
	if (rc < 0)
		return io_fail(o, IO_EXIT_DEVICE,
			       "cannot start the environment (EAL args '%s'): %s",
			       user != NULL && user[0] != '\0' ? user : IO_EAL_ARGS_DEFAULT,
			       xpdk_strerror_last());
	return IO_EXIT_OK;
}

int io_dev_open(const struct io_opts *o, const struct io_target *t, struct xpdk_dev **dev)
{
	const char *path;
	int rc;

	*dev = NULL;
	if (t->is_pci) {
		rc = check_pci(o, t);
		if (rc == IO_EXIT_OK)
			rc = start_env(o);
		if (rc != IO_EXIT_OK)
			return rc;
	}
	*dev = xpdk_dev_open(t->name);
	if (*dev != NULL)
		return IO_EXIT_OK;
	rc = errno;
	if (!t->is_pci && rc == ETIMEDOUT)
		return io_fail(o, IO_EXIT_DEVICE,
			       "%s: %s (a devsim device serves one client at a time: is another "
			       "program using it?)",
			       t->name, xpdk_strerror_last());
	/* name the device, unless the sentence does already (by its address or socket path) */
	path = t->is_pci || strchr(t->name, ':') == NULL ? t->name : strchr(t->name, ':') + 1;
	if (strstr(xpdk_strerror_last(), path) == NULL)
		return io_fail(o, IO_EXIT_DEVICE, "%s: %s", t->name, xpdk_strerror_last());
	return io_fail(o, IO_EXIT_DEVICE, "%s", xpdk_strerror_last());
}

void io_dev_close(struct xpdk_dev *dev)
{
	xpdk_dev_close(dev);
	if (xpdk_env_ready())
		xpdk_env_cleanup();
}

int io_region_get(const struct io_opts *o, struct xpdk_dev *dev, uint64_t off, uint64_t bytes,
		  const struct xpdk_region **r)
{
	const char *name = xpdk_dev_info(dev)->name;

	*r = xpdk_dev_region(dev, o->region);
	if (*r == NULL) {
		char have[512] = "";
		size_t len = 0;

		for (unsigned int i = 0; i < XPDK_DEV_MAX_REGIONS; i++) {
			const struct xpdk_region *x = xpdk_dev_region(dev, i);

			if (x != NULL && len < sizeof(have))
				len += (size_t)snprintf(have + len, sizeof(have) - len,
							"%s%u (size 0x%llx)", len ? ", " : "", i,
							(unsigned long long)x->size);
		}
		return io_fail(o, IO_EXIT_USAGE, "region %u does not exist on %s; it has %s",
			       o->region, name, len ? have : "none");
	}
	if (off >= (*r)->size || (*r)->size - off < bytes)
		return io_fail(o, IO_EXIT_USAGE,
			       "offset 0x%llx is out of range: region %u of %s is 0x%llx bytes",
			       (unsigned long long)off, o->region, name,
			       (unsigned long long)(*r)->size);
	return IO_EXIT_OK;
}
