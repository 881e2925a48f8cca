# SPDX-License-Identifier: BSD-3-Clause
"""The Device Feature List of an FPGA, as a list of Feature objects.

    import xpdk.dev, xpdk.dfl
    with xpdk.dev.Device("vfio-user:/run/xpdk/devsim/dfl-fpga0.sock") as d:
        for f in xpdk.dfl.walk(d):
            print("  " * f.depth, hex(f.offset), f.name, f.guid or "")
"""

from ._xpdk import Feature, Error
from ._xpdk import dfl_walk as walk

#: DFH feature types.
TYPE_AFU, TYPE_PRIVATE, TYPE_FIU = 1, 3, 4

__all__ = ["walk", "Feature", "Error", "TYPE_AFU", "TYPE_PRIVATE", "TYPE_FIU"]
