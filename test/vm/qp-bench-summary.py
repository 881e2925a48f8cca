#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Summarise the RESULT lines of test/vm/guest-qp-bench.sh: per test and size, each tool's
median and range over the runs, the ratio xpdk-bench / perftest of the medians, and a 95 %
bootstrap interval for that ratio (the runs of each tool resampled with replacement, 10000
times, seeded: the same input gives the same interval).

Under TCG one run's figure moves by tens of per cent from run to run for either tool, so a
ratio of two medians of a few runs is itself noisy; the interval says how far the ratio could
move with other runs of the same kind. Several boots' outputs can be pooled:

    test/vm/qp-bench-summary.py boot1.out boot2.out      (files, or standard input)

Targets (issue 16): bandwidth ratio >= 0.95, latency (p50) ratio <= 1.05. A target is "met"
when the ratio of the medians meets it, "met (CI)" when the whole interval does too.
"""

import random
import re
import statistics
import sys

LINE = re.compile(r"^RESULT (\S+) (\d+) \d+ round\d+ \S+ perftest=(\S+) xpdk=(\S+)")
ORDER = ["write_bw", "read_bw", "send_bw", "send_lat", "write_lat"]


def num(s):
    try:
        return float(s)
    except ValueError:
        return None  # FAIL


def interval(pt, xp, rounds=10000):
    rng = random.Random(1)
    r = sorted(
        statistics.median(rng.choices(xp, k=len(xp))) / statistics.median(rng.choices(pt, k=len(pt)))
        for _ in range(rounds)
    )
    return r[int(0.025 * rounds)], r[int(0.975 * rounds) - 1]


def main(paths):
    runs = {}
    for path in paths or ["-"]:
        with sys.stdin if path == "-" else open(path, encoding="utf-8") as f:
            for line in f:
                m = LINE.match(line)
                if m:
                    t = runs.setdefault((m[1], int(m[2])), ([], []))
                    for side, v in zip(t, (num(m[3]), num(m[4]))):
                        if v is not None and v > 0:
                            side.append(v)
    if not runs:
        print("qp-bench-summary: no RESULT lines", file=sys.stderr)
        return 1
    print("# medians (and ranges) over the runs; bandwidth in MiB/s (perftest's \"MB/sec\"),")
    print("# latency t_typical (p50) in usec; ratio = xpdk/perftest of the medians, with a 95 %")
    print("# bootstrap interval; targets: bw >= 0.95, lat <= 1.05")
    print(f"{'test':<10} {'bytes':>6} {'runs':>5} {'perftest':>24} {'xpdk':>24} "
          f"{'ratio':>6} {'95% interval':>14}  target")
    for test, size in sorted(runs, key=lambda k: (ORDER.index(k[0]) if k[0] in ORDER else 99, k[1])):
        pt, xp = runs[(test, size)]
        if not pt or not xp:
            print(f"{test:<10} {size:>6} {'-':>5}  (a tool has no successful run)")
            continue
        lat = test.endswith("_lat")
        ratio = statistics.median(xp) / statistics.median(pt)
        lo, hi = interval(pt, xp)
        ok = ratio <= 1.05 if lat else ratio >= 0.95
        sure = hi <= 1.05 if lat else lo >= 0.95
        verdict = "met (CI)" if sure else "met" if ok else "NOT met"

        def col(v):
            return f"{statistics.median(v):.4g} ({min(v):.4g}-{max(v):.4g})"

        print(f"{test:<10} {size:>6} {min(len(pt), len(xp)):>5} {col(pt):>24} {col(xp):>24} "
              f"{ratio:>6.3f} {lo:>6.3f}-{hi:<6.3f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
