/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Unit tests of lib/dfl: DFLs built in memory buffers, well-formed (FME chain, DFHv1 with
 * parameters, FME + port + AFU) and hostile (loops, overlaps, truncation, overruns, failing
 * reads), GUID formatting and parsing. The buffer's read64 fails the test on any read that is
 * unaligned or not wholly inside the region.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xpdk_dfl.h"

#define FME_GUID_L 0x82FE38F0F9E17764ULL
#define FME_GUID_H 0xBFAF2AE94A5246E3ULL

/* a DFL in memory */
struct mem {
	uint8_t *buf;
	uint64_t size;
	uint64_t fail_at; /* read64 fails at this offset; UINT64_MAX: never */
	unsigned int reads;
	struct xpdk_dfl_region r;
};

static int mem_read64(void *ctx, uint64_t off, uint64_t *val)
{
	struct mem *m = ctx;

	if (off % 8 || off >= m->size || m->size - off < 8)
		fail_msg("read64 at 0x%llx in a region of 0x%llx bytes", (unsigned long long)off,
			 (unsigned long long)m->size);
	m->reads++;
	if (off == m->fail_at)
		return -1;
	memcpy(val, m->buf + off, 8);
	return 0;
}

static struct mem *mem_new(uint64_t size)
{
	struct mem *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	m->buf = calloc(1, size ? size : 1);
	assert_non_null(m->buf);
	m->size = size;
	m->fail_at = UINT64_MAX;
	m->r = (struct xpdk_dfl_region){ .size = size, .read64 = mem_read64, .ctx = m };
	return m;
}

static void mem_free(struct mem *m)
{
	free(m->buf);
	free(m);
}

static void put(struct mem *m, uint64_t off, uint64_t v)
{
	assert_true(off + 8 <= m->size);
	memcpy(m->buf + off, &v, 8);
}

static uint64_t dfh(unsigned int type, unsigned int id, uint64_t next, bool eol)
{
	return XPDK_FIELD_PREP(XPDK_DFH_TYPE, type) | XPDK_FIELD_PREP(XPDK_DFH_ID, id) |
	       XPDK_FIELD_PREP(XPDK_DFH_NEXT, next) | (eol ? XPDK_DFH_EOL : 0);
}

static uint64_t dfh1(unsigned int type, unsigned int id, uint64_t next, bool eol)
{
	return dfh(type, id, next, eol) | XPDK_FIELD_PREP(XPDK_DFH_VERSION, 1);
}

/* callback that copies every feature it sees */
struct seen {
	unsigned int n;
	unsigned int stop_at; /* return stop_rc on this feature (1-based); 0: never */
	int stop_rc;
	struct xpdk_dfl_feature f[8];
};

static int collect(const struct xpdk_dfl_feature *f, void *arg)
{
	struct seen *s = arg;

	if (s->n < XPDK_ARRAY_SIZE(s->f))
		s->f[s->n] = *f;
	s->n++;
	return s->n == s->stop_at ? s->stop_rc : 0;
}

static int count_cb(const struct xpdk_dfl_feature *f, void *arg)
{
	(void)f;
	(*(unsigned int *)arg)++;
	return 0;
}

/* walk and expect a failure with @rc, @code at @off */
static void expect_walk_error(struct mem *m, uint64_t start, int rc, int code, uint64_t off)
{
	struct xpdk_dfl_error err;
	unsigned int n = 0;

	assert_int_equal(xpdk_dfl_walk(&m->r, start, count_cb, &n, &err), rc);
	assert_int_equal(err.code, code);
	assert_int_equal(err.offset, off);
	assert_string_equal(err.msg, xpdk_strerror_last());
	assert_true(strlen(err.msg) > 10);
}

static void expect_enum_error(struct mem *m, int rc, int code, uint64_t off)
{
	struct xpdk_dfl_error err;
	unsigned int n = 0;

	assert_int_equal(xpdk_dfl_enumerate(&m->r, count_cb, &n, &err), rc);
	assert_int_equal(err.code, code);
	assert_int_equal(err.offset, off);
	assert_string_equal(err.msg, xpdk_strerror_last());
}

static void expect_guid(const struct xpdk_guid *g, const char *want)
{
	char s[XPDK_GUID_STR_LEN + 1];

	assert_int_equal(xpdk_guid_format(g, s, sizeof(s)), XPDK_GUID_STR_LEN);
	assert_string_equal(s, want);
}

/* FME at 0 with thermal, power, global error and PR features, 0x1000 apart */
static void build_fme_chain(struct mem *m)
{
	put(m, 0x0000, dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_FME, 0x1000, false));
	put(m, XPDK_DFH_GUID_L, FME_GUID_L);
	put(m, XPDK_DFH_GUID_H, FME_GUID_H);
	put(m, 0x1000,
	    dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_THERMAL_MGMT, 0x1000, 0) |
		XPDK_FIELD_PREP(XPDK_DFH_REVISION, 2));
	put(m, 0x2000, dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_POWER_MGMT, 0x1000, 0));
	put(m, 0x3000, dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_GLOBAL_ERR, 0x1000, 0));
	put(m, 0x4000, dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_PR_MGMT, 0, true));
}

