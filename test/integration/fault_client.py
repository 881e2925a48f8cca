# SPDX-License-Identifier: BSD-3-Clause
"""The Python package as a client in test_faults.py's contract: open the device named by
argv[1], read registers and (with DMA) run its engine once; print the error on failure.

Usage: fault_client.py DEVICE edu|dfl-fpga"""
import sys

import xpdk
import xpdk.dev
import xpdk.env
import xpdk.fpga


def edu(dev):
    with xpdk.dev.Device(dev) as d:
        bar0 = d.region(0)
        for i in range(20):
            bar0.write32(0x4, i)
            if bar0.read32(0x4) != (~i) & 0xffffffff:
                raise RuntimeError("%s: the edu inverter register gave wrong data" % dev)


def dfl_fpga(dev):
    xpdk.env.init("-l 0 --in-memory --no-pci")
    with xpdk.fpga.open(dev) as f:
        f.he_attach(0)
        src, dst = xpdk.env.allocate(1 << 16), xpdk.env.allocate(1 << 16)
        src.fill64(0x0123456789abcdef)
        f.he_run("copy", src, dst)
        if dst.compare(src) != src.size:
            raise RuntimeError("%s: the exerciser's copy gave wrong data" % dev)


def main():
    dev, model = sys.argv[1], sys.argv[2]
    try:
        (edu if model == "edu" else dfl_fpga)(dev)
    except (xpdk.Error, RuntimeError) as e:
        print("fault_client.py:", e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
