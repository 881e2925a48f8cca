# SPDX-License-Identifier: BSD-3-Clause
"""Fault injection for every devsim model (`faults=` in the model arguments, doc/devsim.md) and
the client contract under each fault (doc/reliability.md): xpdk-io, the examples, xpdk-bench
and the Python package never die of a signal, never wait longer than the documented timeout (plus a margin for a
loaded machine), and fail with a message that names the device and what happened to it."""
import os
import select
import signal
import socket
import struct
import time

import pytest

from conftest import BUILD, run
from devsim import DEVSIM, Devsim
from vfu_peer import CONFIG_REGION, DMA_MAP, HDR, REGION_READ, Client, VfuError, recv_msg, send_msg

XPDK_IO = os.path.join(BUILD, "app/xpdk-io/xpdk-io")
BENCH = os.path.join(BUILD, "app/xpdk-bench/xpdk-bench")
EDU_HELLO = os.path.join(BUILD, "examples/edu_hello/edu_hello")
FPGA_HELLO = os.path.join(BUILD, "examples/fpga_hello/fpga_hello")
PY_DIR = os.path.join(BUILD, "python")  # the package as built (xpdk._xpdk), when it is
PY_CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fault_client.py")
WIDE = "0xffffffffffff"
TIMEOUT_S = 5   # the client's documented reply timeout
MARGIN_S = 20   # a loaded 2-core machine, EAL start-up, several devices' worth of waits


def run_client(argv, env, timeout):
    """Run a client; retry while hugepages are short (the machine's pool is shared with other
    test runs, and EAL refuses to start without free ones)."""
    deadline = time.monotonic() + 180
    while True:
        t = time.monotonic()
        r = run(argv, timeout=timeout, env=env)
        r.took = time.monotonic() - t
        if r.returncode != 1 or "no free hugepages" not in r.stderr:
            return r
        if time.monotonic() > deadline:
            pytest.skip("other programs held every hugepage for 3 minutes")
        time.sleep(2)


def devsim(tmp_path, model, args):
    d = tmp_path / "devsim"
    d.mkdir(exist_ok=True)
    return Devsim(d, "--model", model, "--model-args", args)


def started(tmp_path, model, args):
    """xpdk-devsim's exit status and output when it refuses @args."""
    env = dict(os.environ, XPDK_DEVSIM_DIR=str(tmp_path))
    return run([DEVSIM, "--model", model, "--model-args", args], timeout=30, env=env)


# ---- the grammar --------------------------------------------------------------------------

@pytest.mark.parametrize("spec, says", [
    ("faults=nope", "fault 'nope' is unknown (hang, slow"),
    ("faults=slow=abc", "argument 'abc' is not a number"),
    ("faults=slow=0", "argument out of range"),
    ("faults=hang=3", "fault 'hang=3' takes no argument"),
    ("faults=corrupt=everything", "corrupt what? (id, cmd, size, data)"),
    ("faults=close~2", "probability '2' is not in (0, 1]"),
    ("faults=close@soon", "trigger 'soon' is not a number"),
    ("faults=hang,fault_seed=x", "seed 'x' is not a number"),
])
def test_bad_fault_specs_are_refused_with_the_reason(tmp_path, spec, says):
    r = started(tmp_path, "edu", spec)
    assert r.returncode != 0 and r.returncode > 0
    assert says in r.stderr, r.stderr


def test_models_keep_their_own_faults_beside_the_frameworks(tmp_path):
    d = devsim(tmp_path, "dfl-fpga", "seed=3,faults=pr-complete+hang@1000+port-reset-ack")
    try:
        c = Client(d.sock("dfl-fpga0"))
        assert c.read(0, 0, 8)  # served: hang is far away
        c.close()
    finally:
        assert d.stop() == 0
    r = started(tmp_path, "dfl-fpga", "faults=pr-complete+nope")
    assert r.returncode != 0 and "fault 'nope' is unknown" in r.stderr, r.stderr


# ---- what each fault does on the wire -----------------------------------------------------

