# SPDX-License-Identifier: BSD-3-Clause
# xpdk.verbs: RDMA verbs with pyverbs' module, class and method names and semantics (device,
# pd, mr, cq, qp, wr, addr, cmid, enums), over libibverbs and librdmacm. Devices open through
# lib/qp (xpdk_rdma_open), so a kernel without RDMA or a missing device raises with lib/qp's
# sentence and a real errno. Children hold their parents; parents hold weak sets of their
# children and close them first (pyverbs' close order); every close() is idempotent.

import weakref as _vweakref

from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t, uintptr_t
from libc.stdlib cimport free as _vfree
from libc.string cimport memset as _vmemset, memcpy as _vmemcpy
from posix.stdlib cimport posix_memalign

cdef extern from "infiniband/verbs.h" nogil:
    cdef union ibv_gid:
        uint8_t raw[16]
    struct ibv_device:
        pass
    struct ibv_context:
        ibv_device *device
        int cmd_fd
        int num_comp_vectors
    struct ibv_device_attr:
        char fw_ver[64]
        uint64_t node_guid
        uint64_t sys_image_guid
        uint64_t max_mr_size
        uint64_t page_size_cap
        uint32_t vendor_id
        uint32_t vendor_part_id
        uint32_t hw_ver
        int max_qp
        int max_qp_wr
        unsigned int device_cap_flags
        int max_sge
        int max_sge_rd
        int max_cq
        int max_cqe
        int max_mr
        int max_pd
        int max_qp_rd_atom
        int max_ee_rd_atom
        int max_res_rd_atom
        int max_qp_init_rd_atom
        int max_ee_init_rd_atom
        int atomic_cap
        int max_ee
        int max_rdd
        int max_mw
        int max_raw_ipv6_qp
        int max_raw_ethy_qp
        int max_mcast_grp
        int max_mcast_qp_attach
        int max_total_mcast_qp_attach
        int max_ah
        int max_fmr
        int max_map_per_fmr
        int max_srq
        int max_srq_wr
        int max_srq_sge
        uint16_t max_pkeys
        uint8_t local_ca_ack_delay
        uint8_t phys_port_cnt
    struct ibv_rss_caps:
        uint32_t max_rwq_indirection_tables
        uint32_t max_rwq_indirection_table_size
    struct ibv_device_attr_ex:
        ibv_device_attr orig_attr
        uint64_t max_dm_size
        ibv_rss_caps rss_caps
        uint32_t max_wq_type_rq
        uint64_t device_cap_flags_ex
    struct ibv_port_attr:
        int state
        int max_mtu
        int active_mtu
        int gid_tbl_len
        uint32_t port_cap_flags
        uint32_t max_msg_sz
        uint32_t bad_pkey_cntr
        uint32_t qkey_viol_cntr
        uint16_t pkey_tbl_len
        uint16_t lid
        uint16_t sm_lid
        uint8_t lmc
        uint8_t max_vl_num
        uint8_t sm_sl
        uint8_t subnet_timeout
        uint8_t init_type_reply
        uint8_t active_width
        uint8_t active_speed
        uint8_t phys_state
        uint8_t link_layer
        uint8_t flags
        uint16_t port_cap_flags2
    struct ibv_pd:
        uint32_t handle
    struct ibv_mr:
        void *addr
        size_t length
        uint32_t handle
        uint32_t lkey
        uint32_t rkey
    struct ibv_mw:
        uint32_t rkey
        uint32_t handle
    struct ibv_comp_channel:
        int fd
    struct ibv_cq:
        int cqe
        uint32_t handle
    struct ibv_wc:
        uint64_t wr_id
        int status
        int opcode
        uint32_t vendor_err
        uint32_t byte_len
        uint32_t imm_data
        uint32_t qp_num
        uint32_t src_qp
        unsigned int wc_flags
        uint16_t pkey_index
        uint16_t slid
        uint8_t sl
        uint8_t dlid_path_bits
    struct ibv_global_route:
        ibv_gid dgid
        uint32_t flow_label
        uint8_t sgid_index
        uint8_t hop_limit
        uint8_t traffic_class
    struct ibv_ah_attr:
        ibv_global_route grh
        uint16_t dlid
        uint8_t sl
        uint8_t src_path_bits
        uint8_t static_rate
        uint8_t is_global
        uint8_t port_num
    struct ibv_ah:
        uint32_t handle
    struct ibv_qp_cap:
        uint32_t max_send_wr
        uint32_t max_recv_wr
        uint32_t max_send_sge
        uint32_t max_recv_sge
        uint32_t max_inline_data
    struct ibv_qp_init_attr:
        void *qp_context
        ibv_cq *send_cq
        ibv_cq *recv_cq
        void *srq
        ibv_qp_cap cap
        int qp_type
        int sq_sig_all
    struct ibv_qp_attr:
        int qp_state
        int cur_qp_state
        int path_mtu
        int path_mig_state
        uint32_t qkey
        uint32_t rq_psn
        uint32_t sq_psn
        uint32_t dest_qp_num
        unsigned int qp_access_flags
        ibv_qp_cap cap
        ibv_ah_attr ah_attr
        ibv_ah_attr alt_ah_attr
        uint16_t pkey_index
        uint16_t alt_pkey_index
        uint8_t en_sqd_async_notify
        uint8_t sq_draining
        uint8_t max_rd_atomic
        uint8_t max_dest_rd_atomic
        uint8_t min_rnr_timer
        uint8_t port_num
        uint8_t timeout
        uint8_t retry_cnt
        uint8_t rnr_retry
        uint8_t alt_port_num
        uint8_t alt_timeout
        uint32_t rate_limit
    struct ibv_qp:
        uint32_t qp_num
        int state
        int qp_type
        uint32_t handle
    struct ibv_sge:
        uint64_t addr
        uint32_t length
        uint32_t lkey
    struct _rdma_t:
        uint64_t remote_addr
        uint32_t rkey
    struct _ud_t:
        ibv_ah *ah
        uint32_t remote_qpn
        uint32_t remote_qkey
    union _wr_u:
        _rdma_t rdma
        _ud_t ud
    struct ibv_send_wr:
        uint64_t wr_id
        ibv_send_wr *next
        ibv_sge *sg_list
        int num_sge
        int opcode
        unsigned int send_flags
        uint32_t imm_data
        _wr_u wr
    struct ibv_recv_wr:
        uint64_t wr_id
        ibv_recv_wr *next
        ibv_sge *sg_list
        int num_sge
    struct ibv_dm:
        pass
    struct ibv_alloc_dm_attr:
        size_t length
        uint32_t log_align_req
        uint32_t comp_mask
    int ibv_query_device(ibv_context *ctx, ibv_device_attr *attr)
    int ibv_query_device_ex(ibv_context *ctx, void *input, ibv_device_attr_ex *attr)
    int ibv_query_port(ibv_context *ctx, uint8_t port, ibv_port_attr *attr)
    int ibv_query_gid(ibv_context *ctx, uint8_t port, int index, ibv_gid *gid)
    const char *ibv_get_device_name(ibv_device *dev)
    ibv_pd *ibv_alloc_pd(ibv_context *ctx)
    int ibv_dealloc_pd(ibv_pd *pd)
    ibv_mr *ibv_reg_mr(ibv_pd *pd, void *addr, size_t length, int access)
    int ibv_dereg_mr(ibv_mr *mr)
    ibv_mw *ibv_alloc_mw(ibv_pd *pd, int type)
    int ibv_dealloc_mw(ibv_mw *mw)
    ibv_dm *ibv_alloc_dm(ibv_context *ctx, ibv_alloc_dm_attr *attr)
    int ibv_free_dm(ibv_dm *dm)
    ibv_mr *ibv_reg_dm_mr(ibv_pd *pd, ibv_dm *dm, uint64_t offset, size_t length,
                          unsigned int access)
    ibv_comp_channel *ibv_create_comp_channel(ibv_context *ctx)
    int ibv_destroy_comp_channel(ibv_comp_channel *ch)
    ibv_cq *ibv_create_cq(ibv_context *ctx, int cqe, void *cq_context, ibv_comp_channel *ch,
                          int comp_vector)
    int ibv_destroy_cq(ibv_cq *cq)
    int ibv_poll_cq(ibv_cq *cq, int n, ibv_wc *wc)
    int ibv_req_notify_cq(ibv_cq *cq, int solicited_only)
    int ibv_get_cq_event(ibv_comp_channel *ch, ibv_cq **cq, void **ctx)
    void ibv_ack_cq_events(ibv_cq *cq, unsigned int n)
    ibv_ah *ibv_create_ah(ibv_pd *pd, ibv_ah_attr *attr)
    int ibv_destroy_ah(ibv_ah *ah)
    ibv_qp *ibv_create_qp(ibv_pd *pd, ibv_qp_init_attr *attr)
    int ibv_destroy_qp(ibv_qp *qp)
    int ibv_modify_qp(ibv_qp *qp, ibv_qp_attr *attr, int mask)
    int ibv_query_qp(ibv_qp *qp, ibv_qp_attr *attr, int mask, ibv_qp_init_attr *init)
    int ibv_post_send(ibv_qp *qp, ibv_send_wr *wr, ibv_send_wr **bad)
    int ibv_post_recv(ibv_qp *qp, ibv_recv_wr *wr, ibv_recv_wr **bad)
    const char *ibv_wc_status_str(int status)

cdef extern from "rdma/rdma_cma.h" nogil:
    struct rdma_addrinfo:
        int ai_flags
        int ai_port_space
        size_t ai_src_len
        void *ai_src_addr
    struct rdma_cm_id:
        ibv_context *verbs
        ibv_qp *qp
        ibv_pd *pd
        ibv_cq *send_cq
        ibv_cq *recv_cq
    int rdma_getaddrinfo(const char *node, const char *service, const rdma_addrinfo *hints,
                         rdma_addrinfo **res)
    void rdma_freeaddrinfo(rdma_addrinfo *res)
    int rdma_create_ep(rdma_cm_id **id, rdma_addrinfo *res, ibv_pd *pd,
                       ibv_qp_init_attr *qp_init_attr)
    void rdma_destroy_ep(rdma_cm_id *id)
    int rdma_listen(rdma_cm_id *id, int backlog)
    int rdma_get_request(rdma_cm_id *listen, rdma_cm_id **id)
    int rdma_accept(rdma_cm_id *id, void *conn_param)
    int rdma_connect(rdma_cm_id *id, void *conn_param)
    int rdma_disconnect(rdma_cm_id *id)

