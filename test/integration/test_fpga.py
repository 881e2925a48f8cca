# SPDX-License-Identifier: BSD-3-Clause
"""The DFL FPGA driver's worked example (examples/fpga_hello) against devsim's dfl-fpga model,
with green bitstreams made by devtools/make-devsim-gbs.py: FME and port read-out, a host
exerciser copy with data checked, partial reconfiguration to another AFU and back, and the
bitstreams that must be refused."""
import os

import pytest

from conftest import BUILD, SOURCE, run
from devsim import Devsim

HELLO = os.path.join(BUILD, "examples/fpga_hello/fpga_hello")
MAKE_GBS = os.path.join(SOURCE, "devtools/make-devsim-gbs.py")
HE = "b363c479-2944-4c1b-b9c3-9b70334d98ce"
COUNTER = "8d69d22e-fe65-447f-9c1b-781c75c4f74b"


@pytest.fixture
def fpga(tmp_path):
    d = Devsim(tmp_path, "--model", "dfl-fpga", "--model-args", "seed=5")
    d.name = "vfio-user:" + d.sock("dfl-fpga0")
    yield d
    d.stop()


def gbs(tmp_path, *args):
    out = str(tmp_path / ("%d.gbs" % len(os.listdir(tmp_path))))
    r = run([MAKE_GBS, *args, "-o", out])
    assert r.returncode == 0, r.stderr
    return out


def hello(fpga, *args):
    return run([HELLO, "-l", "0", "--", fpga.name, *args], timeout=60)


def test_read_out_and_exerciser_copy(fpga):
    r = hello(fpga, "--size", "2M")
    assert r.returncode == 0, r.stderr + fpga.output()
    assert "FME: fabric version 1, 1 port, 48-bit addresses; bitstream 1.2.0" in r.stdout
    assert "PR interface 9af6db1c-2ad1-412a-a366-0d7701e0fc39" in r.stdout
    assert "port 0 at 0x40000: 256 KiB of AFU MMIO, 1 interrupt; AFU " + HE in r.stdout
    assert "host exerciser: copied 2097152 bytes" in r.stdout
    assert "data identical" in r.stdout


def test_partial_reconfiguration_there_and_back(fpga, tmp_path):
    r = hello(fpga, "--gbs", gbs(tmp_path, "--afu", "counter"))
    assert r.returncode == 0, r.stderr
    assert "PR: done, port 0 runs AFU " + COUNTER in r.stdout
    assert "not XPDK's test exerciser" in r.stdout
    r = hello(fpga)
    assert "AFU " + COUNTER in r.stdout  # it stays loaded for the next program
    r = hello(fpga, "--gbs", gbs(tmp_path, "--afu", "he"), "--size", "64K")
    assert r.returncode == 0, r.stderr
    assert "data identical" in r.stdout


def test_bitstreams_that_are_refused(fpga, tmp_path):
    other = gbs(tmp_path, "--afu", "counter", "--interface", "00000000-1111-2222-3333-444444444444")
    r = hello(fpga, "--gbs", other)
    assert r.returncode == 1
    assert ("built for interface 00000000-1111-2222-3333-444444444444 but the FPGA's PR "
            "interface is 9af6db1c-2ad1-412a-a366-0d7701e0fc39; nothing was loaded") in r.stderr
    # an AFU the FPGA does not know: the device's PR error, decoded; the AFU stays
    r = hello(fpga, "--gbs", gbs(tmp_path, "--afu", "12345678-1234-1234-1234-123456789abc"))
    assert r.returncode == 1
    assert "partial reconfiguration failed: operation error" in r.stderr
    # truncated file
    good = gbs(tmp_path, "--afu", "counter")
    with open(good, "rb") as f:
        data = f.read()
    cut = str(tmp_path / "cut.gbs")
    with open(cut, "wb") as f:
        f.write(data[:100])
    r = hello(fpga, "--gbs", cut)
    assert r.returncode == 1
    assert "truncated" in r.stderr
    r = hello(fpga)
    assert "AFU " + HE in r.stdout and "data identical" in r.stdout


def test_make_devsim_gbs_usage(tmp_path):
    r = run([MAKE_GBS, "--help"])
    assert r.returncode == 0 and "--interface" in r.stdout
    r = run([MAKE_GBS, "--afu", "not-a-guid", "-o", str(tmp_path / "x.gbs")])
    assert r.returncode == 2 and "not a GUID" in r.stderr
    r = run([MAKE_GBS, "--afu", "he", "--payload", "1023", "-o", str(tmp_path / "x.gbs")])
    assert r.returncode == 2 and "multiple of 4" in r.stderr


def test_usage_and_device_errors(tmp_path):
    r = run([HELLO, "-l", "0", "--no-huge", "--", "--help"])
    assert r.returncode == 0 and "Usage: fpga_hello" in r.stdout
    r = run([HELLO, "-l", "0", "--no-huge", "--"])
    assert r.returncode == 2 and "which device?" in r.stderr
    edu = Devsim(tmp_path, "--model", "edu")
    try:
        r = run([HELLO, "-l", "0", "--", "vfio-user:" + edu.sock("edu0")])
        assert r.returncode == 1
        assert "is not a DFL FPGA" in r.stderr or "not bound to the dfl-fpga driver" in r.stderr
    finally:
        edu.stop()