static void test_walk_fme_chain(void **state)
{
	static const unsigned int ids[] = { 0, 1, 2, 4, 5 };
	static const char *const names[] = { "FME", "thermal management", "power management",
					     "global error", "partial reconfiguration" };
	struct mem *m = mem_new(0x5000);
	struct xpdk_dfl_error err;
	struct seen s = { 0 };
	unsigned int i;

	(void)state;
	build_fme_chain(m);
	assert_int_equal(xpdk_dfl_walk(&m->r, 0, collect, &s, &err), 0);
	assert_int_equal(err.code, XPDK_DFL_E_NONE);
	assert_int_equal(s.n, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(s.f[i].offset, i * 0x1000);
		assert_int_equal(s.f[i].id, ids[i]);
		assert_int_equal(s.f[i].version, 0);
		assert_int_equal(s.f[i].depth, 0);
		assert_int_equal(s.f[i].parent, XPDK_DFL_NO_PARENT);
		assert_string_equal(xpdk_dfl_feature_name(s.f[i].type, s.f[i].id), names[i]);
		assert_int_equal(s.f[i].type, i ? XPDK_DFH_TYPE_PRIVATE : XPDK_DFH_TYPE_FIU);
		assert_int_equal(s.f[i].has_guid, i == 0);
		assert_int_equal(s.f[i].last, i == 4);
		assert_int_equal(s.f[i].next_abs, i == 4 ? 0 : (i + 1) * 0x1000);
		assert_int_equal(s.f[i].size, 0x1000);
	}
	assert_true(s.f[4].eol);
	assert_int_equal(s.f[1].revision, 2);
	assert_int_equal(s.f[0].header_size, 0x20);
	assert_int_equal(s.f[1].header_size, 8);
	expect_guid(&s.f[0].guid, "bfaf2ae9-4a52-46e3-82fe-38f0f9e17764");
	expect_guid(&s.f[0].guid, XPDK_FME_GUID);
	mem_free(m);
}

static void test_walk_decodes_dfhv1_params(void **state)
{
	struct mem *m = mem_new(0x2000);
	struct seen s = { 0 };

	(void)state;
	put(m, 0x00, dfh1(XPDK_DFH_TYPE_PRIVATE, 0x42, 0x1000, false));
	put(m, 0x08, 0x1111222233334444ULL);
	put(m, 0x10, 0x5555666677778888ULL);
	put(m, 0x18, 0x100); /* relative, bit 0 clear */
	put(m, 0x20,
	    XPDK_FIELD_PREP(XPDK_DFHV1_CSR_SIZE, 0x200) |
		XPDK_FIELD_PREP(XPDK_DFHV1_CSR_GROUP_ID, 5) |
		XPDK_FIELD_PREP(XPDK_DFHV1_CSR_INSTANCE_ID, 3) | XPDK_DFHV1_CSR_HAS_PARAMS);
	/* MSI-X parameter: 2 qwords (header + data) */
	put(m, 0x28,
	    XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_ID, XPDK_DFHV1_PARAM_ID_MSIX) |
		XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_VERSION, 1) |
		XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_NEXT, 2));
	put(m, 0x30, XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_MSIX_NUMV, 4));
	/* parameter 7: 3 qwords, last */
	put(m, 0x38,
	    XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_ID, 7) | XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_NEXT, 3) |
		XPDK_DFHV1_PARAM_EOP);
	/* second feature: DFHv1 interface with an absolute CSR address, no parameters */
	put(m, 0x1000, dfh1(XPDK_DFH_TYPE_INTERFACE, 0x7, 0, true));
	put(m, 0x1018, 0x12345000ULL | XPDK_DFHV1_CSR_ADDR_ABS);
	put(m, 0x1020, XPDK_FIELD_PREP(XPDK_DFHV1_CSR_SIZE, 0x1000));

	assert_int_equal(xpdk_dfl_walk(&m->r, 0, collect, &s, NULL), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.f[0].version, 1);
	assert_int_equal(s.f[0].header_size, 0x28);
	assert_true(s.f[0].has_guid);
	expect_guid(&s.f[0].guid, "55556666-7777-8888-1111-222233334444");
	assert_false(s.f[0].csr_abs);
	assert_int_equal(s.f[0].csr_addr, 0x100);
	assert_int_equal(s.f[0].csr_size, 0x200);
	assert_int_equal(s.f[0].group_id, 5);
	assert_int_equal(s.f[0].instance_id, 3);
	assert_true(s.f[0].has_params);
	assert_int_equal(s.f[0].num_params, 2);
	assert_int_equal(s.f[0].params[0].id, XPDK_DFHV1_PARAM_ID_MSIX);
	assert_int_equal(s.f[0].params[0].version, 1);
	assert_int_equal(s.f[0].params[0].offset, 0x30);
	assert_int_equal(s.f[0].params[0].size, 8);
	assert_int_equal(s.f[0].params[1].id, 7);
	assert_int_equal(s.f[0].params[1].offset, 0x40);
	assert_int_equal(s.f[0].params[1].size, 16);
	assert_int_equal(s.f[1].type, XPDK_DFH_TYPE_INTERFACE);
	assert_true(s.f[1].csr_abs);
	assert_int_equal(s.f[1].csr_addr, 0x12345000);
	assert_false(s.f[1].has_params);
	assert_int_equal(s.f[1].num_params, 0);
	mem_free(m);
}

