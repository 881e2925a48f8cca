# SPDX-License-Identifier: BSD-3-Clause
"""AWS's top-level module fpga_utils, for programs written for AWS's F2 bindings
(``from fpga_utils import ...``): XPDK's xpdk.aws.fpga_utils under AWS's name."""
from xpdk.aws.fpga_utils import (check_return_code, FpgaError, FpgaBusyError,
                                 FpgaInvalidError, FpgaNoDeviceError, FpgaTimeoutError)

__all__ = ["check_return_code", "FpgaError", "FpgaBusyError", "FpgaInvalidError",
           "FpgaNoDeviceError", "FpgaTimeoutError"]
