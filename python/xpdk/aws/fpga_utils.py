# SPDX-License-Identifier: BSD-3-Clause
"""AWS's fpga_utils: ``check_return_code(ret, check, slot_id)`` and, XPDK's addition, the
exceptions it raises: ``FpgaError`` (a RuntimeError with AWS's message, also an xpdk.Error
with ``errno``) and its subclasses by errno (busy, invalid, no device, timeout)."""
from .._xpdk import (check_return_code, FpgaError, FpgaBusyError, FpgaInvalidError,
                     FpgaNoDeviceError, FpgaTimeoutError)

__all__ = ["check_return_code", "FpgaError", "FpgaBusyError", "FpgaInvalidError",
           "FpgaNoDeviceError", "FpgaTimeoutError"]
