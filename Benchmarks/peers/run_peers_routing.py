#!/usr/bin/env python3
"""Runs PyVRP and HGS-CVRP on a folder of VRPLIB instances, like `haul bench routing`.

    pip install pyvrp hygese          # not a dependency of the Swift package
    python3 Benchmarks/peers/run_peers_routing.py --set DIR --time-limit S \
        [--output PREFIX] [--limit N] [--max-customers N] [--solvers pyvrp,hgs] [--haul HAUL.csv]
        [--haul-binary .build/release/haul [--haul-engines automatic,ruinAndRecreate] [--haul-cpu-time]]

For each solver it prints (and with --output writes to PREFIX-<solver>.csv) the columns of
`haul bench routing`: instance,cost,bks,gap_pct,seconds,vehicles,status, then a summary line
starting with '#'. With --haul it also prints a side-by-side table (Markdown) of Haul's CSV and
the peers' results. With --haul-binary the given `haul` runs in the same process's core too,
interleaved with the peers instance by instance (every solver on one instance, then the next), once
per engine of --haul-engines (passed as HAUL_ROUTING_ENGINE), and it joins the table.

Fairness: the solvers run one after the other, in this single process pinned to one core
(--cpu, default: the first core this process may use), each with the same time limit per
instance. HGS-CVRP is given no iteration limit (it stops at the time limit, as PyVRP does).
HGS-CVRP measures its limit in CPU time, PyVRP and Haul in wall time; --haul-cpu-time makes Haul
measure CPU time too (`haul bench routing --cpu-time`), so that a busy machine does not favour
HGS-CVRP.

Distances follow the same conventions as Haul's VRPLIB reader, so costs compare with the
best-known values: EUC_2D rounded to the nearest integer; Solomon files (FLOOR_2D, SCALE 10) and
CVRPLIB VRPTW files (TYPE VRPTW, EUC_2D) use DIMACS truncation to one decimal (PyVRP gets
integers in tenths, with times in tenths, and the cost is divided by 10); TYPE MDVRPTW uses
PyVRP's 'exact' rounding (thousandths), the unit of those sets' .sol files. HGS-CVRP solves
capacitated problems only; instances with time windows or several depots are 'n/a' for it.

Every solution is re-checked here: each customer served once, capacities, and the cost
recomputed from the routes with the same distance matrix (PyVRP's own feasibility flag covers
time windows and durations).
"""

import argparse
import csv
import math
import os
import re
import sys
import tempfile
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402


# ---------------------------------------------------------------------------------------------
# Instances, best-known values, conventions


def header(path):
    """The header keywords of a VRPLIB file, upper-cased, up to the first section."""
    values = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*:?\s*(.*?)\s*$", line)
            if not m:
                continue
            key, value = m.group(1).upper(), m.group(2)
            if key.endswith("_SECTION") or key == "EOF":
                break
            values[key] = value
    return values


def convention(h):
    """(pyvrp round_func, divisor of the integer cost, rewrite FLOOR_2D/SCALE as EUC_2D) or None."""
    ewt = h.get("EDGE_WEIGHT_TYPE", "").upper()
    kind = h.get("TYPE", "").upper()
    scale = h.get("SCALE")
    if ewt == "FLOOR_2D" and scale is not None and float(scale) == 10:
        return ("dimacs", 10, True)
    if ewt == "EUC_2D" and scale is None:
        if kind == "VRPTW":
            return ("dimacs", 10, False)
        if kind == "MDVRPTW":
            return ("exact", 1, False)
        return ("round", 1, False)
    return None


