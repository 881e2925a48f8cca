# SPDX-License-Identifier: BSD-3-Clause
"""The demo program end to end: environment up, DMA buffers shown, memcpy checked, nothing left
behind so that a second run works at once."""
import glob
import json
import os
import subprocess

from conftest import BUILD, run

DMA_HELLO = os.path.join(BUILD, "examples/dma_hello/dma_hello")


def leftovers(pid):
    """What a dma_hello process with this pid could leave: its runtime directory and hugepage
    files (other tests run at the same time, so only this process's own are looked at)."""
    return sorted(glob.glob("/var/run/dpdk/xpdk-%d" % pid) +
                  glob.glob("/dev/hugepages/*xpdk-%d*" % pid))


def test_demo_runs_twice_and_leaves_nothing():
    for _ in range(2):
        p = subprocess.Popen([DMA_HELLO, "-l", "0", "--", "--count", "3", "--size", "2M"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             stdin=subprocess.DEVNULL)
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        assert "memcpy check: OK (2 copies of 2097152 bytes, 0 mismatched)" in out
        assert out.count("iova 0x") == 3
        assert "fd " in out  # hugepage memory is shareable by fd
        assert leftovers(p.pid) == []


def test_demo_json_without_hugepages():
    r = run([DMA_HELLO, "-l", "0", "--no-huge", "-m", "64", "--", "--json", "-s", "4K"])
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["hugepages"] is False
    assert doc["memcpy_check"] == "OK"
    assert len(doc["buffers"]) == 2
    assert all(int(b["iova"], 16) != 0 for b in doc["buffers"])


def test_demo_usage_errors_exit_2():
    r = run([DMA_HELLO, "--no-huge", "-l", "0", "--", "--size", "lots"])
    assert r.returncode == 2
    assert "'lots' is not a size" in r.stderr
    r = run([DMA_HELLO, "--no-huge", "-l", "0", "--", "--count", "1"])
    assert r.returncode == 2
    r = run([DMA_HELLO, "--no-huge", "-l", "0", "--", "--help"])
    assert r.returncode == 0 and "Usage:" in r.stdout


def test_demo_without_hugepages_says_how_to_fix(tmp_path):
    hp = tmp_path / "kernel/mm/hugepages/hugepages-2048kB"
    hp.mkdir(parents=True)
    (hp / "free_hugepages").write_text("0\n")
    r = run([DMA_HELLO, "-l", "0"], env=dict(os.environ, XPDK_SYSFS=str(tmp_path)))
    assert r.returncode == 1
    assert "no free hugepages" in r.stderr
    assert "devtools/hugepages.sh" in r.stderr
