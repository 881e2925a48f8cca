# SPDX-License-Identifier: BSD-3-Clause
"""xpdk-io, the CSR tool: every command against devsim's edu model over vfio-user, ls/init/release
against a fake sysfs tree with a fake kernel that reacts to sysfs writes as the real one does,
and every error a user can act on, with its exit code and its sentence."""
import json
import os
import shutil
import socket
import stat
import tempfile
import threading
import time

import pytest

from conftest import BUILD, run
from devsim import Devsim

XPDK_IO = os.path.join(BUILD, "app/xpdk-io/xpdk-io")
NOBODY = 65534
EDU_ID = "0x010000ed"
PCI_IDS = ("# test\n1234  QEMU\n\t11e8  edu device\n8086  Intel Corporation\n"
           "\t0b30  PAC N3000\n\t10d3  82574L Gigabit Network Connection\n"
           "C 00  Unclassified\n")


def xio(*args, env=None, user=None, timeout=30):
    """Run xpdk-io with a private environment (no real PCI bus, no real devsim dir)."""
    e = dict(os.environ)
    e.update(env or {})
    kw = {"user": user} if user is not None else {}
    return run([XPDK_IO, *args], timeout=timeout, env=e, **kw)


@pytest.fixture
def empty_sysfs(tmp_path):
    d = tmp_path / "sys"
    (d / "bus/pci/devices").mkdir(parents=True)
    return str(d)


def devsim_only(tmp_path, sysfs, model):
    """xpdk-devsim with one device of @model, the only one xpdk-io can see."""
    sock_dir = tmp_path / "devsim"
    sock_dir.mkdir()
    d = Devsim(sock_dir, "--model", model)
    d.env = {"XPDK_DEVSIM_DIR": str(sock_dir), "XPDK_SYSFS": sysfs}
    return d


@pytest.fixture
def edu(tmp_path, empty_sysfs):
    d = devsim_only(tmp_path, empty_sysfs, "edu")
    yield d
    d.stop()


@pytest.fixture
def fpga(tmp_path, empty_sysfs):
    d = devsim_only(tmp_path, empty_sysfs, "dfl-fpga")
    yield d
    d.stop()


def make_stale_socket(path):
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    s.close()  # the file stays, nobody listens: what a crashed server leaves


# ---- help, modes, usage --------------------------------------------------------------------

def test_help_on_the_tool_and_on_every_command():
    r = xio("-h")
    assert r.returncode == 0 and "Usage: xpdk-io ls" in r.stdout and "Exit status" in r.stdout
    for cmd, text in [("ls", "--viddid"), ("init", "USER[:GROUP]"), ("release", "release"),
                      ("walk", "--show-uuid"), ("peek", "-w, --width"), ("poke", "VALUE")]:
        r = xio(cmd, "-h")
        assert r.returncode == 0, cmd
        assert r.stdout.startswith("Usage: xpdk-io"), cmd
        assert text in r.stdout, cmd
        assert xio(cmd, "--help").stdout == r.stdout


