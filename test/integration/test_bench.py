# SPDX-License-Identifier: BSD-3-Clause
"""xpdk-bench smoke test: tiny runs against devsim's dfl-fpga and edu that check that every
figure is produced, parses, and is sane (positive, finite ratios, ordered percentiles). It does
not check performance targets: those are benchmarks (devtools/bench.sh, doc/performance.md)."""
import csv
import io
import json
import math
import os
import shutil

import pytest

from conftest import BUILD, run
from devsim import Devsim

BENCH = os.path.join(BUILD, "app/xpdk-bench/xpdk-bench")
WIDE = "0xffffffffffff"


@pytest.fixture(scope="module")
def devsim(tmp_path_factory):
    d = Devsim(tmp_path_factory.mktemp("bench"), "--model", "dfl-fpga", "--model", "edu",
               "--model-args", "dma_mask=" + WIDE, "--model", "dfl-fpga", "--name",
               "counter0", "--model-args", "afu=counter", "--model", "dfl-fpga", "--name", "helb0",
               "--model-args", "afu=he-lb")
    yield d
    d.stop()


def bench(*args, timeout=120):
    return run([BENCH, "-l", "0", "--", *args], timeout=timeout)


def check_lat(lat):
    assert lat["samples"] > 0
    assert 0 <= lat["min"] <= lat["p50"] <= lat["p99"] <= lat["p99_9"] <= lat["max"]
    assert lat["max"] > 0


def finite_positive(v):
    return v is not None and math.isfinite(v) and v > 0


def test_mmio_fast_path_against_volatile_baseline(devsim):
    r = bench("mmio", "-d", "vfio-user:" + devsim.sock("dfl-fpga0"), "--count", "200000",
              "--op", "rw", "--json")
    assert r.returncode == 0, r.stderr + devsim.output()
    doc = json.loads(r.stdout)
    assert doc["offset"] == 0x81000  # the AFU's mapped memory, by default
    paths = {p["path"]: p for p in doc["paths"]}
    assert set(paths) == {"raw-volatile", "xpdk-fast"}
    for p in paths.values():
        assert p["ops"] >= 200000 and p["ops_per_s"] > 0
        check_lat(p["latency_ns"])
    assert finite_positive(doc["ratio"])


@pytest.mark.parametrize("dev,offset", [("dfl-fpga0", 0x80100), ("edu0", 0x4)])
def test_mmio_trapped_latency(devsim, dev, offset):
    r = bench("mmio", "-d", "vfio-user:" + devsim.sock(dev), "--trapped", "--count", "200",
              "--op", "rw", "--json")
    assert r.returncode == 0, r.stderr + devsim.output()
    doc = json.loads(r.stdout)
    assert doc["offset"] == offset and doc["trapped"]
    (p,) = doc["paths"]
    assert p["ops"] == 200 and p["ops_per_s"] > 0
    check_lat(p["latency_ns"])
    assert p["latency_ns"]["p50"] > 1000  # a message round trip is microseconds, not cycles


def test_mmio_table_and_csv(devsim):
    sock = "vfio-user:" + devsim.sock("dfl-fpga0")
    r = bench("mmio", "-d", sock, "--count", "100000")
    assert r.returncode == 0, r.stderr
    assert "xpdk-fast" in r.stdout and "ratio xpdk-fast / raw-volatile" in r.stdout
    r = bench("mmio", "-d", sock, "--count", "100000", "--csv", "--width", "32")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["path"] for row in rows] == ["raw-volatile", "xpdk-fast"]
    assert finite_positive(float(rows[1]["ratio"]))


def check_dma_rows(doc, sizes, skeleton):
    assert [row["bytes"] for row in doc["results"]] == sizes
    for row in doc["results"]:
        assert row["iterations"] > 0
        for key in ("bw_gbps", "mpps", "baseline_gbps", "ratio_baseline"):
            assert finite_positive(row[key]), (key, row)
        check_lat(row["latency_ns"])
        if skeleton:
            for key in ("skeleton_gbps", "skeleton_mpps", "ratio_skeleton",
                        "ratio_skeleton_ops"):
                assert finite_positive(row[key]), (key, row)


def test_dma_host_exerciser_copy_with_both_baselines(devsim):
    r = bench("dma", "-d", "vfio-user:" + devsim.sock("dfl-fpga0"), "--sizes", "64,4K,64K",
              "--time", "0.05", "--json")
    assert r.returncode == 0, r.stderr + devsim.output()
    doc = json.loads(r.stdout)
    assert doc["engine"] == "xpdk-he" and doc["mode"] == "copy" and doc["baseline"] == "memcpy"
    check_dma_rows(doc, [64, 4096, 65536], skeleton=True)
    for row in doc["results"]:
        assert row["repeat"] >= 1 and finite_positive(row["device_bw_gbps"])


