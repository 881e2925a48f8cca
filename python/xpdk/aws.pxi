# SPDX-License-Identifier: BSD-3-Clause
# AWS F2's Python bindings (AWS's FpgaMgmt, FpgaPCI and FpgaClkgen, with AWS's method names,
# argument names and order, and returned dicts) over XPDK's fpga_mgmt/fpga_pci/fpga_clkgen
# (drivers/fpga/aws). Presented as xpdk.aws.fpga_mgmt_wrapper, .fpga_pci_wrapper,
# .fpga_clkgen_wrapper and .fpga_utils, and under AWS's top-level module names
# (python/aws_modules/). Where AWS's wrappers differ, the difference is a fix documented in
# doc/aws-f2.md#python: typed errors with errno, zero-padded cached AGFIs, a memoryview of a
# BAR, no copy in pci_write_burst for buffers, the GIL released while the mailbox is waited on.

import logging as _logging

cimport cython
from cpython.buffer cimport PyObject_CheckBuffer, PyObject_GetBuffer, PyBuffer_Release
from cpython.buffer cimport PyBUF_SIMPLE
from libc.stdlib cimport calloc, free as _afree
from libc.stdint cimport uintptr_t

cdef extern from "fpga_mgmt.h" nogil:
    int FPGA_PF_MAX
    int FPGA_BAR_PER_PF_MAX
    int F2_DDR_IFS_MAX
    int FPGA_MMCM_GROUP_MAX
    int FPGA_MMCM_OUT_CLKS_MAX
    int FPGA_CACHED_AGFIS_MAX
    int FPGA_CMD_GET_HW_METRICS

    ctypedef int pci_bar_handle_t

    struct fpga_pci_resource_map:
        uint16_t vendor_id
        uint16_t device_id
        uint16_t subsystem_device_id
        uint16_t subsystem_vendor_id
        uint16_t domain
        uint8_t bus
        uint8_t dev
        uint8_t func
        bint resource_burstable[5]     # C bool: read element by element only
        uint64_t resource_size[5]
    struct fpga_slot_spec:
        fpga_pci_resource_map map[2]
    struct fpga_meta_ids:
        char afi_id[64]
    struct fpga_ddr_if_metrics_common:
        uint64_t write_count
        uint64_t read_count
    struct fpga_clocks_common:
        uint64_t frequency[7]
    struct f2_metrics_common:
        uint32_t int_status
        uint32_t pcim_axi_protocol_error_status
        uint64_t pcim_range_error_addr
        uint32_t pcim_range_error_count
        uint64_t pcim_axi_protocol_error_addr
        uint32_t pcim_axi_protocol_error_count
        uint64_t pcim_write_count
        uint64_t pcim_read_count
        uint64_t dma_pcis_timeout_addr
        uint32_t dma_pcis_timeout_count
        uint32_t ocl_slave_timeout_addr
        uint32_t ocl_slave_timeout_count
        uint64_t sda_slave_timeout_addr
        uint32_t sda_slave_timeout_count
        uint32_t virtual_jtag_slave_timeout_addr
        uint32_t virtual_jtag_slave_timeout_count
        uint32_t virtual_jtag_write_count
        uint32_t virtual_jtag_read_count
        fpga_ddr_if_metrics_common ddr_ifs[1]
        fpga_clocks_common clocks[3]
        uint64_t power_mean
        uint64_t power_max
        uint64_t power
        uint64_t cached_agfis[16]
        uint64_t flags
    # the anonymous union of struct fpga_mgmt_image_info: only its member is named in C
    struct _aws_metrics_union:
        f2_metrics_common f2_metrics
    struct fpga_mgmt_image_info:
        int status
        int status_q
        int slot_id
        fpga_meta_ids ids
        fpga_slot_spec spec
        uint32_t sh_version
        _aws_metrics_union metrics

    int fpga_mgmt_init()
    const char *fpga_mgmt_strerror(int err)
    const char *fpga_mgmt_strerror_long(int err)
    void fpga_mgmt_set_cmd_timeout(uint32_t value)
    void fpga_mgmt_set_cmd_delay_msec(uint32_t value)
    int fpga_mgmt_describe_local_image(int slot_id, fpga_mgmt_image_info *info, uint32_t flags)
    int fpga_mgmt_get_status(int slot_id, int *status, int *status_q)
    const char *fpga_mgmt_get_status_name(int status)
    int fpga_mgmt_clear_local_image(int slot_id)
    int fpga_mgmt_clear_local_image_sync(int slot_id, uint32_t timeout, uint32_t delay_msec,
                                         fpga_mgmt_image_info *info)
    int fpga_mgmt_load_local_image(int slot_id, char *afi_id)
    int fpga_mgmt_load_local_image_flags(int slot_id, char *afi_id, uint32_t flags)
    int fpga_mgmt_load_local_image_sync_flags(int slot_id, char *afi_id, uint32_t flags,
                                              uint32_t timeout, uint32_t delay_msec,
                                              fpga_mgmt_image_info *info)
    int fpga_mgmt_get_vLED_status(int slot_id, uint16_t *status)
    int fpga_mgmt_set_vDIP(int slot_id, uint16_t value)
    int fpga_mgmt_get_vDIP_status(int slot_id, uint16_t *value)
    int xpdk_aws_errno(int rc)

    int fpga_pci_init()
    int fpga_pci_attach(int slot_id, int pf_id, int bar_id, uint32_t flags,
                        pci_bar_handle_t *handle)
    int fpga_pci_detach(pci_bar_handle_t handle)
    int fpga_pci_poke(pci_bar_handle_t handle, uint64_t offset, uint32_t value)
    int fpga_pci_poke8(pci_bar_handle_t handle, uint64_t offset, uint8_t value)
    int fpga_pci_poke64(pci_bar_handle_t handle, uint64_t offset, uint64_t value)
    int fpga_pci_write_burst(pci_bar_handle_t handle, uint64_t offset, uint32_t *datap,
                             uint64_t dword_len)
    int fpga_pci_peek(pci_bar_handle_t handle, uint64_t offset, uint32_t *value)
    int fpga_pci_peek8(pci_bar_handle_t handle, uint64_t offset, uint8_t *value)
    int fpga_pci_peek64(pci_bar_handle_t handle, uint64_t offset, uint64_t *value)
    int fpga_pci_get_slot_spec(int slot_id, fpga_slot_spec *spec)
    int fpga_pci_get_all_slot_specs(fpga_slot_spec *spec_array, int size)
    int fpga_pci_get_resource_map(int slot_id, int pf_id, fpga_pci_resource_map *map)
    int fpga_pci_rescan_slot_app_pfs(int slot_id)
    int fpga_pci_get_address(pci_bar_handle_t handle, uint64_t offset, uint64_t dword_len,
                             void **ptr)
    int fpga_pci_memset(pci_bar_handle_t handle, uint64_t offset, uint32_t value,
                        uint64_t dword_len)

