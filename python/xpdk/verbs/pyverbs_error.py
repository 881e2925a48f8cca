# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.pyverbs_error: the exceptions; each is also an xpdk.Error (OSError) with errno."""
from .._xpdk import PyverbsError, PyverbsRDMAError, PyverbsUserError

__all__ = ["PyverbsError", "PyverbsRDMAError", "PyverbsUserError"]
