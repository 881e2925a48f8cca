# SPDX-License-Identifier: BSD-3-Clause
"""xpdk-io's script and interactive modes against xpdk-devsim: opae.io-style scripts run
unchanged, errors where opae.io would return 0 or crash, and the console through a
pseudo-terminal (prompt, echo, multi-line statements, history, completion)."""
import os
import subprocess
import time

import pexpect
import pytest

from conftest import DEVSIM, SOURCE, XPDK_IO, run

SCRIPTS = os.path.join(os.path.dirname(__file__), "opae_scripts")


@pytest.fixture
def sims(tmp_path):
    """xpdk-devsim serving edu0 and dfl-fpga0 in a private directory."""
    log = open(tmp_path / "devsim.log", "w")
    p = subprocess.Popen([DEVSIM, "--model", "dfl-fpga", "--model", "edu", "--model-args",
                          "dma_mask=0xffffffffffff"], stdout=log, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, env=dict(os.environ, XPDK_DEVSIM_DIR=str(tmp_path)))
    deadline = time.time() + 10
    while not all(os.path.exists(tmp_path / s) for s in ("edu0.sock", "dfl-fpga0.sock")):
        assert time.time() < deadline and p.poll() is None, open(tmp_path / "devsim.log").read()
        time.sleep(0.02)
    yield tmp_path
    p.terminate()
    p.wait(timeout=10)


def xio(sims, *args, **kw):
    env = dict(os.environ, XPDK_DEVSIM_DIR=str(sims), HOME=str(sims))
    env.pop("PYTHONPATH", None)  # xpdk-io finds the package itself
    return run([XPDK_IO, *args], env=env, cwd=str(sims), **kw)


def script(name):
    return os.path.join(SCRIPTS, name)


def test_csr_script_runs_unchanged(sims):
    r = xio(sims, "-d", "dfl-fpga0", "-r", "0", script("csr_test.py"), "0x81000", "3")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["0xdeadbeef", "0x4000000010001000", "3 writes ok"]


def test_script_sys_exit_code_and_argv_untouched(sims, tmp_path):
    s = tmp_path / "argv.py"
    s.write_text("import sys\nprint(sys.argv)\nprint(__name__)\nsys.exit(int(sys.argv[1]))\n")
    r = xio(sims, "-d", "edu0", str(s), "3", "-d", "-h", "--json")
    assert r.returncode == 3, r.stderr
    assert r.stdout.splitlines() == [repr([str(s), "3", "-d", "-h", "--json"]), "__main__"]
    r = xio(sims, "-d", "edu0", "script", str(s), "0")  # opae.io 1.0's spelling
    assert r.returncode == 0 and "'0'" in r.stdout