cdef extern from "fpga_clkgen.h" nogil:
    struct fpga_clkgen_group:
        double clocks[3]
    struct fpga_clkgen_info:
        fpga_clkgen_group clock_group_a
        fpga_clkgen_group clock_group_b
        fpga_clkgen_group clock_group_c
        fpga_clkgen_group clock_group_hbm
    int aws_clkgen_get_dynamic(int slot_id, fpga_clkgen_info *info)
    int aws_clkgen_set_recipe(int slot_id, uint32_t clk_a_recipe, uint32_t clk_b_recipe,
                              uint32_t clk_c_recipe, uint32_t clk_hbm_recipe, uint32_t reset)
    int aws_clkgen_set_dynamic(int slot_id, uint32_t clk_a_freq, uint32_t clk_b_freq,
                               uint32_t clk_c_freq, uint32_t clk_hbm_freq, uint32_t reset)


# ---- errors (fpga_utils) ---------------------------------------------------------------------

_aws_log = _logging.getLogger("fpga_utils")


class FpgaError(Error, RuntimeError):
    """A call of AWS's F2 libraries failed (AWS's wrappers raise a plain RuntimeError).

    A RuntimeError with AWS's message, ``str(e)`` = "Failed to <what> on slot: <N or N/A>,
    error code: <code>: <name>", and also an xpdk.Error (OSError): ``e.errno`` is the errno
    that matches the code (EBUSY for busy, EINVAL for a bad argument or AFI id, ENODEV for a
    slot or PCI function that is not there, ETIMEDOUT, ...) and ``e.strerror`` XPDK's
    sentence saying what went wrong. ``e.error_code`` is the C return value (a positive
    FPGA_ERR_* code or a negative errno) and ``e.slot_id`` the slot (-1: not slot-specific).
    """

    def __init__(self, check, slot_id, error_code, detail=None):
        slot = "N/A" if slot_id == -1 else str(slot_id)
        name = fpga_mgmt_strerror(error_code).decode("utf-8", "replace")
        self.message = "Failed to {} on slot: {}, error code: {}: {}".format(
            check, slot, error_code, name)
        err = xpdk_aws_errno(error_code) or _errno.EIO
        super().__init__(err, detail or self.message)
        self.error_code = error_code
        self.slot_id = slot_id

    def __str__(self):
        return self.message