cdef extern from "rdma/rdma_verbs.h" nogil:
    ibv_mr *rdma_reg_msgs(rdma_cm_id *id, void *addr, size_t length)
    int rdma_dereg_mr(ibv_mr *mr)
    int rdma_post_recv(rdma_cm_id *id, void *context, void *addr, size_t length, ibv_mr *mr)
    int rdma_post_send(rdma_cm_id *id, void *context, void *addr, size_t length, ibv_mr *mr,
                       int flags)
    int rdma_get_send_comp(rdma_cm_id *id, ibv_wc *wc)
    int rdma_get_recv_comp(rdma_cm_id *id, ibv_wc *wc)

cdef extern from "xpdk_qp.h" nogil:
    struct xpdk_rdma:
        pass
    struct xpdk_rdma_opts:
        uint8_t port
        int gid_index
        bint gid_index_given
    xpdk_rdma *xpdk_rdma_open(const char *name_or_ip, const xpdk_rdma_opts *opts)
    void xpdk_rdma_close(xpdk_rdma *dev)
    ibv_context *xpdk_rdma_ibv(const xpdk_rdma *dev)
    int xpdk_rdma_list(char *buf, size_t len)
    bint xpdk_rdma_mlx5dv "xpdk_verbs_mlx5dv"(const xpdk_rdma *dev)

cdef extern from *:
    """
    /* mlx5dv_is_supported() as lib/qp saw it, for Context.mlx5dv (query through the info) */
    static int xpdk_verbs_mlx5dv(const struct xpdk_rdma *dev)
    {
        struct xpdk_rdma_info info;

        return xpdk_rdma_query(dev, &info) == 0 && info.mlx5dv;
    }
    """

# ---- errors (pyverbs.pyverbs_error) ----------------------------------------------------------

class PyverbsError(Error):
    """pyverbs' base error; here also an xpdk.Error (OSError): ``e.errno`` is the errno and
    ``e.error_code`` the same number (pyverbs' name). The message reads as pyverbs':
    "<what>. Errno: N, <strerror>"."""

    def __init__(self, msg, error_code=-1):
        code = error_code if error_code is not None else -1
        if code != -1:
            msg = "{}. Errno: {}, {}".format(msg, code, _os.strerror(code))
        super().__init__(code if code != -1 else 0, msg)
        self.msg = msg

    @property
    def error_code(self):
        return self.errno if self.errno else -1

    def __str__(self):
        return self.msg


class PyverbsRDMAError(PyverbsError):
    """A verbs call failed; ``error_code`` is its errno (never -1 here when the call set one)."""


class PyverbsUserError(PyverbsError):
    """Bad input from the user (wrong type, missing argument)."""


cdef _rdma_err(msg, int err):
    return PyverbsRDMAError(msg, err if err else _errno.EIO)


# ---- base (pyverbs.base) ---------------------------------------------------------------------

cdef class PyverbsObject:
    cdef object __weakref__


cdef class PyverbsCM(PyverbsObject):
    """Context manager base: ``with X(...) as x:`` closes x on exit (exceptions propagate)."""
    cdef object _children   # list of WeakSets, closed in order by close_children()

    def __cinit__(self, *args, **kwargs):
        self._children = []

    cdef object _set(self, int i):
        while len(self._children) <= i:
            self._children.append(_vweakref.WeakSet())
        return self._children[i]

    cdef _close_children(self):
        for s in self._children:
            for o in list(s):
                o.close()
            s.clear()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, tb):
        self.close()

    def close(self):
        pass


_PRINT = "{:<22}: {:<20}\n"


def _guid(uint64_t be):
    v = int.from_bytes(be.to_bytes(8, "little"), "big")
    s = "{:016x}".format(v)
    return ":".join(s[i:i + 4] for i in range(0, 16, 4))


# ---- device (pyverbs.device) -----------------------------------------------------------------

def get_device_list():
    """Names of the RDMA devices (a list of str); raises PyverbsRDMAError with errno ENOSYS when
    the kernel has no RDMA (pyverbs raises with -1 there)."""
    cdef char buf[2048]
    rc = xpdk_rdma_list(buf, sizeof(buf))
    if rc < 0:
        raise PyverbsRDMAError(xpdk_strerror_last().decode(), -rc)
    return buf.decode().split() if rc else []


cdef class GID(PyverbsObject):
    """A GID; str() is pyverbs' 8 groups of 4 hex digits."""
    cdef ibv_gid _gid

    def __init__(self, val=None):
        _vmemset(&self._gid, 0, sizeof(self._gid))
        if val is not None:
            self.gid_str = val

    @property
    def gid(self):
        return str(self)

    @gid.setter
    def gid(self, val):
        self.gid_str = val

    @property
    def gid_str(self):
        return str(self)

    @gid_str.setter
    def gid_str(self, val):
        if isinstance(val, GID):
            val = str(val)
        digits = str(val).replace(":", "")
        if len(digits) != 32:
            raise PyverbsUserError("'{}' is not a GID (8 groups of 4 hex digits)".format(val))
        raw = bytes.fromhex(digits)
        for i in range(16):
            self._gid.raw[i] = raw[i]

    def __str__(self):
        h = bytes(self._gid.raw[i] for i in range(16)).hex()
        return ":".join(h[i:i + 4] for i in range(0, 32, 4))

    def __repr__(self):
        return "GID('{}')".format(self)

    def __eq__(self, other):
        return isinstance(other, GID) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


class DeviceAttr(object):
    """ibv_device_attr, pyverbs' names; print() gives pyverbs' table."""

    _rows = [("FW version", "fw_version"), ("Node guid", "node_guid"),
             ("Sys image GUID", "sys_image_guid"), ("Max MR size", "max_mr_size"),
             ("Page size cap", "page_size_cap"), ("Vendor ID", "vendor_id"),
             ("Vendor part ID", "vendor_part_id"), ("HW version", "hw_ver"),
             ("Max QP", "max_qp"), ("Max QP WR", "max_qp_wr"),
             ("Device cap flags", "device_cap_flags"), ("Max SGE", "max_sge"),
             ("Max SGE RD", "max_sge_rd"), ("MAX CQ", "max_cq"), ("Max CQE", "max_cqe"),
             ("Max MR", "max_mr"), ("Max PD", "max_pd"), ("Max QP RD atom", "max_qp_rd_atom"),
             ("Max EE RD atom", "max_ee_rd_atom"), ("Max res RD atom", "max_res_rd_atom"),
             ("Max QP init RD atom", "max_qp_init_rd_atom"),
             ("Max EE init RD atom", "max_ee_init_rd_atom"), ("Atomic caps", "atomic_caps"),
             ("Max EE", "max_ee"), ("Max RDD", "max_rdd"), ("Max MW", "max_mw"),
             ("Max raw IPv6 QPs", "max_raw_ipv6_qp"), ("Max raw ethy QP", "max_raw_ethy_qp"),
             ("Max mcast group", "max_mcast_grp"), ("Max mcast QP attach", "max_mcast_qp_attach"),
             ("Max AH", "max_ah"), ("Max FMR", "max_fmr"), ("Max map per FMR", "max_map_per_fmr"),
             ("Max SRQ", "max_srq"), ("Max SRQ WR", "max_srq_wr"), ("Max SRQ SGE", "max_srq_sge"),
             ("Max PKeys", "max_pkeys"), ("local CA ack delay", "local_ca_ack_delay"),
             ("Phys port count", "phys_port_cnt")]

    def __str__(self):
        out = ""
        for label, name in self._rows:
            v = getattr(self, name)
            if name in ("max_mr_size", "page_size_cap", "vendor_id"):
                v = hex(v)
            out += _PRINT.format(label, v)
        return out


cdef object _device_attr(ibv_device_attr *a):
    d = DeviceAttr()
    d.fw_version = a.fw_ver.decode()
    d.node_guid = _guid(a.node_guid)
    d.sys_image_guid = _guid(a.sys_image_guid)
    d.max_mr_size = a.max_mr_size
    d.page_size_cap = a.page_size_cap
    d.vendor_id = a.vendor_id
    d.vendor_part_id = a.vendor_part_id
    d.hw_ver = a.hw_ver
    d.max_qp = a.max_qp
    d.max_qp_wr = a.max_qp_wr
    d.device_cap_flags = a.device_cap_flags
    d.max_sge = a.max_sge
    d.max_sge_rd = a.max_sge_rd
    d.max_cq = a.max_cq
    d.max_cqe = a.max_cqe
    d.max_mr = a.max_mr
    d.max_pd = a.max_pd
    d.max_qp_rd_atom = a.max_qp_rd_atom
    d.max_ee_rd_atom = a.max_ee_rd_atom
    d.max_res_rd_atom = a.max_res_rd_atom
    d.max_qp_init_rd_atom = a.max_qp_init_rd_atom
    d.max_ee_init_rd_atom = a.max_ee_init_rd_atom
    d.atomic_caps = a.atomic_cap
    d.max_ee = a.max_ee
    d.max_rdd = a.max_rdd
    d.max_mw = a.max_mw
    d.max_raw_ipv6_qp = a.max_raw_ipv6_qp
    d.max_raw_ethy_qp = a.max_raw_ethy_qp
    d.max_mcast_grp = a.max_mcast_grp
    d.max_mcast_qp_attach = a.max_mcast_qp_attach
    d.max_total_mcast_qp_attach = a.max_total_mcast_qp_attach
    d.max_ah = a.max_ah
    d.max_fmr = a.max_fmr
    d.max_map_per_fmr = a.max_map_per_fmr
    d.max_srq = a.max_srq
    d.max_srq_wr = a.max_srq_wr
    d.max_srq_sge = a.max_srq_sge
    d.max_pkeys = a.max_pkeys
    d.local_ca_ack_delay = a.local_ca_ack_delay
    d.phys_port_cnt = a.phys_port_cnt
    return d


