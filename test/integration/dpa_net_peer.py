# SPDX-License-Identifier: BSD-3-Clause
"""The wire side of the DPA packet processor test, run inside the test's network namespace.

Sends Ethernet frames on a TAP interface through an AF_PACKET socket (the emulated DPA's NIC
reads them from the TAP) and collects what comes back, checking each reply is its frame with
the MAC addresses swapped. Prints one JSON object: what was sent, what came back, what was
wrong.

  python3 dpa_net_peer.py IFNAME SIZE[xCOUNT][,SIZE...] [--burst N] [--bad N] [--timeout S]
"""
import argparse
import json
import select
import socket
import struct
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
DPA_MAC = bytes.fromhex("020000000001")
ETHERTYPE = 0x88B5       # local experimental: the frames to echo
ETHERTYPE_BAD = 0x88B6   # the processor sends these with a bad memory key
MAGIC = b"XPDK"


def frame(src, seq, size, ethertype=ETHERTYPE):
    head = DPA_MAC + src + struct.pack("!H", ethertype) + MAGIC + struct.pack("!I", seq)
    body = bytes((seq + i) & 0xFF for i in range(max(0, size - len(head))))
    return head + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ifname")
    ap.add_argument("sizes")
    ap.add_argument("--burst", type=int, default=1)
    ap.add_argument("--bad", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--gap", type=float, default=0.0,
                    help="seconds between frames; reports each frame's round trip")
    a = ap.parse_args()

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 << 20)
    s.bind((a.ifname, 0))
    mine = s.getsockname()[4]

    frames = []
    for part in a.sizes.split(","):
        size, _, count = part.partition("x")
        for _ in range(int(count or 1)):
            frames.append(frame(mine, len(frames), int(size)))
    expected = {f[14 + 4:14 + 8]: f for f in frames}
    got, wrong, dup, other = {}, 0, 0, 0
    sent_at = {}

    def receive(wait):
        nonlocal wrong, dup, other
        while select.select([s], [], [], wait)[0]:
            data, addr = s.recvfrom(65536)
            wait = 0
            if addr[2] == PACKET_OUTGOING:
                continue
            if len(data) < 22 or data[14:18] != MAGIC:
                other += 1
                continue
            key = data[18:22]
            want = expected.get(key)
            if want is None or data != want[6:12] + want[0:6] + want[12:]:
                wrong += 1
            elif key in got:
                dup += 1
            else:
                got[key] = time.monotonic()

    for i in range(0, len(frames), a.burst):
        for f in frames[i:i + a.burst]:
            sent_at[f[18:22]] = time.monotonic()
            s.send(f)
        end = time.monotonic() + a.gap
        receive(0)
        while end - time.monotonic() > 0:
            receive(end - time.monotonic())
        if a.burst > 1:
            # a burst goes out back to back; wait for it before the next one
            deadline = time.time() + a.timeout
            while len(got) < min(i + a.burst, len(frames)) and time.time() < deadline:
                receive(0.05)
    for i in range(a.bad):
        s.send(frame(mine, 1 << 30 | i, 64, ETHERTYPE_BAD))
    deadline = time.time() + a.timeout
    while len(got) < len(frames) and time.time() < deadline:
        receive(0.1)
    receive(0.3)  # anything late (a duplicate, a reply to a bad frame)
    print(json.dumps({"sent": len(frames), "received": len(got), "wrong": wrong,
                      "duplicates": dup, "other": other,
                      "rtt": [round(got[k] - sent_at[k], 4) if k in got else None
                              for k in sorted(sent_at, key=lambda k: struct.unpack("!I", k))],
                      "bytes": sum(len(f) for f in frames)}))


if __name__ == "__main__":
    main()