class FpgaBusyError(FpgaError):
    """The slot is busy with a load or clear (errno EBUSY): wait until describe shows it is
    no longer busy, then retry."""


class FpgaInvalidError(FpgaError):
    """A bad argument: slot, PF, BAR, handle, offset, flags, AFI id, clock input (EINVAL)."""


class FpgaNoDeviceError(FpgaError):
    """No such slot, PCI function or clock generator, or the function went away under a
    handle after a load or clear (ENODEV): attach again."""


class FpgaTimeoutError(FpgaError, TimeoutError):
    """The shell or the FPGA did not answer in time (ETIMEDOUT); also a TimeoutError."""


_AWS_ERRORS = {_errno.EBUSY: FpgaBusyError, _errno.EINVAL: FpgaInvalidError,
               _errno.ENODEV: FpgaNoDeviceError, _errno.ETIMEDOUT: FpgaTimeoutError}


def _aws_error(int ret, check, slot_id, detail=None):
    """The FpgaError subclass for return value ``ret``."""
    cls = _AWS_ERRORS.get(xpdk_aws_errno(ret), FpgaError)
    return cls(check, slot_id, ret, detail)


cdef int _aws_check(int ret, str check, int slot_id) except -1:
    """Raise for a non-zero return, with the library's sentence (read before anything else
    runs in this thread); log success at INFO as AWS's wrappers do."""
    cdef const char *last
    if ret != 0:
        last = xpdk_strerror_last()
        detail = last.decode("utf-8", "replace") if last != NULL and last[0] != 0 else None
        if detail is None:
            detail = fpga_mgmt_strerror_long(ret).decode("utf-8", "replace")
        raise _aws_error(ret, check, slot_id, detail)
    return 0


def check_return_code(ret, check, slot_id):
    """AWS's fpga_utils.check_return_code: raise FpgaError (a RuntimeError) when ``ret`` is
    not 0, with AWS's message; ``slot_id`` -1 prints as N/A."""
    if ret != 0:
        raise _aws_error(ret, check, slot_id, fpga_mgmt_strerror_long(ret).decode("utf-8"))
    _aws_log.info("Succeeded to %s on slot: %s", check, "N/A" if slot_id == -1 else slot_id)


# ---- structs as AWS's dicts ------------------------------------------------------------------

cdef dict _aws_resource_map(fpga_pci_resource_map m):
    return {
        "vendor_id": m.vendor_id,
        "device_id": m.device_id,
        "subsystem_device_id": m.subsystem_device_id,
        "subsystem_vendor_id": m.subsystem_vendor_id,
        "domain": m.domain,
        "bus": m.bus,
        "dev": m.dev,
        "func": m.func,
        "resource_burstable": [bool(m.resource_burstable[i]) for i in range(FPGA_BAR_PER_PF_MAX)],
        "resource_size": [m.resource_size[i] for i in range(FPGA_BAR_PER_PF_MAX)],
    }


cdef dict _aws_slot_spec(fpga_slot_spec s):
    return {"map": [_aws_resource_map(s.map[i]) for i in range(FPGA_PF_MAX)]}


cdef list _aws_cached_agfis(f2_metrics_common m):
    # AWS prints hex(v)[2:], which drops the leading 0 of "agfi-0925b211f5a81b071"; the
    # 17-digit form is the id that was loaded (and what XPDK's tools print)
    return ["0" if m.cached_agfis[i] == 0 else "agfi-%017x" % m.cached_agfis[i]
            for i in range(FPGA_CACHED_AGFIS_MAX)]


