# SPDX-License-Identifier: BSD-3-Clause
"""AWS's fpga_pci_wrapper: ``FpgaPCI`` (a slot's BARs by slot, PF and BAR; peek, poke, burst,
memset; slot specs; ``pci_get_address``, also as a zero-copy memoryview) over XPDK's
fpga_pci."""
from .._xpdk import FpgaPCI, BarMemory

__all__ = ["FpgaPCI", "BarMemory"]