def test_hang_stops_answering_after_n_requests_and_serves_the_next_client(tmp_path):
    d = devsim(tmp_path, "edu", "faults=hang@3")
    try:
        for _ in range(2):
            c = Client(d.sock("edu0"), timeout=1)  # request 1
            c.read(CONFIG_REGION, 0, 4)            # request 2
            c.read(CONFIG_REGION, 0, 4)            # request 3
            with pytest.raises(socket.timeout):
                c.read(CONFIG_REGION, 0, 4)        # 4: nothing comes back
            c.close()
        assert "fault injection: stops answering (hang, request 4" in d.output()
    finally:
        assert d.stop() == 0


def test_slow_delays_every_reply(tmp_path):
    d = devsim(tmp_path, "edu", "faults=slow=300@1")
    try:
        c = Client(d.sock("edu0"))
        t = time.monotonic()
        c.read(CONFIG_REGION, 0, 4)
        c.read(CONFIG_REGION, 0, 4)
        assert time.monotonic() - t >= 0.6
        c.close()
    finally:
        d.stop()


def test_close_after_n_requests_and_at_a_time(tmp_path):
    d = devsim(tmp_path, "edu", "faults=close@1")  # VERSION is served, then closed
    try:
        c = Client(d.sock("edu0"))
        with pytest.raises(ConnectionError):
            c.read(CONFIG_REGION, 0, 4)
        c.close()
    finally:
        d.stop()
    d = devsim(tmp_path, "edu", "faults=close@400ms")
    try:
        c = Client(d.sock("edu0"))
        t = time.monotonic()
        # no request: the connection is closed at its time anyway
        assert select.select([c.sock], [], [], 10)[0]
        assert c.sock.recv(1) == b""
        assert 0.3 <= time.monotonic() - t < 5
        c.close()
    finally:
        d.stop()


def test_dma_map_error_refuses_dma_map_only(tmp_path):
    d = devsim(tmp_path, "edu", "faults=dma-map-error")
    try:
        c = Client(d.sock("edu0"))
        fd = os.memfd_create("dma")
        os.ftruncate(fd, 4096)
        with pytest.raises(VfuError) as e:
            c.dma_map(0x10000, 4096, fd)
        assert e.value.err == 1  # EPERM
        os.close(fd)
        assert c.read32(0, 0) == 0x010000ed
        c.close()
    finally:
        d.stop()


def raw_reply(c, cmd, payload):
    send_msg(c.sock, 77, cmd, payload)
    return recv_msg(c.sock)


@pytest.mark.parametrize("field", ["id", "cmd", "size", "data"])
def test_corrupt_changes_the_field_asked(tmp_path, field):
    d = devsim(tmp_path, "edu", "faults=corrupt=%s@1" % field)
    try:
        c = Client.__new__(Client)
        c.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.sock.settimeout(10)
        c.sock.connect(d.sock("edu0"))
        c.next_id = 1
        c.call(1, struct.pack("<HH", 0, 2) + b"{}\0")  # VERSION, request 1: untouched
        (mid, cmd, size, flags, _), payload, _ = raw_reply(
            c, REGION_READ, struct.pack("<QII", 0, 0, 4))
        good = (77, REGION_READ, HDR.size + 20)
        assert {"id": mid != 77, "cmd": cmd != REGION_READ, "size": size != good[2],
                "data": payload[16:] == struct.pack("<I", 0x010000ed ^ 0xffffffff)}[field]
        c.close()
    finally:
        d.stop()


def test_irq_storm_signals_the_clients_interrupts(tmp_path):
    d = devsim(tmp_path, "edu", "faults=irq-storm=200@1")
    try:
        c = Client(d.sock("edu0"))
        efd = os.eventfd(0, os.EFD_NONBLOCK)
        c.set_irq(0, efd)  # INTx, request 2: the storm starts
        time.sleep(1)
        n = os.eventfd_read(efd)  # the count since SET_IRQS
        assert 20 <= n <= 1000, n
        c.close()
        os.close(efd)
    finally:
        d.stop()


def corrupted_reads(tmp_path, seed):
    d = devsim(tmp_path, "edu", "faults=corrupt=data~0.5,fault_seed=%d" % seed)
    try:
        c = Client(d.sock("edu0"))
        pattern = [c.read32(0, 0) != 0x010000ed for _ in range(40)]
        c.close()
        return pattern
    finally:
        d.stop()