cdef dict _aws_metrics(f2_metrics_common m):
    return {
        "int_status": m.int_status,
        "pcim_axi_protocol_error_status": m.pcim_axi_protocol_error_status,
        "pcim_range_error_addr": m.pcim_range_error_addr,
        "pcim_range_error_count": m.pcim_range_error_count,
        "pcim_axi_protocol_error_addr": m.pcim_axi_protocol_error_addr,
        "pcim_axi_protocol_error_count": m.pcim_axi_protocol_error_count,
        "pcim_write_count": m.pcim_write_count,
        "pcim_read_count": m.pcim_read_count,
        "dma_pcis_timeout_addr": m.dma_pcis_timeout_addr,
        "dma_pcis_timeout_count": m.dma_pcis_timeout_count,
        "ocl_slave_timeout_addr": m.ocl_slave_timeout_addr,
        "ocl_slave_timeout_count": m.ocl_slave_timeout_count,
        "sda_slave_timeout_addr": m.sda_slave_timeout_addr,
        "sda_slave_timeout_count": m.sda_slave_timeout_count,
        "virtual_jtag_slave_timeout_addr": m.virtual_jtag_slave_timeout_addr,
        "virtual_jtag_slave_timeout_count": m.virtual_jtag_slave_timeout_count,
        "virtual_jtag_write_count": m.virtual_jtag_write_count,
        "virtual_jtag_read_count": m.virtual_jtag_read_count,
        "ddr_ifs": [{"write_count": m.ddr_ifs[i].write_count,
                     "read_count": m.ddr_ifs[i].read_count} for i in range(F2_DDR_IFS_MAX)],
        "clocks": [{"frequency": [m.clocks[g].frequency[i]
                                  for i in range(FPGA_MMCM_OUT_CLKS_MAX)]}
                   for g in range(FPGA_MMCM_GROUP_MAX)],
        "power_mean": m.power_mean,
        "power_max": m.power_max,
        "power": m.power,
        "cached_agfis": _aws_cached_agfis(m),
        "flags": m.flags,
    }


cdef dict _aws_image_info(fpga_mgmt_image_info *info):
    return {
        "status": fpga_mgmt_get_status_name(info.status).decode("utf-8"),
        "status_q": info.status_q,
        "slot_id": info.slot_id,
        "afi_id": {"afi_id": <bytes>info.ids.afi_id},  # bytes up to the NUL, as AWS's
        "spec": _aws_slot_spec(info.spec),
        "sh_version": info.sh_version,
        "metrics": _aws_metrics(info.metrics.f2_metrics),
    }


cdef dict _aws_group(fpga_clkgen_group g):
    return {"clocks": [g.clocks[i] for i in range(3)]}


cdef bytes _aws_afi_bytes(afi_id):
    if isinstance(afi_id, bytes):
        return afi_id
    return str(afi_id).encode("utf-8")


# ---- FpgaMgmt (fpga_mgmt_wrapper) ------------------------------------------------------------

# Methods of one argument carry always_allow_keywords: Cython would make them METH_O, which
# refuses the keyword calls AWS's examples make (set_cmd_delay_msec(value=100000)).

