# SPDX-License-Identifier: BSD-3-Clause
# cython: language_level=3, embedsignature=True, binding=False
"""XPDK's C libraries as one extension module, exposed per library by xpdk.env, xpdk.dev,
xpdk.dfl, xpdk.fpga and xpdk.devsim, and AWS F2's bindings (FpgaMgmt, FpgaPCI, FpgaClkgen) by
xpdk.aws and AWS's module names.

Why one extension and not one per library: XPDK's libraries keep per-process state (the
environment's flag and DMA buffer list, the driver registry, the thread-local last-error
sentence). Linked statically into several extension modules, each module would get its own copy
of that state; one module holds exactly one copy, whether the libraries are static or shared.
Each library's binding lives in its own file (env.pxi, dev.pxi, dfl.pxi, fpga.pxi, devsim.pxi,
aws.pxi; verbs.pxi through the generated optional.pxi, when lib/qp is built).
"""

include "capi.pxi"
include "errors.pxi"
include "env.pxi"
include "dev.pxi"
include "dfl.pxi"
include "fpga.pxi"
include "devsim.pxi"
include "aws.pxi"
include "optional.pxi"
