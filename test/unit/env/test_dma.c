/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Unit tests of lib/env: EAL bring-up defaults and DMA buffers. The program's own arguments are
 * passed to xpdk_env_init(), so meson runs it once on hugepages and once with --no-huge.
 */

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
#include <rte_memory.h>

#include "xpdk_env.h"

static int g_argc;
static char **g_argv;

static void test_init_applies_safe_defaults(void **state)
{
	char expect[64];
	int ret;

	(void)state;
	ret = xpdk_env_init(g_argc, g_argv);
	if (ret < 0)
		fail_msg("xpdk_env_init: %s", xpdk_strerror_last());
	/* the caller skips what EAL consumed: everything but argv[0] here */
	assert_int_equal(ret, g_argc - 1);
	assert_true(xpdk_env_ready());
	assert_int_equal(rte_eal_has_pci(), 0); /* --no-pci */
	assert_int_equal(rte_eal_iova_mode(), RTE_IOVA_VA);
	snprintf(expect, sizeof(expect), "/xpdk-%ld", (long)getpid());
	assert_non_null(strstr(rte_eal_get_runtime_dir(), expect));
}

static void test_init_twice_is_refused(void **state)
{
	(void)state;
	assert_int_equal(xpdk_env_init(g_argc, g_argv), -EALREADY);
	assert_non_null(strstr(xpdk_strerror_last(), "already"));
}

static void check_buf(size_t size, size_t align)
{
	struct xpdk_dma_buf *b = xpdk_dma_alloc(size, align, XPDK_DMA_F_ZERO);
	size_t want_align = align ? align : 64;
	unsigned char *p;

	assert_non_null(b);
	assert_int_equal(b->size, size);
	assert_int_equal((uintptr_t)b->va % want_align, 0);
	assert_int_equal(b->iova % want_align, 0);
	assert_int_not_equal(b->iova, 0);
	assert_int_not_equal(b->iova, RTE_BAD_IOVA);
	/* the IOVA is what EAL's memory map says, at both ends of the buffer */
	assert_int_equal(rte_mem_virt2iova(b->va), b->iova);
	assert_int_equal(rte_mem_virt2iova((char *)b->va + size - 1), b->iova + size - 1);
	p = b->va;
	for (size_t i = 0; i < size; i++)
		assert_int_equal(p[i], 0);
	memset(p, 0xa5, size);
	xpdk_dma_free(b);
}

static void test_alloc_small_sizes(void **state)
{
	(void)state;
	check_buf(1, 0);
	check_buf(7, 0);
	check_buf(64, 0);
	check_buf(4095, 0);
	check_buf(4096, 4096);
}

static void test_alloc_odd_sizes_and_alignments(void **state)
{
	(void)state;
	check_buf(12345, 1);
	check_buf(12345, 128);
	check_buf(100003, 8192);
	check_buf(3, 1 << 16);
}

static void test_alloc_large_spans_pages(void **state)
{
	(void)state;
	check_buf(8u << 20, 0);
	check_buf((5u << 20) + 17, 2u << 20);
}

static void test_alloc_many_distinct(void **state)
{
	struct xpdk_dma_buf *b[64];

	(void)state;
	for (size_t i = 0; i < 64; i++) {
		b[i] = xpdk_dma_alloc(4096, 4096, 0);
		assert_non_null(b[i]);
		for (size_t j = 0; j < i; j++) {
			assert_ptr_not_equal(b[i]->va, b[j]->va);
			/* IOVA ranges do not overlap */
			assert_true(b[i]->iova + 4096 <= b[j]->iova ||
				    b[j]->iova + 4096 <= b[i]->iova);
		}
	}
	for (size_t i = 0; i < 64; i++)
		xpdk_dma_free(b[i]);
}

static void expect_alloc_error(size_t size, size_t align, unsigned int flags, int err,
			       const char *words)
{
	errno = 0;
	assert_null(xpdk_dma_alloc(size, align, flags));
	assert_int_equal(errno, err);
	if (strstr(xpdk_strerror_last(), words) == NULL)
		fail_msg("message '%s' lacks '%s'", xpdk_strerror_last(), words);
}

static void test_alloc_rejects_bad_arguments(void **state)
{
	(void)state;
	expect_alloc_error(0, 0, 0, EINVAL, "size 0");
	expect_alloc_error(64, 3, 0, EINVAL, "power of two");
	expect_alloc_error(64, (size_t)1 << 31, 0, EINVAL, "power of two");
	expect_alloc_error(64, 0, 0x80, EINVAL, "flags 0x80");
	expect_alloc_error(SIZE_MAX, 0, 0, ENOMEM, "limit");
	expect_alloc_error(SIZE_MAX - 4095, 4096, 0, ENOMEM, "limit");
}