static void test_walk_relative_csr_addr_is_from_the_dfh(void **state)
{
	struct mem *m = mem_new(0x3000);
	struct xpdk_dfl_feature f;

	(void)state;
	put(m, 0x0, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0x2000, false));
	put(m, 0x2000, dfh1(XPDK_DFH_TYPE_PRIVATE, 0x99, 0, true));
	put(m, 0x2018, 0x400);
	assert_int_equal(xpdk_dfl_find(&m->r, 0, XPDK_DFH_TYPE_PRIVATE, 0x99, &f), 0);
	assert_int_equal(f.csr_addr, 0x2400);
	assert_int_equal(f.size, 0x1000); /* last feature: up to the region end */
	mem_free(m);
}

static void test_walk_zero_next_without_eol_ends_chain(void **state)
{
	struct mem *m = mem_new(0x2000);
	struct seen s = { 0 };

	(void)state;
	put(m, 0x0, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0x1000, false));
	put(m, 0x1000, dfh(XPDK_DFH_TYPE_PRIVATE, 2, 0, false));
	put(m, 0x1008, dfh(XPDK_DFH_TYPE_PRIVATE, 3, 0, true)); /* never reached */
	assert_int_equal(xpdk_dfl_walk(&m->r, 0, collect, &s, NULL), 0);
	assert_int_equal(s.n, 2);
	assert_true(s.f[1].last);
	assert_false(s.f[1].eol);
	assert_int_equal(s.f[1].next_abs, 0);
	mem_free(m);
}

static void test_walk_eol_wins_over_next(void **state)
{
	struct mem *m = mem_new(0x2000);
	struct seen s = { 0 };

	(void)state;
	put(m, 0x0, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0x1000, true));
	put(m, 0x1000, dfh(XPDK_DFH_TYPE_PRIVATE, 2, 0, true));
	assert_int_equal(xpdk_dfl_walk(&m->r, 0, collect, &s, NULL), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.f[0].next, 0x1000);
	assert_int_equal(s.f[0].next_abs, 0);
	mem_free(m);
}

static void test_walk_rejects_next_inside_header(void **state)
{
	struct mem *m = mem_new(0x2000);

	(void)state;
	/* an FIU header is 0x20 bytes: NEXT 0x10 would land on its GUID_H */
	put(m, 0x0, dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_PORT, 0x10, false));
	expect_walk_error(m, 0, -EINVAL, XPDK_DFL_E_OVERLAP, 0);
	/* DFHv1: 0x28 bytes */
	put(m, 0x0, dfh1(XPDK_DFH_TYPE_PRIVATE, 1, 0x20, false));
	expect_walk_error(m, 0, -EINVAL, XPDK_DFL_E_OVERLAP, 0);
	/* AFU: 0x18, so 0x18 is fine */
	put(m, 0x0, dfh(XPDK_DFH_TYPE_AFU, XPDK_DFH_ID_AFU, 0x18, false));
	put(m, 0x18, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0, true));
	assert_int_equal(xpdk_dfl_walk(&m->r, 0, NULL, NULL, NULL), 0);
	mem_free(m);
}

static void test_walk_rejects_next_past_end(void **state)
{
	struct mem *m = mem_new(0x1004); /* not a multiple of 8 */

	(void)state;
	put(m, 0x0, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0x2000, false));
	expect_walk_error(m, 0, -ERANGE, XPDK_DFL_E_PAST_END, 0);
	/* the next DFH would start inside the region but straddle its end */
	put(m, 0x0, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0x1000, false));
	expect_walk_error(m, 0, -ERANGE, XPDK_DFL_E_PAST_END, 0);
	/* the largest NEXT (24 bits) from a DFH near the end */
	put(m, 0x800, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0xfffff8, false));
	expect_walk_error(m, 0x800, -ERANGE, XPDK_DFL_E_PAST_END, 0x800);
	mem_free(m);
}

static void test_walk_rejects_unaligned_offsets(void **state)
{
	struct mem *m = mem_new(0x2000);

	(void)state;
	put(m, 0x0, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0x1004, false));
	expect_walk_error(m, 0, -EINVAL, XPDK_DFL_E_UNALIGNED, 0);
	put(m, 0x0, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0, true));
	expect_walk_error(m, 4, -EINVAL, XPDK_DFL_E_UNALIGNED, 4);
	mem_free(m);
}

static void test_walk_rejects_start_outside_region(void **state)
{
	struct mem *m = mem_new(0x1000);

	(void)state;
	expect_walk_error(m, 0x1000, -ERANGE, XPDK_DFL_E_RANGE, 0x1000);
	expect_walk_error(m, UINT64_MAX - 7, -ERANGE, XPDK_DFL_E_RANGE, UINT64_MAX - 7);
	mem_free(m);
}

