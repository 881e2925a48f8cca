/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Private to lib/dev: the sysfs helpers pci.c shares with pci_sriov.c. */

#ifndef XPDK_PCI_PRIV_H
#define XPDK_PCI_PRIV_H

#include <stdbool.h>
#include <stddef.h>

/* The value of environment variable @p name, or @p def when it is unset or empty. */
const char *xpdk_pci_env_or(const char *name, const char *def);
/* SYSFS/bus/pci/devices/ADDR[/ATTR] into @p buf. */
void xpdk_pci_path(char *buf, size_t len, const char *addr, const char *attr);
/* Read a small attribute without its trailing newline; negative errno, no sentence. */
int xpdk_pci_attr_read(const char *path, char *buf, size_t len);
/* Write @p val to an attribute; negative errno with the sentence. */
int xpdk_pci_attr_write(const char *path, const char *val);
/* Basename of the symlink @p attr of function @p addr, "" when there is none. */
void xpdk_pci_link_name(const char *addr, const char *attr, char *out, size_t len);
/* The entries of directory @p path that are PCI addresses, sorted; free with
 * xpdk_pci_free_names(). */
int xpdk_pci_list_addrs(const char *path, char ***out, size_t *count);
void xpdk_pci_free_names(char **names, size_t n);
/* $XPDK_RUN_DIR/pci/ADDR.state (creating the directories when asked). */
int xpdk_pci_state_path(char *buf, size_t len, const char *addr, bool create_dir);
void xpdk_pci_sleep_ms(unsigned int ms);
/* Wait until the function's driver is @p want ("" for none); -ETIMEDOUT with the sentence. */
int xpdk_pci_wait_driver(const char *addr, const char *want);

#endif /* XPDK_PCI_PRIV_H */
