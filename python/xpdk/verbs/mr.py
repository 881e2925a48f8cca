# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.mr: memory regions (MR), memory windows (MW), device-memory regions (DMMR)."""
from .._xpdk import MR, MW, DMMR

__all__ = ["MR", "MW", "DMMR"]
