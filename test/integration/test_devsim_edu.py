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