@pytest.mark.parametrize("mode", ["read", "write"])
def test_dma_host_exerciser_read_write(devsim, mode):
    r = bench("dma", "-d", "vfio-user:" + devsim.sock("dfl-fpga0"), "--sizes", "256",
              "--time", "0.05", "--mode", mode, "--csv")
    assert r.returncode == 0, r.stderr + devsim.output()
    (row,) = list(csv.DictReader(io.StringIO(r.stdout)))
    assert float(row["bw_gbps"]) > 0 and float(row["ratio_baseline"]) > 0
    assert row["skeleton_gbps"] == ""  # dma_skeleton only copies


def test_dma_edu_engine(devsim):
    r = bench("dma", "-d", "vfio-user:" + devsim.sock("edu0"), "--sizes", "64,4K",
              "--time", "0.05", "--dma-mask", WIDE, "--json")
    assert r.returncode == 0, r.stderr + devsim.output()
    doc = json.loads(r.stdout)
    assert doc["engine"] == "edu"
    check_dma_rows(doc, [64, 4096], skeleton=False)


@pytest.mark.parametrize("dev,other,engine", [("dfl-fpga0", "edu", "xpdk-he"),
                                              ("edu0", "he-lb", "edu"),
                                              ("helb0", "xpdk-he", "he-lb")])
def test_dma_engine_is_the_drivers(devsim, dev, other, engine):
    """The engine comes from the driver's ops; --engine only checks its name."""
    sock = "vfio-user:" + devsim.sock(dev)
    r = bench("dma", "-d", sock, "--engine", other, "--sizes", "64", "--time", "0.05",
              "--dma-mask", WIDE, "--no-skeleton")
    assert r.returncode == 2, r.stderr
    assert "offers the '%s' engine" % engine in r.stderr
    r = bench("dma", "-d", sock, "--engine", engine, "--sizes", "64", "--time", "0.05",
              "--dma-mask", WIDE, "--no-skeleton", "--json")
    assert r.returncode == 0, r.stderr + devsim.output()
    assert json.loads(r.stdout)["engine"] == engine


