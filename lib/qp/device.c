/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * RDMA devices: listing, opening by name or by the IP address a GID holds, port and GID
 * selection, queries, and the sentences for each way that goes wrong.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef XPDK_HAVE_MLX5DV
#include <infiniband/mlx5dv.h>
#endif

#include "qp_priv.h"
#include "xpdk_common.h"

#define RXE_HOWTO                                                                                  \
	"for Soft-RoCE over an Ethernet interface: modprobe rdma_rxe ib_uverbs rdma_ucm; "         \
	"rdma link add rxe0 type rxe netdev eth0 (doc/qp.md)"

int qp_err_no_devices(int err)
{
	if (err == ENOSYS)
		return xpdk_err(ENOSYS,
				"this kernel has no RDMA support loaded (ibv_get_device_list: %s; "
				"no /sys/class/infiniband_verbs): load a device driver and "
				"ib_uverbs, e.g. " RXE_HOWTO,
				strerror(ENOSYS));
	if (err == 0 || err == ENODEV)
		return xpdk_err(ENODEV,
				"no RDMA device found (the kernel has RDMA, but no device is "
				"registered, or its userspace provider is missing: "
				"IBV_SHOW_WARNINGS=1 ibv_devices tells); " RXE_HOWTO);
	return xpdk_err(err, "cannot list RDMA devices: ibv_get_device_list: %s", strerror(err));
}

int qp_err_missing_device(const char *want, const char *present)
{
	if (present == NULL || present[0] == '\0')
		return qp_err_no_devices(ENODEV);
	return xpdk_err(ENODEV, "no RDMA device '%s'; present: %s", want, present);
}

int qp_ip_to_gid(const char *ip, union ibv_gid *gid)
{
	struct in_addr a4;
	struct in6_addr a6;

	memset(gid, 0, sizeof(*gid));
	if (ip != NULL && inet_pton(AF_INET, ip, &a4) == 1) {
		gid->raw[10] = 0xff;
		gid->raw[11] = 0xff;
		memcpy(&gid->raw[12], &a4, 4);
		return 0;
	}
	if (ip != NULL && inet_pton(AF_INET6, ip, &a6) == 1) {
		memcpy(gid->raw, &a6, 16);
		return 0;
	}
	return -EINVAL;
}

void qp_gid_to_ip(const union ibv_gid *gid, char *buf, size_t len)
{
	static const uint8_t v4map[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	buf[0] = '\0';
	if (memcmp(gid->raw, v4map, sizeof(v4map)) == 0)
		inet_ntop(AF_INET, &gid->raw[12], buf, (socklen_t)len);
	else if (!(gid->raw[0] == 0xfe && (gid->raw[1] & 0xc0) == 0x80))
		inet_ntop(AF_INET6, gid->raw, buf, (socklen_t)len);
}

const char *xpdk_gid_str(const union ibv_gid *gid, char *buf, size_t len)
{
	if (gid == NULL || buf == NULL || len < 40) {
		if (buf != NULL && len > 0)
			buf[0] = '\0';
		return buf;
	}
	snprintf(buf, len,
		 "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x",
		 gid->raw[0], gid->raw[1], gid->raw[2], gid->raw[3], gid->raw[4], gid->raw[5],
		 gid->raw[6], gid->raw[7], gid->raw[8], gid->raw[9], gid->raw[10], gid->raw[11],
		 gid->raw[12], gid->raw[13], gid->raw[14], gid->raw[15]);
	return buf;
}

static const char *gid_type_str(uint32_t t)
{
	return t == IBV_GID_TYPE_ROCE_V2 ? "RoCE v2" : t == IBV_GID_TYPE_ROCE_V1 ? "RoCE v1" : "IB";
}

static bool gid_zero(const union ibv_gid *g)
{
	static const union ibv_gid zero;

	return memcmp(g, &zero, sizeof(zero)) == 0;
}

/* The device list, with the ENOSYS case told apart. */
static struct ibv_device **get_list(int *n)
{
	struct ibv_device **list;

	errno = 0;
	list = ibv_get_device_list(n);
	if (list == NULL) {
		qp_err_no_devices(errno ? errno : ENOSYS);
		return NULL;
	}
	return list;
}

static void names_of(struct ibv_device **list, int n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "",
					 ibv_get_device_name(list[i]));
}

int xpdk_rdma_list(char *buf, size_t len)
{
	struct ibv_device **list;
	int n = 0;

	if (buf == NULL || len == 0)
		return xpdk_err(EINVAL, "xpdk_rdma_list: no buffer");
	buf[0] = '\0';
	list = get_list(&n);
	if (list == NULL)
		return -errno;
	names_of(list, n, buf, len);
	ibv_free_device_list(list);
	return n;
}

