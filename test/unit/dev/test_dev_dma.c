/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * DMA memory reaches a vfio-user device in every EAL memory mode XPDK accepts: devsim's edu
 * model is served in this process, opened through lib/dev's vfio-user transport, and the test
 * moves data as the device (xpdk_devsim_dma_read/write through the windows the client mapped),
 * over page and backing-file seams, with the bytes checked on both sides. Also: a device opened
 * before xpdk_env_init() gets the memory when the environment starts; memory EAL adds after the
 * open (hotplug) is mapped through the memory events; an allocation whose new memory cannot be
 * mapped fails instead of faulting later.
 *
 *   test_dev_dma MODE     MODE: default, in-memory, file-per-page, single-file, legacy-mem,
 *                         no-huge (meson runs each)
 */

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>

#include "xpdk_dev.h"
#include "xpdk_devsim.h"
#include "xpdk_env.h"

/* How a mode lays out its memory files. */
enum layout { FILE_PER_PAGE, FILE_PER_LIST };

static const struct mode {
	const char *name;
	const char *args[6];
	enum layout layout;
	bool dynamic; /* memory grows and shrinks at run time (not --legacy-mem, --no-huge) */
} modes[] = {
	{ "default", { NULL }, FILE_PER_LIST, true }, /* XPDK adds --in-memory --single-file-... */
	{ "in-memory", { "--in-memory", NULL }, FILE_PER_PAGE, true },
	{ "file-per-page", { "--file-prefix=@", "--huge-unlink", NULL }, FILE_PER_PAGE, true },
	/* EAL refuses --huge-unlink here: teardown removes our files from hugetlbfs */
	{ "single-file",
	  { "--file-prefix=@", "--single-file-segments", NULL },
	  FILE_PER_LIST,
	  true },
	{ "legacy-mem", { "--legacy-mem", "-m", "64", NULL }, FILE_PER_PAGE, false },
	{ "no-huge", { "--no-huge", "-m", "128", NULL }, FILE_PER_LIST, false },
};

static const struct mode *mode;
static char prefix[48];
static char prefix_arg[64];
static char runtime_dir[256];
static char sock[64];
static char name[80];
static struct xpdk_devsim_dev *sim;
static struct xpdk_dev *dev;

static int start_env(void)
{
	char *argv[12] = { "test_dev_dma", "-l", "0" };
	int argc = 3;

	for (unsigned int i = 0; mode->args[i] != NULL; i++) {
		if (strcmp(mode->args[i], "--file-prefix=@") == 0) {
			/* a prefix of our own: tests of several trees may run at once */
			snprintf(prefix, sizeof(prefix), "xpdk-test-dma-%d", (int)getpid());
			snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", prefix);
			argv[argc++] = prefix_arg;
		} else {
			argv[argc++] = (char *)(uintptr_t)mode->args[i];
		}
	}
	argv[argc] = NULL;
	if (xpdk_env_init(argc, argv) < 0) {
		print_error("xpdk_env_init: %s\n", xpdk_strerror_last());
		return -1;
	}
	if (prefix_arg[0] != '\0')
		snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	return 0;
}

static int setup(void **state)
{
	(void)state;
	snprintf(sock, sizeof(sock), "/tmp/xpdk-test-dma-%d.sock", (int)getpid());
	snprintf(name, sizeof(name), "vfio-user:%s", sock);
	xpdk_devsim_set_log_level(0);
	sim = xpdk_devsim_create("edu", NULL, "edu0", sock, -1);
	if (sim == NULL || xpdk_devsim_start(sim) < 0)
		return -1;
	return 0;
}

/* The runtime directory EAL made for a prefix we chose (XPDK removes only its own). */
static void remove_runtime_dir(void)
{
	DIR *d = runtime_dir[0] != '\0' ? opendir(runtime_dir) : NULL;
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			(void)unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	(void)rmdir(runtime_dir);
}

/* Hugepage files EAL left under our prefix in every hugetlbfs mount (they hold hugepages). */
static void remove_hugepage_files(void)
{
	char line[512], dir[256], type[32];
	FILE *f = prefix[0] != '\0' ? fopen("/proc/mounts", "r") : NULL;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		DIR *d;
		struct dirent *de;

		if (sscanf(line, "%*s %255s %31s", dir, type) != 2 ||
		    strcmp(type, "hugetlbfs") != 0)
			continue;
		d = opendir(dir);
		while (d != NULL && (de = readdir(d)) != NULL)
			if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
				(void)unlinkat(dirfd(d), de->d_name, 0);
		if (d != NULL)
			closedir(d);
	}
	if (f != NULL)
		fclose(f);
}

static int teardown(void **state)
{
	(void)state;
	xpdk_dev_close(dev);
	xpdk_devsim_destroy(sim);
	xpdk_env_cleanup();
	remove_runtime_dir();
	remove_hugepage_files();
	return 0;
}

