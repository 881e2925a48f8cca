# SPDX-License-Identifier: BSD-3-Clause
# xpdk.dev: devices opened by name, their regions, config space, interrupts, reset.

_IRQ_KINDS = {"intx": XPDK_IRQ_INTX, "msi": XPDK_IRQ_MSI, "msix": XPDK_IRQ_MSIX}


cdef unsigned int _irq_kind(kind) except? 0xffffffff:
    if isinstance(kind, int):
        return kind
    try:
        return _IRQ_KINDS[kind]
    except KeyError:
        raise Error(_errno.EINVAL, "interrupt type %r is not 'intx', 'msi' or 'msix'" % (kind,))


cdef class Device:
    """A device, opened by name: a PCI address (``"0000:3f:00.0"``, ``"3f:00.0"``) bound to
    vfio-pci, or ``"vfio-user:PATH"`` for a device served over vfio-user (xpdk-devsim).

    A context manager: ``with xpdk.dev.Device(name) as d: ...`` closes it at the end. PCI
    devices need the environment (xpdk.env.init()); vfio-user devices need it only for DMA, and
    then it must be up before the device is opened.

    Regions (``d.region(0)``) and drivers bound to the device live until it is closed; after
    ``close()`` every call on the device or on one of its regions raises Error (ENODEV) instead
    of touching unmapped memory.

    opae.io's ``device`` names also work: ``pci_address``, ``num_regions`` (mappable regions),
    ``regions`` (the mappable regions), ``allocate(size)``, ``config_read8/16/32``,
    ``config_write8/16/32`` and ``d[off]`` for 32-bit config-space access.
    """
    cdef xpdk_dev *_dev
    cdef object _name
    cdef dict _regions
    cdef object __weakref__

    def __cinit__(self, name):
        cdef bytes b = _os.fsencode(name)
        cdef const char *c = b
        self._name = name
        self._regions = {}
        with nogil:
            self._dev = xpdk_dev_open(c)
        if self._dev == NULL:
            _checkd(-(errno if errno > 0 else _errno.EIO), name)
        _live_devices.add(self)

    def __dealloc__(self):
        if self._dev != NULL:
            xpdk_dev_close(self._dev)
            self._dev = NULL

    cdef inline xpdk_dev *_get(self) except NULL:
        if self._dev == NULL:
            raise Error(_errno.ENODEV, "device %s is closed" % self._name)
        return self._dev

    def close(self):
        """Close the device (idempotent). Its regions and driver objects stop working."""
        if self._dev != NULL:
            xpdk_dev_close(self._dev)
            self._dev = NULL

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def closed(self):
        """True once close() was called."""
        return self._dev == NULL

    @property
    def name(self):
        """The canonical name ("0000:3f:00.0", "vfio-user:/run/...")."""
        return xpdk_dev_info(self._get()).name.decode()

    @property
    def pci_address(self):
        """opae.io's name for ``name``."""
        return self.name

    @property
    def info(self):
        """What is known of the device: name, transport, vendor, device, subsystem_vendor,
        subsystem_device, class_code, num_regions, num_irqs, can_reset."""
        cdef const dev_info_t *i = xpdk_dev_info(self._get())
        return _ns(name=i.name.decode(), transport=i.transport.decode(), vendor=i.vendor,
                   device=i.device, subsystem_vendor=i.subsystem_vendor,
                   subsystem_device=i.subsystem_device, class_code=i.class_code,
                   num_regions=i.num_regions, num_irqs=i.num_irqs, can_reset=bool(i.can_reset))

    def region(self, unsigned int index=0):
        """Region ``index`` (0-5 the BARs, 6 the ROM, 7 config space); Error if absent."""
        cdef const xpdk_region *r
        dev = self._get()
        if index in self._regions:
            return self._regions[index]
        if index >= <unsigned int>XPDK_DEV_MAX_REGIONS:
            raise Error(_errno.ENODEV, "region %d does not exist: indices go up to %d"
                        % (index, XPDK_DEV_MAX_REGIONS - 1))
        r = xpdk_dev_region(dev, index)
        if r == NULL:
            raise Error(_errno.ENODEV, "region %d does not exist on %s; it has %s"
                        % (index, self.name, self._have()))
        reg = Region.__new__(Region)
        (<Region>reg)._init(self, r)
        self._regions[index] = reg
        return reg

    cdef str _have(self):
        have = []
        for i in range(XPDK_DEV_MAX_REGIONS):
            r = xpdk_dev_region(self._dev, i)
            if r != NULL:
                have.append("%d (size %#x)" % (i, r.size))
        return ", ".join(have) or "none"

    @property
    def regions(self):
        """The device's BARs (regions 0-5 that exist), as opae.io lists its mappable regions
        (``[0, 2]``); under vfio-pci these are the mappable ones, over vfio-user a BAR may be
        trapped (edu's is) and is listed all the same."""
        out = []
        for i in range(6):
            r = xpdk_dev_region(self._get(), i)
            if r != NULL and r.size != 0:
                out.append(self.region(i))
        return out

    @property
    def num_regions(self):
        """Number of BARs in ``regions`` (opae.io's meaning); ``info.num_regions`` counts
        every region index the transport reports."""
        return len(self.regions)

    def reset(self):
        """Reset the device; Error (ENOTSUP) when it cannot be reset."""
        cdef xpdk_dev *d = self._get()
        cdef int rc
        with nogil:
            rc = xpdk_dev_reset(d)
        _checkd(rc, self._name)

    def probe(self):
        """Bind the XPDK driver that matches the device; return its name (e.g. "dfl")."""
        cdef xpdk_dev *d = self._get()
        if xpdk_dev_driver(d) == NULL:
            _checkd(xpdk_dev_probe(d), self._name)
        return xpdk_dev_driver(d).name.decode()

    @property
    def driver(self):
        """Name of the bound XPDK driver, or None."""
        cdef const xpdk_driver *drv = xpdk_dev_driver(self._get())
        return None if drv == NULL else drv.name.decode()

    # config space
    cdef _cfg_read(self, off, unsigned int n):
        cdef uint64_t v = 0
        if off < 0:
            raise Error(_errno.ERANGE, "config offset %d is negative" % off)
        _checkd(xpdk_dev_cfg_read(self._get(), off, &v, n), self._name)
        return v

    cdef _cfg_write(self, off, value, unsigned int n):
        cdef uint64_t v
        if off < 0:
            raise Error(_errno.ERANGE, "config offset %d is negative" % off)
        if value < 0 or value >> (8 * n):
            raise Error(_errno.ERANGE, "value %#x does not fit in %d bits" % (value, 8 * n))
        v = value
        _checkd(xpdk_dev_cfg_write(self._get(), off, &v, n), self._name)

    def config_read8(self, off):
        """Read a byte of PCI config space."""
        return self._cfg_read(off, 1)

    def config_read16(self, off):
        """Read 16 bits of PCI config space."""
        return self._cfg_read(off, 2)

    def config_read32(self, off):
        """Read 32 bits of PCI config space."""
        return self._cfg_read(off, 4)

    def config_write8(self, off, value):
        """Write a byte of PCI config space."""
        self._cfg_write(off, value, 1)

    def config_write16(self, off, value):
        """Write 16 bits of PCI config space."""
        self._cfg_write(off, value, 2)

    def config_write32(self, off, value):
        """Write 32 bits of PCI config space."""
        self._cfg_write(off, value, 4)

    def __getitem__(self, off):
        """32-bit config-space read, as opae.io's ``dev[off]``."""
        return self._cfg_read(off, 4)

    def __setitem__(self, off, value):
        """32-bit config-space write, as opae.io's ``dev[off] = v``."""
        self._cfg_write(off, value, 4)

    # interrupts
    def irq_count(self, kind="msi"):
        """Number of vectors of interrupt type ``kind`` ('intx', 'msi', 'msix')."""
        return _checkd(xpdk_dev_irq_count(self._get(), _irq_kind(kind)), self._name)

    def irq_enable(self, kind="msi", unsigned int count=1):
        """Enable ``count`` vectors of type ``kind``, each with its own eventfd."""
        _checkd(xpdk_dev_irq_enable(self._get(), _irq_kind(kind), count), self._name)

    def irq_disable(self):
        """Disable the enabled interrupt type."""
        xpdk_dev_irq_disable(self._get())

    def irq_fd(self, unsigned int vector=0):
        """The eventfd of ``vector`` (for select/epoll); Error when it is not enabled."""
        cdef int fd = xpdk_dev_irq_fd(self._get(), vector)
        if fd < 0:
            raise Error(_errno.EINVAL, "vector %d is not enabled on %s (irq_enable() first)"
                        % (vector, self.name))
        return fd

    def wait(self, unsigned int vector=0, timeout=None):
        """Wait until interrupt ``vector`` fires, at most ``timeout`` seconds (None: forever),
        and re-arm it. Returns the number of interrupts counted (>= 1); Error (ETIMEDOUT) when
        none came in time. The GIL is released while waiting."""
        cdef xpdk_dev *d = self._get()
        cdef int ms = -1 if timeout is None else int(timeout * 1000)
        cdef int rc
        if ms < -1:
            raise Error(_errno.EINVAL, "timeout %r is negative" % (timeout,))
        with nogil:
            rc = xpdk_dev_irq_wait(d, vector, ms)
        return _checkd(rc, self._name)

    irq_wait = wait

    # DMA
    def set_dma_mask(self, uint64_t mask):
        """Limit the device addresses the device can reach (e.g. 2**28 - 1 for QEMU's edu)."""
        xpdk_dev_set_dma_mask(self._get(), mask)

    def dma_check(self, Buffer buf):
        """Raise Error (ERANGE) when the device cannot reach ``buf`` (its DMA mask)."""
        cdef xpdk_dma_buf *b = buf._get()
        _checkd(xpdk_dev_dma_check(self._get(), b.iova, b.size), self._name)

    def allocate(self, size_t size):
        """A DMA buffer for this device (opae.io's ``device.allocate``): a Buffer of ``size``
        bytes that the device can reach (checked against its DMA mask)."""
        self._get()
        buf = Buffer(size)
        self.dma_check(buf)
        return buf

    def __repr__(self):
        return self._name if self._dev != NULL else "<closed device %s>" % self._name


