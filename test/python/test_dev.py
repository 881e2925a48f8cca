# SPDX-License-Identifier: BSD-3-Clause
"""xpdk.dev against devsim's edu and dfl-fpga: info, regions (fast and trapped paths), width
and offset checks, config space, interrupts, reset, DMA into a buffer seen through a view
taken before the transfer, and what happens to objects that outlive their device."""
import errno
import gc
import time

import pytest

import xpdk
import xpdk.dev

EDU_ID, LIVENESS, FACT, STATUS = 0x00, 0x04, 0x08, 0x20
IRQ_STATUS, IRQ_RAISE, IRQ_ACK = 0x24, 0x60, 0x64
DMA_SRC, DMA_DST, DMA_COUNT, DMA_CMD = 0x80, 0x88, 0x90, 0x98
DMA_RUN, DMA_TO_RAM, EDU_BUF = 0x1, 0x2, 0x40000


def test_info_and_regions(edu, edu_sim):
    i = edu.info
    assert (i.vendor, i.device, i.transport) == (0x1234, 0x11e8, "vfio-user")
    assert edu.name == edu_sim.address == edu.pci_address == repr(edu)
    bar0 = edu.region(0)
    assert bar0 is edu.region(0)
    assert bar0.size == 1 << 20 and len(bar0) == 1 << 20
    assert bar0.index() == 0 and repr(bar0) == "0"
    assert bar0.read32(EDU_ID) == 0x010000ed
    bar0.write32(LIVENESS, 0x12345678)
    assert bar0.read32(LIVENESS) == 0xedcba987
    assert bar0.read(LIVENESS, 32) == 0xedcba987
    bar0.write(LIVENESS, 0xff, 32)
    assert bar0.read(LIVENESS, 32) == 0xffffff00


def test_factorial_through_registers(edu):
    bar0 = edu.region(0)
    bar0.write32(FACT, 10)
    deadline = time.monotonic() + 5
    while bar0.read32(STATUS) & 1 and time.monotonic() < deadline:
        pass
    assert bar0.read32(FACT) == 3628800


def test_offset_and_width_errors(edu):
    bar0 = edu.region(0)
    cases = [(lambda: bar0.read32(1 << 20), errno.ERANGE, "out of range"),
             (lambda: bar0.read64((1 << 20) - 4), errno.ERANGE, "out of range"),
             (lambda: bar0.read32(2), errno.EINVAL, "aligned"),
             (lambda: bar0.read(0, 24), errno.EINVAL, "not 8, 16, 32 or 64"),
             (lambda: bar0.write(LIVENESS, 1 << 32, 32), errno.ERANGE, "does not fit"),
             (lambda: bar0.write(LIVENESS, -1, 32), errno.ERANGE, "does not fit"),
             (lambda: edu.region(3), errno.ENODEV, "does not exist"),
             (lambda: edu.region(42), errno.ENODEV, "does not exist")]
    for call, err, words in cases:
        with pytest.raises(xpdk.Error) as e:
            call()
        assert e.value.errno == err, e.value
        assert words in e.value.strerror, e.value
    with pytest.raises(OverflowError):
        bar0.read32(-4)


def test_config_space(edu):
    assert edu.config_read16(0) == 0x1234 and edu.config_read16(2) == 0x11e8
    assert edu[0] == 0x11e81234  # opae.io: dev[off] is a 32-bit config read
    assert edu.config_read8(0) == 0x34
    cmd = edu.config_read16(4)
    edu.config_write16(4, cmd)
    assert edu.config_read16(4) == cmd
    assert edu.region(xpdk.dev.REGION_CONFIG).read(0, 32) == 0x11e81234
    with pytest.raises(xpdk.Error):
        edu.config_write8(4, 0x100)


def test_interrupt_wait(edu):
    bar0 = edu.region(0)
    kind = "msi" if edu.irq_count("msi") > 0 else "intx"
    edu.irq_enable(kind, 1)
    assert edu.irq_fd(0) >= 0
    with pytest.raises(xpdk.Error) as e:
        edu.wait(0, timeout=0.05)
    assert e.value.errno == errno.ETIMEDOUT
    bar0.write32(IRQ_RAISE, 0x40)
    assert edu.wait(0, timeout=5) >= 1
    assert bar0.read32(IRQ_STATUS) & 0x40
    bar0.write32(IRQ_ACK, 0x40)
    edu.irq_disable()
    with pytest.raises(xpdk.Error):
        edu.irq_enable("nmi")