static void test_walk_tiny_regions(void **state)
{
	struct mem *m;

	(void)state;
	m = mem_new(0);
	expect_walk_error(m, 0, -ERANGE, XPDK_DFL_E_RANGE, 0);
	assert_int_equal(m->reads, 0);
	mem_free(m);

	m = mem_new(7);
	expect_walk_error(m, 0, -ERANGE, XPDK_DFL_E_RANGE, 0);
	assert_int_equal(m->reads, 0);
	mem_free(m);

	/* 12 bytes hold one private DFH: fine */
	m = mem_new(12);
	put(m, 0, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0, true));
	assert_int_equal(xpdk_dfl_walk(&m->r, 0, NULL, NULL, NULL), 0);
	mem_free(m);

	/* an FIU needs 0x20 bytes of header; 0x1c is too few and nothing past it is read */
	m = mem_new(0x1c);
	put(m, 0, dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_FME, 0, true));
	expect_walk_error(m, 0, -ERANGE, XPDK_DFL_E_RANGE, 0);
	mem_free(m);

	/* a DFHv1 header needs 0x28 */
	m = mem_new(0x24);
	put(m, 0, dfh1(XPDK_DFH_TYPE_PRIVATE, 1, 0, true));
	expect_walk_error(m, 0, -ERANGE, XPDK_DFL_E_RANGE, 0);
	assert_int_equal(xpdk_dfl_enumerate(&m->r, NULL, NULL, NULL), -ERANGE);
	mem_free(m);
}

static void test_walk_rejects_chain_longer_than_max(void **state)
{
	struct mem *m = mem_new(5000 * 8);
	unsigned int i, n = 0;

	(void)state;
	for (i = 0; i < 5000; i++)
		put(m, i * 8, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 8, i == 4999));
	expect_walk_error(m, 0, -E2BIG, XPDK_DFL_E_TOO_LONG, XPDK_DFL_MAX_FEATURES * 8);
	assert_int_equal(xpdk_dfl_walk(&m->r, 0, count_cb, &n, NULL), -E2BIG);
	assert_int_equal(n, XPDK_DFL_MAX_FEATURES);
	/* exactly the maximum is fine */
	put(m, (XPDK_DFL_MAX_FEATURES - 1) * 8, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 8, true));
	n = 0;
	assert_int_equal(xpdk_dfl_walk(&m->r, 0, count_cb, &n, NULL), 0);
	assert_int_equal(n, XPDK_DFL_MAX_FEATURES);
	mem_free(m);
}

/* a DFHv1 feature at 0 with parameters, next DFH at 0x40 */
static void build_v1_with_params(struct mem *m)
{
	memset(m->buf, 0, m->size);
	put(m, 0x00, dfh1(XPDK_DFH_TYPE_PRIVATE, 1, 0x40, false));
	put(m, 0x20, XPDK_DFHV1_CSR_HAS_PARAMS);
	put(m, 0x40, dfh(XPDK_DFH_TYPE_PRIVATE, 2, 0, true));
}

static void test_walk_rejects_param_overrun(void **state)
{
	struct mem *m = mem_new(0x1000);
	unsigned int i;

	(void)state;
	/* fits exactly: 0x28 + 3 qwords = 0x40 */
	build_v1_with_params(m);
	put(m, 0x28, XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_NEXT, 3) | XPDK_DFHV1_PARAM_EOP);
	assert_int_equal(xpdk_dfl_walk(&m->r, 0, NULL, NULL, NULL), 0);
	/* one qword more runs over the next DFH */
	put(m, 0x28, XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_NEXT, 4) | XPDK_DFHV1_PARAM_EOP);
	expect_walk_error(m, 0, -ERANGE, XPDK_DFL_E_PARAM_OVERRUN, 0x28);
	/* no EOP: the chain goes on into the next DFH */
	put(m, 0x28, XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_NEXT, 3));
	expect_walk_error(m, 0, -ERANGE, XPDK_DFL_E_PARAM_OVERRUN, 0x40);
	/* a zero NEXT would never advance */
	put(m, 0x28, XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_ID, 1));
	expect_walk_error(m, 0, -EINVAL, XPDK_DFL_E_PARAM_ZERO_NEXT, 0x28);
	/* has-params on a feature with no room for a parameter header */
	put(m, 0x00, dfh1(XPDK_DFH_TYPE_PRIVATE, 1, 0x28, false));
	put(m, 0x28, dfh(XPDK_DFH_TYPE_PRIVATE, 2, 0, true));
	expect_walk_error(m, 0, -ERANGE, XPDK_DFL_E_PARAM_OVERRUN, 0x28);
	/* last feature: bounded by the region end */
	build_v1_with_params(m);
	put(m, 0x00, dfh1(XPDK_DFH_TYPE_PRIVATE, 1, 0, true));
	put(m, 0x28, XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_NEXT, 0x200) | XPDK_DFHV1_PARAM_EOP);
	expect_walk_error(m, 0, -ERANGE, XPDK_DFL_E_PARAM_OVERRUN, 0x28);
	/* more parameters than we keep */
	memset(m->buf, 0, m->size);
	put(m, 0x00, dfh1(XPDK_DFH_TYPE_PRIVATE, 1, 0, true));
	put(m, 0x20, XPDK_DFHV1_CSR_HAS_PARAMS);
	for (i = 0; i <= XPDK_DFL_MAX_PARAMS; i++)
		put(m, 0x28 + i * 8,
		    XPDK_FIELD_PREP(XPDK_DFHV1_PARAM_NEXT, 1) |
			(i == XPDK_DFL_MAX_PARAMS ? XPDK_DFHV1_PARAM_EOP : 0));
	expect_walk_error(m, 0, -E2BIG, XPDK_DFL_E_PARAM_COUNT, 0x28 + XPDK_DFL_MAX_PARAMS * 8);
	mem_free(m);
}

