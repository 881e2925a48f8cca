from . import dev as dev, devsim as devsim, dfl as dfl, env as env, fpga as fpga

__version__: str

class Error(OSError):
    errno: int
    strerror: str