def test_reset_restores_registers(edu):
    bar0 = edu.region(0)
    bar0.write32(LIVENESS, 0)
    assert bar0.read32(LIVENESS) == 0xffffffff
    assert edu.info.can_reset
    edu.reset()
    assert bar0.read32(EDU_ID) == 0x010000ed


def test_dma_is_visible_through_a_view_taken_before(edu, env):
    """The device writes the buffer; a memoryview and a numpy array taken before the DMA see
    the data: the views are the device's memory, not copies."""
    import numpy
    bar0 = edu.region(0)
    src, dst = edu.allocate(4096), edu.allocate(4096)
    view = memoryview(dst)
    arr = numpy.frombuffer(dst, dtype="<u8")
    for i in range(512):
        src.write64(i * 8, 0x0101010101010101 * (i % 251))
    for a, b, cmd in ((src.iova, EDU_BUF, DMA_RUN), (EDU_BUF, dst.iova, DMA_RUN | DMA_TO_RAM)):
        bar0.write64(DMA_SRC, a)
        bar0.write64(DMA_DST, b)
        bar0.write64(DMA_COUNT, 4096)
        bar0.write64(DMA_CMD, cmd)
        deadline = time.monotonic() + 5
        while bar0.read64(DMA_CMD) & DMA_RUN:
            assert time.monotonic() < deadline, "edu DMA did not complete"
    assert bytes(view) == bytes(memoryview(src))
    assert arr[5] == 0x0505050505050505
    assert dst.compare(src) == 4096


def test_closed_device_raises_and_does_not_crash(edu_sim, env):
    d = xpdk.dev.Device(edu_sim.address)
    bar0 = d.region(0)
    buf = d.allocate(4096)
    view = memoryview(buf)
    d.close()
    d.close()  # idempotent
    assert d.closed and "closed" in repr(d)
    for call in (lambda: bar0.read32(0), lambda: bar0.write64(0x80, 0), lambda: d.region(0),
                 lambda: d.info, lambda: d.config_read32(0), lambda: d.reset(),
                 lambda: d.wait(0, 0)):
        with pytest.raises(xpdk.Error) as e:
            call()
        assert e.value.errno == errno.ENODEV
        assert "closed" in e.value.strerror
    view[0] = 1  # buffers belong to the environment: still usable
    assert buf.read8(0) == 1
    del d
    gc.collect()
    with pytest.raises(xpdk.Error):
        bar0.read64(0)  # the region kept the (closed) device object alive


def test_dropping_the_last_reference_closes(edu_sim, env):
    for _ in range(3):  # devsim serves one client at a time: each must have gone
        d = xpdk.dev.Device(edu_sim.address)
        r = d.region(0)
        assert r.read32(0) == 0x010000ed
        del d, r
        gc.collect()


def test_opening_errors(env, tmp_path):
    with pytest.raises(xpdk.Error) as e:
        xpdk.dev.Device("vfio-user:" + str(tmp_path / "nobody.sock"))
    assert e.value.errno != 0 and str(tmp_path) in e.value.strerror
    with pytest.raises(xpdk.Error) as e:
        xpdk.dev.Device("not-a-device")
    assert e.value.strerror


def test_fast_path_on_mapped_memory(fpga_sim):
    """dfl-fpga maps AFU memory into the client: read64/write64 there are plain accesses,
    and trapped registers next to it go through vfio-user; both agree with the checked path."""
    with xpdk.dev.Device(fpga_sim.address) as d:
        bar0 = d.region(0)
        assert not bar0.mapped and bar0.flags & 4
        bar0.write64(0x81000, 0xfeedface12345678)
        assert bar0.read64(0x81000) == 0xfeedface12345678
        assert bar0.read(0x81000, 64) == 0xfeedface12345678
        bar0.write32(0x81008, 0xabcdef01)
        assert bar0.read32(0x81008) == 0xabcdef01
        assert bar0.read64(0) == bar0.read(0, 64)  # FME DFH, trapped


def test_help_is_useful():
    doc = xpdk.dev.Device.__doc__
    assert "vfio-user:PATH" in doc and "close()" in doc
    for name in ("read64", "write32", "read", "region", "wait", "reset", "config_read32"):
        owner = xpdk.dev.Region if hasattr(xpdk.dev.Region, name) else xpdk.dev.Device
        assert getattr(owner, name).__doc__, name