class RSSCaps(object):
    def __str__(self):
        return _PRINT.format("Max RWQ indirection tables", self.max_rwq_indirection_tables) + \
            _PRINT.format("Max RWQ indirection table size", self.max_rwq_indirection_table_size)


class DeviceAttrEx(object):
    """ibv_device_attr_ex: ``orig_attr`` (a DeviceAttr) and the extended fields."""

    def __str__(self):
        return str(self.orig_attr) + _PRINT.format("Max DM size", self.max_dm_size) + \
            str(self.rss_caps)


_MTU = {1: "256", 2: "512", 3: "1024", 4: "2048", 5: "4096"}
_PORT_STATE = {0: "Nop", 1: "Down", 2: "Init", 3: "Armed", 4: "Active", 5: "Active defer"}
_PHYS_STATE = {1: "Sleep", 2: "Polling", 3: "Disabled", 4: "Port configuration training",
               5: "Link up", 6: "Link error recovery", 7: "Phy test"}


class PortAttr(object):
    """ibv_port_attr, pyverbs' names; print() gives pyverbs' table."""

    def __str__(self):
        f = "{:<24}: {:<20}\n"
        ll = {0: "Unspecified", 1: "InfiniBand", 2: "Ethernet"}.get(self.link_layer, "?")
        return (f.format("Port state", "{} ({})".format(_PORT_STATE.get(self.state, "?"),
                                                         self.state)) +
                f.format("Max MTU", "{} ({})".format(_MTU.get(self.max_mtu, "?"), self.max_mtu)) +
                f.format("Active MTU", "{} ({})".format(_MTU.get(self.active_mtu, "?"),
                                                         self.active_mtu)) +
                f.format("SM lid", self.sm_lid) + f.format("Port lid", self.lid) +
                f.format("lmc", hex(self.lmc)) + f.format("Link layer", ll) +
                f.format("Max message size", hex(self.max_msg_sz)) +
                f.format("Port cap flags", self.port_cap_flags) +
                f.format("Port cap flags 2", self.port_cap_flags2) +
                f.format("max VL num", self.max_vl_num) +
                f.format("Bad Pkey counter", self.bad_pkey_cntr) +
                f.format("Qkey violations counter", self.qkey_viol_cntr) +
                f.format("Gid table len", self.gid_tbl_len) +
                f.format("Pkey table len", self.pkey_tbl_len) + f.format("SM sl", self.sm_sl) +
                f.format("Subnet timeout", self.subnet_timeout) +
                f.format("Init type reply", self.init_type_reply) +
                f.format("Active width", self.active_width) +
                f.format("Ative speed", self.active_speed) +
                f.format("Phys state", "{} ({})".format(_PHYS_STATE.get(self.phys_state, "?"),
                                                         self.phys_state)) +
                f.format("Flags", self.flags))


cdef class Context(PyverbsCM):
    """An opened RDMA device: ``Context(name='rxe0')``. Also by the IP address a device serves
    (``Context(name='192.0.2.1')``, an XPDK addition). Raises PyverbsRDMAError with errno ENOSYS
    when the kernel has no RDMA, ENODEV for a missing device (naming the present ones)."""
    cdef xpdk_rdma *dev
    cdef ibv_context *context
    cdef public object name

    def __init__(self, name=None, **kwargs):
        if kwargs.get("attr") is not None or kwargs.get("cmd_fd") is not None:
            raise PyverbsUserError("provider attributes and cmd_fd import are not supported "
                                   "here (no mlx5 provider classes, no device import)")
        if name is None:
            names = get_device_list()
            if not names:
                raise PyverbsRDMAError("No IB devices found", _errno.ENODEV)
            name = names[0]
        self.name = name
        self.dev = xpdk_rdma_open(_os.fsencode(name), NULL)
        if self.dev == NULL:
            raise PyverbsRDMAError(xpdk_strerror_last().decode(), errno)
        self.context = xpdk_rdma_ibv(self.dev)

    cdef add_ref(self, obj):
        # close order (pyverbs Context.close): QPs, comp channels, CQs, DMs, PDs
        if isinstance(obj, QP):
            self._set(0).add(obj)
        elif isinstance(obj, CompChannel):
            self._set(1).add(obj)
        elif isinstance(obj, CQ):
            self._set(2).add(obj)
        elif isinstance(obj, DM):
            self._set(3).add(obj)
        else:
            self._set(4).add(obj)

    cdef ibv_context *_ctx(self) except NULL:
        if self.context == NULL:
            raise PyverbsUserError("the Context is closed")
        return self.context

    def close(self):
        if self.dev != NULL:
            self._close_children()
            xpdk_rdma_close(self.dev)
            self.dev = NULL
            self.context = NULL

    def __dealloc__(self):
        if self.dev != NULL:
            xpdk_rdma_close(self.dev)

    @property
    def cmd_fd(self):
        return self._ctx().cmd_fd

    @property
    def num_comp_vectors(self):
        return self._ctx().num_comp_vectors

    @property
    def mlx5dv(self):
        """mlx5dv_is_supported() for this device (nothing more is claimed)."""
        return bool(xpdk_rdma_mlx5dv(self.dev))

    def query_device(self):
        cdef ibv_device_attr a
        rc = ibv_query_device(self._ctx(), &a)
        if rc:
            raise _rdma_err("Failed to query device", rc)
        return _device_attr(&a)

    def query_device_ex(self, attr=None):
        cdef ibv_device_attr_ex a
        _vmemset(&a, 0, sizeof(a))
        rc = ibv_query_device_ex(self._ctx(), NULL, &a)
        if rc:
            raise _rdma_err("Failed to query EX device", rc)
        d = DeviceAttrEx()
        d.orig_attr = _device_attr(&a.orig_attr)
        d.max_dm_size = a.max_dm_size
        d.rss_caps = RSSCaps()
        d.rss_caps.max_rwq_indirection_tables = a.rss_caps.max_rwq_indirection_tables
        d.rss_caps.max_rwq_indirection_table_size = a.rss_caps.max_rwq_indirection_table_size
        d.device_cap_flags_ex = a.device_cap_flags_ex
        return d

    def query_port(self, port_num=1):
        cdef ibv_port_attr a
        rc = ibv_query_port(self._ctx(), port_num, &a)
        if rc:
            raise _rdma_err("Failed to query port {}".format(port_num), rc)
        p = PortAttr()
        p.state = a.state
        p.max_mtu = a.max_mtu
        p.active_mtu = a.active_mtu
        p.gid_tbl_len = a.gid_tbl_len
        p.port_cap_flags = a.port_cap_flags
        p.max_msg_sz = a.max_msg_sz
        p.bad_pkey_cntr = a.bad_pkey_cntr
        p.qkey_viol_cntr = a.qkey_viol_cntr
        p.pkey_tbl_len = a.pkey_tbl_len
        p.lid = a.lid
        p.sm_lid = a.sm_lid
        p.lmc = a.lmc
        p.max_vl_num = a.max_vl_num
        p.sm_sl = a.sm_sl
        p.subnet_timeout = a.subnet_timeout
        p.init_type_reply = a.init_type_reply
        p.active_width = a.active_width
        p.active_speed = a.active_speed
        p.phys_state = a.phys_state
        p.link_layer = a.link_layer
        p.flags = a.flags
        p.port_cap_flags2 = a.port_cap_flags2
        return p

    def query_gid(self, unsigned int port_num, int index):
        cdef ibv_gid g
        cdef GID out
        rc = ibv_query_gid(self._ctx(), port_num, index, &g)
        if rc:
            raise _rdma_err("Failed to query gid {} of port {}".format(index, port_num),
                            errno or _errno.EINVAL)
        out = GID()
        out._gid = g
        return out


class AllocDmAttr(object):
    def __init__(self, length=0, log_align_req=0, comp_mask=0):
        self.length = length
        self.log_align_req = log_align_req
        self.comp_mask = comp_mask


cdef class DM(PyverbsCM):
    """Device memory (ibv_alloc_dm); devices without it (rxe) raise EOPNOTSUPP."""
    cdef ibv_dm *dm
    cdef Context ctx

    def __init__(self, Context context, dm_attr):
        cdef ibv_alloc_dm_attr a
        a.length = dm_attr.length
        a.log_align_req = dm_attr.log_align_req
        a.comp_mask = dm_attr.comp_mask
        self.dm = ibv_alloc_dm(context._ctx(), &a)
        if self.dm == NULL:
            raise _rdma_err("Failed to allocate device memory", errno or _errno.EOPNOTSUPP)
        self.ctx = context
        context.add_ref(self)

    def close(self):
        if self.dm != NULL:
            self._close_children()
            rc = ibv_free_dm(self.dm)
            self.dm = NULL
            if rc:
                raise _rdma_err("Failed to free DM", rc)


# ---- pd (pyverbs.pd) --------------------------------------------------------------------------

cdef class PD(PyverbsCM):
    """A protection domain: ``PD(ctx)``. Closes its QPs, AHs, MWs and MRs first."""
    cdef ibv_pd *pd
    cdef Context ctx

    def __init__(self, Context creator, **kwargs):
        if kwargs.get("handle") is not None:
            raise PyverbsUserError("PD import (handle=) is not supported here")
        self.pd = ibv_alloc_pd(creator._ctx())
        if self.pd == NULL:
            raise _rdma_err("Failed to allocate PD", errno)
        self.ctx = creator
        creator.add_ref(self)

    cdef add_ref(self, obj):
        if isinstance(obj, QP):
            self._set(0).add(obj)
        elif isinstance(obj, AH):
            self._set(1).add(obj)
        elif isinstance(obj, MW):
            self._set(2).add(obj)
        else:
            self._set(3).add(obj)

    cdef ibv_pd *_pd(self) except NULL:
        if self.pd == NULL:
            raise PyverbsUserError("the PD is closed")
        return self.pd

    @property
    def handle(self):
        return self._pd().handle

    def close(self):
        if self.pd != NULL:
            self._close_children()
            rc = ibv_dealloc_pd(self.pd)
            if rc:
                raise _rdma_err("Failed to dealloc PD", rc)
            self.pd = NULL
            self.ctx = None


