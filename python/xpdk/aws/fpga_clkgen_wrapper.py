# SPDX-License-Identifier: BSD-3-Clause
"""AWS's fpga_clkgen_wrapper: ``FpgaClkgen`` (a slot's clock generator: recipes and dynamic
frequencies) over XPDK's fpga_clkgen."""
from .._xpdk import FpgaClkgen

__all__ = ["FpgaClkgen"]