cdef class FpgaMgmt:
    """AWS's fpga_mgmt_wrapper.FpgaMgmt: load, clear and describe the AFI of a slot, its
    status, virtual LEDs and DIP switches.

    Calls that change or describe the slot return AWS's dict (``describe_local_image``'s):
    ``status`` (a name: "loaded", "cleared", "busy", ...), ``status_q``, ``slot_id``,
    ``afi_id`` (``{'afi_id': b'agfi-...'}``), ``spec`` (``{'map': [app PF, mgmt PF]}``),
    ``sh_version`` and ``metrics`` (with ``cached_agfis`` as 16 strings). Failures raise
    FpgaError, a RuntimeError with AWS's message that also carries ``errno``. Slots are those
    of fpga_pci: F2 management PFs on the PCI bus, then ``xpdk-devsim --model f2`` slots
    ($XPDK_DEVSIM_DIR). The GIL is released while the mailbox is waited on.
    """

    def __init__(self):
        _aws_check(fpga_mgmt_init(), "initialize FPGA Management Library", -1)

    def load_local_image(self, int slot_id, afi_id):
        """Start loading AFI ``afi_id`` ("agfi-...") into the slot; the slot's description
        (status "busy" until the load ends)."""
        cdef bytes b = _aws_afi_bytes(afi_id)
        cdef char *p = b
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_mgmt_load_local_image(slot_id, p)
        _aws_check(ret, "load AFI", slot_id)
        return self.describe_local_image(slot_id, FPGA_CMD_GET_HW_METRICS)

    @cython.always_allow_keywords(True)
    def clear_local_image(self, int slot_id):
        """Start clearing the slot; its description (status "busy" until the clear ends)."""
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_mgmt_clear_local_image(slot_id)
        _aws_check(ret, "clear image on FPGA", slot_id)
        return self.describe_local_image(slot_id, FPGA_CMD_GET_HW_METRICS)

    @staticmethod
    @cython.always_allow_keywords(True)
    def process_cached_agfis(result):
        """AWS's helper: the ``cached_agfis`` of a describe result as strings ("0" for an
        empty entry). Entries that are strings already are kept."""
        out = []
        for v in result["metrics"]["cached_agfis"]:
            if isinstance(v, str):
                out.append(v)
            elif v == 0:
                out.append("0")
            else:
                out.append("agfi-%017x" % v)
        return out

    def describe_local_image(self, int slot_id, uint32_t flags):
        """The slot's description (AWS's dict); ``flags``: FPGA_CMD_GET_HW_METRICS (1 << 1),
        FPGA_CMD_CLEAR_HW_METRICS (1 << 2), FPGA_CMD_CLEAR_AFI_CACHE (1 << 8), ..."""
        cdef fpga_mgmt_image_info info
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_mgmt_describe_local_image(slot_id, &info, flags)
        _aws_check(ret, "describe local image", slot_id)
        return _aws_image_info(&info)

    @staticmethod
    @cython.always_allow_keywords(True)
    def strerror(int error):
        """The short name of an error code ("busy", "invalid-afi-id", ...)."""
        return fpga_mgmt_strerror(error).decode("utf-8")

    @staticmethod
    @cython.always_allow_keywords(True)
    def strerror_long(int err):
        """A sentence about an error code and what to do."""
        return fpga_mgmt_strerror_long(err).decode("utf-8")

    @staticmethod
    @cython.always_allow_keywords(True)
    def get_status_name(int status):
        """The name of a slot status ("loaded", "cleared", "busy", ...)."""
        return fpga_mgmt_get_status_name(status).decode("utf-8")

    @cython.always_allow_keywords(True)
    def get_status(self, int slot_id):
        """``{'status': int, 'status_q': int, 'return_code': 0}``."""
        cdef int status = 0, status_q = 0, ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_mgmt_get_status(slot_id, &status, &status_q)
        _aws_check(ret, "get FPGA status", slot_id)
        return {"status": status, "status_q": status_q, "return_code": ret}

    @cython.always_allow_keywords(True)
    def set_cmd_timeout(self, uint32_t value):
        """Mailbox polls per command (a command's deadline is timeout x delay)."""
        fpga_mgmt_set_cmd_timeout(value)

    @cython.always_allow_keywords(True)
    def set_cmd_delay_msec(self, uint32_t value):
        """Milliseconds between mailbox polls (the first polls do not sleep)."""
        fpga_mgmt_set_cmd_delay_msec(value)

    @cython.always_allow_keywords(True)
    def get_vLED_status(self, int slot_id):
        """The 16 virtual LEDs."""
        cdef uint16_t status = 0
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_mgmt_get_vLED_status(slot_id, &status)
        _aws_check(ret, "get vLED status", slot_id)
        return status

    def set_vDIP(self, int slot_id, uint16_t value):
        """Set the 16 virtual DIP switches."""
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_mgmt_set_vDIP(slot_id, value)
        _aws_check(ret, "set vDIP status", slot_id)

    @cython.always_allow_keywords(True)
    def get_vDIP_status(self, int slot_id):
        """The 16 virtual DIP switches."""
        cdef uint16_t value = 0
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_mgmt_get_vDIP_status(slot_id, &value)
        _aws_check(ret, "get vDIP status", slot_id)
        return value

    def clear_local_image_sync(self, int slot_id, uint32_t timeout, uint32_t delay_msec):
        """Clear the slot and wait (at most ``timeout`` x ``delay_msec`` ms) until it is
        cleared; the slot's description."""
        cdef fpga_mgmt_image_info info
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_mgmt_clear_local_image_sync(slot_id, timeout, delay_msec, &info)
        _aws_check(ret, "clear local image sync", slot_id)
        return self.describe_local_image(slot_id, FPGA_CMD_GET_HW_METRICS)

    def load_local_image_flags(self, int slot_id, afi_id, uint32_t flags):
        """Start loading an AFI with flags (FPGA_CMD_PREFETCH, ...); the slot's description."""
        cdef bytes b = _aws_afi_bytes(afi_id)
        cdef char *p = b
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_mgmt_load_local_image_flags(slot_id, p, flags)
        _aws_check(ret, "load AFI flags", slot_id)
        return self.describe_local_image(slot_id, FPGA_CMD_GET_HW_METRICS)

    def load_local_image_sync_flags(self, int slot_id, afi_id, uint32_t flags,
                                    uint32_t timeout, uint32_t delay_msec):
        """Load an AFI with flags and wait (at most ``timeout`` x ``delay_msec`` ms) until it
        is loaded; the slot's description, with the application PF's new IDs."""
        cdef fpga_mgmt_image_info info
        cdef bytes b = _aws_afi_bytes(afi_id)
        cdef char *p = b
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_mgmt_load_local_image_sync_flags(slot_id, p, flags, timeout,
                                                        delay_msec, &info)
        _aws_check(ret, "load AFI sync flags", slot_id)
        return self.describe_local_image(slot_id, FPGA_CMD_GET_HW_METRICS)