static void test_alloc_beyond_memory_is_enomem(void **state)
{
	(void)state;
	/* 32 GiB is under the API limit but far beyond this environment's memory */
	expect_alloc_error((size_t)32 << 30, 0, 0, ENOMEM, "cannot allocate");
}

static void test_free_null_and_double_free(void **state)
{
	struct xpdk_dma_buf *b = xpdk_dma_alloc(128, 0, 0);
	struct xpdk_dma_buf *c;

	(void)state;
	xpdk_dma_free(NULL);
	assert_non_null(b);
	xpdk_dma_free(b);
	xpdk_err_clear();
	xpdk_dma_free(b); /* detected, not a crash */
	assert_non_null(strstr(xpdk_strerror_last(), "freed twice"));
	/* the allocator still works afterwards */
	c = xpdk_dma_alloc(128, 0, 0);
	assert_non_null(c);
	xpdk_dma_free(c);
}

static void test_get_set64_by_index(void **state)
{
	struct xpdk_dma_buf *b = xpdk_dma_alloc(36, 0, XPDK_DMA_F_ZERO); /* 4 words + 4 bytes */
	uint64_t v = 0;

	(void)state;
	assert_non_null(b);
	assert_int_equal(xpdk_dma_len64(b), 4);
	assert_int_equal(xpdk_dma_set64(b, 3, 0x1122334455667788ULL), 0);
	assert_int_equal(xpdk_dma_get64(b, 3, &v), 0);
	assert_int_equal(v, 0x1122334455667788ULL);
	assert_int_equal(((uint64_t *)b->va)[3], 0x1122334455667788ULL);
	assert_int_equal(xpdk_dma_set64(b, 4, 1), -ERANGE);
	assert_non_null(strstr(xpdk_strerror_last(), "index 4"));
	assert_int_equal(xpdk_dma_get64(b, 4, &v), -ERANGE);
	assert_int_equal(xpdk_dma_get64(NULL, 0, &v), -EINVAL);
	xpdk_dma_free(b);
}

static void test_read64_by_offset(void **state)
{
	struct xpdk_dma_buf *b = xpdk_dma_alloc(32, 0, XPDK_DMA_F_ZERO);
	uint64_t v = 0;

	(void)state;
	assert_non_null(b);
	xpdk_dma_set64(b, 1, 0xabcdULL);
	assert_int_equal(xpdk_dma_read64(b, 8, &v), 0);
	assert_int_equal(v, 0xabcd);
	assert_int_equal(xpdk_dma_read64(b, 24, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(xpdk_dma_read64(b, 4, &v), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "aligned"));
	assert_int_equal(xpdk_dma_read64(b, 32, &v), -ERANGE);
	assert_int_equal(xpdk_dma_read64(b, SIZE_MAX - 7, &v), -ERANGE);
	xpdk_dma_free(b);
}

static void test_fill64_leaves_tail(void **state)
{
	struct xpdk_dma_buf *b = xpdk_dma_alloc(21, 0, XPDK_DMA_F_ZERO);
	unsigned char *p;

	(void)state;
	assert_non_null(b);
	assert_int_equal(xpdk_dma_fill64(b, 0x0101010101010101ULL), 0);
	p = b->va;
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(p[i], 1);
	for (size_t i = 16; i < 21; i++)
		assert_int_equal(p[i], 0);
	xpdk_dma_free(b);
}

static void test_compare_reports_first_difference(void **state)
{
	struct xpdk_dma_buf *a = xpdk_dma_alloc(4096, 0, XPDK_DMA_F_ZERO);
	struct xpdk_dma_buf *b = xpdk_dma_alloc(4096, 0, XPDK_DMA_F_ZERO);
	struct xpdk_dma_buf *s = xpdk_dma_alloc(100, 0, XPDK_DMA_F_ZERO);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(s);
	assert_int_equal(xpdk_dma_compare(a, b), 4096);
	((unsigned char *)b->va)[4095] = 1;
	assert_int_equal(xpdk_dma_compare(a, b), 4095);
	((unsigned char *)b->va)[13] = 1;
	assert_int_equal(xpdk_dma_compare(a, b), 13);
	assert_int_equal(xpdk_dma_compare(b, a), 13);
	/* different sizes: compared over the shorter */
	assert_int_equal(xpdk_dma_compare(a, s), 100);
	assert_int_equal(xpdk_dma_compare(a, NULL), -EINVAL);
	xpdk_dma_free(a);
	xpdk_dma_free(b);
	xpdk_dma_free(s);
}

/* The (fd, offset) of a buffer reaches the very same memory when another mapping of it is made,
 * as a vfio-user device process does: a write through one is seen through the other. */
static void check_fd_shares_memory(size_t size)
{
	struct xpdk_dma_buf *b = xpdk_dma_alloc(size, 4096, XPDK_DMA_F_ZERO);
	volatile uint64_t *other;
	size_t pg, map_len;
	off_t map_off;
	char *map;
	int fd = -1;
	off_t off = -1;

	assert_non_null(b);
	assert_int_equal(xpdk_dma_fd(b, &fd, &off), 0);
	assert_true(fd >= 0);
	assert_true(off >= 0);
	/* mappings of hugetlbfs files start on a hugepage boundary */
	pg = b->page_size;
	map_off = off & ~(off_t)(pg - 1);
	map_len = XPDK_ALIGN_UP((size_t)(off - map_off) + size, pg);
	map = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map_off);
	assert_true(map != MAP_FAILED);
	other = (volatile uint64_t *)(map + (off - map_off));
	xpdk_dma_set64(b, 0, 0xfeedfacecafebeefULL);
	assert_int_equal(other[0], 0xfeedfacecafebeefULL);
	other[size / 8 - 1] = 0x0123456789abcdefULL;
	assert_int_equal(((uint64_t *)b->va)[size / 8 - 1], 0x0123456789abcdefULL);
	munmap(map, map_len);
	xpdk_dma_free(b);
}

