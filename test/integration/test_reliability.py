# SPDX-License-Identifier: BSD-3-Clause
"""No peer can crash or hang XPDK (issue 13): a hostile client against xpdk-devsim, hostile
servers against xpdk-io, devsim's socket handling, and the messages a user sees. Each test
failed (crash, hang or wrong message) before its fix. Bounds are the documented timeouts plus a
generous margin for a loaded machine."""
import errno
import fcntl
import os
import socket
import stat
import struct
import subprocess
import time

import pytest

from conftest import BUILD, run
from devsim import DEVSIM, Devsim
from vfu_peer import Client, HostileServer, VfuError

XPDK_IO = os.path.join(BUILD, "app/xpdk-io/xpdk-io")
BENCH = os.path.join(BUILD, "app/xpdk-bench/xpdk-bench")
EDU_IRQ_RAISE, EDU_DMA_SRC, EDU_DMA_DST, EDU_DMA_COUNT, EDU_DMA_CMD = 0x60, 0x80, 0x88, 0x90, 0x98
TIMEOUT_S = 5  # xpdk-io's documented limit for a device to answer


@pytest.fixture
def sysfs(tmp_path):
    d = tmp_path / "sys"
    (d / "bus/pci/devices").mkdir(parents=True)
    return str(d)


def xio(sysfs, *args, timeout=60):
    env = dict(os.environ, XPDK_SYSFS=sysfs, XPDK_DEVSIM_DIR="/nonexistent-xpdk-devsim")
    return run([XPDK_IO, *args], timeout=timeout, env=env)


def devsim(tmp_path, *args):
    d = tmp_path / "devsim"
    d.mkdir(exist_ok=True)
    return Devsim(d, *args)


def alive(d):
    return d.proc.poll() is None


# ---- 1. BAR memory is sealed ------------------------------------------------------------------

def test_client_cannot_shrink_the_bar_memory_it_is_given(tmp_path):
    d = devsim(tmp_path, "--model", "dfl-fpga")
    try:
        c = Client(d.sock("dfl-fpga0"))
        reply, fds = c.call(5, struct.pack("<IIIIQQ", 4096, 0, 0, 0, 0, 0))
        assert fds, "BAR0 of dfl-fpga has a mappable part"
        fd = fds[0]
        # the sparse-mmap capability after the 32-byte head: the mappable area
        nr = struct.unpack_from("<I", reply, 32 + 8)[0]
        area_off, area_size = struct.unpack_from("<QQ", reply, 32 + 16)
        assert nr >= 1 and area_size > 0
        seals = fcntl.fcntl(fd, fcntl.F_GET_SEALS)
        assert seals & fcntl.F_SEAL_SHRINK and seals & fcntl.F_SEAL_GROW
        with pytest.raises(PermissionError):
            os.ftruncate(fd, 0)
        os.close(fd)
        # the device still reads its own memory (a SIGBUS would have killed devsim here)
        c.read(0, area_off, 8)
        c.close()
        assert alive(d), d.output()
    finally:
        d.stop()


# ---- 2. DMA memory truncated after DMA_MAP ----------------------------------------------------

def test_device_survives_dma_memory_truncated_after_map(tmp_path, sysfs):
    d = devsim(tmp_path, "--model", "edu")
    try:
        c = Client(d.sock("edu0"))
        mem = os.memfd_create("dma")
        os.ftruncate(mem, 8192)
        c.dma_map(0x10000, 8192, mem)
        c.bus_master()
        os.ftruncate(mem, 0)
        c.write64(0, EDU_DMA_SRC, 0x10000)
        c.write64(0, EDU_DMA_DST, 0x40000)
        c.write64(0, EDU_DMA_COUNT, 64)
        c.write64(0, EDU_DMA_CMD, 1)  # RAM -> device buffer: reads the truncated memory
        deadline = time.time() + 10
        while c.read32(0, EDU_DMA_CMD) & 1 and time.time() < deadline:
            time.sleep(0.01)
        assert not c.read32(0, EDU_DMA_CMD) & 1, "the transfer ends (failed), as on a fault"
        c.close()
        os.close(mem)
        assert alive(d), d.output()
        assert "truncated" in d.output()
        r = xio(sysfs, "-d", "vfio-user:" + d.sock("edu0"), "peek", "-w", "32", "0")
        assert r.returncode == 0 and r.stdout.strip() == "0x010000ed", r.stderr
    finally:
        d.stop()


