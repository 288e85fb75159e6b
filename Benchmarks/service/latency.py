"""Submit-to-plan latency: submits N jobs from C client threads at once, waits until every job has
ended, then reads each job's createdAt and finishedAt (set by the server) and prints p50/p99 of
finishedAt - createdAt and the throughput (jobs / (last finishedAt - first createdAt)).

MODE burst (default): every client submits its share at once (throughput, latency includes queueing).
MODE closed: each client submits one job, waits for it to end, then submits the next (latency of
an unloaded queue, apart from the other clients).

usage: latency.py BASE_URL TOKEN PROBLEM.json N CLIENTS [burst|closed]
"""
import json, sys, threading, time, urllib.request
from datetime import datetime

base, token, path, n, clients = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
mode = sys.argv[6] if len(sys.argv) > 6 else "burst"
body = open(path, "rb").read()
headers = {"Authorization": "Bearer " + token}

def call(method, url, data=None):
    h = dict(headers)
    if data is not None:
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(base + url, data=data, headers=h, method=method)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())

ids, lock = [], threading.Lock()
def client(count):
    mine = []
    for _ in range(count):
        mine.append(call("POST", "/v1/jobs", body)["id"])
        while mode == "closed" and call("GET", "/v1/jobs/" + mine[-1])["status"] in ("queued", "running"):
            time.sleep(0.005)
    with lock:
        ids.extend(mine)

threads = [threading.Thread(target=client, args=(n // clients + (1 if i < n % clients else 0),)) for i in range(clients)]
for t in threads: t.start()
for t in threads: t.join()

pending, jobs, deadline = set(ids), {}, time.time() + 600
while pending and time.time() < deadline:
    time.sleep(0.2)
    for i in list(pending):
        j = call("GET", "/v1/jobs/" + i)
        if j["status"] in ("succeeded", "failed", "cancelled"):
            jobs[i] = j
            pending.discard(i)

def ts(s): return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
done = [j for j in jobs.values() if j["status"] == "succeeded"]
lat = sorted(ts(j["finishedAt"]) - ts(j["createdAt"]) for j in done)
span = max(ts(j["finishedAt"]) for j in done) - min(ts(j["createdAt"]) for j in done)
pct = lambda p: lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))]
print(f"RESULT mode={mode} clients={clients} jobs={n} succeeded={len(done)} not_succeeded={n - len(done)} unfinished={len(pending)} "
      f"p50_s={pct(50):.3f} p99_s={pct(99):.3f} jobs_per_s={len(done) / span:.1f}")
