# SPDX-License-Identifier: BSD-3-Clause
# xpdk.dfl: the Device Feature List walk, as a list of Feature objects.


cdef str _guid_str(const xpdk_guid *g):
    cdef char buf[40]
    xpdk_guid_format(g, buf, sizeof(buf))
    return buf.decode()


class Feature:
    """One Device Feature Header, decoded.

    Attributes: ``offset`` (of the DFH in the region), ``dfh`` (raw), ``type``, ``id``,
    ``revision``, ``version`` (DFH version 0 or 1), ``name`` ("FME", "port", "AFU",
    "thermal management", ...), ``next`` (NEXT field), ``eol``, ``last`` (ends its chain),
    ``size`` (bytes up to the next DFH), ``guid`` (a string, or None for private features),
    ``next_afu``, ``depth`` (0 for the first chain, +1 per port or AFU level), ``parent``
    (offset of the FIU that led here, or None), and for DFHv1 ``csr_addr``, ``csr_abs``,
    ``csr_size``, ``instance_id``, ``group_id`` and ``params`` (a list of
    (id, version, offset, size) tuples).
    """
    __slots__ = ("offset", "dfh", "type", "id", "revision", "version", "name", "next", "eol",
                 "last", "size", "guid", "next_afu", "depth", "parent", "csr_addr", "csr_abs",
                 "csr_size", "instance_id", "group_id", "params")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)

    def __repr__(self):
        return "<Feature %#x %s type %d id %#x%s>" % (
            self.offset, self.name, self.type, self.id,
            " guid " + self.guid if self.guid else "")


cdef int _dfl_read64(void *ctx, uint64_t off, uint64_t *val) nogil:
    return xpdk_region_read(<const xpdk_region *>ctx, off, 64, val)


cdef int _dfl_collect(const xpdk_dfl_feature *f, void *arg):
    cdef unsigned int i
    try:
        (<list>arg).append(Feature(
            offset=f.offset, dfh=f.dfh, type=f.type, id=f.id, revision=f.revision,
            version=f.version, name=xpdk_dfl_feature_name(f.type, f.id).decode(),
            next=f.next, eol=bool(f.eol), last=bool(f.last), size=f.size,
            guid=_guid_str(&f.guid) if f.has_guid else None, next_afu=f.next_afu,
            depth=f.depth, parent=None if f.parent == XPDK_DFL_NO_PARENT else f.parent,
            csr_addr=f.csr_addr, csr_abs=bool(f.csr_abs), csr_size=f.csr_size,
            instance_id=f.instance_id, group_id=f.group_id,
            params=[(f.params[i].id, f.params[i].version, f.params[i].offset,
                     f.params[i].size) for i in range(f.num_params)]))
    except BaseException:
        return 1  # stops the walk; the caller reports it
    return 0


def dfl_walk(source, start=None):
    """Walk the Device Feature List of ``source`` (a Region, or a Device: its region 0).

    With ``start`` None (the default), the whole device as Linux's dfl-pci enumerates it: the
    chain at offset 0, each port the FME lists, each AFU behind them (``depth`` and ``parent``
    say where a feature hangs). With ``start`` an offset, the one chain from there (NEXT until
    EOL). Returns a list of Feature. A broken list (a loop, an offset past the end, ...) raises
    Error with the walker's sentence; ``e.features`` holds what was walked before.
    """
    cdef Region region = source.region(0) if isinstance(source, Device) else source
    cdef xpdk_dfl_region r
    cdef xpdk_dfl_error err
    cdef list out = []
    cdef int rc
    region._ok(0, 8)
    r.size = region._size
    r.read64 = _dfl_read64
    r.ctx = <void *>region._r
    if start is None:
        rc = xpdk_dfl_enumerate(&r, _dfl_collect, <void *>out, &err)
    else:
        rc = xpdk_dfl_walk(&r, start, _dfl_collect, <void *>out, &err)
    if rc == 1:
        raise RuntimeError("walking the DFL: a feature could not be converted")
    if rc < 0:
        e = Error(-rc, err.msg.decode("utf-8", "replace"))
        e.features = out
        e.offset = err.offset
        raise e
    return out