# ---- 3. interrupts never block the device -----------------------------------------------------

def test_full_eventfd_does_not_hang_the_device_and_sigterm_works(tmp_path, sysfs):
    d = devsim(tmp_path, "--model", "edu")
    r_pipe, w_pipe = os.pipe()
    efd = os.eventfd(0)
    try:
        c = Client(d.sock("edu0"), timeout=10)
        with pytest.raises(VfuError) as e:
            c.set_irq(0, w_pipe)  # a pipe is not an eventfd
        assert e.value.err == errno.EINVAL
        os.eventfd_write(efd, 0xfffffffffffffffe)  # its largest count: one more write blocks
        c.set_irq(0, efd)
        c.write32(0, EDU_IRQ_RAISE, 1)  # answered: the device did not block signalling it
        c.close()
        r = xio(sysfs, "-d", "vfio-user:" + d.sock("edu0"), "peek", "-w", "32", "0", timeout=30)
        assert r.returncode == 0, r.stderr
        t0 = time.time()
        d.proc.send_signal(15)
        d.proc.wait(timeout=20)
        assert time.time() - t0 < 20
        assert not os.path.exists(d.sock("edu0"))
    finally:
        d.stop()
        for fd in (efd, r_pipe, w_pipe):
            os.close(fd)


# ---- 4. a full listen backlog -----------------------------------------------------------------

def test_full_backlog_makes_xpdk_io_give_up_in_time(tmp_path, sysfs):
    d = devsim(tmp_path, "--model", "edu")
    held = []
    try:
        busy = Client(d.sock("edu0"))  # the one client being served, idle
        while len(held) < 64:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect(d.sock("edu0"))
            except BlockingIOError:
                s.close()
                break
            held.append(s)
        t0 = time.time()
        r = xio(sysfs, "-d", "vfio-user:" + d.sock("edu0"), "peek", "-w", "32", "0", timeout=60)
        took = time.time() - t0
        assert r.returncode == 1, r.stderr
        assert "busy" in r.stderr
        assert took < TIMEOUT_S + 10
        busy.close()
    finally:
        for s in held:
            s.close()
        d.stop()


# ---- 5./6. hostile servers against xpdk-io ----------------------------------------------------

def test_trickling_server_is_bounded_by_the_timeout(tmp_path, sysfs):
    path = str(tmp_path / "slow.sock")
    srv = HostileServer(path, trickle_s=0.5)  # a VERSION reply of ~40 bytes: 20 s
    try:
        t0 = time.time()
        r = xio(sysfs, "-d", "vfio-user:" + path, "peek", "-w", "32", "0", timeout=120)
        assert r.returncode == 1
        assert "in time" in r.stderr or "within" in r.stderr, r.stderr
        assert time.time() - t0 < TIMEOUT_S + 10
    finally:
        srv.stop()


def test_short_region_fd_from_a_server_is_refused_not_a_crash(tmp_path, sysfs):
    path = str(tmp_path / "short.sock")
    srv = HostileServer(path, short_fd=True)
    try:
        r = xio(sysfs, "-d", "vfio-user:" + path, "peek", "-w", "32", "0")
        assert r.returncode == 1, (r.returncode, r.stderr)  # not -SIGBUS
        assert "too few for the mappable part" in r.stderr
    finally:
        srv.stop()


def test_server_einval_on_a_register_is_a_failed_access(tmp_path, sysfs):
    path = str(tmp_path / "einval.sock")
    srv = HostileServer(path, einval_bar0=True)
    try:
        r = xio(sysfs, "-d", "vfio-user:" + path, "peek", "-w", "32", "0")
        assert r.returncode == 1, r.stderr
        assert "read of 0x0 on" in r.stderr and "failed" in r.stderr
    finally:
        srv.stop()


# ---- 7. devsim's socket path ------------------------------------------------------------------

def start_devsim(*args):
    return subprocess.run([DEVSIM, *args], capture_output=True, text=True, timeout=30,
                          stdin=subprocess.DEVNULL)


def test_devsim_leaves_a_regular_file_alone(tmp_path):
    f = tmp_path / "precious"
    f.write_text("keep me")
    r = start_devsim("--model", "edu", "-s", str(f))
    assert r.returncode == 1
    assert "is a regular file, not a socket" in r.stderr
    assert f.read_text() == "keep me"


