# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.base: PyverbsObject and PyverbsCM (context managers with close())."""
from .._xpdk import PyverbsObject, PyverbsCM

__all__ = ["PyverbsObject", "PyverbsCM"]