# ---- mr (pyverbs.mr) --------------------------------------------------------------------------

cdef class MR(PyverbsCM):
    """A memory region: ``MR(pd, length, access)`` allocates page-aligned memory it owns;
    ``MR(pd, length, access, address=A)`` registers the user's memory at A (e.g. an
    xpdk.env.Buffer's ``address``). ``write(data, length, offset=0)`` and
    ``read(length, offset)`` copy in and out; ``buf`` is the address."""
    cdef ibv_mr *mr
    cdef void *mem
    cdef bint own
    cdef PD pd

    def __init__(self, PD pd not None, length=0, access=0, address=None, **kwargs):
        cdef void *p = NULL
        if kwargs.get("handle") is not None:
            raise PyverbsUserError("MR import (handle=) is not supported here")
        if length <= 0:
            raise PyverbsUserError("MR length must be positive, not {}".format(length))
        if address is None:
            if posix_memalign(&p, 4096, length) != 0:
                raise MemoryError()
            _vmemset(p, 0, length)
            self.own = True
        else:
            p = <void *><uintptr_t>address
        self.mr = ibv_reg_mr(pd._pd(), p, length, access)
        if self.mr == NULL:
            err = errno
            if self.own:
                _vfree(p)
            raise _rdma_err("Failed to register a MR. length: {}, access flags: {}".format(
                length, access), err)
        self.mem = p
        self.pd = pd
        pd.add_ref(self)

    def close(self):
        if self.mr != NULL:
            rc = ibv_dereg_mr(self.mr)
            if rc:
                raise _rdma_err("Failed to dereg MR", rc)
            self.mr = NULL
            if self.own:
                _vfree(self.mem)
            self.mem = NULL
            self.pd = None

    def __dealloc__(self):
        if self.mr != NULL:
            ibv_dereg_mr(self.mr)
            if self.own:
                _vfree(self.mem)

    cdef ibv_mr *_mr(self) except NULL:
        if self.mr == NULL:
            raise PyverbsUserError("the MR is closed")
        return self.mr

    def write(self, data, length, offset=0):
        data = bytes(data) if not isinstance(data, bytes) else data
        if offset < 0 or length < 0 or offset + length > self._mr().length or length > len(data):
            raise PyverbsUserError("write of {} bytes at {} does not fit the {}-byte MR".format(
                length, offset, self._mr().length))
        cdef size_t off = offset, n = length
        _vmemcpy(<char *>self.mem + off, <const char *>data, n)

    def read(self, length, offset):
        cdef size_t off, end
        if offset < 0 or length < 0 or offset + length > self._mr().length:
            raise PyverbsUserError("read of {} bytes at {} does not fit the {}-byte MR".format(
                length, offset, self._mr().length))
        off = offset
        end = offset + length
        return (<char *>self.mem)[off:end]

    @property
    def buf(self):
        return <uintptr_t>self._mr().addr

    @property
    def lkey(self):
        return self._mr().lkey

    @property
    def rkey(self):
        return self._mr().rkey

    @property
    def length(self):
        return self._mr().length

    @property
    def handle(self):
        return self._mr().handle


cdef class DMMR(MR):
    """A memory region over device memory (ibv_reg_dm_mr)."""
    cdef DM dm

    def __init__(self, PD pd not None, length, access, DM dm=None, offset=0):
        if dm is None:
            raise PyverbsUserError("DMMR needs dm=")
        self.mr = ibv_reg_dm_mr(pd._pd(), dm.dm, offset, length, access)
        if self.mr == NULL:
            raise _rdma_err("Failed to register a device MR", errno)
        self.dm = dm
        self.pd = pd
        pd.add_ref(self)


cdef class MW(PyverbsCM):
    """A memory window: ``MW(pd, IBV_MW_TYPE_1)``."""
    cdef ibv_mw *mw
    cdef PD pd

    def __init__(self, PD pd not None, mw_type):
        self.mw = ibv_alloc_mw(pd._pd(), mw_type)
        if self.mw == NULL:
            raise _rdma_err("Failed to allocate MW", errno)
        self.pd = pd
        pd.add_ref(self)

    @property
    def rkey(self):
        return self.mw.rkey if self.mw != NULL else 0

    def close(self):
        if self.mw != NULL:
            rc = ibv_dealloc_mw(self.mw)
            if rc:
                raise _rdma_err("Failed to dealloc MW", rc)
            self.mw = NULL
            self.pd = None


# ---- cq (pyverbs.cq) --------------------------------------------------------------------------

cdef class CompChannel(PyverbsCM):
    """A completion channel: ``CompChannel(ctx)``."""
    cdef ibv_comp_channel *cc
    cdef Context ctx

    def __init__(self, Context context not None):
        self.cc = ibv_create_comp_channel(context._ctx())
        if self.cc == NULL:
            raise _rdma_err("Failed to create a completion channel", errno)
        self.ctx = context
        context.add_ref(self)

    cdef add_ref(self, obj):
        self._set(0).add(obj)

    def get_cq_event(self, CQ expected_cq):
        """Wait for an event of ``expected_cq`` (blocking)."""
        cdef ibv_cq *cq
        cdef void *ctx
        cdef int rc
        with nogil:
            rc = ibv_get_cq_event(self.cc, &cq, &ctx)
        if rc:
            raise _rdma_err("Failed to get CQ event", errno)
        if cq != expected_cq.cq:
            raise PyverbsRDMAError("Received event on an unexpected CQ", _errno.EINVAL)
        expected_cq.num_events += 1

    @property
    def fd(self):
        return self.cc.fd if self.cc != NULL else -1

    def close(self):
        if self.cc != NULL:
            self._close_children()
            rc = ibv_destroy_comp_channel(self.cc)
            if rc:
                raise _rdma_err("Failed to destroy a completion channel", rc)
            self.cc = NULL
            self.ctx = None


cdef class WC(PyverbsObject):
    """A work completion, pyverbs' field names."""
    cdef public uint64_t wr_id
    cdef public int status, opcode
    cdef public uint32_t vendor_err, byte_len, imm_data, qp_num, src_qp, wc_flags
    cdef public uint16_t pkey_index, slid
    cdef public uint8_t sl, dlid_path_bits

    def __init__(self, wr_id=0, status=0, opcode=0, vendor_err=0, byte_len=0, qp_num=0,
                 src_qp=0, imm_data=0, wc_flags=0, pkey_index=0, slid=0, sl=0,
                 dlid_path_bits=0):
        self.wr_id = wr_id
        self.status = status
        self.opcode = opcode
        self.vendor_err = vendor_err
        self.byte_len = byte_len
        self.qp_num = qp_num
        self.src_qp = src_qp
        self.imm_data = imm_data
        self.wc_flags = wc_flags
        self.pkey_index = pkey_index
        self.slid = slid
        self.sl = sl
        self.dlid_path_bits = dlid_path_bits

    def __str__(self):
        return (_PRINT.format("WR ID", self.wr_id) +
                _PRINT.format("status", ibv_wc_status_str(self.status).decode()) +
                _PRINT.format("opcode", self.opcode) + _PRINT.format("byte len", self.byte_len) +
                _PRINT.format("QP num", self.qp_num) + _PRINT.format("Src QP", self.src_qp))


cdef class CQ(PyverbsCM):
    """A completion queue: ``CQ(ctx, cqe, cq_context=None, channel=None, comp_vector=0)``.
    ``poll(num_entries=1)`` returns ``(npolled, [WC, ...])`` in one burst (ibv_poll_cq with
    num_entries, not one at a time)."""
    cdef ibv_cq *cq
    cdef Context ctx
    cdef object channel
    cdef public int num_events

    def __init__(self, Context creator not None, cqe, cq_context=None, CompChannel channel=None,
                 comp_vector=0):
        self.cq = ibv_create_cq(creator._ctx(), cqe, NULL,
                                channel.cc if channel is not None else NULL, comp_vector)
        if self.cq == NULL:
            raise _rdma_err("Failed to create a CQ", errno)
        self.ctx = creator
        self.channel = channel
        creator.add_ref(self)
        if channel is not None:
            channel.add_ref(self)

    cdef add_ref(self, obj):
        self._set(0).add(obj)

    cdef ibv_cq *_cq(self) except NULL:
        if self.cq == NULL:
            raise PyverbsUserError("the CQ is closed")
        return self.cq

    def poll(self, num_entries=1):
        cdef ibv_wc wcs[64]
        cdef ibv_cq *cq = self._cq()
        out = []
        while len(out) < num_entries:
            n = min(64, num_entries - len(out))
            rc = ibv_poll_cq(cq, n, wcs)
            if rc < 0:
                raise PyverbsRDMAError("Failed to poll CQ", -rc if rc != -1 else _errno.EIO)
            for i in range(rc):
                out.append(WC(wcs[i].wr_id, wcs[i].status, wcs[i].opcode, wcs[i].vendor_err,
                              wcs[i].byte_len, wcs[i].qp_num, wcs[i].src_qp, wcs[i].imm_data,
                              wcs[i].wc_flags, wcs[i].pkey_index, wcs[i].slid, wcs[i].sl,
                              wcs[i].dlid_path_bits))
            if rc < n:
                break
        return len(out), out

    def req_notify(self, solicited_only=False):
        rc = ibv_req_notify_cq(self._cq(), solicited_only)
        if rc:
            raise _rdma_err("Request notify CQ returned", rc)

    def ack_events(self, num_events):
        ibv_ack_cq_events(self._cq(), num_events)
        self.num_events -= num_events

    @property
    def cqe(self):
        return self.cq.cqe if self.cq != NULL else 0

    def __str__(self):
        if self.cq == NULL:
            return "CQ\n" + _PRINT.format("Handle", "- (closed)")
        return "CQ\n" + _PRINT.format("Handle", self.cq.handle) + _PRINT.format("CQEs",
                                                                              self.cq.cqe)

    def close(self):
        if self.cq != NULL:
            self._close_children()
            if self.num_events:
                ibv_ack_cq_events(self.cq, self.num_events)
                self.num_events = 0
            rc = ibv_destroy_cq(self.cq)
            if rc:
                raise _rdma_err("Failed to close CQ", rc)
            self.cq = NULL
            self.ctx = None
            self.channel = None


