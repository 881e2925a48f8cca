from . import FpgaMgmt as FpgaMgmt
