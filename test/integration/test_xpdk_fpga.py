# SPDX-License-Identifier: BSD-3-Clause
"""xpdk-fpga (OPAE's fpgainfo and fpgaconf) against devsim's dfl-fpga: fpgainfo's layout and
fields, --json on every command, errors and their clearing, port reset, and fpgaconf's interface
ID matching, dry run and exit codes."""
import json
import os
import re

import pytest

from conftest import BUILD, SOURCE, run
from devsim import Devsim

FPGA = os.path.join(BUILD, "app/xpdk-fpga/xpdk-fpga")
MAKE_GBS = os.path.join(SOURCE, "devtools/make-devsim-gbs.py")
HE_LB = "56e203e9-864f-49a7-b94b-12284c31e02b"
XPDK_HE = "b363c479-2944-4c1b-b9c3-9b70334d98ce"


@pytest.fixture(scope="module")
def devsim(tmp_path_factory):
    d = Devsim(tmp_path_factory.mktemp("fpga"), "--model", "dfl-fpga", "--model", "dfl-fpga",
               "--name", "vsec0", "--model-args", "dfl=vsec")
    yield d
    d.stop()


def fpga(devsim, *args, dev="dfl-fpga0"):
    return run([FPGA, "-d", "vfio-user:" + devsim.sock(dev), *args])


def gbs(tmp_path, *args):
    out = str(tmp_path / "x.gbs")
    r = run([MAKE_GBS, *args, "-o", out])
    assert r.returncode == 0, r.stderr
    return out


def test_fme_prints_fpgainfo_lines(devsim):
    r = fpga(devsim, "fme")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "//****** FME ******//"
    for line in lines[1:]:
        assert re.match(r"^.{32} : \S", line), line
    assert "Pr Interface Id                  : 9af6db1c-2ad1-412a-a366-0d7701e0fc39" in lines
    assert "Bitstream Version                : 1.2.0" in lines
    assert "Device Id                        : 0x0B30" in lines


@pytest.mark.parametrize("cmd", [["info"], ["fme"], ["port"], ["temp"], ["power"], ["perf"],
                                 ["errors", "all"]])
def test_json_on_every_command(devsim, cmd):
    r = fpga(devsim, "--json", *cmd)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    first = doc[0] if isinstance(doc, list) else doc
    assert first["vendor_id"] == "0x8086" and first["interface"] == "vfio-user"


def test_info_says_where_the_dfls_are(devsim):
    doc = json.loads(fpga(devsim, "--json", "info").stdout)
    assert doc["dfl_found_by"] == "BAR 0" and doc["dfl_lists"] == "BAR 0 + 0x0"
    doc = json.loads(fpga(devsim, "--json", "info", dev="vsec0").stdout)
    assert doc["dfl_found_by"] == "PCIe VSEC 0x43"
    assert doc["dfl_lists"] == "BAR 0 + 0x0, BAR 0 + 0x40000" and doc["ports_num"] == "01"


def test_errors_clear_and_port_reset(devsim):
    r = fpga(devsim, "errors", "all", "-c")
    assert r.returncode == 0, r.stderr
    assert "FME Errors                       : 0x0" in r.stdout
    assert fpga(devsim, "errors", "bogus").returncode == 2
    r = fpga(devsim, "--json", "port", "reset", "0")
    assert r.returncode == 0 and json.loads(r.stdout) == {"port": 0, "reset": True}, r.stderr
    assert fpga(devsim, "port", "reset", "3").returncode == 2


def test_conf_matches_the_interface_id_as_fpgaconf(devsim, tmp_path):
    def afu():
        return json.loads(fpga(devsim, "--json", "port").stdout)[0]["accelerator_guid"]

    assert afu() == XPDK_HE
    other = gbs(tmp_path, "--afu", "he-lb", "--interface",
                "00000000-1111-2222-3333-444444444444")
    r = fpga(devsim, "-V", "conf", other)
    assert r.returncode == 4 and "No suitable slots found." in r.stderr, r.stderr
    assert "Expected Interface id:  00000000-1111-2222-3333-444444444444" in r.stderr
    assert "Actual Interface id:    9af6db1c-2ad1-412a-a366-0d7701e0fc39" in r.stderr
    good = gbs(tmp_path, "--afu", "he-lb")
    r = fpga(devsim, "-n", "conf", good)
    assert r.returncode == 0 and "Dry run" in r.stdout, r.stderr
    assert afu() == XPDK_HE  # nothing programmed
    r = fpga(devsim, "--json", "conf", good)
    assert r.returncode == 0 and json.loads(r.stdout)["programmed"] is True, r.stderr
    assert afu() == HE_LB
    back = gbs(tmp_path, "--afu", "xpdk-he")
    assert fpga(devsim, "conf", back).returncode == 0
    assert afu() == XPDK_HE
    assert fpga(devsim, "conf", str(tmp_path / "missing.gbs")).returncode == 2
    assert fpga(devsim, "conf").returncode == 1
    r = run([FPGA, "-d", "vfio-user:/nonexistent.sock", "conf", good])
    assert r.returncode == 3
