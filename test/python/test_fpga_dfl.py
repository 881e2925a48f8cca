# SPDX-License-Identifier: BSD-3-Clause
"""xpdk.fpga and xpdk.dfl against devsim's dfl-fpga: FME, sensors, errors, ports, port reset,
the DFL walk, partial reconfiguration from GBS files, and the host exerciser writing buffers
seen through views taken before the run."""
import errno
import os

import numpy
import pytest

import xpdk
import xpdk.dev
import xpdk.dfl
import xpdk.fpga
from conftest import SOURCE, run

MAKE_GBS = os.path.join(SOURCE, "devtools/make-devsim-gbs.py")
HE_GUID = "b363c479-2944-4c1b-b9c3-9b70334d98ce"
PR_ID = "9af6db1c-2ad1-412a-a366-0d7701e0fc39"


def gbs(tmp_path, name, *args):
    out = str(tmp_path / name)
    r = run([MAKE_GBS, *args, "-o", out])
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture
def fpga(fpga_sim):
    with xpdk.fpga.open(fpga_sim.address) as f:
        yield f


def test_fme_sensors_errors(fpga):
    i = fpga.fme_info()
    assert i.present and i.num_ports == 1 and i.addr_width == 48
    assert i.bs_version == "1.2.0" and i.pr_interface_id == PR_ID and i.has_pr
    assert 0 < fpga.temperature() < 125
    assert fpga.power() >= 0
    e = fpga.errors()
    assert e.text == "none" and e.fme == 0
    fpga.errors_clear()
    assert fpga.device.driver == "dfl-fpga"


def test_ports_and_reset(fpga):
    assert fpga.num_ports == 1
    (p,) = fpga.ports()
    assert p.offset == 0x40000 and p.afu_id == HE_GUID and not p.in_reset
    fpga.port_reset(0)
    assert not fpga.port_info(0).in_reset
    assert fpga.port_errors(0) == 0
    fpga.port_errors_clear(0)
    with pytest.raises(xpdk.Error) as e:
        fpga.port_info(3)
    assert e.value.errno in (errno.EINVAL, errno.ENODEV, errno.ERANGE)
    afu = fpga.afu(0)
    assert afu.base == 0x80000 and afu.size > 0
    assert afu.region.read64(afu.base + 8) != 0  # the AFU's GUID_L


def test_walk_as_features(fpga):
    feats = xpdk.dfl.walk(fpga.device)
    names = [f.name for f in feats]
    assert names[0] == "FME" and "port" in names and "AFU" in names
    assert "thermal management" in names
    fme, port = feats[0], next(f for f in feats if f.name == "port")
    assert fme.type == xpdk.dfl.TYPE_FIU and fme.guid and fme.parent is None
    assert port.depth == 1 and port.parent == 0
    afu = next(f for f in feats if f.name == "AFU")
    assert afu.guid == HE_GUID and afu.depth == 2
    chain = xpdk.dfl.walk(fpga.device.region(0), start=0)
    assert [f.offset for f in chain] == [f.offset for f in feats if f.depth == 0]
    with pytest.raises(xpdk.Error) as e:
        xpdk.dfl.walk(fpga.device.region(0), start=4)
    assert e.value.errno == errno.EINVAL and e.value.features == []


def test_pr_from_gbs(fpga, tmp_path):
    r = fpga.pr(gbs(tmp_path, "counter.gbs", "--afu", "counter"), 0)
    assert r.interface_id == PR_ID and r.afu_names == ["xpdk_counter"]
    assert fpga.port_info(0).afu_id == r.afu_ids[0]
    other = gbs(tmp_path, "other.gbs", "--afu", "counter", "--interface",
                "00000000-1111-2222-3333-444444444444")
    with pytest.raises(xpdk.Error) as e:
        fpga.pr(other, 0)
    assert e.value.errno == errno.EINVAL and PR_ID in e.value.strerror
    with pytest.raises(xpdk.Error) as e:
        fpga.he_attach(0)  # the counter AFU is not the exerciser
    assert e.value.errno == errno.ENODEV
    fpga.pr(gbs(tmp_path, "he.gbs", "--afu", "he"), 0)
    fpga.he_attach(0)
    with pytest.raises(xpdk.Error):
        fpga.pr(str(tmp_path / "missing.gbs"), 0)


def test_exerciser_writes_into_views_taken_before(fpga, env):
    src, dst = env.allocate(1 << 16), env.allocate(1 << 16)
    arr = numpy.frombuffer(dst, dtype="<u8")
    view = memoryview(dst)
    fpga.he_attach(0)
    r = fpga.he_run("write", dst=dst, pattern=0xa5a5a5a5deadbeef)
    assert r.lines_written == 1024 and r.bytes == 1 << 16
    assert (arr == 0xa5a5a5a5deadbeef).all()
    assert view[8:16] == (0xa5a5a5a5deadbeef).to_bytes(8, "little")
    src.fill64(0x0123456789abcdef)
    r = fpga.he_run("copy", src=src, dst=dst, lines=16)
    assert r.lines_read == 16
    assert view[:1024] == memoryview(src)[:1024]
    assert dst.read64(1024) == 0xa5a5a5a5deadbeef  # past the 16 lines: untouched
    with pytest.raises(xpdk.Error) as e:
        fpga.he_run("copy", src=src, dst=dst, lines=4096)  # beyond the 64 KiB buffers
    assert e.value.errno == errno.EINVAL
    with pytest.raises(xpdk.Error):
        fpga.he_run("scramble", src=src)


def test_fpga_on_an_open_device_and_after_close(fpga_sim):
    d = xpdk.dev.Device(fpga_sim.address)
    f = xpdk.fpga.Fpga(d)
    assert f.device is d and f.fme_info().present
    f.close()  # does not own the device
    assert not d.closed
    d.close()
    with pytest.raises(xpdk.Error) as e:
        f.temperature()
    assert e.value.errno == errno.ENODEV


def test_fpga_on_a_device_that_is_not_one(edu_sim):
    with pytest.raises(xpdk.Error):
        xpdk.fpga.open(edu_sim.address)
    with xpdk.dev.Device(edu_sim.address) as d:  # the failed open closed its device
        assert d.probe() == "edu"


def test_port_to_a_vf_and_back(env):
    import xpdk.devsim
    with xpdk.devsim.start("dfl-fpga") as sim, xpdk.fpga.open(sim.address) as pf:
        s = pf.sriov_info()
        assert s.total_vfs == 1 and not s.enabled and s.vf_device == 0x0b31
        with pytest.raises(xpdk.Error) as e:
            pf.sriov_configure(1)  # no port released
        assert e.value.errno == errno.EINVAL
        pf.port_release(0)
        assert pf.port_info(0).released
        pf.sriov_configure(1)
        with xpdk.fpga.open(pf.vf_name(0)) as vf:
            assert not vf.fme_info().present
            assert vf.port_info(0).afu_id == HE_GUID and vf.device.config_read16(2) == 0x0b31
            with pytest.raises(xpdk.Error) as e:
                pf.sriov_configure(0)  # the VF is open
            assert e.value.errno == errno.EBUSY
        pf.sriov_configure(0)
        pf.port_assign(0)
        assert not pf.port_info(0).released and pf.port_info(0).afu_id == HE_GUID
