# SPDX-License-Identifier: BSD-3-Clause
"""Devices and their regions, config space and interrupts.

    import xpdk.dev
    with xpdk.dev.Device("vfio-user:/run/xpdk/devsim/edu0.sock") as d:
        bar0 = d.region(0)
        print(hex(bar0.read32(0x0)))      # edu's identification: 0x010000ed
        bar0.write32(0x4, 0x12345678)     # liveness: reads back inverted
        print(d.info.vendor, d.config_read16(0x2))

A PCI function (``"0000:3f:00.0"``) must be bound to vfio-pci (``xpdk-io init``) and needs the
environment (``xpdk.env.init()``) before it is opened.
"""

from ._xpdk import Device, Region, Error

#: Interrupt types for Device.irq_enable()/irq_count(), also accepted as strings.
IRQ_INTX, IRQ_MSI, IRQ_MSIX = 0, 1, 2
#: Region indices.
REGION_BAR0, REGION_ROM, REGION_CONFIG = 0, 6, 7


def open(name):  # noqa: A001  (as io.open: the module's constructor function)
    """Open device ``name``: ``Device(name)``."""
    return Device(name)


__all__ = ["Device", "Region", "Error", "open", "IRQ_INTX", "IRQ_MSI", "IRQ_MSIX",
           "REGION_BAR0", "REGION_ROM", "REGION_CONFIG"]
