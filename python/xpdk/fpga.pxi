# SPDX-License-Identifier: BSD-3-Clause
# xpdk.fpga: the DFL FPGA driver (FME, sensors, errors, ports, PR, the host exerciser).

from libc.stdlib cimport free

_HE_MODES = {"read": XPDK_HE_MODE_READ, "write": XPDK_HE_MODE_WRITE, "copy": XPDK_HE_MODE_COPY}


cdef class Fpga:
    """An OPAE DFL FPGA (PAC A10, D5005, N3000, N6000, devsim's dfl-fpga) through XPDK's dfl
    driver.

    ``Fpga(name)`` opens the device by name and closes it with the Fpga; ``Fpga(device)`` uses
    an open xpdk.dev.Device (binding the dfl driver to it) and leaves it open. A context
    manager. Once the device is closed every call raises Error (ENODEV).

    Methods return records (types.SimpleNamespace) with named fields; failures raise Error with
    the driver's sentence (a port reset never acknowledged, a bitstream for another FPGA, an
    exerciser fault, ...).
    """
    cdef Device _device
    cdef bint _owns
    cdef xpdk_fpga *_f

    def __cinit__(self, device):
        if isinstance(device, Device):
            self._device = device
        else:
            self._device = Device(device)
            self._owns = True
        try:
            self._device.probe()
        except Error:
            if self._owns:
                self._device.close()
            raise
        self._f = xpdk_fpga_get(self._device._get())
        if self._f == NULL:
            if self._owns:
                self._device.close()
            raise _error(errno)

    cdef inline xpdk_fpga *_get(self) except NULL:
        if self._device._dev == NULL:
            raise Error(_errno.ENODEV, "FPGA %s is closed" % self._device._name)
        return self._f

    def close(self):
        """Close the device when this Fpga opened it (idempotent)."""
        if self._owns:
            self._device.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def device(self):
        """The xpdk.dev.Device under the FPGA."""
        return self._device

    def fme_info(self):
        """The FME: fabric_version, socket_id, num_ports, addr_width, bitstream_id (raw),
        bitstream_md, bs_version ("1.2.0"), bs_hash, synth_date ("2026-11-22"),
        pr_interface_id (GUID string), has_thermal/power/errors/perf/pr; ``present`` is False
        on a VF (no FME)."""
        cdef fme_info_t i
        _checkd(xpdk_fpga_fme_info(self._get(), &i), self._device._name)
        return _ns(present=bool(i.present), fabric_version=i.fabric_version,
                   socket_id=i.socket_id, num_ports=i.num_ports, addr_width=i.addr_width,
                   bitstream_id=i.bitstream_id, bitstream_md=i.bitstream_md,
                   bs_version="%d.%d.%d" % (i.bs_major, i.bs_minor, i.bs_patch),
                   bs_debug=i.bs_debug, bs_hash=i.bs_hash,
                   synth_date="20%02d-%02d-%02d" % (i.synth_year, i.synth_month, i.synth_day),
                   pr_interface_id=_guid_str(&i.pr_interface_id),
                   has_thermal=bool(i.has_thermal), has_power=bool(i.has_power),
                   has_errors=bool(i.has_errors), has_perf=bool(i.has_perf),
                   has_pr=bool(i.has_pr))

    def temperature(self):
        """FPGA temperature in degrees C; Error (ENOTSUP) without a thermal feature."""
        cdef unsigned int c
        _checkd(xpdk_fpga_temperature(self._get(), &c), self._device._name)
        return c

    def power(self):
        """Power consumed, in watts; Error (ENOTSUP) without a power feature."""
        cdef unsigned int w
        _checkd(xpdk_fpga_power(self._get(), &w), self._device._name)
        return w

    def errors(self):
        """The global error registers: fme, pcie0, pcie1, nonfatal, catfatal, first, next,
        and ``text`` ("catfatal bit 11, nonfatal bit 6", or "none")."""
        cdef fpga_errors_t e
        cdef char buf[512]
        _checkd(xpdk_fpga_errors(self._get(), &e), self._device._name)
        xpdk_fpga_errors_format(&e, buf, sizeof(buf))
        return _ns(fme=e.fme, pcie0=e.pcie0, pcie1=e.pcie1, nonfatal=e.nonfatal,
                   catfatal=e.catfatal, first=e.first, next=e.next, text=buf.decode())

    def errors_clear(self):
        """Clear every global error bit that is set."""
        _checkd(xpdk_fpga_errors_clear(self._get()), self._device._name)

    @property
    def num_ports(self):
        """Number of ports found."""
        return xpdk_fpga_num_ports(self._get())

    def port_info(self, unsigned int port=0):
        """Port ``port``: offset, number, mmio_size, num_irqs, in_reset, afu_offset, afu_id,
        released (to a VF: then only offset and number are filled)."""
        cdef port_info_t p
        _checkd(xpdk_fpga_port_info(self._get(), port, &p), self._device._name)
        return _ns(offset=p.offset, number=p.number, mmio_size=p.mmio_size,
                   num_irqs=p.num_irqs, in_reset=bool(p.in_reset), afu_offset=p.afu_offset,
                   afu_id=_guid_str(&p.afu_id), released=bool(p.released))

    def port_release(self, unsigned int port=0):
        """Release ``port`` from the PF for a VF (DFL_FPGA_FME_PORT_RELEASE); Error (EBUSY
        released already or in use, ENOTSUP on a VF)."""
        _check(xpdk_fpga_port_release(self._get(), port))

    def port_assign(self, unsigned int port=0):
        """Give a released ``port`` back to the PF; Error (EBUSY not released, or VFs
        enabled)."""
        _check(xpdk_fpga_port_assign(self._get(), port))

    def sriov_info(self):
        """The PF's SR-IOV capability: total_vfs, num_vfs, enabled, vf_device, first_offset,
        stride, released (ports); Error (ENOTSUP without one)."""
        cdef sriov_t v
        _check(xpdk_fpga_sriov_info(self._get(), &v))
        return _ns(total_vfs=v.total_vfs, num_vfs=v.num_vfs, enabled=bool(v.enabled),
                   vf_device=v.vf_device, first_offset=v.first_offset, stride=v.stride,
                   released=v.released)

    def sriov_configure(self, unsigned int num_vfs):
        """Enable ``num_vfs`` VFs (one per released port), 0 to disable; Error (ERANGE above
        TotalVFs, EINVAL not the released ports' count, EBUSY a VF in use)."""
        _check(xpdk_fpga_sriov_configure(self._get(), num_vfs))

    def vf_name(self, unsigned int vf=0):
        """The name to open VF ``vf`` by (xpdk.fpga.open())."""
        cdef char buf[1024]
        _check(xpdk_fpga_vf_name(self._get(), vf, buf, sizeof(buf)))
        return buf.decode()

    def ports(self):
        """port_info() of every port."""
        return [self.port_info(i) for i in range(self.num_ports)]

    def port_reset(self, unsigned int port=0):
        """Soft-reset ``port`` (assert, acknowledgement, release); Error (ETIMEDOUT)."""
        _checkd(xpdk_fpga_port_reset(self._get(), port), self._device._name)

    def port_errors(self, unsigned int port=0):
        """The port's error bits (0 when it has no error feature)."""
        cdef uint64_t e
        _checkd(xpdk_fpga_port_errors(self._get(), port, &e), self._device._name)
        return e

    def port_errors_clear(self, unsigned int port=0):
        """Clear the port's error bits."""
        _checkd(xpdk_fpga_port_errors_clear(self._get(), port), self._device._name)

    def afu(self, unsigned int port=0):
        """The AFU's MMIO window: ``region`` (a Region), ``base`` and ``size``; access it with
        ``region.read64(base + off)``."""
        cdef afu_t a
        _checkd(xpdk_fpga_afu(self._get(), port, &a), self._device._name)
        return _ns(region=self._device.region(a.region.index), base=a.base, size=a.size)

    def pr(self, path, unsigned int port=0):
        """Partially reconfigure ``port`` from the GBS file ``path``. Refused (Error, EINVAL,
        nothing streamed) when its interface ID is not the FME's. Returns what the GBS header
        says: interface_id, afu_ids, afu_names, platform, bitstream_len."""
        cdef void *image = NULL
        cdef size_t n = 0
        cdef xpdk_gbs_info gi
        cdef xpdk_fpga *f = self._get()
        cdef bytes p = _os.fsencode(path)
        cdef int rc
        _checkd(xpdk_gbs_load(p, &image, &n, &gi), self._device._name)
        try:
            with nogil:
                rc = xpdk_fpga_pr(f, port, image, n, NULL, NULL)
            _checkd(rc, self._device._name)
            return _ns(interface_id=_guid_str(&gi.interface_id),
                       afu_ids=[_guid_str(&gi.afu_id[i]) for i in range(gi.num_afus)],
                       afu_names=[gi.afu_name[i].decode() for i in range(gi.num_afus)],
                       platform=gi.platform.decode(), bitstream_len=gi.bitstream_len)
        finally:
            free(image)

    def he_attach(self, unsigned int port=0):
        """Prepare the host exerciser AFU on ``port``; Error (ENODEV) naming the AFU found
        when it is not the exerciser."""
        _checkd(xpdk_he_attach(self._get(), port), self._device._name)

    def he_run(self, mode, Buffer src=None, Buffer dst=None, lines=None, repeat=1,
               pattern=0, irq=False, timeout_ms=0):
        """Run the host exerciser: ``mode`` 'read' (src), 'write' (dst, filled with the 64-bit
        ``pattern``) or 'copy' (src to dst), ``lines`` 64-byte lines per pass (default: the
        whole buffer), ``repeat`` passes; wait for completion (polling, or the interrupt with
        ``irq``). Returns lines_read, lines_written, bytes, device_ns, host_ns, checksum.
        A device error raises Error (EIO) with the result in ``e.result``."""
        cdef xpdk_he_cfg cfg
        cdef xpdk_he_result res
        cdef xpdk_fpga *f = self._get()
        cdef int rc
        # every member zero, comp_mask included: the library refuses bits it does not know
        memset(&cfg, 0, sizeof(cfg))
        if mode not in _HE_MODES:
            raise Error(_errno.EINVAL, "exerciser mode %r is not 'read', 'write' or 'copy'"
                        % (mode,))
        cfg.mode = _HE_MODES[mode]
        cfg.src = src._get() if src is not None else NULL
        cfg.dst = dst._get() if dst is not None else NULL
        if lines is None:
            b = src if cfg.mode == XPDK_HE_MODE_READ else dst
            lines = (b.size // 64) if b is not None else 0
        cfg.lines = lines
        cfg.repeat = repeat
        cfg.pattern = pattern
        cfg.irq = irq
        cfg.timeout_ms = timeout_ms
        with nogil:
            rc = xpdk_he_run(f, &cfg, &res)
        result = _ns(lines_read=res.lines_read, lines_written=res.lines_written,
                     bytes=res.bytes, device_ns=res.device_ns, host_ns=res.host_ns,
                     checksum=res.checksum, error=res.error,
                     error_text=xpdk_he_strerror(res.error).decode(),
                     error_addr=res.error_addr) if rc == 0 or rc == -_errno.EIO else None
        if rc < 0:
            e = _error(-rc)
            e.result = result
            raise e
        return result

    def __repr__(self):
        return "<xpdk Fpga %r>" % (self._device,)
