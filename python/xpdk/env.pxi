# SPDX-License-Identifier: BSD-3-Clause
# xpdk.env: the environment (DPDK's EAL) and DMA buffers with the buffer protocol.

import atexit as _atexit
import weakref as _weakref

from cpython.buffer cimport PyBuffer_FillInfo
from libc.errno cimport errno
from libc.stdlib cimport malloc
from libc.string cimport memcpy, memcmp, memset

cdef object _env_argv = None          # the bytes EAL was given: kept alive for the process
_live_buffers = _weakref.WeakSet()    # freed at exit, before the environment goes
_live_devices = _weakref.WeakSet()    # closed at exit, before the environment goes


def env_init(args=()):
    """Bring up the environment (DPDK's EAL) from EAL arguments.

    ``args`` is a list of strings (``["-l", "0", "--in-memory"]``) or one string split on
    whitespace (``"-l 0 --no-huge -m 64"``). XPDK adds safe defaults for what is not given
    (no PCI probing without an allow-list, ``--in-memory``, ``--iova-mode=va``); see
    lib/env/xpdk_env.h and doc/getting-started.md. DPDK's EAL starts once per process: a second
    call raises Error (EALREADY). Returns the number of arguments EAL consumed.

    Call it before opening devices whose DMA you use: a vfio-user device maps the environment's
    memory when it is opened.
    """
    global _env_argv
    cdef int argc, rc
    cdef char **argv
    if isinstance(args, str):
        args = args.split()
    if xpdk_env_ready():
        raise Error(_errno.EALREADY, "the environment is already up; DPDK's EAL starts once "
                    "per process (xpdk.env.init() was called before)")
    words = [b"xpdk-python"] + [_os.fsencode(a) for a in args]
    argc = len(words)
    argv = <char **>malloc((argc + 1) * sizeof(char *))  # kept: EAL may keep pointers into it
    if argv == NULL:
        raise MemoryError()
    for i, w in enumerate(words):
        argv[i] = <char *>w
    argv[argc] = NULL
    _env_argv = words
    rc = xpdk_env_init(argc, argv)
    _check(rc)
    _atexit.register(_env_shutdown)
    return rc


def env_ready():
    """True once env_init() succeeded (and until the process exits)."""
    return bool(xpdk_env_ready())


def env_hugepages():
    """True when the environment runs on hugepages (not ``--no-huge``)."""
    return bool(xpdk_env_hugepages())


def env_hugepages_free():
    """Free hugepages on the system, in bytes (sysfs; needs no environment)."""
    return xpdk_env_hugepages_free()


def _env_shutdown():
    """At exit: close devices, free buffers nobody views, then release the environment."""
    for d in list(_live_devices):
        d.close()
    for b in list(_live_buffers):
        (<Buffer>b)._release_at_exit()
    xpdk_env_cleanup()


