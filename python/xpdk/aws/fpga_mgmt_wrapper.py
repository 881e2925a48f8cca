# SPDX-License-Identifier: BSD-3-Clause
"""AWS's fpga_mgmt_wrapper: ``FpgaMgmt`` (load, clear and describe a slot's AFI, its status,
virtual LEDs and DIP switches) over XPDK's fpga_mgmt."""
from .._xpdk import FpgaMgmt

__all__ = ["FpgaMgmt"]
