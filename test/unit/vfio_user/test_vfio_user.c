/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * lib/vfio_user over a socketpair: the client and server cores against each other, and each
 * against a hand-driven peer built from the codec (a hostile client, a server that vanishes or
 * never answers, a server that sends DMA_READ/DMA_WRITE), checking wire layouts byte for byte.
 */

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vfu_priv.h"

#define BAR0_SIZE 4096
#define BAR1_SIZE (2 * 4096)

/* ---- a device for the server: BAR0 trapped, BAR1 in a memfd (page 0 mappable), config ---- */

static struct fake_dev {
	uint8_t bar0[BAR0_SIZE];
	uint8_t cfg[256];
	int bar1_fd;
	uint8_t *bar1; /* our view of the memfd */
	int resets, attaches, detaches;
} fd_dev;

static int dev_access(void *arg, unsigned int index, uint64_t off, void *buf, size_t count,
		      bool write)
{
	uint8_t *base = index == 0 ? fd_dev.bar0 : index == 1 ? fd_dev.bar1 : fd_dev.cfg;

	(void)arg;
	if (write)
		memcpy(base + off, buf, count);
	else
		memcpy(buf, base + off, count);
	return 0;
}

static void dev_reset(void *arg)
{
	(void)arg;
	fd_dev.resets++;
}

static void dev_attach(void *arg)
{
	(void)arg;
	fd_dev.attaches++;
}

static void dev_detach(void *arg)
{
	(void)arg;
	fd_dev.detaches++;
}

static void make_desc(struct xpdk_vfu_device_desc *d)
{
	const uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

	memset(d, 0, sizeof(*d));
	d->num_regions = 9;
	d->num_irqs = 5;
	for (unsigned int i = 0; i < XPDK_VFU_MAX_REGIONS; i++)
		d->regions[i].fd = -1;
	d->regions[0] = (struct xpdk_vfu_region_desc){ .size = BAR0_SIZE, .flags = rw, .fd = -1 };
	d->regions[1] = (struct xpdk_vfu_region_desc){ .size = BAR1_SIZE,
						       .flags = rw,
						       .fd = fd_dev.bar1_fd,
						       .nareas = 1,
						       .areas = { { .offset = 0, .size = 4096 } } };
	d->regions[7] = (struct xpdk_vfu_region_desc){ .size = 256, .flags = rw, .fd = -1 };
	d->irq_count[0] = 1;
	d->irq_count[1] = 4;
	d->can_reset = true;
	d->region_access = dev_access;
	d->reset = dev_reset;
	d->attach = dev_attach;
	d->detach = dev_detach;
}

/* ---- a server core on one end of a socketpair, run on a thread ---- */

struct pair {
	struct xpdk_vfu_server *srv;
	pthread_t thread;
	int peer; /* the other end, when a test drives it by hand */
	struct xpdk_vfu_client *client;
};

static void *run_server(void *arg)
{
	struct pair *p = arg;

	xpdk_vfu_server_run(p->srv);
	return NULL;
}

/* Server on one end; the other end is returned raw in p->peer. */
static void start_server(struct pair *p)
{
	struct xpdk_vfu_device_desc d;
	int sv[2];

	memset(p, 0, sizeof(*p));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	make_desc(&d);
	p->srv = xpdk_vfu_server_create_fd(sv[0], &d);
	assert_non_null(p->srv);
	p->peer = sv[1];
	assert_int_equal(pthread_create(&p->thread, NULL, run_server, p), 0);
}

/* Server and a client core connected to it. */
static void start_pair(struct pair *p)
{
	start_server(p);
	p->client = xpdk_vfu_client_attach(p->peer, NULL);
	assert_non_null(p->client);
	p->peer = -1;
}

static void stop_pair(struct pair *p)
{
	if (p->client)
		xpdk_vfu_client_close(p->client);
	if (p->peer >= 0)
		close(p->peer);
	pthread_join(p->thread, NULL); /* --fd mode: run returns when the client leaves */
	xpdk_vfu_server_destroy(p->srv);
}

static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

/* Mappings of a memfd named @name in this process (the allocator's own
 * mappings come and go, so only the memory under test is counted). */
static int count_memfd_maps(const char *name)
{
	char line[512], tag[64];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	snprintf(tag, sizeof(tag), "/memfd:%s ", name);
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, tag) != NULL;
	if (f)
		fclose(f);
	return n;
}

static int setup(void **state)
{
	(void)state;
	memset(&fd_dev, 0, sizeof(fd_dev));
	fd_dev.bar1_fd = memfd_create("bar1", MFD_CLOEXEC);
	if (fd_dev.bar1_fd < 0 || ftruncate(fd_dev.bar1_fd, BAR1_SIZE) < 0)
		return -1;
	fd_dev.bar1 = mmap(NULL, BAR1_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd_dev.bar1_fd, 0);
	return fd_dev.bar1 == MAP_FAILED ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	munmap(fd_dev.bar1, BAR1_SIZE);
	close(fd_dev.bar1_fd);
	return 0;
}

/* ---- a raw peer: send a command, read the reply ---- */

static int raw_call(int sock, uint16_t cmd, const void *p, size_t len, const int *fds,
		    unsigned int nfds, struct vfu_msg *reply)
{
	int rc =
	    xpdk_vfu_send(sock, 7, cmd, XPDK_VFU_F_TYPE_COMMAND, 0, p, len, NULL, 0, fds, nfds);

	return rc < 0 ? rc
		      : xpdk_vfu_recv(sock, reply, XPDK_VFU_MAX_MSG_SIZE, XPDK_VFU_MAX_FDS, 2000);
}

static void raw_version(int sock)
{
	const char caps[] = "{\"capabilities\":{\"max_msg_fds\":8}}";
	uint8_t buf[4 + sizeof(caps)] = { 0, 0, 2, 0 };
	struct vfu_msg r;

	memcpy(buf + 4, caps, sizeof(caps));
	assert_int_equal(raw_call(sock, XPDK_VFU_VERSION, buf, sizeof(buf), NULL, 0, &r), 0);
	assert_false(r.hdr.flags & XPDK_VFU_F_ERROR);
	xpdk_vfu_msg_release(&r);
}

/* ==== tests ==== */

static void test_caps_parse_defaults_and_errors(void **state)
{
	struct xpdk_vfu_caps c;

	(void)state;
	assert_int_equal(xpdk_vfu_caps_parse(NULL, &c), 0);
	assert_int_equal(c.max_msg_fds, 1); /* the spec's defaults */
	assert_int_equal(c.max_data_xfer_size, 1 << 20);
	assert_int_equal(c.max_dma_maps, 65535);
	assert_int_equal(c.pgsizes, 4096);
	assert_int_equal(xpdk_vfu_caps_parse("{\"capabilities\":{\"max_msg_fds\":16,"
					     "\"migration\":{\"pgsize\":4096},\"x\":1}}",
					     &c),
			 0);
	assert_int_equal(c.max_msg_fds, 16);
	assert_int_equal(xpdk_vfu_caps_parse("{\"capabilities\":{\"max_msg_fds\":-1}}", &c),
			 -EINVAL);
	assert_int_equal(xpdk_vfu_caps_parse("{\"capabilities\":{\"max_msg_fds\":\"8\"}}", &c),
			 -EINVAL);
	assert_int_equal(xpdk_vfu_caps_parse("not json", &c), -EINVAL);
	assert_int_equal(xpdk_vfu_caps_parse("[1]", &c), -EINVAL);
}

static void test_negotiation_reports_server_caps(void **state)
{
	struct pair p;
	const struct xpdk_vfu_caps *c;

	(void)state;
	start_pair(&p);
	c = xpdk_vfu_client_caps(p.client);
	assert_int_equal(xpdk_vfu_client_minor(p.client), 2);
	assert_int_equal(c->max_msg_fds, XPDK_VFU_MAX_FDS);
	assert_int_equal(c->max_data_xfer_size, XPDK_VFU_MAX_DATA_XFER);
	assert_true(xpdk_vfu_server_connected(p.srv));
	stop_pair(&p);
	assert_int_equal(fd_dev.attaches, fd_dev.detaches);
}

