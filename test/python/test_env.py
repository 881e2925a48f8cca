# SPDX-License-Identifier: BSD-3-Clause
"""xpdk.env: the environment once per process, DMA buffers as zero-copy views with opae.io's
system_buffer methods, and their errors."""
import errno
import sys

import numpy
import pytest

import xpdk
import xpdk.env
from conftest import run

NO_ENV = """
import errno, xpdk, xpdk.env
try:
    xpdk.env.allocate(4096)
except xpdk.Error as e:
    assert e.errno == errno.EINVAL, e
    assert "xpdk.env.init" in e.strerror, e
    print("refused:", e.strerror)
"""


def test_allocating_without_an_environment_says_to_init():
    r = run([sys.executable, "-c", NO_ENV])
    assert r.returncode == 0, r.stderr
    assert "refused: no environment" in r.stdout


def test_init_twice_is_refused(env):
    assert env.ready()
    with pytest.raises(xpdk.Error) as e:
        env.init(["-l", "0"])
    assert e.value.errno == errno.EALREADY
    assert isinstance(e.value, OSError)


def test_buffer_addresses_and_zeroing(env):
    with env.allocate(8192) as b:
        assert b.size == 8192 and len(b) == 8192
        assert b.iova == b.io_address and b.iova != 0
        assert b.address != 0 and b.address % 64 == 0
        assert bytes(memoryview(b)) == bytes(8192)
        assert repr(b) == "size: 8192 virt: %#x io: %#x" % (b.address, b.iova)


def test_memoryview_and_numpy_are_zero_copy(env):
    b = env.allocate(4096)
    view = memoryview(b)
    arr = numpy.frombuffer(b, dtype="<u8")
    assert not view.readonly and len(view) == 4096
    assert arr.ctypes.data == b.address  # the same memory, not a copy
    b.write64(16, 0x1122334455667788)
    assert arr[2] == 0x1122334455667788
    view[0:4] = b"\x01\x02\x03\x04"
    assert b.read32(0) == 0x04030201
    arr[3] = 7
    assert b[24] == 7
    del view, arr
    b.free()


def test_opae_system_buffer_methods(env):
    b, c = env.allocate(4096), env.allocate(4096)
    b.fill64(0xdecafbad00000000)
    assert b.read64(8) == 0xdecafbad00000000
    assert b.read32(12) == 0xdecafbad and b.read16(14) == 0xdeca and b.read8(15) == 0xde
    assert b.read32(2) == 0xfbad0000  # byte offsets, unaligned allowed, as opae.io
    b[0x40] = 0x1234
    assert b[0x40] == 0x1234 and b[0x47] == 0x1234  # 64-bit at the offset rounded down
    assert b.read64(0x40) == 0x1234
    c.fill64(0xdecafbad00000000)
    assert b.compare(c) == 0x40  # first differing byte
    c[0x40] = 0x1234
    assert b.compare(c) == 4096
    b.fill8(0xab)
    assert b.read64(0) == 0xabababababababab
    b.fill16(0x1234)
    assert b.read32(0) == 0x12341234
    b.fill32(0xcafef00d)
    assert b.read64(4088) == 0xcafef00dcafef00d
    small = env.allocate(100)
    assert b.compare(small) == 0 and small.compare(b) == 0


def test_bad_offsets_raise(env):
    b = env.allocate(64)
    for call in (lambda: b.read64(57), lambda: b.read8(64), lambda: b.write32(61, 1),
                 lambda: b[64], lambda: b.read64(-1)):
        with pytest.raises(xpdk.Error) as e:
            call()
        assert e.value.errno == errno.ERANGE
        assert "out of range" in str(e.value)
    with pytest.raises(OverflowError):
        b.write8(0, 256)


def test_free_is_refused_while_a_view_lives_and_calls_raise_after(env):
    b = env.allocate(4096)
    view = memoryview(b)
    with pytest.raises(BufferError):
        b.free()
    view.release()
    b.free()
    b.free()  # idempotent
    assert b.closed
    for call in (lambda: b.read64(0), lambda: b.size, lambda: memoryview(b),
                 lambda: b.fill64(0)):
        with pytest.raises(xpdk.Error) as e:
            call()
        assert e.value.errno == errno.EBADF


def test_a_view_keeps_the_buffer_alive(env):
    view = memoryview(env.allocate(4096))  # the only reference to the buffer is the view's
    view[0] = 0x5a
    assert view[0] == 0x5a


def test_zero_and_huge_sizes_raise(env):
    for size in (0, 1 << 40):
        with pytest.raises(xpdk.Error) as e:
            env.allocate(size)
        assert e.value.errno in (errno.EINVAL, errno.ENOMEM), e.value
