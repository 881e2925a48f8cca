# SPDX-License-Identifier: BSD-3-Clause
"""AWS's top-level module fpga_clkgen_wrapper, for programs written for AWS's F2 bindings
(``from fpga_clkgen_wrapper import ...``): XPDK's xpdk.aws.fpga_clkgen_wrapper under AWS's name."""
from xpdk.aws.fpga_clkgen_wrapper import FpgaClkgen

__all__ = ["FpgaClkgen"]
