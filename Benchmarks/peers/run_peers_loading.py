#!/usr/bin/env python3
"""Single-container loading: PackingSolver (packingsolver3d, `box` solver) and py3dbp on the
instances written by `haul bench loading --write-instances DIR`, at the same time limit.

Usage:
    pip install packingsolver3d py3dbp
    haul bench loading --class 1 --instances 20 --time-limit 5 --write-instances /tmp/br1 --output haul-br1.csv
    python3 Benchmarks/peers/run_peers_loading.py --set /tmp/br1 --time-limit 5 [--haul haul-br1.csv] [--output peers-br1.csv]

Each instance is a Haul problem document (kind "loading", one vehicle with a cargo space). Every
solver maximises the packed volume in that one container (PackingSolver: knapsack objective with
profit = volume; py3dbp: its greedy, which has no time limit and no search). Orientations follow
the document: "all" allows the six rotations, "thisSideUp" the two that keep the height vertical,
"none" only the given one (py3dbp always tries all six and cannot be restricted: its figure is
an upper estimate for that reason). Neither peer enforces Haul's support fraction, fragility or
unloading order; the generated instances have no fragile items and no stops, so only support
differs, in the peers' favour. Utilisation = packed volume / container volume, in percent.
Writes instance,packingsolver_pct,packingsolver_seconds,py3dbp_pct,py3dbp_seconds,
packingsolver_below_support[,boxstacks_pct,boxstacks_seconds,boxstacks_below_support][,haul_pct]
and a summary line of means. packingsolver_below_support counts the boxes of PackingSolver's plan
that rest on less than the instance's support fraction of their base (boxes on the floor count
as supported): each one is a violation for `haul check`.

With --boxstacks, PackingSolver's `boxstacks` solver runs as well, at the same time limit: its
plans are piles of boxes that share a footprint (one stackability id per box type) with every box
upright (PackingSolver's boxstacks turns boxes only about the vertical axis), so every box rests on
the whole top of the one below it and the plan meets Haul's support rule. It is PackingSolver's
engine for loads that must stand; it allows fewer arrangements than Haul (no tipping, no box
across two piles).
"""

import argparse
import csv
import glob
import json
import os
import sys
import time


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    space = doc["vehicleTypes"][0]["cargoSpace"]
    return doc, (space["length"], space["width"], space["height"])


def resting_area(b, under):
    """The area of b's base that the boxes in `under` carry (tops at b's bottom)."""
    area = 0
    for c in under:
        if c is b or c.z + c.lz != b.z:
            continue
        ox = min(b.x + b.lx, c.x + c.lx) - max(b.x, c.x)
        oy = min(b.y + b.ly, c.y + c.ly) - max(b.y, c.y)
        if ox > 0 and oy > 0:
            area += ox * oy
    return area


def below_support(placements, fraction):
    """How many placed boxes rest on less than `fraction` of their base (the floor carries all of it)."""
    return sum(1 for b in placements if b.z > 0 and resting_area(b, placements) < fraction * b.lx * b.ly)


def run_packingsolver(doc, dims, time_limit, stacks=False):
    """PackingSolver's `box` solver, or with `stacks` its `boxstacks` solver (upright piles, one
    stackability id per box type). Returns the packed volume, the seconds and the placements."""
    import packingsolver3d as ps
    groups = {}
    for item in doc["items"]:
        key = (int(item["length"]), int(item["width"]), int(item["height"]), item.get("rotations", "all"))
        groups[key] = groups.get(key, 0) + 1
    rot = {
        "all": ps.ALL_ROTATIONS,
        "thisSideUp": (ps.Rotation.XYZ, ps.Rotation.YXZ),
        "none": (ps.Rotation.XYZ,),
    }
    item_types = [ps.ItemType(x=l, y=w, z=h, copies=n, rotations=rot[r], **({"stackability_id": k} if stacks else {}))
                  for k, ((l, w, h, r), n) in enumerate(groups.items())]
    instance = ps.Instance(
        bin_types=[ps.BinType(x=int(dims[0]), y=int(dims[1]), z=int(dims[2]), copies=1)],
        item_types=item_types,
        objective=ps.Objective.KNAPSACK,
    )
    start = time.monotonic()
    result = (ps.boxstacks if stacks else ps.box).solve(instance, time_limit=time_limit)
    seconds = time.monotonic() - start
    placements = list(result.placements)
    volume = sum(p.lx * p.ly * p.lz for p in placements)
    return volume, seconds, placements