/* Fill @p len bytes with a pattern that differs at every 8-byte word and depends on @p seed. */
static void pattern(uint8_t *p, size_t len, uint64_t seed)
{
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t v = (seed << 40) ^ i ^ 0x9e3779b97f4a7c15ULL;

		memcpy(p + i, &v, 8);
	}
}

/* The device reads what the CPU wrote over all of @p b, and the CPU sees what the device wrote
 * back; both in one DMA each, so a seam between pages or files is crossed inside one access. */
static void device_round_trip(const struct xpdk_dma_buf *b, uint64_t seed)
{
	uint8_t *want = malloc(b->size), *got = malloc(b->size);

	assert_non_null(want);
	assert_non_null(got);
	pattern(b->va, b->size, seed);
	assert_int_equal(xpdk_devsim_dma_read(sim, b->iova, got, b->size), 0);
	assert_memory_equal(got, b->va, b->size);
	pattern(want, b->size, seed + 1);
	assert_int_equal(xpdk_devsim_dma_write(sim, b->iova, want, b->size), 0);
	assert_memory_equal(b->va, want, b->size);
	free(want);
	free(got);
}

struct count {
	uint64_t lo, hi; /* the range asked about */
	unsigned int extents;
	uint64_t bytes, largest, page_size;
	bool all_files, sorted, whole_pages;
	uintptr_t last_end;
};

static int count_extent(const struct xpdk_env_mem_extent *e, void *arg)
{
	struct count *c = arg;
	uintptr_t va = (uintptr_t)e->va;

	c->bytes += e->len;
	c->largest = e->len > c->largest ? e->len : c->largest;
	c->all_files = c->all_files && e->fd >= 0;
	c->sorted = c->sorted && va >= c->last_end;
	c->whole_pages = c->whole_pages && e->page_size > 0 && e->len % e->page_size == 0;
	c->page_size = e->page_size;
	c->last_end = va + e->len;
	if (e->iova < c->hi && c->lo < e->iova + e->len)
		c->extents++;
	return 0;
}

static struct count walk(uint64_t lo, uint64_t hi)
{
	struct count c = {
		.lo = lo, .hi = hi, .all_files = true, .sorted = true, .whole_pages = true
	};

	assert_int_equal(xpdk_env_mem_walk(count_extent, &c), 0);
	return c;
}

static void test_open_before_init_gets_memory_when_env_starts(void **state)
{
	struct xpdk_dma_buf *b;

	(void)state;
	dev = xpdk_dev_open(name);
	assert_non_null(dev);
	assert_int_equal(xpdk_dev_dma_reachable(dev, 0x100000, 64), -EFAULT);
	assert_non_null(strstr(xpdk_strerror_last(), "before xpdk_env_init()"));
	assert_int_equal(start_env(), 0);
	b = xpdk_dma_alloc(4096, 4096, XPDK_DMA_F_ZERO);
	assert_non_null(b);
	assert_int_equal(xpdk_dev_dma_reachable(dev, b->iova, b->size), 0);
	device_round_trip(b, 1);
	xpdk_dma_free(b);
}

static int stop_at_first(const struct xpdk_env_mem_extent *e, void *arg)
{
	(void)e;
	++*(int *)arg;
	return 7;
}

static void test_walk_gives_file_extents_a_device_can_map(void **state)
{
	struct count c = walk(0, UINT64_MAX);
	int calls = 0;

	(void)state;
	assert_true(c.extents > 0);
	assert_true(c.all_files); /* every mode XPDK accepts has files behind its memory */
	assert_true(c.sorted && c.whole_pages);
	if (mode->layout == FILE_PER_PAGE)
		assert_int_equal(c.largest, c.page_size); /* never one range over two files */
	else if (c.bytes > c.page_size)
		assert_true(c.largest > c.page_size); /* pages of one file run on */
	assert_int_equal(xpdk_env_mem_walk(NULL, NULL), -EINVAL);
	/* a callback's non-zero value stops the walk and is returned */
	assert_int_equal(xpdk_env_mem_walk(stop_at_first, &calls), 7);
	assert_int_equal(calls, 1);
}

/* A buffer over three pages: two page seams, which are file seams with one file per page. */
static void test_dma_across_page_and_file_seams(void **state)
{
	struct xpdk_dma_buf *b;
	struct count c;
	size_t pg;

	(void)state;
	b = xpdk_dma_alloc(4096, 0, 0);
	assert_non_null(b);
	pg = b->page_size;
	xpdk_dma_free(b);
	b = xpdk_dma_alloc(3 * pg - 4096, 64, 0);
	assert_non_null(b);
	assert_true(b->iova / pg != (b->iova + b->size - 1) / pg); /* it does cross a seam */
	c = walk(b->iova, b->iova + b->size);
	if (mode->layout == FILE_PER_PAGE)
		assert_true(c.extents >= 2);
	assert_int_equal(xpdk_dev_dma_reachable(dev, b->iova, b->size), 0);
	device_round_trip(b, 2);
	xpdk_dma_free(b);
}