# ---- addr (pyverbs.addr) ----------------------------------------------------------------------

cdef class GlobalRoute(PyverbsObject):
    """``GlobalRoute(dgid=GID, flow_label=0, sgid_index=0, hop_limit=1, traffic_class=0)``."""
    cdef public object dgid
    cdef public uint32_t flow_label
    cdef public uint8_t sgid_index, hop_limit, traffic_class

    def __init__(self, dgid=None, flow_label=0, sgid_index=0, hop_limit=1, traffic_class=0):
        self.dgid = dgid if dgid is not None else GID()
        self.flow_label = flow_label
        self.sgid_index = sgid_index
        self.hop_limit = hop_limit
        self.traffic_class = traffic_class

    def __str__(self):
        return (_PRINT.format("DGID", str(self.dgid)) +
                _PRINT.format("flow label", self.flow_label) +
                _PRINT.format("sgid index", self.sgid_index) +
                _PRINT.format("hop limit", self.hop_limit) +
                _PRINT.format("traffic class", self.traffic_class))


cdef class AHAttr(PyverbsObject):
    """``AHAttr(port_num=1, sl=0, src_path_bits=0, dlid=0, is_global=0, gr=None, ...)``."""
    cdef public object gr
    cdef public uint16_t dlid
    cdef public uint8_t sl, src_path_bits, static_rate, is_global, port_num

    def __init__(self, port_num=1, sl=0, src_path_bits=0, dlid=0, is_global=0, gr=None,
                 static_rate=0, **kwargs):
        self.port_num = port_num
        self.sl = sl
        self.src_path_bits = src_path_bits
        self.dlid = dlid
        self.is_global = is_global
        self.gr = gr if gr is not None else GlobalRoute()
        self.static_rate = static_rate

    cdef void fill(self, ibv_ah_attr *a):
        cdef GID g = self.gr.dgid
        _vmemset(a, 0, sizeof(ibv_ah_attr))
        a.dlid = self.dlid
        a.sl = self.sl
        a.src_path_bits = self.src_path_bits
        a.static_rate = self.static_rate
        a.is_global = self.is_global
        a.port_num = self.port_num
        a.grh.dgid = g._gid
        a.grh.flow_label = self.gr.flow_label
        a.grh.sgid_index = self.gr.sgid_index
        a.grh.hop_limit = self.gr.hop_limit
        a.grh.traffic_class = self.gr.traffic_class

    def __str__(self):
        return str(self.gr) if self.is_global else _PRINT.format("DLID", self.dlid)


cdef class AH(PyverbsCM):
    """An address handle: ``AH(pd, attr=AHAttr(...))``."""
    cdef ibv_ah *ah
    cdef PD pd

    def __init__(self, PD pd not None, attr=None, **kwargs):
        cdef ibv_ah_attr a
        if attr is None:
            raise PyverbsUserError("AH needs attr=AHAttr(...)")
        (<AHAttr>attr).fill(&a)
        self.ah = ibv_create_ah(pd._pd(), &a)
        if self.ah == NULL:
            raise _rdma_err("Failed to create AH", errno)
        self.pd = pd
        pd.add_ref(self)

    def close(self):
        if self.ah != NULL:
            rc = ibv_destroy_ah(self.ah)
            if rc:
                raise _rdma_err("Failed to destroy AH", rc)
            self.ah = NULL
            self.pd = None


# ---- wr (pyverbs.wr) --------------------------------------------------------------------------

cdef class SGE(PyverbsObject):
    """``SGE(addr, length, lkey)``."""
    cdef public uint64_t addr
    cdef public uint32_t length, lkey

    def __init__(self, addr=0, length=0, lkey=0):
        self.addr = addr
        self.length = length
        self.lkey = lkey

    def __str__(self):
        return _PRINT.format("Address", hex(self.addr)) + _PRINT.format("Length", self.length) + \
            _PRINT.format("Key", hex(self.lkey))


cdef class RecvWR(PyverbsObject):
    """``RecvWR(wr_id=0, num_sge=0, sg=None, next_wr=None)``."""
    cdef public uint64_t wr_id
    cdef public int num_sge
    cdef public object sg, next_wr

    def __init__(self, wr_id=0, num_sge=0, sg=None, next_wr=None):
        self.wr_id = wr_id
        self.num_sge = num_sge
        self.sg = list(sg) if sg is not None else []
        self.next_wr = next_wr


cdef class SendWR(PyverbsObject):
    """``SendWR(wr_id=0, opcode=IBV_WR_SEND, num_sge=0, imm_data=0, sg=None,
    send_flags=IBV_SEND_SIGNALED, next_wr=None)``; ``set_wr_ud(ah, rqpn, rqkey)`` and
    ``set_wr_rdma(rkey, addr)`` set the UD and RDMA parts."""
    cdef public uint64_t wr_id
    cdef public int opcode, num_sge
    cdef public uint32_t imm_data
    cdef public unsigned int send_flags
    cdef public object sg, next_wr, ah
    cdef public uint32_t remote_qpn, remote_qkey, rkey
    cdef public uint64_t remote_addr

    def __init__(self, wr_id=0, opcode=0, num_sge=0, imm_data=0, sg=None, send_flags=2,
                 next_wr=None):
        self.wr_id = wr_id
        self.opcode = opcode
        self.num_sge = num_sge
        self.imm_data = imm_data
        self.sg = list(sg) if sg is not None else []
        self.send_flags = send_flags
        self.next_wr = next_wr

    def set_wr_ud(self, AH ah not None, rqpn, rqkey):
        self.ah = ah
        self.remote_qpn = rqpn
        self.remote_qkey = rqkey

    def set_wr_rdma(self, rkey, addr):
        self.rkey = rkey
        self.remote_addr = addr


# ---- qp (pyverbs.qp) --------------------------------------------------------------------------

cdef class QPCap(PyverbsObject):
    """``QPCap(max_send_wr=1, max_recv_wr=10, max_send_sge=1, max_recv_sge=1,
    max_inline_data=0)``."""
    cdef public uint32_t max_send_wr, max_recv_wr, max_send_sge, max_recv_sge, max_inline_data

    def __init__(self, max_send_wr=1, max_recv_wr=10, max_send_sge=1, max_recv_sge=1,
                 max_inline_data=0):
        self.max_send_wr = max_send_wr
        self.max_recv_wr = max_recv_wr
        self.max_send_sge = max_send_sge
        self.max_recv_sge = max_recv_sge
        self.max_inline_data = max_inline_data

    def __str__(self):
        return (_PRINT.format("max send wrs", self.max_send_wr) +
                _PRINT.format("max recv wrs", self.max_recv_wr) +
                _PRINT.format("max send SGEs", self.max_send_sge) +
                _PRINT.format("max recv SGEs", self.max_recv_sge) +
                _PRINT.format("max inline data", self.max_inline_data))


cdef class QPInitAttr(PyverbsObject):
    """``QPInitAttr(qp_type=IBV_QPT_UD, qp_context=None, scq=None, rcq=None, srq=None,
    cap=None, sq_sig_all=1)``."""
    cdef public int qp_type, sq_sig_all
    cdef public object qp_context, send_cq, recv_cq, srq, cap

    def __init__(self, qp_type=4, qp_context=None, scq=None, rcq=None, srq=None, cap=None,
                 sq_sig_all=1):
        if srq is not None:
            raise PyverbsUserError("SRQs are not supported here")
        self.qp_type = qp_type
        self.qp_context = qp_context
        self.send_cq = scq
        self.recv_cq = rcq
        self.srq = srq
        self.cap = cap if cap is not None else QPCap()
        self.sq_sig_all = sq_sig_all

    @property
    def scq(self):
        return self.send_cq

    @property
    def rcq(self):
        return self.recv_cq


