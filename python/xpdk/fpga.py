# SPDX-License-Identifier: BSD-3-Clause
"""OPAE DFL FPGAs through XPDK's dfl driver: FME, sensors, errors, ports, partial
reconfiguration and the host exerciser.

    import xpdk.env, xpdk.fpga
    xpdk.env.init("-l 0")
    with xpdk.fpga.open("vfio-user:/run/xpdk/devsim/dfl-fpga0.sock") as f:
        print(f.fme_info().bs_version, f.temperature(), f.errors().text)
        f.he_attach(0)
        src, dst = xpdk.env.allocate(1 << 20), xpdk.env.allocate(1 << 20)
        src.fill64(0x1234)
        r = f.he_run("copy", src, dst)
        assert dst.compare(src) == src.size
"""

from ._xpdk import Fpga, Error


def open(name):  # noqa: A001
    """Open the FPGA ``name`` (PCI address or vfio-user:PATH): ``Fpga(name)``."""
    return Fpga(name)


__all__ = ["Fpga", "Error", "open"]
