#!/usr/bin/env python3
"""PackingSolver's plans for Haul loading instances, and how much of them would pass Haul's support rule.

Usage:
    pip install packingsolver3d
    python3 Benchmarks/peers/packingsolver_support.py INSTANCE.json [INSTANCE.json ...] [--time-limit 5]
        [--support 0.75] [--output FILE.csv] [--plans DIR]

Each INSTANCE.json is a problem document written by `haul bench loading --write-instances DIR`.
Runs PackingSolver's `box` solver (knapsack objective, profit = volume, the same call as
run_peers_loading.py) and prints its utilisation, the boxes it placed and left out (by type),
and how many of its boxes rest on less than the support fraction of their base (boxes on the
floor count as supported) and how many rest on nothing. PackingSolver enforces no support rule.

It also prints the utilisation of the plan once repaired for Haul's rule: going up from the
floor, a box stays if the boxes that stayed carry at least the support fraction of its base,
and is taken out otherwise (with it, whatever rested on it loses that support). The repaired
plan is a feasible packing under Haul's rule; it is a lower bound on what PackingSolver's method
would reach under that rule, not a measurement of it. With --output, one CSV row per instance:
instance,packingsolver_pct,seconds,boxes,below_support,floating,repaired_pct,repaired_boxes
With --plans, PackingSolver's plan for INSTANCE.json is written to DIR/INSTANCE-ps.json as
{"vehicles": [{"placements": [{"x", "y", "z", "length", "width", "height"}, ...]}]} (for
height_profile.py).
"""

import argparse
import collections
import json
import os
import sys

# The PackingSolver call and the support test are those of the side-by-side script.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_peers_loading import load, resting_area, run_packingsolver  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("instances", nargs="+")
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--support", type=float, default=0.75, help="support fraction to test the plan against")
    ap.add_argument("--output", help="CSV file for one row per instance")
    ap.add_argument("--plans", help="folder for PackingSolver's plans")
    args = ap.parse_args()
    rows = [run(path, args) for path in args.instances]
    if len(rows) > 1:
        n = len(rows)
        print(f"mean over {n}: PackingSolver {sum(r[1] for r in rows) / n:.2f}%, "
              f"repaired for support {args.support:g}: {sum(r[6] for r in rows) / n:.2f}%")
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write("instance,packingsolver_pct,seconds,boxes,below_support,floating,repaired_pct,repaired_boxes\n")
            for r in rows:
                f.write(f"{r[0]},{r[1]:.2f},{r[2]:.2f},{r[3]},{r[4]},{r[5]},{r[6]:.2f},{r[7]}\n")


def run(path, args):
    doc, (length, width, height) = load(path)
    counts = collections.Counter(
        (int(i["length"]), int(i["width"]), int(i["height"]), i.get("rotations", "all")) for i in doc["items"])
    types = list(counts)
    volume, seconds, boxes = run_packingsolver(doc, (length, width, height), args.time_limit)
    print(f"{path}: {100 * volume / (length * width * height):.2f}% in {seconds:.2f} s, "
          f"{len(boxes)} of {len(doc['items'])} boxes")

    placed = collections.Counter(tuple(sorted((b.lx, b.ly, b.lz))) for b in boxes)
    left = {t[:3]: counts[t] - placed[tuple(sorted(t[:3]))] for t in types if counts[t] > placed[tuple(sorted(t[:3]))]}
    print(f"left out: {sum(left.values())} boxes of {len(left)} types: {left}")

    short = floating = 0
    for b in boxes:
        if b.z <= 0:
            continue
        area = resting_area(b, boxes)
        if area < args.support * b.lx * b.ly:
            short += 1
        if area == 0:
            floating += 1
    print(f"below {args.support:g} support: {short} boxes; resting on nothing: {floating}")

    if args.plans:
        os.makedirs(args.plans, exist_ok=True)
        out = os.path.join(args.plans, os.path.splitext(os.path.basename(path))[0] + "-ps.json")
        placements = [{"x": b.x, "y": b.y, "z": b.z, "length": b.lx, "width": b.ly, "height": b.lz} for b in boxes]
        with open(out + ".tmp", "w", encoding="utf-8") as f:
            json.dump({"vehicles": [{"placements": placements}]}, f)
        os.replace(out + ".tmp", out)

    # Repair: from the floor up, keep a box only if the kept boxes carry enough of its base.
    kept = []
    for b in sorted(boxes, key=lambda b: b.z):
        if b.z <= 0 or resting_area(b, kept) >= args.support * b.lx * b.ly:
            kept.append(b)
    repaired = sum(b.lx * b.ly * b.lz for b in kept)
    print(f"repaired for support {args.support:g}: {100 * repaired / (length * width * height):.2f}%, {len(kept)} boxes")
    return (os.path.splitext(os.path.basename(path))[0], 100 * volume / (length * width * height), seconds, len(boxes),
            short, floating, 100 * repaired / (length * width * height), len(kept))


if __name__ == "__main__":
    main()
