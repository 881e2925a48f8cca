# SPDX-License-Identifier: BSD-3-Clause
"""xpdk.verbs on a real device (the vm tier's Soft-RoCE, test/vm/guest-qp.sh).

    verbs_examples.py DEV              pyverbs' documented examples that rxe supports, with
                                       only their imports changed (pyverbs → xpdk.verbs) and
                                       the device name and RoCE v2 GID index set for rxe;
                                       then RC traffic, close order and errors
    verbs_examples.py cm-server ADDR PORT / cm-client SRC ADDR PORT
                                       pyverbs' CMID example, one side each, with a message
                                       each way

Prints "ok - WHAT" / "not ok - WHAT" lines; exits 0 when all passed.
"""

import errno
import sys
import traceback

DEV = "rxea"
GID_INDEX = 1  # rxe: 0 is the link-local GID, 1 the IPv4 address's (RoCE v2)
failed = 0


def check(cond, what):
    global failed
    print(("ok - " if cond else "not ok - ") + what, flush=True)
    failed += 0 if cond else 1


def example(what):
    """Run the decorated example; it passes when it raises nothing (and its asserts hold)."""
    def deco(fn):
        try:
            fn()
            check(True, "pyverbs example: " + what)
        except Exception:
            traceback.print_exc(file=sys.stdout)
            check(False, "pyverbs example: " + what)
        return fn
    return deco


def examples():
    @example("open a device by name (device.Context)")
    def _():
        import xpdk.verbs.device as d
        ctx = d.Context(name=DEV)
        assert ctx.name == DEV

    @example("query a device: print(ctx.query_device()) shows pyverbs' table")
    def _():
        import xpdk.verbs.device as d
        ctx = d.Context(name=DEV)
        attr = ctx.query_device()
        print(attr)
        assert "Max QP WR" in str(attr) and attr.phys_port_cnt == 1

    @example("query GID (index 1, rxe's RoCE v2 IPv4 GID) prints 8 groups")
    def _():
        import xpdk.verbs.device as d
        ctx = d.Context(name=DEV)
        gid = ctx.query_gid(port_num=1, index=GID_INDEX)
        print(gid)
        assert str(gid) == "0000:0000:0000:0000:0000:ffff:c000:0201"

    @example("query port 1: active, Ethernet link layer")
    def _():
        import xpdk.verbs.device as d
        ctx = d.Context(name=DEV)
        port_attr = ctx.query_port(1)
        print(port_attr)
        assert port_attr.state == 4 and "Ethernet" in str(port_attr)

    @example("extended query device (max_dm_size, rss caps)")
    def _():
        import xpdk.verbs.device as d
        ctx = d.Context(name=DEV)
        attr = ctx.query_device_ex()
        attr.max_dm_size
        attr.rss_caps.max_rwq_indirection_table_size

    @example("PD in a with-block")
    def _():
        import xpdk.verbs.device as d
        from xpdk.verbs.pd import PD
        with d.Context(name=DEV) as ctx:
            pd = PD(ctx)

    @example("MR of 1000 bytes, local write")
    def _():
        import xpdk.verbs.device as d
        from xpdk.verbs.pd import PD
        from xpdk.verbs.mr import MR
        import xpdk.verbs.enums as e
        with d.Context(name=DEV) as ctx:
            with PD(ctx) as pd:
                mr_len = 1000
                flags = e.IBV_ACCESS_LOCAL_WRITE
                mr = MR(pd, mr_len, flags)

    @example("memory window type 1")
    def _():
        import xpdk.verbs.device as d
        from xpdk.verbs.pd import PD
        from xpdk.verbs.mr import MW
        import xpdk.verbs.enums as e
        with d.Context(name=DEV) as ctx:
            with PD(ctx) as pd:
                mw = MW(pd, e.IBV_MW_TYPE_1)

    @example("device memory (skipped by its own check: rxe has max_dm_size 0)")
    def _():
        import random
        from xpdk.verbs.device import DM, AllocDmAttr
        import xpdk.verbs.device as d
        with d.Context(name=DEV) as ctx:
            attr = ctx.query_device_ex()
            if attr.max_dm_size != 0:
                dm_len = random.randint(4, attr.max_dm_size)
                dm_attrs = AllocDmAttr(dm_len)
                dm = DM(ctx, dm_attrs)

    @example("CQ with or without a completion channel, print(cq) (after the channel's "
             "with-block closed it and its CQ: prints 'closed', no crash)")
    def _():
        import random
        from xpdk.verbs.cq import CompChannel, CQ
        import xpdk.verbs.device as d
        for with_channel in (True, False):
            with d.Context(name=DEV) as ctx:
                num_cqes = random.randint(1, 200)  # rxe refuses 0 CQEs (pyverbs: 0..200)
                comp_vector = 0
                if with_channel:
                    with CompChannel(ctx) as cc:
                        cq = CQ(ctx, num_cqes, None, cc, comp_vector)
                else:
                    cq = CQ(ctx, num_cqes, None, None, comp_vector)
                print(cq)

    @example("GlobalRoute, AHAttr, AH (global, RoCE)")
    def _():
        from xpdk.verbs.addr import GlobalRoute, AHAttr, AH
        import xpdk.verbs.device as d
        from xpdk.verbs.pd import PD
        with d.Context(name=DEV) as ctx:
            port_number = 1
            gid_index = 0  # GID index 0 always exists and valid
            gid = ctx.query_gid(port_number, gid_index)
            gr = GlobalRoute(dgid=gid, sgid_index=gid_index)
            ah_attr = AHAttr(gr=gr, is_global=1, port_num=port_number)
            print(ah_attr)
            with PD(ctx) as pd:
                ah = AH(pd, attr=ah_attr)

    @example("UD QP straight to RTS (QPAttr()) and a post_send")
    def _():
        from xpdk.verbs.qp import QPCap, QPInitAttr, QPAttr, QP
        from xpdk.verbs.addr import GlobalRoute
        from xpdk.verbs.addr import AH, AHAttr
        import xpdk.verbs.device as d
        import xpdk.verbs.enums as e
        from xpdk.verbs.pd import PD
        from xpdk.verbs.cq import CQ
        import xpdk.verbs.wr as pwr
        ctx = d.Context(name=DEV)
        pd = PD(ctx)
        cq = CQ(ctx, 100, None, None, 0)
        cap = QPCap(100, 10, 1, 1, 0)
        qia = QPInitAttr(cap=cap, qp_type=e.IBV_QPT_UD, scq=cq, rcq=cq)
        # A UD QP will be in RTS if a QPAttr object is provided
        udqp = QP(pd, qia, QPAttr())
        assert udqp.qp_state == e.IBV_QPS_RTS
        port_num = 1
        gid_index = GID_INDEX  # pyverbs: 3, "Hard-coded for RoCE v2 interface"
        gid = ctx.query_gid(port_num, gid_index)
        gr = GlobalRoute(dgid=gid, sgid_index=gid_index)
        ah_attr = AHAttr(gr=gr, is_global=1, port_num=port_num)
        ah = AH(pd, ah_attr)
        wr = pwr.SendWR()
        wr.set_wr_ud(ah, 0x1101, 0)  # in real life, use real values
        udqp.post_send(wr)
        n, wcs = cq.poll(1)
        print("# polled {} completion(s){}".format(n, "".join(
            ", status {}".format(w.status) for w in wcs)))
        ctx.close()