static void test_walk_reports_read_failure(void **state)
{
	struct mem *m = mem_new(0x5000);
	struct seen s = { 0 };
	struct xpdk_dfl_error err;

	(void)state;
	build_fme_chain(m);
	m->fail_at = 0x2000;
	assert_int_equal(xpdk_dfl_walk(&m->r, 0, collect, &s, &err), -EIO);
	assert_int_equal(err.code, XPDK_DFL_E_READ);
	assert_int_equal(err.offset, 0x2000);
	assert_int_equal(s.n, 2); /* FME and thermal were delivered */
	/* a GUID register failing */
	m->fail_at = XPDK_DFH_GUID_H;
	expect_walk_error(m, 0, -EIO, XPDK_DFL_E_READ, XPDK_DFH_GUID_H);
	mem_free(m);
}

static void test_walk_rejects_unknown_version(void **state)
{
	struct mem *m = mem_new(0x2000);

	(void)state;
	put(m, 0x0, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0x1000, false));
	put(m, 0x1000,
	    dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0, true) | XPDK_FIELD_PREP(XPDK_DFH_VERSION, 2));
	expect_walk_error(m, 0, -EINVAL, XPDK_DFL_E_VERSION, 0x1000);
	mem_free(m);
}

static void test_walk_rejects_type_0(void **state)
{
	struct mem *m = mem_new(0x2000);

	(void)state;
	put(m, 0x0, dfh(XPDK_DFH_TYPE_PRIVATE, 1, 0x1000, false));
	put(m, 0x1000, dfh(0, 1, 0, true)); /* an end of list, but not a feature */
	expect_walk_error(m, 0, -EINVAL, XPDK_DFL_E_TYPE, 0x1000);
	mem_free(m);
}

static void test_walk_callback_stops_walk(void **state)
{
	struct mem *m = mem_new(0x5000);
	struct seen s = { .stop_at = 2, .stop_rc = 7 };
	struct xpdk_dfl_error err;

	(void)state;
	build_fme_chain(m);
	assert_int_equal(xpdk_dfl_walk(&m->r, 0, collect, &s, &err), 7);
	assert_int_equal(s.n, 2);
	assert_int_equal(err.code, XPDK_DFL_E_STOPPED);
	assert_int_equal(err.offset, 0x1000);
	mem_free(m);
}

static void test_walk_rejects_null_region(void **state)
{
	struct xpdk_dfl_region r = { .size = 64 };
	struct xpdk_dfl_error err;

	(void)state;
	assert_int_equal(xpdk_dfl_walk(NULL, 0, NULL, NULL, &err), -EINVAL);
	assert_int_equal(err.code, XPDK_DFL_E_ARG);
	assert_int_equal(xpdk_dfl_walk(&r, 0, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(xpdk_dfl_enumerate(&r, NULL, NULL, &err), -EINVAL);
	assert_int_equal(err.code, XPDK_DFL_E_ARG);
}

static void test_walk_does_not_follow_next_afu(void **state)
{
	struct mem *m = mem_new(0x2000);
	unsigned int n = 0;

	(void)state;
	put(m, 0x0, dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_PORT, 0, true));
	put(m, XPDK_DFH_NEXT_AFU, 0x1000);
	put(m, 0x1000, dfh(XPDK_DFH_TYPE_AFU, XPDK_DFH_ID_AFU, 0, true));
	assert_int_equal(xpdk_dfl_walk(&m->r, 0, count_cb, &n, NULL), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(xpdk_dfl_enumerate(&m->r, count_cb, &n, NULL), 0);
	assert_int_equal(n, 2);
	mem_free(m);
}

static void test_find_feature(void **state)
{
	struct mem *m = mem_new(0x5000);
	struct xpdk_dfl_feature f;

	(void)state;
	build_fme_chain(m);
	assert_int_equal(
	    xpdk_dfl_find(&m->r, 0, XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_PR_MGMT, &f), 0);
	assert_int_equal(f.offset, 0x4000);
	assert_int_equal(xpdk_dfl_find(&m->r, 0, XPDK_DFH_TYPE_PRIVATE, 0x6, &f), -ENOENT);
	put(m, 0x3000, dfh(XPDK_DFH_TYPE_PRIVATE, 4, 0x1004, false));
	assert_int_equal(xpdk_dfl_find(&m->r, 0, XPDK_DFH_TYPE_PRIVATE, 0x5, &f), -EINVAL);
	mem_free(m);
}

/* FME at 0 (+ thermal), port 0 at 0x8000 (+ port error), its AFU at 0xc000 (+ a feature) */
#define PORT0 0x8000ULL
#define AFU0  0xc000ULL

static uint64_t port_ofst(uint64_t off, unsigned int bar, bool imp)
{
	return XPDK_FIELD_PREP(XPDK_FME_PORT_OFST_DFH, off) |
	       XPDK_FIELD_PREP(XPDK_FME_PORT_OFST_BAR, bar) | (imp ? XPDK_FME_PORT_OFST_IMP : 0);
}

static void build_device(struct mem *m, unsigned int nports)
{
	memset(m->buf, 0, m->size);
	put(m, 0x0, dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_FME, 0x1000, false));
	put(m, XPDK_DFH_GUID_L, FME_GUID_L);
	put(m, XPDK_DFH_GUID_H, FME_GUID_H);
	put(m, XPDK_FME_HDR_CAP, XPDK_FIELD_PREP(XPDK_FME_CAP_NUM_PORTS, nports));
	put(m, XPDK_FME_HDR_PORT_OFST(0), port_ofst(PORT0, 0, true));
	put(m, XPDK_FME_HDR_PORT_OFST(1), port_ofst(0x9000, 0, false)); /* not implemented */
	put(m, XPDK_FME_HDR_PORT_OFST(2), port_ofst(0x9000, 2, true));	/* in BAR 2 */
	put(m, XPDK_FME_HDR_PORT_OFST(3), port_ofst(0x9000, XPDK_FME_PORT_BAR_SKIP, true));
	put(m, 0x1000, dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_THERMAL_MGMT, 0, true));
	put(m, PORT0, dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_PORT, 0x1000, false));
	put(m, PORT0 + XPDK_DFH_NEXT_AFU, AFU0 - PORT0);
	put(m, PORT0 + 0x1000, dfh(XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_ERROR, 0, true));
	put(m, AFU0, dfh(XPDK_DFH_TYPE_AFU, XPDK_DFH_ID_AFU, 0x100, false));
	put(m, AFU0 + XPDK_DFH_GUID_L, 0x0123456789abcdefULL);
	put(m, AFU0 + XPDK_DFH_GUID_H, 0xfedcba9876543210ULL);
	put(m, AFU0 + 0x100, dfh(XPDK_DFH_TYPE_PRIVATE, 0x20, 0, true));
}