static void test_server_answers_lower_minor_and_rejects_other_major(void **state)
{
	uint8_t v01[4] = { 0, 0, 1, 0 }, v10[4] = { 1, 0, 0, 0 };
	struct vfu_msg r;
	struct pair p;

	(void)state;
	start_server(&p);
	assert_int_equal(raw_call(p.peer, XPDK_VFU_VERSION, v01, 4, NULL, 0, &r), 0);
	assert_int_equal(r.hdr.flags & XPDK_VFU_F_TYPE_MASK, XPDK_VFU_F_TYPE_REPLY);
	assert_int_equal(((struct xpdk_vfu_version *)r.payload)->major, 0);
	assert_int_equal(((struct xpdk_vfu_version *)r.payload)->minor, 1);
	assert_int_equal(r.payload[r.len - 1], '\0'); /* JSON is NUL-terminated */
	/* nothing proposed, nothing announced: the reply's capabilities are a subset */
	assert_string_equal((char *)r.payload + 4, "{\"capabilities\":{}}");
	xpdk_vfu_msg_release(&r);
	stop_pair(&p);

	start_server(&p);
	assert_int_equal(raw_call(p.peer, XPDK_VFU_VERSION, v10, 4, NULL, 0, &r), 0);
	assert_true(r.hdr.flags & XPDK_VFU_F_ERROR);
	xpdk_vfu_msg_release(&r);
	/* and then the server hangs up */
	assert_int_equal(xpdk_vfu_recv(p.peer, &r, 4096, 4, 2000), -ENOTCONN);
	stop_pair(&p);
}

static void test_command_before_version_is_refused(void **state)
{
	struct xpdk_vfu_device_info di = { .argsz = sizeof(di) };
	struct vfu_msg r;
	struct pair p;

	(void)state;
	start_server(&p);
	assert_int_equal(raw_call(p.peer, XPDK_VFU_DEVICE_GET_INFO, &di, sizeof(di), NULL, 0, &r),
			 0);
	assert_true(r.hdr.flags & XPDK_VFU_F_ERROR);
	assert_int_equal(r.hdr.error, EINVAL);
	assert_int_equal(r.hdr.msg_size, 16); /* an error reply is the header alone */
	xpdk_vfu_msg_release(&r);
	stop_pair(&p);
}

static void test_device_and_irq_info(void **state)
{
	struct xpdk_vfu_device_info di;
	struct vfio_irq_info ii;
	struct pair p;

	(void)state;
	start_pair(&p);
	assert_int_equal(xpdk_vfu_client_device_info(p.client, &di), 0);
	assert_int_equal(di.num_regions, 9);
	assert_int_equal(di.num_irqs, 5);
	assert_int_equal(di.flags, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(xpdk_vfu_client_irq_info(p.client, 1, &ii), 0);
	assert_int_equal(ii.count, 4);
	assert_int_equal(ii.flags & VFIO_IRQ_INFO_EVENTFD, VFIO_IRQ_INFO_EVENTFD);
	assert_int_equal(xpdk_vfu_client_irq_info(p.client, 5, &ii), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "refused DEVICE_GET_IRQ_INFO"));
	stop_pair(&p);
}

static void test_region_info_maps_sparse_area(void **state)
{
	const struct xpdk_vfu_region *r;
	struct pair p;

	(void)state;
	start_pair(&p);
	assert_int_equal(xpdk_vfu_client_region(p.client, 0, &r), 0);
	assert_int_equal(r->size, BAR0_SIZE);
	assert_int_equal(r->nareas, 0); /* trapped */
	assert_int_equal(xpdk_vfu_client_region(p.client, 1, &r), 0);
	assert_int_equal(r->size, BAR1_SIZE);
	assert_true(r->flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_int_equal(r->nareas, 1);
	assert_int_equal(r->areas[0].size, 4096);
	/* a store through the client's mapping is the server's memory */
	((volatile uint32_t *)r->areas[0].ptr)[3] = 0xfeedbeef;
	assert_int_equal(((uint32_t *)fd_dev.bar1)[3], 0xfeedbeef);
	assert_int_equal(xpdk_vfu_client_region(p.client, 20, &r), -EINVAL);
	stop_pair(&p);
}

static void test_region_info_small_argsz_gets_no_fd_and_says_size(void **state)
{
	struct vfio_region_info req = { .argsz = sizeof(req), .index = 1 }, ri;
	struct vfu_msg r;
	struct pair p;

	(void)state;
	start_server(&p);
	raw_version(p.peer);
	assert_int_equal(
	    raw_call(p.peer, XPDK_VFU_DEVICE_GET_REGION_INFO, &req, sizeof(req), NULL, 0, &r), 0);
	memcpy(&ri, r.payload, sizeof(ri));
	assert_int_equal(ri.argsz, 32 + 16 + 16); /* what the caps need: ask again with that */
	assert_int_equal(r.nfds, 0);
	assert_false(ri.flags & VFIO_REGION_INFO_FLAG_CAPS);
	xpdk_vfu_msg_release(&r);
	req.argsz = 64;
	assert_int_equal(
	    raw_call(p.peer, XPDK_VFU_DEVICE_GET_REGION_INFO, &req, sizeof(req), NULL, 0, &r), 0);
	memcpy(&ri, r.payload, sizeof(ri));
	assert_int_equal(r.nfds, 1); /* one fd for the region, not one per area */
	assert_true(ri.flags & VFIO_REGION_INFO_FLAG_CAPS);
	assert_int_equal(ri.cap_offset, 32);
	assert_int_equal(r.len, 64);
	xpdk_vfu_msg_release(&r);
	stop_pair(&p);
}

static void test_region_read_write_round_trip(void **state)
{
	uint8_t in[100], out[100];
	struct pair p;

	(void)state;
	start_pair(&p);
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 3);
	assert_int_equal(xpdk_vfu_client_region_write(p.client, 0, 0x100, in, sizeof(in)), 0);
	assert_memory_equal(fd_dev.bar0 + 0x100, in, sizeof(in));
	assert_int_equal(xpdk_vfu_client_region_read(p.client, 0, 0x100, out, sizeof(out)), 0);
	assert_memory_equal(out, in, sizeof(in));
	/* REGION_READ/WRITE also work on a mappable region */
	assert_int_equal(xpdk_vfu_client_region_write(p.client, 1, 4096 + 8, in, 4), 0);
	assert_memory_equal(fd_dev.bar1 + 4096 + 8, in, 4);
	/* config space */
	assert_int_equal(xpdk_vfu_client_region_write(p.client, 7, 4, in, 2), 0);
	assert_memory_equal(fd_dev.cfg + 4, in, 2);
	stop_pair(&p);
}

static void test_region_access_out_of_range_is_einval(void **state)
{
	uint8_t buf[16];
	struct pair p;

	(void)state;
	start_pair(&p);
	assert_int_equal(xpdk_vfu_client_region_read(p.client, 0, BAR0_SIZE - 4, buf, 8), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "refused REGION_READ"));
	assert_int_equal(xpdk_vfu_client_region_write(p.client, 0, UINT64_MAX - 3, buf, 8),
			 -EINVAL);
	assert_int_equal(xpdk_vfu_client_region_read(p.client, 3, 0, buf, 4), -EINVAL); /* absent */
	assert_int_equal(xpdk_vfu_client_region_read(p.client, 9, 0, buf, 4),
			 -EINVAL); /* no such */
	/* the connection is still good */
	assert_int_equal(xpdk_vfu_client_region_read(p.client, 0, 0, buf, 4), 0);
	stop_pair(&p);
}

static void test_region_write_with_wrong_length_is_einval(void **state)
{
	struct {
		struct xpdk_vfu_region_access a;
		uint8_t data[4];
	} __attribute__((packed)) w = { { 0, 0, 8 }, { 1, 2, 3, 4 } }; /* says 8, carries 4 */
	struct vfu_msg r;
	struct pair p;

	(void)state;
	start_server(&p);
	raw_version(p.peer);
	assert_int_equal(raw_call(p.peer, XPDK_VFU_REGION_WRITE, &w, sizeof(w), NULL, 0, &r), 0);
	assert_true(r.hdr.flags & XPDK_VFU_F_ERROR);
	assert_int_equal(r.hdr.error, EINVAL);
	xpdk_vfu_msg_release(&r);
	stop_pair(&p);
}

