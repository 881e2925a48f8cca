# SPDX-License-Identifier: BSD-3-Clause
"""DMA to a vfio-user device in every EAL memory mode XPDK accepts (doc/memory.md): xpdk-bench
runs devsim's host exerciser over buffers of several hugepages, so each copy crosses page seams
(file seams with one file per page), and checks the data the device moved before it measures.
Before per-extent DMA maps, --in-memory without --single-file-segments failed here ("the
vfio-user server refused DMA_MAP", then an exerciser read fault)."""
import glob
import json
import os
import shutil

import pytest

from conftest import BUILD, run
from devsim import Devsim

BENCH = os.path.join(BUILD, "app/xpdk-bench/xpdk-bench")
PREFIX = "xpdk-it-mem-%d" % os.getpid()

MODES = {
    "default": [],  # XPDK's: --in-memory --single-file-segments
    "in-memory": ["--in-memory"],
    "file-per-page": ["--file-prefix=" + PREFIX, "--huge-unlink"],
    "single-file": ["--file-prefix=" + PREFIX, "--single-file-segments"],
    "legacy-mem": ["--legacy-mem", "-m", "64"],
    "no-huge": ["--no-huge", "-m", "256"],
}


@pytest.fixture(scope="module")
def devsim(tmp_path_factory):
    d = Devsim(tmp_path_factory.mktemp("mem"), "--model", "dfl-fpga")
    yield d
    d.stop()


def remove_prefix_leftovers():
    """What EAL leaves for a --file-prefix we chose: its runtime dir, hugetlbfs files."""
    for d in ("/var/run/dpdk", os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")):
        shutil.rmtree(os.path.join(d, PREFIX), ignore_errors=True)
    with open("/proc/mounts") as f:
        for line in f:
            fields = line.split()
            if len(fields) > 2 and fields[2] == "hugetlbfs":
                for path in glob.glob(os.path.join(fields[1], PREFIX + "*")):
                    os.unlink(path)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("op", ["copy", "read", "write"])
def test_exerciser_dma_over_page_seams(devsim, mode, op):
    try:
        r = run([BENCH, "-l", "0", *MODES[mode], "--", "dma", "-d",
                 "vfio-user:" + devsim.sock("dfl-fpga0"), "--engine", "xpdk-he", "--mode", op,
                 "--sizes", "64,3M", "--time", "0.02", "--json"], timeout=120)
    finally:
        remove_prefix_leftovers()
    assert r.returncode == 0, r.stderr + devsim.output()
    assert "refused DMA_MAP" not in r.stderr
    doc = json.loads(r.stdout)
    assert [row["bytes"] for row in doc["results"]] == [64, 3 << 20]
    assert all(row["iterations"] > 0 for row in doc["results"])