static void test_enumerate_fme_port_afu(void **state)
{
	static const struct {
		uint64_t off;
		unsigned int depth;
		uint64_t parent;
		const char *name;
	} want[] = {
		{ 0, 0, XPDK_DFL_NO_PARENT, "FME" },
		{ 0x1000, 0, XPDK_DFL_NO_PARENT, "thermal management" },
		{ PORT0, 1, 0, "port" },
		{ AFU0, 2, PORT0, "AFU" },
		{ AFU0 + 0x100, 2, PORT0, "unknown" },
		{ PORT0 + 0x1000, 1, 0, "port error" },
	};
	struct mem *m = mem_new(0x10000);
	struct xpdk_dfl_error err;
	struct seen s = { 0 };
	unsigned int i;

	(void)state;
	build_device(m, 4);
	assert_int_equal(xpdk_dfl_enumerate(&m->r, collect, &s, &err), 0);
	assert_int_equal(s.n, XPDK_ARRAY_SIZE(want));
	for (i = 0; i < XPDK_ARRAY_SIZE(want); i++) {
		assert_int_equal(s.f[i].offset, want[i].off);
		assert_int_equal(s.f[i].depth, want[i].depth);
		assert_int_equal(s.f[i].parent, want[i].parent);
		assert_string_equal(xpdk_dfl_feature_name(s.f[i].type, s.f[i].id), want[i].name);
	}
	assert_int_equal(s.f[2].next_afu, AFU0 - PORT0);
	expect_guid(&s.f[3].guid, "fedcba98-7654-3210-0123-456789abcdef");
	/* FME_CAP says 0 ports: Linux looks at none */
	build_device(m, 0);
	s.n = 0;
	assert_int_equal(xpdk_dfl_enumerate(&m->r, collect, &s, NULL), 0);
	assert_int_equal(s.n, 2);
	mem_free(m);
}

/* A port released to a VF (access control VF) is the VF's: the PF's walk leaves it alone, even
 * when its registers read all ones from the PF. */
static void test_enumerate_skips_port_released_to_vf(void **state)
{
	struct mem *m = mem_new(0x10000);
	struct seen s = { 0 };

	(void)state;
	build_device(m, 4);
	put(m, XPDK_FME_HDR_PORT_OFST(0), port_ofst(PORT0, 0, true) | XPDK_FME_PORT_OFST_ACC);
	memset((uint8_t *)m->buf + PORT0, 0xff, 0x8000); /* the port and AFU, as the PF reads */
	assert_int_equal(xpdk_dfl_enumerate(&m->r, collect, &s, NULL), 0);
	assert_int_equal(s.n, 2); /* the FME and its thermal feature */
	assert_int_equal(s.f[1].offset, 0x1000);
	mem_free(m);
}

