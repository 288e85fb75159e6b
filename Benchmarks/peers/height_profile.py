#!/usr/bin/env python3
"""How full each band of height of the cargo space is, in loading plans.

Usage:
    python3 Benchmarks/peers/height_profile.py --problem-dir DIR [--bands 4] [--columns] PLAN.json [PLAN.json ...]

Each PLAN.json is a loading plan: a Haul plan (`haul solve PROBLEM --output PLAN.json`, one
vehicle) or a plan written by `packingsolver_support.py --plans DIR` (same `vehicles[0].placements`
layout). The problem document of the same name (PLAN's base name without a `-haul` or `-ps`
suffix, plus .json) in --problem-dir gives the cargo space. For each plan, prints the share of
each of --bands equal bands of height (floor first) that the placed boxes fill, and the mean over
the plans. A plan's boxes are counted exactly (the volume of each box within each band).

With --columns (needs numpy, whole-number dimensions), also where the empty volume is, per column
of the floor (1 x 1 unit): between the highest box and the ceiling ("ceiling gap", with its split
by the height of the gap) and under the highest box ("voids under tops"), as shares of the
container's volume.
"""

import argparse
import json
import os
import re


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("plans", nargs="+")
    ap.add_argument("--problem-dir", required=True)
    ap.add_argument("--bands", type=int, default=4)
    ap.add_argument("--columns", action="store_true", help="also split the empty volume into ceiling gaps and voids under tops")
    args = ap.parse_args()
    sums = [0.0] * args.bands
    total = 0.0
    edges = [0, 13, 26, 40, 55, 80, 120, float("inf")]
    gap_sums = [0.0] * (len(edges) - 1)
    void_sum = 0.0
    for path in args.plans:
        name = re.sub(r"-(haul|ps)$", "", os.path.splitext(os.path.basename(path))[0])
        with open(os.path.join(args.problem_dir, name + ".json"), encoding="utf-8") as f:
            space = json.load(f)["vehicleTypes"][0]["cargoSpace"]
        length, width, height = space["length"], space["width"], space["height"]
        with open(path, encoding="utf-8") as f:
            plan = json.load(f)
        boxes = [p for v in plan.get("vehicles", []) for p in v.get("placements", [])]
        step = height / args.bands
        fill = []
        for k in range(args.bands):
            lo, hi = k * step, (k + 1) * step
            inside = sum(b["length"] * b["width"] * max(0.0, min(hi, b["z"] + b["height"]) - max(lo, b["z"])) for b in boxes)
            fill.append(100 * inside / (length * width * step))
        used = sum(b["length"] * b["width"] * b["height"] for b in boxes) / (length * width * height)
        total += 100 * used
        sums = [s + x for s, x in zip(sums, fill)]
        line = f"{os.path.basename(path)}: {100 * used:.2f}% ; bands, floor first: " + " ".join(f"{x:.1f}" for x in fill)
        if args.columns:
            import numpy as np
            top = np.zeros((int(round(length)), int(round(width))))
            filled = np.zeros_like(top)
            for b in boxes:
                x0, y0 = int(round(b["x"])), int(round(b["y"]))
                x1, y1 = x0 + int(round(b["length"])), y0 + int(round(b["width"]))
                top[x0:x1, y0:y1] = np.maximum(top[x0:x1, y0:y1], b["z"] + b["height"])
                filled[x0:x1, y0:y1] += b["height"]
            gap = height - top
            capacity = length * width * height
            shares = [100 * gap[(gap > lo) & (gap <= hi)].sum() / capacity for lo, hi in zip(edges, edges[1:])]
            voids = 100 * (top - filled).sum() / capacity
            gap_sums = [a + b for a, b in zip(gap_sums, shares)]
            void_sum += voids
            line += f" ; ceiling gap {sum(shares):.2f}%, voids under tops {voids:.2f}%"
        print(line)
    n = len(args.plans)
    print(f"mean over {n} plans: {total / n:.2f}% ; bands, floor first: " + " ".join(f"{s / n:.1f}" for s in sums))
    if args.columns:
        split = ", ".join(f"{lo:g} to {hi:g}: {g / n:.2f}%" for lo, hi, g in zip(edges, edges[1:], gap_sums))
        print(f"mean ceiling gap {sum(gap_sums) / n:.2f}% (by the gap's height: {split}), voids under tops {void_sum / n:.2f}%")


if __name__ == "__main__":
    main()
