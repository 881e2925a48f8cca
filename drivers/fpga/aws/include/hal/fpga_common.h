/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* AWS programs include <hal/fpga_common.h>; XPDK keeps the definitions in <fpga_common.h>. */
#include "../fpga_common.h"
