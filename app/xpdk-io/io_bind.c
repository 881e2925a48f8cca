/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * `xpdk-io init` and `xpdk-io release`: lib/dev's vfio-pci bind and release of a PCI function,
 * and what they did, in words or JSON.
 */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xpdk_io.h"

static int parse_id_number(const char *s, unsigned int *out)
{
	uint64_t v;
	int saved = errno;

	if (xpdk_parse_u64(s, &v) < 0 || v >= 0xffffffffu) {
		xpdk_err_clear();
		errno = saved;
		return -EINVAL;
	}
	*out = (unsigned int)v;
	return 0;
}

/* USER[:GROUP], names or numbers; GROUP defaults to USER's primary group. */
static int parse_owner(const struct io_opts *o, const char *spec, uid_t *uid, gid_t *gid)
{
	char user[128];
	const char *colon = strchr(spec, ':');
	const char *group = colon ? colon + 1 : NULL;
	const struct passwd *pw;
	unsigned int n;

	snprintf(user, sizeof(user), "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
	pw = user[0] ? getpwnam(user) : NULL;
	if (pw != NULL)
		*uid = pw->pw_uid;
	else if (user[0] != '\0' && parse_id_number(user, &n) == 0)
		*uid = (uid_t)n;
	else
		return io_fail(o, IO_EXIT_USAGE,
			       "'%s' is not a user (USER[:GROUP], names or "
			       "numbers)",
			       user);
	if (group == NULL || group[0] == '\0') {
		if (pw == NULL)
			pw = getpwuid(*uid);
		if (pw == NULL)
			return io_fail(
			    o, IO_EXIT_USAGE,
			    "user %u has no passwd entry: give the group too (USER:GROUP)",
			    (unsigned int)*uid);
		*gid = pw->pw_gid;
		return 0;
	}
	{
		const struct group *gr = getgrnam(group);

		if (gr != NULL)
			*gid = gr->gr_gid;
		else if (parse_id_number(group, &n) == 0)
			*gid = (gid_t)n;
		else
			return io_fail(o, IO_EXIT_USAGE, "'%s' is not a group", group);
	}
	return 0;
}

static void owner_text(uid_t uid, gid_t gid, char *buf, size_t len)
{
	const struct passwd *pw = getpwuid(uid);
	const struct group *gr = getgrgid(gid);
	char u[16], g[16];

	snprintf(u, sizeof(u), "%u", (unsigned int)uid);
	snprintf(g, sizeof(g), "%u", (unsigned int)gid);
	snprintf(buf, len, "%s:%s", pw ? pw->pw_name : u, gr ? gr->gr_name : g);
}

static struct json_object *info_json(const char *addr, const struct xpdk_pci_bind_info *info)
{
	struct json_object *doc = json_object_new_object();

	json_object_object_add(doc, "address", json_object_new_string(addr));
	json_object_object_add(
	    doc, "previous_driver",
	    info->previous_driver[0] ? json_object_new_string(info->previous_driver) : NULL);
	json_object_object_add(doc, "iommu_group",
			       info->iommu_group >= 0 ? json_object_new_int(info->iommu_group)
						      : NULL);
	return doc;
}

int io_cmd_init(const struct io_opts *o)
{
	struct xpdk_pci_bind_info info;
	struct io_target t;
	char owner[160];
	uid_t uid = 0;
	gid_t gid = 0;
	int rc;

	if (parse_owner(o, o->pos[0], &uid, &gid) != 0)
		return IO_EXIT_USAGE;
	rc = io_target_get(o, "init", &t);
	if (rc != IO_EXIT_OK)
		return rc;
	if (xpdk_pci_vfio_bind(t.name, uid, gid, &info) < 0)
		return io_fail(o, IO_EXIT_DEVICE, "init %s: %s", t.name, xpdk_strerror_last());
	owner_text(info.uid, info.gid, owner, sizeof(owner));
	if (o->json) {
		struct json_object *doc = info_json(t.name, &info);

		json_object_object_add(doc, "driver", json_object_new_string("vfio-pci"));
		json_object_object_add(doc, "vfio_path", json_object_new_string(info.vfio_path));
		json_object_object_add(doc, "owner", json_object_new_string(owner));
		json_object_object_add(doc, "uid", json_object_new_int((int)info.uid));
		json_object_object_add(doc, "gid", json_object_new_int((int)info.gid));
		io_json_print(doc);
	} else {
		printf("%s: bound to vfio-pci (previous driver: %s)\n", t.name,
		       info.previous_driver[0] ? info.previous_driver : "none");
		printf("%s: IOMMU group %d, %s now belongs to %s\n", t.name, info.iommu_group,
		       info.vfio_path, owner);
	}
	return IO_EXIT_OK;
}

int io_cmd_release(const struct io_opts *o)
{
	struct xpdk_pci_bind_info info;
	struct io_target t;
	int rc = io_target_get(o, "release", &t);

	if (rc != IO_EXIT_OK)
		return rc;
	if (xpdk_pci_vfio_release(t.name, &info) < 0)
		return io_fail(o, IO_EXIT_DEVICE, "release %s: %s", t.name, xpdk_strerror_last());
	if (o->json) {
		struct json_object *doc = info_json(t.name, &info);

		json_object_object_add(
		    doc, "restored_driver",
		    info.previous_driver[0] ? json_object_new_string(info.previous_driver) : NULL);
		io_json_print(doc);
	} else if (info.previous_driver[0]) {
		printf("%s: released from vfio-pci, driver %s restored (IOMMU group %d)\n", t.name,
		       info.previous_driver, info.iommu_group);
	} else {
		printf("%s: released from vfio-pci; it had no driver before init, so it is left "
		       "unbound (IOMMU group %d)\n",
		       t.name, info.iommu_group);
	}
	return IO_EXIT_OK;
}