def test_devsim_does_not_take_over_a_live_socket_but_replaces_a_stale_one(tmp_path, sysfs):
    d = devsim(tmp_path, "--model", "edu")
    try:
        r = start_devsim("--model", "edu", "-s", d.sock("edu0"))
        assert r.returncode == 1
        assert "already listening" in r.stderr
        r = xio(sysfs, "-d", "vfio-user:" + d.sock("edu0"), "peek", "-w", "32", "0")
        assert r.returncode == 0, r.stderr  # the first server still has its socket
    finally:
        d.stop()
    stale = tmp_path / "stale.sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(stale))
    s.close()
    d2 = Devsim(tmp_path / "devsim", "--model", "edu", "-s", str(stale))
    try:
        assert stat.S_ISSOCK(os.lstat(stale).st_mode)
        r = xio(sysfs, "-d", "vfio-user:" + str(stale), "peek", "-w", "32", "0")
        assert r.returncode == 0, r.stderr
    finally:
        d2.stop()


@pytest.mark.parametrize("args,msg", [
    (["-s", ""], "--socket-path is empty"),
    (["--fd", "99"], "--fd 99: Bad file descriptor"),
    (["--fd", "0"], "--fd 0 is not a connected stream socket"),
    (["--name", ""], "is empty or has a '/'"),
    (["--name", "a/b"], "is empty or has a '/'"),
    (["-s", "/tmp/xpdk-dup.sock", "--model", "edu", "-s", "/tmp/xpdk-dup.sock"],
     "both use socket"),
    (["--socket-mode", "0999"], "not a mode in octal"),
    (["--socket-group", "no-such-group-xpdk"], "no such group"),
])
def test_devsim_refuses_bad_socket_options(args, msg):
    r = start_devsim("--model", "edu", *args)
    assert r.returncode == 2, r.stderr
    assert msg in r.stderr


# ---- 10. access for other users ---------------------------------------------------------------

def test_devsim_socket_mode_and_group(tmp_path):
    sock = tmp_path / "shared.sock"
    d = Devsim(tmp_path, "--model", "edu", "-s", str(sock), "--socket-mode", "0660",
               "--socket-group", str(os.getgid()))
    try:
        st = os.lstat(sock)
        assert stat.S_IMODE(st.st_mode) == 0o660
        assert st.st_gid == os.getgid()
    finally:
        d.stop()
    d = Devsim(tmp_path, "--model", "edu", "-s", str(sock))
    try:
        assert stat.S_IMODE(os.lstat(sock).st_mode) == 0o600  # the default stays private
    finally:
        d.stop()


# ---- 8. messages ------------------------------------------------------------------------------

def test_a_path_that_is_not_a_socket_is_named_as_what_it_is(tmp_path, sysfs):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reg = tmp_path / "file"
    reg.write_text("")
    for path, kind in ((tmp_path, "directory"), (fifo, "FIFO"), (reg, "regular file")):
        r = xio(sysfs, "-d", "vfio-user:" + str(path), "peek", "-w", "32", "0")
        assert r.returncode == 1
        assert "is not a vfio-user socket but a " + kind in r.stderr, r.stderr
        assert "stale" not in r.stderr


def test_stale_hint_does_not_assume_devsim(tmp_path, sysfs):
    stale = tmp_path / "other.sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(stale))
    s.close()
    r = xio(sysfs, "-d", "vfio-user:" + str(stale), "peek", "-w", "32", "0")
    assert "the socket is stale" in r.stderr and "xpdk-devsim" not in r.stderr


def test_bench_names_the_option_with_a_bad_value():
    r = run([BENCH, "-l", "0", "--", "dma", "-d", "vfio-user:/nonexistent", "--sizes", "0x"])
    assert r.returncode == 2
    assert "bad value '0x' for --sizes" in r.stderr


def test_bench_plot_to_an_unwritable_path_fails_without_writing_stdout(tmp_path):
    d = devsim(tmp_path, "--model", "dfl-fpga")
    try:
        r = subprocess.run([BENCH, "-l", "0", "--", "dma", "-d", "vfio-user:" + d.sock("dfl-fpga0"),
                            "--sizes", "64", "--time", "0.05", "--plot", "/nonexistent/x.png"],
                           capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
        assert r.returncode == 1
        assert b"/nonexistent/x.png" in r.stderr
        assert b"PNG" not in r.stdout
    finally:
        d.stop()
