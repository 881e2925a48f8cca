# SPDX-License-Identifier: BSD-3-Clause
"""The emulated DPA's NIC on a real interface: examples/dpa_packet_processor echoes the frames
of a TAP interface with MAC addresses swapped.

Each test makes its own network namespace with a TAP interface in it, runs xpdk-devsim's dpa
model there (tap=NAME), runs the packet processor against it, and sends frames into the
interface from inside the namespace (dpa_net_peer.py, raw AF_PACKET sockets). Nothing touches
the machine's own interfaces; the namespace goes away at the end, also on failure.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import BUILD, run

DEVSIM = os.path.join(BUILD, "app/xpdk-devsim/xpdk-devsim")
PP = os.path.join(BUILD, "examples/dpa_packet_processor/dpa_packet_processor")
PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dpa_net_peer.py")
TAP = "dpatap0"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None or not os.path.exists("/dev/net/tun"),
    reason="needs root, ip(8) and /dev/net/tun for a network namespace with a TAP interface")


def ip(*args):
    r = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, f"ip {' '.join(args)}: {r.stderr}"


@pytest.fixture
def netns():
    ns = f"xpdk-dpanet-{os.getpid()}-{int(time.time() * 1000) % 100000}"
    ip("netns", "add", ns)
    try:
        # no IPv6 chatter (router solicitations) on the test's wire
        subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw",
                        "net.ipv6.conf.all.disable_ipv6=1",
                        "net.ipv6.conf.default.disable_ipv6=1"], check=True, timeout=30)
        ip("-n", ns, "tuntap", "add", "dev", TAP, "mode", "tap")
        ip("-n", ns, "link", "set", TAP, "mtu", "9000", "up")
        yield ns
    finally:
        subprocess.run(["ip", "netns", "del", ns], timeout=30)


class Processor:
    """xpdk-devsim (dpa, tap=) inside @p ns and dpa_packet_processor against it."""

    def __init__(self, tmp_path, ns, *pp_args):
        self.sockdir = str(tmp_path)
        self.log = open(os.path.join(self.sockdir, "devsim.log"), "w+")
        self.devsim = subprocess.Popen(
            ["ip", "netns", "exec", ns, DEVSIM, "--model", "dpa", "--model-args",
             f"eus=2,spin_us=20,tap={TAP}"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=dict(os.environ, XPDK_DEVSIM_DIR=self.sockdir))
        self.pp = None
        deadline = time.time() + 10
        while "ready" not in self.devsim_output():
            assert self.devsim.poll() is None and time.time() < deadline, \
                "xpdk-devsim did not start:\n" + self.devsim_output()
            time.sleep(0.02)
        self.pp = subprocess.Popen([PP, "vfio-user:" + os.path.join(self.sockdir, "dpa0.sock"),
                                    *pp_args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        line = self.pp.stdout.readline()
        assert "ready" in line, line + self.pp.stderr.read() + self.devsim_output()

    def devsim_output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def finish(self):
        """Close the processor's stdin: it prints its counters and tears down."""
        out, err = self.pp.communicate(timeout=30)
        assert self.pp.returncode == 0, out + err + self.devsim_output()
        counters = {}
        for line in out.splitlines():
            m = re.match(r"(handler|rq 0x[0-9a-f]+|sq 0x[0-9a-f]+|port): (.*)", line)
            if m:
                kv = m.group(2).split()
                counters[m.group(1).split()[0]] = {
                    k: int(v, 0) for k, v in zip(kv[::2], kv[1::2])}
        return counters, out

    def stop(self):
        if self.pp is not None and self.pp.poll() is None:
            self.pp.kill()
            self.pp.wait()
        if self.devsim.poll() is None:
            self.devsim.send_signal(signal.SIGTERM)
            try:
                self.devsim.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.devsim.kill()
                self.devsim.wait()


@pytest.fixture
def processor(tmp_path, netns):
    p = Processor(tmp_path, netns)
    yield p
    p.stop()


def peer(ns, sizes, *args, timeout=120):
    r = run(["ip", "netns", "exec", ns, sys.executable, PEER, TAP, sizes, *args],
            timeout=timeout)
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(r.stdout)


def test_every_frame_comes_back_with_macs_swapped(processor, netns):
    sizes = "60x20,64x20,128x10,512x10,1514x20,9014x10"
    res = peer(netns, sizes)
    c, out = processor.finish()
    assert res["received"] == res["sent"] == 90, (res, out)
    assert res["wrong"] == 0 and res["duplicates"] == 0, res
    assert c["handler"]["rx"] == 90 and c["handler"]["tx"] == 90, out
    assert c["rq"]["packets"] == 90 and c["rq"]["bytes"] == res["bytes"], out
    assert c["sq"]["packets"] == 90 and c["sq"]["bytes"] == res["bytes"], out
    assert c["rq"]["dropped"] == 0 and c["sq"]["errors"] == 0, out
    assert c["port"]["rx_packets"] == 90 and c["port"]["tx_packets"] == 90, out


