# SPDX-License-Identifier: BSD-3-Clause
"""RDMA verbs from Python with pyverbs' modules, classes and semantics, over libibverbs and
librdmacm (and XPDK's lib/qp for opening devices, so errors say what to do):

    import xpdk.verbs.device as d
    from xpdk.verbs.pd import PD
    from xpdk.verbs.mr import MR
    import xpdk.verbs.enums as e
    with d.Context(name='rxe0') as ctx:
        with PD(ctx) as pd:
            mr = MR(pd, 1000, e.IBV_ACCESS_LOCAL_WRITE)

pyverbs code runs with its imports changed from ``pyverbs`` to ``xpdk.verbs`` where the
device supports what it does (doc/python.md lists what is covered). Modules: device, pd, mr,
cq, qp, wr, addr, cmid, enums (also libibverbs_enums), cm_enums (also librdmacm_enums),
pyverbs_error, base. Every failure raises pyverbs_error.PyverbsRDMAError (or
PyverbsUserError), which is also an xpdk.Error (OSError) whose errno is always set: a kernel
without RDMA gives ENOSYS, a missing device ENODEV.
"""

from .. import _xpdk

if not hasattr(_xpdk, "Context"):
    raise ImportError("xpdk.verbs is not built: lib/qp needs libibverbs-dev and librdmacm-dev "
                      "(devtools/install-deps.sh), then rebuild")

from . import (base, pyverbs_error, device, pd, mr, cq, addr, wr, qp, cmid,  # noqa: E402
               enums, cm_enums)

__all__ = ["base", "pyverbs_error", "device", "pd", "mr", "cq", "addr", "wr", "qp", "cmid",
           "enums", "cm_enums"]