static void test_irq_eventfds_are_signalled(void **state)
{
	int efd[4];
	uint64_t n = 0;
	struct pair p;

	(void)state;
	for (int i = 0; i < 4; i++)
		efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	start_pair(&p);
	assert_int_equal(xpdk_vfu_server_irq_trigger(p.srv, 1, 2), -ENOENT);
	assert_int_equal(xpdk_vfu_client_set_irqs(p.client, 1, 0, 4, efd), 0);
	assert_int_equal(xpdk_vfu_server_irq_trigger(p.srv, 1, 2), 0);
	assert_int_equal(read(efd[2], &n, 8), 8);
	assert_int_equal(n, 1);
	assert_int_equal(read(efd[1], &n, 8), -1); /* only vector 2 fired */
	/* disabling drops the server's copies */
	assert_int_equal(xpdk_vfu_client_set_irqs(p.client, 1, 0, 0, NULL), 0);
	assert_int_equal(xpdk_vfu_server_irq_trigger(p.srv, 1, 2), -ENOENT);
	/* more vectors than the type has */
	assert_int_equal(xpdk_vfu_client_set_irqs(p.client, 0, 0, 2, efd), -EINVAL);
	stop_pair(&p);
	for (int i = 0; i < 4; i++)
		close(efd[i]);
}

static void test_set_irqs_bad_argsz_and_flags(void **state)
{
	struct vfio_irq_set set = {
		.argsz = 24, /* the message is 20 bytes */
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = 1,
	};
	struct vfu_msg r;
	struct pair p;

	(void)state;
	start_server(&p);
	raw_version(p.peer);
	assert_int_equal(raw_call(p.peer, XPDK_VFU_DEVICE_SET_IRQS, &set, sizeof(set), NULL, 0, &r),
			 0);
	assert_int_equal(r.hdr.error, EINVAL);
	xpdk_vfu_msg_release(&r);
	set.argsz = sizeof(set);
	set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER;
	assert_int_equal(raw_call(p.peer, XPDK_VFU_DEVICE_SET_IRQS, &set, sizeof(set), NULL, 0, &r),
			 0);
	assert_int_equal(r.hdr.error, EINVAL);
	xpdk_vfu_msg_release(&r);
	stop_pair(&p);
}

static void test_dma_map_by_fd_gives_server_access(void **state)
{
	int mfd = memfd_create("dma", MFD_CLOEXEC);
	uint8_t *mem, buf[8] = { 0 };
	struct pair p;

	(void)state;
	assert_int_equal(ftruncate(mfd, 1 << 20), 0);
	mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	assert_true(mem != MAP_FAILED);
	start_pair(&p);
	assert_int_equal(xpdk_vfu_server_dma_write(p.srv, 0x10000000, "x", 1), -EFAULT);
	assert_int_equal(xpdk_vfu_client_dma_map_fd(p.client, 0x10000000, 0x80000, mfd, 0x40000,
						    XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE),
			 0);
	assert_int_equal(xpdk_vfu_server_dma_write(p.srv, 0x10000010, "abcdefgh", 8), 0);
	assert_memory_equal(mem + 0x40010, "abcdefgh", 8); /* offset in the fd honoured */
	memcpy(mem + 0x40000 + 0x7fff8, "ZYXWVUTS", 8);
	assert_int_equal(xpdk_vfu_server_dma_read(p.srv, 0x1007fff8, buf, 8), 0);
	assert_memory_equal(buf, "ZYXWVUTS", 8);
	/* one byte past the window */
	assert_int_equal(xpdk_vfu_server_dma_read(p.srv, 0x1007fff9, buf, 8), -EFAULT);
	assert_non_null(strstr(xpdk_strerror_last(), "not in memory the client mapped"));
	/* memory past the end of the file would fault the server: refused */
	assert_int_equal(xpdk_vfu_client_dma_map_fd(p.client, 0x30000000, 0x2000, mfd,
						    (1 << 20) - 0x1000,
						    XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE),
			 -EINVAL);
	/* a read-only window refuses device writes */
	assert_int_equal(
	    xpdk_vfu_client_dma_map_fd(p.client, 0x20000000, 4096, mfd, 0, XPDK_VFU_DMA_F_READ), 0);
	assert_int_equal(xpdk_vfu_server_dma_write(p.srv, 0x20000000, "x", 1), -EFAULT);
	assert_int_equal(xpdk_vfu_server_dma_read(p.srv, 0x20000000, buf, 1), 0);
	/* overlap is refused with EEXIST, as the spec says */
	assert_int_equal(
	    xpdk_vfu_client_dma_map_fd(p.client, 0x1007f000, 0x2000, mfd, 0, XPDK_VFU_DMA_F_READ),
	    -EEXIST);
	assert_int_equal(xpdk_vfu_client_dma_unmap(p.client, 0x10000000, 0x80000, false), 0);
	assert_int_equal(xpdk_vfu_server_dma_read(p.srv, 0x10000010, buf, 1), -EFAULT);
	stop_pair(&p);
	/* after the client left, nothing is reachable */
	munmap(mem, 1 << 20);
	close(mfd);
}

/* A client that maps its memory file by file (one window per hugepage) gives the server adjacent
 * windows from different files: a copy over the seam reaches both files; a copy over a hole
 * faults without moving a byte; a pin stays within one window, a pin of a run ends at the seam. */
static void test_dma_copy_spans_adjacent_windows_from_different_files(void **state)
{
	const uint32_t rw = XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE;
	int fd_a = memfd_create("dma-a", MFD_CLOEXEC), fd_b = memfd_create("dma-b", MFD_CLOEXEC);
	uint8_t *a, *b, out[16], back[16];
	void *pin = NULL;
	size_t run = 0;
	struct pair p;

	(void)state;
	assert_int_equal(ftruncate(fd_a, 0x2000), 0);
	assert_int_equal(ftruncate(fd_b, 0x2000), 0);
	a = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED, fd_a, 0);
	b = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED, fd_b, 0);
	assert_true(a != MAP_FAILED && b != MAP_FAILED);
	start_pair(&p);
	assert_int_equal(xpdk_vfu_client_dma_map_fd(p.client, 0x50000000, 0x2000, fd_a, 0, rw), 0);
	assert_int_equal(xpdk_vfu_client_dma_map_fd(p.client, 0x50002000, 0x2000, fd_b, 0, rw), 0);
	memcpy(out, "0123456789abcdef", 16);
	assert_int_equal(xpdk_vfu_server_dma_write(p.srv, 0x50001ff8, out, 16), 0);
	assert_memory_equal(a + 0x1ff8, "01234567", 8);
	assert_memory_equal(b, "89abcdef", 8);
	assert_int_equal(xpdk_vfu_server_dma_read(p.srv, 0x50001ff8, back, 16), 0);
	assert_memory_equal(back, out, 16);
	assert_int_equal(xpdk_vfu_server_dma_pin(p.srv, 0x50001ff8, 16, false, &pin), -EFAULT);
	/* pinned run by run: up to the seam, then the second file */
	assert_int_equal(xpdk_vfu_server_dma_pin_run(p.srv, 0x50001ff8, 16, false, &pin, &run), 0);
	assert_int_equal(run, 8);
	assert_memory_equal(pin, "01234567", 8);
	xpdk_vfu_server_dma_unpin(p.srv);
	assert_int_equal(xpdk_vfu_server_dma_pin_run(p.srv, 0x50002000, 8, true, &pin, &run), 0);
	assert_int_equal(run, 8);
	assert_memory_equal(pin, "89abcdef", 8);
	memcpy(pin, "pinned!!", 8); /* the second file, seen by the client */
	assert_memory_equal(b, "pinned!!", 8);
	xpdk_vfu_server_dma_unpin(p.srv);
	/* a run starting in a hole, or of 0 bytes, pins nothing */
	assert_int_equal(xpdk_vfu_server_dma_pin_run(p.srv, 0x50004000, 8, false, &pin, &run),
			 -EFAULT);
	assert_int_equal(xpdk_vfu_server_dma_pin_run(p.srv, 0x50000000, 0, false, &pin, &run),
			 -EINVAL);
	/* past the second window: a hole; nothing is written, the first bad address is named */
	memset(b + 0x1ff8, 0, 8);
	assert_int_equal(xpdk_vfu_server_dma_write(p.srv, 0x50003ff8, out, 16), -EFAULT);
	assert_non_null(strstr(xpdk_strerror_last(), "0x50004000 is not in memory the client"));
	assert_int_equal(b[0x1ff8], 0);
	stop_pair(&p);
	munmap(a, 0x2000);
	munmap(b, 0x2000);
	close(fd_a);
	close(fd_b);
}

