/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Private to drivers/fpga/aws: the per-process connections to slots' PFs that fpga_pci,
 * fpga_mgmt and fpga_clkgen share (a devsim PF serves one client at a time, so one process
 * holds at most one connection per PF), and 32-bit register helpers. */

#ifndef XPDK_AWS_PRIV_H
#define XPDK_AWS_PRIV_H

#include <stdint.h>

#include "xpdk_dev.h"

struct xpdk_aws_pf;

/* Connect to (or share the live connection to) PF @p pf of slot @p slot.
 * @return 0, -EINVAL (no such slot or PF), or FPGA_ERR_PCI_MISSING with the sentence set. */
int xpdk_aws_pf_get(int slot, int pf, struct xpdk_aws_pf **out);
/* Drop a reference; the connection closes with the last one. */
void xpdk_aws_pf_put(struct xpdk_aws_pf *c);
/* BAR @p bar of a connected PF, or NULL. */
const struct xpdk_region *xpdk_aws_pf_bar(struct xpdk_aws_pf *c, unsigned int bar);
/* The open device. */
struct xpdk_dev *xpdk_aws_pf_dev(struct xpdk_aws_pf *c);

/* Checked 32-bit register access; a transport failure (the PF went away) is
 * FPGA_ERR_PCI_MISSING, a bad offset -EINVAL. */
int xpdk_aws_rd32(const struct xpdk_region *r, uint64_t off, uint32_t *v);
int xpdk_aws_wr32(const struct xpdk_region *r, uint64_t off, uint32_t v);

/* Sleep @p ms milliseconds. */
void xpdk_aws_sleep_ms(uint32_t ms);

#endif /* XPDK_AWS_PRIV_H */
