# SPDX-License-Identifier: BSD-3-Clause
"""The XPDK environment (DPDK's EAL) and DMA buffers.

    import xpdk.env
    xpdk.env.init("-l 0")                 # once per process, before devices that do DMA
    buf = xpdk.env.allocate(4096)         # hugepage memory, IOVA-contiguous
    view = memoryview(buf)                # zero-copy; numpy.frombuffer(buf, "<u8") too
    buf.fill64(0x5a5a5a5a5a5a5a5a)
    print(hex(buf.iova), hex(buf.address), buf.size, hex(buf[8]))

``Buffer`` also answers to opae.io's ``system_buffer`` name and methods.
"""

from ._xpdk import Buffer, Error
from ._xpdk import env_init as init
from ._xpdk import env_ready as ready
from ._xpdk import env_hugepages as hugepages
from ._xpdk import env_hugepages_free as hugepages_free
from ._xpdk import env_allocate as allocate

#: opae.io's name for the DMA buffer class.
system_buffer = Buffer

__all__ = ["init", "ready", "hugepages", "hugepages_free", "allocate", "Buffer",
           "system_buffer", "Error"]