static void test_unmap_of_unknown_range_is_einval(void **state)
{
	int mfd = memfd_create("dma", MFD_CLOEXEC);
	struct pair p;

	(void)state;
	assert_int_equal(ftruncate(mfd, 8192), 0);
	start_pair(&p);
	assert_int_equal(xpdk_vfu_client_dma_unmap(p.client, 0x5000, 0x1000, false), -EINVAL);
	assert_int_equal(xpdk_vfu_client_dma_map_fd(p.client, 0x4000, 0x2000, mfd, 0, 3), 0);
	/* an unmap must match a map exactly */
	assert_int_equal(xpdk_vfu_client_dma_unmap(p.client, 0x4000, 0x1000, false), -EINVAL);
	assert_int_equal(xpdk_vfu_client_dma_unmap(p.client, 0, 0, true), 0);
	assert_int_equal(xpdk_vfu_server_dma_read(p.srv, 0x4000, &mfd, 1), -EFAULT);
	stop_pair(&p);
	close(mfd);
}

static void test_dma_unmap_reply_echoes_request(void **state)
{
	struct xpdk_vfu_dma_map dm = { .argsz = 32, .flags = 3, .addr = 0x1000, .size = 0x1000 };
	struct xpdk_vfu_dma_unmap du = { .argsz = 24, .addr = 0x1000, .size = 0x1000 };
	struct vfu_msg r;
	struct pair p;

	(void)state;
	start_server(&p);
	raw_version(p.peer);
	assert_int_equal(raw_call(p.peer, XPDK_VFU_DMA_MAP, &dm, sizeof(dm), NULL, 0, &r), 0);
	assert_int_equal(r.hdr.msg_size, 16); /* DMA_MAP: no reply payload */
	xpdk_vfu_msg_release(&r);
	assert_int_equal(raw_call(p.peer, XPDK_VFU_DMA_UNMAP, &du, sizeof(du), NULL, 0, &r), 0);
	assert_int_equal(r.hdr.msg_size, 16 + 24);
	assert_memory_equal(r.payload, &du, 24);
	xpdk_vfu_msg_release(&r);
	dm.argsz = 28; /* bad argsz */
	assert_int_equal(raw_call(p.peer, XPDK_VFU_DMA_MAP, &dm, sizeof(dm), NULL, 0, &r), 0);
	assert_int_equal(r.hdr.error, EINVAL);
	xpdk_vfu_msg_release(&r);
	stop_pair(&p);
}

static void test_reset_reaches_device(void **state)
{
	struct pair p;

	(void)state;
	start_pair(&p);
	assert_int_equal(xpdk_vfu_client_reset(p.client), 0);
	assert_int_equal(fd_dev.resets, 1);
	stop_pair(&p);
}

/* The wire bytes of a client's DMA_MAP, field by field as the spec lays them out. */
static void test_client_dma_map_wire_layout(void **state)
{
	int sv[2], mfd = memfd_create("dma", MFD_CLOEXEC);
	struct vfu_msg m;
	uint8_t expect[32];
	uint32_t u32;
	uint64_t u64;
	struct xpdk_vfu_client_opts o = { .timeout_ms = 500 };
	struct xpdk_vfu_client *c;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	{
		/* a hand-made server: its replies are queued before the client asks */
		const char caps[] = "{}";
		uint8_t v[4 + sizeof(caps)] = { 0, 0, 2, 0 };

		memcpy(v + 4, caps, sizeof(caps));
		assert_int_equal(xpdk_vfu_send(sv[0], 1, XPDK_VFU_VERSION, XPDK_VFU_F_TYPE_REPLY, 0,
					       v, sizeof(v), NULL, 0, NULL, 0),
				 0);
		/* and the DMA_MAP reply (msg_id 2) */
		assert_int_equal(xpdk_vfu_send(sv[0], 2, XPDK_VFU_DMA_MAP, XPDK_VFU_F_TYPE_REPLY, 0,
					       NULL, 0, NULL, 0, NULL, 0),
				 0);
	}
	c = xpdk_vfu_client_attach(sv[1], &o);
	assert_non_null(c);
	assert_int_equal(xpdk_vfu_client_caps(c)->max_msg_fds, 1); /* "{}": defaults */
	assert_int_equal(xpdk_vfu_client_dma_map_fd(c, 0x1122334455667788ULL, 0x200000, mfd, 0x1000,
						    XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE),
			 0);
	/* what the client sent: VERSION then DMA_MAP */
	assert_int_equal(xpdk_vfu_recv(sv[0], &m, 4096, 4, 1000), 0);
	assert_int_equal(m.hdr.cmd, XPDK_VFU_VERSION);
	assert_int_equal(m.payload[m.len - 1], '\0');
	xpdk_vfu_msg_release(&m);
	assert_int_equal(xpdk_vfu_recv(sv[0], &m, 4096, 4, 1000), 0);
	assert_int_equal(m.hdr.cmd, XPDK_VFU_DMA_MAP);
	assert_int_equal(m.hdr.msg_id, 2);
	assert_int_equal(m.hdr.msg_size, 48);
	assert_int_equal(m.hdr.flags, 0); /* a command, reply wanted */
	assert_int_equal(m.nfds, 1);
	u32 = 32;
	memcpy(expect + 0, &u32, 4); /* argsz */
	u32 = 3;
	memcpy(expect + 4, &u32, 4); /* flags: READ | WRITE */
	u64 = 0x1000;
	memcpy(expect + 8, &u64, 8); /* offset */
	u64 = 0x1122334455667788ULL;
	memcpy(expect + 16, &u64, 8); /* address */
	u64 = 0x200000;
	memcpy(expect + 24, &u64, 8); /* size */
	assert_memory_equal(m.payload, expect, 32);
	xpdk_vfu_msg_release(&m);
	xpdk_vfu_client_close(c);
	close(sv[0]);
	close(mfd);
}

/* Options from a newer XPDK (a comp_mask bit this one does not know) are refused before
 * anything is sent, and the socket handed to attach is closed. */
static void test_client_refuses_unknown_comp_mask_bits(void **state)
{
	struct xpdk_vfu_client_opts o = { .comp_mask = 1u << 31, .timeout_ms = 200 };
	int sv[2];
	char c;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	errno = 0;
	assert_null(xpdk_vfu_client_attach(sv[1], &o));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "unknown comp_mask bits 0x80000000"));
	/* nothing was sent, and the client's end is closed: the peer reads end of file */
	assert_int_equal(read(sv[0], &c, 1), 0);
	close(sv[0]);
	/* connect checks before connecting: EINVAL, not "no vfio-user socket" */
	errno = 0;
	assert_null(xpdk_vfu_client_connect("/nonexistent/xpdk.sock", &o));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "xpdk_vfu_client_opts"));
}

/* A server that sends DMA_READ and DMA_WRITE while the client waits for a reply: the client
 * serves them from memory it mapped without an fd. */
