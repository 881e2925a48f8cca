# SPDX-License-Identifier: BSD-3-Clause
"""AWS's fpga_mgmt_example.py, written for XPDK from AWS's description: slot management with
FpgaMgmt.

Clears slot 0 and waits for it, loads the cl_sde AFI without waiting, sets a long mailbox
poll delay, describes the slot, clears it synchronously, sets and reads back the virtual DIP
switches, shows the AFI cache before and after a describe with CLEAR_AFI_CACHE, clears again,
loads cl_sde synchronously and describes the result.

Run it on an F2 instance, or against the simulated slot:
    xpdk-devsim --model f2 &
    python3 fpga_mgmt_example.py
"""
from typing import Any, Dict

from fpga_mgmt_wrapper import FpgaMgmt
from utils import convert_info_to_json, setup_logger


def main() -> None:
    setup_logger()
    get_hw_metrics = 1 << 1
    clear_afi_cache = 1 << 8
    slot = 0
    sde_agfi = "agfi-0925b211f5a81b071"

    mgmt = FpgaMgmt()

    # an asynchronous clear: poll until the slot is no longer busy
    status: str = mgmt.clear_local_image(slot)["status"]
    while status == "busy":
        status = mgmt.describe_local_image(slot, get_hw_metrics)["status"]

    print(f"Loading AFI for SDE (Streaming Data Engine) CL Example: {sde_agfi}\n")
    mgmt.load_local_image(slot, sde_agfi)
    # a slow mailbox poll: commands still return as soon as the shell answers
    mgmt.set_cmd_delay_msec(value=100000)

    info: Dict[str, Any] = mgmt.describe_local_image(slot, get_hw_metrics)
    print(f"Info {convert_info_to_json(info)}\n")

    print("Clearing local image synchronously\n")
    mgmt.clear_local_image_sync(slot, timeout=60000, delay_msec=2)

    dip = 1 << 5
    print(f"Setting the dip switch at {dip}")
    mgmt.set_vDIP(slot, dip)
    print(f"Dip switch state: {mgmt.get_vDIP_status(slot)}\n")

    print("Describing image before CLEAR_AFI_CACHE flag is set")
    info = mgmt.describe_local_image(slot, get_hw_metrics)
    print(f"Info {info['metrics']['cached_agfis']}")
    info = mgmt.describe_local_image(slot, clear_afi_cache)
    print(f"Info {info['metrics']['cached_agfis']}\n")

    print("Clearing local image synchronously\n")
    mgmt.clear_local_image_sync(slot, timeout=60000, delay_msec=2)

    print("Loading local image synchronously\n")
    mgmt.load_local_image_sync_flags(slot, sde_agfi, get_hw_metrics, timeout=60000,
                                     delay_msec=2)
    info = mgmt.describe_local_image(slot, get_hw_metrics)
    print(f"Info {convert_info_to_json(info)}")


if __name__ == "__main__":
    main()
