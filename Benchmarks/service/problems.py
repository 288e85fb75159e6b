"""Writes the benchmark problems into the folder given as the first argument."""
import json, random, sys, os

out = sys.argv[1]
rng = random.Random(7)

def allocation(time_limit):
    return {"kind": "allocation", "options": {"timeLimit": time_limit, "seed": 1}, "costPerUnitDistance": 1,
            "warehouses": [{"id": f"W{i}", "location": {"x": rng.randint(0, 100), "y": rng.randint(0, 100)},
                            "capacity": 100, "openingCost": 50} for i in range(3)],
            "orders": [{"id": f"o{i}", "location": {"x": rng.randint(0, 100), "y": rng.randint(0, 100)},
                        "quantity": rng.randint(1, 9)} for i in range(10)]}

def routing(customers, time_limit):
    return {"kind": "routing", "options": {"timeLimit": time_limit, "seed": 1},
            "depots": [{"id": "hub", "location": {"x": 50, "y": 50}}],
            "vehicleTypes": [{"id": "van", "count": max(2, customers // 4), "capacity": [40]}],
            "customers": [{"id": f"c{i}", "location": {"x": rng.randint(0, 100), "y": rng.randint(0, 100)},
                           "demand": [rng.randint(1, 9)]} for i in range(customers)]}

for name, doc in {"allocation-small.json": allocation(0.1), "routing-small.json": routing(10, 0.1),
                  "routing-20.json": routing(20, 1.0)}.items():
    with open(os.path.join(out, name), "w") as f:
        json.dump(doc, f)