cdef class QPAttr(PyverbsObject):
    """Attributes for QP.modify()/to_init/to_rtr/to_rts; pyverbs' defaults (port 1, path MTU
    1024, timeout 14, retry 7, rnr_retry 7, min_rnr_timer 12 ...). ``ah_attr`` is an AHAttr."""
    cdef public int qp_state, cur_qp_state, path_mtu, path_mig_state
    cdef public uint32_t qkey, rq_psn, sq_psn, dest_qp_num, qp_access_flags
    cdef public uint16_t pkey_index
    cdef public uint8_t max_rd_atomic, max_dest_rd_atomic, min_rnr_timer, port_num, timeout
    cdef public uint8_t retry_cnt, rnr_retry
    cdef public object ah_attr, cap

    def __init__(self, qp_state=0, cur_qp_state=0, port_num=1, path_mtu=3, max_rd_atomic=0,
                 max_dest_rd_atomic=0, qp_access_flags=0, **kwargs):
        self.qp_state = qp_state
        self.cur_qp_state = cur_qp_state
        self.port_num = port_num
        self.path_mtu = path_mtu
        self.max_rd_atomic = max_rd_atomic
        self.max_dest_rd_atomic = max_dest_rd_atomic
        self.qp_access_flags = qp_access_flags
        self.qkey = kwargs.get("qkey", 0)
        self.rq_psn = kwargs.get("rq_psn", 0)
        self.sq_psn = kwargs.get("sq_psn", 0)
        self.dest_qp_num = kwargs.get("dest_qp_num", 0)
        self.pkey_index = kwargs.get("pkey_index", 0)
        self.min_rnr_timer = kwargs.get("min_rnr_timer", 12)
        self.timeout = kwargs.get("timeout", 14)
        self.retry_cnt = kwargs.get("retry_cnt", 7)
        self.rnr_retry = kwargs.get("rnr_retry", 7)
        self.ah_attr = kwargs.get("ah_attr", None)
        self.cap = None

    cdef void fill(self, ibv_qp_attr *a):
        _vmemset(a, 0, sizeof(ibv_qp_attr))
        a.qp_state = self.qp_state
        a.cur_qp_state = self.cur_qp_state
        a.path_mtu = self.path_mtu
        a.qkey = self.qkey
        a.rq_psn = self.rq_psn
        a.sq_psn = self.sq_psn
        a.dest_qp_num = self.dest_qp_num
        a.qp_access_flags = self.qp_access_flags
        a.pkey_index = self.pkey_index
        a.max_rd_atomic = self.max_rd_atomic
        a.max_dest_rd_atomic = self.max_dest_rd_atomic
        a.min_rnr_timer = self.min_rnr_timer
        a.port_num = self.port_num
        a.timeout = self.timeout
        a.retry_cnt = self.retry_cnt
        a.rnr_retry = self.rnr_retry
        if self.ah_attr is not None:
            (<AHAttr>self.ah_attr).fill(&a.ah_attr)


# attribute masks per transition and QP type (pyverbs' _get_comp_mask)
_M_STATE, _M_ACCESS, _M_PKEY, _M_PORT, _M_QKEY, _M_AV = 1, 8, 16, 32, 64, 128
_M_PATH_MTU, _M_TIMEOUT, _M_RETRY, _M_RNR_RETRY, _M_RQ_PSN = 256, 512, 1024, 2048, 4096
_M_MAX_QP_RD_ATOMIC, _M_MIN_RNR_TIMER, _M_SQ_PSN = 8192, 32768, 65536
_M_MAX_DEST_RD_ATOMIC, _M_DEST_QPN = 131072, 1048576
_QPT_RC, _QPT_UC, _QPT_UD, _QPT_RAW = 2, 3, 4, 8


def _comp_mask(qp_type, state):
    if state == "init":
        if qp_type in (_QPT_UD, _QPT_RAW):
            return _M_STATE | _M_PKEY | _M_PORT | (_M_QKEY if qp_type == _QPT_UD else 0)
        return _M_STATE | _M_PKEY | _M_PORT | _M_ACCESS
    if state == "rtr":
        if qp_type in (_QPT_UD, _QPT_RAW):
            return _M_STATE
        m = _M_STATE | _M_AV | _M_PATH_MTU | _M_DEST_QPN | _M_RQ_PSN
        if qp_type == _QPT_RC:
            m |= _M_MAX_DEST_RD_ATOMIC | _M_MIN_RNR_TIMER
        return m
    if qp_type in (_QPT_UD, _QPT_RAW):
        return _M_STATE | _M_SQ_PSN
    m = _M_STATE | _M_SQ_PSN
    if qp_type == _QPT_RC:
        m |= _M_TIMEOUT | _M_RETRY | _M_RNR_RETRY | _M_MAX_QP_RD_ATOMIC
    return m


cdef class QP(PyverbsCM):
    """A queue pair: ``QP(pd, init_attr, qp_attr=None)``. With ``qp_attr``, UD QPs go to RTS
    and RC/UC QPs to INIT (they still need the remote QP number), as pyverbs.
    ``to_init(attr)``, ``to_rtr(attr)``, ``to_rts(attr)`` use each state's mask;
    ``post_send(wr)``/``post_recv(wr)`` post a chain."""
    cdef ibv_qp *qp
    cdef PD pd
    cdef Context context
    cdef object scq, rcq
    cdef public int qp_type

    def __init__(self, PD creator not None, QPInitAttr init_attr not None, qp_attr=None):
        cdef ibv_qp_init_attr ia
        cdef QPCap cap = init_attr.cap
        _vmemset(&ia, 0, sizeof(ia))
        if init_attr.send_cq is None:
            raise PyverbsUserError("QPInitAttr needs scq")
        rcq = init_attr.recv_cq if init_attr.recv_cq is not None else init_attr.send_cq
        ia.send_cq = (<CQ>init_attr.send_cq).cq
        ia.recv_cq = (<CQ>rcq).cq
        ia.qp_type = init_attr.qp_type
        ia.sq_sig_all = init_attr.sq_sig_all
        ia.cap.max_send_wr = cap.max_send_wr
        ia.cap.max_recv_wr = cap.max_recv_wr
        ia.cap.max_send_sge = cap.max_send_sge
        ia.cap.max_recv_sge = cap.max_recv_sge
        ia.cap.max_inline_data = cap.max_inline_data
        self.qp = ibv_create_qp(creator._pd(), &ia)
        if self.qp == NULL:
            raise _rdma_err("Failed to create QP", errno)
        self.qp_type = init_attr.qp_type
        self.pd = creator
        self.context = creator.ctx
        self.scq = init_attr.send_cq
        self.rcq = rcq
        creator.add_ref(self)
        self.context.add_ref(self)
        (<CQ>self.scq).add_ref(self)
        (<CQ>self.rcq).add_ref(self)
        if qp_attr is not None:
            self.to_init(qp_attr)
            if self.qp_type in (_QPT_UD, _QPT_RAW):
                self.to_rtr(qp_attr)
                self.to_rts(qp_attr)

    cdef ibv_qp *_qp(self) except NULL:
        if self.qp == NULL:
            raise PyverbsUserError("the QP is closed")
        return self.qp

    @property
    def qp_num(self):
        return self._qp().qp_num

    @property
    def qp_state(self):
        cdef ibv_qp_attr a
        cdef ibv_qp_init_attr ia
        rc = ibv_query_qp(self._qp(), &a, _M_STATE, &ia)
        if rc:
            raise _rdma_err("Failed to query QP", rc)
        return a.qp_state

    def modify(self, QPAttr qp_attr not None, comp_mask):
        cdef ibv_qp_attr a
        qp_attr.fill(&a)
        rc = ibv_modify_qp(self._qp(), &a, comp_mask)
        if rc:
            raise _rdma_err("Failed to modify QP", rc)

    def _to(self, QPAttr qp_attr, int state, name):
        qp_attr.qp_state = state
        if name == "init" and self.qp_type == _QPT_UD and qp_attr.qkey == 0:
            qp_attr.qkey = 0x11111111  # pyverbs' default Q_Key
        if name == "init" and self.qp_type != _QPT_UD and qp_attr.qp_access_flags == 0:
            qp_attr.qp_access_flags = 1 | 2 | 4  # local write, remote write and read
        self.modify(qp_attr, _comp_mask(self.qp_type, name))

    def to_init(self, QPAttr qp_attr not None):
        self._to(qp_attr, 1, "init")

    def to_rtr(self, QPAttr qp_attr not None):
        self._to(qp_attr, 2, "rtr")

    def to_rts(self, QPAttr qp_attr not None):
        self._to(qp_attr, 3, "rts")

    def post_send(self, SendWR send_wr not None, SendWR bad_wr=None):
        cdef ibv_send_wr wrs[16]
        cdef ibv_sge sges[64]
        cdef ibv_send_wr *bad = NULL
        cdef int n = 0, s = 0
        wr = send_wr
        while wr is not None:
            if n == 16 or s + len(wr.sg) > 64:
                raise PyverbsUserError("at most 16 WRs and 64 SGEs per post_send here")
            _vmemset(&wrs[n], 0, sizeof(ibv_send_wr))
            wrs[n].wr_id = wr.wr_id
            wrs[n].opcode = wr.opcode
            wrs[n].send_flags = wr.send_flags
            wrs[n].imm_data = wr.imm_data
            wrs[n].sg_list = &sges[s]
            wrs[n].num_sge = min(wr.num_sge, len(wr.sg)) if wr.num_sge else len(wr.sg)
            for g in wr.sg[:wrs[n].num_sge]:
                sges[s].addr = (<SGE>g).addr
                sges[s].length = (<SGE>g).length
                sges[s].lkey = (<SGE>g).lkey
                s += 1
            if wr.ah is not None:
                wrs[n].wr.ud.ah = (<AH>wr.ah).ah
                wrs[n].wr.ud.remote_qpn = wr.remote_qpn
                wrs[n].wr.ud.remote_qkey = wr.remote_qkey
            else:
                wrs[n].wr.rdma.remote_addr = wr.remote_addr
                wrs[n].wr.rdma.rkey = wr.rkey
            if n:
                wrs[n - 1].next = &wrs[n]
            n += 1
            wr = wr.next_wr
        rc = ibv_post_send(self._qp(), wrs, &bad)
        if rc:
            raise _rdma_err("Failed to post send", rc)

    def post_recv(self, RecvWR wr not None, RecvWR bad_wr=None):
        cdef ibv_recv_wr wrs[16]
        cdef ibv_sge sges[64]
        cdef ibv_recv_wr *bad = NULL
        cdef int n = 0, s = 0
        w = wr
        while w is not None:
            if n == 16 or s + len(w.sg) > 64:
                raise PyverbsUserError("at most 16 WRs and 64 SGEs per post_recv here")
            _vmemset(&wrs[n], 0, sizeof(ibv_recv_wr))
            wrs[n].wr_id = w.wr_id
            wrs[n].sg_list = &sges[s]
            wrs[n].num_sge = min(w.num_sge, len(w.sg)) if w.num_sge else len(w.sg)
            for g in w.sg[:wrs[n].num_sge]:
                sges[s].addr = (<SGE>g).addr
                sges[s].length = (<SGE>g).length
                sges[s].lkey = (<SGE>g).lkey
                s += 1
            if n:
                wrs[n - 1].next = &wrs[n]
            n += 1
            w = w.next_wr
        rc = ibv_post_recv(self._qp(), wrs, &bad)
        if rc:
            raise _rdma_err("Failed to post recv", rc)

    def close(self):
        if self.qp != NULL:
            self._close_children()
            rc = ibv_destroy_qp(self.qp)
            if rc:
                raise _rdma_err("Failed to destroy QP", rc)
            self.qp = NULL
            self.pd = None
            self.context = None
            self.scq = None
            self.rcq = None


