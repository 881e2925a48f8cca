# SPDX-License-Identifier: BSD-3-Clause
"""AWS's top-level module fpga_pci_wrapper, for programs written for AWS's F2 bindings
(``from fpga_pci_wrapper import ...``): XPDK's xpdk.aws.fpga_pci_wrapper under AWS's name."""
from xpdk.aws.fpga_pci_wrapper import FpgaPCI, BarMemory

__all__ = ["FpgaPCI", "BarMemory"]
