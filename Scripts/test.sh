#!/usr/bin/env bash
# The test command: installs what is missing, then runs the whole suite.
# Release mode with testing enabled: solver code in debug builds runs 10-50x slower.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh
export HAUL_INSTANCES="${HAUL_INSTANCES:-$(cd .. && pwd)/shared/instances}"
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
