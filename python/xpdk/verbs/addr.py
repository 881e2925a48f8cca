# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.addr: GIDs, global routes, address-handle attributes and address handles."""
from .._xpdk import GID, GlobalRoute, AHAttr, AH

__all__ = ["GID", "GlobalRoute", "AHAttr", "AH"]
