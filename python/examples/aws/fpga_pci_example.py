# SPDX-License-Identifier: BSD-3-Clause
"""AWS's fpga_pci_example.py, written for XPDK from AWS's description: measuring the CL's
clocks through its registers with FpgaPCI.

Loads the cl_mem_perf AFI on slot 0 and waits for it, describes the slot, attaches the
application PF's BAR0 (OCL), clears and starts the clock-frequency measurement at 0x600,
waits (up to 10 s) until it is done, prints the reference frequency and the ten counters
(MHz), detaches, and prints the application PF's resource map.

Run it on an F2 instance, or against the simulated slot:
    xpdk-devsim --model f2 &
    python3 fpga_pci_example.py
"""
import json
import time
from typing import Any, Dict

from fpga_mgmt_wrapper import FpgaMgmt
from fpga_pci_wrapper import FpgaPCI
from utils import convert_info_to_json, setup_logger

CLOCKS = ["clk_main_a0", "clk_extra_a1", "clk_extra_a2", "clk_extra_a3", "clk_extra_b0",
          "clk_extra_b1", "clk_extra_c0", "clk_extra_c1", "clk_hbm_axi", "clk_hbm_ref"]


def read_freq_counters(handle: int, base_addr: int) -> Dict[str, float]:
    """The ten frequency counters (FREQ_CTR_i at base + 0x10 + 4 i), in MHz."""
    pci = FpgaPCI()
    return {name: pci.pci_peek(handle, base_addr + 0x10 + 4 * i) / 1e6
            for i, name in enumerate(CLOCKS)}


def main() -> None:
    setup_logger()
    get_hw_metrics = 1 << 1
    slot_id = 0
    mem_perf_agfi = "agfi-080817d089f3cd2ed"

    mgmt = FpgaMgmt()
    pci = FpgaPCI()

    print(f"Loading AFI for Mem Perf CL Example:  {mem_perf_agfi}\n")
    status: str = mgmt.load_local_image(slot_id, mem_perf_agfi)["status"]
    while status == "busy":
        status = mgmt.describe_local_image(slot_id, get_hw_metrics)["status"]

    info: Dict[str, Any] = mgmt.describe_local_image(slot_id, get_hw_metrics)
    print(f"Info {convert_info_to_json(info)}\n")

    ctl = 0x600  # CL_CLK_FREQ's control register on the OCL BAR
    handle = pci.pci_attach(slot_id, 0, 0, 0)
    pci.pci_poke(handle, ctl, value=0x80000000)  # clear the counters
    pci.pci_poke(handle, ctl, value=0x0)
    pci.pci_poke(handle, ctl, value=0x1)  # measure for one second
    for _ in range(10):
        time.sleep(1)
        if pci.pci_peek(handle, ctl) == 0:
            break

    print(f"Reference Frequency: {pci.pci_peek(handle, ctl + 0x4)} Hz")
    print("\nClock Frequencies:")
    for name, mhz in read_freq_counters(handle, ctl).items():
        print(f"{name}: {mhz:.4f} MHz")
    pci.pci_detach(handle)

    print("\nResource Map")
    print(json.dumps(pci.pci_get_resource_map(slot_id, pf_id=0), indent=2) + "\n")


if __name__ == "__main__":
    main()