cdef class Buffer:
    """A DMA buffer: hugepage memory a device reads and writes, IOVA-contiguous.

    ``Buffer(size, align=0, zero=True)`` (or ``xpdk.env.allocate(size)``) needs the environment
    (xpdk.env.init()). The object implements the buffer protocol: ``memoryview(buf)`` and
    ``numpy.frombuffer(buf, dtype)`` are zero-copy, writable views of the memory the device
    sees. ``.iova`` (also ``.io_address``, opae.io's name) is the device address, ``.address``
    the CPU virtual address, ``.size`` the size in bytes.

    opae.io's ``system_buffer`` methods: ``read8/16/32/64(off)`` at byte offsets (unaligned
    allowed), ``fill8/16/32/64(value)`` over the whole buffer, ``compare(other)``, and
    ``buf[off]`` / ``buf[off] = v``: the 64-bit word at byte offset ``off`` rounded down to a
    multiple of 8, as opae.io does (``buf[1]`` is ``buf[0]``). XPDK adds ``write8/16/32/64``.
    Out-of-range offsets raise Error (ERANGE) instead of touching other memory.

    ``free()`` (or leaving a ``with`` block) returns the memory; it refuses (BufferError) while a
    memoryview or numpy array of it is alive. Every later call raises Error.
    """
    cdef xpdk_dma_buf *_buf
    cdef int _exports
    cdef object __weakref__

    def __cinit__(self, size_t size, size_t align=0, bint zero=True):
        if not xpdk_env_ready():
            raise Error(_errno.EINVAL, "no environment: call xpdk.env.init(EAL_ARGS) before "
                        "allocating DMA buffers")
        self._buf = xpdk_dma_alloc(size, align, XPDK_DMA_F_ZERO if zero else 0)
        if self._buf == NULL:
            raise _error(errno)
        _live_buffers.add(self)

    def __dealloc__(self):
        if self._buf != NULL:
            xpdk_dma_free(self._buf)
            self._buf = NULL

    cdef void _release_at_exit(self):
        if self._exports == 0 and self._buf != NULL:
            xpdk_dma_free(self._buf)
        self._buf = NULL  # a view still alive keeps pointing at memory EAL releases: leak it

    cdef inline xpdk_dma_buf *_get(self) except NULL:
        if self._buf == NULL:
            raise Error(_errno.EBADF, "the DMA buffer was freed")
        return self._buf

    cdef inline char *_at(self, object off, size_t width) except NULL:
        cdef xpdk_dma_buf *b = self._get()
        cdef Py_ssize_t o
        if not isinstance(off, int):
            raise TypeError("offset must be an int, not %s" % type(off).__name__)
        if off < 0 or off > <Py_ssize_t>b.size - <Py_ssize_t>width:
            raise Error(_errno.ERANGE, "offset %#x is out of range: %d-byte access in a "
                        "buffer of %d bytes" % (off, width, b.size))
        o = off
        return <char *>b.va + o

    def free(self):
        """Return the memory to the environment. Idempotent; refused while views exist."""
        if self._exports:
            raise BufferError("%d view(s) of this buffer (memoryview, numpy array) are still "
                              "alive; release them first" % self._exports)
        if self._buf != NULL:
            xpdk_dma_free(self._buf)
            self._buf = NULL

    close = free

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.free()
        return False

    @property
    def closed(self):
        """True once free() was called."""
        return self._buf == NULL

    @property
    def size(self):
        """Size in bytes."""
        return self._get().size

    @property
    def iova(self):
        """Device (IO virtual) address of the first byte."""
        return self._get().iova

    @property
    def io_address(self):
        """opae.io's name for ``iova``."""
        return self._get().iova

    @property
    def address(self):
        """CPU virtual address of the first byte."""
        return <size_t>self._get().va

    @property
    def align(self):
        """Alignment of the address and the IOVA, in bytes."""
        return self._get().align

    @property
    def page_size(self):
        """Size of the pages backing the buffer (a hugepage size, or 4096)."""
        return self._get().page_size

    def __len__(self):
        return self._get().size

    def __repr__(self):
        if self._buf == NULL:
            return "<xpdk Buffer (freed)>"
        return "size: %d virt: %#x io: %#x" % (self._buf.size, <size_t>self._buf.va,
                                               self._buf.iova)

    def __getbuffer__(self, Py_buffer *view, int flags):
        cdef xpdk_dma_buf *b = self._get()
        PyBuffer_FillInfo(view, self, b.va, <Py_ssize_t>b.size, 0, flags)
        self._exports += 1

    def __releasebuffer__(self, Py_buffer *view):
        self._exports -= 1

    def read8(self, off):
        """The byte at ``off``."""
        return (<uint8_t *>self._at(off, 1))[0]

    def read16(self, off):
        """The 16-bit little-endian value at byte offset ``off`` (any alignment)."""
        cdef uint16_t v
        memcpy(&v, self._at(off, 2), 2)
        return v

    def read32(self, off):
        """The 32-bit value at byte offset ``off`` (any alignment)."""
        cdef uint32_t v
        memcpy(&v, self._at(off, 4), 4)
        return v

    def read64(self, off):
        """The 64-bit value at byte offset ``off`` (any alignment)."""
        cdef uint64_t v
        memcpy(&v, self._at(off, 8), 8)
        return v

    def write8(self, off, uint8_t value):
        """Store a byte at ``off`` (XPDK; opae.io has no write methods)."""
        (<uint8_t *>self._at(off, 1))[0] = value

    def write16(self, off, uint16_t value):
        """Store a 16-bit value at byte offset ``off``."""
        memcpy(self._at(off, 2), &value, 2)

    def write32(self, off, uint32_t value):
        """Store a 32-bit value at byte offset ``off``."""
        memcpy(self._at(off, 4), &value, 4)

    def write64(self, off, uint64_t value):
        """Store a 64-bit value at byte offset ``off``."""
        memcpy(self._at(off, 8), &value, 8)

    cdef _fill(self, const void *value, size_t width):
        cdef xpdk_dma_buf *b = self._get()
        cdef size_t i
        cdef char *p = <char *>b.va
        for i in range(0, b.size - b.size % width, width):
            memcpy(p + i, value, width)

    def fill8(self, uint8_t value):
        """Fill the buffer with ``value``, byte by byte."""
        self._fill(&value, 1)

    def fill16(self, uint16_t value):
        """Fill the whole 16-bit words of the buffer with ``value`` (a shorter tail is kept)."""
        self._fill(&value, 2)

    def fill32(self, uint32_t value):
        """Fill the whole 32-bit words of the buffer with ``value``."""
        self._fill(&value, 4)

    def fill64(self, uint64_t value):
        """Fill the whole 64-bit words of the buffer with ``value``."""
        self._fill(&value, 8)

    def compare(self, Buffer other):
        """Index of the first differing byte over the shorter length; that length if equal."""
        cdef xpdk_dma_buf *a = self._get()
        cdef xpdk_dma_buf *b = other._get()
        cdef size_t n = a.size if a.size < b.size else b.size
        cdef size_t i
        cdef const uint8_t *pa = <const uint8_t *>a.va
        cdef const uint8_t *pb = <const uint8_t *>b.va
        if memcmp(pa, pb, n) == 0:
            return n
        for i in range(n):
            if pa[i] != pb[i]:
                return i
        return n

    def __getitem__(self, off):
        """The 64-bit word at byte offset ``off`` rounded down to 8 (opae.io's indexing)."""
        if not isinstance(off, int):
            raise TypeError("buffer index must be an int (a byte offset), not %s"
                            % type(off).__name__)
        return self.read64(off - off % 8 if off >= 0 else off)

    def __setitem__(self, off, uint64_t value):
        """Store the 64-bit word at byte offset ``off`` rounded down to 8 (opae.io)."""
        if not isinstance(off, int):
            raise TypeError("buffer index must be an int (a byte offset), not %s"
                            % type(off).__name__)
        self.write64(off - off % 8 if off >= 0 else off, value)


def env_allocate(size_t size, size_t align=0, bint zero=True):
    """Allocate a DMA buffer of ``size`` bytes (see Buffer); ``zero`` clears it."""
    return Buffer(size, align, zero)
