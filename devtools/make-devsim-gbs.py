#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write an OPAE-format green bitstream (GBS) file that xpdk-devsim's dfl-fpga model accepts:
the GBS GUID, the metadata length, JSON metadata (interface-uuid, accelerator-type-uuid) and the
model's raw bitstream (lib/devsim/xpdk_devsim_dfl.h: magic, AFU ID, interface ID, payload length,
CRC-32, payload). Real FPGA bitstreams come from the vendor's tools; this one only loads into the
simulated FPGA.

  make-devsim-gbs.py --afu counter -o counter.gbs
  make-devsim-gbs.py --afu he --interface 00000000-1111-2222-3333-444444444444 -o other.gbs
"""
import argparse
import json
import struct
import sys
import uuid
import zlib

GBS_GUID = uuid.UUID("58656f6e-4650-4741-b747-425376303031")
DEFAULT_INTERFACE = "9af6db1c-2ad1-412a-a366-0d7701e0fc39"  # XPDK_DEVSIM_DFL_PR_ID
AFUS = {
    "xpdk-he": ("b363c479-2944-4c1b-b9c3-9b70334d98ce", "xpdk_test_exerciser"),  # XPDK_HE_GUID
    "he": ("b363c479-2944-4c1b-b9c3-9b70334d98ce", "xpdk_test_exerciser"),  # old name of xpdk-he
    "he-lb": ("56e203e9-864f-49a7-b94b-12284c31e02b", "he_lb"),  # XPDK_OPAE_HE_LB_GUID
    "he-mem": ("8568ab4e-6ba5-4616-bb65-2a578330a8eb", "he_mem"),  # XPDK_OPAE_HE_MEM_GUID
    "counter": ("8d69d22e-fe65-447f-9c1b-781c75c4f74b", "xpdk_counter"),  # XPDK_DEVSIM_COUNTER_GUID
}
RBF_MAGIC = 0x4B445058  # "XPDK"
RBF_VERSION = 1


def regs(guid):
    """GUID_L and GUID_H register values of a GUID (its low and high 64 bits)."""
    v = uuid.UUID(guid).int
    return v & (2**64 - 1), v >> 64


def gbs_image(afu, interface, payload_len, name):
    afu_l, afu_h = regs(afu)
    if_l, if_h = regs(interface)
    payload = bytes((i * 7) & 0xFF for i in range(payload_len))
    raw = struct.pack("<IIQQQQII", RBF_MAGIC, RBF_VERSION, afu_l, afu_h, if_l, if_h,
                      len(payload), zlib.crc32(payload)) + payload
    meta = json.dumps({
        "version": 1,
        "platform-name": "xpdk-devsim dfl-fpga",
        "afu-image": {
            "magic-no": 488605312,
            "interface-uuid": interface,
            "clock-frequency-high": 250,
            "power": 5,
            "accelerator-clusters": [
                {"name": name, "total-contexts": 1, "accelerator-type-uuid": afu}
            ],
        },
    }).encode()
    return GBS_GUID.bytes + struct.pack("<I", len(meta)) + meta + raw


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--afu", required=True,
                   help="AFU to load: he-lb, he-mem (OPAE's host exercisers), xpdk-he (XPDK's "
                        "test exerciser; also 'he'), counter, or an AFU ID (GUID; the model "
                        "refuses others)")
    p.add_argument("--interface", default=DEFAULT_INTERFACE,
                   help="PR interface ID the bitstream is built for (default: the model's, "
                        + DEFAULT_INTERFACE + ")")
    p.add_argument("--payload", type=int, default=1024,
                   help="bytes of bitstream payload, a multiple of 4 (default 1024; PR streams "
                        "it 4 bytes at a time)")
    p.add_argument("-o", "--output", required=True, help="file to write")
    a = p.parse_args()
    afu, name = AFUS.get(a.afu, (a.afu, "custom"))
    try:
        uuid.UUID(afu)
        uuid.UUID(a.interface)
    except ValueError as e:
        print("make-devsim-gbs: not a GUID: %s" % e, file=sys.stderr)
        return 2
    # PR streams 32-bit words, and the model's PR buffer holds header and payload
    if a.payload % 4 or not 0 <= a.payload <= (16 << 20) - 0x30:
        print("make-devsim-gbs: --payload must be a multiple of 4 from 0 to 16 MiB - 48",
              file=sys.stderr)
        return 2
    with open(a.output, "wb") as f:
        f.write(gbs_image(str(uuid.UUID(afu)), str(uuid.UUID(a.interface)), a.payload, name))
    print("%s: AFU %s for interface %s" % (a.output, uuid.UUID(afu), uuid.UUID(a.interface)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
