# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.pd: protection domains."""
from .._xpdk import PD

__all__ = ["PD"]