static void test_client_serves_dma_messages_while_waiting(void **state)
{
	int sv[2];
	struct xpdk_vfu_client_opts o = { .timeout_ms = 2000 };
	struct xpdk_vfu_device_info di;
	struct xpdk_vfu_client *c;
	uint8_t mem[256];
	struct vfu_msg m;
	struct {
		struct xpdk_vfu_dma_access a;
		uint8_t data[4];
	} __attribute__((packed)) w = { { 0x9000 + 10, 4 }, { 'w', 'x', 'y', 'z' } };
	struct xpdk_vfu_dma_access rd = { 0x9000 + 100, 3 };
	uint8_t v[4] = { 0, 0, 2, 0 };

	(void)state;
	memset(mem, 0, sizeof(mem));
	memcpy(mem + 100, "abc", 3);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	/* queued in advance: VERSION reply, DMA_MAP reply, then during DEVICE_GET_INFO a DMA_WRITE
	 * and a DMA_READ from the "server", then the GET_INFO reply */
	xpdk_vfu_send(sv[0], 1, XPDK_VFU_VERSION, XPDK_VFU_F_TYPE_REPLY, 0, v, 4, NULL, 0, NULL, 0);
	xpdk_vfu_send(sv[0], 2, XPDK_VFU_DMA_MAP, XPDK_VFU_F_TYPE_REPLY, 0, NULL, 0, NULL, 0, NULL,
		      0);
	c = xpdk_vfu_client_attach(sv[1], &o);
	assert_non_null(c);
	assert_int_equal(xpdk_vfu_client_dma_map_mem(c, 0x9000, sizeof(mem), mem,
						     XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE),
			 0);
	xpdk_vfu_send(sv[0], 50, XPDK_VFU_DMA_WRITE, XPDK_VFU_F_TYPE_COMMAND, 0, &w, sizeof(w),
		      NULL, 0, NULL, 0);
	xpdk_vfu_send(sv[0], 51, XPDK_VFU_DMA_READ, XPDK_VFU_F_TYPE_COMMAND, 0, &rd, sizeof(rd),
		      NULL, 0, NULL, 0);
	di = (struct xpdk_vfu_device_info){ 16, 3, 9, 5 };
	xpdk_vfu_send(sv[0], 3, XPDK_VFU_DEVICE_GET_INFO, XPDK_VFU_F_TYPE_REPLY, 0, &di, sizeof(di),
		      NULL, 0, NULL, 0);
	assert_int_equal(xpdk_vfu_client_device_info(c, &di), 0);
	assert_int_equal(di.num_regions, 9);
	assert_memory_equal(mem + 10, "wxyz", 4); /* the DMA_WRITE landed */
	/* skip what the client sent (VERSION, DMA_MAP, GET_INFO) to its DMA replies */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(xpdk_vfu_recv(sv[0], &m, 4096, 4, 1000), 0);
		xpdk_vfu_msg_release(&m);
	}
	assert_int_equal(xpdk_vfu_recv(sv[0], &m, 4096, 4, 1000), 0);
	assert_int_equal(m.hdr.msg_id, 50);
	assert_int_equal(m.hdr.flags, XPDK_VFU_F_TYPE_REPLY);
	assert_int_equal(m.len, 16); /* DMA_WRITE reply: address and count */
	xpdk_vfu_msg_release(&m);
	assert_int_equal(xpdk_vfu_recv(sv[0], &m, 4096, 4, 1000), 0);
	assert_int_equal(m.hdr.msg_id, 51);
	assert_int_equal(m.len, 16 + 3); /* DMA_READ reply: head + data at offset 16 */
	assert_memory_equal(m.payload + 16, "abc", 3);
	xpdk_vfu_msg_release(&m);
	/* a DMA outside the window gets an error reply */
	rd.addr = 0x9000 + 255;
	xpdk_vfu_send(sv[0], 52, XPDK_VFU_DMA_READ, XPDK_VFU_F_TYPE_COMMAND, 0, &rd, sizeof(rd),
		      NULL, 0, NULL, 0);
	assert_int_equal(xpdk_vfu_client_poll(c, 1000), 1);
	assert_int_equal(xpdk_vfu_recv(sv[0], &m, 4096, 4, 1000), 0);
	assert_true(m.hdr.flags & XPDK_VFU_F_ERROR);
	assert_int_equal(m.hdr.error, EFAULT);
	xpdk_vfu_msg_release(&m);
	xpdk_vfu_client_close(c);
	close(sv[0]);
}

static void test_client_times_out_when_server_never_replies(void **state)
{
	int sv[2];
	struct xpdk_vfu_client_opts o = { .timeout_ms = 200 };
	struct timespec t0, t1;
	long ms;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_null(xpdk_vfu_client_attach(sv[1], &o));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_non_null(strstr(xpdk_strerror_last(), "no reply to VERSION within 200 ms"));
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 190 && ms < 2000);
	close(sv[0]);
}

static void test_client_sees_server_vanish_mid_message(void **state)
{
	int sv[2];
	struct xpdk_vfu_hdr h = { .msg_id = 1,
				  .cmd = XPDK_VFU_VERSION,
				  .msg_size = 100,
				  .flags = XPDK_VFU_F_TYPE_REPLY };

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	/* a reply that promises 100 bytes, delivers 20, and the server dies */
	assert_int_equal(write(sv[0], &h, sizeof(h)), sizeof(h));
	assert_int_equal(write(sv[0], "\0\0\2\0", 4), 4);
	close(sv[0]);
	assert_null(xpdk_vfu_client_attach(sv[1], NULL));
	assert_int_equal(errno, ENOTCONN);
	assert_non_null(strstr(xpdk_strerror_last(), "went away"));
}

static void test_server_survives_truncated_and_oversized_messages(void **state)
{
	struct xpdk_vfu_hdr h = { .msg_id = 1, .cmd = XPDK_VFU_VERSION, .msg_size = 100 };
	struct pair p;

	(void)state;
	/* truncated: the client dies mid-message; the server drops it and its run loop ends */
	fd_dev.detaches = 0;
	start_server(&p);
	assert_int_equal(write(p.peer, &h, sizeof(h)), sizeof(h));
	close(p.peer);
	p.peer = -1;
	stop_pair(&p);
	assert_int_equal(fd_dev.detaches, 1);
	/* oversized: refused before reading the payload */
	start_server(&p);
	h.msg_size = 64u << 20;
	assert_int_equal(write(p.peer, &h, sizeof(h)), sizeof(h));
	{
		struct vfu_msg r;

		assert_int_equal(xpdk_vfu_recv(p.peer, &r, 4096, 4, 2000), -ENOTCONN);
	}
	stop_pair(&p);
	/* smaller than a header */
	start_server(&p);
	h.msg_size = 8;
	assert_int_equal(write(p.peer, &h, sizeof(h)), sizeof(h));
	{
		struct vfu_msg r;

		assert_int_equal(xpdk_vfu_recv(p.peer, &r, 4096, 4, 2000), -ENOTCONN);
	}
	stop_pair(&p);
}