def test_bursts_lose_and_duplicate_nothing(processor, netns):
    res = peer(netns, "64x2000,1514x400", "--burst", "128")
    c, out = processor.finish()
    assert res["received"] == res["sent"] == 2400, (res, out)
    assert res["wrong"] == 0 and res["duplicates"] == 0, res
    assert c["rq"]["packets"] == 2400 and c["rq"]["dropped"] == 0, out
    assert c["sq"]["packets"] == 2400, out


def test_malformed_wqe_gives_a_syndrome_cqe_and_no_frame(processor, netns):
    res = peer(netns, "64x5", "--bad", "1")
    c, out = processor.finish()
    assert res["received"] == 5 and res["wrong"] == 0, (res, out)  # no reply to the bad one
    assert c["handler"]["rx"] == 6, out
    assert c["handler"]["tx_err_cqes"] == 1, out
    assert c["handler"]["last_syndrome"] == 0x04, out  # local protection: bad memory key
    assert c["sq"]["errors"] == 1 and c["sq"]["packets"] == 5, out


def test_moderation_by_count_holds_frames_until_the_fourth(tmp_path, netns):
    """-m 4,0: the handler wakes once per four receive CQEs."""
    p = Processor(tmp_path, netns, "-m", "4,0")
    try:
        res = peer(netns, "64x8", "--gap", "0.3")
        c, out = p.finish()
        rtt = res["rtt"]
        assert res["received"] == 8 and res["wrong"] == 0, (res, out)
        # frames 1-3 of each group wait for the 4th, sent 0.9, 0.6, 0.3 s later
        for group in (rtt[0:4], rtt[4:8]):
            assert group[0] > 0.8 and group[1] > 0.5 and group[2] > 0.2, rtt
            assert group[3] < 0.2, rtt
        assert c["handler"]["activations"] <= 3, out  # 2 groups (+1: a wake-up race)
    finally:
        p.stop()


def test_moderation_by_period_delays_a_lone_frame(tmp_path, netns):
    """-m 0,50000: a lone frame is answered 50 ms after it arrived, not before."""
    p = Processor(tmp_path, netns, "-m", "0,50000")
    try:
        res = peer(netns, "64x3", "--gap", "0.3")
        c, out = p.finish()
        assert res["received"] == 3 and res["wrong"] == 0, (res, out)
        assert all(0.045 < x < 0.28 for x in res["rtt"]), res["rtt"]
    finally:
        p.stop()


def test_a_second_processor_finds_the_port_free(tmp_path, netns):
    """The RQ that owned the port's receive side goes with its process."""
    p = Processor(tmp_path, netns)
    try:
        p.finish()
        p.pp = subprocess.Popen([PP, "vfio-user:" + os.path.join(p.sockdir, "dpa0.sock")],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert "ready" in p.pp.stdout.readline()
        res = peer(netns, "64x10")
        c, out = p.finish()
        assert res["received"] == 10, (res, out, p.devsim_output())
        assert c["rq"]["packets"] == 10, out
    finally:
        p.stop()


BENCH = os.path.join(BUILD, "app/xpdk-bench/xpdk-bench")


@pytest.mark.skipif(shutil.which("dpdk-testpmd") is None, reason="needs dpdk-testpmd (dpdk)")
def test_bench_dpa_net_runs_both_forwarders(tmp_path, netns):
    """xpdk-bench dpa-net: the processor and testpmd macswap, every reply checked."""
    d = subprocess.Popen(
        ["ip", "netns", "exec", netns, DEVSIM, "--model", "dpa", "--model-args",
         f"eus=2,tap={TAP}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL, env=dict(os.environ, XPDK_DEVSIM_DIR=str(tmp_path)))
    try:
        sock = os.path.join(str(tmp_path), "dpa0.sock")
        deadline = time.time() + 10
        while not os.path.exists(sock) and time.time() < deadline:
            time.sleep(0.05)
        r = run(["ip", "netns", "exec", netns, BENCH, "-l", "0", "--", "dpa-net", "-d",
                 "vfio-user:" + sock, "--dpa-if", TAP, "--testpmd-if", "xbtpmd0",
                 "-s", "64,1500", "-t", "0.3", "-r", "1", "--json"], timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        res = json.loads(r.stdout)
        assert [(x["forwarder"], x["size"]) for x in res["rounds"]] == [
            ("dpa", 64), ("testpmd", 64), ("dpa", 1500), ("testpmd", 1500)]
        for x in res["rounds"]:
            assert x["received"] > 0 and x["wrong"] == 0 and x["pps"] > 0, x
    finally:
        d.send_signal(signal.SIGTERM)
        d.wait(timeout=10)