def test_no_command_runs_the_console_and_a_file_runs_as_a_script(tmp_path):
    """Script and interactive modes (tested in depth in test/python/test_io_shell.py)."""
    r = xio(env={"XPDK_DEVSIM_DIR": str(tmp_path)})  # stdin at EOF: the console ends at once
    assert r.returncode == 0, r.stderr
    assert "no device open" in r.stderr and r.stdout.startswith("xpdk-io>> ")
    script = tmp_path / "script.py"
    script.write_text("import sys\nprint('hi', sys.argv[1:], version()[0])\n")
    r = xio(str(script), "arg", env={"XPDK_DEVSIM_DIR": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    assert r.stdout == "hi ['arg'] xpdk-io\n"


@pytest.mark.parametrize("args, message", [
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["ls", "--bogus"], "unknown option '--bogus'"),
    (["ls", "-w", "8"], "ls does not take option -w/--width"),
    (["peek", "--all", "0"], "peek does not take option --all"),
    (["peek"], "peek needs OFFSET"),
    (["poke", "0x4"], "poke needs OFFSET and VALUE"),
    (["peek", "0", "1"], "unexpected argument '1'"),
    (["peek", "-w", "12", "0"], "width '12' is not 8, 16, 32 or 64"),
    (["-r", "9", "peek", "0"], "region '9' is out of range"),
    (["peek", "zero"], "offset 'zero'"),
    (["peek", "010"], "offset '010'"),  # Python's int('010', 0) refuses it too
    (["init"], "init needs USER[:GROUP]"),
    (["ls", "-v", "12345"], "-v '12345' is not VID:DID"),
    (["ls", "-v", "xyz:1"], "-v 'xyz:1' is not VID:DID"),
])
def test_usage_errors_exit_2_with_a_sentence(args, message, empty_sysfs, tmp_path):
    r = xio(*args, env={"XPDK_SYSFS": empty_sysfs, "XPDK_DEVSIM_DIR": str(tmp_path)})
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
    assert r.stdout == ""


# ---- peek and poke on devsim's edu ---------------------------------------------------------

def test_peek_edu_identification(edu):
    r = xio("peek", "-w", "32", "0x0", env=edu.env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == EDU_ID + "\n"
    # edu answers only 4-byte accesses below 0x80: 8-byte reads give all-ones, and reads
    # narrower than 4 bytes give 0 (QEMU refuses them before the device sees them)
    assert xio("peek", "0x0", env=edu.env).stdout == "0xffffffffffffffff\n"
    assert xio("peek", "-w", "8", "0x0", env=edu.env).stdout == "0x00\n"
    assert xio("peek", "-w", "16", "0x2", env=edu.env).stdout == "0x0000\n"


def test_device_names_all_reach_the_same_device(edu):
    sock = edu.sock("edu0")
    for name in ["edu0", "edu0.sock", "vfio-user:" + sock, sock]:
        r = xio("-d", name, "peek", "-w", "32", "0", env=edu.env)
        assert (r.returncode, r.stdout) == (0, EDU_ID + "\n"), name + ": " + r.stderr
    # options after the command work as well as before it (as opae.io)
    r = xio("peek", "0", "-w", "32", "-d", "edu0", env=edu.env)
    assert r.stdout == EDU_ID + "\n"


def test_poke_liveness_then_peek_reads_the_inverse(edu):
    r = xio("-d", "edu0", "poke", "-w", "32", "0x4", "0x12345678", env=edu.env)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert xio("-d", "edu0", "peek", "-w", "32", "0x4", env=edu.env).stdout == "0xedcba987\n"
    # numbers as Python's int(x, 0): decimal, octal, binary, underscores
    xio("poke", "-w", "32", "0b100", "0o17", env=edu.env)
    assert xio("peek", "-w", "32", "4", env=edu.env).stdout == "0xfffffff0\n"
    xio("poke", "-w", "32", "4", "4_294_967_295", env=edu.env)
    assert xio("peek", "-w", "32", "0x4", env=edu.env).stdout == "0x00000000\n"


def test_factorial_by_polling_status(edu):
    assert xio("poke", "-w", "32", "0x8", "10", env=edu.env).returncode == 0
    deadline = time.time() + 5
    while int(xio("peek", "-w", "32", "0x20", env=edu.env).stdout, 16) & 1:
        assert time.time() < deadline, "factorial never finished"
        time.sleep(0.01)
    r = xio("peek", "-w", "32", "0x8", env=edu.env)
    assert int(r.stdout, 16) == 3628800
    assert r.stdout == "0x00375f00\n"


def test_64_bit_poke_and_peek_where_edu_allows_them(edu):
    r = xio("poke", "0x80", "0x1122334455667788", env=edu.env)
    assert r.returncode == 0, r.stderr
    assert xio("peek", "0x80", env=edu.env).stdout == "0x1122334455667788\n"
    assert xio("peek", "-w", "32", "0x80", env=edu.env).stdout == "0x55667788\n"


def test_peek_of_config_space_region(edu):
    r = xio("-r", "7", "peek", "-w", "32", "0", env=edu.env)
    assert r.stdout == "0x11e81234\n"


def test_peek_and_poke_json(edu):
    r = xio("--json", "peek", "-w", "32", "0", env=edu.env)
    doc = json.loads(r.stdout)
    assert doc == {"device": "vfio-user:" + edu.sock("edu0"), "region": 0, "offset": "0x0",
                   "width": 32, "value": EDU_ID, "value_int": 0x010000ed}
    r = xio("poke", "0x4", "0x5", "-w", "32", "--json", env=edu.env)
    doc = json.loads(r.stdout)
    assert doc["written"] == "0x00000005" and doc["written_int"] == 5 and doc["offset"] == "0x4"
    r = xio("peek", "0x80", "--json", env=edu.env)
    assert json.loads(r.stdout)["value"].startswith("0x") and len(json.loads(r.stdout)["value"]) == 18


def test_peek_is_fast(edu):
    """Start-up is light: no EAL, no hugepages for a vfio-user device."""
    best = None
    for _ in range(5):
        t0 = time.perf_counter()
        r = xio("peek", "-w", "32", "0", env=edu.env)
        dt = time.perf_counter() - t0
        assert r.returncode == 0
        best = dt if best is None else min(best, dt)
    print("xpdk-io peek over vfio-user: %.1f ms end to end (best of 5)" % (best * 1000))
    assert best < 0.05


# ---- errors on devsim devices --------------------------------------------------------------

def test_region_out_of_range(edu):
    r = xio("-r", "3", "peek", "0", env=edu.env)
    assert r.returncode == 2
    assert "region 3 does not exist on vfio-user:" in r.stderr
    assert "it has 0 (size 0x100000), 7 (size 0x100)" in r.stderr
    r = xio("peek", "0x100000", env=edu.env)
    assert r.returncode == 2
    assert "offset 0x100000 is out of range: region 0 of vfio-user:" in r.stderr
    assert "is 0x100000 bytes" in r.stderr
    r = xio("peek", "0xffffc", env=edu.env)  # 8 bytes from here cross the end
    assert r.returncode == 2, r.stdout
    assert "offset 0xffffc is not aligned to the 64-bit access width" in r.stderr
    r = xio("peek", "-w", "64", "0xffff8", env=edu.env)
    assert r.returncode == 0


def test_unaligned_offset(edu):
    r = xio("peek", "-w", "32", "0x2", env=edu.env)
    assert r.returncode == 2
    assert "offset 0x2 is not aligned to the 32-bit access width (use a multiple of 4)" in r.stderr
    r = xio("poke", "0x4", "1", env=edu.env)
    assert r.returncode == 2 and "multiple of 8" in r.stderr


def test_value_too_wide_for_width(edu):
    r = xio("poke", "-w", "8", "0x80", "0x100", env=edu.env)
    assert r.returncode == 2
    assert "value 0x100 is too wide: it does not fit in 8 bits (-w 8 writes at most 0xff)" \
        in r.stderr
    r = xio("poke", "-w", "32", "0x4", "0x1_0000_0000", env=edu.env)
    assert r.returncode == 2 and "at most 0xffffffff" in r.stderr
    r = xio("poke", "0x80", "0x1_0000_0000_0000_0000", env=edu.env)
    assert r.returncode == 2 and "value '0x1_0000_0000_0000_0000'" in r.stderr


def test_several_devices_and_no_d_lists_them(tmp_path, empty_sysfs):
    d = Devsim(tmp_path, "--model", "edu", "--model", "edu")
    try:
        env = {"XPDK_DEVSIM_DIR": str(tmp_path), "XPDK_SYSFS": empty_sysfs}
        r = xio("peek", "-w", "32", "0", env=env)
        assert r.returncode == 2
        assert "2 devices present, choose one with -d: vfio-user:%s, vfio-user:%s" % (
            d.sock("edu0"), d.sock("edu1")) in r.stderr
        r = xio("-d", "edu1", "peek", "-w", "32", "0", env=env)
        assert r.stdout == EDU_ID + "\n"
    finally:
        d.stop()


def test_no_device_at_all(tmp_path, empty_sysfs):
    r = xio("peek", "0", env={"XPDK_DEVSIM_DIR": str(tmp_path), "XPDK_SYSFS": empty_sysfs})
    assert r.returncode == 1
    assert "no device to use" in r.stderr and "'xpdk-io ls' lists devices" in r.stderr


def test_unknown_address(edu):
    r = xio("-d", "nosuch", "peek", "0", env=edu.env)
    assert r.returncode == 2
    assert "unknown address 'nosuch': not a PCI address" in r.stderr
    assert "no devsim device of that name in " + edu.env["XPDK_DEVSIM_DIR"] in r.stderr
    r = xio("-d", "0000:99:00.0", "peek", "0", env=edu.env)
    assert r.returncode == 1
    assert "no PCI function 0000:99:00.0 (see 'xpdk-io ls --all')" in r.stderr
    r = xio("-d", "vfio-user:" + edu.env["XPDK_DEVSIM_DIR"] + "/gone.sock", "peek", "0",
            env=edu.env)
    assert r.returncode == 1 and "no vfio-user socket at" in r.stderr


def test_stale_devsim_socket(edu):
    make_stale_socket(os.path.join(edu.env["XPDK_DEVSIM_DIR"], "old.sock"))
    r = xio("-d", "old", "peek", "-w", "32", "0", env=edu.env)
    assert r.returncode == 1
    assert "the socket is stale (its server exited)" in r.stderr
    # the stale socket is not a candidate: the one live device is still chosen without -d
    assert xio("peek", "-w", "32", "0", env=edu.env).stdout == EDU_ID + "\n"


def test_errors_in_json_mode_are_documents(edu):
    r = xio("--json", "peek", "-w", "32", "0x2", env=edu.env)
    assert r.returncode == 2
    doc = json.loads(r.stdout)
    assert doc["exit_code"] == 2 and "not aligned" in doc["error"]


def test_init_and_release_refuse_vfio_user_devices(edu):
    r = xio("-d", "edu0", "init", "root", env=edu.env)
    assert r.returncode == 2
    assert "init works on PCI functions" in r.stderr
    r = xio("release", "-d", "edu0", env=edu.env)
    assert r.returncode == 2


def dfh(ftype, fid, nxt, eol=0, rev=0):
    """A DFHv0 header: type 63:60, EOL 40, NEXT 39:16, revision 15:12, ID 11:0."""
    return "0x%016x" % (ftype << 60 | eol << 40 | nxt << 16 | rev << 12 | fid)


def poke_chain(env, *values):
    """edu's 64-bit registers 0x80, 0x88 and 0x90 (DMA source, destination, count) hold what is
    written to them while no transfer runs: enough for a small DFL at 0x80."""
    for i, v in enumerate(values):
        r = xio("poke", hex(0x80 + 8 * i), v, env=env)
        assert r.returncode == 0, r.stderr


def test_walk_follows_a_chain_line_by_line(edu):
    poke_chain(edu.env, dfh(3, 0x10, 8), dfh(3, 0x13, 8, rev=1), dfh(3, 0x14, 0, eol=1))
    r = xio("walk", "0x80", env=edu.env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "OFFSET      TYPE       ID     REV  VER  NEXT        EOL  NAME",
        "0x00000080  private    0x010  0    0    0x00000088  0    port error",
        "0x00000088  private    0x013  1    0    0x00000090  0    signal tap",
        "0x00000090  private    0x014  0    0    -           1    user clock",
    ]
    doc = json.loads(xio("walk", "0x80", "--json", env=edu.env).stdout)
    assert doc["start"] == "0x80" and doc["whole_device"] is False and "error" not in doc
    f = doc["features"]
    assert [x["offset"] for x in f] == ["0x80", "0x88", "0x90"]
    assert [x["next_offset"] for x in f] == ["0x88", "0x90", None]
    assert [x["eol"] for x in f] == [False, False, True]
    assert f[1] == {"offset": "0x88", "dfh": dfh(3, 0x13, 8, rev=1), "type": 3,
                    "type_name": "private", "id": "0x013", "name": "signal tap", "revision": 1,
                    "dfh_version": 0, "next": "0x8", "next_offset": "0x90", "eol": False,
                    "depth": 0}


def test_walk_shows_the_guid_with_u(edu):
    # an AFU header: DFH, then GUID_L at +8 and GUID_H at +0x10
    poke_chain(edu.env, dfh(1, 0, 0, eol=1), "0x0123456789abcdef", "0xfedcba9876543210")
    guid = "fedcba98-7654-3210-0123-456789abcdef"
    r = xio("walk", "0x80", "-u", env=edu.env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "GUID" in lines[0]
    assert lines[1].split() == ["0x00000080", "AFU", "0x000", "0", "0", "-", "1", guid, "AFU"]
    assert guid not in xio("walk", "0x80", env=edu.env).stdout
    doc = json.loads(xio("--json", "walk", "0x80", "--show-uuid", env=edu.env).stdout)
    assert doc["features"][0]["guid"] == guid


def test_walk_of_a_broken_list_prints_what_was_walked_then_the_error(edu):
    poke_chain(edu.env, dfh(3, 0x10, 8), dfh(3, 0x13, 0x100000), dfh(3, 0x14, 0, eol=1))
    r = xio("walk", "0x80", env=edu.env)
    assert r.returncode == 1
    assert r.stdout.splitlines()[1].startswith("0x00000080  private    0x010")
    assert len(r.stdout.splitlines()) == 2
    assert "the DFL of vfio-user:%s region 0 is broken after 1 feature: NEXT of the DFH at "            "0x88 points to 0x100088, past the region end (0x100000)" % edu.sock("edu0")         in r.stderr
    doc = json.loads(xio("walk", "0x80", "--json", env=edu.env).stdout)
    assert len(doc["features"]) == 1 and doc["exit_code"] == 1
    assert doc["error"]["offset"] == "0x88" and "past the region end" in doc["error"]["message"]


def test_walk_of_a_region_without_a_dfl(edu):
    """edu reads all-ones for 8-byte accesses below 0x80: no DFH there."""
    r = xio("walk", env=edu.env)
    assert r.returncode == 1
    assert r.stdout == ""
    assert "is broken after 0 features: DFH at 0x0 has unknown version 255" in r.stderr


def test_walk_offset_errors(edu):
    r = xio("walk", "0x84", env=edu.env)
    assert r.returncode == 2 and "a DFH is a 64-bit register (use a multiple of 8)" in r.stderr
    r = xio("walk", "0x100000", env=edu.env)
    assert r.returncode == 2 and "offset 0x100000 is out of range" in r.stderr
    r = xio("-r", "2", "walk", env=edu.env)
    assert r.returncode == 2 and "region 2 does not exist" in r.stderr


# ---- ls --------------------------------------------------------------------------------------

def test_ls_lists_devsim_devices_and_marks_a_stale_socket(edu):
    make_stale_socket(os.path.join(edu.env["XPDK_DEVSIM_DIR"], "old.sock"))
    r = xio("ls", env=edu.env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("vfio-user:" + edu.sock("edu0"))
    assert "1234:11e8" in lines[0] and "vfio-user" in lines[0]
    assert "QEMU edu" in lines[0]
    assert lines[1].startswith("vfio-user:" + os.path.join(edu.env["XPDK_DEVSIM_DIR"], "old.sock"))
    assert "stale socket" in lines[1] and "----:----" in lines[1]
    doc = json.loads(xio("ls", "--json", env=edu.env).stdout)
    devs = {d["address"]: d for d in doc["devices"]}
    live = devs["vfio-user:" + edu.sock("edu0")]
    assert live["state"] == "ok" and live["vid_did"] == "1234:11e8"
    assert live["subsystem"] == "1af4:1100" and live["class"] == "0xff0000"
    assert live["xpdk_driver"] == "edu" and live["transport"] == "vfio-user"
    stale = devs["vfio-user:" + os.path.join(edu.env["XPDK_DEVSIM_DIR"], "old.sock")]
    assert stale["state"] == "stale" and "nobody listens" in stale["note"]


def test_ls_viddid_filter(edu):
    assert "1234:11e8" in xio("ls", "-v", "1234:11e8", env=edu.env).stdout
    assert "1234:11e8" in xio("ls", "--viddid", "1234:", env=edu.env).stdout
    assert "1234:11e8" in xio("ls", "-v", "*:11e8", env=edu.env).stdout
    r = xio("ls", "-v", "8086:0b30", env=edu.env)
    assert r.returncode == 0 and r.stdout == ""
    assert "no accelerator devices found" in r.stderr


def test_ls_marks_a_busy_device(edu):
    """devsim serves one client at a time: a device held by another client is shown busy."""
    holder = socket.socket(socket.AF_UNIX)
    holder.connect(edu.sock("edu0"))
    try:
        time.sleep(0.1)
        doc = json.loads(xio("ls", "--json", env=edu.env).stdout)
        assert doc["devices"][0]["state"] == "busy"
        assert "one client at a time" in doc["devices"][0]["note"]
    finally:
        holder.close()


# ---- a fake kernel: ls, init, release against sysfs --------------------------------------

class FakeKernel:
    """A sysfs tree under a temporary root and a thread playing the kernel's part: it takes
    the addresses written to drivers/*/bind, drivers/*/unbind and drivers_probe and moves the
    function's driver link, and creates or removes /dev/vfio/GROUP as vfio-pci binds or leaves
    a function, as the kernel does."""

    DRIVERS = ["vfio-pci", "e1000e", "edu_kmod"]

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="xpdk-io-fakesys-")
        os.chmod(self.root, 0o755)  # the permission test runs xpdk-io as nobody
        self.sys = os.path.join(self.root, "sys")
        self.dev = os.path.join(self.root, "dev")
        self.run_dir = os.path.join(self.root, "run")
        self.devsim = os.path.join(self.root, "devsim")
        for d in [self.sys + "/bus/pci/devices", self.dev + "/vfio", self.run_dir, self.devsim]:
            os.makedirs(d)
        self.write("sys/bus/pci/drivers_probe", "")
        for drv in self.DRIVERS:
            os.makedirs(self.path("sys/bus/pci/drivers", drv))
            self.write("sys/bus/pci/drivers/%s/bind" % drv, "")
            self.write("sys/bus/pci/drivers/%s/unbind" % drv, "")
        self.write("pci.ids", PCI_IDS)
        # edu held by a kernel driver; a NIC; an FPGA already on vfio-pci; nothing else
        self.add_func("0000:00:04.0", 0x1234, 0x11e8, 0x00ff00, "edu_kmod", 3)
        self.add_func("0000:00:02.0", 0x8086, 0x10d3, 0x020000, "e1000e", 4)
        self.add_func("0000:5e:00.0", 0x8086, 0x0b30, 0x120000, "vfio-pci", 9)
        self.env = {"XPDK_SYSFS": self.sys, "XPDK_DEVFS": self.dev, "XPDK_RUN_DIR": self.run_dir,
                    "XPDK_PCI_IDS": self.path("pci.ids"), "XPDK_DEVSIM_DIR": self.devsim}
        self.pfs = {}  # SR-IOV physical functions: address -> [total VFs, VFs enabled]
        self.stop_flag = False
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def path(self, *rel):
        return os.path.join(self.root, *rel)

    def write(self, rel, content):
        with open(self.path(rel), "w") as f:
            f.write(content)

    def add_func(self, addr, vendor, device, cls, driver, group):
        d = self.path("sys/bus/pci/devices", addr)
        os.makedirs(d)
        for name, val in [("vendor", vendor), ("device", device), ("subsystem_vendor", 0x1af4),
                          ("subsystem_device", 0x1100)]:
            self.write("sys/bus/pci/devices/%s/%s" % (addr, name), "0x%04x\n" % val)
        self.write("sys/bus/pci/devices/%s/class" % addr, "0x%06x\n" % cls)
        self.write("sys/bus/pci/devices/%s/driver_override" % addr, "(null)\n")
        g = self.path("sys/kernel/iommu_groups", str(group), "devices")
        os.makedirs(g)
        os.symlink(self.path("sys/kernel/iommu_groups", str(group)), d + "/iommu_group")
        os.symlink(d, os.path.join(g, addr))
        self.set_driver(addr, driver)

    def add_pf(self, addr, driver, group, total_vfs):
        """An SR-IOV physical function (QEMU's nvme IDs) and vfio-pci's enable_sriov (off)."""
        self.add_func(addr, 0x1b36, 0x0010, 0x010802, driver, group)
        self.write("sys/bus/pci/devices/%s/sriov_totalvfs" % addr, "%d\n" % total_vfs)
        self.write("sys/bus/pci/devices/%s/sriov_numvfs" % addr, "0\n")
        os.makedirs(self.path("sys/module/vfio_pci/parameters"), exist_ok=True)
        self.write("sys/module/vfio_pci/parameters/enable_sriov", "N\n")
        self.pfs[addr] = [total_vfs, 0]

    def vf_addr(self, pf, i):
        return pf[:-1] + str(i + 1)

    def set_numvfs(self, pf, want):
        """What the kernel does on a write to sriov_numvfs: VFs appear (captured by vfio-pci
        when the PF is on it) or go."""
        total, have = self.pfs[pf]
        base = self.path("sys/bus/pci/devices")
        for i in range(want, have):
            vf = self.vf_addr(pf, i)
            self.set_driver(vf, None)
            shutil.rmtree(self.path("sys/kernel/iommu_groups", str(50 + i)))
            shutil.rmtree(os.path.join(base, vf))
            os.unlink(os.path.join(base, pf, "virtfn%d" % i))
        for i in range(have, want):
            vf = self.vf_addr(pf, i)
            self.add_func(vf, 0x1b36, 0x0010, 0x010802, None, 50 + i)
            os.symlink(os.path.join(base, pf), os.path.join(base, vf, "physfn"))
            os.symlink(os.path.join(base, vf), os.path.join(base, pf, "virtfn%d" % i))
            if self.driver_of(pf) == "vfio-pci":
                self.write("sys/bus/pci/devices/%s/driver_override" % vf, "vfio-pci\n")
                self.set_driver(vf, "vfio-pci")
        self.pfs[pf][1] = want

    def driver_of(self, addr):
        link = self.path("sys/bus/pci/devices", addr, "driver")
        return os.path.basename(os.readlink(link)) if os.path.islink(link) else ""

    def group_of(self, addr):
        return os.path.basename(os.readlink(self.path("sys/bus/pci/devices", addr,
                                                      "iommu_group")))

    def set_driver(self, addr, driver):
        link = self.path("sys/bus/pci/devices", addr, "driver")
        node = self.path("dev/vfio", self.group_of(addr))
        if os.path.islink(link):
            os.unlink(link)
            if os.path.exists(node):
                os.unlink(node)  # the group's only function left vfio-pci
        if driver:
            os.symlink(self.path("sys/bus/pci/drivers", driver), link)
            if driver == "vfio-pci":
                with open(node, "w"):
                    pass
                os.chmod(node, 0o600)  # root's until someone gives it away

    def take(self, rel):
        """An address written to a sysfs file (which then reads back empty)."""
        p = self.path(rel)
        with open(p) as f:
            val = f.read().strip()
        if val:
            open(p, "w").close()
        return val

    def loop(self):
        while not self.stop_flag:
            for drv in self.DRIVERS:
                addr = self.take("sys/bus/pci/drivers/%s/unbind" % drv)
                if addr:
                    self.set_driver(addr, None)
                addr = self.take("sys/bus/pci/drivers/%s/bind" % drv)
                if addr:
                    self.set_driver(addr, drv)
            addr = self.take("sys/bus/pci/drivers_probe")
            if addr:
                with open(self.path("sys/bus/pci/devices", addr, "driver_override")) as f:
                    override = f.read().strip()
                if override and override != "(null)":
                    self.set_driver(addr, override)
            for pf, (total, have) in list(self.pfs.items()):
                with open(self.path("sys/bus/pci/devices", pf, "sriov_numvfs")) as f:
                    val = f.read().strip()
                if val and val.isdigit() and int(val) != have and int(val) <= total:
                    self.set_numvfs(pf, int(val))
            time.sleep(0.001)

    def stop(self):
        self.stop_flag = True
        self.thread.join()
        shutil.rmtree(self.root)


@pytest.fixture
def kernel():
    k = FakeKernel()
    yield k
    k.stop()


def test_ls_lists_accelerators_from_driver_tables_and_vfio_pci(kernel):
    r = xio("ls", env=kernel.env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2  # the NIC is not an accelerator
    assert lines[0].split()[:4] == ["0000:00:04.0", "1234:11e8", "edu_kmod", "3"]
    assert lines[0].endswith("QEMU edu device")  # from pci.ids
    assert lines[1].split()[:4] == ["0000:5e:00.0", "8086:0b30", "vfio-pci", "9"]
    assert lines[1].endswith("Intel Corporation PAC N3000")
    r = xio("ls", "--all", env=kernel.env)
    assert [line.split()[0] for line in r.stdout.splitlines()] == [
        "0000:00:02.0", "0000:00:04.0", "0000:5e:00.0"]
    r = xio("ls", "-v", "8086:", "--all", env=kernel.env)
    assert [line.split()[0] for line in r.stdout.splitlines()] == ["0000:00:02.0", "0000:5e:00.0"]
    doc = json.loads(xio("ls", "--json", env=kernel.env).stdout)
    edu = doc["devices"][0]
    assert edu["address"] == "0000:00:04.0" and edu["iommu_group"] == 3
    assert edu["driver"] == "edu_kmod" and edu["xpdk_driver"] == "edu"
    assert edu["transport"] == "vfio" and edu["class"] == "0x00ff00"


def test_init_binds_to_vfio_pci_and_release_restores(kernel):
    r = xio("init", "-d", "00:04.0", "nobody", env=kernel.env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        "0000:00:04.0: bound to vfio-pci (previous driver: edu_kmod)\n"
        "0000:00:04.0: IOMMU group 3, %s/vfio/3 now belongs to nobody:nogroup\n" % kernel.dev)
    assert kernel.driver_of("0000:00:04.0") == "vfio-pci"
    st = os.stat(kernel.path("dev/vfio/3"))
    assert (st.st_uid, st.st_gid) == (NOBODY, NOBODY)
    with open(kernel.path("run/pci/0000:00:04.0.state")) as f:
        assert f.read() == "driver=edu_kmod\n"
    # ls shows the new driver
    assert xio("ls", env=kernel.env).stdout.splitlines()[0].split()[2] == "vfio-pci"

    r = xio("release", "-d", "0000:00:04.0", env=kernel.env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "0000:00:04.0: released from vfio-pci, driver edu_kmod restored " \
                       "(IOMMU group 3)\n"
    assert kernel.driver_of("0000:00:04.0") == "edu_kmod"
    assert not os.path.exists(kernel.path("run/pci/0000:00:04.0.state"))
    assert not os.path.exists(kernel.path("dev/vfio/3"))


def test_release_of_a_function_that_had_no_driver_leaves_it_unbound(kernel):
    r = xio("release", "-d", "5e:00.0", env=kernel.env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "0000:5e:00.0: released from vfio-pci; it had no driver before init, " \
                       "so it is left unbound (IOMMU group 9)\n"
    assert kernel.driver_of("0000:5e:00.0") == ""
    assert not os.path.exists(kernel.path("dev/vfio/9"))


def test_init_and_release_json(kernel):
    r = xio("init", "-d", "0000:00:04.0", "%d:%d" % (NOBODY, 0), "--json", env=kernel.env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc == {"address": "0000:00:04.0", "previous_driver": "edu_kmod", "iommu_group": 3,
                   "driver": "vfio-pci", "vfio_path": kernel.dev + "/vfio/3",
                   "owner": "nobody:root", "uid": NOBODY, "gid": 0}
    doc = json.loads(xio("release", "-d", "0000:00:04.0", "--json", env=kernel.env).stdout)
    assert doc == {"address": "0000:00:04.0", "previous_driver": "edu_kmod", "iommu_group": 3,
                   "restored_driver": "edu_kmod", "vfs_disabled": 0}


def test_init_without_d_takes_the_one_accelerator_outside_vfio_pci(kernel):
    r = xio("init", "root", env=kernel.env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("0000:00:04.0: bound to vfio-pci")
    # now two accelerators are on vfio-pci: release needs -d and says which
    r = xio("release", env=kernel.env)
    assert r.returncode == 2
    assert "2 devices present, choose one with -d: 0000:00:04.0, 0000:5e:00.0" in r.stderr
    r = xio("release", "-d", "00:04.0", env=kernel.env)
    assert r.returncode == 0


def test_init_errors(kernel):
    r = xio("init", "-d", "0000:00:04.0", "no_such_user_xyz", env=kernel.env)
    assert r.returncode == 2 and "'no_such_user_xyz' is not a user" in r.stderr
    r = xio("init", "-d", "0000:00:04.0", "root:no_such_group_xyz", env=kernel.env)
    assert r.returncode == 2 and "'no_such_group_xyz' is not a group" in r.stderr
    r = xio("init", "-d", "0000:00:09.0", "root", env=kernel.env)
    assert r.returncode == 1 and "no PCI function 0000:00:09.0" in r.stderr
    r = xio("release", "-d", "0000:00:04.0", env=kernel.env)
    assert r.returncode == 1
    assert "0000:00:04.0 is not bound to vfio-pci (its driver is edu_kmod)" in r.stderr
    r = xio("init", "-d", "0000:00:04.0", "nobody", env=kernel.env, user=NOBODY)
    assert r.returncode == 1 and "needs root (try sudo)" in r.stderr
    assert kernel.driver_of("0000:00:04.0") == "edu_kmod"


# ---- init -e / release of an SR-IOV physical function (the real kernel: vm-sriov) ----------

@pytest.mark.parametrize("args, message", [
    (["init", "--vf-token", "01234567-89ab-cdef-0123-456789abcdef", "root"],
     "--vf-token goes with -e"),
    (["init", "--num-vfs", "2", "root"], "--num-vfs goes with -e"),
    (["init", "-e", "--vf-token", "0123456789ab", "root"], "'0123456789ab' is not a VF token"),
    (["init", "-e", "--num-vfs", "0", "root"], "--num-vfs 0 enables no VF"),
    (["init", "-e", "--num-vfs", "65", "root"], "'65' is out of range (at most 64)"),
    (["peek", "--vf-token", "0123456789ab-cdef-0123-456789abcdef-", "0"], "is not a VF token"),
    (["ls", "--vf-token", "01234567-89ab-cdef-0123-456789abcdef"],
     "ls does not take option --vf-token"),
])
def test_sriov_usage_errors(args, message, kernel):
    r = xio(*args, env=kernel.env)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr


def test_init_e_refuses_a_function_without_sriov_and_changes_nothing(kernel):
    r = xio("init", "-e", "-d", "00:04.0", "root", env=kernel.env)
    assert r.returncode == 1
    assert "0000:00:04.0 has no SR-IOV capability" in r.stderr
    assert kernel.driver_of("0000:00:04.0") == "edu_kmod"
    assert os.listdir(kernel.run_dir) == []


def test_init_e_refuses_more_vfs_than_the_pf_has(kernel):
    kernel.add_pf("0000:3b:00.0", "e1000e", 20, 2)
    r = xio("init", "-e", "--num-vfs", "3", "-d", "3b:00.0", "root", env=kernel.env)
    assert r.returncode == 1
    assert "3 VFs asked of 0000:3b:00.0, which has 2 at most" in r.stderr
    assert kernel.driver_of("0000:3b:00.0") == "e1000e"


def test_init_e_undoes_everything_when_the_vf_token_cannot_be_set(kernel):
    # the fake tree's /dev/vfio/vfio is no VFIO container, so setting the token fails after
    # the PF was bound and enable_sriov turned on: both are undone
    kernel.add_pf("0000:3b:00.0", "e1000e", 2, 2)
    kernel.write("dev/vfio/vfio", "")
    r = xio("init", "-e", "-d", "3b:00.0", "root", env=kernel.env)
    assert r.returncode == 1
    assert "init -e 0000:3b:00.0: " in r.stderr and "VFIO" in r.stderr
    assert kernel.driver_of("0000:3b:00.0") == "e1000e"
    with open(kernel.path("sys/module/vfio_pci/parameters/enable_sriov")) as f:
        assert f.read().strip() == "N"
    with open(kernel.path("sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs")) as f:
        assert f.read().strip() == "0"
    assert os.listdir(kernel.path("run/pci")) == []


def test_release_turns_the_vfs_and_enable_sriov_off_first(kernel):
    # the state 'init -e' leaves: PF and VFs on vfio-pci, enable_sriov turned on and recorded
    pf = "0000:3b:00.0"
    kernel.add_pf(pf, "vfio-pci", 20, 2)
    kernel.write("sys/module/vfio_pci/parameters/enable_sriov", "Y\n")
    os.makedirs(kernel.path("run/pci"))
    kernel.write("run/pci/%s.state" % pf, "driver=e1000e\n")
    kernel.write("run/pci/%s.sriov" % pf, "param_enabled=1\n")
    kernel.write("sys/bus/pci/devices/%s/sriov_numvfs" % pf, "2\n")
    for _ in range(2000):
        if kernel.pfs[pf][1] == 2:
            break
        time.sleep(0.005)
    assert kernel.driver_of("0000:3b:00.1") == "vfio-pci"
    kernel.write("run/pci/0000:3b:00.1.state", "driver=\n")
    r = xio("release", "-d", pf, env=kernel.env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("%s: 2 SR-IOV VFs turned off\n"
                        "%s: released from vfio-pci, driver e1000e restored (IOMMU group 20)\n"
                        % (pf, pf))
    assert kernel.pfs[pf][1] == 0
    assert not os.path.exists(kernel.path("sys/bus/pci/devices/0000:3b:00.1"))
    assert kernel.driver_of(pf) == "e1000e"
    with open(kernel.path("sys/module/vfio_pci/parameters/enable_sriov")) as f:
        assert f.read().strip() == "N"
    assert os.listdir(kernel.path("run/pci")) == []


def test_peek_on_a_function_not_bound_to_vfio_pci(kernel):
    r = xio("-d", "00:04.0", "peek", "0", env=kernel.env)
    assert r.returncode == 1
    assert "0000:00:04.0 is not bound to vfio-pci (driver: edu_kmod); run: " \
           "xpdk-io init -d 0000:00:04.0 $USER" in r.stderr


def test_permission_denied_on_the_vfio_group_says_who_owns_it(kernel):
    r = xio("-d", "5e:00.0", "peek", "0", env=kernel.env, user=NOBODY)
    assert r.returncode == 1
    assert "permission denied on %s/vfio/9: it belongs to root:root (mode 0600) and you are " \
           "nobody; run as root: xpdk-io init -d 0000:5e:00.0 $USER" % kernel.dev in r.stderr
    assert stat.S_IMODE(os.stat(kernel.path("dev/vfio/9")).st_mode) == 0o600


# ---- the dfl-fpga model: a real Device Feature List -----------------------------------------

# What the model holds (doc/devsim.md), in the order a whole-device walk visits it: the FME
# chain, then port 0, its AFU, and the port's own features.
FPGA_WALK = [
    ("0x00000000", "FIU", "0x000", "0x00001000", "0", "bfaf2ae9-4a52-46e3-82fe-38f0f9e17764", "FME"),
    ("0x00001000", "private", "0x001", "0x00002000", "0", "-", "thermal management"),
    ("0x00002000", "private", "0x002", "0x00003000", "0", "-", "power management"),
    ("0x00003000", "private", "0x003", "0x00004000", "0", "-", "global performance (integrated)"),
    ("0x00004000", "private", "0x004", "0x00005000", "0", "-", "global error"),
    ("0x00005000", "private", "0x005", "-", "1", "-", "partial reconfiguration"),
    ("0x00040000", "FIU", "0x001", "0x00041000", "0", "3ab49893-138d-42eb-9642-b06c6b355b87", "port"),
    ("0x00080000", "AFU", "0x000", "-", "1", "b363c479-2944-4c1b-b9c3-9b70334d98ce", "AFU"),
    ("0x00041000", "private", "0x010", "0x00042000", "0", "-", "port error"),
    ("0x00042000", "private", "0x013", "-", "1", "-", "signal tap"),
]


def test_walk_dfl_fpga_line_by_line(fpga):
    r = xio("-d", "dfl-fpga0", "walk", "-u", env=fpga.env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["OFFSET", "TYPE", "ID", "REV", "VER", "NEXT", "EOL", "GUID", "NAME"]
    assert len(lines) == 1 + len(FPGA_WALK)
    for line, (off, typ, fid, nxt, eol, guid, name) in zip(lines[1:], FPGA_WALK):
        f = line.split(None, 8)
        assert (f[0], f[1], f[2], f[5], f[6], f[7], f[8]) == (off, typ, fid, nxt, eol, guid, name)


def test_walk_dfl_fpga_json_and_one_chain(fpga):
    r = xio("--json", "-d", "dfl-fpga0", "walk", env=fpga.env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    feats = doc["features"] if isinstance(doc, dict) else doc
    assert [f["name"] for f in feats] == [w[6] for w in FPGA_WALK]
    # from an offset: that chain only (the port's)
    r = xio("-d", "dfl-fpga0", "walk", "0x40000", env=fpga.env)
    assert [ln.split()[0] for ln in r.stdout.splitlines()[1:]] == [
        "0x00040000", "0x00041000", "0x00042000"]


def test_ls_names_the_fpga_from_the_driver_table(fpga):
    r = xio("ls", env=dict(fpga.env, XPDK_PCI_IDS="/nonexistent"))
    assert r.returncode == 0, r.stderr
    assert "8086:0b30" in r.stdout and "Intel PAC N3000 (DFL FPGA)" in r.stdout


def test_peek_poke_the_exerciser_scratch_and_afu_memory(fpga):
    assert xio("-d", "dfl-fpga0", "poke", "0x80100", "0x1122334455667788", env=fpga.env).returncode == 0
    r = xio("-d", "dfl-fpga0", "peek", "0x80100", env=fpga.env)
    assert r.stdout == "0x1122334455667788\n"
    # the AFU memory (the mapped fast path) keeps what was written, across processes
    assert xio("-d", "dfl-fpga0", "poke", "-w", "32", "0x81000", "0xcafe", env=fpga.env).returncode == 0
    assert xio("-d", "dfl-fpga0", "peek", "-w", "32", "0x81000", env=fpga.env).stdout == "0x0000cafe\n"


def test_abbreviated_long_options_act_as_the_full_ones(edu):
    """getopt_long accepts --hel for --help: it must print help, not peek or poke."""
    r = xio("-d", "edu0", "poke", "-w", "32", "0x4", "0x1", "--hel", env=edu.env)
    assert r.returncode == 0 and "poke" in r.stdout
    assert xio("-d", "edu0", "peek", "-w", "32", "0x4", env=edu.env).stdout != "0xfffffffe\n"
    r = xio("-d", "edu0", "peek", "-w", "32", "0", "--js", env=edu.env)
    assert json.loads(r.stdout)["value"] == EDU_ID


def test_numbers_as_python_int(edu):
    r = xio("-d", "edu0", "peek", "-w", "32", " +0x0 ", env=edu.env)
    assert (r.returncode, r.stdout) == (0, EDU_ID + "\n")
    r = xio("-d", "edu0", "peek", "-w", "32", " -4", env=edu.env)
    assert r.returncode == 2 and "negative" in r.stderr