# ---- FpgaPCI (fpga_pci_wrapper) --------------------------------------------------------------

# where each handle attached from Python points: (slot, pf, bar), for pci_get_address's views
_aws_bar_places = {}


cdef class BarMemory:
    """The memory behind part of an attached BAR, exported with the buffer protocol:
    ``FpgaPCI.pci_get_address(handle, offset, dword_len, memoryview=True)`` returns a
    writable memoryview of it. Loads and stores through the view reach the device with no
    copy and no call. The object holds its own attachment of the BAR, so the mapping stays
    valid while a view is alive, even after ``pci_detach`` of the handle it came from.
    """
    cdef pci_bar_handle_t _handle
    cdef void *_ptr
    cdef Py_ssize_t _len
    cdef readonly int slot_id, pf_id, bar_id
    cdef readonly uint64_t offset

    def __cinit__(self):
        self._handle = -1

    def __dealloc__(self):
        if self._handle >= 0:
            fpga_pci_detach(self._handle)

    def __getbuffer__(self, Py_buffer *view, int flags):
        PyBuffer_FillInfo(view, self, self._ptr, self._len, 0, flags)

    def __releasebuffer__(self, Py_buffer *view):
        pass

    def __len__(self):
        return self._len

    @property
    def address(self):
        """The address in this process (what pci_get_address returns without memoryview)."""
        return <uintptr_t>self._ptr

    def __repr__(self):
        return "<BarMemory slot %d PF %d BAR %d 0x%x+0x%x at 0x%x>" % (
            self.slot_id, self.pf_id, self.bar_id, self.offset, self._len,
            <uintptr_t>self._ptr)


