# SPDX-License-Identifier: BSD-3-Clause
# xpdk.Error: every failing call raises it with the C library's errno and sentence.

import errno as _errno
import os as _os
import types as _types


class Error(OSError):
    """An XPDK call failed.

    A subclass of OSError: ``e.errno`` is the C library's errno (``errno.ERANGE`` for an offset
    past the end of a region, ``errno.ENODEV`` for a closed device, ...) and ``e.strerror`` the
    library's sentence, which says what went wrong and, where it can, what to do
    ("offset 0x40008 is past the end of region 0 (size 0x40000)").
    """


cdef object _error(int err, msg=None):
    """The exception for errno ``err`` with ``msg``, else the last-error sentence."""
    if msg is None:
        msg = xpdk_strerror_last().decode("utf-8", "replace")
        if not msg:
            msg = _os.strerror(err)
    return Error(err, msg)


cdef inline int _check(int rc) except -1:
    """Raise Error for a negative errno return; pass counts through."""
    if rc < 0:
        raise _error(-rc)
    return rc


cdef int _checkd(int rc, name) except -1:
    """_check() for a call on device ``name``: the sentence names the device when the library's
    does not (a vfio-user device may be named by its socket path alone)."""
    if rc >= 0:
        return rc
    e = _error(-rc)
    dev = str(name)
    path = dev[len("vfio-user:"):] if dev.startswith("vfio-user:") else dev
    if path not in e.strerror:
        e = Error(-rc, "%s: %s" % (dev, e.strerror))
    raise e


# records returned by the bindings: named fields and a readable repr
_ns = _types.SimpleNamespace
