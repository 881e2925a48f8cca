from . import (FpgaBusyError as FpgaBusyError, FpgaError as FpgaError,
                FpgaInvalidError as FpgaInvalidError, FpgaNoDeviceError as FpgaNoDeviceError,
                FpgaTimeoutError as FpgaTimeoutError, check_return_code as check_return_code)