def run_py3dbp(doc, dims):
    from py3dbp import Packer, Bin, Item
    packer = Packer()
    packer.add_bin(Bin("container", dims[1], dims[2], dims[0], 1e12))
    for item in doc["items"]:
        packer.add_item(Item(item["id"], item["width"], item["height"], item["length"], item.get("weight", 0)))
    start = time.monotonic()
    packer.pack(bigger_first=True, distribute_items=False, number_of_decimals=0)
    seconds = time.monotonic() - start
    volume = sum(float(i.width) * float(i.height) * float(i.depth) for b in packer.bins for i in b.items)
    return volume, seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", required=True, help="folder of instances written by haul bench loading --write-instances")
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--haul", help="CSV of haul bench loading on the same instances, to add its column")
    ap.add_argument("--output", help="write the CSV here as well")
    ap.add_argument("--no-py3dbp", action="store_true", help="skip py3dbp (slow on large instances)")
    ap.add_argument("--boxstacks", action="store_true", help="also run PackingSolver's boxstacks solver (plans that meet the support rule)")
    args = ap.parse_args()

    haul = {}
    if args.haul:
        with open(args.haul, encoding="utf-8") as f:
            for row in csv.reader(line for line in f if not line.startswith("#")):
                if row and row[0] != "instance":
                    haul[row[0]] = float(row[3])

    paths = sorted(glob.glob(os.path.join(args.set, "*.json")))
    if not paths:
        sys.exit(f"no instances in {args.set}")
    header = (["instance", "packingsolver_pct", "packingsolver_seconds", "py3dbp_pct", "py3dbp_seconds", "packingsolver_below_support"]
              + (["boxstacks_pct", "boxstacks_seconds", "boxstacks_below_support"] if args.boxstacks else [])
              + (["haul_pct"] if haul else []))
    lines = [",".join(header)]
    print(lines[0], flush=True)
    sums = {"ps": [], "py": [], "haul": [], "stacks": [], "short": []}
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        doc, dims = load(path)
        fraction = doc["vehicleTypes"][0]["cargoSpace"].get("supportFraction", 0.75)
        capacity = dims[0] * dims[1] * dims[2]
        ps_volume, ps_seconds, ps_placements = run_packingsolver(doc, dims, args.time_limit)
        row = [name, f"{100 * ps_volume / capacity:.2f}", f"{ps_seconds:.2f}"]
        sums["ps"].append(100 * ps_volume / capacity)
        if args.no_py3dbp:
            row += ["", ""]
        else:
            py_volume, py_seconds = run_py3dbp(doc, dims)
            row += [f"{100 * py_volume / capacity:.2f}", f"{py_seconds:.2f}"]
            sums["py"].append(100 * py_volume / capacity)
        short = below_support(ps_placements, fraction)
        row.append(str(short))
        sums["short"].append(short)
        if args.boxstacks:
            st_volume, st_seconds, st_placements = run_packingsolver(doc, dims, args.time_limit, stacks=True)
            row += [f"{100 * st_volume / capacity:.2f}", f"{st_seconds:.2f}", str(below_support(st_placements, fraction))]
            sums["stacks"].append(100 * st_volume / capacity)
        if haul:
            h = haul.get(name)
            row.append(f"{h:.2f}" if h is not None else "")
            if h is not None:
                sums["haul"].append(h)
        lines.append(",".join(row))
        print(lines[-1], flush=True)

    def mean(xs):
        return f"{sum(xs) / len(xs):.2f}%" if xs else "n/a"
    summary = (f"# mean utilisation over {len(paths)} instances at {args.time_limit:g} s: "
               f"packingsolver {mean(sums['ps'])} ({sum(sums['short'])} boxes below the support fraction), py3dbp {mean(sums['py'])}"
               + (f", packingsolver boxstacks {mean(sums['stacks'])}" if args.boxstacks else "")
               + (f", haul {mean(sums['haul'])}" if haul else ""))
    lines.append(summary)
    print(summary)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
