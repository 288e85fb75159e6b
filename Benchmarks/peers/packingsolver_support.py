#!/usr/bin/env python3
"""PackingSolver's plan for one Haul loading instance, and how much of it would pass Haul's support rule.

Usage:
    pip install packingsolver3d
    python3 Benchmarks/peers/packingsolver_support.py INSTANCE.json [--time-limit 5] [--support 0.75]

INSTANCE.json is a problem document written by `haul bench loading --write-instances DIR`.
Runs PackingSolver's `box` solver (knapsack objective, profit = volume, the same call as
run_peers_loading.py) and prints its utilisation, the boxes it placed and left out (by type),
and how many of its boxes rest on less than the support fraction of their base (boxes on the
floor count as supported) and how many rest on nothing. PackingSolver enforces no support rule.
"""

import argparse
import collections
import json
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("instance")
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--support", type=float, default=0.75, help="support fraction to test the plan against")
    args = ap.parse_args()

    import packingsolver3d as ps

    with open(args.instance, encoding="utf-8") as f:
        doc = json.load(f)
    space = doc["vehicleTypes"][0]["cargoSpace"]
    length, width, height = space["length"], space["width"], space["height"]
    counts = collections.Counter(
        (int(i["length"]), int(i["width"]), int(i["height"]), i.get("rotations", "all")) for i in doc["items"])
    rotations = {
        "all": ps.ALL_ROTATIONS,
        "thisSideUp": (ps.Rotation.XYZ, ps.Rotation.YXZ),
        "none": (ps.Rotation.XYZ,),
    }
    types = list(counts)
    instance = ps.Instance(
        bin_types=[ps.BinType(x=int(length), y=int(width), z=int(height), copies=1)],
        item_types=[ps.ItemType(x=l, y=w, z=h, copies=counts[(l, w, h, r)], rotations=rotations[r]) for (l, w, h, r) in types],
        objective=ps.Objective.KNAPSACK,
    )
    start = time.monotonic()
    result = ps.box.solve(instance, time_limit=args.time_limit)
    seconds = time.monotonic() - start
    boxes = list(result.placements)
    volume = sum(b.lx * b.ly * b.lz for b in boxes)
    print(f"{args.instance}: {100 * volume / (length * width * height):.2f}% in {seconds:.2f} s, "
          f"{len(boxes)} of {len(doc['items'])} boxes")

    placed = collections.Counter(tuple(sorted((b.lx, b.ly, b.lz))) for b in boxes)
    left = {t[:3]: counts[t] - placed[tuple(sorted(t[:3]))] for t in types if counts[t] > placed[tuple(sorted(t[:3]))]}
    print(f"left out: {sum(left.values())} boxes of {len(left)} types: {left}")

    short = floating = 0
    for b in boxes:
        if b.z <= 0:
            continue
        area = 0
        for c in boxes:
            if c is b or c.z + c.lz != b.z:
                continue
            ox = min(b.x + b.lx, c.x + c.lx) - max(b.x, c.x)
            oy = min(b.y + b.ly, c.y + c.ly) - max(b.y, c.y)
            if ox > 0 and oy > 0:
                area += ox * oy
        if area < args.support * b.lx * b.ly:
            short += 1
        if area == 0:
            floating += 1
    print(f"below {args.support:g} support: {short} boxes; resting on nothing: {floating}")


if __name__ == "__main__":
    main()
