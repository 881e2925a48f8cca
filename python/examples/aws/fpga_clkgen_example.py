# SPDX-License-Identifier: BSD-3-Clause
"""AWS's fpga_clkgen_example.py, written for XPDK from AWS's description: the clock
generator with FpgaClkgen.

Prints slot 0's status, loads the cl_mem_perf AFI and waits for it, prints the clock groups'
frequencies, sets dynamic frequencies (A 125, B 125, C 150, HBM 125 MHz) and prints them,
applies recipes A0, B3, C3, H4 and prints the result.

Run it on an F2 instance, or against the simulated slot:
    xpdk-devsim --model f2 &
    python3 fpga_clkgen_example.py
"""
import json

from fpga_clkgen_wrapper import FpgaClkgen
from fpga_mgmt_wrapper import FpgaMgmt
from utils import setup_logger


def main() -> None:
    setup_logger()
    get_hw_metrics = 1 << 1
    slot = 0
    mem_perf_agfi = "agfi-080817d089f3cd2ed"

    mgmt = FpgaMgmt()
    clkgen = FpgaClkgen()

    print(f"FPGA Status {mgmt.describe_local_image(slot, get_hw_metrics)['status']}")

    print(f"Loading AFI: {mem_perf_agfi}\n")
    status: str = mgmt.load_local_image(slot, mem_perf_agfi)["status"]
    while status == "busy":
        status = mgmt.describe_local_image(slot, get_hw_metrics)["status"]

    print(f"Clock Information\n {json.dumps(clkgen.get_dynamic(slot), indent=2)}")

    print("Setting dynamic clock\n")
    clkgen.set_dynamic(slot, clk_a_freq=125, clk_b_freq=125, clk_c_freq=150, clk_hbm_freq=125,
                       reset=0)
    print(f"New Clock Information\n {json.dumps(clkgen.get_dynamic(slot), indent=2)}\n")

    print("Setting Recipe\n")
    # recipes: AWS's Clock_Recipes_User_Guide (A0 B3 C3 H4: 62.5/187.5/250, 250/62.5, ...)
    clkgen.set_recipe(slot_id=0, clk_a_recipe=0, clk_b_recipe=3, clk_c_recipe=3,
                      clk_hbm_recipe=4, reset=0)
    print("Clock Information after setting recipe\n "
          f"{json.dumps(clkgen.get_dynamic(slot), indent=2)}\n")


if __name__ == "__main__":
    main()
