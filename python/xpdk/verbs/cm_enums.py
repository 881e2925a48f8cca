# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.cm_enums (librdmacm_enums from rdma-core v59 on): RDMA_PS_*, RAI_* from rdma_cma.h."""
from .._xpdk import cm_enums as _e

globals().update(_e)
__all__ = sorted(_e)
