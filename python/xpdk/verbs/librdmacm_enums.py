# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.librdmacm_enums: the newer name of pyverbs.cm_enums."""
from .cm_enums import *  # noqa: F401,F403
from .cm_enums import __all__  # noqa: F401