def rc_traffic():
    """Two RC QPs on this device connected to each other (pyverbs tests' create_players
    style): SEND/RECV and RDMA WRITE with data checked, in-burst poll, close order."""
    import xpdk.verbs.device as d
    import xpdk.verbs.enums as e
    from xpdk.verbs.pd import PD
    from xpdk.verbs.mr import MR
    from xpdk.verbs.cq import CQ
    from xpdk.verbs.qp import QPCap, QPInitAttr, QPAttr, QP
    from xpdk.verbs.addr import GlobalRoute, AHAttr
    from xpdk.verbs.wr import SGE, SendWR, RecvWR
    import time

    acc = e.IBV_ACCESS_LOCAL_WRITE | e.IBV_ACCESS_REMOTE_WRITE | e.IBV_ACCESS_REMOTE_READ
    ctx = d.Context(name=DEV)
    pd = PD(ctx)
    cq = CQ(ctx, 64)
    qps = [QP(pd, QPInitAttr(qp_type=e.IBV_QPT_RC, scq=cq, rcq=cq, cap=QPCap(16, 16)),
              QPAttr()) for _ in range(2)]
    mrs = [MR(pd, 4096, acc) for _ in range(2)]
    check(all(q.qp_state == e.IBV_QPS_INIT for q in qps),
          "QP(pd, RC init attr, QPAttr()) stops at INIT (needs the remote QP number)")
    gid = ctx.query_gid(1, GID_INDEX)
    for me, peer in ((0, 1), (1, 0)):
        a = QPAttr(dest_qp_num=qps[peer].qp_num, path_mtu=e.IBV_MTU_1024,
                   max_dest_rd_atomic=1, max_rd_atomic=1)
        a.ah_attr = AHAttr(gr=GlobalRoute(dgid=gid, sgid_index=GID_INDEX, hop_limit=64),
                           is_global=1, port_num=1)
        qps[me].to_rtr(a)
        qps[me].to_rts(a)
    check(all(q.qp_state == e.IBV_QPS_RTS for q in qps), "to_rtr/to_rts bring both QPs to RTS")

    def wait(n):
        got, out, t = 0, [], time.time() + 10
        while got < n and time.time() < t:
            k, w = cq.poll(n - got)
            got += k
            out += w
        return out

    mrs[1].write(b"x" * 64, 64)
    qps[1].post_recv(RecvWR(wr_id=7, sg=[SGE(mrs[1].buf, 4096, mrs[1].lkey)]))
    mrs[0].write(b"hello from xpdk.verbs", 21)
    qps[0].post_send(SendWR(wr_id=8, opcode=e.IBV_WR_SEND,
                            sg=[SGE(mrs[0].buf, 21, mrs[0].lkey)]))
    wcs = wait(2)
    recv = [w for w in wcs if w.wr_id == 7]
    check(len(wcs) == 2 and all(w.status == e.IBV_WC_SUCCESS for w in wcs) and recv and
          recv[0].byte_len == 21 and mrs[1].read(21, 0) == b"hello from xpdk.verbs",
          "SEND/RECV between two RC QPs: both complete, the data arrived")
    wr = SendWR(wr_id=9, opcode=e.IBV_WR_RDMA_WRITE, sg=[SGE(mrs[0].buf, 21, mrs[0].lkey)])
    wr.set_wr_rdma(mrs[1].rkey, mrs[1].buf + 100)
    qps[0].post_send(wr)
    wcs = wait(1)
    check(len(wcs) == 1 and wcs[0].status == e.IBV_WC_SUCCESS and
          mrs[1].read(21, 100) == b"hello from xpdk.verbs", "RDMA WRITE: the data landed")
    wr.set_wr_rdma(mrs[1].rkey ^ 0x1000, mrs[1].buf)
    qps[0].post_send(wr)
    wcs = wait(1)
    check(len(wcs) == 1 and wcs[0].status == e.IBV_WC_REM_ACCESS_ERR,
          "RDMA WRITE with a wrong rkey completes with IBV_WC_REM_ACCESS_ERR")
    # closing the context closes everything under it, children first; twice is harmless
    ctx.close()
    ctx.close()
    try:
        qps[0].qp_state
        check(False, "a QP is unusable after its Context closed")
    except Exception as x:
        check(type(x).__name__ == "PyverbsUserError",
              "closing the Context closed its QPs, MRs, CQ and PD first (QP use says closed)")