def bks_table(folder):
    path = os.path.join(folder, "bks.csv")
    table = {}
    if not os.path.exists(path):
        return table
    with open(path, encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        return table
    head = [c.strip().lower() for c in rows[0]]
    name_col = next((head.index(c) for c in ("instance", "name") if c in head), 0)
    value_col = next((head.index(c) for c in ("bks", "bks_distance", "distance", "cost", "optimum", "best") if c in head),
                     len(head) - 1)
    for row in rows[1:]:
        if len(row) <= max(name_col, value_col):
            continue
        try:
            value = float(row[value_col])
        except ValueError:
            continue
        name = row[name_col].strip()
        table[name] = min(table.get(name, math.inf), value)  # an instance listed twice: the smaller
    return table


def sol_cost(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*cost\s*:?\s*([-+0-9.eE]+)", line, re.IGNORECASE)
            if m:
                return float(m.group(1))
    return None


def instances(folder, limit, max_customers):
    found = []
    for name in os.listdir(folder):
        stem, ext = os.path.splitext(name)
        if ext.lower() not in (".vrp", ".vrptw"):
            continue
        path = os.path.join(folder, name)
        h = header(path)
        try:
            dimension = int(h.get("DIMENSION", "0"))
        except ValueError:
            dimension = 0
        found.append((dimension, stem, path, h))
    natural = lambda s: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]  # noqa: E731
    found.sort(key=lambda e: (e[0], natural(e[1])))
    if max_customers is not None:
        found = [e for e in found if e[0] - 1 <= max_customers]  # DIMENSION counts the depot
    return found[:limit] if limit is not None else found


# ---------------------------------------------------------------------------------------------
# Solvers


def run_pyvrp(path, h, time_limit, seed):
    import pyvrp
    from pyvrp.stop import MaxRuntime

    conv = convention(h)
    if conv is None:
        return dict(status=f"n/a: EDGE_WEIGHT_TYPE {h.get('EDGE_WEIGHT_TYPE')} not mapped")
    round_func, divisor, rewrite = conv
    read_path = path
    if rewrite:
        # vrplib floors FLOOR_2D distances before SCALE is applied; give PyVRP the raw Euclidean
        # distances instead and let round_func='dimacs' truncate them to tenths.
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(?m)^\s*SCALE\s*:?.*\n", "", text)
        text = re.sub(r"(?m)^(\s*EDGE_WEIGHT_TYPE\s*:?\s*)FLOOR_2D", r"\1EUC_2D", text)
        tmp = tempfile.NamedTemporaryFile("w", suffix=".vrp", delete=False)
        tmp.write(text)
        tmp.close()
        read_path = tmp.name
    try:
        data = pyvrp.read(read_path, round_func=round_func)
    finally:
        if read_path != path:
            os.unlink(read_path)
    start = time.perf_counter()
    result = pyvrp.solve(data, stop=MaxRuntime(time_limit), seed=seed, display=False)
    seconds = time.perf_counter() - start
    best = result.best
    problems = []
    if not result.is_feasible():
        problems.append("PyVRP reports infeasible")
    dist = data.distance_matrix(0)
    seen = {}
    total = 0
    for route in best.routes():
        # Iterating a route gives its scheduled activities (PyVRP 0.14): depots and client visits.
        visits = [a.idx for a in route if a.is_client()]
        vt = data.vehicle_type(route.vehicle_type())
        prev = data.depot(vt.start_depot).location
        load = 0
        for c in visits:
            seen[c] = seen.get(c, 0) + 1
            client = data.client(c)
            total += int(dist[prev, client.location])
            load += sum(client.delivery)
            prev = client.location
        total += int(dist[prev, data.depot(vt.end_depot).location])
        if load > sum(vt.capacity):
            problems.append(f"route load {load} > capacity {sum(vt.capacity)}")
    missing = [c for c in range(data.num_clients) if seen.get(c, 0) != 1]
    if missing:
        problems.append(f"{len(missing)} customers not served exactly once")
    if total != best.distance():
        problems.append(f"recomputed distance {total} != {best.distance()}")
    return dict(cost=best.distance() / divisor, seconds=seconds, vehicles=best.num_routes(),
                status="ok" if not problems else "INFEASIBLE: " + "; ".join(problems))


def run_hgs(path, h, time_limit, seed):
    import hygese
    import vrplib

    conv = convention(h)
    if conv is None or conv[0] != "round":
        return dict(status="n/a: HGS-CVRP solves CVRP only")
    inst = vrplib.read_instance(path)
    if "time_window" in inst or len(np.atleast_1d(inst.get("depot", [0]))) != 1:
        return dict(status="n/a: HGS-CVRP solves CVRP only")
    depot = int(np.atleast_1d(inst["depot"])[0])
    if depot != 0:
        return dict(status="n/a: the depot is not the first node")
    coords = np.asarray(inst["node_coord"], dtype=float)
    diff = coords[:, None, :] - coords[None, :, :]
    dist = np.floor(np.sqrt((diff ** 2).sum(axis=2)) + 0.5)  # EUC_2D: nearest integer
    demand = np.asarray(inst["demand"], dtype=float)
    data = dict(distance_matrix=dist, demands=demand, vehicle_capacity=float(inst["capacity"]), depot=0,
                service_times=np.zeros(len(demand)))
    if coords.min() >= 0:  # HGS uses coordinates for its SWAP* sectors; it requires them >= 0
        data["x_coordinates"] = coords[:, 0]
        data["y_coordinates"] = coords[:, 1]
    if "vehicles" in inst:
        data["num_vehicles"] = int(inst["vehicles"])
    params = hygese.AlgorithmParameters(timeLimit=float(time_limit), seed=seed, nbIter=1_000_000_000)
    solver = hygese.Solver(parameters=params, verbose=False)
    start = time.perf_counter()
    result = solver.solve_cvrp(data)
    seconds = time.perf_counter() - start
    problems = []
    seen = {}
    total = 0.0
    for r in result.routes:
        path_nodes = [0] + list(r) + [0]
        total += sum(dist[a, b] for a, b in zip(path_nodes, path_nodes[1:]))
        load = sum(demand[c] for c in r)
        if load > data["vehicle_capacity"]:
            problems.append(f"route load {load:g} > capacity {data['vehicle_capacity']:g}")
        for c in r:
            seen[c] = seen.get(c, 0) + 1
    if any(seen.get(c, 0) != 1 for c in range(1, len(demand))):
        problems.append("customers not served exactly once")
    if abs(total - result.cost) > 1e-6 * max(1.0, total):
        problems.append(f"recomputed cost {total:g} != {result.cost:g}")
    return dict(cost=total, seconds=seconds, vehicles=len(result.routes),
                status="ok" if not problems else "INFEASIBLE: " + "; ".join(problems))


def run_haul(path, h, time_limit, seed, binary, engine, cpu_time=False):
    """Runs `haul bench routing` on a folder holding only this instance (and its .sol)."""
    import subprocess

    stem = os.path.splitext(path)[0]
    with tempfile.TemporaryDirectory() as folder:
        os.symlink(os.path.abspath(path), os.path.join(folder, os.path.basename(path)))
        if os.path.exists(stem + ".sol"):
            os.symlink(os.path.abspath(stem + ".sol"), os.path.join(folder, os.path.basename(stem) + ".sol"))
        out = os.path.join(folder, "haul.csv")
        env = dict(os.environ)
        if engine:
            env["HAUL_ROUTING_ENGINE"] = engine
        subprocess.run([binary, "bench", "routing", "--set", folder, "--time-limit", f"{time_limit:g}",
                        "--seed", str(seed), "--output", out] + (["--cpu-time"] if cpu_time else []), check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out, encoding="utf-8") as f:
            rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    if not rows:
        return dict(status="error: no row")
    row = rows[0]
    num = lambda k: float(row[k]) if row.get(k) not in (None, "") else None  # noqa: E731
    return dict(cost=num("cost"), seconds=num("seconds"),
                vehicles=int(row["vehicles"]) if row.get("vehicles") else None, status=row.get("status", ""))


SOLVERS = {"pyvrp": ("PyVRP", run_pyvrp), "hgs": ("HGS-CVRP", run_hgs)}


# ---------------------------------------------------------------------------------------------
# Output


def fmt(x):
    if x is None:
        return ""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.4f}".rstrip("0").rstrip(".")