/* Memory EAL adds after the device was opened reaches it through the memory events. */
static void test_hotplugged_memory_is_mapped(void **state)
{
	const size_t size = 48u << 20;
	struct count before, after;
	struct xpdk_dma_buf *b;

	(void)state;
	before = walk(0, UINT64_MAX);
	b = xpdk_dma_alloc(size, 0, 0);
	assert_non_null(b);
	after = walk(0, UINT64_MAX);
	assert_true(after.bytes >= before.bytes + size - after.page_size); /* memory was added */
	assert_int_equal(xpdk_dev_dma_reachable(dev, b->iova, b->size), 0);
	device_round_trip(b, 3);
	xpdk_dma_free(b);
}

static int refuse(enum xpdk_env_mem_event event, const struct xpdk_env_mem_extent *ext, void *arg)
{
	int *calls = arg;

	(void)ext;
	if (event != XPDK_ENV_MEM_ALLOC)
		return 0;
	if (++*calls > 1000) /* the replay of the memory that exists is accepted */
		return xpdk_err(ENOSPC, "test subscriber has no room for more maps");
	return 0;
}

/* A subscriber that cannot follow new memory makes the allocation that needed it fail. */
static void test_alloc_fails_when_new_memory_cannot_be_mapped(void **state)
{
	int calls = 0;
	struct xpdk_dma_buf *b;

	(void)state;
	assert_int_equal(xpdk_env_mem_event_register(refuse, &calls), 0);
	assert_true(calls > 0 && calls < 1000); /* the memory that exists was replayed */
	assert_int_equal(xpdk_env_mem_event_register(refuse, &calls), -EEXIST);
	calls = 1000;
	b = xpdk_dma_alloc(64u << 20, 0, 0);
	assert_null(b);
	assert_int_equal(errno, ENOSPC);
	assert_non_null(strstr(xpdk_strerror_last(), "cannot be reached by a device"));
	assert_non_null(strstr(xpdk_strerror_last(), "no room for more maps"));
	assert_int_equal(xpdk_env_mem_event_unregister(refuse, &calls), 0);
	assert_int_equal(xpdk_env_mem_event_unregister(refuse, &calls), -ENOENT);
	b = xpdk_dma_alloc(64u << 20, 0, 0);
	assert_non_null(b);
	device_round_trip(b, 4);
	xpdk_dma_free(b);
}

/* --legacy-mem, --no-huge: all memory exists and is mapped from the start; a buffer comes from
 * it without any event, and a subscriber that would refuse new memory is never asked. */
static void test_fixed_memory_is_mapped_from_the_start(void **state)
{
	const size_t size = 16u << 20;
	struct count before = walk(0, UINT64_MAX), after;
	struct xpdk_dma_buf *b;
	int calls = 0;

	(void)state;
	assert_int_equal(xpdk_env_mem_event_register(refuse, &calls), 0);
	calls = 1000;
	b = xpdk_dma_alloc(size, 0, 0);
	assert_non_null(b);
	assert_int_equal(calls, 1000); /* no event */
	after = walk(0, UINT64_MAX);
	assert_int_equal(after.bytes, before.bytes);
	assert_int_equal(xpdk_dev_dma_reachable(dev, b->iova, b->size), 0);
	device_round_trip(b, 5);
	xpdk_dma_free(b);
	assert_int_equal(xpdk_env_mem_event_unregister(refuse, &calls), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest dynamic_tests[] = {
		cmocka_unit_test(test_open_before_init_gets_memory_when_env_starts),
		cmocka_unit_test(test_walk_gives_file_extents_a_device_can_map),
		cmocka_unit_test(test_dma_across_page_and_file_seams),
		cmocka_unit_test(test_hotplugged_memory_is_mapped),
		cmocka_unit_test(test_alloc_fails_when_new_memory_cannot_be_mapped),
	};
	const struct CMUnitTest fixed_tests[] = {
		cmocka_unit_test(test_open_before_init_gets_memory_when_env_starts),
		cmocka_unit_test(test_walk_gives_file_extents_a_device_can_map),
		cmocka_unit_test(test_dma_across_page_and_file_seams),
		cmocka_unit_test(test_fixed_memory_is_mapped_from_the_start),
	};

	for (size_t i = 0; argc == 2 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			mode = &modes[i];
	if (mode == NULL) {
		fprintf(stderr, "usage: test_dev_dma default|in-memory|file-per-page|single-file|"
				"legacy-mem|no-huge\n");
		return 2;
	}
	if (mode->dynamic)
		return cmocka_run_group_tests_name(mode->name, dynamic_tests, setup, teardown);
	return cmocka_run_group_tests_name(mode->name, fixed_tests, setup, teardown);
}
