# SPDX-License-Identifier: BSD-3-Clause
"""xpdk.devsim: models listed, devices started and stopped from Python, errors."""
import os

import pytest

import xpdk
import xpdk.dev
import xpdk.devsim


def test_models():
    names = [m for m, _ in xpdk.devsim.models()]
    assert "edu" in names and "dfl-fpga" in names


def test_start_stop_removes_the_socket(tmp_path):
    sock = str(tmp_path / "mine.sock")
    sim = xpdk.devsim.start("edu", name="mine", socket=sock)
    assert sim.running and os.path.exists(sock) and sim.address == "vfio-user:" + sock
    with xpdk.dev.Device(sim.address) as d:
        assert d.region(0).read32(0) == 0x010000ed
    sim.stop()
    sim.stop()
    assert not sim.running and not os.path.exists(sock)
    with pytest.raises(xpdk.Error):
        xpdk.dev.Device(sim.address)


def test_private_directory_and_pci_id():
    with xpdk.devsim.start("dfl-fpga", pci_id="8086:0b2b") as sim:
        d = os.path.dirname(sim.socket)
        with xpdk.dev.Device(sim.address) as dev:
            assert (dev.info.vendor, dev.info.device) == (0x8086, 0x0b2b)
    assert not os.path.exists(d)


def test_errors_name_the_problem():
    with pytest.raises(xpdk.Error) as e:
        xpdk.devsim.start("no-such-model")
    assert "edu" in e.value.strerror  # the sentence lists the known models
    with pytest.raises(xpdk.Error):
        xpdk.devsim.start("edu", "bogus=1")
    with pytest.raises(xpdk.Error):
        xpdk.devsim.start("edu", pci_id="zz")