static void test_fd_offset_reaches_same_memory(void **state)
{
	(void)state;
	check_fd_shares_memory(4096);
	check_fd_shares_memory(6u << 20); /* several hugepages */
}

/* Run before the environment exists. */
static void test_alloc_before_init_is_refused(void **state)
{
	(void)state;
	expect_alloc_error(64, 0, 0, EINVAL, "xpdk_env_init");
}

/* With no free hugepages the error says so and how to fix it, before EAL starts (so EAL can
 * still be started afterwards). The hugepage count comes from a fake sysfs tree. */
static void test_init_without_hugepages_explains_fix(void **state)
{
	char tmpl[] = "/tmp/xpdk-sysfs-XXXXXX";
	char *args[] = { g_argv[0], "-l", "0", NULL };
	char path[256];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "mkdir -p %s/kernel/mm/hugepages/hugepages-2048kB", tmpl);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
		 tmpl);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("0\n", f);
	fclose(f);
	setenv("XPDK_SYSFS", tmpl, 1);
	assert_int_equal(xpdk_env_init(3, args), -ENOMEM);
	assert_int_equal(xpdk_env_hugepages_free(), 0);
	unsetenv("XPDK_SYSFS");
	assert_non_null(strstr(xpdk_strerror_last(), "no free hugepages"));
	assert_non_null(strstr(xpdk_strerror_last(), "devtools/hugepages.sh"));
	assert_non_null(strstr(xpdk_strerror_last(), "--no-huge"));
	assert_false(xpdk_env_ready());
	snprintf(path, sizeof(path), "rm -rf %s", tmpl);
	assert_int_equal(system(path), 0);
}

static void test_init_again_after_cleanup_is_refused(void **state)
{
	char rundir[256];

	(void)state;
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	xpdk_env_cleanup();
	assert_false(xpdk_env_ready());
	/* the per-process runtime directory XPDK chose is gone */
	assert_int_not_equal(access(rundir, F_OK), 0);
	assert_int_equal(xpdk_env_init(g_argc, g_argv), -EALREADY);
	assert_non_null(strstr(xpdk_strerror_last(), "once per process"));
}

int main(int argc, char **argv)
{
	/* one group, in order: before init, with the environment, after cleanup */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_before_init_is_refused),
		cmocka_unit_test(test_init_without_hugepages_explains_fix),
		cmocka_unit_test(test_init_applies_safe_defaults),
		cmocka_unit_test(test_init_twice_is_refused),
		cmocka_unit_test(test_alloc_small_sizes),
		cmocka_unit_test(test_alloc_odd_sizes_and_alignments),
		cmocka_unit_test(test_alloc_large_spans_pages),
		cmocka_unit_test(test_alloc_many_distinct),
		cmocka_unit_test(test_alloc_rejects_bad_arguments),
		cmocka_unit_test(test_alloc_beyond_memory_is_enomem),
		cmocka_unit_test(test_free_null_and_double_free),
		cmocka_unit_test(test_get_set64_by_index),
		cmocka_unit_test(test_read64_by_offset),
		cmocka_unit_test(test_fill64_leaves_tail),
		cmocka_unit_test(test_compare_reports_first_difference),
		cmocka_unit_test(test_fd_offset_reaches_same_memory),
		cmocka_unit_test(test_init_again_after_cleanup_is_refused),
	};

	g_argc = argc;
	g_argv = argv;
	return cmocka_run_group_tests_name("env_dma", tests, NULL, NULL);
}
