#!/usr/bin/env bash
# Service benchmark on loopback: POST /v1/jobs throughput and latency with wrk (SQLite and, with
# --postgres, PostgreSQL), submit-to-plan latency and jobs/s with 1 and 2 `haul worker` processes,
# and POST /v1/solve of a 20-stop routing problem (1 s limit) under 4 concurrent clients.
#
#   bash Benchmarks/service/run.sh              # SQLite only
#   bash Scripts/with-postgres.sh bash Benchmarks/service/run.sh --postgres
#
# HAUL=path/to/haul (default .build-server/release/haul, else .build/release/haul); DURATION=10 (s per wrk run).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=Benchmarks/service
HAUL=${HAUL:-$( [ -x .build-server/release/haul ] && echo .build-server/release/haul || echo .build/release/haul )}
DURATION=${DURATION:-10}
command -v wrk >/dev/null || { echo "installing wrk" >&2; apt-get install -y -qq wrk >/dev/null; }
postgres=0; [ "${1:-}" = "--postgres" ] && postgres=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/haul-svc.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
python3 $here/problems.py "$tmp"
export HAUL_TOKENS="bench=bench-token" HAUL_BENCH_TOKEN=bench-token
port=18080

serve() { # serve STORE WORKERS [extra flags]: starts haul serve, waits for /healthz
    local store=$1 workers=$2; shift 2
    port=$((port + 1))
    "$HAUL" serve --port $port --store "$store" --workers "$workers" --max-in-flight 100000000 --log-level warning "$@" \
        2>>"$tmp/serve.log" &
    server=$!; pids+=($server)
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return 0; sleep 0.1; done
    echo "haul serve did not start" >&2; cat "$tmp/serve.log" >&2; exit 1
}
stop() { kill -TERM "$1"; wait "$1" 2>/dev/null || true; }

submit_bench() { # submit_bench LABEL STORE
    serve "$2" 0
    HAUL_BENCH_BODY="$tmp/allocation-small.json" wrk -t2 -c16 -d2s -s $here/post.lua "http://127.0.0.1:$port/v1/jobs" >/dev/null
    echo "== POST /v1/jobs, $1, wrk -t2 -c16 -d${DURATION}s"
    HAUL_BENCH_BODY="$tmp/allocation-small.json" wrk -t2 -c16 -d${DURATION}s -s $here/post.lua "http://127.0.0.1:$port/v1/jobs" | grep RESULT
    stop $server
}

plan_bench() { # plan_bench LABEL STORE: 1 and 2 worker processes, allocation and routing
    for procs in 1 2; do
        for problem in allocation-small routing-small; do
            serve "$2" 0
            workers=()
            for _ in $(seq $procs); do
                "$HAUL" worker --store "$2" --workers 1 --poll 0.01 --log-level warning 2>>"$tmp/worker.log" &
                workers+=($!); pids+=($!)
            done
            echo "== submit-to-plan, $1, $problem, $procs worker process(es)"
            python3 $here/latency.py "http://127.0.0.1:$port" bench-token "$tmp/$problem.json" 400 8 burst
            python3 $here/latency.py "http://127.0.0.1:$port" bench-token "$tmp/$problem.json" 100 1 closed
            for w in "${workers[@]}"; do stop $w; done
            stop $server
        done
    done
}

submit_bench "SQLite" "sqlite:$tmp/submit.db"
plan_bench "SQLite" "sqlite:$tmp/plans.db"
if [ $postgres = 1 ]; then
    : "${HAUL_TEST_POSTGRES_URL:?run under Scripts/with-postgres.sh}"
    submit_bench "PostgreSQL" "$HAUL_TEST_POSTGRES_URL?schema=bench_submit"
    plan_bench "PostgreSQL" "$HAUL_TEST_POSTGRES_URL?schema=bench_plans"
fi

serve "sqlite:$tmp/solve.db" 0 --solve-concurrency 2
echo "== POST /v1/solve, routing 20 stops, 1 s limit, wrk -t2 -c4 -d20s"
HAUL_BENCH_BODY="$tmp/routing-20.json" wrk -t2 -c4 -d20s --timeout 30s -s $here/post.lua "http://127.0.0.1:$port/v1/solve" | grep RESULT
stop $server
