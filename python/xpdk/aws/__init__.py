# SPDX-License-Identifier: BSD-3-Clause
"""AWS F2's Python bindings on XPDK: AWS's classes, method names, argument names and order,
and returned dicts, over XPDK's fpga_mgmt/fpga_pci/fpga_clkgen (drivers/fpga/aws), so that
programs written for AWS's bindings (aws-fpga sdk/userspace/cython_bindings) run against
F2 slots and against the simulated slot (``xpdk-devsim --model f2``).

Modules, as AWS lays them out:

- ``xpdk.aws.fpga_mgmt_wrapper``   ``FpgaMgmt``: load, clear, describe, status, vLED/vDIP
- ``xpdk.aws.fpga_pci_wrapper``    ``FpgaPCI``: attach, peek/poke, burst, memset, slot specs,
                                   ``pci_get_address`` (an int, or a zero-copy memoryview)
- ``xpdk.aws.fpga_clkgen_wrapper`` ``FpgaClkgen``: clock recipes and frequencies
- ``xpdk.aws.fpga_utils``          ``check_return_code`` and the exceptions

The same modules answer to AWS's top-level names (``from fpga_mgmt_wrapper import
FpgaMgmt``), installed beside the xpdk package. Failures raise ``FpgaError``, a RuntimeError
with AWS's message that is also an ``xpdk.Error`` (OSError) with ``errno``. Guide:
doc/aws-f2.md#python.
"""

from .._xpdk import (FpgaMgmt, FpgaPCI, FpgaClkgen, BarMemory, FpgaError, FpgaBusyError,
                     FpgaInvalidError, FpgaNoDeviceError, FpgaTimeoutError,
                     check_return_code)

__all__ = ["FpgaMgmt", "FpgaPCI", "FpgaClkgen", "BarMemory", "FpgaError", "FpgaBusyError",
           "FpgaInvalidError", "FpgaNoDeviceError", "FpgaTimeoutError", "check_return_code"]
