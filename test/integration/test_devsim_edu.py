# SPDX-License-Identifier: BSD-3-Clause
"""devsim's edu model through the whole stack: lib/dev's vfio-user transport, the edu driver and
its conformance set (the same program the vm tier runs against QEMU's edu)."""
import os

import pytest

from conftest import BUILD, run
from devsim import Devsim

CONFORMANCE = os.path.join(BUILD, "test/edu/edu_conformance")
WIDE = "0xffffffffffff"


@pytest.fixture
def edu(tmp_path):
    d = Devsim(tmp_path, "--model", "edu", "--model-args", "dma_mask=" + WIDE)
    yield d
    d.stop()


def test_edu_conformance_over_vfio_user(edu):
    r = run([CONFORMANCE, "-l", "0", "--", "vfio-user:" + edu.sock("edu0"), "--dma-mask", WIDE],
            timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr + edu.output()
    assert "not ok" not in r.stdout
    assert r.stdout.count("\nok ") >= 30


def test_a_second_client_finds_the_device_state(edu):
    """A client leaving keeps the device state; the next one attaches and works."""
    for _ in range(2):
        r = run([CONFORMANCE, "-l", "0", "--", "vfio-user:" + edu.sock("edu0"), "--dma-mask",
                 WIDE], timeout=120)
        assert r.returncode == 0, r.stdout + edu.output()
    assert edu.output().count("client connected") == 2


def test_sigterm_removes_the_socket(tmp_path):
    d = Devsim(tmp_path, "--model", "edu", "--name", "e")
    assert os.path.exists(d.sock("e"))
    assert d.stop() == 0
    assert not os.path.exists(d.sock("e"))


def test_edu_hello_example(edu):
    """The demo's example: factorial by interrupt and a DMA round trip, and a clear error when
    the device's DMA mask does not cover the buffers."""
    hello = os.path.join(BUILD, "examples/edu_hello/edu_hello")
    r = run([hello, "-l", "0", "--", "vfio-user:" + edu.sock("edu0"), "--dma-mask", WIDE])
    assert r.returncode == 0, r.stderr
    assert "id 0x010000ed, 10! = 3628800" in r.stdout
    assert "4096 bytes identical" in r.stdout
    r = run([hello, "-l", "0", "--", "vfio-user:" + edu.sock("edu0")])
    assert r.returncode == 1
    assert "beyond the DMA mask 0xfffffff" in r.stderr


def test_open_errors_name_the_problem(tmp_path):
    hello = os.path.join(BUILD, "examples/edu_hello/edu_hello")
    r = run([hello, "-l", "0", "--no-huge", "--", "vfio-user:" + str(tmp_path / "none.sock")])
    assert r.returncode == 1
    assert "no vfio-user socket at" in r.stderr
    stale = tmp_path / "stale.sock"
    import socket
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(stale))
    s.close()  # the file stays, nobody listens
    r = run([hello, "-l", "0", "--no-huge", "--", "vfio-user:" + str(stale)])
    assert r.returncode == 1
    assert "the socket is stale" in r.stderr
    r = run([hello, "-l", "0", "--no-huge", "--", "nonsense"])
    assert "is not a device name" in r.stderr