cdef class FpgaPCI:
    """AWS's fpga_pci_wrapper.FpgaPCI: attach a slot's BARs by slot, PF and BAR, and peek,
    poke, burst-write and memset them (bounds-checked); slot specs and resource maps as AWS's
    dicts. ``pci_get_address(..., memoryview=True)`` also gives a zero-copy memoryview of a
    mapped part of a BAR. Failures raise FpgaError (a RuntimeError with errno).
    """

    def __init__(self):
        _aws_check(fpga_pci_init(), "initialize PCI Library", -1)

    def pci_attach(self, int slot_id, int pf_id, int bar_id, uint32_t flags):
        """Attach BAR ``bar_id`` of PF ``pf_id`` (0 application, 1 management) of slot
        ``slot_id``; ``flags`` 0 or BURST_CAPABLE (1). The handle (an int)."""
        cdef pci_bar_handle_t handle = -1
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_pci_attach(slot_id, pf_id, bar_id, flags, &handle)
        _aws_check(ret, "pci attach", slot_id)
        _aws_bar_places[handle] = (slot_id, pf_id, bar_id)
        return handle

    @cython.always_allow_keywords(True)
    def pci_detach(self, pci_bar_handle_t handle):
        """Release a handle (views from pci_get_address stay valid)."""
        xpdk_err_clear()
        _aws_check(fpga_pci_detach(handle), "pci detach", -1)
        _aws_bar_places.pop(handle, None)

    def pci_poke(self, pci_bar_handle_t handle, uint64_t offset, uint32_t value):
        """Store 32 bits at byte ``offset``."""
        xpdk_err_clear()
        _aws_check(fpga_pci_poke(handle, offset, value), "pci poke", -1)

    def pci_poke8(self, pci_bar_handle_t handle, uint64_t offset, uint8_t value):
        """Store 8 bits at byte ``offset``."""
        xpdk_err_clear()
        _aws_check(fpga_pci_poke8(handle, offset, value), "pci poke", -1)

    def pci_poke64(self, pci_bar_handle_t handle, uint64_t offset, uint64_t value):
        """Store 64 bits at byte ``offset``."""
        xpdk_err_clear()
        _aws_check(fpga_pci_poke64(handle, offset, value), "pci poke", -1)

    def pci_write_burst(self, pci_bar_handle_t handle, uint64_t offset, data,
                        uint64_t dword_len):
        """Store the first ``dword_len`` 32-bit words of ``data`` at consecutive offsets.
        ``data`` is a list of ints (copied, as AWS's) or any buffer (bytes, array('I'),
        numpy, a memoryview; used in place) of at least 4 x ``dword_len`` bytes."""
        cdef Py_buffer buf
        cdef uint32_t *words
        cdef uint64_t i
        cdef int ret
        xpdk_err_clear()
        if PyObject_CheckBuffer(data):
            PyObject_GetBuffer(data, &buf, PyBUF_SIMPLE)
            try:
                if <uint64_t>buf.len < dword_len * 4 or dword_len > (<uint64_t>1 << 60):
                    raise _aws_error(-_errno.EINVAL, "pci write burst", -1,
                                     "pci_write_burst: %d dwords asked, the buffer has %d "
                                     "bytes" % (dword_len, buf.len))
                ret = fpga_pci_write_burst(handle, offset, <uint32_t *>buf.buf, dword_len)
            finally:
                PyBuffer_Release(&buf)
            _aws_check(ret, "pci write burst", -1)
            return
        if <uint64_t>len(data) < dword_len:
            raise _aws_error(-_errno.EINVAL, "pci write burst", -1,
                             "pci_write_burst: %d dwords asked, the list has %d"
                             % (dword_len, len(data)))
        words = <uint32_t *>calloc(dword_len if dword_len else 1, sizeof(uint32_t))
        if words == NULL:
            raise MemoryError("pci_write_burst: no memory for %d dwords" % dword_len)
        try:
            for i in range(dword_len):
                words[i] = data[i]
            ret = fpga_pci_write_burst(handle, offset, words, dword_len)
        finally:
            _afree(words)
        _aws_check(ret, "pci write burst", -1)

    def pci_peek(self, pci_bar_handle_t handle, uint64_t offset):
        """Load 32 bits at byte ``offset``."""
        cdef uint32_t value = 0
        xpdk_err_clear()
        _aws_check(fpga_pci_peek(handle, offset, &value), "pci peek", -1)
        return value

    def pci_peek8(self, pci_bar_handle_t handle, uint64_t offset):
        """Load 8 bits at byte ``offset``."""
        cdef uint8_t value = 0
        xpdk_err_clear()
        _aws_check(fpga_pci_peek8(handle, offset, &value), "pci peek", -1)
        return value

    def pci_peek64(self, pci_bar_handle_t handle, uint64_t offset):
        """Load 64 bits at byte ``offset``."""
        cdef uint64_t value = 0
        xpdk_err_clear()
        _aws_check(fpga_pci_peek64(handle, offset, &value), "pci peek", -1)
        return value

    @cython.always_allow_keywords(True)
    def pci_get_slot_spec(self, int slot_id):
        """Both PFs of the slot: ``{'map': [application PF, management PF]}``, each a
        resource map dict."""
        cdef fpga_slot_spec spec
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_pci_get_slot_spec(slot_id, &spec)
        _aws_check(ret, "get slot spec", slot_id)
        return _aws_slot_spec(spec)

    @cython.always_allow_keywords(True)
    def pci_get_all_slot_specs(self, int size):
        """``size`` slot specs in slot order (slots not present are all zeros)."""
        cdef fpga_slot_spec *specs
        cdef int ret
        if size < 0:
            raise _aws_error(-_errno.EINVAL, "get all slot specs", -1,
                             "pci_get_all_slot_specs: size %d is negative" % size)
        specs = <fpga_slot_spec *>calloc(size if size else 1, sizeof(fpga_slot_spec))
        if specs == NULL:
            raise MemoryError("pci_get_all_slot_specs: no memory for %d specs" % size)
        try:
            xpdk_err_clear()
            with nogil:
                ret = fpga_pci_get_all_slot_specs(specs, size)
            _aws_check(ret, "get all slot specs", -1)
            return [_aws_slot_spec(specs[i]) for i in range(size)]
        finally:
            _afree(specs)

    def pci_get_resource_map(self, int slot_id, int pf_id):
        """One PF of the slot: ``vendor_id``, ``device_id``, ``subsystem_device_id``,
        ``subsystem_vendor_id``, ``domain``, ``bus``, ``dev``, ``func``,
        ``resource_burstable`` (5 bools) and ``resource_size`` (5 ints)."""
        cdef fpga_pci_resource_map m
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_pci_get_resource_map(slot_id, pf_id, &m)
        _aws_check(ret, "get resource map", slot_id)
        return _aws_resource_map(m)

    @cython.always_allow_keywords(True)
    def pci_rescan_slot_app_pfs(self, int slot_id):
        """Make the application PF's current IDs visible (AWS: PCI remove and rescan)."""
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = fpga_pci_rescan_slot_app_pfs(slot_id)
        _aws_check(ret, "rescan slot app pfs", slot_id)

    def pci_get_address(self, pci_bar_handle_t handle, uint64_t offset, uint64_t dword_len,
                        *, memoryview=False):
        """The address in this process of [``offset``, ``offset`` + 4 x ``dword_len``) of the
        BAR (an int, as AWS's), for parts of a BAR mapped into the process.

        With ``memoryview=True``: a writable memoryview of those bytes instead (zero-copy;
        ``.cast('I')`` gives 32-bit words; its ``.obj`` is a BarMemory). The view holds its
        own attachment, so it stays valid after ``pci_detach(handle)``.
        """
        cdef void *ptr = NULL
        cdef void *mine = NULL
        cdef pci_bar_handle_t own = -1
        cdef BarMemory m
        cdef int ret
        xpdk_err_clear()
        _aws_check(fpga_pci_get_address(handle, offset, dword_len, &ptr),
                   "pci get address", -1)
        if not memoryview:
            return <uintptr_t>ptr
        place = _aws_bar_places.get(handle)
        if place is None:
            raise _aws_error(-_errno.EINVAL, "pci get address", -1,
                             "handle %d was not attached through FpgaPCI.pci_attach" % handle)
        ret = fpga_pci_attach(place[0], place[1], place[2], 0, &own)
        _aws_check(ret, "pci get address", place[0])
        m = BarMemory.__new__(BarMemory)
        m._handle = own   # from here BarMemory detaches it
        ret = fpga_pci_get_address(own, offset, dword_len, &mine)
        _aws_check(ret, "pci get address", place[0])
        if mine != ptr:
            raise _aws_error(-_errno.ENODEV, "pci get address", place[0],
                             "slot %d PF %d changed since handle %d was attached (a load or "
                             "clear): attach again" % (place[0], place[1], handle))
        m._ptr = ptr
        m._len = <Py_ssize_t>(dword_len * 4)
        m.slot_id, m.pf_id, m.bar_id = place
        m.offset = offset
        return __builtins__.memoryview(m)

    def pci_memset(self, pci_bar_handle_t handle, uint64_t offset, uint32_t value,
                   uint64_t dword_len):
        """Store ``value`` in ``dword_len`` consecutive 32-bit words."""
        xpdk_err_clear()
        _aws_check(fpga_pci_memset(handle, offset, value, dword_len), "memset", -1)


