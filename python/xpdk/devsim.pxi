# SPDX-License-Identifier: BSD-3-Clause
# xpdk.devsim: simulated devices served over vfio-user from this process (lib/devsim).

import shutil as _shutil
import tempfile as _tempfile

cdef bint _devsim_log_set = False


cdef void _model_cb(const xpdk_devsim_model *m, void *arg):
    (<list>arg).append((m.name.decode(), m.summary.decode() if m.summary != NULL else ""))


def devsim_models():
    """The device models, as (name, summary) pairs: ``[("dfl-fpga", ...), ("edu", ...)]``."""
    cdef list out = []
    xpdk_devsim_model_foreach(_model_cb, <void *>out)
    return out


def devsim_set_log_level(int level):
    """Verbosity of the simulators' log lines on stderr: 0 errors, 1 warnings (the default
    here), 2 info (xpdk-devsim's default), 3 debug."""
    global _devsim_log_set
    xpdk_devsim_set_log_level(level)
    _devsim_log_set = True


cdef class SimDevice:
    """A simulated device served over vfio-user by threads of this process.

    ``SimDevice(model, args="", name=None, socket=None, pci_id=None)`` creates and starts an
    instance of ``model`` ("edu", "dfl-fpga"; see models()) with its model arguments
    ("dma_mask=0xffffffffffff"), listening on ``socket`` (default: ``NAME.sock`` in a new
    private directory, removed at stop()). ``pci_id`` ("8086:0b30") presents other IDs.
    Open it with ``xpdk.dev.Device(sim.address)``; one client at a time, as xpdk-devsim.
    A context manager; ``stop()`` ends it (idempotent).
    """
    cdef xpdk_devsim_dev *_d
    cdef readonly object model, name, socket
    cdef object _tmpdir

    def __cinit__(self, model, args="", name=None, socket=None, pci_id=None):
        cdef bytes bm = model.encode(), ba = args.encode(), bn, bs
        if not _devsim_log_set:
            devsim_set_log_level(1)
        self.model = model
        self.name = name or model + "0"
        if socket is None:
            self._tmpdir = _tempfile.mkdtemp(prefix="xpdk-devsim-")
            socket = _os.path.join(self._tmpdir, self.name + ".sock")
        self.socket = socket
        bn = self.name.encode()
        bs = _os.fsencode(socket)
        self._d = xpdk_devsim_create(bm, ba, bn, bs, -1)
        if self._d == NULL:
            e = _error(errno)
            self._rmdir()
            raise e
        if pci_id is not None:
            rc = xpdk_devsim_set_pci_id(self._d, pci_id.encode())
            if rc < 0:
                e = _error(-rc)
                self.stop()
                raise e
        rc = xpdk_devsim_start(self._d)
        if rc < 0:
            e = _error(-rc)
            self.stop()
            raise e

    def __dealloc__(self):
        if self._d != NULL:
            xpdk_devsim_destroy(self._d)
            self._d = NULL

    cdef _rmdir(self):
        if self._tmpdir is not None:
            _shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    @property
    def address(self):
        """The name to open it by: "vfio-user:SOCKET"."""
        return "vfio-user:" + self.socket

    @property
    def running(self):
        """True until stop(), or until the instance ended on its own."""
        return self._d != NULL and not xpdk_devsim_finished(self._d)

    def stop(self):
        """Stop serving: threads stopped, client dropped, socket removed (idempotent)."""
        cdef xpdk_devsim_dev *d = self._d
        self._d = NULL
        if d != NULL:
            with nogil:
                xpdk_devsim_destroy(d)
        self._rmdir()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __repr__(self):
        return "<xpdk SimDevice %s (%s) at %s%s>" % (self.name, self.model, self.socket,
                                                     "" if self.running else ", stopped")


def devsim_start(model, args="", **kw):
    """Start a simulated device: ``SimDevice(model, args, **kw)``."""
    return SimDevice(model, args, **kw)
