# SPDX-License-Identifier: BSD-3-Clause
"""opae.io's built-ins for xpdk-io's script and interactive modes.

``install()`` puts them into Python's ``builtins`` module, as opae.io does, so that a script's
functions see them too: ``the_device``, ``the_region``, ``device()``, ``region()``, ``peek``,
``poke``, ``read_csr``, ``write_csr``, ``allocate_buffer`` and ``version()``.

They keep opae.io's semantics (64-bit CSR accesses on the active region, ``peek`` printing
``0x%x``) except that where opae.io returns 0, does nothing or crashes (no device or region
open, an offset outside the region, a device that does not open) these raise ``xpdk.Error``
with a sentence saying what to do.
"""

import builtins
import errno

from . import __version__
from ._xpdk import Device, Error

_state = {"display": None}


def _set(dev, reg):
    builtins.the_device = dev
    builtins.the_region = reg


def _need_device():
    dev = getattr(builtins, "the_device", None)
    if dev is None or dev.closed:
        raise Error(errno.ENODEV, "no device open: start xpdk-io with -d ADDR, or call "
                    "device('ADDR') (xpdk-io ls lists devices)")
    return dev


def _need_region():
    _need_device()
    reg = builtins.the_region
    if reg is None:
        raise Error(errno.ENODEV, "no region open: call region(N) (N = 0 for BAR 0)")
    return reg


def device(pci_address=""):
    """Close the active device and, given an address (PCI address, vfio-user:PATH), open that
    one and make it ``the_device``; ``the_region`` is then None until region(N). Raises
    xpdk.Error when it does not open (opae.io leaves ``the_device`` None)."""
    old = getattr(builtins, "the_device", None)
    _set(None, None)
    _state["display"] = None
    if old is not None:
        old.close()
    if pci_address:
        dev = Device(pci_address)
        _set(dev, None)
        _state["display"] = pci_address
        return dev
    return None


def region(n):
    """Make region ``n`` of ``the_device`` the active region, ``the_region``. Raises
    xpdk.Error without a device or when the device has no such region."""
    dev = _need_device()
    builtins.the_region = None
    builtins.the_region = dev.region(n)
    return builtins.the_region


def read_csr(offset):
    """The 64-bit CSR at ``offset`` of the active region (opae.io returns 0 with no region;
    XPDK raises xpdk.Error)."""
    return _need_region().read64(offset)


def write_csr(offset, value):
    """Write the 64-bit ``value`` to the CSR at ``offset`` of the active region."""
    _need_region().write64(offset, value)


def peek(offset):
    """Print the 64-bit CSR at ``offset`` of the active region as 0x%x."""
    print("0x%x" % read_csr(offset))


def poke(offset, value):
    """Write ``value`` to the 64-bit CSR at ``offset`` of the active region."""
    write_csr(offset, value)


def allocate_buffer(size):
    """A DMA buffer of ``size`` bytes the active device can reach (opae.io's system_buffer:
    size, address, io_address, read64, fill64, compare, buf[off]). Raises xpdk.Error with no
    device (opae.io 1.0 crashes) or no environment."""
    return _need_device().allocate(size)


def version():
    """``('xpdk-io', major, minor, patch)``, as opae.io's ``('opae.io', 1, 0, 0)``."""
    return ("xpdk-io",) + tuple(int(x) for x in __version__.split("."))


class _Help:
    """``help`` as opae.io's shell shows it: the bare word lists the built-ins' topics;
    ``help(topic)`` is Python's help."""

    def __repr__(self):
        return ("use help(topic) on the following topics:\n  " +
                "\n  ".join(["peek", "poke", "read_csr", "write_csr", "device", "region",
                             "allocate_buffer", "version", "the_device", "the_region"]))

    def __call__(self, *args, **kw):
        import pydoc
        return pydoc.help(*args, **kw)


NAMES = ["device", "region", "read_csr", "write_csr", "peek", "poke", "allocate_buffer",
         "version"]


def install(dev=None, reg=None, display=None):
    """Put the built-ins into ``builtins`` with ``dev`` and ``reg`` as the active device and
    region (``display`` is the name the prompt shows)."""
    for name in NAMES:
        setattr(builtins, name, globals()[name])
    builtins.help = _Help()
    _set(dev, reg)
    _state["display"] = display or (dev.name if dev is not None else None)


def prompt():
    """opae.io's prompt: ``0000:3f:00.0[0]>> ``, ``0000:3f:00.0>> `` without a region,
    ``xpdk-io>> `` without a device."""
    dev = getattr(builtins, "the_device", None)
    if dev is None or dev.closed:
        return "xpdk-io>> "
    reg = builtins.the_region
    name = _state["display"] or dev.name
    return "%s[%d]>> " % (name, reg.index()) if reg is not None else "%s>> " % name
