# SPDX-License-Identifier: BSD-3-Clause
"""The DPA examples against xpdk-devsim's dpa model over vfio-user."""
import os

import pytest

from conftest import BUILD, run
from devsim import Devsim

HELLO = os.path.join(BUILD, "examples/dpa_hello/dpa_hello")
EVENT = os.path.join(BUILD, "examples/dpa_event/dpa_event")


@pytest.fixture
def dpa(tmp_path):
    d = Devsim(tmp_path, "--model", "dpa", "--model-args", "eus=2")
    yield d
    d.stop()


def test_dpa_hello_prints_and_returns(dpa):
    r = run([HELLO, "vfio-user:" + dpa.sock("dpa0")])
    assert r.returncode == 0, r.stdout + r.stderr + dpa.output()
    assert "Hello from the DPA (EU " in r.stdout
    assert "the host sent 20" in r.stdout
    assert "dpa_hello returned 41" in r.stdout
    assert "DPA process 0 (dpa_hello_app) destroyed" in dpa.output()


def test_dpa_event_processes_cqes_through_a_window(dpa):
    r = run([EVENT, "vfio-user:" + dpa.sock("dpa0"), "500"], timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr + dpa.output()
    assert "500 CQEs processed by the DPA handler through a window" in r.stdout
    assert "all results correct" in r.stdout


def test_both_examples_run_again_on_the_same_device(dpa):
    """A client leaving takes its DPA processes with it; the next one starts clean."""
    for exe in (HELLO, EVENT, HELLO):
        r = run([exe, "vfio-user:" + dpa.sock("dpa0")], timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr + dpa.output()


def test_wrong_device_is_named(tmp_path):
    d = Devsim(tmp_path, "--model", "edu")
    try:
        r = run([HELLO, "vfio-user:" + d.sock("edu0")])
        assert r.returncode == 1
        assert "1234:11e8" in r.stderr  # what is there instead of a DPA
    finally:
        d.stop()


def test_dpa_event_names_a_verbs_device_that_is_not_there(dpa):
    """A device argument that is not vfio-user:PATH is a verbs device, opened as on the card;
    one libibverbs does not list is named (the vm tier runs it on Soft-RoCE)."""
    env = dict(os.environ, XPDK_DPA_DEVICE="vfio-user:" + dpa.sock("dpa0"))
    r = run([EVENT, "xpdk-no-such-rdma-dev", "10"], env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "no verbs device xpdk-no-such-rdma-dev" in r.stderr
