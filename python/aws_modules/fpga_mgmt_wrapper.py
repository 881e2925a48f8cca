# SPDX-License-Identifier: BSD-3-Clause
"""AWS's top-level module fpga_mgmt_wrapper, for programs written for AWS's F2 bindings
(``from fpga_mgmt_wrapper import ...``): XPDK's xpdk.aws.fpga_mgmt_wrapper under AWS's name."""
from xpdk.aws.fpga_mgmt_wrapper import FpgaMgmt

__all__ = ["FpgaMgmt"]