/* Where @p gid sits in @p ctx's GID tables: port and index, or -1. */
static int find_gid(struct ibv_context *ctx, uint8_t nports, const union ibv_gid *gid,
		    uint8_t *port, int *index)
{
	for (uint8_t p = 1; p <= nports; p++) {
		struct ibv_port_attr pa;

		if (ibv_query_port(ctx, p, &pa))
			continue;
		for (int i = 0; i < pa.gid_tbl_len; i++) {
			struct ibv_gid_entry e;

			if (ibv_query_gid_ex(ctx, p, (uint32_t)i, &e, 0))
				continue;
			if (memcmp(&e.gid, gid, sizeof(*gid)) == 0 &&
			    (e.gid_type == IBV_GID_TYPE_ROCE_V2 || e.gid_type == IBV_GID_TYPE_IB)) {
				*port = p;
				*index = i;
				return 0;
			}
		}
	}
	return -1;
}

/* The addresses the devices' GIDs hold, "rxe0: 192.0.2.1, ..." for the not-found sentence. */
static void addrs_of(struct ibv_device **list, int n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int d = 0; d < n && used < len; d++) {
		struct ibv_context *ctx = ibv_open_device(list[d]);
		struct ibv_device_attr da;

		if (ctx == NULL)
			continue;
		if (ibv_query_device(ctx, &da) == 0) {
			for (uint8_t p = 1; p <= da.phys_port_cnt && used < len; p++) {
				struct ibv_port_attr pa;

				if (ibv_query_port(ctx, p, &pa))
					continue;
				for (int i = 0; i < pa.gid_tbl_len && i < 16 && used < len; i++) {
					struct ibv_gid_entry e;
					char ip[48];

					if (ibv_query_gid_ex(ctx, p, (uint32_t)i, &e, 0) ||
					    e.gid_type != IBV_GID_TYPE_ROCE_V2)
						continue;
					qp_gid_to_ip(&e.gid, ip, sizeof(ip));
					if (ip[0])
						used += (size_t)snprintf(
						    buf + used, len - used, "%s%s port %u: %s",
						    used ? ", " : "", ibv_get_device_name(list[d]),
						    p, ip);
				}
			}
		}
		ibv_close_device(ctx);
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "none holds an IP address");
}

/* "0 (fe80:…, RoCE v2, eth0), 1 (…)" */
static void gids_text(const struct xpdk_rdma *dev, uint8_t port, char *buf, size_t len)
{
	struct xpdk_rdma_gid g[16] = { 0 };
	int n = xpdk_rdma_gids(dev, port, g, 16);
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && i < 16 && used < len; i++) {
		char s[48], ip[48];

		qp_gid_to_ip(&g[i].gid, ip, sizeof(ip));
		used += (size_t)snprintf(buf + used, len - used, "%s%d (%s, %s%s%s)", i ? ", " : "",
					 g[i].index, ip[0] ? ip : xpdk_gid_str(&g[i].gid, s, 48),
					 gid_type_str(g[i].type), g[i].netdev[0] ? ", " : "",
					 g[i].netdev);
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}

/* The first RoCE v2 GID holding an IPv4 address on @p port, else 0. */
static int default_gid(struct xpdk_rdma *dev)
{
	for (int i = 0; i < dev->port_attr.gid_tbl_len; i++) {
		struct ibv_gid_entry e;
		char ip[48];

		if (ibv_query_gid_ex(dev->ctx, dev->port, (uint32_t)i, &e, 0))
			continue;
		qp_gid_to_ip(&e.gid, ip, sizeof(ip));
		if (e.gid_type == IBV_GID_TYPE_ROCE_V2 && strchr(ip, '.') != NULL)
			return i;
	}
	return 0;
}

struct xpdk_rdma *xpdk_rdma_open(const char *name_or_ip, const struct xpdk_rdma_opts *opts)
{
	struct xpdk_rdma_opts o = { .port = 0, .gid_index = -1 };
	struct ibv_device **list;
	struct xpdk_rdma *dev;
	union ibv_gid want_gid;
	bool by_ip;
	int n = 0, pick = -1, gid_index = -1;
	uint8_t port = 0;
	char names[512];

