# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.wr: scatter/gather elements and work requests."""
from .._xpdk import SGE, SendWR, RecvWR

__all__ = ["SGE", "SendWR", "RecvWR"]