def test_dfh_walk_script(sims):
    r = xio(sims, "-d", "dfl-fpga0", script("dfh_walk.py"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "offset: 0x0000, value: 0x4000000010001000, id: 0x0, type: 0x4"
    assert lines[-1].startswith("offset: 0x5000,") and len(lines) == 6


def test_buffer_script(sims):
    r = xio(sims, "-d", "edu0", script("buffers.py"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["4096 True True", "0xdecafbad", "4096", "64 0x5555 1"]


def test_device_and_region_script(sims):
    addr = "vfio-user:" + str(sims / "edu0.sock")
    r = xio(sims, "-d", addr, script("devices.py"), addr)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["True", "True 0", "0 True 0", "0x11e81234", "None None",
                                     "None", "0x10000ed xpdk-io"]


def test_without_a_device_builtins_raise_clearly(sims, tmp_path):
    s = tmp_path / "noregion.py"
    s.write_text("print(the_device)\nprint(read_csr(0))\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    env = dict(os.environ, XPDK_DEVSIM_DIR=str(empty))
    r = run([XPDK_IO, str(s)], env=env)
    assert r.returncode == 1
    assert r.stdout == "None\n"
    assert "no device open: start xpdk-io with -d ADDR" in r.stderr
    s.write_text("device('vfio-user:%s')\nprint(the_region)\npeek(0)\n" % (sims / "edu0.sock"))
    r = run([XPDK_IO, str(s)], env=env)
    assert r.returncode == 1 and "no region open: call region(N)" in r.stderr
    s.write_text("allocate_buffer(4096)\n")
    r = run([XPDK_IO, str(s)], env=env)
    assert r.returncode == 1 and "no device open" in r.stderr


def test_out_of_range_raises_instead_of_crashing(sims, tmp_path):
    s = tmp_path / "oops.py"
    s.write_text("read_csr(the_region.__len__())\n")
    r = xio(sims, "-d", "edu0", str(s))
    assert r.returncode == 1
    assert "out of range: region 0 is 0x100000 bytes" in r.stderr
    assert "Traceback" in r.stderr


def test_usage_errors(sims, tmp_path):
    r = xio(sims, "-d", "edu0", "missing.py")
    assert r.returncode == 2 and "'missing.py' does not exist" in r.stderr
    r = xio(sims, "-d", "nosuchdev", script("dfh_walk.py"))
    assert r.returncode == 2 and "unknown address 'nosuchdev'" in r.stderr
    r = xio(sims, "-w", "32", script("dfh_walk.py"))
    assert r.returncode == 2 and "not one of script and interactive modes'" in r.stderr
    r = xio(sims, "-d", "edu0", "-r", "5", script("dfh_walk.py"))
    assert r.returncode == 1 and "region 5 does not exist" in r.stderr


def test_a_missing_package_is_said_plainly(sims, tmp_path):
    """A copy of xpdk-io outside the build tree looks for the installed package."""
    copy = tmp_path / "xpdk-io"
    copy.write_bytes(open(XPDK_IO, "rb").read())
    copy.chmod(0o755)
    r = run([str(copy), "-d", str(sims / "edu0.sock"), script("dfh_walk.py")],
            env=dict(os.environ, XPDK_DEVSIM_DIR=str(sims)))
    installed = os.path.exists(os.path.join(r.stderr.split(" not in ")[-1].split(" (")[0],
                                            "xpdk", "io_shell.py")) if r.returncode else True
    if r.returncode != 0:
        assert "need XPDK's Python package, which is not in" in r.stderr
        assert "meson install" in r.stderr
    else:
        assert installed  # a package installed on this machine answered


def spawn(sims, *args):
    env = dict(os.environ, XPDK_DEVSIM_DIR=str(sims), HOME=str(sims), TERM="dumb")
    env.pop("PYTHONPATH", None)
    return pexpect.spawn(XPDK_IO, list(args), env=env, cwd=str(sims), encoding="utf-8",
                         timeout=30, dimensions=(24, 200))


def test_interactive_console(sims):
    c = spawn(sims, "-d", "edu0")
    c.expect(r"xpdk-io 0\.1\.0, Python 3\.\d+: edu0 \(1234:11e8, vfio-user\) region 0 open")
    c.expect_exact("edu0[0]>> ")
    c.sendline("hex(the_region.read32(0))")  # values are echoed
    c.expect_exact("'0x10000ed'")
    c.expect_exact("edu0[0]>> ")
    c.sendline("for i in range(3):")  # multi-line statements
    c.expect_exact("... ")
    c.sendline("    print('line', i * 7)")
    c.expect_exact("... ")
    c.sendline("")
    c.expect_exact("line 14")
    c.expect_exact("edu0[0]>> ")
    c.sendline("poke(0x80, 0x12345678abc)")  # edu's DMA source register: 64-bit
    c.expect_exact("edu0[0]>> ")
    c.sendline("peek(0x80)")
    c.expect_exact("0x12345678abc")
    c.sendline("read_csr(1 << 20)")  # an error does not end the console
    c.expect_exact("out of range")
    c.expect_exact("edu0[0]>> ")
    c.sendline("help")
    c.expect_exact("use help(topic) on the following topics:")
    c.sendline("device()")
    c.expect_exact("xpdk-io>> ")
    c.sendline("device('dfl-fpga0')")  # a devsim name is not a vfio-user address
    c.expect_exact("Errno")
    c.sendline("device('vfio-user:%s')" % (sims / "dfl-fpga0.sock"))
    c.expect_exact("vfio-user:%s>> " % (sims / "dfl-fpga0.sock"))
    c.sendline("region(0)")
    c.expect_exact("[0]>> ")
    c.sendline("the_reg\t")  # tab completion
    c.expect_exact("the_region")
    c.sendline("")
    c.expect_exact("[0]>> ")
    c.sendline("quit")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0
    history = open(sims / ".xpdk_io_history").read()
    assert "peek(0x80)" in history and "print('line', i * 7)" in history


def test_interactive_without_a_device_and_eof(sims, tmp_path):
    empty = tmp_path / "none"
    empty.mkdir()
    c = spawn(empty, "-r", "0")
    c.expect_exact("no device open: no accelerator bound to vfio-pci and no running devsim")
    c.expect_exact("xpdk-io>> ")
    c.sendline("read_csr(0)")
    c.expect_exact("no device open")
    c.sendline("version()")
    c.expect_exact("('xpdk-io', 0, 1, 0)")
    c.sendeof()
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0


def test_interactive_exit_status(sims):
    c = spawn(sims, "-d", "edu0")
    c.expect_exact("edu0[0]>> ")
    c.sendline("sys.exit(5)")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 5
