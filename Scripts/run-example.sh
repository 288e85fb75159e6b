#!/usr/bin/env bash
# The main job: installs what is missing, builds haul and solves an example problem.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh
swift build -c release --product haul
EXAMPLE="${1:-Instances/examples/routing-small.json}"
.build/release/haul solve "$EXAMPLE"