static void test_too_many_fds_are_refused_and_closed(void **state)
{
	int fds[XPDK_VFU_MAX_FDS + 1];
	int before, after;
	struct vfu_msg r;
	struct pair p;
	uint8_t v[4] = { 0, 0, 2, 0 };

	(void)state;
	for (int i = 0; i <= XPDK_VFU_MAX_FDS; i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	start_server(&p);
	before = count_dir("/proc/self/fd");
	/* 17 fds with one message: more than the 16 the server accepts */
	{
		struct xpdk_vfu_hdr h = { .msg_id = 1, .cmd = XPDK_VFU_VERSION, .msg_size = 20 };
		union {
			char buf[CMSG_SPACE(sizeof(int) * (XPDK_VFU_MAX_FDS + 1))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov[2] = { { &h, sizeof(h) }, { v, 4 } };
		struct msghdr mh = { .msg_iov = iov,
				     .msg_iovlen = 2,
				     .msg_control = ctl.buf,
				     .msg_controllen = sizeof(ctl.buf) };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(cm), fds, sizeof(fds));
		assert_int_equal(sendmsg(p.peer, &mh, 0), 20);
	}
	assert_int_equal(xpdk_vfu_recv(p.peer, &r, 4096, 4, 2000), -ENOTCONN);
	stop_pair(&p);
	after = count_dir("/proc/self/fd");
	/* the server closed every fd it received (and its end of the pair) */
	assert_true(after <= before);
	for (int i = 0; i <= XPDK_VFU_MAX_FDS; i++)
		close(fds[i]);
}

static void test_fds_not_consumed_are_closed(void **state)
{
	int efd = eventfd(0, EFD_CLOEXEC);
	struct xpdk_vfu_device_info di = { .argsz = 16 };
	int before;
	struct vfu_msg r;
	struct pair p;

	(void)state;
	start_server(&p);
	raw_version(p.peer);
	before = count_dir("/proc/self/fd");
	/* an fd on a command that takes none */
	for (int i = 0; i < 10; i++) {
		assert_int_equal(
		    raw_call(p.peer, XPDK_VFU_DEVICE_GET_INFO, &di, sizeof(di), &efd, 1, &r), 0);
		xpdk_vfu_msg_release(&r);
	}
	/* the server releases a message after replying: one more exchange orders us after that */
	assert_int_equal(raw_call(p.peer, XPDK_VFU_DEVICE_GET_INFO, &di, sizeof(di), NULL, 0, &r),
			 0);
	xpdk_vfu_msg_release(&r);
	assert_int_equal(count_dir("/proc/self/fd"), before);
	stop_pair(&p);
	close(efd);
}

static void test_100k_region_write_read_pairs(void **state)
{
	struct timespec t0, t1;
	struct pair p;
	double us;

	(void)state;
	start_pair(&p);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t i = 0; i < 100000; i++) {
		uint32_t v = i * 2654435761u, back = 0;

		if (xpdk_vfu_client_region_write(p.client, 0, (i % 1024) * 4, &v, 4) != 0 ||
		    xpdk_vfu_client_region_read(p.client, 0, (i % 1024) * 4, &back, 4) != 0 ||
		    back != v)
			fail_msg("pair %u failed: %s", i, xpdk_strerror_last());
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3;
	print_message("# 100000 REGION_WRITE/READ pairs in %.0f ms: %.1f us per round trip\n",
		      us / 1e3, us / 200000);
	stop_pair(&p);
}

static void test_256mib_hugepages_map_use_unmap_without_leaks(void **state)
{
	const size_t size = 256u << 20;
	int fds_before, maps_before;
	struct pair p;

	(void)state;
	fds_before = count_dir("/proc/self/fd");
	maps_before = count_memfd_maps("huge");
	for (int round = 0; round < 3; round++) {
		int hfd = memfd_create("huge", MFD_CLOEXEC | MFD_HUGETLB);
		uint8_t *mem;

		if (hfd < 0 || ftruncate(hfd, (off_t)size) < 0)
			fail_msg("cannot get 256 MiB of hugepages (run devtools/hugepages.sh)");
		mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
		assert_true(mem != MAP_FAILED);
		start_pair(&p);
		/* mapped in 2 MiB-aligned pieces, one not aligned to the hugepage size */
		assert_int_equal(
		    xpdk_vfu_client_dma_map_fd(p.client, 0x40000000, size - 0x3000, hfd, 0x3000, 3),
		    0);
		/* ours and the server's */
		assert_int_equal(count_memfd_maps("huge"), maps_before + 2);
		for (size_t off = 0; off < size - 0x3000; off += 1u << 20) {
			uint64_t v = off ^ 0xa5a5a5a5a5a5a5a5ULL, back = 0;

			assert_int_equal(xpdk_vfu_server_dma_write(p.srv, 0x40000000 + off, &v, 8),
					 0);
			assert_memory_equal(mem + 0x3000 + off, &v, 8);
			assert_int_equal(
			    xpdk_vfu_server_dma_read(p.srv, 0x40000000 + off, &back, 8), 0);
			assert_int_equal(back, v);
		}
		assert_int_equal(
		    xpdk_vfu_client_dma_unmap(p.client, 0x40000000, size - 0x3000, false), 0);
		stop_pair(&p);
		munmap(mem, size);
		close(hfd);
	}
	assert_int_equal(count_dir("/proc/self/fd"), fds_before);
	assert_int_equal(count_memfd_maps("huge"), maps_before);
}

/* ==== reliability: hostile peers (issue 13) ==== */

static void test_version_reply_caps_are_a_subset_of_those_proposed(void **state)
{
	const char caps[] = "{\"capabilities\":{\"max_msg_fds\":4,\"pgsizes\":4096}}";
	uint8_t buf[4 + sizeof(caps)] = { 0, 0, 2, 0 };
	struct vfu_msg r;
	struct pair p;

	(void)state;
	memcpy(buf + 4, caps, sizeof(caps));
	start_server(&p);
	assert_int_equal(raw_call(p.peer, XPDK_VFU_VERSION, buf, sizeof(buf), NULL, 0, &r), 0);
	assert_false(r.hdr.flags & XPDK_VFU_F_ERROR);
	assert_string_equal((char *)r.payload + 4,
			    "{\"capabilities\":{\"max_msg_fds\":16,\"pgsizes\":4096}}");
	xpdk_vfu_msg_release(&r);
	stop_pair(&p);
}

/* A client core on one end of a socketpair whose VERSION reply is already queued. */
static struct xpdk_vfu_client *client_on_raw_peer(int sv[2], int timeout_ms)
{
	struct xpdk_vfu_client_opts o = { .timeout_ms = timeout_ms };
	uint8_t v[4] = { 0, 0, 2, 0 };
	struct vfu_msg m;
	struct xpdk_vfu_client *c;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	xpdk_vfu_send(sv[0], 1, XPDK_VFU_VERSION, XPDK_VFU_F_TYPE_REPLY, 0, v, 4, NULL, 0, NULL, 0);
	c = xpdk_vfu_client_attach(sv[1], &o);
	assert_non_null(c);
	assert_int_equal(xpdk_vfu_recv(sv[0], &m, 4096, 4, 1000), 0); /* its VERSION */
	xpdk_vfu_msg_release(&m);
	return c;
}

static void test_client_names_the_length_of_a_bad_region_read_reply(void **state)
{
	struct xpdk_vfu_region_access a = { .offset = 0, .region = 0, .count = 2 };
	struct xpdk_vfu_client *c;
	uint8_t buf[8];
	int sv[2];

	(void)state;
	c = client_on_raw_peer(sv, 2000);
	/* the reply to REGION_READ (msg 2) carries 7 bytes of data where 8 were asked */
	xpdk_vfu_send(sv[0], 2, XPDK_VFU_REGION_READ, XPDK_VFU_F_TYPE_REPLY, 0, &a, sizeof(a),
		      "1234567", 7, NULL, 0);
	assert_int_equal(xpdk_vfu_client_region_read(c, 0, 0, buf, 8), -EPROTO);
	assert_non_null(strstr(xpdk_strerror_last(), "23 bytes of payload for 8 bytes asked"));
	xpdk_vfu_client_close(c);
	close(sv[0]);
}

static void test_client_refuses_a_region_fd_smaller_than_the_region(void **state)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri),
				       .flags = VFIO_REGION_INFO_FLAG_READ |
						VFIO_REGION_INFO_FLAG_WRITE |
						VFIO_REGION_INFO_FLAG_MMAP,
				       .index = 0,
				       .size = 1 << 20 };
	const struct xpdk_vfu_region *reg;
	struct xpdk_vfu_client *c;
	int sv[2], mfd = memfd_create("short", MFD_CLOEXEC), pfd[2];

	(void)state;
	assert_true(mfd >= 0);
	assert_int_equal(ftruncate(mfd, 4096), 0); /* a page where the region says 1 MiB */
	c = client_on_raw_peer(sv, 2000);
	xpdk_vfu_send(sv[0], 2, XPDK_VFU_DEVICE_GET_REGION_INFO, XPDK_VFU_F_TYPE_REPLY, 0, &ri,
		      sizeof(ri), NULL, 0, &mfd, 1);
	assert_int_equal(xpdk_vfu_client_region(c, 0, &reg), -EPROTO);
	assert_non_null(strstr(xpdk_strerror_last(), "holds 4096 bytes, too few"));
	/* a pipe is not memory at all */
	assert_int_equal(pipe(pfd), 0);
	xpdk_vfu_send(sv[0], 3, XPDK_VFU_DEVICE_GET_REGION_INFO, XPDK_VFU_F_TYPE_REPLY, 0, &ri,
		      sizeof(ri), NULL, 0, &pfd[0], 1);
	assert_int_equal(xpdk_vfu_client_region(c, 0, &reg), -EPROTO);
	assert_non_null(strstr(xpdk_strerror_last(), "not a memory file"));
	xpdk_vfu_client_close(c);
	close(sv[0]);
	close(mfd);
	close(pfd[0]);
	close(pfd[1]);
}