def errors():
    import xpdk
    import xpdk.verbs.device as d
    from xpdk.verbs.pyverbs_error import PyverbsRDMAError
    try:
        d.Context(name="mlx5_0")
        check(False, "opening a missing device raises")
    except PyverbsRDMAError as x:
        check(x.error_code == errno.ENODEV and isinstance(x, xpdk.Error) and
              "present: rxea rxeb" in str(x),
              "opening a missing device: PyverbsRDMAError, errno ENODEV, names the present ones")
    check(d.get_device_list() == ["rxea", "rxeb"], "get_device_list() lists rxea and rxeb")
    ctx = d.Context(name=DEV)
    try:
        ctx.query_gid(1, 5000)  # past rxe's 1024-entry table
        check(False, "a missing GID raises")
    except PyverbsRDMAError as x:
        check(x.error_code > 0, "query_gid of a missing index raises with an errno ({})".format(
            x.error_code))
    check(ctx.mlx5dv is False, "Context.mlx5dv is False on rxe")
    ctx.close()


def cm(role, args):
    from xpdk.verbs.qp import QPInitAttr, QPCap
    from xpdk.verbs.cmid import CMID, AddrInfo
    import xpdk.verbs.cm_enums as ce
    cap = QPCap(max_recv_wr=1)
    qp_init_attr = QPInitAttr(cap=cap)
    if role == "cm-server":
        addr, port = args
        # Passive side (pyverbs' example)
        sai = AddrInfo(src=addr, src_service=port, port_space=ce.RDMA_PS_TCP,
                       flags=ce.RAI_PASSIVE)
        sid = CMID(creator=sai, qp_init_attr=qp_init_attr)
        sid.listen()  # listen for incoming connection requests
        print("# listening", flush=True)
        new_id = sid.get_request()  # check if there are any connection requests
        mr = new_id.reg_msgs(64)
        new_id.post_recv(mr)
        new_id.accept()  # new_id is connected to remote peer and ready to communicate
        check(True, "CMID passive side: listen, get_request, accept")
        wc = new_id.get_recv_comp()
        check(wc.status == 0 and mr.read(4, 0) == b"ping", "a message arrives over the CMID")
        mr.write(b"pong", 4)
        new_id.post_send(mr, length=4)
        check(new_id.get_send_comp().status == 0, "the reply is sent")
        new_id.close()
        sid.close()
    else:
        src, addr, port = args
        # Active side (pyverbs' example; src is this side's own address here)
        cai = AddrInfo(src=src, dst=addr, dst_service=port, port_space=ce.RDMA_PS_TCP)
        cid = CMID(creator=cai, qp_init_attr=qp_init_attr)
        mr = cid.reg_msgs(64)
        cid.post_recv(mr)
        cid.connect()  # send connection request to passive addr
        check(True, "CMID active side: connect")
        mr.write(b"ping\0", 5)
        cid.post_send(mr, length=5)
        check(cid.get_send_comp().status == 0, "the message is sent")
        wc = cid.get_recv_comp()
        check(wc.status == 0 and mr.read(4, 0) == b"pong", "the reply arrives")
        cid.disconnect()
        cid.close()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("cm-"):
        cm(sys.argv[1], sys.argv[2:])
    else:
        if len(sys.argv) > 1:
            DEV = sys.argv[1]
        examples()
        rc_traffic()
        errors()
    sys.exit(1 if failed else 0)
