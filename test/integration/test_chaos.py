# SPDX-License-Identifier: BSD-3-Clause
"""Chaos: random faults (doc/devsim.md's `faults=`, each request's with a small probability,
seeded) hit a dfl-fpga device while the host exerciser runs through fpga_hello and xpdk-bench
and xpdk-io walks it, for XPDK_CHAOS_SECONDS (default 30; CI keeps it at most 60, run it longer
by hand). Every run must end by itself within the documented timeout plus a margin, never by a
signal, and a failure must name the device. Afterwards devsim holds no more fds and no
hugepage mappings than before, no hugepage file is left behind, HugePages_Free is back, and a
healthy device in the same devsim works. The seed is printed; XPDK_CHAOS_SEED repeats a run."""
import glob
import os
import random
import subprocess
import time

from conftest import BUILD, run
from devsim import Devsim

BENCH = os.path.join(BUILD, "app/xpdk-bench/xpdk-bench")
FPGA_HELLO = os.path.join(BUILD, "examples/fpga_hello/fpga_hello")
XPDK_IO = os.path.join(BUILD, "app/xpdk-io/xpdk-io")
TIMEOUT_S = 5
MARGIN_S = 25
# per request (dma-fault: per device DMA access); hang costs a client its whole timeout
FAULTS = ("hang~0.002+slow=20~0.02+close~0.004+dma-map-error~0.01+dma-fault~0.02+"
          "corrupt=id~0.003+corrupt=size~0.003+corrupt=data~0.003+irq-storm=500~0.01")


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def hugepage_mappings(pid):
    """Mappings of @pid backed by huge pages (a client's DMA memory still mapped)."""
    with open("/proc/%d/smaps" % pid) as f:
        return sum(1 for line in f
                   if line.startswith("KernelPageSize:") and int(line.split()[1]) > 4)


def hugepages_free():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("HugePages_Free:"):
                return int(line.split()[1])
    return 0


def settle(check, want, seconds=20):
    """Poll @check() until it returns @want (devsim notices a client leaving asynchronously)."""
    deadline = time.time() + seconds
    got = check()
    while got != want and time.time() < deadline:
        time.sleep(0.2)
        got = check()
    return got


def run_client(argv, env, timeout):
    """run(), keeping the pid (EAL's hugepage file prefix is xpdk-PID)."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         stdin=subprocess.DEVNULL, env=env)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        err += "\n(killed by the test after %d s)" % timeout
    return p.pid, subprocess.CompletedProcess(argv, p.returncode, out, err)


def client(rng, dev):
    eal = ["-l", "0", "--"]
    return rng.choice([
        ("fpga_hello", [FPGA_HELLO, *eal, dev, "--size", rng.choice(["4K", "64K", "1M"])]),
        ("bench-dma", [BENCH, *eal, "dma", "-d", dev, "--engine", "he", "--sizes",
                       rng.choice(["64", "4K", "64K,1M"]), "--time", "0.05",
                       "--no-skeleton"]),
        ("walk", [XPDK_IO, "-d", dev, "walk"]),
    ])


def test_chaos(tmp_path):
    seconds = float(os.environ.get("XPDK_CHAOS_SECONDS", "30"))
    seed = int(os.environ.get("XPDK_CHAOS_SEED", str(random.SystemRandom().randrange(1 << 31))))
    print("chaos: seed %d (XPDK_CHAOS_SEED=%d repeats it), %.0f s" % (seed, seed, seconds))
    rng = random.Random(seed)
    free_before = hugepages_free()
    d = Devsim(tmp_path, "--model", "dfl-fpga", "--name", "chaos0", "--model-args",
               "faults=%s,fault_seed=%d" % (FAULTS, seed),
               "--model", "dfl-fpga", "--name", "healthy0")
    pid = d.proc.pid
    fds_before, huge_before = fd_count(pid), hugepage_mappings(pid)
    sock = d.sock("chaos0")
    env = dict(os.environ)
    runs, failed, problems, pids = 0, 0, [], []
    try:
        end = time.time() + seconds
        while time.time() < end:
            name, argv = client(rng, "vfio-user:" + sock)
            t = time.monotonic()
            cpid, r = run_client(argv, env, TIMEOUT_S + MARGIN_S + 30)
            took = time.monotonic() - t
            pids.append(cpid)
            runs += 1
            failed += r.returncode != 0
            what = "%s: rc %d in %.1f s: %s" % (" ".join(argv), r.returncode, took,
                                               r.stderr[-600:])
            if r.returncode < 0:
                problems.append("killed by a signal: " + what)
            elif took > TIMEOUT_S + MARGIN_S:
                problems.append("took too long: " + what)
            elif r.returncode != 0 and sock not in r.stderr:
                problems.append("the message does not name the device: " + what)
            assert d.proc.poll() is None, "devsim died:\n" + d.output()[-3000:]
        print("chaos: %d runs, %d failed by a fault" % (runs, failed))
        assert not problems, "seed %d:\n%s" % (seed, "\n".join(problems))

        # nothing left behind in devsim once the last client is gone
        assert settle(lambda: fd_count(pid), fds_before) == fds_before, \
            "seed %d: devsim's fds %d -> %d" % (seed, fds_before, fd_count(pid))
        assert settle(lambda: hugepage_mappings(pid), huge_before) == huge_before, \
            "seed %d: devsim still maps a client's hugepages" % seed
        # EAL runs --in-memory: a hugepage file would be a leak
        assert not [f for f in glob.glob("/dev/hugepages/*")
                    if any("xpdk-%d" % p in f for p in pids)]
        # the pool is shared with other programs: wait for it to come back
        assert settle(lambda: hugepages_free() >= free_before, True, 60), \
            "seed %d: HugePages_Free %d, was %d" % (seed, hugepages_free(), free_before)

        # a healthy device in the same server works
        r = run([FPGA_HELLO, "-l", "0", "--", "vfio-user:" + d.sock("healthy0"), "--size",
                 "1M"], timeout=60, env=env)
        assert r.returncode == 0 and "data identical" in r.stdout, r.stderr
    finally:
        rc = d.stop()
    assert rc == 0, d.output()[-3000:]
