# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.device: Context (an opened device), its attribute records, device memory."""
from .._xpdk import (Context, DeviceAttr, DeviceAttrEx, PortAttr, GID, DM, AllocDmAttr,
                     get_device_list)

__all__ = ["Context", "DeviceAttr", "DeviceAttrEx", "PortAttr", "GID", "DM", "AllocDmAttr",
           "get_device_list"]
