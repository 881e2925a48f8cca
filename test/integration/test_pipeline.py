# SPDX-License-Identifier: BSD-3-Clause
"""examples/pipeline against devsim's dfl-fpga model, in polled and interrupt mode, with every
buffer's data checked by the pipeline's stage 3; and lib/poll's statistics read while it runs
with DPDK's own telemetry client, dpdk-telemetry.py. No timing assertion: only counts."""
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import BUILD, run
from devsim import Devsim

PIPELINE = os.path.join(BUILD, "examples/pipeline/pipeline")
TELEMETRY = shutil.which("dpdk-telemetry.py")


@pytest.fixture
def fpga(tmp_path):
    d = Devsim(tmp_path, "--model", "dfl-fpga")
    d.name = "vfio-user:" + d.sock("dfl-fpga0")
    yield d
    d.stop()


def handler_rows(out):
    """The per-handler table: name -> (lcore, kind, calls, busy, items, errors)."""
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^(\S+)\s+(\d+)\s+(plain|ring|event|timer)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s",
                     line)
        if m:
            rows[m.group(1)] = (int(m.group(2)), m.group(3), *map(int, m.group(4, 5, 6, 7)))
    return rows


@pytest.mark.parametrize("mode", ["polled", "interrupt"])
def test_pipeline_moves_and_checks_every_buffer(fpga, mode):
    args = [PIPELINE, "-l", "0,1", "--", fpga.name, "--count", "3000", "--buffers", "32"]
    if mode == "interrupt":
        args.append("--interrupt")
    r = run(args, timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr + fpga.output()
    assert "stage 2 on lcore 1, %s mode" % mode in r.stdout
    assert ("3000 buffers of 4096 bytes through the host exerciser (%s completion)" % mode
            in r.stdout)
    assert "data: 3000 buffers checked, 0 mismatched: every word as written" in r.stdout
    rows = handler_rows(r.stdout)
    done = "he-irq" if mode == "interrupt" else "he-complete"
    assert set(rows) == {"fill", "he-submit", done, "check", "progress"}
    for name in ("fill", "he-submit", done, "check"):
        assert rows[name][4] == 3000, name  # items
        assert rows[name][5] == 0, name  # errors
    assert rows["he-submit"][0] == 1 and rows["fill"][0] == 0 and rows["check"][0] == 0
    assert rows["check"][1] == "ring" and rows["check"][3] <= 3000  # bursts
    if mode == "interrupt":
        assert rows["he-irq"][1] == "event" and rows["he-irq"][2] == 3000  # one per run
        sleeps = [int(m.group(1)) for m in re.finditer(r"^[01]\s+\d+\s+\d+\s+\S+%\s+(\d+)",
                                                       r.stdout, re.M)]
        assert len(sleeps) == 2 and sum(sleeps) > 0  # idle lcores slept


def test_pipeline_single_lcore_and_bad_usage(fpga):
    r = run([PIPELINE, "-l", "0", "--", fpga.name, "--count", "500", "--interrupt"], timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "stages 1 and 3 on lcore 0, stage 2 on lcore 0" in r.stdout
    assert "data: 500 buffers checked, 0 mismatched" in r.stdout
    r = run([PIPELINE, "-l", "0", "--", fpga.name, "--size", "100"])
    assert r.returncode == 2 and "bad value '100' for --size" in r.stderr


def telemetry(prefix, *cmds):
    r = subprocess.run([TELEMETRY, "-f", prefix], input="\n".join(cmds) + "\n",
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]


@pytest.mark.skipif(TELEMETRY is None, reason="dpdk-telemetry.py missing (Debian package dpdk-dev)")
def test_statistics_through_dpdk_telemetry(fpga, tmp_path):
    out = open(tmp_path / "pipeline.out", "w+")
    p = subprocess.Popen([PIPELINE, "-l", "0,1", "--", fpga.name, "--count", "0",
                          "--duration", "120", "--interrupt"],
                         stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        prefix = None
        deadline = time.time() + 60
        while prefix is None and time.time() < deadline and p.poll() is None:
            out.seek(0)
            m = re.search(r"dpdk-telemetry.py -f (\S+)", out.read())
            prefix = m.group(1) if m else None
            time.sleep(0.05)
        assert prefix == "xpdk-%d" % p.pid, out.read()
        # wait for traffic: the check stage has seen buffers
        while True:
            (h,) = telemetry(prefix, "/xpdk/poll/handler,check")
            if h["/xpdk/poll/handler"]["items"] > 0 or time.time() > deadline:
                break
            time.sleep(0.1)
        lcores, names, check, irq, missing = telemetry(
            prefix, "/xpdk/poll/lcores", "/xpdk/poll/handlers", "/xpdk/poll/handler,check",
            "/xpdk/poll/handler,he-irq", "/xpdk/poll/handler,nosuch")
        lc = lcores["/xpdk/poll/lcores"]
        assert set(lc) == {"0", "1"}
        for k in ("0", "1"):
            assert lc[k]["running"] == 1 and lc[k]["interrupt"] == 1
            assert lc[k]["iterations"] > 0 and 0 <= float(lc[k]["utilisation"]) <= 1
        assert lc["0"]["handlers"] == 3 and lc["1"]["handlers"] == 2
        assert sorted(names["/xpdk/poll/handlers"]) == sorted(
            ["fill", "check", "progress", "he-submit", "he-irq"])
        c = check["/xpdk/poll/handler"]
        assert c["name"] == "check" and c["kind"] == "ring" and c["lcore"] == 0
        assert c["burst"] == 32 and c["items"] > 0 and c["errors"] == 0 and c["disabled"] == 0
        i = irq["/xpdk/poll/handler"]
        assert i["kind"] == "event" and i["lcore"] == 1 and i["calls"] > 0
        assert missing["/xpdk/poll/handler"] is None
    finally:
        p.send_signal(signal.SIGINT)  # the pipeline drains and reports
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    out.seek(0)
    text = out.read()
    assert p.returncode == 0, text + fpga.output()
    assert re.search(r"data: (\d+) buffers checked, 0 mismatched", text)
