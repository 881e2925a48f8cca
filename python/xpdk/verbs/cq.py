# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.cq: completion channels, completion queues, work completions."""
from .._xpdk import CompChannel, CQ, WC

__all__ = ["CompChannel", "CQ", "WC"]
