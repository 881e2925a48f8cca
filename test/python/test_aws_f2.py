# SPDX-License-Identifier: BSD-3-Clause
"""AWS F2's Python bindings (xpdk.aws, AWS's top-level module names) against the simulated
slot (xpdk-devsim --model f2): AWS's three example scripts run unchanged with their output
checked, the dicts' keys and types, the errors (a RuntimeError with AWS's message and an
errno), and the zero-copy memoryview of a BAR."""
import array
import ast
import errno
import json
import os
import sys
import threading
import time

import pytest

from conftest import SOURCE, run

sys.path.insert(0, os.path.join(SOURCE, "test/integration"))
from devsim import Devsim  # noqa: E402  (the integration tier's xpdk-devsim runner)

EXAMPLES = os.path.join(SOURCE, "python/examples/aws")
HELLO = "agfi-0fcf87119b8e97bf3"
MEMPERF = "agfi-080817d089f3cd2ed"
SDE = "agfi-0925b211f5a81b071"
GET_HW_METRICS = 1 << 1
CL_MEM = 0x4000  # cl_mem_perf's memory in the application PF's BAR4 (mapped)

MAP_KEYS = ["vendor_id", "device_id", "subsystem_device_id", "subsystem_vendor_id", "domain",
            "bus", "dev", "func", "resource_burstable", "resource_size"]
METRICS_KEYS = [
    "int_status", "pcim_axi_protocol_error_status", "pcim_range_error_addr",
    "pcim_range_error_count", "pcim_axi_protocol_error_addr", "pcim_axi_protocol_error_count",
    "pcim_write_count", "pcim_read_count", "dma_pcis_timeout_addr", "dma_pcis_timeout_count",
    "ocl_slave_timeout_addr", "ocl_slave_timeout_count", "sda_slave_timeout_addr",
    "sda_slave_timeout_count", "virtual_jtag_slave_timeout_addr",
    "virtual_jtag_slave_timeout_count", "virtual_jtag_write_count", "virtual_jtag_read_count",
    "ddr_ifs", "clocks", "power_mean", "power_max", "power", "cached_agfis", "flags"]


def start_sim(tmp_path, monkeypatch, args):
    sim = Devsim(tmp_path, "--model", "f2", "--model-args", args, env={"XPDK_F2_SLOTS": "devsim"})
    # this process's fpga_pci finds the slots through these (read at every slot scan)
    monkeypatch.setenv("XPDK_DEVSIM_DIR", sim.sockdir)
    monkeypatch.setenv("XPDK_F2_SLOTS", "devsim")
    return sim


@pytest.fixture
def sim(tmp_path, monkeypatch):
    s = start_sim(tmp_path, monkeypatch, "slots=1,load_ms=5")
    yield s
    s.stop()


@pytest.fixture
def aws():
    """AWS's modules, imported by AWS's top-level names."""
    import fpga_clkgen_wrapper
    import fpga_mgmt_wrapper
    import fpga_pci_wrapper
    import fpga_utils
    return fpga_mgmt_wrapper, fpga_pci_wrapper, fpga_clkgen_wrapper, fpga_utils


