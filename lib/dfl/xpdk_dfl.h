/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * Device Feature List (DFL) walker: follows the chain of Device Feature Headers (DFH v0 and v1)
 * an FPGA exposes in a BAR, decodes each feature (type, ID, GUID, DFHv1 CSR block and
 * parameters) and hands it to a callback. Every input is hostile: loops, truncation, overlapping
 * headers and out-of-range offsets are reported as errors, never followed.
 *
 * The walker reads the device only through xpdk_dfl_region::read64, only at 8-byte aligned
 * offsets whose 8 bytes lie inside the region, so the same code runs on a mapped BAR, a trapped
 * vfio-user region or a buffer in a test. It allocates nothing except the visited-offset table
 * of xpdk_dfl_enumerate(), keeps no global state and is thread-safe as long as the region's
 * read64 is.
 *
 * GUIDs are kept in canonical byte order, the way OPAE prints them: the 128-bit value
 * GUID_H:GUID_L written big-endian, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
 */

#ifndef XPDK_DFL_H
#define XPDK_DFL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xpdk_dfl_regs.h"

#ifdef __cplusplus
extern "C" {
#endif
XPDK_API_BEGIN

/** Longest chain xpdk_dfl_walk() follows, and most features xpdk_dfl_enumerate() visits. */
#define XPDK_DFL_MAX_FEATURES 4096
/** Most DFHv1 parameters one feature may carry; more is an error (XPDK_DFL_E_PARAM_COUNT). */
#define XPDK_DFL_MAX_PARAMS 16
/** Deepest nesting xpdk_dfl_enumerate() follows (FME 0, port 1, AFU 2, ...). */
#define XPDK_DFL_MAX_DEPTH 4
/** Characters of a formatted GUID, without the terminating NUL. */
#define XPDK_GUID_STR_LEN 36
/** xpdk_dfl_feature::parent of a feature at depth 0. */
#define XPDK_DFL_NO_PARENT UINT64_MAX

/** A 128-bit GUID in canonical (big-endian, as printed) byte order. */
struct xpdk_guid {
	uint8_t b[16]; /**< b[0] is the first printed byte (bits 127:120 of GUID_H:GUID_L) */
};

/**
 * Where a DFL lives. The walker calls @p read64 for every register it needs, with an offset
 * that is a multiple of 8 and with offset + 8 <= @p size.
 */
struct xpdk_dfl_region {
	uint64_t size; /**< bytes; a trailing partial register (size % 8) is never read */
	/** Read the 64-bit register at byte @p off; return 0, or non-zero on failure. */
	int (*read64)(void *ctx, uint64_t off, uint64_t *val);
	void *ctx; /**< passed to read64 */
};

/** What went wrong, in struct xpdk_dfl_error::code. */
enum xpdk_dfl_errcode {
	XPDK_DFL_E_NONE = 0,	    /**< no error */
	XPDK_DFL_E_ARG,		    /**< bad argument (NULL region or read64): -EINVAL */
	XPDK_DFL_E_READ,	    /**< read64 failed: -EIO */
	XPDK_DFL_E_RANGE,	    /**< a DFH or header register is outside the region: -ERANGE */
	XPDK_DFL_E_UNALIGNED,	    /**< an offset is not a multiple of 8: -EINVAL */
	XPDK_DFL_E_SELF_LOOP,	    /**< a pointer leads back to the feature holding it: -ELOOP */
	XPDK_DFL_E_CYCLE,	    /**< a DFH is reached a second time: -ELOOP */
	XPDK_DFL_E_PAST_END,	    /**< NEXT/NEXT_AFU/port offset beyond the region: -ERANGE */
	XPDK_DFL_E_OVERLAP,	    /**< a DFH lies inside another feature's header: -EINVAL */
	XPDK_DFL_E_TOO_LONG,	    /**< more than XPDK_DFL_MAX_FEATURES features: -E2BIG */
	XPDK_DFL_E_TOO_DEEP,	    /**< nesting beyond XPDK_DFL_MAX_DEPTH: -E2BIG */
	XPDK_DFL_E_PARAM_OVERRUN,   /**< DFHv1 parameters run past the feature: -ERANGE */
	XPDK_DFL_E_PARAM_ZERO_NEXT, /**< DFHv1 parameter with a zero NEXT: -EINVAL */
	XPDK_DFL_E_PARAM_COUNT,	    /**< more than XPDK_DFL_MAX_PARAMS parameters: -E2BIG */
	XPDK_DFL_E_VERSION,	    /**< DFH version other than 0 or 1: -EINVAL */
	XPDK_DFL_E_NOMEM,	    /**< xpdk_dfl_enumerate() could not allocate: -ENOMEM */
	XPDK_DFL_E_STOPPED,	    /**< not a failure: the callback returned non-zero */
	XPDK_DFL_E_TYPE, /**< a DFH of type 0 (not a feature: empty or unprogrammed): -EINVAL */
	XPDK_DFL_E_VSEC, /**< the DFL VSEC in config space is malformed: -EINVAL */
};

/** Detail of a failed walk; filled by every walk function when given. */
struct xpdk_dfl_error {
	int code;	 /**< enum xpdk_dfl_errcode */
	uint64_t offset; /**< offset of the DFH (or register) where it happened */
	char msg[160];	 /**< the same sentence as xpdk_strerror_last() */
};

/** One DFHv1 parameter. */
struct xpdk_dfl_param {
	uint16_t id;	  /**< parameter ID (XPDK_DFHV1_PARAM_ID_*) */
	uint16_t version; /**< parameter version */
	uint64_t offset;  /**< region offset of the parameter's data (its header + 8) */
	uint64_t size;	  /**< data bytes (NEXT * 8 - 8) */
};

/** A decoded feature, valid only during the callback that receives it. */
struct xpdk_dfl_feature {
	uint64_t offset;       /**< region offset of the DFH */
	uint64_t dfh;	       /**< raw DFH */
	unsigned int type;     /**< XPDK_DFH_TYPE_* or any other 4-bit value */
	unsigned int id;       /**< feature ID (12 bits) */
	unsigned int revision; /**< feature revision (4 bits) */
	unsigned int version;  /**< DFH version: 0 or 1 */
	uint64_t next;	       /**< NEXT field: byte offset from this DFH to the next one */
	uint64_t next_abs;     /**< region offset of the next DFH; 0 when this one is the last */
	bool eol;	       /**< EOL bit */
	bool last;	       /**< ends its chain: EOL set or NEXT zero */
	uint64_t size;	       /**< bytes up to the next DFH, or up to the region end if last */
	uint64_t header_size;  /**< bytes of header registers the walker decoded */
	bool has_guid;	       /**< FIU, AFU, or any DFHv1 feature */
	struct xpdk_guid guid; /**< from GUID_L/GUID_H when has_guid */
	uint64_t next_afu;     /**< DFHv0 FIU: NEXT_AFU offset relative to this DFH (0 none) */
	/* DFHv1 only (version == 1) */
	uint64_t csr_addr;    /**< register block: region offset, or the raw address if csr_abs */
	bool csr_abs;	      /**< CSR_ADDR bit 0: the address is absolute (not region-relative) */
	uint64_t csr_size;    /**< register block size, bytes */
	uint16_t instance_id; /**< instance of the same IP */
	uint16_t group_id;    /**< group of related features (15 bits) */
	bool has_params;      /**< parameter headers follow the DFHv1 header */
	unsigned int num_params;			   /**< entries in params[] */
	struct xpdk_dfl_param params[XPDK_DFL_MAX_PARAMS]; /**< parameters in chain order */
	/* set by the walk */
	unsigned int depth; /**< 0 for the chain walked first; +1 per port or AFU level */
	uint64_t parent;    /**< offset of the FIU that led here, or XPDK_DFL_NO_PARENT */
};

/** @name Finding the lists: the PCIe DFL VSEC */
/**@{*/
#define XPDK_DFL_MAX_LISTS 6 /**< DFLs a VSEC may list (Linux: at most one per BAR) */

/** Where a DFL starts. */
struct xpdk_dfl_loc {
	unsigned int bar; /**< BAR index, 0 to 5 */
	uint64_t offset;  /**< byte offset of its first DFH in the BAR (a multiple of 8) */
};

/** A function's configuration space, read through a callback (mapped, trapped, a buffer). */
struct xpdk_dfl_cfg {
	uint64_t size; /**< bytes: 256, or 4096 with extended capabilities */
	/** Read the 32-bit register at byte @p off (a multiple of 4); 0, or non-zero on failure. */
	int (*read32)(void *ctx, uint64_t off, uint32_t *val);
	void *ctx; /**< passed to read32 */
};

/**
 * Find the DFLs a function lists in its Intel vendor-specific extended capability (VSEC ID
 * 0x43), as Linux's dfl-pci does before it falls back to BAR 0 offset 0. Every field is checked:
 * the capability chain (no loop, inside config space), the VSEC's length against its count, at
 * most XPDK_DFL_MAX_LISTS lists, BAR indexes 0 to 5, no two lists at one place. Whether a BAR
 * exists and holds the offset is the caller's to check (it knows the BAR sizes).
 * @param cfg the configuration space.
 * @param[out] locs the lists, in VSEC order.
 * @param max entries in @p locs.
 * @param[out] err detail of a failure, or NULL.
 * @return the number of lists (1 or more); 0 when the function has no DFL VSEC (not an Intel
 *         function, no extended space, or no such capability); -EINVAL (malformed, with
 *         XPDK_DFL_E_VSEC and the offset), -EIO when read32 failed, -E2BIG beyond @p max.
 */
int xpdk_dfl_vsec_find(const struct xpdk_dfl_cfg *cfg, struct xpdk_dfl_loc *locs, unsigned int max,
		       struct xpdk_dfl_error *err);

/**
 * The MSI-X vectors of a DFHv1 feature's MSI-X parameter (ID 1): first vector and count.
 * @param r the region the feature was walked in.
 * @param f the feature.
 * @param[out] start the first vector.
 * @param[out] count the number of vectors.
 * @return 0; -ENOENT when the feature has no MSI-X parameter (DFHv0, or none listed); -ERANGE
 *         when its data is shorter than 8 bytes; -EIO when the read fails.
 */
int xpdk_dfl_msix(const struct xpdk_dfl_region *r, const struct xpdk_dfl_feature *f,
		  unsigned int *start, unsigned int *count);
/**@}*/

/**
 * Called for each feature. Return 0 to go on; any other value stops the walk and is returned
 * by the walk function (use a value that cannot be mistaken for its errors, e.g. 1).
 */
typedef int (*xpdk_dfl_cb)(const struct xpdk_dfl_feature *f, void *arg);

/**
 * Walk one feature chain from @p start, following NEXT until a DFH has EOL set or a zero NEXT
 * (both end the chain, as in Linux; a zero NEXT is not an error). NEXT_AFU is not followed.
 *
 * @param r     the region (not NULL, read64 not NULL).
 * @param start offset of the first DFH (usually 0).
 * @param cb    called for each feature in order; NULL only validates.
 * @param arg   passed to @p cb.
 * @param[out] err filled on failure or stop; may be NULL.
 * @return 0 at the end of the chain; the callback's non-zero value if it stopped the walk;
 *         -EINVAL, -EIO, -ERANGE or -E2BIG on a bad chain (see enum xpdk_dfl_errcode), with the
 *         last-error sentence set. Features before the bad one were already passed to @p cb.
 */
int xpdk_dfl_walk(const struct xpdk_dfl_region *r, uint64_t start, xpdk_dfl_cb cb, void *arg,
		  struct xpdk_dfl_error *err);

/**
 * Enumerate a whole DFL device whose BAR 0 is @p r, as Linux's dfl-pci does: the chain at
 * offset 0 (the FME on a PF, the port on a VF; depth 0), then for an FME each port listed in
 * its port offset registers (the first FME_CAP.NUM_PORTS, implemented and in BAR 0) as a chain
 * of depth 1, and for every DFHv0 FIU met on the way the AFU chain its NEXT_AFU points to
 * (depth + 1). Ports in another BAR, not implemented, with BAR ID 7 (skip), or whose access
 * control says VF (released: the PF does not reach them) are not visited.
 *
 * Every DFH is visited at most once: a pointer to a DFH already seen is XPDK_DFL_E_CYCLE (to
 * the FIU holding it: XPDK_DFL_E_SELF_LOOP), a DFH inside another's header XPDK_DFL_E_OVERLAP.
 *
 * @param r     BAR 0 of the device (not NULL, read64 not NULL).
 * @param cb    called for each feature (FME, its features, port, its features, AFU, ...);
 *              f->depth and f->parent say where it hangs. NULL only validates.
 * @param arg   passed to @p cb.
 * @param[out] err filled on failure or stop; may be NULL.
 * @return as xpdk_dfl_walk(), or -ENOMEM when the visited table cannot be allocated.
 */
int xpdk_dfl_enumerate(const struct xpdk_dfl_region *r, xpdk_dfl_cb cb, void *arg,
		       struct xpdk_dfl_error *err);

/**
 * Enumerate one DFL that starts at @p start of region @p r, as Linux walks each DFL a PCIe VSEC
 * lists: the chain at @p start (depth 0) and, for every DFHv0 FIU on it, the AFU chain its
 * NEXT_AFU points to. An FME's port table is followed only when @p start is 0 (the registers
 * are read relative to the region's start, as xpdk_dfl_enumerate() does); a port that is also
 * listed on its own is then visited by both calls (callers count it once).
 * @param r     the BAR the list is in.
 * @param start offset of its first DFH (a multiple of 8, inside the region).
 * @param cb    called for each feature; NULL only validates.
 * @param arg   passed to @p cb.
 * @param[out] err filled on failure or stop; may be NULL.
 * @return as xpdk_dfl_enumerate().
 */
int xpdk_dfl_enumerate_at(const struct xpdk_dfl_region *r, uint64_t start, xpdk_dfl_cb cb,
			  void *arg, struct xpdk_dfl_error *err);

/**
 * Find the first feature of @p type and @p id in the chain starting at @p start.
 *
 * @param r     the region (not NULL, read64 not NULL).
 * @param start offset of the first DFH of the chain.
 * @param type  feature type, XPDK_DFH_TYPE_*.
 * @param id    feature ID.
 * @param[out] f the feature (its depth is 0 and parent XPDK_DFL_NO_PARENT).
 * @return 0 when found, -ENOENT when the chain ends without it, or a walk error.
 */
int xpdk_dfl_find(const struct xpdk_dfl_region *r, uint64_t start, unsigned int type,
		  unsigned int id, struct xpdk_dfl_feature *f);

/**
 * A human name for a feature: "FME", "port", "AFU", the FME and port private features
 * ("thermal management", "port error", ...), or "unknown".
 *
 * @param type feature type, XPDK_DFH_TYPE_*.
 * @param id   feature ID.
 * @return a static string, never NULL.
 */
const char *xpdk_dfl_feature_name(unsigned int type, unsigned int id);

/**
 * Name of an enum xpdk_dfl_errcode value.
 * @param code the value.
 * @return "cycle", ...; "unknown" for others. A static string, never NULL.
 */
const char *xpdk_dfl_strerror(int code);

/**
 * The GUID whose low 64 bits are the GUID_L register @p lo and high ones GUID_H @p hi.
 * @param lo GUID_L register value.
 * @param hi GUID_H register value.
 * @return the GUID.
 */
struct xpdk_guid xpdk_guid_from_regs(uint64_t lo, uint64_t hi);

/**
 * The inverse of xpdk_guid_from_regs(): the GUID_L and GUID_H register values.
 * @param g the GUID.
 * @param[out] lo GUID_L register value.
 * @param[out] hi GUID_H register value.
 */
void xpdk_guid_to_regs(const struct xpdk_guid *g, uint64_t *lo, uint64_t *hi);

/**
 * Format @p g as 36 lowercase characters "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" and a NUL.
 *
 * @param g   the GUID.
 * @param[out] buf the text.
 * @param len size of @p buf; at least XPDK_GUID_STR_LEN + 1.
 * @return XPDK_GUID_STR_LEN, or -ENOSPC (buf untouched unless len > 0: then "") .
 */
int xpdk_guid_format(const struct xpdk_guid *g, char *buf, size_t len);

/**
 * Parse a GUID in canonical form: 32 hex digits, either case, with hyphens after the 8th,
 * 12th, 16th and 20th digit and nothing else (no braces, spaces or trailing characters).
 *
 * @param str the text.
 * @param[out] g the GUID.
 * @return 0, or -EINVAL with the last-error set (@p g untouched).
 */
int xpdk_guid_parse(const char *str, struct xpdk_guid *g);

/**
 * Compare two GUIDs.
 * @param a one GUID.
 * @param b the other.
 * @return true when @p a and @p b are the same GUID.
 */
bool xpdk_guid_equal(const struct xpdk_guid *a, const struct xpdk_guid *b);

XPDK_API_END
#ifdef __cplusplus
}
#endif

#endif /* XPDK_DFL_H */