	if (opts != NULL)
		o = *opts;
	if (name_or_ip == NULL || name_or_ip[0] == '\0') {
		xpdk_err(EINVAL, "xpdk_rdma_open: no device name or address");
		return NULL;
	}
	by_ip = qp_ip_to_gid(name_or_ip, &want_gid) == 0;
	list = get_list(&n);
	if (list == NULL)
		return NULL;
	names_of(list, n, names, sizeof(names));
	dev = calloc(1, sizeof(*dev));
	if (dev == NULL) {
		ibv_free_device_list(list);
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	for (int i = 0; i < n && pick < 0; i++) {
		if (!by_ip) {
			if (strcmp(ibv_get_device_name(list[i]), name_or_ip) == 0) {
				pick = i;
				dev->ctx = ibv_open_device(list[i]);
			}
			continue;
		}
		struct ibv_context *ctx = ibv_open_device(list[i]);
		struct ibv_device_attr da;

		if (ctx == NULL)
			continue;
		if (ibv_query_device(ctx, &da) == 0 &&
		    find_gid(ctx, da.phys_port_cnt, &want_gid, &port, &gid_index) == 0) {
			pick = i;
			dev->ctx = ctx;
		} else {
			ibv_close_device(ctx);
		}
	}
	if (pick < 0) {
		if (!by_ip) {
			qp_err_missing_device(name_or_ip, names);
		} else {
			char addrs[512];

			addrs_of(list, n, addrs, sizeof(addrs));
			xpdk_err(ENODEV, "no RDMA device serves %s (devices: %s; addresses: %s)",
				 name_or_ip, names[0] ? names : "none", addrs);
		}
		goto fail;
	}
	snprintf(dev->name, sizeof(dev->name), "%s", ibv_get_device_name(list[pick]));
	if (dev->ctx == NULL) {
		xpdk_err(errno ? errno : EIO, "cannot open RDMA device %s: %s", dev->name,
			 strerror(errno ? errno : EIO));
		goto fail;
	}
#ifdef XPDK_HAVE_MLX5DV
	dev->mlx5dv = mlx5dv_is_supported(list[pick]);
#endif
	if (ibv_query_device(dev->ctx, &dev->dev_attr)) {
		xpdk_err(errno ? errno : EIO, "%s: ibv_query_device: %s", dev->name,
			 strerror(errno ? errno : EIO));
		goto fail;
	}
	/* the port */
	if (o.port != 0) {
		if (o.port > dev->dev_attr.phys_port_cnt) {
			xpdk_err(EINVAL, "%s has no port %u; its ports are 1..%u", dev->name,
				 o.port, dev->dev_attr.phys_port_cnt);
			goto fail;
		}
		if (by_ip && o.port != port) {
			xpdk_err(EINVAL, "%s serves %s on port %u, not on port %u", dev->name,
				 name_or_ip, port, o.port);
			goto fail;
		}
		port = o.port;
	} else if (!by_ip) {
		port = 1;
		for (uint8_t p = 1; p <= dev->dev_attr.phys_port_cnt; p++) {
			struct ibv_port_attr pa;

			if (ibv_query_port(dev->ctx, p, &pa) == 0 && pa.state == IBV_PORT_ACTIVE) {
				port = p;
				break;
			}
		}
	}
	dev->port = port;
	if (ibv_query_port(dev->ctx, port, &dev->port_attr)) {
		xpdk_err(errno ? errno : EIO, "%s port %u: ibv_query_port: %s", dev->name, port,
			 strerror(errno ? errno : EIO));
		goto fail;
	}
	/* the GID */
	if (o.gid_index >= 0 && (o.gid_index_given || o.gid_index > 0)) {
		struct ibv_gid_entry e;

		if (by_ip && o.gid_index != gid_index) {
			xpdk_err(EINVAL, "%s holds %s at GID index %d, not %d", dev->name,
				 name_or_ip, gid_index, o.gid_index);
			goto fail;
		}
		if (o.gid_index >= dev->port_attr.gid_tbl_len ||
		    ibv_query_gid_ex(dev->ctx, port, (uint32_t)o.gid_index, &e, 0) ||
		    gid_zero(&e.gid)) {
			char valid[1024];

			gids_text(dev, port, valid, sizeof(valid));
			xpdk_err(EINVAL, "%s port %u has no GID at index %d; valid: %s", dev->name,
				 port, o.gid_index, valid);
			goto fail;
		}
		gid_index = o.gid_index;
	} else if (!by_ip) {
		gid_index = default_gid(dev);
	}
	dev->gid_index = gid_index;
	if (ibv_query_gid(dev->ctx, port, gid_index, &dev->gid)) {
		xpdk_err(errno ? errno : EIO, "%s port %u: cannot read GID %d", dev->name, port,
			 gid_index);
		goto fail;
	}
	ibv_free_device_list(list);
	return dev;
fail:
	if (dev->ctx != NULL)
		ibv_close_device(dev->ctx);
	free(dev);
	ibv_free_device_list(list);
	return NULL;
}

void xpdk_rdma_close(struct xpdk_rdma *dev)
{
	if (dev == NULL)
		return;
	ibv_close_device(dev->ctx);
	free(dev);
}

struct ibv_context *xpdk_rdma_ibv(const struct xpdk_rdma *dev)
{
	return dev ? dev->ctx : NULL;
}

const char *xpdk_rdma_name(const struct xpdk_rdma *dev)
{
	return dev ? dev->name : "";
}

int xpdk_rdma_gids(const struct xpdk_rdma *dev, uint8_t port, struct xpdk_rdma_gid *gids,
		   size_t max)
{
	struct ibv_port_attr pa;
	int n = 0;

	if (dev == NULL || (gids == NULL && max > 0))
		return xpdk_err(EINVAL, "xpdk_rdma_gids: NULL argument");
	if (port == 0)
		port = dev->port;
	if (port > dev->dev_attr.phys_port_cnt)
		return xpdk_err(EINVAL, "%s has no port %u; its ports are 1..%u", dev->name, port,
				dev->dev_attr.phys_port_cnt);
	if (ibv_query_port(dev->ctx, port, &pa))
		return xpdk_err(errno ? errno : EIO, "%s port %u: ibv_query_port failed", dev->name,
				port);
	for (int i = 0; i < pa.gid_tbl_len; i++) {
		struct ibv_gid_entry e;

		if (ibv_query_gid_ex(dev->ctx, port, (uint32_t)i, &e, 0) || gid_zero(&e.gid))
			continue;
		if ((size_t)n < max) {
			gids[n].index = i;
			gids[n].gid = e.gid;
			gids[n].type = e.gid_type;
			gids[n].netdev[0] = '\0';
			if (e.ndev_ifindex)
				if_indextoname(e.ndev_ifindex, gids[n].netdev);
		}
		n++;
	}
	return n;
}

int xpdk_rdma_query(const struct xpdk_rdma *dev, struct xpdk_rdma_info *info)
{
	struct ibv_gid_entry e;
	struct ibv_port_attr pa;

	if (dev == NULL || info == NULL)
		return xpdk_err(EINVAL, "xpdk_rdma_query: NULL argument");
	if (ibv_query_port(dev->ctx, dev->port, &pa))
		return xpdk_err(errno ? errno : EIO, "%s port %u: ibv_query_port failed", dev->name,
				dev->port);
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", dev->name);
	snprintf(info->fw_ver, sizeof(info->fw_ver), "%s", dev->dev_attr.fw_ver);
	info->node_guid = be64toh(dev->dev_attr.node_guid);
	info->vendor_id = dev->dev_attr.vendor_id;
	info->vendor_part_id = dev->dev_attr.vendor_part_id;
	info->hw_ver = dev->dev_attr.hw_ver;
	info->phys_port_cnt = dev->dev_attr.phys_port_cnt;
	info->max_qp = dev->dev_attr.max_qp;
	info->max_qp_wr = dev->dev_attr.max_qp_wr;
	info->max_sge = dev->dev_attr.max_sge;
	info->max_cq = dev->dev_attr.max_cq;
	info->max_cqe = dev->dev_attr.max_cqe;
	info->max_mr = dev->dev_attr.max_mr;
	info->max_pd = dev->dev_attr.max_pd;
	info->max_ah = dev->dev_attr.max_ah;
	info->max_qp_rd_atom = dev->dev_attr.max_qp_rd_atom;
	info->max_qp_init_rd_atom = dev->dev_attr.max_qp_init_rd_atom;
	info->max_mr_size = dev->dev_attr.max_mr_size;
	info->port = dev->port;
	info->state = pa.state;
	info->active_mtu = pa.active_mtu;
	info->max_mtu = pa.max_mtu;
	info->link_layer = pa.link_layer;
	info->max_msg_sz = pa.max_msg_sz;
	info->gid_tbl_len = pa.gid_tbl_len;
	info->gid_index = dev->gid_index;
	info->gid = dev->gid;
	info->mlx5dv = dev->mlx5dv;
	if (ibv_query_gid_ex(dev->ctx, dev->port, (uint32_t)dev->gid_index, &e, 0) == 0) {
		snprintf(info->gid_type, sizeof(info->gid_type), "%s", gid_type_str(e.gid_type));
		if (e.ndev_ifindex) {
			char ifn[IF_NAMESIZE] = "";

			if (if_indextoname(e.ndev_ifindex, ifn) != NULL)
				snprintf(info->netdev, sizeof(info->netdev), "%s", ifn);
		}
	}
	qp_gid_to_ip(&dev->gid, info->addr, sizeof(info->addr));
	return 0;
}