def test_device_without_engine_or_scratch_register_is_told_clearly(devsim):
    """dfl-fpga with the counter AFU: the driver has neither an exerciser nor a known scratch."""
    sock = "vfio-user:" + devsim.sock("counter0")
    r = bench("dma", "-d", sock, "--sizes", "64", "--time", "0.05", "--no-skeleton")
    assert r.returncode == 2
    assert "not XPDK's test exerciser" in r.stderr, r.stderr
    r = bench("mmio", "-d", sock, "--trapped", "--count", "10")
    assert r.returncode == 2
    assert "no scratch register" in r.stderr and "give --offset" in r.stderr, r.stderr
    # with an offset it measures (the counter AFU's scratch at 0x100)
    r = bench("mmio", "-d", sock, "--trapped", "--count", "10", "--offset", "0x80100", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["paths"][0]["ops"] == 10


def test_dma_table_and_plot(devsim, tmp_path):
    png = tmp_path / "dma.png"
    args = ["dma", "-d", "vfio-user:" + devsim.sock("dfl-fpga0"), "--sizes", "64,1K",
            "--time", "0.05"]
    if shutil.which("gnuplot"):
        args += ["--plot", str(png)]
    r = bench(*args)
    assert r.returncode == 0, r.stderr
    head = r.stdout.splitlines()[4].split()
    assert head[:4] == ["#bytes", "#iterations", "BW[GB/s]", "MsgRate"]
    rows = [line.split() for line in r.stdout.splitlines() if line[:1].isdigit()]
    assert [row[0] for row in rows] == ["64", "1024"]
    if shutil.which("gnuplot"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_usage_errors_and_help(devsim):
    r = run([BENCH, "--", "dma", "--help"])
    assert r.returncode == 0 and "--sizes" in r.stdout
    r = run([BENCH, "--help"])
    assert r.returncode == 0 and "mmio" in r.stdout
    assert bench("mmio").returncode == 2  # no device
    assert bench("frobnicate").returncode == 2
    r = bench("dma", "-d", "vfio-user:" + devsim.sock("dfl-fpga0"), "--sizes", "100")
    assert r.returncode == 2 and "multiples of 64" in r.stderr
    r = bench("dma", "-d", "vfio-user:" + devsim.sock("edu0"), "--sizes", "8K")
    assert r.returncode == 2 and "up to 4K" in r.stderr
    r = bench("mmio", "-d", "vfio-user:" + devsim.sock("edu0"))
    assert r.returncode == 2 and "--trapped" in r.stderr  # edu's BAR0 is all trapped
    r = bench("mmio", "-d", "vfio-user:" + devsim.sock("nothing"))
    assert r.returncode == 1 and "no vfio-user socket" in r.stderr


def bench_poll(*args):
    return run([BENCH, "-l", "0,1", "--", "poll", "--time", "0.2", "--samples", "50",
                "--idle-time", "0.2", *args], timeout=120)


def test_poll_figures_and_baselines():
    r = bench_poll("--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["command"] == "poll" and doc["burst"] == 32 and doc["sync"] == "sp"
    assert (doc["producer_lcore"], doc["consumer_lcore"]) == (0, 1)
    rows = {row["name"]: row for row in doc["results"]}
    assert list(rows) == [
        "ring->handler, burst 32", "empty poll, 1 handler", "empty poll, 8 handlers",
        "empty poll, 64 handlers", "wake-up p50, interrupt mode", "wake-up p99, interrupt mode",
        "idle CPU, interrupt mode"]
    for name, row in rows.items():
        assert row["baseline_name"], name
        if name.startswith("idle CPU"):
            assert row["value"] is not None and row["value"] >= 0
            assert row["baseline"] > 0  # a polled lcore spins
        else:
            assert finite_positive(row["value"]) and finite_positive(row["baseline"]), name
            assert finite_positive(row["ratio"]), name
    assert rows["ring->handler, burst 32"]["unit"] == "Mitems/s"
    assert rows["wake-up p50, interrupt mode"]["value"] <= rows["wake-up p99, interrupt mode"][
        "value"]
    for name in ("ring->handler, burst 32", "empty poll, 1 handler",
                 "wake-up p50, interrupt mode", "idle CPU, interrupt mode"):
        assert rows[name]["met"] in (True, False) and rows[name]["target"]


def test_poll_csv_table_and_one_lcore():
    r = bench_poll("--csv", "--sync", "hts", "--burst", "8")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows[0]["name"] == "ring->handler, burst 8" and float(rows[0]["ratio"]) > 0
    assert len(rows) == 7
    r = bench_poll()
    assert r.returncode == 0, r.stderr
    assert "raw rte_ring loop" in r.stdout and "empty poll, 64 handlers" in r.stdout
    r = run([BENCH, "-l", "0", "--", "poll", "--time", "0.2", "--json"], timeout=60)
    assert r.returncode == 0, r.stderr
    assert "only the empty poll runs" in r.stderr
    assert [row["name"] for row in json.loads(r.stdout)["results"]] == [
        "empty poll, 1 handler", "empty poll, 8 handlers", "empty poll, 64 handlers"]
    r = run([BENCH, "-l", "0", "--", "poll", "--burst", "0"])
    assert r.returncode == 2 and "bad value '0'" in r.stderr


@pytest.mark.skipif(shutil.which("gnuplot") is None, reason="gnuplot missing")
def test_poll_plot(tmp_path):
    png = str(tmp_path / "poll.png")
    r = run([BENCH, "-l", "0", "--", "poll", "--time", "0.2", "--plot", png], timeout=60)
    assert r.returncode == 0, r.stderr
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("mode", ["lpbk", "read", "write", "trput"])
def test_dma_opae_he_lb_modes(devsim, mode):
    """OPAE's HE-LB through the driver's engine: every host_exerciser mode measures, against a
    same-run CPU baseline, after the bench checked the engine's data (a loopback compared)."""
    r = bench("dma", "-d", "vfio-user:" + devsim.sock("helb0"), "--engine", "he-lb",
              "--mode", mode, "--sizes", "64,64K", "--time", "0.05", "--no-skeleton", "--json")
    assert r.returncode == 0, r.stderr + devsim.output()
    doc = json.loads(r.stdout)
    assert doc["engine"] == "he-lb"
    assert doc["mode"] == ("copy" if mode == "lpbk" else mode)
    check_dma_rows(doc, [64, 65536], skeleton=False)
    for row in doc["results"]:
        assert row["repeat"] >= 1 and finite_positive(row["device_bw_gbps"])