cdef class Region:
    """A region of a Device (a BAR, the ROM or config space); from ``Device.region(n)``.

    ``read32/read64/write32/write64(off, ...)`` take byte offsets that must be naturally
    aligned and inside the region; mapped parts are accessed with plain loads and stores (the
    fast path: well under a microsecond from Python), the rest through the transport (a
    vfio-user message or a pread on the vfio device). ``read(off, width)`` and
    ``write(off, value, width)`` take the width in bits (8, 16, 32, 64). Bad offsets and widths
    raise Error (ERANGE, EINVAL); a closed device raises Error (ENODEV).

    opae.io's region methods: ``index()``, ``len(region)``, ``repr()`` (the index).
    """
    cdef Device _device
    cdef const xpdk_region *_r
    cdef uint8_t *_map
    cdef uint64_t _size
    cdef unsigned int _index

    cdef void _init(self, Device device, const xpdk_region *r):
        self._device = device
        self._r = r
        self._map = r.map
        self._size = r.size
        self._index = r.index

    cdef inline int _ok(self, uint64_t off, unsigned int n) except -1:
        if self._device._dev == NULL:
            raise Error(_errno.ENODEV, "region %d: device %s is closed"
                        % (self._index, self._device._name))
        if off >= self._size or self._size - off < n:
            raise Error(_errno.ERANGE, "offset %#x is out of range: region %d is %#x bytes"
                        % (off, self._index, self._size))
        if off & (n - 1):
            raise Error(_errno.EINVAL, "offset %#x is not aligned to the %d-byte access"
                        % (off, n))
        return 0

    cdef inline uint8_t *_mapped(self, uint64_t off, unsigned int n):
        """Where [off, off + n) is mapped, or NULL (then the transport does it)."""
        cdef unsigned int i
        cdef const xpdk_region_area *a
        if self._map != NULL:
            return self._map + off
        for i in range(self._r.nareas):
            a = &self._r.areas[i]
            if off >= a.offset and off - a.offset + n <= a.size:
                return a.ptr + (off - a.offset)
        return NULL

    def read64(self, uint64_t off):
        """The 64-bit register at byte offset ``off``."""
        cdef uint64_t v
        cdef uint8_t *p
        self._ok(off, 8)
        p = self._mapped(off, 8)
        if p != NULL:
            return xpdk_py_mmio_read64(p)
        _checkd(xpdk_region_read(self._r, off, 64, &v), self._device._name)
        return v

    def read32(self, uint64_t off):
        """The 32-bit register at byte offset ``off``."""
        cdef uint64_t v
        cdef uint8_t *p
        self._ok(off, 4)
        p = self._mapped(off, 4)
        if p != NULL:
            return xpdk_py_mmio_read32(p)
        _checkd(xpdk_region_read(self._r, off, 32, &v), self._device._name)
        return v

    def write64(self, uint64_t off, uint64_t value):
        """Write the 64-bit register at byte offset ``off``."""
        cdef uint8_t *p
        self._ok(off, 8)
        p = self._mapped(off, 8)
        if p != NULL:
            xpdk_py_mmio_write64(p, value)
            return
        _checkd(xpdk_region_write(self._r, off, 64, value), self._device._name)

    def write32(self, uint64_t off, uint32_t value):
        """Write the 32-bit register at byte offset ``off``."""
        cdef uint8_t *p
        self._ok(off, 4)
        p = self._mapped(off, 4)
        if p != NULL:
            xpdk_py_mmio_write32(p, value)
            return
        _checkd(xpdk_region_write(self._r, off, 32, value), self._device._name)

    def read(self, uint64_t off, unsigned int width=64):
        """Read ``width`` bits (8, 16, 32 or 64) at byte offset ``off``, checked."""
        cdef uint64_t v
        if width not in (8, 16, 32, 64):
            raise Error(_errno.EINVAL, "width %d is not 8, 16, 32 or 64 (bits)" % width)
        self._ok(off, width // 8)
        _checkd(xpdk_region_read(self._r, off, width, &v), self._device._name)
        return v

    def write(self, uint64_t off, value, unsigned int width=64):
        """Write ``value`` (which must fit in ``width`` bits) at byte offset ``off``, checked."""
        if width not in (8, 16, 32, 64):
            raise Error(_errno.EINVAL, "width %d is not 8, 16, 32 or 64 (bits)" % width)
        if value < 0 or value >> width:
            raise Error(_errno.ERANGE, "value %#x does not fit in %d bits" % (value, width))
        self._ok(off, width // 8)
        _checkd(xpdk_region_write(self._r, off, width, value), self._device._name)

    @property
    def device(self):
        """The Device this region belongs to."""
        return self._device

    @property
    def size(self):
        """Size in bytes."""
        return self._size

    @property
    def mapped(self):
        """True when the whole region is mapped (every access is a plain load or store)."""
        return self._map != NULL

    @property
    def flags(self):
        """XPDK_REGION_F_* flags: 1 readable, 2 writable, 4 (partly) mapped."""
        self._device._get()
        return self._r.flags

    def index(self):
        """The region's index (a method, as in opae.io)."""
        return self._index

    def __len__(self):
        return self._size

    def __repr__(self):
        return str(self._index)
