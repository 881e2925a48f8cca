from . import FpgaClkgen as FpgaClkgen
