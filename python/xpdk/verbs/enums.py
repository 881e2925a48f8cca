# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.enums (libibverbs_enums from rdma-core v59 on): IBV_* constants from verbs.h."""
from .._xpdk import verbs_enums as _e

globals().update(_e)
__all__ = sorted(_e)