def row_text(name, r, bks):
    cost = r.get("cost")
    gap = 100 * (cost - bks) / bks if cost is not None and bks else None
    r["gap"] = gap
    status = r.get("status", "")
    if "," in status or '"' in status:
        status = '"' + status.replace('"', '""') + '"'
    return ",".join([name, fmt(cost), fmt(bks), "" if gap is None else f"{gap:.4f}",
                     "" if r.get("seconds") is None else f"{r['seconds']:.2f}",
                     "" if r.get("vehicles") is None else str(r["vehicles"]), status])


def summary(rows, n, time_limit, seed, folder):
    gaps = [r["gap"] for r in rows if r.get("gap") is not None and r.get("status") == "ok"]
    feasible = sum(1 for r in rows if r.get("status") == "ok")
    total = sum(r.get("seconds") or 0 for r in rows)
    mean = sum(gaps) / len(gaps) if gaps else 0.0
    return (f"# mean gap {mean:.4f}% over {len(gaps)} feasible instances with a best-known value; "
            f"{feasible} of {n} plans feasible; time limit {time_limit:g} s per instance; total {total:.1f} s; "
            f"seed {seed}; set {os.path.basename(os.path.normpath(folder))}")


def read_haul_csv(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    for row in csv.DictReader(lines):
        def num(key):
            try:
                return float(row.get(key, ""))
            except ValueError:
                return None
        out[row["instance"]] = dict(cost=num("cost"), gap=num("gap_pct"), status=row.get("status", ""),
                                    bks=num("bks"))
    return out


def side_by_side(names, bks, columns):
    """columns: [(title, {instance: dict(cost, gap, status)})]."""
    head = "| instance | BKS | " + " | ".join(f"{t} cost | {t} gap %" for t, _ in columns) + " |"
    lines = [head, "|" + "---|" * (2 + 2 * len(columns))]
    common = [n for n in names if all(res.get(n, {}).get("gap") is not None and res[n].get("status") == "ok"
                                      for _, res in columns)]
    for n in names:
        cells = [n, fmt(bks.get(n))]
        for _, res in columns:
            r = res.get(n, {})
            flag = "" if r.get("status") in ("ok", None, "") else " (" + r["status"].split(":")[0] + ")"
            cells += [fmt(r.get("cost")) + flag, "" if r.get("gap") is None else f"{r['gap']:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    means = ["**mean**", f"{len(common)} inst."]
    for _, res in columns:
        g = [res[n]["gap"] for n in common]
        means += ["", f"**{sum(g) / len(g):.3f}**" if g else ""]
    lines.append("| " + " | ".join(means) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", required=True, help="folder of .vrp/.vrptw instances")
    parser.add_argument("--time-limit", type=float, required=True, help="seconds per instance and solver")
    parser.add_argument("--output", help="write PREFIX-pyvrp.csv and PREFIX-hgs.csv")
    parser.add_argument("--limit", type=int, help="only the first N instances (smallest first)")
    parser.add_argument("--max-customers", type=int, help="skip larger instances")
    parser.add_argument("--solvers", default="pyvrp,hgs", help="comma-separated: pyvrp, hgs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cpu", type=int, help="core to pin to (default: the first allowed one)")
    parser.add_argument("--haul", help="Haul's CSV (haul bench routing --output) for the side-by-side table")
    parser.add_argument("--haul-binary", help="run this `haul` too, in the same run, interleaved per instance")
    parser.add_argument("--haul-cpu-time", action="store_true",
                        help="Haul measures its time limit in CPU time, as HGS-CVRP does")
    parser.add_argument("--haul-engines", default="automatic",
                        help="comma-separated HAUL_ROUTING_ENGINE values for --haul-binary "
                             "(automatic, hybridGenetic, ruinAndRecreate)")
    args = parser.parse_args()

    cpu = args.cpu if args.cpu is not None else min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    for s in solvers:
        if s not in SOLVERS:
            parser.error(f"unknown solver {s} (pyvrp, hgs)")

    found = instances(args.set, args.limit, args.max_customers)
    table = bks_table(args.set)
    bks = {}
    for _, name, path, _ in found:
        cost = sol_cost(os.path.splitext(path)[0] + ".sol")
        bks[name] = cost if cost is not None else table.get(name)

    if args.haul_binary:
        for engine in [e.strip() for e in args.haul_engines.split(",") if e.strip()]:
            key = "haul" if engine == "automatic" else f"haul-{engine}"
            title = "Haul" if engine == "automatic" else f"Haul {engine}"
            SOLVERS[key] = (title, lambda p, h, t, s, e=engine: run_haul(p, h, t, s, args.haul_binary, e, args.haul_cpu_time))
            solvers.insert(len([x for x in solvers if x.startswith("haul")]), key)

    results = {}
    rows_of = {key: {} for key in solvers}
    text_of = {key: ["instance,cost,bks,gap_pct,seconds,vehicles,status"] for key in solvers}
    if args.haul_binary:
        # Interleaved: every solver on one instance, then the next instance, so that the machine's
        # load changes affect all solvers alike.
        order = [(k, entry, key) for k, entry in enumerate(found, 1) for key in solvers]
    else:
        order = [(k, entry, key) for key in solvers for k, entry in enumerate(found, 1)]
    current = None
    for k, (_, name, path, h), key in order:
        title, run = SOLVERS[key]
        if not args.haul_binary and key != current:
            current = key
            print(f"== {title} (core {cpu})")
            print(text_of[key][0], flush=True)
        print(f"[{k}/{len(found)}] {title} {name} ...", file=sys.stderr, flush=True)
        try:
            r = run(path, h, args.time_limit, args.seed)
        except Exception as e:  # a solver or reader failure is a row, not the end of the run
            r = dict(status=f"error: {type(e).__name__}: {e}")
        line = row_text(name, r, bks.get(name))
        rows_of[key][name] = r
        text_of[key].append(line)
        print(line if not args.haul_binary else f"{title}: {line}", flush=True)
    for key in solvers:
        title = SOLVERS[key][0]
        s = summary(list(rows_of[key].values()), len(found), args.time_limit, args.seed, args.set)
        print(f"{title}: {s}", flush=True)
        text_of[key].append(s)
        results[key] = rows_of[key]
        if args.output:
            with open(f"{args.output}-{key}.csv", "w", encoding="utf-8") as f:
                f.write("\n".join(text_of[key]) + "\n")

    if args.haul or args.haul_binary:
        columns = [(SOLVERS[k][0], results[k]) for k in solvers]
        if args.haul:
            columns.insert(0, ("Haul (CSV)", read_haul_csv(args.haul)))
        print()
        print(side_by_side([n for _, n, _, _ in found], bks, columns))


if __name__ == "__main__":
    main()
