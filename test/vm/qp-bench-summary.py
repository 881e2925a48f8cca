#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Summarise the RESULT lines of test/vm/guest-qp-bench.sh: per test and size, each tool's
median and range over the runs, and two ratios xpdk-bench / perftest, each with a 95 % bootstrap
interval (resampled 10000 times, seeded: the same input gives the same interval):

- "of medians": the median of xpdk-bench's runs over the median of perftest's;
- "paired": the median over the rounds of each round's own ratio. A round runs the two tools
  one after the other, so both see the same host; the paired ratio cancels what changes from
  round to round.

Under TCG one run's figure moves by tens of per cent from run to run for either tool, and on
this host the latency has two levels (about 40 and 100 us at 8 bytes) that come and go for
seconds at a time, within runs and across them, whatever runs in the guest. A ratio of medians
then mostly says how many of each tool's runs fell in the slow periods; a round's two runs
mostly fall in the same one. The verdict uses the paired ratio; the intervals say how far
either could move with other runs of the same kind. Several boots' outputs can be pooled:

    test/vm/qp-bench-summary.py boot1.out boot2.out      (files, or standard input)

Targets (issue 16): bandwidth ratio >= 0.95, latency (p50) ratio <= 1.05. A target is "met"
when the paired ratio meets it, "met (CI)" when its whole interval does too.
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


def bounds(samples):
    r = sorted(samples)
    return r[int(0.025 * len(r))], r[int(0.975 * len(r)) - 1]


def interval(pt, xp, rounds=10000):
    rng = random.Random(1)
    return bounds(
        statistics.median(rng.choices(xp, k=len(xp))) / statistics.median(rng.choices(pt, k=len(pt)))
        for _ in range(rounds)
    )


def paired_interval(ratios, rounds=10000):
    rng = random.Random(1)
    return bounds(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(rounds))


def main(paths):
    runs = {}
    for path in paths or ["-"]:
        with sys.stdin if path == "-" else open(path, encoding="utf-8") as f:
            for line in f:
                m = LINE.match(line)
                if m:
                    pt, xp, ratios = runs.setdefault((m[1], int(m[2])), ([], [], []))
                    p, x = num(m[3]), num(m[4])
                    if p:
                        pt.append(p)
                    if x:
                        xp.append(x)
                    if p and x:
                        ratios.append(x / p)
    if not runs:
        print("qp-bench-summary: no RESULT lines", file=sys.stderr)
        return 1
    print("# medians (and ranges) over the runs; bandwidth in MiB/s (perftest's \"MB/sec\"),")
    print("# latency t_typical (p50) in usec; ratios xpdk/perftest: of the medians, and paired")
    print("# (median of each round's ratio), each with a 95 % bootstrap interval;")
    print("# targets: bw >= 0.95, lat <= 1.05, judged on the paired ratio")
    print(f"{'test':<10} {'bytes':>6} {'runs':>5} {'perftest':>24} {'xpdk':>24} "
          f"{'of medians':>20} {'paired':>20}  target")
    for test, size in sorted(runs, key=lambda k: (ORDER.index(k[0]) if k[0] in ORDER else 99, k[1])):
        pt, xp, ratios = runs[(test, size)]
        if not ratios:
            print(f"{test:<10} {size:>6} {'-':>5}  (no round where both tools succeeded)")
            continue
        lat = test.endswith("_lat")
        ratio = statistics.median(xp) / statistics.median(pt)
        lo, hi = interval(pt, xp)
        paired = statistics.median(ratios)
        plo, phi = paired_interval(ratios)
        ok = paired <= 1.05 if lat else paired >= 0.95
        sure = phi <= 1.05 if lat else plo >= 0.95
        verdict = "met (CI)" if sure else "met" if ok else "NOT met"

        def col(v):
            return f"{statistics.median(v):.4g} ({min(v):.4g}-{max(v):.4g})"

        print(f"{test:<10} {size:>6} {len(ratios):>5} {col(pt):>24} {col(xp):>24} "
              f"{ratio:>6.3f} {lo:>6.3f}-{hi:<6.3f} {paired:>6.3f} {plo:>6.3f}-{phi:<6.3f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
