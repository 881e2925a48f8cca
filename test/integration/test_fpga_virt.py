# SPDX-License-Identifier: BSD-3-Clause
"""DFL FPGA virtualization against devsim's dfl-fpga (afu=he-lb), with the real tools: the
refusals (NumVFs above TotalVFs, VFs without a released port, assign while VFs are enabled,
VFs disabled under a VF's client), and the life cycle: release -> sriov 1 -> the VF's socket
appears -> the driver opens the VF and HE-LB moves checked data there -> the PF reads all ones
from the AFU -> sriov 0 refused while the VF is in use -> sriov 0 -> assign -> HE-LB runs on
the PF again."""
import json
import os
import stat
import subprocess
import time

import pytest

from conftest import BUILD, run
from devsim import Devsim

FPGA = os.path.join(BUILD, "app/xpdk-fpga/xpdk-fpga")
BENCH = os.path.join(BUILD, "app/xpdk-bench/xpdk-bench")
IO = os.path.join(BUILD, "app/xpdk-io/xpdk-io")
HE_LB = "56e203e9-864f-49a7-b94b-12284c31e02b"
AFU_GUID_L_PF = "0x80008"  # the AFU's GUID_L in the PF's BAR 0
AFU_GUID_L_VF = "0x40008"  # ... and in the VF's (the port's DFL starts at 0)


@pytest.fixture
def devsim(tmp_path):
    d = Devsim(tmp_path, "--model", "dfl-fpga", "--model-args", "afu=he-lb")
    yield d
    d.stop()


def fpga(dev, *args):
    return run([FPGA, "-d", "vfio-user:" + dev, *args])


def bench_lpbk(dev, seconds="0.2"):
    """HE-LB loopback through the driver's DMA engine; xpdk-bench checks the copied data."""
    return [BENCH, "-l", "0", "--", "dma", "-d", "vfio-user:" + dev, "--engine", "he-lb",
            "--mode", "lpbk", "--sizes", "64K", "--time", seconds, "--no-skeleton", "--json"]


def peek(dev, off):
    r = run([IO, "-d", "vfio-user:" + dev, "peek", off])
    assert r.returncode == 0, r.stderr
    return int(r.stdout.strip(), 16)


def test_devsim_names_the_vf_socket(devsim):
    vf = devsim.sock("dfl-fpga0-vf0")
    assert "virtual function dfl-fpga0-vf0 on " + vf in devsim.output()
    assert not os.path.exists(vf)  # served only while VF Enable is set


def test_vf_socket_gets_the_pf_socket_access(tmp_path):
    d = Devsim(tmp_path, "--model", "dfl-fpga", "--socket-mode", "0660", "--socket-group",
               str(os.getgid()))
    try:
        pf, vf = d.sock("dfl-fpga0"), d.sock("dfl-fpga0-vf0")
        assert fpga(pf, "port", "release", "0").returncode == 0
        assert fpga(pf, "sriov", "1").returncode == 0
        st = os.lstat(vf)
        assert stat.S_IMODE(st.st_mode) == 0o660 and st.st_gid == os.getgid()
    finally:
        d.stop()
    assert not os.path.exists(vf)  # removed with the device


def test_vf_device_id_follows_the_pf_id(tmp_path):
    d = Devsim(tmp_path, "--model", "dfl-fpga", "--pci-id", "8086:0b2b")  # a PAC D5005
    try:
        pf, vf = d.sock("dfl-fpga0"), d.sock("dfl-fpga0-vf0")
        assert json.loads(fpga(pf, "--json", "sriov").stdout)["vf_device_id"] == "0x0b2c"
        assert fpga(pf, "port", "release", "0").returncode == 0
        assert fpga(pf, "sriov", "1").returncode == 0
        port = json.loads(fpga(vf, "--json", "port").stdout)[0]
        assert port["device_id"] == "0x0B2C"
    finally:
        d.stop()