static void test_enumerate_vf_port(void **state)
{
	struct mem *m = mem_new(0x10000);
	struct seen s = { 0 };

	(void)state;
	put(m, 0x0, dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_PORT, 0, true));
	put(m, XPDK_DFH_NEXT_AFU, 0x1000);
	put(m, 0x1000, dfh(XPDK_DFH_TYPE_AFU, XPDK_DFH_ID_AFU, 0, true));
	assert_int_equal(xpdk_dfl_enumerate(&m->r, collect, &s, NULL), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.f[1].depth, 1);
	assert_int_equal(s.f[1].parent, 0);
	/* NEXT_AFU past the end */
	put(m, XPDK_DFH_NEXT_AFU, 0x10000);
	expect_enum_error(m, -ERANGE, XPDK_DFL_E_PAST_END, 0);
	/* NEXT_AFU unaligned */
	put(m, XPDK_DFH_NEXT_AFU, 0x1001);
	expect_enum_error(m, -EINVAL, XPDK_DFL_E_UNALIGNED, 0);
	mem_free(m);
}

static void test_enumerate_rejects_self_loop(void **state)
{
	struct mem *m = mem_new(0x10000);

	(void)state;
	build_device(m, 1);
	put(m, XPDK_FME_HDR_PORT_OFST(0), port_ofst(0, 0, true)); /* the FME itself */
	expect_enum_error(m, -ELOOP, XPDK_DFL_E_SELF_LOOP, 0);
	mem_free(m);
}

static void test_enumerate_rejects_cycle(void **state)
{
	struct mem *m = mem_new(0x10000);

	(void)state;
	/* port 0 at 0x8000 and port 1 at its AFU: the AFU is reached twice */
	build_device(m, 2);
	put(m, XPDK_FME_HDR_PORT_OFST(1), port_ofst(AFU0, 0, true));
	expect_enum_error(m, -ELOOP, XPDK_DFL_E_CYCLE, 0);
	/* a port pointing into the FME's own chain */
	build_device(m, 1);
	put(m, XPDK_FME_HDR_PORT_OFST(0), port_ofst(0x1000, 0, true));
	expect_enum_error(m, -ELOOP, XPDK_DFL_E_CYCLE, 0);
	/* the port's NEXT_AFU pointing at its own port error feature: reached twice */
	build_device(m, 1);
	put(m, PORT0 + XPDK_DFH_NEXT_AFU, 0x1000); /* = the port error feature */
	expect_enum_error(m, -ELOOP, XPDK_DFL_E_CYCLE, PORT0);
	mem_free(m);
}

static void test_enumerate_rejects_overlap(void **state)
{
	struct mem *m = mem_new(0x10000);

	(void)state;
	build_device(m, 1);
	put(m, XPDK_FME_HDR_PORT_OFST(0), port_ofst(0x10, 0, true)); /* inside the FME header */
	expect_enum_error(m, -EINVAL, XPDK_DFL_E_OVERLAP, 0);
	/* a port whose header would cover the thermal DFH */
	build_device(m, 1);
	put(m, 0xff8, dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_PORT, 0, true));
	put(m, XPDK_FME_HDR_PORT_OFST(0), port_ofst(0xff8, 0, true));
	expect_enum_error(m, -EINVAL, XPDK_DFL_E_OVERLAP, 0);
	mem_free(m);
}

static void test_enumerate_rejects_deep_nesting(void **state)
{
	struct mem *m = mem_new(0x10000);
	unsigned int i;

	(void)state;
	/* FIUs each pointing by NEXT_AFU to another FIU 0x100 further */
	for (i = 0; i < 10; i++) {
		put(m, i * 0x100, dfh(XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_PORT, 0, true));
		put(m, i * 0x100 + XPDK_DFH_NEXT_AFU, 0x100);
	}
	expect_enum_error(m, -E2BIG, XPDK_DFL_E_TOO_DEEP, XPDK_DFL_MAX_DEPTH * 0x100);
	mem_free(m);
}

static void test_enumerate_callback_stops(void **state)
{
	struct mem *m = mem_new(0x10000);
	struct seen s = { .stop_at = 3, .stop_rc = -42 };

	(void)state;
	build_device(m, 1);
	assert_int_equal(xpdk_dfl_enumerate(&m->r, collect, &s, NULL), -42);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.f[2].offset, PORT0);
	mem_free(m);
}

static void test_guid_regs_round_trip(void **state)
{
	struct xpdk_guid g = xpdk_guid_from_regs(FME_GUID_L, FME_GUID_H), p;
	uint64_t lo, hi;

	(void)state;
	expect_guid(&g, "bfaf2ae9-4a52-46e3-82fe-38f0f9e17764");
	assert_int_equal(g.b[0], 0xbf);
	assert_int_equal(g.b[15], 0x64);
	xpdk_guid_to_regs(&g, &lo, &hi);
	assert_int_equal(lo, FME_GUID_L);
	assert_int_equal(hi, FME_GUID_H);
	assert_int_equal(xpdk_guid_parse("BFAF2AE9-4A52-46E3-82FE-38F0F9E17764", &p), 0);
	assert_true(xpdk_guid_equal(&g, &p));
	assert_int_equal(xpdk_guid_parse(XPDK_PORT_GUID, &p), 0);
	assert_false(xpdk_guid_equal(&g, &p));
	expect_guid(&p, XPDK_PORT_GUID);
	xpdk_guid_to_regs(&p, &lo, &hi);
	assert_int_equal(hi, 0x3ab49893138d42ebULL);
	assert_int_equal(lo, 0x9642b06c6b355b87ULL);
}

