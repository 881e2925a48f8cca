# SPDX-License-Identifier: BSD-3-Clause
"""Simulated devices (xpdk-devsim's models) served over vfio-user from this process, for
users' own tests.

    import xpdk.dev, xpdk.devsim
    with xpdk.devsim.start("edu", "dma_mask=0xffffffffffff") as sim:
        with xpdk.dev.Device(sim.address) as d:
            assert d.region(0).read32(0) == 0x010000ed
"""

from ._xpdk import SimDevice, Error
from ._xpdk import devsim_models as models
from ._xpdk import devsim_start as start
from ._xpdk import devsim_set_log_level as set_log_level

__all__ = ["SimDevice", "Error", "start", "models", "set_log_level"]
