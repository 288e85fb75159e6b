#!/usr/bin/env python3
"""How full each band of height of the cargo space is, in loading plans.

Usage:
    python3 Benchmarks/peers/height_profile.py --problem-dir DIR [--bands 4] PLAN.json [PLAN.json ...]

Each PLAN.json is a loading plan: a Haul plan (`haul solve PROBLEM --output PLAN.json`, one
vehicle) or a plan written by `packingsolver_support.py --plans DIR` (same `vehicles[0].placements`
layout). The problem document of the same name (PLAN's base name without a `-haul` or `-ps`
suffix, plus .json) in --problem-dir gives the cargo space. For each plan, prints the share of
each of --bands equal bands of height (floor first) that the placed boxes fill, and the mean over
the plans. A plan's boxes are counted exactly (the volume of each box within each band).
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
    args = ap.parse_args()
    sums = [0.0] * args.bands
    total = 0.0
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
        print(f"{os.path.basename(path)}: {100 * used:.2f}% ; bands, floor first: " + " ".join(f"{x:.1f}" for x in fill))
    n = len(args.plans)
    print(f"mean over {n} plans: {total / n:.2f}% ; bands, floor first: " + " ".join(f"{s / n:.1f}" for s in sums))


if __name__ == "__main__":
    main()