static void test_guid_format_needs_room(void **state)
{
	struct xpdk_guid g = xpdk_guid_from_regs(1, 2);
	char s[XPDK_GUID_STR_LEN] = "x";

	(void)state;
	assert_int_equal(xpdk_guid_format(&g, s, sizeof(s)), -ENOSPC);
	assert_string_equal(s, "");
	assert_int_equal(xpdk_guid_format(&g, NULL, 0), -ENOSPC);
}

static void test_guid_parse_rejects_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"bfaf2ae9",
		"bfaf2ae94a5246e382fe38f0f9e17764",
		"bfaf2ae9-4a52-46e3-82fe-38f0f9e1776",
		"bfaf2ae9-4a52-46e3-82fe-38f0f9e177645",
		"bfaf2ae9-4a52-46e3-82fe-38f0f9e17764 ",
		" bfaf2ae9-4a52-46e3-82fe-38f0f9e17764",
		"{bfaf2ae9-4a52-46e3-82fe-38f0f9e17764}",
		"bfaf2ae94-a52-46e3-82fe-38f0f9e17764",
		"bfaf2ae9-4a52-46e3-82fe_38f0f9e17764",
		"bfaf2ae9-4a52-46e3-82fe-38f0f9e1776g",
		"gfaf2ae9-4a52-46e3-82fe-38f0f9e17764",
		"bfaf2ae9-4a52-46e3-82fe-38f0f9e1776-",
		"bfaf2ae9--4a52-46e3-82fe-38f0f9e1776",
	};
	struct xpdk_guid g = xpdk_guid_from_regs(7, 7), orig = g;
	size_t i;

	(void)state;
	for (i = 0; i < XPDK_ARRAY_SIZE(bad); i++) {
		if (xpdk_guid_parse(bad[i], &g) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_true(xpdk_guid_equal(&g, &orig));
	}
	assert_int_equal(xpdk_guid_parse(NULL, &g), -EINVAL);
	assert_int_equal(xpdk_guid_parse("00000000-0000-0000-0000-00000000000A", &g), 0);
	assert_int_equal(g.b[15], 0x0a);
}

static void test_feature_names(void **state)
{
	(void)state;
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_FIU, 0), "FME");
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_FIU, 1), "port");
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_FIU, 2), "unknown");
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_AFU, 0xff), "AFU");
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_PRIVATE, 0x3),
			    "global performance (integrated)");
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_PRIVATE, 0x7),
			    "global performance (discrete)");
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_PRIVATE, 0x10), "port error");
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_PRIVATE, 0x11), "UMsg");
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_PRIVATE, 0x12), "user interrupt");
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_PRIVATE, 0x13), "signal tap");
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_PRIVATE, 0x8), "unknown");
	assert_string_equal(xpdk_dfl_feature_name(XPDK_DFH_TYPE_INTERFACE, 0x1), "unknown");
	assert_string_equal(xpdk_dfl_feature_name(9, 0), "unknown");
	assert_string_equal(xpdk_dfl_strerror(XPDK_DFL_E_CYCLE), "cycle");
	assert_string_equal(xpdk_dfl_strerror(-1), "unknown");
	assert_string_equal(xpdk_dfl_strerror(1000), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_fme_chain),
		cmocka_unit_test(test_walk_decodes_dfhv1_params),
		cmocka_unit_test(test_walk_relative_csr_addr_is_from_the_dfh),
		cmocka_unit_test(test_walk_zero_next_without_eol_ends_chain),
		cmocka_unit_test(test_walk_eol_wins_over_next),
		cmocka_unit_test(test_walk_rejects_next_inside_header),
		cmocka_unit_test(test_walk_rejects_next_past_end),
		cmocka_unit_test(test_walk_rejects_unaligned_offsets),
		cmocka_unit_test(test_walk_rejects_start_outside_region),
		cmocka_unit_test(test_walk_tiny_regions),
		cmocka_unit_test(test_walk_rejects_chain_longer_than_max),
		cmocka_unit_test(test_walk_rejects_param_overrun),
		cmocka_unit_test(test_walk_reports_read_failure),
		cmocka_unit_test(test_walk_rejects_unknown_version),
		cmocka_unit_test(test_walk_rejects_type_0),
		cmocka_unit_test(test_walk_callback_stops_walk),
		cmocka_unit_test(test_walk_rejects_null_region),
		cmocka_unit_test(test_walk_does_not_follow_next_afu),
		cmocka_unit_test(test_find_feature),
		cmocka_unit_test(test_enumerate_fme_port_afu),
		cmocka_unit_test(test_enumerate_skips_port_released_to_vf),
		cmocka_unit_test(test_enumerate_vf_port),
		cmocka_unit_test(test_enumerate_rejects_self_loop),
		cmocka_unit_test(test_enumerate_rejects_cycle),
		cmocka_unit_test(test_enumerate_rejects_overlap),
		cmocka_unit_test(test_enumerate_rejects_deep_nesting),
		cmocka_unit_test(test_enumerate_callback_stops),
		cmocka_unit_test(test_guid_regs_round_trip),
		cmocka_unit_test(test_guid_format_needs_room),
		cmocka_unit_test(test_guid_parse_rejects_malformed),
		cmocka_unit_test(test_feature_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
