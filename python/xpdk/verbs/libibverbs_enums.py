# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.libibverbs_enums: the newer name of pyverbs.enums."""
from .enums import *  # noqa: F401,F403
from .enums import __all__  # noqa: F401