# ---- cmid (pyverbs.cmid) ----------------------------------------------------------------------

cdef class AddrInfo(PyverbsObject):
    """``AddrInfo(src=None, dst=None, src_service=None, dst_service=None,
    port_space=RDMA_PS_TCP, flags=0)``: rdma_getaddrinfo."""
    cdef rdma_addrinfo *addr_info

    def __init__(self, src=None, dst=None, src_service=None, dst_service=None, port_space=0,
                 flags=0):
        cdef rdma_addrinfo hints
        cdef rdma_addrinfo *srcinfo = NULL
        _vmemset(&hints, 0, sizeof(hints))
        hints.ai_port_space = port_space
        hints.ai_flags = flags
        passive = flags & 1
        node = (src if passive else dst)
        service = (src_service if passive else dst_service)
        bnode = node.encode() if node is not None else None
        bserv = str(service).encode() if service is not None else None
        # the active side's source address: resolved first, then passed as a hint
        if not passive and src is not None:
            hints.ai_flags = 1
            bsrc = src.encode()
            if rdma_getaddrinfo(bsrc, NULL, &hints, &srcinfo):
                raise _rdma_err("Failed to get address info for {}".format(src), errno)
            hints.ai_flags = flags
            hints.ai_src_len = srcinfo.ai_src_len
            hints.ai_src_addr = srcinfo.ai_src_addr
        rc = rdma_getaddrinfo(<const char *>bnode if bnode is not None else NULL,
                              <const char *>bserv if bserv is not None else NULL,
                              &hints, &self.addr_info)
        if srcinfo != NULL:
            rdma_freeaddrinfo(srcinfo)
        if rc:
            raise _rdma_err("Failed to get address info", errno)

    def __dealloc__(self):
        if self.addr_info != NULL:
            rdma_freeaddrinfo(self.addr_info)
            self.addr_info = NULL


cdef class CMID(PyverbsCM):
    """An rdma_cm identity made with rdma_create_ep (synchronous, as pyverbs):
    ``CMID(creator=AddrInfo(...), qp_init_attr=QPInitAttr(...))``; passive: ``listen()``,
    ``get_request()`` (a new CMID), ``accept()``; active: ``connect()``; both: ``reg_msgs``,
    ``post_recv``/``post_send`` with an MR, ``get_recv_comp``/``get_send_comp``,
    ``disconnect``, ``close``."""
    cdef rdma_cm_id *id
    cdef object parent

    def __init__(self, creator=None, QPInitAttr qp_init_attr=None, listen_id=None):
        cdef ibv_qp_init_attr ia
        cdef ibv_qp_init_attr *iap = NULL
        cdef QPCap cap
        if listen_id is not None:
            return  # filled by get_request()
        if not isinstance(creator, AddrInfo):
            raise PyverbsUserError("CMID needs creator=AddrInfo(...)")
        if qp_init_attr is not None:
            _vmemset(&ia, 0, sizeof(ia))
            cap = qp_init_attr.cap
            ia.qp_type = _QPT_RC if qp_init_attr.qp_type == _QPT_UD and \
                (<AddrInfo>creator).addr_info.ai_port_space == 0x0106 else qp_init_attr.qp_type
            ia.sq_sig_all = qp_init_attr.sq_sig_all
            ia.cap.max_send_wr = cap.max_send_wr
            ia.cap.max_recv_wr = cap.max_recv_wr
            ia.cap.max_send_sge = cap.max_send_sge
            ia.cap.max_recv_sge = cap.max_recv_sge
            ia.cap.max_inline_data = cap.max_inline_data
            iap = &ia
        rc = rdma_create_ep(&self.id, (<AddrInfo>creator).addr_info, NULL, iap)
        if rc:
            raise _rdma_err("Failed to create CM ID", errno)

    cdef rdma_cm_id *_id(self) except NULL:
        if self.id == NULL:
            raise PyverbsUserError("the CMID is closed")
        return self.id

    def listen(self, backlog=0):
        if rdma_listen(self._id(), backlog):
            raise _rdma_err("Listen Failed", errno)

    def get_request(self):
        cdef CMID new = CMID(listen_id=self)
        cdef rdma_cm_id *nid = NULL
        cdef rdma_cm_id *lid = self._id()
        cdef int rc
        with nogil:
            rc = rdma_get_request(lid, &nid)
        if rc:
            raise _rdma_err("Failed to get request", errno)
        new.id = nid
        new.parent = self
        return new

    def accept(self, param=None):
        if rdma_accept(self._id(), NULL):
            raise _rdma_err("Failed to accept", errno)

    def connect(self, param=None):
        cdef int rc
        cdef rdma_cm_id *i = self._id()
        with nogil:
            rc = rdma_connect(i, NULL)
        if rc:
            raise _rdma_err("Failed to connect", errno)

    def disconnect(self):
        if rdma_disconnect(self._id()):
            raise _rdma_err("Failed to disconnect", errno)

    def reg_msgs(self, size):
        """An MR of ``size`` bytes registered on this identity's PD (rdma_reg_msgs)."""
        return CMMR(self, size)

    def post_recv(self, CMMR mr not None, length=None):
        cdef ibv_mr *m = mr.mr
        if rdma_post_recv(self._id(), NULL, m.addr, length or m.length, m):
            raise _rdma_err("Failed to post receive", errno)

    def post_send(self, CMMR mr not None, flags=2, length=None):
        cdef ibv_mr *m = mr.mr
        if rdma_post_send(self._id(), NULL, m.addr, length or m.length, m, flags):
            raise _rdma_err("Failed to post send", errno)

    def _comp(self, send):
        cdef ibv_wc wc
        cdef int rc
        cdef rdma_cm_id *i = self._id()
        cdef bint s = send
        with nogil:
            if s:
                rc = rdma_get_send_comp(i, &wc)
            else:
                rc = rdma_get_recv_comp(i, &wc)
        if rc < 0:
            raise _rdma_err("Failed to get a completion", errno)
        return WC(wc.wr_id, wc.status, wc.opcode, wc.vendor_err, wc.byte_len, wc.qp_num,
                  wc.src_qp, wc.imm_data, wc.wc_flags)

    def get_recv_comp(self):
        return self._comp(False)

    def get_send_comp(self):
        return self._comp(True)

    def close(self):
        if self.id != NULL:
            self._close_children()
            rdma_destroy_ep(self.id)
            self.id = NULL
            self.parent = None

    def __dealloc__(self):
        if self.id != NULL:
            rdma_destroy_ep(self.id)


cdef class CMMR(PyverbsCM):
    """Memory registered on a CMID's PD by rdma_reg_msgs; ``write``/``read`` as MR."""
    cdef ibv_mr *mr
    cdef void *mem
    cdef CMID cmid

    def __init__(self, CMID cmid not None, size):
        if posix_memalign(&self.mem, 4096, size) != 0:
            raise MemoryError()
        _vmemset(self.mem, 0, size)
        self.mr = rdma_reg_msgs(cmid._id(), self.mem, size)
        if self.mr == NULL:
            _vfree(self.mem)
            self.mem = NULL
            raise _rdma_err("Failed to register messages", errno)
        self.cmid = cmid
        cmid._set(0).add(self)

    def write(self, data, length, offset=0):
        cdef size_t off = offset, n = length
        if offset + length > self.mr.length or length > len(data):
            raise PyverbsUserError("write does not fit the MR")
        b = bytes(data)
        _vmemcpy(<char *>self.mem + off, <const char *>b, n)

    def read(self, length, offset):
        cdef size_t off = offset, end = offset + length
        if offset + length > self.mr.length:
            raise PyverbsUserError("read does not fit the MR")
        return (<char *>self.mem)[off:end]

    def close(self):
        if self.mr != NULL:
            rdma_dereg_mr(self.mr)
            self.mr = NULL
            _vfree(self.mem)
            self.mem = NULL
            self.cmid = None


# ---- enums (pyverbs.enums / libibverbs_enums, pyverbs.cm_enums) -------------------------------

