/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The vm tier's stand-in for 'xpdk-io init/release' until that tool lands: hands a PCI function
 * to vfio-pci, or gives it back, through lib/dev's xpdk_pci API, and says what it did.
 *
 *   vfio_bind bind ADDR | release ADDR
 *
 * Prints one line (what was done, or the error sentence); exits 0 on success, 1 on failure,
 * 2 on bad usage.
 */

#include <stdio.h>
#include <string.h>

#include "xpdk_common.h"
#include "xpdk_pci.h"

int main(int argc, char **argv)
{
	struct xpdk_pci_bind_info info;
	int rc;

	if (argc != 3 || (strcmp(argv[1], "bind") != 0 && strcmp(argv[1], "release") != 0)) {
		fprintf(stderr, "usage: vfio_bind bind|release ADDR\n");
		return 2;
	}
	if (strcmp(argv[1], "bind") == 0) {
		rc = xpdk_pci_vfio_bind(argv[2], 0, 0, &info);
		if (rc == 0)
			printf("%s: bound to vfio-pci, group %d (%s), previous driver %s\n",
			       argv[2], info.iommu_group, info.vfio_path,
			       info.previous_driver[0] ? info.previous_driver : "none");
	} else {
		rc = xpdk_pci_vfio_release(argv[2], &info);
		if (rc == 0)
			printf("%s: released from vfio-pci, driver %s restored\n", argv[2],
			       info.previous_driver[0] ? info.previous_driver : "none");
	}
	if (rc < 0) {
		fprintf(stderr, "vfio_bind %s %s: %s\n", argv[1], argv[2], xpdk_strerror_last());
		return 1;
	}
	return 0;
}