def run_example(sim, name):
    """Run one of AWS's examples as AWS says (from its directory, python3 NAME)."""
    t0 = time.monotonic()
    r = run([sys.executable, name], cwd=EXAMPLES, env=sim.env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr + sim.output()
    return r.stdout, time.monotonic() - t0


def json_after(text, marker, start=0):
    """The JSON value that follows ``marker`` in ``text`` (from ``start``) and where it ends."""
    i = text.index(marker, start) + len(marker)
    while text[i] in " \n":
        i += 1
    return json.JSONDecoder().raw_decode(text, i)


# ---- AWS's example scripts, unchanged ----------------------------------------------------------

def test_mgmt_example_runs_against_devsim(tmp_path, monkeypatch):
    # The example clears right after an asynchronous load without waiting for it; the shell
    # refuses a command while a load is busy, so with the model's 20 ms loads that clear
    # would race the load. The slot loads at once here (load_ms=0).
    sim = start_sim(tmp_path, monkeypatch, "load_ms=0")
    try:
        out, took = run_example(sim, "fpga_mgmt_example.py")
    finally:
        sim.stop()
    assert out.startswith(
        "Loading AFI for SDE (Streaming Data Engine) CL Example: agfi-0925b211f5a81b071\n\n")
    first, end = json_after(out, "Info ")
    assert first["status"] in ("busy", "loaded")
    assert first["afi_id"] == {"afi_id": SDE}
    assert "\nClearing local image synchronously\n\nSetting the dip switch at 32\n" \
        "Dip switch state: 32\n\n" in out
    lines = out.splitlines()
    i = lines.index("Describing image before CLEAR_AFI_CACHE flag is set")
    before = ast.literal_eval(lines[i + 1][len("Info "):])   # the printed Python list
    after = ast.literal_eval(lines[i + 2][len("Info "):])
    assert SDE in before and len(before) == 16     # zero-padded, as loaded
    assert after == ["0"] * 16
    assert "Clearing local image synchronously\n\nLoading local image synchronously\n" in out
    last, _ = json_after(out, "Info ", out.index("Loading local image synchronously"))
    assert last["status"] == "loaded" and last["afi_id"]["afi_id"] == SDE
    app, mgmt = last["spec"]["map"]
    assert (app["vendor_id"], app["device_id"]) == (0x1D0F, 0xF002)     # cl_sde, after rescan
    assert (mgmt["device_id"], mgmt["func"]) == (0x9248, 1)
    assert last["metrics"]["cached_agfis"][0] == SDE
    # the example sets a 100 s mailbox poll delay: the shell answers at once, nothing waits it
    assert took < 30, took


def test_pci_example_runs_against_devsim(sim):
    out, _ = run_example(sim, "fpga_pci_example.py")
    assert out.startswith("Loading AFI for Mem Perf CL Example:  agfi-080817d089f3cd2ed\n\n")
    info, _ = json_after(out, "Info ")
    assert info["status"] == "loaded" and info["afi_id"]["afi_id"] == MEMPERF
    assert "Reference Frequency: 100000000 Hz\n" in out
    clocks = out[out.index("Clock Frequencies:\n"):].splitlines()[1:11]
    assert clocks == [
        "clk_main_a0: 250.0000 MHz", "clk_extra_a1: 125.0000 MHz", "clk_extra_a2: 375.0000 MHz",
        "clk_extra_a3: 500.0000 MHz", "clk_extra_b0: 450.0000 MHz",
        "clk_extra_b1: 225.0000 MHz", "clk_extra_c0: 300.0000 MHz",
        "clk_extra_c1: 400.0000 MHz", "clk_hbm_axi: 450.0000 MHz", "clk_hbm_ref: 100.0000 MHz"]
    rmap, _ = json_after(out, "Resource Map\n")
    assert list(rmap) == MAP_KEYS
    assert (rmap["vendor_id"], rmap["device_id"], rmap["func"]) == (0x1D0F, 0xF004, 0)
    assert rmap["resource_burstable"] == [True, False, True, False, True]


def test_clkgen_example_runs_against_devsim(sim):
    out, _ = run_example(sim, "fpga_clkgen_example.py")
    assert out.startswith("FPGA Status cleared\nLoading AFI: agfi-080817d089f3cd2ed\n\n")

    def groups(marker):
        d, _ = json_after(out, marker)
        assert list(d) == ["clock_group_a", "clock_group_b", "clock_group_c",
                           "clock_group_hbm"]
        return [c for g in d.values() for c in g["clocks"]]

    # AWS's default recipes A1 B2 C0 H2; clocks a group lacks read 0
    assert groups("Clock Information\n") == [125, 375, 500, 450, 225, 0, 300, 400, 0,
                                             450, 0, 0]
    new = groups("New Clock Information\n")
    assert new[0::3] == [125, 125, 150, 125]      # each group's first clock as set
    assert groups("Clock Information after setting recipe\n") == pytest.approx(
        [62.5, 187.5, 250, 250, 62.5, 0, 200, 266.6667, 0, 400, 0, 0], abs=1e-3)


# ---- dicts ---------------------------------------------------------------------------------

def check_map(m):
    assert list(m) == MAP_KEYS
    for k in MAP_KEYS[:8]:
        assert type(m[k]) is int, k
    assert [type(b) for b in m["resource_burstable"]] == [bool] * 5
    assert [type(s) for s in m["resource_size"]] == [int] * 5


def test_describe_returns_aws_dict(sim, aws):
    mgmt = aws[0].FpgaMgmt()
    info = mgmt.describe_local_image(0, GET_HW_METRICS)
    assert list(info) == ["status", "status_q", "slot_id", "afi_id", "spec", "sh_version",
                          "metrics"]
    assert info["status"] == "cleared" and info["status_q"] == 0 and info["slot_id"] == 0
    assert info["afi_id"] == {"afi_id": b"none"}          # bytes, as AWS's
    assert type(info["sh_version"]) is int and info["sh_version"] != 0
    assert list(info["spec"]) == ["map"] and len(info["spec"]["map"]) == 2
    for m in info["spec"]["map"]:
        check_map(m)
    assert info["spec"]["map"][0]["device_id"] == 0x9048   # cleared application PF
    met = info["metrics"]
    assert list(met) == METRICS_KEYS
    assert met["cached_agfis"] == ["0"] * 16
    assert met["ddr_ifs"] == [{"write_count": 0, "read_count": 0}]
    assert len(met["clocks"]) == 3
    assert all(list(c) == ["frequency"] and len(c["frequency"]) == 7 for c in met["clocks"])
    for k in METRICS_KEYS:
        if k not in ("ddr_ifs", "clocks", "cached_agfis"):
            assert type(met[k]) is int, k
    # load: describe of a busy or loaded slot, with the AFI id as bytes
    loaded = mgmt.load_local_image_sync_flags(0, HELLO, GET_HW_METRICS, timeout=500,
                                              delay_msec=2)
    assert loaded["status"] == "loaded" and loaded["afi_id"]["afi_id"] == HELLO.encode()
    assert loaded["spec"]["map"][0]["device_id"] == 0xF000
    assert loaded["metrics"]["cached_agfis"][0] == HELLO


def test_status_names_and_strerror(sim, aws):
    FpgaMgmt = aws[0].FpgaMgmt
    assert FpgaMgmt().get_status(0) == {"status": 1, "status_q": 0, "return_code": 0}
    assert [FpgaMgmt.get_status_name(s) for s in (0, 1, 2, 99)] == [
        "loaded", "cleared", "busy", "internal-error"]
    assert FpgaMgmt.strerror(3) == "busy" and FpgaMgmt.strerror(5) == "invalid-afi-id"
    assert "busy" in FpgaMgmt.strerror_long(3)
    assert FpgaMgmt.process_cached_agfis({"metrics": {"cached_agfis": [0, 0x925b211f5a81b071]}}) \
        == ["0", SDE]


def test_slot_specs_and_resource_maps(tmp_path, monkeypatch, aws):
    sim = start_sim(tmp_path, monkeypatch, "slots=2")
    try:
        pci = aws[1].FpgaPCI()
        spec = pci.pci_get_slot_spec(1)
        assert list(spec) == ["map"]
        app, mgmt = spec["map"]
        check_map(app)
        assert (app["device_id"], app["dev"], app["func"]) == (0x9048, 1, 0)
        assert (mgmt["device_id"], mgmt["dev"], mgmt["func"]) == (0x9248, 1, 1)
        assert pci.pci_get_resource_map(1, pf_id=1) == mgmt
        specs = pci.pci_get_all_slot_specs(3)
        assert len(specs) == 3 and specs[1] == spec
        assert specs[2]["map"][0]["vendor_id"] == 0            # no third slot: zeros
        assert pci.pci_get_all_slot_specs(0) == []
        pci.pci_rescan_slot_app_pfs(0)
    finally:
        sim.stop()


def test_clock_info_dict_and_vdip(sim, aws):
    clk = aws[2].FpgaClkgen()
    d = clk.get_dynamic(0)
    assert list(d) == ["clock_group_a", "clock_group_b", "clock_group_c", "clock_group_hbm"]
    assert all(list(g) == ["clocks"] and [type(c) for c in g["clocks"]] == [float] * 3
               for g in d.values())
    clk.set_recipe(slot_id=0, clk_a_recipe=0, clk_b_recipe=3, clk_c_recipe=3,
                   clk_hbm_recipe=4, reset=0)
    assert clk.get_dynamic(slot_id=0)["clock_group_hbm"]["clocks"] == [400.0, 0.0, 0.0]
    mgmt = aws[0].FpgaMgmt()
    mgmt.set_vDIP(0, value=0xA5A5)
    assert mgmt.get_vDIP_status(slot_id=0) == 0xA5A5
    assert type(mgmt.get_vLED_status(0)) is int
    mgmt.set_cmd_timeout(value=100)
    mgmt.set_cmd_delay_msec(value=2)


# ---- errors --------------------------------------------------------------------------------

def test_bad_slot_raises_runtime_error_with_errno(sim, aws):
    import xpdk
    mgmt, u = aws[0].FpgaMgmt(), aws[3]
    with pytest.raises(u.FpgaNoDeviceError) as e:
        mgmt.describe_local_image(1, GET_HW_METRICS)              # one slot only
    assert isinstance(e.value, RuntimeError) and isinstance(e.value, xpdk.Error)
    assert str(e.value) == ("Failed to describe local image on slot: 1, error code: 20: "
                            "pci-device-missing")
    assert e.value.errno == errno.ENODEV and e.value.error_code == 20
    assert e.value.slot_id == 1 and "1 F2 slot found" in e.value.strerror
    with pytest.raises(u.FpgaInvalidError) as e:
        aws[1].FpgaPCI().pci_attach(8, 0, 0, 0)                  # slots are 0 to 7
    assert e.value.errno == errno.EINVAL and e.value.error_code == -errno.EINVAL
    assert str(e.value).startswith("Failed to pci attach on slot: 8, error code: -22: ")
    with pytest.raises(OverflowError):
        mgmt.describe_local_image(0, -1)                         # flags are uint32_t


def test_unknown_agfi_is_invalid(sim, aws):
    with pytest.raises(aws[3].FpgaInvalidError) as e:
        aws[0].FpgaMgmt().load_local_image(0, "agfi-0123456789abcdef0")
    assert e.value.errno == errno.EINVAL and e.value.error_code == 5
    assert str(e.value) == "Failed to load AFI on slot: 0, error code: 5: invalid-afi-id"
    assert "invalid-afi-id" in e.value.strerror


def test_busy_slot_raises_busy(tmp_path, monkeypatch, aws):
    sim = start_sim(tmp_path, monkeypatch, "load_ms=3000")
    try:
        mgmt = aws[0].FpgaMgmt()
        # a sync load that waits less than the load takes: ETIMEDOUT (3 polls of 10 ms)
        with pytest.raises(aws[3].FpgaTimeoutError) as e:
            mgmt.load_local_image_sync_flags(0, MEMPERF, 0, timeout=3, delay_msec=10)
        assert e.value.errno == errno.ETIMEDOUT and isinstance(e.value, TimeoutError)
        assert mgmt.describe_local_image(0, 0)["status"] == "busy"
        for call in (lambda: mgmt.load_local_image(0, SDE), lambda: mgmt.clear_local_image(0)):
            with pytest.raises(aws[3].FpgaBusyError) as e:
                call()
            assert e.value.errno == errno.EBUSY and e.value.error_code == 3
            assert isinstance(e.value, RuntimeError) and ": busy" in str(e.value)
    finally:
        sim.stop()


def test_sync_waits_release_the_gil(tmp_path, monkeypatch, aws):
    # a 300 ms load waited on in one thread: this thread runs meanwhile (with the GIL held
    # through the C call it could not run until the load was over, and would count nothing)
    sim = start_sim(tmp_path, monkeypatch, "load_ms=300")
    try:
        mgmt, result = aws[0].FpgaMgmt(), {}

        def load():
            result["info"] = mgmt.load_local_image_sync_flags(0, HELLO, 0, timeout=1000,
                                                              delay_msec=5)
        t = threading.Thread(target=load)
        t.start()
        ran = 0
        while t.is_alive():
            ran += 1
            time.sleep(0.005)
        t.join()
        assert result["info"]["status"] == "loaded"
        assert ran > 5, ran
    finally:
        sim.stop()


def test_check_return_code_is_aws(aws):
    u = aws[3]
    assert u.check_return_code(0, "anything", 0) is None
    with pytest.raises(u.FpgaBusyError) as e:
        u.check_return_code(3, "load AFI", -1)
    assert str(e.value) == "Failed to load AFI on slot: N/A, error code: 3: busy"
    assert e.value.errno == errno.EBUSY
    with pytest.raises(RuntimeError, match="on slot: 2, error code: 14: unspecified-error"):
        u.check_return_code(14, "x", 2)


def test_bad_handles_and_offsets(sim, aws):
    pci, u = aws[1].FpgaPCI(), aws[3]
    with pytest.raises(u.FpgaInvalidError, match="pci peek"):
        pci.pci_peek(77, 0)
    with pytest.raises(u.FpgaInvalidError):
        pci.pci_detach(77)
    h = pci.pci_attach(0, 1, 0, 0)                   # the management PF's mailbox BAR
    try:
        with pytest.raises(u.FpgaInvalidError) as e:
            pci.pci_peek(h, 1 << 20)
        assert e.value.errno == errno.EINVAL
        with pytest.raises(u.FpgaInvalidError) as e:
            pci.pci_get_address(h, 0, 1)           # registers: trapped, no address
        assert "is not mapped into the process" in e.value.strerror
    finally:
        pci.pci_detach(h)


# ---- BAR access and the memoryview -----------------------------------------------------------

@pytest.fixture
def memperf(sim, aws):
    mgmt, pci = aws[0].FpgaMgmt(), aws[1].FpgaPCI()
    mgmt.load_local_image_sync_flags(0, MEMPERF, 0, timeout=500, delay_msec=2)
    h = pci.pci_attach(0, 0, 4, 0)
    yield pci, h
    try:
        pci.pci_detach(h)
    except RuntimeError:
        pass


def test_memoryview_of_bar_is_zero_copy(memperf, aws):
    pci, h = memperf
    view = pci.pci_get_address(h, CL_MEM, 1024, memoryview=True)
    assert isinstance(view, memoryview) and len(view) == 4096 and not view.readonly
    assert view.obj.address == pci.pci_get_address(h, CL_MEM, 1024)   # AWS's int
    assert (view.obj.slot_id, view.obj.pf_id, view.obj.bar_id, view.obj.offset) == (
        0, 0, 4, CL_MEM)
    # written through the view: the device has it (read back with peek)
    view[0:8] = bytes([1, 2, 3, 4, 5, 6, 7, 8])
    assert pci.pci_peek(h, CL_MEM) == 0x04030201
    assert pci.pci_peek64(h, CL_MEM) == 0x0807060504030201
    assert pci.pci_peek8(h, CL_MEM + 5) == 6
    words = view.cast("I")
    words[100] = 0xCAFEF00D
    assert pci.pci_peek(h, CL_MEM + 400) == 0xCAFEF00D
    # written by poke: visible through the view
    pci.pci_poke64(h, CL_MEM + 0x800, 0x1122334455667788)
    assert words[0x200] == 0x55667788 and words[0x201] == 0x11223344
    pci.pci_poke8(h, CL_MEM + 0xFFF, 0x5A)
    assert view[4095] == 0x5A
    # the view stays valid after its handle is detached (it holds its own attachment)
    h2 = pci.pci_attach(0, 0, 4, 0)
    v2 = pci.pci_get_address(h2, CL_MEM, 4, memoryview=True)
    pci.pci_detach(h2)
    v2[0:4] = b"\xEF\xBE\xAD\xDE"
    assert pci.pci_peek(h, CL_MEM) == 0xDEADBEEF
    with pytest.raises(aws[3].FpgaInvalidError):
        pci.pci_get_address(h, CL_MEM, 1 << 40, memoryview=True)   # past the BAR


def test_write_burst_and_memset(memperf, aws):
    pci, h = memperf
    pci.pci_write_burst(h, CL_MEM, [0x11111111, 0x22222222, 0x33333333], 3)
    assert [pci.pci_peek(h, CL_MEM + 4 * i) for i in range(3)] == [
        0x11111111, 0x22222222, 0x33333333]
    pci.pci_write_burst(h, CL_MEM + 0x100, array.array("I", [7, 8, 9, 10]), 4)  # a buffer
    assert pci.pci_peek(h, CL_MEM + 0x10C) == 10
    pci.pci_poke(h, CL_MEM + 32, 5)
    pci.pci_memset(h, CL_MEM, 0xABABABAB, 8)
    assert [pci.pci_peek(h, CL_MEM + 4 * i) for i in range(9)] == [0xABABABAB] * 8 + [5]
    with pytest.raises(aws[3].FpgaInvalidError):
        pci.pci_write_burst(h, CL_MEM, [1, 2], 3)                # shorter than dword_len
    with pytest.raises(aws[3].FpgaInvalidError):
        pci.pci_write_burst(h, CL_MEM, b"\0" * 8, 3)
    with pytest.raises(aws[3].FpgaInvalidError):
        pci.pci_memset(h, (1 << 37) - 4, 0, 2)                   # past the BAR's end


def test_top_level_names_are_xpdk_aws(aws):
    import xpdk.aws
    assert aws[0].FpgaMgmt is xpdk.aws.FpgaMgmt
    assert aws[1].FpgaPCI is xpdk.aws.fpga_pci_wrapper.FpgaPCI
    assert aws[2].FpgaClkgen is xpdk.aws.fpga_clkgen_wrapper.FpgaClkgen
    assert aws[3].FpgaError is xpdk.aws.FpgaError
    assert issubclass(xpdk.aws.FpgaTimeoutError, TimeoutError)
