# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.qp: QP capabilities, creation and modification attributes, queue pairs."""
from .._xpdk import QPCap, QPInitAttr, QPAttr, QP

__all__ = ["QPCap", "QPInitAttr", "QPAttr", "QP"]
