# SPDX-License-Identifier: BSD-3-Clause
"""The vm tier's Python check: QEMU's real edu behind the kernel's vfio-pci and the IOMMU,
driven from Python through the xpdk package (run by guest-edu.sh with the build tree's
package on PYTHONPATH). Prints one line per check; exits 0 when all pass.

    python3 edu_python.py ADDR
"""
import sys
import time

import xpdk
import xpdk.dev
import xpdk.env

DMA_SRC, DMA_DST, DMA_COUNT, DMA_CMD, EDU_BUF = 0x80, 0x88, 0x90, 0x98, 0x40000
failed = 0


def check(ok, what):
    global failed
    failed += not ok
    print(("ok - " if ok else "not ok - ") + what)


def main(addr):
    xpdk.env.init(["-l", "0"])
    with xpdk.dev.Device(addr) as d:
        bar0 = d.region(0)
        check(d.info.transport == "vfio" and bar0.mapped, "python: %s open over vfio, BAR0 "
              "mapped" % d.name)
        check(bar0.read32(0) == 0x010000ed, "python: Region.read32 reads the id 0x010000ed")
        bar0.write32(4, 0x0f0f0f0f)
        check(bar0.read32(4) == 0xf0f0f0f0, "python: liveness register inverts")
        d.set_dma_mask((1 << 48) - 1)
        src, dst = d.allocate(4096), d.allocate(4096)
        view = memoryview(dst)  # taken before the device writes
        for i in range(128):
            src.write64(i * 8, 0x0102030405060708 + i)
        for a, b, cmd in ((src.iova, EDU_BUF, 1), (EDU_BUF, dst.iova, 3)):
            bar0.write64(DMA_SRC, a)
            bar0.write64(DMA_DST, b)
            bar0.write64(DMA_COUNT, 1024)  # not up to the buffer's end (old QEMUs abort)
            bar0.write64(DMA_CMD, cmd)
            deadline = time.monotonic() + 10
            while bar0.read64(DMA_CMD) & 1 and time.monotonic() < deadline:
                pass
        check(bytes(view[:1024]) == bytes(memoryview(src)[:1024]),
              "python: edu DMA through the IOMMU lands in a memoryview taken before it")
        kind = "msi" if d.irq_count("msi") else "intx"
        d.irq_enable(kind, 1)
        bar0.write32(0x60, 0x8)
        check(d.wait(0, timeout=5) >= 1, "python: interrupt (%s) waited for" % kind)
        bar0.write32(0x64, 0x8)
        d.close()
        try:
            bar0.read32(0)
            check(False, "python: a closed device raises")
        except xpdk.Error as e:
            check("closed" in e.strerror, "python: a closed device raises: " + e.strerror)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
