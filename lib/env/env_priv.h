/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Private to lib/env: what env.c and dma.c ask of mem.c. */

#ifndef XPDK_ENV_PRIV_H
#define XPDK_ENV_PRIV_H

#include "xpdk_env.h"

/* The extent of the one memory segment holding @p addr, trimmed to start at @p addr; -EINVAL
 * (sentence set) when @p addr is not in EAL's memory. Caller holds EAL's memory lock or knows
 * the segment cannot go away (a live buffer). */
int xpdk_env_mem_addr_extent(const void *addr, struct xpdk_env_mem_extent *ext);

/* The environment started: follow EAL's memory events and replay the memory that exists to
 * the subscribers registered before. */
void xpdk_env_mem_start(void);

/* The environment stops: no more events. */
void xpdk_env_mem_stop(void);

/* Bracket an allocation: the first subscriber that could not follow memory added in between
 * (in this thread) is returned by _end as a negative errno with its sentence set, or 0. */
void xpdk_env_mem_watch_begin(void);
int xpdk_env_mem_watch_end(void);

#endif /* XPDK_ENV_PRIV_H */
