#!/usr/bin/env python3
"""HiGHS on the plain single-source CFLP MIP of an SSCFLP folder, side by side with Haul.

Usage:
    pip install highspy
    python3 Benchmarks/peers/run_peers_allocation.py --set ../shared/instances/sscflp/Lib_1 \
        --time-limit 10 [--limit N] [--haul-binary .build/release/haul | --haul haul.csv] [--output highs.csv]

The model is the textbook one (binary open y_i, binary assign x_ij, each customer once,
capacity sum_j d_j x_ij <= s_i y_i), solved by HiGHS on one thread with the given time limit.
It prints instance,objective,optimum,gap_pct,seconds,status per instance (the columns of
`haul bench allocation`) and a summary line. With --haul-binary it first runs
`haul bench allocation` on the same folder, time limit and limit, in the same run, and adds Haul's
columns and the ratio of total times; --haul reads them from an earlier CSV instead.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

import highspy
import numpy as np


def read_sscflp(path):
    with open(path) as f:
        tokens = f.read().split()
    values = [float(t) for t in tokens]
    m, n = int(values[0]), int(values[1])
    pos = 2
    cap = values[pos:pos + m]; pos += m
    fixed = values[pos:pos + m]; pos += m
    demand = values[pos:pos + n]; pos += n
    cost = np.array(values[pos:pos + n * m]).reshape(n, m)
    return m, n, cap, fixed, demand, cost


def solve(path, time_limit):
    m, n, cap, fixed, demand, cost = read_sscflp(path)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1e-7)
    inf = highspy.kHighsInf
    # Columns: y_0..y_{m-1}, then x_ij at m + j*m + i.
    num = m + n * m
    costs = np.concatenate([np.array(fixed), cost.reshape(-1)])
    h.addVars(num, np.zeros(num), np.ones(num))
    h.changeColsCost(num, np.arange(num, dtype=np.int32), costs)
    h.changeColsIntegrality(num, np.arange(num, dtype=np.int32),
                            np.array([highspy.HighsVarType.kInteger] * num))
    for j in range(n):
        idx = np.array([m + j * m + i for i in range(m)], dtype=np.int32)
        h.addRow(1.0, 1.0, m, idx, np.ones(m))
    for i in range(m):
        idx = np.array([m + j * m + i for j in range(n)] + [i], dtype=np.int32)
        val = np.array(list(demand) + [-cap[i]])
        h.addRow(-inf, 0.0, n + 1, idx, val)
    start = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - start
    status = h.getModelStatus()
    info = h.getInfo()
    objective = info.objective_function_value if info.primal_solution_status == 2 else float("nan")
    label = "optimal" if status == highspy.HighsModelStatus.kOptimal else (
        "feasible" if objective == objective else "timeLimit")
    return objective, seconds, label


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", required=True)
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--haul", help="CSV written by haul bench allocation, for a side-by-side table")
    ap.add_argument("--haul-binary", help="the haul executable: run haul bench allocation first, in the same run")
    ap.add_argument("--output")
    args = ap.parse_args()
    names = sorted((f for f in os.listdir(args.set) if f.startswith("p") and f[1:].isdigit()), key=lambda f: int(f[1:]))
    if args.limit:
        names = names[:args.limit]
    with open(os.path.join(args.set, "os")) as f:
        optima = [float(line) for line in f if line.strip()]
    haul = {}
    if args.haul_binary:
        out = tempfile.NamedTemporaryFile(suffix=".csv", delete=False).name
        cmd = [args.haul_binary, "bench", "allocation", "--set", args.set, "--time-limit", str(args.time_limit), "--output", out]
        if args.limit:
            cmd += ["--limit", str(args.limit)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        args.haul = out
    if args.haul:
        with open(args.haul) as f:
            for row in csv.reader(f):
                if row and not row[0].startswith("#") and row[0] != "instance":
                    haul[row[0]] = row
    rows, gaps, total, proven = [], [], 0.0, 0
    header = "instance,objective,optimum,gap_pct,seconds,status" + (",haul_objective,haul_seconds,haul_status" if haul else "")
    print(header)
    for name in names:
        k = int(name[1:]) - 1
        opt = optima[k] if k < len(optima) else float("nan")
        obj, sec, label = solve(os.path.join(args.set, name), args.time_limit)
        gap = 100 * (obj - opt) / opt
        total += sec
        proven += label == "optimal"
        if gap == gap:
            gaps.append(gap)
        row = f"{name},{obj:.2f},{opt:.2f},{gap:.4f},{sec:.2f},{label}"
        if haul:
            h = haul.get(name, ["", "", "", "", "", ""])
            row += f",{h[1]},{h[4]},{h[5]}"
        rows.append(row)
        print(row, flush=True)
    mean = sum(gaps) / len(gaps) if gaps else float("nan")
    summary = f"# HiGHS {highspy.Highs().version()}: mean gap {mean:.4f}%, {len(gaps)} instances, {proven} proven optimal, total {total:.1f} s, time limit {args.time_limit:g} s per instance"
    if haul:
        hs = [float(haul[n][4]) for n in names if n in haul and haul[n][4]]
        hp = sum(1 for n in names if n in haul and haul[n][5] == "optimal")
        summary += f"; Haul: {hp} proven optimal, total {sum(hs):.1f} s; Haul/HiGHS time ratio {sum(hs) / total:.2f}"
    print(summary)
    if args.output:
        with open(args.output, "w") as f:
            f.write(header + "\n" + "\n".join(rows) + "\n" + summary + "\n")


if __name__ == "__main__":
    sys.exit(main())