cdef extern from "infiniband/verbs.h":
    enum:
        IBV_ACCESS_LOCAL_WRITE
        IBV_ACCESS_REMOTE_WRITE
        IBV_ACCESS_REMOTE_READ
        IBV_ACCESS_REMOTE_ATOMIC
        IBV_ACCESS_MW_BIND
        IBV_ACCESS_ZERO_BASED
        IBV_ACCESS_ON_DEMAND
        IBV_ACCESS_HUGETLB
        IBV_ACCESS_RELAXED_ORDERING
        IBV_QPT_RC
        IBV_QPT_UC
        IBV_QPT_UD
        IBV_QPT_RAW_PACKET
        IBV_QPT_XRC_SEND
        IBV_QPT_XRC_RECV
        IBV_QPT_DRIVER
        IBV_QPS_RESET
        IBV_QPS_INIT
        IBV_QPS_RTR
        IBV_QPS_RTS
        IBV_QPS_SQD
        IBV_QPS_SQE
        IBV_QPS_ERR
        IBV_WR_RDMA_WRITE
        IBV_WR_RDMA_WRITE_WITH_IMM
        IBV_WR_SEND
        IBV_WR_SEND_WITH_IMM
        IBV_WR_RDMA_READ
        IBV_WR_ATOMIC_CMP_AND_SWP
        IBV_WR_ATOMIC_FETCH_AND_ADD
        IBV_SEND_FENCE
        IBV_SEND_SIGNALED
        IBV_SEND_SOLICITED
        IBV_SEND_INLINE
        IBV_WC_SUCCESS
        IBV_WC_LOC_LEN_ERR
        IBV_WC_LOC_QP_OP_ERR
        IBV_WC_LOC_PROT_ERR
        IBV_WC_WR_FLUSH_ERR
        IBV_WC_REM_INV_REQ_ERR
        IBV_WC_REM_ACCESS_ERR
        IBV_WC_REM_OP_ERR
        IBV_WC_RETRY_EXC_ERR
        IBV_WC_RNR_RETRY_EXC_ERR
        IBV_WC_SEND
        IBV_WC_RDMA_WRITE
        IBV_WC_RDMA_READ
        IBV_WC_RECV
        IBV_WC_RECV_RDMA_WITH_IMM
        IBV_WC_WITH_IMM
        IBV_WC_GRH
        IBV_WC_EX_WITH_CVLAN
        IBV_MW_TYPE_1
        IBV_MW_TYPE_2
        IBV_MTU_256
        IBV_MTU_512
        IBV_MTU_1024
        IBV_MTU_2048
        IBV_MTU_4096
        IBV_PORT_NOP
        IBV_PORT_DOWN
        IBV_PORT_INIT
        IBV_PORT_ARMED
        IBV_PORT_ACTIVE
        IBV_LINK_LAYER_UNSPECIFIED
        IBV_LINK_LAYER_INFINIBAND
        IBV_LINK_LAYER_ETHERNET
        IBV_QP_STATE
        IBV_QP_CUR_STATE
        IBV_QP_ACCESS_FLAGS
        IBV_QP_PKEY_INDEX
        IBV_QP_PORT
        IBV_QP_QKEY
        IBV_QP_AV
        IBV_QP_PATH_MTU
        IBV_QP_TIMEOUT
        IBV_QP_RETRY_CNT
        IBV_QP_RNR_RETRY
        IBV_QP_RQ_PSN
        IBV_QP_MAX_QP_RD_ATOMIC
        IBV_QP_MIN_RNR_TIMER
        IBV_QP_SQ_PSN
        IBV_QP_MAX_DEST_RD_ATOMIC
        IBV_QP_DEST_QPN
        IBV_QP_CAP

cdef extern from "rdma/rdma_cma.h":
    enum:
        RDMA_PS_TCP
        RDMA_PS_UDP
        RDMA_PS_IB
        RDMA_PS_IPOIB
        RAI_PASSIVE
        RAI_NUMERICHOST
        RAI_NOROUTE
        RAI_FAMILY

verbs_enums = {n: v for n, v in dict(
    IBV_ACCESS_LOCAL_WRITE=IBV_ACCESS_LOCAL_WRITE, IBV_ACCESS_REMOTE_WRITE=IBV_ACCESS_REMOTE_WRITE,
    IBV_ACCESS_REMOTE_READ=IBV_ACCESS_REMOTE_READ,
    IBV_ACCESS_REMOTE_ATOMIC=IBV_ACCESS_REMOTE_ATOMIC, IBV_ACCESS_MW_BIND=IBV_ACCESS_MW_BIND,
    IBV_ACCESS_ZERO_BASED=IBV_ACCESS_ZERO_BASED, IBV_ACCESS_ON_DEMAND=IBV_ACCESS_ON_DEMAND,
    IBV_ACCESS_HUGETLB=IBV_ACCESS_HUGETLB,
    IBV_ACCESS_RELAXED_ORDERING=IBV_ACCESS_RELAXED_ORDERING,
    IBV_QPT_RC=IBV_QPT_RC, IBV_QPT_UC=IBV_QPT_UC, IBV_QPT_UD=IBV_QPT_UD,
    IBV_QPT_RAW_PACKET=IBV_QPT_RAW_PACKET, IBV_QPT_XRC_SEND=IBV_QPT_XRC_SEND,
    IBV_QPT_XRC_RECV=IBV_QPT_XRC_RECV, IBV_QPT_DRIVER=IBV_QPT_DRIVER,
    IBV_QPS_RESET=IBV_QPS_RESET, IBV_QPS_INIT=IBV_QPS_INIT, IBV_QPS_RTR=IBV_QPS_RTR,
    IBV_QPS_RTS=IBV_QPS_RTS, IBV_QPS_SQD=IBV_QPS_SQD, IBV_QPS_SQE=IBV_QPS_SQE,
    IBV_QPS_ERR=IBV_QPS_ERR,
    IBV_WR_RDMA_WRITE=IBV_WR_RDMA_WRITE, IBV_WR_RDMA_WRITE_WITH_IMM=IBV_WR_RDMA_WRITE_WITH_IMM,
    IBV_WR_SEND=IBV_WR_SEND, IBV_WR_SEND_WITH_IMM=IBV_WR_SEND_WITH_IMM,
    IBV_WR_RDMA_READ=IBV_WR_RDMA_READ, IBV_WR_ATOMIC_CMP_AND_SWP=IBV_WR_ATOMIC_CMP_AND_SWP,
    IBV_WR_ATOMIC_FETCH_AND_ADD=IBV_WR_ATOMIC_FETCH_AND_ADD,
    IBV_SEND_FENCE=IBV_SEND_FENCE, IBV_SEND_SIGNALED=IBV_SEND_SIGNALED,
    IBV_SEND_SOLICITED=IBV_SEND_SOLICITED, IBV_SEND_INLINE=IBV_SEND_INLINE,
    IBV_WC_SUCCESS=IBV_WC_SUCCESS, IBV_WC_LOC_LEN_ERR=IBV_WC_LOC_LEN_ERR,
    IBV_WC_LOC_QP_OP_ERR=IBV_WC_LOC_QP_OP_ERR, IBV_WC_LOC_PROT_ERR=IBV_WC_LOC_PROT_ERR,
    IBV_WC_WR_FLUSH_ERR=IBV_WC_WR_FLUSH_ERR, IBV_WC_REM_INV_REQ_ERR=IBV_WC_REM_INV_REQ_ERR,
    IBV_WC_REM_ACCESS_ERR=IBV_WC_REM_ACCESS_ERR, IBV_WC_REM_OP_ERR=IBV_WC_REM_OP_ERR,
    IBV_WC_RETRY_EXC_ERR=IBV_WC_RETRY_EXC_ERR, IBV_WC_RNR_RETRY_EXC_ERR=IBV_WC_RNR_RETRY_EXC_ERR,
    IBV_WC_SEND=IBV_WC_SEND, IBV_WC_RDMA_WRITE=IBV_WC_RDMA_WRITE,
    IBV_WC_RDMA_READ=IBV_WC_RDMA_READ, IBV_WC_RECV=IBV_WC_RECV,
    IBV_WC_RECV_RDMA_WITH_IMM=IBV_WC_RECV_RDMA_WITH_IMM, IBV_WC_WITH_IMM=IBV_WC_WITH_IMM,
    IBV_WC_GRH=IBV_WC_GRH, IBV_WC_EX_WITH_CVLAN=IBV_WC_EX_WITH_CVLAN,
    IBV_MW_TYPE_1=IBV_MW_TYPE_1, IBV_MW_TYPE_2=IBV_MW_TYPE_2,
    IBV_MTU_256=IBV_MTU_256, IBV_MTU_512=IBV_MTU_512, IBV_MTU_1024=IBV_MTU_1024,
    IBV_MTU_2048=IBV_MTU_2048, IBV_MTU_4096=IBV_MTU_4096,
    IBV_PORT_NOP=IBV_PORT_NOP, IBV_PORT_DOWN=IBV_PORT_DOWN, IBV_PORT_INIT=IBV_PORT_INIT,
    IBV_PORT_ARMED=IBV_PORT_ARMED, IBV_PORT_ACTIVE=IBV_PORT_ACTIVE,
    IBV_LINK_LAYER_UNSPECIFIED=IBV_LINK_LAYER_UNSPECIFIED,
    IBV_LINK_LAYER_INFINIBAND=IBV_LINK_LAYER_INFINIBAND,
    IBV_LINK_LAYER_ETHERNET=IBV_LINK_LAYER_ETHERNET,
    IBV_QP_STATE=IBV_QP_STATE, IBV_QP_CUR_STATE=IBV_QP_CUR_STATE,
    IBV_QP_ACCESS_FLAGS=IBV_QP_ACCESS_FLAGS, IBV_QP_PKEY_INDEX=IBV_QP_PKEY_INDEX,
    IBV_QP_PORT=IBV_QP_PORT, IBV_QP_QKEY=IBV_QP_QKEY, IBV_QP_AV=IBV_QP_AV,
    IBV_QP_PATH_MTU=IBV_QP_PATH_MTU, IBV_QP_TIMEOUT=IBV_QP_TIMEOUT,
    IBV_QP_RETRY_CNT=IBV_QP_RETRY_CNT, IBV_QP_RNR_RETRY=IBV_QP_RNR_RETRY,
    IBV_QP_RQ_PSN=IBV_QP_RQ_PSN, IBV_QP_MAX_QP_RD_ATOMIC=IBV_QP_MAX_QP_RD_ATOMIC,
    IBV_QP_MIN_RNR_TIMER=IBV_QP_MIN_RNR_TIMER, IBV_QP_SQ_PSN=IBV_QP_SQ_PSN,
    IBV_QP_MAX_DEST_RD_ATOMIC=IBV_QP_MAX_DEST_RD_ATOMIC, IBV_QP_DEST_QPN=IBV_QP_DEST_QPN,
    IBV_QP_CAP=IBV_QP_CAP).items()}

cm_enums = dict(RDMA_PS_TCP=RDMA_PS_TCP, RDMA_PS_UDP=RDMA_PS_UDP, RDMA_PS_IB=RDMA_PS_IB,
                RDMA_PS_IPOIB=RDMA_PS_IPOIB, RAI_PASSIVE=RAI_PASSIVE,
                RAI_NUMERICHOST=RAI_NUMERICHOST, RAI_NOROUTE=RAI_NOROUTE, RAI_FAMILY=RAI_FAMILY)