def test_probability_is_reproducible_from_the_seed(tmp_path):
    a, b, other = (corrupted_reads(tmp_path, s) for s in (7, 7, 8))
    assert a == b and 5 < sum(a) < 35
    assert a != other


def test_dma_fault_fails_the_devices_dma(tmp_path):
    d = devsim(tmp_path, "edu", "faults=dma-fault@4,dma_mask=" + WIDE)
    try:
        r = run_client([EDU_HELLO, "-l", "0", "--", "vfio-user:" + d.sock("edu0"),
                        "--dma-mask", WIDE], None, 60)
        assert r.returncode == 1
        assert "DMA failed (fault injection: dma-fault)" in d.output()
    finally:
        d.stop()


# ---- the client contract ------------------------------------------------------------------

def clients(model, dev, sockdir):
    """Every client of @model's device @dev: (name, argv, environment)."""
    env = dict(os.environ, XPDK_DEVSIM_DIR=sockdir)
    eal = ["-l", "0", "--"]
    python = []
    if os.path.isdir(os.path.join(PY_DIR, "xpdk")):
        python = [("python", ["python3", PY_CLIENT, dev, model], dict(env, PYTHONPATH=PY_DIR))]
    if model == "edu":
        return [
            ("peek", [XPDK_IO, "-d", dev, "peek", "0", "-w", "32"], env),
            ("poke", [XPDK_IO, "-d", dev, "poke", "4", "5", "-w", "32"], env),
            ("edu_hello", [EDU_HELLO, *eal, dev, "--dma-mask", WIDE], env),
            ("bench-mmio", [BENCH, *eal, "mmio", "-d", dev, "--trapped", "--count", "50"], env),
            ("bench-dma", [BENCH, *eal, "dma", "-d", dev, "--sizes", "64", "--time", "0.02",
                           "--dma-mask", WIDE], env),
        ] + python
    return [
        ("walk", [XPDK_IO, "-d", dev, "walk"], env),
        ("fpga_hello", [FPGA_HELLO, *eal, dev, "--size", "64K"], env),
        ("bench-mmio", [BENCH, *eal, "mmio", "-d", dev, "--count", "10000"], env),
        ("bench-dma", [BENCH, *eal, "dma", "-d", dev, "--sizes", "4K", "--time", "0.02"], env),
    ] + python


# fault -> (words, any of which the message must hold, or None: the clients must succeed)
CONTRACT = {
    "hang@4": ("no reply",),
    "slow=6000@4": ("no reply",),
    "close@4": ("went away",),
    "corrupt=id@4": ("does not answer",),
    "corrupt=size@4": ("malformed", "size"),
    "dma-map-error": ("DMA_MAP",),
    "dma-fault": ("DMA", "fault", "went away"),
    "slow=20@4": None,
    "irq-storm=2000": None,
}


@pytest.mark.parametrize("model", ["edu", "dfl-fpga"])
@pytest.mark.parametrize("fault", list(CONTRACT))
def test_client_contract_under_fault(tmp_path, model, fault):
    args = "faults=" + fault + (",dma_mask=" + WIDE if model == "edu" else "")
    d = devsim(tmp_path, model, args)
    sock = d.sock(model + "0")
    failures = []
    try:
        for name, argv, env in clients(model, "vfio-user:" + sock, d.sockdir):
            r = run_client(argv, env, TIMEOUT_S + MARGIN_S + 30)
            took = r.took
            err = r.stderr + r.stdout
            what = "%s under %s: rc %d in %.1f s: %s" % (name, fault, r.returncode, took, err)
            if r.returncode < 0:
                failures.append("killed by %s: %s" % (signal.Signals(-r.returncode).name, what))
            elif took > TIMEOUT_S + MARGIN_S:
                failures.append("took too long: " + what)
            elif CONTRACT[fault] is None and r.returncode != 0:
                failures.append("failed under a harmless fault: " + what)
            elif r.returncode != 0 and (sock not in r.stderr or
                                        not any(w in r.stderr for w in CONTRACT[fault])):
                failures.append("the message does not name the device and what happened: "
                                + what)
        assert d.proc.poll() is None, d.output()
    finally:
        d.stop()
    assert not failures, "\n".join(failures)