# ---- FpgaClkgen (fpga_clkgen_wrapper) --------------------------------------------------------

cdef class FpgaClkgen:
    """AWS's fpga_clkgen_wrapper.FpgaClkgen: the clock generator of a slot (groups A, B, C
    and HBM) on its management PF. Frequencies are in MHz. Failures raise FpgaError."""

    @cython.always_allow_keywords(True)
    def get_dynamic(self, int slot_id):
        """The applied frequencies: ``{'clock_group_a': {'clocks': [3 floats]}, ...b, c,
        hbm}``; clocks a group does not have read 0.0."""
        cdef fpga_clkgen_info info
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = aws_clkgen_get_dynamic(slot_id, &info)
        _aws_check(ret, "get dynamic", slot_id)
        return {"clock_group_a": _aws_group(info.clock_group_a),
                "clock_group_b": _aws_group(info.clock_group_b),
                "clock_group_c": _aws_group(info.clock_group_c),
                "clock_group_hbm": _aws_group(info.clock_group_hbm)}

    def set_recipe(self, int slot_id, uint32_t clk_a_recipe, uint32_t clk_b_recipe,
                   uint32_t clk_c_recipe, uint32_t clk_hbm_recipe, uint32_t reset):
        """Apply recipes (indices, Clock_Recipes_User_Guide) to the four groups; ``reset`` 1
        holds the CL in reset after."""
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = aws_clkgen_set_recipe(slot_id, clk_a_recipe, clk_b_recipe, clk_c_recipe,
                                        clk_hbm_recipe, reset)
        _aws_check(ret, "set recipe", slot_id)

    def set_dynamic(self, int slot_id, uint32_t clk_a_freq, uint32_t clk_b_freq,
                    uint32_t clk_c_freq, uint32_t clk_hbm_freq, uint32_t reset):
        """Set each group's first clock to a frequency in MHz (0 leaves a group)."""
        cdef int ret
        xpdk_err_clear()
        with nogil:
            ret = aws_clkgen_set_dynamic(slot_id, clk_a_freq, clk_b_freq, clk_c_freq,
                                         clk_hbm_freq, reset)
        _aws_check(ret, "set dynamic", slot_id)