struct trickle {
	int sock;
	size_t bytes;
	unsigned int gap_ms;
};

/* Send a message one byte at a time: a 16-byte header promising @bytes in all, then the rest. */
static void *trickle_thread(void *arg)
{
	struct trickle *t = arg;
	struct xpdk_vfu_hdr h = { .msg_id = 1,
				  .cmd = XPDK_VFU_VERSION,
				  .msg_size = (uint32_t)t->bytes,
				  .flags = XPDK_VFU_F_TYPE_REPLY };
	uint8_t msg[256] = { 0 };

	memcpy(msg, &h, sizeof(h));
	for (size_t i = 0; i < t->bytes; i++) {
		struct timespec ts = { 0, (long)t->gap_ms * 1000000 };

		if (send(t->sock, msg + i, 1, MSG_NOSIGNAL) != 1)
			break;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_client_bounds_a_trickled_reply_as_a_whole(void **state)
{
	struct xpdk_vfu_client_opts o = { .timeout_ms = 300 };
	struct trickle t = { .bytes = 200, .gap_ms = 50 }; /* 10 s in all, 50 ms per byte */
	struct timespec t0;
	pthread_t th;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	t.sock = sv[0];
	assert_int_equal(pthread_create(&th, NULL, trickle_thread, &t), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_null(xpdk_vfu_client_attach(sv[1], &o));
	assert_int_equal(errno, ETIMEDOUT);
	/* the timeout, or a second from the first byte: far from the 10 s of the trickle */
	assert_true(ms_since(&t0) < 4000);
	close(sv[0]);
	pthread_join(th, NULL);
}

static void test_server_bounds_a_trickled_command_as_a_whole(void **state)
{
	struct trickle t = { .bytes = 200, .gap_ms = 100 }; /* 20 s in all */
	struct timespec t0;
	struct vfu_msg m;
	pthread_t th;
	struct pair p;

	(void)state;
	start_server(&p);
	t.sock = p.peer;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pthread_create(&th, NULL, trickle_thread, &t), 0);
	/* the server hangs up within its 5 s message deadline (plus load margin) */
	assert_int_equal(xpdk_vfu_recv(p.peer, &m, 4096, 4, 30000), -ENOTCONN);
	assert_true(ms_since(&t0) < 15000);
	pthread_join(th, NULL);
	stop_pair(&p);
}

static void test_server_drops_a_client_that_never_sends_version(void **state)
{
	struct timespec t0;
	struct vfu_msg m;
	struct pair p;

	(void)state;
	start_server(&p);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(xpdk_vfu_recv(p.peer, &m, 4096, 4, 30000), -ENOTCONN);
	assert_true(ms_since(&t0) >= 4000 && ms_since(&t0) < 15000);
	stop_pair(&p);
}

static void test_client_connect_gives_up_on_a_full_backlog(void **state)
{
	char dir[] = "/tmp/xpdk-vfu-XXXXXX", path[64];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct xpdk_vfu_client_opts o = { .timeout_ms = 300 };
	int lfd, fill[64], nfill = 0;
	struct timespec t0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/busy.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 0), 0);
	/* fill the backlog: nobody accepts */
	while (nfill < 64) {
		int f = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

		if (connect(f, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			close(f);
			break;
		}
		fill[nfill++] = f;
	}
	assert_true(nfill < 64);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_null(xpdk_vfu_client_connect(path, &o));
	assert_int_equal(errno, ETIMEDOUT);
	assert_non_null(strstr(xpdk_strerror_last(), "is busy"));
	assert_true(ms_since(&t0) < 5000);
	while (nfill > 0)
		close(fill[--nfill]);
	close(lfd);
	unlink(path);
	rmdir(dir);
}

static void test_client_says_what_a_path_is_when_it_is_not_a_socket(void **state)
{
	char dir[] = "/tmp/xpdk-vfu-XXXXXX", path[128];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_null(xpdk_vfu_client_connect(dir, NULL));
	assert_non_null(strstr(xpdk_strerror_last(), "is not a vfio-user socket but a directory"));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_null(xpdk_vfu_client_connect(path, NULL));
	assert_non_null(strstr(xpdk_strerror_last(), "but a FIFO"));
	unlink(path);
	rmdir(dir);
}

static void test_server_leaves_a_live_socket_and_other_files_alone(void **state)
{
	char dir[] = "/tmp/xpdk-vfu-XXXXXX", path[128];
	struct xpdk_vfu_device_desc d;
	struct xpdk_vfu_server *s1, *s2;
	struct stat st;
	FILE *f;

	(void)state;
	make_desc(&d);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dev.sock", dir);
	s1 = xpdk_vfu_server_create(path, &d);
	assert_non_null(s1);
	s2 = xpdk_vfu_server_create(path, &d); /* s1 listens there */
	assert_null(s2);
	assert_int_equal(errno, EADDRINUSE);
	assert_int_equal(stat(path, &st), 0); /* still s1's */
	xpdk_vfu_server_destroy(s1);
	f = fopen(path, "w"); /* a regular file where the socket was */
	assert_non_null(f);
	fputs("keep me", f);
	fclose(f);
	assert_null(xpdk_vfu_server_create(path, &d));
	assert_int_equal(errno, EEXIST);
	assert_non_null(strstr(xpdk_strerror_last(), "is a regular file, not a socket"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 7);
	unlink(path);
	assert_null(xpdk_vfu_server_create("", &d));
	rmdir(dir);
}

/* The client shrinks the file behind its DMA memory after DMA_MAP: the server's access fails
 * with -EFAULT instead of killing the process with SIGBUS. */
static void test_server_dma_survives_client_memory_truncated(void **state)
{
	struct pair p;
	uint8_t buf[64];
	int mfd = memfd_create("dma", MFD_CLOEXEC);

	(void)state;
	assert_int_equal(ftruncate(mfd, 2 * 4096), 0);
	start_pair(&p);
	assert_int_equal(xpdk_vfu_client_dma_map_fd(p.client, 0x100000, 2 * 4096, mfd, 0,
						    XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE),
			 0);
	assert_int_equal(xpdk_vfu_server_dma_read(p.srv, 0x100000 + 4096, buf, sizeof(buf)), 0);
	assert_int_equal(ftruncate(mfd, 0), 0);
	assert_int_equal(xpdk_vfu_server_dma_read(p.srv, 0x100000 + 4096, buf, sizeof(buf)),
			 -EFAULT);
	assert_non_null(strstr(xpdk_strerror_last(), "truncated"));
	assert_int_equal(xpdk_vfu_server_dma_write(p.srv, 0x100000, buf, sizeof(buf)), -EFAULT);
	/* and the server goes on serving */
	assert_int_equal(ftruncate(mfd, 2 * 4096), 0);
	assert_int_equal(xpdk_vfu_server_dma_write(p.srv, 0x100000, "ok", 2), 0);
	stop_pair(&p);
	close(mfd);
}

struct touch_arg {
	volatile uint8_t *p;
	uint8_t v;
};

static void touch_fn(void *arg)
{
	struct touch_arg *t = arg;

	t->v = *t->p;
}

/* A burst: one hold, lookups through a cache (hits, a miss to the next window, the bytes left
 * in a window, the direction checked), and a guarded access to memory the client truncated
 * under the hold fails with -EFAULT; the server serves on after the release. */
static void test_dma_hold_lookup_through_a_cache(void **state)
{
	const uint32_t rw = XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE;
	int fd_a = memfd_create("dma-a", MFD_CLOEXEC), fd_b = memfd_create("dma-b", MFD_CLOEXEC);
	struct xpdk_vfu_dma_cache c = { 0 };
	struct touch_arg t;
	uint64_t avail = 0;
	void *pa = NULL, *pb = NULL;
	uint8_t *a;
	struct pair p;

	(void)state;
	assert_int_equal(ftruncate(fd_a, 0x2000), 0);
	assert_int_equal(ftruncate(fd_b, 0x2000), 0);
	a = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED, fd_a, 0);
	assert_true(a != MAP_FAILED);
	start_pair(&p);
	assert_int_equal(xpdk_vfu_client_dma_map_fd(p.client, 0x60000000, 0x2000, fd_a, 0, rw), 0);
	assert_int_equal(
	    xpdk_vfu_client_dma_map_fd(p.client, 0x60002000, 0x2000, fd_b, 0, XPDK_VFU_DMA_F_READ),
	    0);
	assert_int_equal(xpdk_vfu_server_dma_hold(p.srv), 0);
	assert_int_equal(xpdk_vfu_server_dma_lookup(p.srv, &c, 0x60000010, true, &pa, &avail), 0);
	assert_non_null(pa);
	assert_int_equal(avail, 0x2000 - 0x10);
	*(volatile uint8_t *)pa = 0x5a;
	assert_int_equal(a[0x10], 0x5a); /* the client's memory, not a copy */
	/* a hit: same window, further on */
	assert_int_equal(xpdk_vfu_server_dma_lookup(p.srv, &c, 0x60001fff, false, &pa, &avail), 0);
	assert_int_equal(avail, 1);
	/* the next window: another mapping, read-only for the device */
	assert_int_equal(xpdk_vfu_server_dma_lookup(p.srv, &c, 0x60002000, false, &pb, &avail), 0);
	assert_int_equal(avail, 0x2000);
	assert_int_equal(xpdk_vfu_server_dma_lookup(p.srv, &c, 0x60002008, true, &pb, &avail),
			 -EFAULT);
	assert_non_null(strstr(xpdk_strerror_last(), "not mapped for this direction"));
	assert_int_equal(xpdk_vfu_server_dma_lookup(p.srv, &c, 0x60004000, false, &pb, &avail),
			 -EFAULT);
	assert_non_null(strstr(xpdk_strerror_last(), "not in memory the client mapped"));
	/* the client truncates its file under the hold: a guarded access fails, nothing dies */
	assert_int_equal(xpdk_vfu_server_dma_lookup(p.srv, &c, 0x60001000, false, &pa, &avail), 0);
	assert_int_equal(ftruncate(fd_a, 0), 0);
	t.p = pa;
	assert_int_equal(xpdk_vfu_guarded(touch_fn, &t, NULL), -EFAULT);
	xpdk_vfu_server_dma_release(p.srv);
	assert_int_equal(ftruncate(fd_a, 0x2000), 0);
	assert_int_equal(xpdk_vfu_server_dma_write(p.srv, 0x60000000, "ok", 2), 0);
	stop_pair(&p);
	munmap(a, 0x2000);
	close(fd_a);
	close(fd_b);
}

static void test_irq_fd_must_be_an_eventfd_and_never_blocks(void **state)
{
	struct vfio_irq_set set = { .argsz = sizeof(set),
				    .flags =
					VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
				    .index = 1,
				    .start = 0,
				    .count = 1 };
	uint64_t full = 0xfffffffffffffffeULL, n;
	struct vfu_msg r;
	struct pair p;
	int pfd[2], efd = eventfd(0, EFD_CLOEXEC); /* blocking, as a careless client makes it */

	(void)state;
	assert_int_equal(pipe(pfd), 0);
	start_server(&p);
	raw_version(p.peer);
	/* a pipe passed as an eventfd is refused */
	assert_int_equal(
	    raw_call(p.peer, XPDK_VFU_DEVICE_SET_IRQS, &set, sizeof(set), &pfd[1], 1, &r), 0);
	assert_true(r.hdr.flags & XPDK_VFU_F_ERROR);
	assert_int_equal(r.hdr.error, EINVAL);
	xpdk_vfu_msg_release(&r);
	/* an eventfd at its largest count: signalling it must not block */
	assert_int_equal(write(efd, &full, sizeof(full)), sizeof(full));
	assert_int_equal(raw_call(p.peer, XPDK_VFU_DEVICE_SET_IRQS, &set, sizeof(set), &efd, 1, &r),
			 0);
	assert_false(r.hdr.flags & XPDK_VFU_F_ERROR);
	xpdk_vfu_msg_release(&r);
	assert_int_equal(xpdk_vfu_server_irq_trigger(p.srv, 1, 0), -EAGAIN);
	/* the client turned O_NONBLOCK off again: still no block */
	assert_int_equal(fcntl(efd, F_SETFL, 0), 0);
	assert_int_equal(xpdk_vfu_server_irq_trigger(p.srv, 1, 0), -EAGAIN);
	assert_int_equal(read(efd, &n, sizeof(n)), sizeof(n));
	assert_int_equal(xpdk_vfu_server_irq_trigger(p.srv, 1, 0), 0);
	close(p.peer);
	p.peer = -1;
	stop_pair(&p);
	close(efd);
	close(pfd[0]);
	close(pfd[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps_parse_defaults_and_errors),
		cmocka_unit_test(test_negotiation_reports_server_caps),
		cmocka_unit_test(test_server_answers_lower_minor_and_rejects_other_major),
		cmocka_unit_test(test_command_before_version_is_refused),
		cmocka_unit_test(test_device_and_irq_info),
		cmocka_unit_test(test_region_info_maps_sparse_area),
		cmocka_unit_test(test_region_info_small_argsz_gets_no_fd_and_says_size),
		cmocka_unit_test(test_region_read_write_round_trip),
		cmocka_unit_test(test_region_access_out_of_range_is_einval),
		cmocka_unit_test(test_region_write_with_wrong_length_is_einval),
		cmocka_unit_test(test_irq_eventfds_are_signalled),
		cmocka_unit_test(test_set_irqs_bad_argsz_and_flags),
		cmocka_unit_test(test_dma_map_by_fd_gives_server_access),
		cmocka_unit_test(test_dma_copy_spans_adjacent_windows_from_different_files),
		cmocka_unit_test(test_unmap_of_unknown_range_is_einval),
		cmocka_unit_test(test_dma_unmap_reply_echoes_request),
		cmocka_unit_test(test_reset_reaches_device),
		cmocka_unit_test(test_client_dma_map_wire_layout),
		cmocka_unit_test(test_client_refuses_unknown_comp_mask_bits),
		cmocka_unit_test(test_client_serves_dma_messages_while_waiting),
		cmocka_unit_test(test_client_times_out_when_server_never_replies),
		cmocka_unit_test(test_client_sees_server_vanish_mid_message),
		cmocka_unit_test(test_server_survives_truncated_and_oversized_messages),
		cmocka_unit_test(test_too_many_fds_are_refused_and_closed),
		cmocka_unit_test(test_fds_not_consumed_are_closed),
		cmocka_unit_test(test_100k_region_write_read_pairs),
		cmocka_unit_test(test_256mib_hugepages_map_use_unmap_without_leaks),
		cmocka_unit_test(test_version_reply_caps_are_a_subset_of_those_proposed),
		cmocka_unit_test(test_client_names_the_length_of_a_bad_region_read_reply),
		cmocka_unit_test(test_client_refuses_a_region_fd_smaller_than_the_region),
		cmocka_unit_test(test_client_bounds_a_trickled_reply_as_a_whole),
		cmocka_unit_test(test_server_bounds_a_trickled_command_as_a_whole),
		cmocka_unit_test(test_server_drops_a_client_that_never_sends_version),
		cmocka_unit_test(test_client_connect_gives_up_on_a_full_backlog),
		cmocka_unit_test(test_client_says_what_a_path_is_when_it_is_not_a_socket),
		cmocka_unit_test(test_server_leaves_a_live_socket_and_other_files_alone),
		cmocka_unit_test(test_server_dma_survives_client_memory_truncated),
		cmocka_unit_test(test_dma_hold_lookup_through_a_cache),
		cmocka_unit_test(test_irq_fd_must_be_an_eventfd_and_never_blocks),
	};

	return cmocka_run_group_tests_name("vfio_user", tests, setup, teardown);
}
