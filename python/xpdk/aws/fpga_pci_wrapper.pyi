from . import BarMemory as BarMemory, FpgaPCI as FpgaPCI
