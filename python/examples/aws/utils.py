# SPDX-License-Identifier: BSD-3-Clause
"""The examples' helpers, as the utils.py beside AWS's example scripts: a logger set up at
WARNING (the bindings log each successful call at INFO: set level=logging.INFO here to see
them) and a describe result as JSON."""
import json
import logging


def setup_logger() -> None:
    """Log WARNING and above to stderr with a time stamp."""
    logging.basicConfig(level=logging.WARNING,
                        format="%(asctime)s - %(levelname)s - %(message)s",
                        datefmt="%Y-%m-%d %H:%M:%S")


def convert_info_to_json(info: dict) -> str:
    """``describe_local_image``'s dict as indented JSON; its AFI id (bytes) is decoded in
    place first, as JSON has no bytes."""
    afi = info["afi_id"]["afi_id"]
    if isinstance(afi, bytes):
        info["afi_id"]["afi_id"] = afi.decode("utf-8")
    return json.dumps(info, indent=2)
