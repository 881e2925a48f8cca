# SPDX-License-Identifier: BSD-3-Clause
"""xpdk.verbs without a device: what the package does on a kernel without RDMA (the host CI),
its records and enums. Traffic runs on Soft-RoCE in the vm tier (test/vm/verbs_examples.py)."""

import errno

import pytest

import xpdk
import xpdk.verbs.addr as addr
import xpdk.verbs.cm_enums as ce
import xpdk.verbs.device as device
import xpdk.verbs.enums as e
import xpdk.verbs.libibverbs_enums as le
import xpdk.verbs.qp as qp
import xpdk.verbs.wr as wr
from xpdk.verbs.pyverbs_error import PyverbsError, PyverbsRDMAError, PyverbsUserError


def rdma_present():
    try:
        device.get_device_list()
        return True
    except PyverbsRDMAError as x:
        return x.error_code != errno.ENOSYS


def test_no_rdma_kernel_raises_enosys_with_the_way_out():
    if rdma_present():
        pytest.skip("this kernel has RDMA: the ENOSYS path cannot be seen here")
    with pytest.raises(PyverbsRDMAError) as ei:
        device.get_device_list()
    # pyverbs loses the errno here (-1); xpdk.verbs keeps it
    assert ei.value.error_code == errno.ENOSYS and ei.value.errno == errno.ENOSYS
    assert "modprobe rdma_rxe" in str(ei.value) and "rdma link add" in str(ei.value)
    with pytest.raises(PyverbsRDMAError) as ei:
        device.Context(name="rxe0")
    assert ei.value.error_code == errno.ENOSYS
    assert isinstance(ei.value, xpdk.Error) and isinstance(ei.value, PyverbsError)


def test_error_message_format_is_pyverbs():
    x = PyverbsRDMAError("Failed to do it", errno.EINVAL)
    assert str(x) == "Failed to do it. Errno: 22, Invalid argument" and x.error_code == 22
    assert PyverbsUserError("bad").error_code == -1


def test_enums_come_from_the_headers():
    assert e.IBV_ACCESS_LOCAL_WRITE == 1 and e.IBV_ACCESS_REMOTE_WRITE == 2
    assert e.IBV_QPT_RC == 2 and e.IBV_QPT_UD == 4 and e.IBV_QPS_RTS == 3
    assert e.IBV_WC_REM_ACCESS_ERR == 10 and e.IBV_WR_RDMA_READ == 4
    assert le.IBV_SEND_SIGNALED == e.IBV_SEND_SIGNALED == 2
    assert ce.RDMA_PS_TCP == 0x0106 and ce.RAI_PASSIVE == 1


def test_gid_parses_and_prints_like_pyverbs():
    g = addr.GID("0000:0000:0000:0000:0000:ffff:c000:0201")
    assert str(g) == "0000:0000:0000:0000:0000:ffff:c000:0201"
    assert g == device.GID(str(g))
    with pytest.raises(PyverbsUserError):
        addr.GID("192.0.2.1")


def test_records_have_pyverbs_defaults():
    cap = qp.QPCap(100, 10, 1, 1, 0)
    assert (cap.max_send_wr, cap.max_recv_wr, cap.max_inline_data) == (100, 10, 0)
    a = qp.QPAttr()
    assert (a.port_num, a.path_mtu, a.timeout, a.retry_cnt, a.min_rnr_timer) == (1, 3, 14, 7, 12)
    ia = qp.QPInitAttr(cap=cap)
    assert ia.qp_type == e.IBV_QPT_UD and ia.sq_sig_all == 1
    gr = addr.GlobalRoute(dgid=addr.GID("fe80:0000:0000:0000:0000:0000:0000:0001"),
                          sgid_index=1)
    assert "sgid index" in str(addr.AHAttr(gr=gr, is_global=1))
    w = wr.SendWR(opcode=e.IBV_WR_RDMA_WRITE, sg=[wr.SGE(0x1000, 64, 5)])
    w.set_wr_rdma(0x1234, 0x5000)
    assert (w.rkey, w.remote_addr, w.send_flags) == (0x1234, 0x5000, e.IBV_SEND_SIGNALED)
    with pytest.raises(TypeError):
        w.set_wr_ud(None, 1, 2)


def test_traffic_needs_a_device():
    if not rdma_present():
        pytest.skip("no RDMA in this kernel (ibv_get_device_list: ENOSYS): traffic is tested "
                    "on Soft-RoCE in the vm tier (meson test --suite vm, vm-qp)")
    assert device.get_device_list()
