/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * `xpdk-io init` and `xpdk-io release`: lib/dev's vfio-pci bind and release of a PCI function
 * (with `init -e`, of an SR-IOV physical function and its VFs), and what they did, in words or
 * JSON.
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

/* init -e: the PF and its VFs on vfio-pci, the VF token set. */
static int init_sriov(const struct io_opts *o, const struct io_target *t, uid_t uid, gid_t gid)
{
	struct xpdk_pci_sriov_info *s = calloc(1, sizeof(*s));
	char owner[160];

	if (s == NULL)
		return io_fail(o, IO_EXIT_DEVICE, "out of memory");
	if (xpdk_pci_sriov_enable(t->name, o->num_vfs, o->vf_token, uid, gid, s) < 0) {
		free(s);
		return io_fail(o, IO_EXIT_DEVICE, "init -e %s: %s", t->name, xpdk_strerror_last());
	}
	owner_text(s->pf.uid, s->pf.gid, owner, sizeof(owner));
	if (o->json) {
		struct json_object *doc = info_json(t->name, &s->pf);
		struct json_object *vfs = json_object_new_array();

		json_object_object_add(doc, "driver", json_object_new_string("vfio-pci"));
		json_object_object_add(doc, "vfio_path", json_object_new_string(s->pf.vfio_path));
		json_object_object_add(doc, "owner", json_object_new_string(owner));
		json_object_object_add(doc, "uid", json_object_new_int((int)s->pf.uid));
		json_object_object_add(doc, "gid", json_object_new_int((int)s->pf.gid));
		json_object_object_add(doc, "total_vfs", json_object_new_int((int)s->total_vfs));
		for (unsigned int i = 0; i < s->num_vfs; i++) {
			struct json_object *vf = json_object_new_object();

			json_object_object_add(vf, "address",
					       json_object_new_string(s->vfs[i].addr));
			json_object_object_add(vf, "iommu_group",
					       json_object_new_int(s->vfs[i].iommu_group));
			json_object_object_add(vf, "vfio_path",
					       json_object_new_string(s->vfs[i].vfio_path));
			json_object_array_add(vfs, vf);
		}
		json_object_object_add(doc, "vfs", vfs);
		json_object_object_add(doc, "vf_token", json_object_new_string(s->vf_token));
		json_object_object_add(doc, "vf_token_generated",
				       json_object_new_boolean(s->token_generated));
		json_object_object_add(doc, "enable_sriov_turned_on",
				       json_object_new_boolean(s->param_enabled));
		io_json_print(doc);
	} else {
		printf("%s: bound to vfio-pci (previous driver: %s)\n", t->name,
		       s->pf.previous_driver[0] ? s->pf.previous_driver : "none");
		printf("%s: IOMMU group %d, %s now belongs to %s\n", t->name, s->pf.iommu_group,
		       s->pf.vfio_path, owner);
		if (s->param_enabled)
			printf("vfio-pci: enable_sriov turned on (release turns it off)\n");
		printf("%s: %u of %u SR-IOV VFs enabled, VF token %s%s\n", t->name, s->num_vfs,
		       s->total_vfs, s->vf_token, s->token_generated ? " (generated)" : "");
		for (unsigned int i = 0; i < s->num_vfs; i++)
			printf("%s: VF %u, on vfio-pci, IOMMU group %d, %s belongs to %s\n",
			       s->vfs[i].addr, i, s->vfs[i].iommu_group, s->vfs[i].vfio_path,
			       owner);
		printf("open a VF with its token: xpdk-io -d %s --vf-token %s peek 0x0 "
		       "(EAL: --vfio-vf-token=%s)\n",
		       s->num_vfs ? s->vfs[0].addr : t->name, s->vf_token, s->vf_token);
	}
	free(s);
	return IO_EXIT_OK;
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
	if (o->enable_sriov)
		return init_sriov(o, &t, uid, gid);
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
		json_object_object_add(doc, "vfs_disabled",
				       json_object_new_int((int)info.vfs_disabled));
		io_json_print(doc);
		return IO_EXIT_OK;
	}
	if (info.vfs_disabled > 0)
		printf("%s: %u SR-IOV VFs turned off\n", t.name, info.vfs_disabled);
	if (info.previous_driver[0]) {
		printf("%s: released from vfio-pci, driver %s restored (IOMMU group %d)\n", t.name,
		       info.previous_driver, info.iommu_group);
	} else {
		printf("%s: released from vfio-pci; it had no driver before init, so it is left "
		       "unbound (IOMMU group %d)\n",
		       t.name, info.iommu_group);
	}
	return IO_EXIT_OK;
}