def test_vsec_layout_skips_the_released_port_list(tmp_path):
    # the VSEC lists the port's DFL too; once released, the PF must not walk it (all ones)
    d = Devsim(tmp_path, "--model", "dfl-fpga", "--model-args", "dfl=vsec")
    try:
        pf, vf = d.sock("dfl-fpga0"), d.sock("dfl-fpga0-vf0")
        assert fpga(pf, "port", "release", "0").returncode == 0
        r = fpga(pf, "--json", "info")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["dfl_found_by"] == "PCIe VSEC 0x43"
        assert fpga(pf, "sriov", "1").returncode == 0
        assert json.loads(fpga(vf, "--json", "port").stdout)[0]["released"] == "no"
        assert fpga(pf, "sriov", "0").returncode == 0
        assert fpga(pf, "port", "assign", "0").returncode == 0
        assert fpga(pf, "--json", "port").returncode == 0
    finally:
        d.stop()


def test_refusals(devsim):
    pf = devsim.sock("dfl-fpga0")
    doc = json.loads(fpga(pf, "--json", "sriov").stdout)
    assert doc == {"total_vfs": 1, "num_vfs": 0, "released_ports": 0,
                   "vf_device_id": "0x0b31", "vfs": []}
    r = fpga(pf, "sriov", "2")
    assert r.returncode == 1 and "2 VFs asked, TotalVFs is 1" in r.stderr
    r = fpga(pf, "sriov", "1")
    assert r.returncode == 1 and "0 released, 1 VFs asked" in r.stderr
    r = fpga(pf, "port", "assign", "0")
    assert r.returncode == 1 and "not released" in r.stderr
    assert fpga(pf, "port", "release", "7").returncode == 2
    assert fpga(pf, "sriov", "many").returncode == 2
    assert not os.path.exists(devsim.sock("dfl-fpga0-vf0"))


def test_release_vf_and_assign_life_cycle(devsim):
    pf, vf = devsim.sock("dfl-fpga0"), devsim.sock("dfl-fpga0-vf0")

    r = fpga(pf, "--json", "port", "release", "0")
    assert r.returncode == 0 and json.loads(r.stdout) == {"port": 0, "released": True}, r.stderr
    assert json.loads(fpga(pf, "--json", "port").stdout)[0]["released"] == "yes (to a VF)"
    assert peek(pf, AFU_GUID_L_PF) == 0xffffffffffffffff  # released: the PF reaches nothing

    r = fpga(pf, "--json", "sriov", "1")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["num_vfs"] == 1 and doc["vfs"] == ["vfio-user:" + vf]
    assert os.path.exists(vf)
    r = fpga(pf, "port", "assign", "0")
    assert r.returncode == 1 and "sriov 0" in r.stderr

    # the VF: its own IDs, the port and HE-LB; the exerciser moves checked data
    port = json.loads(fpga(vf, "--json", "port").stdout)[0]
    assert port["device_id"] == "0x0B31" and port["accelerator_guid"] == HE_LB
    assert peek(vf, AFU_GUID_L_VF) == 0xb94b12284c31e02b
    r = run(bench_lpbk(vf), timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert peek(pf, AFU_GUID_L_PF) == 0xffffffffffffffff

    # a VF in use is not disabled under its client, and keeps working
    connected = "[dfl-fpga0-vf0] info: client connected"
    before = devsim.output().count(connected)
    user = subprocess.Popen(bench_lpbk(vf, "5"), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    try:
        deadline = time.time() + 30
        while devsim.output().count(connected) == before:
            assert time.time() < deadline and user.poll() is None, devsim.output()
            time.sleep(0.05)
        r = fpga(pf, "sriov", "0")
        assert r.returncode == 1 and "a VF is in use" in r.stderr, r.stderr
        assert os.path.exists(vf)
        out, _ = user.communicate(timeout=120)
        assert user.returncode == 0, out
    finally:
        if user.poll() is None:
            user.kill()
            user.wait()

    r = fpga(pf, "sriov", "0")
    assert r.returncode == 0 and "0 of 1 VFs enabled" in r.stdout, r.stderr
    assert not os.path.exists(vf)
    r = fpga(pf, "port", "assign", "0")
    assert r.returncode == 0 and "assigned to the PF" in r.stdout, r.stderr
    assert fpga(pf, "--json", "port").stdout.count(HE_LB) == 1
    r = run(bench_lpbk(pf), timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
